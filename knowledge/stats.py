"""Counts that describe a knowledge base: by type, by rating, by year, and date precision."""

from __future__ import annotations

from knowledge.kb import KnowledgeBase

#: Small tables by heading, each a mapping of label to count.
Stats = dict[str, dict[str, int]]


def kb_stats(kb: KnowledgeBase) -> Stats:
    """A dict of small tables, each a mapping of label to count, in a stable order."""
    rows = kb._rows  # the query layer's own read-only helper

    def table(sql: str) -> dict[str, int]:
        """Label -> count from a query of two columns; a missing label reads "(none)"."""
        return {(str(r[0]) if r[0] is not None else "(none)"): int(r[1]) for r in rows(sql)}

    return {
        "totals": kb.counts(),
        "organisations by type": table(
            "select type_label, count(*) from organisations group by type_label order by 2 desc, 1"
        ),
        "inspections by type": table(
            "select o.type_label, count(*) from inspections i join organisations o using (org_id) "
            "group by 1 order by 2 desc, 1"
        ),
        "inspections by rating": table(
            "select coalesce(overall_rating, 'not rated / not found'), count(*) from inspections group by 1 "
            "order by max(coalesce(rating_points, -1)) desc"
        ),
        "inspections by year": table(
            "select case when year_estimated then year || ' (estimated)' else cast(year as text) end, count(*) "
            "from inspections group by year, year_estimated order by year is null, year, year_estimated"
        ),
        # Youth justice services on their own: how many, how their latest inspections were rated, where.
        "youth justice services": table(
            "select 'services', count(*) from organisations where org_type = 'yjs' union all "
            "select 'inspections', count(*) from inspections where org_type = 'yjs' union all "
            "select 'standard ratings', count(*) from standard_ratings s join inspections i using (inspection_id) "
            "where i.org_type = 'yjs' union all "
            "select 'findings', count(*) from findings f join inspections i using (inspection_id) "
            "where i.org_type = 'yjs'"
        ),
        "youth services by latest rating": table(
            "select coalesce(i.overall_rating, 'not rated / not found'), count(*) from organisations o "
            "join inspections i on i.inspection_id = o.latest_inspection_id where o.org_type = 'yjs' "
            "group by 1 order by max(coalesce(i.rating_points, -1)) desc"
        ),
        "youth inspections by programme": table(
            "select programme, count(*) from inspections where org_type = 'yjs' group by 1 order by 1"
        ),
        "youth services by region": table(
            "select region, count(*) from organisations where org_type = 'yjs' group by 1 order by 2 desc, 1"
        ),
        "publication dates": table(
            "select case published_precision when 'day' then 'exact day' when 'month' then 'month only' "
            "when 'year' then 'year only' else 'unknown' end, count(*) from inspections group by 1 order by 2 desc, 1"
        ),
    }


def format_stats(stats: Stats) -> str:
    """Plain-text rendering for the terminal."""
    out = []
    for heading, counts in stats.items():
        out.append(f"{heading}:")
        width = max((len(str(k)) for k in counts), default=0)
        out.extend(f"  {str(k).ljust(width)}  {v:>5}" for k, v in counts.items())
    return "\n".join(out)
