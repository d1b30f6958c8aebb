// kiosk-usb-harness SCENARIO.json -- PROGRAM ARGS...
//
// Emulates the USB devices a scenario describes (umockdev testbed + a usbfs ioctl
// handler per device), runs PROGRAM inside that testbed, plays the scenario's timed
// events (reports, pen streams, unplug, replug, transfer errors, uevents) and exits with
// PROGRAM's status. Files: scenario.c (the file), device.c (plug/unplug, sysfs),
// usbfs.c (the node and ioctl handler), control.c (control requests), descriptors.c.
// The scenario format is documented in Tests/Fixtures/usb/README.md.
//
// Exit status: PROGRAM's status; 128+N if it died of signal N; 124 if the scenario
// timeout expired (PROGRAM is then killed); 2 for usage/scenario errors; 3 for
// testbed errors.
#define _GNU_SOURCE
#include "scenario.h"

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
const char *harness_record_dir;
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

/// Plays one action (timeline or trigger thread).
static void run_action(UMockdevTestbed *tb, action *a) {
    device_spec *s = a->dev;
    switch (a->kind) {
    case ACT_REPORT:
        if (s->current) device_send_report(s->current, a->data, a->len, a->zlp);
        else { s->dropped++; harness_log("%s: report at %.1f ms dropped: device is unplugged", s->name, a->at_us / 1000.0); }
        break;
    case ACT_UNPLUG:
        if (s->current) device_unplug(tb, s->current);
        else harness_log("%s: unplug ignored: not plugged", s->name);
        break;
    case ACT_ERROR:
        if (s->current) device_fail_transfer(s->current, a->err, a->text);
        else harness_log("%s: error ignored: not plugged", s->name);
        break;
    case ACT_UEVENT:
        if (s->current) device_uevent(tb, s->current, a->text, a->interface);
        else harness_log("%s: uevent ignored: not plugged", s->name);
        break;
    case ACT_PLUG:
        if (!s->current) {
            GError *err = NULL;
            if (!device_plug(tb, s, &err)) harness_log("%s: plug failed: %s", s->name, err ? err->message : "?");
            g_clear_error(&err);
        } else {
            harness_log("%s: plug ignored: already plugged", s->name);
        }
        break;
    case ACT_ANSWER:
        device_set_answer(s, a->data, a->len, a->data2, a->len2);
        break;
    case ACT_STALL:
        device_set_out_stall(s, a->value);
        break;
    }
}

static gpointer timeline_thread(gpointer data) {
    timeline *tl = data;
    scenario *sc = tl->sc;
    gint64 t0 = g_get_monotonic_time();
    if (sc->clock_first_poll) {
        device_wait_first_poll(t0 + sc->timeout_ms * 1000);
        if (!device_first_poll_seen()) {
            harness_log("no interrupt IN or bulk transfer was submitted before the timeout; timeline not played");
            return NULL;
        }
        t0 = g_get_monotonic_time();
        harness_log("first interrupt IN or bulk transfer submitted; timeline starts");
    }
    for (size_t i = 0; i < sc->action_count && !tl->stop; i++) {
        action *a = &sc->actions[i];
        sleep_until(t0 + a->at_us);
        if (tl->stop) break;
        run_action(tl->tb, a);
    }
    harness_log("timeline finished");
    return NULL;
}

/// Events fired by an OUT byte count (bulk.c) are played here, off the ioctl worker, which
/// must not call into the testbed (plug, unplug, uevents).
static GAsyncQueue *triggered;
static action trigger_stop;

void harness_trigger(action *a) { g_async_queue_push(triggered, a); }

static gpointer trigger_thread(gpointer data) {
    UMockdevTestbed *tb = data;
    for (;;) {
        action *a = g_async_queue_pop(triggered);
        if (a == &trigger_stop) return NULL;
        run_action(tb, a);
    }
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
            "usage: kiosk-usb-harness [--quiet] [--record DIR] SCENARIO.json -- PROGRAM [ARGS...]\n"
            "Emulates the scenario's USB devices with umockdev, runs PROGRAM against them,\n"
            "plays the scenario's events and exits with PROGRAM's status.\n"
            "--record DIR appends each device's bulk OUT bytes to DIR/<device name>.out.\n");
    exit(2);
}

/// The last SIGTERM/SIGINT the harness received, to pass on to PROGRAM.
static volatile sig_atomic_t forwarded_signal = 0;
static void forward_signal(int sig) { forwarded_signal = sig; }

int main(int argc, char **argv) {
    int i = 1;
    for (; i < argc && argv[i][0] == '-' && strcmp(argv[i], "--") != 0; i++) {
        if (strcmp(argv[i], "--quiet") == 0) harness_verbose = 0;
        else if (strcmp(argv[i], "--record") == 0 && i + 1 < argc) harness_record_dir = argv[++i];
        else usage();
    }
    if (i + 2 >= argc || strcmp(argv[i + 1], "--") != 0) usage();
    const char *scenario_path = argv[i];
    char **program = &argv[i + 2];

    scenario sc = { 0 };
    load_scenario(scenario_path, &sc);  // validate before re-exec: errors show once
    if (harness_record_dir && !g_file_test(harness_record_dir, G_FILE_TEST_IS_DIR))
        die(2, "--record %s: no such directory", harness_record_dir);
    reexec_under_preload(argv);

    // The testbed sets UMOCKDEV_DIR in our environment; PROGRAM inherits it and LD_PRELOAD.
    UMockdevTestbed *tb = umockdev_testbed_new();
    triggered = g_async_queue_new();
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
    GThread *triggers = g_thread_new("triggers", trigger_thread, tb);

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
    g_async_queue_push(triggered, &trigger_stop);
    g_thread_join(triggers);

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
        if (s->bulk_out || s->bulk_in)
            harness_log("%s: %lu bytes received on bulk OUT; %lu answers queued, %lu bytes delivered on bulk IN",
                        s->name, s->out_bytes_total, s->replies_queued, s->bulk_in_delivered);
    }
    harness_log("%s used %.3f s user + %.3f s system CPU in %.3f s wall",
                program[0], ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6, ru.ru_stime.tv_sec + ru.ru_stime.tv_usec / 1e6, wall / 1e6);
    g_object_unref(tb);  // removes the testbed directory

    if (timed_out) return 124;
    if (WIFEXITED(status)) return WEXITSTATUS(status);
    if (WIFSIGNALED(status)) return 128 + WTERMSIG(status);
    return 1;
}
