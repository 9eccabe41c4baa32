"""Every substituted formula on screen, in every example lesson, gives its shown result from its shown
numbers at the shown precision ("0.62 / (1.04 × 0.74) ≈ 0.80" would be wrong: those give 0.81)."""
from __future__ import annotations

import re
from decimal import Decimal
from pathlib import Path

import pytest

pytestmark = pytest.mark.unit

from embedcore.lesson import load_lesson
from embedcore.segments.cosine_vs_distance import substituted_formula

ROOT = Path(__file__).resolve().parent.parent
NUM = r"-?\d[\d,]*(?:\.\d+)?"
ARITH = re.compile(rf"^[\s()]*{NUM}(?:[\s()]*(?:×|times|/)[\s()]*{NUM})+[\s()]*$")
RESULT = re.compile(rf"^\s*({NUM})\b")


def strings(o):
    if isinstance(o, dict):
        for v in o.values():
            yield from strings(v)
    elif isinstance(o, (list, tuple)):
        for v in o:
            yield from strings(v)
    elif isinstance(o, str):
        yield o


def checks(s: str):
    """(expression, its value, the shown result) for each 'arithmetic = number' step in ``s``."""
    parts = re.split(r"=|≈|\bapprox\b", s.replace("\u2212", "-"))
    for left, right in zip(parts, parts[1:]):
        m = RESULT.match(right)
        expr = left.strip()
        if not m or not ARITH.match(expr):
            continue
        py = expr.replace("times", "*").replace("×", "*").replace(",", "")
        yield expr, eval(py, {"__builtins__": {}}), m.group(1)      # digits, operators, brackets only


def shown_as(value: float, shown: str) -> str:
    decimals = len(shown.split(".")[1]) if "." in shown else 0
    q = Decimal(value).quantize(Decimal(1).scaleb(-decimals))
    out = f"{q:,}" if "," in shown else f"{q}"
    return out


LESSONS = sorted(ROOT.glob("configs/*.yaml"))


@pytest.mark.parametrize("path", LESSONS, ids=[p.stem for p in LESSONS])
def test_formulas_give_their_shown_results(path):
    c = load_lesson(path)
    for sb in c.storyboards:
        for s in strings(sb.to_dict()):
            for expr, value, shown in checks(s):
                assert shown_as(value, shown) == shown, f"{path.name} {sb.type}: {s!r}: {expr} = {value}"


def test_the_examples_hold_formulas():
    """The test above is not vacuous: the examples put formulas on screen, and a wrong one is caught."""
    found = [x for p in LESSONS for sb in load_lesson(p).storyboards for s in strings(sb.to_dict())
             for x in checks(s)]
    assert len(found) >= 4
    wrong = list(checks("cos theta = (0.62) / (1.04 times 0.74) approx 0.80"))
    assert wrong and shown_as(wrong[0][1], wrong[0][2]) != wrong[0][2]


@pytest.mark.parametrize("dot,na,nb", [(0.6234, 1.0416, 0.7443), (-0.5, 0.3, 2.0), (1e-3, 0.01, 0.2),
                                        (12.345, 3.5, 3.6)])
@pytest.mark.parametrize("dec", [0, 1, 2, 3, 4])
def test_cosine_formula_is_consistent(dot, na, nb, dec):
    s = substituted_formula(dot, na, nb, dot / (na * nb), dec)
    (expr, value, shown), = checks(s)
    assert shown_as(value, shown) == shown, s
