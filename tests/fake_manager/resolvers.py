"""The GraphQL root resolvers of the stand-in manager (graphql-core calls them).

``endpoint_list`` follows ``Endpoint.load_slice``/``load_count``, ``endpoint`` follows
``Endpoint.load_item`` and ``endpoint_token_list`` ``EndpointToken.load_slice`` (files per
generation in ``generations.py``).
"""

from __future__ import annotations

import random
from typing import TYPE_CHECKING, Any

from graphql import GraphQLError, parse
from graphql.error import GraphQLSyntaxError
from graphql.language import FieldNode, OperationDefinitionNode

from tests.fake_manager.filters import FilterError, compile_filter, order_keys
from tests.fake_manager.records import endpoint_json, token_json

if TYPE_CHECKING:
    from tests.fake_manager.server import FakeManager


class Resolvers:
    """GraphQL root resolvers (graphql-core calls ``field(info, **arguments)``)."""

    def __init__(self, manager: FakeManager) -> None:
        self._m = manager

    def endpoint_list(self, _info: Any, limit: int, offset: int, **args: Any) -> dict[str, Any]:
        """``Endpoint.load_slice`` / ``load_count``."""
        gen = self._m.generation
        items = [
            e for e in self._m.endpoints if not args.get("project") or e.project == args["project"]
        ]
        try:
            if args.get("filter") is not None:
                match = compile_filter(args["filter"], gen)
                items = [e for e in items if match(e.filter_fields())]
            keys = order_keys(args["order"], gen) if args.get("order") else [("created_at", True)]
        except FilterError as exc:
            raise GraphQLError(str(exc)) from None
        # Rows that tie on the order come back in no particular order (as in PostgreSQL).
        random.Random(len(self._m.requests)).shuffle(items)
        for name, descending in reversed(keys):
            items.sort(key=lambda e: e.filter_fields()[name] or "", reverse=descending)
        page = items[offset : offset + limit]
        return {"total_count": len(items), "items": [endpoint_json(e, gen) for e in page]}

    def endpoint(self, _info: Any, endpoint_id: str) -> dict[str, Any]:
        found = self._m.endpoint(endpoint_id)
        if found is None:
            # EndpointNotFound: "No such endpoint." (errors with codes such as E00002 at 26.4)
            code = "E00002: " if self._m.generation.route_health else ""
            raise GraphQLError(f"{code}No such endpoint.")
        return endpoint_json(found, self._m.generation)

    def endpoint_token_list(
        self, _info: Any, limit: int, offset: int, endpoint_id: str | None = None, **_: Any
    ) -> dict[str, Any]:
        """``EndpointToken.load_slice``: newest first; ``filter``/``order`` are ignored."""
        found = self._m.endpoint(endpoint_id) if endpoint_id else None
        tokens = sorted(found.tokens if found else [], key=lambda t: t.created_at, reverse=True)
        gen = self._m.generation
        return {
            "total_count": len(tokens),
            "items": [token_json(t, found, gen) for t in tokens[offset : offset + limit] if found],
        }


def root_field(text: str) -> str | None:
    try:
        document = parse(text)
    except GraphQLSyntaxError:
        return None
    for definition in document.definitions:
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                if isinstance(selection, FieldNode):
                    return selection.name.value
    return None
