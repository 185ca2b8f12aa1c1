"""Selection predicates: label and field selectors, limit, continue, and index hints.

Models ``SelectionPredicate`` (k8s.io/apiserver/pkg/storage/selection_predicate.go).
Selectors are equality-based (``a=b``, ``a==b``, ``a!=b``), which is all the field
selectors of pods support and all the benchmark uses; set-based label selectors are
not modelled.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from storage.errors import BadRequestError, InvalidError

Labels = Mapping[str, str]
Fields = Mapping[str, str]

NAMESPACE_FIELD = "metadata.namespace"


def field_index_name(field_path: str) -> str:
    """``storage.FieldIndex``: the index name of a selectable field (``f:<field>``)."""
    return "f:" + field_path


def label_index_name(label: str) -> str:
    """``storage.LabelIndex``: the index name of a label (``l:<label>``)."""
    return "l:" + label


@dataclass(frozen=True, slots=True)
class Requirement:
    key: str
    value: str
    equals: bool  # False for "!="

    def matches(self, attributes: Mapping[str, str]) -> bool:
        # As in Kubernetes, a missing key satisfies "!=" and fails "=".
        return (attributes.get(self.key) == self.value) == self.equals


@dataclass(frozen=True, slots=True)
class Selector:
    """A conjunction of equality requirements; the empty selector matches everything."""

    requirements: tuple[Requirement, ...] = ()

    @classmethod
    def parse(cls, text: str) -> Selector:
        """Parse ``k=v,k2!=v2``; raises BadRequestError on anything else."""
        requirements = []
        for term in filter(None, (t.strip() for t in text.split(","))):
            if "!=" in term:
                key, value, equals = *term.split("!=", 1), False
            elif "==" in term:
                key, value, equals = *term.split("==", 1), True
            elif "=" in term:
                key, value, equals = *term.split("=", 1), True
            else:
                raise BadRequestError(f"invalid selector term {term!r}: expected key=value or key!=value")
            if not key.strip():
                raise BadRequestError(f"invalid selector term {term!r}: empty key")
            requirements.append(Requirement(key.strip(), value.strip(), equals))
        return cls(tuple(requirements))

    @property
    def empty(self) -> bool:
        return not self.requirements

    def matches(self, attributes: Mapping[str, str]) -> bool:
        return all(r.matches(attributes) for r in self.requirements)

    def requires_exact_match(self, key: str) -> str | None:
        """The value ``key`` must equal for this selector to match, if it pins one."""
        for requirement in self.requirements:
            if requirement.key == key and requirement.equals:
                return requirement.value
        return None


EVERYTHING = Selector()


@dataclass(frozen=True, slots=True)
class MatchValue:
    """One index the cache may answer from: ``ByIndex(index_name, value)``."""

    index_name: str
    value: str


@dataclass(frozen=True, slots=True)
class SelectionPredicate:
    """What a LIST selects: selectors, page size, continue token, and the fields it may index on."""

    label: Selector = EVERYTHING
    field: Selector = EVERYTHING
    limit: int = 0
    continue_token: str = ""
    index_fields: tuple[str, ...] = ()
    index_labels: tuple[str, ...] = ()

    @property
    def empty(self) -> bool:
        """True when both selectors are empty (``Predicate.Empty``): everything matches."""
        return self.label.empty and self.field.empty

    def matches_object_attributes(self, labels: Labels, fields: Fields) -> bool:
        """Labels are tested before fields, as upstream; empty selectors short-circuit."""
        if self.label.empty and self.field.empty:
            return True
        return self.label.matches(labels) and self.field.matches(fields)

    def matcher_index(self, request_namespace: str | None) -> list[MatchValue]:
        """The indexes this request may be served from, in upstream's order (``MatcherIndex``).

        For each index field: an exact field-selector match wins; otherwise
        ``metadata.namespace`` takes the namespace of the request URL, if any.
        Then every index label the label selector pins exactly.
        """
        result: list[MatchValue] = []
        for field_path in self.index_fields:
            value = self.field.requires_exact_match(field_path)
            if value is not None:
                result.append(MatchValue(field_index_name(field_path), value))
            elif field_path == NAMESPACE_FIELD and request_namespace:
                result.append(MatchValue(field_index_name(field_path), request_namespace))
        for label in self.index_labels:
            value = self.label.requires_exact_match(label)
            if value is not None:
                result.append(MatchValue(label_index_name(label), value))
        return result


EVERYTHING_PREDICATE = SelectionPredicate()


# resourceVersionMatch values (metav1.ResourceVersionMatch).
MATCH_NOT_OLDER_THAN = "NotOlderThan"
MATCH_EXACT = "Exact"


@dataclass(frozen=True, slots=True)
class ListOptions:
    """``storage.ListOptions``: resourceVersion, its match rule, recursion, and the predicate."""

    resource_version: str = ""
    resource_version_match: str = ""
    predicate: SelectionPredicate = EVERYTHING_PREDICATE
    recursive: bool = True


@dataclass(slots=True)
class ListResult:
    """A LIST answer: items in ascending key order, the list's resourceVersion,
    the continue token (empty on the last page) and remainingItemCount (None when unknown)."""

    items: list[object]
    resource_version: int
    continue_token: str = ""
    remaining_item_count: int | None = None


def parse_resource_version(text: str) -> int:
    """``""`` is 0; anything else must be a non-negative integer (BadRequestError otherwise,
    as the etcd3 store answers: ``invalid resource version: ...``)."""
    if text == "":
        return 0
    if not text.isascii() or not text.isdigit():
        raise BadRequestError(f"invalid resource version: {text!r} is not a non-negative integer")
    return int(text)


def validate_list_options(options: ListOptions) -> None:
    """``ValidateListOptions`` for a LIST (apimachinery meta/internalversion/validation):
    422 Invalid with every violation, in upstream's order and words.

    Upstream runs it in the request handler (``endpoints/handlers/get.go`` ListResource),
    above the registry, the cacher and the storage, and so does this model
    (``stores.list_handler``): neither ``Cacher.get_list`` nor ``Etcd3Storage.get_list``
    calls it, and Go's BenchmarkStoreList, which calls the cacher, never pays for it.
    Nothing here concerns the limit: no layer of upstream refuses a negative one (the
    storage and the cacher read it as no limit). The resourceVersion itself is parsed
    below, by the cacher and the storage (``parse_resource_version``).

    >>> validate_list_options(ListOptions("5", MATCH_EXACT, SelectionPredicate(continue_token="t")))
    Traceback (most recent call last):
    ...
    storage.errors.InvalidError: 422 Invalid: ListOptions.meta.k8s.io "" is invalid: resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue is provided
    """
    match = options.resource_version_match
    if not match:
        return
    violations = []
    if options.resource_version == "":
        violations.append("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden unless "
                          "resourceVersion is provided")
    if options.predicate.continue_token:
        violations.append("resourceVersionMatch: Forbidden: resourceVersionMatch is forbidden when continue "
                          "is provided")
    if match not in (MATCH_EXACT, MATCH_NOT_OLDER_THAN):
        violations.append(f'resourceVersionMatch: Unsupported value: "{match}": supported values: '
                          f'"{MATCH_EXACT}", "{MATCH_NOT_OLDER_THAN}", ""')
    if match == MATCH_EXACT and options.resource_version == "0":
        violations.append('resourceVersionMatch: Forbidden: resourceVersionMatch "exact" is forbidden for '
                          'resourceVersion "0"')
    if violations:
        raise InvalidError(violations)
