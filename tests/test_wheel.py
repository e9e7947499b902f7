"""The built wheel carries styles/ and seeds/ and works from any directory."""

from __future__ import annotations

import site
import subprocess
import sys
import venv
from pathlib import Path

import pytest

from .conftest import ROOT


@pytest.fixture(scope="module")
def installed(tmp_path_factory: pytest.TempPathFactory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "build",
            "--wheel",
            "--no-isolation",
            "--outdir",
            str(work),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    wheel = next(work.glob("libya_reader-*.whl"))
    env_dir = work / "venv"
    venv.create(env_dir, with_pip=False)
    # The dependencies come from this environment (no network in tests); the package
    # itself only from the wheel, so a missing data file would show.
    purelib = next(env_dir.glob("lib/python*/site-packages"))
    (purelib / "deps.pth").write_text("\n".join(site.getsitepackages()) + "\n")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--no-deps",
            "--no-index",
            "--target",
            str(purelib),
            str(wheel),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    return env_dir


def _run(env_dir: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    python = env_dir / "bin" / "python"
    code = "import sys; from libya_reader.cli import main; sys.exit(main())"
    return subprocess.run(
        [str(python), "-c", code, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        timeout=120,
        env={"PATH": "/usr/bin:/bin", "LIBYA_READER_HOME": str(cwd / "home")},
    )


def test_wheel_runs_from_anywhere(installed: Path, tmp_path: Path) -> None:
    import zipfile

    wheel_files = zipfile.ZipFile(next(installed.parent.glob("*.whl"))).namelist()
    assert any(n.startswith("libya_reader/styles/") and n.endswith(".tcss") for n in wheel_files)
    assert any(n.startswith("libya_reader/seeds/") for n in wheel_files)
    assert "libya_reader/knowledge/conflict.jsonl" in wheel_files
    version = _run(installed, "--version", cwd=tmp_path)
    assert version.returncode == 0 and "libya-reader" in version.stdout
    seed = installed / "seed.txt"
    seed.write_bytes((ROOT / "seeds" / "000_a01ad5c3024aa903.txt").read_bytes())
    entities = _run(installed, "entities", str(seed), "--format", "text", cwd=tmp_path)
    assert entities.returncode == 0, entities.stderr
    assert "Tarhouna" in entities.stdout
    located = subprocess.run(
        [
            str(installed / "bin" / "python"),
            "-c",
            "import libya_reader.resources as r; print(r.styles_dir(), r.seeds_dir())",
        ],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=True,
    )
    assert str(ROOT) not in located.stdout
