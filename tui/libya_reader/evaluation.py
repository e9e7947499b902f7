"""Scores an analysis against hand-checked gold files: precision, recall, F1 per group.

A gold file (NAME.json) lists factions, places, backers and people with their aliases, as
in eval/seed/; the article is NAME.txt beside it. An entity found counts once: a second
entity matching the same gold item is a false positive, and items marked optional count
neither way. The baseline is plain spaCy NER mapped onto the groups.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from libya_reader.analysis.model import Analysis, Group
from libya_reader.articles import load_article

SCORED = (Group.FACTION, Group.PLACE, Group.BACKER, Group.PERSON)
_GOLD_KEYS = {
    Group.FACTION: "factions",
    Group.PLACE: "places",
    Group.PERSON: "people",
    Group.ORGANIZATION: "organizations",
}
BASELINE_LABELS = {
    "GPE": Group.PLACE,
    "LOC": Group.PLACE,
    "FAC": Group.PLACE,
    "ORG": Group.FACTION,
    "PERSON": Group.PERSON,
}


def norm(text: str) -> str:
    text = " ".join(text.replace("’", "'").casefold().split())
    text = re.sub(r"^the ", "", text)
    return re.sub(r"'s?$", "", text).strip()


@dataclass(frozen=True, slots=True)
class GoldItem:
    forms: frozenset[str]
    optional: bool


@dataclass(slots=True)
class Gold:
    items: dict[Group, list[GoldItem]]
    relations: list[tuple[frozenset[str], frozenset[str], bool]]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Gold:
        items: dict[Group, list[GoldItem]] = {g: [] for g in Group}
        for group, key in _GOLD_KEYS.items():
            for item in data.get(key, []):
                forms = frozenset(norm(f) for f in [item["name"], *item.get("aliases", [])])
                items[group].append(GoldItem(forms, bool(item.get("optional"))))
        factions = {norm(i["name"]): i for i in data.get("factions", [])}
        backers: dict[str, bool] = {}
        relations = []
        for item in data.get("backers", []):
            optional = bool(item.get("optional"))
            name = norm(item["name"])
            backers[name] = backers.get(name, True) and optional
            faction = factions.get(norm(item["backs"]))
            faction_forms = {norm(item["backs"])}
            if faction is not None:
                faction_forms |= {norm(a) for a in faction.get("aliases", [])}
            relations.append((frozenset({name}), frozenset(faction_forms), optional))
        items[Group.BACKER] = [GoldItem(frozenset({n}), opt) for n, opt in backers.items()]
        return cls(items, relations)


@dataclass(slots=True)
class Score:
    tp: int = 0  # gold items found
    gold: int = 0
    correct: int = 0  # predictions that are right
    predicted: int = 0

    @property
    def precision(self) -> float:
        return self.correct / self.predicted if self.predicted else 1.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def add(self, other: Score) -> None:
        self.tp += other.tp
        self.gold += other.gold
        self.correct += other.correct
        self.predicted += other.predicted


@dataclass(slots=True)
class Report:
    files: list[str] = field(default_factory=list)
    system: dict[str, Score] = field(default_factory=dict)
    baseline: dict[str, Score] | None = None
    misses: list[str] = field(default_factory=list)


Predicted = dict[Group, list[frozenset[str]]]


def predicted_forms(
    analysis: Analysis,
) -> tuple[Predicted, list[tuple[frozenset[str], frozenset[str]]]]:
    forms: Predicted = {g: [] for g in Group}
    by_name: dict[str, frozenset[str]] = {}
    for entity in analysis.entities:
        names = {entity.name, *entity.aliases, *(m.text for m in entity.mentions)}
        entity_forms = frozenset(norm(n) for n in names)
        forms[entity.group].append(entity_forms)
        by_name[entity.name] = entity_forms
    relations = [
        (
            by_name.get(r.backer, frozenset({norm(r.backer)})),
            by_name.get(r.faction, frozenset({norm(r.faction)})),
        )
        for r in analysis.relations
    ]
    return forms, relations


def score_group(found: Iterable[frozenset[str]], gold: list[GoldItem]) -> tuple[Score, list[str]]:
    score = Score(gold=sum(not g.optional for g in gold))
    matched: set[int] = set()
    misses = []
    for forms in found:
        hit = next((i for i, g in enumerate(gold) if g.forms & forms), None)
        if hit is None:
            score.predicted += 1
            misses.append(f"extra {sorted(forms)[0]!r}")
        elif gold[hit].optional:
            continue
        else:
            score.predicted += 1
            if hit not in matched:
                score.correct += 1
                matched.add(hit)
            else:
                misses.append(f"duplicate {sorted(forms)[0]!r}")
    score.tp = len(matched)
    misses += [
        f"missed {sorted(g.forms)[0]!r}"
        for i, g in enumerate(gold)
        if not g.optional and i not in matched
    ]
    return score, misses


def score_relations(
    found: list[tuple[frozenset[str], frozenset[str]]],
    gold: list[tuple[frozenset[str], frozenset[str], bool]],
) -> tuple[Score, list[str]]:
    score = Score(gold=sum(not opt for *_, opt in gold))
    matched: set[int] = set()
    misses = []
    for backer, faction in found:
        hit = next((i for i, (b, f, _) in enumerate(gold) if b & backer and f & faction), None)
        if hit is not None and gold[hit][2]:
            continue
        score.predicted += 1
        if hit is None:
            misses.append(f"extra relation {sorted(backer)[0]!r} -> {sorted(faction)[0]!r}")
        elif hit not in matched:
            score.correct += 1
            matched.add(hit)
    score.tp = len(matched)
    misses += [
        f"missed relation {sorted(b)[0]!r} -> {sorted(f)[0]!r}"
        for i, (b, f, opt) in enumerate(gold)
        if not opt and i not in matched
    ]
    return score, misses


def score_analysis(analysis: Analysis, gold: Gold) -> tuple[dict[str, Score], list[str]]:
    forms, relations = predicted_forms(analysis)
    scores: dict[str, Score] = {}
    misses: list[str] = []
    for group in SCORED:
        scores[group.plural], group_misses = score_group(forms[group], gold.items[group])
        misses += [f"{group.plural}: {m}" for m in group_misses]
    scores["relations"], relation_misses = score_relations(relations, gold.relations)
    misses += relation_misses
    return scores, misses


def baseline_analysis(nlp: Any, text: str) -> Analysis:
    """Plain spaCy NER onto the groups, one entity per distinct text: what we must beat."""
    from libya_reader.analysis.model import Entity, Mention

    entities: dict[tuple[Group, str], Entity] = {}
    for ent in nlp(text).ents:
        group = BASELINE_LABELS.get(ent.label_)
        if group is None:
            continue
        entity = entities.setdefault((group, ent.text), Entity(ent.text, group))
        entity.mentions.append(Mention(ent.start_char, ent.end_char, ent.text))
    return Analysis(entities=list(entities.values()))


def gold_pairs(directories: Sequence[Path]) -> list[tuple[Path, Path]]:
    pairs = []
    for directory in directories:
        for gold in sorted(directory.glob("*.json")):
            text = gold.with_suffix(".txt")
            if text.exists():
                pairs.append((gold, text))
    return pairs


def evaluate_dirs(
    directories: Sequence[Path], model: str | None = None, baseline: bool = True
) -> Report:
    from libya_reader.analysis.analyser import Analyser

    analyser = Analyser(model)
    report = Report(system={}, baseline={} if baseline else None)
    plain = None
    if baseline:
        import spacy

        plain = spacy.load(analyser.pipeline.model, exclude=["lemmatizer"])
    for gold_path, text_path in gold_pairs(directories):
        gold = Gold.from_dict(json.loads(gold_path.read_text(encoding="utf-8")))
        article = load_article(text_path)
        scores, misses = score_analysis(analyser.analyse(article.text), gold)
        report.files.append(str(text_path))
        report.misses += [f"{text_path.name}: {m}" for m in misses]
        for key, score in scores.items():
            report.system.setdefault(key, Score()).add(score)
        if plain is not None and report.baseline is not None:
            base_scores, _ = score_analysis(baseline_analysis(plain, article.text), gold)
            for key, score in base_scores.items():
                report.baseline.setdefault(key, Score()).add(score)
    return report


def format_report(report: Report) -> str:
    lines = [f"{len(report.files)} articles", ""]
    header = f"{'':<14}{'P':>7}{'R':>7}{'F1':>7}"
    if report.baseline is not None:
        header += f"   {'baseline P':>10}{'R':>7}{'F1':>7}"
    lines.append(header)
    for key, score in report.system.items():
        line = f"{key:<14}{score.precision:>7.3f}{score.recall:>7.3f}{score.f1:>7.3f}"
        if report.baseline is not None:
            base = report.baseline.get(key, Score())
            line += f"   {base.precision:>10.3f}{base.recall:>7.3f}{base.f1:>7.3f}"
        lines.append(line)
    if report.misses:
        lines += ["", "Differences from gold:", *(f"  {m}" for m in report.misses)]
    return "\n".join(lines)
