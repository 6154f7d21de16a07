"""The demo's collection-activity logs: disputes, reminders, payment plans, collection costs and promises to pay that
fit a generated ledger."""

from datetime import date

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.demo.ledger import (
    _NEVER,
    CHRONICALLY_LATE,
    DEFAULTING,
    PROMPT,
    _customer_book,
    _dates,
    _day_number,
    _money,
    _month_span,
    _next_business_day,
    _year,
)
from kpi.model.canonical import MONEY, CanonicalLedger

# The demo only: generate_chunks and generate_ledger never build them.

# Escalation of an overdue invoice of a late payer: (stage, channel, days after the due date,
# cost in cents or None when the log gives none, smallest invoice it is used for in cents).
_REMINDER_STEPS = (
    ("R1", "E-mail", 8, None, 0),
    ("R2", "Téléphone", 22, 350, 0),
    ("R3", "Courrier", 40, 160, 0),
    ("Mise en demeure", "LRAR", 60, 790, 30_000),
    ("Agence", "Agence de recouvrement", 90, 4_000, 100_000),
)
_REMINDER_SKIP_RATE = 0.08  # reminders the team did not get round to sending
_DISPUTE_SHARE = 0.03  # of invoices
_DISPUTE_LATE_WEIGHT = 15.0  # invoices paid 60 days late or more are most often disputed ones
_DISPUTE_REASONS = ("Prix", "Qualité", "Livraison", "Quantité", "Facturation")
_DISPUTE_FULL_RATE = 0.6  # the whole invoice is disputed; else 15 % to 80 % of it
_PLAN_INSTALMENTS = 6
_STAFF_MONTHLY_CENTS, _STAFF_YEARLY_RAISE = 185_000, 0.03  # a part-time credit controller
_AGENCY_COMMISSION_PERCENT = 15  # of the cash the agency brings in
_LEGAL_FEE_EUROS = (350, 901)  # injonction de payer or lawyer, once per defaulting customer
_LEGAL_AFTER_TROUBLE = 100
# Promises to pay, made on the phone at the R2 call (22 days past due) for the whole of what the invoice
# still owes, to be paid 10 days later: one invoice of a late payer in _PROMISE_EVERY, and every one whose call
# falls in the last _PROMISE_RECENT days (so the demo has open promises at its end). Kept or broken is then what
# the ledger's cash says.
_PROMISE_CALL, _PROMISE_DELAY, _PROMISE_EVERY, _PROMISE_RECENT = 22, 30, 12, 12

ACTIVITY_CSV_COLUMNS = {
    "litiges.csv": ("N° facture", "Date ouverture", "Date résolution", "Montant en litige", "Motif"),
    "relances.csv": ("Date relance", "Code client", "N° facture", "Canal", "Niveau", "Coût"),
    "echeanciers.csv": ("N° échéancier", "Code client", "Date échéance", "Montant échéance"),
    "frais.csv": ("Date", "Catégorie", "Montant"),
    "promesses.csv": ("Code client", "N° facture", "Date promesse", "Date promise", "Montant promis"),
}


def _day_numbers(column) -> np.ndarray:
    return pc.cast(column, pa.int32()).to_numpy(zero_copy_only=False).astype(np.int64)


def _cents(column) -> np.ndarray:
    """Exact decimal128(18, 2) money (no nulls) as integer cents: the low word of each unscaled value."""
    array = column.combine_chunks() if isinstance(column, pa.ChunkedArray) else column
    words = np.frombuffer(array.buffers()[1], dtype=np.int64)
    return words[2 * array.offset : 2 * (array.offset + len(array)) : 2].copy()


def _positions(ids, documents: pa.Table) -> np.ndarray:
    """Row of each of `ids` (all known) in `documents`."""
    return pc.index_in(ids, value_set=documents.column("document_id")).to_numpy(zero_copy_only=False).astype(np.int64)


def _movements(documents: pa.Table, settlements: pa.Table) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """What moves each document's outstanding (KPI-SPEC §2), as (document row, day, signed cents):
    its applied settlements reduce it (cash, write-offs, credit notes applied to an invoice), and a
    credit note's applications raise its own towards 0."""
    applied = settlements.filter(pc.is_valid(settlements.column("document_id")))
    used = settlements.filter(pc.equal(settlements.column("kind"), "credit"))
    index = np.concatenate(
        [_positions(applied.column("document_id"), documents), _positions(used.column("source_document_id"), documents)]
    )
    day = np.concatenate([_day_numbers(applied.column("date")), _day_numbers(used.column("date"))])
    change = np.concatenate([-_cents(applied.column("amount")), _cents(used.column("amount"))])
    return index, day, change


def _settled_day(documents: pa.Table, settlements: pa.Table) -> np.ndarray:
    """Per document, the day its outstanding reaches 0, else _NEVER: an invoice paid, written off or
    cancelled by credit notes, a credit note applied in full."""
    amount = _cents(documents.column("amount"))
    index, day, change = _movements(documents, settlements)
    order = np.lexsort((day, index))
    index, day, change = index[order], day[order], change[order]
    starts = np.r_[0, np.flatnonzero(np.diff(index)) + 1]
    group_start = np.repeat(starts, np.diff(np.r_[starts, len(index)]))
    running = np.cumsum(change)
    outstanding = amount[index] + running - np.r_[0, running][group_start]
    settled = np.full(documents.num_rows, _NEVER, dtype=np.int64)
    cleared = np.sign(amount[index]) * outstanding <= 0
    np.minimum.at(settled, index[cleared], day[cleared])
    return settled


def _log_table(columns: tuple[str, ...], values: list) -> pa.Table:
    return pa.table(dict(zip(columns, values)))


def generate_activity_logs(
    ledger: CanonicalLedger,
    *,
    seed: int = 2026,
    customers: int = 80,
    start: date = date(2023, 11, 1),
    end: date = date(2026, 10, 31),
    **_ledger_options,
) -> dict[str, pa.Table]:
    """The demo's collection-activity logs for `generate_ledger(seed=…, customers=…, start=…, end=…)`:
    disputes, reminders, payment plans and monthly collection costs, as tables whose columns are the
    French headers of ACTIVITY_CSV_COLUMNS. The same arguments give the same tables."""
    first, last = _day_number(start), _day_number(end)
    customer_seed, _, _, activity_seed = np.random.SeedSequence(seed).spawn(4)
    book = _customer_book(np.random.default_rng(customer_seed), customers, first, last)
    rng = np.random.default_rng(activity_seed)

    documents, settlements = ledger.documents, ledger.settlements
    customer_index = {customer: index for index, customer in enumerate(book.ids.to_pylist())}
    document_ids = documents.column("document_id").to_pylist()
    owner = np.array([customer_index[c] for c in documents.column("customer_id").to_pylist()], dtype=np.int64)
    issue, due = _day_numbers(documents.column("issue_date")), _day_numbers(documents.column("due_date"))
    amount = _cents(documents.column("amount"))
    settled = _settled_day(documents, settlements)
    invoices = np.flatnonzero(amount > 0)
    moved_index, moved_day, moved_cents = _movements(documents, settlements)
    # What the customer owes on each invoice once its credit notes are applied: a reminder's level
    # is chosen on that.
    applications = settlements.filter(pc.equal(settlements.column("kind"), "credit"))
    owed = amount.copy()
    np.subtract.at(
        owed, _positions(applications.column("document_id"), documents), _cents(applications.column("amount"))
    )

    def outstanding_at_each(rows: np.ndarray, days: np.ndarray) -> np.ndarray:
        """The outstanding of each document of `rows` at the end of its own day of `days`."""
        balance = np.where(issue[rows] <= days, amount[rows], 0)
        where = {int(row): position for position, row in enumerate(rows)}
        for row, day, cents in zip(moved_index, moved_day, moved_cents):
            position = where.get(int(row))
            if position is not None and day <= days[position]:
                balance[position] += cents
        return balance

    def outstanding_at(day: int) -> np.ndarray:
        """Each document's outstanding at the end of `day` (KPI-SPEC §2; credit notes towards 0)."""
        balance = np.where(issue <= day, amount, 0)
        before = moved_day <= day
        np.add.at(balance, moved_index[before], moved_cents[before])
        return balance

    # --- disputes
    # An invoice paid within two weeks of its issue was never disputed.
    weight = np.where(settled[invoices] - due[invoices] >= 60, _DISPUTE_LATE_WEIGHT, 1.0)
    weight = np.where(settled[invoices] - issue[invoices] >= 15, weight, 0.0)
    count = round(_DISPUTE_SHARE * len(invoices))
    disputed = np.sort(rng.choice(invoices, size=count, replace=False, p=weight / weight.sum()))
    opened = issue[disputed] + rng.integers(3, 35, count)
    paid_on = settled[disputed]
    latest_opening = np.maximum(issue[disputed], paid_on - 1)
    opened = np.where(paid_on < _NEVER, np.clip(opened, issue[disputed], latest_opening), opened)
    resolved = np.where(
        paid_on < _NEVER,
        np.maximum(opened + 2, paid_on - rng.integers(0, 8, count)),
        opened + rng.integers(20, 200, count),
    )
    resolved = np.where(paid_on < _NEVER, np.minimum(resolved, paid_on), resolved)
    full = rng.random(count) < _DISPUTE_FULL_RATE
    part = amount[disputed] * rng.integers(15, 81, count) // 100 // 100 * 100  # whole euros
    disputed_cents = np.where(full, amount[disputed], part)
    disputed_cents = np.maximum(disputed_cents, 100)
    reason = rng.integers(0, len(_DISPUTE_REASONS), count)
    keep = opened <= last
    disputed, opened, resolved, disputed_cents, reason = (
        disputed[keep],
        opened[keep],
        resolved[keep],
        disputed_cents[keep],
        reason[keep],
    )
    order = np.lexsort((disputed, opened))
    disputes = _log_table(
        ACTIVITY_CSV_COLUMNS["litiges.csv"],
        [
            pa.array(document_ids, pa.string()).take(disputed[order]),
            _dates(opened[order]),
            pc.if_else(
                pa.array(resolved[order] <= last),
                _dates(np.minimum(resolved[order], last)),
                pa.scalar(None, pa.date32()),
            ),
            _money(disputed_cents[order]),
            pa.array(_DISPUTE_REASONS).take(reason[order]),
        ],
    )
    dispute_from = np.full(len(amount), _NEVER, dtype=np.int64)
    dispute_until = np.full(len(amount), _NEVER, dtype=np.int64)
    dispute_from[disputed], dispute_until[disputed] = opened, np.where(resolved <= last, resolved, _NEVER)

    # --- payment plans: the last two defaulting customers once in trouble, and the chronically late
    # customer with the largest balance over 60 days past due three months before the end.
    plan_customer, plan_start = [], []
    defaulting = np.flatnonzero(book.profile == DEFAULTING)
    for index in defaulting[np.argsort(book.trouble_day[defaulting])][-2:]:
        plan_customer.append(index)
        plan_start.append(int(book.trouble_day[index]) + 30)
    review = last - 90
    balance = outstanding_at(review)
    chronic_debt = np.zeros(customers, dtype=np.int64)
    old = (amount > 0) & (due < review - 60) & (balance > 0) & (book.profile[owner] == CHRONICALLY_LATE)
    np.add.at(chronic_debt, owner[old], balance[old])
    if chronic_debt.max() > 0:
        plan_customer.append(int(np.argmax(chronic_debt)))
        plan_start.append(review + 5)
    plan_rows: tuple[list[str], list[str], list[int], list[int]] = ([], [], [], [])  # plan, customer, day, amount
    covered_from = np.full(len(amount), _NEVER, dtype=np.int64)
    for number, (index, begin) in enumerate(sorted(zip(plan_customer, plan_start), key=lambda p: p[1]), 1):
        if begin > last:
            continue
        balance = outstanding_at(begin)
        covered = (owner == index) & (amount > 0) & (due < begin) & (balance > 0) & (settled > begin)
        total = int(balance[covered].sum()) // 100 * 100
        if total < 100 * _PLAN_INSTALMENTS:
            continue
        covered_from[covered] = begin
        share = total // _PLAN_INSTALMENTS // 100 * 100
        month = np.datetime64(int(begin), "D").astype("datetime64[M]")
        days = (month + 1 + np.arange(_PLAN_INSTALMENTS)).astype("datetime64[D]").astype(np.int64) + 4
        plan_id = f"ECH-{_year(np.array([begin]))[0]}-{number:03d}"
        for k, instalment_day in enumerate(days):
            plan_rows[0].append(plan_id)
            plan_rows[1].append(book.ids[int(index)].as_py())
            plan_rows[2].append(int(instalment_day))
            plan_rows[3].append(share if k < _PLAN_INSTALMENTS - 1 else total - share * (_PLAN_INSTALMENTS - 1))
    plans = _log_table(
        ACTIVITY_CSV_COLUMNS["echeanciers.csv"],
        [
            pa.array(plan_rows[0], pa.string()),
            pa.array(plan_rows[1], pa.string()),
            _dates(np.array(plan_rows[2], dtype=np.int64)),
            _money(np.array(plan_rows[3], dtype=np.int64)),
        ],
    )

    # --- reminders on the overdue invoices of late payers, stopped by payment, a dispute or a plan
    late_payers = invoices[book.profile[owner[invoices]] != PROMPT]
    rows = []
    agency_from = np.full(len(amount), _NEVER, dtype=np.int64)
    for step_number, (stage, _channel, after, _cost, minimum) in enumerate(_REMINDER_STEPS):
        day = _next_business_day(due[late_payers] + after)
        send = (day <= last) & (day < settled[late_payers]) & (day < covered_from[late_payers])
        send &= ~((day >= dispute_from[late_payers]) & (day < dispute_until[late_payers]))
        send &= owed[late_payers] >= minimum
        send &= rng.random(len(late_payers)) >= _REMINDER_SKIP_RATE
        chosen = late_payers[send]
        if stage == "Agence":
            agency_from[chosen] = day[send]
        rows.append((day[send], chosen, np.full(len(chosen), step_number)))
    day = np.concatenate([r[0] for r in rows])
    document = np.concatenate([r[1] for r in rows])
    step = np.concatenate([r[2] for r in rows])
    order = np.lexsort((step, document, day))
    day, document, step = day[order], document[order], step[order]
    costs = np.array([cost if cost is not None else -1 for _, _, _, cost, _ in _REMINDER_STEPS])[step]
    reminders = _log_table(
        ACTIVITY_CSV_COLUMNS["relances.csv"],
        [
            _dates(day),
            book.ids.take(owner[document]),
            pa.array(document_ids, pa.string()).take(document),
            pa.array([channel for _, channel, _, _, _ in _REMINDER_STEPS]).take(step),
            pa.array([stage for stage, _, _, _, _ in _REMINDER_STEPS]).take(step),
            pc.if_else(pa.array(costs >= 0), _money(np.maximum(costs, 0)), pa.scalar(None, MONEY)),
        ],
    )

    # --- monthly collection costs, dated the last day of each month
    months = _month_span(first, last)
    month_end = np.minimum((months + 1).astype("datetime64[D]").astype(np.int64) - 1, last)
    years = months.astype(np.int64) // 12 + 1970
    staff = np.rint(_STAFF_MONTHLY_CENTS * (1 + _STAFF_YEARLY_RAISE) ** (years - years[0])).astype(np.int64)
    cash = settlements.filter(
        pc.and_(pc.equal(settlements.column("kind"), "cash"), pc.is_valid(settlements.column("document_id")))
    )
    cash_index = _positions(cash.column("document_id"), documents)
    cash_day, cash_cents = _day_numbers(cash.column("date")), _cents(cash.column("amount"))
    by_agency = cash_day >= agency_from[cash_index]
    agency = np.zeros(len(months), dtype=np.int64)
    np.add.at(agency, np.searchsorted(month_end, cash_day[by_agency]), cash_cents[by_agency])
    agency = (agency * _AGENCY_COMMISSION_PERCENT + 50) // 100
    legal_day = book.trouble_day[defaulting] + _LEGAL_AFTER_TROUBLE
    legal_day = legal_day[(legal_day <= last) & (legal_day < book.writeoff_day[defaulting])]
    legal = np.zeros(len(months), dtype=np.int64)
    np.add.at(legal, np.searchsorted(month_end, legal_day), rng.integers(*_LEGAL_FEE_EUROS, len(legal_day)) * 100)
    category = np.repeat([[0, 1, 2]], len(months), axis=0).ravel()
    cost_day = np.repeat(month_end, 3)
    cost_cents = np.stack([staff, agency, legal], axis=1).ravel()
    keep = cost_cents > 0
    frais = _log_table(
        ACTIVITY_CSV_COLUMNS["frais.csv"],
        [
            _dates(cost_day[keep]),
            pa.array(["Personnel", "Agence de recouvrement", "Juridique"]).take(category[keep]),
            _money(cost_cents[keep]),
        ],
    )
    # --- promises to pay, asked for at the R2 call (no random draw: the other logs keep their numbers)
    call = _next_business_day(due[late_payers] + _PROMISE_CALL)
    owing = outstanding_at_each(late_payers, call)
    chosen = (call <= last) & (owing > 0) & (call < covered_from[late_payers])
    chosen &= (np.arange(len(late_payers)) % _PROMISE_EVERY == 0) | (call > last - _PROMISE_RECENT)
    order = np.lexsort((late_payers[chosen], call[chosen]))
    promised = late_payers[chosen][order]
    promesses = _log_table(
        ACTIVITY_CSV_COLUMNS["promesses.csv"],
        [
            book.ids.take(owner[promised]),
            pa.array(document_ids, pa.string()).take(promised),
            _dates(call[chosen][order]),
            _dates(_next_business_day(call[chosen][order] + _PROMISE_DELAY)),
            _money(owing[chosen][order]),
        ],
    )
    return {
        "litiges.csv": disputes,
        "relances.csv": reminders,
        "echeanciers.csv": plans,
        "frais.csv": frais,
        "promesses.csv": promesses,
    }
