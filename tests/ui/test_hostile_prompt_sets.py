"""The Prompt sets page under hostile templates and checks: messages, never an exception box.

A fuzz test (hypothesis) feeds ``prepare`` (what every page run calls) arbitrary
templates and checks; the worst cases of issue 27 are typed into the real page
(AppTest), and a run whose checks are slow is stopped while they run.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground.errors import PromptSetProblem
from playground.promptsets.checks.checks import KINDS
from playground.promptsets.template import compile_template
from playground.session.evaluation.promptsets import prepare
from tests.helpers import endpoints_toml, new_app, shown
from tests.ui.test_prompt_sets_page import prompt_sets_page

TEMPLATE_PARTS = st.sampled_from(
    ["{{", "}}", "{%", "%}", "if", "endif", "prompt", "|", "d", "upper", "(", ")", " ", "x",
     "{#", "#}", "else", "not", "and", "'", '"', "\\", "\n", "\ud800", "\x00", "9" * 50]
)  # fmt: skip
templates = st.lists(TEMPLATE_PARTS, max_size=60).map("".join) | st.text(max_size=300)
checks = st.tuples(st.sampled_from([*KINDS, "regex", "json-schema"]), st.text(max_size=80)).map(
    lambda pair: f"{pair[0]}:{pair[1]}"
)


@settings(
    max_examples=120,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(template=templates, expected=st.lists(checks, max_size=3), prompt=st.text(max_size=50))
def test_prepare_never_raises_on_any_template_or_check(
    template: str, expected: list[str], prompt: str
) -> None:
    row = json.dumps({"prompt": prompt or "p", "expected": expected})
    prep = prepare(row + "\n", name="set.jsonl", template=template)
    assert prep.ready or prep.problems
    assert all(isinstance(p, str) and p for p in prep.problems)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(template=templates)
def test_compile_template_raises_only_prompt_set_problems(template: str) -> None:
    try:
        compiled = compile_template(template, ["prompt"])
    except PromptSetProblem as exc:
        assert exc.message
    else:
        assert compiled.names <= {"prompt"}


HOSTILE = [
    pytest.param(
        "prompt,expected\nhi,regex:(?:(?:a{1000}){1000}){1000}\n", "", "too large", id="regex"
    ),
    pytest.param("hello\n", "{% if prompt %}" * 100 + "x" + "{% endif %}" * 100, "", id="ifs"),
    pytest.param("hello\n", "{{ " + "(" * 500 + "prompt" + ")" * 500 + " }}", "", id="parens"),
    pytest.param('{"prompt": "p", "n": ' + "9" * 5000 + "}\n", "", "", id="huge-integer"),
    pytest.param('{"prompt": "p", "n": ' + "[" * 5000 + "]" * 5000 + "}\n", "", "", id="deep"),
]


@pytest.mark.parametrize(("text", "template", "needle"), HOSTILE)
def test_the_page_shows_a_message_for_hostile_input(
    text: str, template: str, needle: str, write_config: Callable[..., Path], scenario: Callable
) -> None:
    write_config(endpoints_toml(Alpha=scenario()))
    at = prompt_sets_page(new_app())
    at.text_area(key="ps-text").set_value(text)
    at.text_area(key="ps-template").set_value(template).run()
    assert not at.exception, [e.value for e in at.exception]
    read = " ".join(shown(e.value) for e in [*at.error, *at.warning, *at.markdown, *at.caption])
    assert needle in read
    assert at.text_area(key="ps-text").value == text  # nothing typed is lost
    assert at.text_area(key="ps-template").value == template
    assert at.button(key="ps-run").disabled


def test_stop_ends_a_run_whose_checks_are_slow(
    write_config: Callable[..., Path], scenario: Callable[..., str]
) -> None:
    check = " && ".join(["regex:(a|a)*$"] * 3)  # seconds each in ``regex``
    write_config(endpoints_toml(Alpha=scenario()))
    at = prompt_sets_page(new_app())
    prompt = "a" * 30 + "!"  # the test server's answer ends with the prompt
    rows = "".join(json.dumps({"prompt": prompt, "expected": check}) + "\n" for _ in range(8))
    at.text_area(key="ps-text").set_value(rows).run()
    assert not at.button(key="ps-run").disabled, [x.value for x in [*at.error, *at.caption]]
    at.button(key="ps-run").click().run()
    time.sleep(1.0)  # the answers are in; their checks are running in the workers
    started = time.monotonic()
    at.button(key="ps-stop").click().run()
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        at.run()
        if any(m.value.startswith(("**Stopped**", "**Done**")) for m in at.markdown):
            break
        time.sleep(0.1)
    assert not at.exception
    # 16 answers (8 rows x 2 cards), each with 3 s of checks: 24 s on two workers.
    assert time.monotonic() - started < 10, [m.value for m in at.markdown]
