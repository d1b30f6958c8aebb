// kiosk-usb-harness SCENARIO.json -- PROGRAM ARGS...
//
// Emulates the USB devices a scenario describes (umockdev testbed + a usbfs ioctl
// handler per device), runs PROGRAM inside that testbed, plays the scenario's timed
// events (reports, pen streams, unplug, replug) and exits with PROGRAM's status.
// The scenario format is documented in Tests/Fixtures/usb/README.md.
//
// Exit status: PROGRAM's status; 128+N if it died of signal N; 124 if the scenario
// timeout expired (PROGRAM is then killed); 2 for usage/scenario errors; 3 for
// testbed errors.
#define _GNU_SOURCE
#include "harness.h"
#include "json.h"

#include <errno.h>
#include <math.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

int harness_verbose = 1;
static gint64 t_origin;  // monotonic µs at PROGRAM start

void harness_log(const char *fmt, ...) {
    if (!harness_verbose) return;
    va_list ap;
    va_start(ap, fmt);
    char *msg = g_strdup_vprintf(fmt, ap);
    va_end(ap);
    gint64 now = g_get_monotonic_time();
    fprintf(stderr, "kiosk-usb-harness[%7.1f ms]: %s\n", t_origin ? (double)(now - t_origin) / 1000.0 : 0.0, msg);
    g_free(msg);
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

// ---------------------------------------------------------------------------
// Scenario

typedef enum { ACT_REPORT, ACT_UNPLUG, ACT_PLUG, ACT_ERROR, ACT_UEVENT } action_kind;

/// The transfer errors an "error" event may inject (what a bus error, a stall or a timeout
/// looks like to usbfs).
static const struct { const char *name; int value; } transfer_errors[] = {
    { "EPROTO", EPROTO }, { "EILSEQ", EILSEQ }, { "ETIME", ETIME }, { "EPIPE", EPIPE }, { "EOVERFLOW", EOVERFLOW },
};

typedef struct action {
    gint64 at_us;
    size_t seq;  // file order, breaks ties
    action_kind kind;
    device_spec *dev;
    uint8_t *data;
    size_t len;
    int err;               // ACT_ERROR: errno value
    char *text;            // ACT_ERROR: its name; ACT_UEVENT: the action
    int interface;         // ACT_UEVENT: for interface 0 instead of the device
} action;

typedef struct scenario {
    device_spec *devices;
    size_t device_count;
    action *actions;
    size_t action_count, action_cap;
    int clock_first_poll;   // timeline starts when the first interrupt IN URB is submitted
    gint64 timeout_ms;
} scenario;

static G_NORETURN void die(int code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    fprintf(stderr, "kiosk-usb-harness: ");
    vfprintf(stderr, fmt, ap);
    fprintf(stderr, "\n");
    va_end(ap);
    exit(code);
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

static void load_scenario(const char *path, scenario *sc) {
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
        s->kernel_driver = kd && kd->kind == JSON_NULL ? NULL : kd ? get_str(d, "kernel_driver") : g_strdup("usbhid");
        s->ep_in = (uint8_t)get_int(d, "endpoint", 0x81, where);
        if (!(s->ep_in & 0x80)) die(2, "%s: \"endpoint\" must be an IN endpoint (bit 7 set)", where);
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
        const json_value *at = json_get(e, "at_ms");
        if (!at || at->kind != JSON_NUMBER) die(2, "%s: \"at_ms\" (number) is required", where);
        gint64 at_us = (gint64)llround(at->number * 1000.0);
        char *unplug = get_str(e, "unplug"), *plug = get_str(e, "plug"), *dev = get_str(e, "device");
        if (unplug) {
            add_action(sc, (action){ .at_us = at_us, .kind = ACT_UNPLUG, .dev = find_device(sc, unplug, where) });
        } else if (plug) {
            add_action(sc, (action){ .at_us = at_us, .kind = ACT_PLUG, .dev = find_device(sc, plug, where) });
        } else if (dev) {
            device_spec *s = find_device(sc, dev, where);
            const json_value *stream = json_get(e, "stream");
            char *error_name = get_str(e, "error"), *uevent = get_str(e, "uevent");
            if (error_name) {
                action a = { .at_us = at_us, .kind = ACT_ERROR, .dev = s, .text = error_name };
                for (size_t k = 0; k < G_N_ELEMENTS(transfer_errors); k++)
                    if (strcmp(error_name, transfer_errors[k].name) == 0) a.err = transfer_errors[k].value;
                if (!a.err) die(2, "%s: \"error\" must be EPROTO, EILSEQ, ETIME, EPIPE or EOVERFLOW", where);
                add_action(sc, a);
            } else if (uevent) {
                const json_value *itf = json_get(e, "interface");
                int on_interface = itf && itf->kind == JSON_BOOL && itf->number != 0;
                if (on_interface && !s->hid_sysfs) die(2, "%s: a uevent for the interface needs \"hid_sysfs\" on the device", where);
                add_action(sc, (action){ .at_us = at_us, .kind = ACT_UEVENT, .dev = s, .text = uevent, .interface = on_interface });
            } else if (json_get(e, "report")) {
                action a = { .at_us = at_us, .kind = ACT_REPORT, .dev = s };
                a.data = get_hex(e, "report", &a.len, where);
                add_action(sc, a);
            } else if (stream && stream->kind == JSON_OBJECT) {
                char *tpl = get_str(stream, "report_hex_template");
                if (!tpl) die(2, "%s.stream: \"report_hex_template\" is required", where);
                long count = get_int(stream, "count", -1, where);
                long interval = get_int(stream, "interval_us", -1, where);
                long first = get_int(stream, "first", 0, where);
                long step = get_int(stream, "step", 1, where);
                if (count < 0 || interval < 0) die(2, "%s.stream: \"count\" and \"interval_us\" are required", where);
                for (long k = 0; k < count; k++) {
                    action a = { .at_us = at_us + k * interval, .kind = ACT_REPORT, .dev = s };
                    a.data = expand_template(tpl, (unsigned long)(first + k * step), &a.len, where);
                    add_action(sc, a);
                }
                g_free(tpl);
            } else {
                die(2, "%s: a device event needs \"report\", \"stream\", \"error\" or \"uevent\"", where);
            }
        } else {
            die(2, "%s: needs \"device\", \"unplug\" or \"plug\"", where);
        }
        g_free(unplug); g_free(plug); g_free(dev);
    }
    json_free(root);
}

static int action_cmp(const void *a, const void *b) {
    const action *x = a, *y = b;
    if (x->at_us != y->at_us) return x->at_us < y->at_us ? -1 : 1;
    return x->seq < y->seq ? -1 : x->seq > y->seq;
}

// ---------------------------------------------------------------------------
// Timeline

typedef struct {
    scenario *sc;
    UMockdevTestbed *tb;
    volatile int stop;
} timeline;

static void sleep_until(gint64 deadline_us) {
    for (;;) {
        gint64 now = g_get_monotonic_time();
        if (now >= deadline_us) return;
        struct timespec ts;
        gint64 d = deadline_us - now;
        ts.tv_sec = d / 1000000;
        ts.tv_nsec = (d % 1000000) * 1000;
        nanosleep(&ts, NULL);
    }
}

static gpointer timeline_thread(gpointer data) {
    timeline *tl = data;
    scenario *sc = tl->sc;
    gint64 t0 = g_get_monotonic_time();
    if (sc->clock_first_poll) {
        device_wait_first_poll(t0 + sc->timeout_ms * 1000);
        if (!device_first_poll_seen()) {
            harness_log("no interrupt IN transfer was submitted before the timeout; timeline not played");
            return NULL;
        }
        t0 = g_get_monotonic_time();
        harness_log("first interrupt IN transfer submitted; timeline starts");
    }
    for (size_t i = 0; i < sc->action_count && !tl->stop; i++) {
        action *a = &sc->actions[i];
        sleep_until(t0 + a->at_us);
        if (tl->stop) break;
        device_spec *s = a->dev;
        switch (a->kind) {
        case ACT_REPORT:
            if (s->current) device_send_report(s->current, a->data, a->len);
            else { s->dropped++; harness_log("%s: report at %.1f ms dropped: device is unplugged", s->name, a->at_us / 1000.0); }
            break;
        case ACT_UNPLUG:
            if (s->current) device_unplug(tl->tb, s->current);
            else harness_log("%s: unplug ignored: not plugged", s->name);
            break;
        case ACT_ERROR:
            if (s->current) device_fail_transfer(s->current, a->err, a->text);
            else harness_log("%s: error ignored: not plugged", s->name);
            break;
        case ACT_UEVENT:
            if (s->current) device_uevent(tl->tb, s->current, a->text, a->interface);
            else harness_log("%s: uevent ignored: not plugged", s->name);
            break;
        case ACT_PLUG:
            if (!s->current) {
                GError *err = NULL;
                if (!device_plug(tl->tb, s, &err)) harness_log("%s: plug failed: %s", s->name, err ? err->message : "?");
                g_clear_error(&err);
            } else {
                harness_log("%s: plug ignored: already plugged", s->name);
            }
            break;
        }
    }
    harness_log("timeline finished");
    return NULL;
}

// ---------------------------------------------------------------------------

static void reexec_under_preload(char **argv) {
    const char *pre = getenv("LD_PRELOAD");
    if (pre && strstr(pre, "libumockdev-preload.so")) return;
    // umockdev only delivers uevents from processes running under its preload
    // library, so the harness itself must run under it, not just PROGRAM.
    char *value = pre && *pre ? g_strdup_printf("libumockdev-preload.so.0:%s", pre) : g_strdup("libumockdev-preload.so.0");
    setenv("LD_PRELOAD", value, 1);
    execv("/proc/self/exe", argv);
    die(3, "cannot re-execute under LD_PRELOAD=%s: %s", value, strerror(errno));
}

static void usage(void) {
    fprintf(stderr,
            "usage: kiosk-usb-harness [--quiet] SCENARIO.json -- PROGRAM [ARGS...]\n"
            "Emulates the scenario's USB devices with umockdev, runs PROGRAM against them,\n"
            "plays the scenario's events and exits with PROGRAM's status.\n");
    exit(2);
}

/// The last SIGTERM/SIGINT the harness received, to pass on to PROGRAM.
static volatile sig_atomic_t forwarded_signal = 0;
static void forward_signal(int sig) { forwarded_signal = sig; }

int main(int argc, char **argv) {
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--quiet") == 0) harness_verbose = 0;
        else usage();
    }
    if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0) usage();
    const char *scenario_path = argv[i];
    char **program = &argv[i + 2];

    scenario sc = { 0 };
    load_scenario(scenario_path, &sc);  // validate before re-exec: errors show once
    reexec_under_preload(argv);
    qsort(sc.actions, sc.action_count, sizeof(action), action_cmp);

    // The testbed sets UMOCKDEV_DIR in our environment; PROGRAM inherits it and LD_PRELOAD.
    UMockdevTestbed *tb = umockdev_testbed_new();
    for (size_t k = 0; k < sc.device_count; k++) {
        if (!sc.devices[k].plugged_at_start) continue;
        GError *err = NULL;
        if (!device_plug(tb, &sc.devices[k], &err)) die(3, "cannot add %s: %s", sc.devices[k].name, err ? err->message : "?");
    }

    fflush(stdout);
    fflush(stderr);
    t_origin = g_get_monotonic_time();
    // SIGTERM/SIGINT sent to the harness are passed on to PROGRAM (a test stops a daemon
    // running under the harness by signalling the harness).
    struct sigaction forward = { 0 };
    forward.sa_handler = forward_signal;
    sigemptyset(&forward.sa_mask);
    sigaction(SIGTERM, &forward, NULL);
    sigaction(SIGINT, &forward, NULL);
    // A parent may spawn us with them blocked (Foundation's Process does): unblock here,
    // and give PROGRAM the mask we inherited.
    sigset_t forwarded, inherited;
    sigemptyset(&forwarded);
    sigaddset(&forwarded, SIGTERM);
    sigaddset(&forwarded, SIGINT);
    sigprocmask(SIG_UNBLOCK, &forwarded, &inherited);
    pid_t child = fork();
    if (child < 0) die(3, "fork: %s", strerror(errno));
    if (child == 0) {
        signal(SIGTERM, SIG_DFL);
        signal(SIGINT, SIG_DFL);
        sigprocmask(SIG_SETMASK, &inherited, NULL);
        execvp(program[0], program);
        fprintf(stderr, "kiosk-usb-harness: cannot run %s: %s\n", program[0], strerror(errno));
        _exit(127);
    }
    harness_log("started %s (pid %d), %zu timed actions", program[0], (int)child, sc.action_count);

    timeline tl = { .sc = &sc, .tb = tb, .stop = 0 };
    GThread *thread = g_thread_new("timeline", timeline_thread, &tl);

    // Wait for PROGRAM, enforcing the scenario timeout.
    int status = 0, timed_out = 0;
    struct rusage ru = { 0 };
    gint64 deadline = t_origin + sc.timeout_ms * 1000;
    for (;;) {
        pid_t r = wait4(child, &status, WNOHANG, &ru);
        if (r == child) break;
        if (r < 0 && errno != EINTR) die(3, "wait: %s", strerror(errno));
        if (forwarded_signal) {
            int sig = forwarded_signal;
            forwarded_signal = 0;
            harness_log("passing signal %d on to %s", sig, program[0]);
            kill(child, sig);
        }
        if (!timed_out && g_get_monotonic_time() > deadline) {
            harness_log("timeout after %lld ms: terminating %s", (long long)sc.timeout_ms, program[0]);
            kill(child, SIGTERM);
            timed_out = 1;
            deadline = g_get_monotonic_time() + 2000000;
        } else if (timed_out && g_get_monotonic_time() > deadline) {
            kill(child, SIGKILL);
            deadline = G_MAXINT64;
        }
        g_usleep(2000);
    }
    gint64 wall = g_get_monotonic_time() - t_origin;
    tl.stop = 1;
    device_abort_wait();
    g_thread_join(thread);

    for (size_t k = 0; k < sc.device_count; k++) {
        device_spec *s = &sc.devices[k];
        harness_log("%s: %lu reports delivered, %lu dropped; %lu reap ioctls (%lu found nothing)",
                    s->name, s->delivered, s->dropped, s->reap_calls, s->reap_empty);
        if (s->delivered > 0) {
            double span = (double)(s->last_delivered_us - s->first_queued_us) / 1e6;
            harness_log("%s: delivery delay max %.2f ms, mean %.3f ms; at most %u reports waiting; "
                        "%.0f reports/s from first send to last delivery",
                        s->name, s->max_delay_us / 1000.0, (double)s->total_delay_us / (double)s->delivered / 1000.0,
                        s->max_queue, span > 0 ? (double)s->delivered / span : 0.0);
        }
    }
    harness_log("%s used %.3f s user + %.3f s system CPU in %.3f s wall",
                program[0], ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, wall / 1e6);
    g_object_unref(tb);  // removes the testbed directory

    if (timed_out) return 124;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}
