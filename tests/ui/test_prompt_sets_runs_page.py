"""Runs per prompt on the Prompt sets page (AppTest): the size before Run, the confirm box
over ``[limits] confirm_answers_over`` (both ways), a cell's pass rate and its answers."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playground.promptsets.stats import wilson
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import endpoints_toml, new_app, scenario_name
from tests.ui.test_prompt_sets_page import prompt_sets_page, wait_done

SET = "prompt,expected\nhello,contains:hello\nbye,json\n"


def test_three_runs_per_prompt_show_pass_rates_and_intervals(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value(SET)
    at.number_input(key="ps-runs").set_value(3).run()
    size = at.get("caption")
    assert any(c.value.startswith("This run: 12 answers · ≈ ") for c in size)
    assert not _has_confirm(at)  # 12 answers: under the default 200
    at.button(key="ps-run").click().run()
    wait_done(at)
    assert any(m.value == "**Done** · 12 / 12 answers" for m in at.markdown)
    asked = server.chat_requests(scenario_name(url))
    assert len(asked) == 12
    assert sorted(r.body["messages"][-1]["content"] for r in asked) == ["bye"] * 6 + ["hello"] * 6
    summary, grid = at.dataframe[0].value, at.dataframe[1].value
    low, high = wilson(3, 6)  # each card: hello passes 3 times, bye (json) fails 3 times
    rate = f"50% ({low * 100:.0f}–{high * 100:.0f} %)"
    assert list(summary["Pass rate (95 % interval)"]) == [rate, rate]
    assert list(summary["Checks passed"]) == ["3/6", "3/6"]
    assert summary["Length (tokens), median (p10–p90)"][0].count("(") == 1
    assert grid.iloc[0, 2].startswith("3/3 ✓ · ✓ [fake-small]")
    assert grid.iloc[1, 3].startswith("0/3 ✓ · ✗ ")


def _has_confirm(at) -> bool:  # type: ignore[no-untyped-def]
    return any(c.key == "ps-confirm" for c in at.checkbox)


def test_a_run_over_the_threshold_waits_for_the_confirm_box(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url) + "\n[limits]\nconfirm_answers_over = 8\n")
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value(SET)
    at.number_input(key="ps-runs").set_value(2).run()  # 2 x 2 x 2 = 8: not over
    assert not _has_confirm(at) and not at.button(key="ps-run").disabled
    at.number_input(key="ps-runs").set_value(3).run()  # 12: over 8
    assert _has_confirm(at)
    assert at.checkbox(key="ps-confirm").label == "Yes, ask 12 answers (more than 8)"
    assert at.button(key="ps-run").disabled
    assert server.chat_requests(scenario_name(url)) == []
    at.checkbox(key="ps-confirm").check().run()
    assert not at.button(key="ps-run").disabled
    at.button(key="ps-run").click().run()
    wait_done(at)
    assert len(server.chat_requests(scenario_name(url))) == 12


def test_the_grid_pages_its_rows(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value("".join(f"q{i}\n" for i in range(250))).run()
    at.checkbox(key="ps-confirm").check().run()  # 500 answers: over the default 200
    at.button(key="ps-run").click().run()
    wait_done(at, 60)
    assert len(at.dataframe[1].value) == 200
    page = at.selectbox(key="ps-page")
    assert page.options == ["Rows 1–200 of 250", "Rows 201–250 of 250"]
    page.set_value(2).run()
    grid = at.dataframe[1].value
    assert len(grid) == 50 and list(grid["#"])[:2] == [201, 202]


def test_a_selected_cell_shows_its_answers_in_a_tab_each(
    write_config: Callable[..., Path], scenario: Callable[..., str], server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value("prompt,expected\nhello,contains:hello\n")
    at.number_input(key="ps-runs").set_value(3).run()
    at.button(key="ps-run").click().run()
    wait_done(at)
    picked = {"selection": {"rows": [], "columns": [], "cells": [[0, "1 · fake-small"]]}}
    at.session_state["ps-grid-00-1"] = picked  # the grid's selection, as a click sets it
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    assert [t.label for t in at.tabs] == ["Run 1 ✓", "Run 2 ✓", "Run 3 ✓"]
    answers = [c for c in at.markdown if c.value == "\\[fake\\-small\\] turn 1\\: hello"]
    assert len(answers) == 3  # each run's answer, in its own tab
    assert [b.key for b in at.button if b.key and b.key.startswith("ps-continue")] == [
        "ps-continue",
        "ps-continue-1",
        "ps-continue-2",
    ]
