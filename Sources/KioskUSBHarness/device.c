// Plugging and unplugging an emulated device: its node (a FIFO, see usbfs.c), its
// sysfs entry with the descriptors libusb reads, optionally its interface and usbhid's hid
// device, and the uevents. Scheduler or main thread.
#define _GNU_SOURCE
#include "usbfs.h"

#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>


/// The interface and, while usbhid is bound, its hid device with the kernel's copy of the
/// report descriptor (`report_descriptor`), as a kernel lays them out under the USB device.
static gboolean add_hid_sysfs(UMockdevTestbed *tb, device_instance *inst, GError **error) {
    static unsigned hid_sequence = 0;
    device_spec *s = inst->spec;
    inst->if_syspath = g_strdup_printf("%s/%d-%d:1.0", inst->syspath, s->bus, s->port);
    GString *t = g_string_new(NULL);
    g_string_append_printf(t, "P: %s\nE: SUBSYSTEM=usb\nE: DEVTYPE=usb_interface\n", inst->if_syspath + 4);
    g_string_append_printf(t, "E: INTERFACE=%u/%u/%u\nE: PRODUCT=%x/%x/%x\n", s->if_class, s->if_subclass, s->if_protocol,
                           s->vid, s->pid, s->bcd_device);
    if (s->kernel_driver) g_string_append_printf(t, "E: DRIVER=%s\n", s->kernel_driver);
    g_string_append_printf(t, "A: bInterfaceNumber=00\\n\nA: bAlternateSetting= 0\\n\nA: bNumEndpoints=%02d\\n\n"
                              "A: bInterfaceClass=%02x\\n\nA: bInterfaceSubClass=%02x\\n\nA: bInterfaceProtocol=%02x\\n\n",
                           endpoint_count(s), s->if_class, s->if_subclass, s->if_protocol);
    char *text = g_string_free(t, FALSE);
    gboolean ok = umockdev_testbed_add_from_string(tb, text, error);
    g_free(text);
    if (!ok) return FALSE;
    char *hid_name = g_strdup_printf("0003:%04X:%04X.%04X", s->vid, s->pid, ++hid_sequence & 0xFFFF);
    inst->hid_syspath = g_strdup_printf("%s/%s", inst->if_syspath, hid_name);
    char *desc = hex_encode(s->rdesc, s->rdesc_len);
    t = g_string_new(NULL);
    g_string_append_printf(t, "P: %s\nE: SUBSYSTEM=hid\nE: DRIVER=hid-generic\nE: HID_ID=0003:%08X:%08X\n",
                           inst->hid_syspath + 4, s->vid, s->pid);
    g_string_append_printf(t, "H: report_descriptor=%s\n", desc);
    g_free(desc);
    text = g_string_free(t, FALSE);
    ok = umockdev_testbed_add_from_string(tb, text, error);
    g_free(text);
    if (!ok) { g_free(hid_name); return FALSE; }
    char *root = umockdev_testbed_get_root_dir(tb);
    inst->hid_real = g_build_filename(root, inst->hid_syspath, NULL);
    char *hidden = g_strdup_printf(".%s.unbound", hid_name);
    inst->hid_hidden = g_build_filename(root, inst->if_syspath, hidden, NULL);
    g_free(hidden);
    g_free(root);
    g_free(hid_name);
    // Plugged with the driver unbound (kernel_driver null): there is no hid device.
    if (!inst->bound_driver) hid_node_visible(inst, 0);
    harness_log("%s: sysfs interface %s%s", s->name, inst->if_syspath, inst->bound_driver ? " with its hid device" : "");
    return TRUE;
}

device_instance *device_plug(UMockdevTestbed *tb, device_spec *s, GError **error) {
    device_instance *inst = g_new0(device_instance, 1);
    inst->spec = s;
    inst->devnum = s->next_devnum++;
    if (s->next_devnum > 127) s->next_devnum = 2;
    g_mutex_init(&inst->lock);
    g_queue_init(&inst->pending_in);
    g_queue_init(&inst->pending_bulk_in);
    g_queue_init(&inst->pending_out);
    g_queue_init(&inst->bulk_packets);
    g_queue_init(&inst->pending_other);
    g_queue_init(&inst->done);
    g_queue_init(&inst->reports);
    snprintf(inst->devnode, sizeof inst->devnode, "/dev/bus/usb/%03d/%03d", s->bus, inst->devnum);

    // 1. The node, as a FIFO, before anything announces the device.
    char *root = umockdev_testbed_get_root_dir(tb);
    inst->fifo_path = g_build_filename(root, inst->devnode, NULL);
    char *dir = g_path_get_dirname(inst->fifo_path);
    g_mkdir_with_parents(dir, 0755);
    g_free(dir);
    g_free(root);
    unlink(inst->fifo_path);
    if (mkfifo(inst->fifo_path, 0660) != 0 ||
        (inst->fifo_fd = open(inst->fifo_path, O_RDWR | O_NONBLOCK | O_CLOEXEC)) < 0) {
        g_set_error(error, G_FILE_ERROR, g_file_error_from_errno(errno), "cannot create node FIFO %s: %s", inst->fifo_path, strerror(errno));
        return NULL;
    }
    (void)fcntl(inst->fifo_fd, F_SETPIPE_SZ, 4096);
    inst->fifo_ready = 1;  // empty pipe polls writable; fifo_update fills it
    fifo_update(inst);
    bind_driver(inst, "plugged");

    record_open(s);

    // 2. The usbfs emulation behind the node.
    inst->handler = umockdev_ioctl_base_new();
    g_signal_connect(inst->handler, "handle-ioctl", G_CALLBACK(on_ioctl), inst);
    g_signal_connect(inst->handler, "client-vanished", G_CALLBACK(on_client_vanished), inst);
    if (!umockdev_testbed_attach_ioctl(tb, inst->devnode, inst->handler, error)) return NULL;

    // 3. sysfs + udev properties; add_from_string synthesizes the "add" uevent.
    GByteArray *desc = device_descriptors(s);
    char *deschex = hex_encode(desc->data, desc->len);
    g_byte_array_unref(desc);
    GString *t = g_string_new(NULL);
    g_string_append_printf(t, "P: /devices/pci0000:00/0000:00:14.0/usb%d/%d-%d\n", s->bus, s->bus, s->port);
    g_string_append(t, "E: SUBSYSTEM=usb\nE: DEVTYPE=usb_device\n");
    g_string_append_printf(t, "E: DEVNAME=%s\n", inst->devnode);
    g_string_append_printf(t, "E: PRODUCT=%x/%x/%x\n", s->vid, s->pid, s->bcd_device);
    g_string_append_printf(t, "E: BUSNUM=%03d\nE: DEVNUM=%03d\n", s->bus, inst->devnum);
    g_string_append_printf(t, "E: ID_VENDOR_ID=%04x\nE: ID_MODEL_ID=%04x\n", s->vid, s->pid);
    if (s->serial) g_string_append_printf(t, "E: ID_SERIAL_SHORT=%s\n", s->serial);
    g_string_append_printf(t, "A: busnum=%d\\n\nA: devnum=%d\\n\n", s->bus, inst->devnum);
    g_string_append_printf(t, "A: idVendor=%04x\\n\nA: idProduct=%04x\\n\nA: bcdDevice=%04x\\n\n", s->vid, s->pid, s->bcd_device);
    g_string_append(t, "A: bConfigurationValue=1\\n\nA: bNumConfigurations=1\\n\nA: bNumInterfaces= 1\\n\nA: speed=12\\n\n");
    g_string_append(t, "A: bMaxPacketSize0=64\\n\nA: power/control=auto\\n\n");
    if (s->manufacturer) g_string_append_printf(t, "A: manufacturer=%s\\n\n", s->manufacturer);
    if (s->product) g_string_append_printf(t, "A: product=%s\\n\n", s->product);
    if (s->serial) g_string_append_printf(t, "A: serial=%s\\n\n", s->serial);
    g_string_append_printf(t, "H: descriptors=%s\n", deschex);
    g_free(deschex);
    inst->syspath = g_strdup_printf("/sys/devices/pci0000:00/0000:00:14.0/usb%d/%d-%d", s->bus, s->bus, s->port);
    // No "N:" line: umockdev would create the node itself (a pty or a plain file);
    // the FIFO made above is the node.
    char *text = g_string_free(t, FALSE);
    gboolean ok = umockdev_testbed_add_from_string(tb, text, error);
    g_free(text);
    if (!ok) return NULL;
    if (s->hid_sysfs && !add_hid_sysfs(tb, inst, error)) return NULL;
    s->current = inst;
    harness_log("%s: plugged %04x:%04x at %s (%s)", s->name, s->vid, s->pid, inst->devnode, inst->syspath);
    return inst;
}

void device_unplug(UMockdevTestbed *tb, device_instance *inst) {
    device_spec *s = inst->spec;
    g_mutex_lock(&inst->lock);
    inst->gone = 1;
    unsigned lost = inst->reports_waiting;
    s->dropped += lost;
    inst->reports_waiting = 0;
    queued_packet *p;
    while ((p = g_queue_pop_head(&inst->reports))) queued_packet_free(p);
    while ((p = g_queue_pop_head(&inst->bulk_packets))) queued_packet_free(p);
    // usbfs kills every URB of a vanished device; they are still reaped, with
    // -ESHUTDOWN, which libusb reports as LIBUSB_TRANSFER_NO_DEVICE. The status is
    // written at reap time (worker thread, inside the client's ioctl).
    urb_entry *e;
    while ((e = g_queue_pop_head(&inst->pending_in))) { e->killed = 1; g_queue_push_tail(&inst->done, e); }
    while ((e = g_queue_pop_head(&inst->pending_bulk_in))) { e->killed = 1; g_queue_push_tail(&inst->done, e); }
    while ((e = g_queue_pop_head(&inst->pending_out))) { e->killed = 1; g_queue_push_tail(&inst->done, e); }
    while ((e = g_queue_pop_head(&inst->pending_other))) { e->killed = 1; g_queue_push_tail(&inst->done, e); }
    g_clear_pointer(&inst->bound_driver, g_free);
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);

    // umockdev 0.17.16's remove_device sends no "remove" uevent; send it while
    // the sysfs entry (and thus DEVNAME for libudev) still exists.
    umockdev_testbed_uevent(tb, inst->syspath, "remove");
    if (inst->hid_syspath) {
        (void)rename(inst->hid_hidden, inst->hid_real);  // if unbound, back in place so the testbed removes it
        umockdev_testbed_remove_device(tb, inst->hid_syspath);
        umockdev_testbed_remove_device(tb, inst->if_syspath);
    }
    umockdev_testbed_remove_device(tb, inst->syspath);
    unlink(inst->fifo_path);
    s->current = NULL;
    harness_log("%s: unplugged from %s%s", s->name, inst->devnode, lost ? " (undelivered reports dropped)" : "");
    // The instance stays allocated: the client may still hold the node open and
    // issue ioctls (all failing with ENODEV) until it closes it.
}

void device_uevent(UMockdevTestbed *tb, device_instance *inst, const char *action, int interface) {
    const char *path = interface ? inst->if_syspath : inst->syspath;
    if (!path) {
        harness_log("%s: uevent \"%s\" on the interface ignored: the device has no sysfs interface (hid_sysfs)", inst->spec->name, action);
        return;
    }
    umockdev_testbed_uevent(tb, path, action);
    harness_log("%s: uevent \"%s\" sent for %s", inst->spec->name, action, path);
}

// ---------------------------------------------------------------------------
// What the scenario makes the device do (scheduler thread)

void device_send_report(device_instance *inst, const uint8_t *data, size_t len, int zlp) {
    g_mutex_lock(&inst->lock);
    queue_packets(&inst->reports, data, len, inst->spec->max_packet, zlp);
    gint64 now = g_get_monotonic_time();
    if (!inst->spec->first_queued_us) inst->spec->first_queued_us = now;
    inst->reports_waiting++;
    if (inst->reports_waiting > inst->spec->max_queue) inst->spec->max_queue = inst->reports_waiting;
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);
}

void device_fail_transfer(device_instance *inst, int err, const char *name) {
    g_mutex_lock(&inst->lock);
    urb_entry *e = g_queue_pop_head(&inst->pending_in);
    if (e) {
        e->fail_status = -err;
        g_queue_push_tail(&inst->done, e);
    } else {
        inst->fail_next = -err;
    }
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);
    harness_log("%s: interrupt IN transfer %s with -%s", inst->spec->name, e ? "completes" : "will complete", name);
}
