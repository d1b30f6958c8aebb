#!/usr/bin/env python3
"""Finish the manual pages `make man` writes to .build/man (never committed).

    scripts/man.py RAW_DIR OUT_DIR

RAW_DIR holds what ArgumentParser's GenerateManual plugin wrote from the binaries' argument
definitions (one mdoc page per tool, anywhere under RAW_DIR). This script only moves text the
commands already carry, so the argument definitions stay the one source:
  - kioskd's page becomes section 8 (kioskd.8); the tools stay in section 1;
  - the "Exit status (sysexits.h):" block of each command's discussion (ExitStatus.helpText)
    becomes the EXIT STATUS section, one tagged item per code, in place of the generator's
    generic "exits 0 on success, and >0 if an error occurs";
  - the "Examples:" block becomes an EXAMPLES section, shown literally.
It also writes kioskd.toml.5 from docs/CONFIGURATION.md (the keys table, roles, environment,
exit status), so the configuration has one source too.
"""
import os
import re
import sys

TOOLS = {"kioskctl": 1, "kiosk-front": 1, "kiosk-backoffice": 1, "kioskd": 8}
STATUS_LINE = re.compile(r"^\s*(\d+)\s+(EX_[A-Z]+):\s*(.*)$")


def escape(text):
    """Text safe on an mdoc/man text line: no leading dot or quote, backslashes doubled."""
    text = text.replace("\\", "\\e")
    return "\\&" + text if text[:1] in (".", "'") else text


def find_raw(raw_dir, name):
    for root, _, files in os.walk(raw_dir):
        for candidate in (name + ".1", name + ".8"):
            if candidate in files:
                return os.path.join(root, candidate)
    sys.exit(f"man.py: no generated page for {name} under {raw_dir} (did the GenerateManual plugin run?)")


def finish_tool(text, name, section):
    lines = text.split("\n")
    examples, statuses, kept = [], [], []
    mode = None
    for line in lines:
        stripped = line.strip()
        if stripped == "Examples:":
            mode = "examples"
            continue
        if stripped.startswith("Exit status (sysexits.h):"):
            mode = "status"
            continue
        if mode == "examples":
            if line.startswith("  ") and stripped:
                examples.append(stripped)
                continue
            mode = None
        if mode == "status":
            match = STATUS_LINE.match(line)
            if match:
                statuses.append(match.groups())
                continue
            mode = None
        kept.append(line)
    if not statuses:
        sys.exit(f"man.py: {name}'s discussion has no 'Exit status (sysexits.h):' block")
    # Drop the generator's generic EXIT STATUS section; ours replaces it.
    out, skipping = [], False
    for line in kept:
        if line.startswith(".Sh "):
            skipping = line.strip().upper() in (".SH EXIT STATUS", '.SH "EXIT STATUS"')
            if skipping:
                continue
        if skipping:
            continue
        out.append(line)
    # Section 8 for the daemon: the .Dt line and the file name.
    out = [re.sub(r"^\.Dt (\S+) \d+", lambda m: f".Dt {m.group(1)} {section}", l) for l in out]
    extra = []
    if examples:
        extra += [".Sh EXAMPLES", ".Bd -literal -offset indent"] + [escape(e) for e in examples] + [".Ed"]
    extra += [".Sh EXIT STATUS",
              f"{name} uses the exit statuses of",
              ".In sysexits.h :",
              ".Bl -tag -width Ds"]
    for code, symbol, cause in statuses:
        extra += [f".It {code} Pq Dv {symbol}", escape(cause)]
    extra += [".El"]
    # Before AUTHORS / SEE ALSO when present, else at the end.
    insert_at = len(out)
    for i, line in enumerate(out):
        if line.strip().upper() in (".SH AUTHORS", ".SH SEE ALSO", '.SH "SEE ALSO"'):
            insert_at = i
            break
    while insert_at > 0 and out[insert_at - 1] == "":
        insert_at -= 1
    return "\n".join(tidy(out[:insert_at] + extra + out[insert_at:])) + "\n"


def tidy(lines):
    """mdoc has no blank lines: a blank line between paragraphs becomes one .Pp, and none is
    kept where a section, list or list item starts anyway."""
    result = []
    for line in lines:
        if not line.strip():
            line = ".Pp"
        if line == ".Pp" and (not result or result[-1] == ".Pp" or result[-1].startswith((".Sh", ".Ss", ".Bl", ".It"))):
            continue
        if line.startswith((".Sh", ".Ss", ".Bl", ".It", ".El", ".Bd")) and result and result[-1] == ".Pp":
            result.pop()
        result.append(line)
    while result and result[-1] == ".Pp":
        result.pop()
    return result


def md_inline(text):
    """Markdown inline text to man text: `code` in bold, links to their words."""
    text = re.sub(r"\[([^\]]+)\]\([^)]+\)", r"\1", text)
    text = escape(text)
    return re.sub(r"`([^`]+)`", r"\\fB\1\\fR", text)


def config_page(markdown):
    """docs/CONFIGURATION.md as kioskd.toml(5), in man(7) macros."""
    sections, title, body = [], None, []
    for line in markdown.split("\n"):
        if line.startswith("## ") or line.startswith("# "):
            if title is not None or body:
                sections.append((title, body))
            title, body = line.lstrip("#").strip(), []
        else:
            body.append(line)
    sections.append((title, body))
    out = ['.TH KIOSKD.TOML 5 "" "kioskpay" "File Formats"',
           ".SH NAME", "kioskd.toml \\- configuration file of the kioskd payment kiosk daemon",
           ".SH SYNOPSIS", ".B /etc/kioskd/kioskd.toml"]

    def paragraphs(lines):
        text = []
        for line in lines:
            if not line.strip():
                if text:
                    out.append(".PP")
                    text = []
                continue
            if line.startswith("- "):
                out.append(".IP \\(bu 2")
                line = line[2:]
            out.append(md_inline(line.strip()))
            text.append(line)

    for title, body in sections:
        if title is None or title == "kioskd configuration":
            rows = [l for l in body if l.startswith("|")]
            prose = [l for l in body if not l.startswith("|")]
            out.append(".SH DESCRIPTION")
            paragraphs(prose)
            if rows:
                out.append(".SH KEYS")
                for row in rows[2:]:  # header and |---| lines
                    cells = [c.strip() for c in row.strip().strip("|").split("|")]
                    if len(cells) < 4:
                        continue
                    key, kind, default, meaning = cells[0], cells[1], cells[2], " | ".join(cells[3:])
                    out += [".TP", md_inline(key),
                            md_inline(f"Type: {kind}. Default: {default}."), ".br", md_inline(meaning)]
            continue
        if title.lower() == "exit status":
            out.append(".SH EXIT STATUS")
            for line in body:
                match = re.match(r"^- `?(\d+)`?\s*(?:\((EX_[A-Z]+)\))?:?\s*(.*)$", line.strip())
                if match:
                    code, symbol, cause = match.groups()
                    out += [".TP", f"\\fB{code}\\fR" + (f" ({symbol})" if symbol else ""), md_inline(cause)]
                elif line.strip():
                    out.append(md_inline(line.strip()))
            continue
        heading = title.strip("`").upper()
        out.append(".SH " + escape("KIOSKD " + heading if title.startswith("`") else heading))
        paragraphs(body)
    out += [".SH SEE ALSO", ".BR kioskd (8),", ".BR kioskctl (1),", ".BR kiosk-front (1)"]
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: scripts/man.py RAW_DIR OUT_DIR")
    raw_dir, out_dir = sys.argv[1], sys.argv[2]
    os.makedirs(out_dir, exist_ok=True)
    for name, section in TOOLS.items():
        with open(find_raw(raw_dir, name), encoding="utf-8") as f:
            page = finish_tool(f.read(), name, section)
        with open(os.path.join(out_dir, f"{name}.{section}"), "w", encoding="utf-8") as f:
            f.write(page)
    here = os.path.dirname(os.path.abspath(__file__))
    with open(os.path.join(here, "..", "docs", "CONFIGURATION.md"), encoding="utf-8") as f:
        page = config_page(f.read())
    with open(os.path.join(out_dir, "kioskd.toml.5"), "w", encoding="utf-8") as f:
        f.write(page)
    print(f"man.py: wrote {', '.join(f'{n}.{s}' for n, s in TOOLS.items())}, kioskd.toml.5 to {out_dir}")


if __name__ == "__main__":
    main()
