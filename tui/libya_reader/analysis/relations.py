"""Backer -> faction relations read off the dependency parse, each with its sentence.

Four shapes cover how wire reports say it:
- verbs of support, active and passive with coordination: "A and B back X",
  "X is backed by A, B and C", "Along with A, X is backed by B";
- nouns of support with a possessor or a subject: "A's support for X", "A boosted its aid to X";
- verbs of supply with a recipient: "A sent drones and mercenaries to X";
- compounds inside a phrase: "A-backed units" (found with the phrase, see descriptors.py).
Nothing here consults the knowledge base for facts: it only reports what the sentence says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Token

SUPPORT_VERBS = frozenset(
    [
        "back",
        "backs",
        "backed",
        "backing",
        "support",
        "supports",
        "supported",
        "supporting",
        "arm",
        "arms",
        "armed",
        "arming",
        "fund",
        "funds",
        "funded",
        "funding",
        "finance",
        "finances",
        "financed",
        "financing",
        "sponsor",
        "sponsors",
        "sponsored",
        "bankroll",
        "bankrolls",
        "bankrolled",
        "equip",
        "equips",
        "equipped",
        "aid",
        "aids",
        "aided",
        "assist",
        "assists",
        "assisted",
        "champion",
        "champions",
        "championed",
    ]
)
SUPPORT_NOUNS = frozenset(
    [
        "support",
        "backing",
        "aid",
        "assistance",
        "help",
        "sponsorship",
        "funding",
        "patronage",
        "supplies",
        "shipments",
        "deliveries",
        "weapons",
        "arms",
    ]
)
SUPPLY_VERBS = frozenset(
    [
        "send",
        "sends",
        "sent",
        "sending",
        "supply",
        "supplies",
        "supplied",
        "supplying",
        "provide",
        "provides",
        "provided",
        "providing",
        "deliver",
        "delivers",
        "delivered",
        "delivering",
        "ship",
        "ships",
        "shipped",
        "shipping",
        "give",
        "gives",
        "gave",
        "giving",
        "dispatch",
        "dispatched",
        "dispatching",
        "transfer",
        "transferred",
        "transferring",
    ]
)
ALONG = frozenset({"along", "like", "besides"})
PRONOUNS = frozenset({"its", "their", "it", "they"})


@dataclass(frozen=True, slots=True)
class RelationHit:
    backer: int  # token index of the backer's head
    faction: int  # token index of the faction's head
    evidence: str


def _with_conjuncts(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ in ("conj", "appos"):
            out.extend(_with_conjuncts(child))
    return out


def _objects(prep: Token) -> list[Token]:
    return [t for obj in prep.children if obj.dep_ == "pobj" for t in _with_conjuncts(obj)]


def _subjects(verb: Token) -> list[Token]:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return _with_conjuncts(child)
    # "..., sending drones to X": the subject is the governing verb's
    if verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.head is not verb:
        return _subjects(verb.head)
    return []


def _antecedent(pronoun: Token) -> list[Token]:
    """'its support': the subject of the clause the pronoun sits in."""
    node = pronoun
    while node.head is not node:
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return _subjects(node)
    return []


def _passive(verb: Token) -> bool:
    return any(c.dep_ in ("auxpass", "nsubjpass", "agent") for c in verb.children) or (
        verb.tag_ == "VBN" and verb.dep_ in ("acl", "amod", "advcl", "relcl")
    )


def find_relations(doc: Doc, is_party: Callable[[Token], bool]) -> list[RelationHit]:
    """Every (backer, faction) the parse states; `is_party` says a token is inside an entity."""
    hits: list[RelationHit] = []
    for sent in doc.sents:
        evidence = sent.text.strip()
        for backer, faction in _pairs(sent):
            if backer.i != faction.i and is_party(backer) and is_party(faction):
                hits.append(RelationHit(backer.i, faction.i, evidence))
    return hits


def _pairs(sent: object) -> Iterator[tuple[Token, Token]]:
    for token in sent:  # type: ignore[attr-defined]
        lower = token.lower_
        if lower in SUPPORT_VERBS and token.pos_ in ("VERB", "AUX", "ADJ"):
            yield from _support_verb(token)
        elif lower in SUPPORT_NOUNS and token.pos_ in ("NOUN", "PROPN"):
            yield from _support_noun(token)
        if lower in SUPPLY_VERBS and token.pos_ == "VERB":
            yield from _supply_verb(token)


def _support_verb(verb: Token) -> Iterator[tuple[Token, Token]]:
    if _passive(verb):
        backers = [t for c in verb.children if c.dep_ == "agent" for t in _objects(c)]
        if not backers:
            return
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in ALONG:
                for inner in [child, *child.children]:
                    backers += _objects(inner)
        factions = [t for c in verb.children if c.dep_ == "nsubjpass" for t in _with_conjuncts(c)]
        if not factions and verb.dep_ in ("acl", "amod", "relcl"):
            factions = [verb.head]  # "the government, backed by Turkey, ..."
    else:
        backers = _subjects(verb)
        factions = [t for c in verb.children if c.dep_ == "dobj" for t in _with_conjuncts(c)]
    for backer in backers:
        for faction in factions:
            yield backer, faction


def _support_noun(noun: Token) -> Iterator[tuple[Token, Token]]:
    factions = [
        t
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ in ("for", "to")
        for t in _objects(c)
    ]
    if not factions:
        return
    backers: list[Token] = []
    for child in noun.children:
        if child.dep_ == "poss":
            backers = _antecedent(child) if child.lower_ in PRONOUNS else _with_conjuncts(child)
        elif child.dep_ in ("compound", "amod") and child.pos_ == "PROPN":
            backers = [child]  # "Turkey support for", rare but seen in headlines
    if not backers and noun.dep_ in ("dobj", "nsubjpass") and noun.head.pos_ == "VERB":
        backers = _subjects(noun.head)  # "Turkey stepped up support for X"
    for backer in backers:
        for faction in factions:
            yield backer, faction


def _supply_verb(verb: Token) -> Iterator[tuple[Token, Token]]:
    recipients = [
        t
        for c in verb.children
        if c.dep_ in ("prep", "dative") and c.lower_ == "to"
        for t in _objects(c)
    ]
    recipients += [c for c in verb.children if c.dep_ == "dative" and c.lower_ != "to"]
    if not recipients:
        return
    for backer in _subjects(verb):
        for faction in recipients:
            yield backer, faction
