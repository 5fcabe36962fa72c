"""Freezing what a page shows into a snapshot, and thawing one into a new workspace.

Nothing here reads a token: a ``Workspace`` and a ``RunSpec`` never hold one, and a
user name, password or query typed into a Custom baseURL is removed
(``urls.without_secrets``), as Export JSON does.
"""

from __future__ import annotations

from collections.abc import Iterable

from playground.costs.money import dollars
from playground.endpoints.urls import without_secrets
from playground.promptsets.records import CellResult, RunSpec
from playground.promptsets.summary import ColumnSummary
from playground.reports.sharing.records import (
    TITLE_MAX,
    ChatSnapshot,
    ReportSnapshot,
    RunSnapshot,
    SnapshotCard,
    SummaryRow,
)
from playground.store.history_facts import history_facts
from playground.workspace.types import CUSTOM, Card, CardConfig, Message, Workspace

THAW_ROWS = 20  # rows of a run a new workspace holds (each card: prompt and answer)


def model_label(config: CardConfig) -> str:
    """'gpt-4o on OpenAI', 'my-model (Custom, http://host/v1)', 'no model'."""
    if config.model == CUSTOM:
        model = config.custom.model_id.strip() or "Custom"
        url = without_secrets(config.custom.base_url.strip())
        return f"{model} (Custom, {url})" if url else model
    where = f" on {config.endpoint}" if config.endpoint else ""
    return f"{config.model or 'no model'}{where}"


def _clean(config: CardConfig) -> CardConfig:
    copy = config.model_copy(deep=True)
    copy.custom.base_url = without_secrets(copy.custom.base_url)
    return copy


def freeze_workspace(workspace: Workspace, title: str = "") -> ChatSnapshot:
    """The Playground's cards as shown: settled (nothing left streaming), no secret."""
    copy = workspace.model_copy(deep=True).settle()
    cards = []
    for number, card in enumerate(copy.cards, start=1):
        card.config = _clean(card.config)
        cards.append(
            SnapshotCard(
                label=f"Card {number}",
                model=model_label(card.config),
                settings=card.config.settings.summary(),
                card=card,
            )
        )
    title = (title or history_facts(copy).title or "Playground")[:TITLE_MAX]
    return ChatSnapshot(title=title, cards_per_row=copy.cards_per_row, cards=cards)


def _figure(value: float | None, fmt: str) -> str:
    return "–" if value is None else format(value, fmt)


def summary_row(summary: ColumnSummary) -> SummaryRow:
    """One card's summary as the results page words it."""
    cost = summary.cost
    return SummaryRow(
        label=summary.label,
        figures={
            "answers": str(summary.answers),
            "errors": str(summary.errors),
            "checks passed": summary.checks,
            "pass rate (95 % interval)": summary.pass_rate,
            "judge mean": _figure(summary.judge_mean, ".1f"),
            "first token (median, s)": _figure(summary.median_ttft_s, ".2f"),
            "tok/s (median)": _figure(summary.median_tokens_per_s, ".1f"),
            "tokens": str(summary.total_tokens),
            "cost": "–" if cost is None else dollars(cost.dollars, cost.estimated),
        },
    )


def freeze_run(
    spec: RunSpec,
    cells: Iterable[CellResult],
    summaries: Iterable[ColumnSummary],
    title: str = "",
) -> RunSnapshot:
    """A prompt-set run: its spec (columns' configs cleaned), cells and summary."""
    spec = spec.model_copy(deep=True)
    for column in spec.columns:
        column.config = _clean(column.config)
    copies = (cell.model_copy(deep=True) for cell in cells)
    ordered = sorted(copies, key=lambda c: (c.row, c.col, c.run))
    return RunSnapshot(
        title=(title or spec.title or "Prompt-set run")[:TITLE_MAX],
        spec=spec,
        cells=ordered,
        summary=[summary_row(s) for s in summaries],
    )


def freeze_report(
    rows: list[dict[str, int | float | str | None]], filters: dict[str, str], title: str = ""
) -> ReportSnapshot:
    """The Models report as shown (``playground.reports.models.shown``): its filters and rows.
    A row names endpoint, model and settings label; none holds a URL or a token."""
    columns = list(rows[0]) if rows else []
    return ReportSnapshot(
        title=(title or "Models report")[:TITLE_MAX],
        filters=dict(filters),
        columns=columns,
        rows=[dict(row) for row in rows],
    )


def _answer(cell: CellResult) -> Message:
    status = "done" if cell.status == "done" else "error" if cell.error else "stopped"
    return Message(
        role="assistant",
        content=cell.text,
        reasoning=cell.reasoning,
        status=status,
        error=cell.error,
        metrics=cell.metrics,
        tool_calls=cell.tool_calls,
    )


def thaw(snapshot: ChatSnapshot | RunSnapshot, max_cards: int) -> Workspace:
    """A new workspace to go on from: the cards and their histories (a run: one card per
    column, its config, and the first ``THAW_ROWS`` rows' prompts and answers). The
    Models report has none: it holds no conversation or card to go on from."""
    if isinstance(snapshot, ChatSnapshot):
        cards = [shown.card.model_copy(deep=True) for shown in snapshot.cards[:max_cards]]
        return Workspace(cards=cards, cards_per_row=snapshot.cards_per_row).settle()
    by_cell = {place: answers[0] for place, answers in snapshot.answers_at().items()}
    cards = []
    for col, column in enumerate(snapshot.spec.columns[:max_cards]):
        card = Card(config=column.config.model_copy(deep=True))
        for row, spec_row in enumerate(snapshot.spec.rows[:THAW_ROWS]):
            cell = by_cell.get((row, col))
            if cell is None:
                continue
            card.messages.append(Message(role="user", content=spec_row.prompt))
            card.messages.append(_answer(cell))
        cards.append(card)
    return Workspace(cards=cards or [Card()], cards_per_row=min(max(len(cards), 1), 4))
