import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from playground.endpoints.urls import normalize_base_url
from playground.errors import InvalidBaseURL


@pytest.mark.parametrize(
    ("raw", "url"),
    [
        pytest.param("http://localhost:8000/v1", "http://localhost:8000/v1", id="plain"),
        pytest.param("  http://localhost:8000/v1///  ", "http://localhost:8000/v1", id="slashes"),
        pytest.param(
            "https://api.openai.com/v1/chat/completions", "https://api.openai.com/v1", id="suffix"
        ),
        pytest.param("HTTP://Host:8080/v1/models/", "http://Host:8080/v1", id="models-suffix"),
        pytest.param("http://[::1]:8000/v1", "http://[::1]:8000/v1", id="ipv6"),
    ],
)
def test_normalizes(raw: str, url: str) -> None:
    result = normalize_base_url(raw)
    assert result.url == url
    assert result.hint is None


def test_hint_without_version_segment() -> None:
    result = normalize_base_url("http://localhost:8000")
    assert result.url == "http://localhost:8000"
    assert result.hint is not None and "/v1" in result.hint


@pytest.mark.parametrize(
    ("raw", "fragment"),
    [
        pytest.param("", "required", id="empty"),
        pytest.param("localhost:8000/v1", "http://", id="no-scheme"),
        pytest.param("http://local host/v1", "spaces", id="spaces"),
        pytest.param("javascript:alert(1)", "not allowed", id="javascript"),
        pytest.param("file:///etc/passwd", "not allowed", id="file"),
        pytest.param("ftp://host/v1", "not allowed", id="ftp"),
        pytest.param("http://host:99999/v1", "port", id="port-range"),
        pytest.param("http://user:pw@host/v1", "password", id="userinfo"),
        pytest.param("http:///v1", "host", id="no-host"),
        pytest.param("http://host/v1?key=1", "query", id="query"),
    ],
)
def test_rejects_with_clear_message(raw: str, fragment: str) -> None:
    with pytest.raises(InvalidBaseURL) as info:
        normalize_base_url(raw)
    assert fragment in info.value.message


def test_userinfo_message_does_not_echo_password() -> None:
    with pytest.raises(InvalidBaseURL) as info:
        normalize_base_url("http://user:hunter2@host/v1")
    assert "hunter2" not in info.value.message


@given(st.text(max_size=300))
@settings(max_examples=400, deadline=None)
def test_any_string_is_either_a_clean_url_or_a_clear_message(raw: str) -> None:
    try:
        result = normalize_base_url(raw)
    except InvalidBaseURL as exc:
        assert exc.message.startswith("baseURL")
        assert len(exc.message) < 200
        return
    assert result.url.startswith(("http://", "https://"))
    assert normalize_base_url(result.url).url == result.url  # normalizing is idempotent
    assert not result.url.endswith("/")


@given(
    scheme=st.sampled_from(["http", "https", "HTTP", "ftp", "javascript", "file", ""]),
    host=st.text(min_size=0, max_size=30),
    port=st.one_of(st.none(), st.integers(min_value=-5, max_value=70000)),
    path=st.text(max_size=30),
)
@settings(max_examples=400, deadline=None)
def test_url_shaped_strings_never_crash(
    scheme: str, host: str, port: int | None, path: str
) -> None:
    raw = f"{scheme}://{host}" + (f":{port}" if port is not None else "") + f"/{path}"
    try:
        normalize_base_url(raw)
    except InvalidBaseURL as exc:
        assert exc.message
