"""The library store: articles, the analysis cache, the entity index, search, corrections,
and the promises that nothing is lost (transactions, two writers, a damaged file)."""

from __future__ import annotations

import multiprocessing
import os
import sys
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from libya_reader.analysis.model import Analysis, Entity, Group, Mention, Relation
from libya_reader.articles import from_text
from libya_reader.corrections import Correction, CorrectionError, apply_corrections
from libya_reader.library import Library, LibraryError, default_path, fts_query, text_sha

FP = "model@1|kb@1|code@1"

TEXT_A = (
    "TRIPOLI, Libya (AP) — Turkey sent drones to the Government of National Accord on "
    "March 3, 2020, as forces loyal to Khalifa Hifter pressed on Tarhouna. Hifter's "
    "spokesman denied it."
)
TEXT_B = (
    "BENGHAZI, Libya (Reuters) — The United Arab Emirates backed Hifter's Libyan Arab Armed "
    "Forces near Sirte on June 5, 2020, diplomats said."
)


def span(text: str, words: str, nth: int = 0) -> Mention:
    start = -1
    for _ in range(nth + 1):
        start = text.index(words, start + 1)
    return Mention(start, start + len(words), words)


def analysis_a() -> Analysis:
    t = TEXT_A
    return Analysis(
        entities=[
            Entity("Turkey", Group.BACKER, mentions=[span(t, "Turkey")], backs=["GNA"]),
            Entity(
                "Government of National Accord",
                Group.FACTION,
                aliases=["GNA"],
                mentions=[span(t, "Government of National Accord")],
                kb_id="gna",
            ),
            Entity("Khalifa Hifter", Group.PERSON, mentions=[span(t, "Khalifa Hifter")]),
            Entity("Hifter", Group.PERSON, mentions=[span(t, "Hifter", 1)]),
            Entity("Tarhouna", Group.PLACE, mentions=[span(t, "Tarhouna")]),
            Entity("TRIPOLI", Group.PLACE, mentions=[span(t, "TRIPOLI")]),
        ],
        relations=[Relation("Turkey", "GNA", "Turkey sent drones to the GNA.")],
    )


def analysis_b() -> Analysis:
    t = TEXT_B
    return Analysis(
        entities=[
            Entity(
                "United Arab Emirates",
                Group.BACKER,
                mentions=[span(t, "United Arab Emirates")],
                backs=["Libyan Arab Armed Forces"],
            ),
            Entity(
                "Libyan Arab Armed Forces",
                Group.FACTION,
                mentions=[span(t, "Libyan Arab Armed Forces")],
            ),
            Entity("Hifter", Group.PERSON, mentions=[span(t, "Hifter")]),
            Entity("Sirte", Group.PLACE, mentions=[span(t, "Sirte")]),
        ],
        relations=[Relation("United Arab Emirates", "Libyan Arab Armed Forces", "The UAE backed.")],
    )


@pytest.fixture
def library(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Library.open(tmp_path / "library.sqlite3") as lib:
        yield lib


def stocked(library: Library) -> tuple[int, int]:
    a = library.add(from_text(TEXT_A, path="/news/a.txt"))
    b = library.add(from_text(TEXT_B, path="/news/b.txt"))
    library.store_analysis(a.sha, FP, analysis_a())
    library.store_analysis(b.sha, FP, analysis_b())
    return a.id, b.id


# --- opening ----------------------------------------------------------------------------


def test_default_path_follows_the_home_variable(reader_home: Path) -> None:
    assert default_path() == reader_home / "data" / "library.sqlite3"
    with Library.open() as lib:
        assert lib.path.exists() and lib.notice is None
        mode = lib._db.execute("PRAGMA journal_mode").fetchone()[0]
        assert mode == "wal"
        assert lib._db.execute("PRAGMA user_version").fetchone()[0] >= 1
        assert lib._db.execute("PRAGMA foreign_keys").fetchone()[0] == 1


def test_reopening_keeps_everything(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as lib:
        a_id, _ = stocked(lib)
        lib.mark_read(a_id)
    with Library.open(path) as lib:
        assert lib.count() == 2 and lib.get(a_id).read  # type: ignore[union-attr]


# --- articles ---------------------------------------------------------------------------


def test_add_is_idempotent_and_keeps_the_parts(library: Library) -> None:
    article = from_text(TEXT_A, path="/news/a.txt")
    first = library.add(article)
    again = library.add(from_text(TEXT_A, path="/elsewhere/a-copy.txt"))
    assert first == again and library.count() == 1
    assert first.sha == text_sha(article.text)
    assert first.title == article.title and first.source == "AP"
    assert first.dateline == article.dateline and first.date == article.date
    assert first.words == len(TEXT_A.split()) and first.text == article.text
    assert library.find_by_sha(first.sha) == first and library.get(first.id) == first
    assert library.find_by_path("/news/a.txt") == first
    rebuilt = library.load_article(first)
    assert (rebuilt.text, rebuilt.title, rebuilt.source, rebuilt.date) == (
        article.text,
        article.title,
        article.source,
        article.date,
    )
    assert rebuilt.parts == article.parts and rebuilt.title_derived == article.title_derived


def test_summaries_carry_counts_and_read_state(library: Library) -> None:
    a_id, b_id = stocked(library)
    library.add(from_text("An article nobody analysed yet, about Misrata.", path="/c.txt"))
    library.mark_read(b_id)
    rows = {s.id: s for s in library.articles()}
    assert len(rows) == 3
    assert rows[a_id].counts[Group.PLACE] == 2 and rows[a_id].counts[Group.BACKER] == 1
    assert rows[b_id].read and not rows[a_id].read and rows[a_id].analysed
    undated = [s for s in rows.values() if s.date is None]
    assert len(undated) == 1 and not undated[0].analysed
    # Newest dateline first, undated last.
    assert [s.id for s in library.articles()][:2] == [b_id, a_id]
    library.mark_read(b_id, read=False)
    assert not library.get(b_id).read  # type: ignore[union-attr]


# --- the cache --------------------------------------------------------------------------


def test_cache_hit_and_miss_on_a_changed_fingerprint(library: Library) -> None:
    record = library.add(from_text(TEXT_A))
    assert library.cached_analysis(record.sha, FP) is None
    library.store_analysis(record.sha, FP, analysis_a())
    hit = library.cached_analysis(record.sha, FP)
    assert hit is not None and hit.to_dict() == analysis_a().to_dict()
    assert hit.find("Government of National Accord").kb_id == "gna"  # type: ignore[union-attr]
    assert library.cached_analysis(record.sha, FP + "-changed") is None
    assert library.has_analysis(record.sha, FP) and not library.has_analysis("x" * 64, FP)
    # Under any pipeline: whether the text was ever analysed.
    assert not library.has_analysis(record.sha, FP + "-changed")
    assert library.has_analysis(record.sha, None) and not library.has_analysis("x" * 64, None)


def test_the_newest_analysis_feeds_the_index(library: Library) -> None:
    record = library.add(from_text(TEXT_A))
    library.store_analysis(record.sha, "old", analysis_a())
    assert library.entity_article_count("Tarhouna") == 1
    library.store_analysis(record.sha, "new", Analysis())
    assert library.entity_article_count("Tarhouna") == 0
    assert library.cached_analysis(record.sha, "old") is not None  # older ones are kept


def test_analysis_stored_before_the_article_is_indexed_when_it_arrives(library: Library) -> None:
    library.store_analysis(text_sha(TEXT_A), FP, analysis_a())
    library.add(from_text(TEXT_A))
    assert library.entity_article_count("Turkey") == 1


# --- across articles --------------------------------------------------------------------


def test_articles_with_entity_by_name_alias_and_group(library: Library) -> None:
    a_id, b_id = stocked(library)
    found = library.articles_with_entity("hifter")
    assert {f.article.id for f in found} == {a_id, b_id}
    in_a = next(f for f in found if f.article.id == a_id)
    assert in_a.first == TEXT_A.index("Hifter", TEXT_A.index("Hifter") + 1)
    by_alias = library.articles_with_entity("GNA")
    assert [f.article.id for f in by_alias] == [a_id]
    assert by_alias[0].first == TEXT_A.index("Government of National Accord")
    assert library.articles_with_entity("Hifter", Group.PLACE) == []
    assert library.entity_article_count("Hifter") == 2
    assert library.entity_article_count("Nobody") == 0


def test_overview_ranks_groups_and_lists_relations(library: Library) -> None:
    a_id, _ = stocked(library)
    overview = library.overview()
    people = overview.groups[Group.PERSON]
    assert people[0].name == "Hifter" and people[0].articles == 2 and people[0].mentions == 2
    assert {s.name for s in overview.groups[Group.PLACE]} == {"Tarhouna", "TRIPOLI", "Sirte"}
    pairs = {(r.backer, r.faction): r for r in overview.relations}
    assert set(pairs) == {("Turkey", "GNA"), ("United Arab Emirates", "Libyan Arab Armed Forces")}
    assert pairs["Turkey", "GNA"].article_ids == (a_id,)
    assert pairs["Turkey", "GNA"].evidence[0].sentence == "Turkey sent drones to the GNA."
    assert len(library.overview(limit=1).groups[Group.PLACE]) == 1


# --- search -----------------------------------------------------------------------------


def test_search_ranks_by_words_and_entity_names(library: Library) -> None:
    a_id, b_id = stocked(library)
    hits = library.search("drones")
    assert [h.article.id for h in hits] == [a_id]
    assert "drones" in hits[0].snippet
    marked = library.search("drones", mark=("«", "»"))
    assert "«drones»" in marked[0].snippet
    assert {h.article.id for h in library.search("Hifter")} == {a_id, b_id}
    # An alias is searchable even where the text only spells the full name.
    assert [h.article.id for h in library.search("GNA")] == [a_id]
    assert [h.article.id for h in library.search("Sirt")] == [b_id]  # the last word is a prefix
    assert library.search("drones Sirte") == []


@pytest.mark.parametrize(
    "query",
    ['"', "AND", "OR NOT (", "NEAR(", "title:", "*", "-", 'a"b', "^x", "'''", "", "   ", "{x}"],
)
def test_search_never_fails_on_fts_syntax(library: Library, query: str) -> None:
    stocked(library)
    assert isinstance(library.search(query), list)


def test_fts_query_quotes_every_term() -> None:
    assert fts_query('Hifter "AND" NOT') == '"Hifter" "AND" "NOT"*'
    assert fts_query("?!") is None


# --- corrections ------------------------------------------------------------------------


def test_move() -> None:
    fixed = apply_corrections(analysis_a(), [Correction("move", "tripoli", "faction")])
    assert fixed.find("TRIPOLI").group is Group.FACTION  # type: ignore[union-attr]
    # Moving a backer away drops what it backs.
    moved = apply_corrections(analysis_a(), [Correction("move", "Turkey", "place")])
    assert moved.find("Turkey").backs == [] and moved.relations == []  # type: ignore[union-attr]


def test_rename_keeps_the_old_name_as_an_alias_and_follows_references() -> None:
    fixed = apply_corrections(analysis_a(), [Correction("rename", "Turkey", "Türkiye")])
    entity = fixed.find("Türkiye")
    assert entity is not None and "Turkey" in entity.aliases and fixed.find("Turkey") is None
    assert fixed.relations[0].backer == "Türkiye"
    # A later correction can name it either way.
    hidden = apply_corrections(
        analysis_a(),
        [Correction("rename", "Turkey", "Türkiye"), Correction("hide", "Turkey")],
    )
    assert hidden.find("Türkiye") is None


def test_rename_to_a_name_already_taken_merges() -> None:
    fixed = apply_corrections(analysis_a(), [Correction("rename", "Hifter", "khalifa hifter")])
    people = fixed.by_group(Group.PERSON)
    assert [p.name for p in people] == ["Khalifa Hifter"] and len(people[0].mentions) == 2


def test_merge_keeps_mentions_disjoint_and_sorted() -> None:
    original = analysis_a()
    fixed = apply_corrections(original, [Correction("merge", "Hifter", "Khalifa Hifter")])
    person = fixed.find("Khalifa Hifter")
    assert person is not None and fixed.find("Hifter") is None
    assert [m.start for m in person.mentions] == sorted(m.start for m in person.mentions)
    assert len(person.mentions) == 2 and "Hifter" in person.aliases
    starts = [m.start for m, _ in fixed.mentions()]
    assert len(starts) == len(set(starts)) == len(original.mentions())
    assert original.find("Hifter") is not None  # the input is left alone


def test_merge_overlapping_mentions_drop_the_overlap() -> None:
    a = Entity("A", Group.PERSON, mentions=[Mention(0, 10, "x" * 10), Mention(30, 35, "y" * 5)])
    b = Entity("B", Group.PERSON, mentions=[Mention(5, 12, "z" * 7), Mention(20, 25, "w" * 5)])
    fixed = apply_corrections(Analysis([a, b]), [Correction("merge", "A", "B")])
    assert [(m.start, m.end) for m in fixed.entities[0].mentions] == [(0, 10), (20, 25), (30, 35)]


def test_merge_without_the_target_renames() -> None:
    fixed = apply_corrections(analysis_b(), [Correction("merge", "Hifter", "Khalifa Hifter")])
    assert fixed.find("Khalifa Hifter") is not None and fixed.find("Hifter") is None


def test_merge_by_alias_and_back_references() -> None:
    fixed = apply_corrections(
        analysis_a(), [Correction("merge", "Tripoli government", "GNA")]
    )  # no such entity: nothing happens
    assert fixed.to_dict() == analysis_a().to_dict()
    into_faction = apply_corrections(
        analysis_a(), [Correction("rename", "GNA", "Government of National Accord")]
    )
    assert into_faction.find("Government of National Accord") is not None


def test_hide_removes_the_entity_its_backs_and_relations() -> None:
    fixed = apply_corrections(analysis_a(), [Correction("hide", "GNA")])
    assert fixed.find("Government of National Accord") is None
    assert fixed.find("Turkey").backs == [] and fixed.relations == []  # type: ignore[union-attr]


def test_bad_corrections_are_refused() -> None:
    with pytest.raises(CorrectionError):
        Correction("move", "Turkey", "planet")
    with pytest.raises(CorrectionError):
        Correction("rename", "Turkey")
    with pytest.raises(CorrectionError):
        Correction("explode", "Turkey")  # type: ignore[arg-type]


def test_corrections_persist_apply_everywhere_and_undo(tmp_path: Path) -> None:
    path = tmp_path / "lib.sqlite3"
    with Library.open(path) as lib:
        _, b_id = stocked(lib)
        stored = lib.add_correction(Correction("merge", "Hifter", "Khalifa Hifter"))
        assert stored.id is not None and stored.created is not None
        lib.add_correction(Correction("move", "Sirte", "faction"))
    with Library.open(path) as lib:
        assert [c.kind for c in lib.corrections()] == ["merge", "move"]
        # Both articles now name Khalifa Hifter, the index and the overview agree.
        assert lib.entity_article_count("Khalifa Hifter") == 2
        assert lib.entity_article_count("Hifter") == 2  # an alias now
        assert lib.articles_with_entity("Sirte", Group.FACTION)[0].article.id == b_id
        current = lib.current_analysis(b_id)
        assert current is not None and current.find("Khalifa Hifter") is not None
        # After a re-analysis the corrections still hold.
        record = lib.get(b_id)
        assert record is not None
        lib.store_analysis(record.sha, "new-pipeline", analysis_b())
        assert (
            lib.corrected(lib.cached_analysis(record.sha, "new-pipeline"))
            .find(  # type: ignore[arg-type, union-attr]
                "Sirte"
            )
            .group
            is Group.FACTION
        )
        undone = lib.undo_last_correction()
        assert undone is not None and undone.kind == "move"
        assert lib.articles_with_entity("Sirte", Group.FACTION) == []
        assert lib.undo_last_correction().kind == "merge"  # type: ignore[union-attr]
        assert lib.undo_last_correction() is None
        assert lib.overview().groups[Group.PERSON][0].name == "Hifter"


# --- nothing lost -----------------------------------------------------------------------


def test_a_failed_write_leaves_nothing_half_done(library: Library) -> None:
    record = library.add(from_text(TEXT_A))

    class Boom(Exception):
        pass

    with pytest.raises(Boom), library._write() as db:
        db.execute("UPDATE articles SET title = 'changed' WHERE id = ?", (record.id,))
        raise Boom
    assert library.get(record.id).title == record.title  # type: ignore[union-attr]


def test_a_damaged_file_is_moved_aside_and_rebuilt(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    with Library.open(path) as lib:
        stocked(lib)
    garbage = os.urandom(8192)
    path.write_bytes(garbage)
    with Library.open(path) as lib:
        assert lib.count() == 0
        assert lib.notice is not None and "damaged" in lib.notice and "\n" not in lib.notice
        kept = list(tmp_path.glob("library.sqlite3.damaged-*"))
        assert [p.name for p in kept if not p.name.endswith(("-wal", "-shm"))]
        main = next(p for p in kept if not p.name.endswith(("-wal", "-shm")))
        assert main.read_bytes() == garbage and main.name in lib.notice
        lib.add(from_text(TEXT_A))
    with Library.open(path) as lib:
        assert lib.count() == 1 and lib.notice is None


def test_garbage_over_the_pages_of_a_real_file(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    with Library.open(path) as lib:
        for n in range(40):
            lib.add(from_text(f"Article {n} about Sirte. " + "Words of the report. " * 200))
        lib._db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = bytearray(path.read_bytes())
    data[4096 * 2 : 4096 * 6] = os.urandom(4096 * 4)  # past the header: pages are damaged
    path.write_bytes(bytes(data))
    with Library.open(path) as lib:
        assert lib.notice is not None and lib.count() == 0


def test_a_folder_that_cannot_be_written_is_one_clear_error(tmp_path: Path) -> None:
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("a file where the data folder should be")
    with pytest.raises(LibraryError) as caught:
        Library.open(blocker / "library.sqlite3")
    message = str(caught.value)
    assert "\n" not in message and str(blocker) in message


@pytest.mark.skipif(
    sys.platform == "win32" or os.geteuid() == 0, reason="root writes through permissions"
)
def test_a_read_only_folder_is_one_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    try:
        with pytest.raises(LibraryError) as caught:
            Library.open(folder / "library.sqlite3")
        assert "\n" not in str(caught.value)
    finally:
        folder.chmod(0o755)


def _writer(path: str, worker: int, count: int) -> None:
    with Library.open(Path(path)) as lib:
        for n in range(count):
            text = f"Report {worker}-{n} from Misrata on the fighting near Sirte."
            record = lib.add(from_text(text))
            analysis = Analysis([Entity("Sirte", Group.PLACE, mentions=[span(text, "Sirte")])])
            lib.store_analysis(record.sha, FP, analysis)
            if n % 10 == 0:
                lib.mark_read(record.id)


def test_two_processes_writing_at_once(tmp_path: Path) -> None:
    path = tmp_path / "library.sqlite3"
    context = multiprocessing.get_context("spawn")
    count = 60
    workers = [context.Process(target=_writer, args=(str(path), w, count)) for w in (1, 2)]
    for process in workers:
        process.start()
    for process in workers:
        process.join(120)
        assert process.exitcode == 0
    with Library.open(path) as lib:
        assert lib.notice is None and lib.count() == 2 * count
        assert lib._db.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        assert lib.entity_article_count("Sirte") == 2 * count
        assert len(lib.search("Misrata", limit=500)) == 2 * count
        assert sum(s.read for s in lib.articles()) == 2 * (count // 10)


def test_hide_and_undo_across_the_library(library: Library) -> None:
    a_id, b_id = stocked(library)
    library.add_correction(Correction("hide", "Hifter"))
    assert library.entity_article_count("Hifter") == 0
    assert library.articles()[0].counts[Group.PERSON] == 0  # b: Hifter was its only person
    assert library.undo_last_correction() is not None
    assert {f.article.id for f in library.articles_with_entity("Hifter")} == {a_id, b_id}


def test_a_correction_applies_to_articles_added_later(library: Library) -> None:
    library.add_correction(Correction("rename", "Sirte", "Surt"))
    _, b_id = stocked(library)
    assert [f.article.id for f in library.articles_with_entity("Surt")] == [b_id]
    assert [h.article.id for h in library.search("Surt")] == [b_id]


NAMES = ["Turkey", "GNA", "Government of National Accord", "Khalifa Hifter", "Hifter", "Tarhouna"]


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.builds(
                Correction, st.just("move"), st.sampled_from(NAMES), st.sampled_from(list(Group))
            ),
            st.builds(
                Correction, st.just("rename"), st.sampled_from(NAMES), st.sampled_from(NAMES)
            ),
            st.builds(Correction, st.just("merge"), st.sampled_from(NAMES), st.sampled_from(NAMES)),
            st.builds(Correction, st.just("hide"), st.sampled_from(NAMES)),
        ),
        max_size=6,
    )
)
def test_any_corrections_keep_mentions_disjoint_and_sorted(corrections: list[Correction]) -> None:
    fixed = apply_corrections(analysis_a(), corrections)
    spans = [m for e in fixed.entities for m in e.mentions]
    for entity in fixed.entities:
        assert entity.mentions == sorted(entity.mentions)
    ordered = sorted(spans)
    assert all(a.end <= b.start for a, b in pairwise(ordered))
    keys = [(e.name.casefold(), e.group) for e in fixed.entities]
    assert len(keys) == len(set(keys))
    assert len(spans) <= len(analysis_a().mentions())
