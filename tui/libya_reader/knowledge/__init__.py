"""Curated knowledge base of the Libyan conflict: the data file and its loader."""

from libya_reader.knowledge.loader import (
    Entry,
    KnowledgeBase,
    KnowledgeError,
    load_knowledge,
    normalise_form,
)

__all__ = ["Entry", "KnowledgeBase", "KnowledgeError", "load_knowledge", "normalise_form"]
