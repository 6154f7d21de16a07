"""Mappings saved in a folder as JSON, found again by the signature of a file's headers."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

from kpi.importers.headers import normal_form
from kpi.importers.mapping import ColumnMapping


def header_signature(headers: tuple[str, ...]) -> str:
    """Same headers in any order, case or accents -> same signature."""
    normalised = sorted(normal_form(h) for h in headers if h.strip())
    return hashlib.sha256("\x1f".join(normalised).encode("utf-8")).hexdigest()[:20]


def saved_entry(mappings_dir: Path | None, headers: tuple[str, ...]) -> dict | None:
    if mappings_dir is None:
        return None
    path = Path(mappings_dir) / f"{header_signature(headers)}.json"
    if not path.is_file():
        return None
    try:
        entry = json.loads(path.read_text(encoding="utf-8"))
    except ValueError:
        return None  # a damaged saved mapping is ignored: the headers are mapped again
    return entry if isinstance(entry, dict) and isinstance(entry.get("columns"), dict) else None


def save_mapping(mappings_dir: Path, headers: tuple[str, ...], mapping: ColumnMapping) -> Path:
    """Store a mapping (chosen by the user) so the next file with these headers is read the same way."""
    folder = Path(mappings_dir)
    folder.mkdir(parents=True, exist_ok=True)
    entry = {
        "signature": header_signature(headers),
        "headers": list(headers),
        "layout": mapping.layout,
        "columns": mapping.fields,
        **{k: v for k, v in mapping.options.items() if v is not None},
    }
    path = folder / f"{entry['signature']}.json"
    temporary = path.with_suffix(".json.tmp")
    temporary.write_text(json.dumps(entry, ensure_ascii=False, indent=2), encoding="utf-8")
    temporary.replace(path)
    return path
