"""The playground's filters through the manager's own filter grammar, at every generation.

``tests/fake_manager/filters.py`` holds the grammar of lablup/backend.ai
``manager/models/minilang/queryfilter.py`` (identical at 24.09.14, 25.13.4, 26.4.10)
parsed with lark 1.1.9 as the manager locks it, and the per-generation enum handling.
"""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.endpoints.backendai.query import LIVE_ENDPOINTS, clean_search_text, endpoint_filter
from tests.fake_manager import GEN_2409, GEN_2513, GEN_2604, GENERATIONS, compile_filter
from tests.fake_manager.filters import FilterError
from tests.fake_manager.generations import Generation

BY_ID = [pytest.param(g, id=g.id) for g in GENERATIONS]


def row(name: str, stage: str) -> dict[str, object]:
    return {"name": name, "lifecycle_stage": stage}


@pytest.mark.parametrize("gen", BY_ID)
def test_live_filter_keeps_every_stage_but_the_dying(gen: Generation) -> None:
    live = compile_filter(LIVE_ENDPOINTS, gen)
    kept = [s for s in gen.lifecycle_values if live(row("x", s))]
    assert kept == [s for s in gen.lifecycle_values if s not in ("destroying", "destroyed")]
    assert live(row("x", gen.live_stage))


def test_the_old_filter_finds_nothing_on_current_managers() -> None:
    old = 'lifecycle_stage == "created"'
    assert compile_filter(old, GEN_2409)(row("x", GEN_2409.live_stage))
    for gen in (GEN_2513, GEN_2604):
        assert not compile_filter(old, gen)(row("x", gen.live_stage))  # READY, never CREATED


def test_ready_is_refused_up_to_24_and_names_only_by_24_09() -> None:
    with pytest.raises(FilterError, match="Invalid enum value: ready"):
        compile_filter('lifecycle_stage == "ready"', GEN_2409)
    assert compile_filter('lifecycle_stage == "CREATED"', GEN_2409)(row("x", "created"))
    with pytest.raises(FilterError, match="not a valid EndpointLifecycle"):
        compile_filter('lifecycle_stage == "CREATED"', GEN_2604)


@pytest.mark.parametrize("gen", BY_ID)
def test_malformed_filters_are_refused_as_the_manager_does(gen: Generation) -> None:
    for bad in ('name ilike "x', "name ilike x", 'nickname == "x"', '(name == "x"'):
        with pytest.raises(FilterError, match="Query filter parsing error"):
            compile_filter(bad, gen)


@settings(max_examples=150, deadline=None)
@given(text=st.text(max_size=40), noise=st.text(max_size=5))
def test_any_search_text_parses_and_matches_itself_literally(text: str, noise: str) -> None:
    wanted = clean_search_text(text)
    for gen in GENERATIONS:
        match = compile_filter(endpoint_filter(text), gen)
        assert match(row(noise + wanted + noise, gen.live_stage))
        assert not match(row(noise + wanted + noise, "destroying"))
        if wanted:
            # A wildcard or quote in the text is not one in the pattern ("\x01" is never
            # in the cleaned text, in any case).
            assert not match(row(wanted[:-1] + "\x01", gen.live_stage))
