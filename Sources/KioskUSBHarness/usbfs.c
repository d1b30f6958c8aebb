// The emulated usbfs device: the device node FIFO and the ioctl handler that stands
// in for the kernel's usbfs driver (URBs, claims, kernel-driver binding, errors).
//
// Threads: umockdev runs `on_ioctl` on its own worker thread (one GMainContext
// per testbed); the scheduler thread (main.c) plugs, unplugs and queues reports.
// Both take `device_instance.lock`. URB memory (UMockdevIoctlData) is only touched
// on the worker thread, inside an ioctl the client is blocked in, because that is
// when umockdev can copy our changes back into the client's address space.
//
// Why a FIFO: umockdev creates device nodes as plain files, and a plain file always
// polls ready, so libusb's event loop would spin at 100% CPU calling
// USBDEVFS_REAPURBNDELAY. libusb polls usbfs nodes for POLLOUT. We make the node a
// one-page FIFO and keep a byte in it (full pipe = not writable) while nothing can
// be reaped; we drain it (writable) exactly while a URB is reapable. The client
// never reads or writes the node, it only polls and ioctls it.
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

static GMutex first_poll_lock;
static GCond first_poll_cond;
static int first_poll;
static int wait_aborted;

int device_first_poll_seen(void) {
    g_mutex_lock(&first_poll_lock);
    int seen = first_poll;
    g_mutex_unlock(&first_poll_lock);
    return seen;
}

void device_wait_first_poll(gint64 deadline) {
    g_mutex_lock(&first_poll_lock);
    while (!first_poll && !wait_aborted) {
        if (!g_cond_wait_until(&first_poll_cond, &first_poll_lock, deadline)) break;
    }
    g_mutex_unlock(&first_poll_lock);
}

void device_abort_wait(void) {
    g_mutex_lock(&first_poll_lock);
    wait_aborted = 1;
    g_cond_broadcast(&first_poll_cond);
    g_mutex_unlock(&first_poll_lock);
}

void mark_first_poll(void) {
    g_mutex_lock(&first_poll_lock);
    if (!first_poll) {
        first_poll = 1;
        g_cond_broadcast(&first_poll_cond);
    }
    g_mutex_unlock(&first_poll_lock);
}

// ---------------------------------------------------------------------------
// The node FIFO

void fifo_update(device_instance *inst) {
    int ready = inst->done.length > 0 || (inst->reports.length > 0 && inst->pending_in.length > 0) ||
                (inst->bulk_packets.length > 0 && inst->pending_bulk_in.length > 0);
    if (inst->gone && inst->done.length == 0) ready = 0;
    if (ready == inst->fifo_ready) return;
    if (ready) {
        char buf[4096];
        while (read(inst->fifo_fd, buf, sizeof buf) > 0) {}
    } else {
        char b = 0;
        if (write(inst->fifo_fd, &b, 1) < 0 && errno != EAGAIN) harness_log("%s: fifo write: %s", inst->spec->name, strerror(errno));
    }
    inst->fifo_ready = ready;
}

// ---------------------------------------------------------------------------
// Interrupt transfers, binding and the ioctl handler (worker thread)

static gboolean find_and_remove(GQueue *q, gulong client_addr, urb_entry **out) {
    for (GList *l = q->head; l; l = l->next) {
        urb_entry *e = l->data;
        if (e->urb->client_addr == client_addr) {
            g_queue_delete_link(q, l);
            *out = e;
            return TRUE;
        }
    }
    return FALSE;
}

static void drop_pending(device_instance *inst) {
    urb_entry *e;
    while ((e = g_queue_pop_head(&inst->pending_in))) urb_entry_free(e);
    while ((e = g_queue_pop_head(&inst->pending_bulk_in))) urb_entry_free(e);
    while ((e = g_queue_pop_head(&inst->pending_out))) urb_entry_free(e);
    while ((e = g_queue_pop_head(&inst->pending_other))) urb_entry_free(e);
    while ((e = g_queue_pop_head(&inst->done))) urb_entry_free(e);
}

static UMockdevIoctlData *resolve_arg(UMockdevIoctlClient *client, gsize len) {
    GError *err = NULL;
    UMockdevIoctlData *d = umockdev_ioctl_data_resolve(umockdev_ioctl_client_get_arg(client), 0, len, &err);
    if (!d) {
        harness_log("cannot resolve ioctl argument: %s", err ? err->message : "null pointer");
        g_clear_error(&err);
    }
    return d;
}

/// usbhid's hid device exists only while usbhid is bound (the kernel removes it on unbind):
/// its directory is moved out of sight and back. Plain renames inside the testbed's real
/// directory, so the ioctl worker never calls into the testbed API.
void hid_node_visible(device_instance *inst, int visible) {
    if (!inst->hid_real) return;
    const char *from = visible ? inst->hid_hidden : inst->hid_real, *to = visible ? inst->hid_real : inst->hid_hidden;
    if (rename(from, to) == 0)
        harness_log("%s: sysfs hid device %s", inst->spec->name, visible ? "added (usbhid bound)" : "removed (usbhid unbound)");
}

void bind_driver(device_instance *inst, const char *why) {
    if (inst->spec->kernel_driver && !inst->bound_driver && !(inst->claimed & 1)) {
        inst->bound_driver = g_strdup(inst->spec->kernel_driver);
        harness_log("%s: kernel driver %s attached to interface 0 (%s)", inst->spec->name, inst->bound_driver, why);
        hid_node_visible(inst, 1);
    }
}

int unbind_driver(device_instance *inst) {
    if (!inst->bound_driver) return -ENODATA;
    harness_log("%s: kernel driver %s detached from interface 0", inst->spec->name, inst->bound_driver);
    g_clear_pointer(&inst->bound_driver, g_free);
    hid_node_visible(inst, 0);
    return 0;
}

#define COMPLETE(res, err) do { umockdev_ioctl_client_complete(client, (res), (err)); goto out; } while (0)

gboolean on_ioctl(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user_data) {
    (void)base;
    device_instance *inst = user_data;
    device_spec *s = inst->spec;
    gulong req = umockdev_ioctl_client_get_request(client);
    g_mutex_lock(&inst->lock);

    if (req == USBDEVFS_REAPURB || req == USBDEVFS_REAPURBNDELAY) {
        s->reap_calls++;
        urb_entry *e = g_queue_pop_head(&inst->done);
        if (!e && !inst->gone) e = complete_in(inst);
        if (!e) {
            s->reap_empty++;
            COMPLETE(-1, inst->gone ? ENODEV : EAGAIN);
        }
        if (e->killed) urb_set(e, -ESHUTDOWN, e->actual);
        else if (e->fail_status) urb_set(e, e->fail_status, 0);
        else if (e->deferred) urb_set(e, 0, e->actual);
        // The argument points at the client's `struct usbdevfs_urb *` slot; resolve
        // that slot, then point it at the URB (umockdev writes the client address).
        UMockdevIoctlData *slot = resolve_arg(client, sizeof(void *));
        if (!slot || !umockdev_ioctl_data_set_ptr(slot, 0, e->urb)) {
            harness_log("%s: cannot hand a reaped URB back to the client", s->name);
            urb_entry_free(e);
            COMPLETE(-1, EFAULT);
        }
        umockdev_ioctl_client_complete(client, 0, 0);
        urb_entry_free(e);
        goto out;
    }

    if (req == USBDEVFS_DISCARDURB) {
        // The argument is the client's URB address itself, not a pointer to resolve.
        gulong addr = *(gulong *)umockdev_ioctl_client_get_arg(client)->data;
        urb_entry *e = NULL;
        int was_out_head = inst->pending_out.head && ((urb_entry *)inst->pending_out.head->data)->urb->client_addr == addr;
        if (find_and_remove(&inst->pending_in, addr, &e) || find_and_remove(&inst->pending_bulk_in, addr, &e) ||
            find_and_remove(&inst->pending_out, addr, &e) || find_and_remove(&inst->pending_other, addr, &e)) {
            // As usbfs: the URB is unlinked and reaped with -ENOENT and what it had transferred
            // (libusb turns that into CANCELLED, or TIMED_OUT when its timeout cancelled it).
            urb_set(e, -ENOENT, e->actual);
            e->deferred = 0;
            g_queue_push_tail(&inst->done, e);
            if (e->actual > 0 || urb_of(e)->type == USBDEVFS_URB_TYPE_BULK)
                harness_log("%s: URB on endpoint 0x%02x discarded after %d bytes", s->name, urb_of(e)->endpoint, e->actual);
            if (was_out_head) pump_out(inst);  // the next OUT URB may now take bytes
            COMPLETE(0, 0);
        }
        COMPLETE(-1, EINVAL);
    }

    if (req == USBDEVFS_GET_CAPABILITIES) {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(uint32_t));
        if (!d) COMPLETE(-1, EFAULT);
        uint32_t caps = USBDEVFS_CAP_ZERO_PACKET | USBDEVFS_CAP_BULK_CONTINUATION |
                        USBDEVFS_CAP_NO_PACKET_SIZE_LIM | USBDEVFS_CAP_REAP_AFTER_DISCONNECT;
        umockdev_ioctl_data_update(d, 0, (guint8 *)&caps, sizeof caps);
        COMPLETE(0, 0);
    }

    if (inst->gone) COMPLETE(-1, ENODEV);

    switch (req) {
    case USBDEVFS_SUBMITURB: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(struct usbdevfs_urb));
        if (!d) COMPLETE(-1, EFAULT);
        struct usbdevfs_urb *u = (struct usbdevfs_urb *)d->data;
        urb_entry *e = g_new0(urb_entry, 1);
        e->urb = g_object_ref(d);
        if (u->buffer_length > 0) {
            GError *err = NULL;
            e->buffer = umockdev_ioctl_data_resolve(d, offsetof(struct usbdevfs_urb, buffer), (gsize)u->buffer_length, &err);
            if (!e->buffer) {
                harness_log("%s: cannot resolve URB buffer: %s", s->name, err ? err->message : "?");
                g_clear_error(&err);
                urb_entry_free(e);
                COMPLETE(-1, EFAULT);
            }
            g_object_ref(e->buffer);
        }
        if (u->type == USBDEVFS_URB_TYPE_CONTROL && e->buffer && u->buffer_length >= 8 &&
            (e->buffer->data[0] & 0x1f) == 0x01 && (e->buffer->data[0] & 0x60) != 0x40 &&
            inst->bound_driver && !(inst->claimed & 1)) {
            // usbfs claims an interface for a request addressed to it (check_ctrlrecip), which
            // fails while a kernel driver holds it: the submit fails with EBUSY, as on Linux.
            harness_log("%s: control request to interface 0 refused (EBUSY): %s holds it", s->name, inst->bound_driver);
            urb_entry_free(e);
            COMPLETE(-1, EBUSY);
        }
        if (u->type == USBDEVFS_URB_TYPE_CONTROL) {
            handle_control(inst, e);
            g_queue_push_tail(&inst->done, e);
        } else if (u->type == USBDEVFS_URB_TYPE_BULK && s->bulk_out && u->endpoint == s->bulk_out) {
            if (!(inst->claimed & 1)) {
                urb_entry_free(e);
                COMPLETE(-1, ENOENT);
            }
            mark_first_poll();
            g_queue_push_tail(&inst->pending_out, e);
            pump_out(inst);
        } else if (u->type == USBDEVFS_URB_TYPE_BULK && s->bulk_in && u->endpoint == s->bulk_in) {
            if (!(inst->claimed & 1)) {
                urb_entry_free(e);
                COMPLETE(-1, ENOENT);
            }
            mark_first_poll();
            g_queue_push_tail(&inst->pending_bulk_in, e);
        } else if (u->type == USBDEVFS_URB_TYPE_INTERRUPT && s->ep_in && u->endpoint == s->ep_in) {
            if (!(inst->claimed & 1)) {
                urb_entry_free(e);
                COMPLETE(-1, ENOENT);  // usbfs refuses I/O on an interface it does not own
            }
            mark_first_poll();
            if (inst->fail_next) {
                // An "error" event came while no transfer was waiting: this one fails at once.
                e->fail_status = inst->fail_next;
                inst->fail_next = 0;
                g_queue_push_tail(&inst->done, e);
            } else {
                g_queue_push_tail(&inst->pending_in, e);
            }
        } else if (!(u->endpoint & 0x80)) {
            char *hex = hex_encode(e->buffer ? e->buffer->data : NULL, e->buffer ? (size_t)u->buffer_length : 0);
            harness_log("%s: OUT endpoint 0x%02x data %s", s->name, u->endpoint, hex);
            g_free(hex);
            urb_set(e, 0, u->buffer_length);
            g_queue_push_tail(&inst->done, e);
        } else {
            g_queue_push_tail(&inst->pending_other, e);
        }
        COMPLETE(0, 0);
    }
    case USBDEVFS_CLAIMINTERFACE: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(unsigned int));
        if (!d) COMPLETE(-1, EFAULT);
        unsigned int ifno = *(unsigned int *)d->data;
        if (ifno != 0) COMPLETE(-1, ENOENT);
        if (inst->bound_driver) COMPLETE(-1, EBUSY);
        inst->claimed |= 1u;
        harness_log("%s: interface 0 claimed", s->name);
        COMPLETE(0, 0);
    }
    case USBDEVFS_RELEASEINTERFACE: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(unsigned int));
        if (!d) COMPLETE(-1, EFAULT);
        unsigned int ifno = *(unsigned int *)d->data;
        if (ifno != 0 || !(inst->claimed & 1)) COMPLETE(-1, EINVAL);
        inst->claimed &= ~1u;
        harness_log("%s: interface 0 released", s->name);
        COMPLETE(0, 0);
    }
    case USBDEVFS_DISCONNECT_CLAIM: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(struct usbdevfs_disconnect_claim));
        if (!d) COMPLETE(-1, EFAULT);
        struct usbdevfs_disconnect_claim *dc = (struct usbdevfs_disconnect_claim *)d->data;
        if (dc->interface != 0) COMPLETE(-1, ENOENT);
        if (inst->claimed & 1) COMPLETE(-1, EBUSY);
        if (inst->bound_driver) {
            int is_named = strncmp(inst->bound_driver, dc->driver, sizeof dc->driver) == 0;
            if ((dc->flags & USBDEVFS_DISCONNECT_CLAIM_IF_DRIVER) && !is_named) COMPLETE(-1, EBUSY);
            if ((dc->flags & USBDEVFS_DISCONNECT_CLAIM_EXCEPT_DRIVER) && is_named) COMPLETE(-1, EBUSY);
            unbind_driver(inst);
        }
        inst->claimed |= 1u;
        harness_log("%s: interface 0 claimed (disconnect-and-claim)", s->name);
        COMPLETE(0, 0);
    }
    case USBDEVFS_GETDRIVER: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(struct usbdevfs_getdriver));
        if (!d) COMPLETE(-1, EFAULT);
        struct usbdevfs_getdriver gd;
        memcpy(&gd, d->data, sizeof gd);
        if (gd.interface != 0) COMPLETE(-1, ENODATA);
        const char *name = inst->bound_driver ? inst->bound_driver : (inst->claimed & 1) ? "usbfs" : NULL;
        if (!name) COMPLETE(-1, ENODATA);
        memset(gd.driver, 0, sizeof gd.driver);
        g_strlcpy(gd.driver, name, sizeof gd.driver);
        umockdev_ioctl_data_update(d, 0, (guint8 *)&gd, sizeof gd);
        COMPLETE(0, 0);
    }
    case USBDEVFS_IOCTL: {
        UMockdevIoctlData *d = resolve_arg(client, sizeof(struct usbdevfs_ioctl));
        if (!d) COMPLETE(-1, EFAULT);
        struct usbdevfs_ioctl *io = (struct usbdevfs_ioctl *)d->data;
        if (io->ifno != 0) COMPLETE(-1, EINVAL);
        if ((unsigned long)io->ioctl_code == USBDEVFS_DISCONNECT) {
            int r = unbind_driver(inst);
            COMPLETE(r == 0 ? 0 : -1, r == 0 ? 0 : -r);
        }
        if ((unsigned long)io->ioctl_code == USBDEVFS_CONNECT) {
            if (inst->claimed & 1) COMPLETE(-1, EBUSY);
            bind_driver(inst, "reattach requested");
            COMPLETE(0, 0);
        }
        COMPLETE(-1, ENOTTY);
    }
    case USBDEVFS_SETCONFIGURATION:
    case USBDEVFS_SETINTERFACE:
    case USBDEVFS_CLEAR_HALT:
    case USBDEVFS_RESETEP:
    case USBDEVFS_RESET:
        COMPLETE(0, 0);
    default:
        harness_log("%s: unhandled usbfs ioctl 0x%lx", s->name, req);
        COMPLETE(-1, ENOTTY);
    }

out:
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);
    return TRUE;
}

void on_client_vanished(UMockdevIoctlBase *base, UMockdevIoctlClient *client, gpointer user_data) {
    (void)base; (void)client;
    device_instance *inst = user_data;
    g_mutex_lock(&inst->lock);
    // Closing a usbfs fd kills its URBs and releases its interfaces; the kernel
    // driver is not rebound automatically (libusb reattaches explicitly).
    drop_pending(inst);
    inst->claimed = 0;
    fifo_update(inst);
    g_mutex_unlock(&inst->lock);
    harness_log("%s: client closed %s", inst->spec->name, inst->devnode);
}
