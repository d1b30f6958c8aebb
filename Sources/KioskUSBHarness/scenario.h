// kiosk-usb-harness: the scenario file (Tests/Fixtures/usb/README.md) as the timeline
// plays it: devices, and timed actions sorted by time then file order.
#ifndef KIOSK_USB_HARNESS_SCENARIO_H
#define KIOSK_USB_HARNESS_SCENARIO_H

#include "harness.h"

typedef enum { ACT_REPORT, ACT_UNPLUG, ACT_PLUG, ACT_ERROR, ACT_UEVENT } action_kind;



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

/// Reads and checks SCENARIO.json; exits with status 2 (after one message) if it is invalid.
/// The actions come out sorted by time, then file order.
void load_scenario(const char *path, scenario *sc);

/// Prints "kiosk-usb-harness: MESSAGE" and exits with `code`.
G_NORETURN void die(int code, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
