// Packets on IN endpoints, as a full-speed host controller sees them: a report (or bulk
// answer) the device sends is split into max_packet-sized packets, and an IN transfer takes
// packets until a short one (shorter than max_packet, a zero-length packet included) or until
// its buffer is full; a packet larger than the room left is babble (-EOVERFLOW). A report that
// is an exact multiple of max_packet is not followed by a zero-length packet unless the
// scenario asks ("zlp": true), so with a larger transfer the next report's packets continue
// the same transfer, as on real hardware. Reports of at most max_packet bytes into a transfer
// of at least max_packet behave exactly as one report per transfer.
#define _GNU_SOURCE
#include "usbfs.h"

#include <errno.h>
#include <string.h>

void queued_packet_free(queued_packet *p) {
    g_bytes_unref(p->bytes);
    g_free(p);
}

void queue_packets(GQueue *q, const uint8_t *data, size_t len, uint16_t max_packet, int zlp) {
    gint64 now = g_get_monotonic_time();
    size_t mp = max_packet ? max_packet : 64, off = 0;
    do {
        size_t n = len - off < mp ? len - off : mp;
        queued_packet *p = g_new0(queued_packet, 1);
        p->bytes = g_bytes_new(data + off, n);
        p->queued_at = now;
        off += n;
        // A full packet at the end is the report's end only without a ZLP to follow it.
        p->report_end = off == len && !(zlp && n == mp);
        g_queue_push_tail(q, p);
    } while (off < len);
    if (zlp && len > 0 && len % mp == 0) {
        queued_packet *p = g_new0(queued_packet, 1);
        p->bytes = g_bytes_new(NULL, 0);
        p->queued_at = now;
        p->report_end = 1;
        g_queue_push_tail(q, p);
    }
}

/// Moves queued packets into the IN URB `e` as a host controller does: packet after packet until
/// a short packet (shorter than max_packet, a zero-length one included) or a full buffer ends
/// the transfer. A packet larger than the room left is babble: -EOVERFLOW. Returns 1 when the
/// URB is complete (status written), 0 when it took every queued packet and still waits, as
/// a real transfer stays active after full-size packets. Worker thread, inside an ioctl.
static int fill_in_urb(device_instance *inst, urb_entry *e, GQueue *packets, uint16_t max_packet, int interrupt) {
    device_spec *s = inst->spec;
    size_t cap = (size_t)urb_of(e)->buffer_length;
    if (cap == 0) { urb_set(e, 0, 0); return 1; }
    queued_packet *p;
    while ((p = g_queue_pop_head(packets))) {
        gsize len = 0;
        const uint8_t *data = g_bytes_get_data(p->bytes, &len);
        size_t room = cap - (size_t)e->actual;
        int status = 1;  // 1: keep collecting
        if (len > room) {
            urb_write(e, (size_t)e->actual, data, room);
            e->actual = (int)cap;
            status = -EOVERFLOW;
            harness_log("%s: a %zu-byte packet overflowed a %zu-byte transfer (%zu bytes left)", s->name, (size_t)len, cap, room);
        } else {
            urb_write(e, (size_t)e->actual, data, len);
            e->actual += (int)len;
            if (len < max_packet || (size_t)e->actual == cap) status = 0;
        }
        if (interrupt && p->report_end) {
            s->delivered++;
            inst->reports_waiting--;
            gint64 now = g_get_monotonic_time();
            gint64 delay = now - p->queued_at;
            if (delay > s->max_delay_us) s->max_delay_us = delay;
            s->total_delay_us += delay;
            s->last_delivered_us = now;
        } else if (!interrupt) {
            s->bulk_in_delivered += len;
        }
        queued_packet_free(p);
        if (status <= 0) {
            urb_set(e, status, e->actual);
            return 1;
        }
    }
    return 0;
}

/// The first IN URB that queued packets complete, or NULL (packets taken by a partial transfer stay in it).
urb_entry *complete_in(device_instance *inst) {
    device_spec *s = inst->spec;
    while (inst->pending_in.length > 0 && inst->reports.length > 0) {
        if (fill_in_urb(inst, g_queue_peek_head(&inst->pending_in), &inst->reports, s->max_packet, 1))
            return g_queue_pop_head(&inst->pending_in);
    }
    while (inst->pending_bulk_in.length > 0 && inst->bulk_packets.length > 0) {
        if (fill_in_urb(inst, g_queue_peek_head(&inst->pending_bulk_in), &inst->bulk_packets, s->bulk_max_packet, 0))
            return g_queue_pop_head(&inst->pending_bulk_in);
    }
    return NULL;
}

