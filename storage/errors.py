"""API errors of the storage layer, with the HTTP status Kubernetes would answer.

Every error the LIST path can raise is one of these, so the command line and the tests
can tell a bad request (400) from an expired (410) or a too-new (504) resourceVersion.
"""

from __future__ import annotations


class StorageError(Exception):
    """Base of the storage errors; ``status`` is the HTTP code the API server would send."""

    status: int = 500
    reason: str = "InternalError"

    def __str__(self) -> str:
        return f"{self.status} {self.reason}: {self.args[0] if self.args else ''}"


class BadRequestError(StorageError):
    """A malformed request the storage or the cacher refuses: a bad continue token, an
    unparsable resourceVersion, a resourceVersion beside a continue token."""

    status = 400
    reason = "BadRequest"


class InvalidError(StorageError):
    """ListOptions the request handler's validation refuses (``ValidateListOptions``,
    apimachinery's meta/internalversion/validation): 422, every violation in one message,
    as ``errors.NewInvalid(ListOptions.meta.k8s.io, "", errs)`` prints them."""

    status = 422
    reason = "Invalid"

    def __init__(self, violations: list[str]) -> None:
        joined = violations[0] if len(violations) == 1 else "[" + ", ".join(violations) + "]"
        super().__init__(f'ListOptions.meta.k8s.io "" is invalid: {joined}')
        self.violations = violations


class InvalidKeyError(StorageError):
    """A key with a ``.`` or ``..`` segment, or an empty one (etcd3 store's ``prepareKey``).
    Upstream returns a plain error, which the API server answers with 500."""

    status = 500
    reason = "InternalError"


class NotFoundError(StorageError):
    status = 404
    reason = "NotFound"


class AlreadyExistsError(StorageError):
    status = 409
    reason = "AlreadyExists"


class ResourceExpiredError(StorageError):
    """The revision asked for was compacted away (etcd's ErrCompacted, Kubernetes' 410 Gone).

    ``continue_token``: for a continuation whose revision was compacted, the token the
    answer's ListMeta carries (revision -1: go on at the latest, inconsistently); "" else."""

    status = 410
    reason = "Expired"

    def __init__(self, message: str, continue_token: str = "") -> None:
        super().__init__(message)
        self.continue_token = continue_token


class TooLargeResourceVersionError(StorageError):
    """The cache (or etcd) has not reached the asked-for revision in time.

    Kubernetes answers 504 Timeout; the watch cache asks the client to retry after one
    second, the etcd3 store's minimum-revision check after 0 (``validateMinimumResourceVersion``).
    """

    status = 504
    reason = "Timeout"

    def __init__(self, requested: int, current: int, retry_after_seconds: int = 1) -> None:
        super().__init__(f"Too large resource version: {requested}, current: {current}")
        self.requested = requested
        self.current = current
        self.retry_after_seconds = retry_after_seconds


class IndexNotFoundError(StorageError):
    """ByIndex was asked for an index name that was never registered."""

    status = 500
    reason = "InternalError"
