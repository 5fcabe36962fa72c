"""What happens when a prompt is sent or retried: one place for every card action."""

from __future__ import annotations

from playground.chat import Card, Message
from playground.errors import PlaygroundError
from playground.streaming import StreamJob
from playground.targets import resolve_target
from playground.ui import backendai
from playground.ui.resources import endpoint_gates, get_client, load_settings
from playground.ui.state import AppState, custom_token, sync_config_from_widgets


def send_prompt(state: AppState, card_ids: list[str], prompt: object) -> None:
    """Append ``prompt`` to each card and start its answer streaming.

    Empty or whitespace-only prompts are ignored. A card that cannot send (no
    model, bad baseURL) keeps the prompt and shows why in its answer.
    """
    if not isinstance(prompt, str) or not prompt.strip():
        return
    for card_id in card_ids:
        card = state.workspace.card(card_id)
        if card is not None and not card.is_streaming:
            card.messages.append(Message(role="user", content=prompt))
            _answer(state, card)


def regenerate(state: AppState, card_id: str) -> None:
    """Answer the card's last prompt again.

    The answer it replaces stays reachable under the new one ("Earlier
    answers"), unless it failed without any text (then Retry just replaces it).
    """
    card = state.workspace.card(card_id)
    if card is None:
        return
    earlier = card.take_last_answer()
    if earlier is not None:
        _answer(state, card, earlier)


def edit_and_resend(state: AppState, card_ids: list[str], text: object) -> None:
    """Replace the last prompt of each card with ``text`` and answer it again."""
    if not isinstance(text, str) or not text.strip():
        return
    for card_id in card_ids:
        card = state.workspace.card(card_id)
        if card is None:
            continue
        earlier = card.edit_last_prompt(text)
        if earlier is not None:
            _answer(state, card, earlier)


def can_retry(card: Card) -> bool:
    last = card.messages[-1] if card.messages else None
    return last is not None and last.role == "assistant" and last.status == "error"


def can_regenerate(card: Card) -> bool:
    last = card.messages[-1] if card.messages else None
    return last is not None and last.role == "assistant" and not card.is_streaming


def _answer(state: AppState, card: Card, earlier: list[Message] | None = None) -> None:
    """Start streaming an answer to the card's history (which ends with a prompt).

    ``earlier`` are answers this one replaces; they stay reachable on it.
    """
    earlier = earlier or []
    loaded, catalog = load_settings()
    sync_config_from_widgets(card)
    if backendai.is_backendai(card.config.endpoint):
        catalog = catalog.with_endpoint(backendai.resolve(state, card)[0])
    try:
        target = resolve_target(card.config, catalog, custom_token(card.id))
    except PlaygroundError as exc:
        card.messages.append(
            Message(role="assistant", status="error", error=exc.message, earlier=earlier)
        )
        return
    answer = Message(role="assistant", status="streaming", earlier=earlier)
    card.messages.append(answer)
    state.jobs[card.id] = StreamJob(
        get_client(target.base_url, target.token, loaded.timeouts),
        model=target.model,
        history=card.history_for_request(),
        target=answer,
        token=target.token,
        max_tokens=target.max_tokens,
        params=card.config.settings.request_params(),
        include_usage=target.base_url not in state.no_usage,
        on_usage_rejected=lambda url=target.base_url: state.no_usage.add(url),
        gate=endpoint_gates(loaded.limits.max_concurrent_per_endpoint).gate(target.base_url),
        what=target.what,
    ).start()
