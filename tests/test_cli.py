"""The command line as a user runs it: real subprocesses, exit codes, one-line errors."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

from .conftest import SEED


def run(*args: str, stdin: bytes | None = None, env: dict[str, str] | None = None):  # type: ignore[no-untyped-def]
    return subprocess.run(
        [sys.executable, "-m", "libya_reader", *args],
        input=stdin,
        capture_output=True,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def test_version_and_help() -> None:
    version = run("--version")
    assert version.returncode == 0 and version.stdout.decode().startswith("libya-reader ")
    helped = run("entities", "--help")
    assert helped.returncode == 0 and b"--format" in helped.stdout


def test_entities_json_from_stdin_pipes_into_tools() -> None:
    result = run("entities", "-", "--format", "json", stdin=SEED.read_bytes())
    assert result.returncode == 0, result.stderr
    data = json.loads(result.stdout)
    groups = {e["name"]: e["group"] for e in data["entities"]}
    assert groups["Tarhouna"] == "place" and groups["Turkey"] == "backer"


def test_entities_csv() -> None:
    result = run("entities", str(SEED), "--format", "csv")
    assert result.returncode == 0, result.stderr
    rows = list(csv.DictReader(io.StringIO(result.stdout.decode())))
    assert {"name", "group", "mentions", "backs"} == set(rows[0])


def test_missing_path_is_one_line_and_status_2(tmp_path: Path) -> None:
    missing = tmp_path / "nope.txt"
    result = run("entities", str(missing))
    assert result.returncode == 2
    lines = result.stderr.decode().strip().splitlines()
    assert len(lines) == 1 and str(missing) in lines[0] and "no such file" in lines[0]


def test_reader_refuses_a_pipe_for_stdout() -> None:
    result = run(str(SEED))
    assert result.returncode == 2
    assert b"use 'libya-reader entities PATH'" in result.stderr


def test_empty_folder_is_reported(tmp_path: Path) -> None:
    from libya_reader.sources import collect

    articles, errors = collect([str(tmp_path)])
    assert articles == [] and "holds no articles" in str(errors[0])
