"""Charts: what goes on each picture, checked against SQL written here, and the pictures themselves.

The numbers are tested on the data handed to the drawing code, never on pixels: each expectation is
a query over the knowledge base, written in this file. The pictures are tested for what Telegram and
a phone need: a valid PNG, 1,080 pixels wide, within sendPhoto's size limits, for every filter the
league accepts.
"""

from __future__ import annotations

import io
import sqlite3
from collections import Counter
from typing import Any

import pytest

from knowledge.ratings import RATINGS
from responses.answer import Answer
from responses.charts import data, draw
from responses.charts.request import ChartRequest, offered, parse

LATEST_RATED = """
    with picked as (select * from inspections where overall_rating is not null
                    and (:org_type is null or org_type = :org_type)
                    and (:programme is null or programme = :programme) and (:year is null or year = :year)
                    -- a league that names no kind ranks probation bodies only (youth services have their own)
                    and (:org_type is not null or coalesce(:programme, '') like 'youth%' or org_type != 'yjs')),
         ranked as (select *, row_number() over (partition by org_id order by sort_date desc, inspection_id desc) rn
                    from picked),
         -- a region's league holds the bodies in the region now: the region of each body's latest inspection
         now as (select org_id, region from (select org_id, region, row_number() over (partition by org_id
                 order by sort_date desc, inspection_id desc) rn from inspections) where rn = 1)
    select org_id, overall_rating, rating_points, published, year, year_estimated from ranked where rn = 1
      and (:region is null or org_id in (select org_id from now where region = :region))
"""


def expected_newest(rows) -> str | None:
    """(published, year) rows: the newest date, or "YEAR?" when an undated one is from a later year than all dated."""
    dated = [r[0] for r in rows if r[0]]
    undated_years = [r[1] for r in rows if not r[0] and r[1]]
    newest = max(dated) if dated else None
    if undated_years and (newest is None or max(undated_years) > int(newest[:4])):
        return f"{max(undated_years)}?"
    return newest


@pytest.fixture(scope="module")
def db(kb_path):
    conn = sqlite3.connect(f"file:{kb_path}?mode=ro", uri=True)
    yield conn
    conn.close()


def filters(
    org_type: str | None = None, region: str | None = None, programme: str | None = None, year: int | None = None
) -> dict[str, Any]:
    return {"org_type": org_type, "region": region, "programme": programme, "year": year}


def every_league_filter(db: sqlite3.Connection) -> list[dict[str, Any]]:
    """Every filter /league accepts, one at a time, as the league reads them (a region alone means its PDUs)."""
    out = [filters(t) for t in ("pdu", "crc", "nps", "region", "yjs")]
    out += [
        filters(programme=p)
        for (p,) in db.execute(
            "select distinct programme from inspections where programme is not null and overall_rating is not null"
        )
    ]
    out += [
        filters(year=y) for (y,) in db.execute("select distinct year from inspections where overall_rating is not null")
    ]
    out += [
        filters("pdu", region=r)
        for (r,) in db.execute("select distinct region from inspections where org_type = 'pdu' and region is not null")
    ]
    out += [filters("yjs", year=2019), filters("crc", programme="2018-19 first round")]
    return out


# -- the numbers -----------------------------------------------------------------------------------


def test_league_holds_each_bodys_latest_rating_for_every_filter(kb, db):
    for f in every_league_filter(db):
        rows = db.execute(LATEST_RATED, f).fetchall()
        chart = data.league(kb, f)
        assert sorted((e.org_id, e.rating) for e in chart.entries) == sorted((r[0], r[1]) for r in rows), f
        # A body's rank is one more than the number of bodies with a better rating: ties share it.
        points = {r[0]: r[2] for r in rows}
        for e in chart.entries:
            assert e.rank == 1 + sum(1 for p in points.values() if p > points[e.org_id]), (f, e)
        assert chart.newest == expected_newest([(r[3], r[4]) for r in rows]), f


def test_league_groups_are_ties_best_first(kb, db):
    chart = data.league(kb, filters("yjs"))
    counts = Counter(r[1] for r in db.execute(LATEST_RATED, filters("yjs")))
    groups = chart.groups()
    assert [(rating, len(members)) for rating, _, members in groups] == [(r, counts[r]) for r in RATINGS if counts[r]]
    assert all(len({m.rank for m in members}) == 1 for _, _, members in groups)
    assert len(groups) >= 3, "youth services hold several ratings: a test that cannot fail otherwise"


def test_league_matches_the_text_league(engine, kb):
    # The same bodies as /league crc lists, in the same order.
    chart = data.league(kb, filters("crc"))
    text = engine.ask("/league crc").text
    assert f": {len(chart.entries)} by latest rating" in text
    positions = [
        text.index(kb.organisation(e.org_id).name.replace(" Community Rehabilitation Company", " CRC"))
        for e in chart.entries
    ]
    assert positions == sorted(positions)


def test_years_counts_every_rated_inspection(kb, db):
    for org_type in data.RATED_TYPES:
        (panel,) = data.years(kb, org_type).panels
        expected = Counter(
            {
                (str(y), r): n
                for y, r, n in db.execute(
                    "select year, overall_rating, count(*) from inspections "
                    "where org_type = ? and overall_rating is not null group by 1, 2",
                    (org_type,),
                )
            }
        )
        got = Counter(
            {
                (p, r): n
                for p, counts in zip(panel.periods, panel.counts, strict=False)
                for r, n in zip(RATINGS, counts, strict=False)
                if n
            }
        )
        assert got == expected, org_type
        estimated = dict(
            db.execute(
                "select year, sum(year_estimated) from inspections where org_type = ? "
                "and overall_rating is not null group by 1",
                (org_type,),
            ).fetchall()
        )
        assert {p: e for p, e in zip(panel.periods, panel.estimated, strict=False) if e} == {
            str(y): n for y, n in estimated.items() if n
        }
        years = [int(p) for p in panel.periods]
        assert years == list(range(min(years), max(years) + 1)), "years with nothing rated still show"


def test_years_by_round_and_all_types(kb, db):
    chart = data.years(kb, "crc", by="round")
    expected = dict(
        db.execute(
            "select programme, count(*) from inspections where org_type = 'crc' "
            "and overall_rating is not null group by 1"
        ).fetchall()
    )
    assert {p: sum(c) for p, c in zip(chart.panels[0].periods, chart.panels[0].counts, strict=False)} == expected
    everything = data.years(kb)
    total = db.execute(
        "select count(*) from inspections where overall_rating is not null "
        "and org_type in ('pdu', 'crc', 'nps', 'region', 'yjs')"
    ).fetchone()[0]
    assert sum(sum(map(sum, p.counts)) for p in everything.panels) == total
    assert len(everything.panels) == 5


def test_history_is_every_inspection_in_order(kb, db):
    for org_id in ("pdu-sheffield", "dtv-crc", "hiow-crc"):
        chart = data.history(kb, org_id)
        rows = db.execute(
            "select inspection_id, overall_rating, rating_status, score from inspections "
            "where org_id = ? order by sort_date, inspection_id",
            (org_id,),
        ).fetchall()
        assert [(p.inspection_id, p.rating, p.status, p.score) for p in chart.points] == [
            (r[0], r[1], r[2], r[3]) for r in rows
        ]
        assert not any(p.predecessor for p in chart.points)


def test_history_says_a_rating_from_before_the_first_inspection_we_hold(kb, db):
    org_id, year, previous = db.execute(
        "select org_id, year, previous_rating from inspections i where previous_rating is not null and not exists "
        "(select 1 from inspections j where j.org_id = i.org_id and j.sort_date < i.sort_date) limit 1"
    ).fetchone()
    chart = data.history(kb, org_id)
    assert chart.earlier and previous in chart.earlier and str(year) in chart.earlier
    assert previous in data.caption(chart)
    assert data.history(kb, "pdu-sheffield").earlier is None
    assert data.history(kb, org_id).newest == expected_newest(
        db.execute("select published, year from inspections where org_id = ?", (org_id,)).fetchall()
    )


def test_history_shows_a_predecessor_as_a_different_body(kb, db):
    # Neath Port Talbot's notes say it was formerly part of Western Bay: Western Bay's inspections are shown,
    # marked as a predecessor's.
    (notes,) = db.execute(
        "select group_concat(notes) from inspections where org_id = 'yjs-neath-port-talbot'"
    ).fetchone()
    assert "Western Bay" in notes
    (western_bay,) = db.execute("select distinct org_id from aliases where alias = 'Western Bay'").fetchone()
    theirs = {r[0] for r in db.execute("select inspection_id from inspections where org_id = ?", (western_bay,))}
    chart = data.history(kb, "yjs-neath-port-talbot")
    assert {p.inspection_id for p in chart.points if p.predecessor} == theirs
    assert all(p.inspection_id.startswith("yjs-neath-port-talbot") for p in chart.points if not p.predecessor)
    assert chart.predecessors and "Western Bay" in chart.predecessors[0]
    assert "different body" in data.caption(chart)


def test_compare_shows_the_latest_rated_inspection_and_its_standards(kb, db):
    ids = ["west-yorkshire-crc", "dtv-crc", "nps-nw"]
    chart = data.compare(kb, ids)
    for body, org_id in zip(chart.bodies, ids, strict=False):
        insp, rating = db.execute(
            "select inspection_id, overall_rating from inspections where org_id = ? "
            "and overall_rating is not null order by sort_date desc limit 1",
            (org_id,),
        ).fetchone()
        assert (body.inspection_id, body.rating) == (insp, rating)
    islington = data.compare(kb, ["yjs-islington", "yjs-reading"]).bodies[0]
    (score,) = db.execute(
        "select score from inspections where inspection_id = ?", (islington.inspection_id,)
    ).fetchone()
    assert score and islington.score == score
    for k, body in enumerate(chart.bodies):
        expected = {
            (code, name): rating
            for code, name, rating in db.execute(
                "select standard_code, standard_name, rating from standard_ratings where inspection_id = ?",
                (body.inspection_id,),
            )
        }
        got = {label: cells[k] for label, cells in zip(chart.standards, chart.cells, strict=False) if cells[k]}
        assert got == {(f"{c} {n}" if c else n): r for (c, n), r in expected.items()}
    assert any(any(cells) for cells in chart.cells), "these bodies have standard ratings: the test must see some"


def test_captions_say_what_when_and_sources(kb):
    for chart in (
        data.league(kb, filters("pdu")),
        data.years(kb),
        data.history(kb, "dtv-crc"),
        data.compare(kb, ["pdu-sheffield", "pdu-doncaster"]),
    ):
        text = data.caption(chart)
        assert len(text) <= 1024
        assert "/sources" in text
        assert "Newest inspection included: " in text


# -- reading requests --------------------------------------------------------------------------------


@pytest.mark.parametrize("words", ["", "crc", "nps 2019", "pdu Wales", "region", "2019", "first round crc"])
def test_chart_league_reads_the_same_filters_as_league(engine, kb, words):
    request = parse(engine, f"/chart league {words}")
    assert isinstance(request, ChartRequest)
    chart = data.league(kb, dict(request.filters))
    heading = engine.ask(f"/league {words}").pages[0].text.splitlines()[0]
    assert (f"({len(chart.entries)} PDUs)" in heading) or (f": {len(chart.entries)} by latest rating" in heading)


def test_bad_filter_gets_the_leagues_own_answer(engine):
    for words in ("nps 2030", "crc Wales 2024"):
        answer = parse(engine, f"/chart league {words}")
        assert isinstance(answer, Answer) and answer.text == engine.ask(f"/league {words}").text


@pytest.mark.parametrize(
    "question,kind",
    [
        ("/chart league", "league"),
        ("/chart years", "years"),
        ("/chart years crc rounds", "years"),
        ("/chart Sheffield", "history"),
        ("/chart Sheffield vs Doncaster", "compare"),
        ("show me a chart of PDU ratings", "league"),
        ("graph of CRC ratings over the years", "years"),
        ("plot Durham Tees Valley CRC vs Merseyside CRC", "compare"),
        ("/chart youth", "league"),
        ("show me a graph of Sheffield's ratings over time", "history"),
        ("/chart years crc rounds", "years"),
    ],
)
def test_kinds_of_request(engine, question, kind):
    request = parse(engine, question)
    assert isinstance(request, ChartRequest) and request.kind == kind
    answer = engine.ask(question)
    assert answer.intent == "chart" and answer.charts == [request.ref(engine)]
    assert isinstance(parse(engine, answer.charts[0]), ChartRequest) and parse(engine, answer.charts[0]) == request


def test_answers_offer_charts(engine):
    assert engine.ask("/league crc").charts == ["/chart league crc"]
    assert engine.ask("/history Sheffield").charts[0].startswith("/chart #")
    assert " vs " in engine.ask("/compare Sheffield vs Doncaster").charts[0]
    assert engine.ask("/league nps 2030").charts == []  # nothing to draw
    assert engine.ask("how did Sheffield do?").charts == []
    assert offered(engine, engine.ask("/about")) == []
    assert "charts" in engine.ask("/league").to_json()


def test_usage_and_choices(engine):
    assert "/chart league" in engine.ask("/chart").text
    choice = engine.ask("/chart Wales")
    assert choice.kind == "choices" and all(c.ref.startswith("/chart #") for c in choice.choices)


# -- the pictures -------------------------------------------------------------------------------------


def assert_png(png: bytes, what: object) -> tuple[int, int]:
    from PIL import Image

    assert png.startswith(b"\x89PNG\r\n\x1a\n"), what
    image = Image.open(io.BytesIO(png))
    image.verify()
    width, height = image.size
    assert width == draw.WIDTH, what
    assert width + height <= 10000 and height <= 20 * width, f"{what}: over sendPhoto's limits ({width}x{height})"
    assert len(png) <= 10 * 1000 * 1000, f"{what}: over sendPhoto's 10 MB ({len(png)} bytes)"
    return width, height


def test_every_league_filter_draws(kb, db):
    for f in every_league_filter(db):
        chart = data.league(kb, f)
        assert_png(draw.png(chart), f)


def test_other_kinds_draw(kb, db):
    charts: list[data.Chart] = [data.years(kb, t, by=by) for t in (None, *data.RATED_TYPES) for by in ("year", "round")]
    # One body of each type (the one with most inspections), a predecessor, a body never rated.
    for (org_id,) in db.execute(
        "select org_id from (select org_id, org_type, count(*) n from inspections "
        "group by org_id) group by org_type having n = max(n)"
    ):
        charts.append(data.history(kb, org_id))
    charts += [
        data.history(kb, "yjs-neath-port-talbot"),
        data.compare(kb, ["pdu-sheffield", "pdu-doncaster"]),
        data.compare(kb, ["west-yorkshire-crc", "dtv-crc", "nps-nw", "hiow-crc"]),
        data.league(kb, filters("pdu", year=1999)),
    ]
    for chart in charts:
        assert_png(draw.png(chart), chart.title)


def words_on(chart: data.Chart) -> list[str]:
    """Every line of text the drawing code lays out on the picture (read before drawing, not from pixels)."""
    return [line for block in draw.canvas(chart).words.blocks for line in block.lines if line]


def texts_on(chart: data.Chart) -> set[str]:
    """Every line on the picture, and every block of lines read as one (a name on two lines)."""
    blocks = draw.canvas(chart).words.blocks
    return {line for b in blocks for line in b.lines} | {" ".join(b.lines) for b in blocks}


def without_shared_last_word(names: list[str]) -> list[str]:
    """Names less a last word they all share ("PDU", "YJS"): the picture's heading says it once for all."""
    last = {n.rsplit(" ", 1)[-1] for n in names}
    if len(last) == 1 and all(" " in n for n in names):
        return [n.rsplit(" ", 1)[0] for n in names]
    return names


def test_league_years_are_short_and_marked_when_estimated(kb, db):
    for f in every_league_filter(db):
        years = {r[0]: (r[4], r[5]) for r in db.execute(LATEST_RATED, f)}
        chart = data.league(kb, f)
        for e in chart.entries:
            year, estimated = years[e.org_id]
            assert e.year == (f"{year}?" if estimated else str(year)), (f, e)
        # The note that says what "?" means is on the picture exactly when a "?" is.
        assert (draw.ESTIMATE_NOTE in words_on(chart)) == any(est for _, est in years.values()), f


def test_every_body_is_named_on_the_league_picture(kb, db):
    for f in every_league_filter(db):
        chart = data.league(kb, f)
        lines = texts_on(chart)
        for name in without_shared_last_word([e.name for e in chart.entries]):
            # Whole, or cut short only at the end and keeping most of the name.
            assert name in lines or any(
                line.endswith("…") and name.startswith(line[:-1]) and len(line) >= 2 * len(name) / 3 for line in lines
            ), (f, name)
    # The youth league is the densest picture (three columns, over a hundred tiles): every name is whole there.
    youth = data.league(kb, filters("yjs"))
    assert len(youth.entries) > 100
    assert set(without_shared_last_word([e.name for e in youth.entries])) <= texts_on(youth)


def test_no_print_smaller_than_14_pixels(kb):
    pdus = data.league(kb, filters("pdu"))  # a name so long it goes on two lines
    charts: list[data.Chart] = [
        data.league(kb, filters("yjs")),  # the smallest tiles, and long names drawn smaller
        pdus,
        data.years(kb),
        data.history(kb, "yjs-neath-port-talbot"),
        data.compare(kb, ["west-yorkshire-crc", "dtv-crc", "nps-nw", "hiow-crc"]),
    ]
    for chart in charts:
        sizes = [b.font.get_size_in_points() * draw.DPI / 72 for b in draw.canvas(chart).words.blocks]
        assert min(sizes) >= 14, chart.title
    # The sizes checked include a name too long for one line of its tile: the longest PDU name.
    longest = max(without_shared_last_word([e.name for e in pdus.entries]), key=len)
    (lines,) = [b.lines for b in draw.canvas(pdus).words.blocks if " ".join(b.lines) == longest]
    assert len(lines) == 2


def test_estimated_years_on_history_and_compare_pictures(kb, db):
    org_id, year = db.execute(
        "select org_id, year from inspections where year_estimated and published is null "
        "and overall_rating is not null and org_id not in (select org_id from inspections where published is not null) "
        "limit 1"
    ).fetchone()
    history = data.history(kb, org_id)
    assert f"{year}?" in [p.when for p in history.points]
    assert draw.ESTIMATE_NOTE in words_on(history)
    compare = data.compare(kb, [org_id, "pdu-sheffield"])
    assert compare.bodies[0].year.endswith("?") and compare.bodies[1].year == "2024"
    assert draw.ESTIMATE_NOTE in words_on(compare)
    assert draw.ESTIMATE_NOTE not in words_on(data.compare(kb, ["pdu-sheffield", "pdu-doncaster"]))


@pytest.mark.parametrize(
    "px,weight,ha,y",
    [
        (17, "normal", "left", 40),
        (14.45, "normal", "right", 61.5),
        (24, "bold", "center", 100.25),
        (20, "bold", "left", 77),
    ],
)
def test_words_are_the_pixels_matplotlib_text_would_draw(px, weight, ha, y):
    # The charts draw their words with their own artist (responses/charts/words.py), for speed; it must put
    # down exactly what matplotlib's Text puts down for the same text, font, place and alignment.
    import numpy as np
    from matplotlib.font_manager import FontProperties
    from PIL import Image

    texts = [(540, y, "Hammersmith, Fulham · 2024? · 34 of 36"), (300, y + 60, "Requires\nimprovement")]

    def pixels(ours: bool) -> np.ndarray:
        c = draw.Canvas(240)
        for x, at, s in texts:
            if ours:
                c.text(x, at, s, px, weight=weight, ha=ha, color="#0072B2")
            else:
                font = FontProperties(family="DejaVu Sans", weight=weight, size=px * 72 / draw.DPI)
                c.fig.text(x, at, s, transform=c.pixels, fontproperties=font, ha=ha, va="center", color="#0072B2")
        return np.asarray(Image.open(io.BytesIO(c.png())))

    ours, theirs = pixels(True), pixels(False)
    assert (theirs != 255).any(), "matplotlib drew the text: the comparison is not empty"
    assert np.array_equal(ours, theirs)


def test_png_holds_exactly_the_pixels_drawn():
    # The charts write their PNG themselves (unfiltered rows, ISA-L's deflate): a standard decoder reads back
    # every pixel, on a picture where no two neighbours agree.
    import numpy as np
    from PIL import Image

    rgba = np.random.default_rng(7).integers(0, 256, (9, 13, 4), dtype=np.uint8)
    decoded = Image.open(io.BytesIO(draw._png(memoryview(rgba.tobytes()), 13, 9)))
    assert decoded.mode == "RGBA" and np.array_equal(np.asarray(decoded), rgba)


def test_words_that_name_nothing(engine):
    for command in ("/chart #zzzzzzzz", "/chart vs vs", "/chart qwertyuiop"):
        answer = engine.ask(command)
        assert answer.kind == "no_match" and "/chart league" in answer.text, command
    # A question that only mentions a plot is answered as the engine answers any other question.
    assert engine.ask("plot twist").intent != "chart"
    assert engine.ask("did Sheffield plot their caseloads?").intent != "chart"
    assert engine.ask("is there a graph of caseloads in Leeds?").intent != "chart"


def test_a_region_with_rating_words_is_its_league(engine, kb):
    request = parse(engine, "a chart of the ratings in Wales")
    assert isinstance(request, ChartRequest) and request.kind == "league"
    assert dict(request.filters) == filters("pdu", region="Wales")
    bare = parse(engine, "/chart Wales")
    assert bare is not None and bare.kind == "choices"  # the bare name is still a choice of bodies
