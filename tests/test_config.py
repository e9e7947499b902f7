"""The config file: defaults on trouble, a warning naming file and line, atomic saves."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from libya_reader import config, paths


def test_missing_config_gives_defaults() -> None:
    loaded = config.load()
    assert loaded.theme == "textual-dark" and loaded.warnings == []


def test_round_trip(reader_home: Path) -> None:
    original = config.Config(theme="textual-light", model="my_model", show_panel=False)
    config.save(original)
    assert paths.config_file().is_relative_to(reader_home)
    assert config.load() == original


def test_syntax_error_names_file_and_line() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text('theme = "nord"\nmodel = \n')
    loaded = config.load()
    assert loaded.theme == "textual-dark"
    assert len(loaded.warnings) == 1 and str(path) in loaded.warnings[0]
    assert "line 2" in loaded.warnings[0]


def test_unknown_key_and_wrong_type_are_reported() -> None:
    path = paths.config_file()
    path.parent.mkdir(parents=True)
    path.write_text('theme = "nord"\ncolour = "red"\nshow_panel = "yes"\n')
    loaded = config.load()
    assert loaded.theme == "nord"
    assert any("line 2: unknown key 'colour'" in w for w in loaded.warnings)
    assert any("line 3: show_panel must be a bool" in w for w in loaded.warnings)


def test_environment_model_wins(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    monkeypatch.setenv("LIBYA_READER_MODEL", "other_model")
    assert config.Config(model="file_model").model_name == "other_model"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the XDG rules are Linux's")
@pytest.mark.parametrize("xdg", [None, "/srv/xdg", "relative/ignored", ""])
def test_folders_are_the_ones_platformdirs_gives(
    xdg: str | None, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import platformdirs

    monkeypatch.delenv(paths.HOME_ENV)
    monkeypatch.setenv("HOME", str(tmp_path))
    for variable in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
        if xdg is None:
            monkeypatch.delenv(variable, raising=False)
        else:
            monkeypatch.setenv(variable, xdg)
    assert paths.config_dir() == Path(platformdirs.user_config_dir(paths.APP))
    assert paths.data_dir() == Path(platformdirs.user_data_dir(paths.APP))
    assert paths.cache_dir() == Path(platformdirs.user_cache_dir(paths.APP))
