"""Button data, the intent registry, and the JSON pages: the design's promises, checked.

* A ``Query`` packed as button data comes back exactly, and the data never exceeds the bytes a ref may
  take (Telegram refuses ``callback_data`` over 64 bytes; the bot adds an action and a page number).
* Every intent x slot pair: a slot the question fills is either applied by the intent's builder or
  named in the answer's first page.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from dataclasses import replace
from datetime import date
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from responses.answer import MESSAGE_LIMIT, REF_LIMIT
from responses.buttons import BUTTON_FIELDS, BUTTON_PREFIX, MAX_ORGS, MAX_TOPICS
from responses.intents import BY_NAME, INTENTS, SLOTS, filled_slots
from responses.query import Change, Query, TimeSpan
from tests.responses.helpers import html_problems

RATINGS = ["Outstanding", "Good", "Requires improvement", "Inadequate"]


@pytest.fixture(scope="module")
def codec(engine):
    return engine.buttons()


def queries(codec):
    """Queries over this knowledge base's own lists, with any mix of slots."""
    dates = st.dates(min_value=date(1990, 1, 1), max_value=date(2060, 12, 31))
    spans = st.builds(lambda a, b: TimeSpan(min(a, b), max(a, b), "x"), dates, dates)
    changes = st.one_of(
        st.builds(Change, st.sampled_from([*RATINGS, None]), st.sampled_from([*RATINGS, None])),
        st.builds(lambda n: Change(steps=n), st.integers(-3, 3).filter(bool)),
    )
    maybe = lambda s: st.one_of(st.none(), s)  # noqa: E731

    def build(
        intent,
        orgs,
        org_type,
        rating,
        region,
        programme,
        year,
        span,
        topics,
        score,
        owner,
        change,
        standard,
        measure,
        collection,
        flags,
        direction,
    ) -> Query:
        return Query(
            intent=intent,
            text="",
            norm="",
            org_ids=orgs,
            org_type=org_type,
            rating=rating,
            region=region,
            programme=programme,
            year=year,
            span=span,
            topics=tuple(topics),
            score=score,
            owner=owner,
            change=change,
            standard=standard,
            measure=measure,
            collection=collection,
            latest=flags[0],
            inspected=flags[1],
            worst_first=flags[2],
            direction=direction,
        )

    return st.builds(
        build,
        st.sampled_from(codec.intents),
        st.lists(st.sampled_from(codec.org_ids), max_size=MAX_ORGS + 1, unique=True),
        maybe(st.sampled_from(["crc", "nps", "pdu", "region", "yjs", "national"])),
        maybe(st.sampled_from(RATINGS)),
        maybe(st.sampled_from(codec.regions)),
        maybe(st.sampled_from(codec.programmes)),
        maybe(st.integers(1990, 2060)),
        maybe(spans),
        st.lists(st.sampled_from(codec.topics), max_size=MAX_TOPICS + 1, unique=True),
        maybe(st.tuples(st.integers(0, 39), st.sampled_from([None, 27, 30, 33, 36, 39]))),
        maybe(st.sampled_from(codec.owners)),
        maybe(changes),
        maybe(st.sampled_from(codec.standards)),
        maybe(st.sampled_from(codec.measures)),
        maybe(st.sampled_from(codec.collections)),
        st.tuples(st.booleans(), st.booleans(), st.booleans()),
        st.sampled_from([None, "up", "down"]),
    )


@settings(
    max_examples=400, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow], deadline=None
)
@given(data=st.data())
def test_button_data_round_trips_exactly_and_fits(codec, data):
    q = data.draw(queries(codec))
    packed = codec.encode(q)
    if packed is None:  # too much for one button: the answer then offers no such button
        return
    assert len(packed.encode("utf-8")) <= REF_LIMIT <= 64
    assert packed.isascii() and packed.startswith(BUTTON_PREFIX)
    decoded = codec.decode(packed)
    assert [getattr(decoded, f) for f in BUTTON_FIELDS] == [getattr(q, f) for f in BUTTON_FIELDS]


@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture], deadline=None)
@given(data=st.data())
def test_everyday_button_queries_always_pack(codec, data):
    """Two organisations, a type, a rating, a region, a time, a topic: the most a real answer's button holds."""
    q = data.draw(queries(codec))
    q = replace(q, org_ids=q.org_ids[:2], topics=q.topics[:1], year=None, score=None, programme=None, owner=None)
    assert codec.encode(q) is not None


@pytest.mark.parametrize("data", ["", "q1", "q1zz", "q1" + "o" * 40, "garbage", "/league", "q1??iZZ"])
def test_foreign_button_data_decodes_to_nothing(codec, data):
    assert codec.decode(data) is None or isinstance(codec.decode(data), Query)


def test_a_choice_with_a_measure_carries_the_whole_question(engine, kb):
    answer = engine.ask("how many cases did inspectors read in Wales")
    assert answer.kind == "choices"
    for choice in answer.choices:
        again = engine.from_ref(choice.ref)
        if choice.id in kb.organisations:
            assert again.intent in {"measure", "figures"}, (choice.label, again.intent)


# -- every intent x every slot --------------------------------------------------------------------
SAMPLE_SLOTS: dict[str, dict[str, Any]] = {
    "org": {"org_ids": ["pdu-sheffield"]},
    "org_type": {"org_type": "pdu"},
    "rating": {"rating": "Inadequate"},
    "region": {"region": "London"},
    "programme": {"programme": "2023-25 PDU"},
    "time": {"span": TimeSpan(date(2023, 1, 1), date(2024, 12, 31), "between 2023 and 2024")},
    "topics": {"topics": ("staffing",)},
    "score": {"score": (1, 27)},
    "owner": {"owner": "Sodexo"},
    "change": {"change": Change(steps=-1)},
    "standard": {"standard": "Leadership"},
    "measure": {"measure": "cases inspected"},
    "collection": {"collection": "dipp"},
    "latest": {"latest": True},
    "inspected": {"inspected": True},
}
NEEDS = {
    "org": SAMPLE_SLOTS["org"],
    "owner": SAMPLE_SLOTS["owner"],
    "standard": SAMPLE_SLOTS["standard"],
    "collection": SAMPLE_SLOTS["collection"],
}
#: How each slot shows in an answer that applied it (besides the "can't" line that names it otherwise).
SHOWN = {
    "org": r"Sheffield",
    "org_type": r"PDU|Probation Delivery Unit",
    "rating": r"Inadequate",
    "region": r"London",
    "programme": r"2023-25",
    "time": r"2023|2024",
    "topics": r"staffing",
    "score": r"1 (of|out of) 27",
    "owner": r"Sodexo",
    "change": r"down a grade|fell|→",
    "standard": r"Leadership",
    "measure": r"cases? inspected|case",
    "collection": r"Dynamic|DIPP|dipp",
    "latest": r"latest|Latest|recent",
    "inspected": r"inspect",
}


@pytest.mark.parametrize("intent", [i.name for i in INTENTS])
@pytest.mark.parametrize("slot", SLOTS)
def test_every_slot_is_applied_or_named(engine, intent, slot):
    base: dict[str, Any] = {}
    for need in BY_NAME[intent].needs:
        base.update(NEEDS[need])
    q = Query(intent=intent, text="(test)", norm="staffing", **{**base, **SAMPLE_SLOTS[slot]})
    if intent == "compare":
        q.org_ids = ["pdu-sheffield", "pdu-leeds"]
    answer = engine._dispatch(q, False)
    assert answer.intent != "error", answer.text
    first = answer.pages[0].text
    if slot in filled_slots(q) and slot not in BY_NAME[intent].accepts and answer.kind == "answer":
        assert "can't narrow" in first and filled_slots(q)[slot] in first, (intent, slot, first[:200])
    elif slot in BY_NAME[intent].accepts and answer.kind == "answer" and slot not in ("latest", "inspected"):
        assert re.search(SHOWN[slot], answer.text), (intent, slot, answer.text[:300])


# -- ask --json pages -----------------------------------------------------------------------------
@pytest.mark.parametrize(
    "question",
    [
        "/league pdu",
        "what did inspectors say about staffing?",
        "how did Sheffield do?",
        "what did Cumbria get, and who owned London CRC?",
        "Wales",
    ],
)
def test_ask_json_gives_pages_that_telegram_accepts(kb_path, question):
    import os

    out = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--json", question],
        capture_output=True,
        text=True,
        env={**os.environ, "PROBATION_KB": str(kb_path)},
        timeout=60,
    )
    assert out.returncode == 0, out.stderr
    data = json.loads(out.stdout)
    assert data["pages"] and "\n\n".join(p["text"] for p in data["pages"]) == data["text"]
    for page in data["pages"]:
        assert len(page["text"]) <= MESSAGE_LIMIT
        assert not html_problems(page["html"]), html_problems(page["html"])


def test_the_registry_is_whole():
    """Every rule names a registered intent (or one the engine answers itself), every intent can be reached
    by a rule or a command, and every builder exists."""
    from responses.engine import _builder
    from responses.intents import COMMANDS, RULES

    engine_own = {"empty", "greeting", "help", "search"}
    assert {r.intent for r in RULES} <= set(BY_NAME) | engine_own
    for intent in INTENTS:
        assert intent.rules or intent.command in COMMANDS, intent.name
        assert callable(_builder(intent.builder)), intent.builder
        assert intent.needs <= set(SLOTS) and intent.accepts <= set(SLOTS), intent.name
    priorities = [r.priority for r in RULES]
    assert priorities == sorted(priorities, reverse=True)
