"""`entities PATH` on an analysed article: the short path from the stored JSON prints what the
full path prints, byte for byte, and steps aside for anything it does not handle."""

from __future__ import annotations

import contextlib
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from libya_reader import cli, paths
from libya_reader.analysis.fingerprint import pipeline_fingerprint
from libya_reader.analysis.model import Analysis, Entity, Group, Mention, Relation
from libya_reader.articles import load_article, text_sha
from libya_reader.corrections import Correction
from libya_reader.library import Library

TEXT = (
    "TRIPOLI, Libya (AP) — Turkey sent drones to the Government of National Accord, while "
    "Khalifa Hifter’s forces held Tarhouna. Hifter’s backers include the UAE. Ḥaftar denied it.\n"
)


def mention(word: str) -> Mention:
    start = TEXT.index(word)
    return Mention(start, start + len(word), word)


def analysis() -> Analysis:
    """Entities out of the contract's order, with knowledge-base ids, backs and relations."""
    return Analysis(
        entities=[
            Entity(
                "Khalifa Hifter",
                Group.PERSON,
                ["Hifter", "Ḥaftar"],
                [mention("Khalifa Hifter"), mention("Ḥaftar")],
                kb_id="hifter",
            ),
            Entity("UAE", Group.BACKER, [], [mention("UAE")], ["Libyan Arab Armed Forces"]),
            Entity("Tarhouna", Group.PLACE, [], [mention("Tarhouna")], kb_id="tarhouna"),
            Entity(
                "Turkey",
                Group.BACKER,
                [],
                [mention("Turkey")],
                ["Government of National Accord"],
                kb_id="turkey",
            ),
            Entity(
                "Government of National Accord",
                Group.FACTION,
                ["GNA"],
                [mention("Government of National Accord")],
                kb_id="gna",
            ),
        ],
        relations=[Relation("Turkey", "Government of National Accord", TEXT.split(",")[1])],
    )


@pytest.fixture
def article_file(tmp_path: Path) -> Path:
    """An article file analysed before: in the library under the current fingerprint."""
    path = tmp_path / "report.txt"
    path.write_text(TEXT, encoding="utf-8")
    with Library.open() as library:
        library.add(load_article(path))
        library.store_analysis(text_sha(TEXT), pipeline_fingerprint(), analysis())
    return path


def printed(run, argv: list[str]) -> str:  # type: ignore[no-untyped-def]
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert run(argv) in (0, None)
    return out.getvalue()


@pytest.mark.parametrize(
    "argv",
    [
        ["{path}"],
        ["{path}", "--format", "json"],
        ["{path}", "-f", "json"],
        ["{path}", "--format=json"],
        ["--format", "json", "{path}"],
    ],
)
def test_the_short_path_prints_what_the_full_path_prints(
    article_file: Path, argv: list[str]
) -> None:
    args = [a.format(path=article_file) for a in argv]
    short = cli._entities_from_cache(args)
    assert short is not None
    assert short == printed(cli._run_entities, args)
    assert printed(cli.main, ["entities", *args]) == short
    assert '"Ḥaftar"' in short  # not escaped, as the full path writes it


def corrected(_path: Path) -> None:
    with Library.open() as library:
        library.add_correction(Correction("hide", "Tarhouna"))


def config_file(_path: Path) -> None:
    paths.config_file().parent.mkdir(parents=True, exist_ok=True)
    paths.config_file().write_text('theme = "nord"\n', encoding="utf-8")


def knowledge_file(_path: Path) -> None:
    paths.knowledge_override().parent.mkdir(parents=True, exist_ok=True)
    paths.knowledge_override().write_text("", encoding="utf-8")


def edited(path: Path) -> None:
    path.write_text(TEXT + "One more line.\n", encoding="utf-8")


def no_stamp(_path: Path) -> None:
    (paths.cache_dir() / "versions.json").unlink()


@pytest.mark.parametrize("change", [corrected, config_file, knowledge_file, edited, no_stamp])
def test_anything_unusual_is_left_to_the_full_path(article_file: Path, change) -> None:  # type: ignore[no-untyped-def]
    change(article_file)
    assert cli._entities_from_cache([str(article_file)]) is None


@pytest.mark.parametrize(
    "argv",
    [
        ["{path}", "--format", "csv"],
        ["{path}", "--model", "en_core_web_sm"],
        ["{path}", "{path}"],
        ["-"],
        ["@1"],
        ["{folder}"],
        ["{folder}/missing.txt"],
        ["--help"],
    ],
)
def test_options_and_inputs_it_does_not_handle(article_file: Path, argv: list[str]) -> None:
    args = [a.format(path=article_file, folder=article_file.parent) for a in argv]
    assert cli._entities_from_cache(args) is None


def test_the_corrections_show_on_the_full_path(article_file: Path) -> None:
    corrected(article_file)
    assert "Tarhouna" not in printed(cli.main, ["entities", str(article_file)])


def test_the_short_path_imports_neither_argparse_nor_the_model(article_file: Path) -> None:
    probe = (
        "import sys\n"
        "from libya_reader.cli import main\n"
        f"main(['entities', {str(article_file)!r}])\n"
        "heavy = {'argparse', 'dataclasses', 'typing', 'libya_reader.library'}\n"
        "print(sorted(heavy & set(sys.modules)), file=sys.stderr)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, env=dict(os.environ)
    )
    assert done.returncode == 0 and done.stderr.strip() == "[]", done.stderr
    assert '"title": "Turkey sent drones' in done.stdout
