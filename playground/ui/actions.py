"""What happens when a prompt is sent or retried: one place for every card action."""

from __future__ import annotations

from playground.chat import Card, Message
from playground.errors import PlaygroundError
from playground.streaming import StreamJob
from playground.targets import resolve_target
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


def retry(state: AppState, card_id: str) -> None:
    """Ask again for the card's last prompt, replacing the failed answer."""
    card = state.workspace.card(card_id)
    if card is None or card.is_streaming or not card.messages:
        return
    if card.messages[-1].role == "assistant" and card.messages[-1].status == "error":
        card.messages.pop()
    if card.messages and card.messages[-1].role == "user":
        _answer(state, card)


def can_retry(card: Card) -> bool:
    last = card.messages[-1] if card.messages else None
    return last is not None and last.role == "assistant" and last.status == "error"


def _answer(state: AppState, card: Card) -> None:
    """Start streaming an answer to the card's history (which ends with a prompt)."""
    loaded, catalog = load_settings()
    sync_config_from_widgets(card)
    try:
        target = resolve_target(card.config, catalog, custom_token(card.id))
    except PlaygroundError as exc:
        card.messages.append(Message(role="assistant", status="error", error=exc.message))
        return
    answer = Message(role="assistant", status="streaming")
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
