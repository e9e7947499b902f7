"""The user's config file: a few settings in TOML, read forgivingly, written atomically."""

from __future__ import annotations

import json
import os
import tomllib
from dataclasses import dataclass, field, fields
from pathlib import Path

from libya_reader import paths

MODEL_ENV = "LIBYA_READER_MODEL"


@dataclass(slots=True)
class Config:
    theme: str = "textual-dark"
    model: str | None = None
    show_panel: bool = True
    warnings: list[str] = field(default_factory=list, compare=False)

    @property
    def model_name(self) -> str | None:
        """The model the user asked for: the environment beats the file."""
        return os.environ.get(MODEL_ENV) or self.model


_TYPES = {"theme": str, "model": str, "show_panel": bool}


def load(path: Path | None = None) -> Config:
    """Read the config; a broken file gives defaults plus a warning naming file and line."""
    path = path or paths.config_file()
    config = Config()
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return config
    except (OSError, UnicodeDecodeError) as exc:
        config.warnings.append(f"{path}: unreadable ({exc}); using defaults")
        return config
    try:
        data = tomllib.loads(raw)
    except tomllib.TOMLDecodeError as exc:
        config.warnings.append(f"{path}: {exc}; using defaults")
        return config
    for key, value in data.items():
        expected = _TYPES.get(key)
        if expected is None:
            config.warnings.append(f"{path}: line {_line_of(raw, key)}: unknown key {key!r}")
        elif not isinstance(value, expected):
            config.warnings.append(
                f"{path}: line {_line_of(raw, key)}: {key} must be a {expected.__name__}"
            )
        else:
            setattr(config, key, value)
    return config


def _line_of(raw: str, key: str) -> int:
    for number, line in enumerate(raw.splitlines(), 1):
        if line.strip().startswith(key):
            return number
    return 1


def save(config: Config, path: Path | None = None) -> None:
    """Write the config atomically, so a failed write never leaves half a file."""
    path = path or paths.config_file()
    lines = []
    for f in fields(config):
        if f.name == "warnings":
            continue
        value = getattr(config, f.name)
        if value is None:
            continue
        rendered = ("true" if value else "false") if isinstance(value, bool) else json.dumps(value)
        lines.append(f"{f.name} = {rendered}")
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_suffix(".toml.tmp")
    temporary.write_text("\n".join(lines) + "\n", encoding="utf-8")
    os.replace(temporary, path)
