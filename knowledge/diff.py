"""What changed between two builds of the knowledge base: new inspections, changed ratings and dates.

When a new knowledge base goes live, the bot tells the chats that follow a body what is new for it.
This module works that out from the two databases alone, so the news is exactly the difference
between the facts before and after (a rebuild of the same data finds nothing). It reads both through
their ``KnowledgeBase`` objects, because by the time we compare, the old file's path already names the
new file: only the old object's open connection still reads the old facts.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from knowledge.kb import KnowledgeBase
from knowledge.models import Inspection

NEW, RATING, DATE = "new", "rating", "date"
#: Order of changes within one body's news: a new report first.
KINDS = (NEW, RATING, DATE)


@dataclass(frozen=True)
class Change:
    """One piece of news about one inspection.

    ``before``/``after`` hold the old and new rating (``RATING``) or publication date as stored
    (``DATE``); for ``NEW`` only ``after`` is set, to the rating (None when not rated).
    """

    kind: str
    inspection_id: str
    org_id: str
    org_name: str
    org_type: str
    region: str | None  # the inspection's region, else the organisation's
    before: str | None = None
    after: str | None = None

    def to_json(self) -> dict[str, str | None]:
        return asdict(self)

    @classmethod
    def from_json(cls, data: dict[str, str | None]) -> Change:
        """A change as ``to_json`` wrote it; raises ``ValueError`` when a field it always has is missing."""

        def text(key: str) -> str:
            value = data.get(key)
            if value is None:
                raise ValueError(f"a stored change has no {key}")
            return value

        return cls(
            text("kind"),
            text("inspection_id"),
            text("org_id"),
            text("org_name"),
            text("org_type"),
            data.get("region"),
            before=data.get("before"),
            after=data.get("after"),
        )


def _inspections(kb: KnowledgeBase) -> dict[str, Inspection]:
    return {i.inspection_id: i for org_id in kb.organisations for i in kb.history(org_id)}


def _change(kind: str, new: Inspection, kb: KnowledgeBase, before: str | None, after: str | None) -> Change:
    org = kb.organisation(new.org_id)
    return Change(
        kind=kind,
        inspection_id=new.inspection_id,
        org_id=new.org_id,
        org_name=org.name if org else new.organisation,
        org_type=new.org_type,
        region=new.region or (org.region if org else None),
        before=before,
        after=after,
    )


def diff_builds(old: KnowledgeBase, new: KnowledgeBase) -> list[Change]:
    """Every new inspection, and every changed overall rating or publication date, in ``new`` against ``old``.

    Inspections only in ``old`` (withdrawn from the data) are not news and are left out. The list is
    ordered by organisation, then kind (new first), then inspection, so messages read the same each time.
    """
    before, after = _inspections(old), _inspections(new)
    changes = []
    for inspection_id, now in after.items():
        was = before.get(inspection_id)
        if was is None:
            changes.append(_change(NEW, now, new, None, now.overall_rating))
            continue
        if was.overall_rating != now.overall_rating:
            changes.append(_change(RATING, now, new, was.overall_rating, now.overall_rating))
        if was.published != now.published:
            changes.append(_change(DATE, now, new, was.published, now.published))
    return sorted(changes, key=lambda c: (c.org_name, c.org_id, KINDS.index(c.kind), c.inspection_id))
