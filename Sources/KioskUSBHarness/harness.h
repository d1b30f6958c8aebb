// kiosk-usb-harness: shared declarations.
//
// The harness emulates USB HID devices for a program that uses the real libusb
// code paths. umockdev's preload library (libumockdev-preload.so.0) redirects the
// program's /sys and /dev accesses into a temporary testbed directory and forwards
// every ioctl on an emulated usbfs node (/dev/bus/usb/BBB/DDD) over a socket to the
// UMockdevIoctlBase handler this harness attaches to that node (device.c). The
// handler plays the part of the kernel's usbfs driver: it accepts URBs, completes
// control requests from the scenario's descriptors, completes interrupt-IN URBs
// with the scenario's reports, and fails everything with ENODEV once unplugged.
#ifndef KIOSK_USB_HARNESS_H
#define KIOSK_USB_HARNESS_H

#include <glib.h>
#include <stddef.h>
#include <stdint.h>
#include <umockdev.h>

typedef struct report_spec {
    uint8_t type;  // 1 input, 2 output, 3 feature
    uint8_t id;    // report ID (0 when the device uses none)
    uint8_t *data;
    size_t len;
} report_spec;

struct device_instance;
struct action;

/// A bulk IN answer: when the OUT data contains `when`, `reply` is queued on the bulk IN endpoint.
typedef struct answer_spec {
    uint8_t *when;
    size_t when_len;   // 1..ANSWER_WHEN_MAX
    uint8_t *reply;
    size_t reply_len;
} answer_spec;
#define ANSWER_WHEN_MAX 16

/// One emulated device as the scenario describes it. It survives unplug/replug;
/// each plug creates a fresh `device_instance` (new device number, new node).
typedef struct device_spec {
    char *name;
    uint16_t vid, pid, bcd_device;
    char *manufacturer, *product, *serial;
    int bus, port, next_devnum;
    uint8_t if_class, if_subclass, if_protocol;
    char *kernel_driver;       // driver bound at plug time ("usbhid"), or NULL
    uint8_t ep_in;             // interrupt IN endpoint address (0x81), 0 for none
    uint16_t max_packet;
    uint8_t bulk_out, bulk_in; // bulk endpoint addresses (0x01, 0x82), 0 for none
    uint16_t bulk_max_packet;
    char *device_id;           // IEEE 1284 device ID served to the printer class GET_DEVICE_ID, or NULL
    answer_spec *answers;      // bulk IN answers (events change them; under the current instance's lock)
    size_t answer_count;
    long out_stall_after;      // OUT URBs beyond this many bytes since plug stay pending; -1 never
    struct action **byte_actions;  // events fired by OUT byte counts, by threshold then file order
    size_t byte_action_count;
    int record_fd;             // --record DIR: DIR/<name>.out, opened at first plug; -1 otherwise
    uint8_t interval;
    uint8_t *rdesc;            // HID report descriptor
    size_t rdesc_len;
    report_spec *reports;      // GET_REPORT answers (SET_REPORT replaces them)
    size_t report_count;
    int plugged_at_start;
    int hid_sysfs;             // add the interface and usbhid's hid device (report_descriptor) to sysfs
    struct device_instance *current;  // NULL while unplugged; touched by the scheduler thread only
    // Statistics over all instances (updated under the instance lock).
    unsigned long delivered, dropped, reap_calls, reap_empty;
    unsigned long out_bytes_total, replies_queued, bulk_in_delivered;
    // How far the host fell behind: the most reports waiting at once, and the delay from a
    // report being sent to the host polling it (max and sum), first send, last delivery.
    unsigned max_queue;
    gint64 max_delay_us, total_delay_us, first_queued_us, last_delivered_us;
} device_spec;

/// One plugged-in incarnation of a device.
typedef struct device_instance {
    device_spec *spec;
    int devnum;
    char devnode[64];          // "/dev/bus/usb/001/005"
    char *fifo_path;           // real path of the node inside the testbed
    char *syspath;             // "/sys/devices/.../usb1/1-3"
    char *if_syspath;          // ".../1-3/1-3:1.0" when hid_sysfs, else NULL
    char *hid_syspath;         // ".../1-3:1.0/0003:VVVV:PPPP.NNNN" when hid_sysfs, else NULL
    char *hid_real, *hid_hidden;  // its real directory in the testbed, and where it goes while unbound
    int fifo_fd;               // harness end of the node FIFO (see fifo_update)
    UMockdevIoctlBase *handler;

    GMutex lock;               // guards everything below; taken by the ioctl worker and the scheduler
    int fifo_ready;            // 1 while the node polls writable (a URB is reapable)
    int gone;                  // unplugged: ioctls fail with ENODEV
    GQueue pending_in;         // interrupt-IN URBs (urb_entry*) waiting for packets (the head may hold some)
    GQueue pending_bulk_in;    // bulk IN URBs waiting for answer packets
    GQueue pending_out;        // bulk OUT URBs the device NAKs (out_stall_after); only the head takes bytes
    GQueue pending_other;      // other URBs that never complete on their own (unknown IN endpoints)
    GQueue done;               // completed URBs waiting to be reaped
    GQueue reports;            // queued_packet* of the reports sent by the "device", not yet polled by the host
    GQueue bulk_packets;       // queued_packet* of the answers waiting on the bulk IN endpoint
    unsigned reports_waiting;  // reports with packets still in `reports`
    unsigned long out_bytes;   // bulk OUT bytes taken since plug (after_out_bytes counts these)
    uint8_t out_tail[ANSWER_WHEN_MAX];  // the last OUT bytes, so an answer's `when` may span URBs
    size_t out_tail_len;
    int unplug_requested;      // an unplug fired by after_out_bytes is on its way: take no more bytes
    char *bound_driver;        // currently bound kernel driver (interface 0), or NULL
    unsigned claimed;          // bitmask of claimed interfaces
    int fail_next;             // negative errno for the next interrupt IN URB ("error" event), or 0
} device_instance;

extern int harness_verbose;
extern const char *harness_record_dir;  // --record DIR, or NULL
/// Runs an event fired by an OUT byte count on the trigger thread (main.c): plug, unplug, reports,
/// errors and uevents must not run on the ioctl worker.
void harness_trigger(struct action *a);
void harness_log(const char *fmt, ...) G_GNUC_PRINTF(1, 2);

/// Hex helpers: `hex_decode` accepts upper/lower case and ignores spaces.
uint8_t *hex_decode(const char *hex, size_t *len, char **error);
char *hex_encode(const uint8_t *data, size_t len);

// device.c
/// Builds the device + configuration descriptor block libusb reads from sysfs.
GByteArray *device_descriptors(const device_spec *spec);
/// Plugs a device: FIFO node, ioctl handler, sysfs entry, "add" uevent.
device_instance *device_plug(UMockdevTestbed *tb, device_spec *spec, GError **error);
/// Unplugs: fails pending URBs with ESHUTDOWN, sends "remove", removes sysfs + node.
void device_unplug(UMockdevTestbed *tb, device_instance *inst);
/// Queues one report as if the device sent it, as max_packet-sized packets (and a zero-length
/// packet after an exact multiple when `zlp`); the host gets it on its next poll.
void device_send_report(device_instance *inst, const uint8_t *data, size_t len, int zlp);
/// Replaces (or adds) the bulk IN answer for `when`; an empty reply makes the device silent.
void device_set_answer(device_spec *s, const uint8_t *when, size_t when_len, const uint8_t *reply, size_t reply_len);
/// Changes out_stall_after (-1: never) and lets NAKed OUT URBs take what the new limit allows.
void device_set_out_stall(device_spec *s, long after);
/// The oldest pending interrupt IN transfer (or, if none, the next one) completes with -err,
/// as a bus error (EPROTO, EILSEQ, ETIME) or a stall (EPIPE) would.
void device_fail_transfer(device_instance *inst, int err, const char *name);
/// Sends a uevent (`action`) for the device, or for its interface 0 (needs hid_sysfs).
void device_uevent(UMockdevTestbed *tb, device_instance *inst, const char *action, int interface);
/// Called with the timeline's start condition: returns 1 once any interrupt IN URB was submitted.
int device_first_poll_seen(void);
void device_wait_first_poll(gint64 deadline_monotonic_us);
/// Wakes device_wait_first_poll early (PROGRAM exited).
void device_abort_wait(void);

#endif
