"""The analysis on the sample article: agreement with the gold file, and the invariants."""

from __future__ import annotations

import itertools
import json

import pytest

from libya_reader.analysis.model import Analysis, Group
from libya_reader.evaluation import Gold, score_analysis
from libya_reader.export import as_csv, as_markdown, as_text, render


def test_seed_agrees_with_gold(seed_analysis: Analysis, seed_gold: dict) -> None:
    scores, misses = score_analysis(seed_analysis, Gold.from_dict(seed_gold))
    for key, score in scores.items():
        assert score.precision >= 0.95, (key, misses)
        assert score.recall >= 0.95, (key, misses)


@pytest.mark.parametrize("name", ["Tarhouna", "Sabratha", "Surman", "al-Asabaa", "Tripoli"])
def test_towns_the_plain_model_misreads_are_places(seed_analysis: Analysis, name: str) -> None:
    entity = seed_analysis.find(name)
    assert entity is not None and entity.group is Group.PLACE


def test_who_backs_whom(seed_analysis: Analysis) -> None:
    pairs = {(r.backer, r.faction) for r in seed_analysis.relations}
    gna, laaf = "Government of National Accord", "Libyan Arab Armed Forces"
    assert {("Turkey", gna), ("Italy", gna), ("Qatar", gna)} <= pairs
    assert {
        ("France", laaf),
        ("Russia", laaf),
        ("Jordan", laaf),
        ("United Arab Emirates", laaf),
    } <= pairs
    turkey = seed_analysis.find("Turkey")
    assert turkey is not None and turkey.group is Group.BACKER and turkey.backs == [gna]
    for relation in seed_analysis.relations:
        assert relation.backer in relation.evidence or relation.backer == "United Arab Emirates"


def test_aliases_merge_into_one_entity(seed_analysis: Analysis) -> None:
    hifter = seed_analysis.find("Khalifa Hifter")
    assert hifter is not None and "Hifter" in hifter.aliases
    gna = seed_analysis.find("Government of National Accord")
    assert gna is not None
    assert {"U.N.-supported government", "Tripoli government"} <= set(gna.aliases)


def test_mentions_are_exact_sorted_and_disjoint(seed_analysis: Analysis, seed_article) -> None:  # type: ignore[no-untyped-def]
    pairs = seed_analysis.mentions()
    for mention, _ in pairs:
        assert seed_article.text[mention.start : mention.end] == mention.text
    for (first, _), (second, _) in itertools.pairwise(pairs):
        assert first.end <= second.start


def test_json_contract_and_round_trip(seed_analysis: Analysis, seed_article) -> None:  # type: ignore[no-untyped-def]
    data = json.loads(render(seed_analysis, seed_article, "json"))
    assert set(data) == {"title", "source", "entities", "relations"}
    assert data["source"] == "AP"
    for entity in data["entities"]:
        assert set(entity) == {"name", "group", "aliases", "mentions", "backs"}
        assert entity["group"] in {g.value for g in Group}
        for mention in entity["mentions"]:
            assert set(mention) == {"start", "end", "text"}
    for relation in data["relations"]:
        assert set(relation) == {"backer", "faction", "evidence"}
    again = Analysis.from_dict(data)
    assert again.to_dict() == seed_analysis.to_dict()


def test_other_formats(seed_analysis: Analysis, seed_article) -> None:  # type: ignore[no-untyped-def]
    text = as_text(seed_analysis)
    assert text.startswith("Factions:\nGovernment of National Accord\n")
    assert "Turkey -> Government of National Accord" in text
    markdown = as_markdown(seed_analysis, seed_article)
    assert "## Backers" in markdown and "## Relations" in markdown
    rows = as_csv(seed_analysis).splitlines()
    assert rows[0] == "name,group,mentions,backs"
    assert any(r.startswith("Tripoli,place,") for r in rows)


def test_country_without_support_is_a_place(analyser) -> None:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse(
        "CAIRO (AP) — Egypt's foreign ministry said Monday that talks would resume in Geneva. "
        "Turkey sent drones to the Government of National Accord, officials said."
    )
    egypt, turkey = analysis.find("Egypt"), analysis.find("Turkey")
    assert egypt is not None and egypt.group is Group.PLACE
    assert turkey is not None and turkey.group is Group.BACKER


def test_acronyms_are_case_sensitive(analyser) -> None:  # type: ignore[no-untyped-def]
    plain = analyser.analyse("This is a fact, the un-named official said of the amnesty.")
    assert plain.entities == []
    analysis = analyser.analyse(
        "IS fighters attacked the town. FACT rebels crossed into Chad. The UN, AP and Amnesty "
        "reported it."
    )
    names = {e.name: e.group for e in analysis.entities}
    assert names["Islamic State in Libya"] is Group.FACTION
    assert names["Front for Change and Concord in Chad"] is Group.FACTION
    assert {"United Nations", "Associated Press", "Amnesty International"} <= set(names)


def test_acronym_inside_a_capitalised_line_is_a_word(analyser) -> None:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse("WHAT IS NEXT FOR THE TOWN")
    assert analysis.find("Islamic State in Libya") is None
