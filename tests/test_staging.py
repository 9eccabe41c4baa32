"""Staging and the output-folder lock, without rendering: new files replace old
ones only at commit; an interrupted render's finished clips are adopted by the
next one when they verify; an interrupted commit is finished (rolled forward)."""
from __future__ import annotations

import os
import subprocess
import sys
import threading
import time

import pytest

from embedcore.integrity import VerifiedFile
from embedviz.render.lock import output_lock
from embedviz.render.staging import PLAN, Staging, public_path


def old_output(out):
    (out / "clips").mkdir(parents=True)
    (out / "lesson.mp4").write_bytes(b"old video")
    (out / "manifest.json").write_text("old manifest")
    (out / "clips" / "01-lookup.mp4").write_bytes(b"old clip")
    VerifiedFile(out / "clips" / "01-lookup.mp4").commit("old-key", {"duration": 1.0, "cues": []})


def staged_clip(stage, name, data, key):
    p = stage.path(f"clips/{name}")
    p.write_bytes(data)
    VerifiedFile(p).commit(key, {"duration": 2.0, "cues": []})
    return p


@pytest.mark.unit
def test_nothing_replaced_until_commit_then_everything(tmp_path):
    old_output(tmp_path)
    stage = Staging(tmp_path)
    staged_clip(stage, "01-lookup.mp4", b"new clip", "new-key")
    stage.path("lesson.mp4").write_bytes(b"new video")
    stage.path("manifest.json").write_text("new manifest")
    stage.path("clips/.x.part").write_bytes(b"temporary")
    assert (tmp_path / "lesson.mp4").read_bytes() == b"old video"          # untouched while staged
    files = stage.commit()
    assert (tmp_path / "lesson.mp4").read_bytes() == b"new video"
    assert (tmp_path / "clips" / "01-lookup.mp4").read_bytes() == b"new clip"
    assert files[-1].name == "manifest.json" and not (tmp_path / "clips" / ".x.part").exists()
    assert not list(tmp_path.glob(".staging-*"))


@pytest.mark.unit
def test_an_interrupted_renders_clips_are_adopted_only_if_they_verify(tmp_path):
    old_output(tmp_path)
    dead = Staging(tmp_path)                        # a render killed before its commit
    staged_clip(dead, "01-lookup.mp4", b"finished clip", "new-key")
    bad = staged_clip(dead, "02-lookup.mp4", b"finished clip 2", "key-2")
    bad.write_bytes(b"finished clip 2, but damaged")
    dead.path("lesson.mp4").write_bytes(b"half a vid")
    stage = Staging(tmp_path)                       # the next render
    assert not dead.dir.exists() and (tmp_path / "lesson.mp4").read_bytes() == b"old video"
    clip, entry, why = stage.reusable("01-lookup.mp4", "new-key")
    assert clip is not None and clip.read_bytes() == b"finished clip" and clip.parent.parent == stage.dir
    assert stage.reusable("01-lookup.mp4", "old-key")[0] == tmp_path / "clips" / "01-lookup.mp4"
    clip, entry, why = stage.reusable("02-lookup.mp4", "key-2")
    assert clip is None and "bytes" in why
    assert stage.reusable("03-lookup.mp4", "k") == (None, None, None)


@pytest.mark.unit
def test_a_commit_cut_short_is_finished_by_the_next_render(tmp_path):
    old_output(tmp_path)
    dead = Staging(tmp_path)
    staged_clip(dead, "01-lookup.mp4", b"new clip", "new-key")
    dead.path("lesson.mp4").write_bytes(b"new video")
    dead.path("manifest.json").write_text("new manifest")
    (dead.dir / PLAN).write_text('["clips/01-lookup.mp4", "clips/01-lookup.mp4.json", "lesson.mp4", '
                                 '"manifest.json"]')
    os.replace(dead.dir / "clips" / "01-lookup.mp4", tmp_path / "clips" / "01-lookup.mp4")   # killed here
    stage = Staging(tmp_path)
    assert stage.notes and (tmp_path / "manifest.json").read_text() == "new manifest"
    assert stage.reusable("01-lookup.mp4", "new-key")[0] == tmp_path / "clips" / "01-lookup.mp4"


@pytest.mark.unit
def test_public_path_hides_staging():
    assert public_path("/m/x/480p15/.staging-12-ab/clips/01.mp4") == "/m/x/480p15/clips/01.mp4"


HOLD = """
import sys, time
from embedviz.render.lock import output_lock
with output_lock(sys.argv[1]):
    print("locked", flush=True)
    time.sleep(60)
"""


@pytest.mark.faults
def test_lock_waits_while_held_and_is_freed_when_the_holder_is_killed(tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", HOLD, str(tmp_path)], stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        waited = []
        got = threading.Event()

        def second():
            with output_lock(tmp_path, on_wait=waited.append):
                got.set()

        t = threading.Thread(target=second, daemon=True)
        t.start()
        time.sleep(0.5)
        assert not got.is_set() and waited and f"pid {holder.pid}" in waited[0]
        holder.kill()                                   # SIGKILL: no clean-up ran, the kernel frees the lock
        assert got.wait(10)
    finally:
        holder.kill()
        holder.wait()


@pytest.mark.faults
@pytest.mark.parametrize("sig", ["TERM", "HUP"])
def test_signals_unwind_like_ctrl_c(sig):
    code = ("import os, signal, time\nfrom embedviz.executors.lifecycle import Terminated, handle_signals\nhandle_signals()\n"
            "try:\n    os.kill(os.getpid(), signal.SIG" + sig + ")\n    time.sleep(5)\n"
            "except Terminated as e:\n    print(e.name, e.exit_code)\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=30).stdout.split()
    assert out == [f"SIG{sig}", str(128 + {"TERM": 15, "HUP": 1}[sig])]


HELD = """
import os, signal, sys
from pathlib import Path
from embedviz.render import staging
from embedviz.executors.lifecycle import Terminated, handle_signals
out = Path(sys.argv[1])
(out / "clips").mkdir(parents=True)
(out / "manifest.json").write_text("old")
(out / "clips" / "01.mp4").write_bytes(b"old")
stage = staging.Staging(out)
stage.path("clips/01.mp4").write_bytes(b"new")
stage.path("manifest.json").write_text("new")
moves = staging._roll_forward
def roll(src, dst):
    os.kill(os.getpid(), signal.SIGTERM)        # arrives in the middle of the moves
    moves(src, dst)
staging._roll_forward = roll
handle_signals()
try:
    stage.commit()
    print("no signal")
except Terminated as e:
    stage.discard_work()
    print(e.name, (out / "manifest.json").read_text(), (out / "clips" / "01.mp4").read_bytes().decode())
"""


@pytest.mark.faults
def test_a_signal_during_the_commit_waits_for_the_moves(tmp_path):
    r = subprocess.run([sys.executable, "-c", HELD, str(tmp_path / "out")], capture_output=True, text=True,
                       timeout=30)
    assert r.stdout.split() == ["SIGTERM", "new", "new"], r.stderr
