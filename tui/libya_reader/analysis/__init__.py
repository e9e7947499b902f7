"""The NLP core: article text in, `Analysis` out. Never imports textual.

Importing this package is cheap: spaCy is imported only when an analysis must run.
"""

from libya_reader.analysis.model import GROUP_ORDER, Analysis, Entity, Group, Mention, Relation

__all__ = ["GROUP_ORDER", "Analysis", "Entity", "Group", "Mention", "Relation"]
