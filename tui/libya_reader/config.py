"""The user's config file: a few settings in TOML, read forgivingly, written atomically."""

from __future__ import annotations

import json
import os
import re
import stat
from contextlib import suppress
from dataclasses import dataclass, field, fields
from pathlib import Path

from libya_reader import paths
from libya_reader.paths import MODEL_ENV


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
_KEY_LINE = re.compile(r"""^\s*(?P<key>[A-Za-z0-9_-]+|"[^"\n]*"|'[^'\n]*')\s*=""")
_TABLE_LINE = re.compile(r"^\s*\[+\s*(?P<key>[^\]]+?)\s*\]")


class ConfigError(OSError):
    """The config could not be saved; the message names the file and says the old one stays.

    An OSError, so callers that already handle a failed write handle this too.
    """


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
    import tomllib  # only when there is a file: its import is a good part of a fast start

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
    """The line that sets a top-level key, or opens a table of that name."""
    for number, line in enumerate(raw.splitlines(), 1):
        match = _KEY_LINE.match(line) or _TABLE_LINE.match(line)
        if match and match["key"].strip("\"'").strip() == key:
            return number
    return 1


def _rendered(config: Config) -> dict[str, str | None]:
    values: dict[str, str | None] = {}
    for f in fields(config):
        if f.name == "warnings":
            continue
        value = getattr(config, f.name)
        if value is None:
            values[f.name] = None
        elif isinstance(value, bool):
            values[f.name] = "true" if value else "false"
        else:
            values[f.name] = json.dumps(value)  # a JSON string is a valid TOML basic string
    return values


def render(config: Config, previous: str = "") -> str:
    """The file to write: the user's file with our keys updated in place.

    Comments, unknown keys and tables the user wrote are kept: saving the theme must not
    throw away anything else in the file.
    """
    values = _rendered(config)
    out: list[str] = []
    done: set[str] = set()
    in_table = False
    for line in previous.splitlines():
        if _TABLE_LINE.match(line):
            in_table = True
        match = None if in_table else _KEY_LINE.match(line)
        key = match["key"].strip("\"'") if match else None
        if key in values:
            done.add(key)
            if values[key] is not None:
                out.append(f"{key} = {values[key]}")
            continue
        out.append(line)
    # new keys go first, so they are top-level whatever tables follow
    added = [f"{k} = {v}" for k, v in values.items() if k not in done and v is not None]
    return "\n".join([*added, *out]).rstrip("\n") + "\n"


def save(config: Config, path: Path | None = None) -> None:
    """Write the config atomically: a failed write never replaces the old file.

    Raises ConfigError (an OSError) naming the file when it cannot be written, or when the
    file on disk is broken (overwriting it would lose what the user wrote).
    """
    import tomllib

    path = path or paths.config_file()
    # A config symlinked from a dotfiles repository stays a link: write its target.
    target = path.resolve() if path.is_symlink() else path
    try:
        previous = target.read_text(encoding="utf-8")
    except FileNotFoundError:
        previous = ""
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{path}: not saved, the file cannot be read ({exc})") from None
    try:
        tomllib.loads(previous)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{path}: not saved, fix the file first ({exc})") from None
    text = render(config, previous)
    try:
        tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:  # e.g. a multi-line value we could not edit
        raise ConfigError(f"{path}: not saved, could not update it ({exc})") from None
    try:
        _write_atomically(target, text)
    except OSError as exc:
        reason = exc.strerror or str(exc)
        raise ConfigError(f"{path}: not saved ({reason}); the old file is unchanged") from None


def _write_atomically(path: Path, text: str) -> None:
    import tempfile

    path.parent.mkdir(parents=True, exist_ok=True)
    # A unique temporary beside the file: same filesystem, so os.replace is atomic.
    fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as stream:
            stream.write(text)
            stream.flush()
            os.fsync(stream.fileno())  # on disk before it replaces the good file
        with suppress(OSError):
            os.chmod(temporary, stat.S_IMODE(path.stat().st_mode))
        os.replace(temporary, path)
    except BaseException:
        with suppress(OSError):
            os.unlink(temporary)
        raise
