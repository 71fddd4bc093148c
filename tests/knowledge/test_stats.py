"""``knowledge.stats``: the tables ``kb stats`` prints add up to the data and are in a readable order."""

from __future__ import annotations

import re
import shutil
import sqlite3
from collections import Counter
from pathlib import Path

from knowledge.kb import KnowledgeBase
from knowledge.paths import DATA_DIR
from knowledge.stats import format_stats, kb_stats
from tests.knowledge import csvedit as ed


def test_every_table_adds_up_to_the_inspections(kb: KnowledgeBase) -> None:
    stats = kb_stats(kb)
    total = len(ed.records(DATA_DIR / "inspections.csv"))
    assert stats["totals"]["inspections"] == total
    for table in ("inspections by type", "inspections by rating", "inspections by year", "publication dates"):
        assert sum(stats[table].values()) == total, table
    assert sum(stats["organisations by type"].values()) == stats["totals"]["organisations"]


def test_counts_by_type_and_rating_match_the_csv(kb: KnowledgeBase) -> None:
    rows = ed.records(DATA_DIR / "inspections.csv")
    stats = kb_stats(kb)
    assert stats["inspections by type"] == {
        {
            "CRC": "CRC",
            "NPS division": "NPS division",
            "PDU": "PDU",
            "Probation region": "region",
            "Youth justice service": "youth justice service",
            "Other": "national",
        }[t]: n
        for t, n in Counter(r["org_type"] for r in rows).items()
    }
    by_rating = Counter(r["overall_rating"] or "not rated / not found" for r in rows)
    assert stats["inspections by rating"] == dict(by_rating)


def test_ratings_are_listed_best_first(kb: KnowledgeBase) -> None:
    order = ["Outstanding", "Good", "Requires improvement", "Inadequate", "not rated / not found"]
    listed = list(kb_stats(kb)["inspections by rating"])
    assert listed == [r for r in order if r in listed]


def test_years_are_in_order_with_estimates_beside_their_year(kb: KnowledgeBase) -> None:
    labels = list(kb_stats(kb)["inspections by year"])
    keys = [(int(label[:4]), label.endswith("(estimated)")) for label in labels]
    assert keys == sorted(keys)
    assert all(re.fullmatch(r"\d{4}( \(estimated\))?", label) for label in labels)


def test_date_precision_counts_match_the_csv(kb: KnowledgeBase) -> None:
    rows = ed.records(DATA_DIR / "inspections.csv")
    expected = Counter(
        "exact day" if len(r["published"]) == 10 else "month only" if len(r["published"]) == 7 else "unknown"
        for r in rows
    )
    assert kb_stats(kb)["publication dates"] == dict(expected)


def test_a_year_only_date_is_not_counted_as_unknown(tmp_path: Path, kb_path: Path) -> None:
    path = tmp_path / "p.db"
    shutil.copyfile(kb_path, path)
    conn = sqlite3.connect(path)
    conn.execute(
        "update inspections set published = '2019', published_precision = 'year' where inspection_id = 'dtv-crc-2019'"
    )
    conn.commit()
    conn.close()
    before = kb_stats(KnowledgeBase(kb_path))["publication dates"]
    after = kb_stats(KnowledgeBase(path))["publication dates"]
    assert after["year only"] == 1
    assert after.get("unknown") == before.get("unknown")


def test_format_stats_prints_every_heading_and_count(kb: KnowledgeBase) -> None:
    stats = kb_stats(kb)
    text = format_stats(stats)
    for heading, table in stats.items():
        assert f"{heading}:" in text
        for label, count in table.items():
            assert re.search(rf"^  {re.escape(str(label))} +{count}$", text, re.M), (label, count)
