"""Drawing the charts: chart data in (``responses.charts.data``), PNG bytes out.

matplotlib is imported here, inside the functions, and only when the first chart is drawn: most
people never ask for a picture, and the import costs most of a second. We use the Agg canvas
directly (no pyplot, no global figure state), so drawing is safe in a worker thread or process.

Every picture is 1,080 pixels wide, the width a phone shows full screen; names and ratings are 15
to 24 pixels high there, and no small print is under 14. Ratings are always written out in words;
colour only repeats what the words say, in a blue-to-orange palette that readers with the common
forms of colour blindness can tell apart (the Okabe-Ito colours).
"""

from __future__ import annotations

import contextlib
import functools
import os
import struct
import textwrap
import zlib
from typing import TYPE_CHECKING, Any

from knowledge.ratings import RATINGS
from responses.charts.data import Chart, CompareChart, HistoryChart, LeagueChart, YearsChart, newest_words

if TYPE_CHECKING:  # matplotlib itself is imported only when the first chart is drawn
    from matplotlib.font_manager import FontProperties

WIDTH = 1080
DPI = 100
MARGIN = 36
#: Strong colour (bands, points, bars) and a light tint (tiles, cells) for each rating, best first.
STRONG = {"Outstanding": "#0072B2", "Good": "#56B4E9", "Requires improvement": "#E69F00", "Inadequate": "#D55E00"}
TINT = {"Outstanding": "#C6DDEF", "Good": "#D9EEFA", "Requires improvement": "#FBE7BF", "Inadequate": "#F6D2BB"}
#: Text colour that reads on each strong colour.
ON_STRONG = {"Outstanding": "white", "Good": "black", "Requires improvement": "black", "Inadequate": "black"}
SHORT = {
    "Outstanding": "Outstanding",
    "Good": "Good",
    "Requires improvement": "Requires\nimprovement",
    "Inadequate": "Inadequate",
}
INK, GREY, PAPER = "#1A1A1A", "#6B6B6B", "white"
SOURCES_LINE = "Ratings from the sources listed by /sources in the bot."
ESTIMATE_NOTE = "A year with ? is our estimate: no source gave the date."


def _pt(px: float) -> float:
    """Font size in points for text ``px`` pixels high at our resolution."""
    return px * 72 / DPI


class Canvas:
    """A figure measured in pixels from the top left, which makes layout plain arithmetic.

    Everything is drawn straight onto the figure: an axes would cost a fifth of a small chart's
    time and show nothing here. The boxes go into one collection, the words into one artist
    (``responses.charts.words``) and the PNG is written by ``_png``.
    """

    def __init__(self, height: int):
        from matplotlib.figure import Figure  # the lazy import: see the module docstring
        from matplotlib.transforms import Affine2D

        from responses.charts.words import Words

        self.height = int(height)
        # A hair over the height: 828 / 100 * 100 is 827.999..., which Agg would cut to a canvas of 827 pixels.
        self.fig = Figure(figsize=(WIDTH / DPI, (self.height + 0.01) / DPI), dpi=DPI, facecolor=PAPER)
        # From our pixels (y down from the top) to the figure's (y up from the bottom).
        self.pixels = Affine2D.from_values(1, 0, 0, -1, 0, self.height)
        self.words = Words(self.pixels, DPI)
        self.fig.add_artist(self.words)
        self._rects: list[tuple[float, float, float, float, str, str]] = []

    def text(
        self, x: float, y: float, s: str, px: float, *, color: str = INK, weight: str = "normal", ha: str = "left"
    ) -> None:
        """``s`` with its middle at ``y``; a line break in it starts a line at matplotlib's usual spacing."""
        self.words.add(x, y, s.split("\n"), _font(px, weight), color, ha, None)

    def lines(
        self, x: float, y_first: float, lines: list[str], px: float, pitch: float, *, color: str = INK, ha: str = "left"
    ) -> None:
        """Lines centred ``pitch`` pixels apart from ``y_first`` down."""
        self.words.add(x, y_first + (len(lines) - 1) * pitch / 2, lines, _font(px), color, ha, pitch)

    def rect(self, x: float, y: float, w: float, h: float, fill: str, edge: str = "none") -> None:
        self._rects.append((x, y, w, h, fill, edge))

    def polyline(self, xs: list[float], ys: list[float], *, color: str = INK, width: float = 2) -> None:
        from matplotlib.lines import Line2D

        self.fig.add_artist(Line2D(xs, ys, transform=self.pixels, color=color, linewidth=width, zorder=2))

    def marker(self, x: float, y: float, shape: str, fill: str, edge: str, edge_width: float) -> None:
        """A point ``shape`` ("o", "D" ...) about 20 points across, above the lines."""
        from matplotlib.lines import Line2D

        point = Line2D([x], [y], transform=self.pixels, linestyle="none", marker=shape, markersize=20.5, zorder=3)
        point.set(markerfacecolor=fill, markeredgecolor=edge, markeredgewidth=edge_width)
        self.fig.add_artist(point)

    def png(self) -> bytes:
        from matplotlib.backends.backend_agg import FigureCanvasAgg
        from matplotlib.collections import PolyCollection

        if self._rects:  # one artist for all boxes: far quicker to draw than one patch each
            corners = [((x, y), (x + w, y), (x + w, y + h), (x, y + h)) for x, y, w, h, _, _ in self._rects]
            self.fig.add_artist(
                PolyCollection(
                    corners,
                    transform=self.pixels,
                    facecolors=[r[4] for r in self._rects],
                    edgecolors=[r[5] for r in self._rects],
                    linewidths=1.2,
                    zorder=0,
                )
            )
        canvas = FigureCanvasAgg(self.fig)
        canvas.draw()  # type: ignore[no-untyped-call]  # matplotlib's Agg canvas is not annotated
        return _png(canvas.buffer_rgba(), *canvas.get_width_height())  # type: ignore[no-untyped-call]  # as above


def _png(rgba: memoryview, width: int, height: int) -> bytes:
    """The canvas as a PNG, every row unfiltered and deflated by ISA-L at its level 1.

    Pillow tries each PNG filter on every row, which took longer than the compression itself; our
    pictures are mostly flat colour, which deflate packs well enough unfiltered (a few hundred kB).
    ISA-L's deflate makes the same kind of zlib stream as the standard library's, a little smaller
    and about five times as fast (3 ms rather than 16 for the youth league). The rows stay RGBA as
    drawn (all opaque): dropping the alpha byte cost more than deflating it.
    """
    import numpy as np  # matplotlib's own dependency
    from isal import isal_zlib

    rows = np.zeros((height, 1 + 4 * width), np.uint8)  # each row: filter type 0 (none), then its pixels
    rows[:, 1:] = np.frombuffer(rgba, np.uint8).reshape(height, 4 * width)
    header = struct.pack(">IIBBBBB", width, height, 8, 6, 0, 0, 0)  # 8-bit RGBA, deflate, no interlace
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            _chunk(b"IHDR", header),
            _chunk(b"IDAT", isal_zlib.compress(rows.data, 1)),
            _chunk(b"IEND", b""),
        )
    )


def _chunk(kind: bytes, body: bytes) -> bytes:
    """One PNG chunk: length, type, data and the CRC of type and data."""
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


@functools.cache
def _font(px: float, weight: str = "normal") -> FontProperties:
    """The font for text ``px`` pixels high, made once: looking a font up by its family is slow."""
    from matplotlib.font_manager import FontProperties, findfont

    return FontProperties(fname=findfont(FontProperties(family="DejaVu Sans", weight=weight)), size=_pt(px))


def _fit(text: str, width_px: float, px: float) -> str:
    """``text``, cut short with an ellipsis only if it is wider than ``width_px`` at ``px`` high."""
    if _width(text, px) <= width_px:
        return text
    cut = len(text)
    while cut > 3 and _width(text[:cut].rstrip() + "…", px) > width_px:
        cut -= 1
    return text[:cut].rstrip() + "…"


def _label(text: str, width_px: float, px: int, smallest: int = 15) -> tuple[list[str], int]:
    """A name for a tile ``width_px`` wide: its lines and their size, the name whole wherever it can be.

    On one line at the largest size from ``px`` down to ``smallest`` that fits; failing that on two
    lines at ``smallest``; only a name too long even for that is cut short.
    """
    for size in range(px, smallest - 1, -1):
        if _width(text, size) <= width_px:
            return [text], size
    words = text.split()
    first = next((k for k in range(len(words) - 1, 0, -1) if _width(" ".join(words[:k]), smallest) <= width_px), 0)
    if first:
        return [" ".join(words[:first]), _fit(" ".join(words[first:]), width_px, smallest)], smallest
    return [_fit(text, width_px, px)], px


def _width(text: str, px: float) -> float:
    """How wide ``text`` is drawn at ``px`` high, to a pixel or so, without laying it out."""
    return sum(_advance(ch, px) for ch in text)


@functools.cache
def _advance(ch: str, px: float) -> float:
    """How far one character moves the pen, in pixels; summed without kerning, a line's width is at most a
    few pixels over."""
    import threading

    from matplotlib.ft2font import LoadFlags

    from responses.charts.words import face

    font = face(str(_font(px).get_file()), threading.get_ident())
    font.set_size(_pt(px), DPI)  # the words artist sets the size again before each block it draws
    return float(font.load_char(ord(ch), flags=LoadFlags.NO_HINTING).linearHoriAdvance) / 65536


def _wrap(text: str, width_px: float, px: float, bold: bool = False) -> list[str]:
    return textwrap.wrap(text, max(10, int(width_px / (px * (0.62 if bold else 0.56))))) or [""]


def _heading(c: Canvas, title: str, y: float) -> float:
    """The title, wrapped; returns the y below it."""
    for line in _wrap(title, WIDTH - 2 * MARGIN, 30, bold=True):
        c.text(MARGIN, y + 18, line, 30, weight="bold")
        y += 40
    return y + 6


def _footer(c: Canvas, newest: str | None, notes: list[str]) -> None:
    when = newest_words(newest)
    c.lines(MARGIN, c.height - 26 - 28 * (len(notes) + 1), [*notes, when, SOURCES_LINE], 18, 28, color=GREY)


# -- league ---------------------------------------------------------------------------------------


def _league_columns(n: int) -> int:
    return 1 if n <= 14 else 2 if n <= 72 else 3


def _common_suffix(names: list[str]) -> str:
    """ " PDU" when every name ends so: the heading already says what they are, and the names fit better."""
    ends = {n.rsplit(" ", 1)[-1] for n in names if " " in n}
    if len(ends) == 1 and all(" " in n for n in names):
        return " " + ends.pop()
    return ""


def _without(name: str, suffix: str) -> str:
    return name[: -len(suffix)] if suffix and name.endswith(suffix) else name


def league_canvas(chart: LeagueChart) -> Canvas:
    """Bodies grouped under their rating, best first; each group is one shared rank, so ties are plain."""
    groups = chart.groups()
    cols = _league_columns(len(chart.entries))
    tile_h, gap = (44, 6) if cols < 3 else (38, 5)
    px = 20 if cols < 3 else 17
    title_lines = len(_wrap(chart.title, WIDTH - 2 * MARGIN, 30, bold=True))
    notes = [ESTIMATE_NOTE] if chart.estimated_years else []
    body = sum(58 + -(-len(m) // cols) * (tile_h + gap) + 14 for _, _, m in groups)
    height = 24 + title_lines * 40 + 6 + 92 + body + 40 + 28 * (len(notes) + 2)
    if not groups:
        height += 60
    c = Canvas(height)
    y = _heading(c, chart.title, 24)

    # A bar of the whole table: how many bodies have each rating, with the count written in words.
    total = max(1, len(chart.entries))
    x, bar_w = float(MARGIN), WIDTH - 2 * MARGIN
    c.text(MARGIN, y + 12, f"{len(chart.entries)} {chart.what}, by latest overall rating", 20, color=GREY)
    y += 30
    for rating, _, members in groups:
        w = bar_w * len(members) / total
        c.rect(x, y, w, 46, STRONG[rating], PAPER)
        label = f"{len(members)} {rating}" if w > 24 * len(f"{len(members)} {rating}") * 0.55 else str(len(members))
        c.text(x + w / 2, y + 23, label, 20, color=ON_STRONG[rating], weight="bold", ha="center")
        x += w
    y += 62
    if not groups:
        c.text(MARGIN, y + 20, "No rated inspections match.", 22)

    tile_w = (WIDTH - 2 * MARGIN - (cols - 1) * 10) / cols
    suffix = _common_suffix([e.name for e in chart.entries])
    for rating, rank, members in groups:
        tied = f"all {len(members)} share rank {rank}" if len(members) > 1 else f"rank {rank}"
        c.rect(MARGIN, y, WIDTH - 2 * MARGIN, 48, STRONG[rating])
        c.text(MARGIN + 14, y + 24, f"{rating}", 24, color=ON_STRONG[rating], weight="bold")
        c.text(WIDTH - MARGIN - 14, y + 24, f"{len(members)} · {tied}", 20, color=ON_STRONG[rating], ha="right")
        y += 58
        rows = -(-len(members) // cols)
        for col in range(cols):  # fill down each column, so the order reads top to bottom
            column = members[col * rows : (col + 1) * rows]
            if not column:
                continue
            tx = MARGIN + col * (tile_w + 10)
            for row in range(len(column)):
                c.rect(tx, y + row * (tile_h + gap), tile_w, tile_h, TINT[rating], STRONG[rating])
            rights = [e.year + (f" · {e.score}" if e.score else "") for e in column]
            labels = [
                _label(_without(e.name, suffix), tile_w - 26 - _width(r, px * 0.85), px)
                for e, r in zip(column, rights, strict=True)
            ]
            plain = [lines[0] if (size, len(lines)) == (px, 1) else "" for lines, size in labels]  # most names
            c.lines(tx + 8, y + tile_h / 2, plain, px, tile_h + gap)
            for row, (lines, size) in enumerate(labels):
                if not plain[row]:  # a long name: smaller, or on two lines, rather than cut short
                    centre = y + tile_h / 2 + row * (tile_h + gap)
                    c.lines(tx + 8, centre - (len(lines) - 1) * (size + 2) / 2, lines, size, size + 2)
            c.lines(tx + tile_w - 8, y + tile_h / 2, rights, px * 0.85, tile_h + gap, color=GREY, ha="right")
        y += rows * (tile_h + gap) + 14
    _footer(c, chart.newest, notes)
    return c


# -- ratings over the years ----------------------------------------------------------------------


def _legend(c: Canvas, y: float) -> float:
    x = MARGIN
    for rating in RATINGS:
        c.rect(x, y, 26, 26, STRONG[rating])
        c.text(x + 34, y + 13, rating, 20)
        x += 34 + len(rating) * 12 + 30
    return y + 44


def years_canvas(chart: YearsChart) -> Canvas:
    """Stacked bars, one per period, with the count of each rating written in a table under the bars."""
    bars_h, label_h, row_h, label_w = 230, 70, 26, 230
    panel_h = 40 + bars_h + label_h + 4 * row_h + 30
    title_lines = len(_wrap(chart.title, WIDTH - 2 * MARGIN, 30, bold=True))
    notes = ["(n est.) under a year: that many of its inspections have an estimated year."]
    height = 24 + title_lines * 40 + 6 + 44 + len(chart.panels) * panel_h + 40 + 28 * (len(notes) + 2)
    c = Canvas(height)
    y = _heading(c, chart.title, 24)
    y = _legend(c, y)
    for panel in chart.panels:
        c.text(MARGIN, y + 14, panel.label, 24, weight="bold")
        bottom = y + 40 + bars_h
        peak = max([sum(p) for p in panel.counts] + [1])
        n = max(1, len(panel.periods))
        left = MARGIN + label_w
        slot = (WIDTH - MARGIN - left) / n
        bar_w = min(110, slot * 0.72)
        c.rect(left, bottom, WIDTH - MARGIN - left, 2, GREY)
        table_y = bottom + label_h + row_h / 2
        for k, rating in enumerate(RATINGS):  # the table's row labels: a swatch and the rating in words
            c.rect(MARGIN, table_y + k * row_h - 9, 18, 18, STRONG[rating])
        c.lines(MARGIN + 26, table_y, [r if len(r) < 16 else "Requires impr." for r in RATINGS], 18, row_h)
        label_px = 19 if n <= 10 else 16
        for i, (period, counts) in enumerate(zip(panel.periods, panel.counts, strict=True)):
            cx = left + slot * (i + 0.5)
            base = bottom
            for rating, count in zip(RATINGS, counts, strict=True):
                if count:
                    h = (bars_h - 30) * count / peak
                    c.rect(cx - bar_w / 2, base - h, bar_w, h, STRONG[rating], PAPER)
                    base -= h
            c.text(cx, base - 14, str(sum(counts)), 19, weight="bold", ha="center")
            lines = _wrap(period, slot - 4, label_px)[:2]
            c.lines(cx, bottom + 16, lines, label_px, 22, ha="center")
            if panel.estimated[i]:
                c.text(cx, bottom + 16 + len(lines) * 22, f"({panel.estimated[i]} est.)", 15, color=GREY, ha="center")
            c.lines(cx, table_y, [str(count) if count else "–" for count in counts], 18, row_h, ha="center")
        y += panel_h
    _footer(c, chart.newest, notes)
    return c


# -- one body's history ----------------------------------------------------------------------------


def history_canvas(chart: HistoryChart) -> Canvas:
    """A time line: one row per rating (best at the top), and one for inspections without a rating if there are any."""
    rows = list(RATINGS) + (["no rating"] if any(not p.rating for p in chart.points) else [])
    row_h, label_w = 118, 200
    title_lines = len(_wrap(chart.title, WIDTH - 2 * MARGIN, 30, bold=True))
    notes = []
    if chart.predecessors:
        notes.append(f"Hollow diamonds: {', '.join(chart.predecessors)}, a different body this one replaced.")
    if any(p.when.endswith("?") for p in chart.points):
        notes.append(ESTIMATE_NOTE)
    if chart.earlier:
        notes.extend(_wrap(chart.earlier, WIDTH - 2 * MARGIN, 18))
    height = 24 + title_lines * 40 + 16 + len(rows) * row_h + 70 + 28 * (len(notes) + 2) + 20
    c = Canvas(height)
    top = _heading(c, chart.title, 24) + 10
    xs = [p.x for p in chart.points] or [2020.0]
    lo, hi = int(min(xs)), int(max(xs)) + 1
    if hi - lo < 3:
        lo, hi = lo - 1, hi + 1
    x0, x1 = MARGIN + label_w + 60, WIDTH - MARGIN - 70

    def xpos(year: float) -> float:
        return x0 + (x1 - x0) * (year - lo) / (hi - lo)

    for k, row in enumerate(rows):
        cy = top + row_h * (k + 0.5)
        c.rect(MARGIN, top + row_h * k, WIDTH - 2 * MARGIN, row_h - 4, TINT.get(row, "#EEEEEE"))
        c.text(MARGIN + 10, cy, SHORT.get(row, "No rating"), 20, weight="bold")
    axis_y = top + row_h * len(rows) + 6
    for year in range(lo, hi + 1):
        c.rect(xpos(year) - 1, top, 2, row_h * len(rows), "#FFFFFF")
        c.text(xpos(year), axis_y + 16, str(year), 19, ha="center", color=GREY)

    def row_of(point: Any) -> int:
        return RATINGS.index(point.rating) if point.rating else len(RATINGS)

    own = [p for p in chart.points if not p.predecessor and p.rating]
    if len(own) >= 2:
        c.polyline([xpos(p.x) for p in own], [top + row_h * (row_of(p) + 0.5) for p in own])
    for p in chart.points:
        cx, cy = xpos(p.x), top + row_h * (row_of(p) + 0.5)
        colour = STRONG.get(p.rating or "", GREY)
        if p.predecessor:
            c.marker(cx, cy, "D", "white", colour, 3)
        else:
            c.marker(cx, cy, "o", colour, INK, 1.5)
        lines = [p.when]
        if p.score:
            lines.append(f"score {p.score}")
        if not p.rating:
            lines.append("not rated" if p.status == "not rated" else "rating not in sources")
        if p.predecessor:
            lines.append(_fit(p.body, 200, 17) + " (predecessor)")
        c.text(cx, cy - 38, lines[0], 18, ha="center")  # the date above the point, the rest below
        for k, line in enumerate(lines[1:]):
            c.text(cx, cy + 36 + k * 20, line, 17, color=GREY, ha="center")
    if not chart.points:
        c.text(x0, top + 30, "No inspections with a date or year in our sources.", 22)
    _footer(c, chart.newest, notes)
    return c


# -- comparison ----------------------------------------------------------------------------------


def compare_canvas(chart: CompareChart) -> Canvas:
    """Bodies side by side: the overall rating on top, then one row per standard our sources rate."""
    n = len(chart.bodies)
    label_w = 330 if chart.standards else 0
    col_w = (WIDTH - 2 * MARGIN - label_w) / max(1, n)
    title_lines = len(_wrap(chart.title, WIDTH - 2 * MARGIN, 30, bold=True))
    name_lines = max(len(_wrap(b.name, col_w - 12, 20, bold=True)[:3]) for b in chart.bodies) if chart.bodies else 1
    cell_h = 62
    notes = ["An empty cell: our sources do not give that standard's rating for that body."] if chart.standards else []
    if any(b.year.endswith("?") for b in chart.bodies):
        notes.append(ESTIMATE_NOTE)
    box_h = 122 if any(b.score for b in chart.bodies) else 96  # a third line for scores where there are any
    head_h = name_lines * 24 + 16
    standards_h = 40 + len(chart.standards) * cell_h if chart.standards else 0
    height = 24 + title_lines * 40 + 6 + head_h + box_h + 12 + standards_h + 50 + 28 * (len(notes) + 2)
    c = Canvas(height)
    y = _heading(c, chart.title, 24)
    for i, body in enumerate(chart.bodies):
        cx = MARGIN + label_w + col_w * (i + 0.5)
        for k, line in enumerate(_wrap(body.name, col_w - 12, 20, bold=True)[:3]):
            c.text(cx, y + 12 + k * 24, line, 20, weight="bold", ha="center")
    y += head_h
    c.text(MARGIN, y + 42, "Overall rating" if label_w else "", 21, weight="bold")
    for i, body in enumerate(chart.bodies):
        x = MARGIN + label_w + col_w * i + 4
        colour = STRONG.get(body.rating or "", "#DDDDDD")
        c.rect(x, y, col_w - 8, box_h, colour, INK)
        word = (
            SHORT[body.rating]
            if body.rating
            else ("Not rated" if body.status == "not rated" else "Rating not\nin sources")
        )
        ink = ON_STRONG.get(body.rating or "", INK)
        c.text(x + (col_w - 8) / 2, y + 38, word, 21 if col_w > 200 else 17, color=ink, weight="bold", ha="center")
        c.text(x + (col_w - 8) / 2, y + 80, body.year, 18, color=ink, ha="center")
        if body.score:
            c.text(x + (col_w - 8) / 2, y + 104, f"score {body.score}", 17, color=ink, ha="center")
    y += box_h + 12
    if chart.standards:
        c.text(MARGIN, y + 20, "Standards, at the same inspection", 21, weight="bold")
        y += 40
        for label, cells in zip(chart.standards, chart.cells, strict=True):
            lines = _wrap(label, label_w - 16, 18)[:2]
            for k, line in enumerate(lines):
                c.text(MARGIN, y + cell_h / 2 + (k - (len(lines) - 1) / 2) * 22, line, 18)
            for i, rating in enumerate(cells):
                x = MARGIN + label_w + col_w * i + 4
                c.rect(
                    x,
                    y + 3,
                    col_w - 8,
                    cell_h - 6,
                    TINT[rating] if rating else "#F4F4F4",
                    STRONG[rating] if rating else "#CCCCCC",
                )
                if rating:
                    c.text(x + (col_w - 8) / 2, y + cell_h / 2, SHORT[rating], 18 if col_w > 200 else 16, ha="center")
            y += cell_h
    _footer(c, chart.newest, notes)
    return c


def lower_priority() -> None:
    """For a worker process that only draws: let the process answering questions have the CPU first."""
    # os.nice is missing on some platforms and may be refused: then draw at normal priority.
    with contextlib.suppress(AttributeError, OSError):
        os.nice(10)


def canvas(chart: Chart) -> Canvas:
    """Any chart laid out, ready to draw: what a test reads to see which words go on the picture."""
    if isinstance(chart, LeagueChart):
        return league_canvas(chart)
    if isinstance(chart, YearsChart):
        return years_canvas(chart)
    if isinstance(chart, HistoryChart):
        return history_canvas(chart)
    if isinstance(chart, CompareChart):
        return compare_canvas(chart)
    raise TypeError(f"not a chart: {type(chart).__name__}")


def png(chart: Chart) -> bytes:
    """The picture for any chart. A plain module-level function, so a worker process can be handed it."""
    return canvas(chart).png()
