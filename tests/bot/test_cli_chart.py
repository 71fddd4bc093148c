"""``probation-bot chart ... --out FILE.png`` and the ``charts`` that ``ask --json`` lists.

The installed console script runs in a subprocess against the session's knowledge base (``--db``).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

SCRIPT = Path(sys.executable).parent / "probation-bot"

pytestmark = pytest.mark.skipif(not SCRIPT.exists(), reason=f"{SCRIPT} is not installed")


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(SCRIPT), *args], capture_output=True, text=True, timeout=120, encoding="utf-8")


def test_chart_writes_a_png_and_prints_its_caption(kb_path, engine, tmp_path):
    out = tmp_path / "crc.png"
    p = run("chart", "--db", str(kb_path), "league", "crc", "--out", str(out))
    assert p.returncode == 0, p.stderr
    png = out.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and int.from_bytes(png[16:20], "big") == 1080
    assert engine.ask("/chart league crc").text in p.stdout
    assert f"Wrote {out}" in p.stdout


@pytest.mark.parametrize("what", [["years", "youth"], ["Sheffield"], ["Sheffield", "vs", "Doncaster"]])
def test_every_kind_from_the_command_line(kb_path, tmp_path, what):
    out = tmp_path / "chart.png"
    p = run("chart", "--db", str(kb_path), *what, "--out", str(out))
    assert p.returncode == 0, p.stderr
    assert out.read_bytes().startswith(b"\x89PNG")


def test_what_cannot_be_drawn_gets_the_chats_answer(kb_path, engine, tmp_path):
    out = tmp_path / "none.png"
    p = run("chart", "--db", str(kb_path), "league", "nps", "2030", "--out", str(out))
    assert p.returncode == 2 and not out.exists()
    assert p.stderr.strip() == engine.ask("/league nps 2030").text.strip()
    p = run("chart", "--db", str(kb_path), "Wales", "--out", str(out))
    assert p.returncode == 2 and "probation-bot chart #" in p.stderr


def test_ask_json_lists_the_charts_an_answer_offers(kb_path):
    p = run("ask", "--db", str(kb_path), "--json", "/league crc")
    assert p.returncode == 0, p.stderr
    assert json.loads(p.stdout)["charts"] == ["/chart league crc"]
