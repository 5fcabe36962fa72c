"""Helpers for the hostile-rendering browser tests: a listening server and DOM checks."""

from __future__ import annotations

import json

from playwright.sync_api import Page
from starlette.requests import Request
from starlette.responses import Response
from starlette.routing import Route

from tests.local_server import LocalServer

# A 1x1 transparent PNG: what a tracking pixel would be.
_PIXEL = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000100ffff03000006000557bfabd40000000049454e44ae426082"
)


class Leak:
    """A server on 127.0.0.1 that only records: any request reaching it is a leak."""

    def __init__(self) -> None:
        self.paths: list[str] = []
        self._local = LocalServer(
            [Route("/{path:path}", self._record, methods=["GET", "POST", "HEAD", "OPTIONS"])],
            "leak server",
        )
        self.port = self._local.start()
        self.url = f"http://127.0.0.1:{self.port}"

    async def _record(self, request: Request) -> Response:
        self.paths.append(request.url.path)
        return Response(_PIXEL, media_type="image/png")

    def stop(self) -> None:
        self._local.stop()


_DOM_PROBLEMS = """(port) => {
  const out = [];
  for (const a of document.querySelectorAll("a[href]")) {
    const scheme = a.protocol;
    if (!["http:", "https:", "mailto:"].includes(scheme)) out.push("link " + a.href);
  }
  const loads = "img, image, iframe, object, embed, video, audio, source, base, link, meta, frame";
  for (const el of document.querySelectorAll(loads)) {
    const attrs = ["src", "href", "data", "poster", "srcset", "content", "xlink:href"];
    for (const name of attrs) {
      const value = el.getAttribute(name) || "";
      if (value.includes(":" + port) || /^\\s*(javascript|data|vbscript):/i.test(value)) {
        if (!(el.tagName === "LINK" && value.startsWith("data:"))) {
          out.push(el.tagName + " " + name + "=" + value);
        }
      }
    }
  }
  const roots = '[data-testid="stMain"], [data-testid="stSidebar"]';
  for (const root of document.querySelectorAll(roots)) {
    for (const s of root.querySelectorAll("script")) out.push("script " + s.outerHTML.slice(0, 80));
    for (const el of root.querySelectorAll("*")) {
      for (const attr of el.attributes) {
        if (/^on/i.test(attr.name)) out.push("handler " + el.tagName + " " + attr.name);
        if (attr.name === "style" && attr.value.includes(":" + port)) out.push("style url");
      }
    }
  }
  if (window.__pwned !== undefined) out.push("script ran: window.__pwned=" + window.__pwned);
  return out;
}"""


def dom_problems(page: Page, leak: Leak) -> list[str]:
    """What in the page could load from the leak server, link to javascript:/data:, or ran."""
    problems: list[str] = page.evaluate(_DOM_PROBLEMS, str(leak.port))
    return problems


def leak_images_in_dom(page: Page, leak: Leak) -> int:
    count: int = page.evaluate(
        "(port) => [...document.querySelectorAll('img')].filter(i => i.src.includes(':' + port))"
        ".length",
        str(leak.port),
    )
    return count


def toml_string(value: str) -> str:
    """A TOML basic string (JSON's escaping is valid TOML for these characters)."""
    return json.dumps(value, ensure_ascii=False)
