"""Import problems: each names the file, the row and the column, in words an owner understands."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from kpi.text.errors import EncoursError
from kpi.text.messages import DEFAULT_LANGUAGE, Message, message_text, render

MAX_LISTED = 20  # issues a refusal lists before saying how many more there are


@dataclass(frozen=True)
class ImportIssue:
    file: str
    message: str  # a Message (its key and parameters); plain text is shown as is in every language
    row: int | None = None  # 1-based data row as a spreadsheet shows it (header = row 1)
    column: str | None = None
    value: str | None = None
    severity: str = "error"  # 'error' blocks the import, 'warning' does not
    # What the user can choose to settle it, for the CLI and the app to offer their own control:
    # 'day_order' = the file's day/month order (CLI --dayfirst/--monthfirst, option dayfirst=True/False).
    remedy: str | None = None

    @property
    def key(self) -> str | None:
        """The message's catalogue key (None for plain text)."""
        return getattr(self.message, "key", None)

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """File, row, column, message and value, in `lang`."""
        where = self.file
        if self.row is not None:
            where += message_text("issue.row", lang, row=self.row)
        if self.column:
            where += message_text("issue.column", lang, column=self.column)
        value = message_text("issue.value", lang, value=self.value) if self.value is not None else ""
        return message_text("issue.line", lang, where=where, message=render(self.message, lang), value=value)

    def __str__(self) -> str:
        return self.render(DEFAULT_LANGUAGE)

    def to_dict(self) -> dict[str, Any]:
        """The issue as JSON gives it (a report, `inspect --format json`): its fields, then its text in French."""
        return {
            "file": self.file,
            "row": self.row,
            "column": self.column,
            "value": self.value,
            "message": self.message,
            "severity": self.severity,
            "remedy": self.remedy,
            "text": str(self),
        }


class ImportFailed(EncoursError):
    """Raised when any blocking issue is found; nothing is stored."""

    headed = True  # « Import refusé : », then the issues

    def __init__(self, issues: list[ImportIssue]):
        self.issues = [i for i in issues if i.severity == "error"]
        self.warnings = [i for i in issues if i.severity != "error"]
        super().__init__(self.render(DEFAULT_LANGUAGE))

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """« Import refusé » and the first issues, each on its line, in `lang`."""
        lines = [i.render(lang) for i in self.issues[:MAX_LISTED]]
        if len(self.issues) > MAX_LISTED:
            lines.append(message_text("import.more_errors", lang, count=len(self.issues) - MAX_LISTED))
        return message_text("import.refused", lang) + "\n" + "\n".join(lines)

    def __reduce__(self) -> tuple[type[ImportFailed], tuple[list[ImportIssue]]]:
        # Rebuilt from its issues, so it crosses a process boundary (kpi.store.sandbox) intact.
        return type(self), ([*self.issues, *self.warnings],)


__all__ = ["ImportFailed", "ImportIssue", "Message"]
