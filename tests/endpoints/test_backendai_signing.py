r"""Request signing for the Backend.AI manager, against a worked example.

How the worked example was derived (independently of ``playground.endpoints.backendai.signing``):
the steps are those of lablup/backend.ai ``docs/manager/common-api/auth.rst`` as the
manager's ``api/auth.py`` applies them (raw ``Date`` value in the string to sign, the day
of that date and the ``Host`` in the signing key, the SHA-256 of an empty body since API
v4.20181215). The inputs are the doc's example keypair, a fixed date, a host with a port
and a path with a query string. The expected values were computed once with the OpenSSL
command line (OpenSSL 3.0.19), not with Python::

    SK='wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY'
    mac() { openssl dgst -sha256 -mac HMAC -macopt "$1" | awk '{print $NF}'; }
    k1=$(printf '%s' 20260504 | mac "key:$SK")
    k2=$(printf '%s' api.example.com:8081 | mac "hexkey:$k1")
    body=$(printf '' | openssl dgst -sha256 | awk '{print $NF}')
    printf 'GET\n/services?name=demo\n2026-05-04T09:30:00+00:00\n%s\n%s\n%s\n%s' \
      host:api.example.com:8081 content-type:application/json \
      x-backendai-version:v8.20240915 "$body" | mac "hexkey:$k2"

The test below also redoes the same steps with plain ``hmac``/``hashlib`` and checks both
agree. The doc's own published example signature (``022ae894...`` for ``GET /v2``) could
not be reproduced from the doc's inputs under any reading we tried (date formats, header
names, hosts, paths), so it is not used.
"""

from __future__ import annotations

import hashlib
import hmac
import re
from datetime import UTC, datetime, timedelta, timezone

import pytest

from playground.endpoints.backendai.signing import (
    format_date,
    sign_request,
    signing_key,
    string_to_sign,
)

ACCESS_KEY = "AKIAIOSFODNN7EXAMPLE"  # the doc's example keypair
SECRET_KEY = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"
DATE = datetime(2026, 5, 4, 9, 30, tzinfo=UTC)
HOST = "api.example.com:8081"
PATH = "/services?name=demo"
VERSION = "v8.20240915"

EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"  # from the doc
K1_OPENSSL = "037bfdb6d96bc065ae2e8058b824b61a8a0e7504dcff98ed356ced6af63731d0"
K2_OPENSSL = "71def9ef9748c2a086bcf123d2782dc1dc7bbb524a1b69c665c832b3585d2768"
SIGNATURE_OPENSSL = "e758e4f1a91727776e0ac761ad8fc4adf5a6886a6ea50bb1ec1e7d0ae54102a7"
STRING_TO_SIGN = (
    "GET\n"
    "/services?name=demo\n"
    "2026-05-04T09:30:00+00:00\n"
    "host:api.example.com:8081\n"
    "content-type:application/json\n"
    "x-backendai-version:v8.20240915\n" + EMPTY_SHA256
)


def sign(**overrides: object) -> dict[str, str]:
    kwargs: dict[str, object] = {
        "access_key": ACCESS_KEY,
        "secret_key": SECRET_KEY,
        "api_version": VERSION,
        "date": DATE,
        "host": HOST,
    }
    method = str(overrides.pop("method", "GET"))
    path = str(overrides.pop("path", PATH))
    body = overrides.pop("body", b"")
    kwargs.update(overrides)
    return sign_request(method, path, body, **kwargs)  # type: ignore[arg-type]


def credential(headers: dict[str, str]) -> str:
    match = re.fullmatch(
        r"BackendAI signMethod=HMAC-SHA256, credential=([^:]+):([0-9a-f]{64})",
        headers["Authorization"],
    )
    assert match, headers["Authorization"]
    assert match.group(1) == ACCESS_KEY
    return match.group(2)


def test_worked_example_step_by_step() -> None:
    k1 = hmac.new(SECRET_KEY.encode(), b"20260504", hashlib.sha256).digest()
    k2 = hmac.new(k1, HOST.encode(), hashlib.sha256).digest()
    expected = hmac.new(k2, STRING_TO_SIGN.encode(), hashlib.sha256).hexdigest()
    assert hashlib.sha256(b"").hexdigest() == EMPTY_SHA256
    assert (k1.hex(), k2.hex(), expected) == (K1_OPENSSL, K2_OPENSSL, SIGNATURE_OPENSSL)

    assert signing_key(SECRET_KEY, DATE, HOST) == k2
    assert (
        string_to_sign(
            "get",
            PATH,
            date_header="2026-05-04T09:30:00+00:00",
            host=HOST,
            content_type="application/json",
            api_version=VERSION,
        )
        == STRING_TO_SIGN
    )
    headers = sign()
    assert credential(headers) == SIGNATURE_OPENSSL


def test_headers_the_manager_reads() -> None:
    headers = sign()
    assert headers["Date"] == headers["X-BackendAI-Date"] == "2026-05-04T09:30:00+00:00"
    assert headers["X-BackendAI-Version"] == VERSION
    assert headers["Content-Type"] == "application/json"
    assert SECRET_KEY not in " ".join(headers.values())


def test_wrong_secret_key_gives_another_signature() -> None:
    right = credential(sign())
    wrong = credential(sign(secret_key=SECRET_KEY[:-1] + "X"))
    assert wrong != right


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"method": "POST"}, id="method"),
        pytest.param({"path": "/services?name=other"}, id="query"),
        pytest.param({"host": "api.example.com"}, id="host-without-port"),
        pytest.param({"api_version": "v9.20250722"}, id="api-version"),
        pytest.param({"date": DATE + timedelta(seconds=1)}, id="date"),
        pytest.param({"content_type": "text/plain"}, id="content-type"),
    ],
)
def test_every_signed_part_matters(change: dict[str, object]) -> None:
    assert credential(sign(**change)) != SIGNATURE_OPENSSL


def test_body_is_not_hashed_since_v4_20181215() -> None:
    # The manager hashes b"" for these versions whatever the body, so must we.
    assert credential(sign(method="POST", body=b'{"a": 1}')) == credential(sign(method="POST"))
    old = {"api_version": "v4.20180101", "method": "POST"}
    assert credential(sign(body=b'{"a": 1}', **old)) != credential(sign(**old))


def test_full_url_gives_host_and_path() -> None:
    from_url = sign_request(
        "GET",
        f"https://{HOST}{PATH}",
        access_key=ACCESS_KEY,
        secret_key=SECRET_KEY,
        api_version=VERSION,
        date=DATE,
    )
    assert credential(from_url) == SIGNATURE_OPENSSL


def test_date_is_sent_in_utc_to_the_second() -> None:
    seoul = timezone(timedelta(hours=9))
    local = datetime(2026, 5, 4, 18, 30, 0, 123456, tzinfo=seoul)
    assert format_date(local) == "2026-05-04T09:30:00+00:00"
    assert credential(sign(date=local)) == SIGNATURE_OPENSSL
    # The signing key uses the UTC day, even when the local day differs.
    late = datetime(2026, 5, 5, 1, 0, tzinfo=seoul)  # 2026-05-04 16:00 UTC
    assert signing_key(SECRET_KEY, late, HOST) == signing_key(
        SECRET_KEY, datetime(2026, 5, 4, 16, 0, tzinfo=UTC), HOST
    )


def test_a_path_needs_a_host() -> None:
    with pytest.raises(ValueError, match="Host"):
        sign_request(
            "GET", "/services", access_key="a", secret_key="s", api_version=VERSION, date=DATE
        )
