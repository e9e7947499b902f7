"""Entities known by their shape and the sentence around them, not by a list.

Places by the words that build Libyan place names ("Bir Tuwaila", "Abu Salim hospital"),
people the model missed but the sentence describes ("X, the head of ..."), names that are
weapons ("Pantsir systems"), and bare "the council" references to a faction named earlier.
"""

from __future__ import annotations

from spacy.tokens import Doc, Token

from libya_reader.analysis.descriptors import vocabulary


def find_definite_references(doc: Doc) -> list[tuple[int, int]]:
    """A bare "the council", "the paramilitary": the faction is decided once the article is read."""
    nouns = vocabulary()["anaphors"]
    spans = []
    for token in doc:
        if token.lower_ not in nouns or token.tag_ != "NN" or token.i == 0:
            continue
        children = list(token.children)
        det = doc[token.i - 1]
        if det.lower_ == "the" and det.dep_ == "det" and children == [det]:
            spans.append((det.i, token.i + 1))
    return spans


# Arabic words that begin place names: a well (Bir), a gate (Bab), a valley (Wadi), a cape
# (Ras), a spring (Ain), a castle (Qasr), a shrine (Sidi), a mountain (Jebel, Jabal).
TOPONYM_HEADS = frozenset(
    ["Bir", "Bab", "Wadi", "Ras", "Ain", "Qasr", "Sidi", "Jebel", "Jabal", "Hassi", "Souq"]
)
_NAME_LINKS = frozenset({"al", "el", "-", "bin", "ben", "umm", "abu", "des", "de", "du", "of"})
# Nouns that make a named thing a place: "Abu Salim hospital", "Ouagadougou conference center".
FACILITY_NOUNS = frozenset(
    [
        "hospital",
        "airport",
        "center",
        "centre",
        "prison",
        "terminal",
        "mosque",
        "hotel",
        "stadium",
        "university",
        "square",
        "bridge",
        "junction",
        "refinery",
        "barracks",
        "compound",
        "complex",
        "palace",
        "camp",
        "port",
        "base",
        "field",
        "crossing",
    ]
)
# What a name stands before when it is a weapon: "Pantsir systems", "Wing Loong drones".
WEAPON_NOUNS = frozenset(
    [
        "system",
        "systems",
        "missile",
        "missiles",
        "jet",
        "jets",
        "drone",
        "drones",
        "launcher",
        "launchers",
        "rocket",
        "rockets",
        "tank",
        "tanks",
        "aircraft",
        "helicopter",
        "helicopters",
        "howitzer",
        "howitzers",
        "defence",
        "defense",
        "rifles",
        "warplanes",
    ]
)


def _name_run(doc: Doc, start: int) -> int:
    """End of a name that starts at `start`: capitalised words and the links between them."""
    end = start
    i = start
    while i < len(doc):
        token = doc[i]
        if token.is_title or (token.is_upper and token.is_alpha) or (token.like_num and i > start):
            end = i + 1
        elif token.lower_ not in _NAME_LINKS or i + 1 >= len(doc):
            break
        i += 1
    return end


def find_place_shapes(doc: Doc, parsed: bool = True) -> list[tuple[int, int]]:
    """Places by their shape: "Bir Tuwaila", "Bab bin Ghashir", "District 3",
    "Abu Salim hospital", "Tripoli's international airport".

    Facilities need the parse; without it (`parsed=False`) only the word shapes are read.
    """
    spans = []
    for token in doc:
        if token.text in TOPONYM_HEADS and token.i + 1 < len(doc):
            end = _name_run(doc, token.i + 1)
            if end > token.i + 1:
                spans.append((token.i, end))
        elif token.text in ("District", "Zone", "Sector") and token.i + 1 < len(doc):
            if doc[token.i + 1].like_num:
                spans.append((token.i, token.i + 2))
        elif parsed and token.lower_ in FACILITY_NOUNS and token.pos_ == "NOUN" and token.i > 0:
            start = _facility_start(doc, token)
            if start is not None:
                spans.append((start, token.i + 1))
    return spans


def _facility_start(doc: Doc, noun: Token) -> int | None:
    """Where the name before a facility noun begins, if a proper name is there."""
    i = noun.i
    while i > 0 and doc[i - 1].dep_ in ("compound", "amod") and doc[i - 1].is_lower:
        i -= 1  # "international", "conference", "air"
    if i > 1 and i < noun.i and doc[i - 1].dep_ == "case":
        i -= 1  # "Tripoli's international airport"; a bare "Misrata's port" is the city's
    first = i
    while first > 0:
        before = doc[first - 1]
        if before.pos_ == "PROPN" and before.is_title:
            first -= 1
        else:
            # the "al-" in "Brak al-Shati air base", as names run forwards
            j = first - 1
            while j > 0 and doc[j].lower_ in _NAME_LINKS:
                j -= 1
            if j == first - 1 or not doc[j].is_title:
                break
            first = j
    if first == i or doc[first].head.i < first or doc[first].head.i > noun.i:
        return None  # no name, or the name belongs to something else
    return first


def names_a_weapon(doc: Doc, start: int, end: int) -> bool:
    """The span modifies a weapon noun: "Pantsir air defence system"."""
    token = doc[end - 1]
    while token.dep_ == "compound" and token.head is not token:
        token = token.head
        if token.lower_ in WEAPON_NOUNS:
            return True
    return False


SPEECH_VERBS = frozenset(["said", "says", "told", "added", "warned", "stated", "insisted"])
ROLE_NOUNS = frozenset(
    [
        "head",
        "chief",
        "spokesman",
        "spokeswoman",
        "spokesperson",
        "commander",
        "minister",
        "envoy",
        "official",
        "leader",
        "director",
        "president",
        "elder",
        "mayor",
        "governor",
        "member",
        "colonel",
        "general",
        "researcher",
        "analyst",
        "doctor",
        "coordinator",
    ]
)


def find_unlabelled_people(doc: Doc) -> list[tuple[int, int]]:
    """Names the model missed or cut short, known as people by the sentence around them:
    "Petteri Taalas, the head of ...", "Tamer Ramadan of the ... said", "Salem Abu Zaid,
    a field commander". Only runs of capitalised words that no other entity claims."""
    spans = []
    i = 0
    while i < len(doc):
        if not _free_name_word(doc[i]) or doc[i].lower_ in _NAME_LINKS:
            i += 1
            continue
        end = i + 1
        j = i + 1
        while j < len(doc) and (_free_name_word(doc[j]) or doc[j].lower_ in ("al", "el", "-")):
            if _free_name_word(doc[j]) and doc[j].lower_ not in _NAME_LINKS:
                end = j + 1
            j += 1
        names = [t for t in doc[i:end] if t.lower_ not in ("al", "el", "-")]
        if len(names) >= 2 and _said_of_a_person(doc[end - 1]):
            spans.append((i, end))
        i = max(end, i + 1)
    return spans


# Titles before a name are not part of it: "General Stephen Townsend" is Stephen Townsend.
_TITLE_WORDS = frozenset(
    [
        "General",
        "Gen.",
        "Colonel",
        "Col.",
        "President",
        "Minister",
        "Commander",
        "Prime",
        "Marshal",
        "Field",
        "Sheikh",
        "Mr.",
        "Ms.",
        "Mrs.",
        "Dr.",
        "Lt.",
        "Maj.",
        "Capt.",
    ]
)


def _free_name_word(token: Token) -> bool:
    return token.pos_ == "PROPN" and _may_be_free_name_word(token)


def _may_be_free_name_word(token: Token) -> bool:
    """`_free_name_word` without the tagger's PROPN: what the words alone allow."""
    if not (token.is_title or token.lower_ in ("al", "el", "-")):
        return False
    if token.text in _TITLE_WORDS:
        return False
    return token.ent_type_ in ("", "PERSON", "DATE")  # "Ramadan" is also the month


def may_find_unlabelled_people(doc: Doc) -> bool:
    """Whether `find_unlabelled_people` could find anything, whatever the parse says.

    It needs a speech verb or a role noun (`_said_of_a_person` reads no other words) and
    two name words in a row, al/el/- between them allowed; `_may_be_free_name_word` holds
    for every word `_free_name_word` accepts, so this is never False where it finds one.
    """
    if not any(t.lower_ in SPEECH_VERBS or t.lower_ in ROLE_NOUNS for t in doc):
        return False
    names = 0
    for token in doc:
        lower = token.lower_
        may_be_name = _may_be_free_name_word(token)
        if lower in ("al", "el", "-") or (may_be_name and lower in _NAME_LINKS):
            continue  # may sit inside a name ("Salem Abu Zaid") but does not end one
        if may_be_name:
            names += 1
            if names >= 2:
                return True
        else:
            names = 0
    return False


def _said_of_a_person(root: Token) -> bool:
    head = root.head
    if root.dep_ == "nsubj" and head.lower_ in SPEECH_VERBS:
        return True
    if root.dep_ == "appos" and head.lower_ in ROLE_NOUNS:
        return True
    return any(c.dep_ == "appos" and c.lower_ in ROLE_NOUNS for c in root.children)
