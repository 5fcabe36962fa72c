"""Answers an attacker would write: each tries to make the page fetch ``{url}`` or run code.

``{url}`` is a listening server's address in browser tests (any host in unit
tests). Add every new bypass here: the unit tests, the property test's seeds and
the browser tests all read this list.
"""

from __future__ import annotations

import base64

_HTML_B64 = base64.b64encode(b"<script>window.__pwned=1</script>").decode()

# (id, markdown); {url} is replaced by a URL that must never be requested.
CORPUS: list[tuple[str, str]] = [
    # The bypasses of the regex blocker (issue 20).
    ("escaped-bang-nested", r"\![a [b] c]({url}/1)"),
    ("escaped-backtick", r"\`![x]({url}/2)`"),
    ("indented-closing-fence", "```\ncode\n  ````\n![x]({url}/3)\n"),
    ("backtick-in-info", "```a`\n![x]({url}/4)\n"),
    ("escaped-bang-reference", "\\![r]\n\n[r]: {url}/5"),
    ("server-said", "Server said: upstream failed ![e]({url}/6)"),
    ("data-link", f"[d](data:text/html;base64,{_HTML_B64})"),
    # Every image syntax of CommonMark and GFM.
    ("inline", "![a]({url}/7)"),
    ("inline-title", '![a]({url}/8 "title")'),
    ("angle-destination", "![a](<{url}/9>)"),
    ("full-reference", "![a][ref]\n\n[ref]: {url}/10"),
    ("collapsed-reference", "![ref][]\n\n[ref]: {url}/11"),
    ("shortcut-reference", "![ref]\n\n[ref]: {url}/12 'title'"),
    ("nested-in-link", "[![badge]({url}/13)](https://example.com)"),
    ("image-in-image", "![![inner]({url}/14)]({url}/15)"),
    ("double-bang", "!![a]({url}/16)"),
    ("entity-bang", "&#33;[a]({url}/17) &excl;[b]({url}/18)"),
    ("spaces-in-destination", "![a]( {url}/19 )"),
    ("image-in-table", "| a |\n| - |\n| ![t]({url}/20) |"),
    ("image-in-list-quote", "- > 1. ![l]({url}/21)"),
    ("image-in-heading", "# ![h]({url}/22)"),
    ("image-after-fence-in-list", "- ```\n  x\n  ```\n  ![f]({url}/23)"),
    ("tilde-fence", "~~~\n![x]({url}/24)\n~~~~\n![y]({url}/25)"),
    ("unclosed-fence-quote", "> ```\n![q]({url}/26)"),
    ("lazy-continuation", "> a\n![lazy]({url}/27)"),
    ("setext", "![s]({url}/28)\n==="),
    ("emphasis-around", "*![e]({url}/29)* **![s]({url}/30)** ~~![d]({url}/31)~~"),
    ("linebreak-in-alt", "![a\nb]({url}/32)"),
    ("backslash-dest", "![a]({url}/33\\))"),
    ("html-entity-in-dest", "![a](http&#58;//127.0.0.1/34)"),
    ("code-span-unbalanced", "``![x]({url}/35)`"),
    # Links whose scheme must never be live.
    ("javascript", "[j](javascript:window.__pwned=1)"),
    ("javascript-case", "[j](JaVaScRiPt:window.__pwned=1)"),
    ("javascript-entity", "[j](jav&#x61;script:window.__pwned=1)"),
    ("javascript-tab", "[j](java\tscript:window.__pwned=1)"),
    ("javascript-percent", "[j](javascript%3Awindow.__pwned=1)"),
    ("javascript-leading-space", "[j](< javascript:window.__pwned=1>)"),
    ("javascript-autolink", "<javascript:window.__pwned=1>"),
    ("javascript-reference", "[j]\n\n[j]: javascript:window.__pwned=1"),
    ("vbscript", "[v](vbscript:msgbox(1))"),
    ("data-autolink", f"<data:text/html;base64,{_HTML_B64}>"),
    ("data-image", "![p](data:image/png;base64,iVBORw0KGgo=)"),
    ("protocol-relative", "[p](//127.0.0.1/36)"),
    # Raw HTML.
    ("img-onerror", '<img src="{url}/37" onerror="window.__pwned=1">'),
    ("inline-img", 'text <img src="{url}/38"> text'),
    ("script", "<script>window.__pwned=1</script>"),
    ("event-handler", '<div onmouseover="window.__pwned=1">hover</div>'),
    ("style-url", "<style>body{background:url({url}/39)}</style>"),
    ("style-attr", '<p style="background:url({url}/40)">x</p>'),
    ("svg", '<svg><image href="{url}/41"/><script>window.__pwned=1</script></svg>'),
    ("svg-onload", '<svg onload="window.__pwned=1"></svg>'),
    ("math-tag", '<math><mtext><img src="{url}/42"></mtext></math>'),
    ("base", '<base href="{url}/43/">\n\n[rel](x)'),
    ("meta-refresh", '<meta http-equiv="refresh" content="0;url={url}/44">'),
    ("iframe", '<iframe src="{url}/45"></iframe>'),
    ("link-stylesheet", '<link rel="stylesheet" href="{url}/46">'),
    ("object", '<object data="{url}/47"></object>'),
    ("video-poster", '<video poster="{url}/48"></video>'),
    ("picture", '<picture><source srcset="{url}/49"></picture>'),
    ("a-href-js", '<a href="javascript:window.__pwned=1">x</a>'),
    ("html-comment", "<!-- ![c]({url}/50) -->"),
    ("cdata", "<![CDATA[ ![c]({url}/51) ]]>"),
    ("css-url-text", "body { background: url({url}/52) }"),
    # KaTeX.
    ("katex-href", r"$\href{javascript:window.__pwned=1}{click}$"),
    ("katex-url", r"$\url{{url}/53}$"),
    ("katex-includegraphics", r"$\includegraphics{{url}/54}$"),
    ("katex-html-class", r"$\htmlClass{x}{y}$ $\htmlStyle{background:url({url}/55)}{z}$"),
    ("katex-html-data", r"$$\htmlData{foo=bar}{x}$$"),
    ("katex-macro", r"$\def\h{\hr}\h ef{javascript:window.__pwned=1}{x}$"),
    ("katex-block", "$$\n\\href{{url}/56}{x}\n$$"),
    ("math-hiding-image", "$a![x]({url}/57)b$"),
    # Deep nesting (the parser stops following it at some depth).
    ("deep-quotes", ">" * 200 + " ![deep]({url}/58)"),
    ("deep-lists", "".join("  " * i + "- a\n" for i in range(120)) + "  " * 120 + "![d]({url}/59)"),
    ("deep-brackets", "[" * 3000 + "![b]({url}/60)" + "]" * 3000),
    ("deep-emphasis", "*" * 2000 + "![e]({url}/61)" + "*" * 2000),
]


def corpus(url: str) -> list[tuple[str, str]]:
    """The corpus with ``{url}`` filled in."""
    return [(name, text.replace("{url}", url)) for name, text in CORPUS]


def one_document(url: str) -> str:
    """Every entry in one answer, separated so each starts afresh."""
    return "\n\n".join(f"{text}\n\n---\n" for _, text in corpus(url))
