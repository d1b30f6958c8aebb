// kiosk-usb-harness: what the usbfs emulation files share (not used by main.c).
#ifndef KIOSK_USB_HARNESS_USBFS_H
#define KIOSK_USB_HARNESS_USBFS_H

#include "harness.h"

#include <linux/usbdevice_fs.h>


/// A report the device sent, with the time it was queued (for the delay statistics).
typedef struct queued_report {
    GBytes *bytes;
    gint64 queued_at;  // monotonic µs
} queued_report;

void queued_report_free(queued_report *r);

typedef struct urb_entry {
    UMockdevIoctlData *urb;     // local copy of struct usbdevfs_urb (ref held)
    UMockdevIoctlData *buffer;  // local copy of the URB's buffer (ref held), may be NULL
    int killed;                 // device vanished: reap with -ESHUTDOWN
    int fail_status;            // a scenario "error" event: reap with this (negative errno) status
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

// control.c
void urb_entry_free(urb_entry *e);
struct usbdevfs_urb *urb_of(urb_entry *e);
/// Sets status and actual length, in the local copy and (for umockdev to copy back) the client's.
void urb_set(urb_entry *e, int status, int actual_length);
void urb_write(urb_entry *e, size_t offset, const uint8_t *data, size_t len);
/// Answers a control request from the scenario; returns the URB status (0, or -EPIPE for a stall).
int handle_control(device_instance *inst, urb_entry *e);

// descriptors.c
GByteArray *config_descriptor(const device_spec *s);
GByteArray *device_descriptor(const device_spec *s);
/// String descriptor `index` (0: the language list), or NULL when the scenario has none.
GByteArray *string_descriptor(const device_spec *s, uint8_t index);

#endif
