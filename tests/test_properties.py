"""Property tests: arbitrary bytes and text in, the loader's and the analysis' promises out.

Example counts are kept small so the file runs in seconds; the fuzz target (fuzz/) is the
place for long runs.
"""

from __future__ import annotations

import itertools
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from libya_reader.analysis.analyser import _PARAGRAPH as _ANALYSIS_PARAGRAPH
from libya_reader.analysis.model import Analysis, Entity, Group, Mention, Relation
from libya_reader.articles import (
    _DATE,
    _TRANSLATE,
    Article,
    ArticleError,
    _dates,
    _paragraphs,
    decode,
    from_text,
    sanitise,
)
from libya_reader.export import render

FAST = settings(max_examples=150, deadline=None)


def is_clean(text: str) -> bool:
    """No character that could act on a terminal: the sanitiser's whole contract."""
    for ch in text:
        code = ord(ch)
        if ch == "\n":
            continue
        if code < 0x20 or 0x7F <= code < 0xA0 or 0xD800 <= code < 0xE000:
            return False
        if 0x202A <= code <= 0x202E or 0x2066 <= code <= 0x2069:
            return False
    return True


# Text that is likely to hit the edges: controls, escapes, line endings, bidi, surrogates.
nasty_chars = st.sampled_from(
    ["\x1b", "\x9b", "\x00", "\r", "\r\n", "\n", "\n\n", "\u2028", "\u2029", "\u202e", "\t"]
)
nasty_text = st.lists(
    st.one_of(st.text(max_size=8), nasty_chars, st.just("\ud800")), max_size=30
).map("".join)


@FAST
@given(st.binary(max_size=2048))
def test_decode_gives_text_or_one_line_error(data: bytes) -> None:
    try:
        text = decode(data, "x.txt")
    except ArticleError as exc:
        assert "\n" not in str(exc) and str(exc).startswith("x.txt: ")
        return
    assert isinstance(text, str)
    assert is_clean(sanitise(text))


@FAST
@given(nasty_text)
def test_sanitise_is_clean_and_one_for_one(text: str) -> None:
    clean = sanitise(text)
    assert is_clean(clean)
    # one for one after line endings are normalised: offsets never shift
    normalised = text.replace("\r\n", "\n").replace("\r", "\n")
    assert len(clean) == len(normalised)
    assert sanitise(clean) == clean  # idempotent: saving and reloading changes nothing


def sanitise_by_hand(text: str) -> str:
    """The sanitiser's contract, one character at a time: the oracle for its fast path."""
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    return "".join(_TRANSLATE.get(ord(ch), ch) for ch in text)


@FAST
@given(nasty_text)
def test_sanitise_fast_path_equals_the_plain_definition(text: str) -> None:
    assert sanitise(text) == sanitise_by_hand(text)


@FAST
@given(st.lists(st.sampled_from(["a", "b c", " ", "\t", "\n", "\n\n", "\n \n", "é"])).map("".join))
def test_paragraphs_equal_the_one_character_at_a_time_definition(text: str) -> None:
    slow = re.compile(r"[^\n](?:.|\n(?!\s*\n))*")
    assert _paragraphs(text) == [m.span() for m in slow.finditer(text)]


@FAST
@given(st.lists(st.sampled_from(["a", "b c", " ", "\t", "\n", "\n\n", "\n \n", "é"])).map("".join))
def test_analysis_pieces_equal_the_one_character_at_a_time_definition(text: str) -> None:
    slow = re.compile(r"\S(?:.|\n(?![ \t]*\n))*")
    pieces = [m.span() for m in _ANALYSIS_PARAGRAPH.finditer(text)]
    assert pieces == [m.span() for m in slow.finditer(text)]


@FAST
@given(
    st.lists(
        st.sampled_from(["May 5, 2020", "Sept. 30, 2019", "X", "_", "é", " ", "\n", "9", "Mar"])
    ).map("".join)
)
def test_dates_equal_the_word_boundary_definition(text: str) -> None:
    slow = re.compile(r"\b" + _DATE.pattern)
    assert [m.span() for m in _dates(text)] == [m.span() for m in slow.finditer(text)]


@FAST
@given(nasty_text)
def test_from_text_parts_cover_the_text(raw: str) -> None:
    try:
        article = from_text(raw)
    except ArticleError as exc:
        assert not sanitise(raw).strip() and "\n" not in str(exc)
        return
    text = article.text
    assert is_clean(text) and is_clean(article.title) and "\n" not in article.title
    previous_end = 0
    for part in article.parts:
        assert previous_end <= part.start < part.end <= len(text)
        previous_end = part.end
    covered = set(itertools.chain.from_iterable(range(p.start, p.end) for p in article.parts))
    assert all(i in covered for i, ch in enumerate(text) if not ch.isspace())


names = st.text(min_size=1, max_size=20)


@st.composite
def analyses(draw: st.DrawFn) -> Analysis:
    entities = []
    for name in draw(st.lists(names, max_size=6, unique=True)):
        spans = draw(st.lists(st.tuples(st.integers(0, 500), st.integers(1, 30)), max_size=5))
        mentions = [Mention(start, start + size, draw(names)) for start, size in sorted(spans)]
        entities.append(
            Entity(
                name,
                draw(st.sampled_from(list(Group))),
                aliases=draw(st.lists(names, max_size=3)),
                mentions=mentions,
                backs=draw(st.lists(names, max_size=2)),
            )
        )
    relations = draw(st.lists(st.builds(Relation, names, names, st.text(max_size=60)), max_size=3))
    return Analysis(entities=entities, relations=relations)


@FAST
@given(analyses())
def test_analysis_json_round_trip(analysis: Analysis) -> None:
    data = json.loads(json.dumps(analysis.to_dict()))
    again = Analysis.from_dict(data)
    assert again.to_dict() == analysis.to_dict()


@FAST
@given(analyses(), nasty_text, st.one_of(st.none(), nasty_text))
def test_entities_json_output_is_always_valid(analysis: Analysis, title: str, source) -> None:  # type: ignore[no-untyped-def]
    article = Article(text="x", title=sanitise(title), source=source and sanitise(source))
    output = render(analysis, article, "json")
    data = json.loads(output)
    assert data["title"] == article.title and data["source"] == article.source
    assert Analysis.from_dict(data).to_dict() == analysis.to_dict()


# --- the real analysis over arbitrary short texts ------------------------------------------

WORDS = [
    "Tripoli",
    "Sirte",
    "Misrata",
    "Turkey",
    "Russia",
    "Khalifa Hifter",
    "Hifter",
    "GNA",
    "Government of National Accord",
    "Libyan National Army",
    "Wagner",
    "backs",
    "supports",
    "the",
    "forces",
    "said",
    "in",
    "and",
    ".",
    ",",
    "—",
    "\n",
    "\n\n",
]
short_articles = st.lists(
    st.one_of(st.sampled_from(WORDS), st.text(max_size=6)), min_size=1, max_size=40
).map(" ".join)


@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(raw=short_articles)
def test_real_analysis_mentions_are_inside_sorted_and_disjoint(analyser, raw: str) -> None:  # type: ignore[no-untyped-def]
    try:
        article = from_text(raw)
    except ArticleError:
        return
    text = article.text
    analysis = analyser.analyse(text)
    every = []
    for entity in analysis.entities:
        assert entity.mentions == sorted(entity.mentions)
        for mention in entity.mentions:
            assert 0 <= mention.start < mention.end <= len(text)
            assert text[mention.start : mention.end] == mention.text
        every.extend(entity.mentions)
    every.sort()
    for before, after in itertools.pairwise(every):
        assert before.end <= after.start, (before, after)
    data = json.loads(render(analysis, article, "json"))
    assert Analysis.from_dict(data).to_dict() == analysis.to_dict()


# --- the fuzz target, replayed over its seed corpus -----------------------------------------


def test_fuzz_target_over_its_seed_corpus() -> None:
    import runpy

    from .conftest import ROOT

    target = runpy.run_path(str(ROOT / "fuzz" / "fuzz_loader.py"))  # not run as __main__
    corpus = ROOT / "fuzz" / "corpus"
    assert target["replay"]([corpus]) == len(list(corpus.iterdir())) >= 10
