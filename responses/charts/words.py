"""All the words on a chart, as one matplotlib artist that lays each line out once and draws it as an image.

Text is most of the time a chart takes to draw, and matplotlib's ``Text`` spends it twice over:
it lays out every line to measure it (to align it and stack it under the one above), then lays it
out again to draw it; and its fonts read their glyphs through a Python file object, a few hundred
small reads per line. Here each line is laid out once, by the same FreeType wrapper matplotlib
uses, from a font held in memory: the line's width comes with its glyphs, and the glyphs go on the
canvas with the renderer's ``draw_image``, exactly where and as ``Text`` would put them (the same
pixels: ``tests/responses/test_charts.py`` compares the two). Our lines are placed by arithmetic
(centres a set pitch apart), so nothing else needs measuring.

Imported by ``responses.charts.draw`` when the first chart is drawn, like matplotlib itself.
"""

from __future__ import annotations

import functools
import io
import threading
from dataclasses import dataclass

import numpy as np
from matplotlib import rcParams
from matplotlib.artist import Artist
from matplotlib.backend_bases import RendererBase
from matplotlib.backends.backend_agg import get_hinting_flag
from matplotlib.colors import to_rgb
from matplotlib.font_manager import FontProperties
from matplotlib.ft2font import FT2Font
from matplotlib.transforms import Transform

#: Where a line's x is, as a share of its width from the left: its left end, middle or right end.
ANCHOR = {"left": 0.0, "center": 0.5, "right": 1.0}


@dataclass(frozen=True)
class Block:
    """Lines of one font and colour, centred ``pitch`` pixels apart about ``y`` (None: the font's own spacing)."""

    x: float
    y: float
    lines: tuple[str, ...]
    font: FontProperties
    color: str
    ha: str
    pitch: float | None


@functools.cache
def face(path: str, thread: int) -> FT2Font:
    """The font file ``path``, read into memory once per drawing thread (FreeType faces are not shared).

    matplotlib's own faces read glyphs through a file object, a Python call per small read; from
    memory the same glyphs load more than twice as fast.
    """
    with open(path, "rb") as f:
        return FT2Font(io.BytesIO(f.read()), int(rcParams["text.hinting_factor"]))


class Words(Artist):
    """Blocks of text in the coordinates of ``transform``, drawn above everything else, on a canvas of ``dpi``."""

    def __init__(self, transform: Transform, dpi: float):
        super().__init__()
        self.dpi = dpi
        self.set_transform(transform)
        self.set_zorder(4)
        self.blocks: list[Block] = []

    def add(
        self, x: float, y: float, lines: list[str], font: FontProperties, color: str, ha: str, pitch: float | None
    ) -> None:
        self.blocks.append(Block(x, y, tuple(lines), font, color, ha, pitch))

    def draw(self, renderer: RendererBase) -> None:
        gc = renderer.new_gc()
        height = renderer.get_canvas_width_height()[1]
        to_display = self.get_transform()
        flags = get_hinting_flag()  # type: ignore[no-untyped-call]  # the flags matplotlib draws text with
        for b in self.blocks:
            path = b.font.get_file()
            assert path is not None, "a chart's fonts are named by file"
            font = face(str(path), threading.get_ident())
            font.set_size(b.font.get_size_in_points(), self.dpi)
            # As matplotlib centres a line: on the height of "lp", tallest letter to lowest, so baselines agree.
            font.set_text("lp", 0, flags=flags)
            tall, low = font.get_width_height()[1] / 64, font.get_descent() / 64
            pitch = b.pitch if b.pitch is not None else 1.2 * (tall - low) + low  # as matplotlib spaces lines
            rgb = np.array(to_rgb(b.color)) * 255
            for k, line in enumerate(b.lines):
                if not line:  # a gap in a column of lines
                    continue
                font.set_text(line, 0, flags=flags)
                font.draw_glyphs_to_bitmap(antialiased=True)
                coverage = np.asarray(font.get_image())
                image = np.empty((*coverage.shape, 4), np.uint8)
                image[..., :3] = rgb
                image[..., 3] = coverage[::-1]  # the renderer takes images bottom row first
                left = b.x - font.get_width_height()[0] / 64 * ANCHOR[b.ha]
                baseline = b.y + (k - (len(b.lines) - 1) / 2) * pitch + tall / 2 - low
                x, y = to_display.transform((left, baseline))
                # Where matplotlib's Agg renderer puts a line's bitmap: offset, rounded, one row below its descent,
                # counted from the top of the canvas; draw_image counts from the bottom row of its whole pixels.
                dx, dy = (v / 64 for v in font.get_bitmap_offset())
                bottom = round(height - y + dy + font.get_descent() / 64) + 1
                renderer.draw_image(gc, round(x + dx), int(height) - bottom, image)
        gc.restore()
