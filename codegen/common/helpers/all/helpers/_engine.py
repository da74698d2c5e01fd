"""The bulk machinery the sync and async helpers of every major share; no I/O in here.

Speed: every action is expanded and serialized once, straight into NDJSON lines, with the
client's own serializer (called without its Python wrapper: orjson when it is installed and
writes the same JSON, else the stdlib's C encoder, built once); a chunk keeps the lines
and a reference to each document, never copies of the actions; a bulk answer is walked item
by item only when it reports errors, holds deletes (a delete of a missing document answers
404 without ``errors``) or the caller wants every result.

Safety: every action taken from the input ends up indexed or reported. Actions that cannot
be sent (no index, unknown ``_op_type``, a document the serializer refuses) are reported
with their position in the input; an answer with fewer items than actions reports the rest;
items rejected with a retryable status are retried alone, then reported.
"""

from __future__ import annotations

import base64
import inspect
import json
import logging
import time
from collections.abc import Callable, Collection, Iterable, Iterator, Mapping, Sequence
from enum import Enum
from functools import partial
from itertools import repeat
from json.encoder import encode_basestring as _json_str
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar

from .. import _profile
from .errors import BulkIndexError

if TYPE_CHECKING:
    import numpy as np

logger = logging.getLogger("elasticsearch.helpers")

P = ParamSpec("P")
R = TypeVar("R")


def official(stub: Callable[P, Any]) -> Callable[[Callable[..., R]], Callable[P, R]]:
    """Gives a helper the signature of ``stub``, the official one of this major (``_official.py``).

    The helper takes what it is given as ``*args, **kwargs`` and calls ``stub`` with it:
    Python binds the arguments the official way, defaults included, and ``stub`` returns
    them as a dict (its ``locals()``). One helper body then serves every major.
    """
    parameters = list(inspect.signature(stub).parameters.values())

    def signed(helper: Callable[..., R]) -> Callable[P, R]:
        returns = helper.__annotations__.get("return", inspect.Signature.empty)
        helper.__signature__ = inspect.Signature(parameters, return_annotation=returns)  # type: ignore[attr-defined]
        return helper

    return signed


class BulkMeta(Enum):
    """Markers that may stand among the actions: ``BULK_FLUSH`` sends what is pending."""

    flush = 1
    done = 2


BULK_FLUSH = BulkMeta.flush
TICK = object()  # among the actions read with a timeout: flush_after_seconds passed without one

Action = bytes | str | dict[str, Any]
Item = dict[str, Any]
Result = tuple[bool, Item]

OP_TYPES = frozenset(("index", "create", "update", "delete"))
# Action keys that belong on the action line, in the order written; the ones in
# _UNDERSCORED are written without their leading underscore.
_META_KEYS = (
    "_id",
    "_index",
    "_if_seq_no",
    "_if_primary_term",
    "_parent",
    "_percolate",
    "_retry_on_conflict",
    "_routing",
    "_timestamp",
    "_type",
    "_version",
    "_version_type",
    "if_seq_no",
    "if_primary_term",
    "parent",
    "pipeline",
    "retry_on_conflict",
    "routing",
    "version",
    "version_type",
)
_UNDERSCORED = frozenset(
    (
        "_if_seq_no",
        "_if_primary_term",
        "_parent",
        "_retry_on_conflict",
        "_routing",
        "_version",
        "_version_type",
    )
)
_META: tuple[tuple[str, str], ...] = tuple((k, k[1:] if k in _UNDERSCORED else k) for k in _META_KEYS)
_NOT_DOCUMENT = frozenset([key for key, _ in _META] + ["_op_type", "_source"])
_MISSING: Any = object()
_RAW_HEADER = '{"index":{}}'  # the action line of a pre-serialized document
_RAW_HEADER_BYTES = _RAW_HEADER.encode()
_RAW_ACTION_LINE = _profile.HELPERS_RAW_ACTION_LINE


def expand_action(data: Action) -> tuple[Any, Any]:
    """The action line (as a dict) and the document of one action, without altering it.

    A ``str``/``bytes`` action is a serialized document to index.
    """
    if isinstance(data, (bytes, str)):
        if _RAW_ACTION_LINE:  # 7.x: the action as its JSON line, the document as given
            return _RAW_HEADER, data
        return {"index": {}}, data.encode("utf-8") if isinstance(data, str) else data
    op_type = data.get("_op_type", "index")
    meta: dict[str, Any] = {}
    source = data.get("_source", _MISSING)
    if op_type == "update" and source is not _MISSING and not isinstance(source, Mapping):
        meta["_source"] = source  # source filtering of the update's answer
        source = _MISSING
    for key, name in _META:
        if key in data:
            meta[name] = data[key]
    if op_type == "delete":
        return {op_type: meta}, None
    if source is _MISSING:
        source = {k: v for k, v in data.items() if k not in _NOT_DOCUMENT}
    return {op_type: meta}, source


# -- serialization ----------------------------------------------------------------------


def _c_json(default: Callable[[Any], Any]) -> Callable[[Any, int], Any] | None:
    """The stdlib's C encoder, built once (``json.dumps`` builds one per call, most of its
    cost for small documents); ``"".join(encode(obj, 0))`` is ``json.dumps(obj)`` compact
    and non-ASCII as is. None when this Python has none or its output differs."""
    try:
        import json.encoder

        c_make_encoder = getattr(json.encoder, "c_make_encoder", None)  # private: may be missing
        if c_make_encoder is None:
            return None
        encode: Callable[[Any, int], Any] = c_make_encoder(
            None, default, _json_str, None, ":", ",", False, False, True
        )
        probe = {"a": [1, 2.5, None, True, 'é\n"\\'], "b": {"c": -3}, "": ""}
        if "".join(encode(probe, 0)) != json.dumps(probe, ensure_ascii=False, separators=(",", ":")):
            return None
        return encode
    except Exception:
        return None


def _quick_json(default: Callable[[Any], Any]) -> Callable[[Any], bytes] | None:
    """``orjson.dumps`` set up to write what the stdlib encoder writes; None without orjson.

    Strings come out byte for byte the same and numbers equal (a float may be written in
    another notation: ``1e-7`` for ``1e-07``). Dates, dataclasses and subclasses of the
    JSON types go to ``default``, as with the stdlib. What orjson refuses (integers beyond
    64 bits, non-str keys, lone surrogates, what ``default`` refuses) raises TypeError. NaN
    and infinities it writes as ``null``: a line with ``null`` in it is written again by
    the stdlib (``_checked``).
    """
    try:
        import orjson
    except ImportError:
        return None
    option = (
        orjson.OPT_PASSTHROUGH_DATETIME | orjson.OPT_PASSTHROUGH_DATACLASS | orjson.OPT_PASSTHROUGH_SUBCLASS
    )
    return partial(orjson.dumps, default=default, option=option)


def _checked(quick: Callable[[Any], bytes], stdlib: Callable[[Any], bytes]) -> Callable[[Any], bytes]:
    """``quick`` where it writes what ``stdlib`` writes (see _quick_json), else ``stdlib``."""

    def dumps(obj: Any) -> bytes:
        try:
            line = quick(obj)
        except TypeError:
            return stdlib(obj)
        return stdlib(obj) if b"null" in line else line

    return dumps


class LineWriter:
    """One client's JSON serializer turned into an NDJSON line writer.

    Lines are ``str`` for the stdlib's C encoder (a chunk is joined, then encoded once) and
    ``bytes`` otherwise (orjson, custom serializers). The batcher's loop calls ``encode``
    or ``quick`` (then ``stdlib`` for what ``quick`` cannot write the same) directly;
    everything else calls ``dumps``.
    """

    def __init__(self, client: Any) -> None:
        self.text, self.encode, self.quick, self.stdlib = _line_dumper(client)
        self.dumps = self.stdlib if self.quick is None else _checked(self.quick, self.stdlib)
        self.sep: Any = "\n" if self.text else b"\n"

    def raw(self, doc: str | bytes) -> str | bytes:
        """A pre-serialized document as a line of this writer's type; ValueError when it
        is not a single non-empty line."""
        if self.text:
            line: Any = doc if isinstance(doc, str) else doc.decode("utf-8", "surrogatepass")
            line = line.rstrip("\r\n")
            bad = "\n" in line
        else:
            line = doc if isinstance(doc, bytes) else doc.encode("utf-8", "surrogatepass")
            line = line.rstrip(b"\r\n")
            bad = b"\n" in line
        if bad:
            raise ValueError("a pre-serialized document must be one line of JSON (it has a line break)")
        if not line:
            raise ValueError("the pre-serialized document is empty")
        return line  # type: ignore[no-any-return]

    @staticmethod
    def size(line: str | bytes) -> int:
        if isinstance(line, str) and not line.isascii():
            return len(line.encode("utf-8", "surrogatepass"))
        return len(line)

    def join(self, lines: list[Any]) -> Any:
        """The request body: every line followed by a newline."""
        lines.append(self.sep[:0])
        try:
            return self.sep.join(lines)
        finally:
            lines.pop()


def _line_dumper(
    client: Any,
) -> tuple[bool, Callable[[Any, int], Any] | None, Callable[[Any], bytes] | None, Callable[[Any], Any]]:
    """(text lines?, the raw C encoder, orjson as the stdlib would write, the exact dumps).

    orjson and the C encoder stand in only for the stock JSON serializer, whose output
    they reproduce; a subclass or another serializer is called as it is (``_official``
    says which serializer is the stock one, and how this major's client writes the others).
    """
    from ._official import json_serializer  # imports this module: loaded on first use

    serializer, exact, stock_default, other = json_serializer(client)
    if exact is not None:
        encode = _c_json(serializer.default)
        quick = _quick_json(serializer.default) if stock_default else None
        if quick is not None:
            return False, None, quick, _stdlib_bytes(encode, exact)
        if encode is not None:
            return True, encode, None, _joined(encode)
    return other


def _as_bytes(dumps: Callable[[Any], Any]) -> Callable[[Any], bytes]:
    """``dumps`` with its output as bytes (a ``str`` encoded as UTF-8)."""

    def as_bytes(obj: Any) -> bytes:
        out = dumps(obj)
        return out.encode("utf-8", "surrogatepass") if isinstance(out, str) else out  # type: ignore[no-any-return]

    return as_bytes


def _stdlib_bytes(
    encode: Callable[[Any, int], Any] | None, dumps: Callable[[Any], Any]
) -> Callable[[Any], bytes]:
    """The stock serializer's output as bytes: its C encoder when usable, else ``dumps``."""
    if encode is None:
        return _as_bytes(dumps)
    join = "".join

    def encoded(obj: Any) -> bytes:
        return join(encode(obj, 0)).encode("utf-8", "surrogatepass")

    return encoded


def _joined(encode: Callable[[Any, int], Any]) -> Callable[[Any], str]:
    join = "".join

    def dumps(obj: Any) -> str:
        return join(encode(obj, 0))

    return dumps


# -- chunks -------------------------------------------------------------------------------


class Chunk:
    """Actions ready to send: their NDJSON lines and, per action, its document (None for
    a delete, which has no document line), plus the actions refused before sending."""

    __slots__ = ("deletes", "docs", "exact", "lines", "rejected", "size")

    def __init__(self, exact: bool = True) -> None:
        self.lines: list[Any] = []
        self.docs: list[Any] = []
        self.rejected: list[Item] = []
        # bytes; while not ``exact``, a count between a quarter of them and all of them
        self.size = 0
        self.exact = exact
        self.deletes = False

    def measure(self, writer: LineWriter) -> int:
        """Makes ``size`` the exact byte count of the lines (with their newlines)."""
        self.size = sum(writer.size(line) for line in self.lines) + len(self.lines)
        self.exact = True
        return self.size

    def __len__(self) -> int:
        return len(self.docs) + len(self.rejected)

    def _starts(self) -> list[int]:
        starts, at = [], 0
        for doc in self.docs:
            starts.append(at)
            at += 1 if doc is None else 2
        return starts

    def subset(self, indexes: list[int]) -> Chunk:
        """The chunk of only these (sent) actions, for a retry; no re-serializing."""
        starts = self._starts()
        sub = Chunk()
        for k in indexes:
            doc = self.docs[k]
            sub.docs.append(doc)
            sub.lines.append(self.lines[starts[k]])
            if doc is None:
                sub.deletes = True
            else:
                sub.lines.append(self.lines[starts[k] + 1])
        return sub

    def headers(self) -> list[tuple[str, dict[str, Any]]]:
        """(op_type, metadata) of every sent action, read back from its action line."""
        out = []
        for start in self._starts():
            try:
                header = json.loads(self.lines[start])
                (op_type, meta), *_ = header.items()
                out.append((op_type, dict(meta) if isinstance(meta, Mapping) else {}))
            except Exception:
                out.append(("index", {}))
        return out


class _Plan:
    """How to expand the dict actions that have one particular set of keys (in order).

    ``fast`` plans are the common shapes the batcher's loop handles inline: metadata given
    as keys of the action (at most two, str or int values), a document that is the rest of
    the action or its ``_source`` dict; every other action takes ``Batcher.add``.
    """

    __slots__ = (
        "drop",
        "fast",
        "formats",
        "has_index",
        "index_format",
        "index_slot",
        "k0",
        "k1",
        "meta",
        "n",
        "names",
        "op",
        "source",
    )

    def __init__(self, keys: Iterable[str]) -> None:
        present = _NOT_DOCUMENT.intersection(keys)
        self.op = "_op_type" in present
        self.source = "_source" in present
        self.meta = tuple(key for key, _ in _META if key in present)
        self.names = tuple(name for key, name in _META if key in present)
        self.has_index = "_index" in present
        # keys to delete from a copy of the action to get the document
        self.drop = () if self.source else tuple(k for k in keys if k in present)
        body = ",".join(f'"{name}":%s' for name in self.names)
        self.formats = {op: f'{{"{op}":{{{body}}}}}' for op in ("index", "create", "update")}
        self.index_format = self.formats["index"]
        self.fast = len(self.meta) <= 2
        self.n = len(self.meta)
        self.k0 = self.meta[0] if self.meta else ""
        self.k1 = self.meta[1] if len(self.meta) > 1 else ""
        self.index_slot = self.meta.index("_index") if self.has_index and self.fast else -1

    @property
    def parts(self) -> tuple[Any, ...]:
        """What the batcher's loop reads, unpacked into its locals when the shape changes."""
        return (
            self.fast,
            self.op,
            self.source,
            self.formats,
            self.index_format,
            self.n,
            self.k0,
            self.k1,
            self.index_slot,
            self.drop,
        )


class Batcher:
    """Takes actions and hands out full chunks: by count (``chunk_size``), by size
    (``max_chunk_bytes``), or when told to flush (``BULK_FLUSH``, ``flush()``)."""

    def __init__(
        self,
        writer: LineWriter,
        chunk_size: int,
        max_chunk_bytes: int,
        expand: Callable[[Any], tuple[Any, Any]],
        default_index: Any,
    ) -> None:
        self.writer = writer
        self.chunk_size = max(1, chunk_size)
        self.max_bytes = max_chunk_bytes
        self.expand = expand
        self.fast = expand is expand_action
        self.need_index = default_index in (None, "")
        self.position = 0  # of the next element of the input (markers included)
        self.markers = 0  # BULK_FLUSH markers seen
        self.chunk = Chunk(not writer.text)
        self._plans: dict[tuple[str, ...], _Plan] = {}
        self._frozen_plans: dict[frozenset[str], _Plan] = {}

    @property
    def taken(self) -> int:
        """Actions taken from the input so far."""
        return self.position - self.markers

    def flush(self) -> Chunk | None:
        chunk = self.chunk
        if not len(chunk):
            return None
        self.chunk = Chunk(not self.writer.text)
        return chunk

    def _room(self, size: int) -> Chunk | None:
        """The current chunk when the next action (``size`` bytes) does not fit in it."""
        chunk = self.chunk
        count = len(chunk.docs) + len(chunk.rejected)
        if not count:
            return None
        full = count >= self.chunk_size
        if not full and not chunk.exact and (chunk.size + size) * 4 > self.max_bytes:
            chunk.measure(self.writer)
        if full or (chunk.exact and chunk.size + size > self.max_bytes):
            self.chunk = Chunk(not self.writer.text)
            return chunk
        return None

    def _plan(self, keys: tuple[str, ...]) -> _Plan:
        plan = self._plans.get(keys)
        if plan is None:
            if len(self._plans) < 512:
                plan = self._plans[keys] = _Plan(keys)
            else:  # documents of many shapes: plans by their special keys only
                special = _NOT_DOCUMENT.intersection(keys)
                plan = self._frozen_plans.get(special)
                if plan is None:
                    plan = self._frozen_plans[special] = _Plan(keys)
                    plan.fast = False
        return plan

    def feed(self, actions: Iterable[Any]) -> Iterator[Chunk]:
        """Every full chunk the actions make (the last, partial one stays: ``flush()``).

        The loop handles the common actions inline and everything else with ``add``.
        """
        writer = self.writer
        text = writer.text
        encode = writer.encode
        quick = writer.quick
        stdlib = writer.stdlib
        dumps = writer.dumps
        join = "".join
        js = _json_str
        int_repr = int.__repr__
        plans = self._plans
        need_index = self.need_index
        limit = self.chunk_size
        max_bytes = self.max_bytes
        fast = self.fast
        chunk = self.chunk
        lines, docs = chunk.lines, chunk.docs
        size = chunk.size
        exact = chunk.exact
        count = len(chunk)
        position = self.position
        last_a: Any = None
        last_b: Any = None
        last_ea = last_eb = ""
        # the plan of the last shape of action, in locals
        last_keys: Any = None
        p_fast = p_op = p_source = False
        formats: dict[str, str] = {}
        p_format = ""
        n_meta = slot = 0
        k0 = k1 = ""
        drop: tuple[str, ...] = ()
        # the last action line, and the format and metadata values it was made of
        hit_fmt: Any = None
        hit_a: Any = _MISSING
        hit_b: Any = _MISSING
        hit_header: Any = None
        header: Any
        line: Any  # str from the C encoder, bytes from orjson or a serializer
        for data in actions:
            if type(data) is dict and fast:
                keys = tuple(data)
                if keys != last_keys:
                    plan = plans.get(keys) or self._plan(keys)
                    p_fast, p_op, p_source, formats, p_format, n_meta, k0, k1, slot, drop = plan.parts
                    last_keys = keys
                if p_fast:
                    if p_op:
                        op = data["_op_type"]
                        fmt = formats.get(op) if type(op) is str else None
                    else:
                        fmt = p_format
                    a = data[k0] if n_meta else None
                    b = data[k1] if n_meta == 2 else None
                    if fmt is hit_fmt and a is hit_a and b is hit_b:
                        header = hit_header  # the same metadata as the last action
                    elif fmt is None:
                        header = None
                    else:
                        # metadata values as JSON (None when the type needs the serializer)
                        if n_meta:
                            if a is last_a:
                                ea = last_ea
                            elif type(a) is str:
                                last_a = a
                                ea = last_ea = js(a)
                            elif type(a) is int:
                                ea = int_repr(a)
                            else:
                                ea = None
                            if n_meta == 2:
                                if b is last_b:
                                    eb = last_eb
                                elif type(b) is str:
                                    last_b = b
                                    eb = last_eb = js(b)
                                elif type(b) is int:
                                    eb = int_repr(b)
                                else:
                                    eb = None
                                header = None if ea is None or eb is None else fmt % (ea, eb)
                            else:
                                header = None if ea is None else fmt % (ea,)
                        else:
                            header = fmt
                        if need_index and header is not None and (slot < 0 or not (a if slot == 0 else b)):
                            header = None
                        if header is not None and not text:
                            header = header.encode("utf-8", "surrogatepass")
                        hit_fmt, hit_a, hit_b, hit_header = fmt, a, b, header
                    if header is not None:
                        if p_source:
                            doc = data["_source"]
                            if type(doc) is not dict:
                                header = None
                        else:
                            doc = data.copy()
                            for key in drop:
                                del doc[key]
                    if header is not None:
                        try:
                            if encode is not None:
                                line = join(encode(doc, 0))
                            elif quick is not None:  # _checked, inlined: no call per document
                                try:
                                    line = quick(doc)
                                except TypeError:  # refused: see _quick_json
                                    line = stdlib(doc)
                                else:
                                    if b"null" in line:  # maybe NaN: see _quick_json
                                        line = stdlib(doc)
                            else:
                                line = dumps(doc)
                        except Exception:
                            header = None  # add() writes it with dumps, or reports it
                    if header is not None:
                        # Text lines are measured in characters (at most 4 UTF-8 bytes
                        # each) until a chunk gets near max_chunk_bytes; then in bytes.
                        n = len(header) + len(line) + 2
                        position += 1
                        if count:
                            full = count >= limit
                            if not full and (exact or (size + n) * 4 > max_bytes):
                                if not exact:
                                    size = chunk.measure(writer)
                                    exact = True
                                if text:
                                    n = writer.size(header) + writer.size(line) + 2
                                full = size + n > max_bytes
                            if full:
                                chunk.size = size
                                done = chunk
                                self.chunk = chunk = Chunk(not text)
                                lines, docs = chunk.lines, chunk.docs
                                exact = chunk.exact
                                size = count = 0
                                self.position = position
                                yield done
                        lines += (header, line)
                        docs.append(doc)
                        size += n
                        count += 1
                        continue
            chunk.size = size
            self.position = position
            finished = self.add(data)
            position = self.position
            chunk = self.chunk
            lines, docs = chunk.lines, chunk.docs
            size = chunk.size
            exact = chunk.exact
            count = len(chunk)
            if finished is not None:
                yield finished
        chunk.size = size
        self.position = position

    def add(self, data: Any) -> Chunk | None:
        """Adds one element of the input; returns a chunk that is now complete, if any."""
        position = self.position
        self.position = position + 1
        if data is BULK_FLUSH:
            self.markers += 1
            return self.flush()
        if not (self.fast and type(data) is dict):
            return self._add_other(data, position)
        keys = _NOT_DOCUMENT.intersection(data)
        if not keys:
            if self.need_index:
                return self._reject(position, data, "invalid_action", _NO_INDEX)
            header: Any = _RAW_HEADER if self.writer.text else _RAW_HEADER_BYTES
            return self._append(position, data, "index", header, data)
        plan = self._frozen_plans.get(keys)
        if plan is None:
            plan = self._frozen_plans[keys] = _Plan(keys)
            plan.fast = False
        op = data["_op_type"] if plan.op else "index"
        if op == "delete":
            doc = None
        elif plan.source:
            doc = data["_source"]
            if op == "update" and not isinstance(doc, Mapping):
                return self._add_other(data, position)  # _source is the update's source filter
        else:
            doc = {k: v for k, v in data.items() if k not in _NOT_DOCUMENT}
        if type(op) is not str or op not in OP_TYPES:
            return self._reject(position, data, "invalid_action", _bad_op(op))
        if self.need_index and (not plan.has_index or data["_index"] in (None, "")):
            return self._reject(position, data, "invalid_action", _NO_INDEX)
        try:
            values = []
            for key in plan.meta:
                value = data[key]
                if type(value) is str:
                    values.append(_json_str(value))
                elif type(value) is int:
                    values.append(int.__repr__(value))
                else:
                    values.append(self._value(value))
            body = ",".join(f'"{name}":{value}' for name, value in zip(plan.names, values, strict=True))
            header = f'{{"{op}":{{{body}}}}}'
        except Exception as e:
            return self._reject(position, data, "serialization_error", _unserializable(e), e)
        if not self.writer.text:
            header = header.encode("utf-8", "surrogatepass")
        return self._append(position, data, op, header, doc)

    def _value(self, value: Any) -> str:
        out = self.writer.dumps(value)
        return out.decode("utf-8", "surrogatepass") if isinstance(out, bytes) else out  # type: ignore[no-any-return]

    def _append(self, position: int, data: Any, op: str, header: Any, doc: Any) -> Chunk | None:
        """Serializes the document and puts both lines in the current chunk."""
        writer = self.writer
        if op == "delete":
            doc = None
            line = None
        elif doc is None:
            return self._reject(position, data, "invalid_action", f"an {op!r} action needs a document")
        elif type(doc) is not dict and isinstance(doc, (str, bytes)):
            try:
                line = writer.raw(doc)
            except ValueError as e:
                return self._reject(position, data, "invalid_action", str(e))
        else:
            try:
                line = writer.dumps(doc)
            except Exception as e:
                return self._reject(position, data, "serialization_error", _unserializable(e), e)
        if writer.text:
            size = len(header) + 1 if header.isascii() else writer.size(header) + 1
            if line is not None:
                size += (len(line) if line.isascii() else writer.size(line)) + 1
        else:
            size = len(header) + 1 if line is None else len(header) + len(line) + 2
        done = self._room(size)
        chunk = self.chunk
        chunk.lines.append(header)
        if line is None:
            chunk.deletes = True
        else:
            chunk.lines.append(line)
        chunk.docs.append(doc)
        chunk.size += size
        return done

    def _add_other(self, data: Any, position: int) -> Chunk | None:
        """Raw documents, custom ``expand_action_callback`` results, unusual actions."""
        writer = self.writer
        if self.fast and not isinstance(data, Mapping):
            if not isinstance(data, (str, bytes)):
                return self._reject(
                    position,
                    data,
                    "invalid_action",
                    f"an action is a dict, or a str/bytes document; got {type(data).__name__}",
                )
            if self.need_index:
                return self._reject(position, data, "invalid_action", _NO_INDEX)
            return self._append(
                position, data, "index", _RAW_HEADER if writer.text else _RAW_HEADER_BYTES, data
            )
        try:
            header, doc = self.expand(data)
        except Exception as e:
            return self._reject(position, data, "invalid_action", f"expand_action_callback failed: {e!r}", e)
        if isinstance(header, (str, bytes)):
            try:
                line = writer.raw(header)
            except ValueError as e:
                return self._reject(position, data, "invalid_action", f"action line: {e}")
            op = "index"
            marker: Any = b'"delete"' if isinstance(line, bytes) else '"delete"'
            if marker in line:
                try:
                    op = next(iter(json.loads(line)))
                except Exception:
                    op = "index"
            if self.need_index and line in (_RAW_HEADER, _RAW_HEADER_BYTES):
                return self._reject(position, data, "invalid_action", _NO_INDEX)
            if op == "delete" and doc is not None:
                return self._reject(position, data, "invalid_action", "a 'delete' action takes no document")
            return self._append(position, data, op, line, doc)
        if not isinstance(header, Mapping) or len(header) != 1:
            return self._reject(
                position, data, "invalid_action", "the action line must be {op_type: {metadata}}"
            )
        ((op, meta),) = header.items()
        if not isinstance(op, str) or op not in OP_TYPES:
            return self._reject(position, data, "invalid_action", _bad_op(op))
        if not isinstance(meta, Mapping):
            return self._reject(position, data, "invalid_action", "the action metadata must be a dict")
        if self.need_index and meta.get("_index") in (None, ""):
            return self._reject(position, data, "invalid_action", _NO_INDEX)
        if op == "delete" and doc is not None:
            return self._reject(position, data, "invalid_action", "a 'delete' action takes no document")
        try:
            line = writer.dumps(header)
        except Exception as e:
            return self._reject(position, data, "serialization_error", _unserializable(e), e)
        return self._append(position, data, op, line, doc)

    def _reject(
        self, position: int, data: Any, kind: str, reason: str, exc: BaseException | None = None
    ) -> Chunk | None:
        """Records an action that is not sent; it is reported with its chunk's results."""
        op = "index"
        info: dict[str, Any] = {}
        if isinstance(data, Mapping):
            given = data.get("_op_type", "index")
            op = given if isinstance(given, str) else "index"
            for key in ("_index", "_id"):
                if key in data:
                    info[key] = data[key]
        info["status"] = 400
        info["error"] = {"type": kind, "reason": f"action #{position}: {reason}"}
        info["position"] = position
        info["data"] = data
        if exc is not None:
            info["exception"] = exc
        done = self._room(0)
        self.chunk.rejected.append({op: info})
        return done


_NO_INDEX = "no index: give '_index' in the action, or index= to the helper"


def _bad_op(op: Any) -> str:
    return f"unknown _op_type {op!r}: one of 'create', 'delete', 'index', 'update'"


def _unserializable(e: BaseException) -> str:
    return f"cannot be serialized: {e}"


# -- sending and reading answers ----------------------------------------------------------


def _statuses(value: int | Collection[int] | None, default: tuple[int, ...] = ()) -> Collection[int]:
    if value is None:
        return default
    if isinstance(value, int):
        return (value,)
    return tuple(value)


class Options:
    """What one bulk run was asked to do, checked once."""

    def __init__(
        self,
        *,
        chunk_size: int = 500,
        max_chunk_bytes: int = 100 * 1024 * 1024,
        flush_after_seconds: float | None = None,
        raise_on_error: bool = True,
        expand_action_callback: Callable[[Any], tuple[Any, Any]] = expand_action,
        raise_on_exception: bool = True,
        max_retries: int = 0,
        initial_backoff: float = 2,
        max_backoff: float = 600,
        yield_ok: bool = True,
        ignore_status: int | Collection[int] = (),
        retry_on_status: int | Collection[int] | None = (429,),
    ) -> None:
        self.chunk_size = chunk_size
        self.max_chunk_bytes = max_chunk_bytes
        self.flush_after_seconds = flush_after_seconds or None
        self.raise_on_error = raise_on_error
        self.expand = expand_action_callback
        self.raise_on_exception = raise_on_exception
        self.max_retries = max(0, int(max_retries or 0))
        self.initial_backoff = initial_backoff
        self.max_backoff = max_backoff
        self.yield_ok = yield_ok
        self.ignore_status = _statuses(ignore_status)
        self.retry_on_status = _statuses(retry_on_status, (429,))

    def batcher(self, client: Any, kwargs: Mapping[str, Any]) -> Batcher:
        return Batcher(
            LineWriter(client), self.chunk_size, self.max_chunk_bytes, self.expand, kwargs.get("index")
        )


class Outcome:
    """What one request (or the refusal of actions before sending) came to.

    ``items`` is set when every action succeeded and the caller wants them: the answer's
    items as they are. Otherwise ``results`` lists, in order, what is to be reported.
    """

    __slots__ = ("failed", "items", "ok", "results")

    def __init__(self, ok: int, failed: int, items: list[Item] | None, results: list[Result]) -> None:
        self.ok = ok
        self.failed = failed
        self.items = items
        self.results = results

    def pairs(self) -> Iterable[Result]:
        """The ``(ok, item)`` pairs the streaming helpers yield, built in C for an
        all-ok answer (no Python frame per item)."""
        if self.items is not None:
            return zip(repeat(True), self.items)
        return self.results


_NO_RESULTS: list[Result] = []


def missing_item(op_type: str, meta: Mapping[str, Any], doc: Any, answered: int, sent: int) -> Item:
    """The failure reported for an action the bulk answer has no item for."""
    info = dict(meta)
    info["status"] = 500
    info["error"] = {
        "type": "missing_bulk_item",
        "reason": f"the bulk answer has {answered} items for {sent} actions; none for this one",
    }
    if doc is not None:
        info["data"] = doc
    return {op_type: info}


def unanswered_item(
    op_type: str, meta: Mapping[str, Any], doc: Any, error: BaseException, message: str, status: Any
) -> Item:
    """The failure reported for an action whose request got no bulk answer."""
    info: dict[str, Any] = {"error": message, "status": status, "exception": error}
    if doc is not None:
        info["data"] = doc
    info.update(meta)
    return {op_type: info}


def status_of(error: BaseException) -> Any:
    """The HTTP status of a failed request; ``"N/A"`` when there was no answer."""
    return getattr(error, "status_code", "N/A")


class Sending:
    """One chunk through its attempts: the body to send next and what each answer means.

    The driver (sync or async) loops: ``payload()`` -> send -> ``answered()`` or
    ``failed()``; while ``pending`` is set, it waits ``next_delay()`` and sends again;
    at the end ``finish()`` raises ``BulkIndexError`` when errors are to be raised.
    """

    def __init__(self, chunk: Chunk, options: Options, writer: LineWriter, want_ok: bool) -> None:
        self.pending: Chunk | None = chunk if chunk.docs else None
        self.rejected = chunk.rejected
        self.options = options
        self.writer = writer
        self.want_ok = want_ok
        self.attempt = 0
        self.errors: list[Item] = []

    def payload(self) -> Any:
        assert self.pending is not None
        return self.writer.join(self.pending.lines)

    def _report(self, entry: Item, status: Any, results: list[Result]) -> None:
        if self.options.raise_on_error and status not in self.options.ignore_status:
            self.errors.append(entry)
        else:
            results.append((False, entry))

    def refused(self) -> Outcome | None:
        """The chunk's actions that were refused before sending, reported first."""
        if not self.rejected:
            return None
        results: list[Result] = []
        for entry in self.rejected:
            self._report(entry, 400, results)
        return Outcome(0, len(self.rejected), None, results)

    def answered(self, body: Any) -> Outcome:
        chunk = self.pending
        assert chunk is not None
        self.pending = None
        items = body["items"]
        docs = chunk.docs
        n = len(docs)
        if body.get("errors") is False and not chunk.deletes and len(items) == n:
            return Outcome(n, 0, items if self.want_ok else None, _NO_RESULTS)
        options = self.options
        retry = options.retry_on_status if self.attempt < options.max_retries else ()
        want_ok = self.want_ok
        ok = failed = 0
        results: list[Result] = []
        again: list[int] = []
        for k, entry in zip(range(n), items, strict=False):  # extra items are logged below
            info = next(iter(entry.values()))
            status = info.get("status", 500)
            if 200 <= status < 300:
                ok += 1
                if want_ok:
                    results.append((True, entry))
                continue
            if status in retry:
                again.append(k)
                continue
            failed += 1
            doc = docs[k]
            if doc is not None:  # raised or yielded, a failure carries its document
                info["data"] = doc
            if options.raise_on_error and status not in options.ignore_status:
                self.errors.append(entry)
            else:
                results.append((False, entry))
        if len(items) != n:
            logger.warning("The bulk answer has %d items for %d actions", len(items), n)
            headers = chunk.headers()
            for k in range(len(items), n):
                op_type, meta = headers[k]
                failed += 1
                self._report(missing_item(op_type, meta, docs[k], len(items), n), 500, results)
        if again:
            self.pending = chunk.subset(again)
        return Outcome(ok, failed, None, results)

    def should_raise(self, error: BaseException) -> bool:
        """Whether a request that got no bulk answer ends the run with that exception."""
        status = status_of(error)
        if status in self.options.retry_on_status and self.attempt < self.options.max_retries:
            return False
        return self.options.raise_on_exception and status not in self.options.ignore_status

    def failed(self, error: BaseException) -> Outcome | None:
        """No bulk answer: None when the whole chunk is to be retried, else every action
        of it reported as failed with the error."""
        chunk = self.pending
        assert chunk is not None
        status = status_of(error)
        if status in self.options.retry_on_status and self.attempt < self.options.max_retries:
            return None
        self.pending = None
        results: list[Result] = []
        message = str(error)
        for (op_type, meta), doc in zip(chunk.headers(), chunk.docs, strict=True):
            self._report(unanswered_item(op_type, meta, doc, error, message, status), status, results)
        return Outcome(0, len(chunk.docs), None, results)

    def next_delay(self) -> float:
        """Seconds to wait before the next attempt: ``initial_backoff * 2**attempt``, capped."""
        delay = min(self.options.max_backoff, self.options.initial_backoff * 2**self.attempt)
        self.attempt += 1
        return max(0.0, float(delay))

    def finish(self) -> None:
        if self.errors:
            raise BulkIndexError(f"{len(self.errors)} document(s) failed to index.", self.errors)


# -- progress -----------------------------------------------------------------------------


class Progress:
    """``progress=True``: a tqdm bar; a callable: called as ``progress(ok, failed, total)``
    after every bulk answer, ``total`` being the actions taken from the input so far."""

    def __init__(self, progress: Any, actions: Any) -> None:
        self.call: Callable[[int, int, int], Any] | None = None
        self.bar: Any = None
        self.ok = self.failed = 0
        if progress is None or progress is False:
            return
        if progress is True:
            try:
                from tqdm.auto import tqdm
            except ImportError:
                raise ImportError(
                    "progress=True draws a progress bar with tqdm, which is not installed: "
                    "`pip install tqdm`, or pass a callable as progress"
                ) from None
            total = len(actions) if hasattr(actions, "__len__") else None
            self.bar = tqdm(total=total, unit="doc", desc="bulk")
        elif callable(progress):
            self.call = progress
        else:
            raise TypeError(
                f"progress must be True, False, None or a callable, not {type(progress).__name__}"
            )

    @property
    def active(self) -> bool:
        return self.call is not None or self.bar is not None

    def update(self, outcome: Outcome, taken: int) -> Any:
        self.ok += outcome.ok
        self.failed += outcome.failed
        if self.bar is not None:
            self.bar.update(self.ok + self.failed - self.bar.n)
            if outcome.failed:
                self.bar.set_postfix(failed=self.failed, refresh=False)
            return None
        if self.call is not None:
            return self.call(self.ok, self.failed, taken)
        return None

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


# -- scan and reindex ---------------------------------------------------------------------

SCAN_TRANSPORT_KEYS = (
    ("headers", "api_key", "http_auth", "basic_auth", "bearer_auth", "opaque_id")
    if _profile.HELPERS_SCAN_OPAQUE_ID
    else ("headers", "api_key", "http_auth", "basic_auth", "bearer_auth")
)


def pop_transport_options(kwargs: dict[str, Any]) -> dict[str, Any]:
    """Per-request options (auth, headers) that every call of a scan needs, as options()."""
    taken = {}
    for key in SCAN_TRANSPORT_KEYS:
        if key in kwargs:
            taken["basic_auth" if key == "http_auth" else key] = kwargs.pop(key)
    return taken


def from_keyword(kwargs: dict[str, Any]) -> None:
    if "from" in kwargs:
        kwargs["from_"] = kwargs.pop("from")


def shards_failed(resp: Mapping[str, Any], scroll_id: str, raise_on_error: bool) -> None:
    """Logs (and raises ``ScanError`` for) a page that did not come from every shard."""
    from .errors import ScanError

    shards = resp.get("_shards") or {}
    successful = shards.get("successful", 0)
    skipped = shards.get("skipped", 0)
    total = shards.get("total", 0)
    if successful + skipped >= total:
        return
    message = "Scroll request has only succeeded on %d (+%d skipped) shards out of %d."
    logger.warning(message, successful, skipped, total)
    if raise_on_error:
        raise ScanError(scroll_id, message % (successful, skipped, total))


def retarget(hit: dict[str, Any], index: str, op_type: str | None) -> dict[str, Any]:
    """A scanned hit as an action writing it to ``index``.

    A 7.x hit's ``_type: _doc`` is the default type: sent back, it only earns a "types
    removal" deprecation warning per bulk request, so it is left out (other types stay).
    """
    hit["_index"] = index
    if hit.get("_type") == "_doc":
        del hit["_type"]
    if op_type is not None:
        hit["_op_type"] = op_type
    if "fields" in hit:
        hit.update(hit.pop("fields"))
    return hit


def data_stream_op_type(body: Any, target_index: str, op_type: str | None) -> str | None:
    """``create`` when the target is a data stream (the only op they take); ``body`` is the
    answer of ``indices.get_data_stream``."""
    try:
        streams = body["data_streams"]
        is_stream = any(stream["name"] == target_index for stream in streams)
    except (KeyError, TypeError):
        return op_type
    if not is_stream:
        return op_type
    if op_type not in (None, "create"):
        raise ValueError("Data streams must have 'op_type' set to 'create'")
    return "create"


def pack_dense_vector(vector: np.ndarray | Sequence[float]) -> str:  # type: ignore[type-arg]
    """A dense vector as base64 of its big-endian float32 values: smaller and faster to
    parse than a JSON list of numbers (``helpers.pack_dense_vector`` where the profile has it)."""
    import numpy as np

    if type(vector) is not np.ndarray:
        vector = np.array(vector, dtype=np.float32)
    elif vector.dtype != np.float32:
        raise ValueError("Only arrays of type float32 can be packed")
    return base64.b64encode(vector.astype(">f4").tobytes()).decode()


def sized(actions: Iterable[Any]) -> bool:
    return hasattr(actions, "__len__")


def monotonic() -> float:
    return time.monotonic()
