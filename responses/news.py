"""The news a following chat gets when a new knowledge base goes live: what changed, with citations.

``news_answer`` turns the changes that concern one chat (``knowledge.diff.Change``) into a single
message: one block per organisation, each new inspection with its rating, date and source, and any
rating or date corrected since the last build. It reads the facts from the *new* knowledge base, so
every rating shown is cited to the page it came from. Many changes are cut to what fits one Telegram
message, saying how many more there were.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from knowledge.dates import describe_date
from knowledge.diff import NEW, Change
from knowledge.kb import KnowledgeBase
from knowledge.loader import TYPE_LABELS
from knowledge.models import Inspection
from responses.answer import ANSWER, Answer
from responses.names import short_name
from responses.organisation import unrated_reason
from responses.render import Renderer, fit, overflows


@dataclass
class _Line:
    kind: str
    insp: Inspection
    before: str | None = None
    previous: Inspection | None = None  # for a new inspection: the one before it
    unrated: str = ""

    @property
    def before_text(self) -> str:
        return describe_date(self.before) if self.before else "not known"


@dataclass
class _Block:
    org_name: str
    type_label: str
    region: str | None
    lines: list[_Line] = field(default_factory=list)


def _blocks(kb: KnowledgeBase, changes: list[Change]) -> list[_Block]:
    blocks: dict[str, _Block] = {}
    for change in changes:
        insp = kb.inspection(change.inspection_id)
        if insp is None:  # not in this build after all: nothing we could cite
            continue
        block = blocks.setdefault(
            change.org_id,
            _Block(short_name(change.org_name), TYPE_LABELS.get(change.org_type, change.org_type), change.region),
        )
        line = _Line(change.kind, insp, before=change.before)
        if change.kind == NEW:
            history = kb.history(change.org_id)
            index = next((n for n, h in enumerate(history) if h.inspection_id == insp.inspection_id), 0)
            line.previous = history[index - 1] if index > 0 else None
            line.unrated = unrated_reason(insp)
        block.lines.append(line)
    return list(blocks.values())


def _heading(changes: list[Change]) -> str:
    new = sum(c.kind == NEW for c in changes)
    other = len(changes) - new
    parts = []
    if new:
        parts.append(f"{new} new inspection report{'s' if new != 1 else ''}")
    if other:
        parts.append(f"{other} correction{'s' if other != 1 else ''}")
    return "News from the inspections: " + " and ".join(parts)


def news_answer(kb: KnowledgeBase, changes: list[Change], reason: str) -> Answer:
    """One message telling a chat about ``changes`` (all of which concern it), cited from ``kb``.

    ``reason`` says what the chat follows that made these news ("Sheffield PDU", "everything").
    When the news would not fit one message, the last organisations are left out and counted.
    """
    blocks = _blocks(kb, changes)
    shown = len(blocks)
    while True:
        renderer = Renderer(kb)
        more = sum(len(b.lines) for b in blocks[shown:])
        page = renderer.page("news.j2", heading=_heading(changes), blocks=blocks[:shown], more=more, reason=reason)
        if shown <= 1 or not overflows(page):
            break
        shown -= 1
    return Answer(
        kind=ANSWER,
        intent="news",
        question="",
        title=_heading(changes),
        pages=[fit(page)],
        citations=renderer.citer.citations(),
    )
