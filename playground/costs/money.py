"""Dollar figures as people read them (no imports: the workspace types use it)."""

from __future__ import annotations

import math


def dollars(amount: float, estimated: bool = False) -> str:
    """``amount`` with two significant figures, never in e-notation: ``$0.000048``,
    ``$1.2``, ``$3,400``; "≈" first when the figure rests on estimated token counts."""
    mark = "≈" if estimated else ""
    if amount <= 0:
        return f"{mark}$0"
    rounded = float(f"{amount:.2g}")
    digits = max(0, 1 - math.floor(math.log10(rounded)))
    return f"{mark}${rounded:,.{digits}f}"
