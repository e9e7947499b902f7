"""Articles: loading text files safely and recognising their parts.

The article text is untrusted. Everything that reaches the rest of the program has been
decoded, had its line endings normalised, and had every control character replaced one for
one by a visible stand-in, so offsets into `Article.text` are stable and nothing in the text
can drive the terminal.
"""

from __future__ import annotations

import hashlib
import re
import sys
from datetime import date
from pathlib import Path

TYPE_CHECKING = False  # as typing has it, whose import is a tenth of a cached `entities` run
if TYPE_CHECKING:
    from collections.abc import Iterator
    from typing import BinaryIO, Literal

    PartKind = Literal["caption", "body", "trailer"]

MAX_BYTES = 64 * 1024 * 1024
ARTICLE_SUFFIXES = (".txt", ".md", ".markdown", ".text", ".html", ".htm")
HTML_SUFFIXES = (".html", ".htm")


class ArticleError(Exception):
    """An article that cannot be read; the message names the file and the reason."""

    def __init__(self, path: str, reason: str) -> None:
        # File names are untrusted too: the message is printed, so it is sanitised.
        super().__init__(f"{sanitise(path)}: {sanitise(reason)}")
        self.path = path
        self.reason = reason


class _Record:
    """Equality and repr from `__slots__`, as a dataclass has them: the dataclasses module
    (and the inspect module it imports) would be a fifth of a cached `entities` run."""

    __slots__ = ()

    def __eq__(self, other: object) -> bool:
        if other.__class__ is not self.__class__:
            return NotImplemented
        return all(getattr(self, name) == getattr(other, name) for name in self.__slots__)

    __hash__ = None  # type: ignore[assignment]

    def __repr__(self) -> str:
        values = ", ".join(f"{name}={getattr(self, name)!r}" for name in self.__slots__)
        return f"{type(self).__name__}({values})"


class Part(_Record):
    """A stretch of the text: the body, or a photo caption or trailer shown apart."""

    __slots__ = ("end", "kind", "start")

    def __init__(self, kind: PartKind, start: int, end: int) -> None:
        self.kind = kind
        self.start = start
        self.end = end


class Article(_Record):
    __slots__ = ("date", "dateline", "parts", "path", "source", "text", "title", "title_derived")

    def __init__(
        self,
        text: str,
        title: str,
        source: str | None = None,
        dateline: str | None = None,
        date: date | None = None,
        path: str | None = None,
        title_derived: bool = False,
        parts: list[Part] | None = None,
    ) -> None:
        self.text = text
        self.title = title
        self.source = source
        self.dateline = dateline
        self.date = date
        self.path = path
        self.title_derived = title_derived
        self.parts = parts if parts is not None else []

    def part_at(self, offset: int) -> PartKind:
        for part in self.parts:
            if part.start <= offset < part.end:
                return part.kind
        return "body"


def text_sha(text: str) -> str:
    """What the library keys an article's text by."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


# --- decoding -------------------------------------------------------------------------

_BOMS: tuple[tuple[bytes, str], ...] = (
    (b"\xef\xbb\xbf", "utf-8-sig"),
    (b"\xff\xfe\x00\x00", "utf-32"),
    (b"\x00\x00\xfe\xff", "utf-32"),
    (b"\xff\xfe", "utf-16"),
    (b"\xfe\xff", "utf-16"),
)
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x89PNG", "a PNG image"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"PK\x03\x04", "a zip archive"),
    (b"%PDF", "a PDF document"),
    (b"\x1f\x8b", "a gzip archive"),
    (b"\x7fELF", "an executable"),
)
_UTF8_MULTIBYTE = re.compile(rb"[\xc2-\xf4][\x80-\xbf]+")


_TEXT_CONTROLS = frozenset(b"\t\n\r\x0c\x1b")


def _looks_binary(sample: bytes) -> bool:
    """Many NULs or other control bytes: a binary file. One stray NUL in prose is not."""
    if not sample:
        return False
    nuls = sample.count(0)
    controls = sum(1 for byte in sample if byte < 0x20 and byte not in _TEXT_CONTROLS)
    return nuls > max(1, len(sample) // 100) or controls > len(sample) // 10


def _utf16_without_bom(sample: bytes) -> str | None:
    """UTF-16 text without a BOM puts a NUL in every other byte of its ASCII letters."""
    if len(sample) < 4:
        return None
    even, odd = sample[0::2], sample[1::2]
    if odd.count(0) > len(odd) * 0.4 and even.count(0) < len(even) * 0.05:
        return "utf-16-le"
    if even.count(0) > len(even) * 0.4 and odd.count(0) < len(odd) * 0.05:
        return "utf-16-be"
    return None


def decode(data: bytes, path: str) -> str:
    """Bytes to text: BOMs honoured, UTF-8 preferred, Windows-1252 as the fallback.

    Text is decoded, never rejected, for its encoding: bad bytes become U+FFFD so the rest
    of the article survives. Only files that are not text at all are refused.
    """
    for bom, codec in _BOMS:
        if data.startswith(bom):
            # errors="replace": a stream cut short mid-character still gives its text
            return data.decode(codec, errors="replace")
    for magic, what in _MAGIC:
        if data.startswith(magic):
            raise ArticleError(path, f"is {what}, not an article")
    sample = data[:8192]
    if b"\x00" in sample:
        codec = _utf16_without_bom(sample)
        if codec is not None:
            return data.decode(codec, errors="replace")
    if _looks_binary(sample):
        raise ArticleError(path, "is a binary file, not an article")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if _UTF8_MULTIBYTE.search(data):
        # Mostly UTF-8 with a few bad bytes: keep the good text, mark the bad bytes.
        return data.decode("utf-8", errors="replace")
    # Single-byte text; cp1252 leaves five bytes undefined, Latin-1 takes those.
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")


# --- sanitising -----------------------------------------------------------------------

_BIDI = {0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2066, 0x2067, 0x2068, 0x2069}


def _stand_in(code: int) -> str:
    if code < 0x20:
        return chr(0x2400 + code)  # control pictures: ESC shows as U+241B
    if code == 0x7F:
        return "\u2421"
    return "\ufffd"


_SURROGATES = range(0xD800, 0xE000)  # lone ones cannot be written to a terminal or file
_TRANSLATE: dict[int, str] = {
    code: _stand_in(code)
    for code in [*range(0x20), 0x7F, *range(0x80, 0xA0), *_BIDI, *_SURROGATES]
    if code not in (0x0A,)
}
_TRANSLATE[0x09] = " "  # a tab is layout, not a threat; one space keeps offsets
_TRANSLATE[0x2029] = "\n"  # the paragraph separator is a line break, one for one


def _char_class(codes: list[int]) -> str:
    """A regex class of `codes`, runs written as ranges (the surrogates alone are 2,048)."""
    runs: list[list[int]] = []
    for code in sorted(codes):
        if runs and code == runs[-1][1] + 1:
            runs[-1][1] = code
        else:
            runs.append([code, code])
    parts = (re.escape(chr(a)) + (f"-{re.escape(chr(b))}" if b > a else "") for a, b in runs)
    return "[" + "".join(parts) + "]"


_UNSAFE = re.compile(_char_class(list(_TRANSLATE)))


def sanitise(text: str) -> str:
    """Normalise line endings, then replace every control character one for one.

    After this no character below U+0020 but the newline, no DEL, no C1 control (so no
    ESC, CSI, OSC or ST of any kind), no bidi override or isolate and no lone surrogate is
    left. Stand-ins are visible, so the reader sees that something was there.
    """
    text = text.replace("\r\n", "\n").replace("\r", "\n").replace("\u2028", "\n")
    # A search in C finds whether there is anything to replace: translate walks every
    # character in Python's slow path, tens of milliseconds per megabyte.
    return text.translate(_TRANSLATE) if _UNSAFE.search(text) else text


# --- structure ------------------------------------------------------------------------

_CAPTION = re.compile(
    # bounded [^)]: an unclosed "(AP/" must not make the search quadratic
    r"^\s*(FILE\s*[-–—]|In this (?:\w+ )*photo)"
    r"|\((?:AP|AFP|Reuters)(?: Photo)?/[^)]{0,200}\)\s*$",
    re.IGNORECASE,
)
_TRAILER = re.compile(
    r"^\s*(Read (?:More|the full story)|Article Attribution|Source:|Copyright|©|"
    r"Follow (?:AP|Reuters)|Associated Press writers? )",
    re.IGNORECASE,
)
_DATELINE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Z'’.\- ]+(?:,\s+[A-Z][A-Za-z.\- ]+)?)\s+"
    r"\((?P<agency>[A-Za-z][A-Za-z .]{0,30})\)\s*[—–-]+\s*"
)
_MONTHS = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]
_MONTH_RE = "|".join([*_MONTHS, *(m[:3] + r"\.?" for m in _MONTHS), "Sept\\.?"])
# No leading \b: a pattern that starts with its month names lets the engine skip ahead to
# their first letters (4x faster on a long text); `_dates` checks the boundary instead.
_DATE = re.compile(rf"(?P<month>{_MONTH_RE})\s+(?P<day>\d{{1,2}}),\s+(?P<year>(?:19|20)\d\d)\b")
_HEADING = re.compile(r"^#\s+(.+?)\s*#*\s*$")
_AGENCIES = {"AP": "AP", "AFP": "AFP", "REUTERS": "Reuters"}
TITLE_WIDTH = 72


# A paragraph runs to a blank line. Runs of `[^\n]+` rather than one character at a time:
# the same matches, a tenth of the time on a long article.
_PARAGRAPH = re.compile(r"[^\n](?:[^\n]+|\n(?!\s*\n))*")


def _paragraphs(text: str) -> list[tuple[int, int]]:
    return [match.span() for match in _PARAGRAPH.finditer(text)]


def _dates(text: str) -> Iterator[re.Match[str]]:
    """The full dates in `text`, each starting at a word boundary (as `\b` would)."""
    for match in _DATE.finditer(text):
        before = text[match.start() - 1] if match.start() else " "
        if not (before.isalnum() or before == "_"):
            yield match


def latest_date(text: str) -> date | None:
    """The latest full date the text gives: captions carry older photo dates first."""
    months = [m[:3].lower() for m in _MONTHS]
    found = []
    for match in _dates(text):
        month = months.index(match["month"].rstrip(".")[:3].lower()) + 1
        try:
            found.append(date(int(match["year"]), month, int(match["day"])))
        except ValueError:
            continue
    return max(found, default=None)


def _short_title(sentence: str) -> str:
    sentence = " ".join(sentence.split())
    if len(sentence) <= TITLE_WIDTH:
        return sentence.rstrip(".")
    cut = sentence[: TITLE_WIDTH - 1].rsplit(" ", 1)[0]
    return cut.rstrip(",;:—–- ") + "…"


def _first_sentence(paragraph: str) -> str:
    match = re.match(r"(.+?[.!?])(?:\s+[A-Z“\"]|\s*$)", paragraph, re.DOTALL)
    return match.group(1) if match else paragraph


def from_text(
    raw: str, path: str | None = None, title: str | None = None, name: str | None = None
) -> Article:
    """Build an Article from decoded text: sanitised, its parts and dateline recognised.

    `name` is what errors call the text when it has no path (e.g. "<stdin>").
    """
    name = path or name or "<text>"
    text = sanitise(raw)
    if not text.strip():
        raise ArticleError(name, "is empty")
    if title is None and path and Path(path).suffix.lower() in (".md", ".markdown"):
        lines = text.split("\n", 1)
        heading = _HEADING.match(lines[0])
        if heading:
            title = heading.group(1)
            text = lines[1].lstrip("\n") if len(lines) > 1 else ""
            if not text.strip():
                raise ArticleError(name, "has a title but no text")

    parts: list[Part] = []
    dateline = source = None
    lead: str | None = None
    paragraphs = _paragraphs(text)
    for index, (start, end) in enumerate(paragraphs):
        paragraph = text[start:end]
        kind: PartKind = "body"
        if lead is None and _CAPTION.search(paragraph):
            kind = "caption"
        elif index == len(paragraphs) - 1 and index > 0 and _TRAILER.match(paragraph):
            kind = "trailer"
        elif lead is None:
            match = _DATELINE.match(paragraph)
            if match:
                dateline = f"{match['place'].strip()} ({match['agency'].strip()})"
                source = _AGENCIES.get(match["agency"].strip().upper(), match["agency"].strip())
                lead = paragraph[match.end() :]
            else:
                lead = paragraph
        parts.append(Part(kind, start, end))

    derived = title is None
    if title is None:
        # a title needs 72 chars; never scan a megabyte-long first paragraph for it
        title = _short_title(_first_sentence((lead or text.strip())[: TITLE_WIDTH * 20]))
    return Article(
        text=text,
        title=sanitise(title).replace("\n", " ").strip(),
        source=source,
        dateline=dateline,
        date=latest_date(text),
        # shown in the header and exports; a name with control characters must not leak
        path=sanitise(path) if path else None,
        title_derived=derived,
        parts=parts,
    )


# --- HTML -----------------------------------------------------------------------------

_HTML_START = re.compile(
    rb"\s*(?:<!--.*?-->\s*)*<(?:!doctype\s+html|html|head|body)\b", re.I | re.S
)
MIN_PROSE_WORDS = 6  # menus and link lists are shorter; any sentence of an article is longer
_HTML_LOGGERS = ("trafilatura", "htmldate", "courlan", "justext", "charset_normalizer")


def looks_like_html(data: bytes) -> bool:
    """Standard input has no suffix: an HTML page announces itself in its first bytes."""
    return _HTML_START.match(data[:4096].lstrip(b"\xef\xbb\xbf")) is not None


def _quiet_html_loggers() -> None:
    # The extractors log "discarding data" and the like; with no handler configured Python
    # would print those to stderr, and the CLI promises one line per bad file.
    import logging  # only HTML needs it, and a cached `entities` run must start fast

    for name in _HTML_LOGGERS:
        logger = logging.getLogger(name)
        logger.addHandler(logging.NullHandler())
        logger.propagate = False


def _iso_date(value: str | None) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def from_html(data: bytes, path: str | None = None, name: str | None = None) -> Article:
    """Reduce an HTML page to its article text (trafilatura), keeping title, date, source."""
    name = path or name or "<html>"
    html = decode(data, name)
    if not html.strip():
        raise ArticleError(name, "is empty")
    from trafilatura import bare_extraction  # slow to import; only HTML needs it

    _quiet_html_loggers()
    try:
        # favor_precision: a portal of links and teasers yields nothing rather than its menus
        document = bare_extraction(
            html,
            with_metadata=True,
            favor_precision=True,
            include_comments=False,
            include_images=False,
        )
    except Exception as exc:  # a third-party parser on hostile input: any failure is bad input
        raise ArticleError(name, f"could not be read as HTML ({type(exc).__name__})") from None
    text = getattr(document, "text", None) or ""
    title = (getattr(document, "title", None) or "").strip() or None
    # One block per line from the extractor; the reader's paragraphs are blank-line separated.
    blocks = [line.strip() for line in text.split("\n")]
    blocks = [block for block in blocks if block]
    if blocks and title and blocks[0] == title:
        blocks = blocks[1:]  # the page's <h1> repeats the title shown in the header
    if not any(len(block.split()) >= MIN_PROSE_WORDS for block in blocks):
        raise ArticleError(name, "no article text found")
    body = "\n\n".join(blocks)
    article = from_text(body, path=path, title=title, name=name)
    source = getattr(document, "sitename", None) or getattr(document, "author", None)
    if source:
        article.source = sanitise(source).replace("\n", " ").strip() or article.source
    article.date = _iso_date(getattr(document, "date", None)) or article.date
    return article


# --- files and streams ------------------------------------------------------------------


def parse(data: bytes, name: str, path: str | None, html: bool | None = None) -> Article:
    """Bytes of one article to an Article; `html=None` decides from the first bytes."""
    if html is None:
        html = looks_like_html(data)
    if html:
        return from_html(data, path=path, name=name)
    return from_text(decode(data, name), path=path, name=name)


def _read_limited(stream: BinaryIO, name: str) -> bytes:
    data = stream.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise ArticleError(name, f"is too large (the limit is {MAX_BYTES // 1_048_576} MB)")
    return data


def load_article(path: str | Path) -> Article:
    """Read one article file; every failure is an ArticleError naming the file."""
    p = Path(path)
    name = str(path)
    try:
        if p.is_symlink() and not p.exists():
            raise ArticleError(name, "is a broken symbolic link")
        if not p.exists():
            raise ArticleError(name, "no such file")
        if p.is_dir():
            raise ArticleError(name, "is a directory, not an article")
        # Read with a limit rather than trusting st_size: pipes and /dev/stdin report 0.
        with p.open("rb") as stream:
            data = _read_limited(stream, name)
    except PermissionError:
        raise ArticleError(name, "permission denied") from None
    except OSError as exc:
        raise ArticleError(name, exc.strerror or str(exc)) from None
    html = True if p.suffix.lower() in HTML_SUFFIXES else None
    return parse(data, name, name, html=html)


def load_stream(stream: BinaryIO | None = None, name: str = "<stdin>") -> Article:
    """Read an article from a byte stream (standard input by default)."""
    source = stream if stream is not None else sys.stdin.buffer
    try:
        data = _read_limited(source, name)
    except OSError as exc:
        raise ArticleError(name, exc.strerror or str(exc)) from None
    return parse(data, name, None if name == "<stdin>" else name)


def seed_articles() -> list[Path]:
    """The sample articles that ship with the reader."""
    from libya_reader.resources import seeds_dir

    return sorted(p for p in seeds_dir().iterdir() if p.suffix in ARTICLE_SUFFIXES)
