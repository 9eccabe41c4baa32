"""A labelled grid of numbers: the embedding matrix and the stacked output.

Drawn from Text and Rectangles only (Manim's Matrix needs LaTeX). Rows marked
as gaps are drawn half-height with ⋮, standing for runs of hidden rows.
"""
from __future__ import annotations

from collections.abc import Sequence

from manim import RIGHT, Animation, FadeIn, Rectangle, Transform, VGroup, VMobject

from ..theme import SIZE, Theme
from .text import label, number

HEAD = 0.9          # headers and ⋮ a step under the numbers: the smallest text decides how far a grid may shrink
CELL_W = 1.0
CELL_H = 0.38
GAP_H = 0.24


class CellGrid(VGroup):
    """Rows of cells with a label column on the left and a header row on top.

    ``rows[i]`` is ``None`` for a gap row. ``labels[i]`` is the row label
    (e.g. ``"3  cat"``), ``label_colours[i]`` its colour.
    """

    def __init__(self, rows: Sequence[Sequence[str] | None], labels: Sequence[str], header: Sequence[str],
                 theme: Theme, *, label_width: float = 1.9, label_colours: Sequence[str | None] | None = None,
                 cell_size: float = SIZE.cell, **kwargs) -> None:
        super().__init__(**kwargs)
        self.theme = theme
        ncols = len(header)
        # widen cells for long numbers (more decimals, large magnitudes)
        longest = max([len(c) for r in rows if r is not None for c in r] + [len(h) for h in header] + [1])
        cell_w = max(CELL_W * 0.85, longest * cell_size * 0.0078 + 0.2)
        self.cell_w = cell_w
        self.cells: list[VGroup | None] = []
        self.boxes: list[Rectangle] = []
        self.row_labels: list[VMobject] = []
        self.header = VGroup()
        width = ncols * cell_w
        x0 = label_width
        for j, h in enumerate(header):
            t = label(h, theme, size=cell_size * HEAD, colour=theme.muted, mono=True, max_width=cell_w * 0.9)
            t.move_to([x0 + (j + 0.5) * cell_w, CELL_H * 0.6, 0])
            self.header.add(t)
        y = 0.0
        self.body = VGroup()
        for i, row in enumerate(rows):
            h = GAP_H if row is None else CELL_H
            cy = y - h / 2
            box = Rectangle(width=width, height=h, stroke_width=1, stroke_color=theme.faint,
                            fill_color=theme.panel, fill_opacity=1 if row is not None else 0)
            box.move_to([x0 + width / 2, cy, 0])
            self.boxes.append(box)
            cells = VGroup()
            if row is None:
                for j in range(ncols):
                    t = label("\u22ee", theme, size=cell_size * HEAD, colour=theme.muted)
                    t.move_to([x0 + (j + 0.5) * cell_w, cy, 0])
                    cells.add(t)
                lab = label("\u22ee", theme, size=cell_size * HEAD, colour=theme.muted).move_to([label_width / 2, cy, 0])
            else:
                for j, s in enumerate(row):
                    t = number(s, theme, size=cell_size, max_width=cell_w * 0.9,
                               colour=theme.muted if s == "\u22ef" else theme.text)
                    t.move_to([x0 + (j + 0.5) * cell_w, cy, 0])
                    cells.add(t)
                colour = (label_colours[i] if label_colours else None) or theme.text
                lab = label(labels[i], theme, size=cell_size, colour=colour, max_width=label_width - 0.15)
                lab.move_to([label_width - 0.1, cy, 0], aligned_edge=RIGHT)
            self.cells.append(cells)
            self.row_labels.append(lab)
            self.body.add(box, cells, lab)
            y -= h
        self.add(self.header, self.body)

    def row_box(self, i: int) -> Rectangle:
        return self.boxes[i]

    def row_cells(self, i: int) -> VGroup:
        return self.cells[i]

    def reveal_row(self, i: int) -> Animation:
        """Fade in row i: its box, cells and label."""
        return FadeIn(VGroup(self.boxes[i], self.cells[i], self.row_labels[i]))

    def copy_row_to(self, i: int, other: CellGrid, j: int) -> Animation:
        """A copy of row i's numbers flies into row j of ``other``, whose cells then stay shown."""
        return _CopyRow(self.cells[i], other.cells[j])


class _CopyRow(Transform):
    def __init__(self, source: VGroup, target: VGroup, **kwargs) -> None:
        self.target_cells = target
        super().__init__(source.copy(), target.copy().set_opacity(1), **kwargs)

    def clean_up_from_scene(self, scene) -> None:
        super().clean_up_from_scene(scene)
        scene.remove(self.mobject)
        self.target_cells.set_opacity(1)
        scene.add(self.target_cells)
