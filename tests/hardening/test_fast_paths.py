"""The speed-ups made for the benchmarks change no result.

``knowledge/kb.py`` answers ``latest_inspections`` and ``history`` from inspections held in memory
instead of a query per call, and builds rows with ``_from_row``; ``knowledge/resolve.py`` remembers
fuzzy lookups and offers rapidfuzz only the keys whose length lets them reach the cutoff. Each is
checked here against the plain way it replaced.
"""

from __future__ import annotations

import dataclasses
import itertools
import random
from dataclasses import fields

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rapidfuzz import fuzz

from knowledge.kb import _from_row
from knowledge.models import Figure, Finding, Inspection, Organisation, Source, StandardRating
from knowledge.resolve import Resolver, _normalise, normalise

#: The league's order as SQL: best rating, then the larger share of the score, then the newest, then by id.
LEAGUE_ORDER = (
    "rating_points desc nulls last, (score_points * 1.0 / score_max) desc nulls last, sort_date desc, inspection_id"
)


def from_row(cls, row):
    """A dataclass from an SQLite row the plain way: every column the class declares, by name."""
    return cls(**{f.name: row[f.name] for f in fields(cls) if f.name in row.keys()})  # noqa: SIM118


def latest_by_sql(
    kb, org_type=None, region=None, programme=None, year=None, rating=None, rated_only=False, order="league"
):
    """``KnowledgeBase.latest_inspections`` as it was first written: one window query."""
    where, params = [], {}
    if org_type:
        where.append("org_type = :org_type")
        params["org_type"] = org_type
    if region:
        where.append("region = :region")
        params["region"] = region
    if programme:
        where.append("programme = :programme")
        params["programme"] = programme
    if year:
        where.append("year = :year")
        params["year"] = year
    if rated_only:
        where.append("overall_rating is not null")
    if rating:
        params["rating"] = rating
    sql = (
        f"select * from (select *, row_number() over (partition by org_id order by sort_date desc, "
        f"inspection_id desc) as rn from inspections where {' and '.join(where) or '1'}) where rn = 1 "
        f"{'and overall_rating = :rating' if rating else ''} "
        f"order by {LEAGUE_ORDER if order == 'league' else 'sort_date desc, inspection_id'}"
    )
    return [from_row(Inspection, r) for r in kb._rows(sql, params)]


def test_latest_inspections_match_the_window_query(kb):
    types = [None, "crc", "nps", "pdu", "region", "national", "nonsense"]
    regions = [None, "London", "Wales", "Yorkshire and the Humber", "Nowhere"]
    programmes = [None, *kb.programmes[:3]]
    years = [None, 2019, 2023, 2021, 1999]
    ratings = [None, "Good", "Requires improvement", "Inadequate"]
    checked = nonempty = 0
    for combo in itertools.product(types, regions, programmes, years, ratings, [False, True], ["league", "date"]):
        args = dict(
            zip(["org_type", "region", "programme", "year", "rating", "rated_only", "order"], combo, strict=False)
        )
        expected = latest_by_sql(kb, **args)
        assert kb.latest_inspections(**args) == expected, args
        checked += 1
        nonempty += bool(expected)
    assert checked > 10_000 and nonempty > 500


def test_league_matches_the_window_query(kb):
    for org_type in (None, "crc", "nps", "pdu", "region"):
        assert kb.league(org_type=org_type) == latest_by_sql(kb, org_type=org_type, rated_only=True)


def test_histories_match_a_query_per_organisation(kb):
    for org_id in [*kb.organisations, "no-such-org"]:
        expected = [
            from_row(Inspection, r)
            for r in kb._rows("select * from inspections where org_id = ? order by sort_date, inspection_id", (org_id,))
        ]
        got = kb.history(org_id)
        assert got == expected
        got.append(None)  # a caller's list is its own
        assert kb.history(org_id) == expected


@pytest.mark.parametrize(
    "cls, table",
    [
        (Inspection, "inspections"),
        (Organisation, "organisations"),
        (Finding, "findings"),
        (Figure, "figures"),
        (Source, "sources"),
        (StandardRating, "standard_ratings"),
    ],
)
def test_rows_become_the_same_objects(kb, cls, table):
    rows = kb._rows(f"select * from {table}")
    assert rows and [_from_row(cls, r) for r in rows] == [from_row(cls, r) for r in rows]


def test_normalise_remembers_nothing_it_should_not(kb):
    for text in [
        "Sheffield & Rotherham",
        "Hampshire and Isle of Wight CRC",
        "Ynys Môn",
        "x" * 200,
        "Community Rehabilitation Company",
        "probation delivery units",
    ]:
        assert normalise(text) == _normalise(text) == normalise(text)


def _brute_force(resolver: Resolver, s: str, single_word: bool, cutoff: float) -> set[str]:
    keys = resolver.key_list + (resolver.word_list if single_word else [])
    return {k for k in keys if fuzz.ratio(s, k) >= cutoff}


@settings(
    max_examples=150,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture],
)
@given(data=st.data())
def test_the_length_window_never_leaves_out_a_key_that_could_match(engine, data):
    resolver = engine.resolver
    key = data.draw(st.sampled_from(resolver.key_list + resolver.word_list))
    # A slip or two in a real key, or any short string: what people type.
    edits = data.draw(
        st.lists(st.tuples(st.integers(0, 60), st.sampled_from("abcdefghijklmnopqrstuvwxyz -")), max_size=3)
    )
    s = key
    for pos, ch in edits:
        pos = pos % (len(s) + 1)
        s = s[:pos] + ch + s[pos + 1 :] if data.draw(st.booleans()) else s[:pos] + ch + s[pos:]
    s = data.draw(st.one_of(st.just(s), st.text("abcdefghijklmnopqrstuvwxyz ", min_size=1, max_size=40)))
    for single, cutoff in itertools.product((True, False), (85.0, 90.0, 70.0)):  # any cutoff the resolver uses
        pools = set(resolver._pool(resolver.key_list, len(s), cutoff))
        if single:
            pools |= set(resolver._pool(resolver.word_list, len(s), cutoff))
        assert _brute_force(resolver, s, single, cutoff) <= pools, (s, cutoff)


def test_resolving_with_warm_caches_matches_a_fresh_resolver(kb, engine):
    org_types = {o.org_id: o.org_type for o in kb.organisations.values()}
    names = [alias for alias, _org, _kind in kb.aliases]
    rng = random.Random(11)
    questions = [f"how did {rng.choice(names)} do" for _ in range(150)]
    questions += [" ".join(rng.choice(names).lower().replace("e", "", 1).split()) for _ in range(150)]
    warm = Resolver.from_aliases(kb.aliases, org_types)
    for q in questions:  # fill the memo and the pools
        warm.resolve(q)

    def shape(matches):
        return [(m.org_ids, m.start, m.end, m.text, m.strength, m.score, m.org_type) for m in matches]

    index = Resolver.from_aliases(kb.aliases, org_types)
    for q in questions:  # the same index with every cache empty: a fresh resolver, without building one each time
        fresh = dataclasses.replace(index, _pools={}, _by_length={}, _ordered={}, _fuzzy_memo={})
        assert shape(warm.resolve(q)) == shape(fresh.resolve(q)), q


def test_large_index_sets_are_ordered_as_sorting_would(kb):
    org_types = {o.org_id: o.org_type for o in kb.organisations.values()}
    resolver = Resolver.from_aliases(kb.aliases, org_types)

    def plain(orgs):
        return sorted(orgs, key=lambda o: (org_types.get(o, ""), o))

    everyone = set(org_types)
    resolver.partial["everyone"] = everyone  # a word every name shares, as "synthetic" does at 100x
    for orgs in [everyone, set(list(everyone)[:20]), set(list(everyone)[:3]), set(), *list(resolver.partial.values())]:
        first = resolver._in_order(orgs)
        assert first == plain(orgs)
        first.append("changed by a caller")
        assert resolver._in_order(orgs) == plain(orgs)
    # A name that fits probation bodies and youth services means the probation bodies; the youth ones are offered.
    youth = {o for o in everyone if org_types[o] == "yjs"}
    (match,) = resolver.resolve("everyone")
    assert (match.org_ids, match.see_also) == (plain(everyone - youth), plain(youth))
