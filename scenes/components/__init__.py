"""Reusable Manim pieces. Each builds itself once and returns Animations from
methods; the scene decides when to play them."""
