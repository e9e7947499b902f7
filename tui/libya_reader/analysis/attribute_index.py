"""The attribute ruler's matches found by lookup instead of by its Matcher.

The small English models map each fine tag to its coarse POS and morphology with an
`attribute_ruler` of ~180 patterns, nearly all of one token ({"TAG": "NN"},
{"TAG": "DT", "LOWER": "a"}, {"TAG": "RB", "LOWER": {"IN": ["not", "n't"]}}...). spaCy's
Matcher tries each of them at every token: about a fifth of the time the parse components
take. A pattern whose first token asks for given values of some attributes is found by
looking those values up, one lookup per token and set of attributes, and only then checked
whole. Patterns this index does not understand (operators, other attributes) keep a Matcher
of their own. The matches, sorted as the ruler sorts them, go to the ruler's own
`set_annotations`, so the attributes are set by spaCy's code in spaCy's order.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable
from functools import partial
from itertools import product
from typing import Any

from spacy.attrs import DEP, IS_SPACE, LEMMA, LOWER, NORM, ORTH, SHAPE, TAG
from spacy.matcher import Matcher
from spacy.pipeline import AttributeRuler
from spacy.tokens import Doc

# Attributes the Matcher compares by their string, which `Doc.to_array` gives as its hash
# (not POS: it gives the part-of-speech number), and one flag.
_STRINGS = {
    "ORTH": ORTH,
    "TEXT": ORTH,
    "LOWER": LOWER,
    "NORM": NORM,
    "TAG": TAG,
    "DEP": DEP,
    "LEMMA": LEMMA,
    "SHAPE": SHAPE,
}
_FLAGS = {"IS_SPACE": IS_SPACE}

Match = tuple[int, int, int, int]  # (pattern number, match id, start, end), as the ruler's
Row = list[int]  # one token's attribute values, in the index's column order
Test = Callable[[Row], bool]
# (pattern number, its length in tokens, a test per token; None: the lookup was the test)
Entry = tuple[int, int, list[Test] | None]


class _Unsupported(Exception):
    """A pattern the index leaves to a Matcher."""


class AttributeIndex:
    """`match(doc)` equals `ruler.match(doc)`; calling it on a doc equals calling the ruler."""

    def __init__(self, ruler: AttributeRuler) -> None:
        self.ruler = ruler
        self._strings = ruler.vocab.strings
        self._columns: list[int] = []
        # first-token attribute columns -> their values -> the patterns they may start
        self._tables: dict[tuple[int, ...], dict[tuple[int, ...], list[Entry]]]
        self._tables = defaultdict(lambda: defaultdict(list))
        self._scans: list[Entry] = []  # patterns with nothing to look up, tried everywhere
        self._rest = Matcher(ruler.vocab)
        for number, group in enumerate(ruler.patterns):
            for pattern in group["patterns"]:
                try:
                    self._index(number, pattern)
                except _Unsupported:
                    self._rest.add(str(number), [pattern])
        self._ids = [self._strings[str(number)] for number in range(len(ruler.patterns))]

    def match(self, doc: Doc) -> list[Match]:
        found: set[Match] = set()
        if self._columns and len(doc):
            rows: list[Row] = doc.to_array(self._columns).reshape(len(doc), -1).tolist()
            by_column = list(zip(*rows, strict=True))
            for columns, table in self._tables.items():
                keys = zip(*(by_column[c] for c in columns), strict=True)
                for i, hits in [(i, h) for i, h in enumerate(map(table.get, keys)) if h]:
                    self._check(hits, rows, i, found)
            for entry in self._scans:
                first = entry[2][0]  # type: ignore[index]  # a scan always has its tests
                for i in [i for i, row in enumerate(rows) if first(row)]:
                    self._check([entry], rows, i, found)
        if len(self._rest):
            for match_id, start, end in self._rest(doc, allow_missing=True, as_spans=False):
                found.add((int(self._strings[match_id]), match_id, start, end))
        # A set: the Matcher reports a pattern once per span even if its group holds it twice.
        return sorted(found)

    def _check(self, entries: list[Entry], rows: list[Row], i: int, found: set[Match]) -> None:
        for number, length, tests in entries:
            end = i + length
            if tests is None or (
                end <= len(rows) and all(test(rows[at]) for at, test in enumerate(tests, i))
            ):
                found.add((number, self._ids[number], i, end))

    def __call__(self, doc: Doc) -> Doc:
        self.ruler.set_annotations(doc, self.match(doc))
        return doc

    # building ---------------------------------------------------------------------------

    def _column(self, attr: int) -> int:
        if attr not in self._columns:
            self._columns.append(attr)
        return self._columns.index(attr)

    def _index(self, number: int, pattern: list[dict[str, Any]]) -> None:
        if not pattern:
            raise _Unsupported
        tests = [self._token_test(token) for token in pattern]
        keys = self._keys(pattern[0])
        if not keys:  # a REGEX or a NOT_IN alone
            self._scans.append((number, len(pattern), tests))
            return
        exact = len(pattern) == 1 and len(keys) == len(pattern[0])
        entry = (number, len(pattern), None if exact else tests)
        columns = tuple(sorted(keys))
        for values in product(*(sorted(keys[c]) for c in columns)):
            self._tables[columns][values].append(entry)

    def _keys(self, token: dict[str, Any]) -> dict[int, set[int]]:
        """Column -> the values the token must have, for each attribute with a fixed set."""
        keys: dict[int, set[int]] = {}
        for name, wanted in token.items():
            allowed = self._allowed(name, wanted)
            if allowed is not None:
                keys[self._column(_STRINGS.get(name) or _FLAGS[name])] = allowed
        return keys

    def _allowed(self, name: str, wanted: object) -> set[int] | None:
        if name in _FLAGS:
            if not isinstance(wanted, bool):
                raise _Unsupported
            return {int(wanted)}
        if name not in _STRINGS:
            raise _Unsupported
        if isinstance(wanted, str):
            return {self._strings.add(wanted)}
        if isinstance(wanted, dict) and set(wanted) == {"IN"}:
            return {self._strings.add(value) for value in wanted["IN"]}
        return None

    def _token_test(self, token: dict[str, Any]) -> Test:
        checks: list[Test] = []
        for name, wanted in token.items():
            allowed = self._allowed(name, wanted)
            column = self._column(_STRINGS.get(name) or _FLAGS[name])
            if allowed is not None:
                checks.append(lambda row, c=column, a=frozenset(allowed): row[c] in a)
            elif isinstance(wanted, dict) and set(wanted) == {"NOT_IN"}:
                banned = frozenset(self._strings.add(value) for value in wanted["NOT_IN"])
                checks.append(lambda row, c=column, b=banned: row[c] not in b)
            elif isinstance(wanted, dict) and set(wanted) == {"REGEX"}:
                checks.append(partial(self._regex, column, re.compile(wanted["REGEX"]), {}))
            else:
                raise _Unsupported
        if len(checks) == 1:
            return checks[0]
        return lambda row: all(check(row) for check in checks)

    def _regex(self, column: int, regex: re.Pattern[str], seen: dict[int, bool], row: Row) -> bool:
        # One search per distinct string: a text repeats its words.
        value = row[column]
        if value not in seen:
            if len(seen) > 100_000:
                seen.clear()
            seen[value] = regex.search(self._strings[value]) is not None
        return seen[value]
