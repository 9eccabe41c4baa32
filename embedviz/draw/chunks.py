"""Render one chunk of a segment's timeline: the plays that start in its slice of time.

A long segment can be split into chunks rendered by different workers and
joined by stream copy (:mod:`.split` decides when). Every chunk runs the
scene's whole ``construct`` up to the end of its slice; plays before the slice
are *dry*: their animations and updaters advance frame by frame exactly as in
a render, and the clock advances by exactly the same float additions, but
nothing is drawn or encoded. So every chunk sees the state, the clock and the
caption cues of the unsplit render, and its first play starts a new partial
movie (a keyframe) as it does there. A play belongs to chunk
``min(n-1, floor(start·n/span))``: every chunk computes the same start times,
so each play is rendered by exactly one chunk. The last chunk runs to the end
of ``construct``: its duration and cues are the segment's.

This module is what the planner (:mod:`embedviz.executors.split`) needs and
imports no Manim; the renderer that runs a chunk is :mod:`.chunk_renderer`.
"""
from __future__ import annotations

from dataclasses import dataclass
from io import BytesIO
from pathlib import Path


@dataclass(frozen=True)
class Part:
    """Chunk ``index`` of ``count``, slicing a timeline of about ``span`` seconds."""

    index: int
    count: int
    span: float

    def of(self, start: float) -> int:
        """The chunk a play starting at ``start`` seconds belongs to."""
        return min(self.count - 1, max(0, int(start * self.count / self.span)))

    @property
    def last(self) -> bool:
        return self.index == self.count - 1


def join(partials, movie: Path, *, alpha_webm: bool = False) -> None:
    """Join a segment's partial movies (one a play, in play order) into ``movie`` as Manim's own
    ``SceneFileWriter.combine_files`` joins them for an unsplit render: FFmpeg's concat demuxer
    places each file where the previous one ended, packets are copied and the muxer recomputes
    their dts. So the joined clip has the unsplit clip's packets at the unsplit clip's times, in
    every container (WebM's millisecond clock included); a join of whole chunks would round
    each chunk's start once more."""
    import av

    manifest = BytesIO("".join(f"file 'file:{Path(p).as_posix()}'\n" for p in partials).encode())
    with av.open(manifest, format="concat", options={"safe": "0", "an": "1"}) as inp, \
            av.open(str(movie), mode="w") as out:
        istream = inp.streams.video[0]
        ostream = out.add_stream_from_template(template=istream)
        if alpha_webm:
            ostream.pix_fmt = "yuva420p"
        for packet in inp.demux(istream):
            if packet.dts is None:
                continue
            packet.dts = None
            packet.stream = ostream
            out.mux(packet)
