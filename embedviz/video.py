"""Container work with PyAV: remux with faststart, concatenate without re-encoding.

Both copy compressed packets; nothing is decoded or encoded again, so joining
clips costs milliseconds and cannot change a pixel.
"""
from __future__ import annotations

import os
import shutil
from collections.abc import Sequence
from pathlib import Path

import av

from embedcore.integrity import part_path

FASTSTART = {"movflags": "+faststart"}
CONTAINERS = {".mp4": ("mp4", FASTSTART), ".mov": ("mov", FASTSTART), ".webm": ("webm", {}), ".gif": ("gif", {})}


def concat(clips: Sequence[Path], out_path: Path) -> float:
    """Join ``clips`` (same codec parameters) into ``out_path``; return seconds.

    Written to a temporary of this process (``.<out>.<pid>.part``) and renamed,
    so ``out_path`` is never half a file.
    """
    out_path = Path(out_path)
    if out_path.suffix == ".gif":
        return _concat_gif(clips, out_path)
    tmp = part_path(out_path)
    try:
        fmt, options = CONTAINERS[out_path.suffix]
        with av.open(str(tmp), "w", format=fmt, options=options) as out:
            ostream = None
            offset = 0          # in the output stream's time base
            for clip in clips:
                with av.open(str(clip)) as inp:
                    istream = inp.streams.video[0]
                    if ostream is None:
                        ostream = out.add_stream_from_template(istream)
                        tb = istream.time_base
                    elif istream.time_base != tb:
                        raise ValueError(f"{clip} has time base {istream.time_base}, expected {tb}")
                    last_end = offset
                    for packet in inp.demux(istream):
                        if packet.dts is None:
                            continue
                        packet.pts += offset
                        packet.dts += offset
                        last_end = max(last_end, packet.pts + (packet.duration or 0))
                        packet.stream = ostream
                        out.mux(packet)
                    offset = last_end
        os.replace(tmp, out_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return float(offset * tb) if clips else 0.0


def remux(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` with the index at the front (browser streaming)."""
    dst = Path(dst)
    if dst.suffix == ".gif":                 # nothing to fix in a GIF: copy it into place
        tmp = part_path(dst)
        shutil.copyfile(src, tmp)
        os.replace(tmp, dst)
        return
    concat([src], dst)


def probe(path: Path) -> dict:
    """Codec facts of a video file, for the manifest and for tests."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        return {
            "codec": s.codec_context.name,
            "pix_fmt": s.codec_context.pix_fmt,
            "width": s.codec_context.width,
            "height": s.codec_context.height,
            "fps": float(s.average_rate) if s.average_rate else None,
            "duration": float(c.duration / av.time_base) if c.duration else None,
            "frames": s.frames,
        }


def thumbnail(clip: Path, at: float, out_path: Path) -> None:
    """Save the frame of ``clip`` nearest ``at`` seconds as a PNG (atomically)."""
    out_path = Path(out_path)
    tmp = part_path(out_path)
    best = None
    with av.open(str(clip)) as c:
        for frame in c.decode(video=0):
            best = frame
            if frame.time is not None and frame.time >= at:
                break
    if best is None:
        raise ValueError(f"{clip} has no frames")
    best.to_image().save(tmp, format="PNG")
    os.replace(tmp, out_path)


def _concat_gif(clips: Sequence[Path], out_path: Path) -> float:
    """GIF packets carry no usable timestamps for stream copy: decode and re-encode.

    Cheap in practice, because GIFs are only made small (docs, slides).
    """
    out_path = Path(out_path)
    tmp = part_path(out_path)
    n = 0
    rate = None
    try:
        with av.open(str(tmp), "w", format="gif") as out:
            ostream = None
            for clip in clips:
                with av.open(str(clip)) as inp:
                    istream = inp.streams.video[0]
                    if ostream is None:
                        rate = istream.average_rate or istream.guessed_rate
                        ostream = out.add_stream("gif", rate=rate)
                        ostream.width = istream.codec_context.width
                        ostream.height = istream.codec_context.height
                        ostream.pix_fmt = "rgb8"     # as Manim's own GIF writer (swscale has no pal8)
                    for frame in inp.decode(istream):
                        new = av.VideoFrame.from_ndarray(frame.to_ndarray(format="rgb24"), format="rgb24")
                        new.pts = n
                        for packet in ostream.encode(new):
                            out.mux(packet)
                        n += 1
            if ostream is not None:
                for packet in ostream.encode():
                    out.mux(packet)
        os.replace(tmp, out_path)
    finally:
        if tmp.exists():
            tmp.unlink()
    return float(n / rate) if rate else 0.0
