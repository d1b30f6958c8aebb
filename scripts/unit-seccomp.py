#!/usr/bin/python3
"""Run a command under the system-call filter a systemd unit would give it, without systemd.

    scripts/unit-seccomp.py systemd/kioskd.service --print
    scripts/unit-seccomp.py systemd/kioskd.service [--action kill|errno|log] -- COMMAND [ARG...]

The unit's SystemCallFilter= lines are read the way systemd (v252) reads them:
  * an empty assignment resets the filter;
  * the first non-empty assignment decides the kind: without `~` it is an allow list (and
    systemd adds @default to it first), with `~` a deny list;
  * later assignments add their names (`name` in an allow list, `~name` in a deny list) or
    remove them (`~name` from an allow list, `name` from a deny list), in order;
  * `~name:ERRNO` in an allow list keeps the call but makes it fail with that errno;
  * @groups are expanded with `systemd-analyze syscall-filter`, recursively; names this
    architecture does not have are ignored, as systemd ignores them.

With --print, writes the allowed (or denied) calls, one a line, and exits. Otherwise loads the
filter with libseccomp (Debian's python3-seccomp) and execs COMMAND under it. The default
action for a call the filter does not allow is `kill` (the kernel kills the process with
SIGSYS, so a test sees every gap), whatever the unit's SystemCallErrorNumber= says; `errno`
uses the unit's SystemCallErrorNumber= (EPERM if unset) instead, as systemd would.
"""
import errno as errnos
import os
import re
import subprocess
import sys


def unit_assignments(path, key):
    """The values of `key=` in the [Service] section, in order (continuation lines joined)."""
    values, section, pending = [], None, ""
    with open(path, encoding="utf-8") as unit:
        for raw in unit:
            line = pending + raw.rstrip("\n")
            pending = ""
            if line.endswith("\\"):
                pending = line[:-1] + " "
                continue
            stripped = line.strip()
            if not stripped or stripped[0] in "#;":
                continue
            if stripped.startswith("[") and stripped.endswith("]"):
                section = stripped[1:-1]
                continue
            name, _, value = stripped.partition("=")
            if section == "Service" and name.strip() == key:
                values.append(value.strip())
    return values


_groups = {}


def expand(name):
    """The system calls a name stands for: itself, or a @group's members, recursively."""
    if not name.startswith("@"):
        return [name]
    if name not in _groups:
        text = subprocess.run(["systemd-analyze", "syscall-filter", name], check=True,
                              capture_output=True, text=True).stdout
        members = []
        for line in text.splitlines()[1:]:  # the first line is the group's own name
            item = line.strip()
            if item and not item.startswith("#"):
                members.append(item)
        if not members:
            sys.exit(f"unit-seccomp: systemd-analyze does not know the group {name}")
        calls = []
        for member in members:
            calls.extend(expand(member))
        _groups[name] = calls
    return _groups[name]


def errno_number(text):
    if text.isdigit():
        return int(text)
    number = getattr(errnos, text, None)
    if number is None:
        sys.exit(f"unit-seccomp: unknown errno {text}")
    return number


def parse_filter(assignments):
    """(allow_list, {call: errno or None}) as systemd's config_parse_syscall_filter builds it."""
    allow_list, entries, started = False, {}, False
    for value in assignments:
        if not value:
            allow_list, entries, started = False, {}, False
            continue
        invert = value.startswith("~")
        if invert:
            value = value[1:]
        if not started:
            started = True
            allow_list = not invert
            if allow_list:
                for call in expand("@default"):
                    entries[call] = None
        for word in value.split():
            name, _, err = word.partition(":")
            number = errno_number(err) if err else None
            if not invert and number is not None:
                number = None  # systemd: allow-listed calls cannot take an errno (ignored)
            for call in expand(name):
                if invert != allow_list or (invert and allow_list and number is not None):
                    entries[call] = number
                else:
                    entries.pop(call, None)
    return allow_list, entries


def main(argv):
    if len(argv) < 2 or argv[1] in ("-h", "--help"):
        print(__doc__.strip())
        return 0
    unit = argv[1]
    rest = argv[2:]
    action = "kill"
    if rest[:1] == ["--action"]:
        action, rest = rest[1], rest[2:]
    filters = unit_assignments(unit, "SystemCallFilter")
    if not filters:
        sys.exit(f"unit-seccomp: {unit} has no SystemCallFilter=")
    allow_list, entries = parse_filter(filters)
    error_setting = (unit_assignments(unit, "SystemCallErrorNumber") or ["EPERM"])[-1]

    if rest[:1] == ["--print"]:
        print("# " + ("allowed" if allow_list else "denied") + f"; SystemCallErrorNumber={error_setting}")
        for call in sorted(entries):
            print(call if entries[call] is None else f"{call}:{entries[call]}")
        return 0
    if rest[:1] != ["--"] or len(rest) < 2:
        sys.exit("usage: unit-seccomp.py UNIT [--action kill|errno|log] (--print | -- COMMAND [ARG...])")
    command = rest[1:]

    import seccomp  # python3-seccomp (Debian)
    if action == "kill":
        negative = seccomp.KILL_PROCESS
    elif action == "log":
        negative = seccomp.LOG
    elif action == "errno":
        negative = seccomp.KILL_PROCESS if error_setting == "kill" else seccomp.ERRNO(errno_number(error_setting))
    else:
        sys.exit(f"unit-seccomp: unknown --action {action}")
    default, listed = (negative, seccomp.ALLOW) if allow_list else (seccomp.ALLOW, negative)
    rules = seccomp.SyscallFilter(defaction=default)
    for call, number in sorted(entries.items()):
        try:
            rules.add_rule(listed if number is None else seccomp.ERRNO(number), call)
        except (RuntimeError, ValueError, OSError):
            pass  # not a system call on this architecture: systemd ignores it too
    rules.load()
    try:
        os.execvp(command[0], command)
    except OSError as error:
        sys.exit(f"unit-seccomp: cannot run {command[0]}: {error.strerror}")


if __name__ == "__main__":
    sys.exit(main(sys.argv))
