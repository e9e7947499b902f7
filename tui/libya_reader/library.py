"""The library: a SQLite store of articles, cached analyses, read state and corrections.

One file, `paths.data_dir()/library.sqlite3`. WAL mode and `BEGIN IMMEDIATE` transactions let
two readers (or a reader and `libya-reader add`) write at once without corrupting it; a
damaged file is moved aside and a new one built. No Textual here: the UI and the CLI share it.

Analyses are keyed by sha256 of the article text plus the pipeline fingerprint. The entity
index, the search index and the overview are built from each article's newest analysis with
the user's corrections applied, and rebuilt when the corrections change.
"""

from __future__ import annotations

import json
import os
import re
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, NamedTuple

from libya_reader.analysis.model import GROUP_ORDER, Analysis, Entity, Group, Relation
from libya_reader.articles import Article, from_text, text_sha
from libya_reader.corrections import Correction, apply_corrections
from libya_reader.store import KB_ID, SCHEMA_VERSION, default_path, stored_analysis

BUSY_TIMEOUT_MS = 30_000  # a batch import holds the write lock for one article at a time
_DAMAGE = {"SQLITE_NOTADB", "SQLITE_CORRUPT"}

_SCHEMA = """
CREATE TABLE articles (
    id INTEGER PRIMARY KEY,
    sha TEXT NOT NULL UNIQUE,
    path TEXT,
    title TEXT NOT NULL,
    title_derived INTEGER NOT NULL DEFAULT 0,
    source TEXT,
    dateline TEXT,
    date TEXT,
    words INTEGER NOT NULL,
    text TEXT NOT NULL,
    added REAL NOT NULL,
    read INTEGER NOT NULL DEFAULT 0
);
CREATE TABLE analyses (
    id INTEGER PRIMARY KEY,
    sha TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    data TEXT NOT NULL,
    stored REAL NOT NULL,
    UNIQUE (sha, fingerprint)
);
CREATE TABLE entity_index (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    name TEXT NOT NULL,
    folded TEXT NOT NULL,
    grp TEXT NOT NULL,
    aliases TEXT NOT NULL,
    mentions INTEGER NOT NULL,
    first_start INTEGER NOT NULL
);
CREATE INDEX entity_index_folded ON entity_index (folded);
CREATE INDEX entity_index_article ON entity_index (article_id);
CREATE TABLE relation_index (
    article_id INTEGER NOT NULL REFERENCES articles(id) ON DELETE CASCADE,
    backer TEXT NOT NULL,
    faction TEXT NOT NULL,
    evidence TEXT NOT NULL
);
CREATE INDEX relation_index_article ON relation_index (article_id);
CREATE TABLE corrections (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    name TEXT NOT NULL,
    value TEXT,
    created REAL NOT NULL
);
CREATE VIRTUAL TABLE search_index USING fts5(
    title, text, entities, tokenize = 'unicode61 remove_diacritics 2'
);
"""


class LibraryError(Exception):
    """The library cannot be used; the message is one line naming the file and the reason."""


# The records below are rows read back, never changed: named tuples, whose classes cost a
# seventh of a frozen dataclass's to define (the reader imports this before its first paint).


class ArticleRecord(NamedTuple):
    """An article as stored: everything needed to show it again without the file."""

    id: int
    sha: str
    path: str | None
    title: str
    title_derived: bool
    source: str | None
    dateline: str | None
    date: date | None
    words: int
    text: str
    added: datetime
    read: bool


class ArticleSummary(NamedTuple):
    """One row of the library screen."""

    id: int
    sha: str
    title: str
    date: date | None
    source: str | None
    path: str | None
    words: int
    read: bool
    analysed: bool
    counts: dict[Group, int]


class EntityMention(NamedTuple):
    """An article that names an entity, and where it first does (character offset)."""

    article: ArticleSummary
    first: int


class EntityStat(NamedTuple):
    """An entity across the library: in how many articles, how many mentions in all."""

    name: str
    group: Group
    articles: int
    mentions: int


class Evidence(NamedTuple):
    article_id: int
    sentence: str


class RelationStat(NamedTuple):
    """backer -> faction across the library, with every sentence that states it."""

    backer: str
    faction: str
    evidence: tuple[Evidence, ...]

    @property
    def article_ids(self) -> tuple[int, ...]:
        return tuple(dict.fromkeys(e.article_id for e in self.evidence))


class Overview(NamedTuple):
    groups: dict[Group, list[EntityStat]]
    relations: list[RelationStat]


class SearchHit(NamedTuple):
    article: ArticleSummary
    score: float  # bm25: lower is better; hits come best first
    snippet: str


# --- analysis JSON (the model's own round trip drops kb_id, which the UI keys on) -------------


def _analysis_json(analysis: Analysis) -> str:
    entities = [{**e.to_dict(), KB_ID: e.kb_id} for e in analysis.entities]
    relations = [r.to_dict() for r in analysis.relations]
    return json.dumps({"entities": entities, "relations": relations}, ensure_ascii=False)


def _analysis_from_json(raw: str) -> Analysis:
    data = json.loads(raw)
    return Analysis(
        entities=[Entity.from_dict(e, kb_id=e.get(KB_ID)) for e in data.get("entities", [])],
        relations=[Relation.from_dict(r) for r in data.get("relations", [])],
    )


def _fold(name: str) -> str:
    return " ".join(name.casefold().split())


_TERM = re.compile(r"[\w'’-]+", re.UNICODE)


def fts_query(text: str) -> str | None:
    """User words as an FTS5 query that cannot be a syntax error: every term quoted.

    All terms must match; the last is a prefix, so a search box finds as the user types.
    """
    terms = [t.strip("'’-") for t in _TERM.findall(text)]
    terms = [t for t in terms if t]
    if not terms:
        return None
    quoted = ['"' + t.replace('"', '""') + '"' for t in terms]
    quoted[-1] += "*"
    return " ".join(quoted)


class Library:
    """The store. Safe to share between threads (one connection behind a lock)."""

    def __init__(self, connection: sqlite3.Connection, path: Path, notice: str | None) -> None:
        self._db = connection
        self._lock = threading.RLock()
        self.path = path
        # One line for the user when something happened on open (a damaged file moved aside).
        self.notice = notice

    # --- opening ------------------------------------------------------------------------

    @classmethod
    def open(cls, path: Path | None = None) -> Library:
        path = Path(path) if path is not None else default_path()
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise LibraryError(
                f"{path.parent}: cannot create the library folder ({_why(exc)})"
            ) from None
        notice = None
        try:
            connection = _connect(path)
        except sqlite3.DatabaseError as exc:
            if getattr(exc, "sqlite_errorname", "") not in _DAMAGE:
                raise LibraryError(f"{path}: cannot open the library ({_why(exc)})") from None
            kept = _move_aside(path)
            notice = (
                f"The library {path} was damaged; it was kept as {kept.name} and a new one built"
            )
            try:
                connection = _connect(path)
            except sqlite3.DatabaseError as again:
                raise LibraryError(f"{path}: cannot open the library ({_why(again)})") from None
        return cls(connection, path, notice)

    def close(self) -> None:
        with self._lock:
            self._db.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        value: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One transaction: all of it or none of it. IMMEDIATE takes the write lock at once,
        so two writers wait for each other (busy_timeout) instead of failing to upgrade."""
        with self._lock:
            try:
                self._db.execute("BEGIN IMMEDIATE")
            except sqlite3.OperationalError as exc:
                raise LibraryError(f"{self.path}: cannot write the library ({_why(exc)})") from None
            try:
                yield self._db
            except BaseException:
                self._db.rollback()
                raise
            try:
                self._db.commit()
            except sqlite3.OperationalError as exc:
                self._db.rollback()
                raise LibraryError(f"{self.path}: cannot write the library ({_why(exc)})") from None

    def _read(self, sql: str, args: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        with self._lock:
            return self._db.execute(sql, args).fetchall()

    # --- articles -----------------------------------------------------------------------

    def add(self, article: Article) -> ArticleRecord:
        """Store an article (idempotent: the same text is the same article)."""
        sha = text_sha(article.text)
        with self._write() as db:
            row = db.execute("SELECT id, path FROM articles WHERE sha = ?", (sha,)).fetchone()
            if row is None:
                cursor = db.execute(
                    "INSERT INTO articles (sha, path, title, title_derived, source, dateline,"
                    " date, words, text, added) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    (
                        sha,
                        _stored_path(article.path),
                        article.title,
                        int(article.title_derived),
                        article.source,
                        article.dateline,
                        article.date.isoformat() if article.date else None,
                        len(article.text.split()),
                        article.text,
                        time.time(),
                    ),
                )
                article_id = int(cursor.lastrowid or 0)
                db.execute(
                    "INSERT INTO search_index (rowid, title, text, entities) VALUES (?, ?, ?, '')",
                    (article_id, article.title, article.text),
                )
                # An analysis stored before the article (by sha) is indexed now.
                self._index(db, article_id, sha, self._corrections(db))
            elif row["path"] is None and article.path:
                db.execute(
                    "UPDATE articles SET path = ? WHERE id = ?",
                    (_stored_path(article.path), row["id"]),
                )
        record = self.find_by_sha(sha)
        assert record is not None
        return record

    def get(self, article_id: int) -> ArticleRecord | None:
        rows = self._read("SELECT * FROM articles WHERE id = ?", (article_id,))
        return _record(rows[0]) if rows else None

    def find_by_sha(self, sha: str) -> ArticleRecord | None:
        rows = self._read("SELECT * FROM articles WHERE sha = ?", (sha,))
        return _record(rows[0]) if rows else None

    def find_by_path(self, path: str | Path) -> ArticleRecord | None:
        rows = self._read(
            "SELECT * FROM articles WHERE path = ? ORDER BY id DESC LIMIT 1",
            (_stored_path(str(path)),),
        )
        return _record(rows[0]) if rows else None

    def articles(self) -> list[ArticleSummary]:
        """Every article, newest dateline first (undated last), then by title."""
        rows = self._read(
            f"{_SUMMARY_SELECT} ORDER BY a.date IS NULL, a.date DESC, a.title COLLATE NOCASE"
        )
        return self._summaries(rows)

    def mark_read(self, article_id: int, read: bool = True) -> None:
        with self._write() as db:
            db.execute("UPDATE articles SET read = ? WHERE id = ?", (int(read), article_id))

    def remove(self, article_id: int) -> None:
        with self._write() as db:
            sha = db.execute("SELECT sha FROM articles WHERE id = ?", (article_id,)).fetchone()
            db.execute("DELETE FROM search_index WHERE rowid = ?", (article_id,))
            db.execute("DELETE FROM articles WHERE id = ?", (article_id,))
            if sha is not None:
                db.execute("DELETE FROM analyses WHERE sha = ?", (sha[0],))

    def load_article(self, record: ArticleRecord) -> Article:
        """The Article again, parts and all, from the stored text (no file needed)."""
        article = from_text(record.text, path=record.path, title=record.title)
        article.title_derived = record.title_derived
        return article

    def count(self) -> int:
        return int(self._read("SELECT COUNT(*) FROM articles")[0][0])

    # --- analyses -----------------------------------------------------------------------

    def cached_analysis(self, sha: str, fingerprint: str) -> Analysis | None:
        """The analysis stored for this text under this pipeline, uncorrected; None on a miss."""
        with self._lock:
            raw = stored_analysis(self._db, sha, fingerprint)
        return None if raw is None else _analysis_from_json(raw)

    def has_analysis(self, sha: str, fingerprint: str | None) -> bool:
        """Whether this text was analysed under this pipeline (None: under any)."""
        if fingerprint is None:
            return bool(self._read("SELECT 1 FROM analyses WHERE sha = ? LIMIT 1", (sha,)))
        rows = self._read(
            "SELECT 1 FROM analyses WHERE sha = ? AND fingerprint = ?", (sha, fingerprint)
        )
        return bool(rows)

    def store_analysis(self, sha: str, fingerprint: str, analysis: Analysis) -> None:
        with self._write() as db:
            db.execute(
                "INSERT OR REPLACE INTO analyses (sha, fingerprint, data, stored)"
                " VALUES (?, ?, ?, ?)",
                (sha, fingerprint, _analysis_json(analysis), time.time()),
            )
            row = db.execute("SELECT id FROM articles WHERE sha = ?", (sha,)).fetchone()
            if row is not None:
                self._index(db, row[0], sha, self._corrections(db), analysis)

    def add_analysed(self, article: Article, fingerprint: str, analysis: Analysis) -> ArticleRecord:
        """Article and analysis in one go (what a batch import writes per article)."""
        record = self.add(article)
        self.store_analysis(record.sha, fingerprint, analysis)
        return record

    def corrected(self, analysis: Analysis) -> Analysis:
        """The analysis with the user's corrections applied: what the reader shows."""
        corrections = self.corrections()
        return apply_corrections(analysis, corrections) if corrections else analysis

    def current_analysis(self, article_id: int) -> Analysis | None:
        """The article's newest analysis under any pipeline, corrected (None if never analysed)."""
        rows = self._read(
            "SELECT an.data FROM analyses an JOIN articles a ON a.sha = an.sha"
            " WHERE a.id = ? ORDER BY an.stored DESC, an.id DESC LIMIT 1",
            (article_id,),
        )
        return self.corrected(_analysis_from_json(rows[0][0])) if rows else None

    def _index(
        self,
        db: sqlite3.Connection,
        article_id: int,
        sha: str,
        corrections: list[Correction],
        newest: Analysis | None = None,
    ) -> None:
        """Rebuild one article's rows in the entity, relation and search indexes
        (`newest`: its newest analysis, when the caller has just stored it)."""
        db.execute("DELETE FROM entity_index WHERE article_id = ?", (article_id,))
        db.execute("DELETE FROM relation_index WHERE article_id = ?", (article_id,))
        if newest is None:
            row = db.execute(
                "SELECT data FROM analyses WHERE sha = ? ORDER BY stored DESC, id DESC LIMIT 1",
                (sha,),
            ).fetchone()
            newest = _analysis_from_json(row[0]) if row is not None else None
        names = ""
        if newest is not None:
            analysis = apply_corrections(newest, corrections) if corrections else newest
            db.executemany(
                "INSERT INTO entity_index (article_id, name, folded, grp, aliases, mentions,"
                " first_start) VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (
                        article_id,
                        e.name,
                        _fold(e.name),
                        str(e.group),
                        json.dumps([_fold(a) for a in e.aliases], ensure_ascii=False),
                        len(e.mentions),
                        min((m.start for m in e.mentions), default=0),
                    )
                    for e in analysis.entities
                ],
            )
            db.executemany(
                "INSERT INTO relation_index (article_id, backer, faction, evidence)"
                " VALUES (?, ?, ?, ?)",
                [(article_id, r.backer, r.faction, r.evidence) for r in analysis.relations],
            )
            names = "\n".join(n for e in analysis.entities for n in (e.name, *e.aliases))
        db.execute("UPDATE search_index SET entities = ? WHERE rowid = ?", (names, article_id))

    def _naming(self, db: sqlite3.Connection, name: str) -> list[tuple[int, str]]:
        """(id, sha) of the articles whose indexed entities go by `name`: the only ones a
        correction of that name can change, since corrections match by name and alias."""
        folded = _fold(name)
        return [
            (row[0], row[1])
            for row in db.execute(
                "SELECT DISTINCT a.id, a.sha FROM articles a JOIN entity_index e"
                f" ON e.article_id = a.id WHERE {_ENTITY_MATCH}",
                (folded, folded),
            ).fetchall()
        ]

    def _reindex(self, db: sqlite3.Connection, articles: list[tuple[int, str]] | None) -> None:
        """Rebuild the index rows of these articles (None: of every article)."""
        corrections = self._corrections(db)
        if articles is None:
            articles = [(row[0], row[1]) for row in db.execute("SELECT id, sha FROM articles")]
        for article_id, sha in articles:
            self._index(db, article_id, sha, corrections)

    # --- across articles ----------------------------------------------------------------

    def articles_with_entity(self, name: str, group: Group | None = None) -> list[EntityMention]:
        """Articles naming the entity (by name or alias), with the offset of the first mention."""
        sql = (
            f"{_SUMMARY_SELECT_WITH_FIRST} WHERE {_ENTITY_MATCH}"
            + (" AND e.grp = ?" if group else "")
            + " GROUP BY a.id ORDER BY a.date IS NULL, a.date DESC, a.title COLLATE NOCASE"
        )
        folded = _fold(name)
        args: tuple[Any, ...] = (folded, folded, str(group)) if group else (folded, folded)
        rows = self._read(sql, args)
        summaries = self._summaries(rows)
        return [EntityMention(s, int(r["first"])) for s, r in zip(summaries, rows, strict=True)]

    def entity_article_count(self, name: str) -> int:
        folded = _fold(name)
        rows = self._read(
            f"SELECT COUNT(DISTINCT e.article_id) FROM entity_index e WHERE {_ENTITY_MATCH}",
            (folded, folded),
        )
        return int(rows[0][0])

    def overview(self, limit: int | None = None) -> Overview:
        """Each group ranked by article count, then mentions; every backer -> faction relation."""
        rows = self._read(
            "SELECT name, grp, COUNT(DISTINCT article_id) AS n, SUM(mentions) AS m"
            " FROM entity_index GROUP BY folded, grp"
            " ORDER BY n DESC, m DESC, name COLLATE NOCASE"
        )
        groups: dict[Group, list[EntityStat]] = {g: [] for g in GROUP_ORDER}
        for row in rows:
            stats = groups[Group(row["grp"])]
            if limit is None or len(stats) < limit:
                stats.append(EntityStat(row["name"], Group(row["grp"]), row["n"], row["m"]))
        evidence: dict[tuple[str, str], list[Evidence]] = {}
        names: dict[tuple[str, str], tuple[str, str]] = {}
        for row in self._read(
            "SELECT backer, faction, evidence, article_id FROM relation_index"
            " ORDER BY article_id, rowid"
        ):
            key = (_fold(row["backer"]), _fold(row["faction"]))
            names.setdefault(key, (row["backer"], row["faction"]))
            found = Evidence(row["article_id"], row["evidence"])
            if found not in evidence.setdefault(key, []):
                evidence[key].append(found)
        relations = [RelationStat(*names[key], tuple(items)) for key, items in evidence.items()]
        relations.sort(key=lambda r: (-len(r.article_ids), -len(r.evidence), r.backer, r.faction))
        return Overview(groups, relations)

    # --- search -------------------------------------------------------------------------

    def search(
        self, query: str, limit: int = 20, mark: tuple[str, str] = ("", "")
    ) -> list[SearchHit]:
        """Articles matching every word (in title, text or entity names), best first.

        `mark` wraps the matched words in the snippet; the snippet is plain text otherwise.
        """
        expression = fts_query(query)
        if expression is None:
            return []
        try:
            rows = self._read(
                "SELECT rowid, bm25(search_index, 5.0, 1.0, 3.0) AS score,"
                " snippet(search_index, 1, ?, ?, '…', 12) AS snippet"
                " FROM search_index WHERE search_index MATCH ? ORDER BY score LIMIT ?",
                (mark[0], mark[1], expression, limit),
            )
        except sqlite3.OperationalError:
            return []  # quoting makes this unreachable for any input we know of
        if not rows:
            return []
        by_id = {s.id: s for s in self._summaries_for([r["rowid"] for r in rows])}
        return [
            SearchHit(by_id[r["rowid"]], float(r["score"]), " ".join(r["snippet"].split()))
            for r in rows
            if r["rowid"] in by_id
        ]

    # --- corrections --------------------------------------------------------------------

    def add_correction(self, correction: Correction) -> Correction:
        with self._write() as db:
            affected = self._naming(db, correction.name)
            created = time.time()
            cursor = db.execute(
                "INSERT INTO corrections (kind, name, value, created) VALUES (?, ?, ?, ?)",
                (correction.kind, correction.name, correction.value, created),
            )
            self._reindex(db, affected)
        return Correction(
            correction.kind,
            correction.name,
            correction.value,
            int(cursor.lastrowid or 0),
            datetime.fromtimestamp(created),
        )

    def undo_last_correction(self) -> Correction | None:
        """Remove the newest correction and return it (None when there is none)."""
        with self._write() as db:
            found = self._corrections(db)
            if not found:
                return None
            last = found[-1]
            # A hidden entity is in no index row: undoing a hide must look at every article.
            affected = None if last.kind == "hide" else self._naming(db, last.name)
            db.execute("DELETE FROM corrections WHERE id = ?", (last.id,))
            self._reindex(db, affected)
        return last

    def corrections(self) -> list[Correction]:
        with self._lock:
            return self._corrections(self._db)

    @staticmethod
    def _corrections(db: sqlite3.Connection) -> list[Correction]:
        rows = db.execute(
            "SELECT id, kind, name, value, created FROM corrections ORDER BY id"
        ).fetchall()
        return [
            Correction(
                r["kind"], r["name"], r["value"], r["id"], datetime.fromtimestamp(r["created"])
            )
            for r in rows
        ]

    # --- summaries ----------------------------------------------------------------------

    def _summaries_for(self, ids: list[int]) -> list[ArticleSummary]:
        marks = ", ".join("?" for _ in ids)
        return self._summaries(self._read(f"{_SUMMARY_SELECT} WHERE a.id IN ({marks})", tuple(ids)))

    def _summaries(self, rows: list[sqlite3.Row]) -> list[ArticleSummary]:
        if not rows:
            return []
        ids = [row["id"] for row in rows]
        counts: dict[int, dict[Group, int]] = {i: dict.fromkeys(GROUP_ORDER, 0) for i in ids}
        for chunk in range(0, len(ids), 500):
            part = ids[chunk : chunk + 500]
            marks = ", ".join("?" for _ in part)
            for row in self._read(
                "SELECT article_id, grp, COUNT(*) FROM entity_index"
                f" WHERE article_id IN ({marks}) GROUP BY article_id, grp",
                tuple(part),
            ):
                counts[row[0]][Group(row[1])] = row[2]
        return [
            ArticleSummary(
                id=row["id"],
                sha=row["sha"],
                title=row["title"],
                date=date.fromisoformat(row["date"]) if row["date"] else None,
                source=row["source"],
                path=row["path"],
                words=row["words"],
                read=bool(row["read"]),
                analysed=bool(row["analysed"]),
                counts=counts[row["id"]],
            )
            for row in rows
        ]


_SUMMARY_COLUMNS = (
    "a.id, a.sha, a.title, a.date, a.source, a.path, a.words, a.read,"
    " EXISTS (SELECT 1 FROM analyses an WHERE an.sha = a.sha) AS analysed"
)
_SUMMARY_SELECT = f"SELECT {_SUMMARY_COLUMNS} FROM articles a"
_SUMMARY_SELECT_WITH_FIRST = (
    f"SELECT {_SUMMARY_COLUMNS}, MIN(e.first_start) AS first"
    " FROM articles a JOIN entity_index e ON e.article_id = a.id"
)
_ENTITY_MATCH = "(e.folded = ? OR EXISTS (SELECT 1 FROM json_each(e.aliases) j WHERE j.value = ?))"


def _stored_path(path: str | None) -> str | None:
    """Absolute, so the library still finds the file from another working directory."""
    if path is None or path.startswith("<"):
        return path
    return str(Path(path).expanduser().absolute())


def _record(row: sqlite3.Row) -> ArticleRecord:
    return ArticleRecord(
        id=row["id"],
        sha=row["sha"],
        path=row["path"],
        title=row["title"],
        title_derived=bool(row["title_derived"]),
        source=row["source"],
        dateline=row["dateline"],
        date=date.fromisoformat(row["date"]) if row["date"] else None,
        words=row["words"],
        text=row["text"],
        added=datetime.fromtimestamp(row["added"]),
        read=bool(row["read"]),
    )


def _why(exc: BaseException) -> str:
    if isinstance(exc, OSError) and exc.strerror:
        return exc.strerror.lower()
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    if "readonly" in text or "read-only" in text:
        return "the folder or file is read-only"
    return text


def _connect(path: Path) -> sqlite3.Connection:
    """Open, set the pragmas, check the file, create the schema on first use."""
    connection = sqlite3.connect(
        path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None, check_same_thread=False
    )
    connection.row_factory = sqlite3.Row
    try:
        connection.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        connection.execute("PRAGMA foreign_keys = ON")
        mode = connection.execute("PRAGMA journal_mode = WAL").fetchone()[0]
        if str(mode).lower() != "wal":
            raise sqlite3.OperationalError(f"cannot use WAL mode (got {mode})")
        connection.execute("PRAGMA synchronous = NORMAL")  # safe in WAL; one fsync a checkpoint
        check = connection.execute("PRAGMA quick_check").fetchone()[0]
        if check != "ok":
            error = sqlite3.DatabaseError(f"integrity check failed: {check}")
            error.sqlite_errorname = "SQLITE_CORRUPT"  # type: ignore[attr-defined]
            raise error
        _migrate(connection)
    except BaseException:
        connection.close()
        raise
    return connection


def _migrate(connection: sqlite3.Connection) -> None:
    version = connection.execute("PRAGMA user_version").fetchone()[0]
    if version == SCHEMA_VERSION:
        return
    if version > SCHEMA_VERSION:
        raise sqlite3.OperationalError(
            f"made by a newer libya-reader (schema {version}; this one knows {SCHEMA_VERSION})"
        )
    # Two processes may create it at once: take the write lock, then look again.
    connection.execute("BEGIN IMMEDIATE")
    try:
        if connection.execute("PRAGMA user_version").fetchone()[0] == 0:
            for statement in _SCHEMA.split(";"):
                if statement.strip():
                    connection.execute(statement)
            connection.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        connection.execute("COMMIT")
    except BaseException:
        connection.execute("ROLLBACK")
        raise


def _move_aside(path: Path) -> Path:
    """Keep a damaged file (and its WAL) under a name with the time; return the new name."""
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    kept = path.with_name(f"{path.name}.damaged-{stamp}")
    counter = 1
    while kept.exists():
        counter += 1
        kept = path.with_name(f"{path.name}.damaged-{stamp}-{counter}")
    try:
        os.replace(path, kept)
    except FileNotFoundError:
        pass  # another process moved it first
    except OSError as exc:
        raise LibraryError(f"{path}: damaged and cannot be moved aside ({_why(exc)})") from None
    for suffix in ("-wal", "-shm"):
        side = path.with_name(path.name + suffix)
        if side.exists():
            try:
                os.replace(side, kept.with_name(kept.name + suffix))
            except OSError:
                side.unlink(missing_ok=True)
    return kept
