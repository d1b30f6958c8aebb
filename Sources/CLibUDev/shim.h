// Swift-facing view of libudev (pkg-config "libudev"). libudev has no
// variadic entry points the daemon needs; the header imports as is.
#ifndef KIOSK_CLIBUDEV_SHIM_H
#define KIOSK_CLIBUDEV_SHIM_H

#include <libudev.h>

#endif
