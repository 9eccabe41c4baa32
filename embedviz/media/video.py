"""Container work with PyAV: remux with faststart, concatenate without re-encoding.

Both copy compressed video packets; no frame is decoded or encoded again, so
joining clips costs milliseconds and cannot change a pixel. A narration track,
when there is one, is laid along the joined video and encoded once.
"""
from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

import av
import numpy as np

from embedcore.integrity import atomic_copy, atomic_path
from embedviz.media.audio import RATE, add_audio_stream, codec_for, encode

FASTSTART = {"movflags": "+faststart"}
CONTAINERS = {".mp4": ("mp4", FASTSTART), ".mov": ("mov", FASTSTART), ".webm": ("webm", {}), ".gif": ("gif", {})}


def concat(clips: Sequence[Path], out_path: Path, audio: Sequence | None = None) -> float:
    """Join ``clips`` (same codec parameters) into ``out_path``; return seconds.

    Video packets are copied. With ``audio`` (one mono float32 array at
    :data:`embedviz.media.audio.RATE` per clip, or None for silence) the output also
    gets one audio track: each array starts exactly where its clip's video
    starts and is cut or padded to that clip's length, so sound and picture
    stay within a sample of each other at every join. The sound is encoded
    once for the whole file (AAC-LC in mp4/mov, Opus in webm): joining AAC
    packets from separate files would repeat each file's encoder priming.
    Written to a temporary of this process (``.<out>.<pid>.part``) and renamed,
    so ``out_path`` is never half a file.
    """
    out_path = Path(out_path)
    if out_path.suffix == ".gif":
        return _concat_gif(clips, out_path)
    with atomic_path(out_path) as tmp:
        fmt, options = CONTAINERS[out_path.suffix]
        spans = _video_spans(clips) if audio is not None else None
        with av.open(str(tmp), "w", format=fmt, options=options) as out:
            ostream = None
            pending_audio: list = []
            offset = 0          # in the output stream's time base
            for clip in clips:
                with av.open(str(clip)) as inp:
                    istream = inp.streams.video[0]
                    if ostream is None:
                        ostream = out.add_stream_from_template(istream)
                        tb = istream.time_base
                        if spans is not None:
                            pending_audio = _audio_packets(out, out_path.suffix, audio, spans)
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
                        t = float(packet.dts * tb)
                        while pending_audio and pending_audio[0].dts is not None and \
                                float(pending_audio[0].dts * pending_audio[0].time_base) <= t:
                            out.mux(pending_audio.pop(0))
                        out.mux(packet)
                    offset = last_end
            for packet in pending_audio:
                out.mux(packet)
    return float(offset * tb) if clips else 0.0


def video_seconds(path: Path) -> float:
    """Where a file's video ends: its last packet's end (packets only, nothing decoded)."""
    with av.open(str(path)) as inp:
        istream = inp.streams.video[0]
        end = 0
        for packet in inp.demux(istream):
            if packet.pts is not None:
                end = max(end, packet.pts + (packet.duration or 0))
        return float(end * istream.time_base)


def _video_spans(clips: Sequence[Path]) -> list[tuple[float, float]]:
    """(start, end) seconds of each clip's video in the joined file."""
    spans, t = [], 0.0
    for clip in clips:
        dur = video_seconds(clip)
        spans.append((t, t + dur))
        t += dur
    return spans


def _audio_packets(out, suffix: str, tracks: Sequence, spans: list[tuple[float, float]]) -> list:
    """Encode one track laid out along ``spans`` on a new stream of ``out``; return its packets."""
    codec = codec_for(suffix)
    if codec is None:
        return []
    total = round(spans[-1][1] * RATE) if spans else 0
    track = np.zeros(total, np.float32)
    for (start, end), samples in zip(spans, tracks):
        if samples is None:
            continue
        a, b = round(start * RATE), round(end * RATE)
        piece = np.asarray(samples, np.float32)[: b - a]
        track[a:a + piece.size] = piece
    stream = add_audio_stream(out, codec)
    return list(encode(stream, track))


def remux(src: Path, dst: Path) -> None:
    """Copy ``src`` to ``dst`` with the index at the front (browser streaming)."""
    dst = Path(dst)
    if dst.suffix == ".gif":                 # nothing to fix in a GIF: copy it into place
        atomic_copy(src, dst)
        return
    concat([src], dst)


def probe(path: Path, fps: float | None = None) -> dict:
    """Codec facts of a video file, for the manifest and for tests.

    ``fps`` is the nominal rate the file was rendered at. ``frame_rate`` is
    ``"variable"`` when pictures are shown for different lengths (a hold is
    one frame), and ``frames`` then counts pictures stored, fewer than
    ``duration × fps``."""
    with av.open(str(path)) as c:
        s = c.streams.video[0]
        duration = float(c.duration / av.time_base) if c.duration else None
        rate = fps or (float(s.base_rate) if s.base_rate else None)
        pts = sorted(p.pts for p in c.demux(s) if p.pts is not None)
        steps = [b - a for a, b in zip(pts, pts[1:])]
        variable = bool(steps) and max(steps) > 1.5 * min(steps)     # WebM's ms clock: 16 and 17 are constant
        return {
            "codec": s.codec_context.name,
            "pix_fmt": s.codec_context.pix_fmt,
            "width": s.codec_context.width,
            "height": s.codec_context.height,
            "fps": rate,
            "frame_rate": "variable" if variable else "constant",
            "duration": duration,
            "frames": s.frames or len(pts),
            "audio": ({"codec": c.streams.audio[0].codec_context.name, "rate": c.streams.audio[0].rate,
                       "channels": c.streams.audio[0].codec_context.channels} if c.streams.audio else None),
        }


def thumbnail(clip: Path, at: float, out_path: Path) -> None:
    """Save the picture ``clip`` shows at ``at`` seconds as a PNG (atomically).

    Decoding starts at the key frame before ``at`` (a seek), not at the clip's start: a
    1080p60 segment decoded whole took seconds, most of an unchanged re-render."""
    out_path = Path(out_path)
    best = None
    with av.open(str(clip)) as c:
        stream = c.streams.video[0]
        if at > 0 and stream.time_base:
            c.seek(int(at / stream.time_base), stream=stream, backward=True, any_frame=False)
        for frame in c.decode(stream):
            if best is not None and frame.time is not None and frame.time > at + 1e-6:
                break
            best = frame
    if best is None:
        raise ValueError(f"{clip} has no frames")
    with atomic_path(out_path) as tmp:
        best.to_image().save(tmp, format="PNG")


def frames_on_grid(path: Path, fps: float, fmt: str = "rgb24") -> list:
    """Every picture ``path`` shows at ``0, 1/fps, 2/fps, …`` up to its end, as arrays.

    What a constant-frame-rate player samples: a variable-frame-rate file (a
    hold is one frame shown for the hold's length) and a constant one of the
    same pictures give equal lists. The end is the last packet's end. Arrays
    repeat by reference, so a long hold costs one picture of memory."""
    n = round(video_seconds(path) * fps)
    out: list = []
    with av.open(str(path)) as c:
        shown = None
        for frame in c.decode(video=0):
            start = round(frame.time * fps)
            while shown is not None and len(out) < min(start, n):
                out.append(shown)
            shown = frame.to_ndarray(format=fmt)
        while shown is not None and len(out) < n:
            out.append(shown)
    return out


def _concat_gif(clips: Sequence[Path], out_path: Path) -> float:
    """GIF packets carry no usable timestamps for stream copy: decode and re-encode.

    Cheap in practice, because GIFs are only made small (docs, slides).
    """
    out_path = Path(out_path)
    n = 0
    rate = None
    with atomic_path(out_path) as tmp:
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
    return float(n / rate) if rate else 0.0
