#!/usr/bin/python3
"""Run a command with the /proc a systemd unit would give it, without systemd (root only).

    scripts/unit-proc.py systemd/kioskd.service -- COMMAND [ARG...]

Reads the unit's ProtectProc= (hidepid=) and ProcSubset= (subset=) as systemd (v252) does,
makes a private mount namespace and mounts a fresh /proc there with those options, then execs
COMMAND. Tests chain it before setpriv and unit-seccomp.py, so kioskd runs with the unit's
/proc, user and system-call filter together: a read of /proc/meminfo or /proc/sys that
ProcSubset=pid hides fails the test instead of a kiosk in the field.
"""
import ctypes
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from importlib import import_module  # noqa: E402

unit_assignments = import_module("unit-seccomp").unit_assignments

CLONE_NEWNS = 0x00020000
MS_NOSUID, MS_NODEV, MS_NOEXEC, MS_REC, MS_PRIVATE = 0x2, 0x4, 0x8, 0x4000, 0x40000
HIDEPID = {"noaccess": "noaccess", "invisible": "invisible", "ptraceable": "ptraceable", "default": None}
SUBSET = {"pid": "pid", "all": None}


def main(argv):
    if len(argv) < 4 or argv[2] != "--":
        print(__doc__.strip(), file=sys.stderr)
        return 64
    unit, command = argv[1], argv[3:]
    protect = (unit_assignments(unit, "ProtectProc") or ["default"])[-1]
    subset = (unit_assignments(unit, "ProcSubset") or ["all"])[-1]
    if protect not in HIDEPID or subset not in SUBSET:
        sys.exit(f"unit-proc: unknown ProtectProc={protect} or ProcSubset={subset}")
    options = [f"hidepid={HIDEPID[protect]}"] if HIDEPID[protect] else []
    options += [f"subset={SUBSET[subset]}"] if SUBSET[subset] else []
    if options:
        libc = ctypes.CDLL(None, use_errno=True)
        def check(result, what):
            if result != 0:
                error = ctypes.get_errno()
                sys.exit(f"unit-proc: {what}: {os.strerror(error)}")
        check(libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
        check(libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "making / private")
        check(libc.mount(b"proc", b"/proc", b"proc", MS_NOSUID | MS_NODEV | MS_NOEXEC,
                         ",".join(options).encode()), "mounting /proc with " + ",".join(options))
    try:
        os.execvp(command[0], command)
    except OSError as error:
        sys.exit(f"unit-proc: cannot run {command[0]}: {error.strerror}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
