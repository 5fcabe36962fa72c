"""Typed workspace state: cards, their config and their chat history.

Nothing here holds a token: tokens typed into Custom live only in the UI's
per-session secrets, so a workspace can be shown, saved or exported safely.
"""

from __future__ import annotations

import uuid
from typing import Annotated, Any, Literal

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    model_serializer,
    model_validator,
)

from playground.chat.apis import Api
from playground.chat.metrics import Metrics
from playground.chat.tools.calls import ToolCall, api_messages
from playground.chat.tools.mocks import ToolMocks
from playground.chat.tools.settings import ReasoningEffort, ResponseFormat, ToolSettings
from playground.config.limits import MAX_RUNS_PER_PROMPT, MAX_SYSTEM_PROMPT_CHARS
from playground.workspace.attachments import content_parts
from playground.workspace.stored_files import Attachment, pack_files, unpack_files

Role = Literal["user", "assistant"]
Status = Literal["done", "streaming", "stopped", "error"]
# One part of an answer, in the order the parts first arrived: "call:N" is tool_calls[N].
Part = Annotated[str, StringConstraints(pattern=r"^(reasoning|text|call:[0-9]{1,6})$")]

CUSTOM = "Custom"
# A card's endpoint that is a Backend.AI model service: "backendai:<endpoint id>".
BACKENDAI_PREFIX = "backendai:"
DEFAULT_CARDS = 2

ID_PATTERN = r"^[A-Za-z0-9_-]{1,64}$"  # ids end up in widget keys and CSS classes


def new_id() -> str:
    """A short random id for a card or a message (not a secret)."""
    return uuid.uuid4().hex[:12]


class Message(BaseModel):
    """One chat message. An assistant message is created *before* it streams.

    ``reasoning`` is what a thinking model said before answering (shown apart, never sent
    back). ``tool_calls`` are the functions it called (``tool_calls.py``), ``parts`` the
    order reasoning, text and calls first came in, ``finish_reason`` what the server said
    when it ended (None: it never said). ``earlier`` keeps the answers a Regenerate
    replaced, oldest first, so nothing received is lost. Asked N times, the kept answer
    holds the others in ``runs`` (``run``: its tab number; ``playground.chat.runs``).
    """

    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id, pattern=ID_PATTERN)
    role: Role
    content: str = ""
    reasoning: str = ""
    status: Status = "done"
    error: str | None = None
    metrics: Metrics | None = None
    earlier: list[Message] = Field(default_factory=list)
    edits: int = Field(default=0, ge=0)  # times a person edited this prompt (for merging)
    replied_to: str | None = None  # an earlier answer's prompt, when it was edited since
    model: str | None = None  # the model that wrote this answer (a card's model can change)
    attachments: list[Attachment] = Field(default_factory=list)  # a prompt's files
    tool_calls: list[ToolCall] = Field(default_factory=list)
    parts: list[Part] = Field(default_factory=list)
    finish_reason: str | None = None
    runs: list[Message] = Field(default_factory=list, max_length=MAX_RUNS_PER_PROMPT)
    run: int = Field(default=0, ge=0, le=MAX_RUNS_PER_PROMPT)


class CustomConfig(BaseModel):
    """What a person typed into Custom (never the token)."""

    model_config = ConfigDict(extra="forbid")

    base_url: str = ""
    model_id: str = ""
    api: Api = "chat"  # the API choice: Chat Completions or Responses


# Sampling parameters and their short labels in a card's header.
_SAMPLING = {
    "temperature": "T",
    "max_tokens": "max",
    "top_p": "top_p",
    "frequency_penalty": "freq",
    "presence_penalty": "pres",
    "seed": "seed",
}


class SamplingSettings(BaseModel):
    """A card's system prompt and sampling parameters; bounds are validated."""

    model_config = ConfigDict(extra="forbid", validate_assignment=True)

    system_prompt: str = Field(default="", max_length=MAX_SYSTEM_PROMPT_CHARS)
    send_sampling: bool = True  # some servers reject some parameters: off sends none
    temperature: float | None = Field(default=None, ge=0, le=2)
    max_tokens: int | None = Field(default=None, ge=1, le=1_000_000)
    top_p: float | None = Field(default=None, ge=0, le=1)
    frequency_penalty: float | None = Field(default=None, ge=-2, le=2)
    presence_penalty: float | None = Field(default=None, ge=-2, le=2)
    seed: int | None = None
    stop: list[str] = Field(default_factory=list, max_length=4)
    # Not sampling: sent whatever ``send_sampling`` says (``playground.chat.tools.settings``).
    tools: ToolSettings = Field(default_factory=ToolSettings)
    response_format: ResponseFormat = Field(default_factory=ResponseFormat)
    reasoning_effort: ReasoningEffort | None = None
    tool_mocks: ToolMocks = Field(default_factory=dict)  # never sent (playground.chat.tools.mocks)

    def request_params(self) -> dict[str, object]:
        """The parameters to send: sampling (none when ``send_sampling`` is off), then
        tools, response format and reasoning effort when set (defaults send nothing)."""
        params: dict[str, object] = {}
        if self.send_sampling:
            params = {name: v for name in _SAMPLING if (v := getattr(self, name)) is not None}
            if self.stop:
                params["stop"] = list(self.stop)
        params.update(self.tools.request_params())
        if (response_format := self.response_format.request_param()) is not None:
            params["response_format"] = response_format
        if self.reasoning_effort is not None:
            params["reasoning_effort"] = self.reasoning_effort
        return params

    def summary(self) -> str:
        """A short label when the settings differ from the defaults ("" otherwise)."""
        parts = []
        if self.system_prompt.strip():
            parts.append("system prompt")
        if not self.send_sampling:
            parts.append("no sampling params")
        else:
            for name, label in _SAMPLING.items():
                value = getattr(self, name)
                if value is not None:
                    shown = f"{value:g}" if isinstance(value, float) else str(value)
                    parts.append(f"{label} {shown}")
            if self.stop:
                parts.append(f"{len(self.stop)} stop")
        parts += [self.tools.summary(), self.response_format.summary()]
        if self.reasoning_effort is not None:
            parts.append(f"effort {self.reasoning_effort}")
        return " · ".join(part for part in parts if part)


class CardConfig(BaseModel):
    model_config = ConfigDict(extra="forbid")

    endpoint: str | None = None
    model: str | None = None  # a model ID, CUSTOM, or None (not chosen yet)
    custom: CustomConfig = Field(default_factory=CustomConfig)
    settings: SamplingSettings = Field(default_factory=SamplingSettings)


class Card(BaseModel):
    model_config = ConfigDict(extra="forbid")

    id: str = Field(default_factory=new_id, pattern=ID_PATTERN)
    config: CardConfig = Field(default_factory=CardConfig)
    messages: list[Message] = Field(default_factory=list)

    @property
    def is_streaming(self) -> bool:
        last = self.messages[-1] if self.messages else None  # or one asked with it (Ask N)
        return last is not None and any(m.status == "streaming" for m in [last, *last.runs])

    def history_for_request(self) -> list[dict[str, Any]]:
        """The messages sent to the model: every turn with content, in order.

        The card's system prompt comes first, as a ``system`` message; the answer being
        streamed (the last) is left out. An answer's calls go with their results (one
        ``tool`` message each); a call without a result is not sent (``api_messages``).
        """
        streams = bool(self.messages) and self.messages[-1].status == "streaming"
        msgs = self.messages[:-1] if streams else self.messages
        system = self.config.settings.system_prompt.strip()
        head = [{"role": "system", "content": system}] if system else []
        for m in msgs:
            head += api_messages(m.role, content_parts(m.content, m.attachments), m.tool_calls)
        return head

    def clear_history(self) -> None:
        self.messages.clear()

    def last_prompt(self) -> Message | None:
        return next((m for m in reversed(self.messages) if m.role == "user"), None)

    def take_last_answer(self) -> list[Message] | None:
        """Remove the answers after the last prompt so it can be answered again (Regenerate;
        after tool rounds, every answer since the prompt). Returns those worth keeping
        (after their own earlier answers) to keep reachable on the new one, or None."""
        if self.is_streaming or self.last_prompt() is None:
            return None
        earlier: list[Message] = []
        while self.messages and self.messages[-1].role == "assistant":
            earlier = _keep(self.messages.pop()) + earlier
        return earlier

    def edit_last_prompt(self, text: str) -> list[Message] | None:
        """Replace the last prompt's text and drop the answer after it (kept as earlier)."""
        prompt = self.last_prompt()
        if prompt is None or self.is_streaming:
            return None
        earlier = self.take_last_answer() or []
        for answer in earlier:  # they answered the prompt as it was
            if answer.replied_to is None:
                answer.replied_to = prompt.content
        prompt.content = text
        prompt.edits += 1
        return earlier


def _keep(answer: Message) -> list[Message]:
    """A replaced answer, those asked with it and its earlier ones: those worth keeping."""
    kept = list(answer.earlier)
    for one in sorted([answer, *answer.runs], key=lambda m: m.run):
        if one.content or one.reasoning or one.tool_calls:
            kept.append(one.model_copy(update={"earlier": [], "runs": []}))
    return kept


class Workspace(BaseModel):
    """Everything on the playground page.

    Saved (dumped), each attached file is stored once, however many prompts and cards
    it went to (``playground.workspace.stored_files``); loading puts it back in every prompt.
    """

    model_config = ConfigDict(extra="forbid")

    cards: list[Card] = Field(default_factory=lambda: [Card() for _ in range(DEFAULT_CARDS)])
    sync_input: bool = False
    cards_per_row: int = Field(default=DEFAULT_CARDS, ge=1, le=4)
    # The blind round these cards are in, until its vote (``playground.arena.round``):
    # a workspace opened with it goes on blind, and History does not name its models.
    blind_round: str | None = Field(default=None, pattern=ID_PATTERN)

    @model_validator(mode="before")
    @classmethod
    def _unpack_files(cls, data: Any) -> Any:
        return unpack_files(data)

    @model_serializer(mode="wrap")
    def _pack_files(self, handler: SerializerFunctionWrapHandler) -> dict[str, Any]:
        return pack_files(handler(self))

    def card(self, card_id: str) -> Card | None:
        return next((c for c in self.cards if c.id == card_id), None)

    def add_card(self, max_cards: int, *, after: str | None = None) -> Card | None:
        """Add an empty card (copying the endpoint of the last one); None at the cap."""
        if len(self.cards) >= max_cards:
            return None
        template = self.card(after) if after else (self.cards[-1] if self.cards else None)
        card = Card(
            config=CardConfig(endpoint=template.config.endpoint) if template else CardConfig()
        )
        index = self.cards.index(template) + 1 if template else len(self.cards)
        self.cards.insert(index, card)
        return card

    def clone_card(self, card_id: str, max_cards: int, *, model: str | None = None) -> Card | None:
        """A new card after ``card_id``: its config (``model``: another model), no history."""
        source = self.card(card_id)
        if source is None or len(self.cards) >= max_cards:
            return None
        config = source.config.model_copy(deep=True)
        if model is not None:
            config.model = model
        card = Card(config=config)
        self.cards.insert(self.cards.index(source) + 1, card)
        return card

    def settle(self) -> Workspace:
        """Mark answers left "streaming" (no live stream behind them) as stopped; text kept."""
        for message in (m for c in self.cards for a in c.messages for m in [a, *a.runs]):
            if message.status == "streaming":
                message.status = "stopped"
        return self

    def remove_card(self, card_id: str) -> bool:
        """Remove a card; the last card cannot be removed."""
        card = self.card(card_id)
        if card is None or len(self.cards) <= 1:
            return False
        self.cards.remove(card)
        return True
