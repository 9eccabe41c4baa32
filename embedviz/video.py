"""Container work with PyAV: remux with faststart, concatenate without re-encoding.

Both copy compressed packets; nothing is decoded or encoded again, so joining
clips costs milliseconds and cannot change a pixel.
"""
from __future__ import annotations

import os
from collections.abc import Sequence
from pathlib import Path

import av

FASTSTART = {"movflags": "+faststart"}


def concat(clips: Sequence[Path], out_path: Path) -> float:
    """Join ``clips`` (same codec parameters) into ``out_path``; return seconds.

    Written to ``<out>.part`` and renamed, so ``out_path`` is never half a file.
    """
    out_path = Path(out_path)
    tmp = out_path.with_name(out_path.name + ".part")
    try:
        with av.open(str(tmp), "w", format="mp4", options=FASTSTART) as out:
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
    tmp = out_path.with_name(out_path.name + ".part")
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
