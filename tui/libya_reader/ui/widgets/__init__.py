"""Widgets of the reader: the article pane, the entity panel and its legend."""

from libya_reader.ui.widgets.article_view import ArticleView
from libya_reader.ui.widgets.entity_panel import EntityPanel
from libya_reader.ui.widgets.legend import Legend

__all__ = ["ArticleView", "EntityPanel", "Legend"]
