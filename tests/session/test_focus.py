"""Focus: one card at full width, cards hidden and shown without being removed."""

from __future__ import annotations

from collections.abc import Callable

from playground.session import Session, commands, focus
from tests.session.test_commands import finish, on, services

Scenario = Callable[..., str]


def ids(grid: list[list]) -> list[list[str]]:  # type: ignore[type-arg]
    return [[c.id for c in row] for row in grid]


def test_focus_draws_one_card_at_full_width_and_back() -> None:
    session = Session()
    session.workspace.cards_per_row = 2
    a, b = (c.id for c in session.workspace.cards)
    grid, per_row = focus.rows(session)
    assert ids(grid) == [[a, b]] and per_row == 2
    focus.focus(session, b, from_card=True)
    grid, per_row = focus.rows(session)
    assert ids(grid) == [[b]] and per_row == 1 and session.redraw_page
    assert [c.id for c in focus.hidden_cards(session)] == [a]
    focus.focus(session, None)
    assert ids(focus.rows(session)[0]) == [[a, b]]


def test_hidden_cards_keep_their_history_and_still_get_synced_prompts(
    scenario: Scenario,
) -> None:
    svc = services(A=scenario())
    session = on(svc)
    commands.add_card(session, svc)
    a, b, c = (card.id for card in session.workspace.cards)
    session.workspace.cards_per_row = 2
    focus.set_hidden(session, b, True)
    assert ids(focus.rows(session)[0]) == [[a, c]]
    commands.send_to_all(session, svc, "hello")
    finish(session)
    hidden = session.card(b)
    assert hidden is not None and hidden.messages[-1].content.startswith("[fake-small] turn 1")
    focus.focus(session, b)  # focusing a hidden card shows it
    assert ids(focus.rows(session)[0]) == [[b]] and b not in session.card_view.hidden
    focus.focus(session, None)
    focus.set_hidden(session, a, True)
    focus.set_hidden(session, c, True)
    assert ids(focus.rows(session)[0]) == [[b]]
    focus.show_all(session)
    assert ids(focus.rows(session)[0]) == [[a, b], [c]]


def test_a_removed_card_is_forgotten_by_the_view() -> None:
    session = Session()
    a, b = (c.id for c in session.workspace.cards)
    focus.focus(session, a)
    session.workspace.cards = [c for c in session.workspace.cards if c.id != a]
    grid, _ = focus.rows(session)
    assert ids(grid) == [[b]] and session.card_view.focused is None
