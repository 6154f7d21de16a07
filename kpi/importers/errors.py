"""Import problems: each names the file, the row and the column, in words an owner understands."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ImportIssue:
    file: str
    message: str
    row: int | None = None  # 1-based data row as a spreadsheet shows it (header = row 1)
    column: str | None = None
    value: str | None = None
    severity: str = "error"  # 'error' blocks the import, 'warning' does not
    # What the user can choose to settle it, for the CLI and the app to offer their own control:
    # 'day_order' = the file's day/month order (CLI --dayfirst/--monthfirst, option dayfirst=True/False).
    remedy: str | None = None

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", ligne {self.row}"
        if self.column:
            where += f", colonne « {self.column} »"
        value = f" (valeur : {self.value!r})" if self.value is not None else ""
        return f"{where} : {self.message}{value}"


class ImportFailed(Exception):
    """Raised when any blocking issue is found; nothing is stored."""

    def __init__(self, issues: list[ImportIssue]):
        self.issues = [i for i in issues if i.severity == "error"]
        self.warnings = [i for i in issues if i.severity != "error"]
        lines = [str(i) for i in self.issues[:20]]
        if len(self.issues) > 20:
            lines.append(f"… et {len(self.issues) - 20} autres erreurs")
        super().__init__("Import refusé :\n" + "\n".join(lines))

    def __reduce__(self):
        # Rebuilt from its issues, so it crosses a process boundary (kpi.sandbox) intact.
        return type(self), ([*self.issues, *self.warnings],)
