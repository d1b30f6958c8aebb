// kiosk-usb-harness: the scenario file (Tests/Fixtures/usb/README.md) as the timeline
// plays it: devices, and timed actions sorted by time then file order.
#ifndef KIOSK_USB_HARNESS_SCENARIO_H
#define KIOSK_USB_HARNESS_SCENARIO_H

#include "harness.h"

typedef enum { ACT_REPORT, ACT_UNPLUG, ACT_PLUG, ACT_ERROR, ACT_UEVENT, ACT_ANSWER, ACT_STALL } action_kind;



typedef struct action {
    gint64 at_us;
    size_t seq;  // file order, breaks ties
    action_kind kind;
    device_spec *dev;
    uint8_t *data;         // ACT_REPORT: the report; ACT_ANSWER: `when`
    size_t len;
    uint8_t *data2;        // ACT_ANSWER: the reply
    size_t len2;
    int zlp;               // ACT_REPORT: a zero-length packet follows an exact multiple of max_packet
    long value;            // ACT_STALL: the new out_stall_after (-1: never)
    long after_out_bytes;  // fires when `dev` has taken this many bulk OUT bytes since plug; -1: at at_us
    int fired;             // after_out_bytes events fire once (under the instance lock)
    int err;               // ACT_ERROR: errno value
    char *text;            // ACT_ERROR: its name; ACT_UEVENT: the action
    int interface;         // ACT_UEVENT: for interface 0 instead of the device
} action;

typedef struct scenario {
    device_spec *devices;
    size_t device_count;
    action *actions;       // timed (at_ms) actions
    size_t action_count, action_cap;
    GPtrArray *byte_actions;  // action* fired by after_out_bytes (also linked from their device)
    int clock_first_poll;   // timeline starts when the first interrupt IN URB is submitted
    gint64 timeout_ms;
} scenario;

/// Reads and checks SCENARIO.json; exits with status 2 (after one message) if it is invalid.
/// The actions come out sorted by time, then file order.
void load_scenario(const char *path, scenario *sc);

/// Prints "kiosk-usb-harness: MESSAGE" and exits with `code`.
G_NORETURN void die(int code, const char *fmt, ...) G_GNUC_PRINTF(2, 3);

#endif
