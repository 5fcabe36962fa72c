"""A ``json-schema:`` check's schema, read and applied without fetching anything.

These functions run in the bounded evaluator's workers (``playground.bounded``):
a schema of local references can be exponential, or recursive (``{"$ref": "#"}``).

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
from collections.abc import Iterator
from typing import Any
from urllib.parse import urldefrag, urljoin

import jsonschema
import referencing
import referencing.exceptions
import referencing.jsonschema

_REF_KEYS = ("$ref", "$dynamicRef", "$recursiveRef")
# The base of a schema that names none (.invalid is never a host; nothing is fetched anyway).
ROOT_URI = "https://playground.invalid/schema.json"


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


def _load(text: str) -> Any:
    try:
        schema = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ValueError(f"the json-schema is not JSON ({exc.msg}).") from None
    except (ValueError, RecursionError):  # a huge integer, deep nesting
        raise ValueError(
            "the json-schema is not JSON this app reads (too deep or too long)."
        ) from None
    if not isinstance(schema, dict | bool):
        raise ValueError("the json-schema must be a JSON object.")
    return schema


@functools.lru_cache(maxsize=64)
def _validator(text: str) -> Any:
    schema = _load(text)
    cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
    cls.check_schema(schema)
    registry, _ = _registry(schema)
    return cls(schema, registry=registry)


def schema_problem(text: str) -> str | None:
    """Why ``text`` is not a usable schema (None: it is). Runs in a worker."""
    try:
        schema = _load(text)
        cls = jsonschema.validators.validator_for(schema, default=jsonschema.Draft202012Validator)
        cls.check_schema(schema)
    except ValueError as exc:
        return str(exc)
    except jsonschema.SchemaError as exc:
        return f"the json-schema is not a valid schema ({exc.message})."
    registry, _ = _registry(schema)
    resolver = registry.resolver(ROOT_URI)
    for ref, absolute in _refs(schema, ROOT_URI):
        try:
            resolver.lookup(absolute)
        except referencing.exceptions.Unresolvable as exc:
            if _needed_a_fetch(exc):
                return (
                    f"the json-schema refers to {absolute[:100]!r} outside itself; "
                    "nothing is fetched."
                )
            return f"the json-schema's reference {ref[:100]!r} points to nothing in it."
        except Exception as exc:  # referencing 0.37 fails on some draft-3 shapes
            if urldefrag(absolute).url != ROOT_URI:
                return (
                    f"the json-schema refers to {absolute[:100]!r} outside itself; "
                    "nothing is fetched."
                )
            return f"the json-schema's reference {ref[:100]!r} cannot be followed ({exc})."
    return None


def _needed_a_fetch(exc: BaseException) -> bool:
    """Whether resolving failed because our registry refused to retrieve something."""
    seen: BaseException | None = exc
    while seen is not None:
        if isinstance(seen, ReferenceRefused | referencing.exceptions.Unretrievable):
            return True
        seen = seen.__cause__ or seen.__context__
    return False


def validation_error(text: str, value: Any) -> str | None:
    """Why ``value`` does not fit the schema ``text`` (None: it fits). Runs in a worker."""
    try:
        validator = _validator(text)
        error = jsonschema.exceptions.best_match(validator.iter_errors(value))
    except referencing.exceptions.Unresolvable as exc:
        ref = str(getattr(exc, "ref", "") or exc)[:100]
        raise ReferenceRefused(
            f"the schema's reference {ref!r} is not in it (nothing is fetched)"
        ) from None

    return error.message if error is not None else None
