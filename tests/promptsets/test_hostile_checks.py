"""Issue 27's findings on prompt-set checks, templates and judge replies, worst case first.

Each input here once froze or exhausted the app process (a regex compiled on every
page run, an exponential JSON Schema, a template Python's compiler refused); now it
is read in the bounded evaluator's workers and comes back as a named problem, with
the app's own memory unchanged.
"""

from __future__ import annotations

import json
import threading
import time

import pytest

from playground.config.bounded import Evaluator
from playground.config.limits import EvaluatorLimits
from playground.errors import PromptSetProblem
from playground.promptsets.checks.checks import evaluate, parse_checks
from playground.promptsets.checks.judge import read_verdict, read_verdict_bounded
from playground.promptsets.running.cells import answered_cell
from playground.promptsets.template import compile_template
from playground.session.evaluation.promptsets import prepare
from playground.workspace.types import Message

MB = 1_000_000


def rss() -> int:
    with open("/proc/self/status", encoding="ascii") as status:
        line = next(x for x in status if x.startswith("VmRSS:"))
    return int(line.split()[1]) * 1024


def exponential_schema(depth: int) -> str:
    defs = {"a0": {"type": "string"}}
    for i in range(1, depth + 1):
        ref = {"$ref": f"#/$defs/a{i - 1}"}
        defs[f"a{i}"] = {"anyOf": [ref, ref]}
    return json.dumps({"$defs": defs, "$ref": f"#/$defs/a{depth}"})


def test_a_nested_repeat_regex_is_refused_without_growing_the_app() -> None:
    before = rss()
    started = time.monotonic()
    prep = prepare("prompt,expected\nhi,regex:(?:(?:a{1000}){1000}){1000}\n")
    assert time.monotonic() - started < 5
    assert not prep.ready
    assert prep.problems[0].startswith("Row 1: the pattern is too large")
    assert rss() - before < 100 * MB


def test_three_hundred_large_patterns_leave_the_app_as_it_was() -> None:
    rows = "".join(f"q{n},regex:a{{65535}}{n}\n" for n in range(300))
    before = rss()
    prep = prepare("prompt,expected\n" + rows)
    assert rss() - before < 100 * MB
    # Either all compile (each is valid), or the set's time budget says so by name.
    assert prep.ready or "took more than" in prep.problems[-1]


def test_an_exponential_schema_fails_its_check_within_the_answer_budget() -> None:
    schema = exponential_schema(40)
    assert len(schema) < 3000
    checks = parse_checks(f"json-schema:{schema}")
    before = rss()
    started = time.monotonic()
    [outcome] = evaluate(checks, "1", None)
    assert time.monotonic() - started < 15  # at depth 40, once until 8 GB killed the app
    assert not outcome.passed
    assert outcome.detail.startswith("the schema ")
    assert "more than" in outcome.detail  # took more than N s, or needs more than N MiB
    assert rss() - before < 100 * MB


def test_stop_ends_the_checks_of_an_answer_at_once() -> None:
    checks = parse_checks("regex:^(a|a)*$")  # minutes in ``regex``
    patient = Evaluator(EvaluatorLimits(workers=1, call_seconds=60, answer_seconds=60))
    cancel = threading.Event()
    threading.Timer(0.5, cancel.set).start()
    started = time.monotonic()
    try:
        [outcome] = evaluate(checks, "a" * 40 + "!", None, evaluator=patient, cancel=cancel)
    finally:
        patient.close()
    assert time.monotonic() - started < 10  # not the 60 s its limits allow
    assert outcome.detail == "the pattern stopped"


def test_a_catastrophic_pattern_in_a_schema_is_cut_off() -> None:
    checks = parse_checks('json-schema:{"type": "string", "pattern": "^(a+)+$"}')
    started = time.monotonic()
    [outcome] = evaluate(checks, json.dumps("a" * 30 + "!"), None)
    assert time.monotonic() - started < 15  # once 70 s
    assert not outcome.passed and "took more than" in outcome.detail


def test_twenty_slow_checks_share_one_budget_per_answer() -> None:
    checks = parse_checks(" && ".join(["regex:^(a|a)*$"] * 20))  # seconds each in ``regex``
    started = time.monotonic()
    outcomes = evaluate(checks, "a" * 30 + "!", None)
    assert time.monotonic() - started < 15  # once 20 s: 1 s each; 40 s at 2 s a call
    assert all(not o.passed for o in outcomes)
    assert any("in all" in o.detail for o in outcomes)


@pytest.mark.parametrize(
    "shape",
    [
        pytest.param('{{"$ref": "{url}/s.json"}}', id="ref"),
        pytest.param('{{"$id": "{url}/", "$ref": "s.json"}}', id="relative-to-a-remote-id"),
        pytest.param('{{"$dynamicRef": "{url}/s.json#x"}}', id="dynamic-ref"),
        pytest.param(
            '{{"$schema": "http://json-schema.org/draft-03/schema#", "extends": '
            '{{"$ref": "{url}/s.json"}}}}',
            id="draft-3-extends",
        ),
        pytest.param('{{"properties": {{"a": {{"$ref": "{url}/s.json"}}}}}}', id="nested-ref"),
        pytest.param(
            '{{"$schema": "{url}/meta.json", "$ref": "{url}/s.json"}}', id="remote-meta-schema"
        ),
    ],
)
def test_a_schema_fetches_nothing_and_names_the_reference(
    shape: str, listener: tuple[str, list[str]]
) -> None:
    url, hits = listener
    schema = shape.format(url=url)
    prep = prepare(json.dumps({"prompt": "hi", "expected": f"json-schema:{schema}"}) + "\n")
    assert not prep.ready
    assert url in prep.problems[0] and "nothing is fetched" in prep.problems[0]
    [outcome] = evaluate(parse_checks(f"json-schema:{schema}"), '{"a": 1}', None)
    assert not outcome.passed
    assert hits == []


def test_local_references_still_work() -> None:
    schema = json.dumps({"$defs": {"s": {"type": "string"}}, "$ref": "#/$defs/s"})
    assert prepare(json.dumps({"prompt": "p", "expected": f"json-schema:{schema}"})).ready
    checks = parse_checks(f"json-schema:{schema}")
    assert evaluate(checks, '"yes"', None)[0].passed
    [outcome] = evaluate(checks, "1", None)
    assert not outcome.passed and "is not of type 'string'" in outcome.detail


@pytest.mark.parametrize(
    ("answer", "expected", "why"),
    [
        pytest.param("[" * 1000 + "]" * 1000, "json", "nested too deeply", id="deep-json"),
        pytest.param("1", 'json-schema:{"$ref": "#"}', "nested too deeply", id="self-ref"),
        pytest.param(
            "1",
            'json-schema:{"$schema": "http://json-schema.org/draft-03/schema#", "extends": "x"}',
            "",
            id="draft-3-extends-string",
        ),
    ],
)
def test_an_unexpected_evaluation_error_fails_the_check_and_keeps_the_answer(
    answer: str, expected: str, why: str
) -> None:
    message = Message(role="assistant", content=answer, status="done")
    cell = answered_cell((0, 0, 0), message, parse_checks(expected))
    assert cell.status == "done"
    assert cell.text == answer
    [check] = cell.checks
    assert not check.passed
    assert why in check.detail


@pytest.mark.parametrize(
    ("source", "what"),
    [
        pytest.param("{% if prompt %}" * 100 + "x" + "{% endif %}" * 100, "nested-ifs", id="ifs"),
        pytest.param("{{ " + "(" * 500 + "prompt" + ")" * 500 + " }}", "parens", id="parens"),
        pytest.param("{{ prompt" + " | upper" * 3000 + " }}", "filters", id="filter-chain"),
    ],
)
def test_a_template_python_cannot_compile_is_a_message(source: str, what: str) -> None:
    with pytest.raises(PromptSetProblem) as caught:
        compile_template(source, ["prompt"])
    assert caught.value.message.startswith("The template")
    prep = prepare("hello\n", template=source)
    assert not prep.ready and prep.problems[0].startswith("The template")


def test_a_valid_but_costly_template_costs_the_app_nothing_after_the_first_run() -> None:
    source = ("{{ prompt" + "|d" * 190 + " }}") * 5
    assert len(source) == 1960
    prepare("hello\n", template=source)  # the first page run: bounded by the call limit
    started = time.process_time()
    prep = prepare("hello\n", template=source)  # every later page run
    assert time.process_time() - started < 0.5  # once 27 s of CPU on every run
    assert prep.ready or "took more than" in prep.problems[0]


@pytest.mark.parametrize("number", ["Infinity", "-Infinity", "NaN"])
def test_a_non_finite_judge_score_is_a_failed_score_with_its_reason(number: str) -> None:
    reply = f'{{"score": {number}, "reason": "great"}}'
    for verdict in (read_verdict(reply), read_verdict_bounded(reply)):
        assert verdict.score is None
        assert verdict.error is not None and "not a finite number" in verdict.error


def test_a_deeply_nested_judge_reply_is_read_as_no_score() -> None:
    reply = "{" + '"a":[' * 5000 + "]" * 5000 + "}"
    verdict = read_verdict_bounded(reply)
    assert verdict.score is None and verdict.error
