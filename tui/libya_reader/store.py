"""The library file at its lowest level: its place, its schema version, a stored analysis as
JSON text. library.py builds on these; `entities` on a cached article reads through `peek`
without importing the rest of it (dataclasses, the model, the corrections), which would be
a good part of that run.
"""

from __future__ import annotations

import json
import sqlite3

from libya_reader import paths

TYPE_CHECKING = False  # not typing's: see articles.py
if TYPE_CHECKING:
    from pathlib import Path
    from typing import Any

FILENAME = "library.sqlite3"
# A stored entity is its contract fields plus its knowledge-base id, which the contract
# (and `entities`) leaves out.
KB_ID = "kb_id"
SCHEMA_VERSION = 1


def default_path() -> Path:
    return paths.data_dir() / FILENAME


def stored_analysis(db: sqlite3.Connection, sha: str, fingerprint: str) -> str | None:
    """The analysis JSON stored for this text under this pipeline, uncorrected; None on a miss."""
    row = db.execute(
        "SELECT data FROM analyses WHERE sha = ? AND fingerprint = ?", (sha, fingerprint)
    ).fetchone()
    return None if row is None else str(row[0])


def contract_parts(raw: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """A stored analysis's entities and relations as the contract has them."""
    stored = json.loads(raw)
    entities = [{k: v for k, v in e.items() if k != KB_ID} for e in stored["entities"]]
    return entities, stored["relations"]


def peek(sha: str, fingerprint: str) -> str | None:
    """The stored analysis JSON when it is just what the library would give: a library of
    this schema with no corrections to apply. Opened read-only, so nothing is created or
    migrated; anything amiss is None, and Library.open, which follows, deals with it."""
    path = default_path()
    if not path.is_file():
        return None
    try:
        db = sqlite3.connect(f"{path.as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return None
    try:
        if db.execute("PRAGMA user_version").fetchone()[0] != SCHEMA_VERSION:
            return None
        if db.execute("SELECT 1 FROM corrections LIMIT 1").fetchone() is not None:
            return None
        return stored_analysis(db, sha, fingerprint)
    except sqlite3.Error:
        return None
    finally:
        db.close()
