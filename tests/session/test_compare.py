"""Comparison tools: clone and compare cards, regenerate, edit and resend, copy (issue 6)."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from playground.workspace.types import Card, Message
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import (
    assert_cards_drawn,
    cards,
    endpoints_toml,
    key,
    new_app,
    open_settings,
    scenario_name,
    send_synced,
    send_to_card,
    shown,
    sync_off,
)

Config = Callable[..., Path]
MakeScenario = Callable[..., str]


def test_take_last_answer_keeps_earlier_answers_flat() -> None:
    card = Card(
        messages=[
            Message(role="user", content="q"),
            Message(
                role="assistant", content="a2", earlier=[Message(role="assistant", content="a1")]
            ),
        ]
    )
    earlier = card.take_last_answer()
    assert earlier is not None and [m.content for m in earlier] == ["a1", "a2"]
    assert all(m.earlier == [] for m in earlier)
    assert [m.content for m in card.messages] == ["q"]
    # A failed answer without text is not worth keeping.
    card.messages.append(Message(role="assistant", status="error", error="boom"))
    assert card.take_last_answer() == []
    assert Card().take_last_answer() is None


def test_clone_card_copies_endpoint_model_and_settings(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario(models=["m1", "m2", "m3"])))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    at.selectbox(key=key(first, "model")).set_value("m2").run()
    open_settings(at, first)
    at.number_input(key=key(first, "temperature")).set_value(0.2).run()
    send_to_card(at, first, "hello")
    at.button(key=key(first, "clone")).click().run()
    first, clone, _ = cards(at)
    open_settings(at, clone)
    assert at.number_input(key=key(clone, "temperature")).value == 0.2  # its Settings show it
    assert clone.config.endpoint == "Alpha" and clone.config.model == "m2"
    assert clone.config.settings.temperature == 0.2
    assert clone.messages == [] and clone.id != first.id
    assert at.selectbox(key=key(clone, "model")).value == "m2"
    assert at.number_input(key=key(clone, "temperature")).value == 0.2
    # The clone's settings are its own.
    at.number_input(key=key(clone, "temperature")).set_value(1.5).run()
    assert cards(at)[0].config.settings.temperature == 0.2
    assert_cards_drawn(at)


def test_compare_with_other_models_picks_an_unused_model(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario(models=["m1", "m2", "m3"])))
    at = new_app()
    first = cards(at)[0]  # both cards start on m1
    open_settings(at, first)
    at.text_area(key=key(first, "system")).set_value("Be brief.").run()
    at.button(key=key(first, "compare")).click().run()
    compared = cards(at)[1]
    assert compared.config.model == "m2" and compared.config.endpoint == "Alpha"
    assert compared.config.settings.system_prompt == "Be brief."
    assert any("choose the model" in shown(c.value) for c in at.caption)
    at.selectbox(key=key(compared, "model")).set_value("m3").run()
    assert not any("choose the model" in shown(c.value) for c in at.caption)


def test_clone_and_compare_are_disabled_at_the_cap(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()) + "\n[limits]\nmax_cards = 2\n")
    at = new_app()
    first = cards(at)[0]
    assert at.button(key=key(first, "clone")).disabled
    assert at.button(key=key(first, "compare")).disabled


def test_regenerate_replaces_the_answer_and_keeps_the_earlier_one(
    write_config: Config, scenario: MakeScenario, server: FakeOpenAIServer
) -> None:
    url = scenario()
    write_config(endpoints_toml(Alpha=url))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first = cards(at)[0]
    send_to_card(at, first, "tell me")
    old = first.messages[-1]
    assert at.button(key=key(first, "retry")).label == "Regenerate"
    at.button(key=key(first, "retry")).click().run()
    first = cards(at)[0]
    assert [m.role for m in first.messages] == ["user", "assistant"]
    answer = first.messages[-1]
    assert answer.status == "done" and answer.id != old.id
    assert [m.id for m in answer.earlier] == [old.id]
    # The same history was sent again.
    requests = server.chat_requests(scenario_name(url))
    assert requests[-1].body is not None and requests[-2].body is not None
    assert requests[-1].body["messages"] == requests[-2].body["messages"]
    assert any(e.label == "Earlier answer" for e in at.expander)
    # Twice: both earlier answers stay reachable, oldest first.
    at.button(key=key(first, "retry")).click().run()
    assert [m.id for m in cards(at)[0].messages[-1].earlier] == [old.id, answer.id]
    assert any(e.label == "Earlier answers (2)" for e in at.expander)


def test_edit_last_prompt_and_resend_in_one_card(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first, second = cards(at)
    send_to_card(at, first, "first question")
    send_to_card(at, second, "untouched")
    prompt = first.last_prompt()
    assert prompt is not None
    field = at.text_area(key=f"{key(first, 'edit')}-{prompt.id}")
    assert field.value == "first question"
    field.set_value("better question").run()
    at.button(key=f"{key(first, 'edit')}-resend").click().run()
    first, second = cards(at)
    assert [m.content for m in first.messages] == [
        "better question",
        "[fake-small] turn 1: better question",
    ]
    assert first.messages[-1].earlier[0].content == "[fake-small] turn 1: first question"
    assert first.messages[-1].earlier[0].replied_to == "first question"  # the prompt it answered
    assert any(
        "earlier version of the prompt: “first question”" in shown(c.value) for c in at.caption
    )
    assert [m.content for m in second.messages] == ["untouched", "[fake-small] turn 1: untouched"]
    assert_cards_drawn(at)


def test_edit_with_sync_input_resends_to_every_card(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    send_synced(at, "hi all")
    prompt = cards(at)[-1].last_prompt()
    assert prompt is not None
    at.text_area(key=f"sync-edit-{prompt.id}").set_value("hello all").run()
    at.button(key="sync-edit-resend").click().run()
    for card in cards(at):
        assert [m.content for m in card.messages] == ["hello all", "[fake-small] turn 1: hello all"]
    at.button(key="regenerate_all").click().run()
    assert all(len(c.messages[-1].earlier) == 2 for c in cards(at))


def test_copy_answer_offers_the_exact_markdown(
    write_config: Config, scenario: MakeScenario
) -> None:
    reply = "Use **bold** and `code`:\n\n```python\nprint('hi')\n```"
    write_config(endpoints_toml(Alpha=scenario(reply=reply)))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    send_to_card(at, cards(at)[0], "show me")
    assert [c.value for c in at.code if c.language == "markdown"] == [reply]


def test_synced_edit_leaves_a_card_that_was_asked_something_else(
    write_config: Config, scenario: MakeScenario
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    sync_off(at)  # the first page opens synced; this test types into one card
    first, second = cards(at)
    send_to_card(at, first, "only for the first")
    send_to_card(at, second, "only for the second")
    send_synced(at, "for both")
    at.toggle(key="sync_input_toggle").set_value(False).run()
    send_to_card(at, cards(at)[0], "first's own follow-up")
    at.toggle(key="sync_input_toggle").set_value(True).run()
    prompt = cards(at)[-1].last_prompt()
    assert prompt is not None and prompt.content == "for both"
    at.text_area(key=f"sync-edit-{prompt.id}").set_value("for both, edited").run()
    assert at.button(key="sync-edit-resend").label == "Resend"  # one card has that prompt
    at.button(key="sync-edit-resend").click().run()
    first, second = cards(at)
    assert first.last_prompt().content == "first's own follow-up"  # type: ignore[union-attr]
    assert second.last_prompt().content == "for both, edited"  # type: ignore[union-attr]


def test_compare_answers_of_two_huge_answers_stays_within_the_display_limit(
    write_config: Config, scenario: MakeScenario
) -> None:
    # Issue 27: two 499,000-character answers put 1 MB of diff on the page.
    from playground.ui.text import SHOWN_LIMIT

    write_config(endpoints_toml(Alpha=scenario()))
    at = new_app()
    send_synced(at, "write a lot")
    lines = "".join(
        f"The quick brown fox jumps over the lazy dog {i % 50}.\n" for i in range(12_000)
    )
    reference = lines[:499_000]
    other = reference.replace("fox jumps over the lazy dog 7.", "cat leaps past the lazy dog 7.")
    for card, text in zip(cards(at), [reference, other], strict=True):
        card.messages[-1].content = text
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    for as_markers in (False, True):
        at.toggle(key="compare_markers").set_value(as_markers).run()
        copies = [c.value for c in at.code if c.language == "markdown"]  # "Copy answer"
        assert copies == [reference, other]
        if as_markers:
            diffs = [
                c.value
                for c in at.code
                if c.language != "markdown" and c.value.startswith("The quick")
            ]
        else:
            diffs = [m.value for m in at.markdown if ":green-background[**" in m.value]
        assert len(diffs) == 1, [d[:80] for d in diffs]
        assert ("{+cat" if as_markers else "[**cat") in diffs[0]
        assert SHOWN_LIMIT * 0.9 < len(diffs[0]) <= SHOWN_LIMIT  # was 1 MB (Markdown)
        assert any("longer than the page shows" in c.value for c in at.caption)
        (download,) = [b for b in at.get("download_button") if "compare_download" in b.proto.id]
        assert download.proto.label == "Download the whole diff"
