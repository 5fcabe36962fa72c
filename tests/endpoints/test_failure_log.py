"""Each failed answer leaves one WARNING line in the server log: the endpoint, the HTTP
status and the kind of error; never a token or the prompt (issue 13, part 4)."""

from __future__ import annotations

import logging
from collections.abc import Callable

import pytest

from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint
from playground.session import PlainServices, Session, commands
from playground.workspace.types import CUSTOM

TOKEN = "sk-canary-log-7f3a"
PROMPT = "my-secret-prompt-canary-91c2"


def one_card(url: str, token: str | None = None) -> tuple[PlainServices, Session]:
    entry = EndpointConfig(name="Team vLLM", base_url=url, token=token)
    svc = PlainServices(loaded=LoadedConfig(endpoints=[SourcedEndpoint(entry, "test")]), environ={})
    session = Session()
    for card in session.workspace.cards:
        card.config.endpoint, card.config.model = "Team vLLM", "fake-small"
    return svc, session


def answer(svc: PlainServices, session: Session) -> None:
    card = session.workspace.cards[0]
    commands.send(session, svc, [card.id], PROMPT)
    job = session.job(card.id)
    if job is not None:
        job.join(20)


@pytest.mark.parametrize(
    ("knobs", "status", "kind"),
    [
        pytest.param({"chat_status": 500}, "500", "ServerError", id="5xx"),
        pytest.param({"chat_status": 429}, "429", "RateLimited", id="429"),
        pytest.param({"token": "sk-other"}, "401", "Unauthorized", id="wrong-token"),
        pytest.param({"break_after": 2}, "-", "StreamBroken", id="cut-midway"),
    ],
)
def test_a_failed_answer_is_logged_without_token_or_prompt(
    caplog: pytest.LogCaptureFixture,
    scenario: Callable[..., str],
    knobs: dict[str, object],
    status: str,
    kind: str,
) -> None:
    svc, session = one_card(scenario(**knobs), TOKEN)
    with caplog.at_level(logging.DEBUG):
        answer(svc, session)
    assert session.workspace.cards[0].messages[-1].status == "error"
    lines = [r for r in caplog.records if r.getMessage().startswith("answer failed")]
    assert len(lines) == 1
    assert lines[0].levelno == logging.WARNING
    text = lines[0].getMessage()
    assert "'Team vLLM'" in text and f"status={status}" in text and f"kind={kind}" in text
    everything = caplog.text + "".join(str(r.args) for r in caplog.records)
    assert TOKEN not in everything and PROMPT not in everything


def test_a_card_that_cannot_send_is_logged_too(caplog: pytest.LogCaptureFixture) -> None:
    svc, session = one_card("http://127.0.0.1:9/v1")
    card = session.workspace.cards[0]
    commands.set_card_fields(
        session, card.id, commands.CardFields(model=CUSTOM, base_url="not a url", token=TOKEN)
    )
    with caplog.at_level(logging.DEBUG):
        answer(svc, session)
    assert card.messages[-1].status == "error"
    (line,) = [r for r in caplog.records if r.getMessage().startswith("answer failed")]
    assert line.levelno == logging.WARNING and "kind=InvalidBaseURL" in line.getMessage()
    assert TOKEN not in caplog.text and PROMPT not in caplog.text
