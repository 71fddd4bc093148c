"""The inspectorate's news feed: fetch it, read it, and pick out the items that report an inspection.

Each report the inspectorate publishes comes with a news item, so its RSS (or Atom) feed is how new
inspections reach us. This module turns a feed into *candidates*: proposed rows for the knowledge base,
each one still to be approved by a person. Nothing here writes anything.

The reading is cautious on purpose. An item counts only when it names a kind of body we hold (a
probation delivery unit, a youth justice service, a probation region, a CRC) and speaks of an
inspection; a rating counts only when the words around it say it is the rating ("rated Good",
"'Requires improvement'"); the date is the item's own, never a guess. Anything unsure is left empty
for the administrator to fill in, rather than filled in for them.

No telegram here: the command line (``probation-bot feed check``) and the bot both use it.
"""

from __future__ import annotations

import asyncio
import html
import re
from collections import Counter
from dataclasses import asdict, dataclass, field, replace
from datetime import datetime
from email.utils import parsedate_to_datetime
from pathlib import Path
from typing import Any

import feedparser
import httpx

from knowledge.kb import KnowledgeBase
from knowledge.loader import TYPE_LABELS
from knowledge.local import build_with_local, inspection_ids, read_inspection_row, save_inspection_row
from knowledge.models import Inspection
from knowledge.ratings import RATINGS
from knowledge.resolve import EXACT, PARTIAL, Resolver, normalise

#: Give up on a fetch that takes longer than this in all (seconds), however the time is spent.
DEFAULT_TIMEOUT = 20.0
#: A news feed is tens of kilobytes; anything past this is not the feed we want to read.
DEFAULT_MAX_BYTES = 5_000_000
USER_AGENT = "probation-bot feed watcher (+https://github.com/)"

#: The source data's ``org_type`` label for each of our type codes (the inverse of loader.ORG_TYPES).
SOURCE_TYPE_LABELS = {
    "crc": "CRC",
    "nps": "NPS division",
    "pdu": "PDU",
    "region": "Probation region",
    "yjs": "Youth justice service",
}


# -- fetching -----------------------------------------------------------------------------------


class FeedError(Exception):
    """The feed could not be read this time; ``kind`` says why in one word, for a log line."""

    def __init__(self, kind: str, message: str):
        self.kind = kind
        super().__init__(message)


@dataclass(frozen=True)
class Validators:
    """What the server said identifies this version of the feed, for the next conditional GET."""

    etag: str | None = None
    last_modified: str | None = None


@dataclass(frozen=True)
class Fetched:
    """One fetch: the body (None when the server said 304 Not Modified) and the validators to send next."""

    body: bytes | None
    validators: Validators

    @property
    def not_modified(self) -> bool:
        return self.body is None


async def _read_body(response: httpx.Response, max_bytes: int) -> bytes:
    """The body, refused as soon as it is declared or found to be over ``max_bytes``."""
    declared = response.headers.get("Content-Length", "")
    if declared.isdigit() and int(declared) > max_bytes:
        raise FeedError("too-large", f"the feed is {int(declared)} bytes, over the limit of {max_bytes}")
    chunks, size = [], 0
    async for chunk in response.aiter_bytes():
        size += len(chunk)
        if size > max_bytes:
            raise FeedError("too-large", f"the feed is over the limit of {max_bytes} bytes")
        chunks.append(chunk)
    return b"".join(chunks)


async def fetch_feed(
    url: str,
    previous: Validators | None = None,
    *,
    timeout: float = DEFAULT_TIMEOUT,
    max_bytes: int = DEFAULT_MAX_BYTES,
) -> Fetched:
    """GET ``url`` once, conditionally when ``previous`` validators are known; raise ``FeedError``.

    The whole fetch, not just each read, is bounded by ``timeout``: a server trickling bytes would
    otherwise hold the bot's job for ever. The body is read in pieces and dropped past ``max_bytes``.
    """
    headers = {
        "User-Agent": USER_AGENT,
        "Accept": "application/rss+xml, application/atom+xml, application/xml, text/xml",
    }
    if previous and previous.etag:
        headers["If-None-Match"] = previous.etag
    if previous and previous.last_modified:
        headers["If-Modified-Since"] = previous.last_modified
    try:
        async with (
            asyncio.timeout(timeout),
            httpx.AsyncClient(timeout=timeout, follow_redirects=True, max_redirects=5) as client,
            client.stream("GET", url, headers=headers) as response,
        ):
            if response.status_code == 304:
                return Fetched(None, previous or Validators())
            if response.status_code != 200:
                raise FeedError("http", f"the feed answered HTTP {response.status_code}")
            return Fetched(
                await _read_body(response, max_bytes),
                Validators(response.headers.get("ETag"), response.headers.get("Last-Modified")),
            )
    except TimeoutError:
        raise FeedError("timeout", f"the feed did not answer within {timeout:g} seconds") from None
    except httpx.TimeoutException:
        raise FeedError("timeout", f"the feed did not answer within {timeout:g} seconds") from None
    except httpx.HTTPError as exc:
        raise FeedError("unreachable", f"cannot reach the feed: {type(exc).__name__}") from None
    except httpx.InvalidURL as exc:
        raise FeedError("bad-url", f"the feed's address is not a valid URL ({exc})") from None


# -- reading ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FeedItem:
    """One entry of a feed, reduced to what we read: plain text, and the date as the item gives it."""

    key: str  # the entry's id (guid), else its link: what "seen before" is keyed on
    title: str
    summary: str
    url: str
    published: str | None  # YYYY-MM-DD in the item's own time zone


_TAG_RE = re.compile(r"<[^>]+>")
_SPACES_RE = re.compile(r"\s+")


def _plain(text: str) -> str:
    return _SPACES_RE.sub(" ", html.unescape(_TAG_RE.sub(" ", text or ""))).strip()


def _item_date(entry: Any) -> str | None:
    """The day the item was published, as its own time zone has it (a feed's UTC conversion can shift it)."""
    for name in ("published", "updated"):
        raw = entry.get(name)
        if not raw:
            continue
        for parse in (parsedate_to_datetime, datetime.fromisoformat):
            try:
                return parse(raw.strip()).date().isoformat()
            except (TypeError, ValueError, IndexError):
                continue
        parsed = entry.get(f"{name}_parsed")
        if parsed:
            return f"{parsed.tm_year:04d}-{parsed.tm_mon:02d}-{parsed.tm_mday:02d}"
    return None


def parse_feed(body: bytes) -> list[FeedItem]:
    """The items of an RSS or Atom document; ``FeedError`` when it is neither (HTML, garbage, cut short)."""
    parsed = feedparser.parse(body)
    if not parsed.get("version") or (parsed.get("bozo") and not parsed.entries):
        reason = type(parsed.get("bozo_exception")).__name__ if parsed.get("bozo") else "no RSS or Atom found"
        raise FeedError("malformed", f"the feed is not readable RSS or Atom ({reason})")
    items = []
    for entry in parsed.entries:
        url = (entry.get("link") or "").strip()
        title = _plain(entry.get("title", ""))
        if not url or not title:
            continue
        items.append(
            FeedItem(
                key=(entry.get("id") or url).strip(),
                title=title,
                summary=_plain(entry.get("summary", "")),
                url=url,
                published=_item_date(entry),
            )
        )
    return items


# -- recognising reports ----------------------------------------------------------------------

#: Words in a title that mark an item as something other than one body's inspection report.
_NOT_A_REPORT = re.compile(
    r"\b(thematic|speech|speaks|keynote|conference|vacanc(?:y|ies)|jobs?|recruit\w*|careers?|annual report|"
    r"consultation|podcast|webinar|newsletter|blog|guidance|research|effective practice|academic insights?|"
    r"call for evidence|corporate plan|business plan|chief inspector'?s? (?:report|review))\b",
    re.I,
)
_INSPECTED = re.compile(r"\b(inspect\w*|rated|rating)\b", re.I)
ANY_KIND = "?"
#: The kinds of body the knowledge base holds, as news items name them; the first found wins.
_KINDS: list[tuple[str, re.Pattern[str]]] = [
    ("pdu", re.compile(r"\b(probation delivery units?|PDUs?)\b", re.I)),
    (
        "yjs",
        re.compile(
            r"\b(youth justice (?:services?|partnerships?)|youth offending (?:services?|teams?)|"
            r"YOTs?|YOS|YJS)\b",
            re.I,
        ),
    ),
    ("crc", re.compile(r"\b(community rehabilitation compan(?:y|ies)|CRCs?)\b", re.I)),
    ("region", re.compile(r"\b(region)\b", re.I)),
    # "Essex North probation service", "probation service in Cheshire East": the kind is left to the name.
    (ANY_KIND, re.compile(r"\b(probation service)\b", re.I)),
]
#: The kinds a body called a "probation service" may be (never a youth justice service).
_PROBATION_KINDS = {"pdu", "crc", "nps", "region"}
#: A word the resolver reads as a kind of body, to narrow the names it may match.
_RESOLVER_KIND_WORD = {"pdu": "PDU", "crc": "CRC", "region": "region", "yjs": "", ANY_KIND: ""}
_DIPP = re.compile(r"\b(dynamic inspection|public protection)\b", re.I)
_CONNECTORS = {"and", "of", "upon", "&", "the"}
#: Capitalised words that begin a headline but are not part of a name.
_LEADING_NOISE = {
    "an",
    "a",
    "the",
    "inspection",
    "inspections",
    "inspectors",
    "inspector",
    "report",
    "reports",
    "of",
    "and",
    "hm",
    "hmi",
    "new",
    "latest",
    "our",
    "probation",
    "service",
    "in",
    "at",
    "on",
    "for",
    "why",
    "how",
    "today",
    "chief",
    "positive",
    "improvements",
    "progress",
    "concerns",
    "findings",
}
_NAME_TOKEN = re.compile(r"[\w'’&.\-]+|[–—]")

_RATING_ALT = r"(outstanding|good|requires? improvement|inadequate)"
#: Words that lead up to a rating: "rated", "rated it", "a rating of", "judged to be", "overall".
_RATING_LEAD = (
    r"(?:rated(?:\s+(?:the|it|this|them)(?:\s+[a-z]+)?)?|rating(?: of)?|judged(?: to be)?|graded|assessed as|"
    r"found to be|overall)"
)
#: A rating said as the rating: "rated Good", "a rating of 'Inadequate'", "judged to be outstanding".
_RATING_IN_CONTEXT = re.compile(
    rf"\b{_RATING_LEAD}\s+(?:as\s+)?(?:an?\s+)?(?:overall\s+)?['\"‘’“”]?{_RATING_ALT}\b", re.I
)
_RATING_OVERALL = re.compile(rf"\b{_RATING_ALT}\s+overall\b", re.I)
_RATING_QUOTED = re.compile(rf"['\"‘“]{_RATING_ALT}['\"’”]", re.I)
_RATING_PREDICATE = re.compile(
    r"\b(?:is|was|are|been)\s+(?:now\s+|still\s+)?(inadequate|outstanding)\b|\b(requires improvement)\b", re.I
)
_EARLIER = re.compile(r"\b(previously|last time|formerly|earlier|in 20\d\d|up from|down from|from)\W*$", re.I)


def stated_rating(title: str, summary: str) -> str | None:
    """The overall rating the item states, or None when it states none or more than one."""
    found: set[str] = set()
    for text, patterns in (
        (title, (_RATING_IN_CONTEXT, _RATING_QUOTED, _RATING_OVERALL, _RATING_PREDICATE)),
        (summary, (_RATING_IN_CONTEXT, _RATING_QUOTED, _RATING_OVERALL)),
    ):
        for pattern in patterns:
            for m in pattern.finditer(text):
                if _EARLIER.search(text[max(0, m.start() - 25) : m.start()]):
                    continue  # "previously rated Good" is history, not this report's rating
                word = next(g for g in m.groups() if g).lower().replace("require improvement", "requires improvement")
                found.add(word)
    if len(found) != 1:
        return None
    word = found.pop()
    return next(r for r in RATINGS if r.lower() == word)


def _name_before(text: str, end: int) -> str:
    """The run of capitalised words (and the small words inside names) just before ``end``."""
    tokens = _NAME_TOKEN.findall(text[:end])
    run: list[str] = []
    for token in reversed(tokens):
        if token[0].isupper() or (token[0].isdigit() and run) or token.lower() in _CONNECTORS:
            run.insert(0, token)
        else:
            break
    while run and run[0].lower() in _LEADING_NOISE | _CONNECTORS:
        run.pop(0)
    while run and run[-1].lower() in _CONNECTORS:
        run.pop()
    return " ".join(run).strip(" .,'’")


_AFTER_KIND = re.compile(r"^\s+(?:in|for|at|of)\s+(?:the\s+)?")


def _name_after(text: str, start: int) -> str:
    """The name after "youth justice services in ...", "probation service for ...": capitalised words."""
    m = _AFTER_KIND.match(text[start:])
    if not m:
        return ""
    run: list[str] = []
    for token in _NAME_TOKEN.findall(text[start + m.end() :]):
        if token[0].isupper() or (token.lower() in _CONNECTORS and run):
            run.append(token)
        else:
            break
    while run and run[-1].lower() in _CONNECTORS:
        run.pop()
    return " ".join(run).strip(" .,'’")


def _kind_and_name(item: FeedItem) -> tuple[str, str, str] | None:
    """``(type code, the body's name, the kind words as written)`` from the title, else the summary."""
    for text in (item.title, item.summary):
        for code, pattern in _KINDS:
            for m in pattern.finditer(text):
                if code == "region" and "probation" not in text.lower():
                    continue
                name = _name_before(text, m.start()) or _name_after(text, m.end())
                if name:
                    return code, name, m.group(1)
    return None


def _slug(text: str) -> str:
    return "-".join(normalise(text).replace(" and ", " ").split())


def _full_name(code: str, name: str, kind_words: str) -> str:
    """How a new body is named in the data: "Sefton Youth Justice Service", "X Probation Delivery Unit"."""
    if code == "pdu":
        return f"{name} Probation Delivery Unit"
    if code == "region":
        return f"Probation Service – {name} region"
    if code == "crc":
        return f"{name} Community Rehabilitation Company"
    words = kind_words.lower() if len(kind_words) > 4 else "youth justice service"
    words = re.sub(r"(service|team|partnership)s$", r"\1", words)  # "youth justice services in Sefton"
    return f"{name} {' '.join(w.capitalize() for w in words.split())}"


def _new_org_id(code: str, name: str, dipp: bool = False) -> str:
    if dipp:
        return f"dipp-{_slug(name)}"
    return f"{_slug(name)}-crc" if code == "crc" else f"{code}-{_slug(name)}"


# -- candidates --------------------------------------------------------------------------------


@dataclass
class Candidate:
    """A proposed change to the knowledge base from one feed item, for an administrator to approve."""

    key: str
    title: str
    url: str
    published: str | None
    org_id: str
    organisation: str
    org_type: str  # our type code
    new_organisation: bool
    rating: str | None  # as the item states it; None when it states none
    inspection_id: str  # the new row's id, or the held inspection it would add to
    adds_to: str | None = None  # inspection_id of a held inspection this item would complete
    adds: dict[str, str] = field(default_factory=dict)  # column -> value it would fill in
    may_be: list[str] = field(default_factory=list)  # held bodies of that kind the name nearly matches
    type_guessed: bool = False  # the item said only "probation service": a PDU, the usual kind now, is assumed
    rating_from_admin: bool = False  # the rating was set by an administrator, not read from the item
    not_rated: bool = False  # an administrator said the inspection gave no rating

    @property
    def type_label(self) -> str:
        return TYPE_LABELS[self.org_type]

    @property
    def source_type(self) -> str:
        return SOURCE_TYPE_LABELS[self.org_type]

    def to_json(self) -> dict[str, Any]:
        data = asdict(self)
        data["type"] = self.source_type
        return data

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> Candidate:
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)


@dataclass
class Reading:
    """What one feed gave: the candidates, and how many items were passed over and why."""

    candidates: list[Candidate] = field(default_factory=list)
    skipped: Counter[str] = field(default_factory=Counter)  # reason -> count

    @property
    def skipped_total(self) -> int:
        return sum(self.skipped.values())


def _resolve(resolver: Resolver, code: str, name: str, dipp: bool) -> tuple[str | None, list[str]]:
    """The one held body of this kind the whole name names (exactly or as a distinctive part), and near misses.

    A region's dynamic inspection of public protection is held as a body of its own (``dipp-...``)
    with the same place name, so ``dipp`` says which of the two the item is about.
    """
    query = f"{name} {_RESOLVER_KIND_WORD[code]}".strip()
    width = len(normalise(name).split())
    near: list[str] = []
    for m in resolver.resolve(query, max_matches=1):
        kinds = _PROBATION_KINDS if code == ANY_KIND else {code}
        orgs = [o for o in m.org_ids if resolver.org_types.get(o) in kinds and o.startswith("dipp-") == dipp]
        if m.strength in (EXACT, PARTIAL) and m.start == 0 and m.end >= width and len(orgs) == 1:
            return orgs[0], []
        near.extend(orgs)
    return None, near


def _held_match(history: list[Inspection], item: FeedItem) -> Inspection | None:
    """The held inspection this item reports, if any: same page, same day, same month, or undated same year."""
    for insp in reversed(history):
        if insp.source_url == item.url:
            return insp
        if (
            item.published
            and insp.published
            and (
                insp.published == item.published
                or (len(insp.published) == 7 and item.published.startswith(insp.published))
            )
        ):
            return insp
        if item.published and not insp.published and insp.year and str(insp.year) == item.published[:4]:
            return insp
    return None


def _unique_id(base: str, taken: set[str]) -> str:
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    return candidate


def _is_report(item: FeedItem) -> bool:
    """An item reporting an inspection: it says so or states a rating, and is no announcement or thematic."""
    if _NOT_A_REPORT.search(item.title):
        return False
    return bool(_INSPECTED.search(f"{item.title} {item.summary}") or stated_rating(item.title, item.summary))


@dataclass(frozen=True)
class _Body:
    """The body an item names: a held organisation (``org_id``) or a new one, with its type code."""

    org_id: str | None
    code: str
    name: str
    kind_words: str
    dipp: bool
    guessed: bool  # the type is our guess: the item said only "probation service"
    near: list[str]  # held bodies the name nearly matches, for a new one


def _body(item: FeedItem, kb: KnowledgeBase, resolver: Resolver) -> _Body | None:
    """The body the item names, matched to a held organisation where the whole name identifies one."""
    found = _kind_and_name(item)
    if found is None:
        return None
    code, name, kind_words = found
    dipp = code in ("region", ANY_KIND) and bool(_DIPP.search(f"{item.title} {item.summary}"))
    org_id, near = _resolve(resolver, code, name, dipp)
    guessed = False
    if org_id is not None:
        code = kb.organisations[org_id].org_type
    elif code == ANY_KIND:
        code, guessed = ("region" if dipp else "pdu"), True
    if org_id is None and kb.organisations.get(_new_org_id(code, name, dipp)) is not None:
        org_id = _new_org_id(code, name, dipp)  # named in words the resolver does not know, but the same body
        guessed = False
    return _Body(org_id, code, name, kind_words, dipp, guessed, near)


def _additions(item: FeedItem, held: Inspection, rating: str | None) -> dict[str, str]:
    """What the item adds to an inspection we hold: a more precise date, or a rating our sources lacked."""
    adds: dict[str, str] = {}
    if item.published and (not held.published or len(held.published) < len(item.published)):
        adds["published"] = item.published
    if rating and held.overall_rating is None and held.rating_status == "not found":
        adds["overall_rating"] = rating
    return adds


def _new_inspection(item: FeedItem, body: _Body, kb: KnowledgeBase, rating: str | None, taken: set[str]) -> Candidate:
    """A candidate for an inspection we do not hold, of a held body or a new one; its id is added to ``taken``."""
    if body.org_id is not None:
        org_id, organisation, new = body.org_id, kb.organisations[body.org_id].name, False
    else:
        organisation = _full_name(body.code, body.name, body.kind_words)
        if body.dipp:
            organisation += " (Dynamic Inspection of Public Protection)"
        org_id, new = _new_org_id(body.code, body.name, body.dipp), True
    year = (item.published or "")[:4] or None
    inspection_id = _unique_id(f"{org_id}-{year}" if year else org_id, taken)
    taken.add(inspection_id)
    return Candidate(
        key=item.key,
        title=item.title,
        url=item.url,
        published=item.published,
        org_id=org_id,
        organisation=organisation,
        org_type=body.code,
        new_organisation=new,
        rating=rating,
        inspection_id=inspection_id,
        may_be=body.near if new else [],
        type_guessed=body.guessed and new,
    )


def read_candidates(items: list[FeedItem], kb: KnowledgeBase, resolver: Resolver) -> Reading:
    """Sort feed items into candidates and skipped ones (not a report, no body named, already held)."""
    reading = Reading()
    taken = {i.inspection_id for h in (kb.history(o) for o in kb.organisations) for i in h}
    for item in items:
        if not _is_report(item):
            reading.skipped["not an inspection report"] += 1
            continue
        body = _body(item, kb, resolver)
        if body is None:
            reading.skipped["no body named"] += 1
            continue
        rating = stated_rating(item.title, item.summary)
        held = _held_match(kb.history(body.org_id), item) if body.org_id is not None else None
        if held is None:
            reading.candidates.append(_new_inspection(item, body, kb, rating, taken))
            continue
        adds = _additions(item, held, rating)
        if not adds:
            reading.skipped["already held"] += 1
            continue
        reading.candidates.append(
            Candidate(
                key=item.key,
                title=item.title,
                url=item.url,
                published=item.published,
                org_id=held.org_id,
                organisation=kb.organisations[held.org_id].name,
                org_type=body.code,
                new_organisation=False,
                rating=rating,
                inspection_id=held.inspection_id,
                adds_to=held.inspection_id,
                adds=adds,
            )
        )
    return reading


# -- approved rows -------------------------------------------------------------------------------


def row_for(candidate: Candidate, data_dir: Path, local_dir: Path | None) -> dict[str, str]:
    """The ``inspections.csv`` row an approved candidate becomes, with the item's page as its source.

    A new inspection gets a row of its own; an item completing a held inspection gets a copy of that
    row with the values it adds, to replace it in the merge. Either way the item's URL is the source,
    and the notes say where the row came from (and, for a copy, which page the older values came from).
    """
    note = f"From the inspectorate's news feed item '{candidate.title}', approved by an administrator."
    if not candidate.adds_to:
        return _new_row(candidate, note)
    held = read_inspection_row(data_dir, local_dir, candidate.adds_to)
    if held is None:
        raise ValueError(f"inspection {candidate.adds_to!r} is no longer in the data")
    return _completed_row(candidate, held, note)


def _completed_row(candidate: Candidate, held: dict[str, str], note: str) -> dict[str, str]:
    """A copy of a held inspection's row with what the item adds, the item's page now its source."""
    row = dict(held)
    added = []
    if "published" in candidate.adds:
        row["published"] = candidate.adds["published"]
        added.append("the publication date")
    if "overall_rating" in candidate.adds:
        row["overall_rating"], row["rating_status"] = candidate.adds["overall_rating"], "rated"
        added.append("the rating")
    if row["source_url"] != candidate.url:
        note += f" It added {' and '.join(added)}; the other values came from {row['source_url']}."
    row["source_url"], row["source_title"] = candidate.url, candidate.title
    row["notes"] = " ".join(x for x in (row.get("notes", ""), note) if x)
    return row


def _new_row(candidate: Candidate, note: str) -> dict[str, str]:
    """The row of an inspection we did not hold, saying in its notes what the item left unsaid."""
    rating_status = "rated" if candidate.rating else "not rated" if candidate.not_rated else "not found"
    if not candidate.published:
        note += " The item gave no date."
    if candidate.rating_from_admin:
        note += " The rating was set by the administrator; the item did not state one."
    elif not candidate.rating:
        note += " The item did not state a rating."
    return {
        "inspection_id": candidate.inspection_id,
        "org_id": candidate.org_id,
        "organisation": candidate.organisation,
        "org_type": candidate.source_type,
        "aliases": "",
        "owner": "",
        "region": "",
        "programme": "",
        "fieldwork": "",
        "published": candidate.published or "",
        "overall_rating": candidate.rating or "",
        "rating_status": rating_status,
        "previous_rating": "",
        "people_supervised": "",
        "supervised_qualifier": "",
        "supervised_asof": "",
        "score": "",
        "source_url": candidate.url,
        "source_title": candidate.title,
        "notes": note,
    }


def approve(candidate: Candidate, data_dir: Path, local_dir: Path, out: Path) -> dict[str, str]:
    """Write the candidate's row to ``local_dir`` and rebuild ``out`` from both folders; return the row.

    The build is atomic: a running bot watching ``out`` swaps to the new knowledge base in one step.
    When the build refuses the data, the local file is put back as it was, so one bad row cannot
    block every later build.
    """
    if not candidate.adds_to:
        # Another proposal approved since this one was read may have taken the id it was given.
        taken = {i for folder in (data_dir, local_dir) for i in inspection_ids(folder)}
        candidate = replace(candidate, inspection_id=_unique_id(candidate.inspection_id, taken))
    row = row_for(candidate, data_dir, local_dir)
    path = Path(local_dir) / "inspections.csv"
    before = path.read_bytes() if path.is_file() else None
    save_inspection_row(Path(local_dir), row)
    try:
        build_with_local(data_dir, out, local_dir)
    except BaseException:
        if before is None:
            path.unlink(missing_ok=True)
        else:
            path.write_bytes(before)
        raise
    return row
