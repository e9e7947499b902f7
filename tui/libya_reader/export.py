"""Entity lists as text, Markdown, CSV and JSON (the contract of `libya-reader entities`)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import Any, Literal

from libya_reader.analysis.model import GROUP_ORDER, Analysis, Entity, Group
from libya_reader.articles import Article
from libya_reader.contract import document, dumps

Format = Literal["json", "text", "markdown", "csv"]
FORMATS: tuple[Format, ...] = ("json", "text", "markdown", "csv")


def _label(entity: Entity) -> str:
    if entity.backs:
        return f"{entity.name} -> {', '.join(entity.backs)}"
    return entity.name


def group_lines(analysis: Analysis, group: Group) -> list[str]:
    """One line per entity of the group: what `c` copies."""
    return [_label(e) for e in analysis.by_group(group)]


def as_text(analysis: Analysis, groups: Iterable[Group] = GROUP_ORDER) -> str:
    blocks = []
    for group in groups:
        lines = group_lines(analysis, group)
        if lines:
            blocks.append("\n".join([f"{group.title}:", *lines]))
    return "\n\n".join(blocks) + "\n" if blocks else ""


def as_markdown(
    analysis: Analysis, article: Article | None = None, groups: Iterable[Group] = GROUP_ORDER
) -> str:
    out: list[str] = []
    if article is not None:
        out += [f"# {article.title}", ""]
        meta = [m for m in (article.dateline, article.source, article.path) if m]
        if meta:
            out += [" · ".join(meta), ""]
    for group in groups:
        members = analysis.by_group(group)
        if not members:
            continue
        out += [f"## {group.title}", ""]
        for entity in members:
            line = f"- {entity.name} ({len(entity.mentions)})"
            if entity.backs:
                line += f" → backs {', '.join(entity.backs)}"
            out.append(line)
        out.append("")
    if analysis.relations:
        out += ["## Relations", ""]
        for relation in analysis.relations:
            out.append(f"- {relation.backer} → {relation.faction}: “{relation.evidence}”")
        out.append("")
    return "\n".join(out)


def as_csv(analysis: Analysis) -> str:
    import csv  # here: the reader imports this module before its first paint, never CSV

    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["name", "group", "mentions", "backs"])
    for group in GROUP_ORDER:
        for entity in analysis.by_group(group):
            writer.writerow(
                [entity.name, str(group), len(entity.mentions), "; ".join(entity.backs)]
            )
    return buffer.getvalue()


def as_json_data(analysis: Analysis, article: Article) -> dict[str, Any]:
    entities = [e.to_dict() for e in analysis.entities]
    relations = [r.to_dict() for r in analysis.relations]
    return document(article.title, article.source, entities, relations)


def render(analysis: Analysis, article: Article, fmt: Format) -> str:
    if fmt == "json":
        return dumps(as_json_data(analysis, article))
    if fmt == "text":
        return as_text(analysis)
    if fmt == "markdown":
        return as_markdown(analysis, article)
    if fmt == "csv":
        return as_csv(analysis)
    raise ValueError(f"unknown format {fmt!r}")
