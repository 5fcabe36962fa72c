"""While a person types a prompt: the tokens the next request will carry with it.

Streamlit's chat input tells the app nothing until a prompt is sent, so the typed
text is counted in the browser: one small ``st.components.v2`` component for the
page (trusted code of ours; only numbers and our own widget keys go into it) reads
the chat input being typed in and shows, just above it, the request's tokens: the
server's count of the request with an empty prompt (history, system prompt, the
prompt's framing; exact for OpenAI models) plus an estimate of the typed text (a
token per four characters, as ``playground.costs.tokens`` estimates), so the figure is
marked "≈". With Sync Input the card whose window the prompt fills most is named.
The request itself is counted again when it is sent (``commands.start_answer``
refuses one over the window).

It is drawn once by the page run, for every input at once, not inside the card
fragments (a card's fragment run does not change what it counts from).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import streamlit as st

from playground.costs.tokens import CHARS_PER_TOKEN

SYNC_INPUT_KEY = "sync_prompt"


@dataclass(frozen=True)
class CardCount:
    number: int  # the card's number on the page
    base: int  # the next request's tokens with an empty prompt
    window: int | None  # the model's context window, when known


_JS = """
export default function (component) {
  const { data: [data], parentElement } = component;
  const badge = parentElement.querySelector(".pg-typed");
  const fmt = (n) => n.toLocaleString("en-US");
  const entryOf = (el) => data.inputs.find((i) => el?.closest?.(`.st-key-${i.key}`));
  const line = (card, typed) => {
    const tokens = card.base + Math.ceil(typed.length / data.charsPerToken);
    const share = card.window ? tokens / card.window : null;
    let text = `≈${fmt(tokens)} tokens`;
    if (card.window) text += ` · ${Math.round(100 * share)}% of ${fmt(card.window)}`;
    return { text, share, over: card.window !== null && tokens > card.window };
  };
  const draw = () => {
    const area = document.activeElement;
    const entry = area && area.tagName === "TEXTAREA" ? entryOf(area) : null;
    if (!entry || !area.value) { badge.dataset.state = "empty"; return; }
    const lines = entry.cards.map((card) => ({ card, ...line(card, area.value) }));
    const worst = lines.reduce((a, b) => ((b.share ?? -1) > (a.share ?? -1) ? b : a));
    const who = entry.cards.length > 1 ? `Card ${worst.card.number}: ` : "";
    badge.textContent = `${who}next request ${worst.text}` +
      (worst.over ? ": over the context window, it will not be sent" : "");
    badge.dataset.state = worst.over ? "over" : "fits";
    const box = area.getBoundingClientRect();
    badge.style.left = `${box.left}px`;
    badge.style.top = `${Math.max(0, box.top - 28)}px`;
  };
  document.addEventListener("input", draw, true);
  document.addEventListener("focusin", draw, true);
  document.addEventListener("focusout", draw, true);
  const timer = setInterval(draw, 400);  // a sent prompt empties the box without an event
  draw();
  return () => {
    document.removeEventListener("input", draw, true);
    document.removeEventListener("focusin", draw, true);
    document.removeEventListener("focusout", draw, true);
    clearInterval(timer);
  };
}
"""
_CSS = """
.pg-typed {
  position: fixed; z-index: 1000; pointer-events: none; font-size: 0.8rem;
  white-space: nowrap; width: max-content;
  padding: 0.1rem 0.5rem; border-radius: 0.5rem;
  background: var(--st-secondary-background-color, #f0f2f6);
  color: var(--st-text-color, #31333f);
}
.pg-typed[data-state="over"] { color: var(--st-red-color, #d33); font-weight: 600; }
.pg-typed[data-state="empty"] { display: none; }
"""
_COMPONENT = st.components.v2.component(
    "playground.typed_tokens",
    html='<div class="pg-typed" data-state="empty" role="status"></div>',
    css=_CSS,
    js=_JS,
)


def typed_tokens(inputs: dict[str, list[CardCount]]) -> None:
    """Count what is typed into each chat input (key -> the cards it sends to)."""
    data = {
        "inputs": [
            {"key": key, "cards": [asdict(c) for c in cards]} for key, cards in inputs.items()
        ],
        "charsPerToken": CHARS_PER_TOKEN,
    }
    # In a list: Streamlit looks for dataframes among a dict's values, which imports
    # pandas, numpy and pyarrow (about 100 MiB a process) and costs every page run.
    _COMPONENT(data=[data], key="typed_tokens")
