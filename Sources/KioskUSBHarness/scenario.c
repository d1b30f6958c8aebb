// Scenario files: JSON → devices and timed actions (reports, streams expanded from their
// templates, unplug, plug, transfer errors, uevents), validated before anything runs.
#define _GNU_SOURCE
#include "scenario.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/// The transfer errors an "error" event may inject (what a bus error, a stall or a timeout
/// looks like to usbfs).
static const struct { const char *name; int value; } transfer_errors[] = {
    { "EPROTO", EPROTO }, { "EILSEQ", EILSEQ }, { "ETIME", ETIME }, { "EPIPE", EPIPE }, { "EOVERFLOW", EOVERFLOW },
};

G_NORETURN void die(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "kiosk-usb-harness: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(code);
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

uint8_t *hex_decode(const char *hex, size_t *len, char **error) {
    size_t n = strlen(hex);
    uint8_t *out = g_malloc(n / 2 + 1);
    size_t k = 0;
    int hi = -1;
    for (size_t i = 0; i < n; i++) {
        if (hex[i] == ' ' || hex[i] == ':') continue;
        int v = hexval(hex[i]);
        if (v < 0) { *error = g_strdup_printf("bad hex digit '%c' in \"%s\"", hex[i], hex); g_free(out); return NULL; }
        if (hi < 0) hi = v; else { out[k++] = (uint8_t)(hi << 4 | v); hi = -1; }
    }
    if (hi >= 0) { *error = g_strdup_printf("odd number of hex digits in \"%s\"", hex); g_free(out); return NULL; }
    *len = k;
    return out;
}

char *hex_encode(const uint8_t *data, size_t len) {
    char *s = g_malloc(len * 2 + 1);
    for (size_t i = 0; i < len; i++) snprintf(s + 2 * i, 3, "%02x", data[i]);
    s[len * 2] = 0;
    return s;
}

/// Reads an integer given as a JSON number or as a hex string ("04df", "0x81").
static long get_int(const json_value *obj, const char *key, long fallback, const char *where) {
    const json_value *v = json_get(obj, key);
    if (!v) return fallback;
    if (v->kind == JSON_NUMBER) return (long)v->number;
    if (v->kind == JSON_STRING) {
        char *end = NULL;
        long r = strtol(v->string, &end, 16);
        if (end && *end == 0 && end != v->string) return r;
    }
    die(2, "%s: \"%s\" must be a number or a hex string", where, key);
}

static char *get_str(const json_value *obj, const char *key) {
    const json_value *v = json_get(obj, key);
    return v && v->kind == JSON_STRING ? g_strdup(v->string) : NULL;
}

static uint8_t *get_hex(const json_value *obj, const char *key, size_t *len, const char *where) {
    const json_value *v = json_get(obj, key);
    if (!v) return NULL;
    if (v->kind != JSON_STRING) die(2, "%s: \"%s\" must be a hex string", where, key);
    char *err = NULL;
    uint8_t *b = hex_decode(v->string, len, &err);
    if (!b) die(2, "%s: %s", where, err);
    return b;
}

/// An endpoint address key: absent or null is 0 (no such endpoint).
static uint8_t get_endpoint(const json_value *obj, const char *key, long fallback, const char *where) {
    const json_value *v = json_get(obj, key);
    if (v && v->kind == JSON_NULL) return 0;
    long a = get_int(obj, key, fallback, where);
    if (a < 0 || a > 0xff) die(2, "%s: \"%s\" must be an endpoint address such as \"81\"", where, key);
    return (uint8_t)a;
}

static int get_bool(const json_value *obj, const char *key) {
    const json_value *v = json_get(obj, key);
    return v && v->kind == JSON_BOOL && v->number != 0;
}

/// A bulk IN answer: `when` (1 to 16 bytes) and `reply` (hex, may be empty: the device stays silent).
static void get_answer(const json_value *obj, uint8_t **when, size_t *when_len, uint8_t **reply, size_t *reply_len, const char *where) {
    if (!obj || obj->kind != JSON_OBJECT) die(2, "%s: an answer must be an object {\"when\": HEX, \"reply\": HEX}", where);
    *when = get_hex(obj, "when", when_len, where);
    if (!*when || *when_len == 0 || *when_len > ANSWER_WHEN_MAX)
        die(2, "%s: an answer's \"when\" must be 1 to %d bytes of hex", where, ANSWER_WHEN_MAX);
    if (!json_get(obj, "reply")) die(2, "%s: an answer needs \"reply\" (hex; \"\" for none)", where);
    *reply = get_hex(obj, "reply", reply_len, where);
}

/// out_stall_after: a whole number of bytes (0 or more), or null for never.
static long get_stall(const json_value *v, const char *where) {
    if (v->kind == JSON_NULL) return -1;
    if (v->kind != JSON_NUMBER || v->number < 0 || v->number != floor(v->number))
        die(2, "%s: \"out_stall_after\" must be a whole number of bytes (0 or more) or null", where);
    return (long)v->number;
}

static device_spec *find_device(scenario *sc, const char *name, const char *where) {
    for (size_t i = 0; i < sc->device_count; i++)
        if (strcmp(sc->devices[i].name, name) == 0) return &sc->devices[i];
    die(2, "%s: no device named \"%s\"", where, name);
}

static void add_action(scenario *sc, action a) {
    if (sc->action_count == sc->action_cap) {
        sc->action_cap = sc->action_cap ? sc->action_cap * 2 : 64;
        sc->actions = g_realloc(sc->actions, sc->action_cap * sizeof(action));
    }
    a.seq = sc->action_count;
    sc->actions[sc->action_count++] = a;
}

/// Expands a report template: hex bytes with placeholders for the running index i:
/// {i8} {i16le} {i16be} {i32le} {i32be}  (value truncated to the width).
static uint8_t *expand_template(const char *tpl, unsigned long i, size_t *len, const char *where) {
    GByteArray *out = g_byte_array_new();
    const char *p = tpl;
    while (*p) {
        if (*p == ' ') { p++; continue; }
        if (*p == '{') {
            const char *end = strchr(p, '}');
            if (!end) die(2, "%s: unterminated placeholder in \"%s\"", where, tpl);
            char *name = g_strndup(p + 1, (gsize)(end - p - 1));
            uint8_t b[4];
            int n = 0;
            if (strcmp(name, "i8") == 0) { b[0] = (uint8_t)i; n = 1; }
            else if (strcmp(name, "i16le") == 0) { b[0] = (uint8_t)i; b[1] = (uint8_t)(i >> 8); n = 2; }
            else if (strcmp(name, "i16be") == 0) { b[1] = (uint8_t)i; b[0] = (uint8_t)(i >> 8); n = 2; }
            else if (strcmp(name, "i32le") == 0) { for (int k = 0; k < 4; k++) b[k] = (uint8_t)(i >> (8 * k)); n = 4; }
            else if (strcmp(name, "i32be") == 0) { for (int k = 0; k < 4; k++) b[3 - k] = (uint8_t)(i >> (8 * k)); n = 4; }
            else die(2, "%s: unknown placeholder {%s}", where, name);
            g_free(name);
            g_byte_array_append(out, b, (guint)n);
            p = end + 1;
            continue;
        }
        int hi = hexval(p[0]), lo = p[1] ? hexval(p[1]) : -1;
        if (hi < 0 || lo < 0) die(2, "%s: bad hex in template \"%s\"", where, tpl);
        uint8_t b = (uint8_t)(hi << 4 | lo);
        g_byte_array_append(out, &b, 1);
        p += 2;
    }
    *len = out->len;
    return g_byte_array_free(out, FALSE);
}

/// Timed actions go to the timeline; after_out_bytes ones wait for their device's byte count.
static void add_event(scenario *sc, action a) {
    if (a.after_out_bytes < 0) { add_action(sc, a); return; }
    if (!sc->byte_actions) sc->byte_actions = g_ptr_array_new();
    g_ptr_array_add(sc->byte_actions, g_memdup2(&a, sizeof a));
}

static int byte_action_cmp(const void *a, const void *b) {
    const action *x = *(action *const *)a, *y = *(action *const *)b;
    if (x->after_out_bytes != y->after_out_bytes) return x->after_out_bytes < y->after_out_bytes ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

static int action_cmp(const void *a, const void *b) {
    const action *x = a, *y = b;
    if (x->at_us != y->at_us) return x->at_us < y->at_us ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

void load_scenario(const char *path, scenario *sc) {
    char *text = NULL;
    GError *err = NULL;
    if (!g_file_get_contents(path, &text, NULL, &err)) die(2, "cannot read %s: %s", path, err->message);
    char perr[256];
    json_value *root = json_parse(text, perr, sizeof perr);
    g_free(text);
    if (!root) die(2, "%s: invalid JSON: %s", path, perr);
    if (root->kind != JSON_OBJECT) die(2, "%s: top level must be an object", path);

    sc->timeout_ms = get_int(root, "timeout_ms", 30000, path);
    char *clock = get_str(root, "clock");
    if (clock && strcmp(clock, "first_poll") == 0) sc->clock_first_poll = 1;
    else if (clock && strcmp(clock, "spawn") != 0) die(2, "%s: \"clock\" must be \"spawn\" or \"first_poll\"", path);
    g_free(clock);

    const json_value *devs = json_get(root, "devices");
    if (!devs || devs->kind != JSON_ARRAY || devs->count == 0) die(2, "%s: \"devices\" must be a non-empty array", path);
    sc->device_count = devs->count;
    sc->devices = g_new0(device_spec, devs->count);
    for (size_t i = 0; i < devs->count; i++) {
        const json_value *d = devs->items[i];
        device_spec *s = &sc->devices[i];
        char where[64];
        snprintf(where, sizeof where, "devices[%zu]", i);
        s->name = get_str(d, "name");
        if (!s->name) die(2, "%s: \"name\" is required", where);
        s->vid = (uint16_t)get_int(d, "vid", -1, where);
        s->pid = (uint16_t)get_int(d, "pid", -1, where);
        if (!json_get(d, "vid") || !json_get(d, "pid")) die(2, "%s: \"vid\" and \"pid\" are required", where);
        s->bcd_device = (uint16_t)get_int(d, "bcd_device", 0x0100, where);
        s->manufacturer = get_str(d, "manufacturer");
        s->product = get_str(d, "product");
        s->serial = get_str(d, "serial");
        s->bus = (int)get_int(d, "bus", 1, where);
        s->port = (int)get_int(d, "port", (long)i + 1, where);
        s->next_devnum = (int)get_int(d, "devnum", (long)i + 2, where);
        s->if_class = (uint8_t)get_int(d, "interface_class", 3, where);
        s->if_subclass = (uint8_t)get_int(d, "interface_subclass", 0, where);
        s->if_protocol = (uint8_t)get_int(d, "interface_protocol", 0, where);
        const json_value *kd = json_get(d, "kernel_driver");
        s->kernel_driver = kd && kd->kind == JSON_NULL ? NULL : kd ? get_str(d, "kernel_driver")
                         : g_strdup(s->if_class == 7 ? "usblp" : "usbhid");
        s->ep_in = get_endpoint(d, "endpoint", 0x81, where);
        if (s->ep_in && (!(s->ep_in & 0x80) || (s->ep_in & 0x0f) == 0 || (s->ep_in & 0x70)))
            die(2, "%s: \"endpoint\" must be an IN endpoint address (81 to 8f) or null for none", where);
        s->bulk_out = get_endpoint(d, "bulk_out", 0, where);
        if (s->bulk_out && (s->bulk_out & 0xf0 || (s->bulk_out & 0x0f) == 0))
            die(2, "%s: \"bulk_out\" must be an OUT endpoint address (01 to 0f, bit 7 clear), not %02x", where, s->bulk_out);
        s->bulk_in = get_endpoint(d, "bulk_in", 0, where);
        if (s->bulk_in && (!(s->bulk_in & 0x80) || (s->bulk_in & 0x0f) == 0 || (s->bulk_in & 0x70)))
            die(2, "%s: \"bulk_in\" must be an IN endpoint address (81 to 8f, bit 7 set), not %02x", where, s->bulk_in);
        if (s->bulk_in && s->bulk_in == s->ep_in)
            die(2, "%s: \"bulk_in\" and \"endpoint\" are both %02x: an endpoint address has one type", where, s->bulk_in);
        s->bulk_max_packet = (uint16_t)get_int(d, "bulk_max_packet", 64, where);
        if (s->bulk_max_packet == 0 || s->bulk_max_packet > 1024) die(2, "%s: \"bulk_max_packet\" must be 1 to 1024", where);
        s->device_id = get_str(d, "device_id");
        s->record_fd = -1;
        s->out_stall_after = -1;
        const json_value *st = json_get(d, "out_stall_after");
        if (st) {
            s->out_stall_after = get_stall(st, where);
            if (!s->bulk_out) die(2, "%s: \"out_stall_after\" needs a \"bulk_out\" endpoint", where);
        }
        const json_value *ans = json_get(d, "answers");
        if (ans) {
            if (ans->kind != JSON_ARRAY) die(2, "%s: \"answers\" must be an array", where);
            if (!s->bulk_out || !s->bulk_in) die(2, "%s: \"answers\" need \"bulk_out\" and \"bulk_in\" endpoints", where);
            s->answer_count = ans->count;
            s->answers = g_new0(answer_spec, ans->count);
            for (size_t k = 0; k < ans->count; k++) {
                char w2[96];
                snprintf(w2, sizeof w2, "%s.answers[%zu]", where, k);
                answer_spec *a = &s->answers[k];
                get_answer(ans->items[k], &a->when, &a->when_len, &a->reply, &a->reply_len, w2);
            }
        }
        s->max_packet = (uint16_t)get_int(d, "max_packet", 64, where);
        s->interval = (uint8_t)get_int(d, "interval_ms", 1, where);
        s->rdesc = get_hex(d, "report_descriptor", &s->rdesc_len, where);
        if (!s->rdesc && s->if_class == 3) die(2, "%s: HID devices need \"report_descriptor\"", where);
        const json_value *fr = json_get(d, "reports");
        if (fr && fr->kind == JSON_ARRAY) {
            s->report_count = fr->count;
            s->reports = g_new0(report_spec, fr->count);
            for (size_t k = 0; k < fr->count; k++) {
                char w2[96];
                snprintf(w2, sizeof w2, "%s.reports[%zu]", where, k);
                char *type = get_str(fr->items[k], "type");
                s->reports[k].type = !type || strcmp(type, "feature") == 0 ? 3 : strcmp(type, "input") == 0 ? 1 : strcmp(type, "output") == 0 ? 2 : 0;
                if (!s->reports[k].type) die(2, "%s: \"type\" must be input, output or feature", w2);
                g_free(type);
                s->reports[k].id = (uint8_t)get_int(fr->items[k], "id", 0, w2);
                s->reports[k].data = get_hex(fr->items[k], "hex", &s->reports[k].len, w2);
                if (!s->reports[k].data) die(2, "%s: \"hex\" is required", w2);
            }
        }
        const json_value *hs = json_get(d, "hid_sysfs");
        s->hid_sysfs = hs && hs->kind == JSON_BOOL && hs->number != 0;
        if (s->hid_sysfs && s->if_class != 3) die(2, "%s: \"hid_sysfs\" needs a HID interface (interface_class 3)", where);
        const json_value *pl = json_get(d, "plugged");
        s->plugged_at_start = !pl || pl->kind != JSON_BOOL || pl->number != 0;
    }

    const json_value *evs = json_get(root, "events");
    if (evs && evs->kind != JSON_ARRAY) die(2, "%s: \"events\" must be an array", path);
    for (size_t i = 0; evs && i < evs->count; i++) {
        const json_value *e = evs->items[i];
        char where[64];
        snprintf(where, sizeof where, "events[%zu]", i);
        const json_value *at = json_get(e, "at_ms"), *after = json_get(e, "after_out_bytes");
        if (at && after) die(2, "%s: give \"at_ms\" or \"after_out_bytes\", not both", where);
        long after_bytes = -1;
        if (after) {
            if (after->kind != JSON_NUMBER || after->number < 0 || after->number != floor(after->number))
                die(2, "%s: \"after_out_bytes\" must be a whole number of bytes, 0 or more", where);
            after_bytes = (long)after->number;
        } else if (!at || at->kind != JSON_NUMBER) {
            die(2, "%s: \"at_ms\" (number) or \"after_out_bytes\" is required", where);
        }
        gint64 at_us = at ? (gint64)llround(at->number * 1000.0) : 0;
        char *unplug = get_str(e, "unplug"), *plug = get_str(e, "plug"), *dev = get_str(e, "device");
        const char *named = unplug ? unplug : plug ? plug : dev;
        if (after_bytes >= 0 && named && !find_device(sc, named, where)->bulk_out)
            die(2, "%s: \"after_out_bytes\" counts bulk OUT bytes: device \"%s\" has no \"bulk_out\" endpoint", where, named);
        #define ADD(...) add_event(sc, (action){ .at_us = at_us, .after_out_bytes = after_bytes, .seq = i, __VA_ARGS__ })
        if (unplug) {
            ADD(.kind = ACT_UNPLUG, .dev = find_device(sc, unplug, where));
        } else if (plug) {
            ADD(.kind = ACT_PLUG, .dev = find_device(sc, plug, where));
        } else if (dev) {
            device_spec *s = find_device(sc, dev, where);
            const json_value *stream = json_get(e, "stream"), *answer = json_get(e, "answer"), *stall = json_get(e, "out_stall_after");
            char *error_name = get_str(e, "error"), *uevent = get_str(e, "uevent");
            if (answer) {
                if (!s->bulk_out || !s->bulk_in) die(2, "%s: an \"answer\" needs a device with \"bulk_out\" and \"bulk_in\"", where);
                action a = { .kind = ACT_ANSWER };
                get_answer(answer, &a.data, &a.len, &a.data2, &a.len2, where);
                ADD(.kind = ACT_ANSWER, .dev = s, .data = a.data, .len = a.len, .data2 = a.data2, .len2 = a.len2);
            } else if (stall) {
                if (!s->bulk_out) die(2, "%s: \"out_stall_after\" needs a device with \"bulk_out\"", where);
                ADD(.kind = ACT_STALL, .dev = s, .value = get_stall(stall, where));
            } else if (error_name) {
                action a = { .at_us = at_us, .after_out_bytes = after_bytes, .seq = i, .kind = ACT_ERROR, .dev = s, .text = error_name };
                for (size_t k = 0; k < G_N_ELEMENTS(transfer_errors); k++)
                    if (strcmp(error_name, transfer_errors[k].name) == 0) a.err = transfer_errors[k].value;
                if (!a.err) die(2, "%s: \"error\" must be EPROTO, EILSEQ, ETIME, EPIPE or EOVERFLOW", where);
                add_event(sc, a);
            } else if (uevent) {
                const json_value *itf = json_get(e, "interface");
                int on_interface = itf && itf->kind == JSON_BOOL && itf->number != 0;
                if (on_interface && !s->hid_sysfs) die(2, "%s: a uevent for the interface needs \"hid_sysfs\" on the device", where);
                ADD(.kind = ACT_UEVENT, .dev = s, .text = uevent, .interface = on_interface);
            } else if (json_get(e, "report")) {
                if (!s->ep_in) die(2, "%s: device \"%s\" has no interrupt IN endpoint (\"endpoint\": null) to send a report on", where, s->name);
                size_t len = 0;
                uint8_t *data = get_hex(e, "report", &len, where);
                ADD(.kind = ACT_REPORT, .dev = s, .data = data, .len = len, .zlp = get_bool(e, "zlp"));
            } else if (stream && stream->kind == JSON_OBJECT) {
                if (after_bytes >= 0) die(2, "%s: a stream needs \"at_ms\"", where);
                if (!s->ep_in) die(2, "%s: device \"%s\" has no interrupt IN endpoint to stream on", where, s->name);
                char *tpl = get_str(stream, "report_hex_template");
                if (!tpl) die(2, "%s.stream: \"report_hex_template\" is required", where);
                long count = get_int(stream, "count", -1, where);
                long interval = get_int(stream, "interval_us", -1, where);
                long first = get_int(stream, "first", 0, where);
                long step = get_int(stream, "step", 1, where);
                if (count < 0 || interval < 0) die(2, "%s.stream: \"count\" and \"interval_us\" are required", where);
                for (long k = 0; k < count; k++) {
                    action a = { .at_us = at_us + k * interval, .after_out_bytes = -1, .kind = ACT_REPORT, .dev = s };
                    a.data = expand_template(tpl, (unsigned long)(first + k * step), &a.len, where);
                    add_action(sc, a);
                }
                g_free(tpl);
            } else {
                die(2, "%s: a device event needs \"report\", \"stream\", \"error\", \"uevent\", \"answer\" or \"out_stall_after\"", where);
            }
        } else {
            die(2, "%s: needs \"device\", \"unplug\" or \"plug\"", where);
        }
        #undef ADD
        g_free(unplug); g_free(plug); g_free(dev);
    }
    json_free(root);
    qsort(sc->actions, sc->action_count, sizeof(action), action_cmp);
    // Each device's after_out_bytes events, by threshold then file order.
    if (sc->byte_actions) {
        g_ptr_array_sort(sc->byte_actions, byte_action_cmp);
        for (guint k = 0; k < sc->byte_actions->len; k++) {
            action *a = g_ptr_array_index(sc->byte_actions, k);
            device_spec *s = a->dev;
            s->byte_actions = g_realloc(s->byte_actions, (s->byte_action_count + 1) * sizeof *s->byte_actions);
            s->byte_actions[s->byte_action_count++] = a;
        }
    }
}
