"""The app's own route that streams an answer's text to the browser, outside page runs.

``GET {base}/api/live/{channel}`` upgraded to a websocket: the answer the channel id
names (``channels.Channels``) is sent as it grows, one JSON message per publish (at
most every 50 ms, as ``StreamJob`` publishes; the job wakes the route, see
``StreamJob.watch``), then the socket closes when the answer ends. An id issued for
a card's next answer (``Channels.issue_next``) is accepted at once and held, sending
nothing, until that answer starts; then it streams it alike. A websocket rather than
server-sent events: a browser always sends ``Origin`` on a websocket handshake (RFC
6455 §4.1; on a same-origin ``EventSource`` GET it does not), so the same-origin
check below holds for every browser request, and Streamlit's uvicorn already serves
websockets. The handshake is refused (HTTP 403, as uvicorn answers a close before
accept) alike for a foreign or missing ``Origin``, an unknown id and an answer that
has ended: nothing tells which, and nothing lists ids.

Each message: ``{"blocks": [kept, [html, ...]], "tail": [at, piece],
"reasoning": [at, piece], "calls": str, "thinking": bool, "done": bool}`` (each
key only when it changed). The answer's text comes as finished blocks rendered
to HTML here, on the server, through the final view's safe policy
(``playground.rendering.live_html``): the reader keeps its first ``kept`` blocks and
appends these (each block is sent once; ``kept`` is less than what it holds only
when the text was re-split, as a ``</think>`` found late does), and the
unfinished ``tail`` as text: it becomes ``tail[:at] + piece``. The reasoning is
text, spliced alike; ``calls`` is the tool calls so far as plain text. The
live-answer component inserts only ``blocks`` as HTML and shows everything else
with ``textContent`` (``playground/ui/card/live_channel.py``).
"""

from __future__ import annotations

import asyncio
import contextlib
import json
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import Any
from urllib.parse import urlsplit

import anyio
from starlette.routing import BaseRoute, WebSocketRoute
from starlette.websockets import WebSocket, WebSocketDisconnect

from playground.chat.answer_buffer import Snapshot
from playground.chat.channels import WAITING, Channels
from playground.chat.streaming import StreamJob
from playground.config.limits import SHOWN_ANSWER_CHARS
from playground.rendering.live_html import LiveBlocks, block_html

POLL = 0.05  # seconds between a waiting reader's looks for its answer's start
LOOK_EVERY = 0.25  # seconds: a streaming reader looks even if no publish woke it
REFUSED = 1008  # policy violation: before accept, uvicorn answers the handshake with 403


def channel_path(base_url_path: str = "") -> str:
    """The route's path under Streamlit's ``server.baseUrlPath`` (no channel id)."""
    base = base_url_path.strip("/")
    return f"/{base}/api/live/" if base else "/api/live/"


def same_origin(headers: Any) -> bool:
    """Whether the handshake's ``Origin`` names the host it was sent to.

    A ``Host`` without a port (nginx's ``proxy_set_header Host $host``, as the README's
    setup has it, drops the port it listens on) is compared with the origin's host name.
    """
    origin, host = headers.get("origin"), headers.get("host")
    if not origin or not host:
        return False
    parts = urlsplit(origin)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return False
    host = host.lower()
    if parts.netloc.lower() == host:
        return True
    has_port = ":" in host.rsplit("]", 1)[-1]
    return not has_port and parts.hostname == host.strip("[]")


def _spliced(old: str, new: str) -> list[int | str] | None:
    """``[at, piece]`` that turns ``old`` into ``new``; None if they are equal."""
    if new == old:
        return None
    if new.startswith(old):
        return [len(old), new[len(old) :]]
    at = 0
    for a, b in zip(old, new, strict=False):
        if a != b:
            break
        at += 1
    return [at, new[at:]]


class _Sent:
    """What the reader has been sent so far, and the message that brings it up to date."""

    def __init__(self) -> None:
        self.blocks = LiveBlocks()
        self.tail = ""
        self.reasoning = ""
        self.calls = ""
        self.thinking = False

    def update(self, snap: Snapshot) -> tuple[dict[str, Any], tuple[int, list[str]] | None]:
        """The message, and the new finished blocks (kept, Markdown sources) to render
        into it as ``blocks``: rendering is left to the caller (off the event loop)."""
        message: dict[str, Any] = {}
        text, reasoning = snap.text[:SHOWN_ANSWER_CHARS], snap.reasoning[:SHOWN_ANSWER_CHARS]
        calls = "\n".join(f"{c.name}({c.arguments[:2000]})" for c in snap.calls)
        blocks = self.blocks.feed(text)
        if (splice := _spliced(self.tail, self.blocks.tail)) is not None:
            message["tail"], self.tail = splice, self.blocks.tail
        if (splice := _spliced(self.reasoning, reasoning)) is not None:
            message["reasoning"], self.reasoning = splice, reasoning
        if calls != self.calls:
            message["calls"] = self.calls = calls
        if snap.thinking != self.thinking:
            message["thinking"] = self.thinking = snap.thinking
        if snap.done:
            message["done"] = True
        return message, blocks


def _rendered(blocks: tuple[int, list[str]]) -> list[Any]:
    kept, sources = blocks
    return [kept, [block_html(source) for source in sources]]


async def _stream(websocket: WebSocket, job: StreamJob) -> None:
    sent, seen = _Sent(), -1
    changed, loop = asyncio.Event(), asyncio.get_running_loop()

    def wake() -> None:  # on the answer's thread at each publish: no poll between them
        with contextlib.suppress(RuntimeError):  # the loop has closed
            loop.call_soon_threadsafe(changed.set)

    unwatch = job.watch(wake)
    try:
        while True:
            if job.version != seen or job.done:
                snap = job.snapshot()  # also counts as following: the job does not stop itself
                seen = snap.version
                message, blocks = sent.update(snap)
                if blocks is not None:  # rare (a blank line, a closed fence): worth a thread
                    message["blocks"] = await anyio.to_thread.run_sync(_rendered, blocks)
                if message:
                    await websocket.send_text(json.dumps(message, ensure_ascii=False))
                if snap.done:
                    return
            with contextlib.suppress(TimeoutError):  # a stall's pieces: see StreamJob
                await asyncio.wait_for(changed.wait(), LOOK_EVERY)
            changed.clear()
    finally:
        unwatch()


async def _started(channels: Channels, channel: str) -> StreamJob | None:
    """A pending id's answer once it starts; None if its session goes first."""
    while (found := channels.bind(channel)) == WAITING:
        await anyio.sleep(POLL)
    return found if isinstance(found, StreamJob) else None


def _follow(channels: Channels) -> Callable[[WebSocket], Any]:
    async def follow(websocket: WebSocket) -> None:
        channel = websocket.path_params["channel"]
        found = channels.bind(channel)
        if found is None or not same_origin(websocket.headers):
            await websocket.close(REFUSED)
            return
        await websocket.accept()
        async with anyio.create_task_group() as tasks:

            async def until_gone() -> None:
                try:
                    while (await websocket.receive())["type"] != "websocket.disconnect":
                        pass
                finally:
                    tasks.cancel_scope.cancel()

            tasks.start_soon(until_gone)
            try:
                job = found if isinstance(found, StreamJob) else await _started(channels, channel)
                if job is not None:
                    if found is WAITING:  # the reader shows it has begun ("…")
                        await websocket.send_text('{"started": true}')
                    await _stream(websocket, job)
                await websocket.close(1000)
            except (WebSocketDisconnect, RuntimeError, OSError):
                pass  # the reader went away: the answer streams on, the page follows it
            tasks.cancel_scope.cancel()

    return follow


def channel_routes(channels: Channels, base_url_path: str = "") -> list[BaseRoute]:
    """The route, to hand to ``st.App(routes=...)``."""
    path = channel_path(base_url_path) + "{channel}"
    return [WebSocketRoute(path, _follow(channels))]


def channel_lifespan(
    channels: Channels,
) -> Callable[[Any], AbstractAsyncContextManager[None]]:
    """An ``st.App`` lifespan that marks the route served while the app runs."""

    @asynccontextmanager
    async def lifespan(_app: Any) -> AsyncIterator[None]:
        channels.mounted.set()
        try:
            yield None
        finally:
            channels.mounted.clear()

    return lifespan
