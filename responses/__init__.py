"""How we answer: a question in, a templated and cited ``Answer`` out.

``Engine(kb).ask("how did West Mercia CRC do?")`` is the whole public surface the terminal, the tests
and the Telegram bot share. Nothing here imports telegram.
"""

from responses.answer import ANSWER, CHOICES, KINDS, MESSAGE_LIMIT, NO_MATCH, Answer, Choice, Citation, Page
from responses.engine import COMMANDS, Engine

__all__ = [
    "ANSWER",
    "CHOICES",
    "COMMANDS",
    "KINDS",
    "MESSAGE_LIMIT",
    "NO_MATCH",
    "Answer",
    "Choice",
    "Citation",
    "Engine",
    "Page",
]
