"""A news feed served on 127.0.0.1 for the feed tests, in the style of the inspectorate's news items.

Every item is written for these tests in our own words. The server answers conditional GETs as a
web server would (304 when ``If-None-Match`` matches the ETag), records the headers it was sent, and
can be told to misbehave: answer 500, send something that is not a feed, never finish, or send far
too much.
"""

from __future__ import annotations

import asyncio
from dataclasses import dataclass, field

from aiohttp import web

ETAG = '"feed-v1"'
LAST_MODIFIED = "Tue, 10 Jun 2025 09:00:00 GMT"

#: Items of the RSS feed: (guid, title, description, pubDate).
RSS_ITEMS = [
    (
        "n-101",
        "An inspection of Sheffield probation delivery unit has found it Requires improvement",
        "<p>Inspectors found that staff in the unit carry heavy caseloads. The PDU was rated "
        "<strong>Requires improvement</strong> overall.</p>",
        "Tue, 03 Jun 2025 10:15:00 +0100",
    ),
    (
        "n-102",
        "Sefton youth justice service rated &#8216;Outstanding&#8217; by inspectors",
        "The youth justice service in Sefton impressed inspectors with its work with children.",
        "Sat, 31 May 2025 00:30:00 +0100",
    ),
    (
        "n-103",
        "Inspection of Wolverhampton and Walsall PDU published",
        "HM Inspectorate of Probation has published its report on the probation delivery unit.",
        "Mon, 02 Jun 2025 09:00:00 +0100",
    ),
    (
        "n-104",
        "Chief Inspector's speech to the probation conference",
        "The Chief Inspector spoke about workloads across the service.",
        "Thu, 29 May 2025 12:00:00 +0100",
    ),
    (
        "n-105",
        "Thematic inspection of work with women on probation",
        "A national report on how probation services work with women.",
        "Wed, 28 May 2025 12:00:00 +0100",
    ),
    (
        "n-106",
        "We are recruiting inspectors: job vacancies in our probation team",
        "Join the inspectorate and help improve probation services.",
        "Tue, 27 May 2025 12:00:00 +0100",
    ),
    (
        "n-107",
        "South Yorkshire Community Rehabilitation Company rated 'Inadequate' in second inspection",
        "Inspectors published their findings on the South Yorkshire CRC.",
        "Thu, 16 Jul 2020 09:00:00 +0100",
    ),
    (
        "n-108",
        "Essex North probation service is Inadequate, inspectors find",
        "The Essex North PDU was rated Inadequate.",
        "Tue, 17 May 2022 09:00:00 +0100",
    ),
]
#: The URL of n-108 is the page the data already cites for that inspection.
HELD_URL = "https://hmiprobation.justiceinspectorates.gov.uk/news/essex-north-probation-service-is-inadequate"


def item_url(guid: str) -> str:
    return HELD_URL if guid == "n-108" else f"https://inspectorate.example/news/{guid}"


def rss(items: list[tuple[str, str, str, str]] = RSS_ITEMS) -> bytes:
    body = "".join(
        f'<item><title>{title}</title><link>{item_url(guid)}</link><guid isPermaLink="false">{guid}</guid>'
        f"<description><![CDATA[{desc}]]></description><pubDate>{date}</pubDate></item>"
        for guid, title, desc, date in items
    )
    return (
        f'<?xml version="1.0" encoding="UTF-8"?><rss version="2.0"><channel><title>Inspectorate news</title>'
        f"<link>https://inspectorate.example/</link><description>News</description>{body}</channel></rss>"
    ).encode()


ATOM = b"""<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Inspectorate news</title><id>urn:example:feed</id><updated>2025-03-04T00:30:00+01:00</updated>
  <entry>
    <title>Inspectors rate Kirklees youth offending service Good</title>
    <link href="https://inspectorate.example/news/kirklees-yos"/>
    <id>urn:example:a-1</id>
    <published>2025-03-04T00:30:00+01:00</published><updated>2025-03-04T00:30:00+01:00</updated>
    <summary>The inspection found strong partnerships and rated the service Good overall.</summary>
  </entry>
  <entry>
    <title>Speech: the future of youth justice</title>
    <link href="https://inspectorate.example/news/speech-youth"/>
    <id>urn:example:a-2</id>
    <updated>2025-03-01T10:00:00Z</updated>
    <summary>Remarks at a conference on youth justice.</summary>
  </entry>
</feed>
"""


@dataclass
class FeedServer:
    """Serves ``/rss``, ``/atom`` and misbehaving paths on 127.0.0.1; ``requests`` records what was asked."""

    rss_body: bytes = field(default_factory=rss)
    mode: str = "ok"  # ok | error | garbage | slow | huge: how /feed (the switchable one) answers
    requests: list[tuple[str, dict[str, str]]] = field(default_factory=list)
    _runner: web.AppRunner | None = None
    port: int = 0

    async def start(self) -> None:
        app = web.Application()
        app.router.add_get("/rss", self._rss)
        app.router.add_get("/atom", self._atom)
        app.router.add_get("/feed", self._switchable)
        self._runner = web.AppRunner(app)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self.port = self._runner.addresses[0][1]  # (host, port) of the one site, on the port the system chose

    async def stop(self) -> None:
        if self._runner:
            await self._runner.cleanup()

    def url(self, path: str) -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    def _record(self, request: web.Request) -> None:
        self.requests.append((request.path, dict(request.headers.items())))

    async def _rss(self, request: web.Request) -> web.StreamResponse:
        self._record(request)
        if request.headers.get("If-None-Match") == ETAG:
            return web.Response(status=304, headers={"ETag": ETAG})
        return web.Response(
            body=self.rss_body,
            content_type="application/rss+xml",
            headers={"ETag": ETAG, "Last-Modified": LAST_MODIFIED},
        )

    async def _atom(self, request: web.Request) -> web.StreamResponse:
        self._record(request)
        return web.Response(body=ATOM, content_type="application/atom+xml")

    async def _switchable(self, request: web.Request) -> web.StreamResponse:
        self._record(request)
        if self.mode == "error":
            return web.Response(status=500, text="internal error")
        if self.mode == "garbage":
            return web.Response(body=b"<html><body>Maintenance<p>back soon", content_type="text/html")
        if self.mode == "slow":
            await asyncio.sleep(3)  # longer than any test waits; short enough not to delay shutdown long
        if self.mode == "huge":
            response = web.StreamResponse(headers={"Content-Type": "application/rss+xml"})
            await response.prepare(request)
            for _ in range(64):
                await response.write(b"<!-- padding -->" * 4096)
            return response
        return web.Response(body=self.rss_body, content_type="application/rss+xml")
