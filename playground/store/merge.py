"""Merging two versions of one workspace so that no message is lost.

Two tabs (or two app replicas) may save the same workspace from different
starting points. When the store sees that (a revision conflict), it merges what
it holds (``stored``) with what is being saved (``mine``):

- Cards of both are kept, in the stored order; a card only in ``mine`` comes
  right after the card it followed there (so new cards land at the end).
  A card's config, ``sync_input`` and ``cards_per_row`` come from ``mine``.
- Messages are matched by ``Message.id``. Between two messages both sides
  have, the stored side's new messages come first, then this side's, so each
  side's turns stay together.
- For a message both sides have, the more complete version wins: the one whose
  text extends the other's (the same answer, further along); for equal text a
  finished answer beats a streaming one; for texts that diverged, finished
  beats streaming and then longer beats shorter (a version whose calls have results
  extends one without). ``earlier`` answers of both are
  kept. A diverged version whose text the result does not contain is kept as
  one more earlier answer (marked stopped), so no received text is ever lost.
- Regenerate turns an answer into an ``earlier`` entry of a new answer. When
  one side did that and the other still shows the old answer as a message, the
  old answer stays only in ``earlier`` (with the more complete of the two texts).
- Ask N times: the answer this side keeps is the one kept (``_kept_as_mine``).

Deleting is not merged: a card removed or a history cleared in one tab comes
back when another tab's save had to be merged with it. That is the safe side.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import TypeVar

from playground.chat.runs import kept_as
from playground.workspace.types import Card, Message, Workspace, new_id

T = TypeVar("T")
_START = object()


def merge_workspaces(stored: Workspace, mine: Workspace) -> Workspace:
    """A new workspace holding every card and message of both; the inputs are untouched."""
    stored = stored.model_copy(deep=True)
    mine = mine.model_copy(deep=True)
    cards = _merge_sequence(stored.cards, mine.cards, key=_card_id, pick=_merge_cards)
    return mine.model_copy(update={"cards": cards})


def adopt_merged(live: Workspace, merged: Workspace) -> bool:
    """Bring a merged workspace into the live one, in place (call it from the UI thread).

    Card and Message objects of ``live`` are kept (updated in place), so a
    running ``StreamJob`` keeps writing into the message the page shows. A
    message that is streaming here is left to its stream; the next save merges
    it again. ``live``'s own newer changes are kept too (it is merged, not
    replaced). Returns False when such a streaming message differed, i.e. when
    ``live`` does not yet hold everything ``merged`` does.
    """
    complete = True
    result = merge_workspaces(merged, live)
    live_cards = {card.id: card for card in live.cards}
    cards: list[Card] = []
    for card in result.cards:
        target = live_cards.get(card.id)
        if target is None:
            cards.append(card)
            continue
        current = {message.id: message for message in target.messages}
        messages: list[Message] = []
        for message in card.messages:
            mine = current.get(message.id)
            if mine is None:
                messages.append(message)
                continue
            if mine.status != "streaming":
                for name in type(message).model_fields:
                    setattr(mine, name, getattr(message, name))
            elif message != mine:
                complete = False
            messages.append(mine)
        target.messages[:] = messages
        cards.append(target)
    live.cards[:] = cards
    return complete


# -- sequences -----------------------------------------------------------------
def _merge_sequence(
    stored: Sequence[T],
    mine: Sequence[T],
    *,
    key: Callable[[T], Hashable],
    pick: Callable[[T, T], T],
) -> list[T]:
    """Stored order; an item only in ``mine`` follows the shared item it followed there."""
    stored_keys = {key(item) for item in stored}
    mine_by_key = {key(item): item for item in mine}
    pending: dict[object, list[T]] = {}
    anchor: object = _START
    for item in mine:
        k = key(item)
        if k in stored_keys:
            anchor = k
        else:
            pending.setdefault(anchor, []).append(item)
    out: list[T] = []
    anchor = _START
    for item in stored:
        k = key(item)
        other = mine_by_key.get(k)
        if other is None:
            out.append(item)
            continue
        out.extend(pending.pop(anchor, ()))
        out.append(pick(item, other))
        anchor = k
    out.extend(pending.pop(anchor, ()))
    for rest in pending.values():  # only with duplicate keys on one side
        out.extend(rest)
    return out


def _card_id(card: Card) -> str:
    return card.id


def _message_id(message: Message) -> str:
    return message.id


# -- cards and messages -------------------------------------------------------------
def _merge_cards(stored: Card, mine: Card) -> Card:
    return mine.model_copy(update={"messages": _merge_messages(stored.messages, mine.messages)})


def _kept_as_mine(stored: list[Message], mine: list[Message]) -> list[Message]:
    """Ask N times: where this side keeps another answer of a group than the stored side
    (``playground.chat.runs``), the stored side is read with this side's choice, so the group
    stays one message (matched by its kept answer's id) and this side's keep wins."""
    choice = {r.id: m.run for m in mine if m.runs for r in [m, *m.runs]}
    out = []
    for message in stored:
        run = choice.get(message.id)
        swapped = kept_as(message, run) if run is not None and message.runs else None
        out.append(swapped or message)
    return out


def _merge_messages(stored: list[Message], mine: list[Message]) -> list[Message]:
    stored = _kept_as_mine(stored, mine)
    stored_top = {m.id for m in stored}
    mine_top = {m.id for m in mine}
    # Answers that one side's Regenerate moved into a newer answer's `earlier`.
    stored_moved = {e.id for m in stored for e in m.earlier} - stored_top
    mine_moved = {e.id for m in mine for e in m.earlier} - mine_top
    orphans = {m.id: m for m in stored if m.id in mine_moved}
    orphans.update({m.id: m for m in mine if m.id in stored_moved})
    merged = _merge_sequence(
        [m for m in stored if m.id not in mine_moved],
        [m for m in mine if m.id not in stored_moved],
        key=_message_id,
        pick=_merge_message,
    )
    return [_absorb(m, orphans) for m in merged] if orphans else merged


def _merge_message(stored: Message, mine: Message) -> Message:
    if stored.role == "user" and stored.edits != mine.edits:
        return stored if stored.edits > mine.edits else mine  # the later edit of a prompt
    earlier = _merge_sequence(stored.earlier, mine.earlier, key=_message_id, pick=_choose)
    merged = _choose(stored, mine).model_copy(update={"earlier": earlier})
    _keep_uncovered(merged, (stored, mine, *stored.earlier, *mine.earlier))
    return merged


def _absorb(holder: Message, orphans: dict[str, Message]) -> Message:
    """Fold messages that the other side keeps as earlier answers into ``holder``'s."""
    if not any(e.id in orphans for e in holder.earlier):
        return holder
    present = {e.id for e in holder.earlier}
    earlier: list[Message] = []
    versions: list[Message] = []
    for entry in holder.earlier:
        orphan = orphans.get(entry.id)
        if orphan is None:
            earlier.append(entry)
            continue
        for older in orphan.earlier:
            if older.id not in present:
                present.add(older.id)
                earlier.append(older)
        flat = orphan.model_copy(update={"earlier": []})
        earlier.append(_choose(entry, flat))
        versions += [entry, flat, *orphan.earlier]
    merged = holder.model_copy(update={"earlier": earlier})
    _keep_uncovered(merged, versions)
    return merged


def _extends(a: Message, b: Message) -> bool:
    """``a`` is ``b`` or the same message further along (its calls' results included)."""
    return (
        a.content.startswith(b.content)
        and a.reasoning.startswith(b.reasoning)
        and _results(b) <= _results(a)
    )


def _results(m: Message) -> set[tuple[str, str]]:
    """The results given to a message's tool calls (added after it ended: ``tool_rounds``)."""
    return {(c.id, c.result) for c in m.tool_calls if c.result is not None}


def _rank(m: Message) -> tuple[bool, int, int]:
    return (m.status != "streaming", len(m.content), len(m.reasoning))


def _choose(stored: Message, mine: Message) -> Message:
    """The more complete of two versions of one message (``mine`` on a tie)."""
    if stored.edits != mine.edits:  # a prompt edited by a person: the later edit wins
        return stored if stored.edits > mine.edits else mine
    stored_ahead, mine_ahead = _extends(stored, mine), _extends(mine, stored)
    if stored_ahead and mine_ahead:  # the same text: a finished answer wins
        return stored if stored.status != "streaming" and mine.status == "streaming" else mine
    if stored_ahead != mine_ahead:
        return stored if stored_ahead else mine
    return stored if _rank(stored) > _rank(mine) else mine


def _keep_uncovered(merged: Message, versions: Iterable[Message]) -> None:
    """Keep, as earlier answers, versions whose text ``merged`` does not contain."""
    for version in versions:
        if not (version.content or version.reasoning):
            continue
        if any(_extends(kept, version) for kept in (merged, *merged.earlier)):
            continue
        status = "stopped" if version.status == "streaming" else version.status
        merged.earlier.append(
            version.model_copy(update={"id": new_id(), "earlier": [], "status": status})
        )
