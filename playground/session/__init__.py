"""The application layer: the session and every action a person can take, in plain Python.

::

    session.py     Session (workspace + one CardRuntime per card), ImportState
    services.py    Services protocol (config, catalog, clients, gates, model lists,
                   Backend.AI manager, store) and PlainServices for tests and scripts
    commands.py    card actions: send, stop, regenerate, edit, clone, compare, ...
    decisions.py   pure choices: default endpoint, model options and landing, other model
    backendai.py   Backend.AI cards: options, resolving to an endpoint, generating a token
    links.py       ?card=…&sync=1 links: apply one, make one
    imports.py     Import JSON: check, confirm, cancel
    workspaces.py  saving as you go, opening a saved workspace, new, delete, rename
    history.py     who sees which saved workspaces, and how long ago
    arena.py       blind comparison: start a round, new round, vote, withdraw (issue 18)
    streams.py     answers belong to the workspace: start one, find it after a reload
    shorten.py     a conversation too long for the model: drop its oldest turns
    room.py        a prompt's files measured against the workspace limit before sending
    tools.py       tools, tool choice, response format, reasoning effort: apply (schemas
                   checked in the bounded evaluator), apply to all cards (issue 28)
    tool_rounds.py tool results: send a person's, set and send mock ones (rounds bounded)

Nothing here imports streamlit (``tests/test_layering.py``); the UI hands in a
Streamlit-cached ``Services`` implementation.
"""

from playground.session.services import PlainServices, Services
from playground.session.session import CardRuntime, ImportState, Session

__all__ = ["CardRuntime", "ImportState", "PlainServices", "Services", "Session"]
