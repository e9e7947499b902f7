"""The NLP core: article text in, `Analysis` out. Never imports textual.

Importing this package is cheap: spaCy is imported only when an analysis must run, and the
model classes only when asked for (the fingerprint, a submodule, is needed without them).
"""

from __future__ import annotations

TYPE_CHECKING = False  # not typing's: see articles.py
if TYPE_CHECKING:
    from libya_reader.analysis.model import GROUP_ORDER, Analysis, Entity, Group, Mention, Relation

__all__ = ["GROUP_ORDER", "Analysis", "Entity", "Group", "Mention", "Relation"]


def __getattr__(name: str) -> object:
    if name in __all__:
        from libya_reader.analysis import model

        return getattr(model, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
