"""Independent oracle for kioskd's account figures.

Written only from shared/design/DOMAIN.md, shared/design/SYNC.md, shared/design/PROTOCOL.md,
docs/DOMAIN-READINGS.md and docs/PROTOCOL.md -- never from the Swift figure code.

Results are plain dicts shaped like the daemon's JSON results. A key that is *missing* from an
oracle result means "the daemon must not send it" (documented as absent); a key whose value is
`None` means "null" (the comparator also accepts it being absent where the docs are silent).
"""
import datetime as dt
from zoneinfo import ZoneInfo

CHARGES = ("invoice", "finance_charge", "debit_adjustment")
CREDITS = ("payment", "credit_memo", "credit_adjustment")


class OracleError(Exception):
    """The daemon must answer with an error: `kind` is a JSON-RPC code or error.data.kind."""

    def __init__(self, code, kind, message):
        super().__init__(message)
        self.code, self.kind = code, kind


def today_in(time_zone, now=None):
    now = now or dt.datetime.now(dt.timezone.utc)
    return now.astimezone(ZoneInfo(time_zone)).date()


def parse_date(s):
    return dt.date.fromisoformat(s) if s else None


# ---------------------------------------------------------------- invoice-number order
def number_key(number):
    """DOMAIN-READINGS §Invoice-number order as a sort key."""
    raw = number.encode("utf-8")
    if number and all(c in "0123456789" for c in number):
        value = number.lstrip("0")
        # numeric first; by value (length, then digits); equal value: UTF-8 bytes of the spelling
        return (0, len(value), value.encode("ascii"), raw)
    return (1, 0, raw, raw)


# ---------------------------------------------------------------- document access
class Oracle:
    def __init__(self, doc, known=None):
        """`known`: {"branches": {id: row}, "users": {id: row}}, the rows stored so far (later
        documents update them by id) in place of `doc`'s own."""
        self.doc = doc
        self.currency = doc["currency"]  # travels with the accounts it was sent with
        known = known or {key: {row["id"]: row for row in doc.get(key) or []} for key in ("branches", "users")}
        self.branches, self.users = known["branches"], known["users"]
        self.accounts = {a["number"]: a for a in doc.get("accounts") or []}

    def account(self, number):
        acct = self.accounts.get(number)
        if acct is None:
            raise OracleError(-32005, "not_found", f"no account {number}")
        return acct

    def time_zone(self, number):
        return self.branches[self.account(number)["branch"]]["time_zone"]

    # -------------------------------------------------------------- scope
    def scope(self, number, job):
        """(scope name, job number or None for all jobs)."""
        acct = self.account(number)
        if acct.get("billing_type") == "account":
            if job is not None:
                raise OracleError(-32602, "invalid_params", f"account {number} is billed by account")
            return "account", None
        jobs = [j["number"] for j in acct.get("jobs") or []]
        if job is None:
            if jobs == [0]:
                return "job", 0
            return "consolidated", None
        if job not in jobs:
            raise OracleError(-32005, "not_found", f"account {number} has no job {job}")
        return "job", job

    @staticmethod
    def in_scope(record, job):
        return job is None or record.get("job") == job

    def _records(self, acct, key, job):
        return [r for r in acct.get(key) or [] if self.in_scope(r, job)]

    # -------------------------------------------------------------- account.get
    def account_get(self, number, job=None):
        self.scope(number, job)  # same scope validation as every account read
        a = self.account(number)
        links = a.get("links") or {}
        result = {
            "number": a["number"], "name": a.get("name"), "company": a.get("company"),
            "address": [line for line in a.get("address") or [] if line is not None and line.strip()],
            "city": a.get("city"), "region": a.get("region"), "postal_code": a.get("postal_code"),
            "country": a.get("country"), "phone": a.get("phone"),
            "receivables_type": a["receivables_type"], "billing_type": a["billing_type"],
            "jobs": [{"number": j["number"], "name": j.get("name")} for j in a.get("jobs") or []],
            "links": {k: links.get(k) for k in ("erp", "accounting", "gateway")},
            "branch": a["branch"], "currency": self.currency,
        }
        user = self.users.get(a.get("assigned_user")) if a.get("assigned_user") else None
        if user is not None:
            rep = {"first_name": user.get("first_name"), "last_name": user.get("last_name")}
            for field in ("email", "cell"):
                if user.get(field):  # "show email/phone only where set"
                    rep[field] = user[field]
            result["representative"] = rep
        return result

    # -------------------------------------------------------------- account.balances
    def _balance_parts(self, acct, job):
        items = self._records(acct, "items", job)
        outstanding = sum(i["open_amount"] for i in items if i["kind"] in CHARGES and i["billed"])
        new_charges = sum(i["open_amount"] for i in items if i["kind"] in CHARGES and not i["billed"])
        credits = sum(i["open_amount"] for i in items if i["kind"] in CREDITS)
        return outstanding, credits, new_charges

    def balances(self, number, job=None):
        scope, sjob = self.scope(number, job)
        acct = self.account(number)
        outstanding, credits, new_charges = self._balance_parts(acct, sjob)
        all_out, all_cred, all_new = self._balance_parts(acct, None)
        limit = acct.get("credit_limit") or 0
        pending = acct.get("pending_transactions") or 0
        amount_due = outstanding - credits
        result = {
            "scope": scope, "credit_limit": limit,
            "credit_available": limit + all_cred - all_out - all_new - pending,
            "outstanding": outstanding, "credits": credits, "amount_due": amount_due,
            "new_charges": new_charges, "total": amount_due + new_charges,
            "currency": self.currency,
        }
        result["job"] = sjob if scope == "job" else None  # absent or null outside a job scope
        return result

    # -------------------------------------------------------------- account.summary
    def _open_invoices(self, acct, job):
        return [i for i in self._records(acct, "items", job)
                if i["kind"] == "invoice" and i["open_amount"] > 0]

    def summary(self, number, job=None, today=None):
        _, sjob = self.scope(number, job)
        acct = self.account(number)
        today = today or today_in(self.time_zone(number))
        invoices = self._open_invoices(acct, sjob)
        past_due = [i for i in invoices if i.get("due_date") and parse_date(i["due_date"]) < today]
        result = {
            "total_balance": sum(i["open_amount"] for i in invoices),
            "total_past_due": sum(i["open_amount"] for i in past_due),
            "invoice_count": len(invoices), "currency": self.currency,
        }
        if invoices:
            oldest = min(invoices, key=lambda i: (i["date"], number_key(i["number"])))
            result["oldest_invoice"] = {"number": oldest["number"], "date": oldest["date"]}
        return result

    # -------------------------------------------------------------- account.activity
    def activity(self, number, job=None, today=None):
        _, sjob = self.scope(number, job)
        acct = self.account(number)
        today = today or today_in(self.time_zone(number))
        sales = self._records(acct, "sales", sjob)
        result = {"currency": self.currency}
        charged = [s["date"] for s in sales if s["kind"] == "sale" and s.get("charge")]
        sold = [s["date"] for s in sales if s["kind"] == "sale"]
        if charged:
            result["last_charge_date"] = max(charged)
        if sold:
            result["last_sale_date"] = max(sold)
        last = None
        for p in self._records(acct, "payments", sjob):  # tie: the one listed last wins
            if last is None or p["date"] >= last["date"]:
                last = p
        if last is not None:
            result["last_payment_date"] = last["date"]
            result["last_payment_amount"] = last["amount"]

        year_start = today.replace(month=1, day=1)
        month_start = today.replace(day=1)
        prev_month_end = month_start - dt.timedelta(days=1)
        prev_month_start = prev_month_end.replace(day=1)
        prev_year_start = year_start.replace(year=year_start.year - 1)
        prev_year_end = year_start - dt.timedelta(days=1)

        def period(lo, hi):  # inclusive both ends; never after today
            total = 0
            for s in sales:
                if s.get("gift_card"):
                    continue
                d = parse_date(s["date"])
                if lo <= d <= hi and d <= today:
                    total += s["amount"]
            return total

        # DOMAIN.md "Activity figures": YTD from 1 January through today, MTD from the 1st
        # through today, today's sales included.
        result["ytd_sales"] = period(year_start, today)
        result["mtd_sales"] = period(month_start, today)
        result["prior_month_sales"] = period(prev_month_start, prev_month_end)
        result["prior_year_sales"] = period(prev_year_start, prev_year_end)
        return result

    # -------------------------------------------------------------- items.open
    def items_open(self, number, job=None, today=None):
        _, sjob = self.scope(number, job)
        acct = self.account(number)
        today = today or today_in(self.time_zone(number))
        all_items = acct.get("items") or []
        memo_cover = {}
        for m in all_items:  # memos anywhere on the account cover their invoice
            if m["kind"] == "credit_memo" and m.get("linked_invoice"):
                memo_cover[m["linked_invoice"]] = memo_cover.get(m["linked_invoice"], 0) + m["open_amount"]
        rows = []
        for i in self._open_invoices(acct, sjob):
            due = i["open_amount"] - memo_cover.get(i["id"], 0)
            if due <= 0:
                continue
            row = {"id": i["id"], "number": i["number"], "job": i.get("job"), "date": i["date"],
                   "due_date": i.get("due_date"), "amount": i["amount"], "open_amount": i["open_amount"],
                   "amount_due": due,
                   "past_due": bool(i.get("due_date")) and parse_date(i["due_date"]) < today}
            if i.get("po_number") is not None:
                row["po_number"] = i["po_number"]
            rows.append(row)
        rows.sort(key=lambda r: (r["due_date"] is None, r["due_date"] or "", r["date"],
                                 number_key(r["number"]), r["id"].encode("utf-8")))
        fc = sum(i["open_amount"] for i in self._records(acct, "items", sjob) if i["kind"] == "finance_charge")
        branch = self.branches[acct["branch"]]
        # The whole list (differential.py reads every page); the count and totals are the
        # whole list's on every page.
        return {"invoices": rows, "finance_charges": fc,
                "finance_charges_required": bool(branch.get("pay_finance_charges_first")) and fc > 0,
                "currency": self.currency, "count": len(rows),
                "open_total": sum(r["open_amount"] for r in rows), "amount_due_total": sum(r["amount_due"] for r in rows)}

    def call(self, method, number, job=None, today=None):
        if method == "account.get":
            return self.account_get(number, job)
        if method == "account.balances":
            return self.balances(number, job)
        fn = {"account.summary": self.summary, "account.activity": self.activity,
              "items.open": self.items_open}[method]
        return fn(number, job, today)


# Where the docs say "absent" (not null) when there is nothing to show.
STRICT_ABSENT = {"representative", "oldest_invoice", "last_charge_date", "last_sale_date",
                 "last_payment_date", "last_payment_amount", "po_number", "email", "cell"}
