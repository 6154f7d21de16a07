"""Deterministic synthetic receivables ledgers: the demo's and the benchmarks' (generate_ledger, generate_chunks)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from typing import TypedDict, Unpack

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc

from kpi.model.canonical import DOCUMENTS_SCHEMA, MONEY, SETTLEMENTS_SCHEMA, CanonicalLedger

ACTIVITIES = ("Maintenance", "Installation", "Formation", "Négoce")
# Share of customers whose main business line is each activity.
_ACTIVITY_SHARE = (0.35, 0.20, 0.15, 0.30)
# Median invoice before VAT (€) and its log-spread, per activity: maintenance visits are
# small and recurring, installations are the big tickets.
_ACTIVITY_MEDIAN_HT = (420.0, 4800.0, 1500.0, 1100.0)
_ACTIVITY_SPREAD = (0.55, 0.60, 0.45, 0.85)
# VAT in percent: vocational training is exempt in France (CGI art. 261, 4, 4°).
_ACTIVITY_VAT = (20, 20, 0, 20)
# Installation and training are quoted in whole euros; goods and visits are not.
_ACTIVITY_WHOLE_EUROS = (False, True, True, False)
_MAIN_ACTIVITY_RATE = 0.75
_MIN_INVOICE_CENTS, _MAX_INVOICE_CENTS = 5_000, 2_500_000

# (days, end of month, share of customers): the usual French terms, all within the LME caps.
_PAYMENT_TERMS = (
    (30, False, 0.33),
    (45, False, 0.10),
    (60, False, 0.14),
    (30, True, 0.20),
    (45, True, 0.15),
    (0, False, 0.08),
)

PROMPT, SLIGHTLY_LATE, CHRONICALLY_LATE, DEFAULTING = range(4)
_PROMPT_SHARE, _CHRONIC_SHARE, _DEFAULTING_SHARE = 0.35, 0.18, 0.06
# Chance that an invoice is paid in two or three instalments, per payer profile.
_INSTALMENT_RATE = (0.03, 0.07, 0.18, 0.25)
# Late payers get later over the period (+30 % by the end), so DSO trends are worth looking at.
_LATENESS_DRIFT = 0.30

_ESTABLISHED_SHARE = 0.70  # customers already invoiced on the first day; the others arrive over time
_CHURN_RATE = 0.08
# A defaulting customer stops paying for invoices issued from 60 days before its trouble
# starts, is still delivered for 45 days after, and is written off 5 to 11 months later.
_DEFAULT_UNPAID_FROM, _DEFAULT_DELIVERED_FOR = 60, 45
_DEFAULT_WRITEOFF_DELAY = (150, 330)
_DEFAULT_PARTIAL_RATE = 0.35

# Invoicing intensity: no invoices on Sundays, few on Saturdays, an August dip, slow growth.
_WEEKDAY_WEIGHT = (1.0, 1.0, 1.0, 1.0, 1.0, 0.05, 0.0)
_MONTH_SEASONALITY = (0.95, 1.0, 1.1, 1.05, 0.95, 1.1, 0.85, 0.45, 1.1, 1.1, 1.05, 0.9)
_YEARLY_GROWTH = 0.08

_CREDIT_NOTE_SHARE = 0.03  # of documents
_CREDIT_NOTE_PERCENT = (5, 51)  # commercial discounts, never a full cancellation
# Most credit notes are applied to (lettered with) the invoice they reduce, and the customer pays
# the rest; the others wait unapplied, the invoice paid in full, until the customer uses them.
_APPLIED_CREDIT_NOTE_RATE = 0.85
# Of the applied ones: booked under another activity than the invoice's (KPI-SPEC §4).
_CROSS_ACTIVITY_CREDIT_NOTE_RATE = 0.05
_DISPUTE_RATE = 0.02  # paid 2 to 8 months late once the dispute is settled
_LOST_INVOICE_RATE = 0.004  # never paid; small ones are written off at the next year-end closing
_LOST_WRITEOFF_CAP_CENTS = 100_000
_LOST_WRITEOFF_AFTER_DUE = 180
_OVERPAYMENT_RATE = 0.004
# Cash nobody has matched yet: common in the last weeks before a closing, rare in older months.
_UNAPPLIED_RATE_RECENT, _UNAPPLIED_RATE_OLD, _UNAPPLIED_RECENT_DAYS = 0.04, 0.002, 45

_EPOCH = date(1970, 1, 1)
_NEVER = 10**9  # a day number beyond any ledger


@dataclass(frozen=True)
class _CustomerBook:
    """Who the customers are and how they pay, one array entry per customer."""

    ids: pa.Array
    names: pa.Array
    profile: np.ndarray
    terms_days: np.ndarray
    terms_end_of_month: np.ndarray
    volume: np.ndarray  # relative invoicing volume
    amount_scale: np.ndarray
    main_activity: np.ndarray
    first_day: np.ndarray  # first day the customer can be invoiced
    last_day: np.ndarray
    lateness: np.ndarray  # the customer's own habit, in days, added to its profile's delay
    trouble_day: np.ndarray  # defaulting customers only, else _NEVER
    writeoff_day: np.ndarray  # defaulting customers only, else _NEVER


# --- calendar arithmetic on day numbers (days since 1970-01-01, as date32 stores them)


def _day_number(day: date) -> int:
    return (day - _EPOCH).days


def _months(days: np.ndarray) -> np.ndarray:
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[M]")


def _month_span(first: int, last: int) -> np.ndarray:
    """Every month from that of day `first` to that of day `last` (days since 1970), as datetime64[M]."""
    return np.arange(
        np.datetime64(first, "D").astype("datetime64[M]"), np.datetime64(last, "D").astype("datetime64[M]") + 1
    )


def _month_of_year(days: np.ndarray) -> np.ndarray:
    return _months(days).astype(np.int64) % 12 + 1


def _year(days: np.ndarray) -> np.ndarray:
    return _months(days).astype(np.int64) // 12 + 1970


def _end_of_month(days: np.ndarray) -> np.ndarray:
    return (_months(days) + 1).astype("datetime64[D]").astype(np.int64) - 1


def _end_of_year(days: np.ndarray) -> np.ndarray:
    years = np.asarray(days, dtype="datetime64[D]").astype("datetime64[Y]")
    return (years + 1).astype("datetime64[D]").astype(np.int64) - 1


def _next_business_day(days: np.ndarray) -> np.ndarray:
    """Bank value dates fall on weekdays: a Saturday or Sunday moves to the Monday."""
    weekday = (days + 3) % 7  # 1970-01-01 was a Thursday
    return days + np.where(weekday == 5, 2, np.where(weekday == 6, 1, 0))


def _integers(rng: np.random.Generator, low, high, size) -> np.ndarray:
    """Uniform integers in [low, high), tolerating an empty range (then always low)."""
    return rng.integers(low, np.maximum(high, np.asarray(low) + 1), size)


# --- customers

_TRADES = (
    "Boulangerie",
    "Garage",
    "Menuiserie",
    "Plomberie",
    "Pharmacie",
    "Imprimerie",
    "Transports",
    "Boucherie",
    "Hôtel",
    "Restaurant",
    "Librairie",
    "Fromagerie",
    "Pâtisserie",
    "Serrurerie",
    "Maçonnerie",
    "Couverture",
    "Atelier d'Ébénisterie",
    "Quincaillerie",
    "Chauffage",
    "Carrosserie",
    "Électricité",
    "Cabinet",
    "Laboratoire",
    "Brasserie",
    "Jardinerie",
    "Auto-école",
    "Clinique vétérinaire",
    "Optique",
    "Traiteur",
    "Agence d'Architecture",
)
_SURNAMES = (
    "Martin",
    "Dupont",
    "Bernard",
    "Durand",
    "Lefèvre",
    "Moreau",
    "Girard",
    "Leroy",
    "Roux",
    "Fournier",
    "Mercier",
    "Bonnet",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Chevalier",
    "Gauthier",
    "Perrin",
    "Robin",
    "Clément",
    "Morel",
    "Faure",
    "André",
    "Benoît",
    "Lemaître",
    "Hébert",
    "Noël",
    "Ménard",
    "Régnier",
    "Lacroix",
    "D'Almeida",
    "L'Hermite",
    "Da Silva",
    "Boyer",
    "Garnier",
    "Caron",
    "Brunet",
    "Picard",
    "Leclerc",
    "Giraud",
)
_NAME_STYLES = (
    "{trade} {surname}",
    "SARL {trade} {surname}",
    "SAS {trade} {surname}",
    "EURL {trade} {surname}",
    "{trade} {surname} & Fils",
    "{trade} {surname} & Associés",
)
_NAME_STYLE_SHARE = (0.35, 0.2, 0.15, 0.1, 0.12, 0.08)


def _company_names(rng: np.random.Generator, count: int) -> list[str]:
    """Distinct French company names: each (trade, surname) pair at most once, numbered beyond."""
    pairs = len(_TRADES) * len(_SURNAMES)
    order = rng.permutation(pairs)
    styles = rng.choice(len(_NAME_STYLES), size=count, p=_NAME_STYLE_SHARE)
    names = []
    for index in range(count):  # customers, not invoices: a few thousand at most
        pair = int(order[index % pairs])
        name = _NAME_STYLES[styles[index]].format(
            trade=_TRADES[pair // len(_SURNAMES)], surname=_SURNAMES[pair % len(_SURNAMES)]
        )
        names.append(name if index < pairs else f"{name} {index // pairs + 1}")
    return names


def _payer_profiles(rng: np.random.Generator, count: int) -> np.ndarray:
    defaulting = max(1, round(_DEFAULTING_SHARE * count)) if count >= 10 else 0
    chronic = round(_CHRONIC_SHARE * count)
    prompt = round(_PROMPT_SHARE * count)
    slightly_late = count - defaulting - chronic - prompt
    profiles = np.repeat(
        [PROMPT, SLIGHTLY_LATE, CHRONICALLY_LATE, DEFAULTING], [prompt, slightly_late, chronic, defaulting]
    )
    return rng.permutation(profiles)


def _customer_book(rng: np.random.Generator, count: int, first: int, last: int) -> _CustomerBook:
    span = last - first
    width = max(4, len(str(count)))
    profile = _payer_profiles(rng, count)
    terms = rng.choice(len(_PAYMENT_TERMS), size=count, p=[share for _, _, share in _PAYMENT_TERMS])
    arrives_later = rng.random(count) >= _ESTABLISHED_SHARE
    first_day = np.where(arrives_later, _integers(rng, first, last - 60, count), first)
    churns = (rng.random(count) < _CHURN_RATE) & (profile != DEFAULTING)
    churn_day = np.maximum(_integers(rng, first + span * 3 // 10, last - 30, count), first_day + 90)
    last_day = np.where(churns, np.minimum(churn_day, last), last)

    trouble_day = np.full(count, _NEVER, dtype=np.int64)
    writeoff_day = np.full(count, _NEVER, dtype=np.int64)
    defaulting = np.flatnonzero(profile == DEFAULTING)
    # Spread over the period so that some are written off before the end and some are not yet.
    position = 0.35 + 0.5 * (np.arange(len(defaulting)) + rng.random(len(defaulting))) / max(len(defaulting), 1)
    trouble_day[defaulting] = first + (position * span).astype(np.int64)
    writeoff_day[defaulting] = trouble_day[defaulting] + rng.integers(*_DEFAULT_WRITEOFF_DELAY, len(defaulting))
    first_day[defaulting] = first  # established customers going bust, not newcomers
    last_day[defaulting] = np.minimum(trouble_day[defaulting] + _DEFAULT_DELIVERED_FOR, last)

    return _CustomerBook(
        ids=pa.array([f"CLI{number:0{width}d}" for number in range(1, count + 1)], pa.string()),
        names=pa.array(_company_names(rng, count), pa.string()),
        profile=profile,
        terms_days=np.array([days for days, _, _ in _PAYMENT_TERMS])[terms],
        terms_end_of_month=np.array([end_of_month for _, end_of_month, _ in _PAYMENT_TERMS])[terms],
        volume=rng.lognormal(0.0, 0.9, count),
        amount_scale=rng.lognormal(0.0, 0.35, count),
        main_activity=rng.choice(len(ACTIVITIES), size=count, p=_ACTIVITY_SHARE),
        first_day=first_day.astype(np.int64),
        last_day=last_day.astype(np.int64),
        lateness=rng.normal(0.0, 3.0, count),
        trouble_day=trouble_day,
        writeoff_day=writeoff_day,
    )


# --- invoices


def _invoicing_intensity(first: int, last: int) -> np.ndarray:
    """Relative number of invoices issued on each day of [first, last]."""
    days = np.arange(first, last + 1)
    weekday = np.array(_WEEKDAY_WEIGHT)[(days + 3) % 7]
    season = np.array(_MONTH_SEASONALITY)[_month_of_year(days) - 1]
    return weekday * season * (1 + _YEARLY_GROWTH) ** ((days - first) / 365.25)


def _active_mass(book: _CustomerBook, cumulative: np.ndarray, first: int, low, high) -> np.ndarray:
    """Each customer's invoicing weight over days [low, high] (broadcasts over periods)."""
    begin = np.maximum(low, book.first_day[:, None])
    finish = np.minimum(high, book.last_day[:, None])
    inside = begin <= finish
    mass = np.where(
        inside,
        cumulative[np.where(inside, finish, first) - first + 1] - cumulative[np.where(inside, begin, first) - first],
        0.0,
    )
    return mass * book.volume[:, None]


def _issue_invoices(rng, book, cumulative, first, low, high, count):
    """Who is invoiced and when, within one month: customer index and issue day, in issue order."""
    mass = _active_mass(book, cumulative, first, low, high)[:, 0]
    customer = rng.choice(len(mass), size=count, p=mass / mass.sum())
    begin = np.maximum(low, book.first_day[customer]) - first
    finish = np.minimum(high, book.last_day[customer]) - first
    target = cumulative[begin] + rng.random(count) * (cumulative[finish + 1] - cumulative[begin])
    issue = np.clip(np.searchsorted(cumulative, target, side="right") - 1, begin, finish) + first
    order = np.lexsort((customer, issue))
    return customer[order], issue[order]


def _invoice_cents(rng, book, customer, activity) -> np.ndarray:
    """Amounts including VAT, in integer cents, between 50 € and 25 000 €."""
    count = len(customer)
    ht_euros = (
        np.array(_ACTIVITY_MEDIAN_HT)[activity]
        * book.amount_scale[customer]
        * np.exp(rng.normal(0.0, 1.0, count) * np.array(_ACTIVITY_SPREAD)[activity])
    )
    ht_cents = np.where(
        np.array(_ACTIVITY_WHOLE_EUROS)[activity], np.rint(ht_euros) * 100, np.rint(ht_euros * 100)
    ).astype(np.int64)
    vat_percent = np.array(_ACTIVITY_VAT)[activity]
    ttc_cents = ht_cents + (ht_cents * vat_percent + 50) // 100
    # Redraw the tails inside the range rather than piling invoices up on the bounds.
    too_big = ttc_cents > _MAX_INVOICE_CENTS
    ttc_cents[too_big] = rng.integers(_MAX_INVOICE_CENTS // 2, _MAX_INVOICE_CENTS, too_big.sum())
    too_small = ttc_cents < _MIN_INVOICE_CENTS
    ttc_cents[too_small] = rng.integers(_MIN_INVOICE_CENTS, 2 * _MIN_INVOICE_CENTS, too_small.sum())
    return ttc_cents


def _due_days(book, customer, issue) -> np.ndarray:
    due = issue + book.terms_days[customer]
    return np.where(book.terms_end_of_month[customer], _end_of_month(due), due)


# --- payments


@dataclass(frozen=True)
class _Settlements:
    """Settlement rows of one month's invoices, as indexes into those invoices."""

    invoice: np.ndarray
    instalment: np.ndarray  # 1, 2, 3 for cash; 0 for a write-off
    day: np.ndarray
    cents: np.ndarray
    writeoff: np.ndarray
    applied: np.ndarray  # False: unapplied cash, the invoice stays open
    credited: np.ndarray  # per invoice of the month: True when its credit note is applied to it


def _days_late(rng, book, customer, issue, first, last) -> np.ndarray:
    profile = book.profile[customer]
    late = np.zeros(len(customer))
    for code, draw in (
        (PROMPT, lambda n: rng.normal(-2.0, 3.0, n)),
        (SLIGHTLY_LATE, lambda n: rng.gamma(2.0, 5.0, n) - 1.0),
        (CHRONICALLY_LATE, lambda n: 20.0 + rng.gamma(4.0, 10.0, n)),
        (DEFAULTING, lambda n: 10.0 + rng.gamma(3.0, 10.0, n)),
    ):
        chosen = profile == code
        late[chosen] = draw(int(chosen.sum()))
    late += book.lateness[customer]
    elapsed = (issue - first) / max(last - first, 1)
    late = np.where(late > 0, late * (1 + _LATENESS_DRIFT * elapsed), late)
    disputed = rng.random(len(customer)) < _DISPUTE_RATE
    late[disputed] = rng.integers(60, 241, disputed.sum())
    return np.rint(late).astype(np.int64)


def _settle(rng, book, customer, issue, due, cents, credit_cents, first, last) -> _Settlements:
    count = len(customer)
    first_payment = np.maximum(due + _days_late(rng, book, customer, issue, first, last), issue)
    # Accounts departments are on holiday in August: payments due then slip by up to three weeks.
    august = (_month_of_year(first_payment) == 8) & (rng.random(count) < 0.5)
    first_payment = first_payment + np.where(august, rng.integers(0, 22, count), 0)

    profile = book.profile[customer]
    defaulted = (profile == DEFAULTING) & (issue >= book.trouble_day[customer] - _DEFAULT_UNPAID_FROM)
    lost = ~defaulted & (rng.random(count) < _LOST_INVOICE_RATE)
    credited = (credit_cents > 0) & (rng.random(count) < _APPLIED_CREDIT_NOTE_RATE)
    to_pay = cents - np.where(credited, credit_cents, 0)

    draw = rng.random(count)
    rate = np.array(_INSTALMENT_RATE)[profile]
    instalments = 1 + (draw < rate).astype(np.int64) + (draw < rate / 3)
    instalments = np.where(to_pay >= 30_000, instalments, 1)
    # A defaulting customer sometimes pays a first instalment, then nothing more.
    instalments = np.where(defaulted, np.where(rng.random(count) < _DEFAULT_PARTIAL_RATE, 2, 0), instalments)
    instalments = np.where(lost, 0, instalments)
    gap = rng.integers(20, 45, count)
    first_share = rng.integers(30, 71, count)
    # A credit note applied to an invoice is never paid over: the customer knows what is left.
    overpaid = ~defaulted & ~credited & (rng.random(count) < _OVERPAYMENT_RATE)
    overpayment = rng.integers(100, 5_001, count)

    invoice = np.repeat(np.arange(count), instalments)
    number = np.arange(len(invoice)) - np.repeat(np.cumsum(instalments) - instalments, instalments) + 1
    day = _next_business_day(first_payment[invoice] + (number - 1) * gap[invoice])
    # Instalments in whole euros, the last one takes the remainder so the total is exact.
    total = to_pay[invoice]
    half = total * first_share[invoice] // 100 // 100 * 100
    third = total // 3 // 100 * 100
    split = instalments[invoice]
    amount = np.select(
        [split == 1, split == 2, number < 3],
        [total, np.where(number == 1, half, total - half), third],
        total - 2 * third,
    )
    amount = amount + np.where(overpaid[invoice] & (number == split), overpayment[invoice], 0)
    writeoff_day = book.writeoff_day[customer]
    keep = (day <= last) & ~(defaulted[invoice] & ((number > 1) | (day >= writeoff_day[invoice])))
    invoice, number, day, amount = invoice[keep], number[keep], day[keep], amount[keep]
    unapplied_rate = np.where(day > last - _UNAPPLIED_RECENT_DAYS, _UNAPPLIED_RATE_RECENT, _UNAPPLIED_RATE_OLD)
    applied = rng.random(len(day)) >= unapplied_rate

    # Write-offs: a defaulting customer's remaining balance once the liquidation is closed,
    # and small lost invoices at the first year-end closing six months past due.
    paid = np.zeros(count, dtype=np.int64)
    np.add.at(paid, invoice[applied], amount[applied])
    lost_writeoff_day = _end_of_year(due + _LOST_WRITEOFF_AFTER_DUE)
    writeoff_on = np.where(
        defaulted, writeoff_day, np.where(lost & (cents < _LOST_WRITEOFF_CAP_CENTS), lost_writeoff_day, _NEVER)
    )
    written_off = np.flatnonzero((writeoff_on <= last) & (to_pay - paid > 0))

    return _Settlements(
        invoice=np.concatenate([invoice, written_off]),
        instalment=np.concatenate([number, np.zeros(len(written_off), dtype=np.int64)]),
        day=np.concatenate([day, writeoff_on[written_off]]),
        cents=np.concatenate([amount, (to_pay - paid)[written_off]]),
        writeoff=np.concatenate([np.zeros(len(day), dtype=bool), np.ones(len(written_off), dtype=bool)]),
        applied=np.concatenate([applied, np.ones(len(written_off), dtype=bool)]),
        credited=credited,
    )


# --- Arrow assembly


def _money(cents: np.ndarray) -> pa.Array:
    """Integer cents as exact decimal128(18, 2): the unscaled 128-bit value is the cents."""
    cents = np.ascontiguousarray(cents, dtype=np.int64)
    words = np.empty((len(cents), 2), dtype=np.int64)
    words[:, 0] = cents
    words[:, 1] = cents >> 63  # sign extension of the high word
    return pa.Array.from_buffers(MONEY, len(cents), [None, pa.py_buffer(words)])


def _dates(days: np.ndarray) -> pa.Array:
    return pa.array(np.asarray(days, dtype=np.int32), pa.int32()).cast(pa.date32())


def _numbers(year: int, first: int, count: int, width: int) -> pa.Array:
    """'2024-00001'-style sequence numbers of one year."""
    sequence = pc.utf8_lpad(pc.cast(pa.array(np.arange(first, first + count)), pa.string()), width, "0")
    return pc.binary_join_element_wise(str(year), sequence, "-")


@dataclass
class _Numbering:
    """Per-year document counters, carried from one month to the next."""

    invoice_width: int
    credit_note_width: int
    invoices: dict
    credit_notes: dict

    def take(self, counters: dict, year: int, count: int, width: int) -> pa.Array:
        start = counters.get(year, 0) + 1
        counters[year] = start + count - 1
        return _numbers(year, start, count, width)


def _month_ledger(rng, book, cumulative, first, last, low, high, count, numbering: _Numbering) -> CanonicalLedger:
    customer, issue = _issue_invoices(rng, book, cumulative, first, low, high, count)
    activity = np.where(
        rng.random(count) < _MAIN_ACTIVITY_RATE, book.main_activity[customer], rng.integers(0, len(ACTIVITIES), count)
    )
    cents = _invoice_cents(rng, book, customer, activity)
    due = _due_days(book, customer, issue)

    # Credit notes are commercial discounts on an invoice of the month, issued before the month closes.
    credit_note_count = min(count, int(rng.binomial(count, _CREDIT_NOTE_SHARE / (1 - _CREDIT_NOTE_SHARE))))
    credited = np.sort(rng.choice(count, size=credit_note_count, replace=False))
    credit_day = np.minimum(issue[credited] + rng.integers(1, 16, credit_note_count), min(high, last))
    credit_cents = cents[credited] * rng.integers(*_CREDIT_NOTE_PERCENT, credit_note_count) // 100
    by_date = np.argsort(credit_day, kind="stable")
    credited, credit_day, credit_cents = credited[by_date], credit_day[by_date], credit_cents[by_date]
    invoice_credit = np.zeros(count, dtype=np.int64)
    invoice_credit[credited] = credit_cents

    settled = _settle(rng, book, customer, issue, due, cents, invoice_credit, first, last)

    # A credit note is booked under its invoice's activity, but for a few applied ones.
    applied_note = settled.credited[credited]
    crosses = applied_note & (rng.random(credit_note_count) < _CROSS_ACTIVITY_CREDIT_NOTE_RATE)
    other_activity = (activity[credited] + rng.integers(1, len(ACTIVITIES), credit_note_count)) % len(ACTIVITIES)
    credit_activity = np.where(crosses, other_activity, activity[credited])

    year = int(_year(np.array([low]))[0])
    invoice_numbers = numbering.take(numbering.invoices, year, count, numbering.invoice_width)
    credit_numbers = numbering.take(numbering.credit_notes, year, credit_note_count, numbering.credit_note_width)
    invoice_ids = pc.binary_join_element_wise("FA", invoice_numbers, "-")
    credit_note_ids = pc.binary_join_element_wise("AV", credit_numbers, "-")
    document_customer = np.concatenate([customer, customer[credited]])
    documents = pa.table(
        {
            "document_id": pa.concat_arrays([invoice_ids, credit_note_ids]),
            "customer_id": book.ids.take(document_customer),
            "customer_name": book.names.take(document_customer),
            "activity": pa.array(ACTIVITIES).take(np.concatenate([activity, credit_activity])),
            "issue_date": _dates(np.concatenate([issue, credit_day])),
            # A credit note is due at once, as in the worked example.
            "due_date": _dates(np.concatenate([due, credit_day])),
            "amount": _money(np.concatenate([cents, -credit_cents])),
            "due_date_derived": pa.array(np.zeros(count + credit_note_count, dtype=bool)),
        },
        schema=DOCUMENTS_SCHEMA,
    ).sort_by([("issue_date", "ascending"), ("document_id", "ascending")])

    # Settlement ids carry the number of the invoice they were meant for (as bank references
    # do), so they do not depend on the order in which the ledger is generated.
    settled_numbers = invoice_numbers.take(settled.invoice)
    instalment = pc.cast(pa.array(settled.instalment), pa.string())
    settlement_id = pc.if_else(
        pa.array(settled.writeoff),
        pc.binary_join_element_wise("PP", settled_numbers, "-"),
        pc.binary_join_element_wise("RG", settled_numbers, instalment, "-"),
    )
    unapplied = pa.scalar(None, pa.string())
    payments = pa.table(
        {
            "settlement_id": settlement_id,
            "document_id": pc.if_else(pa.array(settled.applied), invoice_ids.take(settled.invoice), unapplied),
            "customer_id": book.ids.take(customer[settled.invoice]),
            "date": _dates(settled.day),
            "amount": _money(settled.cents),
            "kind": pa.array(["cash", "writeoff"]).take(settled.writeoff.astype(np.int8)),
            "source_document_id": pa.nulls(len(settled.day), pa.string()),
            "reference": pa.nulls(len(settled.day), pa.string()),
        },
        schema=SETTLEMENTS_SCHEMA,
    )
    # Each applied credit note settles its invoice the day it is issued, for its whole amount
    # (imputation d'avoir): ids carry the credit note's number, as the lettrage does.
    applied_notes = np.flatnonzero(applied_note)
    applications = pa.table(
        {
            "settlement_id": pc.binary_join_element_wise("IM", credit_numbers.take(applied_notes), "-"),
            "document_id": invoice_ids.take(credited[applied_notes]),
            "customer_id": book.ids.take(customer[credited[applied_notes]]),
            "date": _dates(credit_day[applied_notes]),
            "amount": _money(credit_cents[applied_notes]),
            "kind": pa.array(["credit"] * len(applied_notes), pa.string()),
            "source_document_id": credit_note_ids.take(applied_notes),
            "reference": pa.nulls(len(applied_notes), pa.string()),
        },
        schema=SETTLEMENTS_SCHEMA,
    )
    settlements = pa.concat_tables([payments, applications]).sort_by(
        [("date", "ascending"), ("settlement_id", "ascending")]
    )
    return CanonicalLedger(documents, settlements)


# --- public API


def generate_chunks(
    *,
    seed: int = 2026,
    customers: int = 80,
    invoices: int = 5000,
    start: date = date(2023, 11, 1),
    end: date = date(2026, 10, 31),
) -> Iterator[CanonicalLedger]:
    """The ledger of `generate_ledger`, one piece per month of issue: that month's documents
    and every settlement of them up to `end` (settlements are therefore not in date order
    across pieces). Each month has its own random stream, so memory stays at one month."""
    if customers < 1 or invoices < 0 or end <= start:
        raise ValueError("need customers >= 1, invoices >= 0 and start < end")
    first, last = _day_number(start), _day_number(end)
    customer_seed, calendar_seed, months_seed = np.random.SeedSequence(seed).spawn(3)
    book = _customer_book(np.random.default_rng(customer_seed), customers, first, last)
    cumulative = np.concatenate([[0.0], np.cumsum(_invoicing_intensity(first, last))])

    months = _month_span(first, last)
    low = np.maximum(months.astype("datetime64[D]").astype(np.int64), first)
    high = np.minimum((months + 1).astype("datetime64[D]").astype(np.int64) - 1, last)
    month_mass = _active_mass(book, cumulative, first, low[None, :], high[None, :]).sum(axis=0)
    counts = np.random.default_rng(calendar_seed).multinomial(invoices, month_mass / month_mass.sum())

    numbering = _Numbering(max(5, len(str(invoices))), max(4, len(str(invoices))), {}, {})
    for month_seed, month_low, month_high, count in zip(months_seed.spawn(len(months)), low, high, counts):
        if count:
            rng = np.random.default_rng(month_seed)
            yield _month_ledger(
                rng, book, cumulative, first, last, int(month_low), int(month_high), int(count), numbering
            )


class DemoSize(TypedDict, total=False):
    """What `generate_ledger` and `generate_chunks` make: seed (2026), customers (80), invoices (5000),
    from `start` (2023-11-01) to `end` (2026-10-31)."""

    seed: int
    customers: int
    invoices: int
    start: date
    end: date


def generate_ledger(**size: Unpack[DemoSize]) -> CanonicalLedger:
    """A synthetic French SME's receivables from `start` to `end`: `invoices` invoices (plus
    about 3 % credit notes) and their settlements. The same arguments give the same tables."""
    pieces = list(generate_chunks(**size))
    documents = pa.concat_tables([piece.documents for piece in pieces]) if pieces else DOCUMENTS_SCHEMA.empty_table()
    settlements = (
        pa.concat_tables([piece.settlements for piece in pieces]) if pieces else SETTLEMENTS_SCHEMA.empty_table()
    )
    # A stable sort on the date alone keeps each day's rows in generation order: deterministic,
    # and much cheaper than comparing ten million settlement ids.
    settlements = settlements.take(pc.sort_indices(settlements, [("date", "ascending")]))
    return CanonicalLedger(documents, settlements)
