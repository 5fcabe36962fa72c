"""Blind rounds and votes through the session's commands: the real test server, and the
votes stored in SQLite and in a real PostgreSQL server (tests/postgres.py)."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable, Iterator

import pytest
from pydantic import SecretStr

from playground.arena.round import Contestant, can_vote
from playground.arena.vote_store import VoteFilter, VoteStore
from playground.arena.votes import Outcome, VoteRecord
from playground.config.settings import EndpointConfig, LoadedConfig, SourcedEndpoint
from playground.session import PlainServices, Session, commands
from playground.session.evaluation import arena
from playground.session.workspaces.saving import save_soon
from playground.store import StoreConfig, WorkspaceStore
from playground.workspace.types import Message
from tests.arena_votes import record
from tests.postgres import database_url, postgres_server, postgres_url  # noqa: F401

Scenario = Callable[..., str]


@pytest.fixture
def svc(scenario: Scenario, database_url: str) -> Iterator[PlainServices]:  # noqa: F811
    loaded = LoadedConfig(
        endpoints=[
            SourcedEndpoint(EndpointConfig(name="Alpha", base_url=scenario(reply="one")), "t"),
            SourcedEndpoint(EndpointConfig(name="Beta", base_url=scenario(reply="two")), "t"),
        ],
        store=StoreConfig(url=database_url),
    )
    services = PlainServices(loaded=loaded, environ={})
    yield services
    store = services.opened_store
    if store is not None:
        store.close()


def blind_session(svc: PlainServices, cards: int = 2, seed: int = 0) -> Session:
    session = Session()
    while len(session.workspace.cards) < cards:
        commands.add_card(session, svc)
    for card, (endpoint, model) in zip(
        session.workspace.cards,
        [("Alpha", "fake-small"), ("Beta", "fake-large"), ("Alpha", "fake-large")],
        strict=False,
    ):
        card.config.endpoint, card.config.model = endpoint, model
    assert arena.set_blind(session, svc, True, random.Random(seed))
    return session


def answer_all(session: Session, svc: PlainServices, prompt: str) -> None:
    commands.send_to_all(session, svc, prompt)
    for runtime in session.runtimes.values():
        if runtime.job is not None:
            runtime.job.join(10)


def votes_of(svc: PlainServices) -> VoteStore:
    store = svc.store()
    assert isinstance(store, WorkspaceStore)
    return VoteStore(store)


def test_a_two_card_vote_is_stored_with_everything_and_reveals(svc: PlainServices) -> None:
    session = blind_session(svc)
    session.workspace.cards[0].config.settings.temperature = 0.3
    assert session.workspace.sync_input  # Sync Input is on in a blind round
    assert not can_vote(session.arena, session.workspace.cards)  # nothing answered yet
    answer_all(session, svc, "Write a haiku")
    assert can_vote(session.arena, session.workspace.cards)
    a, b = session.workspace.cards
    before = dt.datetime.now(dt.UTC)
    done = arena.vote(
        session, svc, Outcome(kind="b"), tag=" Writing ", comment="nicer", voter="ann"
    )
    assert isinstance(done, VoteRecord)
    (stored,) = votes_of(svc).list()
    assert stored == done.model_copy(update={"created_at": stored.created_at})
    assert before - dt.timedelta(seconds=1) <= stored.created_at <= dt.datetime.now(dt.UTC)
    assert (stored.prompt, stored.tag, stored.comment, stored.voter) == (
        "Write a haiku",
        "writing",
        "nicer",
        "ann",
    )
    assert stored.outcome.kind == "b" and [e.label for e in stored.entries] == ["A", "B"]
    by_label = {e.label: e for e in stored.entries}
    for label, card in (("A", a), ("B", b)):
        assert (by_label[label].endpoint, by_label[label].model) == (
            card.config.endpoint,
            card.config.model,
        )
        assert by_label[label].answer == card.messages[-1].content
        assert by_label[label].settings == card.config.settings
    assert session.arena.voted and session.arena.verdict == "B is better"
    # One vote per round: talking on is allowed, voting again is not.
    answer_all(session, svc, "Another")
    assert isinstance(arena.vote(session, svc, Outcome(kind="a")), str)
    assert len(votes_of(svc).list()) == 1


@pytest.mark.parametrize("kind", ["a", "tie", "bothbad"])
def test_each_two_card_vote_kind_is_stored(svc: PlainServices, kind: str) -> None:
    session = blind_session(svc)
    answer_all(session, svc, "hi")
    assert isinstance(arena.vote(session, svc, Outcome(kind=kind)), VoteRecord)  # type: ignore[arg-type]
    assert [v.outcome.kind for v in votes_of(svc).list()] == [kind]


def test_best_and_worst_of_three_cards(svc: PlainServices) -> None:
    session = blind_session(svc, cards=3)
    answer_all(session, svc, "hi")
    assert isinstance(arena.vote(session, svc, Outcome(kind="a")), str)  # two-card kinds only
    assert isinstance(arena.vote(session, svc, Outcome(kind="best", best="D")), str)
    done = arena.vote(session, svc, Outcome(kind="best", best="C", worst="A"))
    assert isinstance(done, VoteRecord)
    (stored,) = votes_of(svc).list()
    assert (stored.outcome.best, stored.outcome.worst) == ("C", "A")
    assert len(stored.entries) == 3


def test_no_vote_before_every_card_answered_or_after_an_error(svc: PlainServices) -> None:
    session = blind_session(svc)
    a, _ = session.workspace.cards
    commands.send(session, svc, [a.id], "only one card")
    session.runtime(a.id).job.join(10)  # type: ignore[union-attr]
    assert isinstance(arena.vote(session, svc, Outcome(kind="a")), str)
    assert votes_of(svc).list() == []


def test_new_round_clears_histories_reshuffles_and_lets_go_of_the_saved_workspace(
    svc: PlainServices,
) -> None:
    session = blind_session(svc)
    answer_all(session, svc, "round one")
    card_ids = {c.id for c in session.workspace.cards}
    assert save_soon(session, svc, None) is not None  # the round is saved as you go
    arena.vote(session, svc, Outcome(kind="a"))
    first_round = session.arena.round_id
    orders = set()
    seen_ids = set(card_ids)
    rng = random.Random(5)
    for _ in range(20):
        assert arena.start_round(session, svc, rng)
        orders.add(tuple(c.config.model for c in session.workspace.cards))
        ids = {c.id for c in session.workspace.cards}
        assert not ids & seen_ids  # new ids each round: no key outlives the shuffle
        seen_ids |= ids
    assert len(orders) == 2  # both orders turn up
    assert session.saver is None  # the next prompt saves a new workspace
    assert all(c.messages == [] for c in session.workspace.cards)
    assert session.workspace.blind_round == session.arena.round_id
    assert session.arena.round_id != first_round and not session.arena.voted
    assert sorted(session.arena.labels.values()) == ["A", "B"]


def test_models_are_drawn_from_the_pool(svc: PlainServices) -> None:
    session = Session()
    pool = [Contestant("Alpha", "fake-small"), Contestant("Beta", "fake-large")]
    arena.set_pool(session, True, pool[:1])
    assert not arena.set_blind(session, svc, True)
    assert "at least 2 models" in (session.arena.problem or "")
    arena.set_pool(session, True, pool)
    assert arena.set_blind(session, svc, True, random.Random(2))
    who = {(c.config.endpoint, c.config.model) for c in session.workspace.cards}
    assert who == {("Alpha", "fake-small"), ("Beta", "fake-large")}
    answer_all(session, svc, "hello")
    assert {c.messages[-1].content for c in session.workspace.cards} == {"one", "two"}


def test_withdrawing_only_ones_own_vote(svc: PlainServices) -> None:
    session = blind_session(svc)
    answer_all(session, svc, "hi")
    done = arena.vote(session, svc, Outcome(kind="a"), voter="ann")
    assert isinstance(done, VoteRecord)
    assert not arena.withdraw(session, svc, done.id, "bob")
    assert not arena.withdraw(session, svc, done.id, None)
    assert len(votes_of(svc).list()) == 1
    assert arena.withdraw(session, svc, done.id, "ann")
    assert votes_of(svc).list() == [] and session.arena.verdict == "withdrawn"


def test_vote_scope_follows_sign_in() -> None:
    assert arena.vote_scope("ann", shared=True) == arena.VoteScope(True, "ann")
    assert arena.vote_scope(None, shared=False) == arena.VoteScope(True, None)
    assert not arena.vote_scope(None, shared=True).detail


def test_the_store_filters_by_tag_and_day(svc: PlainServices) -> None:
    store = votes_of(svc)
    day = dt.datetime(2025, 5, 10, 23, 30, tzinfo=dt.UTC)
    for when, tag in ((day, "coding"), (day + dt.timedelta(hours=1), "writing"), (day, None)):
        store.add(record(["x", "y"], "a", tag=tag, when=when, voter="ann"))
    assert store.tags() == ["coding", "writing"]
    assert [v.tag for v in store.list(VoteFilter(tags=("coding",)))] == ["coding"]
    may10 = store.list(VoteFilter(since=day.date(), until=day.date()))
    assert sorted(v.tag or "" for v in may10) == ["", "coding"]
    assert [v.tag for v in store.list(VoteFilter(since=dt.date(2025, 5, 11)))] == ["writing"]
    assert store.list(voter="bob") == [] and len(store.list(voter="ann", limit=2)) == 2
    assert store.list()[0].created_at == day  # aware UTC, as given


def test_a_failed_answer_keeps_the_vote_closed(svc: PlainServices) -> None:
    session = blind_session(svc)
    answer_all(session, svc, "hi")
    session.workspace.cards[1].messages[-1] = Message(role="assistant", status="error", error="x")
    assert isinstance(arena.vote(session, svc, Outcome(kind="tie")), str)


def test_the_pool_offers_every_model_each_endpoint_lists(svc: PlainServices) -> None:
    assert arena.pool_options(svc) == [
        Contestant(endpoint, model)
        for endpoint in ("Alpha", "Beta")
        for model in ("fake-small", "fake-large")
    ]


def test_a_new_round_keeps_what_each_card_was_typed_under_its_new_id(svc: PlainServices) -> None:
    session = Session()
    first, second = session.workspace.cards
    first.config.endpoint, first.config.model = "Alpha", "fake-small"
    second.config.endpoint, second.config.model = "Beta", "fake-large"
    session.runtime(first.id).token = SecretStr("typed-for-alpha")
    assert arena.set_blind(session, svc, True, random.Random(1))
    (alpha,) = [c for c in session.workspace.cards if c.config.endpoint == "Alpha"]
    assert session.runtime(alpha.id).token_value == "typed-for-alpha"
    assert set(session.runtimes) <= {c.id for c in session.workspace.cards}
