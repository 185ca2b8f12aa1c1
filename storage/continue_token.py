"""Continue tokens in Kubernetes' format (k8s.io/apiserver/pkg/storage/continue.go).

A token is ``base64url(JSON{"v":"meta.k8s.io/v1","rv":<int>,"start":<key suffix>})``
without padding. ``start`` is the key after the last one returned, relative to the key
the client asked for, so a token cannot be replayed against another prefix; decoding
rejects any ``start`` that ``path.Clean`` would change, which stops a client from
climbing out of its prefix with ``..``.
"""

from __future__ import annotations

import base64
import binascii
import json
import re

from storage.errors import BadRequestError
from storage.selection import SelectionPredicate

TOKEN_API_VERSION = "meta.k8s.io/v1"

# Go's encoding/json escapes these for HTML safety; doing the same keeps tokens
# byte-identical to the ones the API server would hand out.
_GO_JSON_ESCAPES = str.maketrans({"<": "\\u003c", ">": "\\u003e", "&": "\\u0026",
                                  "\u2028": "\\u2028", "\u2029": "\\u2029"})


def encode_continue(start_key: str, key_prefix: str, resource_version: int) -> str:
    """The token for continuing at ``start_key``, which must lie under ``key_prefix``.

    >>> token = encode_continue("/pods/ns1/pod-b", "/pods/", 42)
    >>> token
    'eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6NDIsInN0YXJ0IjoibnMxL3BvZC1iIn0'
    >>> base64.urlsafe_b64decode(token + "==")
    b'{"v":"meta.k8s.io/v1","rv":42,"start":"ns1/pod-b"}'
    >>> decode_continue(token, "/pods/")
    ('/pods/ns1/pod-b', 42)
    """
    if not start_key.startswith(key_prefix):
        raise ValueError(f"continue key {start_key!r} is not under the request key {key_prefix!r}")
    payload = json.dumps(
        {"v": TOKEN_API_VERSION, "rv": resource_version, "start": start_key[len(key_prefix):]},
        separators=(",", ":"),
    ).translate(_GO_JSON_ESCAPES)
    return base64.urlsafe_b64encode(payload.encode()).rstrip(b"=").decode("ascii")


def go_path_clean(path: str) -> str:
    """Go's ``path.Clean`` for a rooted path: collapse ``//``, drop ``.``, resolve ``..``.

    Differs from ``posixpath.normpath`` in that a leading ``//`` also collapses.

    >>> go_path_clean("/a//b/./c/..")
    '/a/b'
    >>> go_path_clean("//x"), go_path_clean("/../x"), go_path_clean("a/../..")
    ('/x', '/x', '..')
    """
    rooted = path.startswith("/")
    parts: list[str] = []
    for part in path.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts and parts[-1] != "..":
                parts.pop()
            elif not rooted:
                parts.append(part)
            continue
        parts.append(part)
    cleaned = "/".join(parts)
    if rooted:
        return "/" + cleaned
    return cleaned or "."


_RAW_URL_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_RAW_URL_TOKEN = re.compile("[A-Za-z0-9_-]*")


def _raw_url_decode(token: str) -> bytes:
    """Go's ``base64.RawURLEncoding.DecodeString``: the URL-safe alphabet without padding.

    Python's ``urlsafe_b64decode`` is laxer (it wants padding, and accepts ``+``, ``/`` and
    drops other bytes), so the token is checked first as Go checks it: ``\\r`` and ``\\n``
    are skipped, the first other byte outside the alphabet (``=`` included) is an error at
    its offset, and so is a lone last character (a length of 1 mod 4 without newlines).
    Trailing bits that are not zero are accepted, as Go's non-strict decoder does.

    >>> _raw_url_decode("aGk")
    b'hi'
    >>> _raw_url_decode("aGk=")
    Traceback (most recent call last):
    ...
    ValueError: illegal base64 data at input byte 3
    """
    if _RAW_URL_TOKEN.fullmatch(token) and len(token) % 4 != 1:  # every token this server issues
        return base64.urlsafe_b64decode(token + "=" * (-len(token) % 4))
    positions = [index for index, char in enumerate(token) if char not in "\r\n"]
    for index in positions:
        if token[index] not in _RAW_URL_ALPHABET:
            raise ValueError(f"illegal base64 data at input byte {index}")
    if len(positions) % 4 == 1:
        raise ValueError(f"illegal base64 data at input byte {positions[-1]}")
    data = "".join(token[index] for index in positions)
    return base64.urlsafe_b64decode(data + "=" * (-len(data) % 4))


def decode_continue(token: str, key_prefix: str) -> tuple[str, int]:
    """The key to continue from (``key_prefix`` + start) and the token's revision.

    Raises BadRequestError (400), worded as upstream's GetList answers ("invalid continue
    token: continue key is not valid: ..."), for anything that is not a token this server
    issued: bad base64 (``_raw_url_decode``) or JSON, another version, revision 0, an
    empty or path-escaping start. A negative revision is allowed: it means "continue at
    the latest revision".

    >>> decode_continue(encode_continue("/pods/../secrets/x", "/pods/", 42), "/pods/")
    Traceback (most recent call last):
    ...
    storage.errors.BadRequestError: 400 BadRequest: invalid continue token: continue key is not valid: ../secrets/x
    """
    invalid = "invalid continue token: continue key is not valid"
    try:
        data = json.loads(_raw_url_decode(token))
    except (binascii.Error, ValueError, UnicodeDecodeError) as err:
        raise BadRequestError(f"{invalid}: {err}") from None
    if not isinstance(data, dict):
        raise BadRequestError(f"{invalid}: not a JSON object")
    if data.get("v") != TOKEN_API_VERSION:
        raise BadRequestError(f"{invalid}: server does not recognize this encoded version {data.get('v', '')}")
    revision = data.get("rv")
    if not isinstance(revision, int) or isinstance(revision, bool) or revision == 0:
        raise BadRequestError(f"{invalid}: incorrect encoded start resourceVersion (version {TOKEN_API_VERSION})")
    start = data.get("start")
    if not isinstance(start, str) or not start:
        raise BadRequestError(f"{invalid}: encoded start key empty (version {TOKEN_API_VERSION})")
    rooted = start if start.startswith("/") else "/" + start
    if go_path_clean(rooted) != rooted:
        raise BadRequestError(f"{invalid}: {start}")
    return key_prefix + rooted[1:], revision


def prepare_continue_token(
    last_key: str,
    key_prefix: str,
    resource_version: int,
    candidate_count: int,
    has_more: bool,
    predicate: SelectionPredicate,
) -> tuple[str, int | None]:
    """``PrepareContinueToken``: the token and remainingItemCount of a page.

    No token unless ``has_more``. The count is only known when nothing was filtered
    out, i.e. without selectors: ``candidate_count - limit``.
    """
    if not has_more:
        return "", None
    token = encode_continue(last_key + "\x00", key_prefix, resource_version)
    remaining = candidate_count - predicate.limit if predicate.empty else None
    return token, remaining
