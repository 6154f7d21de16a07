"""The app shows names as text (AppTest): no value from the data reaches Markdown unescaped, on any page.

A workspace whose customers are named `![x](http://127.0.0.1:1/x.png)`, `[pay](http://127.0.0.1:1/)`,
`<b>…<img …>`, `=HYPERLINK(…)`, and whose own name is Markdown too. Every element Streamlit renders
as Markdown (titles, captions, messages, labels, radio options, expanders) is read from its
protobuf: once its backslash escapes are taken out, no link, image or tag syntax is left, and
the text it reads as holds no address GFM would turn into a link by itself. Tables show the
names as they are, text cells that a spreadsheet would evaluate quoted.
Every download (aged balance XLSX and CSV, audit XLSX, HTML, PDF) holds data, not code, under
a file name that is no formula either. tests/browser/test_hostile_names.py checks the rendering
in a real browser.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from app_session import assert_clean, capture_downloads, copied_home, session
from google.protobuf.message import Message
from hostile_names import (
    FORMULA_LINK,
    MARKDOWN_IMAGE,
    MARKDOWN_LINK,
    MARKUP,
    NO_FORMULA,
    TagsAndText,
    assert_csv_inert,
    assert_no_formula_from_data,
    csv_rows,
    write_hostile_files,
)

from kpi.store.workspace import Workspace
from kpi.text.untrusted import markdown_text

WORKSPACE = "![ws](x.png) [ws](x.html) _w_ =1+2"
MARCH = {"ws": WORKSPACE, "from": "2026-03-01", "to": "2026-03-31"}
PAGES = (
    "overview",
    "aged_balance",
    "customers",
    "trends",
    "compare",
    "simulation",
    "forecast",
    "collections",
    "suggestions",
    "data",
    "settings",
    "statements",
)
# Elements whose text Streamlit shows as plain text, never as Markdown.
PLAIN = {
    "arrow_data_frame",
    "selectbox",
    "multiselect",
    "text",
    "code",
    "json",
    "arrow_vega_lite_chart",
    "vega_lite_chart",
    "date_input",
    "text_input",
    "text_area",
    "number_input",
}
RAW_MARKUP = re.compile(r"\]\(|<b>|<a |<img|127\.0\.0\.1|x\.png|x\.html")
# What remark-gfm links by itself in the text once escapes are read (its autolink literals).
AUTOLINK = re.compile(r"https?://|www\.|[-.\w+]@[-\w]+\.\w", re.IGNORECASE)


@pytest.fixture(scope="module")
def hostile_template(tmp_path_factory):
    """The hostile workspace, imported once a module; each test runs on its own copy (`hostile_home`)."""
    root = tmp_path_factory.mktemp("hostile-template")
    Workspace(root / "home" / WORKSPACE).import_files(write_hostile_files(root / "files"))
    return root / "home"


@pytest.fixture
def hostile_home(hostile_template, tmp_path, monkeypatch):
    return copied_home(hostile_template, tmp_path / "home", monkeypatch)


def _strings(message: Message):
    for field, value in message.ListFields():
        values = value if field.is_repeated else [value]
        for item in values:
            if isinstance(item, Message):
                yield from _strings(item)
            elif isinstance(item, str):
                yield item


def _nodes(node):
    yield node
    children = getattr(node, "children", None) or {}
    for child in children.values():
        yield from _nodes(child)


def markdown_texts(app) -> list[str]:
    """Every string of every element rendered as Markdown on the page."""
    texts = []
    for node in _nodes(app._tree):
        if getattr(node, "type", None) in PLAIN or getattr(node, "proto", None) is None:
            continue
        texts += list(_strings(node.proto))
    return texts


def assert_no_markup_from_data(app) -> None:
    for text in markdown_texts(app):
        assert not RAW_MARKUP.search(re.sub(r"\\.", "", text)), text
        assert not AUTOLINK.search(re.sub(r"\\(.)", r"\1", text)), text


def _select(app, key: str, grid_index: int, column: str, name: str) -> None:
    names = list(app.dataframe[grid_index].value[column])
    app.session_state[key] = {"selection": {"rows": [names.index(name)], "columns": [], "cells": []}}
    app.run()


def test_no_page_renders_a_name_as_markdown(hostile_home):
    # One session walks every page, as a user does: each page drawn in turn, its own elements checked.
    app = session(MARCH)
    titles = []
    for page in PAGES:
        app.switch_page(f"app_pages/{page}.py").run()
        assert_clean(app)
        assert_no_markup_from_data(app)
        titles.append(app.title[0].value)
    assert len(set(titles)) == len(PAGES)  # each page was drawn, not the previous one again


def test_the_overview_names_the_workspace_and_lists_names_as_text(hostile_home):
    app = session(MARCH)
    assert_clean(app)
    assert any(markdown_text(WORKSPACE) in caption.value for caption in app.caption)
    names = set(app.dataframe[0].value["Client"])
    assert {MARKDOWN_IMAGE, MARKDOWN_LINK, MARKUP} <= names
    assert "'" + FORMULA_LINK in names  # a download of the table would not evaluate it


def test_the_customers_header_is_the_name_as_text(hostile_home):
    app = session(MARCH)
    app.switch_page("app_pages/customers.py").run()
    for name in (MARKDOWN_IMAGE, MARKDOWN_LINK):
        _select(app, "customers_table", 0, "Client", name)
        assert_clean(app)
        assert [header.value for header in app.header] == [markdown_text(name)]
        assert_no_markup_from_data(app)


def test_the_aged_balance_drill_down_headings_are_the_name_as_text(hostile_home):
    app = session(MARCH)
    app.switch_page("app_pages/aged_balance.py").run()
    _select(app, "aging_customers", 0, "Client", MARKDOWN_IMAGE)
    assert_clean(app)
    bold = [m.value for m in app.markdown if m.value.startswith("**") and "Par tranche" not in m.value]
    assert bold == [
        f"**Pièces ouvertes de {markdown_text(MARKDOWN_IMAGE)}**",
        f"**Ce qui a soldé les pièces de {markdown_text(MARKDOWN_IMAGE)}**",
    ]
    assert_no_markup_from_data(app)


def test_uploaded_file_names_and_import_messages_are_text(hostile_home, tmp_path):
    app = session(MARCH)
    app.switch_page("app_pages/data.py").run()
    # The workspace's import, from files named `=1+2;HYPERLINK.csv` and `@règlements.csv`.
    assert list(app.dataframe[0].value["Fichiers"]) == ["'=1+2;HYPERLINK.csv, @règlements.csv"]
    documents, settlements = write_hostile_files(tmp_path / "upload")
    files = [
        ("![f](x.png) [pay](x.html).csv", documents.read_bytes(), "text/csv"),
        ("<img src=x.png>.csv", settlements.read_bytes(), "text/csv"),
    ]
    app.get("file_uploader")[0].set_value(files).run()
    assert_clean(app)
    assert_no_markup_from_data(app)
    assert any(markdown_text("![f](x.png) [pay](x.html).csv") in expander.label for expander in app.expander)
    app.button(key="data_confirm").click().run()
    assert_clean(app)
    assert_no_markup_from_data(app)
    assert list(app.dataframe[0].value["Fichiers"]) == ["![f](x.png) [pay](x.html).csv, <img src=x.png>.csv"]


def test_every_download_of_the_app_holds_data_not_code(hostile_home, monkeypatch):
    downloads = capture_downloads(monkeypatch)
    app = session(MARCH)
    for page in ("aged_balance", "compare"):
        app.switch_page(f"app_pages/{page}.py").run()
        assert_clean(app)
    assert sorted(name.rsplit(".", 1)[1] for name in downloads) == ["csv", "html", "pdf", "xlsx", "xlsx"]
    for name, make in downloads.items():
        # A file name from the workspace's name: letters, digits and dashes only, never a formula.
        assert re.fullmatch(r"[a-z][A-Za-z0-9._-]*", name), name
        data = make()
        if name.endswith(".xlsx"):
            allowed = NO_FORMULA if name.startswith("audit") else re.compile(r"=SUM\([A-Z]+\d+:[A-Z]+\d+\)")
            assert FORMULA_LINK in assert_no_formula_from_data(data, allowed)
        elif name.endswith(".csv"):
            rows = csv_rows(data, ";")
            assert_csv_inert(rows)
            assert "'" + FORMULA_LINK in {field for row in rows for field in row}
        elif name.endswith(".html"):
            page = TagsAndText()
            page.feed(data.decode("utf-8"))
            assert not {tag for tag, _ in page.tags} & {"a", "b", "script"}
            assert all(attrs.get("src", "data:").startswith("data:") for tag, attrs in page.tags if tag == "img")
            assert MARKUP in "".join(page.text)
        else:
            text = re.sub(r"\s+", "", "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(data)).pages))
            assert "<b>gras</b>" in text
