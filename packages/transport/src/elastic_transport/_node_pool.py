"""Which node a request goes to: alive/dead tracking, exponential backoff, selectors."""

from __future__ import annotations

import itertools
import logging
import random
import threading
import time
from collections.abc import Callable, Sequence

from ._models import NodeConfig
from ._node._base import BaseNode

logger = logging.getLogger("elastic_transport.node_pool")


class NodeSelector:
    """Chooses one node among the alive ones. Subclass and override ``select``."""

    def __init__(self, node_configs: list[NodeConfig]) -> None:
        self.node_configs = node_configs

    def select(self, nodes: Sequence[BaseNode]) -> BaseNode:  # pragma: no cover - abstract
        raise NotImplementedError()


class RandomSelector(NodeSelector):
    def select(self, nodes: Sequence[BaseNode]) -> BaseNode:
        return random.choice(nodes)


class RoundRobinSelector(NodeSelector):
    def __init__(self, node_configs: list[NodeConfig]) -> None:
        super().__init__(node_configs)
        self._counter = itertools.count()  # next() on a count is atomic under the GIL

    def select(self, nodes: Sequence[BaseNode]) -> BaseNode:
        return nodes[next(self._counter) % len(nodes)]


_SELECTOR_NAMES: dict[str, type[NodeSelector]] = {
    "random": RandomSelector,
    "round_robin": RoundRobinSelector,
}


def selector_class_for(value: str | type[NodeSelector]) -> type[NodeSelector]:
    if isinstance(value, str):
        try:
            return _SELECTOR_NAMES[value]
        except KeyError:
            options = ", ".join(repr(n) for n in sorted(_SELECTOR_NAMES))
            raise ValueError(
                f"Unknown option for selector_class: {value!r}. Available options are: {options}"
            ) from None
    if not (isinstance(value, type) and issubclass(value, NodeSelector)):
        raise TypeError(f"'node_selector_class' must be a NodeSelector subclass, got {value!r}")
    return value


class NodePool:
    """Holds every node; hands out alive ones and keeps failed ones out for a while.

    A node that fails is dead for ``dead_node_backoff_factor * 2 ** (failures - 1)``
    seconds, at most ``max_dead_node_backoff``; then it is tried again. When every node is
    dead, the one due back soonest is used rather than failing without a try.
    """

    def __init__(
        self,
        node_configs: list[NodeConfig],
        node_class: type[BaseNode],
        dead_node_backoff_factor: float = 1.0,
        max_dead_node_backoff: float = 30.0,
        node_selector_class: str | type[NodeSelector] = RoundRobinSelector,
        randomize_nodes: bool = True,
        *,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if not node_configs:
            raise ValueError("Must specify at least one NodeConfig")
        if dead_node_backoff_factor < 0 or max_dead_node_backoff < 0:
            raise ValueError("Dead node backoff values must be 0 or greater")
        configs = list(dict.fromkeys(node_configs))  # drop duplicates, keep order
        if randomize_nodes:
            random.shuffle(configs)
        self._node_class = node_class
        self._seed_configs = configs
        self._node_selector = selector_class_for(node_selector_class)(configs)
        self.dead_node_backoff_factor = dead_node_backoff_factor
        self.max_dead_node_backoff = max_dead_node_backoff
        self._clock = clock
        self._lock = threading.Lock()
        self._all_nodes: dict[NodeConfig, BaseNode] = {c: node_class(c) for c in configs}
        # The alive list is replaced, never mutated, so readers need no lock.
        self._alive_nodes: tuple[BaseNode, ...] = tuple(self._all_nodes.values())
        self._dead_until: dict[NodeConfig, float] = {}
        self._failures: dict[NodeConfig, int] = {}

    @property
    def node_class(self) -> type[BaseNode]:
        return self._node_class

    @property
    def node_selector(self) -> NodeSelector:
        return self._node_selector

    def get(self) -> BaseNode:
        """The node for the next request."""
        if self._dead_until:
            self.resurrect()
        alive = self._alive_nodes
        if len(alive) == 1:
            return alive[0]
        if alive:
            return self._node_selector.select(alive)
        node = self.resurrect(force=True)
        assert node is not None  # a pool always holds at least one node
        return node

    def mark_dead(self, node: BaseNode, _now: float | None = None) -> None:
        """Takes a failed node out of rotation; each consecutive failure doubles the wait."""
        now = self._clock() if _now is None else _now
        config = node.config
        with self._lock:
            if config not in self._all_nodes:
                return
            failures = self._failures.get(config, 0) + 1
            self._failures[config] = failures
            timeout = min(self.dead_node_backoff_factor * 2 ** (failures - 1), self.max_dead_node_backoff)
            self._dead_until[config] = now + timeout
            self._alive_nodes = tuple(n for n in self._alive_nodes if n.config != config)
        logger.warning(
            "Node %r has failed for %d times in a row, putting on %.1f second timeout",
            node,
            failures,
            timeout,
        )

    def mark_live(self, node: BaseNode) -> None:
        """Forgets a node's failures after a successful request."""
        if not self._failures and not self._dead_until:  # the common case: nothing to forget
            return
        config = node.config
        with self._lock:
            self._failures.pop(config, None)
            if self._dead_until.pop(config, None) is not None and config in self._all_nodes:
                self._alive_nodes = (*self._alive_nodes, self._all_nodes[config])

    def resurrect(self, force: bool = False) -> BaseNode | None:
        """Brings back the dead node due soonest if its time is up (or if ``force``)."""
        with self._lock:
            if not self._dead_until:
                return None
            config, until = min(self._dead_until.items(), key=lambda item: item[1])
            if not force and until > self._clock():
                return None
            del self._dead_until[config]
            node = self._all_nodes[config]
            self._alive_nodes = (*self._alive_nodes, node)
        logger.info("Resurrected node %r (force=%s)", node, force)
        return node

    def add(self, node_config: NodeConfig) -> None:
        with self._lock:
            if node_config in self._all_nodes:
                return
            node = self._node_class(node_config)
            self._all_nodes[node_config] = node
            self._alive_nodes = (*self._alive_nodes, node)

    def remove(self, node_config: NodeConfig) -> BaseNode | None:
        """Removes a node from the pool and returns it so the caller can close it."""
        with self._lock:
            node = self._all_nodes.pop(node_config, None)
            if node is None:
                return None
            if not self._all_nodes:  # never leave the pool empty
                self._all_nodes[node_config] = node
                return None
            self._dead_until.pop(node_config, None)
            self._failures.pop(node_config, None)
            self._alive_nodes = tuple(n for n in self._alive_nodes if n.config != node_config)
            return node

    def all(self) -> list[BaseNode]:
        return list(self._all_nodes.values())

    def alive_count(self) -> int:
        return len(self._alive_nodes)

    def __len__(self) -> int:
        return len(self._all_nodes)

    def __repr__(self) -> str:
        return f"<NodePool nodes={len(self._all_nodes)} alive={len(self._alive_nodes)}>"
