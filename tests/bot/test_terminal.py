"""``probation-bot chat`` as a person uses it: a terminal (a pseudo-terminal, via pexpect), typing
questions, picking a choice by number, asking for ``more``, and leaving with ``quit``.

Expected facts are copied by hand from ``knowledge/data/inspections.csv`` (rows named below).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

pexpect = pytest.importorskip("pexpect")

PROGRAM = Path(sys.executable).with_name("probation-bot")
PROMPT = "you> "
TIMEOUT = 30


@pytest.fixture
def chat(kb_path):
    child = pexpect.spawn(
        str(PROGRAM),
        ["chat", "--db", str(kb_path)],
        encoding="utf-8",
        timeout=TIMEOUT,
        dimensions=(50, 200),
        env={"PATH": "/usr/bin:/bin", "TERM": "dumb", "LANG": "C.UTF-8"},
    )
    yield child
    child.close(force=True)


def ask(child, line: str) -> str:
    """Type ``line`` and return everything printed before the next prompt."""
    child.sendline(line)
    child.expect_exact(PROMPT)
    before = child.before
    assert isinstance(before, str)  # the child was spawned with an encoding, so it reads text
    return before


def test_a_conversation_in_the_terminal(chat):
    chat.expect_exact(PROMPT)
    assert "ask about inspections" in chat.before  # the greeting

    # pdu-sheffield-2024: Inadequate, published 24 October 2024
    answer = ask(chat, "how did Sheffield PDU do?")
    assert "Latest rating: Inadequate" in answer and "24 October 2024" in answer
    assert "https://hmiprobation.justiceinspectorates.gov.uk/?p=570" in answer
    assert "<b>" not in answer and "&amp;" not in answer  # plain text in a terminal

    # "Wales" names several organisations: a numbered choice, picked by typing its number.
    answer = ask(chat, "how did Wales do?")
    line = next(shown for shown in answer.splitlines() if "Wales CRC" in shown)
    number = line.strip().split(".")[0]
    assert number.isdigit()
    # wales-crc-2019: Requires improvement
    answer = ask(chat, number)
    assert "Wales Community Rehabilitation Company" in answer and "Requires improvement" in answer

    # A long answer comes a page at a time.
    answer = ask(chat, "/league")
    assert "(page 1 of" in answer and "type 'more'" in answer
    assert "(page 2 of" in ask(chat, "more")

    answer = ask(chat, "asdfghjkl qwerty")  # nonsense gets a short answer that quotes it, not a crash
    assert "asdfghjkl qwerty" in answer and "Traceback" not in answer
    chat.sendline("quit")
    chat.expect(pexpect.EOF)
    chat.close()
    assert chat.exitstatus == 0


def test_end_of_input_leaves_quietly(chat):
    chat.expect_exact(PROMPT)
    chat.sendeof()
    chat.expect(pexpect.EOF)
    chat.close()
    assert chat.exitstatus == 0 and "Traceback" not in (chat.before or "")
