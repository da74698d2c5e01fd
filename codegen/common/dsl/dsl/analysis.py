"""Analyzers, normalizers, tokenizers, token filters and char filters of an index's settings.

``analyzer("standard")`` names a built-in one; ``analyzer("mine", tokenizer="standard",
filter=["lowercase", token_filter("short", "length", max=10)])`` defines a custom one. In a
mapping either serializes as its name; a custom one also brings its definition (and the ones of
the custom tokenizer/filters it uses) into the index settings through
``get_analysis_definition()``, which is how ``Index`` and ``Mapping`` collect them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, ClassVar

from . import async_connections, connections
from .utils import AsyncUsingType, AttrDict, DslBase, UsingType, merge

__all__ = ["analyzer", "char_filter", "normalizer", "token_filter", "tokenizer"]


class AnalysisBase(DslBase):
    """One family of analysis objects (``_type_name``), built by its shortcut."""

    name: ClassVar[str | None] = ""
    _name: str

    @classmethod
    def _type_shortcut(
        cls, name_or_instance: str | AnalysisBase, type: str | None = None, **kwargs: Any
    ) -> Any:
        """``x("name")`` is the built-in ``name``; with a ``type`` or settings it is a custom one
        named ``name`` (of the class registered for ``type``, else the generic custom one)."""
        if isinstance(name_or_instance, cls):
            if type or kwargs:
                raise ValueError(f"{cls.__name__}() cannot accept parameters.")
            return name_or_instance
        if not isinstance(name_or_instance, str):
            raise TypeError(f"{cls.__name__}() takes a name or a {cls.__name__}, not {name_or_instance!r}")
        if type is None and not kwargs:
            builtin: Callable[..., Any] = cls.get_dsl_class("builtin")
            return builtin(name_or_instance)
        custom: Callable[..., Any] = cls.get_dsl_class(type or "custom", "custom")
        return custom(name_or_instance, type or "custom", **kwargs)

    def to_dict(self) -> Any:  # type: ignore[override]
        """Where an analysis object is used it is referred to by its name."""
        return self._name


class BuiltinAnalysis(AnalysisBase):
    """One of Elasticsearch's own: only a name, nothing to define in the settings."""

    name = "builtin"

    def __init__(self, name: str):
        self._name = name
        super().__init__()


class CustomAnalysis(AnalysisBase):
    """A named definition in the index settings: its parameters plus ``type`` (the built-in
    kind it configures, or ``custom``)."""

    name = "custom"

    def __init__(self, filter_name: str, builtin_type: str = "custom", **kwargs: Any):
        self._name = filter_name
        self._builtin_type = builtin_type
        super().__init__(**kwargs)

    def get_definition(self) -> dict[str, Any]:
        """The settings of this object, as they go under its name in the index's analysis."""
        body: dict[str, Any] = DslBase.to_dict(self)[str(self.name)]
        body["type"] = self._builtin_type
        return body


def _definitions(items: Iterable[Any]) -> dict[str, Any]:
    """The definitions of the custom ones among ``items``, by name (built-ins have none)."""
    return {item._name: item.get_definition() for item in items if isinstance(item, CustomAnalysis)}


class CustomAnalysisDefinition(CustomAnalysis):
    """A custom analyzer or normalizer: its definition plus those of the custom parts it uses."""

    def get_analysis_definition(self) -> dict[str, Any]:
        """The index's ``analysis`` settings this object needs, by section."""
        out: dict[str, Any] = {self._type_name: {self._name: self.get_definition()}}
        tokenizer = self._params.get("tokenizer")
        if isinstance(tokenizer, CustomAnalysis):
            out["tokenizer"] = {tokenizer._name: tokenizer.get_definition()}
        filters = self.filter
        if defined := _definitions(filters):
            out["filter"] = defined
        for item in filters:  # filters made of other filters (multiplexer, condition)
            if isinstance(item, _CompositeTokenFilter):
                # one name, two definitions: a ValueError rather than one silently lost
                merge(out, item.get_analysis_definition(), True)
        if defined := _definitions(self.char_filter):
            out["char_filter"] = defined
        return out


class Analyzer(AnalysisBase):
    _type_name = "analyzer"


class BuiltinAnalyzer(BuiltinAnalysis, Analyzer):
    def get_analysis_definition(self) -> dict[str, Any]:
        return {}


class CustomAnalyzer(CustomAnalysisDefinition, Analyzer):
    _param_defs = {
        "filter": {"type": "token_filter", "multi": True},
        "char_filter": {"type": "char_filter", "multi": True},
        "tokenizer": {"type": "tokenizer"},
    }

    def _get_body(self, text: str, explain: bool, attributes: dict[str, Any] | None) -> dict[str, Any]:
        """An analyze request running this analyzer without an index: custom parts inline."""
        body: dict[str, Any] = {"text": text, "explain": explain}
        if attributes:
            body["attributes"] = attributes
        definition = self.get_analysis_definition()
        own = self.get_definition()
        for section in ("tokenizer", "char_filter", "filter"):
            if section not in own:
                continue
            known = definition.get(section, {})
            names = own[section]
            if isinstance(names, str):
                body[section] = known.get(names, names)
            else:
                body[section] = [known.get(name, name) for name in names]
        if self._builtin_type != "custom":
            body["analyzer"] = self._builtin_type
        return body

    def simulate(
        self,
        text: str,
        using: UsingType = "default",
        explain: bool = False,
        attributes: dict[str, Any] | None = None,
    ) -> AttrDict[Any]:
        """Run ``text`` through this analyzer with the analyze API and return its tokens
        (``explain`` for every token attribute, ``attributes`` to keep only some)."""
        client = connections.get_connection(using)
        answer = client.indices.analyze(body=self._get_body(text, explain, attributes))
        return AttrDict(dict(answer))

    async def async_simulate(
        self,
        text: str,
        using: AsyncUsingType = "default",
        explain: bool = False,
        attributes: dict[str, Any] | None = None,
    ) -> AttrDict[Any]:
        """``simulate`` through an ``AsyncElasticsearch`` client."""
        client = async_connections.get_connection(using)
        answer = await client.indices.analyze(body=self._get_body(text, explain, attributes))
        return AttrDict(dict(answer))


class Normalizer(AnalysisBase):
    _type_name = "normalizer"


class BuiltinNormalizer(BuiltinAnalysis, Normalizer):
    def get_analysis_definition(self) -> dict[str, Any]:
        return {}


class CustomNormalizer(CustomAnalysisDefinition, Normalizer):
    _param_defs = {
        "filter": {"type": "token_filter", "multi": True},
        "char_filter": {"type": "char_filter", "multi": True},
    }


class Tokenizer(AnalysisBase):
    _type_name = "tokenizer"


class BuiltinTokenizer(BuiltinAnalysis, Tokenizer):
    pass


class CustomTokenizer(CustomAnalysis, Tokenizer):
    pass


class TokenFilter(AnalysisBase):
    _type_name = "token_filter"


class BuiltinTokenFilter(BuiltinAnalysis, TokenFilter):
    pass


class CustomTokenFilter(CustomAnalysis, TokenFilter):
    pass


def _name_of(item: Any) -> Any:
    return item.to_dict() if isinstance(item, AnalysisBase) else item


class _CompositeTokenFilter(CustomTokenFilter):
    """A token filter whose settings (``_parts_param``) name other filters, which may be
    custom ones: those are referred to by name, and their definitions go into the analysis
    settings too."""

    _parts_param: ClassVar[str]

    def _parts(self) -> Iterable[Any]:
        for entry in self._params.get(self._parts_param, ()):
            if isinstance(entry, (list, tuple)):
                yield from entry
            else:
                yield entry

    def get_analysis_definition(self) -> dict[str, Any]:
        if self._parts_param not in self._params:
            return {}
        return {"filter": _definitions(self._parts())}


class MultiplexerTokenFilter(_CompositeTokenFilter):
    """``filters`` is a list of chains, each a comma separated string or a list of filters."""

    name = "multiplexer"
    _parts_param = "filters"

    def get_definition(self) -> dict[str, Any]:
        body = super().get_definition()
        if "filters" in body:
            body["filters"] = [_chain_text(chain) for chain in self._params["filters"]]
        return body


def _chain_text(chain: Any) -> str:
    """A multiplexer chain as Elasticsearch takes it: filter names separated by commas."""
    if isinstance(chain, str):
        return chain
    if isinstance(chain, AnalysisBase):
        return str(chain.to_dict())
    return ", ".join(_name_of(item) for item in chain)


class ConditionalTokenFilter(_CompositeTokenFilter):
    """``filter`` is the list of filters applied where the ``script`` condition holds."""

    name = "condition"
    _parts_param = "filter"

    def get_definition(self) -> dict[str, Any]:
        body = super().get_definition()
        if "filter" in body:
            body["filter"] = [_name_of(item) for item in self._params["filter"]]
        return body


class CharFilter(AnalysisBase):
    _type_name = "char_filter"


class BuiltinCharFilter(BuiltinAnalysis, CharFilter):
    pass


class CustomCharFilter(CustomAnalysis, CharFilter):
    pass


analyzer = Analyzer._type_shortcut
normalizer = Normalizer._type_shortcut
tokenizer = Tokenizer._type_shortcut
token_filter = TokenFilter._type_shortcut
char_filter = CharFilter._type_shortcut
