"""Backer -> faction relations read off the dependency parse, each with its sentence.

The shapes wire reports use:
- verbs of support, active and passive with coordination: "A and B back X",
  "X is backed by A, B and C", "Along with A, X is backed by B";
- nouns of support with a possessor or a subject: "A's support for X", "A boosted its aid to X",
  and the other way round: "X relies on support from A";
- verbs of supply with a recipient: "A sent drones and mercenaries to X", "A supplied X with";
- verbs of receiving: "X receives drones from A";
- nouns for the backer: "X's backers include A and B", "A and B, the main supporters of X";
- compounds: "A-backed units", "X, an A-backed company".
Relative clauses stand for what they attach to: "X, which A supports", "A, which backs X".
Nothing here consults the knowledge base for facts: it only reports what the sentence says.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from spacy.tokens import Doc, Span, Token

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
RECEIVE_VERBS = frozenset(
    [
        "receive",
        "receives",
        "received",
        "receiving",
        "get",
        "gets",
        "got",
        "getting",
        "obtain",
        "obtains",
        "obtained",
        "obtaining",
        "accept",
        "accepts",
        "accepted",
        "accepting",
    ]
)
# What a side receives from a backer; "a visit from" or "calls from" are not backing.
MATERIEL = frozenset(
    [
        "weapons",
        "arms",
        "drones",
        "ammunition",
        "missiles",
        "jets",
        "aircraft",
        "planes",
        "fighters",
        "mercenaries",
        "troops",
        "advisers",
        "advisors",
        "instructors",
        "support",
        "backing",
        "aid",
        "assistance",
        "funding",
        "money",
        "funds",
        "cash",
        "fuel",
        "equipment",
        "vehicles",
        "supplies",
        "shipments",
        "training",
        "defences",
        "defenses",
        "systems",
        "help",
        "tanks",
        "artillery",
        "rockets",
        "munitions",
        "hardware",
        "materiel",
    ]
)
BACKER_NOUNS = frozenset(
    [
        "backer",
        "backers",
        "supporter",
        "supporters",
        "sponsor",
        "sponsors",
        "patron",
        "patrons",
        "benefactor",
        "benefactors",
        "armourer",
        "armorer",
        "financier",
        "financiers",
    ]
)
# Help that is not taking a side (the gold rules: humanitarian aid is not backing).
NOT_BACKING = frozenset(
    ["humanitarian", "medical", "food", "relief", "emergency", "rescue", "flood", "electoral"]
)
INCLUDE_VERBS = frozenset(["include", "includes", "included", "including", "are", "were"])
SUCH_AS = frozenset({"including", "like", "such"})
ALONG = frozenset({"along", "like", "besides"})
PRONOUNS = frozenset({"its", "their", "it", "they"})
RELATIVES = frozenset({"which", "who", "that", "whom", "whose"})


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


def _conjuncts_only(token: Token) -> list[Token]:
    out = [token]
    for child in token.children:
        if child.dep_ == "conj":
            out.extend(_conjuncts_only(child))
    return out


def _plural_verb(verb: Token) -> bool | None:
    """The verb's number: "which has" is one thing, "which have" several; None if unknown."""
    for token in [verb, *(c for c in verb.children if c.dep_ in ("aux", "auxpass"))]:
        if token.tag_ == "VBZ":
            return False
        if token.tag_ == "VBP":
            return True
    return None


def _resolve(token: Token) -> list[Token]:
    """A relative pronoun stands for the noun its clause attaches to; other tokens for themselves.

    "France, Britain and Qatar, which has supplied": the singular verb points at the nearest
    conjunct, Qatar; "the UAE and Egypt, which have provided": the plural at all of them.
    """
    if token.lower_ not in RELATIVES or token.tag_ not in ("WDT", "WP", "WP$"):
        return [token]
    verb = token.head
    clause = verb
    while clause.dep_ in ("ccomp", "xcomp", "conj") and clause.head is not clause:
        clause = clause.head  # "which U.N. experts say have provided"
    if clause.dep_ not in ("relcl", "acl") or clause.head is clause:
        return []
    antecedent = clause.head
    group = _conjuncts_only(antecedent)
    if len(group) == 1:
        return group
    plural = _plural_verb(verb)
    if plural is False:
        return [max(group, key=lambda t: t.i)]
    return group


def _resolved(tokens: list[Token]) -> list[Token]:
    return [r for token in tokens for r in _resolve(token)]


def _objects(prep: Token) -> list[Token]:
    return [t for obj in prep.children if obj.dep_ == "pobj" for t in _with_conjuncts(obj)]


def _subjects(verb: Token) -> list[Token]:
    for child in verb.children:
        if child.dep_ in ("nsubj", "nsubjpass"):
            return _resolved(_with_conjuncts(child))
    # "accuse A of arming X": the one accused is the one said to act
    if verb.dep_ == "pcomp" and verb.head.lower_ == "of" and verb.head.head.pos_ == "VERB":
        accused = [c for c in verb.head.head.children if c.dep_ == "dobj"]
        if accused:
            return _resolved(_with_conjuncts(accused[0]))
    # "..., sending drones to X": the subject is the governing verb's
    if verb.dep_ in ("advcl", "xcomp", "conj", "acl") and verb.head is not verb:
        return _subjects(verb.head)
    return []


def _direct_objects(verb: Token) -> list[Token]:
    return _resolved([t for c in verb.children if c.dep_ == "dobj" for t in _with_conjuncts(c)])


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


def _not_backing(noun: Token) -> bool:
    return any(c.dep_ in ("amod", "compound") and c.lower_ in NOT_BACKING for c in noun.children)


def find_relations(doc: Doc, is_party: Callable[[Token], bool]) -> list[RelationHit]:
    """Every (backer, faction) the parse states; `is_party` says a token is inside an entity."""
    hits: list[RelationHit] = []
    for sent in doc.sents:
        evidence = sent.text.strip()
        pairs = [*_pairs(sent), *_mistagged_back(sent, is_party)]
        for backer, faction in pairs:
            if backer.i != faction.i and is_party(backer) and is_party(faction):
                hits.append(RelationHit(backer.i, faction.i, evidence))
    return hits


def _pairs(sent: Span) -> Iterator[tuple[Token, Token]]:
    for token in sent:
        lower = token.lower_
        if lower in SUPPORT_VERBS and token.pos_ in ("VERB", "AUX", "ADJ"):
            yield from _support_verb(token)
            yield from _hyphen_backed(token)
        elif lower in SUPPORT_NOUNS and token.pos_ in ("NOUN", "PROPN"):
            yield from _support_noun(token)
        if lower in SUPPLY_VERBS and token.pos_ == "VERB":
            yield from _supply_verb(token)
        if lower in RECEIVE_VERBS and token.pos_ == "VERB":
            yield from _receive_verb(token)
        if lower in BACKER_NOUNS and token.pos_ in ("NOUN", "PROPN"):
            yield from _backer_noun(token)


def _support_verb(verb: Token) -> Iterator[tuple[Token, Token]]:
    if _passive(verb):
        backers = [t for c in verb.children if c.dep_ == "agent" for t in _objects(c)]
        if not backers:
            return
        for child in verb.children:
            if child.dep_ == "prep" and child.lower_ in ALONG:
                for inner in [child, *child.children]:
                    backers += _objects(inner)
        factions = _resolved(
            [t for c in verb.children if c.dep_ == "nsubjpass" for t in _with_conjuncts(c)]
        )
        if not factions and verb.dep_ in ("acl", "amod", "relcl"):
            factions = [verb.head]  # "the government, backed by Turkey, ..."
    else:
        backers = _subjects(verb)
        factions = _direct_objects(verb)
    for backer in backers:
        for faction in factions:
            yield backer, faction


def _hyphen_backed(verb: Token) -> Iterator[tuple[Token, Token]]:
    """'X, a Russia-backed company': the compound names the backer of what it describes."""
    if verb.dep_ not in ("amod", "compound") or verb.i < 2 or verb.nbor(-1).text != "-":
        return
    backer = verb.nbor(-2)
    noun = verb.head
    targets = [noun]
    if noun.dep_ in ("appos", "attr") and noun.head is not noun:
        targets.append(noun.head)  # the named thing the description is about
        if noun.dep_ == "attr":
            targets += _subjects(noun.head)
    for target in targets:
        yield backer, target


def _owner_subjects(noun: Token) -> list[Token]:
    """Whose support this is: the subject of the clause the noun sits in ("X relies on ...")."""
    node = noun
    while node.head is not node and node.dep_ in ("pobj", "prep", "conj", "dobj", "attr"):
        node = node.head
        if node.pos_ in ("VERB", "AUX"):
            return _subjects(node)
    return []


def _support_noun(noun: Token) -> Iterator[tuple[Token, Token]]:
    if _not_backing(noun):
        return
    factions = [
        t
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ in ("for", "to")
        for t in _objects(c)
    ]
    sources = [
        t
        for c in noun.children
        if c.dep_ == "prep" and c.lower_ in ("from", "of")
        for t in _objects(c)
    ]
    if not factions and sources:
        # "X relies on support from A", "with the backing of A, X advanced"
        for backer in sources:
            for faction in _owner_subjects(noun):
                yield backer, faction
        return
    if not factions:
        return
    backers: list[Token] = list(sources)
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
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    if any(_not_backing(o) for o in objects):
        return  # "sent humanitarian aid to": help, not a side taken
    # "A supplied X with drones": with "with", the direct object is who receives.
    given = [
        g
        for t in [verb, *objects]
        for c in t.children
        if c.dep_ == "prep" and c.lower_ == "with"
        for g in _objects(c)
    ]
    if any(_not_backing(g) for g in given):
        return
    if given:
        recipients += _direct_objects(verb)
    recipients = _resolved(recipients)
    if not recipients:
        return
    for backer in _subjects(verb):
        for faction in recipients:
            yield backer, faction


def _receive_verb(verb: Token) -> Iterator[tuple[Token, Token]]:
    """'X receives drones from A': the subject is the side, the source the backer."""
    objects = [c for c in verb.children if c.dep_ == "dobj"]
    goods = [o for o in objects for t in _conjuncts_only(o) if t.lower_ in MATERIEL]
    if not goods or any(_not_backing(o) for o in goods):
        return
    sources = [
        t
        for holder in [verb, *objects]
        for c in holder.children
        if c.dep_ == "prep" and c.lower_ == "from"
        for t in _objects(c)
    ]
    for faction in _subjects(verb):
        for backer in sources:
            yield backer, faction


def _backer_noun(noun: Token) -> Iterator[tuple[Token, Token]]:
    """'X's backers include A and B', 'A, the main backer of X', 'X's backers, A and B'."""
    factions: list[Token] = []
    for child in noun.children:
        if child.dep_ == "poss":
            factions = _antecedent(child) if child.lower_ in PRONOUNS else [child]
        elif child.dep_ == "prep" and child.lower_ == "of":
            factions += _objects(child)
    if not factions:
        return
    backers: list[Token] = []
    head = noun.head
    if noun.dep_ == "nsubj" and head.lower_ in INCLUDE_VERBS:
        backers += [
            t for c in head.children if c.dep_ in ("dobj", "attr") for t in _conjuncts_only(c)
        ]
    elif noun.dep_ == "appos" and head is not noun:
        # a plural description covers every conjunct: "the UAE and Russia, the main backers"
        backers += _conjuncts_only(head) if noun.tag_ == "NNS" else [head]
    elif noun.dep_ == "attr" and head.pos_ in ("AUX", "VERB"):
        backers += _subjects(head)  # "Turkey is the GNA's main backer"
    for child in noun.children:
        if child.dep_ == "appos":
            backers += _conjuncts_only(child)  # "its backers, A and B, ..."
        elif child.dep_ == "prep" and child.lower_ in SUCH_AS:
            for inner in [child, *child.children]:
                backers += _objects(inner)
    for backer in _resolved(backers):
        for faction in factions:
            yield backer, faction


def _mistagged_back(sent: Span, is_party: Callable[[Token], bool]) -> Iterator[tuple[Token, Token]]:
    """'Egypt and the UAE back Operation Dignity' where the tagger read "back" as an adverb.

    Read off the token order instead: entities joined by "and" or commas just before the
    word, and the entity just after it (past a possessor such as "Hifter's").
    """
    for token in sent:
        if token.lower_ not in ("back", "backs") or token.pos_ in ("VERB", "AUX"):
            continue
        if token.i == sent.start or token.i + 1 >= sent.end:
            continue
        if not is_party(token.nbor(-1)):
            continue
        backers: list[Token] = []
        i = token.i - 1
        while i >= sent.start and (
            is_party(sent.doc[i]) or sent.doc[i].lower_ in (",", "and", "the")
        ):
            if is_party(sent.doc[i]):
                backers.append(sent.doc[i])  # tokens of one entity collapse into it later
            i -= 1
        j = token.i + 1
        while j < sent.end and sent.doc[j].dep_ in ("det", "case", "poss", "amod"):
            j += 1
        if j < sent.end and is_party(sent.doc[j]):
            for backer in backers:
                yield backer, sent.doc[j]
