"""Ask N times, in plain pytest against the real test server (no Streamlit)."""

from __future__ import annotations

import itertools
import threading
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from playground.chat import runs
from playground.config.settings import Limits
from playground.session import Session, ask_n, commands
from playground.session.workspaces.saving import open_workspace, save_soon
from playground.store.history_facts import history_facts
from playground.store.merge import merge_workspaces
from playground.workspace.export import export_json, export_markdown, import_json
from playground.workspace.types import Card, Message, Workspace
from tests.fake_openai import FakeOpenAIServer
from tests.helpers import scenario_name
from tests.session.test_commands import on, services
from tests.session.test_streams import slow_saving

Scenario = Callable[..., str]


def finish(session: Session) -> None:
    for record in session.runtimes.values():
        for job in [record.job, *record.run_jobs]:
            if job is not None:
                job.join(10)


def numbered() -> Callable[[str, list[dict[str, Any]]], str]:
    """A reply that differs from request to request ("reply #1", "reply #2", ...)."""
    counter = itertools.count(1)
    lock = threading.Lock()

    def reply(model: str, messages: list[dict[str, Any]]) -> str:
        with lock:
            return f"reply #{next(counter)}"

    return reply


def chat_requests(server: FakeOpenAIServer, url: str) -> list[Any]:
    name = scenario_name(url)
    return [r for r in server.requests if r.scenario == name and "chat" in r.path]


def test_n_answers_arrive_as_tabs_of_one_kept_answer(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    url = scenario(reply_fn=numbered())
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    ask_n.ask(session, svc, [card.id], "same question", runs=4)
    finish(session)
    assert len(chat_requests(server, url)) == 4
    assert [m.role for m in card.messages] == ["user", "assistant"]  # one answer in history
    kept = card.messages[-1]
    assert [m.run for m in runs.ordered(kept)] == [1, 2, 3, 4]
    assert sorted(m.content for m in runs.ordered(kept)) == [f"reply #{n}" for n in range(1, 5)]
    assert all(m.status == "done" and m.metrics is not None for m in runs.ordered(kept))
    assert session.workspace.cards[1].messages == []


def test_the_endpoint_gate_holds_the_runs_to_its_limit(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    url = scenario(tokens=20, tokens_per_second=100)
    svc = services(A=url)
    svc.loaded.limits = Limits(max_concurrent_per_endpoint=2)
    session = on(svc)
    ask_n.ask(session, svc, [c.id for c in session.workspace.cards], "hi", runs=3)
    finish(session)
    assert len(chat_requests(server, url)) == 6
    assert server.max_active[scenario_name(url)] == 2  # 6 answers, never more than 2 at once
    for card in session.workspace.cards:
        assert [m.status for m in runs.ordered(card.messages[-1])] == ["done"] * 3


def test_keep_changes_the_history_the_next_prompt_sends(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    url = scenario(reply_fn=numbered())
    svc = services(A=url)
    session = on(svc)
    card = session.workspace.cards[0]
    ask_n.ask(session, svc, [card.id], "pick one", runs=3)
    finish(session)
    third = runs.ordered(card.messages[-1])[2]
    assert ask_n.keep(session, card.id, 3)
    assert card.messages[-1].id == third.id
    assert [m.run for m in runs.ordered(card.messages[-1])] == [1, 2, 3]  # tabs stay in place
    assert not ask_n.keep(session, card.id, 3)  # kept already
    assert not ask_n.keep(session, card.id, 9)  # no such tab
    sent = card.history_for_request()
    assert sent[-1] == {"role": "assistant", "content": third.content}
    assert [m["role"] for m in sent] == ["user", "assistant"]  # the others are not sent
    commands.send(session, svc, [card.id], "and then?")
    finish(session)
    last = chat_requests(server, url)[-1]
    assert [m["content"] for m in last.body["messages"]][1] == third.content


def test_stop_stops_every_run_and_keeps_what_came(scenario: Scenario) -> None:
    svc = services(A=scenario(tokens=400, tokens_per_second=40))
    session = on(svc)
    card = session.workspace.cards[0]
    ask_n.ask(session, svc, [card.id], "long", runs=3)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline and not all(
        len(m.content) > 5 for m in runs.ordered(card.messages[-1])
    ):
        time.sleep(0.05)
    assert card.is_streaming
    commands.stop(session, card.id)
    finish(session)
    assert not card.is_streaming
    for answer in runs.ordered(card.messages[-1]):
        assert answer.status == "stopped" and len(answer.content) > 5


def test_a_reload_mid_run_follows_every_answer(tmp_path: Path, scenario: Scenario) -> None:
    svc = slow_saving(tmp_path, A=scenario(tokens=120, tokens_per_second=60))
    tab = on(svc)
    card = tab.workspace.cards[0]
    ask_n.ask(tab, svc, [card.id], "long one", runs=3)
    workspace_id = save_soon(tab, svc, None)
    assert workspace_id is not None
    time.sleep(0.3)
    reloaded = Session()
    assert open_workspace(reloaded, svc, workspace_id, None)
    answer = reloaded.workspace.cards[0].messages[-1]
    assert [m.status for m in runs.ordered(answer)] == ["streaming"] * 3
    assert reloaded.live_job(card.id) is tab.job(card.id)
    finish(reloaded)
    assert [m.status for m in runs.ordered(answer)] == ["done"] * 3
    assert all(m.content.endswith("w119") for m in runs.ordered(answer))


def test_a_run_over_the_threshold_waits_for_a_yes(
    server: FakeOpenAIServer, scenario: Scenario
) -> None:
    url = scenario()
    svc = services(A=url)
    svc.loaded.limits = Limits(confirm_answers_over=5)
    session = on(svc)
    ids = [c.id for c in session.workspace.cards]
    ask_n.ask(session, svc, ids, "many", runs=3)  # 6 answers > 5
    assert session.pending_ask is not None and session.pending_ask.size.startswith("6 answers")
    assert chat_requests(server, url) == []
    ask_n.cancel_ask(session)
    assert session.pending_ask is None and "many" in session.notices[-1]
    assert all(c.messages == [] for c in session.workspace.cards)
    ask_n.ask(session, svc, ids, "many", runs=3)
    ask_n.confirm_ask(session, svc)
    finish(session)
    assert len(chat_requests(server, url)) == 6
    ask_n.ask(session, svc, ids[:1], "few", runs=5)  # 5 answers: not over, sent at once
    assert session.pending_ask is None
    finish(session)
    assert len(chat_requests(server, url)) == 11


def test_run_size_counts_answers_tokens_and_the_price() -> None:
    svc = services(A="http://127.0.0.1:9/v1")  # no pricing: a local server is free of it
    session = on(svc)
    card = session.workspace.cards[0]
    card.config.settings.max_tokens = 100
    size = ask_n.run_size(session, svc, [card.id], "x" * 400, 5)  # 100 tokens of prompt
    assert size.answers == 5 and size.output_tokens == 500
    assert size.input_tokens == 5 * (100)
    assert size.cost_usd is None and size.unpriced == 1
    assert size.summary() == "5 answers · ≈ 500 tokens in, ≈ 500 out · no price for 1 card"


@pytest.mark.parametrize(
    ("texts", "line"),
    [
        pytest.param(["Paris", " paris ", "PARIS", "Paris", "Lyon"], "4 of 5 agree", id="four"),
        pytest.param(["a b", "a  b", "A B"], "3 of 3 agree", id="all"),
        pytest.param(["abcd", "abce", "wxyz"], "no two agree", id="none"),
    ],
)
def test_agreement_counts_answers_equal_after_normalising(texts: list[str], line: str) -> None:
    assert runs.agreement(texts).summary(None) == line


def test_similarity_is_the_mean_pairwise_ratio() -> None:
    # difflib: ratio = 2*M/T; "abcd"/"abce": 2*3/8 = 0.75; each with "wxyz": 0
    assert runs.mean_similarity(("abcd", "abce", "wxyz")) == pytest.approx(0.25)
    assert runs.agreement(["a", "b"]).summary(0.25) == "no two agree · similarity 25%"


def test_spread_gives_low_high_and_median() -> None:
    found = runs.spread([3.0, None, 1.0, 2.0])
    assert found is not None and (found.low, found.median, found.high) == (1.0, 2.0, 3.0)
    assert found.summary(lambda v: f"{v:.0f}") == "1–3 (median 2)"
    assert runs.spread([None]) is None
    same = runs.spread([0.211, 0.209])  # equal as shown: one value, not "0.21–0.21"
    assert same is not None and same.summary(lambda v: f"{v:.2f} s") == "0.21 s"


def test_saved_exported_and_written_as_markdown_with_the_kept_one(scenario: Scenario) -> None:
    svc = services(A=scenario(reply_fn=numbered()))
    session = on(svc)
    card = session.workspace.cards[0]
    ask_n.ask(session, svc, [card.id], "q", runs=3)
    finish(session)
    ask_n.keep(session, card.id, 2)
    back = import_json(export_json(session.workspace), endpoints=["A"], max_cards=8)
    assert back.cards[0].messages[-1] == card.messages[-1]
    text = export_markdown(session.workspace)
    kept = card.messages[-1].content
    others = [m.content for m in card.messages[-1].runs]
    assert kept in text and not any(o in text for o in others)
    assert "kept answer 2 of 3" in text


def test_an_old_save_without_runs_loads() -> None:
    old = {"id": "abc", "role": "assistant", "content": "hi", "status": "done"}
    message = Message.model_validate(old)
    assert message.runs == [] and message.run == 0


def test_regenerate_asks_n_times_again_and_keeps_every_answer(scenario: Scenario) -> None:
    svc = services(A=scenario(reply_fn=numbered()))
    session = on(svc)
    card = session.workspace.cards[0]
    ask_n.ask(session, svc, [card.id], "again", runs=3)
    finish(session)
    first_round = {m.content for m in runs.ordered(card.messages[-1])}
    commands.regenerate(session, svc, card.id)
    finish(session)
    answer = card.messages[-1]
    assert len(runs.ordered(answer)) == 3
    assert {m.content for m in answer.earlier} == first_round  # all three, not only the kept
    assert all(m.runs == [] for m in answer.earlier)


def test_not_in_a_blind_round(server: FakeOpenAIServer, scenario: Scenario) -> None:
    url = scenario()
    svc = services(A=url)
    session = on(svc)
    session.arena.on = True  # a round with no vote yet hides who is who
    card = session.workspace.cards[0]
    ask_n.ask(session, svc, [card.id], "blind", runs=3)
    assert card.messages == [] and chat_requests(server, url) == []
    assert "off during a blind round" in session.notices[-1] and "blind" in session.notices[-1]


def test_two_tabs_keeping_different_answers_merge_into_one(scenario: Scenario) -> None:
    svc = services(A=scenario(reply_fn=numbered()))
    session = on(svc)
    card = session.workspace.cards[0]
    ask_n.ask(session, svc, [card.id], "q", runs=3)
    finish(session)
    other = session.workspace.model_copy(deep=True)  # another tab, which keeps answer 3
    assert ask_n.keep(Session(workspace=other), card.id, 3)
    assert ask_n.keep(session, card.id, 2)  # this tab keeps answer 2, and saves last
    merged = merge_workspaces(other, session.workspace)
    answers = [m for m in merged.cards[0].messages if m.role == "assistant"]
    assert len(answers) == 1 and answers[0].run == 2
    assert [m.run for m in runs.ordered(answers[0])] == [1, 2, 3]


def test_history_search_finds_an_answer_that_was_not_kept() -> None:
    kept = Message(role="assistant", content="kept text", run=1)
    kept.runs = [Message(role="assistant", content="Other Words", run=2)]
    card = Card(messages=[Message(role="user", content="q"), kept])
    facts = history_facts(Workspace(cards=[card]))
    assert "other words" in facts.search_text and "kept text" in facts.search_text
