"""The engine's messages as data: a catalogue key and its parameters, worded in French or English where shown.

The importers, the workspace and the command line never build a sentence: they build a `Message`
(`Message("amount.unreadable", value=…)`), and whoever shows it (the CLI, the app) calls
`message.render(lang)`. The texts live in kpi/text/locales/messages.fr.json and messages.en.json, apart from
the interface labels of kpi/text/locales/{fr,en}.json.

A `Message` is also a `str` holding its French text, so that code, logs and tests that read a message
as text (`"introuvable" in issue.message`) keep working; a string operation on it (`+`, `.format`)
gives back plain French text, so the code passes Messages whole, as parameters of other Messages.

A catalogue entry is a template (`"{count} ligne(s) ignorée(s)"`) or, for plural forms, an object
`{"one": …, "other": …}` chosen by the parameter `count`: in French 0 and 1 take "one", in English
only 1 does. Placeholders may name how a value is written for the reader:
`{amount:money}` (1 234,56 / 1,234.56), `{count:count}` (2 000 000 / 2,000,000), `{day:date}`
(31/12/2026), `{size:size}` (1,5 Go / 1.5 GB), `{items:or}` (a ou b / a or b). A parameter that is itself a Message is rendered in the
same language; a list or tuple of them is joined with ", ".
"""

from __future__ import annotations

import json
import string
from collections.abc import Callable
from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import Any

LANGUAGES = ("fr", "en")
DEFAULT_LANGUAGE = "fr"
CATALOGUES = Path(__file__).with_name("locales")


@cache
def catalogue(lang: str) -> dict[str, str | dict[str, str]]:
    """Every engine message of one language, keyed by a dotted name such as `amount.unreadable`."""
    with (CATALOGUES / f"messages.{lang}.json").open(encoding="utf-8") as handle:
        return json.load(handle)


def plural_form(count: Any, lang: str) -> str:
    """'one' or 'other' (CLDR): French counts 0 and 1 as singular, English only 1."""
    try:
        number = abs(Decimal(str(count)))
    except ArithmeticError:
        return "other"
    if lang == "fr":
        return "one" if number < 2 else "other"
    return "one" if number == 1 else "other"


def template(key: str, lang: str, count: Any = None) -> str:
    """The raw template of `key` in `lang` (French when the language lacks it), its plural form chosen by `count`."""
    entry = catalogue(lang if lang in LANGUAGES else DEFAULT_LANGUAGE).get(key)
    if entry is None:
        entry = catalogue(DEFAULT_LANGUAGE).get(key)
    if entry is None:
        raise KeyError(f"no engine message {key!r} in kpi/text/locales/messages.*.json")
    if isinstance(entry, dict):
        return entry[plural_form(count, lang)] if count is not None else entry["other"]
    return entry


def money_text(value: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """An amount as the import messages write it: `1 234,56` (fr, plain spaces as in the files) or `1,234.56`."""
    if value is None:
        return "—"
    text = f"{Decimal(str(value)):,.2f}"
    return text.replace(",", " ").replace(".", ",") if lang == "fr" else text


def count_text(value: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """A whole number with thousands grouped: `2 000 000` (fr) or `2,000,000` (en)."""
    text = f"{int(value):,}"
    return text.replace(",", " ") if lang == "fr" else text


def size_text(size: int, lang: str = DEFAULT_LANGUAGE) -> str:
    """A size in bytes as a reader writes it: « 200 Mo », « 1,5 Go » (fr) or 200 MB, 1.5 GB (en)."""
    units = ("Ko", "Mo", "Go") if lang == "fr" else ("KB", "MB", "GB")
    if size >= 1 << 30:
        number, unit = f"{size / (1 << 30):.1f}", units[2]
    elif size >= 1 << 20:
        number, unit = f"{size / (1 << 20):.1f}", units[1]
    else:
        return f"{size / 1024:.0f} {units[0]}"
    number = number.removesuffix(".0")
    return f"{number.replace('.', ',') if lang == 'fr' else number} {unit}"


def _date_text(value: Any, lang: str) -> str:
    from kpi.text.formatting import format_date

    return format_date(value, lang)


def _decimal_text(value: Any, lang: str) -> str:
    """A number as written in text, `0,5` (fr) or `0.5` (en), without grouping."""
    text = str(value)
    return text.replace(".", ",") if lang == "fr" else text


FORMATS: dict[str, Callable[[Any, str], str]] = {
    "money": money_text,
    "count": count_text,
    "size": size_text,
    "date": _date_text,
    "decimal": _decimal_text,
}


class _Formatter(string.Formatter):
    def __init__(self, lang: str):
        self.lang = lang

    def format_field(self, value: Any, spec: str) -> str:
        if spec == "or":  # a list of alternatives: « a ou b », "a or b"
            return (" ou " if self.lang == "fr" else " or ").join(str(self._text(item)) for item in value)
        if spec in FORMATS:
            return FORMATS[spec](value, self.lang)
        return super().format_field(self._text(value), spec)

    def convert_field(self, value: Any, conversion: str | None) -> Any:
        if conversion == "r" and isinstance(value, str):
            return repr(str(value))  # a quoted value from a file: quoted, never reworded
        return super().convert_field(value, conversion)

    def _text(self, value: Any) -> Any:
        if isinstance(value, Message):
            return value.render(self.lang)
        if isinstance(value, (list, tuple)):
            return ", ".join(str(self._text(item)) for item in value)
        return value


def message_text(key: str, lang: str = DEFAULT_LANGUAGE, /, **params: Any) -> str:
    """The message `key` worded in `lang` with `params` filled in (`message_text("cli.interrupted", "en")`)."""
    text = template(key, lang, params.get("count"))
    return _Formatter(lang).vformat(text, (), params)


def placeholders(text: str) -> set[tuple[str, str]]:
    """The (name, format) pairs a template fills, for the catalogue tests."""
    return {(name, spec or "") for _, name, spec, _ in string.Formatter().parse(text) if name is not None}


class Message(str):
    """An engine message: its French text (what `str()` gives), its catalogue `key` and its `params`."""

    key: str
    params: dict[str, Any]

    def __new__(cls, key: str, /, **params: Any) -> Message:
        self = super().__new__(cls, message_text(key, DEFAULT_LANGUAGE, **params))
        self.key = key
        self.params = params
        return self

    def render(self, lang: str = DEFAULT_LANGUAGE) -> str:
        """The message in `lang` ('fr' or 'en')."""
        return message_text(self.key, lang, **self.params)

    def __reduce__(self):
        # Rebuilt from key and parameters, so a message crosses the sandbox's process boundary as data.
        return _rebuild_message, (self.key, self.params)


def _rebuild_message(key: str, params: dict[str, Any]) -> Message:
    return Message(key, **params)


def render(text: Any, lang: str = DEFAULT_LANGUAGE) -> str:
    """Any message the engine gives (a Message, an error or an issue with `render`, or plain text) in `lang`."""
    if hasattr(text, "render"):
        return text.render(lang)
    if isinstance(text, BaseException) and len(text.args) == 1 and isinstance(text.args[0], Message):
        return text.args[0].render(lang)  # a ValueError raised with a Message (payment terms, options)
    return str(text)
