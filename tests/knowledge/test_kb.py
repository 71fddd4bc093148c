"""``knowledge.kb``: the read-only query layer answers from the real data, never raises on what people
type, cannot write, refuses files that are not a knowledge base, and survives a rebuild under it."""

from __future__ import annotations

import calendar
import re
import shutil
import sqlite3
from collections import Counter
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from knowledge.build import build
from knowledge.kb import KnowledgeBase, KnowledgeBaseError
from knowledge.models import Inspection, Organisation
from knowledge.paths import DATA_DIR
from knowledge.ratings import RATING_POINTS
from tests.knowledge import csvedit as ed
from tests.knowledge.breaks import BAD_FILES

FIRST_ROUND = "2018-19 first round"


# -- organisations and their histories -----------------------------------------------------------


def inspection(kb: KnowledgeBase, inspection_id: str) -> Inspection:
    """An inspection the test knows is held; a miss fails the test here, by name."""
    found = kb.inspection(inspection_id)
    assert found is not None, inspection_id
    return found


def organisation(kb: KnowledgeBase, org_id: str) -> Organisation:
    found = kb.organisation(org_id)
    assert found is not None, org_id
    return found


def test_durham_tees_valley_history_reads_requires_improvement_2019_then_good_2020(kb: KnowledgeBase) -> None:
    history = kb.history("dtv-crc")
    assert [(i.overall_rating, i.year) for i in history] == [("Requires improvement", 2019), ("Good", 2020)]
    assert history[1].previous_rating == "Requires improvement"
    assert organisation(kb, "dtv-crc").name == history[-1].organisation


def test_every_history_is_in_time_order_and_complete(kb: KnowledgeBase) -> None:
    per_org = Counter(r["org_id"] for r in ed.records(DATA_DIR / "inspections.csv"))
    for org_id, org in kb.organisations.items():
        history = kb.history(org_id)
        assert len(history) == per_org[org_id] == org.inspection_count
        years = [i.year for i in history if i.year is not None]
        assert len(years) == len(history) and years == sorted(years), org_id
        dated = [i.published for i in history if i.published]
        assert dated == sorted(dated), org_id
        assert history[-1].inspection_id == org.latest_inspection_id


def test_organisation_by_short_key_round_trips(kb: KnowledgeBase) -> None:
    for org in kb.organisations.values():
        assert len(org.short_key) == 8
        assert kb.organisation_by_key(org.short_key) == org
    assert kb.organisation_by_key("zzzzzzzz") is None


def test_aliases_include_names_and_abbreviations(kb: KnowledgeBase) -> None:
    aliases = {(a.lower(), o) for a, o, _ in kb.aliases}
    assert ("dtv", "dtv-crc") in aliases
    for org in kb.organisations.values():
        assert (org.name.lower(), org.org_id) in aliases


# -- league tables and latest inspections --------------------------------------------------------


def test_crc_league_2018_19_has_hampshire_on_top_and_dorset_devon_cornwall_at_the_bottom(kb: KnowledgeBase) -> None:
    league = kb.league(org_type="crc", programme=FIRST_ROUND)
    assert league[0].org_id == "hiow-crc" and "Hampshire" in league[0].organisation
    assert league[0].overall_rating == "Good"
    assert league[-1].org_id == "ddc-crc" and "Dorset, Devon and Cornwall" in league[-1].organisation
    assert league[-1].overall_rating == "Inadequate"
    assert all(i.org_type == "crc" and i.programme == FIRST_ROUND for i in league)
    assert len({i.org_id for i in league}) == len(league)


def test_first_round_crc_counts_agree_with_the_inspectorates_own_figures(kb: KnowledgeBase) -> None:
    """figures.csv quotes the chief inspector's count of CRCs per rating; our rows must add up to it."""
    stated = {}
    for fig in ed.records(DATA_DIR / "figures.csv"):
        m = re.fullmatch(r"CRCs rated (.+) overall", fig["metric"])
        if fig["subject"] == "CRCs, 2018-19 first round" and m:
            stated[m.group(1)] = int(fig["value"])
    assert set(stated) == set(RATING_POINTS)
    counts = Counter(i.overall_rating for i in kb.latest_inspections(org_type="crc", programme=FIRST_ROUND))
    assert {r: counts.get(r, 0) for r in RATING_POINTS} == stated


def _league_key(i: Inspection) -> tuple[int, bool, float]:
    score = i.score_points / i.score_max if i.score_points is not None and i.score_max else None
    return (-(i.rating_points if i.rating_points is not None else -1), score is None, -(score or 0))


def _filter_values(kb: KnowledgeBase) -> list[dict[str, Any]]:
    """Every filter value in the data, alone and in the combinations inspections have (keyword arguments)."""
    rows = [i for org in kb.organisations for i in kb.history(org)]
    combos: list[dict[str, Any]] = [{}]
    combos += [{"org_type": t} for t in sorted({i.org_type for i in rows})]
    combos += [{"programme": p} for p in kb.programmes]
    combos += [{"region": r} for r in kb.regions]
    combos += [{"year": y} for y in sorted({i.year for i in rows if i.year})]
    combos += [{"org_type": i.org_type, "programme": i.programme} for i in rows if i.programme]
    combos += [{"org_type": i.org_type, "year": i.year, "region": i.region} for i in rows if i.region and i.year]
    unique = {tuple(sorted(c.items())) for c in combos}
    return [dict(c) for c in sorted(unique, key=repr)]


def test_latest_inspections_take_the_latest_matching_inspection_of_each_organisation(kb: KnowledgeBase) -> None:
    """Compared with a plain Python model over every history, for every filter value in the data."""
    histories = {org: kb.history(org) for org in kb.organisations}
    for filters in _filter_values(kb):
        got = kb.latest_inspections(**filters)
        expected = {}
        for org, history in histories.items():
            matching = [i for i in history if all(getattr(i, k) == v for k, v in filters.items())]
            if matching:
                expected[org] = matching[-1].inspection_id
        assert {i.org_id: i.inspection_id for i in got} == expected, filters
        assert len(got) == len(expected), filters


def test_league_is_in_league_order_and_rated_only(kb: KnowledgeBase) -> None:
    for filters in _filter_values(kb):
        league = kb.league(**filters)
        assert all(i.overall_rating is not None for i in league)
        keys = [_league_key(i) for i in league]
        assert keys == sorted(keys), filters
        for a, b in pairwise(league):  # ties on rating and score: most recent first
            if _league_key(a) == _league_key(b):
                assert (a.published or str(a.year)) >= (b.published or str(b.year)), (filters, a, b)


def test_league_breaks_rating_ties_by_score(kb: KnowledgeBase) -> None:
    league = kb.league(org_type="pdu", programme="2021-23 PDU")
    scored = [i.score_points for i in league if i.overall_rating == "Inadequate" and i.score_points is not None]
    assert len(scored) >= 2
    assert scored == sorted(scored, reverse=True)
    inadequate = [i for i in league if i.overall_rating == "Inadequate"]
    first_unscored = next(n for n, i in enumerate(inadequate) if i.score_points is None)
    assert all(i.score_points is None for i in inadequate[first_unscored:])


def test_rating_filter_keeps_latest_inspections_with_that_rating(kb: KnowledgeBase) -> None:
    all_latest = kb.latest_inspections(org_type="pdu")
    for rating in RATING_POINTS:
        got = kb.latest_inspections(org_type="pdu", rating=rating)
        assert [i.inspection_id for i in got] == [i.inspection_id for i in all_latest if i.overall_rating == rating]


def test_date_order_is_newest_first(kb: KnowledgeBase) -> None:
    got = kb.latest_inspections(org_type="pdu", order="date")
    dates = [i.published or str(i.year) for i in got]
    assert dates == sorted(dates, reverse=True)


def test_unknown_filter_values_give_nothing(kb: KnowledgeBase) -> None:
    assert kb.latest_inspections(org_type="charity") == []
    assert kb.league(programme="1999 round") == []
    assert kb.latest_inspections(year=1900) == []


def test_recent_inspections_are_dated_and_newest_first(kb: KnowledgeBase) -> None:
    recent = kb.recent_inspections(limit=15)
    assert len(recent) == 15
    dates = [i.published for i in recent if i.published]
    assert len(dates) == len(recent)
    assert dates == sorted(dates, reverse=True)
    newest = max(r["published"] for r in ed.records(DATA_DIR / "inspections.csv") if r["published"])
    assert recent[0].published == newest


def test_inspections_with_score(kb: KnowledgeBase) -> None:
    rows = ed.records(DATA_DIR / "inspections.csv")
    expected = sorted(r["inspection_id"] for r in rows if r["score"] == "1 of 27")
    assert expected
    assert sorted(i.inspection_id for i in kb.inspections_with_score(1, 27)) == expected
    assert sorted(i.inspection_id for i in kb.inspections_with_score(1)) == expected


def test_standard_ratings_of_an_inspection(kb: KnowledgeBase) -> None:
    rows = [r for r in ed.records(DATA_DIR / "standard_ratings.csv") if r["inspection_id"] == "bgsw-crc-2019"]
    got = kb.standard_ratings("bgsw-crc-2019")
    assert len(got) == len(rows) > 0
    assert {(s.standard_code, s.standard_name, s.rating) for s in got} == {
        (r["standard_code"] or None, r["standard_name"], r["rating"]) for r in rows
    }
    codes = [s.standard_code for s in got if s.standard_code]
    assert codes == sorted(codes)
    assert kb.standard_ratings("no-such-inspection") == []


# -- findings and figures -------------------------------------------------------------------------


def test_findings_by_organisation_and_topic(kb: KnowledgeBase) -> None:
    org_of = {r["inspection_id"]: r["org_id"] for r in ed.records(DATA_DIR / "inspections.csv")}
    rows = ed.records(DATA_DIR / "findings.csv")
    for org_id, topics in [("hiow-crc", ["staffing"]), ("hiow-crc", ["unpaid-work", "workloads"]), ("dtv-crc", None)]:
        expected = [
            r["finding"]
            for r in rows
            if org_of.get(r["inspection_id"]) == org_id and (topics is None or r["topic"] in topics)
        ]
        got = kb.findings(org_id=org_id, topics=topics)
        assert [f.finding for f in got] == expected
        assert expected


def test_findings_of_a_national_report(kb: KnowledgeBase) -> None:
    subject = "national-2019-annual-report"
    expected = [r["finding"] for r in ed.records(DATA_DIR / "findings.csv") if r["inspection_id"] == subject]
    got = kb.findings(subject_id=subject)
    assert [f.finding for f in got] == expected and expected
    assert all(f.inspection_id is None and f.org_id is None for f in got)
    assert subject in kb.subject_titles


def test_search_findings_finds_the_words_and_respects_the_organisation(kb: KnowledgeBase) -> None:
    hits = kb.search_findings("unpaid work placements")
    assert hits
    assert any("unpaid" in f.finding.lower() for f in hits[:3])
    only = kb.search_findings("staff", org_id="hiow-crc")
    assert only and all(f.org_id == "hiow-crc" for f in only)
    assert len(kb.search_findings("staff", limit=3)) == 3


def test_search_figures_finds_national_numbers(kb: KnowledgeBase) -> None:
    hits = kb.search_figures("CRCs rated Outstanding")
    assert hits and "Outstanding" in hits[0].metric
    assert kb.search_figures("") == []


FTS_SYNTAX = [
    '"',
    '""',
    '"unpaid work"',
    '"unclosed',
    "unpaid NEAR work",
    "NEAR(unpaid work, 2)",
    "staff*",
    "*",
    "**",
    "finding:staff",
    "topic:workloads",
    "{finding topic}:staff",
    "(staff",
    "staff)",
    "((",
    ")(",
    "staff AND",
    "AND",
    "OR",
    "NOT",
    "NOT staff",
    "staff OR OR",
    "staff AND NOT work",
    "^staff",
    "+staff -work",
    "-",
    "'",
    "'; drop table findings; --",
    "\\",
    "\x00",
    "staff\x00work",
    "é",
    "日本語",
    "🙂",
    "a",
    "",
    "   ",
    "x" * 5000,
    "staff " * 300,
    "col:",
    ":",
    "NEAR",
    "near/3",
    "rowid:1",
    "findings_fts MATCH 'x'",
]


@pytest.mark.parametrize("text", FTS_SYNTAX)
def test_fts_syntax_in_search_text_never_raises(kb: KnowledgeBase, text: str) -> None:
    assert isinstance(kb.search_findings(text), list)
    assert isinstance(kb.search_findings(text, org_id="dtv-crc"), list)
    assert isinstance(kb.search_figures(text), list)


def test_fts_operators_are_searched_as_words_not_obeyed(kb: KnowledgeBase) -> None:
    """ "NOT staff" must not return everything but staff; quotes and stars change nothing."""
    plain = [f.id for f in kb.search_findings("staff workloads")]
    assert plain
    assert [f.id for f in kb.search_findings('"staff" workloads*')] == plain
    assert [f.id for f in kb.search_findings("finding:staff (workloads")] == [
        f.id for f in kb.search_findings("finding staff workloads")
    ]


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=60))
def test_any_text_is_safe_to_search(kb: KnowledgeBase, text: str) -> None:
    kb.search_findings(text)
    kb.search_figures(text)


# -- how values read -------------------------------------------------------------------------------


def test_people_supervised_read_with_their_qualifiers(kb: KnowledgeBase) -> None:
    assert inspection(kb, "hlny-crc-2020").people_text() == "more than 5,000"
    assert inspection(kb, "hlny-crc-2019").people_text() == "5,347"
    assert inspection(kb, "hiow-crc-2020").people_text() == "nearly 3,000"
    assert inspection(kb, "dtv-crc-2019").people_text() == "3,729"
    for rec in ed.records(DATA_DIR / "inspections.csv"):
        text = inspection(kb, rec["inspection_id"]).people_text()
        if not rec["people_supervised"]:
            assert text is None
            continue
        number = f"{int(rec['people_supervised']):,}"
        qualifier = rec["supervised_qualifier"]
        assert text == (number if qualifier in ("", "exact") else f"{qualifier} {number}")


#: Month names from the standard library, not from the code under test.
_MONTHS = list(calendar.month_name)[1:]


def test_dates_keep_their_precision(kb: KnowledgeBase) -> None:
    assert inspection(kb, "dtv-crc-2019").when().startswith("March 2019")
    assert not re.search(r"\d{1,2} March", inspection(kb, "dtv-crc-2019").when())
    assert inspection(kb, "hlny-crc-2019").when() == "21 February 2019"
    undated = inspection(kb, "hiow-crc-2020")
    assert undated.published is None
    assert undated.when() == "year not confirmed, probably 2020"  # an estimate, said in words
    assert undated.year_label() == "year not confirmed, probably 2020"  # never "2020?"
    assert inspection(kb, "dtv-crc-2019").year_label() == "2019"


def test_no_month_only_date_ever_shows_a_day(kb: KnowledgeBase) -> None:
    for rec in ed.records(DATA_DIR / "inspections.csv"):
        i = inspection(kb, rec["inspection_id"])
        words = i.when()
        if i.published_precision == "month":
            assert i.published is not None
            month = _MONTHS[int(i.published[5:7]) - 1]
            assert words.startswith(f"{month} {i.published[:4]}"), words
            assert not re.search(r"\d", words[len(month) + 5 :]), words  # no day, before or after
        elif i.published_precision == "day":
            assert re.fullmatch(rf"\d{{1,2}} ({'|'.join(_MONTHS)}) \d{{4}}", words), words
        else:
            assert i.published is None
            assert not any(m in words for m in _MONTHS), words
            assert "unknown" in words or "year not confirmed" in words


def test_sources_cover_every_url(kb: KnowledgeBase) -> None:
    for name in ("inspections.csv", "findings.csv", "standard_ratings.csv", "figures.csv"):
        for rec in ed.records(DATA_DIR / name):
            source = kb.source(rec["source_url"])
            assert source.title and source.publisher
    urls = [s.url for s in kb.sources()]
    assert urls == sorted(urls)


def test_counts_match_the_tables(kb: KnowledgeBase) -> None:
    counts = kb.counts()
    assert counts["inspections"] == len(ed.records(DATA_DIR / "inspections.csv"))
    assert counts["findings"] == len(ed.records(DATA_DIR / "findings.csv"))
    assert counts["organisations"] == len(kb.organisations)


# -- read-only, bad files, rebuilds -----------------------------------------------------------------


def test_the_connection_is_read_only(kb: KnowledgeBase, kb_path: Path) -> None:
    before = kb_path.read_bytes()
    for sql in (
        "insert into meta (key, value) values ('x', 'y')",
        "delete from findings",
        "create table evil (x)",
        "update inspections set overall_rating = 'Good'",
    ):
        with pytest.raises(sqlite3.OperationalError, match="readonly"):
            kb._conn.execute(sql)
    with pytest.raises(KnowledgeBaseError):
        kb._rows("delete from findings")
    assert kb_path.read_bytes() == before


@pytest.mark.parametrize("kind", list(BAD_FILES))
def test_a_bad_file_raises_a_one_line_knowledge_base_error(tmp_path: Path, kb_path: Path, kind: str) -> None:
    path = tmp_path / "bad.db"
    BAD_FILES[kind](path, kb_path)
    before = sorted(p.name for p in tmp_path.iterdir())
    with pytest.raises(KnowledgeBaseError) as info:
        KnowledgeBase(path)
    message = str(info.value)
    assert str(path) in message
    assert "\n" not in message
    assert sorted(p.name for p in tmp_path.iterdir()) == before  # opening never creates anything


def test_a_path_with_uri_characters_opens_the_right_file_and_creates_nothing(tmp_path: Path, kb_path: Path) -> None:
    """``?``, ``#`` and ``%`` in a folder name must not cut the path short (SQLite URIs)."""
    folder = tmp_path / "we?ird#dir%41 x"
    folder.mkdir()
    shutil.copyfile(kb_path, folder / "p.db")
    kb = KnowledgeBase(folder / "p.db")
    assert kb.history("dtv-crc")
    kb.close()
    assert sorted(p.name for p in tmp_path.iterdir()) == [folder.name]
    assert sorted(p.name for p in folder.iterdir()) == ["p.db"]


def test_a_relative_path_opens(tmp_path: Path, kb_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    shutil.copyfile(kb_path, tmp_path / "p.db")
    monkeypatch.chdir(tmp_path)
    kb = KnowledgeBase("p.db")
    assert kb.counts()["inspections"] > 0
    kb.close()


def test_a_rebuild_does_not_break_an_open_knowledge_base(data_copy: Path, tmp_path: Path, kb_path: Path) -> None:
    path = tmp_path / "live.db"
    shutil.copyfile(kb_path, path)
    old = KnowledgeBase(path)
    old_count = old.counts()["inspections"]
    old_hits = [f.id for f in old.search_findings("workloads")]
    inspections = data_copy / "inspections.csv"
    cells = ed.cells_at(inspections, ed.line_of(inspections, "inspection_id", "dtv-crc-2020"))
    cells[0] = "dtv-crc-2099"
    ed.append_record(inspections, cells)
    build(data_copy, path)
    # the open one still reads its own file, whole and consistent
    assert old.counts()["inspections"] == old_count
    assert [i.inspection_id for i in old.history("dtv-crc")] == ["dtv-crc-2019", "dtv-crc-2020"]
    assert [f.id for f in old.search_findings("workloads")] == old_hits
    assert old.league(org_type="crc", programme=FIRST_ROUND)[0].org_id == "hiow-crc"
    new = KnowledgeBase(path)
    assert new.counts()["inspections"] == len(ed.records(inspections))
    assert [i.inspection_id for i in new.history("dtv-crc")][-1] == "dtv-crc-2099"
    old.close()
    new.close()
