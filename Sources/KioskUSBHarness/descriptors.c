// The emulated device's USB descriptors: device, configuration (one interface, its HID
// class descriptor, one interrupt IN endpoint) and strings, built from the scenario.
#define _GNU_SOURCE
#include "usbfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

// ---------------------------------------------------------------------------
// Descriptors

static void put16(GByteArray *a, uint16_t v) {
    uint8_t b[2] = { (uint8_t)(v & 0xFF), (uint8_t)(v >> 8) };
    g_byte_array_append(a, b, 2);
}

static void put8(GByteArray *a, uint8_t v) { g_byte_array_append(a, &v, 1); }

int endpoint_count(const device_spec *s) { return (s->ep_in != 0) + (s->bulk_out != 0) + (s->bulk_in != 0); }

GByteArray *config_descriptor(const device_spec *s) {
    GByteArray *c = g_byte_array_new();
    // Configuration (9): wTotalLength patched below.
    put8(c, 9); put8(c, 0x02); put16(c, 0); put8(c, 1); put8(c, 1); put8(c, 0);
    put8(c, 0x80); put8(c, 50);  // bus powered, 100 mA
    // Interface 0 (9): the interrupt IN endpoint, and bulk OUT / IN when the scenario has them.
    put8(c, 9); put8(c, 0x04); put8(c, 0); put8(c, 0); put8(c, (uint8_t)endpoint_count(s));
    put8(c, s->if_class); put8(c, s->if_subclass); put8(c, s->if_protocol); put8(c, 0);
    if (s->if_class == 3) {
        // HID class descriptor (9): one report descriptor of rdesc_len bytes.
        put8(c, 9); put8(c, 0x21); put16(c, 0x0111); put8(c, 0); put8(c, 1);
        put8(c, 0x22); put16(c, (uint16_t)s->rdesc_len);
    }
    if (s->ep_in) {  // Endpoint (7): interrupt IN.
        put8(c, 7); put8(c, 0x05); put8(c, s->ep_in); put8(c, 0x03);
        put16(c, s->max_packet); put8(c, s->interval);
    }
    if (s->bulk_out) {  // Endpoint (7): bulk OUT (bInterval unused).
        put8(c, 7); put8(c, 0x05); put8(c, s->bulk_out); put8(c, 0x02);
        put16(c, s->bulk_max_packet); put8(c, 0);
    }
    if (s->bulk_in) {  // Endpoint (7): bulk IN.
        put8(c, 7); put8(c, 0x05); put8(c, s->bulk_in); put8(c, 0x02);
        put16(c, s->bulk_max_packet); put8(c, 0);
    }
    c->data[2] = (uint8_t)(c->len & 0xFF);
    c->data[3] = (uint8_t)(c->len >> 8);
    return c;
}

GByteArray *device_descriptor(const device_spec *s) {
    GByteArray *d = g_byte_array_new();
    put8(d, 18); put8(d, 0x01); put16(d, 0x0200);
    put8(d, 0); put8(d, 0); put8(d, 0);  // class per interface
    put8(d, 64);                         // bMaxPacketSize0
    put16(d, s->vid); put16(d, s->pid); put16(d, s->bcd_device);
    put8(d, s->manufacturer ? 1 : 0); put8(d, s->product ? 2 : 0); put8(d, s->serial ? 3 : 0);
    put8(d, 1);
    return d;
}

GByteArray *device_descriptors(const device_spec *s) {
    GByteArray *all = device_descriptor(s);
    GByteArray *c = config_descriptor(s);
    g_byte_array_append(all, c->data, c->len);
    g_byte_array_unref(c);
    return all;
}

GByteArray *string_descriptor(const device_spec *s, uint8_t index) {
    GByteArray *d = g_byte_array_new();
    if (index == 0) {
        put8(d, 4); put8(d, 0x03); put16(d, 0x0409);
        return d;
    }
    const char *str = index == 1 ? s->manufacturer : index == 2 ? s->product : index == 3 ? s->serial : NULL;
    if (!str) { g_byte_array_unref(d); return NULL; }
    glong n = 0;
    gunichar2 *u = g_utf8_to_utf16(str, -1, NULL, &n, NULL);
    if (!u) { g_byte_array_unref(d); return NULL; }
    if (n > 126) n = 126;
    put8(d, (uint8_t)(2 + 2 * n)); put8(d, 0x03);
    for (glong i = 0; i < n; i++) put16(d, u[i]);
    g_free(u);
    return d;
}
