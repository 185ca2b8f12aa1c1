"""The request handler's part of a LIST, as far as this model goes (``ListResource``).

Upstream's handler (k8s.io/apiserver ``pkg/endpoints/handlers/get.go``) decodes the
query, validates the list options (``ValidateListOptions``: 422 Invalid) and then calls
the registry, which calls the cacher. The cacher and the storage do not validate again,
and Go's BenchmarkStoreList calls the cacher directly, so the benchmarks here do too;
this layer is what a request from a client passes first.
"""

from __future__ import annotations

from storage.selection import ListOptions, ListResult, validate_list_options
from stores.cacher import Cacher


def list_resource(cacher: Cacher, key: str, options: ListOptions, request_namespace: str | None = None) -> ListResult:
    """Validate ``options`` as the handler does, then LIST through ``cacher``.

    Raises InvalidError (422) for options the handler refuses, else whatever the cacher
    and the storage answer (``storage.errors``).
    """
    validate_list_options(options)
    return cacher.get_list(key, options, request_namespace)
