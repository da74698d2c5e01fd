"""The I/O-free part of ``Index`` and ``AsyncIndex``: an index definition (settings, aliases,
analysis, the mappings of its documents) and how it serializes for the create-index API."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from typing_extensions import Self

from . import analysis
from .utils import AnyUsingType, merge

if TYPE_CHECKING:
    from .document_base import DocumentMeta
    from .field import Field
    from .mapping_base import MappingBase


class IndexBase:
    """An index definition; ``name`` None stands for the default index of documents
    declared without ``class Index`` (searches go to every index)."""

    def __init__(self, name: str, mapping_class: type, using: AnyUsingType = "default") -> None:
        self._name = name
        self._doc_types: list[DocumentMeta] = []
        self._using = using
        self._settings: dict[str, Any] = {}
        self._aliases: dict[str, Any] = {}
        self._analysis: dict[str, Any] = {}
        self._mapping_class = mapping_class
        self._mapping: MappingBase | None = None
        self._data_stream = False

    def _mappings(self) -> list[MappingBase]:
        """Where fields are looked up: the documents' mappings first, then the index's own."""
        found: list[MappingBase] = [doc._doc_type.mapping for doc in self._doc_types]
        if self._mapping is not None:
            found.append(self._mapping)
        return found

    def resolve_nested(self, field_path: str) -> tuple[list[str], Field | None]:
        """The nested paths above ``field_path`` and its field (``[]``, None if unmapped)."""
        for mapping in self._mappings():
            nested, field = mapping.resolve_nested(field_path)
            if field is not None:
                return nested, field
        return [], None

    def resolve_field(self, field_path: str) -> Field | None:
        for mapping in self._mappings():
            field = mapping.resolve_field(field_path)
            if field is not None:
                return field
        return None

    def get_or_create_mapping(self) -> MappingBase:
        if self._mapping is None:
            self._mapping = self._mapping_class()
        return self._mapping

    def mapping(self, mapping: MappingBase) -> None:
        """Add a mapping's fields to the index's own."""
        self.get_or_create_mapping().update(mapping)

    def document(self, document: DocumentMeta) -> DocumentMeta:
        """Register a document class: its mapping is part of the index, and a class
        without an index of its own now uses this one. Usable as a class decorator."""
        self._doc_types.append(document)
        if document._index._name is None:
            document._index = self
        return document

    def settings(self, **kwargs: Any) -> Self:
        """Index settings; later calls override earlier keys."""
        self._settings.update(kwargs)
        return self

    def aliases(self, **kwargs: Any) -> Self:
        """Aliases (name -> definition) created with the index."""
        self._aliases.update(kwargs)
        return self

    def analyzer(self, *args: Any, **kwargs: Any) -> None:
        """Add an analyzer (an ``analysis.analyzer`` or its arguments) to the index's
        analysis, for analyzers no mapped field names (a search analyzer, say)."""
        definition = analysis.analyzer(*args, **kwargs).get_analysis_definition()
        # A custom analyzer with nothing to define is one already known to the cluster.
        if definition:
            merge(self._analysis, definition, True)

    def data_stream(self, data_stream: bool) -> None:
        """Mark the index as a data stream: created through a composable template."""
        self._data_stream = data_stream

    def to_dict(self) -> dict[str, Any]:
        """The body of the create-index request."""
        out: dict[str, Any] = {}
        if self._settings:
            out["settings"] = dict(self._settings)  # the analysis goes in a copy
        if self._aliases:
            out["aliases"] = self._aliases
        mappings = self._mapping.to_dict() if self._mapping else {}
        collected = self._mapping._collect_analysis() if self._mapping else {}
        for doc in self._doc_types:
            doc_mapping = doc._doc_type.mapping
            merge(mappings, doc_mapping.to_dict(), True)
            merge(collected, doc_mapping._collect_analysis(), True)
        if mappings:
            out["mappings"] = mappings
        if collected or self._analysis:
            merge(collected, self._analysis)
            out.setdefault("settings", {})["analysis"] = collected
        return out
