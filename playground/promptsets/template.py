"""Prompt templates: ``{{name}}`` placeholders filled from a row's columns.

Built on Jinja2 (the template language promptfoo's Nunjucks and most prompt
tools share), in its ``SandboxedEnvironment`` with ``StrictUndefined``: a
placeholder the set has no column for is reported before anything is sent
(``jinja2.meta.find_undeclared_variables``), and a row that lacks a value
fails that row alone. A template is typed by a visitor of a shared dashboard,
so only the harmless part of the language is allowed: placeholders, a few
filters (``upper``, ``lower``, ``trim``, ``default``...), ``{% if %}`` and
comparisons; no loops, macros, calls, arithmetic or attribute access. Before a
row is rendered, an upper bound of its length is checked against the prompt limit.

Parsing and rendering still run only in the bounded evaluator's workers
(``playground.config.bounded``): a short template can be slow or deep to compile (100
nested ``{% if %}``, a chain of 190 filters, deep parentheses), so a template that
takes too long or too much memory, or that Jinja2 or Python's compiler refuses in
any way, is a message, never an exception in the page. ``compile_template``
checks the template once (remembered by the evaluator); ``render_rows`` fills in
every row in one call.
"""

from __future__ import annotations

import functools
import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import jinja2
from jinja2 import StrictUndefined, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from playground.config.bounded import Done, Evaluator, default_evaluator
from playground.config.limits import MAX_PROMPT_CHARS
from playground.errors import PromptSetProblem

FILTERS = frozenset({"upper", "lower", "trim", "title", "capitalize", "default", "d", "string"})
TESTS = frozenset({"defined", "undefined", "none", "string", "number"})
_ALLOWED = (
    nodes.Template,
    nodes.Output,
    nodes.TemplateData,
    nodes.Name,
    nodes.Const,
    nodes.If,
    nodes.CondExpr,
    nodes.Not,
    nodes.And,
    nodes.Or,
    nodes.Compare,
    nodes.Operand,
    nodes.Filter,
    nodes.Test,
)
GROWTH = 3  # the most a filter lengthens a value (upper("ß") is "SS"; "ŉ" becomes 2)

_ENV = SandboxedEnvironment(
    undefined=StrictUndefined, autoescape=False, keep_trailing_newline=True, auto_reload=False
)


@dataclass(frozen=True)
class Template:
    """A checked template; ``source`` "" means "the prompt as it is"."""

    source: str
    names: frozenset[str]  # the placeholders it uses
    _fixed_chars: int = 0  # characters of literal text and constants
    _refs: tuple[str, ...] = ()  # every placeholder occurrence (for the length bound)

    def bound_problem(self, values: Mapping[str, str]) -> str | None:
        """Why the filled-in prompt could be too long (None: it cannot)."""
        bound = self._fixed_chars + GROWTH * sum(len(values.get(n, "")) for n in self._refs)
        if bound > MAX_PROMPT_CHARS:
            return f"the filled-in prompt could be longer than {MAX_PROMPT_CHARS:,} characters."
        return None

    def render(
        self,
        values: Mapping[str, str],
        *,
        row: int | None = None,
        evaluator: Evaluator | None = None,
    ) -> str:
        """Fill the placeholders; raises ``PromptSetProblem`` naming ``row``."""
        found = render_rows(self, [(row, values)], evaluator=evaluator)[0]
        if isinstance(found, PromptSetProblem):
            raise found
        return found


def _check_nodes(tree: nodes.Template, what: str) -> tuple[int, tuple[str, ...]]:
    fixed = 0
    refs: list[str] = []
    for node in tree.find_all(nodes.Node):
        if not isinstance(node, _ALLOWED):
            raise PromptSetProblem(
                f"{what} uses {type(node).__name__.lower()}, which is not allowed here: "
                "use {{name}} placeholders, filters such as {{name | upper}}, and {% if %}."
            )
        if isinstance(node, nodes.Filter) and node.name not in FILTERS:
            raise PromptSetProblem(
                f"{what} uses the filter '{node.name}'; allowed: {', '.join(sorted(FILTERS))}."
            )
        if isinstance(node, nodes.Test) and node.name not in TESTS:
            raise PromptSetProblem(
                f"{what} uses the test '{node.name}'; allowed: {', '.join(sorted(TESTS))}."
            )
        if isinstance(node, nodes.TemplateData):
            fixed += len(node.data)
        elif isinstance(node, nodes.Const):
            fixed += GROWTH * len(str(node.value))
        elif isinstance(node, nodes.Name):
            refs.append(node.name)
    return fixed, tuple(refs)


def _checked(source: str, what: str) -> tuple[frozenset[str], int, tuple[str, ...]]:
    """Parse and check ``source``: its placeholders and length bound. Runs in a worker."""
    try:
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise PromptSetProblem(f"{what} has an error on line {exc.lineno}: {exc.message}") from None
    fixed, refs = _check_nodes(tree, what)
    _compiled(source)  # Python's compiler may refuse what Jinja2 parsed (too many blocks)
    return frozenset(meta.find_undeclared_variables(tree)), fixed, refs


@functools.lru_cache(maxsize=8)
def _compiled(source: str) -> jinja2.Template:
    return _ENV.from_string(source)


def checked_or_problem(source: str, what: str) -> tuple[frozenset[str], int, tuple[str, ...]] | str:
    """``_checked``, or the message of why not; any error of Jinja2 or Python's compiler
    (IndentationError, RecursionError, MemoryError...) is a message. Runs in a worker."""
    try:
        return _checked(source, what)
    except PromptSetProblem as exc:
        return exc.message
    except (RecursionError, SyntaxError):  # SyntaxError: Python's compiler on Jinja2's code
        return f"{what} is nested too deeply to be read: use fewer nested blocks or filters."
    except MemoryError:
        raise
    except Exception as exc:
        return f"{what} cannot be read ({type(exc).__name__}: {' '.join(str(exc).split())[:120]})."


def compile_template(
    source: str,
    known: Iterable[str],
    *,
    what: str = "The template",
    evaluator: Evaluator | None = None,
) -> Template:
    """Check ``source`` against the columns in ``known``; raises ``PromptSetProblem``.

    An empty (whitespace-only) template sends each row's prompt as it is.
    """
    if not source.strip():
        return Template("", frozenset())
    if len(source) > MAX_PROMPT_CHARS:
        raise PromptSetProblem(f"{what} is longer than {MAX_PROMPT_CHARS:,} characters.")
    evaluator = evaluator or default_evaluator()
    found = evaluator.cached_call(checked_or_problem, source, what)
    if not isinstance(found, Done):
        raise PromptSetProblem(found.sentence(what, "reading it") + ".")
    if isinstance(found.value, str):
        raise PromptSetProblem(found.value)
    names, fixed, refs = found.value
    columns = list(known)
    unknown = sorted(names - set(columns))
    if unknown:
        shown = ", ".join("{{" + n + "}}" for n in unknown)
        raise PromptSetProblem(
            f"{what} has unknown placeholders: {shown}. It can use: "
            + ", ".join("{{" + c + "}}" for c in columns)
            + "."
        )
    return Template(source, names, fixed, refs)


def _render_one(source: str, values: Mapping[str, str]) -> tuple[bool, str]:
    try:
        return True, _compiled(source).render(dict(values))
    except jinja2.UndefinedError as exc:
        return False, f"the template needs a value it lacks ({exc})."
    except RecursionError:
        return False, "the template is nested too deeply to fill in."
    except MemoryError:
        raise
    except Exception as exc:  # e.g. a filter given a wrong kind of value
        return False, f"the template cannot be filled in ({type(exc).__name__}: {exc})."


def rendered_rows(source: str, rows: Sequence[Mapping[str, str]]) -> list[tuple[bool, str]]:
    """Each row filled in: (True, prompt) or (False, why not). Runs in a worker."""
    return [_render_one(source, values) for values in rows]


Rendered = str | PromptSetProblem


def render_rows(
    template: Template,
    rows: Sequence[tuple[int | None, Mapping[str, str]]],
    *,
    evaluator: Evaluator | None = None,
) -> list[Rendered]:
    """Every row filled in, or the ``PromptSetProblem`` naming its row; one worker call."""
    if not template.source:
        return [values.get("prompt", "") for _, values in rows]
    out: list[Rendered | None] = [None] * len(rows)
    todo: list[int] = []
    for i, (number, values) in enumerate(rows):
        if (why := template.bound_problem(values)) is not None:
            out[i] = PromptSetProblem(why, number)
        else:
            todo.append(i)
    if todo:
        evaluator = evaluator or default_evaluator()
        limit = evaluator.limits.set_seconds if len(todo) > 1 else evaluator.limits.call_seconds
        values = [dict(rows[i][1]) for i in todo]
        key = hashlib.sha256(json.dumps([template.source, values]).encode()).hexdigest()
        found = evaluator.cached_large_call(
            key, rendered_rows, template.source, values, seconds=limit
        )
        for n, i in enumerate(todo):
            number = rows[i][0]
            if not isinstance(found, Done):
                why = found.sentence("Filling in the template", "reading it") + "."
                out[i] = PromptSetProblem(why[0].lower() + why[1:], number)
            else:
                ok, text = found.value[n]
                out[i] = text if ok else PromptSetProblem(text, number)
    return [x for x in out if x is not None]
