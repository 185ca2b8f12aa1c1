"""The watch cache's store element (``storeElement`` in cacher/store.go).

The cache never stores bare objects: each event becomes a record of the key, the object
(shared, never copied), and the label and selectable-field sets computed once, so that
LIST filtering never recomputes them.
"""

from __future__ import annotations

from collections.abc import Mapping


class StoreElement:
    """Key, object, labels and fields of one cached object (identity hash and equality)."""

    __slots__ = ("key", "object", "labels", "fields")

    def __init__(self, key: str, obj: object, labels: Mapping[str, str], fields: Mapping[str, str]) -> None:
        self.key = key
        self.object = obj
        self.labels = labels
        self.fields = fields

    def __repr__(self) -> str:
        return f"StoreElement({self.key!r})"
