"""The manager's filter and order mini-languages, parsed with the manager's own grammar.

The grammars are transcribed from lablup/backend.ai
``src/ai/backend/manager/models/minilang/queryfilter.py`` and ``ordering.py`` (the same
text at 24.09.14, 25.13.4 and 26.4.10) and parsed with the same library and version
the manager locks (lark 1.1.9, ``python.lock``), LALR as there. The transformer mirrors
``QueryFilterTransformer``: the same value conversions and enum handling per generation,
but it builds a Python predicate instead of SQL. Errors read as the manager's do:
``Query filter parsing error: ...`` (lark wraps a transformer's ValueError in VisitError).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from lark import Lark, LarkError, Token, Transformer, Tree

from tests.fake_manager.generations import Generation

Row = Mapping[str, Any]
Predicate = Callable[[Row], bool]

FILTER_GRAMMAR = r"""
    ?start: expr
    value: string
           | number
           | array
           | ATOM -> atom
    ATOM       : "null" | "true" | "false"
    COMBINE_OP : "&" | "|"
    UNARY_OP   : "!"
    BINARY_OP  : "==" | "!="
               | ">" | ">="
               | "<" | "<="
               | "contains" | "in"
               | "isnot" | "is"
               | "like" | "ilike"
    expr: UNARY_OP expr         -> unary_expr
        | CNAME BINARY_OP value -> binary_expr
        | expr COMBINE_OP expr  -> combine_expr
        | "(" expr ")"          -> paren_expr
    array  : "[" [value ("," value)*] "]"
    string : ESCAPED_STRING
    number : SIGNED_NUMBER
    %import common.CNAME
    %import common.ESCAPED_STRING
    %import common.SIGNED_NUMBER
    %import common.WS
    %ignore WS
"""
ORDER_GRAMMAR = r"""
    ?start: expr
    expr   : [col ("," col)*]
    col    : ORDER? CNAME
    ORDER  : "+" | "-"
    %import common.CNAME
    %import common.WS
    %ignore WS
"""
_FILTER = Lark(FILTER_GRAMMAR, parser="lalr", maybe_placeholders=False)
_ORDER = Lark(ORDER_GRAMMAR, parser="lalr", maybe_placeholders=False)


class FilterError(ValueError):
    """The manager's ValueError, which GraphQL reports as the error message."""


class _Predicates(Transformer):  # type: ignore[type-arg]
    def __init__(self, generation: Generation) -> None:
        super().__init__()
        self._gen = generation

    def string(self, token: list[Token]) -> str:
        return token[0][1:-1].replace('\\"', '"')  # exactly as the manager's transformer

    def number(self, token: list[Token]) -> int | float:
        return float(token[0]) if "." in token[0] else int(token[0])

    array = list

    def atom(self, token: list[Token]) -> Any:
        return {"null": None, "true": True, "false": False}[token[0].value]

    def _value(self, value: Any) -> Any:
        if isinstance(value, Tree):
            return self._value(value.children[0])
        if isinstance(value, list):
            return [self._value(v) for v in value]
        return value

    def _lifecycle(self, value: Any) -> str:
        """EnumFieldItem (24.09: value or NAME) or ``EndpointLifecycle(value)`` (25.13+)."""
        text = str(value)
        text = dict(self._gen.lifecycle_aliases).get(text.lower(), text)
        if text in self._gen.lifecycle_values:
            return text
        by_name = self._gen.filter_enum_by_name and text == text.upper()
        if by_name and text.lower() in self._gen.lifecycle_values:
            return text.lower()
        if self._gen.filter_enum_by_name:
            raise ValueError(f"Invalid enum value: {text}")
        raise ValueError(f"'{text}' is not a valid EndpointLifecycle")

    def binary_expr(self, children: list[Any]) -> Predicate:
        name, op = children[0].value, children[1].value
        if name not in self._gen.filter_fields:
            raise ValueError("Unknown/unsupported field name", name)
        value = self._value(children[2])
        if name == "lifecycle_stage":
            value = self._lifecycle(value)
        return _compare(name, op, value)

    def unary_expr(self, children: list[Any]) -> Predicate:
        inner: Predicate = children[1]
        return lambda row: not inner(row)

    def combine_expr(self, children: list[Any]) -> Predicate:
        a, op, b = children
        if op.value == "&":
            return lambda row: a(row) and b(row)
        return lambda row: a(row) or b(row)

    def paren_expr(self, children: list[Any]) -> Predicate:
        return children[0]


def _compare(name: str, op: str, value: Any) -> Predicate:
    if op in ("like", "ilike"):
        pattern = like_regex(str(value), ignore_case=op == "ilike")
        return lambda row: row[name] is not None and bool(pattern.fullmatch(str(row[name])))
    simple: dict[str, Callable[[Any], bool]] = {
        "==": lambda v: v == value,
        "!=": lambda v: v != value,  # SQL: NULL != x is not true
        "in": lambda v: v in value,
        "is": lambda v: v is value,
        "isnot": lambda v: v is not value,
    }
    if op not in simple:
        raise ValueError(f"the stand-in does not evaluate '{op}'")
    check = simple[op]
    if op in ("==", "!="):
        return lambda row: row[name] is not None and check(row[name])
    return lambda row: check(row[name])


def compile_filter(text: str, generation: Generation) -> Predicate:
    """A predicate over an endpoint's filter fields; ``FilterError`` as the manager says."""
    try:
        return _Predicates(generation).transform(_FILTER.parse(text))  # type: ignore[no-any-return]
    except LarkError as exc:
        raise FilterError(f"Query filter parsing error: {exc}") from None


def order_keys(text: str, generation: Generation) -> Sequence[tuple[str, bool]]:
    """``[(column, descending), ...]`` from an ``order`` argument."""
    try:
        tree = _ORDER.parse(text)
    except LarkError as exc:
        raise FilterError(f"Query ordering parsing error: {exc}") from None
    keys = []
    for col in tree.children:
        *sign, name = [t.value for t in col.children]
        if name not in generation.order_fields:
            raise FilterError(f"Unknown/unsupported field name: {name}")
        keys.append((name, sign == ["-"]))
    return keys


def like_regex(pattern: str, *, ignore_case: bool) -> re.Pattern[str]:
    """SQL LIKE with PostgreSQL's default escape character, the backslash."""
    out: list[str] = []
    chars = iter(pattern)
    for c in chars:
        if c == "\\":
            out.append(re.escape(next(chars, "\\")))
        elif c == "%":
            out.append(".*")
        elif c == "_":
            out.append(".")
        else:
            out.append(re.escape(c))
    return re.compile("".join(out), re.DOTALL | (re.IGNORECASE if ignore_case else 0))
