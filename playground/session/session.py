"""The session: one workspace and one runtime record per card.

A ``Session`` is what one browser tab holds (the UI keeps it in
``st.session_state``, tests make one directly). Its ``workspace`` is the part
that is saved and exported; everything a card has that is *not* saved (its
running stream, the token typed into Custom, view flags) sits in that card's
``CardRuntime``. Replacing the workspace, removing a card and clearing a
history each happen here, in one method, so nothing of a card is left behind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from pydantic import SecretStr

from playground.arena.round import BlindRound
from playground.chat.streaming import StreamJob
from playground.endpoints.backendai import ModelService
from playground.session.page_view import CardView
from playground.store import AutoSaver
from playground.workspace.types import Card, Workspace, new_id


@dataclass
class CardRuntime:
    """What a card has in this session only: never saved, exported or shown."""

    job: StreamJob | None = None  # its running (or last) answer
    run_jobs: list[StreamJob] = field(default_factory=list)  # Ask N times: the other answers
    token: SecretStr | None = None  # typed into Custom's "Token"
    backendai_token: SecretStr | None = None  # chosen in a Backend.AI card's "Token"
    backendai_token_fresh: bool = False  # just generated: the selector shows it
    backendai_message: str | None = None  # what the last "Generate token" said
    show_all_messages: bool = False  # "Show N earlier messages" unfolded
    load_images: bool = False  # "Load images" allowed for this card
    compare_hint: bool = False  # made by "Compare with other models": choose its model
    # Set to Custom only because the model list failed: the model it wanted, and
    # whether there is one (a card may fall back before it ever had a model).
    fell_back: bool = False
    wanted_model: str | None = None
    # Why the last Apply in Settings → Tools / Response format was refused (None: applied).
    tools_message: str | None = None
    format_message: str | None = None
    # Why the last Send result / mock answer (results_message) or mock setting
    # (mocks_message) was refused (None: done).
    results_message: str | None = None
    mocks_message: str | None = None
    # Bumped when the card's config changes outside its widgets (Apply to all cards,
    # a link, an import): the UI then starts its widgets afresh from the config.
    generation: int = 0

    @property
    def token_value(self) -> str | None:
        return self.token.get_secret_value() if self.token is not None else None

    def cancel(self) -> None:
        for job in [self.job, *self.run_jobs]:
            if job is not None and not job.done:
                job.cancel()

    @property
    def all_done(self) -> bool:
        """No answer of this card (the kept one, or one asked with it) is still streaming."""
        return all(job.done for job in [self.job, *self.run_jobs] if job is not None)


@dataclass(frozen=True)
class PendingAsk:
    """An Ask N times run over ``[limits] confirm_answers_over``, held until confirmed."""

    card_ids: tuple[str, ...]
    prompt: str
    files: tuple[tuple[str, bytes], ...]
    runs: int
    size: str  # what the run would ask, as shown ("60 answers · ≈ 12,000 tokens")


@dataclass
class ImportState:
    """The sidebar's Import JSON: a checked file awaiting "Replace", or why it was refused."""

    nonce: int = 0  # a new value gives an empty uploader
    error: str | None = None
    pending: tuple[str, Workspace] | None = None  # (file name, workspace)


@dataclass
class Session:
    """One browser session's playground."""

    workspace: Workspace = field(default_factory=Workspace)
    runtimes: dict[str, CardRuntime] = field(default_factory=dict)
    saver: AutoSaver | None = None  # saves this workspace (see ``workspaces``)
    models_nonce: int = 0  # bumped by "Refresh model list"
    no_usage: set[str] = field(default_factory=set)  # base URLs that reject stream_options
    redraw_page: bool = False  # a card's fragment changed the cards: run the whole page
    mock_answers: bool = False  # "Answer tool calls with mock results" (sidebar)
    link_applied: bool = False  # the URL's ?card=... was read (once a session)
    notices: list[str] = field(default_factory=list)  # about a link or an import
    imports: ImportState = field(default_factory=ImportState)
    # Backend.AI: endpoints seen in searches (by id), and a nonce to ask the manager again
    backendai_nonce: int = 0
    backendai_seen: dict[str, ModelService] = field(default_factory=dict)
    # Bumped each time the workspace is replaced, so the UI drops the old cards' widgets.
    epoch: int = 0
    arena: BlindRound = field(default_factory=BlindRound)  # blind comparison (issue 18)
    prompt_run_id: str | None = None  # the prompt-set run the Prompt sets page shows
    card_view: CardView = field(default_factory=CardView)  # focus and hidden cards (focus.py)
    pending_ask: PendingAsk | None = None  # Ask N times over the threshold, awaiting a yes

    # -- cards -----------------------------------------------------------------
    def runtime(self, card_id: str) -> CardRuntime:
        """The card's runtime record (made on first use)."""
        record = self.runtimes.get(card_id)
        if record is None:
            record = self.runtimes[card_id] = CardRuntime()
        return record

    def card(self, card_id: str) -> Card | None:
        return self.workspace.card(card_id)

    def job(self, card_id: str) -> StreamJob | None:
        record = self.runtimes.get(card_id)
        return record.job if record is not None else None

    def next_answer(self, card_id: str) -> StreamJob | None:
        """The job streaming the card's last answer, read only (for the token route's
        thread: ``Channels.issue_next``); None for an answer asked N times (its tabs are
        drawn by the page) and once it has ended."""
        card, job = self.card(card_id), self.job(card_id)
        if card is None or job is None or job.done or not card.messages:
            return None
        last = card.messages[-1]
        return job if job.message is last and not last.runs else None

    def live_job(self, card_id: str) -> StreamJob | None:
        """The job streaming the card's last answer, if any.

        An answer left "streaming" with no live job behind it (its session was
        reset) is marked stopped, its text kept.
        """
        card = self.card(card_id)
        if card is None or not card.is_streaming:
            return None
        job = self.job(card_id)
        if job is None or job.message is not card.messages[-1]:
            card.messages[-1].status = "stopped"
            return None
        return job

    def cancel(self, card_id: str) -> None:
        """Stop the card's answer if it streams (its partial text is kept)."""
        record = self.runtimes.get(card_id)
        if record is not None:
            record.cancel()

    def cancel_all(self) -> None:
        for record in self.runtimes.values():
            record.cancel()

    def remove_card(self, card_id: str) -> bool:
        """Stop and remove a card with everything it had; the last card stays."""
        if not self.workspace.remove_card(card_id):
            return False
        record = self.runtimes.pop(card_id, None)
        if record is not None:
            record.cancel()
        return True

    def clear_history(self, card_id: str) -> None:
        """Stop the card's answer and delete its messages; its settings stay."""
        card = self.card(card_id)
        if card is None:
            return
        self.cancel(card_id)
        self.runtime(card_id).job = None
        self.runtime(card_id).run_jobs = []
        card.clear_history()

    def renew_card_ids(self) -> None:
        """Give every card a new id, its runtime record going along (a blind round's
        shuffle: no element key made before it names a card after it)."""
        for card in self.workspace.cards:
            old, card.id = card.id, new_id()
            record = self.runtimes.pop(old, None)
            if record is not None:
                self.runtimes[card.id] = record
        self.card_view = CardView()
        self.epoch += 1  # the UI lets go of the old ids' widgets

    # -- the workspace -----------------------------------------------------------
    def replace_workspace(self, workspace: Workspace) -> None:
        """Swap in another workspace: stop every stream and drop every card's runtime."""
        self.cancel_all()
        self.runtimes.clear()
        self.workspace = workspace
        self.epoch += 1
