// kiosk-usb-harness: what the usbfs emulation files share (not used by main.c).
#ifndef KIOSK_USB_HARNESS_USBFS_H
#define KIOSK_USB_HARNESS_USBFS_H

#include "harness.h"

#include <linux/usbdevice_fs.h>


/// One packet of a report (or bulk answer) the device sent, with the time the report was
/// queued (for the delay statistics).
typedef struct queued_packet {
    GBytes *bytes;     // at most max_packet bytes; a shorter one ends the host's transfer
    gint64 queued_at;  // monotonic µs
    int report_end;    // the report's last packet (statistics count reports)
} queued_packet;

void queued_packet_free(queued_packet *p);
/// Splits `len` bytes into packets of at most `max_packet` onto `q` (a zero-length packet for
/// len 0, and after an exact multiple when `zlp`).
void queue_packets(GQueue *q, const uint8_t *data, size_t len, uint16_t max_packet, int zlp);

typedef struct urb_entry {
    UMockdevIoctlData *urb;     // local copy of struct usbdevfs_urb (ref held)
    UMockdevIoctlData *buffer;  // local copy of the URB's buffer (ref held), may be NULL
    int killed;                 // device vanished: reap with -ESHUTDOWN
    int fail_status;            // a scenario "error" event: reap with this (negative errno) status
    int actual;                 // bytes filled (IN) or taken (OUT) so far
    int deferred;               // completed off an ioctl (bulk OUT): reap writes status 0 and `actual`
} urb_entry;

// usbfs.c
/// Keeps the node FIFO writable exactly while a URB can be reaped (see usbfs.c).
void fifo_update(device_instance *inst);
/// Binds the scenario's kernel driver to interface 0 (unless claimed) / unbinds it.
void bind_driver(device_instance *inst, const char *why);
int unbind_driver(device_instance *inst);
/// Shows or hides usbhid's hid device in sysfs (it exists only while usbhid is bound).
void hid_node_visible(device_instance *inst, int visible);
gboolean on_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user_data);
void on_client_vanished(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user_data);
void mark_first_poll(void);

// packets.c
/// The first pending IN URB (interrupt, then bulk) that queued packets complete, or NULL;
/// packets taken by a transfer still waiting for more stay in it. Worker thread, in an ioctl.
urb_entry *complete_in(device_instance *inst);

// bulk.c
/// Lets the bulk OUT URBs take bytes in order (recording them, matching answers, firing
/// after_out_bytes events) until one is NAKed; completed ones go to `done`. Lock held.
void pump_out(device_instance *inst);
/// Opens DIR/<name>.out for --record (first plug).
void record_open(device_spec *s);

// control.c
void urb_entry_free(urb_entry *e);
struct usbdevfs_urb *urb_of(urb_entry *e);
/// Sets status and actual length, in the local copy and (for umockdev to copy back) the client's.
void urb_set(urb_entry *e, int status, int actual_length);
void urb_write(urb_entry *e, size_t offset, const uint8_t *data, size_t len);
/// Answers a control request from the scenario; returns the URB status (0, or -EPIPE for a stall).
int handle_control(device_instance *inst, urb_entry *e);

// descriptors.c
int endpoint_count(const device_spec *s);
GByteArray *config_descriptor(const device_spec *s);
GByteArray *device_descriptor(const device_spec *s);
/// String descriptor `index` (0: the language list), or NULL when the scenario has none.
GByteArray *string_descriptor(const device_spec *s, uint8_t index);

#endif
