"""The document classes, both flavours: ``Document`` works with ``Elasticsearch``,
``AsyncDocument`` with ``AsyncElasticsearch``; ``InnerDoc`` and ``MetaField`` serve both."""

from ._async.document import AsyncDocument
from ._sync.document import Document
from .document_base import InnerDoc, MetaField

__all__ = ["AsyncDocument", "Document", "InnerDoc", "MetaField"]
