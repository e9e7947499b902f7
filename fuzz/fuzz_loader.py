"""Fuzz target for the article loader: bytes in, an Article or an ArticleError out.

With atheris (pip install -c constraints.txt ".[fuzz]"):
    python fuzz/fuzz_loader.py WORK_DIR fuzz/corpus -max_total_time=60
Without it, the same script runs the one-input function over the seed corpus (or the
files given), which is what the test suite does.

Anything but an ArticleError, or an Article that breaks the loader's promises, is a bug.
"""

from __future__ import annotations

import sys
from pathlib import Path

try:
    import atheris
except ImportError:  # the corpus replay below needs nothing but the package
    atheris = None

if atheris is not None:
    with atheris.instrument_imports():
        from libya_reader.articles import Article, ArticleError, parse
else:
    from libya_reader.articles import Article, ArticleError, parse

CORPUS = Path(__file__).resolve().parent / "corpus"


def _is_clean(text: str) -> bool:
    return not any(
        (ord(ch) < 0x20 and ch != "\n")
        or 0x7F <= ord(ch) < 0xA0
        or 0x202A <= ord(ch) <= 0x202E
        or 0x2066 <= ord(ch) <= 0x2069
        or 0xD800 <= ord(ch) < 0xE000
        for ch in text
    )


def check(article: Article) -> None:
    """The promises every loaded article keeps, whatever the bytes were."""
    text = article.text
    assert text.strip(), "an article is never blank"
    assert _is_clean(text), "control character in the text"
    assert _is_clean(article.title) and "\n" not in article.title, "bad title"
    for value in (article.source, article.dateline, article.path):
        assert value is None or _is_clean(value), "control character in metadata"
    end = 0
    for part in article.parts:
        assert end <= part.start < part.end <= len(text), "parts out of order or range"
        end = part.end


def test_one_input(data: bytes) -> None:
    # As a text file, as an HTML page, and sniffed as standard input is.
    for html in (False, True, None):
        try:
            article = parse(data, "fuzz", "fuzz.html" if html else "fuzz.txt", html=html)
        except ArticleError as exc:
            assert "\n" not in str(exc), "an error is one line"
            continue
        check(article)


def replay(paths: list[Path]) -> int:
    """Run every file (folders: their files) through the target; the count run."""
    files = sorted(f for p in paths for f in (p.iterdir() if p.is_dir() else [p]) if f.is_file())
    for file in files:
        test_one_input(file.read_bytes())
    return len(files)


def main() -> None:
    if atheris is None:
        count = replay([Path(a) for a in sys.argv[1:]] or [CORPUS])
        print(f"atheris is not installed: replayed {count} inputs, all fine")
        return
    atheris.Setup(sys.argv, test_one_input)
    atheris.Fuzz()


if __name__ == "__main__":
    main()
