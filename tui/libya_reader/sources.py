"""Where articles come from: paths and folders on the command line, and standard input.

`collect` never raises for bad input: each path that cannot give an article becomes an
`ArticleError` (path plus a one-line reason) so the caller can report it and carry on with
the rest. No terminal code here; the CLI prints the errors and the app notifies them.
"""

from __future__ import annotations

import os
from pathlib import Path

from libya_reader.articles import ARTICLE_SUFFIXES, ArticleError, load_article, load_stream

TYPE_CHECKING = False  # not typing's: see articles.py
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from typing import BinaryIO

    from libya_reader.articles import Article

STDIN = "-"


def load_one(path: str, stdin: BinaryIO | None = None) -> Article:
    """One article from a path or `-`; raises ArticleError (for `entities`, one input)."""
    if path == STDIN:
        return load_stream(stdin)
    if Path(path).is_dir():
        found, failed = _from_folder(Path(path))
        if len(found) == 1 and not failed:
            return found[0]
        if not found:
            raise failed[0]
        raise ArticleError(path, f"is a folder of {len(found)} articles; give one file")
    return load_article(path)


def _walk(folder: Path) -> Iterator[Path | ArticleError]:
    """Article files under a folder in name order; unreadable subfolders as errors."""
    problems: list[ArticleError] = []

    def on_error(exc: OSError) -> None:
        where = exc.filename or str(folder)
        reason = "permission denied" if isinstance(exc, PermissionError) else exc.strerror
        problems.append(ArticleError(str(where), reason or str(exc)))

    # os.walk does not follow symbolic links to folders, so a link loop cannot trap it.
    for root, dirs, files in os.walk(folder, onerror=on_error):
        dirs[:] = sorted(d for d in dirs if not d.startswith("."))
        for name in sorted(files):
            if name.startswith(".") or Path(name).suffix.lower() not in ARTICLE_SUFFIXES:
                continue
            yield Path(root, name)
    yield from problems


def _from_folder(folder: Path) -> tuple[list[Article], list[ArticleError]]:
    articles: list[Article] = []
    errors: list[ArticleError] = []
    seen = 0
    for item in _walk(folder):
        if isinstance(item, ArticleError):
            errors.append(item)
            continue
        seen += 1
        # A fifo or device named x.txt in a folder would block the walk on open().
        if item.exists() and not item.is_file():
            errors.append(ArticleError(str(item), "is not a regular file"))
            continue
        try:
            articles.append(load_article(item))
        except ArticleError as exc:
            errors.append(exc)
    if not seen and not errors:
        suffixes = ", ".join(ARTICLE_SUFFIXES)
        errors.append(ArticleError(str(folder), f"holds no articles ({suffixes})"))
    return articles, errors


def collect(
    paths: Sequence[str], stdin: BinaryIO | None = None
) -> tuple[list[Article], list[ArticleError]]:
    """Articles from files, folders (searched recursively) and `-`, plus one error per bad one.

    A file named explicitly is read whatever its suffix; in folders only article suffixes
    count. Standard input is read once, however often `-` appears.
    """
    articles: list[Article] = []
    errors: list[ArticleError] = []
    stdin_read = False
    for path in paths:
        if path == STDIN:
            if stdin_read:
                continue
            stdin_read = True
        elif Path(path).is_dir():
            found, failed = _from_folder(Path(path))
            articles.extend(found)
            errors.extend(failed)
            continue
        try:
            articles.append(load_one(path, stdin))
        except ArticleError as exc:
            errors.append(exc)
    return articles, errors


def reattach_terminal() -> None:
    """Point file descriptor 0 back at the terminal once a piped article has been read.

    The app reads its keys from standard input; after `cat x | libya-reader -` that is an
    empty pipe. Raises OSError when there is no terminal to open.
    """
    terminal = os.open("/dev/tty", os.O_RDONLY)
    try:
        os.dup2(terminal, 0)
    finally:
        os.close(terminal)
