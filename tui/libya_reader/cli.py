"""Command line: open the reader, or run a headless command (entities, eval)."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from libya_reader import __version__
from libya_reader.articles import ArticleError, load_article, seed_articles
from libya_reader.sources import STDIN, collect, load_one, reattach_terminal

PROG = "libya-reader"
COMMANDS = ("entities", "eval")


class UsageError(Exception):
    """A one-line complaint about the command line or its input (exit status 2)."""


def _reader_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="A terminal news reader for reporting on the Libyan conflict. "
        "Opens the sample article when given no path.",
        epilog="Headless commands: 'libya-reader entities PATH' prints the entity lists; "
        "'libya-reader eval DIR' scores the analysis against gold files.",
    )
    parser.add_argument(
        "paths", nargs="*", help="article files or folders (.txt, .md, .html); - for stdin"
    )
    parser.add_argument("--version", action="version", version=f"{PROG} {__version__}")
    parser.add_argument("--model", help="spaCy model to use (default: en_core_web_sm)")
    return parser


def _entities_parser() -> argparse.ArgumentParser:
    from libya_reader.export import FORMATS

    parser = argparse.ArgumentParser(
        prog=f"{PROG} entities", description="Print an article's entity lists."
    )
    parser.add_argument("path", help="an article file, or - for standard input")
    parser.add_argument("--format", "-f", choices=FORMATS, default="json")
    parser.add_argument("--model", help="spaCy model to use")
    return parser


def _eval_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=f"{PROG} eval",
        description="Score the analysis against gold files (NAME.json beside NAME.txt).",
    )
    parser.add_argument("gold_dirs", nargs="+", type=Path, help="folders of gold files")
    parser.add_argument("--model", help="spaCy model to use")
    parser.add_argument("--no-baseline", action="store_true", help="skip plain spaCy NER")
    return parser


def _run_entities(argv: Sequence[str]) -> int:
    from libya_reader.analysis.analyser import Analyser
    from libya_reader.config import load as load_config
    from libya_reader.export import render

    args = _entities_parser().parse_args(argv)
    article = load_one(args.path)
    config = load_config()
    for warning in config.warnings:
        print(f"{PROG}: {warning}", file=sys.stderr)
    analyser = Analyser(args.model or config.model_name)
    analysis = analyser.analyse(article.text)
    if analyser.warning:
        print(f"{PROG}: {analyser.warning}", file=sys.stderr)
    sys.stdout.write(render(analysis, article, args.format))
    return 0


def _run_eval(argv: Sequence[str]) -> int:
    from libya_reader.evaluation import evaluate_dirs, format_report

    args = _eval_parser().parse_args(argv)
    report = evaluate_dirs(args.gold_dirs, model=args.model, baseline=not args.no_baseline)
    print(format_report(report))
    return 0


def _run_reader(argv: Sequence[str]) -> int:
    from libya_reader.config import load as load_config

    args = _reader_parser().parse_args(argv)
    errors: list[ArticleError] = []
    if args.paths:
        # One line per bad path, then open the rest; only when nothing is left is it fatal.
        articles, errors = collect(args.paths)
        for error in errors:
            print(f"{PROG}: {error}", file=sys.stderr)
        if not articles:
            return 2
    else:
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
    from libya_reader.ui import run_reader

    run_reader(articles, config)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    try:
        if argv and argv[0] == "entities":
            return _run_entities(argv[1:])
        if argv and argv[0] == "eval":
            return _run_eval(argv[1:])
        return _run_reader(argv)
    except (ArticleError, UsageError) as exc:
        print(f"{PROG}: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:
        # `libya-reader entities x | head`: the reader left early; that is not an error.
        sys.stderr.close()
        return 0
