"""``probation-bot ask``: the command line the shared question set and people at a terminal use.

Each test runs the installed console script of this virtualenv in a subprocess, against the session's
knowledge base (``--db``), so the bundled database is never rebuilt or touched by the tests.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "probation-bot"
CONTRACT_KEYS = {"question", "kind", "text", "citations", "choices"}

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason=f"{SCRIPT} is not installed")


def run(*args: str, stdin: str | None = None, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [str(SCRIPT), *args], input=stdin, capture_output=True, text=True, timeout=timeout, encoding="utf-8"
    )


def test_json_answer_to_one_question(kb_path, engine):
    # The words of a question may come as separate arguments.
    p = run("ask", "--db", str(kb_path), "--json", "how did Norfolk", "and Suffolk", "CRC get on?")
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == 1
    data = json.loads(lines[0])
    assert set(data) >= CONTRACT_KEYS
    assert data["question"] == "how did Norfolk and Suffolk CRC get on?"
    assert data["kind"] == "answer"
    # inspections.csv, norfolk-suffolk-crc-2019: Requires improvement, September 2019
    assert "Latest rating: Requires improvement" in data["text"] and "September 2019" in data["text"]
    assert "https://www.justiceinspectorates.gov.uk/hmiprobation/media/press-releases/2019/09/nscrc/" in [
        c["url"] for c in data["citations"]
    ]
    assert data["citations"]
    for c in data["citations"]:
        assert set(c) == {"n", "title", "url", "published"}
        assert c["url"].startswith("http")
    assert [c["n"] for c in data["citations"]] == list(range(1, len(data["citations"]) + 1))


def test_json_reads_one_question_per_line_and_answers_in_order(kb_path, engine):
    questions = [
        "Wales",
        "",
        "/league nps",
        "asdfghjkl",
        "<b>Leeds</b> & {{ 7*7 }}",
        "😀 how did DTV do?",
        "Sheffield PDU",
        "compare Leeds and Wakefield",
    ]
    # Windows line endings on some lines, and no newline after the last question.
    stdin = "".join(q + ("\r\n" if k % 2 else "\n") for k, q in enumerate(questions)).rstrip("\n")
    p = run("ask", "--db", str(kb_path), "--json", stdin=stdin)
    assert p.returncode == 0, p.stderr
    lines = p.stdout.splitlines()
    assert len(lines) == len(questions)
    answers = [json.loads(line) for line in lines]
    assert [a["question"] for a in answers] == [" ".join(q.split()) for q in questions]
    assert [a["kind"] for a in answers] == [
        "choices",
        "no_match",
        "answer",
        "no_match",
        "answer",
        "answer",
        "answer",
        "answer",
    ]
    assert answers[0]["kind"] == "choices" and all(set(c) == {"label", "id"} for c in answers[0]["choices"])
    assert answers[3]["kind"] == "no_match"
    for a in answers:
        assert set(a) >= CONTRACT_KEYS
        assert a.get("intent") != "error", a


def test_plain_ask_prints_the_text(kb_path, engine):
    p = run("ask", "--db", str(kb_path), "has Essex North improved?")
    assert p.returncode == 0, p.stderr
    # inspections.csv, pdu-essex-north-2022 (17 May 2022, Inadequate) and pdu-essex-north-2024 (August 2024,
    # Requires improvement); a date known only to the month reads "August 2024, day not known"
    assert "17 May 2022: Inadequate" in p.stdout and "August 2024, day not known: Requires improvement" in p.stdout
    assert (
        "https://hmiprobation.justiceinspectorates.gov.uk/news/essex-north-probation-service-is-inadequate" in p.stdout
    )
    assert "<b>" not in p.stdout and not p.stdout.lstrip().startswith("{")


def test_plain_ask_from_standard_input_separates_answers(kb_path, engine):
    p = run("ask", "--db", str(kb_path), stdin="Leeds PDU\nGwent PDU\n")
    assert p.returncode == 0, p.stderr
    assert p.stdout.index("Leeds Probation Delivery Unit") < p.stdout.index("Gwent Probation Delivery Unit")
    assert engine.ask("Leeds PDU").text in p.stdout and engine.ask("Gwent PDU").text in p.stdout


def test_missing_knowledge_base_is_one_line_without_a_traceback(tmp_path):
    p = run("ask", "--db", "/nonexistent.db", "x")
    assert p.returncode != 0
    assert p.stdout == ""
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert "Traceback" not in p.stderr and "/nonexistent.db" in p.stderr


def test_a_file_that_is_not_a_knowledge_base_is_one_line_without_a_traceback(tmp_path):
    bad = tmp_path / "bad.db"
    bad.write_text("this is not a database\n")
    p = run("ask", "--db", str(bad), "--json", "x")
    assert p.returncode != 0
    assert len(p.stderr.strip().splitlines()) == 1, p.stderr
    assert "Traceback" not in p.stderr
