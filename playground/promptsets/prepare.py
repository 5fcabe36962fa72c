"""Checking a prompt set before anything is sent: parse, fill the template, parse the checks."""

from __future__ import annotations

from dataclasses import dataclass, field

from playground.errors import PromptSetProblem
from playground.promptsets.checks import parse_checks
from playground.promptsets.judge import judge_template
from playground.promptsets.parse import read_prompt_set
from playground.promptsets.records import RunRow
from playground.promptsets.template import compile_template
from playground.workspace import CUSTOM, CardConfig

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
) -> Preparation:
    """Parse the set, fill in the template and parse every check; nothing is sent."""
    if data is None or (isinstance(data, str) and not data.strip()):
        return Preparation(problems=["Add prompts: upload a file or type them in Prompts."])
    try:
        found = read_prompt_set(data, name=name)
        compiled = compile_template(template, found.columns)
        if judge is not None:
            judge_template(judge.prompt)
    except PromptSetProblem as exc:
        return Preparation(problems=[exc.message])
    prep = Preparation(variables=found.columns, kind=found.kind)
    problems: list[str] = []
    for row in found.rows:
        try:
            prompt = compiled.render(row.variables, row=row.number)
            if not prompt.strip():
                raise PromptSetProblem("the prompt is empty.", row.number)
            parse_checks(row.expected, row=row.number)
        except PromptSetProblem as exc:
            problems.append(exc.message)
            continue
        prep.rows.append(RunRow(number=row.number, prompt=prompt, expected=row.expected))
    if len(problems) > MAX_PROBLEMS:
        problems = [*problems[:MAX_PROBLEMS], f"… and {len(problems) - MAX_PROBLEMS} more."]
    prep.problems = problems
    return prep


def card_label(index: int, config: CardConfig) -> str:
    """A column's name: "1 · model"."""
    model = config.model
    if model == CUSTOM:
        model = config.custom.model_id.strip() or "Custom"
    return f"{index + 1} · {model or 'no model'}"
