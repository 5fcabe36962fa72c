"""Checking a prompt set before anything is sent: parse, fill the template, parse the checks."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from playground.config.bounded import Evaluator
from playground.errors import PromptSetProblem
from playground.promptsets.checks.checks import Check, check_problems, parse_checks
from playground.promptsets.checks.judge import judge_template
from playground.promptsets.parse import read_prompt_set
from playground.promptsets.records import RunColumn, RunRow
from playground.promptsets.template import compile_template, render_rows
from playground.workspace.types import CUSTOM, Card, CardConfig

MAX_PROBLEMS = 10  # problems listed before "and N more"


@dataclass(frozen=True)
class JudgeChoice:
    card_id: str
    rubric: str
    prompt: str


@dataclass
class Preparation:
    """A set checked against its template and checks: what would be sent, or why not."""

    rows: list[RunRow] = field(default_factory=list)
    variables: tuple[str, ...] = ()
    kind: str = ""
    problems: list[str] = field(default_factory=list)

    @property
    def ready(self) -> bool:
        return bool(self.rows) and not self.problems


def prepare(
    data: bytes | str | None,
    *,
    name: str | None = None,
    template: str = "",
    judge: JudgeChoice | None = None,
    evaluator: Evaluator | None = None,
) -> Preparation:
    """Parse the set, fill in the template and parse every check; nothing is sent.

    The template and the checks' patterns and schemas are read in the bounded
    evaluator's workers; whatever they raise or however long they take, the result
    is a list of problems naming their rows.
    """
    if data is None or (isinstance(data, str) and not data.strip()):
        return Preparation(problems=["Add prompts: upload a file or type them in Prompts."])
    try:
        found = read_prompt_set(data, name=name)
        compiled = compile_template(template, found.columns, evaluator=evaluator)
        if judge is not None:
            judge_template(judge.prompt, evaluator=evaluator)
    except PromptSetProblem as exc:
        return Preparation(problems=[exc.message])
    prep = Preparation(variables=found.columns, kind=found.kind)
    problems: list[PromptSetProblem] = []
    prompts = render_rows(
        compiled, [(row.number, row.variables) for row in found.rows], evaluator=evaluator
    )
    parsed: list[tuple[int, tuple[Check, ...]]] = []
    for row, prompt in zip(found.rows, prompts, strict=True):
        try:
            if isinstance(prompt, PromptSetProblem):
                raise prompt
            if not prompt.strip():
                raise PromptSetProblem("the prompt is empty.", row.number)
            parsed.append((row.number, parse_checks(row.expected, row=row.number)))
        except PromptSetProblem as exc:
            problems.append(exc)
            continue
        prep.rows.append(RunRow(number=row.number, prompt=prompt, expected=row.expected))
    refused = check_problems(parsed, evaluator=evaluator)
    bad_rows = {p.row for p in refused}
    prep.rows = [r for r in prep.rows if r.number not in bad_rows]
    messages = [p.message for p in sorted([*problems, *refused], key=lambda p: p.row or 0)]
    if len(messages) > MAX_PROBLEMS:
        messages = [*messages[:MAX_PROBLEMS], f"… and {len(messages) - MAX_PROBLEMS} more."]
    prep.problems = messages
    return prep


def card_label(index: int, config: CardConfig) -> str:
    """A column's name: "1 · model"."""
    model = config.model
    if model == CUSTOM:
        model = config.custom.model_id.strip() or "Custom"
    return f"{index + 1} · {model or 'no model'}"


def card_columns(cards: Sequence[Card]) -> list[RunColumn]:
    """A run's column per card, its config copied as it is now (never a token)."""
    return [
        RunColumn(
            card_id=c.id, label=card_label(i, c.config), config=c.config.model_copy(deep=True)
        )
        for i, c in enumerate(cards)
    ]
