"""What reaches the terminal: data text with its control characters shown as escapes, JSON, messages on stderr."""

from __future__ import annotations

import json
import re
import sys
from typing import Protocol, TextIO

# What a data file may hold that a terminal would obey: C0 and C1 controls (ESC starts the ANSI
# sequences that clear or colour the screen), DEL, and the bidirectional overrides that reorder text.
TERMINAL_CONTROLS = re.compile(r"\r(?!\n)|[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
CELL_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")
JSON_CONTROLS = re.compile(r"[\x7f-\x9f\u200e\u200f\u202a-\u202e\u2066-\u2069]")


class Output(Protocol):
    """Where a command writes: standard output behind a TerminalStream, or a StringIO in tests."""

    def write(self, text: str, /) -> int: ...


def _visible(character: str) -> str:
    code = ord(character)
    return f"\\x{code:02x}" if code < 0x100 else f"\\u{code:04x}"


def terminal_text(text: str) -> str:
    """Text safe to print: every control character shown as its escape (\\x1b), so that a name holding
    ANSI escapes cannot clear or colour the terminal; line ends and tabs kept."""
    return TERMINAL_CONTROLS.sub(lambda m: _visible(m.group()), text)


def terminal_cell(value: object) -> str:
    """One cell of a printed table: line ends and tabs escaped too, so that the table keeps its rows."""
    return CELL_CONTROLS.sub(lambda m: _visible(m.group()), "" if value is None else str(value))


class TerminalStream:
    """A text stream that escapes control characters from the data before they reach the terminal."""

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream

    def write(self, text: str, /) -> int:
        return self.stream.write(terminal_text(text))

    def flush(self) -> None:
        self.stream.flush()


def write_json(value: object, out: Output) -> None:
    """JSON on the terminal: json escapes C0 controls itself; C1 and bidi overrides are escaped as \\u too,
    so the text stays valid JSON holding exactly the data."""
    text = json.dumps(value, ensure_ascii=False, indent=2, default=str)
    out.write(JSON_CONTROLS.sub(lambda m: f"\\u{ord(m.group()):04x}", text) + "\n")


def say(text: str) -> None:
    """One message for the user on standard error, escaped as data is."""
    print(terminal_text(text), file=sys.stderr)
