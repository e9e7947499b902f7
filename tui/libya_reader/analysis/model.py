"""Plain data of an analysis: mentions, entities, relations. No spaCy, no Textual."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from libya_reader.contract import GROUPS, listing_key, ordered


class Group(StrEnum):
    """The five groups an entity can belong to, in the order the panel lists them."""

    FACTION = "faction"
    PLACE = "place"
    BACKER = "backer"
    PERSON = "person"
    ORGANIZATION = "organization"

    @property
    def plural(self) -> str:
        return {
            Group.FACTION: "factions",
            Group.PLACE: "places",
            Group.BACKER: "backers",
            Group.PERSON: "people",
            Group.ORGANIZATION: "organizations",
        }[self]

    @property
    def title(self) -> str:  # type: ignore[override]
        return self.plural.capitalize()


GROUP_ORDER: tuple[Group, ...] = tuple(Group(name) for name in GROUPS)


@dataclass(frozen=True, slots=True, order=True)
class Mention:
    """A span of the article text, by character offsets into `Article.text`."""

    start: int
    end: int
    text: str

    def to_dict(self) -> dict[str, Any]:
        return {"start": self.start, "end": self.end, "text": self.text}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Mention:
        return cls(int(data["start"]), int(data["end"]), str(data["text"]))


@dataclass(slots=True)
class Entity:
    """One real-world thing: a canonical name, the forms the text uses, where it is named."""

    name: str
    group: Group
    aliases: list[str] = field(default_factory=list)
    mentions: list[Mention] = field(default_factory=list)
    backs: list[str] = field(default_factory=list)
    kb_id: str | None = None

    @property
    def key(self) -> str:
        """Stable identity within one analysis (the knowledge-base id when known)."""
        return self.kb_id or f"{self.group}:{self.name.casefold()}"

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "group": str(self.group),
            "aliases": list(self.aliases),
            "mentions": [m.to_dict() for m in self.mentions],
            "backs": list(self.backs),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], kb_id: str | None = None) -> Entity:
        return cls(
            name=str(data["name"]),
            group=Group(data["group"]),
            aliases=[str(a) for a in data.get("aliases", [])],
            mentions=[Mention.from_dict(m) for m in data.get("mentions", [])],
            backs=[str(b) for b in data.get("backs", [])],
            kb_id=kb_id,
        )


@dataclass(frozen=True, slots=True)
class Relation:
    """`backer` supports `faction`, as `evidence` (the sentence) states."""

    backer: str
    faction: str
    evidence: str

    def to_dict(self) -> dict[str, Any]:
        return {"backer": self.backer, "faction": self.faction, "evidence": self.evidence}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Relation:
        return cls(str(data["backer"]), str(data["faction"]), str(data["evidence"]))


@dataclass(slots=True)
class Analysis:
    """Everything the reader knows about one article's entities."""

    entities: list[Entity] = field(default_factory=list)
    relations: list[Relation] = field(default_factory=list)

    def by_group(self, group: Group) -> list[Entity]:
        """Entities of one group, most mentioned first, then by name."""
        members = [e for e in self.entities if e.group is group]
        return sorted(members, key=lambda e: listing_key(e.name, len(e.mentions)))

    def mentions(self) -> list[tuple[Mention, Entity]]:
        """Every mention with its entity, in text order."""
        pairs = [(m, e) for e in self.entities for m in e.mentions]
        pairs.sort(key=lambda pair: pair[0].start)
        return pairs

    def find(self, name: str) -> Entity | None:
        folded = name.casefold()
        for entity in self.entities:
            if entity.name.casefold() == folded:
                return entity
        return None

    def to_dict(self) -> dict[str, Any]:
        return {
            "entities": ordered([e.to_dict() for e in self.entities]),
            "relations": [r.to_dict() for r in self.relations],
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Analysis:
        return cls(
            entities=[Entity.from_dict(e) for e in data.get("entities", [])],
            relations=[Relation.from_dict(r) for r in data.get("relations", [])],
        )
