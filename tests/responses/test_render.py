"""Rendering: Telegram's HTML subset, plain text, pages within 4096 characters, citations across pages,
compact answers, and refs that re-create the same answer.
"""

from __future__ import annotations

import re
import sqlite3
from collections import Counter
from typing import Any

import jinja2
import markupsafe
import pytest

from responses.answer import Citation, Page
from responses.render import TEMPLATE_DIR, Citer, Renderer, fit, same_findings_once, strip_tags
from tests.hardening.telegram_html import utf16_length, visible_text
from tests.responses.helpers import SAMPLE_QUESTIONS, citation_problems, html_problems, page_problems, ref_problems
from tests.telegram_facts import MESSAGE_TEXT_LIMIT as MESSAGE_LIMIT


def defect(reason: str):
    return pytest.mark.xfail(reason=reason, strict=True)


QUESTIONS = SAMPLE_QUESTIONS
#: Answers that were once over Telegram's limit: the latest list, a long summary, counts of many bodies.
LONG = [
    "latest inspections",
    "/latest",
    "what's new?",
    "what rating did Hampshire and Isle of Wight CRC get?",
    "how many PDUs were rated inadequate?",
    "how many PDUs were rated requires improvement?",
]


def cases():
    for q in QUESTIONS + LONG:
        for compact in (False, True):
            yield pytest.param(q, compact, id=f"{q}-{'compact' if compact else 'full'}")


@pytest.mark.parametrize("question, compact", list(cases()))
def test_every_page_is_valid_telegram_html_within_the_limit(engine, question, compact):
    answer = engine.ask(question, compact=compact)
    assert answer.intent != "error"
    assert not page_problems(answer), page_problems(answer)


@pytest.mark.parametrize("question, compact", list(cases()))
def test_citations_match_the_text_on_every_page(engine, question, compact):
    answer = engine.ask(question, compact=compact)
    assert not citation_problems(answer), citation_problems(answer)


@pytest.mark.parametrize("question", QUESTIONS + LONG)
def test_refs_are_short_ascii_commands(engine, question):
    for compact in (False, True):
        answer = engine.ask(question, compact=compact)
        assert not ref_problems(answer), ref_problems(answer)


#: Findings ranked by the question's own words: the ref must carry those words.
RANKED = ["what did inspectors say about caseloads at CRCs?", "/find caseloads crc"]


@pytest.mark.parametrize("question", QUESTIONS + LONG + RANKED)
def test_ref_recreates_the_same_answer(engine, question):
    for compact in (False, True):
        answer = engine.ask(question, compact=compact)
        if answer.ref is None:
            continue
        again = engine.from_ref(answer.ref, compact=compact)
        assert again.text == answer.text, f"{answer.ref!r} gives a different answer"
        assert [c.url for c in again.citations] == [c.url for c in answer.citations]


def test_every_organisation_command_has_a_ref_that_recreates_it(engine, kb):
    """Button data for every organisation and intent: short, ASCII, and the same answer again."""
    problems = []
    for org in kb.organisations.values():
        for command in ("inspection", "history", "owner", "people", "score", "standards", "date"):
            for compact in (False, True):
                answer = engine.ask(f"/{command} #{org.short_key}", compact=compact)
                problems += ref_problems(answer)
                if answer.ref is None:
                    problems.append(f"/{command} {org.org_id}: no ref")
                elif engine.from_ref(answer.ref, compact=compact).text != answer.text:
                    problems.append(f"/{command} {org.org_id}: from_ref differs")
                problems += [f"/{command} {org.org_id}: {p}" for p in page_problems(answer) + citation_problems(answer)]
    assert not problems, problems[:10]


@pytest.mark.parametrize(
    "question",
    [
        "how many self-governing probation trusts were there before 2014",
        pytest.param("caseload in 2018 – how many?"),
        pytest.param("probation trusts before 2014 ✓"),
    ],
)
def test_figures_refs_are_ascii(engine, question):
    answer = engine.ask(question)
    assert answer.intent == "figures"
    assert not ref_problems(answer), ref_problems(answer)


@pytest.mark.parametrize("question", ["/find staffing #{key}", "/find risk of harm #{key}"])
def test_findings_ref_keeps_the_organisation(engine, kb, question):
    problems = []
    for org in list(kb.organisations.values())[::8]:  # a spread of organisations of every kind
        asked = question.format(key=org.short_key)
        for compact in (False, True):
            answer = engine.ask(asked, compact=compact)
            problems += ref_problems(answer)
            again = engine.from_ref(answer.ref, compact=compact) if answer.ref else None
            if again is None or again.text != answer.text:
                problems.append(f"{asked} ({org.org_id}): ref {answer.ref!r} gives another answer")
    assert not problems, problems[:5]


def test_findings_ref_for_a_named_organisation(engine):
    """Asked in words, the organisation's name is in the question and so in the ref."""
    answer = engine.ask("risk of harm in Stockton")
    assert engine.from_ref(answer.ref).text == answer.text


def test_choice_refs_fit_button_data(engine):
    for question in (
        "Wales",
        "Kent",
        "Teesside",
        "compare Durham and Sheffield",
        "has Durham improved?",
        "victims in Kent",
        "KSS",
    ):
        answer = engine.ask(question)
        assert answer.choices, question
        assert not ref_problems(answer)


def test_from_ref_refuses_what_is_not_a_command(engine):
    for ref in ("", "hello", None, 42):
        answer = engine.from_ref(ref)
        assert answer.kind == "no_match"
        assert "expired" in answer.text


# -- long answers ----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    ["/sources", "/league pdu", "which PDUs were rated inadequate?", "what did inspectors say about staffing?"],
)
def test_long_answers_are_split_into_pages(engine, question):
    answer = engine.ask(question)
    assert len(answer.pages) > 1
    count = len(answer.pages)
    for k, page in enumerate(answer.pages, 1):
        assert len(page.html) <= MESSAGE_LIMIT
        assert f"(page {k} of {count})" in page.text.splitlines()[0]
    assert not citation_problems(answer)


@pytest.mark.parametrize(
    "question",
    [
        "list inadequate PDUs",
        "/sources",
        "/league pdu",
        "how many PDUs were rated inadequate?",
        "what did inspectors say about staffing at community rehabilitation companies?",
        pytest.param("what have the inspectors said about domestic abuse work across the whole country?"),
        pytest.param("tell me what inspectors found about risk of harm in PDUs please"),
    ],
)
def test_an_answer_of_several_pages_has_a_ref_to_page_with(engine, question):
    for compact in (False, True):
        answer = engine.ask(question, compact=compact)
        if len(answer.pages) > 1:
            assert answer.ref is not None, f"{len(answer.pages)} pages and no ref"
            assert engine.from_ref(answer.ref, compact=compact).text == answer.text


def test_a_source_cited_on_two_pages_keeps_its_number(engine):
    """Across the pages of one answer, [n] always means the same page."""
    answer = max(
        (
            engine.ask(q)
            for q in (
                "what did inspectors say about staffing?",
                "/league pdu",
                "what did inspectors say about race equality?",
            )
        ),
        key=lambda a: max(
            Counter(re.findall(r'<a href="([^"]+)">\[', "".join(p.html for p in a.pages))).values(), default=0
        ),
    )
    seen: dict[str, set[int]] = {}
    for page in answer.pages:
        for url, n in re.findall(r'<a href="([^"]+)">\[(\d+)\]</a>', page.html):
            seen.setdefault(url, set()).add(int(n))
    assert any(len(re.findall(re.escape(u), "".join(p.html for p in answer.pages))) > 2 for u in seen)
    assert all(len(numbers) == 1 for numbers in seen.values()), {u: n for u, n in seen.items() if len(n) > 1}


def test_every_page_lists_the_sources_it_cites(engine):
    answer = engine.ask("/league pdu")
    for page in answer.pages:
        cited = set(re.findall(r"\[(\d+)\]", page.text.split("\nSources\n")[0]))
        listed = set(re.findall(r"^\[(\d+)\] ", page.text.split("\nSources\n")[1], re.M))
        assert cited == listed


# -- compact answers --------------------------------------------------------------------------------------
def test_compact_summary_is_shorter_and_offers_more(engine, kb):
    offered = 0
    for org in kb.organisations.values():
        full = engine.ask(f"/inspection #{org.short_key}")
        short = engine.ask(f"/inspection #{org.short_key}", compact=True)
        if short.more_ref is None:
            assert short.html == full.html or len(short.html) <= len(full.html)
            continue
        offered += 1
        assert len(short.html) < len(full.html), org.org_id
        assert engine.from_ref(short.more_ref).text == full.text, org.org_id
        assert not ref_problems(short)
    assert offered > len(kb.organisations) // 2


def test_compact_summary_of_sheffield(engine):
    full = engine.ask("how did Sheffield do?")
    short = engine.ask("how did Sheffield do?", compact=True)
    assert short.more_ref and len(short.html) < len(full.html)
    assert "Inadequate" in short.text  # the rating itself is never left out


@pytest.mark.parametrize(
    "question",
    [
        "/find domestic abuse",
        "what did inspectors say about staffing?",
        "/latest",
        "how did West Mercia CRC do?",
        "compare Merseyside CRC and DTV",
    ],
)
def test_compact_first_pages_are_shorter(engine, question):
    assert len(engine.ask(question, compact=True).html) < len(engine.ask(question).html)


# -- escaping and the renderer itself ---------------------------------------------------------------------------
def test_names_from_the_data_are_escaped_in_html_only(engine):
    answer = engine.ask("/league crc")
    html = "".join(p.html for p in answer.pages)
    text = answer.text
    assert "Lincolnshire &amp; North Yorkshire" in html
    assert "Lincolnshire & North Yorkshire" in text
    assert "&amp;" not in text


def test_renderer_escapes_html_and_never_evaluates_template_syntax(kb):
    r = Renderer(kb)
    page = r.page("no_match.j2", message="<b>x</b> & {{ 7*7 }} {% if 1 %}y{% endif %}", examples=["<i>hi</i>"])
    assert "&lt;b&gt;x&lt;/b&gt; &amp; {{ 7*7 }} {% if 1 %}y{% endif %}" in page.html
    assert "&lt;i&gt;hi&lt;/i&gt;" in page.html
    assert "<b>x</b> & {{ 7*7 }}" in page.text
    assert "49" not in page.html + page.text
    assert not html_problems(page.html)


def test_renderer_fails_loudly_on_a_missing_value(kb):
    with pytest.raises(jinja2.UndefinedError):
        _ = Renderer(kb).page("no_match.j2", message="x").text  # rendered when read


def test_citer_numbers_in_order_of_first_use(kb):
    urls = [s.url for s in kb.sources()[:3]]
    citer = Citer(kb)
    assert [citer.number(u) for u in (urls[1], urls[0], urls[1], urls[2])] == [1, 2, 1, 3]
    assert [c.url for c in citer.citations()] == [urls[1], urls[0], urls[2]]
    assert citer.citation(urls[0]).published == kb.source(urls[0]).published


def test_renderer_pages_shrink_until_they_fit(kb):
    findings = same_findings_once(kb.findings(topics=["staffing"]))
    r = Renderer(kb)
    pages = r.pages("findings.j2", findings, 100, heading="Staffing", subject_name=lambda f: f.subject_id, left_out=0)
    assert len(pages) > 1
    assert all(len(p.html) <= MESSAGE_LIMIT and not html_problems(p.html) for p in pages)
    shown = sum(len(re.findall(r"^[+−•] .*\]$", p.text, re.M)) for p in pages)
    assert shown == len(findings)


def test_fit_cuts_a_long_page_at_a_line():
    text = "\n".join(f"line {k} and more" for k in range(1000))
    page = fit(Page(html="<b>" + text + "</b>", text=text))
    assert len(page.html) <= MESSAGE_LIMIT
    assert not html_problems(page.html)
    assert page.text.endswith("(shortened)")
    assert page.text.splitlines()[-2] == page.text.splitlines()[-2].rstrip() and "line 0 and more" in page.text
    short = Page(html="<b>x</b>", text="x")
    assert fit(short) is short


def test_fit_keeps_the_limit_after_escaping():
    text = "\n".join(f"line {k} <tag> & more" for k in range(1000))
    page = fit(Page(html="<b>" + text + "</b>", text=text))
    assert len(page.html) <= MESSAGE_LIMIT
    assert not html_problems(page.html)


def test_strip_tags():
    assert strip_tags('<b>A &amp; B</b> <a href="https://x.test/?a=1&amp;b=2">[1]</a>') == "A & B [1]"


def test_each_answer_shape_has_its_template():
    names = {p.name for p in TEMPLATE_DIR.glob("*.j2")}
    assert {
        "summary.j2",
        "history.j2",
        "compare.j2",
        "league.j2",
        "rating_list.j2",
        "count.j2",
        "fact.j2",
        "findings.j2",
        "figures.j2",
        "latest.j2",
        "help.j2",
        "about.j2",
        "sources.j2",
        "choices.j2",
        "no_match.j2",
        "_sources.j2",
    } <= names


# -- paging, checked against counts worked out here ------------------------------------------------------------


def _league_rows(kb, org_type: str = "pdu") -> list[dict[str, Any]]:
    """League rows as league.j2 takes them, placed here (equal ratings share the place of the first)."""
    rows: list[dict[str, Any]] = []
    league = kb.league(org_type=org_type)
    for n, insp in enumerate(league, 1):
        size = sum(1 for other in league if other.overall_rating == insp.overall_rating)
        place = rows[-1]["place"] if rows and rows[-1]["rating"] == insp.overall_rating else n
        rows.append(
            {
                "place": place,
                "place_words": f"place {place}",
                "group_size": size,
                "rating": insp.overall_rating,
                "insp": insp,
                "name": insp.organisation,
            }
        )
    return rows


def _league_pages(kb, rows: list[dict[str, Any]], per_page: int) -> list[Page]:
    return Renderer(kb).pages(
        "league.j2", rows, per_page, heading="H", rule="Zrule", others="Zothers", show_full_names=False
    )


def _rows_per_page(pages) -> list[int]:
    return [len(re.findall(r"^• ", p.text, re.M)) for p in pages]


def test_pages_hold_exactly_per_page_items_when_they_fit(kb):
    # five rows with their sources are far below a message's 4096 characters, so none is held back
    rows = _league_rows(kb)[:12]
    pages = _league_pages(kb, rows, 5)
    assert _rows_per_page(pages) == [5, 5, 2]
    assert all(len(p.text) < MESSAGE_LIMIT // 2 for p in pages)
    assert [f"(page {k} of 3)" in p.text for k, p in enumerate(pages, 1)] == [True] * 3
    assert ["Zrule" in p.text for p in pages] == [True, False, False]  # the order is stated once, first
    assert ["Zothers" in p.text for p in pages] == [False, False, True]  # the other tables end the last page


def test_pages_that_do_not_fit_are_made_shorter_until_they_do(kb):
    """Asked for more rows than a message holds, the renderer lays out fewer, the same number on every page
    but the last (so a page button always brings back the page it promised), each within Telegram's limit
    on the text a reader sees."""
    rows = _league_rows(kb)
    assert len(rows) > 50
    pages = _league_pages(kb, rows, 100)
    counts = _rows_per_page(pages)
    assert sum(counts) == len(rows) and len(pages) > 1
    assert set(counts[:-1]) == {counts[0]} and counts[-1] <= counts[0], counts
    for page in pages:
        assert utf16_length(page.text) <= MESSAGE_LIMIT
        assert utf16_length(visible_text(page.html)) <= MESSAGE_LIMIT


def test_list_pages_cite_their_sources_in_the_short_form(engine):
    """Long lists end each page with short source lines ("[n] Publisher, date: url"), to leave room for rows."""
    for page in engine.ask("/league pdu").pages:
        sources = page.text.split("\nSources\n")[1].splitlines()
        assert sources and all(re.fullmatch(r"\[\d+\] [^\n]+, [^\n]+: https?://\S+", line) for line in sources), sources


def test_fit_cuts_a_page_whose_html_alone_is_too_long():
    page = fit(Page(html="<b>" + "x" * (MESSAGE_LIMIT + 10) + "</b>", text="a short plain text"))
    assert len(page.html) <= MESSAGE_LIMIT and page.text.startswith("a short plain text")
    page = fit(Page(html="<b>short</b>", text="y" * (MESSAGE_LIMIT + 10)))
    assert len(page.text) <= MESSAGE_LIMIT and page.text.endswith("(shortened)")


def test_fit_leaves_a_page_of_exactly_the_limit_alone():
    page = Page(html="x" * MESSAGE_LIMIT, text="y" * MESSAGE_LIMIT)
    assert fit(page) is page


def test_fit_keeps_only_whole_lines():
    lines = [f"line {k}: Tom & Jerry <3" + " and more" * (k % 5) for k in range(600)]
    page = fit(Page(html="<b>" + "\n".join(lines) + "</b>", text="\n".join(lines)))
    kept = page.text.splitlines()
    assert kept[-1] == "…(shortened)" and len(kept) > 10
    assert kept[:-1] == lines[: len(kept) - 1]  # whole lines from the top, none cut in the middle


# -- the exact markup of an answer, against facts copied from the data -------------------------------------------
# inspections.csv, pdu-sheffield-2024: Inadequate, published 2024-10-24, with its source's title
SHEFFIELD_URL = "https://hmiprobation.justiceinspectorates.gov.uk/?p=570"
SHEFFIELD_TITLE = "Despite improvements, Sheffield Probation Delivery Unit remains ‘Inadequate’"
# inspections.csv, pdu-dyfed-powys-2025: published 2025-10-28 (the first row of today's PDU league)
DYFED_POWYS_URL = "https://hmiprobation.justiceinspectorates.gov.uk/document/an-inspection-of-probation-services-in-dyfed-powys-pdu-2025"


def test_the_markup_of_a_summary(engine):
    answer = engine.ask("how did Sheffield PDU do?")
    html, text = answer.pages[0].html, answer.pages[0].text
    assert html.startswith("<b>Sheffield Probation Delivery Unit</b> (PDU, Yorkshire and the Humber)")
    assert f'Latest rating: <b>Inadequate</b> <a href="{SHEFFIELD_URL}">[1]</a>, published 24 October 2024' in html
    assert f'\n\n<b>Sources</b>\n[1] <a href="{SHEFFIELD_URL}">{SHEFFIELD_TITLE}</a>, 24 October 2024\n' in html
    assert "Latest rating: Inadequate [1], published 24 October 2024" in text
    assert f"\n\nSources\n[1] {SHEFFIELD_TITLE}, 24 October 2024\n    {SHEFFIELD_URL}\n" in text
    assert answer.citations[0] == Citation(
        1, SHEFFIELD_TITLE, SHEFFIELD_URL, "2024-10-24", "24 October 2024", "HM Inspectorate of Probation"
    )
    assert "&#39;Inadequate&#39;" in html and "'Inadequate'" in text  # a title's quotes escaped in HTML only


def test_the_markup_of_a_league_page(engine, kb):
    pages = engine.ask("/league pdu").pages
    assert (
        f'\n\n<b>Sources</b>\n[1] <a href="{DYFED_POWYS_URL}">HM Inspectorate of Probation, 28 October 2025</a>'
        in pages[0].html
    )
    assert f"\n\nSources\n[1] HM Inspectorate of Probation, 28 October 2025: {DYFED_POWYS_URL}" in pages[0].text
    # No PDU's latest rating is better than Requires improvement, so that group comes first, sharing 1st place.
    latest = (
        sqlite3.connect(kb.path)
        .execute("""
        select overall_rating from (select overall_rating, row_number() over (partition by org_id order by sort_date
        desc) as rn from inspections where org_type = 'pdu' and overall_rating is not null) where rn = 1""")
        .fetchall()
    )
    ri = sum(1 for (r,) in latest if r == "Requires improvement")
    assert {r for (r,) in latest} <= {"Requires improvement", "Inadequate"} and ri > 1
    assert (
        f"\n\n<b>Requires improvement</b>: {ri}, joint 1st\n"
        f'• Dyfed Powys PDU, 2025 <a href="{DYFED_POWYS_URL}">[1]</a>\n'
    ) in pages[0].html
    assert pages[0].html.splitlines()[1] == (
        "<i>Ordered by overall rating, best first; within a rating, by score where published, then most recent first. "
        "Organisations with the same rating share a place.</i>"
    )
    assert (
        "<i>Other tables: /league crc, /league nps, /league pdu, /league region, /league youth, /league 2019.</i>"
        in pages[-1].html
    )
    assert pages[1].html.splitlines()[1] in ("<b>Requires improvement</b>, continued", "<b>Inadequate</b>, continued")


def test_fit_keeps_as_many_whole_lines_as_fit():
    lines = [f"line {k}: Tom & Jerry <3" + " and more" * (k % 5) for k in range(600)]
    page = fit(Page(html="<b>" + "\n".join(lines) + "</b>", text="\n".join(lines)))
    kept = len(page.text.splitlines()) - 1
    one_more = len(str(markupsafe.escape(lines[kept]))) + 1
    assert len(page.html) + one_more > MESSAGE_LIMIT, "another whole line would have fitted"


def test_fit_never_cuts_an_entity_in_a_page_without_line_breaks():
    # 13 characters, then "Tom &amp; Jerry " (16 escaped) repeated: the cut falls inside an "&amp;".
    text = "x" * 13 + "Tom & Jerry " * 1000
    page = fit(Page(html="<b>" + text + "</b>", text=text))
    assert len(page.html) <= MESSAGE_LIMIT and len(page.html) > MESSAGE_LIMIT - 30
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#\d+;)", page.html), page.html[-40:]
    assert page.text.startswith("x" * 13 + "Tom & Jerry") and page.text.endswith("…(shortened)")
