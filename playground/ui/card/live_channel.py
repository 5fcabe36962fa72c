"""The live-answer component: a streaming answer's text, read from the app's own route.

While an answer streams and the route is served (``Channels.mounted``: the
``st.App`` in ``streamlit_app.py`` is running), a card draws this component
once, with the channel id issued to this session (``channel_for``), and its
page or fragment run then only waits for the answer to end: the text comes to
the browser over ``playground.chat.channel_route``, not as page deltas. The final
answer is drawn by Streamlit as before, through ``ui.text``'s safe policy.

What streams is drawn as the final view will draw it, through the same safe
policy: each finished block (a paragraph, a list, a closed fence) arrives as HTML
rendered on the server by ``playground.rendering.live_html`` (``safe_markdown.neutralise``,
then markdown-it-py with HTML input off; images a placeholder, only
``http``/``https``/``mailto`` links), so Markdown marks do not show raw while the
answer streams; the unfinished tail, the reasoning and the tool calls are shown
as plain text (``textContent``). Only the route's ``blocks`` are ever parsed as
HTML here, through an inert ``<template>``; nothing a model writes is
interpreted in the browser, so no image is fetched, no link is live but
``http``/``https``/``mailto`` and no HTML runs while it streams.

``CHANNELS`` is the process's one registry: the ASGI route (no script run, no
``st.cache_resource``) and every session's script thread must reach the same
object, and a "Clear caches" must not cut live answers off.
"""

from __future__ import annotations

import hashlib
import json

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

from playground.chat.channel_route import channel_path
from playground.chat.channels import Channels, NextAnswers
from playground.chat.streaming import StreamJob

CHANNELS = Channels()
NAME = "pg_live_answer"

# Before the first text, "…" (or "… thinking") and, after half a second, "… waiting N s",
# as the card's own redraws show it (live_answer); the cursor comes with the text.
_HTML = """<div class="pglive"><div class="pglive-reasoning"></div>\
<div class="pglive-wait">…</div>\
<div class="pglive-text"><div class="pglive-blocks"></div><span class="pglive-tail"></span>\
<span class="pglive-cursor"> ▌</span></div>\
<div class="pglive-calls"></div></div>"""

_CSS = """
.pglive { font-family: var(--st-font, inherit); line-height: 1.6; overflow-wrap: anywhere; }
.pglive-tail, .pglive-reasoning, .pglive-calls { white-space: pre-wrap; }
.pglive-reasoning { opacity: 0.6; font-size: 0.9em; margin-bottom: 0.5em; }
.pglive-reasoning:empty, .pglive-calls:empty { display: none; }
.pglive-calls { font-family: var(--st-code-font, monospace); font-size: 0.85em; }
.pglive-blocks code { font-family: var(--st-code-font, monospace); font-size: 0.85em; }
.pglive-blocks pre { overflow-x: auto; padding: 0.75em 1em; border-radius: 0.5rem;
  background: var(--st-secondary-background-color, rgba(128, 128, 128, 0.12)); }
.pglive-blocks table { border-collapse: collapse; }
.pglive-blocks th, .pglive-blocks td { border: 1px solid rgba(128, 128, 128, 0.3);
  padding: 0.25em 0.5em; }
.pglive-blocks .placeholder { opacity: 0.7; font-style: italic; }
.pglive-cursor { display: none; }
.pglive.next { display: none; }
.stElementContainer:has(.pglive.next) { display: none; }
/* Its answer streaming while the card's run has not reached it yet: live, not faded. */
.stElementContainer[data-stale="true"]:has(.pglive.waits:not(.next)) { opacity: 1; }
.pglive.waits { padding-left: 2.5rem; }
.pglive.has-text .pglive-cursor { display: inline; }
.pglive.done .pglive-cursor, .pglive.has-text .pglive-wait, .pglive.done .pglive-wait {
  display: none; }
"""

# Only the route's "blocks" (HTML the server rendered through the safe policy) are
# parsed as HTML, in an inert <template>; every other string goes through textContent.
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
  // A new answer on the same element starts clean. One issued before its answer
  // started is hidden until it does; then indented as a chat message's text is.
  root.className = info.next === true ? "pglive next waits" : "pglive";
  const blocks = root.querySelector(".pglive-blocks");
  const parts = {
    tail: root.querySelector(".pglive-tail"),
    reasoning: root.querySelector(".pglive-reasoning"),
    calls: root.querySelector(".pglive-calls"),
  };
  blocks.replaceChildren();
  for (const part of Object.values(parts)) part.textContent = "";
  const held = { tail: "", reasoning: "" };
  // Hidden, it holds no text at all (a card's text, as a person copies or finds it).
  const wait = root.querySelector(".pglive-wait");
  const cursor = root.querySelector(".pglive-cursor");
  const mark = (text) => {
    wait.textContent = text ? "…" : "";
    cursor.textContent = text ? " ▌" : "";
  };
  mark(info.next !== true);
  let started = Date.now();
  let thinking = false;
  const waiting = setInterval(() => {
    if (["has-text", "done", "next"].some((name) => root.classList.contains(name))) return;
    const seconds = Math.round((Date.now() - started) / 1000);
    wait.textContent = thinking ? "… thinking" : seconds >= 1 ? `… waiting ${seconds} s` : "…";
  }, 500);
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
    const added = message.blocks;
    if (Array.isArray(added) && added.length === 2 && Array.isArray(added[1])) {
      while (blocks.childElementCount > Number(added[0])) blocks.lastElementChild.remove();
      for (const html of added[1]) {
        const template = document.createElement("template");
        template.innerHTML = String(html);  // server-rendered by playground.rendering.live_html
        const block = document.createElement("div");
        block.className = "pglive-block";
        block.append(template.content);
        blocks.append(block);
      }
    }
    for (const name of ["tail", "reasoning"]) {
      const splice = message[name];
      if (Array.isArray(splice) && splice.length === 2) {
        held[name] = held[name].slice(0, Number(splice[0])) + String(splice[1]);
        parts[name].textContent = held[name];
      }
    }
    if (typeof message.calls === "string") parts.calls.textContent = message.calls;
    if (typeof message.thinking === "boolean") thinking = message.thinking;
    if (root.classList.contains("next")) {  // its answer has started: shown from here
      started = Date.now();
      mark(true);
      root.classList.remove("next");
    }
    if (blocks.childElementCount || held.tail) root.classList.add("has-text");
    if (message.done) {
      root.classList.add("done");
      clearInterval(waiting);
    }
  };
  return () => {
    clearInterval(waiting);
    socket.close();
  };
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


def next_answer(state: NextAnswers, card_id: str) -> None:
    """Under a card's history, where the route is served: the component that waits for
    the card's next answer (``Channels.issue_next``), hidden until it starts, so its
    text shows as soon as the answer begins, before a page run has drawn the card."""
    if not CHANNELS.mounted.is_set():
        return
    ctx = get_script_run_ctx(suppress_warning=True)
    if ctx is None:
        return
    channel = CHANNELS.issue_next(ctx.session_id, card_id, state)
    live_answer(channel, next_reader_key(card_id, channel), True)


def next_reader_key(card_id: str, channel: str) -> str:
    """The element key of a card's next-answer reader: its own for each id, so the one a
    page run leaves behind (stale, hidden, until the run ends) never shows a later
    answer. Hex from a digest of the id: an id may hold "__", which Streamlit refuses in
    a component's key, and the page's class names then carry nothing of the id."""
    return f"next-{card_id}-{hashlib.sha256(channel.encode()).hexdigest()[:12]}"


def live_answer(channel: str, key: str, waits: bool = False) -> None:
    """Draw the component that shows ``channel``'s answer as it streams (``waits``: one
    issued for an answer not started yet, hidden until it starts)."""
    # In the page's DOM, not a shadow root: the card's text (what a person selects,
    # copies, finds) includes it; its classes are all "pglive-".
    mount = st.components.v2.component(NAME, html=_HTML, css=_CSS, js=_JS, isolate_styles=False)
    path = channel_path(str(st.get_option("server.baseUrlPath") or "")) + channel
    # Bytes: passed on as they are (a dict's values would be searched for dataframes,
    # importing pandas).
    data = json.dumps({"path": path, "next": waits}).encode()
    mount(key=f"pglive-{key}", data=data, height="content")
