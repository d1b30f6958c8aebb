// URB plumbing and the control requests the emulated device answers: descriptors, HID
// GET_REPORT / SET_REPORT (remembered, so a later GET echoes a SET, and logged so tests can
// assert the order of a host's commands), SET_IDLE. Worker thread only (see usbfs.c).
#define _GNU_SOURCE
#include "usbfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

// ---------------------------------------------------------------------------
// URB helpers (worker thread only)

void urb_entry_free(urb_entry *e) {
    if (!e) return;
    if (e->buffer) g_object_unref(e->buffer);
    g_object_unref(e->urb);
    g_free(e);
}

struct usbdevfs_urb *urb_of(urb_entry *e) { return (struct usbdevfs_urb *)e->urb->data; }

void urb_set(urb_entry *e, int status, int actual_length) {
    struct usbdevfs_urb *u = urb_of(e);
    int vals[2] = { status, actual_length };
    umockdev_ioctl_data_update(e->urb, offsetof(struct usbdevfs_urb, status), (guint8 *)&vals[0], sizeof(int));
    umockdev_ioctl_data_update(e->urb, offsetof(struct usbdevfs_urb, actual_length), (guint8 *)&vals[1], sizeof(int));
    u->status = status;
    u->actual_length = actual_length;
}

void urb_write(urb_entry *e, size_t offset, const uint8_t *data, size_t len) {
    if (!e->buffer || len == 0) return;
    umockdev_ioctl_data_update(e->buffer, offset, (guint8 *)data, (gint)len);
}

/// Answers a control request; returns the URB status (0 or -EPIPE for a stall).
int handle_control(device_instance *inst, urb_entry *e) {
    device_spec *s = inst->spec;
    struct usbdevfs_urb *u = urb_of(e);
    if (!e->buffer || u->buffer_length < 8) return -EINVAL;
    const uint8_t *setup = e->buffer->data;
    uint8_t type = setup[0], req = setup[1];
    uint16_t wValue = (uint16_t)(setup[2] | setup[3] << 8);
    uint16_t wIndex = (uint16_t)(setup[4] | setup[5] << 8);
    uint16_t wLength = (uint16_t)(setup[6] | setup[7] << 8);
    size_t room = (size_t)u->buffer_length - 8;
    if (wLength < room) room = wLength;
    GByteArray *reply = NULL;
    int status = 0;

    if (type == 0x80 && req == 0x06) {  // GET_DESCRIPTOR, device recipient
        uint8_t dtype = (uint8_t)(wValue >> 8), dindex = (uint8_t)(wValue & 0xFF);
        if (dtype == 0x01) reply = device_descriptor(s);
        else if (dtype == 0x02 && dindex == 0) reply = config_descriptor(s);
        else if (dtype == 0x03) reply = string_descriptor(s, dindex);
        if (!reply) status = -EPIPE;
    } else if (type == 0x81 && req == 0x06) {  // GET_DESCRIPTOR, interface recipient (HID)
        uint8_t dtype = (uint8_t)(wValue >> 8);
        if (wIndex != 0 || s->if_class != 3) status = -EPIPE;
        else if (dtype == 0x22) { reply = g_byte_array_new(); g_byte_array_append(reply, s->rdesc, (guint)s->rdesc_len); }
        else if (dtype == 0x21) {
            GByteArray *c = config_descriptor(s);
            reply = g_byte_array_new();
            g_byte_array_append(reply, c->data + 18, 9);  // the HID descriptor follows config (9) + interface (9)
            g_byte_array_unref(c);
        } else status = -EPIPE;
        if (reply) harness_log("%s: GET_DESCRIPTOR(0x%02x) interface %u, %u bytes", s->name, dtype, wIndex, reply->len);
    } else if (type == 0xA1 && req == 0x01) {  // HID GET_REPORT
        uint8_t rtype = (uint8_t)(wValue >> 8), rid = (uint8_t)(wValue & 0xFF);
        status = -EPIPE;
        for (size_t i = 0; i < s->report_count; i++) {
            if (s->reports[i].type == rtype && s->reports[i].id == rid) {
                reply = g_byte_array_new();
                g_byte_array_append(reply, s->reports[i].data, (guint)s->reports[i].len);
                status = 0;
                break;
            }
        }
        harness_log("%s: GET_REPORT type %u id %u -> %s", s->name, rtype, rid, status ? "stall" : "ok");
    } else if (type == 0xA1 && req == 0x00 && s->if_class == 7) {  // printer class GET_DEVICE_ID
        // wValue: configuration index; wIndex: interface << 8 | alternate setting. The answer is
        // the IEEE 1284 string behind its length (2 bytes, big-endian, counting themselves).
        if (!s->device_id || (wIndex >> 8) != 0 || wValue != 0) {
            status = -EPIPE;
        } else {
            size_t n = strlen(s->device_id);
            if (n > 0xfffd) n = 0xfffd;
            uint8_t len[2] = { (uint8_t)((n + 2) >> 8), (uint8_t)(n + 2) };
            reply = g_byte_array_new();
            g_byte_array_append(reply, len, 2);
            g_byte_array_append(reply, (const guint8 *)s->device_id, (guint)n);
        }
        harness_log("%s: GET_DEVICE_ID config %u interface %u alt %u -> %s", s->name, wValue, wIndex >> 8, wIndex & 0xff,
                    status ? "stall" : "ok");
    } else if (type == 0x21 && req == 0x09) {  // HID SET_REPORT: remember it, GET_REPORT echoes it
        uint8_t rtype = (uint8_t)(wValue >> 8), rid = (uint8_t)(wValue & 0xFF);
        const uint8_t *data = e->buffer->data + 8;
        char *hex = hex_encode(data, room);
        harness_log("%s: SET_REPORT type %u id %u data %s", s->name, rtype, rid, hex);
        g_free(hex);
        size_t i;
        for (i = 0; i < s->report_count; i++)
            if (s->reports[i].type == rtype && s->reports[i].id == rid) break;
        if (i == s->report_count) {
            s->reports = g_realloc(s->reports, (s->report_count + 1) * sizeof *s->reports);
            s->report_count++;
            s->reports[i].type = rtype;
            s->reports[i].id = rid;
        } else {
            g_free(s->reports[i].data);
        }
        s->reports[i].data = g_memdup2(data, room);
        s->reports[i].len = room;
        urb_set(e, 0, (int)room);
        return 0;
    } else if (type == 0x21 && req == 0x0A) {  // HID SET_IDLE
        urb_set(e, 0, 0);
        return 0;
    } else if (type == 0x00 && req == 0x09) {  // SET_CONFIGURATION sent as a control transfer
        urb_set(e, 0, 0);
        return 0;
    } else {
        harness_log("%s: unsupported control request %02x %02x %04x %04x %u: stall", s->name, type, req, wValue, wIndex, wLength);
        status = -EPIPE;
    }

    if (status != 0) {
        if (reply) g_byte_array_unref(reply);
        urb_set(e, status, 0);
        return status;
    }
    size_t n = reply->len < room ? reply->len : room;
    urb_write(e, 8, reply->data, n);
    g_byte_array_unref(reply);
    urb_set(e, 0, (int)n);
    return 0;
}
