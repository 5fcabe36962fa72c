"""Reading a prompt set, its template and its checks: what is refused, and how."""

from __future__ import annotations

import json
import tracemalloc

import pytest

from playground.config.limits import MAX_PROMPT_SET_BYTES, MAX_PROMPT_SET_ROWS
from playground.errors import PromptSetProblem
from playground.promptsets.checks.checks import KINDS, check_problems, evaluate, parse_checks
from playground.promptsets.checks.tool_checks import TOOL_KINDS
from playground.promptsets.parse import read_prompt_set
from playground.promptsets.template import compile_template
from playground.session.evaluation.promptsets import prepare
from playground.workspace.types import Metrics


def test_a_csv_with_a_header_names_its_prompt_and_variables() -> None:
    found = read_prompt_set(
        b'Prompt,topic,expected\nHi,cats,contains:cat\n\n"a, b",dogs,\n', name="set.csv"
    )
    assert found.kind == "csv"
    assert found.columns == ("prompt", "topic")
    assert [(r.number, r.prompt, r.expected) for r in found.rows] == [
        (1, "Hi", "contains:cat"),
        (2, "a, b", ""),
    ]
    assert found.rows[0].variables == {"prompt": "Hi", "topic": "cats"}


@pytest.mark.parametrize(
    ("text", "kind", "prompts"),
    [
        pytest.param("prompt,lang\nhello,fr\n", "csv", ["hello"], id="csv-by-header"),
        pytest.param(
            "What is 1,2,3?\nNext one\n",
            "text",
            ["What is 1,2,3?", "Next one"],
            id="commas-but-no-prompt-column",
        ),
        pytest.param(
            '{"prompt": "a", "n": 3}\n\n{"prompt": "b"}\n', "jsonl", ["a", "b"], id="jsonl"
        ),
        pytest.param("one\n\n  two  \n", "text", ["one", "two"], id="plain-lines"),
    ],
)
def test_the_text_box_tells_the_kinds_apart(text: str, kind: str, prompts: list[str]) -> None:
    found = read_prompt_set(text)
    assert found.kind == kind
    assert [r.prompt for r in found.rows] == prompts


def test_jsonl_expected_may_be_a_list_and_values_become_text() -> None:
    found = read_prompt_set(
        '{"prompt": "p", "n": 3, "tags": ["x"], "expected": ["json", "contains:a"]}',
        name="x.jsonl",
    )
    row = found.rows[0]
    assert row.expected == "json && contains:a"
    assert row.variables == {"prompt": "p", "n": "3", "tags": '["x"]'}


@pytest.mark.parametrize(
    ("data", "name", "needle"),
    [
        pytest.param(b"", None, "empty", id="empty"),
        pytest.param(b"\n  \n", None, "empty", id="blank"),
        pytest.param("prompt\nCaf\xe9\n".encode("latin-1"), "x.csv", "not UTF-8", id="latin-1"),
        pytest.param(b"question,answer\nq,a\n", "x.csv", "no 'prompt' column", id="no-prompt"),
        pytest.param(b"prompt,x\na,b,c\n", "x.csv", "Row 1: it has 3 values", id="extra-value"),
        pytest.param(b"prompt,,x\na,b,c\n", "x.csv", "Column 2", id="unnamed-column"),
        pytest.param(b'{"prompt": 3}\n', "x.jsonl", 'Row 1: it has no "prompt"', id="jsonl-type"),
        pytest.param(
            b'{"prompt": "a"}\nnot json\n',
            "x.jsonl",
            "Row 2: this line is not JSON",
            id="jsonl-broken",
        ),
    ],
)
def test_bad_input_is_refused_with_a_clear_message(
    data: bytes, name: str | None, needle: str
) -> None:
    with pytest.raises(PromptSetProblem) as caught:
        read_prompt_set(data, name=name)
    assert needle in caught.value.message


def test_a_50_mb_file_is_refused_by_size_before_it_is_decoded() -> None:
    data = b"prompt\n" + b"x" * (50 * 1024 * 1024)
    tracemalloc.start()
    try:
        with pytest.raises(PromptSetProblem, match=r"at most 2\.1 MB"):
            read_prompt_set(data, name="huge.csv")
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1_000_000  # nothing was decoded or copied


def test_100000_rows_stop_at_the_row_limit() -> None:
    data = ("prompt\n" + "".join(f"q{i}\n" for i in range(100_000))).encode()
    assert len(data) < MAX_PROMPT_SET_BYTES  # small enough: the row count refuses it
    with pytest.raises(PromptSetProblem, match=f"more than {MAX_PROMPT_SET_ROWS:,} prompts"):
        read_prompt_set(data, name="many.csv")


def test_a_set_at_the_row_limit_is_read() -> None:
    data = "".join(f"q{i}\n" for i in range(MAX_PROMPT_SET_ROWS))
    assert len(read_prompt_set(data).rows) == MAX_PROMPT_SET_ROWS


# -- templates ------------------------------------------------------------------


def test_a_template_fills_placeholders_and_filters() -> None:
    template = compile_template(
        "Translate to {{ lang | upper }}: {{prompt}}{% if note %} ({{note}}){% endif %}",
        ["prompt", "lang", "note"],
    )
    assert template.names == {"prompt", "lang", "note"}
    assert template.render({"prompt": "hi", "lang": "fr", "note": ""}) == "Translate to FR: hi"


def test_an_unknown_placeholder_is_reported_before_anything_is_sent() -> None:
    with pytest.raises(PromptSetProblem) as caught:
        compile_template("{{prompt}} in {{langage}}", ["prompt", "lang"])
    assert "unknown placeholders: {{langage}}" in caught.value.message
    assert "{{lang}}" in caught.value.message


@pytest.mark.parametrize(
    ("source", "needle"),
    [
        pytest.param("{% for i in range(10**9) %}x{% endfor %}", "not allowed", id="loop"),
        pytest.param("{{ prompt * 1000000 }}", "not allowed", id="arithmetic"),
        pytest.param("{{ prompt.__class__ }}", "not allowed", id="attribute"),
        pytest.param("{{ prompt | replace('a', 'b') }}", "filter 'replace'", id="filter"),
        pytest.param("{{ prompt ", "error on line 1", id="syntax"),
    ],
)
def test_a_template_may_use_only_the_harmless_part_of_jinja(source: str, needle: str) -> None:
    with pytest.raises(PromptSetProblem) as caught:
        compile_template(source, ["prompt"])
    assert needle in caught.value.message


def test_a_repeated_placeholder_cannot_build_a_huge_prompt() -> None:
    template = compile_template("{{prompt}}" * 100, ["prompt"])
    with pytest.raises(PromptSetProblem, match="Row 4: the filled-in prompt could be longer"):
        template.render({"prompt": "x" * 10_000}, row=4)


def test_a_jsonl_row_lacking_a_value_fails_that_row_alone() -> None:
    prep = prepare(
        '{"prompt": "a", "lang": "fr"}\n{"prompt": "b"}\n', template="{{prompt}} {{lang}}"
    )
    assert [r.prompt for r in prep.rows] == ["a fr"]
    assert len(prep.problems) == 1 and prep.problems[0].startswith("Row 2: the template needs")
    assert not prep.ready


def test_prepare_reports_a_malformed_check_with_its_row() -> None:
    prep = prepare("prompt,expected\na,contains:x\nb,regex:(unclosed\nc,maxtokens:3\n")
    assert prep.problems[0].startswith("Row 2: the pattern '(unclosed' is not a valid regex")
    assert prep.problems[1].startswith("Row 3: unknown check 'maxtokens:3'")
    assert [r.number for r in prep.rows] == [1]


def test_prepare_of_nothing_says_what_to_do() -> None:
    assert prepare("  ").problems == ["Add prompts: upload a file or type them in Prompts."]


# -- checks ---------------------------------------------------------------------

SCHEMA = json.dumps(
    {"type": "object", "required": ["city"], "properties": {"city": {"type": "string"}}}
)
FAST = Metrics(ttft_s=0.2, last_token_s=1.0, output_tokens=12)


@pytest.mark.parametrize(
    ("expected", "answer", "passed"),
    [
        pytest.param("contains:Paris", "It is Paris.", [True], id="contains"),
        pytest.param("contains:paris", "It is Paris.", [False], id="contains-case"),
        pytest.param("not-contains:London", "It is Paris.", [True], id="not-contains"),
        pytest.param("not-contains:Paris", "It is Paris.", [False], id="not-contains-fails"),
        pytest.param("icontains:PARIS", "It is Paris.", [True], id="icontains"),
        pytest.param(r"regex:^It is \w+\.$", "It is Paris.", [True], id="regex"),
        pytest.param(r"regex:\d+", "It is Paris.", [False], id="regex-fails"),
        pytest.param("equals:Paris", "  Paris\n", [True], id="equals"),
        pytest.param("equals:Paris", "Paris.", [False], id="equals-fails"),
        pytest.param("json", '{"a": 1}', [True], id="json"),
        pytest.param("json", '```json\n{"a": 1}\n```', [True], id="json-fenced"),
        pytest.param("json", "{a: 1}", [False], id="json-fails"),
        pytest.param(f"json-schema:{SCHEMA}", '{"city": "Paris"}', [True], id="schema"),
        pytest.param(f"json-schema:{SCHEMA}", '{"city": 3}', [False], id="schema-fails"),
        pytest.param("max-tokens:12", "x", [True], id="max-tokens"),
        pytest.param("max-tokens:11", "x", [False], id="max-tokens-fails"),
        pytest.param("max-ttft:0.5", "x", [True], id="max-ttft"),
        pytest.param("max-ttft:0.1", "x", [False], id="max-ttft-fails"),
        pytest.param(
            "contains:Paris && max-ttft:0.1 && json", "Paris", [True, False, False], id="several"
        ),
    ],
)
def test_every_check_kind(expected: str, answer: str, passed: list[bool]) -> None:
    outcomes = evaluate(parse_checks(expected), answer, FAST)
    assert [o.passed for o in outcomes] == passed
    assert all(o.detail for o in outcomes if not o.passed)


def test_every_kind_is_covered_above() -> None:  # tool kinds: test_tool_checks.py
    assert set(KINDS) - set(TOOL_KINDS) == {
        "contains",
        "not-contains",
        "icontains",
        "regex",
        "equals",
        "json",
        "json-schema",
        "max-tokens",
        "max-ttft",
    }


@pytest.mark.parametrize(
    ("expected", "needle"),
    [
        pytest.param("contain:x", "unknown check", id="unknown"),
        pytest.param("contains:", "needs a value", id="empty"),
        pytest.param("regex:[", "not a valid regex", id="regex"),
        pytest.param("json-schema:{nope", "not JSON", id="schema-not-json"),
        pytest.param('json-schema:{"type": "nothing"}', "not a valid schema", id="schema-invalid"),
        pytest.param("max-tokens:many", "whole number", id="tokens"),
        pytest.param("max-ttft:-1", "at least 0", id="ttft"),
        pytest.param("json:1", "takes no value", id="json-arg"),
    ],
)
def test_a_malformed_check_is_refused_naming_its_row(expected: str, needle: str) -> None:
    with pytest.raises(PromptSetProblem) as caught:
        # Read at once (kinds, numbers); patterns and schemas compiled in a bounded worker.
        checks = parse_checks(expected, row=7)
        for problem in check_problems([(7, checks)]):
            raise problem
    assert caught.value.message.startswith("Row 7: ") and needle in caught.value.message


def test_a_failed_answer_fails_its_token_and_time_checks() -> None:
    (tokens, ttft) = evaluate(parse_checks("max-tokens:5 && max-ttft:1"), "", None)
    assert not tokens.passed and not ttft.passed
