"""Decides each entity's group and merges every form of one real-world thing into one entity.

Works on the candidates of a whole article, so a descriptive phrase ("the Tripoli
government") names the faction this article names, and a country is a backer only where
this article says it backs a side.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field

from libya_reader.analysis.candidates import Candidate, Paragraph
from libya_reader.analysis.model import Analysis, Entity, Group, Mention, Relation
from libya_reader.knowledge import Entry, KnowledgeBase, normalise_form
from libya_reader.knowledge.loader import ROLE_TYPES

_KIND_GROUP = {
    "faction": Group.FACTION,
    "place": Group.PLACE,
    "person": Group.PERSON,
    "organization": Group.ORGANIZATION,
}
_TITLES = re.compile(
    r"^(?:(?:Libyan|Gen\.|General|Lt\.|Maj\.|Col\.|Colonel|Field Marshal|Marshal|commander|"
    r"Commander|Prime Minister|President|Mr\.|Ms\.|Mrs\.|Dr\.|Sheikh|Minister)\s+)+"
)
_POSSESSIVE = re.compile(r"(?:['’]s?)$")
_UNIT_ORG = ("Brigade", "Brigades", "Battalion", "Militia", "Forces", "Army", "Front", "Guard")


def clean_form(text: str) -> str:
    """A mention as a list entry: no leading "the", no possessive, one space a gap."""
    text = " ".join(text.split())
    text = re.sub(r"^(?:the|The)\s+", "", text)
    return _POSSESSIVE.sub("", text).strip()


@dataclass(slots=True)
class _Draft:
    key: str
    name: str
    group: Group
    kb: Entry | None = None
    forms: Counter[str] = field(default_factory=Counter)
    mentions: list[Mention] = field(default_factory=list)


class ArticleGrouper:
    def __init__(self, kb: KnowledgeBase, year: int | None) -> None:
        self.kb = kb
        self.year = year

    def build(self, paragraphs: list[Paragraph]) -> Analysis:
        candidates = [c for p in paragraphs for c in p.candidates]
        named = Counter(
            c.kb_id for c in candidates if c.kind == "kb" and self._kind(c.kb_id) == "faction"
        )
        keys = [self._identify(c, named) for c in candidates]
        keys = self._merge_surnames(candidates, keys)
        keys = self._resolve_anaphors(candidates, keys)

        offset = 0
        relations: dict[tuple[str, str], str] = {}
        for paragraph in paragraphs:
            for backer_ref, faction_index, evidence in paragraph.relations:
                faction = self._faction_key(keys[offset + faction_index], named)
                backer = (
                    backer_ref[3:]
                    if isinstance(backer_ref, str)
                    else self._backer_key(
                        candidates[offset + backer_ref], keys[offset + backer_ref]
                    )
                )
                if faction and backer and backer != faction:
                    relations.setdefault((backer, faction), evidence)
            offset += len(paragraph.candidates)

        drafts: dict[str, _Draft] = {}
        for candidate, key in zip(candidates, keys, strict=True):
            if key is None:
                continue
            draft = drafts.get(key) or self._draft(key, candidate)
            drafts[key] = draft
            draft.forms[clean_form(candidate.text)] += 1
            draft.mentions.append(Mention(candidate.start, candidate.end, candidate.text))
        for backer, faction in relations:
            if backer not in drafts:  # named only inside a phrase such as "Turkey-backed"
                entry = self.kb.get(backer)
                if entry is not None:
                    drafts[backer] = _Draft(backer, entry.name, Group.BACKER, entry)
            if faction not in drafts:
                entry = self.kb.get(faction)
                if entry is not None:
                    drafts[faction] = _Draft(faction, entry.name, Group.FACTION, entry)
        return self._finish(drafts, relations)

    # --- identity ----------------------------------------------------------------------

    def _kind(self, kb_id: str | None) -> str | None:
        entry = self.kb.get(kb_id)
        return entry.kind if entry else None

    def _identify(self, c: Candidate, named: Counter[str | None]) -> str | None:
        if c.kind == "side" and c.side is not None:
            if c.side.faction_id:
                return c.side.faction_id
            resolved = self._resolve_side(c.side.side, c.side.role, named)
            return resolved or f"faction:{normalise_form(clean_form(c.text))}"
        if c.kind == "kb":
            return c.kb_id
        if c.kind == "anaphor":
            return None  # resolved against the factions before it, see _resolve_anaphors
        form = clean_form(_TITLES.sub("", c.text))
        if not form or not any(ch.isalpha() for ch in form):
            return None
        if c.kind == "ner" and not any(ch.isupper() for ch in form):
            return None  # the model's guess on a lower-case word ("un-named") names nothing
        entry = self.kb.lookup(form)
        if entry is not None:
            return entry.id
        if c.kind == "fighters":
            known = self._hired_force(form, named) or self._town_force(form)
            return known or f"faction:{normalise_form(form)}"
        if c.kind == "unit":
            return f"faction:{normalise_form(form)}"
        if c.kind == "place":
            return f"place:{normalise_form(form)}"
        group = self._ner_group(c)
        return f"{group}:{normalise_form(form)}" if group else None

    def _hired_force(self, form: str, named: Counter[str | None]) -> str | None:
        """ "Russian mercenaries" in 2020 are the Wagner Group: the one mercenary force the
        knowledge base says that state backed that year. The text still has to say who backs
        whom; this only names the force."""
        from libya_reader.analysis.descriptors import vocabulary

        words = form.split()
        if len(words) != 2 or words[1].casefold() not in ("mercenaries", "contractors"):
            return None
        state = self.kb.lookup(vocabulary()["demonyms"].get(words[0].casefold(), ""))
        if state is None or state.kind != "state":
            return None
        hired = {
            f
            for backing in state.backed
            if backing.covers(self.year)
            for f in backing.factions
            if (e := self.kb.get(f)) is not None and e.type == "mercenary" and e.active(self.year)
        }
        if len(hired) > 1:  # no year to choose by: the force this article names
            hired = {f for f in hired if named[f]}
        return hired.pop() if len(hired) == 1 else None

    def _town_force(self, form: str) -> str | None:
        """ "Zawiya militiamen" are the town's militias the knowledge base knows, if one."""
        words = form.split()
        town = self.kb.lookup(" ".join(words[:-1])) if len(words) > 1 else None
        if town is None or town.kind != "place":
            return None
        prefixes = {normalise_form(f) + " " for f in town.forms}
        found = {
            e.id
            for e in self.kb.of_kind("faction")
            if e.type in ("militia", "armed group")
            for f in e.forms
            if any(normalise_form(f).startswith(p) for p in prefixes)
        }
        return found.pop() if len(found) == 1 else None

    def _ner_group(self, c: Candidate) -> Group | None:
        if c.place_hint or c.label in ("GPE", "LOC", "FAC"):
            return Group.PLACE
        if c.label == "PERSON":
            return Group.PERSON
        if c.label == "ORG":
            last = c.text.split()[-1] if c.text.split() else ""
            return Group.FACTION if last in _UNIT_ORG else Group.ORGANIZATION
        return None

    def _resolve_side(self, side: str | None, role: str, named: Counter[str | None]) -> str | None:
        """The faction a side phrase names: one this article names, else the KB's for the year."""
        if side is None:
            return None
        order = [role, "government"] if role == "forces" else [role]
        for wanted in order:
            types = ROLE_TYPES.get(wanted, ())
            in_article = [
                (count, kb_id)
                for kb_id, count in named.items()
                if (e := self.kb.get(kb_id)) is not None and e.side == side and e.type in types
            ]
            if in_article:
                return max(in_article)[1]
        for wanted in order:
            found = [
                e for e in self.kb.factions_for(side, wanted, self.year) if e.active(self.year)
            ]
            if found:
                return found[0].id
        return None

    def _merge_surnames(
        self, candidates: list[Candidate], keys: list[str | None]
    ) -> list[str | None]:
        """A person named by surname alone is the fuller name the article gives.

        "Bin Ghuzeil" is "Akram Bin Ghuzeil"; a surname the model took for an organisation
        ("Bel-Khair said") is the person too. A surname two people share stays apart.
        """
        full: dict[str, set[str]] = {}
        for key in keys:
            if key and key.startswith("person:") and " " in key:
                words = key.removeprefix("person:").split()
                for cut in range(1, len(words)):
                    full.setdefault(" ".join(words[cut:]), set()).add(key)

        def merged(key: str | None) -> str | None:
            if not key or not key.startswith(("person:", "organization:")):
                return key
            owners = full.get(key.split(":", 1)[1], set()) - {key}
            return owners.pop() if len(owners) == 1 else key

        return [merged(k) for k in keys]

    def _resolve_anaphors(
        self, candidates: list[Candidate], keys: list[str | None]
    ) -> list[str | None]:
        """ "The council" is the latest faction named before it that is a council."""
        from libya_reader.analysis.descriptors import vocabulary

        types = vocabulary()["anaphors"]
        out = list(keys)
        for index, candidate in enumerate(candidates):
            if candidate.kind != "anaphor":
                continue
            noun = candidate.label
            for before in range(index - 1, -1, -1):
                key = out[before]
                if key is None or candidates[before].kind == "anaphor":
                    continue
                entry = self.kb.get(key)
                if entry is not None and entry.kind != "faction":
                    continue
                if entry is None and not key.startswith("faction:"):
                    continue
                names = entry.forms if entry is not None else (candidates[before].text,)
                last_words = {n.split()[-1].casefold() for n in names if n.split()}
                if noun in last_words or (entry is not None and entry.type in types[noun]):
                    out[index] = key
                    break
        return out

    def _faction_key(self, key: str | None, named: Counter[str | None]) -> str | None:
        if key is None:
            return None
        entry = self.kb.get(key)
        if entry is None:
            return key if key.startswith("faction:") else None
        if entry.kind == "faction":
            return entry.id
        if entry.kind == "person" and entry.affiliation:
            affiliated = self.kb.get(entry.affiliation)
            return affiliated.id if affiliated and affiliated.kind == "faction" else None
        if entry.kind == "place":
            # "Turkey backs Tripoli": the city stands for the government seated there.
            from libya_reader.analysis.descriptors import vocabulary

            for side, words in vocabulary()["side_words"].items():
                if entry.name.casefold() in words:
                    return self._resolve_side(side, "government", named)
        return None

    def _backer_key(self, c: Candidate, key: str | None) -> str | None:
        entry = self.kb.get(key)
        if entry is not None:
            return entry.id if entry.kind == "state" else None
        # A state the knowledge base lacks: only the model's GPE label makes it one.
        return key if c.kind == "ner" and c.label == "GPE" and key else None

    def _draft(self, key: str, c: Candidate) -> _Draft:
        entry = self.kb.get(key)
        if entry is not None:
            group = _KIND_GROUP.get(entry.kind, Group.PLACE)
            return _Draft(key, entry.name, group, entry)
        prefix = key.split(":", 1)[0]
        return _Draft(key, "", Group(prefix))

    # --- assembly ----------------------------------------------------------------------

    def _finish(self, drafts: dict[str, _Draft], relations: dict[tuple[str, str], str]) -> Analysis:
        backs: dict[str, list[str]] = defaultdict(list)
        for backer, faction in relations:
            backs[backer].append(faction)
        entities: dict[str, Entity] = {}
        for key, draft in drafts.items():
            if not draft.name:
                draft.name = max(draft.forms, key=lambda f: (draft.forms[f], len(f)))
            group = draft.group
            if key in backs:
                group = Group.BACKER
            elif draft.kb is not None and draft.kb.kind == "state":
                # an alliance that backs no one here is an organisation, not a location
                group = Group.ORGANIZATION if draft.kb.type == "alliance" else Group.PLACE
            elif key.startswith("place:") and key in backs:
                group = Group.BACKER
            folded = draft.name.casefold()
            aliases = sorted(
                {f for f in draft.forms if f and f.casefold() != folded}, key=str.casefold
            )
            entities[key] = Entity(
                name=draft.name,
                group=group,
                aliases=_distinct(aliases),
                mentions=sorted(draft.mentions),
                kb_id=draft.kb.id if draft.kb else None,
            )
        for key, factions in backs.items():
            if key in entities:
                entities[key].backs = [entities[f].name for f in factions if f in entities]
        out_relations = [
            Relation(entities[b].name, entities[f].name, evidence)
            for (b, f), evidence in relations.items()
            if b in entities and f in entities
        ]
        return Analysis(entities=list(entities.values()), relations=out_relations)


def _distinct(forms: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for form in forms:
        folded = normalise_form(form)
        if folded not in seen:
            seen.add(folded)
            out.append(form)
    return out
