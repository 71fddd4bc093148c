"""The pages behind the facts: one row per URL, with a title and a publication date where known.

Inspections and figures name their page's title; findings and standard ratings give only a URL. For
those we make a readable title from the address itself and say so (``title_basis``), rather than
pretend we saw the page's heading. A page's date comes from the seed list, from the inspectorate's own
press release of a dated inspection, or from a ``/YYYY/MM/`` path, again with its basis recorded.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from urllib.parse import unquote, urlsplit

from knowledge.loader import Dataset

PUBLISHERS = {
    "justiceinspectorates.gov.uk": "HM Inspectorate of Probation",
    "russellwebster.com": "Russell Webster",
    "bbc.co.uk": "BBC News",
    "bbci.co.uk": "BBC News",
    "probationmatters.blogspot.com": "probationmatters blog",
    "statistics.gov.uk": "Office for National Statistics",
}
#: What our table of youth services' regions cites: the ONS lookup of local authorities to regions.
REGION_LOOKUP_TITLE = "ONS Open Geography Portal: lookup of local authority districts to regions and countries"

#: Words in URLs that are sections of a site, not a title ("uk-england-hampshire-53421217").
_URL_FILLER = {
    "uk",
    "england",
    "wales",
    "scotland",
    "news",
    "article",
    "articles",
    "index",
    "page",
    "document",
    "hampshire",
    "norfolk",
    "politics",
    "crime",
    "local",
}
_PATH_MONTH_RE = re.compile(r"/(20\d{2})/(0[1-9]|1[0-2])/")


def host_of(url: str) -> str:
    """The host without ``www.``: ``justiceinspectorates.gov.uk``."""
    host = urlsplit(url).hostname or url
    return host[4:] if host.startswith("www.") else host


def publisher_of(url: str) -> str:
    """A publisher's name for a URL, by the end of its host name."""
    host = host_of(url)
    for suffix, name in PUBLISHERS.items():
        if host == suffix or host.endswith("." + suffix):
            return name
    return host


def title_from_url(url: str) -> str:
    """A readable title made from the last meaningful part of a URL's path."""
    parts = [unquote(x) for x in urlsplit(url).path.split("/") if x]
    slug = ""
    for part in reversed(parts):
        part = re.sub(r"\.(html?|aspx?|php)$", "", part)
        part = re.sub(r"[-_]+\d{5,}$|^\d{5,}[-_.]*", "", part)  # news sites' numeric article ids
        if re.search(r"[a-z]{3}", part, re.I):
            slug = part
            break
    words = re.sub(r"[-_.]+", " ", slug).strip()
    publisher = publisher_of(url)
    telling = [w for w in words.lower().split() if w not in _URL_FILLER]
    if len(telling) < 2:
        return f"{publisher} article"
    return f"{publisher}: {words[0].upper()}{words[1:]}"


@dataclass(frozen=True)
class SourceRecord:
    """One cited page: its title and date, and on what each rests."""

    url: str
    title: str
    title_basis: str  # "page" (its heading, as the data gives it), "ours" (our own words) or "URL"
    publisher: str
    published: str | None
    published_basis: str | None  # "seed list", "inspection publication date" or "month in the URL"


def _given_titles(ds: Dataset) -> dict[str, str]:
    """The page titles the data gives, first one wins; placeholders where the heading was not seen are dropped."""
    titles: dict[str, str] = {}
    for seed in ds.seed_sources:
        if seed.title:
            titles.setdefault(seed.url, seed.title)
    for inspection in ds.inspections:
        if inspection.source_title:
            titles.setdefault(inspection.source_url, inspection.source_title)
    for figure in ds.figures:
        if figure.source_title:
            titles.setdefault(figure.source_url, figure.source_title)
    return {u: t for u, t in titles.items() if "title not shown" not in t.lower()}


def _given_dates(ds: Dataset) -> dict[str, tuple[str, str]]:
    """Each page's date and its basis, from the seed list or an inspectorate page's inspection."""
    dates: dict[str, tuple[str, str]] = {}
    for seed in ds.seed_sources:
        if seed.published:
            dates.setdefault(seed.url, (seed.published, "seed list"))
    for inspection in ds.inspections:
        url, published = inspection.source_url, inspection.published
        if published and publisher_of(url) == PUBLISHERS["justiceinspectorates.gov.uk"]:
            # The inspectorate's press release comes out with its report, so the report's date is the
            # page's date -- unless the URL itself carries another month (a later page citing it).
            m = _PATH_MONTH_RE.search(url)
            if not m or published.startswith(f"{m.group(1)}-{m.group(2)}"):
                dates.setdefault(url, (published, "inspection publication date"))
    return dates


def _cited_urls(ds: Dataset) -> set[str]:
    urls = {r.source_url for r in ds.inspections} | {r.source_url for r in ds.standard_ratings}
    urls |= {r.source_url for r in ds.findings} | {r.source_url for r in ds.figures}
    return urls | {r.source_url for r in ds.youth_regions}


def collect_sources(ds: Dataset) -> list[SourceRecord]:
    """One record per distinct URL in the dataset, sorted by URL, with title and date and their bases."""
    titles = _given_titles(ds)
    dates = _given_dates(ds)
    publishers = {seed.url: seed.publisher for seed in reversed(ds.seed_sources) if seed.publisher}
    ours = {row.source_url: REGION_LOOKUP_TITLE for row in ds.youth_regions}
    out = []
    for url in sorted(set(titles) | _cited_urls(ds)):
        published, basis = dates.get(url, (None, None))
        if published is None:
            m = _PATH_MONTH_RE.search(url)
            if m:
                published, basis = f"{m.group(1)}-{m.group(2)}", "month in the URL"
        title = titles.get(url)
        out.append(
            SourceRecord(
                url=url,
                # A page we cite for a table of our own (the ONS lookup) is named in our words, and says so.
                title=title or ours.get(url) or title_from_url(url),
                title_basis="page" if title else "ours" if url in ours else "URL",
                publisher=publishers.get(url) or publisher_of(url),
                published=published,
                published_basis=basis,
            )
        )
    return out
