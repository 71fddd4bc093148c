"""The per-chat guard, on a clock the test turns by hand."""

from __future__ import annotations

from bot.guard import ChatGuard, Verdict


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limit_then_one_warning_then_silence_then_answers_again():
    clock = Clock()
    guard = ChatGuard(limit=3, window=60, clock=clock)
    verdicts = []
    for _ in range(6):
        verdicts.append(guard.check("chat"))
        clock.now += 1
    assert verdicts == [Verdict.ANSWER] * 3 + [Verdict.WARN, Verdict.SILENT, Verdict.SILENT]
    clock.now = 1060.5  # the first answer (at 1000) has left the window: room for one more
    assert guard.check("chat") is Verdict.ANSWER
    assert guard.check("chat") is Verdict.WARN  # full again: a fresh warning, once
    assert guard.check("chat") is Verdict.SILENT
    clock.now = 1062.5  # the answers at 1001 and 1002 have left too
    assert [guard.check("chat") for _ in range(3)] == [Verdict.ANSWER, Verdict.ANSWER, Verdict.WARN]
    assert guard.throttled == 6


def test_chats_are_independent():
    clock = Clock()
    guard = ChatGuard(limit=1, clock=clock)
    assert guard.check(1) is Verdict.ANSWER
    assert guard.check(1) is Verdict.WARN
    assert guard.check(2) is Verdict.ANSWER


def test_zero_means_no_limit():
    guard = ChatGuard(limit=0)
    assert all(guard.check("chat") is Verdict.ANSWER for _ in range(1000))


def test_idle_chats_are_forgotten():
    clock = Clock()
    guard = ChatGuard(limit=5, window=60, clock=clock)
    for chat in range(ChatGuard.PRUNE_AT):
        guard.check(chat)
    clock.now += 61
    guard.check("new")
    assert len(guard._chats) == 1
