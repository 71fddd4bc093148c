"""The read-only query layer over the knowledge base.

``KnowledgeBase`` opens the SQLite file read-only (``mode=ro``), so nothing the bot does can change
the facts, and a rebuild (which renames a new file into place) never disturbs a query in flight: the
open connection keeps reading the file it opened. Small tables that every answer needs
(organisations, aliases, sources) are read once and kept in memory.
"""

from __future__ import annotations

import json
import re
import sqlite3
import threading
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import fields
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, TypedDict, TypeVar, Unpack

from knowledge.build import SCHEMA_VERSION
from knowledge.models import Figure, Finding, Inspection, Organisation, Source, StandardRating

if TYPE_CHECKING:
    from _typeshed import DataclassInstance

T = TypeVar("T", bound="DataclassInstance")

#: Parameters of one query: positional (``?``) or named (``:name``).
_Params = Sequence[object] | Mapping[str, object]
#: The filters one set of latest inspections is worked out for: type, region, programme, year, rated only, order.
_LatestKey = tuple[str | None, str | None, str | None, int | None, bool, str]

_REQUIRED_TABLES = {
    "organisations",
    "inspections",
    "standard_ratings",
    "findings",
    "figures",
    "sources",
    "aliases",
    "meta",
    "subjects",
    "caveats",
}

_ROW_PLANS: dict[tuple[type, tuple[str, ...]], tuple[str, ...]] = {}
#: How many filtered sets of latest inspections are remembered (see ``latest_inspections``).
_LATEST_MEMO_SIZE = 256
#: The most full-text matches ranked for one search: past it, the first matches found are ranked, so a
#: common word in a knowledge base many times today's size costs no more than this many.
FTS_CANDIDATES = 1000


def _from_row(cls: type[T], row: sqlite3.Row) -> T:
    """``models.from_row`` for ``sqlite3.Row``, with the columns the class takes worked out once per query shape.

    Every answer turns dozens of rows into dataclasses; checking each field against ``row.keys()``
    for every row was a tenth of the engine's time.
    """
    keys = tuple(row.keys())
    plan = _ROW_PLANS.get((cls, keys))
    if plan is None:
        wanted = {f.name for f in fields(cls)}
        plan = _ROW_PLANS[(cls, keys)] = tuple(dict.fromkeys(k for k in keys if k in wanted))
    return cls(**{k: row[k] for k in plan})


def _desc_nulls_last(value: float | int | None) -> tuple[int, float]:
    return (1, 0.0) if value is None else (0, -value)


def _ordered(rows: list[Inspection], order: str, sort_date: dict[str, str | None]) -> list[Inspection]:
    """``rows`` in the order SQL would give them.

    ``"league"``: best rating first, then the larger share of the score, then the newest, then by id
    (``tests/hardening/test_fast_paths.py`` holds the same order as SQL). ``"date"``: newest first, then by id.

    Stable sorts from the last key to the first; NULLs sort as SQLite sorts them (first ascending,
    last descending), and a score out of 0 is NULL, as SQLite's division makes it.
    """
    rows = sorted(rows, key=lambda i: i.inspection_id)
    rows.sort(key=lambda i: (sort_date[i.inspection_id] is not None, sort_date[i.inspection_id] or ""), reverse=True)
    if order == "league":
        rows.sort(
            key=lambda i: _desc_nulls_last(
                i.score_points * 1.0 / i.score_max if i.score_points is not None and i.score_max else None
            )
        )
        rows.sort(key=lambda i: _desc_nulls_last(i.rating_points))
    return rows


def _no_limit(limit: int | None) -> int:
    """SQLite's LIMIT for "no limit" (-1) when ``limit`` is None."""
    return -1 if limit is None else limit


def read_only_uri(path: str | Path) -> str:
    """An SQLite URI opening ``path`` read-only; the path is escaped, so ``?``, ``#`` or ``%`` in it are safe."""
    return Path(path).resolve().as_uri() + "?mode=ro"


class InspectionFilters(TypedDict, total=False):
    """The filters that pick inspections, named once for every query that takes them
    (see ``KnowledgeBase.latest_inspections``)."""

    org_type: str | None
    region: str | None
    programme: str | None
    year: int | None
    rating: str | None


class KnowledgeBaseError(Exception):
    """The database is missing, unreadable or not a probation-bot knowledge base (one-line message)."""


def _fts_query(text: str) -> str | None:
    """Turn free text into a safe FTS5 query: each word quoted, joined by OR.

    People type anything; FTS5 has its own syntax (quotes, NEAR, column filters, ``*``), so we never
    pass their text through. Returns ``None`` when no searchable word is left.
    """
    words = re.findall(r"[^\W_]{2,}", text.lower())
    if not words:
        return None
    return " OR ".join(f'"{w}"' for w in dict.fromkeys(words))


class KnowledgeBase:
    """Read-only queries over a built knowledge base."""

    def __init__(self, path: str | Path):
        self.path = Path(path)
        if not self.path.exists():
            raise KnowledgeBaseError(f"knowledge base not found at {self.path} (build it with: probation-bot kb build)")
        try:
            self._conn = sqlite3.connect(read_only_uri(self.path), uri=True, check_same_thread=False)
        except sqlite3.DatabaseError as exc:
            raise KnowledgeBaseError(f"cannot read knowledge base {self.path}: {exc}") from None
        try:
            self._conn.row_factory = sqlite3.Row
            tables = {r[0] for r in self._conn.execute("select name from sqlite_master where type = 'table'")}
            missing = _REQUIRED_TABLES - tables
            if missing:
                raise KnowledgeBaseError(
                    f"{self.path} is not a probation-bot knowledge base (missing tables: {', '.join(sorted(missing))})"
                )
            version = self._conn.execute("select value from meta where key = 'schema_version'").fetchone()
            if not version or str(version[0]) != str(SCHEMA_VERSION):
                raise KnowledgeBaseError(
                    f"{self.path} has schema version {version[0] if version else '?'}, "
                    f"expected {SCHEMA_VERSION}; rebuild it with: probation-bot kb build"
                )
            # A file damaged inside can keep an intact schema; find out now, not halfway through an answer.
            check = self._conn.execute("PRAGMA quick_check").fetchone()
            if not check or check[0] != "ok":
                raise KnowledgeBaseError(
                    f"{self.path} is damaged ({check[0] if check else 'no result'}); "
                    f"rebuild it with: probation-bot kb build"
                )
        except sqlite3.DatabaseError as exc:
            self._conn.close()
            raise KnowledgeBaseError(f"cannot read knowledge base {self.path}: {exc}") from None
        except KnowledgeBaseError:
            self._conn.close()
            raise
        self._lock = threading.Lock()

    def close(self) -> None:
        self._conn.close()

    def _objects(self, cls: type[T], sql: str, params: _Params = ()) -> list[T]:
        """The rows a query returns, each as a ``cls``: the one way a list of records leaves the database."""
        return [_from_row(cls, r) for r in self._rows(sql, params)]

    def _rows(self, sql: str, params: _Params = ()) -> list[sqlite3.Row]:
        try:
            with self._lock:
                return self._conn.execute(sql, params).fetchall()
        except sqlite3.DatabaseError as exc:
            raise KnowledgeBaseError(f"knowledge base query failed: {exc}") from None

    def _count(self, sql: str, params: _Params = ()) -> int:
        """The single number a ``select count(*)`` query returns."""
        return int(self._rows(sql, params)[0][0])

    # -- organisations -----------------------------------------------------------------------
    @cached_property
    def organisations(self) -> dict[str, Organisation]:
        """Every organisation by ``org_id``."""
        return {
            r["org_id"]: _from_row(Organisation, r) for r in self._rows("select * from organisations order by org_id")
        }

    @cached_property
    def _by_short_key(self) -> dict[str, Organisation]:
        return {o.short_key: o for o in self.organisations.values()}

    def organisation(self, org_id: str) -> Organisation | None:
        return self.organisations.get(org_id)

    def organisation_by_key(self, short_key: str) -> Organisation | None:
        """Look up by the 8-character key used in button data."""
        return self._by_short_key.get(short_key)

    @cached_property
    def aliases(self) -> list[tuple[str, str, str]]:
        """``(alias, org_id, kind)`` for every name and alias, including the organisations' own names."""
        return [
            (r["alias"], r["org_id"], r["kind"])
            for r in self._rows("select alias, org_id, kind from aliases order by alias, org_id")
        ]

    @cached_property
    def regions(self) -> list[str]:
        """Region names as the data spells them."""
        return [
            r[0] for r in self._rows("select distinct region from inspections where region is not null order by region")
        ]

    @cached_property
    def programmes(self) -> list[str]:
        return [
            r[0]
            for r in self._rows(
                "select distinct programme from inspections where programme is not null order by programme"
            )
        ]

    # -- inspections -------------------------------------------------------------------------
    def inspection(self, inspection_id: str) -> Inspection | None:
        rows = self._rows("select * from inspections where inspection_id = ?", (inspection_id,))
        return _from_row(Inspection, rows[0]) if rows else None

    @cached_property
    def _inspection_index(self) -> tuple[dict[str, tuple[Inspection, ...]], dict[str, str | None]]:
        # Every answer about an organisation reads its history, and some read every organisation's:
        # one query at first use instead of one per call (the file this connection reads never changes).
        by_org: dict[str, list[Inspection]] = {}
        sort_date: dict[str, str | None] = {}
        for r in self._rows("select * from inspections order by org_id, sort_date, inspection_id"):
            by_org.setdefault(r["org_id"], []).append(_from_row(Inspection, r))
            sort_date[r["inspection_id"]] = r["sort_date"]
        return {org_id: tuple(rows) for org_id, rows in by_org.items()}, sort_date

    @property
    def _histories(self) -> dict[str, tuple[Inspection, ...]]:
        """Each organisation's inspections, oldest first (by ``sort_date``, then ``inspection_id``)."""
        return self._inspection_index[0]

    def history(self, org_id: str) -> list[Inspection]:
        """An organisation's inspections, oldest first."""
        return list(self._histories.get(org_id, ()))

    def latest_inspections(
        self,
        org_type: str | None = None,
        region: str | None = None,
        programme: str | None = None,
        year: int | None = None,
        rating: str | None = None,
        rated_only: bool = False,
        order: str = "league",
    ) -> list[Inspection]:
        """The latest inspection of each organisation among those matching the filters.

        The filters pick inspections first (type, region, programme, year) and the latest of each
        organisation is taken among them; ``rating`` then keeps those latest inspections with that
        rating. ``order`` is ``"league"`` (best rating, then best score share, newest first) or ``"date"``
        (newest first).
        """
        # Worked out over the histories held in memory: the same rows in the same order as
        #   select * from (select *, row_number() over (partition by org_id
        #                  order by sort_date desc, inspection_id desc) rn from inspections where <filters>)
        #   where rn = 1 [and overall_rating = :rating] order by <the league order | sort_date desc, inspection_id>
        # without a query and a new object per row (which took 3 ms at 1x and 400 ms at 100x).
        key: _LatestKey = (org_type or None, region or None, programme or None, year or None, rated_only, order)
        found = self._latest_memo.get(key)
        if found is None:
            found = self._latest_memo[key] = self._latest_uncached(*key)
            while len(self._latest_memo) > _LATEST_MEMO_SIZE:
                self._latest_memo.pop(next(iter(self._latest_memo)))
        # The rating is read from the latest inspections, so keeping one rating keeps the order.
        return [i for i in found if i.overall_rating == rating] if rating else list(found)

    def ordered(self, rows: list[Inspection], order: str = "league") -> list[Inspection]:
        """``rows`` in the order ``latest_inspections`` gives its own (the league order, or newest first for
        ``"date"``), for sets it cannot pick itself: each organisation's latest within a span of time."""
        return _ordered(rows, order, self._inspection_index[1])

    def prepare(self) -> None:
        """Work out now, not during somebody's question, the sets every league and count of a type starts from."""
        for org_type in [None, *self._histories_of_type]:
            for rated_only in (True, False):
                self.latest_inspections(org_type=org_type, rated_only=rated_only)

    def _latest_uncached(
        self,
        org_type: str | None,
        region: str | None,
        programme: str | None,
        year: int | None,
        rated_only: bool,
        order: str,
    ) -> tuple[Inspection, ...]:
        """``latest_inspections`` worked out: only the histories of the type asked for are read."""
        histories = self._histories_of_type.get(org_type, ()) if org_type else self._histories.values()
        latest: list[Inspection] = []
        for history in histories:
            for insp in reversed(history):  # newest first: (sort_date, inspection_id) descending
                if (
                    (not org_type or insp.org_type == org_type)
                    and (not region or insp.region == region)
                    and (not programme or insp.programme == programme)
                    and (not year or insp.year == year)
                    and (not rated_only or insp.overall_rating is not None)
                ):
                    latest.append(insp)
                    break
        return tuple(_ordered(latest, order, self._inspection_index[1]))

    @cached_property
    def _histories_of_type(self) -> dict[str, list[tuple[Inspection, ...]]]:
        """The histories of each organisation type (the type of an organisation's inspections), an index
        so that a league of CRCs reads the CRCs' histories and not every organisation's."""
        out: dict[str, list[tuple[Inspection, ...]]] = {}
        for history in self._histories.values():
            for org_type in dict.fromkeys(i.org_type for i in history):
                out.setdefault(org_type, []).append(history)
        return out

    @cached_property
    def _latest_memo(self) -> dict[_LatestKey, tuple[Inspection, ...]]:
        # The file never changes under this connection, so a set once worked out stays right. A league
        # at 100 times today's data reads thousands of histories; the same filters come up again and
        # again (every league, list and count of PDUs), so each set is worked out once.
        return {}

    def league(self, **filters: Unpack[InspectionFilters]) -> list[Inspection]:
        """Latest rated inspection of each organisation, best first (the league order)."""
        return self.latest_inspections(**filters, rated_only=True, order="league")

    def recent_inspections(self, limit: int = 10, org_type: str | None = None) -> list[Inspection]:
        """The most recently published inspections with a known date, newest first; of one kind if given."""
        return self._objects(
            Inspection,
            "select * from inspections where published is not null and (:type is null or org_type = :type) "
            "order by published desc, inspection_id limit :limit",
            {"type": org_type, "limit": limit},
        )

    @cached_property
    def owners(self) -> list[str]:
        """Every owner name as the data spells it."""
        return [
            r[0] for r in self._rows("select distinct owner from inspections where owner is not null order by owner")
        ]

    def owned_by(self, name: str) -> list[Inspection]:
        """The latest inspection naming ``name`` (any part of the owner text, any case) as owner, per organisation."""
        return self._objects(
            Inspection,
            "select * from (select *, row_number() over (partition by org_id order by sort_date desc) rn "
            "from inspections where owner like ? escape '\\') where rn = 1 order by organisation",
            ("%" + name.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%",),
        )

    @cached_property
    def _caveats(self) -> dict[str, list[tuple[str, str]]]:
        out: dict[str, list[tuple[str, str]]] = {}
        for r in self._rows("select inspection_id, field, caveat from caveats order by id"):
            out.setdefault(r[0], []).append((r[1], r[2]))
        return out

    def caveats(self, inspection_id: str, fields: Iterable[str] | None = None) -> list[str]:
        """Our own words on doubts about values of an inspection, optionally only for some fields."""
        wanted = set(fields) if fields is not None else None
        return [text for field, text in self._caveats.get(inspection_id, []) if wanted is None or field in wanted]

    def earlier_rated(self, rating: str) -> list[Inspection]:
        """Inspections rated ``rating`` that are not their organisation's latest, organisations in id order
        and each one's oldest first: an index, so "rated Good before" reads only Good ratings."""
        return self._earlier_by_rating.get(rating, [])

    @cached_property
    def _earlier_by_rating(self) -> dict[str, list[Inspection]]:
        out: dict[str, list[Inspection]] = {}
        for org_id in self.organisations:
            for insp in self._histories.get(org_id, ())[:-1]:
                if insp.overall_rating:
                    out.setdefault(insp.overall_rating, []).append(insp)
        return out

    def undated_count(self) -> int:
        """How many inspections have no publication date in our sources."""
        return self._count("select count(*) from inspections where published is null")

    def inspections_with_score(
        self, points: int, out_of: int | None = None, limit: int | None = None
    ) -> list[Inspection]:
        sql = "select * from inspections where score_points = ?"
        params: list[object] = [points]
        if out_of is not None:
            sql += " and score_max = ?"
            params.append(out_of)
        return [
            _from_row(Inspection, r)
            for r in self._rows(sql + " order by sort_date limit ?", [*params, _no_limit(limit)])
        ]

    def scored_inspections(self, limit: int | None = None) -> list[Inspection]:
        return self._objects(
            Inspection,
            "select * from inspections where score_points is not null order by score_points, sort_date limit ?",
            (_no_limit(limit),),
        )

    def standard_ratings(self, inspection_id: str) -> list[StandardRating]:
        return self._objects(
            StandardRating,
            "select * from standard_ratings where inspection_id = ? order by standard_code is null, standard_code, id",
            (inspection_id,),
        )

    # -- findings and figures ------------------------------------------------------------------
    def findings(
        self,
        org_id: str | None = None,
        inspection_id: str | None = None,
        topics: Iterable[str] | None = None,
        subject_id: str | None = None,
    ) -> list[Finding]:
        where: list[str] = []
        params: list[object] = []
        _add_equals(where, params, [("org_id", org_id), ("inspection_id", inspection_id), ("subject_id", subject_id)])
        topics = list(topics or [])
        if topics:
            where.append(f"topic in ({', '.join('?' * len(topics))})")
            params.extend(topics)
        sql = "select * from findings" + (" where " + " and ".join(where) if where else "") + " order by id"
        return self._objects(Finding, sql, params)

    def search_findings(self, text: str, org_id: str | None = None, limit: int = 20) -> list[Finding]:
        """Findings matching the words of ``text`` by full-text search, best first."""
        q = _fts_query(text)
        if q is None:
            return []
        if org_id:
            # One organisation's findings are few: rank each of them (an indexed lookup by rowid) rather
            # than every finding in the knowledge base that shares a word with the question.
            sql = (
                "select * from (select findings.*, (select rank from findings_fts where findings_fts match ? "
                "and rowid = findings.id) as fts_rank from findings where org_id = ?) "
                "where fts_rank is not null order by fts_rank, id limit ?"
            )
            return self._objects(Finding, sql, (q, org_id, limit))
        # Rank at most FTS_CANDIDATES matches (the first found), not every finding that shares a word.
        sql = (
            "select findings.* from (select rowid, rank from findings_fts where findings_fts match ? limit ?) m "
            "join findings on findings.id = m.rowid order by m.rank, findings.id limit ?"
        )
        return self._objects(Finding, sql, (q, FTS_CANDIDATES, limit))

    def findings_on(
        self,
        topics: Sequence[str],
        *,
        org_id: str | None = None,
        region: str | None = None,
        org_type: str | None = None,
        inspection_ids: Sequence[str] | None = None,
        national_first: bool = False,
        first: Sequence[int] = (),
        limit: int = 30,
    ) -> tuple[int, list[Finding]]:
        """How many findings on ``topics`` there are (of one organisation, region or type, and of the
        inspections in ``inspection_ids`` when given: a question's time span), and the first ``limit`` of
        them: those whose ids are in ``first``, in that order, then the rest by id. With
        ``national_first`` the findings of national reports come before local ones, each in that order.

        Counted and cut in SQL over the topic index, so a common topic in a large knowledge base never
        becomes thousands of objects for the thirty an answer shows. A national report counts for a
        type when its title names the type (a thematic report on CRCs).
        """
        if not topics:
            return 0, []
        where = [f"f.topic in ({', '.join('?' * len(topics))})"]
        params: list[object] = list(topics)
        _add_equals(where, params, [("f.org_id", org_id)])
        if region:
            where.append("f.org_id in (select org_id from organisations where region = ?)")
            params.append(region)
        if org_type:
            where.append(
                "(f.org_id in (select org_id from organisations where org_type = ?) or (f.org_id is null "
                "and f.subject_id in (select subject_id from subjects where instr(upper(title), ?) > 0)))"
            )
            # Youth justice services' national reports say "youth" in their titles, not the type's code.
            params += [org_type, "YOUTH" if org_type == "yjs" else org_type.upper()]
        if inspection_ids is not None:  # one parameter however many: a long span at scale stays one query
            where.append("f.inspection_id in (select value from json_each(?))")
            params.append(json.dumps(list(inspection_ids)))
        body = "from findings f where " + " and ".join(where)
        total = self._count("select count(*) " + body, params)
        if not national_first:
            return total, self._first_findings(body, params, first, limit)
        national = "(f.org_id is null or f.org_id in (select org_id from organisations where org_type = 'national'))"
        rows = self._first_findings(f"{body} and {national}", params, first, limit)
        rows += self._first_findings(f"{body} and not {national}", params, first, limit - len(rows))
        return total, rows

    def _first_findings(self, body: str, params: list[object], first: Sequence[int], limit: int) -> list[Finding]:
        """Up to ``limit`` findings of ``body``: those whose ids are in ``first``, in that order, then by id."""
        if limit <= 0:
            return []
        ranked = list(dict.fromkeys(first))
        rows: list[sqlite3.Row] = []
        if ranked:
            place = {fid: k for k, fid in enumerate(ranked)}
            hits = self._rows(f"select f.* {body} and f.id in ({', '.join('?' * len(ranked))})", params + ranked)
            rows = sorted(hits, key=lambda r: place[r["id"]])[:limit]
        if len(rows) < limit:
            taken = [r["id"] for r in rows]
            skip = f" and f.id not in ({', '.join('?' * len(taken))})" if taken else ""
            rows += self._rows(f"select f.* {body}{skip} order by f.id limit ?", params + taken + [limit - len(rows)])
        return [_from_row(Finding, r) for r in rows]

    def search_figures(self, text: str, limit: int = 10) -> list[Figure]:
        """National and aggregate figures matching the words of ``text``, best first."""
        q = _fts_query(text)
        if q is None:
            return []
        return self._objects(
            Figure,
            "select figures.* from figures join figures_fts on figures_fts.rowid = figures.id "
            "where figures_fts match ? order by figures_fts.rank, figures.id limit ?",
            (q, limit),
        )

    @cached_property
    def all_figures(self) -> list[Figure]:
        return self._objects(Figure, "select * from figures order by id")

    @cached_property
    def subject_titles(self) -> dict[str, str]:
        return {r["subject_id"]: r["title"] for r in self._rows("select subject_id, title from subjects")}

    @cached_property
    def topics(self) -> list[str]:
        return [r[0] for r in self._rows("select distinct topic from findings order by topic")]

    # -- sources -----------------------------------------------------------------------------
    @cached_property
    def _sources(self) -> dict[str, Source]:
        return {r["url"]: _from_row(Source, r) for r in self._rows("select * from sources")}

    def source(self, url: str) -> Source:
        """The source row for a URL (every URL in the data has one)."""
        return self._sources[url]

    def sources(self) -> list[Source]:
        return list(self._sources_sorted)

    @cached_property
    def _sources_sorted(self) -> tuple[Source, ...]:
        return tuple(sorted(self._sources.values(), key=lambda s: s.url))

    # -- figures about the database itself -----------------------------------------------------
    def meta(self) -> dict[str, str]:
        return {r["key"]: r["value"] for r in self._rows("select key, value from meta")}

    def counts(self) -> dict[str, int]:
        """Rows in each table (counted once: SQLite counts a table by reading all of it, and the file never changes)."""
        return dict(self._counts)

    @cached_property
    def _counts(self) -> dict[str, int]:
        return {
            t: self._count(f"select count(*) from {t}")
            for t in ("organisations", "inspections", "standard_ratings", "findings", "figures", "sources", "aliases")
        }


def _add_equals(where: list[str], params: list[object], pairs: Sequence[tuple[str, str | None]]) -> None:
    """Add ``column = ?`` to ``where`` (and its value to ``params``) for each pair whose value is given."""
    for column, value in pairs:
        if value:
            where.append(f"{column} = ?")
            params.append(value)
