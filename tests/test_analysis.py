"""The analysis on the sample article: agreement with the gold file, and the invariants."""

from __future__ import annotations

import itertools
import json
from pathlib import Path

import pytest

from libya_reader.analysis.model import Analysis, Group
from libya_reader.articles import load_article
from libya_reader.evaluation import Gold, Score, gold_pairs, score_analysis
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


# --- issue 3: the development set, and one short sentence per rule ----------------------

DEVSET = Path(__file__).resolve().parent.parent / "eval" / "devset"


def test_devset_scores_at_least_0_9(analyser) -> None:  # type: ignore[no-untyped-def]
    totals: dict[str, Score] = {}
    misses: list[str] = []
    for gold_path, text_path in gold_pairs([DEVSET]):
        gold = Gold.from_dict(json.loads(gold_path.read_text(encoding="utf-8")))
        scores, found = score_analysis(analyser.analyse(load_article(text_path).text), gold)
        misses += [f"{text_path.name}: {m}" for m in found]
        for key, score in scores.items():
            totals.setdefault(key, Score()).add(score)
    assert len(totals) == 5
    for key, score in totals.items():
        assert score.f1 >= 0.9, (key, score.f1, misses)


def _pairs(analyser, text: str) -> set[tuple[str, str]]:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse(text)
    for relation in analysis.relations:
        assert relation.evidence and relation.evidence in text  # the sentence that says it
    return {(r.backer, r.faction) for r in analysis.relations}


GNA, LNA = "Government of National Accord", "Libyan Arab Armed Forces"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "The Government of National Accord, which Turkey supports, held the city.",
            {("Turkey", GNA)},
        ),
        ("Qatar, which backs the Government of National Accord, said nothing.", {("Qatar", GNA)}),
        (
            "The Libyan National Army, which receives drones from the United Arab Emirates, "
            "advanced on the town.",
            {("United Arab Emirates", LNA)},
        ),
        (
            "The Libyan National Army's backers include Russia and Egypt.",
            {("Russia", LNA), ("Egypt", LNA)},
        ),
        ("Turkey has supplied the Government of National Accord with drones.", {("Turkey", GNA)}),
        ("The Government of National Accord relies on support from Turkey.", {("Turkey", GNA)}),
        (
            "Egypt and the United Arab Emirates back the Libyan National Army.",
            {("Egypt", LNA), ("United Arab Emirates", LNA)},
        ),
        (
            "Russia and the United Arab Emirates, the main supporters of the Libyan National "
            "Army, welcomed the deal.",
            {("Russia", LNA), ("United Arab Emirates", LNA)},
        ),
        (
            "The army is backed by France, Jordan and Egypt, which has supplied the Libyan "
            "National Army with jets.",
            {("Egypt", LNA)},
        ),
        ("Rebels accuse Qatar of arming Libya Dawn.", {("Qatar", "Libya Dawn")}),
        (
            "Analysts said the Wagner Group, a Russia-backed private company, had jets.",
            {("Russia", "Wagner Group")},
        ),
    ],
)
def test_relation_shapes(analyser, text: str, expected: set[tuple[str, str]]) -> None:  # type: ignore[no-untyped-def]
    assert expected <= _pairs(analyser, text)


@pytest.mark.parametrize(
    "text",
    [
        "Egypt sent humanitarian aid to the Government of National Accord.",
        "The Government of National Accord received a visit from Italy's foreign minister.",
        "Turkey, which hosted the talks, said the Government of National Accord would attend.",
    ],
)
def test_not_backing(analyser, text: str) -> None:  # type: ignore[no-untyped-def]
    assert _pairs(analyser, text) == set()


def test_definite_reference_names_the_faction_before_it(analyser) -> None:  # type: ignore[no-untyped-def]
    text = (
        "The Rapid Support Forces took the border post. The paramilitary is backed by the "
        "United Arab Emirates, officials said."
    )
    assert _pairs(analyser, text) == {("United Arab Emirates", "Rapid Support Forces")}


@pytest.mark.parametrize("phrase", ["Gadhafi's forces", "pro-Gadhafi troops"])
def test_any_leader_names_his_faction(analyser, phrase: str) -> None:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse(f"MISRATA, Libya (AP) — On May 2, 2011, {phrase} shelled the port.")
    forces = analysis.find("Gadhafi forces")
    assert forces is not None and forces.group is Group.FACTION
    assert [m.text for m in forces.mentions] == [phrase]


def test_places_by_shape(analyser) -> None:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse(
        "Families reached the settlement of Bir Tuwaila. Six bodies were taken to Abu Salim "
        "hospital, and fighting reached District 3. The GNA deployed Pantsir systems."
    )
    for name in ("Bir Tuwaila", "Abu Salim hospital", "District 3"):
        entity = analysis.find(name)
        assert entity is not None and entity.group is Group.PLACE, name
    assert all("Pantsir" not in e.name for e in analysis.entities)


def test_alliance_that_backs_no_one_is_an_organisation(analyser) -> None:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse("NATO warplanes flew over Misrata, the alliance said.")
    nato = analysis.find("NATO")
    assert nato is not None and nato.group is Group.ORGANIZATION


def test_surname_of_two_words_is_the_full_name(analyser) -> None:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse(
        'A spokesman, Akram Bin Ghuzeil, said they had won. "It is over," Bin Ghuzeil said.'
    )
    person = analysis.find("Akram Bin Ghuzeil")
    assert person is not None and len(person.mentions) == 2
    assert analysis.find("Bin Ghuzeil") is None


def test_national_mercenaries_are_the_force_that_state_backed(analyser) -> None:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse(
        "TRIPOLI, Libya (AP) — May 26, 2020. Russian mercenaries left the front, officials said."
    )
    wagner = analysis.find("Wagner Group")
    assert wagner is not None and [m.text for m in wagner.mentions] == ["Russian mercenaries"]


def test_people_known_by_their_role(analyser) -> None:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse(
        "In the town of Wishka, west of Sirte, Ramadan al-Ghirani, the head of the local "
        "council, said families would return."
    )
    person = analysis.find("Ramadan al-Ghirani")
    assert person is not None and person.group is Group.PERSON
    assert analysis.find("Wishka") is not None and analysis.find("al-Ghirani") is None


def test_fighters_named_by_their_town(analyser) -> None:  # type: ignore[no-untyped-def]
    analysis = analyser.analyse("Zawiya militiamen said they had captured the checkpoint.")
    militias = analysis.find("Zawiya militias")
    assert militias is not None and militias.group is Group.FACTION
    assert [m.text for m in militias.mentions] == ["Zawiya militiamen"]
