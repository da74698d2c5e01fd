"""Pydantic models that are also Elasticsearch documents: a ``BaseESModel`` subclass is
validated by pydantic and carries, as ``_doc``, a ``Document`` class built from its fields
(``to_doc()`` and ``from_doc()`` go between the two). Needs pydantic 2."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any, ClassVar, get_args, get_origin

from pydantic import BaseModel, Field
from typing_extensions import Self

from .document import AsyncDocument, Document, InnerDoc

if TYPE_CHECKING:
    from pydantic.fields import FieldInfo

    from .document_base import DocumentBase


class ESMeta(BaseModel):
    """A document's metadata, kept next to the model's own fields as ``meta``."""

    id: str = ""
    index: str = ""
    primary_term: int = 0
    seq_no: int = 0
    version: int = 0
    score: float = 0


def _document_hint(hint: Any) -> Any:
    """A model field's type as a document field's: a nested model becomes an inner document
    (an object field), a list of them a list of inner documents (a nested field)."""
    if isinstance(hint, type) and issubclass(hint, BaseModel):
        return _document_class(InnerDoc, hint)
    if get_origin(hint) is list:
        (item,) = get_args(hint)
        if isinstance(item, type) and issubclass(item, BaseModel):
            return list[_document_class(InnerDoc, item)]  # type: ignore[misc]
    return hint


def _field_hint(info: FieldInfo) -> Any:
    # pydantic keeps the ``Annotated`` extras (a ``Keyword()``, a ``mapped_field()``) apart.
    hint = _document_hint(info.annotation)
    if not info.metadata:
        return hint
    arguments = (hint, *info.metadata)
    return Annotated[arguments]  # type: ignore[valid-type]


def _document_class(base: type, model: type[BaseModel], attrs: dict[str, Any] | None = None) -> type:
    """A subclass of ``base`` (a document class, or ``InnerDoc``) with the model's fields."""
    annotations = {name: _field_hint(info) for name, info in model.model_fields.items() if name != "meta"}
    name = f"_ES{model.__name__}"
    return type(base)(name, (base,), {**(attrs or {}), "__annotations__": annotations, "__qualname__": name})


class _ESModelMetaclass(type(BaseModel)):  # type: ignore[misc]
    """Builds each model's document class, a subclass of ``_document_base``; a ``class Index``
    or ``class Meta`` in the model body goes to the document."""

    _document_base: ClassVar[type]

    def __new__(mcs, name: str, bases: tuple[type, ...], attrs: dict[str, Any], **kwargs: Any) -> Any:
        model = super().__new__(mcs, name, bases, attrs, **kwargs)
        options: dict[str, Any] = {key: attrs[key] for key in ("Index", "Meta") if key in attrs}
        model._doc = _document_class(mcs._document_base, model, options)
        return model


class BaseESModelMetaclass(_ESModelMetaclass):
    _document_base = Document


class AsyncBaseESModelMetaclass(_ESModelMetaclass):
    _document_base = AsyncDocument


class _ESModel(BaseModel):
    """What both model flavours share: the ``meta`` field and the conversions."""

    _doc: ClassVar[type[DocumentBase]]
    meta: ESMeta = Field(default_factory=ESMeta)

    def _to_doc(self) -> Any:
        data = self.model_dump()
        meta = {f"_{key}": value for key, value in data.pop("meta").items() if value}
        return self._doc(**meta, **data)

    @classmethod
    def _from_doc(cls, doc: DocumentBase) -> Self:
        return cls(meta=ESMeta(**doc.meta.to_dict()), **doc.to_dict())


class BaseESModel(_ESModel, metaclass=BaseESModelMetaclass):
    """A pydantic model with a ``Document`` twin (``_doc``)."""

    _doc: ClassVar[type[Document]]

    def to_doc(self) -> Document:
        """The model as a document (set metadata included), ready to save."""
        return self._to_doc()  # type: ignore[no-any-return]

    @classmethod
    def from_doc(cls, dsl_obj: Document) -> Self:
        """The model of a document read from Elasticsearch, validated."""
        return cls._from_doc(dsl_obj)


class AsyncBaseESModel(_ESModel, metaclass=AsyncBaseESModelMetaclass):
    """A pydantic model with an ``AsyncDocument`` twin (``_doc``)."""

    _doc: ClassVar[type[AsyncDocument]]

    def to_doc(self) -> AsyncDocument:
        """The model as a document (set metadata included), ready to save."""
        return self._to_doc()  # type: ignore[no-any-return]

    @classmethod
    def from_doc(cls, dsl_obj: AsyncDocument) -> Self:
        """The model of a document read from Elasticsearch, validated."""
        return cls._from_doc(dsl_obj)
