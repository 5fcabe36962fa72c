"""Blind comparison on the page (AppTest, real HTTP): nothing in the whole element tree
names a model or an endpoint while the round is blind; the vote reveals them."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from google.protobuf import text_format
from streamlit.testing.v1 import AppTest

from playground.arena.round import HIDDEN
from playground.arena.vote_store import VoteStore
from playground.store import StoreConfig, WorkspaceStore
from tests.helpers import cards, endpoints_toml, key, new_app, open_settings, state

Config = Callable[..., Path]
MakeScenario = Callable[..., str]
NAMES = ["Northwind", "Southwind", "north-7b", "south-13b", "south-70b"]


def setup(write_config: Config, scenario: MakeScenario, tmp_path: Path) -> AppTest:
    # Echoing scenarios: each answer starts with "[<model id>]", so it names its model.
    write_config(
        endpoints_toml(
            Northwind=scenario(models=["north-7b"]),
            Southwind=scenario(models=["south-13b", "south-70b"]),
        )
        + f'\n[store]\ndata_dir = "{tmp_path / "data"}"\n'
    )
    at = new_app()
    second = cards(at)[1]
    at.selectbox(key=key(second, "endpoint")).set_value("Southwind").run()
    assert [c.config.model for c in cards(at)] == ["north-7b", "south-13b"]
    return at


def tree_text(at: AppTest) -> str:
    """Every element and block of the page, as protobuf text (labels, values, options,
    help, markdown bodies, captions, code, ...)."""
    parts = []
    for node in at._tree:  # the root: main, sidebar and every nested block
        proto = getattr(node, "proto", None)
        if proto is not None:
            parts.append(text_format.MessageToString(proto, as_utf8=True))
    return "\n".join(parts)


def names_in(text: str) -> list[str]:
    text = text.replace("\\", "").lower()  # markdown escapes ("north\\-7b") too
    return [n for n in NAMES if n.lower() in text]


def send_synced(at: AppTest, prompt: str) -> None:
    at.chat_input(key="sync_prompt").set_value(prompt).run()
    assert not at.exception, [e.value for e in at.exception]


def test_nothing_names_a_model_while_blind_and_the_vote_reveals(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    assert set(names_in(tree_text(at))) >= {"Northwind", "north-7b", "south-13b"}  # the scan sees
    at.toggle(key="blind_toggle").set_value(True).run()
    assert not at.exception
    assert names_in(tree_text(at)) == []
    assert at.toggle(key="sync_input_toggle").value and at.toggle(key="sync_input_toggle").disabled
    assert {m.value for m in at.markdown} >= {"**Model A**", "**Model B**"}
    send_synced(at, "Say who you are")
    assert all(c.messages[-1].status == "done" for c in cards(at))
    assert all("turn 1" in c.messages[-1].content for c in cards(at))  # raw text kept
    text = tree_text(at)
    assert names_in(text) == [], names_in(text)
    assert HIDDEN in text and "first token" not in text  # masked answers, no figures
    assert [b.label for b in at.button if b.key and b.key.startswith("arena-vote-")] == [
        "A is better",
        "B is better",
        "Tie",
        "Both are bad",
    ]
    a_model = next(c for c in cards(at) if state(at).arena.label(c.id) == "A").config.model
    at.selectbox(key=f"arena-tag-{state(at).arena.round_id}").set_value("coding")
    at.button(key="arena-vote-a").click().run()
    assert not at.exception
    revealed = [t.value for t in at.text]
    assert (
        f"Model A was {a_model} on " + ("Northwind" if a_model == "north-7b" else "Southwind")
        in revealed
    )
    store = WorkspaceStore.from_config(StoreConfig(data_dir=str(tmp_path / "data")))
    try:
        (vote,) = VoteStore(store).list()
    finally:
        store.close()
    assert vote.outcome.kind == "a" and vote.tag == "coding" and vote.prompt == "Say who you are"
    assert vote.entry("A").model == a_model
    assert any("Voted: A is better" in s.value for s in at.success)
    # The next vote needs a new round: its histories are cleared, nothing is named again.
    at.button(key="arena-new-round").click().run()
    assert all(c.messages == [] for c in cards(at)) and not state(at).arena.voted
    assert names_in(tree_text(at)) == []


def test_models_drawn_from_a_pool_stay_hidden(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    at.toggle(key="blind_draw").set_value(True).run()
    pool = at.multiselect(key="blind_pool")
    assert [o for o in pool.options] == [
        "north-7b · Northwind",
        "south-13b · Southwind",
        "south-70b · Southwind",
    ]
    pool.set_value([o for o in pool.options if "south" in o]).run()
    at.toggle(key="blind_toggle").set_value(True).run()
    assert not at.exception
    assert {c.config.model for c in cards(at)} == {"south-13b", "south-70b"}
    assert names_in(tree_text(at)) == []
    send_synced(at, "hello")
    assert names_in(tree_text(at)) == []
    assert not [w for w in at.warning if "Pick at least" in w.value]


def test_three_cards_vote_best_and_worst(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    at.button(key="add_card").click().run()
    at.toggle(key="blind_toggle").set_value(True).run()
    send_synced(at, "hi")
    assert names_in(tree_text(at)) == []
    round_id = state(at).arena.round_id
    at.radio(key=f"arena-best-{round_id}").set_value("C").run()
    at.radio(key=f"arena-worst-{round_id}").set_value("A").run()
    at.button(key="arena-vote-best").click().run()
    assert state(at).arena.verdict == "Best: C, worst: A"
    assert len([t for t in at.text if " was " in t.value]) == 3


def test_settings_open_when_a_blind_round_begins_close_and_name_nothing(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    first = cards(at)[0]
    open_settings(at, first)
    assert [t for t in at.text_area if t.label == "System prompt"]  # open
    at.toggle(key="blind_toggle").set_value(True).run()
    assert not at.exception
    assert not [t for t in at.text_area if t.label == "System prompt"]  # closed
    assert names_in(tree_text(at)) == []
    at.toggle(key="blind_toggle").set_value(False).run()
    assert not [t for t in at.text_area if t.label == "System prompt"]  # not opened again
