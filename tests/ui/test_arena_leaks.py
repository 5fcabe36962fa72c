"""A blind round gives nothing away outside the cards either (AppTest, real HTTP): no page
or caption names a model, the address carries no workspace link, the context line is an
estimate on every card, and no element key made before the shuffle names a card after it."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from streamlit.testing.v1 import AppTest

from playground.session import Session
from playground.store import StoreConfig, WorkspaceStore
from playground.store.history_facts import HIDDEN_MODELS, history_facts
from playground.workspace.types import Card, CardConfig, Message, Workspace
from tests.helpers import APP, cards, endpoints_toml, key, new_app, open_with, state
from tests.helpers import send_synced as send_to_all  # turns Sync Input on first
from tests.ui.test_arena_app import names_in, send_synced, setup, tree_text

Config = Callable[..., Path]
MakeScenario = Callable[..., str]


def blind_round(at: AppTest, prompt: str = "Say who you are") -> None:
    at.toggle(key="blind_toggle").set_value(True).run()
    send_synced(at, prompt)
    assert all(c.messages[-1].status == "done" for c in cards(at))


def wait_saved(session: Session, data_dir: Path) -> str:
    """Until the background saver wrote the live workspace; its id."""
    saver = session.saver
    assert saver is not None and saver.workspace_id is not None
    store = WorkspaceStore.from_config(StoreConfig(data_dir=str(data_dir)))
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            stored = store.load(saver.workspace_id)
            if stored is not None and stored.workspace == session.workspace:
                return saver.workspace_id
            time.sleep(0.05)
    finally:
        store.close()
    raise AssertionError("the workspace was not saved in time")


def other_tab(page_file: str) -> AppTest:
    """Another browser tab (a new session) on this page, with no link."""
    at = AppTest.from_file(APP, default_timeout=60)
    at.switch_page(page_file)
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def test_the_prompt_sets_page_names_no_model_during_a_round(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    blind_round(at)
    at.switch_page("pages/prompt_sets.py").run()
    assert not at.exception
    assert names_in(tree_text(at)) == []  # its caption listed the models in A, B order
    assert any("blind round is running" in i.value for i in at.info)
    # After the vote the page is back, with its cards' models.
    at.switch_page("pages/playground.py").run()
    at.button(key="arena-vote-tie").click().run()
    at.switch_page("pages/prompt_sets.py").run()
    assert {"north-7b", "south-13b"} <= set(names_in(tree_text(at)))


def test_history_names_no_model_of_the_round_in_this_tab_or_another(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    blind_round(at)
    wait_saved(state(at), tmp_path / "data")
    at.switch_page("pages/history.py").run()
    assert not at.exception
    text = tree_text(at)
    assert "Say who you are" in text  # the round's row is listed...
    assert names_in(text) == []  # ...without its models in card order
    elsewhere = other_tab("pages/history.py")
    assert "Say who you are" in tree_text(elsewhere)
    assert names_in(tree_text(elsewhere)) == []
    # The vote reveals them: History names them again.
    at.switch_page("pages/playground.py").run()
    at.button(key="arena-vote-a").click().run()
    wait_saved(state(at), tmp_path / "data")
    assert {"north-7b", "south-13b"} <= set(names_in(tree_text(other_tab("pages/history.py"))))


def test_no_workspace_link_during_a_round_and_its_link_reopens_it_blind(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    blind_round(at)
    assert "ws" not in at.query_params  # a reload or a new tab would show the cards
    workspace_id = wait_saved(state(at), tmp_path / "data")
    # History's "Open" (or a link kept from elsewhere) reopens the round blind.
    reopened = open_with(ws=workspace_id)
    assert state(reopened).arena.hiding
    assert state(reopened).arena.labels == state(at).arena.labels  # A is still A
    assert names_in(tree_text(reopened)) == []
    assert "ws" not in reopened.query_params
    reopened.button(key="arena-vote-b").click().run()
    assert state(reopened).arena.verdict == "B is better"
    assert reopened.query_params["ws"] == workspace_id  # revealed: the link is back


def test_every_card_counts_tokens_as_an_estimate_while_blind(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    write_config(
        endpoints_toml(Open=scenario(models=["gpt-4o"]), Other=scenario(models=["llama-3"]))
        + f'\n[store]\ndata_dir = "{tmp_path / "data"}"\n'
    )
    at = new_app()
    at.selectbox(key=key(cards(at)[1], "endpoint")).set_value("Other").run()
    send_to_all(at, "Count me")
    lines = [c.value for c in at.caption if "Next request" in c.value]
    assert len(lines) == 2 and sum("≈" in line for line in lines) == 1  # exact for gpt-4o
    blind_round(at, "Count me again")
    lines = [c.value for c in at.caption if "Next request" in c.value]
    assert len(lines) == 2 and all("≈" in line for line in lines), lines


def test_no_element_key_made_before_the_shuffle_names_a_card_after_it(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    at = setup(write_config, scenario, tmp_path)
    before = [c.id for c in cards(at)]
    assert all(f"pgcard-{card_id}" in tree_text(at) for card_id in before)  # the scan sees
    blind_round(at)
    text = tree_text(at)
    assert [card_id for card_id in before if card_id in text] == []
    assert len(set(state(at).arena.labels)) == 2  # the new ids are the round's


def test_history_facts_of_a_blind_workspace_name_no_model_and_search_only_prompts() -> None:
    ask = Message(role="user", content="Which is faster?")
    answer = Message(role="assistant", content="I am north-7b, the fastest")
    card = Card(config=CardConfig(endpoint="Northwind", model="north-7b"), messages=[ask, answer])
    blind = history_facts(Workspace(cards=[card], blind_round="r1"))
    assert (blind.title, blind.models, blind.messages) == ("Which is faster?", [HIDDEN_MODELS], 2)
    assert "which is faster?" in blind.search_text and "north-7b" not in blind.search_text
    revealed = history_facts(Workspace(cards=[card]))
    assert revealed.models == ["north-7b"] and "north-7b" in revealed.search_text


def test_a_prompt_over_the_window_is_refused_without_figures_while_blind(
    write_config: Config, scenario: MakeScenario, tmp_path: Path
) -> None:
    small = scenario(models=["north-7b"])
    write_config(
        f'[[endpoints]]\nname = "Northwind"\nbase_url = "{small}"\ncontext_window = 4093\n'
        f'[[endpoints]]\nname = "Southwind"\nbase_url = "{scenario(models=["south-13b"])}"\n'
        f'\n[store]\ndata_dir = "{tmp_path / "data"}"\n'
    )
    at = new_app()
    at.selectbox(key=key(cards(at)[1], "endpoint")).set_value("Southwind").run()
    at.toggle(key="blind_toggle").set_value(True).run()
    send_synced(at, "word " * 5000)  # about 6,250 tokens: over Northwind's window only
    refused = [c for c in cards(at) if c.messages[-1].status == "error"]
    assert len(refused) == 1 and "Not sent" in (refused[0].messages[-1].error or "")
    text = tree_text(at)
    plain = text.replace("\\", "")  # markdown escapes ("4\\,093") too
    assert "4,093" not in plain and "4093" not in plain  # the window would name the model
    assert names_in(text) == []
