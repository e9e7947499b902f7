"""The entity contract of DESIGN.md on plain data: the order of the lists and the JSON text.

The model's `Analysis.to_dict` and the cached `entities` path, which builds no model objects,
both go through these, so the two cannot drift apart.
"""

from __future__ import annotations

import json

TYPE_CHECKING = False  # not typing's: see articles.py
if TYPE_CHECKING:
    from typing import Any

GROUPS: tuple[str, ...] = ("faction", "place", "backer", "person", "organization")


def listing_key(name: str, mentions: int) -> tuple[int, str]:
    """Within a group: most mentioned first, then by name."""
    return -mentions, name.casefold()


def ordered(entities: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Entities as `Entity.to_dict` gives them, group by group, each group in listing order."""
    rank = {group: number for number, group in enumerate(GROUPS)}
    return sorted(
        entities,
        key=lambda e: (rank[e["group"]], *listing_key(e["name"], len(e["mentions"]))),
    )


def document(
    title: str, source: str | None, entities: list[dict[str, Any]], relations: list[dict[str, Any]]
) -> dict[str, Any]:
    """The JSON document of one article: its title and source, then the entity lists."""
    return {"title": title, "source": source, "entities": ordered(entities), "relations": relations}


def dumps(data: dict[str, Any]) -> str:
    """The JSON text of `entities --format json`."""
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
