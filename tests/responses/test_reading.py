"""Answers that read cleanly (issue 10): ties read as ties, estimated years in words, no brackets inside
brackets, citations dated by their inspection when the page is undated, headings that agree with what
follows, each finding once, /start apart from /help, and short group pieces.

Expected values come from SQL over the knowledge base, never from the code under test.
"""

from __future__ import annotations

import re
import sqlite3

import pytest

from knowledge.dates import describe_date
from responses import ANSWER, NO_MATCH
from responses.render import group_pages, strip_tags

RATING_ORDER = ["Outstanding", "Good", "Requires improvement", "Inadequate"]
SCAN = [
    "/league",
    "/league crc",
    "/league nps",
    "/league region",
    "/league 2019",
    "worst rated PDU",
    "/latest",
    "which PDUs were rated Inadequate?",
    "how many CRCs were rated Good?",
    "which CRCs improved?",
    "/find caseloads",
    "/find staffing",
    "compare Sheffield and Doncaster",
    "/sources",
    "/about",
    "/start",
    "/help",
    "which CRCs did Sodexo own?",
    "/score_list",
    "which CRCs did Interserve own?",
]


@pytest.fixture(scope="module")
def db(kb_path):
    con = sqlite3.connect(f"file:{kb_path}?mode=ro", uri=True)
    con.row_factory = sqlite3.Row
    yield con
    con.close()


def scanned(engine, kb):
    """Answers to a broad set of questions, full and compact, every organisation's summary and dates included."""
    questions = list(SCAN)
    for org in kb.organisations.values():
        questions += [f"/{c} #{org.short_key}" for c in ("inspection", "date", "people", "history", "standards")]
    for q in questions:
        for compact in (False, True):
            yield q, engine.ask(q, compact=compact)


def prose_lines(answer):
    for page in answer.pages:
        for line in page.text.splitlines():
            if not line.startswith("    http"):
                yield re.sub(r"https?://\S+", "URL", line)


def nested_brackets(line: str) -> bool:
    depth = 0
    for ch in line:
        depth += ch == "("
        if depth > 1:
            return True
        depth -= ch == ")" and depth > 0
    return False


# -- ranks ------------------------------------------------------------------------------------------


def headings(text: str) -> list[tuple[str, int, str]]:
    return [(r, int(n), place) for r, n, place in re.findall(rf"^({'|'.join(RATING_ORDER)}): (\d+), (.+)$", text, re.M)]


def test_league_ties_read_as_ties_under_rating_headings(engine, db):
    counts = {
        r["overall_rating"]: r["n"]
        for r in db.execute(
            "select overall_rating, count(*) n from inspections i where org_type = 'crc' and overall_rating is not null"
            " and inspection_id = (select j.inspection_id from inspections j where j.org_id = i.org_id"
            " and j.overall_rating is not null order by coalesce(j.published, j.year || '-12-31') desc limit 1)"
            " group by overall_rating"
        )
    }
    answer = engine.ask("/league crc")
    found = headings(answer.text)
    assert [r for r, _, _ in found] == [r for r in RATING_ORDER if r in counts]
    position = 1
    for rating, n, place in found:
        assert n == counts[rating]
        ordinal = {1: "st", 2: "nd", 3: "rd"}.get(position if position < 20 else position % 10, "th")
        assert place == ("joint " if n > 1 else "") + f"{position}{ordinal}", place
        position += n
    assert not re.search(r"^\d+\. ", answer.text, re.M)  # no run of rows all numbered "1."


def test_worst_first_counts_from_the_bottom(engine):
    answer = engine.ask("which CRC was the worst?")
    assert answer.intent == "league" and "worst first" in answer.title
    found = headings(answer.text)
    assert found[0][0] == "Inadequate" and found[0][2].endswith("1st from the bottom")
    assert [r for r, _, _ in found] == sorted((r for r, _, _ in found), key=RATING_ORDER.index, reverse=True)
    assert found[1][2] == f"joint {found[0][1] + 1}nd from the bottom" or found[1][1] == 1


def test_ordering_rule_is_stated_once_on_the_first_page(engine):
    answer = engine.ask("/league")
    assert len(answer.pages) > 1
    rule = "Ordered by overall rating"
    assert rule in answer.pages[0].text
    assert answer.text.count(rule) == 1


# -- dates ------------------------------------------------------------------------------------------


def test_estimated_years_read_in_words(engine, db):
    row = db.execute(
        "select i.org_id, i.year, o.short_key from inspections i join organisations o using (org_id)"
        " where i.year_estimated = 1 and i.overall_rating is not null"
        " and i.inspection_id = o.latest_inspection_id limit 1"
    ).fetchone()
    answer = engine.ask(f"/inspection #{row['short_key']}")
    assert f"year not confirmed, probably {row['year']}" in answer.text
    assert f"{row['year']}?" not in answer.text


def test_no_question_marked_years_and_no_brackets_inside_brackets(engine, kb):
    problems = []
    for q, answer in scanned(engine, kb):
        for line in prose_lines(answer):
            if re.search(r"\b\d{4}\?", line):
                problems.append((q, "year?", line))
            if nested_brackets(line):
                problems.append((q, "nested", line))
            if re.search(r"probably \d{4} inspection|(?:in|of|its) year not confirmed", line):
                problems.append((q, "estimate read as an adjective", line))
    assert not problems, problems[:5]


def test_a_citation_of_an_undated_page_shows_its_inspections_date(engine, db):
    row = db.execute(
        "select i.source_url, i.published, o.short_key from inspections i"
        " join sources s on s.url = i.source_url join organisations o using (org_id)"
        " where s.published is null and i.published is not null"
        " and i.inspection_id = o.latest_inspection_id limit 1"
    ).fetchone()
    answer = engine.ask(f"/inspection #{row['short_key']}")
    (citation,) = [c for c in answer.citations if c.url == row["source_url"]]
    assert citation.published_text == f"page undated; inspection published {describe_date(row['published'])}"
    assert citation.published_text in answer.text


# -- headings, duplicates -----------------------------------------------------------------------------


def test_the_same_finding_never_twice_in_one_answer(engine, db):
    row = db.execute(
        "select finding, topic, count(*) n from findings group by lower(finding), topic"
        " having count(*) > 1 order by n desc limit 1"
    ).fetchone()
    answer = engine.ask(f"/find {row['topic'].replace('-', ' ')}")
    assert answer.intent == "findings"
    assert answer.text.count(row["finding"]) == 1  # once, naming every body it concerns
    line = next(line for line in answer.text.splitlines() if row["finding"] in line)
    assert len(re.findall(r"\(\d{4}\)", line.split(row["finding"])[0])) == row["n"]


def test_no_heading_says_no_findings_above_findings_on_it(engine, kb):
    problems = []
    for org in list(kb.organisations.values())[::3]:
        for topic in ("caseloads", "staffing", "domestic abuse"):
            answer = engine.ask(f"/find {topic} #{org.short_key}")
            head, _, rest = answer.text.partition("\n")
            if "no findings on" in head:
                body = rest.split("\nSources\n")[0].lower()
                word = topic.split()[0][:5]
                if re.search(rf"\b{word}", body):
                    problems.append((org.org_id, topic, head))
    assert not problems, problems[:5]


# -- /start, /help, unknown commands, inline ----------------------------------------------------------


def test_start_welcomes_and_help_says_how_to_ask(engine):
    start, help_ = engine.ask("/start"), engine.ask("/help")
    assert start.text != help_.text
    assert len(start.examples) == 3 and not help_.examples
    for example in start.examples:
        answered = engine.from_ref(example.ref)
        assert answered.kind == ANSWER, example
    assert "group" in start.text.lower() and "mention" in start.text.lower()
    assert "/league" in help_.text and "How to ask" in help_.text


def test_an_unknown_command_gets_one_sentence(engine):
    answer = engine.ask("/frobnicate")
    assert answer.kind == NO_MATCH
    text = answer.text.strip()
    assert "\n" not in text and len(re.findall(r"[.!?](\s|$)", text)) == 1, text


def test_inline_descriptions_carry_no_citation_markers(engine):
    for query in ("sheffield", "/league crc", "caseloads at CRCs"):
        for answer in engine.inline(query):
            assert not re.search(r"\[\d+\]", answer.description), answer.description


# -- group pieces -------------------------------------------------------------------------------------


def test_group_pieces_are_short_and_keep_their_links(engine):
    for q in SCAN:
        answer = engine.ask(q, compact=True)
        more = engine.from_ref(answer.more_ref).pages if answer.more_ref else []
        pieces = group_pages(answer.pages, more)
        for piece in pieces:
            assert len(strip_tags(piece.html)) <= 1200 or "\n" not in piece.html.strip(), (q, piece.html[:80])
            assert "<b>Sources</b>" not in piece.html
        cited = set(re.findall(r"\[(\d+)\]", "".join(p.html for p in answer.pages)))
        shown = set(re.findall(r"\[(\d+)\]</a>", "".join(p.html for p in pieces)))
        assert cited <= shown | set(re.findall(r"\[(\d+)\]", "".join(p.html for p in more))), q


def test_a_groups_pieces_never_say_the_same_sentence_twice(engine):
    for q in ("/league", "/league crc", "how did Sheffield do?", "how did Durham Tees Valley CRC do?"):
        answer = engine.ask(q, compact=True)
        more = engine.from_ref(answer.more_ref).pages if answer.more_ref else []
        # Each piece's first line is its title, kept on purpose; every other long line is said once.
        lines = [
            line for piece in group_pages(answer.pages, more) for line in piece.text.splitlines()[1:] if len(line) >= 60
        ]
        assert len(lines) == len(set(lines)), (q, [line for line in lines if lines.count(line) > 1][:2])
    pieces = group_pages(engine.ask("/league", compact=True).pages, engine.ask("/league").pages)
    assert sum(p.text.count("Ordered by overall rating") for p in pieces) == 1
