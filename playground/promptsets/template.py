"""Prompt templates: ``{{name}}`` placeholders filled from a row's columns.

Built on Jinja2 (the template language promptfoo's Nunjucks and most prompt
tools share), in its ``SandboxedEnvironment`` with ``StrictUndefined``: a
placeholder the set has no column for is reported before anything is sent
(``jinja2.meta.find_undeclared_variables``), and a row that lacks a value
fails that row alone. A template is typed by a visitor of a shared dashboard,
so only the harmless part of the language is allowed: placeholders, a few
filters (``upper``, ``lower``, ``trim``, ``default``...), ``{% if %}`` and
comparisons; no loops, macros, calls, arithmetic or attribute access, so a
template cannot run for long or build a huge string. Before a row is rendered,
an upper bound of its length is checked against the prompt limit.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import jinja2
from jinja2 import StrictUndefined, meta, nodes
from jinja2.sandbox import SandboxedEnvironment

from playground.errors import PromptSetProblem
from playground.limits import MAX_PROMPT_CHARS

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
    _compiled: jinja2.Template | None
    _fixed_chars: int  # characters of literal text and constants
    _refs: tuple[str, ...]  # every placeholder occurrence (for the length bound)

    def render(self, values: Mapping[str, str], *, row: int | None = None) -> str:
        """Fill the placeholders; raises ``PromptSetProblem`` naming ``row``."""
        if self._compiled is None:
            return values.get("prompt", "")
        bound = self._fixed_chars + GROWTH * sum(len(values.get(n, "")) for n in self._refs)
        if bound > MAX_PROMPT_CHARS:
            raise PromptSetProblem(
                f"the filled-in prompt could be longer than {MAX_PROMPT_CHARS:,} characters.",
                row,
            )
        try:
            return self._compiled.render(dict(values))
        except jinja2.UndefinedError as exc:
            raise PromptSetProblem(f"the template needs a value it lacks ({exc}).", row) from None
        except jinja2.TemplateError as exc:  # e.g. a filter given a wrong kind of value
            raise PromptSetProblem(f"the template cannot be filled in ({exc}).", row) from None


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


def compile_template(source: str, known: Iterable[str], *, what: str = "The template") -> Template:
    """Check ``source`` against the columns in ``known``; raises ``PromptSetProblem``.

    An empty (whitespace-only) template sends each row's prompt as it is.
    """
    if not source.strip():
        return Template("", frozenset(), None, 0, ())
    if len(source) > MAX_PROMPT_CHARS:
        raise PromptSetProblem(f"{what} is longer than {MAX_PROMPT_CHARS:,} characters.")
    try:
        tree = _ENV.parse(source)
    except jinja2.TemplateSyntaxError as exc:
        raise PromptSetProblem(f"{what} has an error on line {exc.lineno}: {exc.message}") from None
    fixed, refs = _check_nodes(tree, what)
    names = frozenset(meta.find_undeclared_variables(tree))
    columns = list(known)
    unknown = sorted(names - set(columns))
    if unknown:
        shown = ", ".join("{{" + n + "}}" for n in unknown)
        raise PromptSetProblem(
            f"{what} has unknown placeholders: {shown}. It can use: "
            + ", ".join("{{" + c + "}}" for c in columns)
            + "."
        )
    return Template(source, names, _ENV.from_string(tree), fixed, refs)
