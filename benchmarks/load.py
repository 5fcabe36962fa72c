"""Many people at once: S sessions x C cards against ``streamlit run`` and the test server.

A headless load generator (``st_client.StreamlitSession``: Streamlit's own
protobuf messages over ``websockets``, no browser). Each session opens the app
with C cards (a ``?card=…`` link), then sends each card its own word from the
card's own input, ``--gap`` seconds apart (as a fast typist would), and reads
what the app draws. The test server (its own process) echoes the word and adds
``--tokens`` filler tokens at ``--rate`` tokens/s.

Reported per S: answers complete and intact (the final text equals the server's
answer exactly; none "Stopped" or failed), cross-wired answers (a card showing
another card's word), delivered tokens/s over the server's (per card: its
tokens over the time from sending the prompt to its whole text on the screen,
over the same for a raw SDK stream to the same server (request to last token),
run alongside, so a loaded server is not blamed on the app; twice: to the moment
the token channel brought the whole text, shown in the live component, and to the
page's final draw of the answer, with its figures and the card's controls back),
first token p50/p95 (prompt sent to first answer text drawn; beside it the raw SDK
stream's own, request to first token, under the same load), the app's CPU
(% of one core, until the last answer ended) and peak RSS. "Lost" counts
prompts the app never drew (it never took them). ``--processes 2`` runs two app processes behind
nginx (Debian's; sticky by a cookie) sharing one PostgreSQL store.

``--script benchmarks/floor_app.py`` measures, the same way, a page that does
nothing but stream (the floor of this way of streaming on this machine).
``--synced`` sends one prompt a session through Sync Input (the first page's
default) instead of one a card. Where the app serves its token channel, each card's
channel is read as the browser's live-answer component reads it: the first text it
brings is the card's first token; the final answer is what the page draws at the end.
A session types its first prompt once the page's readers have connected, as a
browser's connect while the page is drawn, before a person can have typed anything.

Before the measured levels, 2 sessions a process send their prompts unmeasured
(``--cold`` skips it): a fresh process's first page runs import modules and fill
caches, which put about one cold 16 x 4 run in three at 4-7 s first tokens.

Usage: ``python benchmarks/load.py [--sessions 1,8,16,32] [--cards 4] [--processes 1]``
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import openai
from common import ROOT, fake_server_process, machine

from tests.helpers import shown
from tests.postgres import PostgresServer, _bin_dir, _free_port
from tests.streamlit_client import CardView, Drawn, StreamlitSession, follow_channel

ENDPOINT = "Load"
MODEL = "fake-small"


# -- the processes under test --------------------------------------------------------------
def _wait_healthy(port: int, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the app exited with {proc.returncode}")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the app did not become healthy")


@contextlib.contextmanager
def apps(
    url: str, count: int, store_url: str | None, script: str = "streamlit_app.py"
) -> Iterator[list[tuple[int, int]]]:
    """``count`` app processes (``streamlit run script``); yields (port, pid) of each."""
    tmp = Path(tempfile.mkdtemp(prefix="pg-load-"))
    store = f'url = "{store_url}"' if store_url else f'data_dir = "{tmp / "data"}"'
    config = tmp / "playground.toml"
    config.write_text(
        f'[[endpoints]]\nname = "{ENDPOINT}"\nbase_url = "{url}"\n\n'
        f"[local_model]\nenabled = false\n\n[store]\n{store}\n",
        encoding="utf-8",
    )
    env = {**os.environ, "PLAYGROUND_CONFIG": str(config)}
    procs: list[tuple[int, subprocess.Popen[bytes]]] = []
    try:
        for _ in range(count):
            port = _free_port()
            proc = subprocess.Popen(
                [
                    *(sys.executable, "-m", "streamlit", "run", script),
                    *("--server.headless", "true", "--server.address", "127.0.0.1"),
                    *("--server.port", str(port), "--browser.gatherUsageStats", "false"),
                    *("--server.fileWatcherType", "none"),
                ],
                cwd=ROOT,
                env=env,
                stdout=subprocess.DEVNULL,
                stderr=(tmp / f"app-{port}.log").open("wb"),
            )
            procs.append((port, proc))
        for port, proc in procs:
            _wait_healthy(port, proc)
        yield [(port, proc.pid) for port, proc in procs]
    finally:
        for _, proc in procs:
            proc.terminate()
        for _, proc in procs:
            try:
                proc.wait(15)
            except subprocess.TimeoutExpired:
                proc.kill()
        shutil.rmtree(tmp, ignore_errors=True)


NGINX_CONF = """\
worker_processes 1;
error_log {tmp}/error.log warn;
pid {tmp}/nginx.pid;
{user}
events {{ worker_connections 4096; }}
http {{
    access_log off;
    client_body_temp_path {tmp}/body;
    proxy_temp_path {tmp}/proxy;
    fastcgi_temp_path {tmp}/fastcgi;
    uwsgi_temp_path {tmp}/uwsgi;
    scgi_temp_path {tmp}/scgi;
{common}
    upstream playground {{
        hash $pg_route consistent;
{servers}
    }}
    server {{
        listen 127.0.0.1:{port};
{location}
    }}
}}
"""

# The part of the config docs/deployments.md shows ("Deploy several app processes").
STICKY = """\
    # Sticky sessions by a cookie: a browser's first request gets a random route,
    # kept in the pg_route cookie, so its websocket (and the files the app serves,
    # such as an export) always reach the same app process.
    map $cookie_pg_route $pg_route {
        ""      $request_id;
        default $cookie_pg_route;
    }
    map $http_upgrade $connection_upgrade {
        default upgrade;
        ""      close;
    }"""
LOCATION = """\
        location / {
            proxy_pass http://playground;
            proxy_http_version 1.1;
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection $connection_upgrade;
            proxy_set_header Host $host;
            proxy_read_timeout 1d;
            proxy_buffering off;
            add_header Set-Cookie "pg_route=$pg_route; Path=/; HttpOnly; SameSite=Lax" always;
        }"""


@contextlib.contextmanager
def nginx(backends: list[int]) -> Iterator[int]:
    """nginx on 127.0.0.1 in front of ``backends``, with a generated config; yields its port."""
    binary = shutil.which("nginx") or shutil.which("nginx", path="/usr/sbin")
    if binary is None:
        raise SystemExit(
            "nginx is not installed, so the 2-process run cannot be measured: "
            "apt-get install -y nginx (Debian's package), then run this again."
        )
    tmp = Path(tempfile.mkdtemp(prefix="pg-nginx-"))
    port = _free_port()
    servers = "\n".join(f"        server 127.0.0.1:{p};" for p in backends)
    user = "user root root;" if os.geteuid() == 0 else ""
    conf = NGINX_CONF.format(
        tmp=tmp, user=user, common=STICKY, servers=servers, port=port, location=LOCATION
    )
    (tmp / "nginx.conf").write_text(conf, encoding="utf-8")
    proc = subprocess.Popen(
        [binary, "-p", str(tmp), "-c", str(tmp / "nginx.conf"), "-g", "daemon off;"],
        stdout=subprocess.DEVNULL,
        stderr=(tmp / "stderr.log").open("wb"),
    )
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2):
                    break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    log = (tmp / "stderr.log").read_text() + (tmp / "error.log").read_text()
                    raise RuntimeError(f"nginx did not start:\n{log}") from None
                time.sleep(0.1)
        yield port
    finally:
        proc.terminate()
        proc.wait(10)
        shutil.rmtree(tmp, ignore_errors=True)


class ProcStats:
    """CPU seconds and resident memory of some processes, from /proc."""

    def __init__(self, pids: list[int]) -> None:
        self.pids = pids
        self.peak_rss = 0
        self.samples: list[tuple[float, float]] = []  # (time, CPU seconds so far)
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    @staticmethod
    def cpu_seconds(pid: int) -> float:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

    def rss(self) -> int:
        total = 0
        for pid in self.pids:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1]) * 1024
        return total

    def _sample(self) -> None:
        while not self._stop.wait(0.25):
            self.peak_rss = max(self.peak_rss, self.rss())
            self.samples.append((time.monotonic(), sum(self.cpu_seconds(p) for p in self.pids)))

    def busy(self, until: float) -> float:
        """% of one core from the start until ``until`` (the last answer's end)."""
        done = [(t, c) for t, c in self.samples if t <= until] or self.samples[:1]
        if not done or done[-1][0] <= self._t0:
            return 100 * self.cpu / self.wall
        t, c = done[-1]
        return 100 * (c - self._cpu0) / (t - self._t0)

    def __enter__(self) -> ProcStats:
        self._cpu0 = sum(self.cpu_seconds(p) for p in self.pids)
        self._t0 = time.monotonic()
        self.peak_rss = self.rss()
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        self._thread.join()
        self.cpu = sum(self.cpu_seconds(p) for p in self.pids) - self._cpu0
        self.wall = time.monotonic() - self._t0


# -- the server's own rate -------------------------------------------------------------
@dataclass
class Probe:
    """A raw SDK stream to the same server, run alongside the sessions."""

    url: str
    rates: list[float] = field(default_factory=list)
    firsts: list[float] = field(default_factory=list)  # request to first token, seconds

    def run(self, stop: threading.Event) -> None:
        client = openai.OpenAI(base_url=self.url, api_key="none", max_retries=0)
        while not stop.is_set():
            asked = time.monotonic()
            stream = client.chat.completions.create(
                model=MODEL, messages=[{"role": "user", "content": "probe"}], stream=True
            )
            start = time.monotonic()
            times = [time.monotonic() for c in stream if c.choices and c.choices[0].delta.content]
            if times:
                self.rates.append(len(times) / (times[-1] - start))
                self.firsts.append(times[0] - asked)
        client.close()


# -- one session -------------------------------------------------------------------------
@dataclass
class CardResult:
    word: str
    expected: str
    tokens: int
    sent: float = 0.0
    first: float | None = None
    final: float | None = None  # the page drew the final answer
    text_done: float | None = None  # the channel brought the whole text (none without it)
    prompted: bool = False  # the prompt was drawn in the card (the app took it)
    stopped: bool = False
    failed: str | None = None
    crossed: str | None = None  # another card's word seen in this card


def _watch(results: dict[str, CardResult], words: dict[str, str]):  # type: ignore[no-untyped-def]
    others = {w: cid for cid, w in words.items()}

    def on_drawn(view: CardView, drawn: Drawn) -> None:
        result = results.get(view.card_id)
        if result is None or not result.sent or drawn.at < result.sent:
            return
        drawn = Drawn(drawn.kind, shown(drawn.text), drawn.at)  # escaped Markdown, as read
        if drawn.kind == "markdown" and drawn.text == result.word:
            result.prompted = True
        elif drawn.kind == "caption" and "Stopped" in drawn.text and result.final is None:
            result.stopped = True
        elif drawn.kind == "error" and result.final is None:
            result.failed = drawn.text[:80]
        elif drawn.kind == "markdown" and drawn.text.startswith(f"[{MODEL}]"):
            if result.first is None:
                result.first = drawn.at
            said = drawn.text.split(": ", 1)[-1].split(" ", 1)[0].rstrip(" ▌")
            if said and said != result.word and said in others:
                result.crossed = said
            if drawn.text == result.expected and result.final is None:
                result.final = drawn.at

    return on_drawn


def _first_text(result: CardResult):  # type: ignore[no-untyped-def]
    """A channel message's handler: the time its answer's first text arrived."""

    def on_message(message: dict[str, object]) -> None:
        tail, blocks = message.get("tail"), message.get("blocks")
        shown = (isinstance(tail, list) and tail[1:] and tail[1]) or (
            isinstance(blocks, list) and blocks[1:] and blocks[1]
        )
        if result.first is None and shown:
            result.first = time.monotonic()
        if message.get("done") and result.text_done is None:
            result.text_done = time.monotonic()

    return on_message


async def _cookie(http: str) -> str | None:
    """What a browser gets loading the page (nginx's route cookie), as a Cookie header."""

    def get() -> str | None:
        with urllib.request.urlopen(http + "/", timeout=30) as response:
            cookies = [c.split(";", 1)[0] for c in response.headers.get_all("Set-Cookie") or []]
        return "; ".join(cookies) or None

    return await asyncio.to_thread(get)


async def one_session(
    index: int, port: int, cards: int, tokens: int, gap: float, timeout: float, synced: bool
) -> list[CardResult]:
    http = f"http://127.0.0.1:{port}"
    session = StreamlitSession(f"ws://127.0.0.1:{port}/_stcore/stream", cookie=await _cookie(http))
    await session.connect()
    receiving = asyncio.create_task(session.receive())
    try:
        link = "&".join([f"card={ENDPOINT}:{MODEL}"] * cards) + ("&sync=1" if synced else "")
        await session.rerun(link)
        await asyncio.wait_for(session.finished.wait(), timeout)
        drawn = session.cards if synced else session.inputs
        order = sorted(drawn, key=lambda cid: session.cards[cid].prefix)
        if len(order) != cards:
            raise RuntimeError(f"session {index}: {len(order)} cards with inputs, not {cards}")
        # Synced: one word a session (every card answers it); else one word a card.
        words = {cid: f"word{index:02d}x{0 if synced else k}" for k, cid in enumerate(order)}
        filler = "".join(f" w{i}" for i in range(tokens))
        results = {
            cid: CardResult(w, f"[{MODEL}] turn 1: {w}{filler}", tokens + 4)
            for cid, w in words.items()
        }
        session.on_drawn = _watch(results, words)
        followers: dict[str, asyncio.Task[object]] = {}
        opened: list[asyncio.Event] = []

        def follow_new_channels() -> None:
            """Where the app streams over its token channel, read each channel a card draws
            as the browser's live-answer component does (a page run may draw a card's
            next-answer reader anew): its first text is the first token."""
            for cid, paths in session.channels.items():
                for path in paths if cid in results else ():
                    if path not in followers:
                        opened.append(asyncio.Event())
                        followers[path] = asyncio.create_task(
                            follow_channel(
                                http,
                                path,
                                on_message=_first_text(results[cid]),
                                cookie=session.cookie,
                                opened=opened[-1],
                            )
                        )

        follow_new_channels()  # the ids for each card's next answer, drawn with the page
        # As in a browser, the page's live-answer readers connect as it is drawn, before
        # anyone has typed a prompt (a person takes more than the moment this takes).
        await asyncio.wait_for(asyncio.gather(*(e.wait() for e in opened)), timeout)
        if synced:
            for cid in order:
                results[cid].sent = time.monotonic()
            await session.send_synced(words[order[0]])
            follow_new_channels()
        for cid in order if not synced else ():
            results[cid].sent = time.monotonic()
            await session.send_prompt(cid, words[cid])
            follow_new_channels()
            await asyncio.sleep(gap)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline and not all(
            r.final or r.stopped or r.failed for r in results.values()
        ):
            follow_new_channels()
            await asyncio.sleep(0.01)
        return list(results.values())
    finally:
        for task in followers.values():
            task.cancel()
        await session.close()
        receiving.cancel()
        with contextlib.suppress(asyncio.CancelledError):
            await receiving


async def load(
    sessions: int, port: int, cards: int, tokens: int, gap: float, timeout: float, synced: bool
) -> list[CardResult]:
    async def staggered(i: int) -> list[CardResult]:
        await asyncio.sleep(i * 0.05)  # people do not all press Enter in the same millisecond
        return await one_session(i, port, cards, tokens, gap, timeout, synced)

    done = await asyncio.gather(*(staggered(i) for i in range(sessions)))
    return [r for rs in done for r in rs]


# -- figures ---------------------------------------------------------------------------
def _pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, round(q * (len(values) - 1)))] if values else float("nan")


def measure(args: argparse.Namespace, url: str, port: int, pids: list[int], s: int) -> dict:
    probe = Probe(url)
    stop = threading.Event()
    prober = threading.Thread(target=probe.run, args=(stop,), daemon=True)
    with ProcStats(pids) as stats:
        prober.start()
        results = asyncio.run(
            load(s, port, args.cards, args.tokens, args.gap, args.timeout, args.synced)
        )
        stop.set()
        prober.join(30)
    server_rate = statistics.median(probe.rates) if probe.rates else args.rate
    intact = [r for r in results if r.final and not r.stopped and not r.failed and not r.crossed]
    for r in results:
        if r not in intact:  # what went wrong, for the person reading the run
            print(
                f"  not intact: {r.word}: prompted={r.prompted} first={r.first is not None} "
                f"final={r.final is not None} stopped={r.stopped} failed={r.failed} "
                f"crossed={r.crossed}",
                file=sys.stderr,
            )
    rates = [r.tokens / (r.final - r.sent) / server_rate for r in intact if r.final]
    texts = [r.tokens / (r.text_done - r.sent) / server_rate for r in intact if r.text_done]
    ttft = [r.first - r.sent for r in results if r.first is not None]
    return {
        "S": s,
        "answers": len(results),
        "intact": len(intact),
        "lost": sum(not r.prompted for r in results),
        "stopped": sum(r.stopped for r in results),
        "failed": sum(bool(r.failed) for r in results),
        "crossed": sum(bool(r.crossed) for r in results),
        "rate": statistics.median(rates) if rates else float("nan"),
        "rate_p10": _pct(rates, 0.1),
        "text_rate": statistics.median(texts) if texts else float("nan"),
        "text_rate_p10": _pct(texts, 0.1),
        "server_rate": server_rate,
        "raw_first": statistics.median(probe.firsts) if probe.firsts else float("nan"),
        "raw_first_max": max(probe.firsts, default=float("nan")),
        "ttft50": _pct(ttft, 0.5),
        "ttft95": _pct(ttft, 0.95),
        "cpu": stats.busy(max((r.final for r in results if r.final), default=time.monotonic())),
        "rss": stats.peak_rss / 2**20,
        "processes": args.processes,
    }


def run(args: argparse.Namespace, levels: list[int]) -> list[dict]:
    rows = []
    with contextlib.ExitStack() as stack:
        urls = stack.enter_context(fake_server_process(args.tokens, args.rate))
        store_url = None
        if args.processes > 1:
            bin_dir = _bin_dir()
            if bin_dir is None:
                raise SystemExit("PostgreSQL is not installed: apt-get install -y postgresql")
            pg = PostgresServer(bin_dir).start()
            stack.callback(pg.stop)
            store_url = pg.url()
        started = stack.enter_context(apps(urls["fast"], args.processes, store_url, args.script))
        pids = [pid for _, pid in started]
        port = started[0][0]
        if args.processes > 1:
            port = stack.enter_context(nginx([p for p, _ in started]))
        if not args.cold:  # a server that has run a while: imports done, caches filled
            asyncio.run(
                load(2 * args.processes, port, args.cards, args.tokens, 0.1, 60, args.synced)
            )
        for s in levels:
            rows.append(measure(args, urls["fast"], port, pids, s))
            row = rows[-1]
            print(
                f"  S={s}: {row['intact']}/{row['answers']} intact, rate {row['rate']:.2f}, "
                f"ttft p95 {row['ttft95']:.2f} s",
                file=sys.stderr,
            )
    return rows


def table(args: argparse.Namespace, rows: list[dict]) -> None:
    where = f"{args.processes} app process" + ("es behind nginx" if args.processes > 1 else "")
    if args.script != "streamlit_app.py":
        where += f", page {args.script}"
    print(
        f"# {args.cards} cards per session ("
        + ("one prompt through Sync Input" if args.synced else "a prompt per card, its own input")
        + f"), server {args.rate:g} tok/s x {args.tokens + 4} tokens, {where} ({machine()})"
    )
    print(
        "| sessions | answers intact | lost / stopped / failed / cross-wired | delivered / server "
        "rate: whole text on screen (median, p10) | the same to the page's final draw "
        "| first token p50 / p95 | raw SDK first token (median, max) | app CPU | app peak RSS |"
    )
    print("|---|---|---|---|---|---|---|---|---|")
    for r in rows:
        print(
            f"| {r['S']} | {r['intact']}/{r['answers']} | {r['lost']} / {r['stopped']} / "
            f"{r['failed']} / "
            f"{r['crossed']} | {r['text_rate']:.2f}, {r['text_rate_p10']:.2f} | "
            f"{r['rate']:.2f}, {r['rate_p10']:.2f} | {r['ttft50']:.2f} s / "
            f"{r['ttft95']:.2f} s | {r['raw_first']:.2f} s, {r['raw_first_max']:.2f} s | "
            f"{r['cpu']:.0f} % | {r['rss']:.0f} MiB |"
        )


def main(argv: list[str] | None = None) -> list[dict]:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sessions", default="1,8,16,32")
    parser.add_argument("--cards", type=int, default=4)
    parser.add_argument("--tokens", type=int, default=100, help="filler tokens per answer")
    parser.add_argument("--rate", type=float, default=50.0, help="server tokens/s per stream")
    parser.add_argument("--gap", type=float, default=0.1, help="seconds between prompts")
    parser.add_argument("--processes", type=int, default=1)
    parser.add_argument(
        "--synced",
        action="store_true",
        help="each session sends one prompt through Sync Input (the first page's default) "
        "instead of each card its own word from its own input",
    )
    parser.add_argument("--timeout", type=float, default=40.0)
    parser.add_argument(
        "--cold",
        action="store_true",
        help="measure from a fresh app process (by default 2 sessions a process run first, "
        "unmeasured: a cold process's first runs import and fill caches for seconds)",
    )
    parser.add_argument(
        "--script",
        default="streamlit_app.py",
        help="the page to load (benchmarks/floor_app.py: the least Streamlit can do)",
    )
    args = parser.parse_args(argv)
    rows = run(args, [int(s) for s in args.sessions.split(",")])
    table(args, rows)
    return rows


if __name__ == "__main__":
    main()
