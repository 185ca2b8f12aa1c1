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
    """A malformed request: bad continue token, bad resourceVersion, negative limit."""

    status = 400
    reason = "BadRequest"


class NotFoundError(StorageError):
    status = 404
    reason = "NotFound"


class AlreadyExistsError(StorageError):
    status = 409
    reason = "AlreadyExists"


class ResourceExpiredError(StorageError):
    """The revision asked for was compacted away (etcd's ErrCompacted, Kubernetes' 410 Gone)."""

    status = 410
    reason = "Expired"


class TooLargeResourceVersionError(StorageError):
    """The cache (or etcd) has not reached the asked-for revision in time.

    Kubernetes answers 504 Timeout with a retry-after of one second.
    """

    status = 504
    reason = "Timeout"
    retry_after_seconds = 1

    def __init__(self, requested: int, current: int) -> None:
        super().__init__(f"Too large resource version: {requested}, current: {current}")
        self.requested = requested
        self.current = current


class IndexNotFoundError(StorageError):
    """ByIndex was asked for an index name that was never registered."""

    status = 500
    reason = "InternalError"
