"""What every answer builder shares: the knowledge base, a renderer, and the ``Answer`` assembly."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property

from knowledge import KnowledgeBase
from knowledge.models import Inspection
from knowledge.vocabulary import Vocabulary
from responses.answer import REF_LIMIT, Answer, Choice, DeferredList, Page
from responses.names import short_name as short_name  # re-exported for the builders
from responses.render import Renderer
from responses.understand import Query


@dataclass
class Ctx:
    kb: KnowledgeBase
    vocabulary: Vocabulary = field(default_factory=Vocabulary)
    #: One renderer shared by the answers to several questions in one message (one source numbering).
    shared: Renderer | None = None

    def renderer(self) -> Renderer:
        return self.shared if self.shared is not None else Renderer(self.kb)

    @cached_property
    def current_region(self) -> dict[str, str | None]:
        """Each organisation's region at its latest inspection (a body belongs to the region it is in now)."""
        return {o: h[-1].region for o in self.kb.organisations for h in [self.kb.history(o)] if h}

    @cached_property
    def inspections_by_id(self) -> dict[str, Inspection]:
        """Every inspection by its id, read once from the histories held in memory."""
        return {i.inspection_id: i for o in self.kb.organisations for i in self.kb.history(o)}

    def answer(
        self,
        kind: str,
        intent: str,
        q: Query,
        title: str,
        pages: list[Page],
        renderer: Renderer | None,
        *,
        ref: str | None = None,
        more_ref: str | None = None,
        choices: Sequence[Choice] | None = None,
    ) -> Answer:
        """Assemble an ``Answer``; refs too long for button data are dropped rather than cut."""
        if ref is not None and len(ref.encode()) > REF_LIMIT:
            ref = None
        if more_ref is not None and len(more_ref.encode()) > REF_LIMIT:
            more_ref = None
        if q.truncated and pages:
            note = "(Your message was long, so I read only its first 500 characters.)"
            first = pages[0]
            pages = [Page(html=first.html + "\n\n<i>" + note + "</i>", text=first.text + "\n\n" + note), *pages[1:]]
        return Answer(
            kind=kind,
            intent=intent,
            question=q.text,
            title=title,
            pages=pages,
            citations=DeferredList(renderer.citations) if renderer else [],
            choices=list(choices or ()),
            ref=ref,
            more_ref=more_ref,
        )
