"""Our kept set of youth justice questions, in the words people use (``youth_questions.json``).

Each case names what a right answer must hold; the facts it is checked against are read from the CSV
files (``tests.youth_data``), never from the engine. The set must pass at least 90%; every failure is
listed so it can be fixed or, if the question is unfair, argued about.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from responses.answer import ANSWER
from tests import youth_data as yd

CASES = json.loads((Path(__file__).parent / "youth_questions.json").read_text(encoding="utf-8"))
#: How many rows a list answer shows before it leaves the middle out (responses.tables.MAX_ROWS, by design 80).
SHOWN = 80


def problems(engine, case: dict[str, Any]) -> list[str]:
    """What is wrong with the bot's answer to ``case`` (empty when it is right)."""
    answer = engine.ask(case["q"])
    text = answer.text + "\n" + "\n".join(c.label for c in answer.choices)
    low = text.lower()
    out = []
    if answer.kind != case.get("kind", ANSWER):
        return [f"kind {answer.kind!r}, wanted {case.get('kind', ANSWER)!r}: {answer.text[:120]!r}"]
    if "intent" in case and answer.intent != case["intent"]:
        out.append(f"intent {answer.intent!r}, wanted {case['intent']!r}")
    # Every answer that states a fact cites it; the exceptions say nothing that needs a source (the terms,
    # "no owner", an empty list).
    empty = "latest_rated" in case and not yd.latest_rated(**case["latest_rated"])
    if (
        answer.kind == ANSWER
        and not (answer.intent == "glossary" or case.get("no_cite") or empty)
        and not answer.citations
    ):
        out.append("no citation")
    for org_id in ([case["org"]] if "org" in case else []) + case.get("orgs", []):
        name = yd.latest_name(org_id)
        if name not in answer.text:
            out.append(f"does not name {name!r}")
        rated = [r for r in yd.history(org_id) if r.overall_rating]
        if case.get("intent", "summary") in ("summary", "compare") and rated and rated[-1].overall_rating not in text:
            out.append(f"does not give {org_id}'s latest rating {rated[-1].overall_rating!r}")
    if "latest_rated" in case:
        expected = yd.latest_rated(**case["latest_rated"])
        names = [r.organisation for r in expected]
        if len(expected) <= SHOWN:
            out += [f"leaves out {n!r}" for n in names if n not in answer.text]
        elif "more in between" not in answer.text:
            out.append(f"{len(expected)} rows but no sign of the ones left out")
        if str(len(expected)) not in answer.text:
            out.append(f"does not say how many ({len(expected)})")
    out += [f"lacks {s!r}" for s in case.get("all", []) if s.lower() not in low]
    if case.get("any") and not any(s.lower() in low for s in case["any"]):
        out.append(f"has none of {case['any']}")
    out += [f"has {s!r}" for s in case.get("none", []) if s.lower() in low]
    if "see_also" in case and case["see_also"] not in [c.id for c in answer.see_also]:
        out.append(f"does not offer {case['see_also']} ({[c.id for c in answer.see_also]})")
    return out


def test_the_set_is_big_enough_and_distinct():
    questions = [c["q"] for c in CASES]
    assert len(questions) >= 30 and len(set(questions)) == len(questions)


def test_at_least_nine_in_ten_youth_questions_are_answered_right(engine):
    failures = {c["q"]: p for c in CASES if (p := problems(engine, c))}
    rate = 1 - len(failures) / len(CASES)
    assert rate >= 0.9, f"{rate:.0%} right; failures: {json.dumps(failures, indent=1)}"


@pytest.mark.parametrize("case", CASES, ids=[c["q"][:40] for c in CASES])
def test_each_youth_question(engine, case):
    """Each question on its own, so a regression names itself (the floor above is the contract)."""
    assert problems(engine, case) == []
