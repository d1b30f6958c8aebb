// Swift-facing view of libusb-1.0 (pkg-config "libusb-1.0").
//
// Swift cannot call C variadic functions, and a few libusb entry points are
// macros or newer than the oldest libusb we support (1.0.26, Debian 12).
// Everything Swift needs that is not directly importable is wrapped here in
// small `static inline` functions with fixed signatures.
#ifndef KIOSK_CLIBUSB_SHIM_H
#define KIOSK_CLIBUSB_SHIM_H

#include <libusb.h>

/// libusb_set_option is variadic; these two fixed-arity wrappers cover the
/// options the daemon uses (log level takes an int, the others take none).
static inline int kiosk_libusb_set_option_int(libusb_context *ctx, enum libusb_option option, int value) {
    return libusb_set_option(ctx, option, value);
}

static inline int kiosk_libusb_set_option(libusb_context *ctx, enum libusb_option option) {
    return libusb_set_option(ctx, option);
}

/// Creates a context. Uses libusb_init_context (libusb >= 1.0.27) when the
/// headers provide it, libusb_init + LIBUSB_OPTION_LOG_LEVEL otherwise.
static inline int kiosk_libusb_init_context(libusb_context **ctx, int log_level) {
#if defined(LIBUSB_API_VERSION) && (LIBUSB_API_VERSION >= 0x0100010A)
    struct libusb_init_option opts[1];
    opts[0].option = LIBUSB_OPTION_LOG_LEVEL;
    opts[0].value.ival = log_level;
    return libusb_init_context(ctx, opts, 1);
#else
    int r = libusb_init(ctx);
    if (r == 0) {
        (void)libusb_set_option(*ctx, LIBUSB_OPTION_LOG_LEVEL, log_level);
    }
    return r;
#endif
}

/// libusb_fill_control_setup and libusb_fill_*_transfer are static inline in
/// libusb.h and import fine, but the control-setup packet's fields must be
/// little-endian on the wire; this helper spares Swift the byte twiddling.
static inline void kiosk_libusb_fill_control_setup(unsigned char *buffer, uint8_t bmRequestType,
                                                   uint8_t bRequest, uint16_t wValue,
                                                   uint16_t wIndex, uint16_t wLength) {
    libusb_fill_control_setup(buffer, bmRequestType, bRequest, wValue, wIndex, wLength);
}

/// Size of the setup packet that precedes the data stage in a control transfer buffer.
static inline int kiosk_libusb_control_setup_size(void) {
    return (int)LIBUSB_CONTROL_SETUP_SIZE;
}

#endif
