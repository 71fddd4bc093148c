"""``knowledge.sources``: one source per URL of the data, with a title and a date whose basis is said,
and never a day nobody saw."""

from __future__ import annotations

from collections import defaultdict

import pytest

from knowledge.loader import Dataset, load_dataset
from knowledge.paths import DATA_DIR
from knowledge.sources import SourceRecord, collect_sources, host_of, publisher_of, title_from_url

HMIP = "HM Inspectorate of Probation"


@pytest.fixture(scope="module")
def ds() -> Dataset:
    return load_dataset(DATA_DIR)


@pytest.fixture(scope="module")
def sources(ds: Dataset) -> list[SourceRecord]:
    return collect_sources(ds)


@pytest.mark.parametrize(
    "url,host,publisher",
    [
        ("https://www.justiceinspectorates.gov.uk/hmiprobation/x/", "justiceinspectorates.gov.uk", HMIP),
        ("https://justiceinspectorates.gov.uk/hmiprobation/x", "justiceinspectorates.gov.uk", HMIP),
        ("https://www.bbc.co.uk/news/uk-england-47318511", "bbc.co.uk", "BBC News"),
        ("https://news.bbc.co.uk/1/hi/england/123.stm", "news.bbc.co.uk", "BBC News"),
        ("https://notbbc.co.uk/story", "notbbc.co.uk", "notbbc.co.uk"),
        ("http://www.russellwebster.com/hmipbench19/", "russellwebster.com", "Russell Webster"),
    ],
)
def test_host_and_publisher(url: str, host: str, publisher: str) -> None:
    assert host_of(url) == host
    assert publisher_of(url) == publisher


def test_title_from_url_reads_the_slug_and_drops_article_ids() -> None:
    title = title_from_url("https://www.countypress.co.uk/news/17626759.isle-of-wight-probation-service-rated-good/")
    assert title == "countypress.co.uk: Isle of wight probation service rated good"
    assert "47318511" not in title_from_url("https://www.bbc.co.uk/news/uk-england-tees-47318511")


def test_title_from_url_without_telling_words_says_only_the_publisher() -> None:
    assert title_from_url("https://www.bbc.co.uk/news/uk-england-47318511") == "BBC News article"
    assert title_from_url("https://example.org/") == "example.org article"


def test_one_source_per_distinct_url_sorted(ds: Dataset, sources: list[SourceRecord]) -> None:
    urls = [s.url for s in sources]
    assert urls == sorted(set(urls))
    used = {
        r.source_url
        for group in (ds.inspections, ds.standard_ratings, ds.findings, ds.figures, ds.youth_regions)
        for r in group
    }
    assert used <= set(urls)
    assert set(urls) - used <= {r.url for r in ds.seed_sources}


def test_titles_are_the_pages_own_or_say_they_come_from_the_url(ds: Dataset, sources: list[SourceRecord]) -> None:
    given: defaultdict[str, set[str | None]] = defaultdict(set)
    for insp in ds.inspections:
        if insp.source_title:
            given[insp.source_url].add(insp.source_title)
    for figure in ds.figures:
        if figure.source_title:
            given[figure.source_url].add(figure.source_title)
    for seed in ds.seed_sources:
        given[seed.url].add(seed.title)
    for s in sources:
        assert s.title and s.publisher
        assert "title not shown" not in s.title.lower()
        if s.title_basis == "page":
            assert s.title in given[s.url]
        elif s.title_basis == "ours":  # only the page behind our own table of youth services' regions
            assert s.url in {r.source_url for r in ds.youth_regions}
        else:
            assert s.title_basis == "URL"
            assert s.title.startswith(publisher_of(s.url))


def test_dates_never_invent_a_day_and_name_their_basis(ds: Dataset, sources: list[SourceRecord]) -> None:
    published_by_url = defaultdict(set)
    for r in ds.inspections:
        if r.published:
            published_by_url[r.source_url].add(r.published)
    seed_dates = {r.url: r.published for r in ds.seed_sources}
    for s in sources:
        basis, published = s.published_basis, s.published
        if published is None:
            assert basis is None
        elif basis == "month in the URL":
            assert len(published) == 7 and f"/{published[:4]}/{published[5:]}/" in s.url
        elif basis == "inspection publication date":
            assert published in published_by_url[s.url]
            assert publisher_of(s.url) == HMIP
        else:
            assert basis == "seed list" and published == seed_dates[s.url]


def test_collecting_twice_gives_the_same_sources(ds: Dataset, sources: list[SourceRecord]) -> None:
    assert collect_sources(ds) == sources
