"""The user's corrections to the analysis: move, rename, merge, hide.

Corrections name entities, not articles, so one correction applies to every article, now and
after any re-analysis. `apply_corrections` is pure: it returns a corrected copy.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from datetime import datetime
from typing import Literal, get_args

from libya_reader.analysis.model import Analysis, Entity, Group, Mention, Relation

CorrectionKind = Literal["move", "rename", "merge", "hide"]
KINDS: tuple[str, ...] = get_args(CorrectionKind)


class CorrectionError(ValueError):
    """A correction that makes no sense (unknown kind, missing or bad value)."""


@dataclass(frozen=True, slots=True)
class Correction:
    """`kind` applied to the entity called `name`.

    `value` is the new group for move, the new name for rename, the entity to merge into for
    merge, and None for hide. `id` and `created` are set by the library when it stores one.
    """

    kind: CorrectionKind
    name: str
    value: str | None = None
    id: int | None = None
    created: datetime | None = None

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise CorrectionError(f"unknown correction {self.kind!r}; one of {', '.join(KINDS)}")
        if not self.name.strip():
            raise CorrectionError(f"{self.kind}: the entity name is empty")
        if self.kind == "hide":
            return
        if not (self.value or "").strip():
            raise CorrectionError(f"{self.kind} {self.name!r}: needs a value")
        if self.kind == "move" and self.value not in {str(g) for g in Group}:
            groups = ", ".join(str(g) for g in Group)
            raise CorrectionError(f"move {self.name!r}: {self.value!r} is not one of {groups}")

    def describe(self) -> str:
        """One line for a notification: 'merge "Hifter" into "Khalifa Hifter"'."""
        if self.kind == "move":
            return f'move "{self.name}" to {self.value}'
        if self.kind == "rename":
            return f'rename "{self.name}" to "{self.value}"'
        if self.kind == "merge":
            return f'merge "{self.name}" into "{self.value}"'
        return f'hide "{self.name}"'


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


def _matches(entity: Entity, name: str) -> bool:
    folded = _fold(name)
    return _fold(entity.name) == folded or any(_fold(a) == folded for a in entity.aliases)


def _forms(entities: list[Entity]) -> set[str]:
    """Every name the entities go by, folded: backs and relations may use any of them."""
    return {_fold(n) for e in entities for n in (e.name, *e.aliases)}


def _find(entities: list[Entity], name: str) -> list[Entity]:
    # The canonical name wins over an alias, so "merge A into B" finds B itself first.
    exact = [e for e in entities if _fold(e.name) == _fold(name)]
    return exact or [e for e in entities if _matches(e, name)]


def _disjoint(mentions: list[Mention]) -> list[Mention]:
    """Sorted, duplicates dropped, and a mention overlapping an earlier one left out."""
    kept: list[Mention] = []
    for mention in sorted(set(mentions)):
        if kept and mention.start < kept[-1].end:
            continue
        kept.append(mention)
    return kept


def _unique(names: list[str], exclude: str = "") -> list[str]:
    seen = {_fold(exclude)} if exclude else set()
    out = []
    for name in names:
        if _fold(name) not in seen:
            seen.add(_fold(name))
            out.append(name)
    return out


def _absorb(target: Entity, other: Entity) -> None:
    """Fold `other` into `target`: mentions, aliases and backs."""
    target.mentions = _disjoint([*target.mentions, *other.mentions])
    target.aliases = _unique([*target.aliases, other.name, *other.aliases], exclude=target.name)
    target.backs = _unique([*target.backs, *other.backs])
    target.kb_id = target.kb_id or other.kb_id


def _rename_references(analysis: Analysis, old: set[str], new: str) -> None:
    folded = {_fold(name) for name in old}
    for entity in analysis.entities:
        entity.backs = _unique([new if _fold(b) in folded else b for b in entity.backs])
    analysis.relations = list(
        dict.fromkeys(
            Relation(
                new if _fold(r.backer) in folded else r.backer,
                new if _fold(r.faction) in folded else r.faction,
                r.evidence,
            )
            for r in analysis.relations
        )
    )


def _merge_same(analysis: Analysis) -> None:
    """Entities that now share name and group become one (after a rename or a move)."""
    merged: dict[tuple[str, Group], Entity] = {}
    for entity in analysis.entities:
        key = (_fold(entity.name), entity.group)
        if key in merged:
            _absorb(merged[key], entity)
        else:
            merged[key] = entity
    analysis.entities = list(merged.values())


def _move(analysis: Analysis, name: str, group: Group) -> None:
    for entity in _find(analysis.entities, name):
        if entity.group is Group.BACKER and group is not Group.BACKER:
            # Only a backer backs anything: its relations go with the group it leaves.
            names = _forms([entity])
            analysis.relations = [r for r in analysis.relations if _fold(r.backer) not in names]
            entity.backs = []
        entity.group = group
    _merge_same(analysis)


def _rename(analysis: Analysis, name: str, new: str) -> None:
    found = _find(analysis.entities, name)
    taken = [e for e in _find(analysis.entities, new) if not any(e is f for f in found)]
    if found and taken:
        # The new name is another entity's: one real-world thing is one entity.
        _merge(analysis, name, new)
        return
    for entity in found:
        entity.aliases = _unique([*entity.aliases, entity.name], exclude=new)
        old = {entity.name}
        entity.name = new
        _rename_references(analysis, old, new)
    _merge_same(analysis)


def _merge(analysis: Analysis, name: str, into: str) -> None:
    sources = _find(analysis.entities, name)
    targets = [e for e in _find(analysis.entities, into) if not any(e is s for s in sources)]
    if not sources:
        return
    if not targets:
        # The article names only the merged-away form: it becomes the target under its name.
        _rename(analysis, name, into)
        return
    target = targets[0]
    old = {n for s in sources for n in (s.name, *s.aliases)}
    for source in sources:
        _absorb(target, source)
    analysis.entities = [e for e in analysis.entities if not any(e is s for s in sources)]
    _rename_references(analysis, old, target.name)
    # A backer merged into a faction (or the reverse) must not back itself.
    analysis.relations = [r for r in analysis.relations if _fold(r.backer) != _fold(r.faction)]
    target.backs = [b for b in target.backs if _fold(b) != _fold(target.name)]


def _hide(analysis: Analysis, name: str) -> None:
    hidden = _find(analysis.entities, name)
    names = _forms(hidden)
    analysis.entities = [e for e in analysis.entities if not any(e is h for h in hidden)]
    for entity in analysis.entities:
        entity.backs = [b for b in entity.backs if _fold(b) not in names]
    analysis.relations = [
        r
        for r in analysis.relations
        if _fold(r.backer) not in names and _fold(r.faction) not in names
    ]


def apply_corrections(analysis: Analysis, corrections: list[Correction]) -> Analysis:
    """A corrected copy of `analysis`, the corrections applied in the order given."""
    result = copy.deepcopy(analysis)
    for correction in corrections:
        value = correction.value or ""
        if correction.kind == "move":
            _move(result, correction.name, Group(value))
        elif correction.kind == "rename":
            _rename(result, correction.name, value.strip())
        elif correction.kind == "merge":
            _merge(result, correction.name, value.strip())
        else:
            _hide(result, correction.name)
    return result
