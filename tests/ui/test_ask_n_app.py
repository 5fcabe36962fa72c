"""Ask N times on the page, with AppTest, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playground.chat.runs import ordered
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import (
    assert_cards_drawn,
    cards,
    endpoints_toml,
    key,
    new_app,
    scenario_name,
    send_synced,
    send_to_card,
    state,
    sync_off,
)
from tests.session.test_ask_n import numbered

Config = Callable[..., Path]
MakeScenario = Callable[..., str]


def captions(at) -> list[str]:  # type: ignore[no-untyped-def]
    return [c.value for c in at.caption]


def test_an_answer_asked_three_times_shows_three_tabs_that_agree(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    at.number_input(key=key(first, "runs")).set_value(3).run()
    assert any(c.startswith("Each prompt: 3 answers") for c in captions(at))
    send_to_card(at, first, "same again")
    assert_cards_drawn(at)
    name = scenario_name(url)
    assert sum(1 for r in server.requests if r.scenario == name and "chat" in r.path) == 3
    assert [t.label for t in at.tabs] == ["1 ✓", "2", "3"]
    assert any(c.startswith("3 of 3 agree") for c in captions(at))
    assert any("tokens" in c and "first token" in c for c in captions(at))  # the spread
    assert [m.status for m in ordered(first.messages[-1])] == ["done"] * 3


def test_keep_this_answer_makes_it_the_kept_one(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario(reply_fn=numbered())))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    at.number_input(key=key(first, "runs")).set_value(2).run()
    send_to_card(at, first, "pick")
    assert [t.label for t in at.tabs] == ["1 ✓", "2"]
    assert any(c.startswith("no two agree · similarity") for c in captions(at))
    second = ordered(first.messages[-1])[1]
    at.button(key=f"{first.id}-keep-{second.id}").click().run()
    card = cards(at)[0]
    assert card.messages[-1].id == second.id
    assert [t.label for t in at.tabs] == ["1", "2 ✓"]
    assert card.history_for_request()[-1]["content"] == second.content
    assert_cards_drawn(at)


def test_a_run_over_the_threshold_asks_to_confirm(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + "\n[limits]\nconfirm_answers_over = 3\n")
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    at.number_input(key=key(first, "runs")).set_value(4).run()
    send_to_card(at, first, "lots")
    assert any("This run asks 4 answers" in w.value for w in at.warning)
    assert cards(at)[0].messages == []
    at.button(key="ask-n-yes").click().run()
    assert state(at).pending_ask is None
    assert [t.label for t in at.tabs] == ["1 ✓", "2", "3", "4"]
    assert len(ordered(cards(at)[0].messages[-1])) == 4
    assert_cards_drawn(at)


def test_slow_answers_stream_into_live_tabs_then_settle(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario(tokens=60, tokens_per_second=40)))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    at.number_input(key=key(first, "runs")).set_value(2).run()
    send_to_card(at, first, "slowly")  # the page follows both answers until they end
    answers = ordered(cards(at)[0].messages[-1])
    assert [m.status for m in answers] == ["done", "done"]
    assert all(m.content.endswith("w59") for m in answers)
    assert [t.label for t in at.tabs] == ["1 ✓", "2"]
    assert not any(c.startswith("Asking 2 times") for c in captions(at))  # settled
    assert at.chat_input(key=key(first, "input")) is not None  # its input is back
    assert_cards_drawn(at)


def test_sync_input_asks_every_card_n_times(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    at.toggle(key="sync_input_toggle").set_value(True).run()
    at.number_input(key="sync_runs").set_value(2).run()
    assert any(c.startswith("Each prompt: 4 answers") for c in captions(at))  # 2 cards × 2
    send_synced(at, "both twice")
    for card in cards(at):
        assert [m.status for m in ordered(card.messages[-1])] == ["done", "done"]
    assert [t.label for t in at.tabs] == ["1 ✓", "2", "1 ✓", "2"]
    assert_cards_drawn(at)


def test_no_ask_n_times_in_a_blind_round(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    asked = [n.key for n in at.number_input if n.label == "Ask N times"]
    assert asked == [key(c, "runs") for c in cards(at)]
    at.toggle(key="blind_toggle").set_value(True).run()
    assert state(at).arena.hiding
    assert [n.key for n in at.number_input if n.label == "Ask N times"] == []
    assert_cards_drawn(at)
