"""Deterministic test material for the benchmark: a corpus of short wire-style Libya reports
and one ~1 MB article with about 20,000 entity mentions.

Everything comes from the templates and name lists below and a seeded `random.Random`, so
the same seed gives byte-identical files. Run it directly to write the material:
`python bench/corpus.py OUT_DIR [--tokens N]`.
"""

from __future__ import annotations

import argparse
import json
import random
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

# fmt: off
# (canonical name, forms the text may use); the first form is the canonical one.
FACTIONS: list[list[str]] = [
    ["Government of National Accord", "GNA", "the Tripoli government"],
    ["Libyan National Army", "LNA"],
    ["Libyan Arab Armed Forces", "LAAF"],
    ["Government of National Unity", "GNU"],
    ["House of Representatives"],
    ["Government of National Stability"],
    ["Tripoli Protection Force"],
    ["Rada Special Deterrence Force", "Rada"],
    ["Kaniyat militia", "al-Kaniyat"],
    ["Wagner Group", "Wagner"],
    ["Syrian mercenaries"],
    ["Misrata brigades"],
    ["Zintan brigades"],
    ["Nawasi Brigade"],
    ["Sudanese fighters"],
    ["Presidential Council"],
    ["Stability Support Apparatus"],
    ["444th Brigade"],
]
PLACES: list[str] = [
    "Tripoli", "Benghazi", "Misrata", "Sirte", "Tarhouna", "Gharyan", "Zawiya", "Sabratha",
    "Surman", "al-Watiya air base", "Jufra", "Derna", "Tobruk", "Sabha", "Ajdabiya",
    "Ras Lanuf", "Brega", "Kufra", "Ubari", "Zintan", "Bani Walid", "Mitiga airport",
    "Ain Zara", "Abu Salim", "Wadi Rabie", "Murzuq", "Ghadames", "Zuwara", "al-Khums",
    "Tajoura", "Janzour", "Sidra", "Qasr Bin Ghashir", "Tripoli International Airport",
]
BACKERS: list[str] = [
    "Turkey", "Russia", "the United Arab Emirates", "Egypt", "Qatar", "France", "Jordan",
    "Italy", "Sudan", "Saudi Arabia",
]
PEOPLE: list[str] = [
    "Khalifa Hifter", "Fayez al-Sarraj", "Abdul Hamid Dbeibah", "Fathi Bashagha",
    "Aguila Saleh", "Stephanie Williams", "Ghassan Salame", "Ahmed al-Mismari",
    "Mohamed Gnono", "Osama Juwaili", "Saddam Hifter", "Khaled al-Mishri",
    "Abdoulaye Bathily", "Mohammed al-Menfi", "Najla Mangoush", "Recep Tayyip Erdogan",
]
ORGANIZATIONS: list[str] = [
    "the United Nations", "Amnesty International", "Human Rights Watch", "the African Union",
    "the European Union", "NATO", "the International Criminal Court", "the Libyan Red Crescent",
    "the National Oil Corporation", "the Arab League", "the Central Bank of Libya",
]
SUPPORT: list[str] = [
    "has supplied drones to", "sent armoured vehicles to", "backs",
    "provided air defence systems to", "is arming", "deployed military advisers to support",
    "has financed", "shipped weapons to",
    "delivered fuel and ammunition to", "offered diplomatic backing to", "trained fighters for",
    "flew cargo planes of weapons to", "pledged support for",
]
# Template slots filled with a name of one group: {p} a place, {b} a backer and so on.
NAMED_SLOTS: dict[str, tuple[list[str], str]] = {
    "p": (PLACES, "place"),
    "b": (BACKERS, "backer"),
    "h": (PEOPLE, "person"),
    "o": (ORGANIZATIONS, "organization"),
}
WEEKDAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"]
MONTHS = [
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
]
# fmt: on
AGENCIES = ["AP", "AFP", "Reuters"]
ROLES = ["a spokesman", "a commander", "an official", "an envoy", "a minister", "an adviser"]

# A sentence is a template whose {slots} are filled from the lists above. Slot names say the
# group: f=faction, p=place, b=backer, h=person, o=organization; w/m/y/n are dates and numbers.
SENTENCES: list[str] = [
    "{b} {support} the {f} in its fight for {p}, officials said {w}.",
    "Forces loyal to the {f} said {w} they had retaken {p} from the {f2}.",
    "{h}, {role} for the {f}, said the fighting around {p} had killed at least {n} people.",
    "The {f} accused {b} of sending mercenaries and weapons to {p} in breach of the arms embargo.",
    "{o} said {n} families had fled {p} since the offensive began in {m} {y}.",
    "Drones struck a convoy of the {f} near {p} on {w}, according to {h}.",
    "Diplomats said {b} and {b2} had agreed to press the {f} and the {f2} to resume talks in {p}.",
    "{h} met envoys of {b} in {p} on {w} to discuss a cease-fire.",
    "The {f}, backed by {b}, has controlled {p} since {m} {y}.",
    "Residents of {p} said clashes between the {f} and the {f2} lasted until dawn.",
    "{o} called on all sides to protect civilians in {p} and {p2}.",
    "According to {h}, {b} {support} the {f} through the port of {p}.",
    "The oil terminal at {p} was shut on {w} after fighters of the {f} seized it.",
    "{h} told reporters in {p} that {b} would not abandon the {f}.",
    "A report by {o} found that {b} had flown at least {n} cargo flights to {p} in {m}.",
    "Shelling hit a hospital in {p}, {o} said, blaming the {f}.",
    # Sentences without names, as real reports have them.
    "The humanitarian situation has worsened sharply, aid workers said on {w}.",
    "Prices of bread and fuel have doubled since {m}, residents said.",
    "At least {n} people were wounded, and power cuts lasted for most of the night.",
    "It was not possible to verify the claims independently.",
    "Both sides have repeatedly accused each other of breaking earlier truces.",
]
HEADLINES: list[str] = [
    "{f} says it retook {p}",
    "{b} steps up support for {f}",
    "Fighting near {p} as talks stall",
    "{o} warns of crisis in {p}",
]


@dataclass(slots=True)
class Piece:
    """A stretch of generated text and the entities named in it, by offset within it."""

    text: str
    # (start, end, canonical name, group) of each name in `text`
    mentions: list[tuple[int, int, str, str]] = field(default_factory=list)
    relations: list[tuple[str, str]] = field(default_factory=list)  # backer, faction


class Writer:
    """Fills templates from the name lists with one seeded random source."""

    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)

    def _faction(self) -> tuple[str, str]:
        forms = self.rng.choice(FACTIONS)
        return self.rng.choice(forms), forms[0]

    def fill(self, template: str) -> Piece:
        rng = self.rng
        piece = Piece("")
        named: dict[str, tuple[str, str, str]] = {}  # slot -> (text, canonical, group)
        backers: list[str] = []
        factions: list[str] = []
        out: list[str] = []
        length = 0
        for literal, slot in _split(template):
            out.append(literal)
            length += len(literal)
            if slot is None:
                continue
            base = slot.rstrip("2")
            if slot in named:
                text, canonical, group = named[slot]
            elif base == "f":
                text, canonical = self._faction()
                # "the GNA" reads fine; "the the Tripoli government" does not.
                if text.startswith("the ") and out[-1].endswith("the "):
                    text = text[4:]
                group = "faction"
            elif base in NAMED_SLOTS:
                names, group = NAMED_SLOTS[base]
                text = canonical = rng.choice(names)
            else:
                text = canonical = {
                    "w": lambda: rng.choice(WEEKDAYS),
                    "m": lambda: rng.choice(MONTHS),
                    "y": lambda: str(rng.randint(2014, 2023)),
                    "n": lambda: str(rng.randint(3, 400)),
                    "role": lambda: rng.choice(ROLES),
                    "support": lambda: rng.choice(SUPPORT),
                }[base]()
                group = ""
            named[slot] = (text, canonical, group)
            if group:
                # "the United Nations": the article word is not part of the name.
                lead = 4 if text.startswith("the ") and group != "faction" else 0
                start = length + lead
                piece.mentions.append((start, length + len(text), canonical, group))
                if group == "backer":
                    backers.append(canonical)
                elif group == "faction":
                    factions.append(canonical)
            out.append(text)
            length += len(text)
        piece.text = "".join(out)
        piece.text = piece.text[:1].upper() + piece.text[1:]
        if "{support}" in template or "backed by" in template:
            piece.relations = [(backers[0], factions[0])] if backers and factions else []
        return piece

    def paragraph(self, sentences: int) -> Piece:
        return join([self.fill(self.rng.choice(SENTENCES)) for _ in range(sentences)], " ")

    def article(self) -> tuple[str, Piece]:
        """(headline, body) of one wire report: dateline, 3-5 paragraphs of 1-3 sentences."""
        rng = self.rng
        headline = self.fill(rng.choice(HEADLINES)).text
        place = rng.choice(PLACES[:20]).upper()
        dateline = Piece(f"{place}, Libya ({rng.choice(AGENCIES)}) — ")
        paragraphs = [self.paragraph(rng.randint(1, 3)) for _ in range(rng.randint(3, 5))]
        paragraphs[0] = join([dateline, paragraphs[0]], "")
        year = rng.randint(2014, 2023)
        trailer = Piece(f"Published {rng.choice(MONTHS)} {rng.randint(1, 28)}, {year}.")
        return headline, join([*paragraphs, trailer], "\n\n")


def _split(template: str) -> Iterator[tuple[str, str | None]]:
    """(literal text, slot name or None) pairs of a template."""
    at = 0
    for match in re.finditer(r"\{(\w+)\}", template):
        yield template[at : match.start()], match.group(1)
        at = match.end()
    yield template[at:], None


def join(pieces: list[Piece], separator: str) -> Piece:
    out = Piece("")
    parts: list[str] = []
    length = 0
    for index, piece in enumerate(pieces):
        if index:
            parts.append(separator)
            length += len(separator)
        parts.append(piece.text)
        out.mentions.extend((s + length, e + length, n, g) for s, e, n, g in piece.mentions)
        out.relations.extend(piece.relations)
        length += len(piece.text)
    out.text = "".join(parts)
    return out


_TOKEN = re.compile(r"\w+|[^\w\s]")


def rough_tokens(text: str) -> int:
    """Close to spaCy's English token count; the benchmark counts exactly with spaCy."""
    return len(_TOKEN.findall(text))


def write_corpus(out: Path, tokens: int = 210_000, seed: int = 5) -> dict[str, object]:
    """A folder of .txt reports holding at least `tokens` (rough count) tokens."""
    out.mkdir(parents=True, exist_ok=True)
    writer = Writer(seed)
    total, count = 0, 0
    while total < tokens:
        headline, body = writer.article()
        text = f"{headline}\n\n{body.text}\n"
        (out / f"{count:04d}.txt").write_text(text, encoding="utf-8")
        total += rough_tokens(text)
        count += 1
    manifest = {"articles": count, "rough_tokens": total, "seed": seed}
    (out / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
    return manifest


# A word found once, in the big article's second paragraph: the benchmark polls for it.
BIG_MARKER = "Qasr-Akhyar"


def big_article(chars: int = 1_000_000, seed: int = 7) -> Piece:
    """One long report: paragraphs of 3-6 sentences until `chars` characters."""
    writer = Writer(seed)
    paragraphs: list[Piece] = [
        Piece("TRIPOLI, Libya (AP) — A long account of the war, compiled for the benchmark."),
        Piece(f"The first dispatch came from the village of {BIG_MARKER}, south of Tripoli."),
    ]
    size = sum(len(p.text) + 2 for p in paragraphs)
    while size < chars:
        paragraph = writer.paragraph(writer.rng.randint(3, 6))
        paragraphs.append(paragraph)
        size += len(paragraph.text) + 2
    return join(paragraphs, "\n\n")


def write_big(path: Path, seed: int = 7) -> Piece:
    piece = big_article(seed=seed)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(piece.text + "\n", encoding="utf-8")
    return piece


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("--tokens", type=int, default=210_000)
    args = parser.parse_args()
    print(write_corpus(args.out / "corpus", args.tokens))
    big = write_big(args.out / "big.txt")
    print(f"big article: {len(big.text):,} chars, {len(big.mentions):,} mentions")


if __name__ == "__main__":
    main()
