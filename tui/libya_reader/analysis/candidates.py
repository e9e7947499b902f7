"""From one parsed paragraph to plain candidates: spans that may name an entity, with hints.

A candidate is data, not a spaCy object, so paragraphs can be merged into one article and
the analysis cached without spaCy.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cache
from typing import Literal

from spacy.tokens import Doc, Token

from libya_reader.analysis import relations
from libya_reader.analysis.descriptors import (
    SideReference,
    find_fighters,
    find_side_references,
    find_unit_names,
    sides_of,
    vocabulary,
)
from libya_reader.analysis.pipeline import KB_LABEL
from libya_reader.analysis.relations import find_relations
from libya_reader.analysis.shapes import (
    FACILITY_NOUNS,
    ROLE_NOUNS,
    WEAPON_NOUNS,
    find_definite_references,
    find_place_shapes,
    find_unlabelled_people,
    may_find_unlabelled_people,
    names_a_weapon,
)
from libya_reader.knowledge import KnowledgeBase

CandidateKind = Literal["side", "fighters", "kb", "unit", "ner", "anaphor", "place"]
NER_LABELS = frozenset({"PERSON", "ORG", "GPE", "LOC", "FAC", "NORP"})
PLACE_NOUNS = frozenset(
    [
        "town",
        "city",
        "village",
        "oasis",
        "port",
        "district",
        "region",
        "area",
        "suburb",
        "neighborhood",
        "neighbourhood",
        "province",
        "base",
        "airport",
        "towns",
        "cities",
        "villages",
    ]
)
PLACE_PREPS = frozenset({"in", "near", "around", "outside", "from", "toward", "towards", "into"})


@dataclass(slots=True)
class Candidate:
    start: int  # character offsets in the article
    end: int
    text: str
    kind: CandidateKind
    label: str = ""
    kb_id: str | None = None
    side: SideReference | None = None
    place_hint: bool = False
    token_range: tuple[int, int] = (0, 0)


@dataclass(slots=True)
class Paragraph:
    candidates: list[Candidate] = field(default_factory=list)
    # (backer candidate index or "kb:<id>", faction candidate index, evidence)
    relations: list[tuple[int | str, int, str]] = field(default_factory=list)


def _priority(candidate: Candidate, kb: KnowledgeBase) -> int:
    if candidate.kind == "side":
        return 0
    if candidate.kind == "fighters":
        return 1
    if candidate.kind == "kb":
        entry = kb.get(candidate.kb_id)
        return 2 if entry is not None and entry.kind in ("faction", "organization", "state") else 4
    if candidate.kind in ("unit", "place"):
        return 3
    if candidate.kind == "anaphor":
        return 6  # only where nothing else claims the words
    return 5


@cache
def _parse_words() -> frozenset[str]:
    """Words without which a rule that reads the parse finds nothing, whatever else is there.

    Relations need one of their verbs or nouns; a weapon name, a facility and the first two
    place hints ("the town of X", "X and other towns") need their nouns.
    """
    return frozenset().union(
        relations.SUPPORT_VERBS,
        relations.SUPPORT_NOUNS,
        relations.SUPPLY_VERBS,
        relations.RECEIVE_VERBS,
        relations.BACKER_NOUNS,
        WEAPON_NOUNS,
        FACILITY_NOUNS,
        PLACE_NOUNS,
    )


def needs_parse(doc: Doc, kb: KnowledgeBase) -> bool:
    """Whether this paragraph, read by the knowledge ruler and NER alone, needs the parse.

    False only where the full pipeline provably gives the same candidates and relations as
    `read_paragraph(..., parsed=False)`: every rule that reads tags, dependencies or
    sentences would find nothing here whatever they are. (The entities are the same either
    way: the NER runs before the parse.) Each clause says which rule it guards.
    """
    lowers = {token.lower_ for token in doc}
    if not lowers.isdisjoint(_parse_words()):
        return True
    words = vocabulary()
    entries = [kb.get(ent.kb_id_) for ent in doc.ents if ent.label_ == KB_LABEL]
    kinds = {entry.kind for entry in entries if entry is not None}
    labels = {ent.label_ for ent in doc.ents}
    # Side references: a head noun, and a word that tells the side, a leader or a backer.
    heads = {word for group in words["heads"].values() for word in group}
    if not lowers.isdisjoint(heads) and (
        "person" in kinds
        or any(sides_of(token.text) for token in doc)
        or any(token.lower_.split("-")[-1] in words["backing_verbs"] for token in doc)
    ):
        return True
    # Fighters: "Syrian mercenaries", "Zawiya militiamen".
    if not lowers.isdisjoint(words["foreign_fighters"]) and (
        not lowers.isdisjoint(words["demonyms"]) or "place" in kinds
    ):
        return True
    # The third place hint: a PERSON entity governed by "in", "from"...
    if "PERSON" in labels and not lowers.isdisjoint(PLACE_PREPS):
        return True
    # Spreading place hints along a list: a person or organisation beside a place.
    if labels & {"PERSON", "ORG"} and ("place" in kinds or labels & {"GPE", "LOC", "FAC"}):
        return True
    if may_find_unlabelled_people(doc):
        return True
    # "the council": the only words `find_definite_references` accepts.
    nouns = words["anaphors"]
    return any(t.lower_ in nouns and t.i > 0 and doc[t.i - 1].lower_ == "the" for t in doc)


def read_paragraph(
    doc: Doc, base: int, kb: KnowledgeBase, year: int | None, parsed: bool = True
) -> Paragraph:
    """Candidates of one paragraph (`base` is its offset in the article), overlaps resolved.

    `parsed=False` reads a doc the parser never saw: only the rules that need no parse run,
    which is the whole analysis where `needs_parse` says so.
    """
    proposals: list[Candidate] = []

    def add(start: int, end: int, kind: CandidateKind, **extra: object) -> None:
        span = doc[start:end]
        proposals.append(
            Candidate(
                start=base + span.start_char,
                end=base + span.end_char,
                text=span.text,
                kind=kind,
                token_range=(start, end),
                **extra,  # type: ignore[arg-type]
            )
        )

    if parsed:
        for ref in find_side_references(doc, kb, year):
            add(ref.start, ref.end, "side", side=ref)
        for start, end in find_fighters(doc, kb):
            add(start, end, "fighters")
    for ent in doc.ents:
        if ent.label_ == KB_LABEL:
            add(ent.start, ent.end, "kb", kb_id=ent.kb_id_)
        elif ent.label_ in NER_LABELS and ent.label_ != "NORP":
            if parsed and names_a_weapon(doc, ent.start, ent.end):
                continue
            hint = parsed and _place_hint(doc, ent.root)
            add(ent.start, ent.end, "ner", label=ent.label_, place_hint=hint)
    for start, end in find_unit_names(doc):
        add(start, end, "unit")
    for start, end in find_place_shapes(doc, parsed):
        add(start, end, "place", label="FAC", place_hint=True)
    if parsed:
        for start, end in find_unlabelled_people(doc):
            add(start, end, "ner", label="PERSON")
        for start, end in find_definite_references(doc):
            add(start, end, "anaphor", label=doc[end - 1].lower_)

    chosen: list[Candidate] = []
    taken: set[int] = set()
    for candidate in sorted(
        proposals, key=lambda c: (_priority(c, kb), -(c.token_range[1] - c.token_range[0]))
    ):
        tokens = set(range(*candidate.token_range))
        if tokens & taken:
            continue
        taken |= tokens
        chosen.append(candidate)
    chosen.sort(key=lambda c: c.start)

    paragraph = Paragraph(candidates=chosen)
    if not parsed:
        return paragraph
    owner = {t: index for index, c in enumerate(chosen) for t in range(*c.token_range)}
    for hit in find_relations(doc, lambda token: token.i in owner):
        paragraph.relations.append((owner[hit.backer], owner[hit.faction], hit.evidence))
    for index, candidate in enumerate(chosen):
        if candidate.side is not None and candidate.side.backer_id:
            sentence = doc[slice(*candidate.token_range)].sent.text.strip()
            paragraph.relations.append((f"kb:{candidate.side.backer_id}", index, sentence))
    _spread_place_hints(doc, chosen, owner, kb)
    return paragraph


def _place_hint(doc: Doc, root: Token) -> bool:
    """The sentence says this is a place: "the town of X", "fighting in X"."""
    head = root.head
    if root.dep_ == "pobj" and head.lower_ == "of" and head.head.lower_ in PLACE_NOUNS:
        return True
    if root.dep_ in ("appos", "conj") and root.head.lower_ in PLACE_NOUNS:
        return True
    if any(c.dep_ == "case" for c in root.children):
        return False  # possessive: a person or group, not where something happens
    return root.dep_ == "pobj" and head.lower_ in PLACE_PREPS and root.ent_type_ == "PERSON"


def _spread_place_hints(
    doc: Doc, chosen: list[Candidate], owner: dict[int, int], kb: KnowledgeBase
) -> None:
    """A name listed with places is a place: "Sabratha, Surman and al-Asabaa"."""

    def is_place(candidate: Candidate) -> bool:
        if candidate.kind == "kb":
            entry = kb.get(candidate.kb_id)
            return entry is not None and entry.kind == "place"
        return candidate.kind == "ner" and (
            candidate.label in ("GPE", "LOC", "FAC") or candidate.place_hint
        )

    for candidate in chosen:
        if candidate.kind != "ner" or candidate.label not in ("PERSON", "ORG"):
            continue
        root = doc[candidate.token_range[1] - 1]
        if any(c.dep_ == "appos" and c.lower_ in ROLE_NOUNS for c in root.children):
            continue  # "Ramadan al-Ghirani, the head of the council": a person, whatever list
        neighbours = [root.head, *(c for c in root.children if c.dep_ == "conj")]
        if root.dep_ == "conj" or any(c.dep_ == "conj" for c in root.children):
            for other in neighbours:
                index = owner.get(other.i)
                if index is not None and is_place(chosen[index]):
                    candidate.place_hint = True
