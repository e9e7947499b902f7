"""Where the reader keeps its config, library and caches (platformdirs, or one folder)."""

from __future__ import annotations

import contextlib
import os
import sys
from pathlib import Path

APP = "libya-reader"
HOME_ENV = "LIBYA_READER_HOME"
MODEL_ENV = "LIBYA_READER_MODEL"  # the model to load; beats the config file's
# Linux's rules (the XDG base directories): the variable, else this folder under home.
_XDG = {
    "config": ("XDG_CONFIG_HOME", ".config"),
    "data": ("XDG_DATA_HOME", ".local/share"),
    "cache": ("XDG_CACHE_HOME", ".cache"),
}


def _user_dir(kind: str) -> Path:
    home = os.environ.get(HOME_ENV)
    if home:
        return Path(home).expanduser() / kind
    if sys.platform.startswith("linux"):
        # What platformdirs answers here (a test checks it), without the tens of
        # milliseconds its import adds to every start.
        variable, default = _XDG[kind]
        base = os.environ.get(variable, "").strip()
        return (Path(base) if os.path.isabs(base) else Path.home() / default) / APP
    import platformdirs

    return Path(getattr(platformdirs, f"user_{kind}_dir")(APP))


def config_dir() -> Path:
    return _user_dir("config")


def data_dir() -> Path:
    return _user_dir("data")


def cache_dir() -> Path:
    return _user_dir("cache")


def config_file() -> Path:
    return config_dir() / "config.toml"


def knowledge_override() -> Path:
    """The user's additions to the knowledge base, JSON Lines like the shipped file."""
    return config_dir() / "knowledge.jsonl"


def exports_dir() -> Path:
    return data_dir() / "exports"


def analysis_log() -> Path:
    """Where the analysis process writes its stderr (warnings, a crash's traceback)."""
    folder = cache_dir()
    # Failing that, the process writes nowhere and the reader still works.
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder / "analysis.log"
