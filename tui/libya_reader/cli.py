"""Command line: open the reader, or run a headless command (entities, add, search, eval)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from libya_reader import __version__, paths
from libya_reader.articles import ArticleError, load_article, seed_articles
from libya_reader.sources import STDIN, collect, load_one, reattach_terminal

# argparse, the library module and typing are imported where they are needed: a cached
# `entities` run (`_entities_from_cache`) needs none of them, and they would be half of it.
TYPE_CHECKING = False  # not typing's: see articles.py
if TYPE_CHECKING:
    import argparse
    from collections.abc import Sequence

    from libya_reader.articles import Article
    from libya_reader.config import Config
    from libya_reader.library import Library

PROG = "libya-reader"
COMMANDS = ("entities", "add", "search", "eval")


class UsageError(Exception):
    """A one-line complaint about the command line or its input (exit status 2)."""


def _reader_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A terminal news reader for reporting on the Libyan conflict. "
        "Opens the sample article when given no path.",
        epilog="Headless commands: 'libya-reader entities PATH' prints the entity lists; "
        "'libya-reader add PATH...' imports and analyses into the library; "
        "'libya-reader search TEXT' finds library articles; "
        "'libya-reader eval DIR' scores the analysis against gold files.",
    )
    parser.add_argument(
        "paths", nargs="*", help="article files or folders (.txt, .md, .html); - for stdin"
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--model", help="spaCy model to use (default: en_core_web_sm)")
    parser.add_argument(
        "--library", "-l", action="store_true", help="open every article in the library"
    )
    return parser


def _entities_parser() -> argparse.ArgumentParser:
    import argparse

    from libya_reader.export import FORMATS

    parser = argparse.ArgumentParser(
        prog=f"{PROG} entities", description="Print an article's entity lists."
    )
    parser.add_argument(
        "path", help="an article file, - for standard input, or @ID for a library article"
    )
    parser.add_argument("--format", "-f", choices=FORMATS, default="json")
    parser.add_argument("--model", help="spaCy model to use")
    return parser


def _eval_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog=f"{PROG} eval",
        description="Score the analysis against gold files (NAME.json beside NAME.txt).",
    )
    parser.add_argument("gold_dirs", nargs="+", type=Path, help="folders of gold files")
    parser.add_argument("--model", help="spaCy model to use")
    parser.add_argument("--no-baseline", action="store_true", help="skip plain spaCy NER")
    return parser


def _add_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog=f"{PROG} add",
        description="Import articles into the library and analyse them, without the reader. "
        "Articles already analysed under the current pipeline are skipped.",
    )
    parser.add_argument("paths", nargs="+", help="article files or folders (searched recursively)")
    parser.add_argument(
        "--jobs", "-j", type=int, default=1, help="worker processes (each loads the model once)"
    )
    parser.add_argument("--model", help="spaCy model to use")
    parser.add_argument("--quiet", "-q", action="store_true", help="no progress bar")
    return parser


def _search_parser() -> argparse.ArgumentParser:
    import argparse

    parser = argparse.ArgumentParser(
        prog=f"{PROG} search",
        description="Find library articles by words and entity names, best first.",
    )
    parser.add_argument("text", nargs="+", help="words to find (all must match)")
    parser.add_argument("--limit", "-n", type=int, default=20, help="at most this many hits")
    return parser


def open_library() -> Library:
    """The library, with its notice (a damaged file moved aside) told on stderr."""
    from libya_reader.library import Library

    library = Library.open()
    if library.notice:
        print(f"{PROG}: {library.notice}", file=sys.stderr)
    return library


def _library_article(spec: str) -> Article | None:
    """`@12`: article 12 of the library (as `search` lists them); None for anything else."""
    if not (spec.startswith("@") and spec[1:].isdigit()) or Path(spec).exists():
        return None
    with open_library() as library:
        record = library.get(int(spec[1:]))
        if record is None:
            raise UsageError(f"{spec}: no such article in the library")
        return library.load_article(record)


def _cached_entities(model: str | None) -> tuple[Library | None, str | None]:
    """The library and fingerprint for the cache; without a usable library, neither."""
    from libya_reader.analysis.fingerprint import pipeline_fingerprint
    from libya_reader.library import LibraryError

    try:
        library = open_library()
    except LibraryError as exc:
        print(f"{PROG}: {exc}; analysing without the cache", file=sys.stderr)
        return None, None
    return library, pipeline_fingerprint(model)


def _load_settings() -> Config:
    """The config; its problems and the knowledge file's go to stderr, a line each."""
    from libya_reader.config import load as load_config

    config = load_config()
    warnings = config.warnings
    if paths.knowledge_override().exists():  # else the knowledge base need not even load
        from libya_reader.knowledge.loader import knowledge_warnings

        warnings = [*warnings, *knowledge_warnings()]
    for warning in warnings:
        print(f"{PROG}: {warning}", file=sys.stderr)
    return config


def _run_entities(argv: Sequence[str]) -> int:
    from libya_reader.articles import text_sha
    from libya_reader.export import render

    args = _entities_parser().parse_args(argv)
    article = _library_article(args.path) or load_one(args.path)
    config = _load_settings()
    model = args.model or config.model_name
    library, fingerprint = _cached_entities(model)
    sha = text_sha(article.text)
    analysis = None
    if library is not None and fingerprint is not None:
        analysis = library.cached_analysis(sha, fingerprint)
    if analysis is None:
        # A miss: only now is spaCy imported.
        from libya_reader.analysis.analyser import Analyser
        from libya_reader.analysis.parallel import processes_to_use

        analyser = Analyser(model, processes=processes_to_use())
        analysis = analyser.analyse(article.text)
        if analyser.warning:
            print(f"{PROG}: {analyser.warning}", file=sys.stderr)
        elif library is not None and fingerprint is not None:
            # Files join the library; piped text is only cached, by its sha.
            if article.path is not None:
                library.add(article)
            library.store_analysis(sha, fingerprint, analysis)
    if library is not None:
        analysis = library.corrected(analysis)
        library.close()
    sys.stdout.write(render(analysis, article, args.format))
    return 0


def _run_add(argv: Sequence[str]) -> int:
    from libya_reader.batch import add_articles

    args = _add_parser().parse_args(argv)
    if args.jobs < 1:
        raise UsageError("--jobs must be at least 1")
    # A bad file is one line on stderr and the import goes on with the others.
    articles, errors = collect(args.paths)
    for error in errors:
        print(f"{PROG}: {error}", file=sys.stderr)
    if not articles:
        return 2
    config = _load_settings()
    with open_library() as library:
        result = add_articles(
            articles,
            library,
            model_name=args.model or config.model_name,
            jobs=args.jobs,
            progress=not args.quiet,
        )
    if result.warning:
        print(f"{PROG}: {result.warning}", file=sys.stderr)
    if result.interrupted:
        print(
            f"{PROG}: interrupted; kept the {result.new} articles analysed so far "
            f"({result.total - result.new - result.skipped} not done)",
            file=sys.stderr,
        )
        print(result.summary())
        return 130
    print(result.summary())
    return 2 if errors else 0


def _run_search(argv: Sequence[str]) -> int:
    args = _search_parser().parse_args(argv)
    query = " ".join(args.text)
    with open_library() as library:
        hits = library.search(query, limit=max(1, args.limit))
    if not hits:
        print(f"no articles match {query!r}", file=sys.stderr)
        return 1
    for rank, hit in enumerate(hits, 1):
        summary = hit.article
        when = summary.date.isoformat() if summary.date else "undated"
        source = f", {summary.source}" if summary.source else ""
        print(f"{rank}. {summary.title}  ({when}{source})  @{summary.id}")
        print(f"   {summary.path or '<stdin>'}")
        print(f"   {hit.snippet}")
    return 0


def _run_eval(argv: Sequence[str]) -> int:
    from libya_reader.evaluation import evaluate_dirs, format_report

    args = _eval_parser().parse_args(argv)
    _load_settings()
    report = evaluate_dirs(args.gold_dirs, model=args.model, baseline=not args.no_baseline)
    print(format_report(report))
    return 0


def _run_reader(argv: Sequence[str]) -> int:
    from libya_reader.config import load as load_config
    from libya_reader.library import LibraryError

    args = _reader_parser().parse_args(argv)
    errors: list[ArticleError] = []
    if args.paths:
        # One line per bad path, then open the rest; only when nothing is left is it fatal.
        articles, errors = collect(args.paths)
        for error in errors:
            print(f"{PROG}: {error}", file=sys.stderr)
        if not articles:
            return 2
    elif not args.library:
        articles = [load_article(p) for p in seed_articles()]
    if not sys.stdout.isatty():
        raise UsageError(
            "standard output is not a terminal; use 'libya-reader entities PATH' for plain output"
        )
    if STDIN in args.paths and not sys.stdin.isatty():
        try:
            reattach_terminal()  # the keys come from the terminal, not the spent pipe
        except OSError:
            raise UsageError("no terminal for the keys; use 'libya-reader entities -'") from None
    config = load_config()
    config.warnings.extend(str(error) for error in errors)  # the app notifies each one
    if args.model:
        config.model = args.model
    try:
        library: Library | None = open_library()
    except LibraryError as exc:
        print(f"{PROG}: {exc}; reading without the library", file=sys.stderr)
        library = None
    if args.library:
        if library is None or not library.count():
            raise UsageError("the library is empty; add articles with 'libya-reader add PATH'")
        records = (library.get(summary.id) for summary in library.articles())
        articles = [library.load_article(record) for record in records if record is not None]
    from libya_reader.ui import run_reader

    try:
        run_reader(articles, config, library)
    finally:
        if library is not None:
            library.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "entities":
            cached = _entities_from_cache(argv[1:])
            if cached is not None:
                sys.stdout.write(cached)
                return 0
        return _run_command(argv)
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `libya-reader entities x | head`: the reader left early; that is not an error.
        sys.stderr.close()
        return 0


def _run_command(argv: list[str]) -> int:
    from libya_reader.library import LibraryError

    try:
        if argv and argv[0] == "entities":
            return _run_entities(argv[1:])
        if argv and argv[0] == "add":
            return _run_add(argv[1:])
        if argv and argv[0] == "search":
            return _run_search(argv[1:])
        if argv and argv[0] == "eval":
            return _run_eval(argv[1:])
        return _run_reader(argv)
    except (ArticleError, UsageError, LibraryError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2


_JSON_OPTIONS = (["--format", "json"], ["-f", "json"], ["--format=json"])


def _entities_from_cache(argv: Sequence[str]) -> str | None:
    """What `entities PATH [--format json]` prints for an article analysed before, found
    without argparse, the library module or the model classes; None for anything else
    (other options, a config or knowledge file, corrections, a miss, an unreadable file),
    which `_run_entities` then handles in full."""
    from libya_reader import store
    from libya_reader.analysis.fingerprint import default_model, quick_fingerprint
    from libya_reader.articles import text_sha
    from libya_reader.contract import document, dumps

    args = list(argv)
    for option in _JSON_OPTIONS:
        if args[-len(option) :] == option:
            args = args[: -len(option)]
        elif args[: len(option)] == option:
            args = args[len(option) :]
    if len(args) != 1 or args[0].startswith("-") or not Path(args[0]).is_file():
        return None
    if paths.config_file().exists() or paths.knowledge_override().exists():
        return None  # their settings and warnings are the normal path's
    fingerprint = quick_fingerprint(os.environ.get(paths.MODEL_ENV) or default_model())
    if fingerprint is None:
        return None
    try:
        article = load_article(args[0])
    except ArticleError:
        return None  # the normal path says what is wrong with it
    raw = store.peek(text_sha(article.text), fingerprint)
    if raw is None:
        return None
    return dumps(document(article.title, article.source, *store.contract_parts(raw)))
