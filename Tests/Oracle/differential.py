"""Differential test: kioskd's account figures against the independent oracle.

usage: differential.py SOCKET [--seeds N] [--start S] [--save DIR] [--now ISO-INSTANT]

For each seed: generate a document (random_docs.py), sync.apply it over the socket, then ask
account.get / account.balances / account.summary / account.activity / items.open for every
account and scope and compare every field with oracle.py (items.open is paged: every page is
read and the whole list compared; the call without a page must be its first 25 rows). Prints one line per mismatch;
exits 0 when every document matched, 1 otherwise; the last line is `N passed, M failed`.
Each seed also sends a second document over the same account numbers and ids (an update;
odd seeds refer to the branches, users and profiles stored by the first).
`--now` is for a daemon started under faketime at that instant, for calendar edges such as
1 January: `faketime -f "@2027-01-01 06:30:00" kioskd ... &` then `--now 2027-01-01T06:30:00Z`;
the script's clock starts there too and runs on in step.
"""
import argparse
import datetime as dt
import json
import os
import socket
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from oracle import STRICT_ABSENT, Oracle, OracleError, today_in  # noqa: E402
from random_docs import TIME_ZONES, generate  # noqa: E402

METHODS = ["account.get", "account.balances", "account.summary", "account.activity", "items.open"]
MISSING = object()
CLOCK = {"start": None, "at": None}
REGISTRY = {"branches": {}, "users": {}}  # what earlier documents stored, by id


def now():
    """The current instant, or the faked one when --now was given."""
    if CLOCK["start"] is None:
        return dt.datetime.now(dt.timezone.utc)
    return CLOCK["start"] + dt.timedelta(seconds=time.monotonic() - CLOCK["at"])


class Client:
    def __init__(self, path):
        self.sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        self.sock.settimeout(60)
        self.sock.connect(path)
        self.buffer = b""
        self.next_id = 0

    def call(self, method, params):
        self.next_id += 1
        line = json.dumps({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params},
                          ensure_ascii=False)
        self.sock.sendall(line.encode("utf-8") + b"\n")
        while b"\n" not in self.buffer:
            chunk = self.sock.recv(1 << 20)
            if not chunk:
                raise ConnectionError("daemon closed the connection")
            self.buffer += chunk
        reply, self.buffer = self.buffer.split(b"\n", 1)
        reply = json.loads(reply)
        if reply.get("id") != self.next_id:
            raise ConnectionError(f"reply id {reply.get('id')} for request {self.next_id}")
        return reply


def compare(path, got, want, diffs):
    """Appends (path, got, want) for every difference; dict keys follow the oracle's."""
    if isinstance(want, dict):
        if not isinstance(got, dict):
            diffs.append((path, got, want))
            return
        for key, value in want.items():
            sub = got.get(key, MISSING)
            if value is None and sub in (None, MISSING) and key not in STRICT_ABSENT:
                continue
            if sub is MISSING:
                diffs.append((f"{path}.{key}", "<absent>", value))
            else:
                compare(f"{path}.{key}", sub, value, diffs)
        for key in STRICT_ABSENT:  # documented as absent when there is nothing to show
            if key in got and key not in want:
                diffs.append((f"{path}.{key}", got[key], "<absent>"))
    elif isinstance(want, list):
        if not isinstance(got, list) or len(got) != len(want):
            diffs.append((path, got, want))
            return
        for n, (g, w) in enumerate(zip(got, want)):
            compare(f"{path}[{n}]", g, w, diffs)
    elif type(got) is not type(want) or got != want:
        diffs.append((path, got, want))


PAGED = {"items.open": "invoices"}  # paged lists: read every page, compare the whole list
PAGE_LIMIT = 5  # small, so the generated accounts (0–15 items) span several pages


def call_all_pages(client, method, params, where):
    """Every page of a paged list merged into one reply, and lines for pages that disagree.

    The default call (no page, no limit) must be the first 25 rows with `more` when others
    follow; each page of PAGE_LIMIT must hold its rows in order, and the whole list's count
    and totals must be the same on every page.
    """
    rows_key, problems = PAGED[method], []
    first = client.call(method, params)
    if "error" in first:
        return first, problems
    pages, page = [], 0
    while True:
        reply = client.call(method, dict(params, page=page, limit=PAGE_LIMIT))
        if "error" in reply:
            return reply, problems
        result = reply["result"]
        pages.append(result)
        if result.get("page") != page or result.get("limit") != PAGE_LIMIT:
            problems.append(f"{where} page {page}: page/limit {result.get('page')}/{result.get('limit')}")
        if not result.get("more") or page > 100_000:
            break
        if len(result[rows_key]) != PAGE_LIMIT:
            problems.append(f"{where} page {page}: {len(result[rows_key])} rows on a page that is not the last")
        page += 1
    merged = dict(pages[-1])
    merged[rows_key] = [row for p in pages for row in p[rows_key]]
    for key in ("count", "open_total", "amount_due_total", "finance_charges"):
        if any(p.get(key) != merged.get(key) for p in pages):
            problems.append(f"{where}: {key} differs between pages {[p.get(key) for p in pages]}")
    default = first["result"]
    want_more = len(merged[rows_key]) > 25
    if default.get(rows_key) != merged[rows_key][:25] or default.get("more") != want_more or default.get("page") != 0 \
            or default.get("limit") != 25 or default.get("count") != merged.get("count"):
        problems.append(f"{where}: the call without a page is not the first 25 rows (more {default.get('more')}, "
                        f"{len(default.get(rows_key) or [])} rows, count {default.get('count')})")
    return {"result": merged}, problems


def check_account(client, oracle, acct, today, label):
    """Every read, every scope (plus a job that must be refused), compared with the oracle."""
    lines, number = [], acct["number"]
    jobs = [j["number"] for j in acct.get("jobs") or []]
    for job in [None] + jobs + ([999] if acct["billing_type"] == "job" else [1]):
        for method in METHODS:
            params = {"account": number} if job is None else {"account": number, "job": job}
            where = f"{label} account {number} job {'-' if job is None else job} {method}"
            if method in PAGED:
                got, problems = call_all_pages(client, method, params, where)
                lines += problems
            else:
                got = client.call(method, params)
            try:
                want = oracle.call(method, number, job, today)
            except OracleError as expected:
                error = got.get("error")
                kind = ((error or {}).get("data") or {}).get("kind")
                if error is None or (error.get("code") != expected.code and kind != expected.kind):
                    lines.append(f"{where}: expected error {expected.code}/{expected.kind}, got {json.dumps(got)}")
                continue
            if "error" in got:
                lines.append(f"{where}: daemon error {json.dumps(got['error'])}")
                continue
            result = got["result"]
            if method == "account.get" and isinstance(result.get("jobs"), list):  # order not specified
                result["jobs"] = sorted(result["jobs"], key=lambda j: j.get("number", 0))
                want["jobs"] = sorted(want["jobs"], key=lambda j: j["number"])
            diffs = []
            compare("", result, want, diffs)
            for path, g, w in diffs:
                lines.append(f"{where} field {path.lstrip('.')}: daemon {json.dumps(g, ensure_ascii=False)}"
                             f" oracle {json.dumps(w, ensure_ascii=False)}")
    return lines


def apply(client, doc, label, save_dir):
    """sync.apply; returns mismatch lines (empty when accepted) and records what was stored."""
    reply = client.call("sync.apply", doc)
    if "error" in reply:
        path = save(doc, label, save_dir)
        return [f"{label}: sync.apply refused a generated document: {json.dumps(reply['error'])}"
                + (f" (saved {path})" if path else "")]
    for key in ("branches", "users"):
        REGISTRY[key].update({row["id"]: row for row in doc.get(key) or []})
    return []


def run_seed(client, seed, save_dir):
    """Returns (ok, lines); ok is None when a time zone's day changed during the run.

    Phase 1 stores a fresh document; phase 2 sends another one under the same account numbers
    and ids (every other seed without branches, users and profiles, referring to the stored
    ones), and checks its accounts and phase 1's accounts it left alone."""
    first = generate(seed, now())
    lines = apply(client, first, f"seed {seed}", save_dir)
    if lines:
        return False, lines
    zones = set(TIME_ZONES)
    before = {z: today_in(z, now()) for z in zones}
    oracle = Oracle(first, REGISTRY)
    for acct in first["accounts"]:
        lines += check_account(client, oracle, acct, before[oracle.time_zone(acct["number"])], f"seed {seed}")
    second = generate(seed + 1_000_000, now(), id_seed=seed, reuse=first if seed % 2 else None)
    label = f"seed {seed} (update)"
    refused = apply(client, second, label, save_dir)
    if refused:
        return False, lines + refused
    updated = Oracle(second, REGISTRY)
    kept = Oracle(first, REGISTRY)
    sent = {a["number"] for a in second["accounts"]}
    for oracle_, acct in [(updated, a) for a in second["accounts"]] + \
            [(kept, a) for a in first["accounts"] if a["number"] not in sent]:
        lines += check_account(client, oracle_, acct, before[oracle_.time_zone(acct["number"])], label)
    if any(today_in(z, now()) != before[z] for z in zones):
        return None, lines
    if lines:
        for doc, name in ((first, seed), (second, f"{seed}-update")):
            path = save(doc, name, save_dir)
            if path:
                lines.append(f"seed {seed}: document saved to {path}")
    return not lines, lines


def save(doc, seed, save_dir):
    if not save_dir:
        return None
    os.makedirs(save_dir, exist_ok=True)
    path = os.path.join(save_dir, f"seed-{seed}.json")
    with open(path, "w") as f:
        json.dump(doc, f, indent=1, ensure_ascii=False)
    return path


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("socket")
    parser.add_argument("--seeds", type=int, default=100)
    parser.add_argument("--start", type=int, default=1)
    parser.add_argument("--save", default=None, help="directory to save documents that failed")
    parser.add_argument("--max-lines", type=int, default=40, help="mismatch lines printed per seed")
    parser.add_argument("--now", default=None, help="the daemon's (faked) current instant, RFC 3339")
    args = parser.parse_args()
    if args.now:
        CLOCK["start"] = dt.datetime.fromisoformat(args.now.replace("Z", "+00:00"))
        CLOCK["at"] = time.monotonic()
    client = Client(args.socket)
    passed = failed = 0
    for seed in range(args.start, args.start + args.seeds):
        try:
            for _attempt in range(3):
                ok, lines = run_seed(client, seed, args.save)
                if ok is not None:
                    break
        except (OSError, ValueError) as error:  # the daemon died or answered garbage
            print(f"seed {seed}: lost the daemon: {error!r}")
            failed += 1
            break
        if ok is None:
            lines.append(f"seed {seed}: a branch's day kept changing during the run")
        for line in lines[:args.max_lines]:
            print(line)
        if len(lines) > args.max_lines:
            print(f"seed {seed}: ... {len(lines) - args.max_lines} more")
        if ok:
            passed += 1
        else:
            failed += 1
    print(f"{passed} passed, {failed} failed")
    return 0 if failed == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
