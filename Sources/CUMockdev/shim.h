// libumockdev's C API (pkg-config "umockdev-1.0", which also brings glib/gobject).
// Used only by the test harness (kiosk-usb-harness), never by the daemon.
#ifndef KIOSK_CUMOCKDEV_SHIM_H
#define KIOSK_CUMOCKDEV_SHIM_H

#include <umockdev.h>

#endif
