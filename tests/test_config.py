"""The config file: defaults on trouble, a warning naming file and line, atomic saves."""

from __future__ import annotations

from pathlib import Path

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
