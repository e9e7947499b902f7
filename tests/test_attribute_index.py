"""The attribute ruler's stand-in finds the ruler's matches and sets the ruler's attributes."""

from __future__ import annotations

from pathlib import Path

import pytest
from spacy.language import Language
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

from libya_reader.analysis.analyser import Analyser, paragraphs
from libya_reader.analysis.attribute_index import AttributeIndex

EVAL = Path(__file__).resolve().parent.parent / "eval"
# Words the model's exception patterns are written for: contractions, spaces, "there is".
AWKWARD = [
    "We ain't gonna wait, y'all, let's go. C'mon, there's nothin' left, it's gotta end.",
    "I'd have done it if they hadn't.  Who'll tell them? Don't.\n\nThey said that it was so.",
    "The GNA , which is n't backed by them , did not  say whether  it had .",
]


@pytest.fixture(scope="module")
def nlp(analyser: Analyser) -> Language:
    return analyser.pipeline.nlp


def _tagged_and_parsed(nlp: Language, texts: list[str]) -> list[Doc]:
    docs = [nlp.make_doc(text) for text in texts]
    for name in ("tok2vec", "tagger", "parser"):
        docs = list(nlp.get_pipe(name).pipe(docs))
    return docs


def _texts() -> list[str]:
    texts = list(AWKWARD)
    for path in sorted(EVAL.glob("*/*.txt")):
        texts += [piece for _, piece in paragraphs(path.read_text(encoding="utf-8"))]
    return texts


def test_the_models_ruler_is_indexed(analyser: Analyser) -> None:
    assert analyser.pipeline.attributes is not None


def test_same_matches_and_attributes_as_the_ruler(nlp: Language) -> None:
    ruler = nlp.get_pipe("attribute_ruler")
    index = AttributeIndex(ruler)
    texts = _texts()
    by_ruler = _tagged_and_parsed(nlp, texts)
    by_index = _tagged_and_parsed(nlp, texts)
    for ours, theirs in zip(by_index, by_ruler, strict=True):
        assert index.match(ours) == ruler.match(theirs)
        index(ours)
        ruler(theirs)
        assert [(t.pos_, str(t.morph), t.lemma_) for t in ours] == [
            (t.pos_, str(t.morph), t.lemma_) for t in theirs
        ]
    # the texts did reach the exception patterns, not only the tag map
    assert any(t.lower_ == "gon" and t.pos_ for t in by_index[0])


def test_patterns_it_cannot_index_go_to_a_matcher(nlp: Language) -> None:
    """Operators, POS, several tokens, a REGEX alone, a pattern given twice: all handled."""
    ruler = AttributeRuler(nlp.vocab)
    ruler.add([[{"TAG": "NNP", "OP": "+"}]], {"MORPH": "Foreign=Yes"})
    ruler.add([[{"POS": "PROPN"}]], {"LEMMA": "name"}, index=0)
    ruler.add([[{"LOWER": "the"}, {"TAG": {"IN": ["NNP", "NN"]}}]], {"POS": "DET"}, index=-1)
    ruler.add([[{"LOWER": {"REGEX": "^gn"}}]], {"POS": "X"})
    ruler.add([[{"DEP": {"NOT_IN": ["punct", ""]}, "IS_SPACE": False}]], {"POS": "NUM"})
    ruler.add([[{"TAG": "DT"}], [{"TAG": "DT"}]], {"POS": "PRON"})
    index = AttributeIndex(ruler)
    assert len(index._rest) == 2  # the operator and the POS test
    docs = _tagged_and_parsed(nlp, ["The GNA and the Libyan National Army met in Geneva."])
    docs += _tagged_and_parsed(nlp, ["The GNA and the Libyan National Army met in Geneva."])
    nlp.get_pipe("attribute_ruler")(docs[0])
    nlp.get_pipe("attribute_ruler")(docs[1])
    assert index.match(docs[0]) == ruler.match(docs[1]) != []
    index(docs[0])
    ruler(docs[1])
    assert [(t.pos_, t.lemma_, str(t.morph)) for t in docs[0]] == [
        (t.pos_, t.lemma_, str(t.morph)) for t in docs[1]
    ]
