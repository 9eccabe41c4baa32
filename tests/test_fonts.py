"""Tokens in any script are drawn with real glyphs, never the missing-glyph box.

Pango draws a character no installed font has as a box holding its hex code:
several outlines (the box, then 4-6 digits) where a real glyph is one, and
the first of them an axis-aligned rectangle. The set-up installs fallbacks
(fonts-wqy-microhei for CJK and Hangul, fonts-symbola for emoji); this proves
that Pango finds them for both lesson fonts, and that the text cache's key
changes when the fallback fonts change.
"""
from __future__ import annotations

import subprocess
import unicodedata

import numpy as np
import pytest

from embedcore.config import Style
from scenes.components.text import shaped_text, text_cache
from scenes.theme import theme_for

# right-to-left words alone once came out empty (a right-to-left paragraph aligned past the surface's edge)
TOKENS = ["猫", "犬", "日本語", "こんにちは", "カタカナ", "한국어", "café", "naïve", "Ωμέγα", "αβγ", "🐱", "😀", "🙂",
          "ض", "كلمة", "עברית"]
NEVER_COVERED = "\u0378"            # an unassigned code point: always the box


def is_box(glyph) -> bool:
    """An outline whose every point lies on its own bounding rectangle."""
    pts = glyph.points[:, :2]
    if len(pts) == 0 or len(pts) > 40:
        return False
    lo, hi = pts.min(axis=0), pts.max(axis=0)
    tol = 1e-3 * max(hi - lo)
    on_edge = (np.abs(pts - lo) < tol) | (np.abs(pts - hi) < tol)
    return bool(on_edge.any(axis=1).all())


def drawn(s: str, font: str):
    """The glyph outlines Pango draws for ``s`` (no disk cache, fresh Manim media dir)."""
    old = text_cache.directory
    text_cache.directory = None
    try:
        return list(shaped_text(s, font, 24, "#FFFFFF").submobjects)
    finally:
        text_cache.directory = old


@pytest.fixture(scope="module", autouse=True)
def fresh_media(tmp_path_factory):
    """Manim keeps each Text's SVG under media_dir/texts: a box drawn before a
    font was installed would be served again from there."""
    from manim import tempconfig
    with tempconfig({"media_dir": str(tmp_path_factory.mktemp("media"))}):
        yield


@pytest.mark.render
def test_the_detector_sees_the_missing_glyph_box():
    glyphs = drawn(NEVER_COVERED, theme_for(Style()).font)
    assert len(glyphs) > 1 and is_box(glyphs[0])


@pytest.mark.render
@pytest.mark.parametrize("mono", [False, True], ids=["font", "mono_font"])
def test_every_script_gets_real_glyphs(mono):
    theme = theme_for(Style())
    font = theme.mono if mono else theme.font
    for token in TOKENS:
        token = unicodedata.normalize("NFC", token)
        glyphs = drawn(token, font)
        assert len(glyphs) == len(token), f"{token!r} in {font}: {len(glyphs)} outlines for {len(token)} characters"
        assert not any(is_box(g) for g in glyphs), f"{token!r} in {font}: a missing-glyph box"


@pytest.mark.unit
def test_fontconfig_has_a_font_for_every_character():
    missing = []
    for ch in sorted(set("".join(TOKENS))):
        out = subprocess.run(["fc-list", f":charset={ord(ch):x}", "file"], capture_output=True, text=True).stdout
        if not out.strip():
            missing.append(f"U+{ord(ch):04X} {ch}")
    assert not missing, f"no installed font covers {missing} (run scripts/setup.sh)"


@pytest.mark.render
def test_text_and_clip_keys_change_when_the_fallback_fonts_change(tmp_path, monkeypatch):
    from embedviz.render.cache import fonts_version

    font = theme_for(Style()).font
    monkeypatch.setattr(type(text_cache), "_fonts", {})
    before, clips_before = text_cache.font_id(font), fonts_version.__wrapped__()
    conf = tmp_path / "fonts.conf"          # the system's fonts, less the CJK fallback
    conf.write_text('<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
                    "<include>/etc/fonts/fonts.conf</include><selectfont><rejectfont>"
                    "<glob>*wqy*</glob></rejectfont></selectfont></fontconfig>")
    monkeypatch.setenv("FONTCONFIG_FILE", str(conf))
    monkeypatch.setattr(type(text_cache), "_fonts", {})
    after, clips_after = text_cache.font_id(font), fonts_version.__wrapped__()
    assert before.split("+")[0] == after.split("+")[0]        # the same main font file...
    assert before != after and clips_before != clips_after      # ...but another fallback: other keys
