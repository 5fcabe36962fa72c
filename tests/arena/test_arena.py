"""Blind rounds (shuffling, labels, what a card shows), vote kinds, and the export."""

from __future__ import annotations

import json
import random
from collections import Counter

import pytest
from pydantic import ValidationError

from playground.arena.export import export_jsonl
from playground.arena.round import (
    HIDDEN,
    BlindRound,
    Contestant,
    draw_models,
    letters,
    mask,
    shuffle_cards,
    what_card_shows,
)
from playground.arena.votes import Outcome, comparisons, preferences
from playground.workspace.types import Card
from tests.arena_votes import record

X, Y, Z = (Contestant("E", m) for m in ("x", "y", "z"))


def test_shuffling_puts_every_card_first_about_as_often() -> None:
    rng = random.Random(3)
    cards = [Card() for _ in range(3)]
    firsts: Counter[str] = Counter()
    orders = set()
    for _ in range(600):
        labels = shuffle_cards(cards, rng)
        assert sorted(labels.values()) == ["A", "B", "C"]
        assert [labels[c.id] for c in cards] == ["A", "B", "C"]  # labelled in the new order
        firsts[cards[0].id] += 1
        orders.add(tuple(c.id for c in cards))
    assert len(orders) == 6  # every order of three cards turns up
    assert all(150 <= n <= 250 for n in firsts.values()), firsts


def test_letters_go_on_past_z() -> None:
    assert letters(3) == ["A", "B", "C"]
    assert letters(28)[-2:] == ["AA", "AB"]


def test_drawing_from_the_pool_gives_different_models() -> None:
    rng = random.Random(1)
    pool = [X, Y, Z]
    seen = Counter()
    for _ in range(300):
        drawn = draw_models(pool, 2, rng)
        assert isinstance(drawn, list) and len(set(drawn)) == 2
        seen.update(drawn)
    assert set(seen) == {X, Y, Z} and min(seen.values()) > 150
    assert "at least 3 models" in str(draw_models([X, X, Y], 3, rng))


def test_mask_hides_names_case_insensitively_and_short_ones_as_words() -> None:
    text = "I am Llama-3 (llama-3 on gpu-box); q4 is not in q42 or aq4."
    assert mask(text, ("llama-3", "gpu-box", "q4")) == (
        f"I am {HIDDEN} ({HIDDEN} on {HIDDEN}); {HIDDEN} is not in q42 or aq4."
    )


def test_what_a_card_shows_off_blind_and_after_the_vote() -> None:
    state = BlindRound()
    who = {"c1": X, "c2": Y}
    assert what_card_shows(state, "c1", who).title is None  # off: everything
    state.on, state.labels = True, {"c1": "B", "c2": "A"}
    blind = what_card_shows(state, "c1", who)
    assert blind.title == "Model B" and blind.reveal is None
    assert not (blind.selectors or blind.menus or blind.summary or blind.metrics)
    assert blind.hide("x said y at E") == f"{HIDDEN} said {HIDDEN} at {HIDDEN}"
    state.vote_id = "v1"
    after = what_card_shows(state, "c1", who)
    assert after.reveal == "Model B was x on E" and after.hidden == ()
    assert not after.selectors  # the round goes on: the models stay as they are


@pytest.mark.parametrize(
    ("kind", "expected"),
    [
        pytest.param("a", [(X, Y, False)], id="A is better"),
        pytest.param("b", [(Y, X, False)], id="B is better"),
        pytest.param("tie", [(X, Y, True)], id="Tie"),
        pytest.param("bothbad", [(X, Y, True)], id="Both are bad"),
    ],
)
def test_two_card_votes(kind: str, expected: list[tuple[Contestant, Contestant, bool]]) -> None:
    vote = record(["x", "y"], kind)
    assert [(c.first, c.second, c.tie) for c in comparisons(vote)] == expected
    assert all(c.both_bad == (kind == "bothbad") for c in comparisons(vote))
    assert [(c.model, r.model) for c, r in preferences(vote)] == [
        (f, s) for f, s, tie in [(a.model, b.model, t) for a, b, t in expected] if not tie
    ]


def test_best_of_three_with_and_without_a_worst() -> None:
    best = record(["x", "y", "z"], "best", best="B")
    assert {(c.first, c.second) for c in comparisons(best)} == {(Y, X), (Y, Z)}
    both = record(["x", "y", "z"], "best", best="B", worst="A")
    assert {(c.first, c.second) for c in comparisons(both)} == {(Y, X), (Y, Z), (Z, X)}


@pytest.mark.parametrize(
    ("models", "outcome"),
    [
        pytest.param(["x", "y", "z"], {"kind": "a"}, id="A/B on three cards"),
        pytest.param(["x", "y"], {"kind": "best", "best": "C"}, id="best not a card"),
        pytest.param(["x", "y", "z"], {"kind": "best", "best": "A", "worst": "A"}, id="same"),
    ],
)
def test_impossible_votes_are_refused(models: list[str], outcome: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        record(models, **outcome)  # type: ignore[arg-type]
    with pytest.raises(ValidationError):
        Outcome(kind="a", best="A")


def test_export_gives_one_preference_pair_per_strict_win() -> None:
    votes = [
        record(["x", "y"], "b", tag="coding", prompt="Sort a list"),
        record(["x", "y"], "tie"),
        record(["x", "y"], "bothbad"),
        record(["x", "y", "z"], "best", best="A", worst="C"),
    ]
    votes[0].entries[0].history = [{"role": "user", "content": "hi"}]
    lines = [json.loads(line) for line in export_jsonl(votes).decode().splitlines()]
    assert len(lines) == 1 + 3  # ties give none; best-of-3 with a worst gives three
    first = lines[0]
    assert (first["prompt"], first["chosen"], first["rejected"]) == (
        "Sort a list",
        "answer of y",
        "answer of x",
    )
    assert first["models"]["chosen"]["model"] == "y" and first["models"]["rejected"]["model"] == "x"
    assert first["models"]["chosen"]["endpoint"] == "E" and first["tag"] == "coding"
    assert first["rejected_history"] == [{"role": "user", "content": "hi"}]
    assert first["chosen_history"] == [] and first["outcome"] == "B is better"
    assert {(p["chosen"], p["rejected"]) for p in lines[1:]} == {
        ("answer of x", "answer of y"),
        ("answer of x", "answer of z"),
        ("answer of y", "answer of z"),
    }
    assert all("voter" not in p for p in lines)
