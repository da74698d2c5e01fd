"""The JSON serializer the DSL's connections use: it also writes DSL objects and AttrList."""

from __future__ import annotations

from typing import Any

from ..serializer import JSONSerializer
from .utils import AttrList

__all__ = ["AttrJSONSerializer", "serializer"]


class AttrJSONSerializer(JSONSerializer):
    """JSON that understands the DSL: an AttrList is its list, an object with ``to_dict()``
    (a query, a document, an AttrDict) is that dict."""

    def default(self, data: Any) -> Any:
        if isinstance(data, AttrList):
            return data.to_list()
        if hasattr(data, "to_dict"):
            return data.to_dict()
        return super().default(data)


serializer = AttrJSONSerializer()
