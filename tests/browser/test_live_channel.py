"""In Chromium: a synced prompt's answers grow in each card's live-answer component, read
over the app's own route, while Streamlit's socket carries nothing per token; then
each card draws its final answer in the component's place."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Page, WebSocket, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario

pytestmark = pytest.mark.browser


@pytest.fixture
def app(server: FakeOpenAIServer, tmp_path: Path) -> Iterator[RunningApp]:
    url = server.add("live", Scenario(models=["model-a"], tokens=120, tokens_per_second=25))
    running = start_app(
        f'[[endpoints]]\nname = "Server"\nbase_url = "{url}"\n[local_model]\nenabled = false\n',
        tmp_path,
    )
    yield running
    stop_app(running)


class _Sockets:
    """Frames the page receives: on Streamlit's socket, and on each live-answer channel."""

    def __init__(self, page: Page) -> None:
        self.streamlit: list[tuple[float, str]] = []  # when, what (heartbeats left out)
        self.channels: dict[str, int] = {}
        page.on("websocket", self._opened)

    def _opened(self, socket: WebSocket) -> None:
        if "/api/live/" in socket.url:
            self.channels[socket.url] = 0

            def counted(_: object, url: str = socket.url) -> None:
                self.channels[url] += 1

            socket.on("framereceived", counted)
        elif "/_stcore/stream" in socket.url:
            socket.on("framereceived", self._streamlit_frame)

    def _streamlit_frame(self, payload: bytes | str) -> None:
        from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

        if not isinstance(payload, bytes):
            return
        msg = ForwardMsg.FromString(payload)
        body = msg.delta.new_element.markdown.body if msg.HasField("delta") else ""
        if not body.endswith("answering…"):  # the page's heartbeat beside "Stop all"
            self.streamlit.append((time.monotonic(), str(msg)[:200]))


def test_a_synced_answer_grows_in_the_live_component_then_is_drawn_final(
    page: Page, app: RunningApp, shot: Callable[[str], Path]
) -> None:
    sockets = _Sockets(page)
    pg = PlaygroundPage(page, app.url).open()
    first, second = pg.card_ids()
    for card_id in (first, second):
        pg.choose(card_id, "model", "model-a")
    pg.set_sync(True)
    pg.send_synced("live please")
    lives = [pg.history(c).locator(".pglive-text:visible") for c in (first, second)]
    for live in lives:
        expect(live).to_contain_text("[model-a] turn 1: live please w", timeout=30_000)
    # The answer's text so far, without the cursor drawn after it while it streams.
    early = [(live.text_content() or "").removesuffix(" ▌") for live in lives]
    start = time.monotonic()
    page.wait_for_timeout(1500)
    later = [(live.text_content() or "").removesuffix(" ▌") for live in lives]
    window = [m for t, m in sockets.streamlit if start <= t <= time.monotonic()]
    shot("streaming")
    for before, after in zip(early, later, strict=True):
        assert after.startswith(before) and len(after) > len(before) + 20  # it grew
    assert len(sockets.channels) >= 2 and all(n > 5 for n in sockets.channels.values())
    assert window == []  # Streamlit's socket: nothing per token meanwhile

    final = "[model-a] turn 1: live please " + " ".join(f"w{i}" for i in range(120))
    for card_id in (first, second):
        expect(pg.bubbles(card_id).last).to_contain_text(final[-30:], timeout=30_000)
        live = pg.history(card_id).locator(".pglive:visible")
        expect(live).to_have_count(0)  # drawn final instead
        assert final in (pg.bubbles(card_id).last.text_content() or "")
    shot("final")
    no_error_boxes(page)


HOSTILE = (
    '<img src="http://127.0.0.1:9/live.png"> ![x](http://127.0.0.1:9/md.png) '
    "[click](javascript:alert(1)) <script>window.__ran = 1</script>"
)


def test_the_live_component_shows_hostile_text_as_text_and_fetches_nothing(
    page: Page, server: FakeOpenAIServer, tmp_path: Path, shot: Callable[[str], Path]
) -> None:
    url = server.add("hostile-live", Scenario(reply=HOSTILE, tokens=60, tokens_per_second=20))
    app = start_app(f'[[endpoints]]\nname = "H"\nbase_url = "{url}"\n', tmp_path)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if ":9/" in r.url else None)
    try:
        pg = PlaygroundPage(page, app.url).open()
        first = pg.card_ids()[0]
        pg.send_synced("be hostile")
        live = pg.history(first).locator(".pglive:visible")
        text = live.locator(".pglive-text")
        expect(text).to_contain_text("<script>window.__ran = 1</script>")
        expect(text).to_contain_text(" w", timeout=30_000)
        shot("hostile-streaming")
        assert live.locator("img, a, script").count() == 0  # nothing of it is markup
        assert page.evaluate("window.__ran") is None
        expect(live).to_have_count(0, timeout=30_000)  # then the final answer, safe
        shot("hostile-final")
        assert fetched == []
        no_error_boxes(page)
    finally:
        stop_app(app)


def test_asked_n_times_each_tab_streams_over_its_own_channel(
    page: Page, server: FakeOpenAIServer, tmp_path: Path
) -> None:
    url = server.add("live-runs", Scenario(tokens=80, tokens_per_second=25))
    app = start_app(f'[[endpoints]]\nname = "R"\nbase_url = "{url}"\n', tmp_path)
    sockets = _Sockets(page)
    try:
        pg = PlaygroundPage(page, app.url).open()
        pg.set_sync(False)  # the first page opens synced; this test types into one card
        first = pg.card_ids()[0]
        runs = pg.widget(first, "runs").locator("input")
        runs.fill("3")
        runs.press("Enter")
        expect(page.get_by_text("Each prompt: 3 answers")).to_be_visible(timeout=20_000)
        pg.send_to_card(first, "thrice")
        # (Not the card's next answer's component: an answer asked N times is not its.)
        live = pg.history(first).locator(".pglive:not(.waits) .pglive-text")
        expect(live).to_have_count(3, timeout=30_000)
        expect(live.first).to_contain_text("thrice w0 w1", timeout=30_000)
        answered = [url for url, frames in sockets.channels.items() if frames]
        assert len(answered) == 3  # one channel a tab
        tabs = pg.history(first).get_by_role("tab")
        expect(tabs).to_have_text(["1 ✓", "2", "3"], timeout=30_000)  # then the final tabs
        expect(live).to_have_count(0)
        expect(pg.history(first)).to_contain_text("thrice w0 w1 w2")
        expect(pg.history(first)).to_contain_text("w78 w79")
        no_error_boxes(page)
    finally:
        stop_app(app)


MARKDOWN = (
    "# Live heading\n\nA paragraph with **bold** and a [link](https://example.com/x).\n\n"
    "- first item\n- second item\n\n"
    '<img src="http://127.0.0.1:9/raw.png"> ![pic](http://127.0.0.1:9/md.png)\n\n'
    + " ".join(f"still streaming {i}" for i in range(60))
)


def test_finished_blocks_are_formatted_while_the_tail_streams_as_text(
    page: Page, server: FakeOpenAIServer, tmp_path: Path, shot: Callable[[str], Path]
) -> None:
    url = server.add("md-live", Scenario(reply=MARKDOWN, chunk_chars=6, tokens_per_second=20))
    app = start_app(f'[[endpoints]]\nname = "M"\nbase_url = "{url}"\n', tmp_path)
    fetched: list[str] = []
    page.on("request", lambda r: fetched.append(r.url) if ":9/" in r.url else None)
    try:
        pg = PlaygroundPage(page, app.url).open()
        first = pg.card_ids()[0]
        pg.send_synced("format it")
        live = pg.history(first).locator(".pglive:visible")
        expect(live.locator(".pglive-tail")).to_contain_text("still streaming 3", timeout=30_000)
        blocks = live.locator(".pglive-blocks")
        expect(blocks.locator("h1")).to_have_text("Live heading")
        expect(blocks.locator("li")).to_have_text(["first item", "second item"])
        expect(blocks.locator("strong")).to_have_text("bold")
        link = blocks.locator("a", has_text="link")
        assert link.get_attribute("rel") == "noopener noreferrer nofollow"
        assert "# Live" not in (live.text_content() or "")  # no raw marks left
        assert live.locator("img, script").count() == 0
        assert '<img src="http://127.0.0.1:9/raw.png">' in (blocks.text_content() or "")
        assert "streaming 59" not in (live.text_content() or "")  # still mid-stream
        shot("markdown-live")
        expect(live).to_have_count(0, timeout=30_000)  # then the final answer
        expect(pg.bubbles(first).last.locator("h1")).to_have_text("Live heading")
        assert fetched == []
        no_error_boxes(page)
    finally:
        stop_app(app)
