"""Prompt sets: check a set before anything is sent, run it, stop, resume, continue as chat.

The page reads its widgets and calls one of these. A run lives in the
process's ``RunRegistry`` (not in a page run), so a rerun or a reload only
follows it; it is saved with the workspace cell by cell (``RunStore``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from playground.config.limits import MAX_RUNS_PER_PROMPT
from playground.endpoints.targets import Target, resolve_target
from playground.errors import PlaygroundError, PromptSetProblem
from playground.promptsets.prepare import (  # prepare: re-exported with the commands
    JudgeChoice,
    Preparation,
    card_columns,
    card_label,  # noqa: F401
    prepare,  # noqa: F401
)
from playground.promptsets.records import CellKey, CellResult, JudgeSpec, RunColumn, RunSpec
from playground.promptsets.registry import RunRegistry
from playground.promptsets.running.runner import PromptSetRunner
from playground.promptsets.store import CellWriter, RunStore, RunSummary, StoredRun
from playground.promptsets.sweeps import Sweep, expand
from playground.session import backendai
from playground.session.services import Services
from playground.session.session import Session
from playground.session.workspaces.history import HistoryScope
from playground.session.workspaces.saving import ensure_saved
from playground.store import StoreError
from playground.store.records import ANY_OWNER, OwnerFilter, new_workspace_id
from playground.workspace.types import Card, Message


def _target(session: Session, services: Services, column: RunColumn) -> Target | str:
    """Where the column's prompts go (with the card's token of this session), or why not."""
    catalog = services.catalog()
    card = Card(id=column.card_id, config=column.config)
    if backendai.is_backendai(column.config.endpoint):
        catalog = catalog.with_endpoint(backendai.resolve(session, services, card)[0])
    record = session.runtimes.get(column.card_id)
    try:
        return resolve_target(column.config, catalog, record.token_value if record else None)
    except PlaygroundError as exc:
        return exc.message


def run_store(services: Services) -> RunStore | StoreError:
    store = services.store()
    return store if isinstance(store, StoreError) else RunStore(store.engine)


def visible_runs(
    services: Services, scope: HistoryScope, workspace_id: str | None
) -> list[RunSummary] | None:
    """The saved runs this visitor may see (one workspace's, or all with None); None when
    there is no store to list, or history is off for this visitor."""
    store = run_store(services)
    if isinstance(store, StoreError) or not scope.enabled:
        return None
    try:
        return store.list(owner=scope.owner, workspace_id=workspace_id, limit=50)
    except StoreError:
        return None


def _start(
    session: Session,
    services: Services,
    registry: RunRegistry,
    run_id: str,
    spec: RunSpec,
    *,
    cells: dict[CellKey, CellResult] | None = None,
    writer: CellWriter | None = None,
    retry_errors: bool = False,
    owner: str | None = None,
) -> PromptSetRunner:
    targets = [_target(session, services, column) for column in spec.columns]
    runner = PromptSetRunner(
        run_id,
        spec,
        targets,
        services,
        cells=cells,
        writer=writer,
        retry_errors=retry_errors,
        no_usage=session.no_usage,
    )
    runner.owner = owner
    runner.start()
    registry.add(runner)
    session.prompt_run_id = run_id
    return runner


def run_columns(
    session: Session, sweeps: Sequence[Sweep] = (), judge_card: str | None = None
) -> list[RunColumn]:
    """The run's columns: one per card as it is now, each swept (``expand``; the judge's
    card judges with its own settings, unswept). Raises ``PromptSetProblem`` when the
    sweep makes too many columns."""
    columns = card_columns(session.workspace.cards)
    return expand(columns, sweeps, fixed={judge_card} if judge_card else ())


def start_run(
    session: Session,
    services: Services,
    registry: RunRegistry,
    prep: Preparation,
    *,
    judge: JudgeChoice | None = None,
    user: str | None = None,
    mock_results: bool = False,
    sweeps: Sequence[Sweep] = (),
    runs: int = 1,
) -> PromptSetRunner:
    """ "Run on all cards": every row on every card of the workspace, saved as it goes;
    with ``mock_results``, each cell runs its tool rounds to a final answer; with
    ``sweeps``, on every card once per combination of the swept values (``run_columns``);
    ``runs``: answers asked of each (row, column) (Runs per prompt).

    Raises ``PromptSetProblem`` when the set is not ready (nothing is sent).
    Without a store the run still runs (``save_error`` says it is not saved).
    """
    if not prep.ready:
        raise PromptSetProblem(prep.problems[0] if prep.problems else "There is nothing to run.")
    if not 1 <= runs <= MAX_RUNS_PER_PROMPT:
        raise PromptSetProblem(f"Runs per prompt must be between 1 and {MAX_RUNS_PER_PROMPT}.")
    columns = run_columns(session, sweeps, judge.card_id if judge else None)
    judge_spec = None
    if judge is not None:
        index = next((i for i, c in enumerate(columns) if c.card_id == judge.card_id), None)
        if index is None:
            raise PromptSetProblem("The judge card is gone; choose another.")
        judge_spec = JudgeSpec(column=index, rubric=judge.rubric, prompt=judge.prompt)
    first = " ".join(prep.rows[0].prompt.split())
    title = f"{first[:60]}{'…' if len(first) > 60 else ''} ({len(prep.rows)} prompts)"
    spec = RunSpec(
        title=title,
        columns=columns,
        rows=prep.rows,
        judge=judge_spec,
        mock_results=mock_results,
        sweeps=list(sweeps),
        runs=runs,
    )
    store = run_store(services)
    writer = None
    run_id: str | None = None
    if isinstance(store, RunStore):
        try:
            workspace_id = ensure_saved(session, services, user)
            run_id = store.create(spec, workspace_id=workspace_id, owner=user)
            writer = CellWriter(store, run_id)
        except StoreError:
            run_id, writer = None, None
    if run_id is None:
        run_id = new_workspace_id()
    return _start(session, services, registry, run_id, spec, writer=writer, owner=user)


def stop_run(registry: RunRegistry, run_id: str | None) -> None:
    runner = registry.get(run_id)
    if runner is not None:
        runner.stop()


def load_run(services: Services, run_id: str, owner: OwnerFilter = ANY_OWNER) -> StoredRun | None:
    store = run_store(services)
    if isinstance(store, StoreError):
        return None
    try:
        return store.load(run_id, owner=owner)
    except StoreError:
        return None


def resume_run(
    session: Session,
    services: Services,
    registry: RunRegistry,
    run_id: str,
    *,
    owner: OwnerFilter = ANY_OWNER,
    retry_errors: bool = False,
) -> PromptSetRunner | None:
    """Run the cells a stopped or interrupted run lacks (and, if asked, its failed ones)."""
    live = registry.get(run_id)
    if live is not None and not live.finished:
        return live
    store = run_store(services)
    if isinstance(store, StoreError):
        return None
    stored = store.load(run_id, owner=owner, cells=False)  # streamed below, not held
    if stored is None:
        return None
    store.set_status(run_id, "running")
    writer = CellWriter(store, run_id)
    return _start(
        session,
        services,
        registry,
        run_id,
        stored.spec,
        cells=store.cells(run_id),
        writer=writer,
        retry_errors=retry_errors,
        owner=stored.owner,
    )


def continue_as_chat(
    session: Session, services: Services, spec: RunSpec, cell: CellResult
) -> Card | str:
    """A new card on the cell's endpoint, model and settings, holding its prompt and answer.

    Returns the card, or a message saying why not (the workspace is full).
    """
    limit = services.config().limits.max_cards
    if len(session.workspace.cards) >= limit:
        return f"The playground already has {limit} cards; remove one to continue this answer."
    column = spec.columns[cell.col]
    card = Card(config=column.config.model_copy(deep=True))
    card.messages.append(Message(role="user", content=spec.rows[cell.row].prompt))
    for step in cell.rounds:  # the answers that got mock results, their calls answered
        card.messages.append(
            Message(role="assistant", content=step.text, tool_calls=step.tool_calls, status="done")
        )
    card.messages.append(
        Message(
            role="assistant",
            content=cell.text,
            reasoning=cell.reasoning,
            status="done" if cell.status == "done" else "error" if cell.error else "stopped",
            error=cell.error,
            metrics=cell.metrics,
            tool_calls=cell.tool_calls,
        )
    )
    session.workspace.cards.append(card)
    source = session.runtimes.get(column.card_id)
    if source is not None:  # the same server: the token typed into Custom comes along
        session.runtime(card.id).token = source.token
        session.runtime(card.id).backendai_token = source.backendai_token
    session.redraw_page = True
    return card


@dataclass(frozen=True)
class RunView:
    """A run as the page draws it: live from its runner, or as saved."""

    run_id: str
    spec: RunSpec
    cells: dict[CellKey, CellResult]
    status: str  # running, stopped, done, interrupted (saved as running, no runner here)
    runner: PromptSetRunner | None
    save_error: str | None = None

    @property
    def missing(self) -> int:
        return sum(
            1
            for at in self.spec.answer_keys()
            if (cell := self.cells.get(at)) is None or cell.status == "stopped"
        )

    @property
    def failed(self) -> int:
        return sum(1 for cell in self.cells.values() if cell.status == "error")


def view_run(
    services: Services, registry: RunRegistry, run_id: str, owner: OwnerFilter = ANY_OWNER
) -> RunView | None:
    runner = registry.get(run_id)
    if runner is not None and owner is not ANY_OWNER and runner.owner not in (None, owner):
        return None  # someone else's run
    if runner is not None:
        status = "running" if not runner.finished else runner.status
        return RunView(run_id, runner.spec, runner.cells(), status, runner, runner.save_error)
    stored = load_run(services, run_id, owner)
    if stored is None:
        return None
    status = "interrupted" if stored.status == "running" else stored.status
    return RunView(run_id, stored.spec, stored.cells, status, None)
