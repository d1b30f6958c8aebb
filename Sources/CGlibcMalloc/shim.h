// glibc's malloc tuning (mallopt), which the Glibc module does not import: kioskd limits its
// malloc arenas at start (Sources/kioskd/Kioskd.swift says why).
#ifndef KIOSK_CGLIBCMALLOC_SHIM_H
#define KIOSK_CGLIBCMALLOC_SHIM_H

#include <malloc.h>

#endif
