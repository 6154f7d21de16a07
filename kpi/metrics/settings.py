"""The workspace's settings (Paramètres) as values: what the app shows by default, and how collection activity is
counted. Each is read from the workspace's `settings` table (`Workspace.settings()`, key → JSON value) with
`from_settings`, which falls back to the default for a missing or unreadable value, and written back with
`to_settings`; a ledger read from files has none and gets the defaults."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from kpi.metrics.aging import DEFAULT_EDGES
from kpi.model.filters import DEFAULT_MATCHING, MATCHING_MODES, MATCHING_SETTING

CENT = Decimal("0.01")

# Settings stored in the workspace's `settings` table (Workspace.save_settings), with their defaults.
REMINDER_WINDOW_SETTING = "reminder_success_window_days"
PLAN_GRACE_SETTING = "plan_grace_days"
# Collection costs entered on the Settings page when no costs log is kept: a Decimal as a string.
MONTHLY_COST_SETTING = "monthly_collection_cost"
DEFAULT_REMINDER_WINDOW_DAYS = 15  # issue 6: "followed within 15 days (configurable)"
DEFAULT_PLAN_GRACE_DAYS = 0  # an installment is kept when paid in full by its due date itself
DEFAULT_PAYMENT_TERMS_DAYS = 30  # what a due date is derived with when an export has none


@dataclass(frozen=True)
class DisplaySettings:
    """What the app shows by default: the aged balance's bucket edges and basis, the payment terms used to
    derive missing due dates, the currency and whether its symbol is written, and the matching mode."""

    edges: tuple[int, ...] = DEFAULT_EDGES
    basis: str = "due"
    payment_terms: int = DEFAULT_PAYMENT_TERMS_DAYS
    currency: str = "EUR"
    currency_symbol: bool = True
    matching: str = DEFAULT_MATCHING  # KPI-SPEC §2: how credits meet invoices, unless a view says otherwise

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> DisplaySettings:
        defaults = cls()
        try:
            edges = tuple(int(e) for e in settings.get("bucket_edges", defaults.edges))
        except (TypeError, ValueError):
            edges = defaults.edges
        basis = settings.get("aging_basis")
        matching = settings.get(MATCHING_SETTING)
        return cls(
            edges=edges or defaults.edges,
            basis=basis if basis in ("due", "issue") else defaults.basis,
            payment_terms=_days(settings.get("payment_terms"), defaults.payment_terms) or defaults.payment_terms,
            currency=str(settings.get("currency") or defaults.currency),
            currency_symbol=bool(settings.get("currency_symbol", defaults.currency_symbol)),
            matching=matching if matching in MATCHING_MODES else DEFAULT_MATCHING,
        )

    def to_settings(self) -> dict[str, Any]:
        return {
            "bucket_edges": list(self.edges),
            "aging_basis": self.basis,
            "payment_terms": self.payment_terms,
            "currency": self.currency,
            "currency_symbol": self.currency_symbol,
            MATCHING_SETTING: self.matching,
        }


@dataclass(frozen=True)
class ActivitySettings:
    """How long after a reminder a payment counts as its success, how late an installment may be paid,
    and the monthly collection cost used when no costs log was imported (None: not entered)."""

    reminder_window_days: int = DEFAULT_REMINDER_WINDOW_DAYS
    plan_grace_days: int = DEFAULT_PLAN_GRACE_DAYS
    monthly_collection_cost: Decimal | None = None

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> ActivitySettings:
        return cls(
            _days(settings.get(REMINDER_WINDOW_SETTING), DEFAULT_REMINDER_WINDOW_DAYS),
            _days(settings.get(PLAN_GRACE_SETTING), DEFAULT_PLAN_GRACE_DAYS),
            parse_monthly_cost(settings.get(MONTHLY_COST_SETTING)),
        )

    def to_settings(self) -> dict[str, Any]:
        monthly = None if self.monthly_collection_cost is None else str(self.monthly_collection_cost)
        return {
            REMINDER_WINDOW_SETTING: self.reminder_window_days,
            PLAN_GRACE_SETTING: self.plan_grace_days,
            MONTHLY_COST_SETTING: monthly,
        }


def parse_monthly_cost(value: object) -> Decimal | None:
    """A monthly collection cost as stored or typed ("1 500,50", "1500.5"): Decimal to the cent, None if blank or invalid.

    Zero is a real amount (collection costs nothing); a negative one is refused.
    """
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().replace("\u00a0", "").replace("\u202f", "").replace(" ", "").replace("€", "")
    if not text:
        return None
    if "," in text and "." in text:  # grouped: the last mark is the decimal one (1.234,56 or 1,234.56)
        grouping = "." if text.rfind(",") > text.rfind(".") else ","
        text = text.replace(grouping, "")
    text = text.replace(",", ".")
    try:
        amount = Decimal(text)
    except ArithmeticError:
        return None
    if not amount.is_finite() or amount < 0:
        return None
    return amount.quantize(CENT)


def _days(value: Any, default: int, least: int = 0) -> int:
    """A stored number of days, `default` when it is missing, not a whole number or below `least`."""
    if isinstance(value, bool):
        return default
    try:
        days = int(value)
    except (TypeError, ValueError):
        return default
    return days if days >= least else default


# The escalation stages, in order; the values of `next_action` and `last_reminder_stage`.
STAGES = ("r1", "r2", "r3", "formal_notice", "agency")
# Days after the due date of the oldest chased invoice at which each stage falls due, and the settings
# (Workspace.save_settings) that may change them.
DEFAULT_STAGE_DAYS = {"r1": 8, "r2": 22, "r3": 40, "formal_notice": 60, "agency": 90}
STAGE_DAYS_SETTINGS = {stage: f"worklist_{stage}_days" for stage in STAGES}


@dataclass(frozen=True)
class WorklistSettings:
    """The reminder schedule: days after the oldest chased due date at which each stage falls due."""

    r1_days: int = DEFAULT_STAGE_DAYS["r1"]
    r2_days: int = DEFAULT_STAGE_DAYS["r2"]
    r3_days: int = DEFAULT_STAGE_DAYS["r3"]
    formal_notice_days: int = DEFAULT_STAGE_DAYS["formal_notice"]
    agency_days: int = DEFAULT_STAGE_DAYS["agency"]

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> WorklistSettings:
        """The schedule stored with a workspace; a key missing, not a whole number or below 1 keeps its default."""
        return cls(
            *(_days(settings.get(STAGE_DAYS_SETTINGS[stage]), DEFAULT_STAGE_DAYS[stage], least=1) for stage in STAGES)
        )

    def to_settings(self) -> dict[str, Any]:
        return {STAGE_DAYS_SETTINGS[stage]: days for stage, days in zip(STAGES, self.stage_days())}

    def stage_days(self) -> list[int]:
        """The delays in the order of STAGES."""
        return [self.r1_days, self.r2_days, self.r3_days, self.formal_notice_days, self.agency_days]


# The company's name and contact, printed at the top of its customer statements and reminder letters.
COMPANY_FIELDS = ("name", "address", "email", "phone", "siret")
COMPANY_SETTINGS = {field: f"company_{field}" for field in COMPANY_FIELDS}


@dataclass(frozen=True)
class CompanySettings:
    """Who sends the statements and letters: name, postal address (several lines), e-mail, phone, SIRET; each
    empty until entered on the Settings page."""

    name: str = ""
    address: str = ""
    email: str = ""
    phone: str = ""
    siret: str = ""

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> CompanySettings:
        """The stored values; one missing or not text is empty."""
        return cls(*(_text(settings.get(COMPANY_SETTINGS[field])) for field in COMPANY_FIELDS))

    def to_settings(self) -> dict[str, Any]:
        return {COMPANY_SETTINGS[field]: getattr(self, field).strip() for field in COMPANY_FIELDS}

    @property
    def address_lines(self) -> tuple[str, ...]:
        return tuple(line.strip() for line in self.address.splitlines() if line.strip())


def _text(value: Any) -> str:
    return value.strip() if isinstance(value, str) else ""


# Reminder letters: the late-payment interest rate of Article L441-10 of the Code de commerce (a percentage, with
# the day it applies from: the ECB's refinancing rate plus 10 points changes every half-year), and whether the
# customers are professionals (then each overdue invoice bears the fixed 40 € recovery indemnity).
PENALTY_RATE_SETTING = "letter_penalty_rate"
PENALTY_RATE_FROM_SETTING = "letter_penalty_rate_from"
PROFESSIONAL_SETTING = "letter_customers_professional"


@dataclass(frozen=True)
class LetterSettings:
    """The penalty rate in % per year and the day it applies from (None: not entered), and whether the customers
    are professionals (default yes: Encours's users sell to businesses)."""

    penalty_rate: Decimal | None = None
    rate_from: date | None = None
    professional: bool = True

    @classmethod
    def from_settings(cls, settings: dict[str, Any]) -> LetterSettings:
        try:
            rate_from = date.fromisoformat(str(settings.get(PENALTY_RATE_FROM_SETTING)))
        except ValueError:
            rate_from = None
        professional = settings.get(PROFESSIONAL_SETTING, True)
        return cls(
            parse_rate(settings.get(PENALTY_RATE_SETTING)),
            rate_from,
            professional if isinstance(professional, bool) else True,
        )

    def to_settings(self) -> dict[str, Any]:
        return {
            PENALTY_RATE_SETTING: None if self.penalty_rate is None else str(self.penalty_rate),
            PENALTY_RATE_FROM_SETTING: None if self.rate_from is None else self.rate_from.isoformat(),
            PROFESSIONAL_SETTING: self.professional,
        }


def parse_rate(value: object) -> Decimal | None:
    """A yearly rate in % as stored or typed ("13,15", "13.15 %"): Decimal, None if blank, invalid, negative or
    above 100."""
    if value is None or isinstance(value, bool):
        return None
    text = str(value).strip().replace("%", "").replace("\u00a0", "").replace(" ", "").replace(",", ".")
    try:
        rate = Decimal(text)
    except ArithmeticError:
        return None
    return rate if rate.is_finite() and 0 <= rate <= 100 else None
