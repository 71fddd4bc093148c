"""``probation-bot chat``: the bot in a terminal, for trying it without Telegram.

It shows the plain-text rendering of each answer; choices are numbered and can be picked by typing
the number, and a long answer's later pages follow with ``more``.
"""

from __future__ import annotations

import sys
from typing import TYPE_CHECKING

if TYPE_CHECKING:  # only for the annotations: the caller builds the engine
    from responses import Engine
    from responses.answer import Choice, Page


def run_chat(engine: Engine) -> int:
    """Read questions until end of input or ``quit``; return an exit code."""
    interactive = sys.stdin.isatty()
    if interactive:
        print("probation-bot: ask about inspections of probation services (e.g. 'how did West Mercia CRC do?').")
        print("Type 'help' for examples, a number to pick a choice, 'more' for the next page, 'quit' to leave.\n")
    choices: list[Choice] = []
    pending: list[Page] = []
    while True:
        try:
            line = input("you> " if interactive else "")
        except EOFError:
            break
        q = line.strip()
        if q.lower() in {"quit", "exit", "bye"}:
            break
        if not q:
            continue
        if q.lower() == "more":
            if pending:
                print(pending.pop(0).text + "\n")
            else:
                print("(nothing more)\n")
            continue
        if q.isdigit() and choices and 1 <= int(q) <= len(choices):
            answer = engine.from_ref(choices[int(q) - 1].ref)
        else:
            answer = engine.ask(q, conversation="terminal")
        print(answer.pages[0].text)
        pending = list(answer.pages[1:])
        if pending:
            print(f"(page 1 of {len(answer.pages)}: type 'more' for the next)")
        choices = list(answer.choices)  # already numbered in the answer's text
        print()
    return 0
