"""Every action a person can take on the cards, as a function of the session.

Each command takes the ``Session``, the ``Services`` where it needs any, and
explicit arguments, never a widget's state, so it runs the same from a page
run, a callback, a test or a script. The UI reads its widgets, calls one of
these, and draws.

A new card action goes here (and gets its own plain-pytest test in
``tests/session/test_commands.py``); the button that calls it goes in ``playground/ui/``.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence

from playground.costs.context import check_fits
from playground.endpoints.targets import resolve_target
from playground.errors import PlaygroundError
from playground.session import backendai, streams
from playground.session.card_fields import (
    CardFields,
    choose_endpoint,
    choose_model,
    refresh_models,
    set_card_fields,
    set_layout,
    set_load_images,
    set_settings,
    show_all_messages,
)
from playground.session.context import card_window
from playground.session.decisions import other_model
from playground.session.services import Services
from playground.session.session import Session
from playground.session.workspaces import room
from playground.workspace.attachments import prepare
from playground.workspace.types import CUSTOM, Card, Message

log = logging.getLogger(__name__)


def _prompt_text(prompt: object) -> str | None:
    return prompt if isinstance(prompt, str) and prompt.strip() else None


def send(
    session: Session,
    services: Services,
    card_ids: list[str],
    prompt: object,
    files: Sequence[tuple[str, bytes]] = (),
    runs: int = 1,
) -> None:
    """Append ``prompt`` (with ``files``: (name, bytes) uploaded) to each card and start
    its answer streaming (``runs`` answers at once: Ask N times, ``session.ask_n``).

    Empty or whitespace-only prompts without files are ignored. While one of the cards
    is still answering (a prompt sent in the moment before its input was redrawn),
    none is sent it, so synced conversations stay in step: a notice names the card and
    holds the prompt, so nothing typed is lost. A card that cannot send (no model, bad
    baseURL) keeps the prompt and says why in its answer. A file that cannot be sent
    (type, size, unreadable) is named in a notice; the prompt goes with the others.
    Files that would take the workspace past what the store keeps stop the send,
    with a notice holding the prompt (``room``).
    """
    attachments, problems = prepare(files)
    session.notices.extend(problems)
    text = _prompt_text(prompt)
    if text is None and not attachments:
        return
    cards = [c for c in (session.card(card_id) for card_id in card_ids) if c is not None]
    busy = [session.workspace.cards.index(c) + 1 for c in cards if c.is_streaming]
    if busy:
        which = ", ".join(str(n) for n in busy)
        held = f"Your prompt:\n{text}" if text else "Its files were not sent either."
        session.notices.append(
            f"Not sent: card {which} is still answering. Send it again once the answer "
            f"has ended (or Stop it). {held}"
        )
        return
    limit = services.config().store.max_workspace_bytes
    if refused := room.files_refused(session.workspace, cards, text or "", attachments, limit):
        session.notices.append(refused)  # before anything is sent: nothing is lost
        return
    for card in cards:
        copies = [a.model_copy() for a in attachments]
        card.messages.append(Message(role="user", content=text or "", attachments=copies))
        start_answer(session, services, card, runs=runs)


def send_to_all(
    session: Session, services: Services, prompt: object, files: Sequence[tuple[str, bytes]] = ()
) -> None:
    """Sync Input: the same prompt to every card."""
    send(session, services, [c.id for c in session.workspace.cards], prompt, files)


def stop(session: Session, card_id: str) -> None:
    """Stop the card's answer; its partial text is kept, marked "Stopped"."""
    session.cancel(card_id)


def stop_all(session: Session) -> None:
    session.cancel_all()


def can_retry(card: Card) -> bool:
    last = card.messages[-1] if card.messages else None
    return last is not None and last.role == "assistant" and last.status == "error"


def can_regenerate(card: Card) -> bool:
    last = card.messages[-1] if card.messages else None
    return last is not None and last.role == "assistant" and not card.is_streaming


def regenerate(session: Session, services: Services, card_id: str) -> None:
    """Answer the card's last prompt again.

    The answer it replaces stays reachable under the new one ("Earlier
    answers"), unless it failed without any text (then Retry just replaces it).
    """
    card = session.card(card_id)
    if card is None:
        return
    runs = 1 + len(card.messages[-1].runs) if card.messages else 1  # asked N times: again
    earlier = card.take_last_answer()
    if earlier is not None:
        start_answer(session, services, card, earlier, runs=runs)


def regenerate_all(session: Session, services: Services) -> None:
    """Answer the last prompt again in every card, stopping answers still streaming."""
    for card in session.workspace.cards:
        session.cancel(card.id)  # a streaming answer is stopped (its text kept) and replaced
        if can_regenerate(card):
            regenerate(session, services, card.id)


def edit_and_resend(
    session: Session, services: Services, card_ids: list[str], text: object
) -> None:
    """Replace the last prompt of each card with ``text`` and answer it again.

    An answer still streaming is stopped first (its text is kept as an earlier answer).
    """
    new_text = _prompt_text(text)
    if new_text is None:
        return
    for card_id in card_ids:
        card = session.card(card_id)
        if card is None:
            continue
        session.cancel(card_id)
        earlier = card.edit_last_prompt(new_text)
        if earlier is not None:
            start_answer(session, services, card, earlier)


def add_card(session: Session, services: Services) -> Card | None:
    """An empty card after the last (with its endpoint); None at ``max_cards``."""
    return session.workspace.add_card(services.config().limits.max_cards)


def remove_card(session: Session, card_id: str) -> bool:
    """Remove a card and everything in it; the last card stays."""
    return session.remove_card(card_id)


def delete_history(session: Session, card_id: str) -> None:
    """More → Delete Chat History: the messages go, the settings stay.

    The page redraws: Retry/Regenerate and Edit under the card are the page's.
    """
    session.clear_history(card_id)
    session.redraw_page = True


def clone(session: Session, services: Services, card_id: str) -> Card | None:
    """More → Clone card: same endpoint, model and settings, an empty history."""
    return _clone(session, services, card_id, None)


def compare(session: Session, services: Services, card_id: str) -> Card | None:
    """More → Compare with other models: a clone on another model of the endpoint
    (one no card uses yet, when there is one), inviting the person to confirm it."""
    source = session.card(card_id)
    if source is None:
        return None
    endpoint = services.catalog().get(source.config.endpoint)
    listed: tuple[str, ...] = ()
    if endpoint is not None and endpoint.base_url:
        listed = services.models(endpoint, session.models_nonce).models
    made = _clone(session, services, card_id, other_model(source, listed, session.workspace.cards))
    if made is not None:
        session.runtime(made.id).compare_hint = True
    return made


def _clone(session: Session, services: Services, card_id: str, model: str | None) -> Card | None:
    source = session.card(card_id)
    if source is None:
        return None
    made = session.workspace.clone_card(card_id, services.config().limits.max_cards, model=model)
    if made is None:
        return None
    if source.config.model == CUSTOM:
        # The clone talks to the same server: it gets the typed token too (this session only).
        session.runtime(made.id).token = session.runtime(card_id).token
    session.redraw_page = True  # the new card needs a whole-page run to be drawn
    return made


def apply_settings_to_all(session: Session, card_id: str) -> None:
    """Copy one card's system prompt and sampling parameters to every other card."""
    source = session.card(card_id)
    if source is None:
        return
    for card in session.workspace.cards:
        if card is not source:
            card.config.settings = source.config.settings.model_copy(deep=True)
            session.runtime(card.id).generation += 1  # its widgets take the new values
    session.redraw_page = True  # every card shows them now, not at the next page run


def start_answer(
    session: Session,
    services: Services,
    card: Card,
    earlier: list[Message] | None = None,
    runs: int = 1,
) -> None:
    """Start streaming an answer (``runs`` > 1: that many, ``runs.py``) to the card's
    history (which ends with a prompt); ``earlier``: answers it replaces, kept on it."""
    earlier = earlier or []
    loaded, catalog = services.config(), services.catalog()
    if backendai.is_backendai(card.config.endpoint):
        catalog = catalog.with_endpoint(backendai.resolve(session, services, card)[0])
    runtime = session.runtime(card.id)
    try:
        target = resolve_target(
            card.config,
            catalog,
            runtime.token_value,
            allow_custom=loaded.security.allow_custom_endpoints,
            egress=loaded.security.policy(),
        )
        history = card.history_for_request()
        window = target.context_window or card_window(services, card)
        # Refused before anything is sent; while blind, estimated and without figures.
        blind = session.arena.hiding
        check_fits(history, window, None if blind else target.model, figures=not blind)
    except PlaygroundError as exc:
        log.warning(
            "answer failed: endpoint=%s status=- kind=%s", card.config.endpoint, type(exc).__name__
        )
        card.messages.append(
            Message(role="assistant", status="error", error=exc.message, earlier=earlier)
        )
        return
    # The job exists before its answer is in the card: a card drawn meanwhile (a
    # fragment of the page run this send interrupted) either sees no answer yet or
    # the answer with its live job, never a "streaming" answer without one (which
    # Session.live_job takes for an abandoned stream and marks stopped).
    if runs > 1:  # Ask N times: the first is kept until the person keeps another
        streams.launch_runs(session, services, card, target, runs, earlier, history)
        return
    answer = Message(role="assistant", status="streaming", earlier=earlier, model=target.model)
    streams.launch(session, services, card, target, answer, history, target.cost)


__all__ = [
    "CardFields",
    "add_card",
    "apply_settings_to_all",
    "can_regenerate",
    "can_retry",
    "choose_endpoint",
    "choose_model",
    "clone",
    "compare",
    "delete_history",
    "edit_and_resend",
    "refresh_models",
    "regenerate",
    "regenerate_all",
    "remove_card",
    "send",
    "send_to_all",
    "set_card_fields",
    "set_layout",
    "set_load_images",
    "set_settings",
    "show_all_messages",
    "start_answer",
    "stop",
    "stop_all",
]
