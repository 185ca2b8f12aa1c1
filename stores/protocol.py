"""The store interface every watch-cache store implements (``storeIndexer`` in cacher/store.go)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from stores.element import StoreElement


@dataclass(frozen=True, slots=True)
class StoreConfig:
    """One column of the published table.

    ``ordered``: a B-tree store (gate BtreeWatchCache on) rather than a hash map.
    ``namespace_index_requested``: namespace-scoped LISTs ask for the namespace index
    (the request carries IndexFields=["metadata.namespace"] and the URL's namespace).
    The index itself exists and is maintained in every configuration.
    """

    name: str
    ordered: bool
    namespace_index_requested: bool


@runtime_checkable
class Store(Protocol):
    """Elements by key, plus secondary indexes. Implementations are not thread-safe:
    the watch cache's lock guards them, as the cacher's RWMutex does upstream."""

    config: StoreConfig

    def add(self, element: StoreElement) -> None: ...
    def update(self, element: StoreElement) -> None: ...
    def delete(self, element: StoreElement) -> None: ...
    def get(self, element: StoreElement) -> StoreElement | None: ...
    def get_by_key(self, key: str) -> StoreElement | None: ...
    def list(self) -> list[StoreElement]: ...
    def list_keys(self) -> list[str]: ...
    def replace(self, elements: Iterable[StoreElement]) -> None: ...
    def by_index(self, index_name: str, value: str) -> list[StoreElement]: ...
    def __len__(self) -> int: ...


@runtime_checkable
class OrderedLister(Protocol):
    """The optional ordered listing only the B-tree store has (``orderedLister``)."""

    def list_prefix(self, prefix: str, continue_key: str = "", limit: int = 0) -> tuple[list[StoreElement], bool]: ...
