"""Orderings between a command and a card being drawn at the same time (no timing involved).

A card's fragment may draw while a callback of the next page run changes the
card (a prompt sent to a second card right after the first). These tests run
the drawing side *inside* the command, at each point where it calls out, so an
ordering that a page run can see is seen every time.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint, Timeouts
from playground.endpoints.clients import EndpointClient
from playground.endpoints.concurrency import AdaptiveGate
from playground.session import PlainServices, Session, commands
from tests.session.test_commands import finish

Scenario = Callable[..., str]


@dataclass
class DrawingServices(PlainServices):
    """PlainServices that let a card "draw" (``reader``) each time a command calls out."""

    reader: Callable[[], None] | None = None

    def client(self, base_url: str, token: str | None, timeouts: Timeouts) -> EndpointClient:
        if self.reader is not None:
            self.reader()
        return super().client(base_url, token, timeouts)

    def gate(self, base_url: str) -> AdaptiveGate:
        if self.reader is not None:
            self.reader()
        return super().gate(base_url)


def test_a_card_drawn_while_its_prompt_is_sent_never_sees_its_answer_stopped(
    scenario: Scenario,
) -> None:
    url = scenario(tokens=5)
    svc = DrawingServices(
        loaded=LoadedConfig(
            endpoints=[SourcedEndpoint(EndpointConfig(name="E", base_url=url), "t")]
        ),
        environ={},
    )
    session = Session()
    for card in session.workspace.cards:
        card.config.endpoint, card.config.model = "E", "fake-small"
    second = session.workspace.cards[1]
    seen: list[str] = []

    def draw_second_card() -> None:
        """What card_view._follow_stream does for the second card."""
        if second.is_streaming:
            job = session.live_job(second.id)
            seen.append("following" if job is not None else second.messages[-1].status)

    svc.reader = draw_second_card
    commands.send(session, svc, [session.workspace.cards[0].id], "first")
    commands.send(session, svc, [second.id], "second")
    draw_second_card()  # and once the send is done
    finish(session)
    assert "stopped" not in seen
    assert seen[-1] == "following"
    assert second.messages[-1].status == "done"
    assert second.messages[-1].content == "[fake-small] turn 1: second w0 w1 w2 w3 w4"
