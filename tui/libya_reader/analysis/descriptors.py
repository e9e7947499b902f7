"""Descriptive references to a side: "the Tripoli-based government", "Hifter's forces".

Works over the dependency parse: a head noun that can name a side ("government", "forces")
and modifiers that say which side ("Tripoli-", "east-based", a leader's possessive, a
backer's "Turkey-backed"). The faction the phrase names is decided later, per article, from
the factions the article itself names (the knowledge base only breaks ties).
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from spacy.tokens import Doc, Span, Token

from libya_reader.knowledge import KnowledgeBase

FIGHTER_LABEL = "FIGHTERS"
UNIT_LABEL = "UNIT"
UNIT_WORDS = frozenset(
    [
        "Brigade",
        "Brigades",
        "Battalion",
        "Battalions",
        "Militia",
        "Militias",
        "Force",
        "Forces",
        "Army",
        "Front",
        "Guard",
        "Apparatus",
        "Corps",
        "Shield",
        "Knights",
        "Regiment",
    ]
)
_MODIFIER_DEPS = {"amod", "compound", "poss", "npadvmod", "nmod", "nn", "cc", "conj", "punct"}


@cache
def vocabulary() -> dict[str, Any]:
    raw = resources.files("libya_reader.knowledge") / "descriptors.json"
    return json.loads(raw.read_text("utf-8"))


@dataclass(frozen=True, slots=True)
class SideReference:
    """A phrase naming a side: resolved to a faction once the whole article is known."""

    start: int  # token offsets in the doc
    end: int
    side: str | None
    role: str
    faction_id: str | None  # known outright, e.g. from a leader's affiliation
    backer_id: str | None  # "Turkey-backed": the backer the phrase itself states


def _role_of(token: Token) -> str | None:
    lower = token.lower_
    for role, words in vocabulary()["heads"].items():
        if lower in words:
            # "governments" in the plural is foreign governments, never one side.
            if role == "government" and lower.endswith("s") and lower != "authorities":
                return None
            return role
    return None


def sides_of(text: str) -> set[str]:
    lower = text.casefold()
    parts = {lower, *lower.split("-")}
    return {side for side, words in vocabulary()["side_words"].items() if parts & set(words)}


def _ent_kb(doc: Doc, token: Token, kb: KnowledgeBase) -> Any:
    ent = _ent_of(doc, token)
    if ent is not None and ent.kb_id_:
        return kb.get(ent.kb_id_)
    return None


def _ent_of(doc: Doc, token: Token) -> Span | None:
    if token.ent_iob_ in ("", "O"):
        return None
    start = token.i
    while start > 0 and doc[start].ent_iob_ == "I":
        start -= 1
    for ent in doc.ents:
        if ent.start == start:
            return ent
    return None


def _state_named(text: str, kb: KnowledgeBase) -> Any:
    entry = kb.lookup(text)
    if entry is None:
        name = vocabulary()["demonyms"].get(text.casefold())
        entry = kb.lookup(name) if name else None
    return entry if entry is not None and entry.kind == "state" else None


def _led_faction(person: Any, kb: KnowledgeBase, year: int | None) -> tuple[str | None, str]:
    """The faction a leader's name stands for: the affiliation, if it existed that year.

    Out of its years, only the side is kept and the article's own factions decide.
    """
    affiliated = kb.get(person.affiliation)
    if affiliated is None or affiliated.kind != "faction":
        return None, ""
    if affiliated.active(year):
        return affiliated.id, affiliated.side or ""
    return None, affiliated.side or ""


def find_side_references(doc: Doc, kb: KnowledgeBase, year: int | None) -> list[SideReference]:
    found: list[SideReference] = []
    backing_verbs = set(vocabulary()["backing_verbs"])
    for head in doc:
        role = _role_of(head)
        if role is None:
            continue
        ent = _ent_of(doc, head)
        if ent is not None and ent.label_ in ("KB", "ORG"):
            continue  # a proper name such as "Libyan Arab Armed Forces" names itself
        sides: set[str] = set()
        faction_id = backer_id = None
        start = head.i
        end = head.i + 1
        for child in head.lefts:
            if child.dep_ not in _MODIFIER_DEPS:
                continue
            subtree = list(child.subtree)
            child_start = subtree[0].i
            entry = _ent_kb(doc, child, kb)
            person = _ent_of(doc, child)
            if child.dep_ == "poss" or (entry is not None and entry.kind == "person"):
                # "Gadhafi's forces", "pro-Gadhafi troops": the leader's faction that year
                if entry is not None and entry.kind == "person" and entry.affiliation:
                    led, led_side = _led_faction(entry, kb, year)
                    faction_id = faction_id or led
                    sides.add(led_side)
                elif entry is not None and entry.kind == "faction":
                    continue  # "the GNA's forces" are the GNA: leave the name to itself
                else:
                    sides |= sides_of(child.text)
                child_start = min(subtree[0].i, person.start if person is not None else child.i)
            for token in subtree:
                sides |= sides_of(token.text)
                pieces = token.lower_.split("-")
                if token.lower_ in backing_verbs or pieces[-1] in backing_verbs:
                    backer_text = "-".join(pieces[:-1]) if len(pieces) > 1 else ""
                    if not backer_text and token.i >= 2 and doc[token.i - 1].text == "-":
                        backer_text = doc[token.i - 2].text
                    state = _state_named(backer_text, kb) if backer_text else None
                    if state is not None:
                        backer_id = state.id
            start = min(start, child_start)
        # "the government in Tripoli", "forces in the east"; the parser often hangs the "in"
        # on the verb ("backs the government in Tripoli with drones"): take it when adjacent.
        after = doc[head.i + 1] if head.i + 1 < len(doc) else None
        preps = [c for c in head.rights if c.dep_ == "prep"]
        if after is not None and after.dep_ == "prep" and after not in preps:
            preps.append(after)
        for child in preps:
            if child.lower_ == "in":
                objects = [t for t in child.children if t.dep_ == "pobj"]
                if objects and sides_of(objects[0].text):
                    sides |= sides_of(objects[0].text)
                    end = objects[0].i + 1
        if backer_id is not None and not sides and faction_id is None:
            backer = kb.get(backer_id)
            for backing in backer.backed if backer else ():
                if backing.covers(year):
                    sides.add(backing.side)
        sides.discard("")
        if faction_id is None and len(sides) != 1:
            continue
        while start < head.i and doc[start].dep_ in ("det", "predet", "punct", "cc"):
            start += 1
        if start == head.i and end == head.i + 1 and faction_id is None and not backer_id:
            continue  # a bare "forces" or "government" says nothing about the side
        side = next(iter(sides)) if len(sides) == 1 else None
        found.append(SideReference(start, end, side, role, faction_id, backer_id))
    return found


def find_fighters(doc: Doc, kb: KnowledgeBase | None = None) -> list[tuple[int, int]]:
    """Fighters named by nationality or town: "Syrian mercenaries", "Zawiya militiamen"."""
    nouns = set(vocabulary()["foreign_fighters"])
    demonyms = vocabulary()["demonyms"]
    spans = []
    for token in doc:
        if token.lower_ not in nouns:
            continue
        for child in token.lefts:
            if child.dep_ not in ("amod", "compound"):
                continue
            if child.lower_ in demonyms:
                spans.append((child.i, token.i + 1))
                break
            ent = _ent_of(doc, child) if kb is not None else None
            entry = kb.get(ent.kb_id_) if kb is not None and ent is not None else None
            # the town's name right before the noun
            if (
                ent is not None
                and entry is not None
                and entry.kind == "place"
                and ent.end == token.i
            ):
                spans.append((ent.start, token.i + 1))
                break
    return spans


def find_unit_names(doc: Doc) -> list[tuple[int, int]]:
    """Armed groups by their shape: "the Martyrs of Wadi Zamzam Brigade", "the 166th Battalion"."""
    spans = []
    for token in doc:
        if token.text not in UNIT_WORDS or token.i == 0:
            continue
        start = token.i
        while start > 0:
            previous = doc[start - 1]
            if previous.is_title or previous.like_num or previous.text[:1].isdigit():
                start -= 1
            elif previous.lower_ in ("of", "al", "el", "-") and start - 2 >= 0:
                if doc[start - 2].is_title:
                    start -= 1
                else:
                    break
            else:
                break
        while start < token.i and not doc[start].is_title and not doc[start].text[:1].isdigit():
            start += 1
        if token.i - start >= 1:
            spans.append((start, token.i + 1))
    return spans
