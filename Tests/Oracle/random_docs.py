"""Seeded random generator of valid kioskpay.sync.v1 documents that stress the figure edges.

`generate(seed)` is deterministic for a seed and a day: dates are drawn around each account's
"today" in its branch's time zone. Account numbers are `seed * 100 + k`, so documents never
share an account; ids are prefixed with the account number. `as_of` is the current instant,
so later documents are never older.
"""
import base64
import datetime as dt
import random
import sys
import json
from zoneinfo import ZoneInfo

TIME_ZONES = ["America/Chicago", "Pacific/Auckland", "UTC", "Pacific/Kiritimati", "Pacific/Pago_Pago",
              "Asia/Kolkata", "Europe/London", "Etc/GMT+12", "Etc/GMT-14"]
CURRENCIES = ["USD", "EUR", "NZD", "CAD"]
PERMISSIONS = ["view_balances", "view_open_items", "pay", "view_credits", "view_statements",
               "view_history", "receive_receipts", "manage_autopay"]
NUMBERS = ["9", "10", "010", "0010", "A1", "A10", "A9", "B", "a", "100", "0", "00", "1",
           "123456789012345678901234567890", "123456789012345678901234567891", "INV-7", "Ü1", "z",
           "", "٣", "0009"]
TIE_NUMBERS = ["9", "10", "010", "0010", "A1", "A10", "A9", "", "10"]
JOB_SETS = [[0], [0], [0, 1], [0, 1, 2], [1], [0, 2, 5], [3, 0, 1], [7]]
ITEM_KINDS = ["invoice"] * 5 + ["finance_charge"] * 2 + ["debit_adjustment", "payment", "payment",
                                                         "credit_memo", "credit_memo", "credit_memo",
                                                         "credit_adjustment"]


def shift_month(d, months):
    y, m = divmod(d.year * 12 + d.month - 1 + months, 12)
    return dt.date(y, m + 1, 1)


def date_pool(today):
    first = today.replace(day=1)
    jan1 = today.replace(month=1, day=1)
    return [today, today, today - dt.timedelta(days=1), today + dt.timedelta(days=1), first,
            first - dt.timedelta(days=1), jan1, jan1 - dt.timedelta(days=1),
            jan1.replace(year=jan1.year - 1), shift_month(today, -1) + dt.timedelta(days=14),
            shift_month(today, -1), shift_month(today, -13) + dt.timedelta(days=9),
            shift_month(today, -24), today + dt.timedelta(days=40), shift_month(today, 1),
            today - dt.timedelta(days=30), today - dt.timedelta(days=90)]


def pin_hash(rng):
    salt = base64.b64encode(bytes(rng.randrange(256) for _ in range(12))).decode().rstrip("=")
    key = base64.b64encode(bytes(rng.randrange(256) for _ in range(32))).decode().rstrip("=")
    return f"$pbkdf2-sha256$i={rng.choice([1000, 210000, 10000000])}${salt}${key}"


def maybe(rng, p, value, missing="absent"):
    """value with probability p, otherwise None (or the marker `missing` to drop the key)."""
    return value if rng.random() < p else missing


def put(obj, key, value):
    if value != "absent":
        obj[key] = value


def amount(rng):
    return rng.choice([0, 1, 99, 100, 2500, 10000, rng.randrange(1, 200000)])


def open_of(rng, amt):
    return rng.choice([0, amt, amt, amt // 2, rng.randrange(amt + 1)])


def gen_items(rng, number, jobs, today, pool):
    items, invoices = [], []
    job_of = (lambda: rng.choice(jobs)) if jobs else (lambda: None)
    same_day, same_due = rng.choice(pool), rng.choice(pool + [None])
    for n in range(rng.randrange(0, 16)):
        kind = rng.choice(ITEM_KINDS)
        amt = amount(rng)
        d = same_day if rng.random() < 0.3 else rng.choice(pool)
        item = {"id": f"{number}-I{n}", "kind": kind,
                "number": rng.choice(NUMBERS) if kind == "invoice" else f"{kind[:2].upper()}-{n}",
                "date": d.isoformat()}
        if jobs:
            item["job"] = job_of()
        elif rng.random() < 0.3:
            item["job"] = None
        tie = kind == "invoice" and rng.random() < 0.4  # same date, due date and a close number
        if tie:
            item["date"], item["number"] = same_day.isoformat(), rng.choice(TIE_NUMBERS)
        if kind in ("invoice", "finance_charge", "debit_adjustment"):
            due = same_due if tie else rng.choice([d + dt.timedelta(days=30), rng.choice(pool), today, None,
                                                   today - dt.timedelta(days=1), today + dt.timedelta(days=1)])
            put(item, "due_date", due.isoformat() if due else maybe(rng, 0.5, None))
            put(item, "po_number", rng.choice(["PO-7", "absent", None, "PO 12"]))
        else:
            put(item, "due_date", maybe(rng, 0.5, None))
        item["amount"], item["open_amount"] = amt, open_of(rng, amt)
        item["billed"] = rng.random() < 0.6
        if kind in ("payment", "credit_memo", "credit_adjustment") and rng.random() < 0.3:
            del item["billed"]  # optional where it decides nothing
        if kind == "credit_memo" and invoices and rng.random() < 0.8:
            target = rng.choice(invoices)
            # cover wholly, partly, more than the invoice, or not at all (open 0)
            cover = rng.choice([target["open_amount"], target["open_amount"] // 2,
                                target["open_amount"] + 500, target["open_amount"] * 3, 0, 1])
            item["amount"] = cover + rng.choice([0, 0, 100])
            item["open_amount"] = cover
            item["linked_invoice"] = target["id"]
        elif kind == "invoice" or rng.random() < 0.5:
            put(item, "linked_invoice", maybe(rng, 0.5, None))
        items.append(item)
        if kind == "invoice":
            invoices.append(item)
    rng.shuffle(items)
    return items


def gen_account(rng, number, branch, users, profiles, today):
    pool = date_pool(today)
    job_billed = rng.random() < 0.6
    jobs = list(rng.choice(JOB_SETS)) if job_billed else []
    acct = {"number": number, "name": f"Customer {number}",
            "company": rng.choice(["Doe Builders", None, "Ünïcode & Co"]),
            "address": rng.choice([[], ["12 Oak Rd"], ["12 Oak Rd", ""], ["", "Suite 4"], ["  ", "x"],
                                   ["1 Main", "Floor 2"]]),
            "city": "Springfield", "region": "IL", "postal_code": "62701", "country": "US",
            "phone": rng.choice(["555-0101", None]), "branch": branch["id"],
            "credit_limit": rng.choice([0, 100000, 500000, rng.randrange(1000000)]),
            "receivables_type": rng.choice(["open_item", "balance_forward"]),
            "billing_type": "job" if job_billed else "account"}
    put(acct, "pending_transactions", rng.choice(["absent", 0, 12000, rng.randrange(50000)]))
    put(acct, "assigned_user", rng.choice(["absent", None] + [u["id"] for u in users]))
    links = {k: rng.choice([None, f"{k[:3].upper()}-{number}"]) for k in ("erp", "accounting", "gateway")}
    acct["links"] = links
    if job_billed:
        acct["jobs"] = [{"number": j, "name": "Master" if j == 0 else f"Job {j}"} for j in jobs]
    elif rng.random() < 0.5:
        acct["jobs"] = []
    acct["contacts"] = [{"id": f"{number}-C{c}", "name": f"Contact {c}", "email": maybe(rng, 0.6, "c@example.com", None),
                         "profile": rng.choice(profiles)["id"], "revoked": rng.random() < 0.2,
                         "pin_hash": pin_hash(rng)} for c in range(rng.randrange(0, 3))]
    acct["items"] = gen_items(rng, number, jobs, today, pool)
    job_of = (lambda: rng.choice(jobs)) if jobs else (lambda: None)
    sales = []
    for _ in range(rng.randrange(0, 12)):
        kind = rng.choice(["sale", "sale", "adjustment"])
        amt = amount(rng) if kind == "sale" else rng.choice([-500, -1, 0, 700, -rng.randrange(100000)])
        sale = {"date": rng.choice(pool).isoformat(), "kind": kind, "amount": amt,
                "tax": rng.choice([0, 80, 800]), "charge": rng.random() < 0.5, "gift_card": rng.random() < 0.2}
        if rng.random() < 0.15:
            del sale["tax"]
        if not sale["gift_card"] and rng.random() < 0.2:
            del sale["gift_card"]
        if jobs:
            sale["job"] = job_of()
        sales.append(sale)
    acct["sales"] = sales
    invoice_ids = [i["id"] for i in acct["items"] if i["kind"] == "invoice"]
    pay_day = rng.choice(pool)
    payments = []
    for p in range(rng.randrange(0, 6)):
        pay = {"id": f"{number}-P{p}", "date": (pay_day if rng.random() < 0.4 else rng.choice(pool)).isoformat(),
               "amount": rng.choice([1, 5000, rng.randrange(1, 90000)]),
               "method": rng.choice(["check", "card", "cash", "kiosk"]),
               "applied": [{"item": i, "amount": 100} for i in invoice_ids[:rng.randrange(0, 3)]]}
        if jobs:
            pay["job"] = job_of()
        payments.append(pay)
    acct["payments"] = payments
    if rng.random() < 0.7:
        acct["cards_on_file"] = [{"id": f"{number}-K{k}", "job": job_of() if rng.random() < 0.5 else None,
                                  "description": rng.choice(["CARD ENDING IN 1234", "Bob's primary card"]),
                                  "token": f"vault-{number}-{k}", "brand": "visa", "last4": "1234",
                                  "expiry": "2028-04"} for k in range(rng.randrange(0, 3))]
    if rng.random() < 0.7:
        acct["statements"] = [{"number": f"S-{s}", "issued_at": f"{rng.choice(pool).isoformat()}T23:00:00Z",
                               "job": job_of() if rng.random() < 0.7 else None} for s in range(rng.randrange(0, 3))]
    return acct


def generate(seed, now=None, id_seed=None, reuse=None):
    """A document for `seed`. `id_seed` names its accounts, branches, users and profiles as
    that seed's document did (so it updates them); `reuse` = an earlier document whose
    branches, users and profiles this one refers to without sending them."""
    rng = random.Random(seed)
    now = now or dt.datetime.now(dt.timezone.utc)
    if id_seed is not None:
        return renamed(generate(seed, now, reuse=reuse), seed, id_seed)
    if reuse is not None:
        return refer_to(generate(seed, now), reuse, rng)
    users = []
    for u in range(rng.randrange(1, 4)):
        user = {"id": f"U{seed}-{u}", "first_name": f"First{u}", "last_name": f"Last{u}",
                "notify": rng.sample(["queue", "email", "text"], rng.randrange(0, 4))}
        put(user, "email", rng.choice(["absent", None, "ann@example.com", ""]))
        put(user, "cell", rng.choice(["absent", None, "555-0100", ""]))
        users.append(user)
    profiles = [{"id": f"P{seed}-{p}", "name": f"Profile {p}",
                 "permissions": rng.sample(PERMISSIONS, rng.randrange(0, len(PERMISSIONS) + 1))}
                for p in range(rng.randrange(1, 3))]
    branches = []
    for b in range(rng.randrange(1, 4)):
        branches.append({"id": f"B{seed}-{b}", "name": f"Branch {b}", "time_zone": rng.choice(TIME_ZONES),
                         "accept_online_payments": rng.random() < 0.8,
                         "pay_finance_charges_first": rng.random() < 0.5,
                         "terms": rng.choice([None, "Payment is due as invoiced."]),
                         "notify_email": rng.choice([None, "ar@example.com"]),
                         "notify_user": rng.choice([None] + [u["id"] for u in users])})
    accounts = []
    for k in range(rng.randrange(1, 6)):
        branch = rng.choice(branches)
        today = now.astimezone(ZoneInfo(branch["time_zone"])).date()
        accounts.append(gen_account(rng, str(seed * 100 + k), branch, users, profiles, today))
    doc = {"format": "kioskpay.sync.v1", "as_of": now.strftime("%Y-%m-%dT%H:%M:%SZ"),
           "currency": rng.choice(CURRENCIES), "branches": branches, "users": users,
           "profiles": profiles, "accounts": accounts}
    put(doc, "receivables_manager", rng.choice(["absent", None] + [u["id"] for u in users]))
    return doc


def renamed(doc, seed, id_seed):
    """The same document with every id and account number spelled as `id_seed`'s."""
    text = json.dumps(doc, ensure_ascii=False)
    for prefix in ("U", "P", "B"):
        text = text.replace(f'"{prefix}{seed}-', f'"{prefix}{id_seed}-')
    for k in range(6):
        text = text.replace(f'"{seed * 100 + k}', f'"{id_seed * 100 + k}')
    return json.loads(text)


def refer_to(doc, earlier, rng):
    """Drops branches, users and profiles and points the accounts at `earlier`'s."""
    branches = earlier["branches"]
    users = [u["id"] for u in earlier["users"]]
    profiles = [p["id"] for p in earlier["profiles"]]
    for key in ("branches", "users", "profiles", "receivables_manager"):
        doc.pop(key, None)
    for acct in doc["accounts"]:
        branch = rng.choice(branches)
        acct["branch"] = branch["id"]
        if acct.get("assigned_user"):
            acct["assigned_user"] = rng.choice(users)
        for contact in acct.get("contacts") or []:
            contact["profile"] = rng.choice(profiles)
        # dates were drawn around the other branch's day: move nothing, the edges still vary
    return doc


if __name__ == "__main__":
    json.dump(generate(int(sys.argv[1]) if len(sys.argv) > 1 else 1), sys.stdout, indent=1, ensure_ascii=False)
