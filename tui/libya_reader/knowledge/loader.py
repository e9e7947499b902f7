"""Loading and validating the knowledge base: the shipped file plus the user's overrides.

The data is JSON Lines, one entry a line, so a bad entry can be named by its line.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from functools import cache
from pathlib import Path
from typing import Any, Literal

from libya_reader import paths

Kind = Literal["faction", "place", "state", "person", "organization"]
KINDS: tuple[str, ...] = ("faction", "place", "state", "person", "organization")
SIDES: tuple[str, ...] = ("west", "east", "jihadist", "revolutionary", "loyalist", "other")


class KnowledgeError(Exception):
    """A bad entry; the message names the file and line."""


@dataclass(frozen=True, slots=True)
class Backing:
    side: str
    factions: tuple[str, ...]
    start: int | None
    end: int | None
    how: str = ""

    def covers(self, year: int | None) -> bool:
        if year is None:
            return True
        return (self.start is None or self.start <= year) and (self.end is None or year <= self.end)


@dataclass(frozen=True, slots=True)
class Entry:
    id: str
    name: str
    kind: Kind
    aliases: tuple[str, ...] = ()
    side: str | None = None
    period: tuple[int | None, int | None] = (None, None)
    type: str | None = None
    lat: float | None = None
    lon: float | None = None
    affiliation: str | None = None
    role: str | None = None
    backed: tuple[Backing, ...] = ()
    source: str = ""
    case_sensitive: tuple[str, ...] = ()  # forms that are common words in other cases

    @property
    def forms(self) -> tuple[str, ...]:
        return (self.name, *self.aliases)

    def matches_exactly(self, form: str) -> bool:
        """Match this form only as written: "IS", "UN", "FACT", "AP" are also "is", "un"...

        All-capital and short forms are acronyms or short names; others are listed in the
        entry's `case_sensitive`.
        """
        letters = [ch for ch in form if ch.isalpha()]
        return (
            form in self.case_sensitive
            or len(form) <= 4
            or (len(letters) > 0 and all(ch.isupper() for ch in letters))
        )

    def active(self, year: int | None) -> bool:
        start, end = self.period
        if year is None:
            return True
        return (start is None or start <= year) and (end is None or year <= end)


@dataclass(slots=True)
class KnowledgeBase:
    version: str
    entries: dict[str, Entry] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    # Built on the first lookup (every lookup used to rebuild it); entries are final by then.
    _forms: dict[str, Entry] | None = field(default=None, init=False, repr=False, compare=False)

    def of_kind(self, kind: str) -> list[Entry]:
        return [e for e in self.entries.values() if e.kind == kind]

    def get(self, entry_id: str | None) -> Entry | None:
        return self.entries.get(entry_id) if entry_id else None

    def by_form(self) -> dict[str, Entry]:
        """Every surface form, case-folded, to its entry."""
        if self._forms is None:
            self._forms = _form_index(self)
        return self._forms

    def lookup(self, text: str) -> Entry | None:
        """The entry a surface form names; acronyms ("IS", "UN") only in their own case."""
        entry = self.by_form().get(normalise_form(text))
        if entry is None:
            return None
        wanted = normalise_form(text)
        for form in surface_variants(entry):
            exact = normalise_form(form) == wanted and entry.matches_exactly(form)
            if exact and text.strip() not in (form, form.upper()):
                return None
        return entry

    def factions_for(self, side: str, role: str, year: int | None) -> list[Entry]:
        """Factions of a side in a role (government, forces, parliament), active ones first."""
        types = ROLE_TYPES.get(role, (role,))
        found = [e for e in self.of_kind("faction") if e.side == side and (e.type or "") in types]
        return sorted(found, key=lambda e: (not e.active(year), types.index(e.type or "")))


ROLE_TYPES: dict[str, tuple[str, ...]] = {
    "government": ("government",),
    "forces": ("army", "coalition", "government"),
    "parliament": ("legislature",),
}


def normalise_form(text: str) -> str:
    return " ".join(text.replace("’", "'").replace("‘", "'").casefold().split())


def _form_index(kb: KnowledgeBase) -> dict[str, Entry]:
    index: dict[str, Entry] = {}
    for entry in kb.entries.values():
        for form in surface_variants(entry):
            index.setdefault(normalise_form(form), entry)
    return index


_ARTICLES = ("al-", "el-", "al ", "el ", "Al-", "El-", "Al ", "El ")


def surface_variants(entry: Entry) -> list[str]:
    """The forms to match: name, aliases, and each with or without a leading al-/el-."""
    out: list[str] = []
    for form in entry.forms:
        out.append(form)
        for article in _ARTICLES:
            if form.startswith(article) and len(form) > len(article) + 2:
                out.append(form[len(article) :])
                break
        else:
            if entry.kind in ("place", "faction") and " " not in form and form[:1].isupper():
                out.append(f"al-{form}")
    return out


# --- parsing and validation -------------------------------------------------------------


def _year(value: Any, where: str) -> int | None:
    if value is None or value == "":
        return None
    if isinstance(value, int) and 1900 <= value <= 2100:
        return value
    raise KnowledgeError(f"{where}: a year must be a whole number, not {value!r}")


def _period(value: Any, where: str) -> tuple[int | None, int | None]:
    if value in (None, ""):
        return (None, None)
    if not isinstance(value, str):
        raise KnowledgeError(f"{where}: period must be a string like '2016-2021'")
    start, _, end = value.partition("-")
    try:
        return (int(start) if start else None, int(end) if end else None)
    except ValueError:
        raise KnowledgeError(f"{where}: period {value!r} is not like '2016-2021'") from None


def parse_entry(data: Any, where: str) -> Entry:
    if not isinstance(data, dict):
        raise KnowledgeError(f"{where}: an entry must be a JSON object")
    for key in ("id", "name", "kind"):
        if not isinstance(data.get(key), str) or not data[key].strip():
            raise KnowledgeError(f"{where}: missing or empty {key!r}")
    kind = data["kind"]
    if kind not in KINDS:
        raise KnowledgeError(f"{where}: kind {kind!r} is not one of {', '.join(KINDS)}")
    aliases = data.get("aliases", [])
    if not isinstance(aliases, list) or not all(isinstance(a, str) and a for a in aliases):
        raise KnowledgeError(f"{where}: aliases must be a list of non-empty strings")
    side = data.get("side")
    if side is not None and side not in SIDES:
        raise KnowledgeError(f"{where}: side {side!r} is not one of {', '.join(SIDES)}")
    lat, lon = data.get("lat"), data.get("lon")
    if kind == "place":
        if not isinstance(lat, int | float) or not isinstance(lon, int | float):
            raise KnowledgeError(f"{where}: a place needs numeric lat and lon")
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise KnowledgeError(f"{where}: lat/lon out of range")
    exact = data.get("case_sensitive", [])
    if not isinstance(exact, list) or not all(isinstance(a, str) for a in exact):
        raise KnowledgeError(f"{where}: case_sensitive must be a list of strings")
    for form in exact:
        if form not in (data["name"], *aliases):
            raise KnowledgeError(f"{where}: case_sensitive form {form!r} is not a name or alias")
    backed = []
    for number, item in enumerate(data.get("backed", []) or []):
        spot = f"{where}: backed[{number}]"
        if not isinstance(item, dict) or not isinstance(item.get("side"), str):
            raise KnowledgeError(f"{spot}: needs a side")
        factions = item.get("factions", [])
        if not isinstance(factions, list) or not all(isinstance(f, str) for f in factions):
            raise KnowledgeError(f"{spot}: factions must be a list of ids")
        backed.append(
            Backing(
                side=item["side"],
                factions=tuple(factions),
                start=_year(item.get("from"), spot),
                end=_year(item.get("to"), spot),
                how=str(item.get("how", "")),
            )
        )
    return Entry(
        id=data["id"],
        name=data["name"].strip(),
        kind=kind,
        aliases=tuple(a.strip() for a in aliases),
        side=side,
        period=_period(data.get("period"), where),
        type=data.get("type"),
        lat=float(lat) if lat is not None else None,
        lon=float(lon) if lon is not None else None,
        affiliation=data.get("affiliation"),
        role=data.get("role"),
        backed=tuple(backed),
        source=str(data.get("source", "")),
        case_sensitive=tuple(exact),
    )


def parse_lines(text: str, name: str) -> tuple[str | None, list[Entry]]:
    """Parse JSON Lines; a header line with `kb_version` gives the version."""
    version = None
    entries = []
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        where = f"{name}: line {number}"
        try:
            data = json.loads(line)
        except json.JSONDecodeError as exc:
            raise KnowledgeError(f"{where}: not valid JSON ({exc.msg})") from None
        if isinstance(data, dict) and "kb_version" in data:
            version = str(data["kb_version"])
            continue
        entries.append(parse_entry(data, where))
    return version, entries


def check_references(kb: KnowledgeBase) -> list[str]:
    """Ids that entries point at but that do not exist."""
    problems = []
    for entry in kb.entries.values():
        refs = [entry.affiliation] + [f for b in entry.backed for f in b.factions]
        for ref in refs:
            if ref and ref not in kb.entries:
                problems.append(f"{entry.id}: refers to unknown id {ref!r}")
    return problems


def shipped_text() -> str:
    from importlib import resources  # slow to import; a cached run never reads the file

    return (resources.files("libya_reader.knowledge") / "conflict.jsonl").read_text("utf-8")


def build(shipped: str, override: Path | None) -> KnowledgeBase:
    version, entries = parse_lines(shipped, "conflict.jsonl")
    kb = KnowledgeBase(version=version or "0", entries={e.id: e for e in entries})
    if override is not None and override.exists():
        try:
            _, extra = parse_lines(override.read_text(encoding="utf-8"), str(override))
        except (KnowledgeError, OSError, UnicodeDecodeError) as exc:
            # All or nothing: half a user's file would be harder to reason about than none.
            kb.warnings.append(f"{exc}; your knowledge file was not applied")
        else:
            kb.entries.update({e.id: e for e in extra})
            kb.version += f"+user{len(extra)}"
            ids = {e.id for e in extra}
            kb.warnings.extend(
                f"{override}: {problem} (ignored)"
                for problem in check_references(kb)
                if problem.split(":", 1)[0] in ids
            )
    return kb


@cache
def load_knowledge() -> KnowledgeBase:
    """The knowledge base in force: shipped entries, then the user's file over them."""
    return build(shipped_text(), paths.knowledge_override())


def knowledge_warnings() -> list[str]:
    """What is wrong with the user's knowledge file; free when there is no such file."""
    return list(load_knowledge().warnings) if paths.knowledge_override().exists() else []


def article_year(article_date: date | None) -> int | None:
    return article_date.year if article_date else None
