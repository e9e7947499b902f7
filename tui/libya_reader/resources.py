"""Where the files that ship with the reader live, installed or in a checkout."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent
_CHECKOUT = _PACKAGE.parent.parent  # tui/libya_reader -> project root


def _shipped(name: str) -> Path:
    # A wheel carries styles/ and seeds/ inside the package; a checkout keeps them at the top.
    inside = _PACKAGE / name
    return inside if inside.is_dir() else _CHECKOUT / name


def styles_dir() -> Path:
    return _shipped("styles")


def seeds_dir() -> Path:
    return _shipped("seeds")
