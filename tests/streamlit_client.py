"""A headless Streamlit client: speaks the app's websocket protocol, no browser.

It does what the browser does, with Streamlit's own protobuf messages
(``streamlit.proto``) over ``websockets``: connect to ``/_stcore/stream`` with
the ``streamlit`` subprotocol, send a ``BackMsg`` whose ``rerun_script`` carries
the query string and widget states, and apply each ``ForwardMsg`` delta to a
tree of elements by its ``delta_path`` (a new element or block at a path
replaces what was there). Like the browser it sends the query string the app
last set (``page_info_changed``) and the page it is on with every rerun (a
rerun naming another page would make Streamlit drop the page's widget state,
and with it the next prompt).

What a load test needs from the tree: which chat input and container belong
to which card (their ids end with the widget key: ``card-<id>-input``,
``pgcard-<id>``), and every markdown, caption and error drawn under a card,
each with the time it arrived.

``tree`` follows the browser's rules for what is on screen: a new element at a
path replaces what was there with everything under it; a new block replaces
it too, except that a block of the same kind keeps the children it had (until
they are replaced), as Streamlit's frontend does. ``on_delta`` is called after
each delta with the path it touched, so a test can check what a person would
see at every step.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field

import websockets
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ClientState_pb2 import ClientState
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState, WidgetStates

Path = tuple[int, ...]


@dataclass
class Drawn:
    """One text element drawn under a card: its kind, its text, when it arrived."""

    kind: str  # "markdown", "caption" (a markdown element drawn as a caption), "error"
    text: str
    at: float


@dataclass
class CardView:
    card_id: str
    prefix: Path
    drawn: list[Drawn] = field(default_factory=list)


class StreamlitSession:
    """One browser tab's worth of protocol, driven by ``run()`` in an asyncio task."""

    def __init__(self, url: str, *, cookie: str | None = None) -> None:
        self.url = url  # ws://host:port/_stcore/stream
        self.cookie = cookie
        self.query = ""
        self.page = ""  # the page's script hash, as the app last said (new_session, navigation)
        self.cards: dict[str, CardView] = {}  # by card id
        self.inputs: dict[str, str] = {}  # card id -> its chat input's widget id
        self.finished = asyncio.Event()  # a script run (not a fragment run) finished
        self.messages = 0
        self.bytes = 0
        self.on_drawn: Callable[[CardView, Drawn], None] | None = None
        self.tree: dict[Path, tuple[str, str]] = {}  # path -> (kind, markdown text or "")
        self.on_delta: Callable[[Path], None] | None = None
        self.bad_paths: list[Path] = []  # deltas the browser would reject
        self.channels: dict[str, list[str]] = {}  # card id -> live-answer channel paths drawn
        self.sync_input: str | None = None  # Sync Input's own chat input, once drawn
        self.stops: dict[str, str] = {}  # card id -> its Stop button's widget id, once drawn
        self.runs = 0  # script runs (page or fragment) that finished
        self._ws: websockets.ClientConnection | None = None

    async def connect(self) -> None:
        headers = {"Cookie": self.cookie} if self.cookie else None
        self._ws = await websockets.connect(
            self.url,
            subprotocols=[websockets.Subprotocol("streamlit")],
            additional_headers=headers,
            max_size=None,
            open_timeout=30,
            ping_interval=None,
        )

    async def close(self) -> None:
        if self._ws is not None:
            await self._ws.close()

    async def rerun(self, query: str | None = None, widgets: list[WidgetState] = ()) -> None:
        """What the browser sends on load (with the query string) and on each interaction."""
        assert self._ws is not None
        if query is not None:
            self.query = query
        self.finished.clear()
        state = ClientState(
            query_string=self.query,
            page_script_hash=self.page,
            widget_states=WidgetStates(widgets=widgets),
        )
        await self._ws.send(BackMsg(rerun_script=state).SerializeToString())

    async def send_prompt(self, card_id: str, text: str) -> None:
        """Type ``text`` into the card's own chat input and press Enter."""
        widget = WidgetState(id=self.inputs[card_id])
        widget.chat_input_value.data = text
        await self.rerun(widgets=[widget])

    async def send_synced(self, text: str) -> None:
        """Type ``text`` into Sync Input's chat input (every card) and press Enter."""
        assert self.sync_input is not None, "Sync Input's chat input was not drawn"
        widget = WidgetState(id=self.sync_input)
        widget.chat_input_value.data = text
        await self.rerun(widgets=[widget])

    async def press(self, widget_id: str) -> None:
        """Click a button."""
        widget = WidgetState(id=widget_id)
        widget.trigger_value = True
        await self.rerun(widgets=[widget])

    async def receive(self) -> None:
        """Apply every message until the connection closes."""
        assert self._ws is not None
        try:
            async for raw in self._ws:
                self.messages += 1
                self.bytes += len(raw)
                msg = ForwardMsg()
                msg.ParseFromString(raw)
                self._apply(msg, time.monotonic())
        except websockets.ConnectionClosed:
            pass

    # -- the tree ------------------------------------------------------------
    def _apply(self, msg: ForwardMsg, now: float) -> None:
        kind = msg.WhichOneof("type")
        if kind == "page_info_changed":
            self.query = msg.page_info_changed.query_string
        elif kind == "new_session" and msg.new_session.page_script_hash:
            self.page = msg.new_session.page_script_hash
        elif kind == "navigation" and msg.navigation.page_script_hash:
            self.page = msg.navigation.page_script_hash
        elif kind == "script_finished":
            self.runs += 1
            if msg.script_finished == ForwardMsg.FINISHED_SUCCESSFULLY:
                self.finished.set()
        elif kind == "delta":
            self._delta(msg, tuple(msg.metadata.delta_path), now)

    def _card_at(self, path: Path) -> CardView | None:
        for view in self.cards.values():
            if path[: len(view.prefix)] == view.prefix:
                return view
        return None

    def texts_under(self, prefix: Path) -> list[str]:
        """The markdown texts on screen under ``prefix``, in page order."""
        return [
            text
            for path, (kind, text) in sorted(self.tree.items())
            if kind == "markdown" and path[: len(prefix)] == prefix
        ]

    def under(self, prefix: Path) -> list[tuple[str, str]]:
        """(kind, text) of every element on screen under ``prefix``, in page order (a
        markdown's body, a code block's text, "" for other elements)."""
        return [kt for path, kt in sorted(self.tree.items()) if path[: len(prefix)] == prefix]

    def _place(self, path: Path, kind: str, text: str = "", keep_children: bool = False) -> None:
        if len(path) > 2 and path not in self.tree:
            # The browser adds children in order: index n only after n - 1 (else it
            # stops with "Bad delta path index" and the page goes blank).
            parent = path[:-1]
            siblings = [p[-1] for p in self.tree if len(p) == len(path) and p[:-1] == parent]
            if parent not in self.tree or path[-1] > (max(siblings) + 1 if siblings else 0):
                self.bad_paths.append(path)
        if not keep_children:
            for other in [p for p in self.tree if p[: len(path)] == path]:
                del self.tree[other]
        self.tree[path] = (kind, text)

    def _delta(self, msg: ForwardMsg, path: Path, now: float) -> None:
        self._track(msg, path, now)
        if self.on_delta is not None:
            self.on_delta(path)

    def _track(self, msg: ForwardMsg, path: Path, now: float) -> None:
        delta = msg.delta
        which = delta.WhichOneof("type")
        if which == "add_block":
            kind = "block:" + str(delta.add_block.WhichOneof("type"))
            old = self.tree.get(path)
            self._place(path, kind, keep_children=old is not None and old[0] == kind)
            block_id = delta.add_block.id
            if "-pgcard-" in block_id:
                card_id = block_id.rsplit("-pgcard-", 1)[1]
                view = self.cards.get(card_id)
                if view is None or view.prefix != path:
                    self.cards[card_id] = CardView(card_id, path, view.drawn if view else [])
            return
        if which != "new_element":
            return
        element = delta.new_element
        etype = element.WhichOneof("type")
        is_text = etype == "markdown" and element.markdown.element_type != 2
        if etype == "markdown":  # a caption is a markdown element of its own kind
            placed = ("markdown" if is_text else "caption", element.markdown.body)
        else:  # a code block keeps its text
            placed = (str(etype), element.code.code_text if etype == "code" else "")
        self._place(path, *placed)
        if etype == "bidi_component" and element.bidi_component.component_name == "pg_live_answer":
            view = self._card_at(path)
            if view is not None:  # the live-answer component: its channel's path
                live = json.loads(element.bidi_component.bytes)["path"]
                self.channels.setdefault(view.card_id, []).append(live)
            return
        if etype == "button" and element.button.id.endswith("-stop"):
            card_id = element.button.id.rsplit("-card-", 1)[1].removesuffix("-stop")
            self.stops[card_id] = element.button.id
            return
        if etype == "chat_input":
            widget_id = element.chat_input.id
            if widget_id.endswith("-input") and "-card-" in widget_id:
                card_id = widget_id.rsplit("-card-", 1)[1].removesuffix("-input")
                self.inputs[card_id] = widget_id
            elif widget_id.endswith("-sync_prompt"):
                self.sync_input = widget_id
            return
        if etype == "markdown":
            text = element.markdown.body
            drawn_kind = "caption" if element.markdown.element_type == 2 else "markdown"
        elif etype == "alert" and element.alert.format == 1:  # st.error
            text, drawn_kind = element.alert.body, "error"
        else:
            return
        view = self._card_at(path)
        if view is None:
            return
        drawn = Drawn(drawn_kind, text, now)
        view.drawn.append(drawn)
        if self.on_drawn is not None:
            self.on_drawn(view, drawn)


async def watch_one_card(
    url: str,
    prompt: str,
    on_screen: Callable[[StreamlitSession, tuple[int, ...]], None],
    *,
    until: Callable[[], bool] | None = None,
    then_rerun: bool = False,
) -> list[tuple[int, ...]]:
    """Open the app at ``url`` on its one card (endpoint "E", model "fake-small"), send
    ``prompt`` and call ``on_screen(session, card_prefix)`` after every delta drawn in
    the card, until the page run that streamed the answer ends (or ``until()`` holds,
    within 30 s); ``then_rerun``: one more page run, drawn from the card's history.
    Returns the deltas whose paths did not fit the page (``bad_paths``)."""
    port = url.rsplit(":", 1)[1]
    session = StreamlitSession(f"ws://127.0.0.1:{port}/_stcore/stream")
    await session.connect()
    receiving = asyncio.create_task(session.receive())
    try:
        await session.rerun("card=E:fake-small")
        await asyncio.wait_for(session.finished.wait(), 60)
        (card_id,) = session.inputs
        prefix = session.cards[card_id].prefix

        def on_delta(path: tuple[int, ...]) -> None:
            if path[: len(prefix)] == prefix:
                on_screen(session, prefix)

        session.on_delta = on_delta
        await session.send_prompt(card_id, prompt)
        if until is None:
            await asyncio.wait_for(session.finished.wait(), 60)  # the run ends with the answer
        else:
            deadline = time.monotonic() + 30
            while not until() and time.monotonic() < deadline:
                await asyncio.sleep(0.05)
        if then_rerun:
            await session.rerun()
            await asyncio.wait_for(session.finished.wait(), 60)
        return session.bad_paths
    finally:
        await session.close()
        receiving.cancel()


async def follow_channel(
    base: str,
    path: str,
    origin: str | None = "same",
    on_message: Callable[[dict[str, object]], None] | None = None,
    cookie: str | None = None,
    opened: asyncio.Event | None = None,
) -> tuple[str, list[dict[str, object]]]:
    """Read a live-answer channel as the component does: what it shows when the route
    closes it (the finished blocks' HTML, then the tail's text: an answer with no
    finished block is its text as it is), and the messages. ``base``: the app's http
    URL; ``origin``: the handshake's Origin ("same": ``base``; None: none);
    ``on_message`` sees each; ``cookie``: sent as the browser would (nginx's route);
    ``opened`` is set once the route has accepted the socket.
    Raises ``websockets.InvalidStatus`` when the route
    refuses the handshake."""
    headers = {"Origin": base if origin == "same" else origin} if origin else {}
    if cookie:  # behind nginx: the route cookie keeps the socket on the page's process
        headers["Cookie"] = cookie
    messages: list[dict[str, object]] = []
    blocks: list[str] = []
    tail = ""
    url = base.replace("http", "ws", 1) + path
    async with websockets.connect(url, additional_headers=headers, open_timeout=30) as ws:
        if opened is not None:
            opened.set()
        try:
            async for raw in ws:
                message = json.loads(raw)
                messages.append(message)
                if on_message is not None:
                    on_message(message)
                if "blocks" in message:
                    kept, new = message["blocks"]
                    blocks = blocks[:kept] + new
                if "tail" in message:
                    at, piece = message["tail"]
                    tail = tail[:at] + piece
        except websockets.ConnectionClosed:
            pass
    return "".join(blocks) + tail, messages
