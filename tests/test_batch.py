"""`libya-reader add` and the cache seen from the command line.

Most tests analyse with a cheap fake (a word list), so a few hundred generated articles go
through in seconds; one small run uses the real pipeline.
"""

from __future__ import annotations

import json
import os
import random
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from libya_reader.analysis.model import Analysis, Entity, Group, Mention
from libya_reader.articles import Article, load_article
from libya_reader.batch import BatchResult, add_articles
from libya_reader.library import Library

from .conftest import SEED

ROOT = Path(__file__).resolve().parent.parent

# --- generated wire copy ----------------------------------------------------------------

PLACES = ["Tripoli", "Misrata", "Sirte", "Tarhouna", "Benghazi", "Gharyan", "Jufra", "Sabha"]
FACTIONS = ["Government of National Accord", "Libyan Arab Armed Forces", "Tripoli Protection Force"]
BACKERS = ["Turkey", "Russia", "the United Arab Emirates", "Egypt", "Qatar"]
PEOPLE = ["Khalifa Hifter", "Fayez Sarraj", "Ahmed Mismari", "Stephanie Williams"]
AGENCIES = ["AP", "Reuters", "AFP"]
MONTHS = ["January", "March", "April", "June", "September", "November"]
TEMPLATES = [
    "{PLACE}, Libya ({agency}) — Fighters of the {faction} shelled positions outside {place} "
    "on {date}, {person} said. {backer} denied sending drones.",
    "{PLACE}, Libya ({agency}) — {backer} has sent weapons to the {faction}, diplomats said "
    "on {date}. Residents of {place} reported clashes overnight.",
    "{PLACE}, Libya ({agency}) — {person} met envoys in {place} on {date} as the {faction} "
    "massed troops. Talks brokered by {backer} stalled.",
    "{PLACE}, Libya ({agency}) — Thousands fled {place} after the {faction} advanced on "
    "{date}. {person} blamed mercenaries backed by {backer}.",
]
KNOWN = [*PLACES, *FACTIONS, *(b.removeprefix("the ") for b in BACKERS), *PEOPLE]


def wire_story(rng: random.Random, number: int) -> str:
    place = rng.choice(PLACES)
    text = rng.choice(TEMPLATES).format(
        PLACE=rng.choice(PLACES).upper(),
        agency=rng.choice(AGENCIES),
        faction=rng.choice(FACTIONS),
        place=place,
        person=rng.choice(PEOPLE),
        backer=rng.choice(BACKERS),
        date=f"{rng.choice(MONTHS)} {rng.randint(1, 28)}, {rng.randint(2014, 2021)}",
    )
    # The story number makes every text (and so every sha) distinct.
    return f"{text}\n\nIt was report number {number} from {place}.\n"


def write_folder(folder: Path, count: int, seed: int = 4) -> list[Path]:
    rng = random.Random(seed)
    files = []
    for number in range(count):
        sub = folder / f"week{number % 7}"
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"story{number:04d}.txt"
        path.write_text(wire_story(rng, number), encoding="utf-8")
        files.append(path)
    return files


def load_folder(folder: Path) -> list[Article]:
    return [load_article(p) for p in sorted(folder.rglob("*.txt"))]


# --- a fake analyser (module level: spawn workers import it by name) ----------------------


class WordListAnalyser:
    """Finds the generator's names by string search: instant, and deterministic."""

    calls = 0

    def __init__(self, model_name: str | None = None) -> None:
        self.model_name = model_name
        self.warning: str | None = None

    def analyse(self, text: str) -> Analysis:
        type(self).calls += 1
        entities = []
        for name in KNOWN:
            mentions = [
                Mention(m.start(), m.end(), m.group()) for m in re.finditer(re.escape(name), text)
            ]
            if not mentions:
                continue
            group = (
                Group.PLACE
                if name in PLACES
                else Group.FACTION
                if name in FACTIONS
                else Group.PERSON
                if name in PEOPLE
                else Group.BACKER
            )
            entities.append(Entity(name, group, mentions=mentions))
        return Analysis(entities)


def fake_factory(model_name: str | None) -> WordListAnalyser:
    return WordListAnalyser(model_name)


class Interrupting(WordListAnalyser):
    """Like ctrl+c after `limit` articles."""

    limit = 0

    def analyse(self, text: str) -> Analysis:
        if type(self).calls >= self.limit:
            raise KeyboardInterrupt
        return super().analyse(text)


def interrupting_factory(model_name: str | None) -> Interrupting:
    return Interrupting(model_name)


class Slow(WordListAnalyser):
    """Slow enough that ctrl+c lands mid-import."""

    def analyse(self, text: str) -> Analysis:
        time.sleep(0.02)
        return super().analyse(text)


def slow_factory(model_name: str | None) -> Slow:
    return Slow(model_name)


@pytest.fixture
def library(tmp_path: Path):  # type: ignore[no-untyped-def]
    with Library.open(tmp_path / "library.sqlite3") as lib:
        yield lib


FP = "fake-pipeline"


def test_add_a_generated_folder_then_skip_it_all(tmp_path: Path, library: Library) -> None:
    write_folder(tmp_path / "news", 300)
    articles = load_folder(tmp_path / "news")
    WordListAnalyser.calls = 0
    first = add_articles(articles, library, factory=fake_factory, progress=False, fingerprint=FP)
    assert (first.new, first.skipped, first.interrupted) == (300, 0, False)
    assert WordListAnalyser.calls == 300
    assert first.words == sum(len(a.text.split()) for a in articles)
    assert first.entities == sum(len(fake_factory(None).analyse(a.text).entities) for a in articles)
    assert library.count() == 300 and all(s.analysed for s in library.articles())
    assert library.entity_article_count("Tripoli") > 0
    summary = first.summary()
    assert summary.startswith("300 articles (300 new, 0 skipped); analysed ")
    assert " entities in " in summary

    WordListAnalyser.calls = 0
    again = add_articles(articles, library, factory=fake_factory, progress=False, fingerprint=FP)
    assert (again.new, again.skipped) == (0, 300) and WordListAnalyser.calls == 0

    # A new pipeline re-analyses everything.
    changed = add_articles(
        articles[:10], library, factory=fake_factory, progress=False, fingerprint=FP + "2"
    )
    assert changed.new == 10 and library.count() == 300


def test_the_same_text_twice_is_analysed_once(library: Library, tmp_path: Path) -> None:
    write_folder(tmp_path / "news", 3)
    articles = load_folder(tmp_path / "news")
    result = add_articles(
        [*articles, articles[0]], library, factory=fake_factory, progress=False, fingerprint=FP
    )
    assert (result.new, result.skipped) == (3, 1)


def test_interrupt_keeps_what_was_finished(library: Library, tmp_path: Path) -> None:
    write_folder(tmp_path / "news", 40)
    articles = load_folder(tmp_path / "news")
    Interrupting.calls, Interrupting.limit = 0, 7
    result = add_articles(
        articles, library, factory=interrupting_factory, progress=False, fingerprint=FP
    )
    assert result.interrupted and result.new == 7
    assert library.count() == 7
    assert sum(library.has_analysis(s.sha, FP) for s in library.articles()) == 7
    # Running again finishes the rest, skipping the seven.
    rest = add_articles(articles, library, factory=fake_factory, progress=False, fingerprint=FP)
    assert (rest.new, rest.skipped) == (33, 7) and library.count() == 40


def test_worker_processes(library: Library, tmp_path: Path) -> None:
    write_folder(tmp_path / "news", 60)
    articles = load_folder(tmp_path / "news")
    result = add_articles(
        articles, library, jobs=2, factory=fake_factory, progress=False, fingerprint=FP
    )
    assert (result.new, result.skipped) == (60, 0) and library.count() == 60
    stored = library.cached_analysis(library.articles()[0].sha, FP)
    assert stored is not None and stored.entities


IMPORT_SCRIPT = """
import sys
from pathlib import Path
from libya_reader.batch import add_articles
from libya_reader.library import Library
from tests.test_batch import load_folder, slow_factory
with Library.open(Path(sys.argv[2])) as library:
    result = add_articles(
        load_folder(Path(sys.argv[1])), library, jobs=2, factory=slow_factory,
        progress=False, fingerprint="fp",
    )
print(result.new, result.interrupted, flush=True)
"""


@pytest.mark.skipif(sys.platform == "win32", reason="SIGINT is POSIX")
def test_ctrl_c_with_worker_processes_keeps_the_finished(tmp_path: Path) -> None:
    write_folder(tmp_path / "news", 400)
    db = tmp_path / "library.sqlite3"
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT / "tui"), str(ROOT)])}
    child = subprocess.Popen(
        [sys.executable, "-c", IMPORT_SCRIPT, str(tmp_path / "news"), str(db)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        # Wait (without a deadline to assert on) until some articles are in.
        for _ in range(1200):
            if db.exists():
                with Library.open(db) as lib:
                    if lib.count() >= 5:
                        break
            if child.poll() is not None:
                break
            time.sleep(0.1)
        child.send_signal(signal.SIGINT)
        out, err = child.communicate(timeout=120)
    finally:
        if child.poll() is None:
            child.kill()
    assert child.returncode == 0, err
    kept, interrupted = out.split()
    assert interrupted == "True" and 5 <= int(kept) < 400
    with Library.open(db) as lib:
        analysed = sum(lib.has_analysis(s.sha, "fp") for s in lib.articles())
        assert analysed == int(kept) and lib.count() in (int(kept), int(kept) + 1)


def test_a_fallback_pipeline_is_not_cached(library: Library, tmp_path: Path) -> None:
    write_folder(tmp_path / "news", 2)

    class Fallback(WordListAnalyser):
        def __init__(self, model_name: str | None = None) -> None:
            super().__init__(model_name)
            self.warning = "model could not be loaded"

    result = add_articles(
        load_folder(tmp_path / "news"),
        library,
        factory=Fallback,
        progress=False,
        fingerprint=FP,
    )
    assert result.new == 2 and result.warning and library.count() == 2
    assert not any(library.has_analysis(s.sha, FP) for s in library.articles())


def test_a_small_real_run(library: Library, tmp_path: Path) -> None:
    write_folder(tmp_path / "news", 5)
    result = add_articles(load_folder(tmp_path / "news"), library, progress=False)
    assert isinstance(result, BatchResult) and result.new == 5 and result.entities > 0
    places = {s.name for s in library.overview().groups[Group.PLACE]}
    assert places & set(PLACES)


# --- the command line -------------------------------------------------------------------


def cli(home: Path, *args: str, code: str | None = None) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "LIBYA_READER_HOME": str(home), "PYTHONPATH": str(ROOT / "tui")}
    env.pop("LIBYA_READER_MODEL", None)
    command = [sys.executable, "-c", code] if code else [sys.executable, "-m", "libya_reader"]
    return subprocess.run(
        [*command, *args], capture_output=True, text=True, env=env, timeout=180, check=False
    )


# Runs the CLI in-process, then tells whether spaCy was ever imported.
PROBE = (
    "import sys, json\n"
    "from libya_reader.cli import main\n"
    "status = main(sys.argv[1:])\n"
    "print(json.dumps({'status': status, 'spacy': 'spacy' in sys.modules}), file=sys.stderr)\n"
)


def probe_result(run: subprocess.CompletedProcess[str]) -> dict[str, object]:
    return json.loads(run.stderr.strip().splitlines()[-1])


def test_entities_twice_the_second_never_imports_spacy(tmp_path: Path) -> None:
    home = tmp_path / "home"
    first = cli(home, "entities", str(SEED), "--format", "json", code=PROBE)
    assert probe_result(first) == {"status": 0, "spacy": True}, first.stderr
    second = cli(home, "entities", str(SEED), "--format", "json", code=PROBE)
    assert probe_result(second) == {"status": 0, "spacy": False}, second.stderr
    assert json.loads(second.stdout) == json.loads(first.stdout)
    # The fingerprint itself never needs spaCy.
    check = cli(
        home,
        code="import sys\n"
        "from libya_reader.analysis.fingerprint import pipeline_fingerprint\n"
        "print(pipeline_fingerprint(None)); print('spacy' in sys.modules)\n",
    )
    assert check.stdout.splitlines()[-1] == "False"


def test_a_changed_knowledge_file_is_a_miss(tmp_path: Path) -> None:
    from libya_reader.analysis.fingerprint import pipeline_fingerprint

    before = pipeline_fingerprint(None)
    assert pipeline_fingerprint(None) == before
    override = tmp_path / "home" / "config" / "knowledge.jsonl"  # conftest's home
    override.parent.mkdir(parents=True)
    override.write_text("// nothing yet\n", encoding="utf-8")
    assert pipeline_fingerprint(None) != before
    assert pipeline_fingerprint("some_other_model") != before


def test_versions_come_from_the_stamp_while_nothing_was_installed(reader_home: Path) -> None:
    from libya_reader.analysis.fingerprint import pipeline_fingerprint, quick_fingerprint

    assert quick_fingerprint(None) is None  # no stamp yet: finding out would cost
    first = pipeline_fingerprint(None)
    stamp = reader_home / "cache" / "versions.json"
    data = json.loads(stamp.read_text(encoding="utf-8"))
    assert quick_fingerprint(None) == first
    # The stamp is trusted while its key (install folders and their mtimes) holds...
    stamp.write_text(json.dumps({**data, "spacy": "0.0-stamped"}), encoding="utf-8")
    assert "spacy@0.0-stamped" in pipeline_fingerprint(None)
    # ...and not once an install changed them: the metadata is read again.
    moved = {**data, "key": [*data["key"][:1], ["elsewhere", 1, 2], *data["key"][2:]]}
    stamp.write_text(json.dumps({**moved, "spacy": "0.0-stamped"}), encoding="utf-8")
    assert quick_fingerprint(None) is None
    assert pipeline_fingerprint(None) == first
    # A damaged stamp is no stamp, whatever is in it.
    for damaged in ["{", "[]", "{}", '{"key": 3}', "\x00\xff"]:
        stamp.write_text(damaged, encoding="latin-1")
        assert quick_fingerprint(None) is None
        assert pipeline_fingerprint(None) == first
    # A stamp hit never imports importlib.metadata (tens of milliseconds at every start).
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sys\n"
            "from libya_reader.analysis.fingerprint import pipeline_fingerprint\n"
            "pipeline_fingerprint(None); print('importlib.metadata' in sys.modules)",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "LIBYA_READER_HOME": str(reader_home)},
        check=True,
    )
    assert probe.stdout.strip() == "False"


def test_corrections_show_in_the_cached_entities(tmp_path: Path) -> None:
    from libya_reader.corrections import Correction

    home = tmp_path / "home"
    first = cli(home, "entities", str(SEED), "--format", "json")
    assert first.returncode == 0, first.stderr
    with Library.open(home / "data" / "library.sqlite3") as lib:
        lib.add_correction(Correction("hide", "Tarhouna"))
    second = cli(home, "entities", str(SEED), "--format", "json", code=PROBE)
    names = {e["name"] for e in json.loads(second.stdout)["entities"]}
    assert "Tarhouna" not in names and probe_result(second)["spacy"] is False


def test_add_and_search_from_the_command_line(tmp_path: Path) -> None:
    home = tmp_path / "home"
    write_folder(tmp_path / "news", 4)
    added = cli(home, "add", str(tmp_path / "news"), "--quiet")
    assert added.returncode == 0, added.stderr
    assert added.stdout.strip().splitlines()[-1].startswith("4 articles (4 new, 0 skipped);")
    again = cli(home, "add", str(tmp_path / "news"), code=PROBE)
    assert "(0 new, 4 skipped)" in again.stdout and probe_result(again)["spacy"] is False
    found = cli(home, "search", "report", "number", "2")
    assert found.returncode == 0, found.stderr
    assert found.stdout.startswith("1. ") and "story0002.txt" in found.stdout
    article_id = found.stdout.splitlines()[0].rsplit("@", 1)[1]
    by_id = cli(home, "entities", f"@{article_id}", "--format", "text", code=PROBE)
    assert "Places:" in by_id.stdout and probe_result(by_id)["spacy"] is False
    missing = cli(home, "entities", "@99999")
    assert missing.returncode == 2 and "no such article" in missing.stderr
    none = cli(home, "search", 'NEAR("', "zzzz")
    assert none.returncode == 1 and "no articles match" in none.stderr


def test_a_damaged_library_is_told_and_rebuilt(tmp_path: Path) -> None:
    home = tmp_path / "home"
    (home / "data").mkdir(parents=True)
    (home / "data" / "library.sqlite3").write_bytes(b"\x00garbage" * 1000)
    run = cli(home, "search", "Tripoli")
    assert run.returncode == 1 and "was damaged" in run.stderr
    assert list((home / "data").glob("library.sqlite3.damaged-*"))


def test_an_unwritable_home_is_one_line(tmp_path: Path) -> None:
    blocker = tmp_path / "home"
    blocker.write_text("not a folder")
    run = cli(blocker, "search", "Tripoli")
    assert run.returncode == 2 and len(run.stderr.strip().splitlines()) == 1
    assert "Traceback" not in run.stderr


def test_the_progress_bar_counts_on_stderr(
    library: Library,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    capsys: pytest.CaptureFixture[str],
) -> None:
    monkeypatch.setenv("FORCE_COLOR", "1")  # rich then treats the captured stderr as a terminal
    write_folder(tmp_path / "news", 3)
    add_articles(load_folder(tmp_path / "news"), library, factory=fake_factory, fingerprint=FP)
    captured = capsys.readouterr()
    assert "analysing" in captured.err and "3/3" in captured.err and captured.out == ""
