"""Removing token parameters from the address bar without leaving them in browser history.

Streamlit writes every change of ``st.query_params`` into the address with
``history.pushState``: each removed parameter was a new history entry, and Back
showed the address with the token again. Streamlit's frontend uses
``replaceState`` only while it handles a Back/Forward navigation (its
``popstate`` listener). So a page whose address holds token parameters draws
nothing but a small script that replaces the current history entry with the
cleaned address and then tells Streamlit about it with a ``popstate`` event:
Streamlit takes the cleaned query string as its own and reruns with it, so the
server never sees the token parameters again and no entry holds them.
"""

from __future__ import annotations

import json

import streamlit as st

from playground.workspace.deeplinks import secret_keys

_SCRIPT = """<script>
(function () {
  const keys = %s;
  const url = new URL(window.location.href);
  for (const key of keys) url.searchParams.delete(key);
  window.history.replaceState(window.history.state, "", url.toString());
  window.dispatchEvent(new PopStateEvent("popstate", {state: window.history.state}));
})();
</script>"""


def _script(keys: list[str]) -> str:
    # Key names come from the address: JSON, with "<" escaped so none can end the script.
    encoded = json.dumps(keys).replace("<", "\\u003c").replace(">", "\\u003e")
    return _SCRIPT % encoded.replace("&", "\\u0026")


def scrub_secret_params() -> list[str]:
    """If the address holds token parameters, replace it with one without them and stop.

    Returns the removed names (the caller says so in a notice); the page then
    reruns on the cleaned address. Returns ``[]`` when there was nothing to remove.
    """
    dropped = secret_keys(st.query_params.keys())
    if not dropped:
        return []
    st.html(_script(dropped), unsafe_allow_javascript=True, width="content")
    return dropped
