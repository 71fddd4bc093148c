"""All the words on a chart, as one matplotlib artist that hands each line straight to the renderer.

matplotlib's ``Text`` measures every line before drawing it, to align it and stack it under the
one above; laying out a line of glyphs is the slowest step of drawing a chart, so that doubled the
time. Our lines are placed by arithmetic (centres a set pitch apart), so here a line is measured
only when it is centred or aligned right, and then once per string and size.

Imported by ``responses.charts.draw`` when the first chart is drawn, like matplotlib itself.
"""

from __future__ import annotations

from dataclasses import dataclass

from matplotlib.artist import Artist
from matplotlib.backend_bases import RendererBase
from matplotlib.font_manager import FontProperties
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


class Words(Artist):
    """Blocks of text in the coordinates of ``transform``, drawn above everything else."""

    def __init__(self, transform: Transform):
        super().__init__()
        self.set_transform(transform)
        self.set_zorder(4)
        self.blocks: list[Block] = []

    def add(
        self, x: float, y: float, lines: list[str], font: FontProperties, color: str, ha: str, pitch: float | None
    ) -> None:
        self.blocks.append(Block(x, y, tuple(lines), font, color, ha, pitch))

    def draw(self, renderer: RendererBase) -> None:
        sizes: dict[tuple[str, FontProperties], tuple[float, float, float]] = {}

        def measure(s: str, font: FontProperties) -> tuple[float, float, float]:
            """Width, height and descent in pixels, each string measured once."""
            if (s, font) not in sizes:
                sizes[s, font] = renderer.get_text_width_height_descent(s, font, ismath=False)
            return sizes[s, font]

        gc = renderer.new_gc()
        flip = renderer.get_canvas_width_height()[1] if renderer.flipy() else None
        to_display = self.get_transform()
        for b in self.blocks:
            # As matplotlib centres a line: on the height of "lp", tallest letter to lowest, so baselines agree.
            _, tall, low = measure("lp", b.font)
            pitch = b.pitch if b.pitch is not None else 1.2 * (tall - low) + low  # as matplotlib spaces lines
            gc.set_foreground(b.color)
            shift = ANCHOR[b.ha]
            for k, line in enumerate(b.lines):
                if not line:  # a gap in a column of lines
                    continue
                left = b.x - measure(line, b.font)[0] * shift if shift else b.x
                baseline = b.y + (k - (len(b.lines) - 1) / 2) * pitch + tall / 2 - low
                x, y = to_display.transform((left, baseline))
                renderer.draw_text(gc, x, flip - y if flip is not None else y, line, b.font, 0)
        gc.restore()
