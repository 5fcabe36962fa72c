"""Hostile text in a real Chromium: nothing may reach a listening server, nothing may run.

The hostile corpus (tests/hostile_corpus.py) comes in as server answers,
reasoning, error messages, model ids and config endpoint names; through a
link's ``card=`` values; in every field of an imported workspace (accepted and
rejected); as a History title. A server on 127.0.0.1 listens on the URLs the
corpus names: it must see zero requests, except the images a person allowed
for one card (the positive control that shows the check can fail).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from pathlib import Path
from urllib.parse import quote

import pytest
from playwright.sync_api import Page, expect

from playground.rendering.safe_markdown import neutralise, parser
from playground.workspace.export import export_json
from playground.workspace.types import (
    CUSTOM,
    Card,
    CardConfig,
    CustomConfig,
    Message,
    SamplingSettings,
    Workspace,
)
from tests.browser.helpers import RunningApp, no_error_boxes, start_app, stop_app
from tests.browser.hostile import Leak, dom_problems, leak_images_in_dom, toml_string
from tests.browser.pg import PlaygroundPage
from tests.fake_openai import FakeOpenAIServer, Scenario
from tests.hostile_corpus import corpus, one_document

pytestmark = pytest.mark.browser
SETTLE_MS = 1500  # time for any fetch the page would make to reach the leak server


@pytest.fixture
def leak() -> Iterator[Leak]:
    server = Leak()
    yield server
    server.stop()


def _short(url: str) -> list[str]:
    """Corpus entries short enough for names, ids and link values (they are cut at 80)."""
    return [text for _, text in corpus(url) if len(text) <= 78]


def assert_inert(page: Page, leak: Leak, requests: list[str]) -> None:
    page.wait_for_timeout(SETTLE_MS)
    assert leak.paths == [], leak.paths
    assert requests == [], requests
    assert dom_problems(page, leak) == []


def watch_requests(page: Page, leak: Leak) -> list[str]:
    seen: list[str] = []
    page.on("request", lambda r: seen.append(r.url) if f":{leak.port}" in r.url else None)
    return seen


@pytest.fixture
def hostile_app(
    server: FakeOpenAIServer, leak: Leak, tmp_path: Path
) -> Iterator[tuple[RunningApp, str]]:
    one, two = f"{leak.url}/one", f"{leak.url}/two"
    model = f"![m]({one}/model)<img src={one}/model2>"
    first = server.add(
        "hostile-one",
        Scenario(reply=one_document(one), reasoning=one_document(one), models=[model, "plain"]),
    )
    second = server.add("hostile-two", Scenario(reply=one_document(two), models=[model]))
    errors = server.add(
        "hostile-errors",
        Scenario(chat_status=400, error_message=f"bad ![e]({one}/error) <img src={one}/error2>"),
    )
    name = f"![n]({one}/name)<img src={one}/name2>"
    config = (
        f"[[endpoints]]\nname = {toml_string(name)}\nbase_url = {toml_string(first)}\n"
        f'[[endpoints]]\nname = "Second"\nbase_url = {toml_string(second)}\n'
        f'[[endpoints]]\nname = "Errs"\nbase_url = {toml_string(errors)}\n'
        # A duplicate name: the config problem quotes it.
        f"[[endpoints]]\nname = {toml_string(name)}\nbase_url = {toml_string(first)}\n"
        "[local_model]\nenabled = false\n"
    )
    app = start_app(config, tmp_path)
    yield app, name
    stop_app(app)


def test_answers_errors_models_names_and_titles_load_nothing(
    page: Page, hostile_app: tuple[RunningApp, str], leak: Leak, shot: Callable[[str], Path]
) -> None:
    app, name = hostile_app
    requests = watch_requests(page, leak)
    pg = PlaygroundPage(page, app.url)
    odd_model = f"[x](javascript:window.__pwned=1)![o]({leak.url}/one/linkmodel)"
    pg.open_query(
        f"card={quote(name, safe='')}&card=Errs&card=Second:{quote(odd_model, safe='')}&sync=1",
        3,
    )
    expect(page.get_by_text("does not offer the link's model")).to_be_visible()
    first, errs, second = pg.card_ids()
    prompt = f"Title ![t]({leak.url}/one/title) <img src={leak.url}/one/title2> end"
    pg.send_synced(prompt)
    for card_id in (first, second):
        copy = pg.history(card_id).locator(f'[class*="st-key-{card_id}-copy-"]')
        expect(copy.first).to_be_attached(timeout=60_000)
    expect(pg.history(first)).to_contain_text("deep", timeout=60_000)
    expect(pg.history(errs)).to_contain_text("bad ![e]", timeout=60_000)
    shot("1-answers")
    no_error_boxes(page)
    assert_inert(page, leak, requests)

    # "Load images" on the first card: its http(s) images load, and only its.
    pg.more(first, "images")
    allowed = _image_paths(one_document(f"{leak.url}/one")) | {"/one/title"}  # + the prompt's
    expect(page.locator(f'img[src*=":{leak.port}/one/"]').first).to_be_attached(timeout=20_000)
    page.wait_for_timeout(SETTLE_MS)
    shot("2-images-loaded-for-one-card")
    assert leak.paths, "the positive control: allowed images do reach the server"
    assert set(leak.paths) <= allowed, set(leak.paths) - allowed
    assert not any(p.startswith("/two/") for p in leak.paths)
    assert leak_images_in_dom(page, leak) > 0
    pg.more(first, "images")  # block them again
    expect(page.locator(f'img[src*=":{leak.port}/"]')).to_have_count(0, timeout=20_000)
    leak.paths.clear()
    requests.clear()

    # History: the title (the first prompt) and the model ids.
    page.get_by_role("link", name="History").click()
    expect(page.get_by_text("Title ![t]")).to_be_visible(timeout=30_000)
    shot("3-history")
    assert_inert(page, leak, requests)

    # Endpoints: config problems and the endpoint table quote the name.
    page.get_by_role("link", name="Endpoints").click()
    expect(page.get_by_text("duplicate endpoint name")).to_be_visible(timeout=30_000)
    shot("4-endpoints")
    assert_inert(page, leak, requests)


def _image_paths(document: str) -> set[str]:
    """Paths of the images markdown-it finds in the written answer (what may load)."""
    found: set[str] = set()

    def walk(tokens: list) -> None:  # type: ignore[type-arg]
        for token in tokens:
            if token.type == "image":
                found.add("/" + str(token.attrs["src"]).split("/", 3)[3])
            walk(token.children or [])

    for block in (document, *document.split("\n\n")):
        walk(parser().parse(neutralise(block, images=True)))
    return found


@pytest.fixture
def plain_app(server: FakeOpenAIServer, tmp_path: Path) -> Iterator[RunningApp]:
    fast = server.add("hostile-plain", Scenario(tokens=3))
    app = start_app(
        f'[[endpoints]]\nname = "Fast"\nbase_url = "{fast}"\n'
        "[limits]\nmax_cards = 16\n[local_model]\nenabled = false\n",
        tmp_path,
    )
    yield app
    stop_app(app)


def test_link_card_values_load_nothing(
    page: Page, plain_app: RunningApp, leak: Leak, shot: Callable[[str], Path]
) -> None:
    requests = watch_requests(page, leak)
    pg = PlaygroundPage(page, plain_app.url)
    entries = _short(leak.url)
    for start in range(0, len(entries), 8):
        batch = entries[start : start + 8]
        # As a model of a known endpoint, and as an unknown endpoint's name.
        values = [f"Fast:{text}" for text in batch] + list(batch)
        query = "&".join(f"card={quote(v, safe='')}" for v in values)
        pg.open_query(query, len(values))
        expect(page.get_by_text("does not offer the link's model").first).to_be_visible()
        if start == 0:
            shot("link-notices")
        assert_inert(page, leak, requests)


def _hostile_workspace(url: str) -> Workspace:
    texts = _short(url)
    document = one_document(url)
    earlier = Message(role="assistant", content=document, reasoning=texts[1], replied_to=texts[2])
    return Workspace(
        cards=[
            Card(
                config=CardConfig(
                    endpoint="Fast",
                    model=texts[3],
                    settings=SamplingSettings(system_prompt=texts[4]),
                ),
                messages=[
                    Message(role="user", content=document),
                    Message(
                        role="assistant",
                        content=document,
                        reasoning=document,
                        earlier=[earlier],
                    ),
                    Message(role="user", content=texts[5]),
                    Message(role="assistant", status="error", error=texts[6]),
                ],
            ),
            Card(
                config=CardConfig(
                    endpoint="Fast",
                    model=CUSTOM,
                    custom=CustomConfig(base_url=texts[7], model_id=texts[8]),
                ),
                messages=[Message(role="user", content=texts[9])],
            ),
        ]
    )


def _upload(page: Page, name: str, data: bytes) -> None:
    page.locator('[data-testid="stFileUploaderDropzoneInput"]').set_input_files(
        files=[{"name": name, "mimeType": "application/json", "buffer": data}]
    )


def test_imported_workspaces_load_nothing(
    page: Page, plain_app: RunningApp, leak: Leak, shot: Callable[[str], Path]
) -> None:
    requests = watch_requests(page, leak)
    pg = PlaygroundPage(page, plain_app.url).open()
    bad_name = "[f](javascript:window.__pwned=1)<img src=x onerror=window.__pwned=2>.json"

    # Rejected: endpoints that are not configured, named by the corpus.
    workspace = _hostile_workspace(leak.url)
    for card, text in zip(workspace.cards, _short(leak.url)[10:], strict=False):
        card.config.endpoint = text
    _upload(page, bad_name, export_json(workspace))
    expect(page.get_by_text("was not imported")).to_be_visible(timeout=20_000)
    shot("1-rejected-endpoints")
    assert_inert(page, leak, requests)

    # Rejected: a field whose name is hostile, quoted in the message (names of at most
    # 64 characters: a longer one is refused by the import's scan without quoting it).
    raw = export_json(_hostile_workspace(leak.url)).decode()
    for number, field in enumerate((f"![k]({leak.url}/field)", f"<img src={leak.url}/field2>")):
        assert len(field) <= 64
        hostile = raw.replace('"sync_input"', quote_json(field), 1).encode()
        _upload(page, f"fields{number}.json", hostile)
        expect(page.get_by_text(f"'fields{number}.json' was not imported")).to_be_visible(
            timeout=20_000
        )
        expect(page.get_by_text("does not match the workspace format")).to_be_visible()
        shot(f"2-rejected-field-{number}")
        assert_inert(page, leak, requests)

    # Accepted: every field hostile; the page draws it all.
    accepted = _hostile_workspace(leak.url)
    _upload(page, bad_name, export_json(accepted))
    page.locator('.st-key-import_confirm:not([data-stale="true"]) button').click()
    first = accepted.cards[0].id
    expect(pg.history(first)).to_contain_text("deep", timeout=30_000)
    for label in ("Earlier answer", "Reasoning"):
        for header in page.get_by_text(label, exact=True).all():
            header.click()
    shot("3-accepted")
    no_error_boxes(page)
    assert_inert(page, leak, requests)


def quote_json(text: str) -> str:
    return json.dumps(text)


def test_a_link_with_tokens_leaves_them_in_no_history_entry(
    page: Page, plain_app: RunningApp, shot: Callable[[str], Path]
) -> None:
    page.goto("about:blank")
    page.goto(f"{plain_app.url}/?card=Fast&token=sk-secret1&api_key=sk-secret2&sync=1")
    pg = PlaygroundPage(page, plain_app.url)
    expect(page.get_by_text("Links never carry tokens")).to_be_visible(timeout=60_000)
    expect(pg.cards()).to_have_count(1)
    assert "sk-" not in page.url and "card=Fast" in page.url, page.url
    # A prompt makes the app write ?ws= into the address: still no token after that.
    pg.send_synced("hello")
    page.wait_for_function("() => location.search.includes('ws=')", timeout=30_000)
    shot("cleaned-address")
    seen = [page.url]
    length = page.evaluate("history.length")
    for _ in range(length):
        if page.url == "about:blank":
            break
        page.go_back()
        page.wait_for_timeout(500)
        seen.append(page.url)
    assert seen[-1] == "about:blank", seen
    assert not any("sk-" in url or "token" in url or "api_key" in url for url in seen), seen


@pytest.fixture
def long_app(server: FakeOpenAIServer, tmp_path: Path) -> Iterator[RunningApp]:
    words = server.add(
        "long-words", Scenario(reply=" ".join(f"w{i}" for i in range(200_000)), chunk_chars=50_000)
    )
    line = server.add("long-line", Scenario(reply="x" * 1_000_000, chunk_chars=100_000))
    app = start_app(
        f'[[endpoints]]\nname = "Words"\nbase_url = "{words}"\n'
        f'[[endpoints]]\nname = "Line"\nbase_url = "{line}"\n'
        "[local_model]\nenabled = false\n",
        tmp_path,
    )
    yield app
    stop_app(app)


def test_a_huge_answer_shows_its_start_and_offers_the_rest(
    page: Page, long_app: RunningApp, shot: Callable[[str], Path]
) -> None:
    pg = PlaygroundPage(page, long_app.url).open_query("card=Words&card=Line&sync=1", 2)
    pg.send_synced("go")
    for card_id in pg.card_ids():
        download = pg.history(card_id).get_by_role("button", name="Download the whole text")
        expect(download).to_be_visible(timeout=90_000)
        expect(pg.history(card_id)).to_contain_text("more are in the download")
    shot("huge-answers")
    # The page still answers a person: the More menu of a card opens.
    first = pg.card_ids()[0]
    pg.open_menu(first, "more", "images")
    with page.expect_download() as info:
        pg.history(first).get_by_role("button", name="Download the whole text").click()
    path = info.value.path()
    assert path is not None and Path(path).read_text().endswith("w199999")
