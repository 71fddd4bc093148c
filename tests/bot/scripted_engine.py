"""A tiny engine with fixed answers, for testing the bot's mechanics apart from what the engine knows.

It keeps the real engine's contract (``ask``, ``from_ref``, ``inline`` returning ``responses.Answer``)
and makes each shape of answer on demand, so paging, choices, "More detail", HTML fallback and
failures can be tested whatever state the real engine is in:

* ``/league`` (any arguments): three pages, ``ref`` "/league all"; compact: one short page with
  ``more_ref`` "/league all"
* ``which wales``: choices between "Wales CRC" and "Wales NPS division"
* ``badhtml``: a page whose HTML Telegram refuses
* ``boom``: raises (as a question or a ref)
* anything else: "You asked: <question>", marked "(compact)" in compact form
"""

from __future__ import annotations

import html

from responses import ANSWER, CHOICES, NO_MATCH, Answer, Choice, Citation, Page

LEAGUE_PAGES = 3
CITATION = Citation(
    1, "Inspection report", "https://www.justiceinspectorates.gov.uk/hmiprobation/", "2019-05", "May 2019"
)


def _page(title: str, body: str) -> Page:
    return Page(
        html=f'<b>{html.escape(title)}</b>\n{html.escape(body)}\n<a href="{CITATION.url}">[1] {CITATION.title}</a>',
        text=f"{title}\n{body}\n[1] {CITATION.title}: {CITATION.url}",
    )


class ScriptedEngine:
    def __init__(self) -> None:
        self.asked: list[tuple[str, bool]] = []  # every (question, compact) asked, in order
        self.conversations: list[str | None] = []  # the conversation key of each question asked

    def _league(self, compact: bool) -> Answer:
        if compact:
            return Answer(
                kind=ANSWER,
                intent="league",
                question="/league",
                title="League table",
                pages=[_page("League table (top 3)", "1. Alpha 2. Beta 3. Gamma")],
                citations=[CITATION],
                ref="/league all",
                more_ref="/league all",
            )
        pages = [_page(f"League table, page {n + 1}", f"rows {n * 10 + 1}-{n * 10 + 10}") for n in range(LEAGUE_PAGES)]
        return Answer(
            kind=ANSWER,
            intent="league",
            question="/league",
            title="League table",
            pages=pages,
            citations=[CITATION],
            ref="/league all",
        )

    def _org(self, org_id: str, compact: bool) -> Answer:
        name = {"wales-crc": "Wales CRC", "wales-nps": "Wales NPS division"}.get(org_id)
        if name is None:
            return self._no_match(f"/inspection #{org_id}")
        return Answer(
            kind=ANSWER,
            intent="inspection",
            question=name,
            title=name,
            pages=[_page(name, f"Rated Requires improvement{' (compact)' if compact else ''}")],
            citations=[CITATION],
            ref=f"/inspection #{org_id}",
        )

    @staticmethod
    def _no_match(question: str) -> Answer:
        return Answer(
            kind=NO_MATCH,
            intent="none",
            question=question,
            title="No match",
            pages=[Page(html="I couldn't find that.", text="I couldn't find that.")],
        )

    def ask(self, question: str, *, compact: bool = False, conversation: str | None = None) -> Answer:
        self.asked.append((question, compact))
        self.conversations.append(conversation)
        q = question.strip()
        if q.startswith("/league"):
            return self._league(compact)
        if q == "which wales":
            return Answer(
                kind=CHOICES,
                intent="choices",
                question=q,
                title="Which Wales?",
                pages=[Page(html="Which did you mean?", text="Which did you mean?")],
                choices=[
                    Choice("Wales CRC", "wales-crc", "/inspection #wales-crc"),
                    Choice("Wales NPS division", "wales-nps", "/inspection #wales-nps"),
                ],
            )
        if q == "badhtml":
            return Answer(
                kind=ANSWER,
                intent="echo",
                question=q,
                title="Bad HTML",
                pages=[Page(html="<blink>unsupported tag</blink>", text="unsupported tag (plain)")],
            )
        if q == "boom":
            raise RuntimeError("the engine broke")
        suffix = " (compact)" if compact else ""
        return Answer(
            kind=ANSWER,
            intent="echo",
            question=q,
            title=f"You asked: {q}",
            pages=[_page(f"You asked: {q}{suffix}", "An answer.")],
            citations=[CITATION],
        )

    def from_ref(self, ref: str, *, compact: bool = False) -> Answer:
        if ref == "boom":
            raise RuntimeError("the engine broke")
        if ref == "/league all":
            return self._league(compact)
        if ref.startswith("/inspection #"):
            return self._org(ref.removeprefix("/inspection #"), compact)
        return self._no_match(ref)

    def inline(self, query: str, limit: int = 5) -> list[Answer]:
        if not query:
            return []
        return [self.ask(query)][:limit]
