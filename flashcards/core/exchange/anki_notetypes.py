"""Anki note types as Anki defines them: read from a package, kept, written back unchanged.

A note that came from Anki goes back as the same note type (same id, fields, templates and
style); otherwise Anki reports it as conflicting and skips it. Note types are kept in the
legacy JSON shape of schema 11 (``col.models``), which is also what genanki writes; schema 18
packages store them in tables with protobuf configs, converted here to the same shape.
"""

from __future__ import annotations

import json
import sqlite3
from typing import Any

import genanki

from flashcards.core.exchange.common import protobuf_fields

#: Keys of a note type's JSON that describe it (the rest is bookkeeping genanki writes anew).
_MODEL_KEYS = ("name", "type", "css", "sortf", "latexPre", "latexPost", "latexsvg", "flds", "tmpls")
#: The largest note type JSON we keep (a hostile package cannot make us store megabytes).
MAX_NOTETYPE_BYTES = 1 << 20


def _signed(value: int) -> int:
    """A protobuf varint read as unsigned, as the signed 64-bit id Anki writes."""
    return value - (1 << 64) if value >= 1 << 63 else value


def _text(fields: dict[int, list[int | bytes]], number: int, default: str = "") -> str:
    value = fields.get(number, [b""])[0]
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else default


def _number(fields: dict[int, list[int | bytes]], number: int, default: int = 0) -> int:
    value = fields.get(number, [default])[0]
    return value if isinstance(value, int) else default


def _from_tables(db: sqlite3.Connection) -> dict[int, dict[str, Any]]:
    """Schema 18: ``notetypes``, ``fields`` and ``templates`` with protobuf configs."""
    flds: dict[int, list[dict[str, Any]]] = {}
    for ntid, ord_, name, config in db.execute(
        "SELECT ntid, ord, name, config FROM fields ORDER BY ntid, ord"
    ):
        conf = protobuf_fields(bytes(config or b""))
        field: dict[str, Any] = {
            "name": str(name),
            "ord": int(ord_),
            "sticky": bool(_number(conf, 1)),
            "rtl": bool(_number(conf, 2)),
            "font": _text(conf, 3, "Arial") or "Arial",
            "size": _number(conf, 4, 20),
            "description": _text(conf, 5),
        }
        if 9 in conf:
            field["id"] = _signed(_number(conf, 9))
        flds.setdefault(int(ntid), []).append(field)
    tmpls: dict[int, list[dict[str, Any]]] = {}
    for ntid, ord_, name, config in db.execute(
        "SELECT ntid, ord, name, config FROM templates ORDER BY ntid, ord"
    ):
        conf = protobuf_fields(bytes(config or b""))
        template: dict[str, Any] = {
            "name": str(name),
            "ord": int(ord_),
            "qfmt": _text(conf, 1),
            "afmt": _text(conf, 2),
            "bqfmt": _text(conf, 3),
            "bafmt": _text(conf, 4),
        }
        if 8 in conf:
            template["id"] = _signed(_number(conf, 8))
        tmpls.setdefault(int(ntid), []).append(template)
    out = {}
    for ntid, name, config in db.execute("SELECT id, name, config FROM notetypes"):
        conf = protobuf_fields(bytes(config or b""))
        out[int(ntid)] = {
            "name": str(name),
            "type": _number(conf, 1),
            "sortf": _number(conf, 2),
            "css": _text(conf, 3),
            "latexPre": _text(conf, 5),
            "latexPost": _text(conf, 6),
            "latexsvg": bool(_number(conf, 7)),
            "flds": flds.get(int(ntid), []),
            "tmpls": tmpls.get(int(ntid), []),
        }
    return out


def read_notetypes(db: sqlite3.Connection, tables: set[str]) -> dict[int, dict[str, Any]]:
    """Every note type of an Anki collection database, by id, in the legacy JSON shape.

    Note types too large to keep, or without fields, are left out (their notes go back to
    Anki as our own note types, as before).
    """
    if "notetypes" in tables:
        models = _from_tables(db)
    else:
        raw = json.loads(db.execute("SELECT models FROM col").fetchone()[0] or "{}")
        models = {
            int(mid): {k: m[k] for k in _MODEL_KEYS if k in m}
            for mid, m in raw.items()
            if isinstance(m, dict)
        }
    return {
        mid: model
        for mid, model in models.items()
        if isinstance(model.get("flds"), list)
        and model["flds"]
        and isinstance(model.get("tmpls"), list)
        and len(json.dumps(model)) <= MAX_NOTETYPE_BYTES
    }


def build_anki_model(model_id: int, config: dict[str, Any]) -> genanki.Model:
    """A genanki model that writes the Anki note type ``config`` back with its own id."""
    return genanki.Model(
        model_id,
        str(config.get("name", "")),
        fields=[dict(f) for f in config.get("flds", [])],
        templates=[dict(t) for t in config.get("tmpls", [])],
        css=str(config.get("css", "")),
        model_type=int(config.get("type", 0)),
        latex_pre=str(config.get("latexPre", genanki.Model.DEFAULT_LATEX_PRE)),
        latex_post=str(config.get("latexPost", genanki.Model.DEFAULT_LATEX_POST)),
        sort_field_index=int(config.get("sortf", 0)),
    )
