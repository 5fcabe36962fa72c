"""The hostile corpus streamed slowly into Chromium fetches nothing and runs nothing (issue 30 §3).

Every entry of tests/hostile_corpus.py comes in as a server answer a few characters
at a time, 30-40 ms apart, so the live view draws hundreds of partial states: an
unfinished ``![x](http://127.0.0.1:PORT/...``, a ``<img src=`` cut before its quote,
a fence not yet closed. The test does not care which path draws the live answer
(fragment runs or a live-answer component): it samples the whole page, every frame
included, many times while the text streams, and a canary server on 127.0.0.1
(``Leak``) plus ``page.on("request")`` record anything Chromium asks for.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.hostile import _DOM_PROBLEMS, Leak
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.hostile_corpus import corpus

pytestmark = [pytest.mark.browser, pytest.mark.timeout(240)]
SETTLE_MS = 1500  # time for any fetch the page would make to reach the canary
GROUPS = 3  # the short entries, shared out over three cards streaming at once
SMALL = 3  # characters a chunk for the short entries
RATE = 30.0  # chunks a second: about 33 ms apart
DEEP_CHUNK = 250  # the deep-nesting entries are long (25,000 characters): bigger chunks

# Elements only raw HTML in an answer could make (Streamlit draws none of them), and
# any element carrying a URL of the canary or an inline handler, in any frame.
_RAW_HTML = """(port) => {
  const out = [];
  const tags = "script:not([src]), iframe, object, embed, video, audio, picture, source, "
    + "base, meta[http-equiv], math, svg image, svg script, style";
  const root = document.querySelector('[data-testid="stMain"]') || document.body;
  for (const el of root.querySelectorAll(tags)) {
    if (el.tagName === "STYLE" && !el.textContent.includes(":" + port)) continue;
    out.push("raw " + el.tagName + " " + el.outerHTML.slice(0, 80));
  }
  for (const el of document.querySelectorAll("*")) {
    for (const attr of el.attributes) {
      if (/^on/i.test(attr.name)) out.push("handler " + el.tagName + " " + attr.name);
      if (attr.value.includes(":" + port)) {
        // A plain http link is allowed (a person may follow it); nothing else may name it.
        if (!(el.tagName === "A" && attr.name === "href" && /^https?:/.test(attr.value))) {
          out.push("url " + el.tagName + " " + attr.name + "=" + attr.value.slice(0, 80));
        }
      }
    }
  }
  if (window.__pwned !== undefined) out.push("script ran: window.__pwned=" + window.__pwned);
  return out;
}"""


def _groups(url: str) -> list[str]:
    """The corpus as answers: the short entries in GROUPS answers, the deep ones in one."""
    short = [text for name, text in corpus(url) if not name.startswith("deep-")]
    deep = [text for name, text in corpus(url) if name.startswith("deep-")]
    answers = ["\n\n".join(f"{t}\n\n---\n" for t in short[i::GROUPS]) for i in range(GROUPS)]
    return [*answers, "\n\n".join(f"{t}\n\n---\n" for t in deep)]


@pytest.fixture
def leak() -> Iterator[Leak]:
    server = Leak()
    yield server
    server.stop()


@pytest.fixture
def streaming_app(
    server: FakeOpenAIServer, leak: Leak, tmp_path: Path
) -> Iterator[tuple[RunningApp, list[str]]]:
    answers = _groups(f"{leak.url}/s")
    config = ""
    for number, answer in enumerate(answers):
        deep = number == len(answers) - 1
        url = server.add(
            f"slow-hostile-{number}",
            Scenario(
                reply=answer,
                chunk_chars=DEEP_CHUNK if deep else SMALL,
                tokens_per_second=RATE,
                models=["m"],
            ),
        )
        config += f'[[endpoints]]\nname = "H{number}"\nbase_url = "{url}"\n'
    app = start_app(config + "[local_model]\nenabled = false\n", tmp_path)
    yield app, answers
    stop_app(app)


# Mid-stream, "[x](http://" can be drawn as a link to the bare scheme: an unparseable
# URL (its protocol reads ":"), which goes nowhere and fetches nothing. Only that is let
# through; any other link that is not http(s) or mailto counts.
_BARE = {"link http://", "link https://"}


# One sample: the problems of this frame, and the characters each card's history shows.
_SAMPLE = f"""([port, ids]) => ({{
  problems: ({_DOM_PROBLEMS})(port).concat(({_RAW_HTML})(port)),
  shown: ids.map(id => {{
    const h = document.querySelector(".st-key-pgcard-" + id);
    return h ? h.textContent.length : 0;
  }}),
}})"""


def _sample(page: Page, leak: Leak, card_ids: list[str]) -> tuple[list[str], list[int]]:
    """What every frame of the page holds that could fetch, link to a script, or ran; and
    how many characters each card shows, wherever in it the live answer is drawn (main
    frame: components.v2 draws inline)."""
    problems: list[str] = []
    shown: list[int] = []
    for frame in page.frames:
        found = frame.evaluate(_SAMPLE, [str(leak.port), card_ids])
        problems += [f"{frame.url[:40]}: {p}" for p in found["problems"] if p not in _BARE]
        if frame == page.main_frame:
            shown = found["shown"]
    return problems, shown


def test_the_corpus_streamed_slowly_fetches_nothing_at_any_moment(
    page: Page,
    streaming_app: tuple[RunningApp, list[str]],
    leak: Leak,
    shot: Callable[[str], Path],
) -> None:
    app, answers = streaming_app
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url) if f":{leak.port}" in r.url else None)
    pg = PlaygroundPage(page, app.url)
    pg.open_query("&".join(f"card={quote(f'H{n}:m')}" for n in range(len(answers))) + "&sync=1", 4)
    card_ids = pg.card_ids()
    pg.send_synced("go")

    # Sample the whole page while the answers stream: every state must be inert.
    samples: list[tuple[int, ...]] = []  # the characters the short cards show, at each sample
    problems: list[str] = []
    screenshot_taken = False
    deadline = time.monotonic() + 90
    copies = [pg.history(cid).locator(f'[class*="st-key-{cid}-copy-"]').first for cid in card_ids]
    while time.monotonic() < deadline:
        found, shown = _sample(page, leak, card_ids)
        problems += found
        samples.append(tuple(shown[:GROUPS]))
        if not screenshot_taken and sum(shown[:GROUPS]) > 1500:
            shot("mid-stream")
            screenshot_taken = True
        if all(c.count() for c in copies):  # every answer finished
            break
        page.wait_for_timeout(50)
    else:
        pytest.fail(f"the answers did not finish in 90 s; shown {samples[-1:]} characters")

    # The sampling did see the answers grow through many partial states (not always
    # shorter than the final: the live tail shows Markdown marks the final view draws).
    for number in range(GROUPS):
        growing = {s[number] for s in samples if 0 < s[number] != samples[-1][number]}
        assert len(growing) >= 20, [s[number] for s in samples]
    assert screenshot_taken
    assert problems == [], sorted({p.split(": ", 1)[1][:60] for p in problems})[:30]
    assert leak.paths == [] and requests == [], (leak.paths, requests)

    # After: the finished answers, still inert, and every entry arrived whole.
    shown = "\n".join(pg.texts(card_ids))
    for text in ("Server said: upstream failed", "hover", "body { background", "deep"):
        assert text in shown, text  # the answers' text is shown as text
    page.wait_for_timeout(SETTLE_MS)
    shot("finished")
    no_error_boxes(page)
    assert _sample(page, leak, card_ids)[0] == []
    assert leak.paths == [] and requests == [], (leak.paths, requests)

    # The control: an image of the canary added by hand is fetched and counted by both.
    page.evaluate(
        "(u) => { const i = new Image(); i.src = u; document.body.append(i); }",
        f"{leak.url}/control",
    )
    expect(page.locator(f'img[src="{leak.url}/control"]')).to_be_attached()
    page.wait_for_timeout(SETTLE_MS)
    assert leak.paths == ["/control"], leak.paths
    assert requests == [f"{leak.url}/control"], requests
    page.evaluate(
        "() => { const a = document.createElement('a'); a.href = 'javascript:void 0';"
        " a.textContent = 'x'; document.body.append(a); }"
    )
    caught = _sample(page, leak, card_ids)[0]
    assert any("url IMG src" in p for p in caught), caught
    assert any("link javascript:" in p for p in caught), caught
