"""Widgets of the reader: the article pane and the entity panel."""

from libya_reader.ui.widgets.article_view import ArticleView
from libya_reader.ui.widgets.entity_panel import EntityPanel

__all__ = ["ArticleView", "EntityPanel"]
