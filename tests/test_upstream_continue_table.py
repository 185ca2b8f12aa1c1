"""Upstream's ``Test_decodeContinue`` table (k8s.io/apiserver v0.32.0 pkg/storage/continue_test.go).

Each token is built as upstream's ``encodeContinueOrDie(apiVersion, resourceVersion,
start)`` builds it (JSON ``{"v","rv","start"}``, raw URL-safe base64) and decoded against
the key prefix ``/test/``. Upstream checks the error's identity (``errors.Is``); the
errors here are all 400 BadRequest, so the message names which one it is. All 10 cases
are expressed.
"""

from __future__ import annotations

import base64
import json

import pytest

from storage.continue_token import decode_continue
from storage.errors import BadRequestError


def encode_continue_or_die(api_version: str, resource_version: int, start: str) -> str:
    payload = json.dumps({"v": api_version, "rv": resource_version, "start": start}, separators=(",", ":"))
    return base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode()


V1 = "meta.k8s.io/v1"


@pytest.mark.parametrize("token, key, revision", [
    (encode_continue_or_die(V1, 1, "key"), "/test/key", 1),   # valid
    (encode_continue_or_die(V1, 1, "/"), "/test/", 1),        # root path
], ids=["valid", "root path"])
def test_decodes(token: str, key: str, revision: int) -> None:
    assert decode_continue(token, "/test/") == (key, revision)


@pytest.mark.parametrize("token, error", [
    (encode_continue_or_die("", 1, "key"), "server does not recognize this encoded version"),
    (encode_continue_or_die("v1", 1, "key"), "server does not recognize this encoded version v1"),
    (encode_continue_or_die(V1, 0, "key"), "incorrect encoded start resourceVersion"),
    (encode_continue_or_die(V1, 1, ""), "encoded start key empty"),
    (encode_continue_or_die(V1, 1, "../key"), "continue key is not valid: ../key"),
    (encode_continue_or_die(V1, 1, "./key"), "continue key is not valid: ./key"),
    (encode_continue_or_die(V1, 1, "./../key"), "continue key is not valid: ./../key"),
    (encode_continue_or_die(V1, 1, "key/../.."), "continue key is not valid: key/../.."),
], ids=["empty version", "invalid version", "invalid RV", "no start Key", "path traversal - parent",
        "path traversal - local", "path traversal - double parent", "path traversal - after parent"])
def test_refuses(token: str, error: str) -> None:
    with pytest.raises(BadRequestError) as raised:
        decode_continue(token, "/test/")
    assert raised.value.status == 400 and error in str(raised.value)
