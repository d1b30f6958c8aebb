// Bulk endpoints of the emulated device (a receipt printer): OUT data taken in order and
// recorded (--record), bulk IN answers queued when the OUT data contains their `when` bytes,
// a printer whose buffer is full NAKing OUT data (out_stall_after), and the events that fire
// on an OUT byte count (after_out_bytes). Worker thread, or the scheduler thread with the
// instance lock held (the URB memory itself is only written at reap, inside an ioctl).
#define _GNU_SOURCE
#include "usbfs.h"
#include "scenario.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

void record_open(device_spec *s) {
    if (!harness_record_dir || s->record_fd >= 0 || !s->bulk_out) return;
    char *path = g_strdup_printf("%s/%s.out", harness_record_dir, s->name);
    s->record_fd = open(path, O_WRONLY | O_CREAT | O_APPEND | O_CLOEXEC, 0644);
    if (s->record_fd < 0) harness_log("%s: cannot open %s to record OUT bytes: %s", s->name, path, strerror(errno));
    g_free(path);
}

static void set_answer_locked(device_spec *s, const uint8_t *when, size_t when_len, const uint8_t *reply, size_t reply_len) {
    size_t i;
    for (i = 0; i < s->answer_count; i++)
        if (s->answers[i].when_len == when_len && memcmp(s->answers[i].when, when, when_len) == 0) break;
    if (i == s->answer_count) {
        s->answers = g_realloc(s->answers, (s->answer_count + 1) * sizeof *s->answers);
        s->answer_count++;
        s->answers[i].when = g_memdup2(when, when_len);
        s->answers[i].when_len = when_len;
    } else {
        g_free(s->answers[i].reply);
    }
    s->answers[i].reply = g_memdup2(reply, reply_len);
    s->answers[i].reply_len = reply_len;
    char *w = hex_encode(when, when_len), *r = hex_encode(reply, reply_len);
    harness_log("%s: answer to %s is now \"%s\"", s->name, w, r);
    g_free(w);
    g_free(r);
}

/// Byte after byte through the window of recent OUT bytes: each answer whose `when` ends here
/// queues its reply (so a status request split across transfers is still answered).
static void match_answers(device_instance *inst, const uint8_t *data, size_t len) {
    device_spec *s = inst->spec;
    for (size_t k = 0; k < len; k++) {
        if (inst->out_tail_len == ANSWER_WHEN_MAX) {
            memmove(inst->out_tail, inst->out_tail + 1, ANSWER_WHEN_MAX - 1);
            inst->out_tail_len--;
        }
        inst->out_tail[inst->out_tail_len++] = data[k];
        for (size_t i = 0; i < s->answer_count; i++) {
            const answer_spec *a = &s->answers[i];
            if (a->when_len > inst->out_tail_len || a->reply_len == 0) continue;
            if (memcmp(inst->out_tail + inst->out_tail_len - a->when_len, a->when, a->when_len) != 0) continue;
            queue_packets(&inst->bulk_packets, a->reply, a->reply_len, s->bulk_max_packet, 0);
            s->replies_queued++;
            char *w = hex_encode(a->when, a->when_len), *r = hex_encode(a->reply, a->reply_len);
            harness_log("%s: OUT byte %lu completes %s: reply %s queued on bulk IN 0x%02x", s->name,
                        inst->out_bytes + k + 1, w, r, s->bulk_in);
            g_free(w);
            g_free(r);
        }
    }
}

/// Events whose after_out_bytes threshold the device has reached: answer and stall changes
/// apply here and now (exactly at that byte), the rest go to the trigger thread. An unplug
/// stops the device taking bytes at once, so the transfer in flight is cut at that byte.
static void fire_byte_actions(device_instance *inst) {
    device_spec *s = inst->spec;
    for (size_t i = 0; i < s->byte_action_count; i++) {
        action *a = s->byte_actions[i];
        if (a->fired || a->after_out_bytes > (long)inst->out_bytes) continue;
        a->fired = 1;
        harness_log("%s: %lu OUT bytes received: event %zu fires", s->name, inst->out_bytes, a->seq);
        switch (a->kind) {
        case ACT_ANSWER: set_answer_locked(s, a->data, a->len, a->data2, a->len2); break;
        case ACT_STALL:
            s->out_stall_after = a->value;
            harness_log("%s: out_stall_after is now %ld", s->name, a->value);
            break;
        case ACT_UNPLUG:
            inst->unplug_requested = 1;
            harness_trigger(a);
            break;
        default: harness_trigger(a); break;
        }
    }
}

/// How many more bytes the device takes now (its buffer: out_stall_after).
static size_t out_room(device_instance *inst) {
    if (inst->unplug_requested || inst->gone) return 0;
    long limit = inst->spec->out_stall_after;
    if (limit < 0) return (size_t)-1;
    return limit > (long)inst->out_bytes ? (size_t)(limit - (long)inst->out_bytes) : 0;
}

/// The next after_out_bytes threshold above the current count, or 0 when none.
static size_t next_threshold(device_instance *inst) {
    device_spec *s = inst->spec;
    for (size_t i = 0; i < s->byte_action_count; i++) {
        action *a = s->byte_actions[i];
        if (!a->fired && a->after_out_bytes > (long)inst->out_bytes) return (size_t)(a->after_out_bytes - (long)inst->out_bytes);
    }
    return 0;
}

void pump_out(device_instance *inst) {
    device_spec *s = inst->spec;
    urb_entry *e;
    while ((e = g_queue_peek_head(&inst->pending_out))) {
        struct usbdevfs_urb *u = urb_of(e);
        size_t len = (size_t)u->buffer_length;
        fire_byte_actions(inst);
        while ((size_t)e->actual < len) {
            size_t n = len - (size_t)e->actual, room = out_room(inst), until = next_threshold(inst);
            if (room < n) n = room;
            if (until && until < n) n = until;
            if (n == 0) break;
            const uint8_t *data = e->buffer->data + e->actual;
            if (s->record_fd >= 0 && write(s->record_fd, data, n) != (ssize_t)n)
                harness_log("%s: recording OUT bytes failed: %s", s->name, strerror(errno));
            match_answers(inst, data, n);
            inst->out_bytes += n;
            s->out_bytes_total += n;
            e->actual += (int)n;
            fire_byte_actions(inst);
        }
        if ((size_t)e->actual < len) {
            harness_log("%s: bulk OUT NAKed after %lu bytes since plug (%d of this %zu-byte transfer taken)",
                        s->name, inst->out_bytes, e->actual, len);
            return;  // NAKed: this URB and those behind it wait for the host's timeout or a new limit
        }
        g_queue_pop_head(&inst->pending_out);
        e->deferred = 1;
        g_queue_push_tail(&inst->done, e);
    }
}

void device_set_answer(device_spec *s, const uint8_t *when, size_t when_len, const uint8_t *reply, size_t reply_len) {
    device_instance *inst = s->current;
    if (inst) g_mutex_lock(&inst->lock);
    set_answer_locked(s, when, when_len, reply, reply_len);
    if (inst) g_mutex_unlock(&inst->lock);
}

void device_set_out_stall(device_spec *s, long after) {
    device_instance *inst = s->current;
    if (!inst) { s->out_stall_after = after; return; }
    g_mutex_lock(&inst->lock);
    s->out_stall_after = after;
    harness_log("%s: out_stall_after is now %ld", s->name, after);
    pump_out(inst);
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);
}
