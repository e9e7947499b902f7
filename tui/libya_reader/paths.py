"""Where the reader keeps its config, library and caches (platformdirs, or one folder)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import platformdirs

APP = "libya-reader"
HOME_ENV = "LIBYA_READER_HOME"


def _home() -> Path | None:
    home = os.environ.get(HOME_ENV)
    return Path(home).expanduser() if home else None


def config_dir() -> Path:
    home = _home()
    return home / "config" if home else Path(platformdirs.user_config_dir(APP))


def data_dir() -> Path:
    home = _home()
    return home / "data" if home else Path(platformdirs.user_data_dir(APP))


def cache_dir() -> Path:
    home = _home()
    return home / "cache" if home else Path(platformdirs.user_cache_dir(APP))


def config_file() -> Path:
    return config_dir() / "config.toml"


def exports_dir() -> Path:
    return data_dir() / "exports"


def analysis_log() -> Path:
    """Where the analysis process writes its stderr (warnings, a crash's traceback)."""
    folder = cache_dir()
    # Failing that, the process writes nowhere and the reader still works.
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    return folder / "analysis.log"
