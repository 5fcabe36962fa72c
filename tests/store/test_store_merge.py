"""merge_workspaces / adopt_merged: no card, message or received text is ever lost."""

from __future__ import annotations

from collections.abc import Iterator

from hypothesis import given, settings
from hypothesis import strategies as st

from playground.store import adopt_merged, merge_workspaces
from playground.workspace.types import Card, CardConfig, Message, Workspace


def user(text: str) -> Message:
    return Message(role="user", content=text)


def answer(text: str, status: str = "done", **kw: object) -> Message:
    return Message(role="assistant", content=text, status=status, **kw)  # type: ignore[arg-type]


def copy(ws: Workspace) -> Workspace:
    return ws.model_copy(deep=True)


def texts(card: Card) -> list[str]:
    return [m.content for m in card.messages]


def base() -> Workspace:
    ws = Workspace()
    ws.cards[0].messages += [user("q1"), answer("a1")]
    return ws


def test_each_sides_new_turns_are_kept_together_stored_first() -> None:
    stored, mine = base(), base()
    mine.cards = [c.model_copy(deep=True) for c in stored.cards]
    mine.cards[0].messages = [m.model_copy() for m in stored.cards[0].messages]
    stored.cards[0].messages += [user("q2 stored"), answer("a2 stored")]
    mine.cards[0].messages += [user("q2 mine"), answer("a2 mine")]
    merged = merge_workspaces(stored, mine)
    assert texts(merged.cards[0]) == ["q1", "a1", "q2 stored", "a2 stored", "q2 mine", "a2 mine"]


def test_inputs_are_untouched_and_merging_twice_changes_nothing() -> None:
    stored = base()
    mine = copy(stored)
    mine.cards[1].messages.append(user("other card"))
    before = (copy(stored), copy(mine))
    merged = merge_workspaces(stored, mine)
    assert (stored, mine) == before
    assert merge_workspaces(merged, merged) == merged
    assert merge_workspaces(merged, mine) == merged


def test_cards_of_both_are_kept_and_config_comes_from_mine() -> None:
    stored = base()
    mine = copy(stored)
    stored.cards.append(Card(config=CardConfig(model="added-in-stored")))
    clone = Card(config=CardConfig(model="cloned-in-mine"))
    mine.cards.insert(1, clone)
    mine.cards[0].config = CardConfig(model="changed-in-mine")
    mine.sync_input = True
    merged = merge_workspaces(stored, mine)
    assert [c.config.model for c in merged.cards] == [
        "changed-in-mine",
        "cloned-in-mine",  # right after the card it followed
        None,
        "added-in-stored",
    ]
    assert merged.sync_input is True


def test_a_removed_card_or_cleared_history_comes_back() -> None:
    stored = base()
    mine = copy(stored)
    mine.remove_card(mine.cards[1].id)
    mine.cards[0].clear_history()
    merged = merge_workspaces(stored, mine)
    assert merged.cards == stored.cards


def test_a_finished_answer_beats_a_streaming_one_with_the_same_text() -> None:
    stored = base()
    mine = copy(stored)
    stored.cards[0].messages[1].status = "streaming"
    assert merge_workspaces(stored, mine).cards[0].messages[1].status == "done"
    assert merge_workspaces(mine, stored).cards[0].messages[1].status == "done"


def test_the_answer_further_along_wins() -> None:
    stored = base()
    stored.cards[0].messages[1] = answer("The answer is", "streaming")
    mine = copy(stored)
    mine.cards[0].messages[1].content = "The answer is 42, because"
    for a, b in [(stored, mine), (mine, stored)]:
        merged = merge_workspaces(a, b)
        assert merged.cards[0].messages[1].content == "The answer is 42, because"
        assert merged.cards[0].messages[1].earlier == []
    # Even a partial answer marked stopped elsewhere does not cut the text short.
    mine.cards[0].messages[1].status = "stopped"
    stored.cards[0].messages[1].content = "The answer is 42, because six times seven"
    merged = merge_workspaces(stored, mine)
    assert merged.cards[0].messages[1].content.endswith("six times seven")


def test_diverged_texts_keep_the_loser_as_an_earlier_answer() -> None:
    stored = base()
    mine = copy(stored)
    stored.cards[0].messages[1].content = "Paris is the capital."
    mine.cards[0].messages[1].content = "It is Paris."
    merged = merge_workspaces(stored, mine)
    kept = merged.cards[0].messages[1]
    assert kept.content == "Paris is the capital."
    assert [e.content for e in kept.earlier] == ["It is Paris."]
    assert kept.earlier[0].id != kept.id
    assert merge_workspaces(merged, mine) == merged  # not added twice


def test_earlier_answers_of_both_are_kept() -> None:
    old1, old2 = answer("first try"), answer("second try")
    stored = base()
    stored.cards[0].messages[1].earlier = [old1]
    mine = copy(stored)
    mine.cards[0].messages[1].earlier = [old1.model_copy(), old2]
    merged = merge_workspaces(stored, mine)
    assert [e.content for e in merged.cards[0].messages[1].earlier] == ["first try", "second try"]


def regenerate(card: Card, text: str, status: str = "done") -> Message:
    """What Regenerate does: the last answer moves into the new answer's ``earlier``."""
    old = card.messages.pop()
    new = answer(text, status, earlier=[*old.earlier, old.model_copy(update={"earlier": []})])
    card.messages.append(new)
    return new


def test_an_answer_regenerated_on_one_side_is_not_shown_twice() -> None:
    stored = base()
    mine = copy(stored)
    new = regenerate(stored.cards[0], "a1 again")
    for a, b in [(stored, mine), (mine, stored)]:
        merged = merge_workspaces(a, b)
        card = merged.cards[0]
        assert [m.id for m in card.messages] == [card.messages[0].id, new.id]
        assert [e.content for e in card.messages[1].earlier] == ["a1"]


def test_a_regenerated_answer_keeps_the_longer_text_of_the_old_one() -> None:
    stored = base()
    stored.cards[0].messages[1] = answer("partial", "streaming")
    mine = copy(stored)
    mine.cards[0].messages[1].content = "partial and then the rest"
    mine.cards[0].messages[1].status = "stopped"
    regenerate(stored.cards[0], "")  # stored saw only "partial" when it regenerated
    merged = merge_workspaces(stored, mine)
    (old,) = merged.cards[0].messages[1].earlier
    assert old.content == "partial and then the rest"


def test_adopt_merged_updates_in_place_and_leaves_a_streaming_message_alone() -> None:
    live = base()
    streaming = answer("typing", "streaming")
    live.cards[1].messages += [user("q"), streaming]
    other = copy(live)
    other.cards[0].messages += [user("from the other tab"), answer("hi")]
    other.cards[1].messages[1].content = "typing and more"  # would never happen, but
    card0 = live.cards[0]
    first = live.cards[0].messages[0]
    complete = adopt_merged(live, merge_workspaces(other, live))
    assert live.cards[0] is card0 and live.cards[0].messages[0] is first
    assert texts(live.cards[0]) == ["q1", "a1", "from the other tab", "hi"]
    assert live.cards[1].messages[1] is streaming and streaming.content == "typing"
    assert complete is False
    streaming.status = "done"
    streaming.content = "typing and more, finished"
    assert adopt_merged(live, other) is True
    assert streaming.content == "typing and more, finished"


# -- properties ----------------------------------------------------------------------
words = st.text(alphabet="abcxyz ", min_size=0, max_size=6)


@st.composite
def edited(draw: st.DrawFn, start: Workspace) -> Workspace:
    """``start`` after a few things a person (and streams) could do in one tab."""
    ws = copy(start)
    for _ in range(draw(st.integers(0, 6))):
        card = ws.cards[draw(st.integers(0, len(ws.cards) - 1))]
        action = draw(
            st.sampled_from(
                ["turn", "stream", "grow", "finish", "stop", "regen", "edit", "clear", "add", "rm"]
            )
        )
        last = card.messages[-1] if card.messages else None
        if action == "turn":
            card.messages += [user(draw(words)), answer(draw(words))]
        elif action == "stream":
            card.messages += [user(draw(words)), answer(draw(words), "streaming")]
        elif action == "grow" and last is not None:
            last.content += draw(words)
        elif action in ("finish", "stop") and last is not None and last.status == "streaming":
            last.status = "done" if action == "finish" else "stopped"
        elif action == "regen" and last is not None and last.role == "assistant":
            regenerate(card, draw(words), draw(st.sampled_from(["done", "streaming"])))
        elif action == "edit" and last is not None:
            last.content = draw(words)
        elif action == "clear":
            card.clear_history()
        elif action == "add":
            ws.add_card(8)
        elif action == "rm":
            ws.remove_card(card.id)
    return ws


def versions(card: Card) -> Iterator[Message]:
    for m in card.messages:
        yield m
        yield from m.earlier


def assert_nothing_lost(merged: Workspace, *sides: Workspace) -> None:
    out = {c.id: c for c in merged.cards}
    for side in sides:
        for card in side.cards:
            assert card.id in out, "a card was lost"
            kept = list(versions(out[card.id]))
            kept_ids = {m.id for m in kept}
            for m in versions(card):
                assert m.id in kept_ids, "a message id was lost"
                assert any(
                    k.content.startswith(m.content) and k.reasoning.startswith(m.reasoning)
                    for k in kept
                ), f"text {m.content!r} was lost"


@st.composite
def two_tabs(draw: st.DrawFn) -> tuple[Workspace, Workspace]:
    start = draw(edited(Workspace()))
    return draw(edited(start)), draw(edited(start))


@settings(max_examples=300, deadline=None)
@given(two_tabs())
def test_no_message_or_text_is_ever_lost(tabs: tuple[Workspace, Workspace]) -> None:
    stored, mine = tabs
    merged = merge_workspaces(stored, mine)
    assert_nothing_lost(merged, stored, mine)
    Workspace.model_validate_json(merged.model_dump_json())  # still a valid workspace
    assert merge_workspaces(merged, merged) == merged
    for card in merged.cards:  # no message shown twice
        assert len({m.id for m in card.messages}) == len(card.messages)


@settings(max_examples=150, deadline=None)
@given(two_tabs(), st.data())
def test_repeated_merges_and_adoption_lose_nothing(
    tabs: tuple[Workspace, Workspace], data: st.DataObject
) -> None:
    stored, mine = tabs
    merged = merge_workspaces(stored, mine)
    later = data.draw(edited(mine))  # this tab went on before it saw the merge
    again = merge_workspaces(merged, later)
    assert_nothing_lost(again, stored, mine, later)
    live = copy(later)
    if adopt_merged(live, again):
        assert_nothing_lost(live, stored, later)
    else:  # a message streaming here was left to its stream
        assert any(m.status == "streaming" for c in later.cards for m in c.messages)
        assert_nothing_lost(live, later)


ids = st.lists(st.sampled_from([f"m{i}" for i in range(12)]), unique=True, max_size=8)


@settings(max_examples=300, deadline=None)
@given(ids, ids, st.data())
def test_arbitrary_message_lists_keep_every_id(
    stored_ids: list[str], mine_ids: list[str], data: st.DataObject
) -> None:
    def card(message_ids: list[str]) -> Card:
        return Card(
            id="card",
            messages=[
                Message(
                    id=i,
                    role=data.draw(st.sampled_from(["user", "assistant"])),
                    content=data.draw(words),
                    status=data.draw(st.sampled_from(["done", "streaming", "stopped", "error"])),
                )
                for i in message_ids
            ],
        )

    stored, mine = Workspace(cards=[card(stored_ids)]), Workspace(cards=[card(mine_ids)])
    merged = merge_workspaces(stored, mine)
    assert_nothing_lost(merged, stored, mine)
    top = [m.id for m in merged.cards[0].messages]
    assert set(top) == set(stored_ids) | set(mine_ids)
    # Shared messages keep the stored order.
    shared = [i for i in top if i in set(stored_ids) & set(mine_ids)]
    assert shared == [i for i in stored_ids if i in set(mine_ids)]


def test_an_edited_prompt_is_not_undone_by_a_stale_tab() -> None:
    from playground.store import merge_workspaces
    from playground.workspace.types import Card, Message, Workspace

    prompt = Message(role="user", content="Explain quicksort in detail please")
    answer = Message(role="assistant", content="Quicksort is ...")
    stale = Workspace(cards=[Card(id="c", messages=[prompt, answer])])
    mine = stale.model_copy(deep=True)
    earlier = mine.cards[0].edit_last_prompt("Explain mergesort")
    assert earlier is not None
    mine.cards[0].messages.append(
        Message(role="assistant", content="Mergesort is ...", earlier=earlier)
    )
    for merged in (merge_workspaces(stale, mine), merge_workspaces(mine, stale)):
        texts = [m.content for m in merged.cards[0].messages]
        assert texts[0] == "Explain mergesort" and "Mergesort is ..." in texts
