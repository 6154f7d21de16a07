"""Payment terms (« 30 jours », « 45 jours fin de mois ») that give a due date to a document that has none."""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from kpi.text.errors import InvalidValue
from kpi.text.messages import Message

DEFAULT_TERMS_DAYS = 30


@dataclass(frozen=True)
class PaymentTerms:
    """`days` after the issue date; with `end_of_month`, French style « fin de mois ».

    - "30": issue date + 30 days (KPI-SPEC §1 default).
    - "eom45": end of the issue month, then + 45 days (« fin de mois + 45 jours »).
    - "45eom": issue date + 45 days, then end of that month (« 45 jours fin de mois »).
    """

    days: int = DEFAULT_TERMS_DAYS
    end_of_month: str | None = None  # None | 'before' (eom45) | 'after' (45eom)

    @classmethod
    def parse(cls, text: str | int | None) -> PaymentTerms:
        if text is None or text == "":
            return cls()
        if isinstance(text, int):
            return cls(text)
        spec = re.sub(r"[\s_-]", "", str(text).lower()).replace("fdm", "eom").replace("findemois", "eom")
        for pattern, end_of_month in (
            (r"^(\d{1,3})j?$", None),
            (r"^eom(\d{1,3})j?$", "before"),
            (r"^(\d{1,3})j?eom$", "after"),
        ):
            found = re.match(pattern, spec)
            if found:
                return cls(int(found.group(1)), end_of_month)
        raise InvalidValue(Message("terms.unreadable", text=str(text)))

    def describe(self) -> Message:
        if self.end_of_month == "before":
            return Message("terms.end_of_month_then", count=self.days)
        if self.end_of_month == "after":
            return Message("terms.days_then_end_of_month", count=self.days)
        return Message("terms.days", count=self.days)

    def due_dates(self, issue_dates: pa.Array) -> pa.Array:
        days = np.asarray(issue_dates.cast(pa.int32()).fill_null(0).to_numpy(zero_copy_only=False)).astype("M8[D]")
        if self.end_of_month == "before":
            due = _end_of_month(days) + np.timedelta64(self.days, "D")
        elif self.end_of_month == "after":
            due = _end_of_month(days + np.timedelta64(self.days, "D"))
        else:
            due = days + np.timedelta64(self.days, "D")
        return pa.array(due.astype("int64").astype("int32"), pa.int32()).cast(pa.date32())


def _end_of_month(days: np.ndarray) -> np.ndarray:
    return (days.astype("M8[M]") + np.timedelta64(1, "M")).astype("M8[D]") - np.timedelta64(1, "D")
