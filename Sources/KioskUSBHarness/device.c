// The emulated usbfs device: sysfs description, the device node FIFO, and the
// ioctl handler that stands in for the kernel's usbfs driver.
//
// Threads: umockdev runs `on_ioctl` on its own worker thread (one GMainContext
// per testbed); the scheduler thread (main.c) plugs, unplugs and queues reports.
// Both take `device_instance.lock`. URB memory (UMockdevIoctlData) is only touched
// on the worker thread, inside an ioctl the client is blocked in, because that is
// when umockdev can copy our changes back into the client's address space.
//
// Why a FIFO: umockdev creates device nodes as plain files, and a plain file always
// polls ready, so libusb's event loop would spin at 100% CPU calling
// USBDEVFS_REAPURBNDELAY. libusb polls usbfs nodes for POLLOUT. We make the node a
// one-page FIFO and keep a byte in it (full pipe = not writable) while nothing can
// be reaped; we drain it (writable) exactly while a URB is reapable. The client
// never reads or writes the node, it only polls and ioctls it.
#define _GNU_SOURCE
#include "harness.h"

#include <errno.h>
#include <fcntl.h>
#include <sys/ioctl.h>
#include <linux/usbdevice_fs.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/// A report the device sent, with the time it was queued (for the delay statistics).
typedef struct queued_report {
    GBytes *bytes;
    gint64 queued_at;  // monotonic µs
} queued_report;

static void queued_report_free(queued_report *r) {
    g_bytes_unref(r->bytes);
    g_free(r);
}

typedef struct urb_entry {
    UMockdevIoctlData *urb;     // local copy of struct usbdevfs_urb (ref held)
    UMockdevIoctlData *buffer;  // local copy of the URB's buffer (ref held), may be NULL
    int killed;                 // device vanished: reap with -ESHUTDOWN
    int fail_status;            // a scenario "error" event: reap with this (negative errno) status
} urb_entry;

static GMutex first_poll_lock;
static GCond first_poll_cond;
static int first_poll;
static int wait_aborted;

int device_first_poll_seen(void) {
    g_mutex_lock(&first_poll_lock);
    int seen = first_poll;
    g_mutex_unlock(&first_poll_lock);
    return seen;
}

void device_wait_first_poll(gint64 deadline) {
    g_mutex_lock(&first_poll_lock);
    while (!first_poll && !wait_aborted) {
        if (!g_cond_wait_until(&first_poll_cond, &first_poll_lock, deadline)) break;
    }
    g_mutex_unlock(&first_poll_lock);
}

void device_abort_wait(void) {
    g_mutex_lock(&first_poll_lock);
    wait_aborted = 1;
    g_cond_broadcast(&first_poll_cond);
    g_mutex_unlock(&first_poll_lock);
}

static void mark_first_poll(void) {
    g_mutex_lock(&first_poll_lock);
    if (!first_poll) {
        first_poll = 1;
        g_cond_broadcast(&first_poll_cond);
    }
    g_mutex_unlock(&first_poll_lock);
}

// ---------------------------------------------------------------------------
// Descriptors

static void put16(GByteArray *a, uint16_t v) {
    uint8_t b[2] = { (uint8_t)(v & 0xFF), (uint8_t)(v >> 8) };
    g_byte_array_append(a, b, 2);
}

static void put8(GByteArray *a, uint8_t v) { g_byte_array_append(a, &v, 1); }

static GByteArray *config_descriptor(const device_spec *s) {
    GByteArray *c = g_byte_array_new();
    // Configuration (9): wTotalLength patched below.
    put8(c, 9); put8(c, 0x02); put16(c, 0); put8(c, 1); put8(c, 1); put8(c, 0);
    put8(c, 0x80); put8(c, 50);  // bus powered, 100 mA
    // Interface 0 (9): one endpoint.
    put8(c, 9); put8(c, 0x04); put8(c, 0); put8(c, 0); put8(c, 1);
    put8(c, s->if_class); put8(c, s->if_subclass); put8(c, s->if_protocol); put8(c, 0);
    if (s->if_class == 3) {
        // HID class descriptor (9): one report descriptor of rdesc_len bytes.
        put8(c, 9); put8(c, 0x21); put16(c, 0x0111); put8(c, 0); put8(c, 1);
        put8(c, 0x22); put16(c, (uint16_t)s->rdesc_len);
    }
    // Endpoint (7): interrupt IN.
    put8(c, 7); put8(c, 0x05); put8(c, s->ep_in); put8(c, 0x03);
    put16(c, s->max_packet); put8(c, s->interval);
    c->data[2] = (uint8_t)(c->len & 0xFF);
    c->data[3] = (uint8_t)(c->len >> 8);
    return c;
}

static GByteArray *device_descriptor(const device_spec *s) {
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

static GByteArray *string_descriptor(const device_spec *s, uint8_t index) {
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

// ---------------------------------------------------------------------------
// The node FIFO

static void fifo_update(device_instance *inst) {
    int ready = inst->done.length > 0 || (inst->reports.length > 0 && inst->pending_in.length > 0);
    if (inst->gone && inst->done.length == 0) ready = 0;
    if (ready == inst->fifo_ready) return;
    if (ready) {
        char buf[4096];
        while (read(inst->fifo_fd, buf, sizeof buf) > 0) {}
    } else {
        char b = 0;
        if (write(inst->fifo_fd, &b, 1) < 0 && errno != EAGAIN) harness_log("%s: fifo write: %s", inst->spec->name, strerror(errno));
    }
    inst->fifo_ready = ready;
}

// ---------------------------------------------------------------------------
// URB helpers (worker thread only)

static void urb_entry_free(urb_entry *e) {
    if (!e) return;
    if (e->buffer) g_object_unref(e->buffer);
    g_object_unref(e->urb);
    g_free(e);
}

static struct usbdevfs_urb *urb_of(urb_entry *e) { return (struct usbdevfs_urb *)e->urb->data; }

static void urb_set(urb_entry *e, int status, int actual_length) {
    struct usbdevfs_urb *u = urb_of(e);
    int vals[2] = { status, actual_length };
    umockdev_ioctl_data_update(e->urb, offsetof(struct usbdevfs_urb, status), (guint8 *)&vals[0], sizeof(int));
    umockdev_ioctl_data_update(e->urb, offsetof(struct usbdevfs_urb, actual_length), (guint8 *)&vals[1], sizeof(int));
    u->status = status;
    u->actual_length = actual_length;
}

static void urb_write(urb_entry *e, size_t offset, const uint8_t *data, size_t len) {
    if (!e->buffer || len == 0) return;
    umockdev_ioctl_data_update(e->buffer, offset, (guint8 *)data, (gint)len);
}

/// Answers a control request; returns the URB status (0 or -EPIPE for a stall).
static int handle_control(device_instance *inst, urb_entry *e) {
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

/// Pairs the oldest waiting report with the oldest interrupt-IN URB.
static urb_entry *complete_interrupt(device_instance *inst) {
    urb_entry *e = g_queue_pop_head(&inst->pending_in);
    queued_report *r = g_queue_pop_head(&inst->reports);
    gsize len = 0;
    const uint8_t *data = g_bytes_get_data(r->bytes, &len);
    struct usbdevfs_urb *u = urb_of(e);
    size_t cap = (size_t)u->buffer_length;
    if (len <= cap) {
        urb_write(e, 0, data, len);
        urb_set(e, 0, (int)len);
    } else {
        // A report longer than the transfer: the host controller reports babble.
        urb_write(e, 0, data, cap);
        urb_set(e, -EOVERFLOW, (int)cap);
        harness_log("%s: report of %zu bytes overflowed a %zu-byte transfer", inst->spec->name, (size_t)len, cap);
    }
    device_spec *s = inst->spec;
    s->delivered++;
    gint64 now = g_get_monotonic_time();
    gint64 delay = now - r->queued_at;
    if (delay > s->max_delay_us) s->max_delay_us = delay;
    s->total_delay_us += delay;
    s->last_delivered_us = now;
    queued_report_free(r);
    return e;
}

static gboolean find_and_remove(GQueue *q, gulong client_addr, urb_entry **out) {
    for (GList *l = q->head; l; l = l->next) {
        urb_entry *e = l->data;
        if (e->urb->client_addr == client_addr) {
            g_queue_delete_link(q, l);
            *out = e;
            return TRUE;
        }
    }
    return FALSE;
}

static void drop_pending(device_instance *inst) {
    urb_entry *e;
    while ((e = g_queue_pop_head(&inst->pending_in))) urb_entry_free(e);
    while ((e = g_queue_pop_head(&inst->pending_other))) urb_entry_free(e);
    while ((e = g_queue_pop_head(&inst->done))) urb_entry_free(e);
}

static UMockdevIoctlData *resolve_arg(UMockdevIoctlClient *client, gsize len) {
    GError *err = NULL;
    UMockdevIoctlData *d = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, len, &err);
    if (!d) {
        harness_log("cannot resolve ioctl argument: %s", err ? err->message : "null pointer");
        g_clear_error(&err);
    }
    return d;
}

/// usbhid's hid device exists only while usbhid is bound (the kernel removes it on unbind):
/// its directory is moved out of sight and back. Plain renames inside the testbed's real
/// directory, so the ioctl worker never calls into the testbed API.
static void hid_node_visible(device_instance *inst, int visible) {
    if (!inst->hid_real) return;
    const char *from = visible ? inst->hid_hidden : inst->hid_real, *to = visible ? inst->hid_real : inst->hid_hidden;
    if (rename(from, to) == 0)
        harness_log("%s: sysfs hid device %s", inst->spec->name, visible ? "added (usbhid bound)" : "removed (usbhid unbound)");
}

static void bind_driver(device_instance *inst, const char *why) {
    if (inst->spec->kernel_driver && !inst->bound_driver && !(inst->claimed & 1)) {
        inst->bound_driver = g_strdup(inst->spec->kernel_driver);
        harness_log("%s: kernel driver %s attached to interface 0 (%s)", inst->spec->name, inst->bound_driver, why);
        hid_node_visible(inst, 1);
    }
}

static int unbind_driver(device_instance *inst) {
    if (!inst->bound_driver) return -ENODATA;
    harness_log("%s: kernel driver %s detached from interface 0", inst->spec->name, inst->bound_driver);
    g_clear_pointer(&inst->bound_driver, g_free);
    hid_node_visible(inst, 0);
    return 0;
}

#define COMPLETE(res, err) do { umockdev_ioctl_client_complete(client, (res), (err)); goto out; } while (0)

static gboolean on_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user_data) {
    (void)base;
    device_instance *inst = user_data;
    device_spec *s = inst->spec;
    gulong req = umockdev_ioctl_client_get_request(client);
    g_mutex_lock(&inst->lock);

    if (req == USBDEVFS_REAPURB || req == USBDEVFS_REAPURBNDELAY) {
        s->reap_calls++;
        urb_entry *e = g_queue_pop_head(&inst->done);
        if (!e && inst->reports.length > 0 && inst->pending_in.length > 0 && !inst->gone) e = complete_interrupt(inst);
        if (!e) {
            s->reap_empty++;
            COMPLETE(-1, inst->gone ? ENODEV : EAGAIN);
        }
        if (e->killed) urb_set(e, -ESHUTDOWN, 0);
        else if (e->fail_status) urb_set(e, e->fail_status, 0);
        // The argument points at the client's `struct usbdevfs_urb *` slot; resolve
        // that slot, then point it at the URB (umockdev writes the client address).
        UMockdevIoctlData *slot = resolve_arg(client, sizeof(void *));
        if (!slot || !umockdev_ioctl_data_set_ptr(slot, 0, e->urb)) {
            harness_log("%s: cannot hand a reaped URB back to the client", s->name);
            urb_entry_free(e);
            COMPLETE(-1, EFAULT);
        }
        umockdev_ioctl_client_complete(client, 0, 0);
        urb_entry_free(e);
        goto out;
    }

    if (req == USBDEVFS_DISCARDURB) {
        // The argument is the client's URB address itself, not a pointer to resolve.
        gulong addr = *(gulong *)umockdev_ioctl_client_get_arg(client)->data;
        urb_entry *e = NULL;
        if (find_and_remove(&inst->pending_in, addr, &e) || find_and_remove(&inst->pending_other, addr, &e)) {
            urb_set(e, -ENOENT, 0);
            g_queue_push_tail(&inst->done, e);
            COMPLETE(0, 0);
        }
        COMPLETE(-1, EINVAL);
    }

    if (req == USBDEVFS_GET_CAPABILITIES) {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(uint32_t));
        if (!d) COMPLETE(-1, EFAULT);
        uint32_t caps = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                        USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
        umockdev_ioctl_data_update(d, 0, (guint8 *)&caps, sizeof caps);
        COMPLETE(0, 0);
    }

    if (inst->gone) COMPLETE(-1, ENODEV);

    switch (req) {
    case USBDEVFS_SUBMITURB: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(struct usbdevfs_urb));
        if (!d) COMPLETE(-1, EFAULT);
        struct usbdevfs_urb *u = (struct usbdevfs_urb *)d->data;
        urb_entry *e = g_new0(urb_entry, 1);
        e->urb = g_object_ref(d);
        if (u->buffer_length > 0) {
            GError *err = NULL;
            e->buffer = umockdev_ioctl_data_resolve(d, offsetof(struct usbdevfs_urb, buffer), (gsize)u->buffer_length, &err);
            if (!e->buffer) {
                harness_log("%s: cannot resolve URB buffer: %s", s->name, err ? err->message : "?");
                g_clear_error(&err);
                urb_entry_free(e);
                COMPLETE(-1, EFAULT);
            }
            g_object_ref(e->buffer);
        }
        if (u->type == USBDEVFS_URB_TYPE_CONTROL && e->buffer && u->buffer_length >= 8 &&
            (e->buffer->data[0] & 0x1f) == 0x01 && (e->buffer->data[0] & 0x60) != 0x40 &&
            inst->bound_driver && !(inst->claimed & 1)) {
            // usbfs claims an interface for a request addressed to it (check_ctrlrecip), which
            // fails while a kernel driver holds it: the submit fails with EBUSY, as on Linux.
            harness_log("%s: control request to interface 0 refused (EBUSY): %s holds it", s->name, inst->bound_driver);
            urb_entry_free(e);
            COMPLETE(-1, EBUSY);
        }
        if (u->type == USBDEVFS_URB_TYPE_CONTROL) {
            handle_control(inst, e);
            g_queue_push_tail(&inst->done, e);
        } else if (u->type == USBDEVFS_URB_TYPE_INTERRUPT && u->endpoint == s->ep_in) {
            if (!(inst->claimed & 1)) {
                urb_entry_free(e);
                COMPLETE(-1, ENOENT);  // usbfs refuses I/O on an interface it does not own
            }
            mark_first_poll();
            if (inst->fail_next) {
                // An "error" event came while no transfer was waiting: this one fails at once.
                e->fail_status = inst->fail_next;
                inst->fail_next = 0;
                g_queue_push_tail(&inst->done, e);
            } else {
                g_queue_push_tail(&inst->pending_in, e);
            }
        } else if (!(u->endpoint & 0x80)) {
            char *hex = hex_encode(e->buffer ? e->buffer->data : NULL, e->buffer ? (size_t)u->buffer_length : 0);
            harness_log("%s: OUT endpoint 0x%02x data %s", s->name, u->endpoint, hex);
            g_free(hex);
            urb_set(e, 0, u->buffer_length);
            g_queue_push_tail(&inst->done, e);
        } else {
            g_queue_push_tail(&inst->pending_other, e);
        }
        COMPLETE(0, 0);
    }
    case USBDEVFS_CLAIMINTERFACE: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(unsigned int));
        if (!d) COMPLETE(-1, EFAULT);
        unsigned int ifno = *(unsigned int *)d->data;
        if (ifno != 0) COMPLETE(-1, ENOENT);
        if (inst->bound_driver) COMPLETE(-1, EBUSY);
        inst->claimed |= 1u;
        harness_log("%s: interface 0 claimed", s->name);
        COMPLETE(0, 0);
    }
    case USBDEVFS_RELEASEINTERFACE: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(unsigned int));
        if (!d) COMPLETE(-1, EFAULT);
        unsigned int ifno = *(unsigned int *)d->data;
        if (ifno != 0 || !(inst->claimed & 1)) COMPLETE(-1, EINVAL);
        inst->claimed &= ~1u;
        harness_log("%s: interface 0 released", s->name);
        COMPLETE(0, 0);
    }
    case USBDEVFS_DISCONNECT_CLAIM: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(struct usbdevfs_disconnect_claim));
        if (!d) COMPLETE(-1, EFAULT);
        struct usbdevfs_disconnect_claim *dc = (struct usbdevfs_disconnect_claim *)d->data;
        if (dc->interface != 0) COMPLETE(-1, ENOENT);
        if (inst->claimed & 1) COMPLETE(-1, EBUSY);
        if (inst->bound_driver) {
            int is_named = strncmp(inst->bound_driver, dc->driver, sizeof dc->driver) == 0;
            if ((dc->flags & USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER) && !is_named) COMPLETE(-1, EBUSY);
            if ((dc->flags & USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) && is_named) COMPLETE(-1, EBUSY);
            unbind_driver(inst);
        }
        inst->claimed |= 1u;
        harness_log("%s: interface 0 claimed (disconnect-and-claim)", s->name);
        COMPLETE(0, 0);
    }
    case USBDEVFS_GETDRIVER: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(struct usbdevfs_getdriver));
        if (!d) COMPLETE(-1, EFAULT);
        struct usbdevfs_getdriver gd;
        memcpy(&gd, d->data, sizeof gd);
        if (gd.interface != 0) COMPLETE(-1, ENODATA);
        const char *name = inst->bound_driver ? inst->bound_driver : (inst->claimed & 1) ? "usbfs" : NULL;
        if (!name) COMPLETE(-1, ENODATA);
        memset(gd.driver, 0, sizeof gd.driver);
        g_strlcpy(gd.driver, name, sizeof gd.driver);
        umockdev_ioctl_data_update(d, 0, (guint8 *)&gd, sizeof gd);
        COMPLETE(0, 0);
    }
    case USBDEVFS_IOCTL: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(struct usbdevfs_ioctl));
        if (!d) COMPLETE(-1, EFAULT);
        struct usbdevfs_ioctl *io = (struct usbdevfs_ioctl *)d->data;
        if (io->ifno != 0) COMPLETE(-1, EINVAL);
        if ((unsigned long)io->ioctl_code == USBDEVFS_DISCONNECT) {
            int r = unbind_driver(inst);
            COMPLETE(r == 0 ? 0 : -1, r == 0 ? 0 : -r);
        }
        if ((unsigned long)io->ioctl_code == USBDEVFS_CONNECT) {
            if (inst->claimed & 1) COMPLETE(-1, EBUSY);
            bind_driver(inst, "reattach requested");
            COMPLETE(0, 0);
        }
        COMPLETE(-1, ENOTTY);
    }
    case USBDEVFS_SETCONFIGURATION:
    case USBDEVFS_SETINTERFACE:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESETEP:
    case USBDEVFS_RESET:
        COMPLETE(0, 0);
    default:
        harness_log("%s: unhandled usbfs ioctl 0x%lx", s->name, req);
        COMPLETE(-1, ENOTTY);
    }

out:
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);
    return TRUE;
}

static void on_client_vanished(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user_data) {
    (void)base; (void)client;
    device_instance *inst = user_data;
    g_mutex_lock(&inst->lock);
    // Closing a usbfs fd kills its URBs and releases its interfaces; the kernel
    // driver is not rebound automatically (libusb reattaches explicitly).
    drop_pending(inst);
    inst->claimed = 0;
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);
    harness_log("%s: client closed %s", inst->spec->name, inst->devnode);
}

// ---------------------------------------------------------------------------
// Plug / unplug (scheduler or main thread)

/// The interface and, while usbhid is bound, its hid device with the kernel's copy of the
/// report descriptor (`report_descriptor`), as a kernel lays them out under the USB device.
static gboolean add_hid_sysfs(UMockdevTestbed *tb, device_instance *inst, GError **error) {
    static unsigned hid_sequence = 0;
    device_spec *s = inst->spec;
    inst->if_syspath = g_strdup_printf("%s/%d-%d:1.0", inst->syspath, s->bus, s->port);
    GString *t = g_string_new(NULL);
    g_string_append_printf(t, "P: %s\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_interface\n", inst->if_syspath + 4);
    g_string_append_printf(t, "E: INTERFACE=%u/%u/%u\nE: PRODUCT=%x/%x/%x\n", s->if_class, s->if_subclass, s->if_protocol,
                           s->vid, s->pid, s->bcd_device);
    if (s->kernel_driver) g_string_append_printf(t, "E: DRIVER=%s\n", s->kernel_driver);
    g_string_append_printf(t, "A: bInterfaceNumber=00\\n\nA: bAlternateSetting= 0\\n\nA: bNumEndpoints=01\\n\n"
                              "A: bInterfaceClass=%02x\\n\nA: bInterfaceSubClass=%02x\\n\nA: bInterfaceProtocol=%02x\\n\n",
                           s->if_class, s->if_subclass, s->if_protocol);
    char *text = g_string_free(t, FALSE);
    gboolean ok = umockdev_testbed_add_from_string(tb, text, error);
    g_free(text);
    if (!ok) return FALSE;
    char *hid_name = g_strdup_printf("0003:%04X:%04X.%04X", s->vid, s->pid, ++hid_sequence & 0xFFFF);
    inst->hid_syspath = g_strdup_printf("%s/%s", inst->if_syspath, hid_name);
    char *desc = hex_encode(s->rdesc, s->rdesc_len);
    t = g_string_new(NULL);
    g_string_append_printf(t, "P: %s\nE: SUBSYSTEM=hid\nE: DRIVER=hid-generic\nE: HID_ID=0003:%08X:%08X\n",
                           inst->hid_syspath + 4, s->vid, s->pid);
    g_string_append_printf(t, "H: report_descriptor=%s\n", desc);
    g_free(desc);
    text = g_string_free(t, FALSE);
    ok = umockdev_testbed_add_from_string(tb, text, error);
    g_free(text);
    if (!ok) { g_free(hid_name); return FALSE; }
    char *root = umockdev_testbed_get_root_dir(tb);
    inst->hid_real = g_build_filename(root, inst->hid_syspath, NULL);
    char *hidden = g_strdup_printf(".%s.unbound", hid_name);
    inst->hid_hidden = g_build_filename(root, inst->if_syspath, hidden, NULL);
    g_free(hidden);
    g_free(root);
    g_free(hid_name);
    // Plugged with the driver unbound (kernel_driver null): there is no hid device.
    if (!inst->bound_driver) hid_node_visible(inst, 0);
    harness_log("%s: sysfs interface %s%s", s->name, inst->if_syspath, inst->bound_driver ? " with its hid device" : "");
    return TRUE;
}

device_instance *device_plug(UMockdevTestbed *tb, device_spec *s, GError **error) {
    device_instance *inst = g_new0(device_instance, 1);
    inst->spec = s;
    inst->devnum = s->next_devnum++;
    if (s->next_devnum > 127) s->next_devnum = 2;
    g_mutex_init(&inst->lock);
    g_queue_init(&inst->pending_in);
    g_queue_init(&inst->pending_other);
    g_queue_init(&inst->done);
    g_queue_init(&inst->reports);
    snprintf(inst->devnode, sizeof inst->devnode, "/dev/bus/usb/%03d/%03d", s->bus, inst->devnum);

    // 1. The node, as a FIFO, before anything announces the device.
    char *root = umockdev_testbed_get_root_dir(tb);
    inst->fifo_path = g_build_filename(root, inst->devnode, NULL);
    char *dir = g_path_get_dirname(inst->fifo_path);
    g_mkdir_with_parents(dir, 0755);
    g_free(dir);
    g_free(root);
    unlink(inst->fifo_path);
    if (mkfifo(inst->fifo_path, 0660) != 0 ||
        (inst->fifo_fd = open(inst->fifo_path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create node FIFO %s: %s", inst->fifo_path, strerror(errno));
        return NULL;
    }
    (void)fcntl(inst->fifo_fd, F_SETPIPE_SZ, 4096);
    inst->fifo_ready = 1;  // empty pipe polls writable; fifo_update fills it
    fifo_update(inst);
    bind_driver(inst, "plugged");

    // 2. The usbfs emulation behind the node.
    inst->handler = umockdev_ioctl_base_new();
    g_signal_connect(inst->handler, "handle-ioctl", G_CALLBACK(on_ioctl), inst);
    g_signal_connect(inst->handler, "client-vanished", G_CALLBACK(on_client_vanished), inst);
    if (!umockdev_testbed_attach_ioctl(tb, inst->devnode, inst->handler, error)) return NULL;

    // 3. sysfs + udev properties; add_from_string synthesizes the "add" uevent.
    GByteArray *desc = device_descriptors(s);
    char *deschex = hex_encode(desc->data, desc->len);
    g_byte_array_unref(desc);
    GString *t = g_string_new(NULL);
    g_string_append_printf(t, "P: /devices/pci0000:00/0000:00:14.0/usb%d/%d-%d\n", s->bus, s->bus, s->port);
    g_string_append(t, "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n");
    g_string_append_printf(t, "E: DEVNAME=%s\n", inst->devnode);
    g_string_append_printf(t, "E: PRODUCT=%x/%x/%x\n", s->vid, s->pid, s->bcd_device);
    g_string_append_printf(t, "E: BUSNUM=%03d\nE: DEVNUM=%03d\n", s->bus, inst->devnum);
    g_string_append_printf(t, "E: ID_VENDOR_ID=%04x\nE: ID_MODEL_ID=%04x\n", s->vid, s->pid);
    if (s->serial) g_string_append_printf(t, "E: ID_SERIAL_SHORT=%s\n", s->serial);
    g_string_append_printf(t, "A: busnum=%d\\n\nA: devnum=%d\\n\n", s->bus, inst->devnum);
    g_string_append_printf(t, "A: idVendor=%04x\\n\nA: idProduct=%04x\\n\nA: bcdDevice=%04x\\n\n", s->vid, s->pid, s->bcd_device);
    g_string_append(t, "A: bConfigurationValue=1\\n\nA: bNumConfigurations=1\\n\nA: bNumInterfaces= 1\\n\nA: speed=12\\n\n");
    g_string_append(t, "A: bMaxPacketSize0=64\\n\nA: power/control=auto\\n\n");
    if (s->manufacturer) g_string_append_printf(t, "A: manufacturer=%s\\n\n", s->manufacturer);
    if (s->product) g_string_append_printf(t, "A: product=%s\\n\n", s->product);
    if (s->serial) g_string_append_printf(t, "A: serial=%s\\n\n", s->serial);
    g_string_append_printf(t, "H: descriptors=%s\n", deschex);
    g_free(deschex);
    inst->syspath = g_strdup_printf("/sys/devices/pci0000:00/0000:00:14.0/usb%d/%d-%d", s->bus, s->bus, s->port);
    // No "N:" line: umockdev would create the node itself (a pty or a plain file);
    // the FIFO made above is the node.
    char *text = g_string_free(t, FALSE);
    gboolean ok = umockdev_testbed_add_from_string(tb, text, error);
    g_free(text);
    if (!ok) return NULL;
    if (s->hid_sysfs && !add_hid_sysfs(tb, inst, error)) return NULL;
    s->current = inst;
    harness_log("%s: plugged %04x:%04x at %s (%s)", s->name, s->vid, s->pid, inst->devnode, inst->syspath);
    return inst;
}

void device_unplug(UMockdevTestbed *tb, device_instance *inst) {
    device_spec *s = inst->spec;
    g_mutex_lock(&inst->lock);
    inst->gone = 1;
    unsigned lost = inst->reports.length;
    s->dropped += lost;
    queued_report *r;
    while ((r = g_queue_pop_head(&inst->reports))) queued_report_free(r);
    // usbfs kills every URB of a vanished device; they are still reaped, with
    // -ESHUTDOWN, which libusb reports as LIBUSB_TRANSFER_NO_DEVICE. The status is
    // written at reap time (worker thread, inside the client's ioctl).
    urb_entry *e;
    while ((e = g_queue_pop_head(&inst->pending_in))) { e->killed = 1; g_queue_push_tail(&inst->done, e); }
    while ((e = g_queue_pop_head(&inst->pending_other))) { e->killed = 1; g_queue_push_tail(&inst->done, e); }
    g_clear_pointer(&inst->bound_driver, g_free);
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);

    // umockdev 0.17.16's remove_device sends no "remove" uevent; send it while
    // the sysfs entry (and thus DEVNAME for libudev) still exists.
    umockdev_testbed_uevent(tb, inst->syspath, "remove");
    if (inst->hid_syspath) {
        (void)rename(inst->hid_hidden, inst->hid_real);  // if unbound, back in place so the testbed removes it
        umockdev_testbed_remove_device(tb, inst->hid_syspath);
        umockdev_testbed_remove_device(tb, inst->if_syspath);
    }
    umockdev_testbed_remove_device(tb, inst->syspath);
    unlink(inst->fifo_path);
    s->current = NULL;
    harness_log("%s: unplugged from %s%s", s->name, inst->devnode, lost ? " (undelivered reports dropped)" : "");
    // The instance stays allocated: the client may still hold the node open and
    // issue ioctls (all failing with ENODEV) until it closes it.
}

void device_send_report(device_instance *inst, const uint8_t *data, size_t len) {
    g_mutex_lock(&inst->lock);
    queued_report *r = g_new0(queued_report, 1);
    r->bytes = g_bytes_new(data, len);
    r->queued_at = g_get_monotonic_time();
    if (!inst->spec->first_queued_us) inst->spec->first_queued_us = r->queued_at;
    g_queue_push_tail(&inst->reports, r);
    if (inst->reports.length > inst->spec->max_queue) inst->spec->max_queue = inst->reports.length;
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);
}

void device_fail_transfer(device_instance *inst, int err, const char *name) {
    g_mutex_lock(&inst->lock);
    urb_entry *e = g_queue_pop_head(&inst->pending_in);
    if (e) {
        e->fail_status = -err;
        g_queue_push_tail(&inst->done, e);
    } else {
        inst->fail_next = -err;
    }
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);
    harness_log("%s: interrupt IN transfer %s with -%s", inst->spec->name, e ? "completes" : "will complete", name);
}

void device_uevent(UMockdevTestbed *tb, device_instance *inst, const char *action, int interface) {
    const char *path = interface ? inst->if_syspath : inst->syspath;
    if (!path) {
        harness_log("%s: uevent \"%s\" on the interface ignored: the device has no sysfs interface (hid_sysfs)", inst->spec->name, action);
        return;
    }
    umockdev_testbed_uevent(tb, path, action);
    harness_log("%s: uevent \"%s\" sent for %s", inst->spec->name, action, path);
}
