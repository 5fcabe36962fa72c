"""Ask N times: the answers asked of one prompt at once, how far they agree, their spread.

The kept answer is the ``Message`` in the card's history (the one the conversation
goes on from, and the only one in the history sent next); the others are its
``runs``, each with its tab number in ``run`` (1..N, stable when another is kept).
Keeping another swaps it into the history in one step (``kept_as``), so every place
that reads a history (requests, exports, transcripts, costs) needs no change.

Agreement: answers are the same when their texts are equal after normalising
whitespace and case (``normalise``); the mean pairwise similarity of the normalised
texts (``difflib.SequenceMatcher.ratio``, 1.0 = identical) says how close the rest
are. ``mean_similarity`` is pure and module-level so it can run in the bounded
evaluator (N answers of 500,000 characters take minutes of pure Python).
"""

from __future__ import annotations

import difflib
import itertools
import statistics
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from playground.workspace.types import Message, Metrics


def normalise(text: str) -> str:
    """Whitespace runs as one space, no leading/trailing space, case folded."""
    return " ".join(text.split()).casefold()


def ordered(answer: Message) -> list[Message]:
    """The kept answer and the others asked with it, in tab order (1..N)."""
    return sorted([answer, *answer.runs], key=lambda m: m.run)


def kept_as(answer: Message, run: int) -> Message | None:
    """The history message once run number ``run`` is kept instead (None: no such run,
    or it is the kept one already). Earlier answers (Regenerate) stay on the kept one."""
    if run == answer.run:
        return None
    chosen = next((m for m in answer.runs if m.run == run), None)
    if chosen is None:
        return None
    others = [m for m in answer.runs if m is not chosen]
    others.append(answer.model_copy(update={"runs": [], "earlier": []}))
    others.sort(key=lambda m: m.run)
    return chosen.model_copy(update={"runs": others, "earlier": answer.earlier})


@dataclass(frozen=True)
class Agreement:
    agree: int  # answers in the largest group of equal (normalised) texts
    answers: int

    def summary(self, similarity: float | None) -> str:
        """ "4 of 5 agree", "no two agree", with the mean similarity when not all agree."""
        head = f"{self.agree} of {self.answers} agree" if self.agree > 1 else "no two agree"
        if self.agree == self.answers or similarity is None:
            return head
        return f"{head} · similarity {similarity:.0%}"


def agreement(texts: Sequence[str]) -> Agreement:
    counts = Counter(normalise(t) for t in texts)
    return Agreement(max(counts.values(), default=0), len(texts))


def mean_similarity(texts: tuple[str, ...]) -> float:
    """The mean ``SequenceMatcher.ratio`` over every pair of normalised texts."""
    shown = [normalise(t) for t in texts]
    pairs = list(itertools.combinations(shown, 2))
    if not pairs:
        return 1.0
    ratios = [difflib.SequenceMatcher(None, a, b, autojunk=False).ratio() for a, b in pairs]
    return sum(ratios) / len(ratios)


@dataclass(frozen=True)
class Spread:
    """One figure over the answers that have it: lowest, median, highest."""

    low: float
    median: float
    high: float
    counted: int

    def summary(self, fmt: Callable[[float], str]) -> str:
        low, high = fmt(self.low), fmt(self.high)
        if low == high:  # the same as shown: one value
            return low
        return f"{low}–{high} (median {fmt(self.median)})"


def spread(values: Sequence[float | None]) -> Spread | None:
    present = [v for v in values if v is not None]
    if not present:
        return None
    return Spread(min(present), statistics.median(present), max(present), len(present))


FIGURES: dict[str, tuple[Callable[[Metrics], float | None], Callable[[float], str]]] = {
    "first token": (lambda m: m.ttft_s, lambda v: f"{v:.2f} s"),
    "tok/s": (lambda m: m.tokens_per_second, lambda v: f"{v:.0f}"),
    "tokens": (lambda m: m.output_tokens, lambda v: f"{v:.0f}"),
    "cost": (lambda m: m.cost_usd, lambda v: f"${v:.4f}"),
}


def spreads(answers: Sequence[Message]) -> dict[str, Spread]:
    """Each figure's spread over ``answers`` (figures no answer has are left out)."""
    out = {}
    for name, (read, _) in FIGURES.items():
        found = spread([read(m.metrics) if m.metrics else None for m in answers])
        if found is not None:
            out[name] = found
    return out


def spreads_summary(answers: Sequence[Message]) -> str:
    """ "first token 0.21 s–0.40 s (median 0.30 s) · tokens 12–15 (median 13)"."""
    found = spreads(answers)
    return " · ".join(f"{name} {s.summary(FIGURES[name][1])}" for name, s in found.items())
