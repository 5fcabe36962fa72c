"""Attachments through the page (AppTest, real HTTP): a long name, a cut-short PNG and a
good one sent to synced cards draw every card, tell the person, and keep the prompt."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from tests.helpers import assert_cards_drawn, cards, endpoints_toml, new_app, shown, state
from tests.ui.test_attachment_safety import noise_png, png

Config = Callable[..., Path]
MakeScenario = Callable[..., str]


def test_synced_cards_take_long_names_and_refuse_a_cut_short_png(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario(reply="ok")))
    at = new_app()
    at.toggle(key="sync_input_toggle").set_value(True).run()
    cut = noise_png(40_000)[:20_000]
    prompt = at.chat_input(key="sync_prompt").set_value("what are these?")
    prompt.upload("b" * 400 + ".png", png(), "image/png")
    prompt.upload("cut.png", cut, "image/png")
    at.run()
    assert_cards_drawn(at)
    assert any("'cut.png' could not be read as a whole image" in shown(w.value) for w in at.warning)
    for card in cards(at):
        first = card.messages[0]
        assert first.content == "what are these?"
        assert [a.name for a in first.attachments] == ["b" * 250 + "….png"]
        assert card.messages[-1].content == "ok"
    at.run()  # the next run (and a reload's) draws the cards too
    assert_cards_drawn(at)
    assert state(at).notices  # until dismissed
