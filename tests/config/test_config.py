from pathlib import Path

import pytest

from playground.config.settings import config_file_path, load_config
from playground.endpoints.catalog import build_catalog

CANARY = "sk-canary-7f3a9c"


def write(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "playground.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_loads_endpoints_with_normalized_urls(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        """
[[endpoints]]
name = "vLLM on gpu-3"
base_url = "http://gpu-3.internal:8000/v1/"
token = "abc"

[[endpoints]]
name = "OpenAI"
base_url = "https://api.openai.com/v1/chat/completions"
""",
    )
    loaded = load_config(path, None)
    assert loaded.errors == []
    catalog = build_catalog(loaded, {})
    assert catalog.names == ["vLLM on gpu-3", "OpenAI"]
    assert catalog.endpoints[0].base_url == "http://gpu-3.internal:8000/v1"
    assert catalog.endpoints[0].token_value == "abc"
    assert catalog.endpoints[1].base_url == "https://api.openai.com/v1"
    assert catalog.endpoints[0].source == "playground.toml"


def test_secrets_are_added_after_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, '[[endpoints]]\nname = "a"\nbase_url = "http://a/v1"\n')
    secrets = {
        "endpoints": [{"name": "b", "base_url": "http://b/v1", "token": "t"}],
        "unrelated_secret": "x",
    }
    catalog = build_catalog(load_config(path, secrets), {})
    assert catalog.names == ["a", "b"]
    assert catalog.endpoints[1].source == ".streamlit/secrets.toml"
    assert catalog.problems == ()


def test_a_secret_completes_a_section_of_the_file(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[backendai]\nendpoint = "http://127.0.0.1:9"\naccess_key = "AKIA1"\n'
        "[timeouts]\nconnect = 2\n",
    )
    loaded = load_config(path, {"backendai": {"secret_key": "s3cr3t"}, "timeouts": {"read": 9}})
    assert loaded.errors == []
    assert loaded.backendai is not None and loaded.backendai.access_key == "AKIA1"
    assert loaded.backendai.secret_key is not None
    assert loaded.backendai.secret_key.get_secret_value() == "s3cr3t"
    assert (loaded.timeouts.connect, loaded.timeouts.read) == (2, 9)


def test_token_env_reads_environment(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[endpoints]]\nname = "a"\nbase_url = "http://a/v1"\ntoken_env = "A_TOKEN"\n'
        '[[endpoints]]\nname = "b"\nbase_url = "http://b/v1"\ntoken_env = "MISSING"\n',
    )
    catalog = build_catalog(load_config(path, None), {"A_TOKEN": "from-env"})
    assert catalog.endpoints[0].token_value == "from-env"
    assert catalog.endpoints[1].token is None
    assert any("MISSING" in p and "not set" in p for p in catalog.problems)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        pytest.param(
            '[[endpoints]]\nname = "a"\nbase_url = "http://a/v1"\ncolour = "red"\n',
            "playground.toml: endpoints[0].colour: unknown key",
            id="unknown-key",
        ),
        pytest.param(
            '[[endpoints]]\nname = "a"\nbase_url = "ftp://a/v1"\n',
            "playground.toml: endpoints[0].base_url: baseURL must start with http://",
            id="bad-url",
        ),
        pytest.param(
            '[[endpoints]]\nbase_url = "http://a/v1"\n',
            "playground.toml: endpoints[0].name: Field required",
            id="missing-name",
        ),
        pytest.param(
            '[[endpoints]]\nname = "a"\nbase_url = "http://a/v1"\n'
            '[[endpoints]]\nname = "a"\nbase_url = "http://b/v1"\n',
            "playground.toml: endpoints[1].name: duplicate endpoint name 'a'",
            id="duplicate",
        ),
        pytest.param(
            "[timeouts]\nconnect = -1\n", "playground.toml: timeouts.connect:", id="bad-timeout"
        ),
        pytest.param(
            'endpoints = "x"\n', "playground.toml: endpoints: must be an array", id="not-array"
        ),
        pytest.param("[surprise]\nx = 1\n", "playground.toml: surprise: unknown key", id="section"),
    ],
)
def test_schema_errors_name_file_and_field(tmp_path: Path, text: str, expected: str) -> None:
    loaded = load_config(write(tmp_path, text), None)
    assert any(e.startswith(expected) for e in loaded.errors), loaded.errors


def test_valid_entries_survive_a_bad_one(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        '[[endpoints]]\nname = "bad"\nbase_url = "nope"\n'
        '[[endpoints]]\nname = "good"\nbase_url = "http://good/v1"\n',
    )
    loaded = load_config(path, None)
    assert [s.config.name for s in loaded.endpoints] == ["good"]
    assert len(loaded.errors) == 1


def test_malformed_toml_names_the_file(tmp_path: Path) -> None:
    loaded = load_config(write(tmp_path, "[[endpoints]\nname = \n"), None)
    assert loaded.endpoints == []
    assert loaded.errors and loaded.errors[0].startswith("playground.toml: not valid TOML")


def test_errors_never_contain_token_values(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        f'[[endpoints]]\nname = "a"\nbase_url = "bad url"\ntoken = "{CANARY}"\n'
        f'[[endpoints]]\nname = ""\nbase_url = "http://a/v1"\ntoken = "{CANARY}"\n'
        f'[[endpoints]]\nname = "c"\nbase_url = "http://c/v1"\ntoken = ["{CANARY}"]\n',
    )
    loaded = load_config(path, {"endpoints": [{"name": 1, "token": CANARY}]})
    assert len(loaded.errors) >= 4
    assert all(CANARY not in e for e in loaded.errors)
    # and nothing valid leaks it through repr either
    assert CANARY not in repr(loaded)


def test_named_config_file_must_exist(tmp_path: Path) -> None:
    path, named = config_file_path({"PLAYGROUND_CONFIG": str(tmp_path / "nope.toml")}, tmp_path)
    assert named
    loaded = load_config(path, None, file_required=named)
    assert "not found" in loaded.errors[0] and "PLAYGROUND_CONFIG" in loaded.errors[0]


def test_default_config_file_is_optional(tmp_path: Path) -> None:
    path, named = config_file_path({}, tmp_path)
    assert path == tmp_path / "playground.toml" and not named
    loaded = load_config(path, None, file_required=named)
    assert loaded.errors == [] and loaded.endpoints == []


def test_backendai_endpoint_with_a_password_is_rejected_without_echoing_it(
    tmp_path: Path,
) -> None:
    path = write(
        tmp_path,
        '[backendai]\nendpoint = "https://admin:hunter2@api.example.com"\naccess_key = "AK"\n',
    )
    loaded = load_config(path, None)
    assert loaded.backendai is None
    assert any("user name or password" in e for e in loaded.errors)
    assert all("hunter2" not in e for e in loaded.errors)
