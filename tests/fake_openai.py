"""A small OpenAI-compatible HTTP server for tests and benchmarks.

It serves any number of *scenarios*, each under its own base URL
``http://127.0.0.1:<port>/<scenario>/v1``, with knobs for latency, token rate,
required token and faults. The real ``openai`` SDK talks to it over real HTTP.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import socket
import threading
import time
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from typing import Any

from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from starlette.routing import Route

from tests.fake_responses import responses_sse
from tests.fake_tool_calls import FakeCall, tool_call_deltas
from tests.local_server import LocalServer


@dataclass
class RawAnswer:
    """An answer sent as it is: any status, headers and bytes (a broken server or proxy).

    ``body`` as a list is streamed chunk by chunk; ``cut`` drops the connection
    after the last chunk, before the body is complete (a body cut mid-way).
    """

    body: bytes | list[bytes] = b""
    status: int = 200
    headers: dict[str, str] = field(default_factory=lambda: {"content-type": "application/json"})
    cut: bool = False


@dataclass
class Scenario:
    """How one fake endpoint behaves."""

    models: list[str] = field(default_factory=lambda: ["fake-small", "fake-large"])
    reply: str | None = None  # None: echo the last user message
    tokens: int = 0  # extra filler tokens after the reply
    tokens_per_second: float = 0.0  # 0: as fast as possible
    latency: float = 0.0  # seconds before the first token
    token: str | None = None  # required bearer token
    models_status: int = 200
    chat_status: int = 200
    break_after: int | None = None  # drop the connection after this many tokens
    stall_after: int | None = None  # stop sending (but keep the connection) after N tokens
    usage: bool = True  # send a usage chunk when the client asks (stream_options)
    fail_first: int = 0  # answer chat_status only to the first N chat requests, then succeed
    retry_after: float | None = None  # Retry-After header on error answers
    html: bool = False  # answer chat with an HTML page (a proxy's login page, say)
    malformed_after: int | None = None  # send a broken SSE chunk after N tokens
    no_done: bool = False  # end the stream cleanly but without finish_reason or [DONE]
    events_cut_after: int | None = None  # Responses API: end cleanly after N events
    chunk_chars: int | None = None  # send the reply in pieces of this many characters
    reject_stream_options: bool = False  # answer 400 to requests with stream_options
    reasoning: str | None = None  # a thinking model's reasoning, sent before the reply
    # "field": reasoning_content deltas; "tags": <think> text; "template": text that only
    # closes the tag (the chat template opened it), so it first reads as the answer
    reasoning_style: str = "field"
    error_message: str | None = None  # what an error answer's JSON says (default: status)
    models_raw: RawAnswer | None = None  # answer GET /models with exactly this
    chat_raw: RawAnswer | None = None  # answer chat (streamed or not) with exactly this
    max_concurrent: int | None = None  # answer 429 (with retry_after) above this many streams
    # the reply computed from the request: reply_fn(model, messages) -> text (wins over reply)
    reply_fn: Callable[[str, list[dict[str, Any]]], str] | None = None
    prompt_tokens: int = 7  # what the usage chunk reports as the prompt's tokens
    # usage.completion_tokens_details.reasoning_tokens (None: no details sent), as
    # openai-python v3.3.1 src/openai/types/completion_usage.py (CompletionTokensDetails)
    reasoning_tokens: int | None = None
    # calls the model makes after its reply (a reply is sent only if ``reply`` is set),
    # arguments in pieces of tool_piece_chars; see fake_tool_calls.py
    tool_calls: list[FakeCall] | None = None
    tool_piece_chars: int = 4
    tool_interleave: bool = False  # send parallel calls' pieces in turn
    tool_cut_after: int | None = None  # end the stream (no finish) after N call pieces
    # answer with text (no calls) when the request ends with ``tool`` messages, as a model
    # does once it has its results (a history may end with them: openai-python v3.63.0
    # types/chat/chat_completion_tool_message_param.py); False: it calls again, forever
    text_after_results: bool = False
    # POST /responses (fake_responses.py): False answers 404 (a server without the API);
    # end with response.failed saying failed_message, or response.incomplete
    responses_api: bool = True
    failed_message: str | None = None
    incomplete: bool = False


@dataclass
class RecordedRequest:
    scenario: str
    path: str
    authorization: str | None
    body: dict[str, Any] | None


@dataclass
class StreamRecord:
    scenario: str
    sent_tokens: int = 0
    finished: bool = False  # sent [DONE]
    disconnected: bool = False  # the client went away first
    started: float = field(default_factory=time.monotonic)
    ended: float | None = None


def reply_tokens(scenario: Scenario, model: str, messages: list[dict[str, Any]]) -> list[str]:
    """The answer as a list of tokens (words with their leading space)."""
    if scenario.reply_fn is not None:
        text = scenario.reply_fn(model, messages)
    elif scenario.reply is not None:
        text = scenario.reply
    else:
        last = next(
            (m.get("content", "") for m in reversed(messages) if m.get("role") == "user"), ""
        )
        if isinstance(last, list):  # content parts: echo the text, count the images
            texts = [p.get("text", "") for p in last if p.get("type") == "text"]
            images = sum(1 for p in last if p.get("type") == "image_url")
            last = " ".join(texts) + (f" [{images} image(s)]" if images else "")
        text = f"[{model}] turn {sum(1 for m in messages if m.get('role') == 'user')}: {last}"
    if scenario.chunk_chars:
        size = scenario.chunk_chars
        return [text[i : i + size] for i in range(0, len(text), size)]
    words = text.split(" ")
    toks = [words[0]] + [" " + w for w in words[1:]] if text else []
    toks += [f" w{i}" for i in range(scenario.tokens)]
    return toks


class FakeOpenAIServer:
    """Runs the fake server in a background thread on 127.0.0.1."""

    def __init__(self) -> None:
        self.scenarios: dict[str, Scenario] = {}
        self.requests: list[RecordedRequest] = []
        self.streams: list[StreamRecord] = []
        self.active = 0  # streams open right now
        self.max_active: dict[str, int] = {}  # most streams open at once, by scenario
        self.refused: dict[str, int] = {}  # 429s for being over max_concurrent, by scenario
        self.port = 0
        self._local: LocalServer | None = None

    # -- configuration -------------------------------------------------
    def add(self, name: str, scenario: Scenario | None = None) -> str:
        """Register a scenario and return its base URL."""
        self.scenarios[name] = scenario or Scenario()
        return self.base_url(name)

    def base_url(self, name: str) -> str:
        return f"http://127.0.0.1:{self.port}/{name}/v1"

    def chat_requests(self, scenario: str) -> list[RecordedRequest]:
        return [
            r for r in self.requests if r.scenario == scenario and r.path.endswith("/completions")
        ]

    def responses_requests(self, scenario: str) -> list[RecordedRequest]:
        return [
            r for r in self.requests if r.scenario == scenario and r.path.endswith("/responses")
        ]

    # -- lifecycle -----------------------------------------------------
    def start(self) -> FakeOpenAIServer:
        self._local = LocalServer(
            [
                Route("/{scenario}/v1/models", self._models, methods=["GET"]),
                Route("/{scenario}/v1/chat/completions", self._chat, methods=["POST"]),
                Route("/{scenario}/v1/responses", self._responses, methods=["POST"]),
            ],
            "fake OpenAI server",
        )
        self.port = self._local.start()
        return self

    def stop(self) -> None:
        if self._local is not None:
            self._local.stop()

    # -- handlers ------------------------------------------------------
    def _scenario(self, request: Request) -> tuple[str, Scenario | None]:
        name = request.path_params["scenario"]
        return name, self.scenarios.get(name)

    def _auth_error(self, request: Request, scenario: Scenario) -> Response | None:
        if scenario.token is None:
            return None
        if request.headers.get("authorization") != f"Bearer {scenario.token}":
            return JSONResponse(
                {"error": {"message": "Invalid token", "type": "auth"}}, status_code=401
            )
        return None

    async def _models(self, request: Request) -> Response:
        name, scenario = self._scenario(request)
        self.requests.append(
            RecordedRequest(name, request.url.path, request.headers.get("authorization"), None)
        )
        if scenario is None:
            return JSONResponse({"error": {"message": "no such scenario"}}, status_code=404)
        if (denied := self._auth_error(request, scenario)) is not None:
            return denied
        if scenario.models_raw is not None:
            return _raw(scenario.models_raw)
        if scenario.models_status != 200:
            return JSONResponse(
                {"error": {"message": "models failed"}}, status_code=scenario.models_status
            )
        data = [
            {"id": m, "object": "model", "created": 0, "owned_by": "fake"} for m in scenario.models
        ]
        return JSONResponse({"object": "list", "data": data})

    async def _chat(self, request: Request) -> Response:
        name, scenario = self._scenario(request)
        body = await request.json()
        self.requests.append(
            RecordedRequest(name, request.url.path, request.headers.get("authorization"), body)
        )
        if scenario is None:
            return JSONResponse({"error": {"message": "no such scenario"}}, status_code=404)
        if (denied := self._auth_error(request, scenario)) is not None:
            return denied
        if scenario.chat_raw is not None:
            return _raw(scenario.chat_raw)
        if scenario.html:
            return HTMLResponse("<html><body><h1>Please sign in</h1></body></html>")
        failing = scenario.chat_status != 200 and (
            scenario.fail_first == 0 or len(self.chat_requests(name)) <= scenario.fail_first
        )
        if failing:
            headers = {}
            if scenario.retry_after is not None:
                headers["Retry-After"] = str(scenario.retry_after)
            return JSONResponse(
                {
                    "error": {
                        "message": scenario.error_message
                        or f"chat failed with {scenario.chat_status}"
                    }
                },
                status_code=scenario.chat_status,
                headers=headers,
            )
        if scenario.max_concurrent is not None and body.get("stream"):
            open_now = sum(1 for s in self.streams if s.scenario == name and s.ended is None)
            if open_now >= scenario.max_concurrent:
                self.refused[name] = self.refused.get(name, 0) + 1
                headers = {}
                if scenario.retry_after is not None:
                    headers["Retry-After"] = str(scenario.retry_after)
                return JSONResponse(
                    {"error": {"message": "too many concurrent requests"}},
                    status_code=429,
                    headers=headers,
                )
        if scenario.reject_stream_options and "stream_options" in body:
            return JSONResponse(
                {"error": {"message": "Unrecognized request argument: stream_options"}},
                status_code=400,
            )
        model = body.get("model", "")
        if model not in scenario.models:
            return JSONResponse(
                {"error": {"message": f"The model '{model}' does not exist"}}, status_code=404
            )
        messages = body.get("messages", [])
        tokens = reply_tokens(scenario, model, messages)
        calling = scenario.tool_calls is not None
        if calling and scenario.text_after_results and messages[-1:]:
            calling = messages[-1].get("role") != "tool"
        if calling and scenario.reply is None and not scenario.reply_fn:
            tokens = []
        deltas: list[dict[str, Any]] = [{"content": tok} for tok in tokens]
        if scenario.reasoning is not None:
            words = [f" {w}" for w in scenario.reasoning.split(" ")]
            if scenario.reasoning_style == "tags":
                thoughts = [{"content": w} for w in ["<think>", *words, "</think>\n\n"]]
            elif scenario.reasoning_style == "template":
                thoughts = [{"content": w} for w in [*words, "</think>\n\n"]]
            else:
                thoughts = [{"reasoning_content": w} for w in words]
            deltas = thoughts + deltas
        finish: str | None = None if scenario.no_done else "stop"
        if calling and scenario.tool_calls is not None:
            calls = tool_call_deltas(
                scenario.tool_calls,
                piece_chars=scenario.tool_piece_chars,
                interleave=scenario.tool_interleave,
            )
            finish = "tool_calls"
            if scenario.tool_cut_after is not None:
                calls, finish = calls[: scenario.tool_cut_after], None
            deltas += calls
        if not body.get("stream"):
            return JSONResponse(_completion(model, "".join(tokens)))
        record = StreamRecord(name)
        self.streams.append(record)
        with_usage = scenario.usage and bool(
            (body.get("stream_options") or {}).get("include_usage")
        )
        return StreamingResponse(
            self._sse(scenario, model, deltas, record, with_usage, finish),
            media_type="text/event-stream",
        )

    async def _responses(self, request: Request) -> Response:
        """The Responses API: its event stream is built in fake_responses.py."""
        name, scenario = self._scenario(request)
        body = await request.json()
        auth = request.headers.get("authorization")
        self.requests.append(RecordedRequest(name, request.url.path, auth, body))
        if scenario is None or not scenario.responses_api:
            return JSONResponse({"detail": "Not Found"}, status_code=404)  # FastAPI's 404
        if (denied := self._auth_error(request, scenario)) is not None:
            return denied
        count = len(self.responses_requests(name))
        if scenario.chat_status != 200 and (
            not scenario.fail_first or count <= scenario.fail_first
        ):
            headers = {"Retry-After": str(scenario.retry_after)} if scenario.retry_after else {}
            message = scenario.error_message or f"responses failed with {scenario.chat_status}"
            error = {"error": {"message": message}}
            return JSONResponse(error, status_code=scenario.chat_status, headers=headers)
        record = StreamRecord(name)
        self.streams.append(record)
        events = responses_sse(scenario, body, record, reply_tokens)
        return StreamingResponse(events, media_type="text/event-stream")

    async def _sse(
        self,
        scenario: Scenario,
        model: str,
        tokens: list[dict[str, Any]],
        record: StreamRecord,
        with_usage: bool,
        finish: str | None = "stop",
    ) -> AsyncIterator[bytes]:
        self.active += 1
        self.max_active[record.scenario] = max(
            self.max_active.get(record.scenario, 0),
            sum(1 for s in self.streams if s.scenario == record.scenario and s.ended is None),
        )
        try:
            if scenario.latency:
                await asyncio.sleep(scenario.latency)
            interval = 1.0 / scenario.tokens_per_second if scenario.tokens_per_second else 0.0
            start = time.monotonic()
            for i, tok in enumerate(tokens):
                if scenario.break_after is not None and i >= scenario.break_after:
                    raise ConnectionAbortedError("fake server drops the connection")
                if scenario.stall_after is not None and i >= scenario.stall_after:
                    await asyncio.sleep(3600)
                if scenario.malformed_after is not None and i >= scenario.malformed_after:
                    yield b'data: {"id": "chatcmpl-fake", "choices": [{"delta": {"content"\n\n'
                    yield b"data: [DONE]\n\n"
                    return
                if interval:
                    delay = start + i * interval - time.monotonic()
                    if delay > 0:
                        await asyncio.sleep(delay)
                elif i % 64 == 0:
                    await asyncio.sleep(0)  # let a disconnect cancel us
                yield _sse_chunk(model, tok if i else {"role": "assistant", **tok})
                record.sent_tokens += 1
            if finish is None:  # no_done, or a stream cut mid-call
                return
            yield _sse_chunk(model, {}, finish=finish)
            if with_usage:
                usage: dict[str, Any] = {
                    "prompt_tokens": scenario.prompt_tokens,
                    "completion_tokens": len(tokens),
                    "total_tokens": scenario.prompt_tokens + len(tokens),
                }
                if scenario.reasoning_tokens is not None:
                    details = {"reasoning_tokens": scenario.reasoning_tokens}
                    usage["completion_tokens_details"] = details
                payload = {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion.chunk",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [],
                    "usage": usage,
                }
                yield f"data: {json.dumps(payload)}\n\n".encode()
            yield b"data: [DONE]\n\n"
            record.finished = True
        except (asyncio.CancelledError, GeneratorExit):
            record.disconnected = True
            raise
        finally:
            self.active -= 1
            record.ended = time.monotonic()


def _raw(answer: RawAnswer) -> Response:
    if isinstance(answer.body, bytes) and not answer.cut:
        return Response(answer.body, status_code=answer.status, headers=answer.headers)
    chunks = [answer.body] if isinstance(answer.body, bytes) else answer.body

    async def send() -> AsyncIterator[bytes]:
        for chunk in chunks:
            yield chunk
            await asyncio.sleep(0)
        if answer.cut:
            raise ConnectionAbortedError("fake server cuts the body mid-way")

    return StreamingResponse(send(), status_code=answer.status, headers=answer.headers)


def _sse_chunk(model: str, delta: dict[str, Any], finish: str | None = None) -> bytes:
    payload = {
        "id": "chatcmpl-fake",
        "object": "chat.completion.chunk",
        "created": int(time.time()),
        "model": model,
        "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
    }
    return f"data: {json.dumps(payload)}\n\n".encode()


def _completion(model: str, text: str) -> dict[str, Any]:
    return {
        "id": "chatcmpl-fake",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model,
        "choices": [
            {"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}
        ],
    }


def closed_port() -> int:
    """A 127.0.0.1 port with nothing listening (connection refused)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def main() -> None:
    """Serve a few scenarios for manual use: ``python -m tests.fake_openai``."""
    import argparse

    parser = argparse.ArgumentParser(description=main.__doc__)
    parser.add_argument("--tokens-per-second", type=float, default=30.0)
    parser.add_argument("--tokens", type=int, default=60)
    args = parser.parse_args()
    server = FakeOpenAIServer().start()
    for name in ("fast", "slow"):
        rate = args.tokens_per_second * (1 if name == "fast" else 0.3)
        url = server.add(name, Scenario(tokens=args.tokens, tokens_per_second=rate))
        print(f"{name}: {url}", flush=True)
    print(f"broken: {server.add('broken', Scenario(chat_status=500))}", flush=True)
    try:
        threading.Event().wait()
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()


class FullBacklog:
    """A 127.0.0.1 port whose accept queue is full: new connections time out.

    The socket listens with a backlog of 0 and never accepts; a few filler
    connections take every slot, so a client's SYN gets no answer.
    """

    def __init__(self, fillers: int = 4) -> None:
        self._listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        self._listener.bind(("127.0.0.1", 0))
        self._listener.listen(0)
        self.port = self._listener.getsockname()[1]
        self._fillers: list[socket.socket] = []
        for _ in range(fillers):
            filler = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            filler.setblocking(False)
            with contextlib.suppress(BlockingIOError, OSError):
                filler.connect(("127.0.0.1", self.port))
            self._fillers.append(filler)
        time.sleep(0.2)

    def close(self) -> None:
        for filler in self._fillers:
            filler.close()
        self._listener.close()
