"""The live-answer component: a streaming answer's text, read from the app's own route.

While an answer streams and the route is served (``Channels.mounted``: the
``st.App`` in ``streamlit_app.py`` is running), a card draws this component
once, with the channel id issued to this session (``channel_for``), and its
page or fragment run then only waits for the answer to end: the text comes to
the browser over ``playground.chat.channel_route``, not as page deltas. The final
answer is drawn by Streamlit as before, through ``ui.text``'s safe policy.

What streams is shown as plain text (``textContent``, never ``innerHTML``):
nothing a model writes is interpreted until it is final, so no image is
fetched, no link is live and no HTML runs while it streams, by construction,
and there is one Markdown renderer with one safe policy (the final view's)
rather than a second one in this component to keep in step with it.

``CHANNELS`` is the process's one registry: the ASGI route (no script run, no
``st.cache_resource``) and every session's script thread must reach the same
object, and a "Clear caches" must not cut live answers off.
"""

from __future__ import annotations

import json

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from playground.chat.channel_route import channel_path
from playground.chat.channels import Channels
from playground.chat.streaming import StreamJob

CHANNELS = Channels()
NAME = "pg_live_answer"

_HTML = """<div class="pglive"><div class="pglive-reasoning"></div>\
<div><span class="pglive-text"></span><span class="pglive-cursor"> ▌</span></div>\
<div class="pglive-calls"></div></div>"""

_CSS = """
.pglive { font-family: var(--st-font, inherit); line-height: 1.6; overflow-wrap: anywhere; }
.pglive-text, .pglive-reasoning, .pglive-calls { white-space: pre-wrap; }
.pglive-reasoning { opacity: 0.6; font-size: 0.9em; margin-bottom: 0.5em; }
.pglive-reasoning:empty, .pglive-calls:empty { display: none; }
.pglive-calls { font-family: var(--st-code-font, monospace); font-size: 0.85em; }
.pglive-text:empty::before { content: "…"; }
.pglive.done .pglive-cursor, .pglive-text:empty + .pglive-cursor { display: none; }
"""

# Text only: every string from the route goes through textContent.
_JS = """
function parse(data) {
  try {
    if (typeof data === "string") return JSON.parse(data);
    if (data instanceof ArrayBuffer) data = new Uint8Array(data);
    if (ArrayBuffer.isView(data)) return JSON.parse(new TextDecoder().decode(data));
    return data || null;
  } catch (e) {
    return null;
  }
}

export default function (component) {
  const info = parse(component.data);
  const root = component.parentElement.querySelector(".pglive");
  if (!root || !info || typeof info.path !== "string") return;
  const parts = {
    text: root.querySelector(".pglive-text"),
    reasoning: root.querySelector(".pglive-reasoning"),
    calls: root.querySelector(".pglive-calls"),
  };
  const held = { text: "", reasoning: "" };
  const url = new URL(info.path, window.location.href);
  url.protocol = url.protocol === "https:" ? "wss:" : "ws:";
  const socket = new WebSocket(url.href);
  socket.onmessage = (event) => {
    let message;
    try {
      message = JSON.parse(event.data);
    } catch (e) {
      return;
    }
    for (const name of ["text", "reasoning"]) {
      const splice = message[name];
      if (Array.isArray(splice) && splice.length === 2) {
        held[name] = held[name].slice(0, Number(splice[0])) + String(splice[1]);
        parts[name].textContent = held[name];
      }
    }
    if (typeof message.calls === "string") parts.calls.textContent = message.calls;
    if (message.done) root.classList.add("done");
  };
  return () => socket.close();
}
"""


def channel_for(job: StreamJob) -> str | None:
    """This session's channel id for ``job``'s answer; None where no route serves it
    (the card then follows the answer with redraws) or once it has ended."""
    if not CHANNELS.mounted.is_set():
        return None
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return None
    return CHANNELS.issue(job, ctx.session_id)


def live_answer(channel: str, key: str) -> None:
    """Draw the component that shows ``channel``'s answer as it streams."""
    # In the page's DOM, not a shadow root: the card's text (what a person selects,
    # copies, finds) includes it; its classes are all "pglive-".
    mount = st.components.v2.component(NAME, html=_HTML, css=_CSS, js=_JS, isolate_styles=False)
    path = channel_path(str(st.get_option("server.baseUrlPath") or "")) + channel
    # Bytes: passed on as they are (a dict's values would be searched for dataframes,
    # importing pandas).
    mount(key=f"pglive-{key}", data=json.dumps({"path": path}).encode(), height="content")
