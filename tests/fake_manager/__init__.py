"""A stand-in Backend.AI manager for tests, rebuilt from lablup/backend.ai's own code.

One job per module:

- ``generations``: how each manager generation answers (24.09.14, 25.13.4, 26.4.10),
  with the upstream file and tag of each behaviour;
- ``auth``: API-version, Date-window and HMAC-signature checks, and the error JSON;
- ``schema``: the legacy GraphQL schema per generation (graphql-core validates queries);
- ``filters``: the filter and order mini-languages, the manager's lark grammars;
- ``records``: what it stores, shown as each generation's GraphQL shows it;
- ``server``: ``FakeManager``, serving all that over real HTTP on 127.0.0.1;
- ``fixtures``: ``fake_manager`` (parametrised over the generations), ``backendai_config``.
"""

from tests.fake_manager.filters import compile_filter
from tests.fake_manager.generations import GEN_2403, GEN_2409, GEN_2513, GEN_2604, GENERATIONS
from tests.fake_manager.records import FakeEndpoint, make_token
from tests.fake_manager.server import ACCESS_KEY, SECRET_KEY, FakeManager

__all__ = [
    "ACCESS_KEY",
    "GENERATIONS",
    "GEN_2403",
    "GEN_2409",
    "GEN_2513",
    "GEN_2604",
    "SECRET_KEY",
    "FakeEndpoint",
    "FakeManager",
    "compile_filter",
    "make_token",
]
