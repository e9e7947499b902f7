"""The fast path (parse only where a rule reads it) gives what every component everywhere gives."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from libya_reader.analysis.analyser import Analyser, paragraphs
from libya_reader.articles import load_article

EVAL = Path(__file__).resolve().parent.parent / "eval"
ARTICLES = sorted(EVAL.glob("*/*.txt"))

# One or more sentences per rule that reads the parse, and a few that read none.
SENTENCES = [
    "Turkey and Qatar back the Government of National Accord.",  # active support
    "The GNA is backed by Turkey, Italy and Qatar.",  # passive, coordinated agents
    "Along with Egypt, the LNA is backed by the United Arab Emirates.",
    "Wagner, a Russia-backed company, fought near Tripoli.",  # "X-backed"
    "Fighters from Turkey-backed units entered Tarhouna.",
    "The LNA, which Russia supports, attacked Tripoli.",  # relative clauses
    "France, Britain and Qatar, which has supplied weapons to the rebels, met in Doha.",
    "The GNA accused the UAE of arming the LNA.",  # "accuse A of arming X"
    "Egypt sent drones and mercenaries to the LNA.",  # supply, receive
    "The GNA receives drones from Turkey.",
    "The LNA's backers include Russia and Egypt.",  # backer nouns
    "Turkey is the GNA's main backer.",
    "Turkey stepped up its support for the GNA.",  # support nouns
    "The GNA relies on support from Turkey.",
    "Egypt and the UAE back Operation Dignity.",  # "back" read as an adverb
    "Ramadan al-Ghirani, the head of the council, said the talks failed.",  # people
    "Salem Abu Zaid said the road was closed.",
    "Tamer Ramadan of the Red Crescent told reporters the toll was rising.",
    "The Tripoli-based government and east-based forces traded fire.",  # descriptors
    "Hifter's forces shelled the Tripoli government in the west.",
    "Turkish-backed troops and Syrian mercenaries reached Sirte. Zawiya militiamen fled.",
    "Clashes hit Abu Salim hospital and Tripoli's international airport.",  # facilities
    "Pantsir air defence systems were seen near Bir Tuwaila and in District 3.",  # weapons
    "The council met in Sabratha, Surman and al-Asabaa. The council said nothing.",
    "Fighting in the town of Gharyan and in Murzuq went on. Bashagha spoke from Misrata.",
    "Prices of bread have doubled since February, residents said.",  # no names at all
    "It was not possible to verify the claims independently.",
    "TRIPOLI, Libya (AP) — The UN envoy arrived on Monday. (AP Photo/Hazem Ahmed)",
]


@pytest.fixture(scope="module")
def full() -> Analyser:
    return Analyser(full=True)


@pytest.fixture(scope="module")
def fast(full: Analyser) -> Analyser:
    return Analyser()


def _texts() -> list[str]:
    return [load_article(path).text for path in ARTICLES] + SENTENCES


def _json(analysis: Any) -> dict[str, Any]:
    return analysis.to_dict()  # type: ignore[no-any-return]


def test_the_eval_articles_are_there() -> None:
    assert {path.parent.name for path in ARTICLES} == {"seed", "devset", "holdout"}


@pytest.mark.parametrize("text", _texts(), ids=lambda t: t[:40])
def test_fast_equals_full(fast: Analyser, full: Analyser, text: str) -> None:
    assert _json(fast.analyse(text)) == _json(full.analyse(text))


def test_many_at_once_equals_one_at_a_time(fast: Analyser, full: Analyser) -> None:
    texts = _texts()
    together = [_json(a) for a in fast.analyse_many([*texts, "", *texts[:3]])]
    alone = [_json(full.analyse(t)) for t in [*texts, "", *texts[:3]]]
    assert together == alone


def test_steps_end_where_the_full_analysis_does(fast: Analyser, full: Analyser) -> None:
    text = "\n\n".join(_texts())
    steps = list(fast.analyse_in_steps(text, first_step=4))
    assert len(steps) > 3 and [s[1] for s in steps] == sorted(s[1] for s in steps)
    assert _json(steps[-1][0]) == _json(full.analyse(text))


def test_the_sentences_exercise_the_parse(fast: Analyser) -> None:
    """Most written sentences need the parse, so the equality above tests the parse rules."""
    from libya_reader.analysis.candidates import needs_parse
    from libya_reader.analysis.pipeline import RULER_NAME
    from libya_reader.knowledge import load_knowledge

    nlp = fast.pipeline.nlp
    ruler, ner = nlp.get_pipe(RULER_NAME), nlp.get_pipe("ner")
    wanted = []
    for sentence in SENTENCES:
        wanted.append(needs_parse(ner(ruler(nlp.make_doc(sentence))), load_knowledge()))
    assert sum(wanted) >= len(SENTENCES) - 3
    assert not wanted[SENTENCES.index("It was not possible to verify the claims independently.")]


def _paragraph_pairs(analyser: Analyser) -> Iterator[tuple[Any, ...]]:
    """Each paragraph fully parsed, read with every rule and with the parse-free rules alone,
    wherever `needs_parse` says the parse is not needed."""
    from libya_reader.analysis.candidates import needs_parse, read_paragraph
    from libya_reader.knowledge import load_knowledge

    kb = load_knowledge()
    for text in _texts():
        for _, piece in paragraphs(text):
            [(doc, parsed)] = analyser._docs([piece])
            assert parsed
            if not needs_parse(doc, kb):
                yield tuple(read_paragraph(doc, 0, kb, 2020, parsed) for parsed in (True, False))


def test_skipped_paragraphs_lose_nothing(full: Analyser) -> None:
    """The predicate itself: where it skips the parse, the parse-reading rules find nothing."""
    pairs = list(_paragraph_pairs(full))
    assert pairs, "no paragraph skips the parse: the test would prove nothing"
    for with_parse, without in pairs:
        assert with_parse == without


def test_the_ner_before_the_parse_finds_what_it_finds_after_it(full: Analyser) -> None:
    """The model's own order puts the parser first, and the NER then never runs an entity
    over a sentence start it set. Running the NER first (what makes skipping the parse exact)
    loses nothing on these articles: the same entities, paragraph by paragraph."""
    nlp = full.pipeline.nlp
    pieces = [piece for text in _texts() for _, piece in paragraphs(text)]
    model_order = [
        [(e.start, e.end, e.label_, e.kb_id_) for e in doc.ents] for doc in nlp.pipe(pieces)
    ]
    ours = [
        [(e.start, e.end, e.label_, e.kb_id_) for e in doc.ents] for doc, _ in full._docs(pieces)
    ]
    assert ours == model_order
    assert sum(map(len, ours)) > 1000


def test_full_runs_every_component(full: Analyser) -> None:
    assert full.full and not Analyser().full


def test_a_forked_helper_gives_the_same_analysis(
    full: Analyser, monkeypatch: pytest.MonkeyPatch
) -> None:
    import os

    from libya_reader.analysis.analyser import SHARED_CHUNK

    shared = Analyser(processes=2)
    forks: list[int] = []
    real_fork = os.fork

    def counted() -> int:
        forks.append(1)
        return real_fork()

    monkeypatch.setattr(os, "fork", counted)
    text = "\n\n".join(_texts())
    assert len(list(paragraphs(text))) > 2 * SHARED_CHUNK
    steps = list(shared.analyse_in_steps(text, first_step=4))
    assert forks, "the rounds were not shared"
    assert _json(steps[-1][0]) == _json(full.analyse(text))
