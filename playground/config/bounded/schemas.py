"""Every JSON Schema a visitor types or a server sends, read and applied without fetching.

One validator for every place a schema comes from: a prompt set's ``json-schema:``
check, a tool's ``parameters``, a response format's schema (issue 28). The worker
side (``schema_problem``, ``validation_error``) runs only in the bounded evaluator's
workers (``playground.config.bounded``): a schema of local references can be exponential,
or recursive (``{"$ref": "#"}``). The app side (``check_schema``, ``check_value``)
calls them there and turns a call past its limits into a message.

Every way a schema can point outside itself (``$ref``, ``$dynamicRef``,
``$recursiveRef``, draft 3's ``extends``, a remote ``$id`` base) goes through a
``referencing.Registry`` whose ``retrieve`` refuses every URI, so nothing is ever
fetched; the message names the reference. References inside the schema resolve
as usual. Before a run, ``schema_problem`` also looks up each reference once, so
a schema that would need a fetch is refused before anything is sent.
"""

from __future__ import annotations

import functools
import json
import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin

import jsonschema
import referencing
import referencing.exceptions
import referencing.jsonschema

from playground.config.bounded.pool import Evaluator, Failed, default_evaluator

_REF_KEYS = ("$ref", "$dynamicRef", "$recursiveRef")
# The base of a schema that names none (.invalid is never a host; nothing is fetched anyway).
ROOT_URI = "https://playground.invalid/schema.json"
PROMPT_SET = "the json-schema"  # how a prompt set's schema is named in messages


class ReferenceRefused(Exception):
    """The schema points outside itself: nothing is fetched."""


def _refuse(uri: str) -> referencing.Resource[Any]:
    """The registry's ``retrieve``: refuses every URI (``referencing`` reports it as
    ``Unretrievable``), so a reference outside the schema is never fetched."""
    raise ReferenceRefused(uri)


def _refs(value: Any, base: str, depth: int = 0) -> Iterator[tuple[str, str]]:
    """Every reference in ``value``: (as written, resolved against its ``$id`` base)."""
    if depth > 200:
        raise RecursionError("nested too deeply")
    if isinstance(value, dict):
        own_id = value.get("$id", value.get("id"))
        if isinstance(own_id, str):
            base = urljoin(base, own_id)
        for key, item in value.items():
            if (key in _REF_KEYS or key == "extends") and isinstance(item, str):
                yield item, urljoin(base, item)
            else:
                yield from _refs(item, base, depth + 1)
    elif isinstance(value, list):
        for item in value:
            yield from _refs(item, base, depth + 1)


def _registry(schema: Any) -> tuple[referencing.Registry[Any], referencing.Resource[Any]]:
    resource = referencing.jsonschema.specification_with(
        schema.get("$schema", "") if isinstance(schema, dict) else "",
        default=referencing.jsonschema.DRAFT202012,
    ).create_resource(schema)
    registry: referencing.Registry[Any] = referencing.Registry(retrieve=_refuse)
    registry = registry.with_resource(ROOT_URI, resource)
    try:  # finds the schema's own $id'd parts; referencing 0.37 fails on some draft-3 shapes
        return registry.crawl(), resource
    except Exception:
        return registry, resource


def _load(text: str, what: str = PROMPT_SET) -> Any:
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what} is not JSON ({exc.msg}).") from None
    except (ValueError, RecursionError):  # a huge integer, deep nesting
        raise ValueError(f"{what} is not JSON this app reads (too deep or too long).") from None
    if not isinstance(schema, dict | bool):
        raise ValueError(f"{what} must be a JSON object.")
    return schema


@functools.lru_cache(maxsize=64)
def _validator(text: str) -> Any:
    schema = _load(text)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    registry, _ = _registry(schema)
    return cls(schema, registry=registry)


def schema_problem(text: str, what: str = PROMPT_SET) -> str | None:
    """Why ``text`` is not a usable schema (None: it is), naming it ``what``. Runs in a worker."""
    try:
        schema = _load(text, what)
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        cls.check_schema(schema)
    except ValueError as exc:
        return str(exc)
    except jsonschema.SchemaError as exc:
        return f"{what} is not a valid schema ({exc.message})."
    registry, _ = _registry(schema)
    resolver = registry.resolver(ROOT_URI)
    for ref, absolute in _refs(schema, ROOT_URI):
        try:
            resolver.lookup(absolute)
        except referencing.exceptions.Unresolvable as exc:
            if _needed_a_fetch(exc):
                return _outside(what, absolute)
            return f"{what} has a reference {ref[:100]!r} that points to nothing in it."
        except Exception as exc:  # referencing 0.37 fails on some draft-3 shapes
            if urldefrag(absolute).url != ROOT_URI:
                return _outside(what, absolute)
            return f"{what} has a reference {ref[:100]!r} that cannot be followed ({exc})."
    return None


def _outside(what: str, absolute: str) -> str:
    return f"{what} refers to {absolute[:100]!r} outside itself; nothing is fetched."


def _needed_a_fetch(exc: BaseException) -> bool:
    """Whether resolving failed because our registry refused to retrieve something."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ReferenceRefused | referencing.exceptions.Unretrievable):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def validation_error(text: str, value: Any) -> str | None:
    """The first way ``value`` does not fit the schema ``text``, with its JSON path
    ("at $.city: 3 is not of type 'string'"; None: it fits). Runs in a worker."""
    try:
        validator = _validator(text)
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    except referencing.exceptions.Unresolvable as exc:
        ref = str(getattr(exc, "ref", "") or exc)[:100]
        raise ReferenceRefused(
            f"the schema's reference {ref!r} is not in it (nothing is fetched)"
        ) from None

    if error is None:
        return None
    path = error.json_path
    return error.message if path == "$" else f"at {path[:200]}: {error.message}"


def text_fit(text: str, value_text: str) -> str | None:
    """``validation_error`` of the JSON in ``value_text`` (read here, in the worker: a
    server's text may be deep or huge); a ValueError says it is not JSON."""
    try:
        value = json.loads(value_text)
    except (ValueError, RecursionError):
        raise ValueError("it is not JSON this app reads") from None
    return validation_error(text, value)


# -- in the app ----------------------------------------------------------------------
def check_schema(text: str, what: str, *, evaluator: Evaluator | None = None) -> str | None:
    """Why the schema ``text`` cannot be used (None: it can), checked in a bounded worker
    (remembered: asking again costs nothing). ``what`` names it in the message."""
    evaluator = evaluator or default_evaluator()
    found = evaluator.cached_call(schema_problem, text, what)
    if isinstance(found, Failed):
        return found.sentence(what, "checking it") + "."
    return found.value


def check_value(
    text: str,
    value: Any,
    what: str,
    *,
    evaluator: Evaluator | None = None,
    seconds: float | None = None,
    cancel: threading.Event | None = None,
) -> tuple[bool, str]:
    """Whether ``value`` (parsed JSON) fits the schema ``text``: (fits, why not), checked in
    a bounded worker. A check past its limits does not fit, with the reason named."""
    evaluator = evaluator or default_evaluator()
    found = evaluator.call(validation_error, text, value, seconds=seconds, cancel=cancel)
    if isinstance(found, Failed):
        return False, found.sentence(what, "checking against it") + "."
    return found.value is None, found.value or ""


def check_text(
    text: str, value_text: str, what: str, *, evaluator: Evaluator | None = None
) -> tuple[bool, str]:
    """``check_value`` of the JSON text ``value_text``, remembered by both texts: a page
    run asks again for what the last one asked, at no cost (an answer's arguments or
    text do not change once it has finished)."""
    evaluator = evaluator or default_evaluator()
    found = evaluator.cached_call(text_fit, text, value_text)
    if isinstance(found, Failed):
        return False, found.sentence(what, "checking against it") + "."
    return found.value is None, found.value or ""
