"""What happens when a prompt is sent: one place for single cards and Sync Input."""

from __future__ import annotations

from playground.chat import Message
from playground.errors import PlaygroundError
from playground.streaming import StreamJob
from playground.targets import resolve_target
from playground.ui.resources import get_client, load_settings
from playground.ui.state import AppState, custom_token, sync_config_from_widgets


def send_prompt(state: AppState, card_ids: list[str], prompt: object) -> None:
    """Append ``prompt`` to each card and start its answer streaming.

    Empty or whitespace-only prompts are ignored. A card that cannot send (no
    model, bad baseURL) keeps the prompt and shows why in its answer.
    """
    if not isinstance(prompt, str) or not prompt.strip():
        return
    loaded, catalog = load_settings()
    for card_id in card_ids:
        card = state.workspace.card(card_id)
        if card is None or card.is_streaming:
            continue
        sync_config_from_widgets(card)
        try:
            target = resolve_target(card.config, catalog, custom_token(card_id))
        except PlaygroundError as exc:
            card.messages.append(Message(role="user", content=prompt))
            card.messages.append(Message(role="assistant", status="error", error=exc.message))
            continue
        answer = card.add_turn(prompt)
        client = get_client(target.base_url, target.token, loaded.timeouts)
        state.jobs[card_id] = StreamJob(
            client,
            model=target.model,
            history=card.history_for_request(),
            target=answer,
            token=target.token,
            max_tokens=target.max_tokens,
            include_usage=target.base_url not in state.no_usage,
            on_usage_rejected=lambda url=target.base_url: state.no_usage.add(url),
            what=target.what,
        ).start()
