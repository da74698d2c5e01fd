import threading

import pytest
from elastic_transport import NodeConfig, NodePool, RandomSelector, RoundRobinSelector, Urllib3HttpNode
from elastic_transport._node_pool import NodeSelector


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def configs(n: int) -> list[NodeConfig]:
    return [NodeConfig("http", "127.0.0.1", 9200 + i) for i in range(n)]


def pool(n: int = 3, clock: Clock | None = None, **kwargs: object) -> NodePool:
    return NodePool(configs(n), Urllib3HttpNode, randomize_nodes=False, clock=clock or Clock(), **kwargs)  # type: ignore[arg-type]


def test_round_robin_order() -> None:
    p = pool()
    assert [p.get().port for _ in range(6)] == [9200, 9201, 9202, 9200, 9201, 9202]


def test_selector_by_name_and_class() -> None:
    assert isinstance(pool(node_selector_class="random").node_selector, RandomSelector)
    assert isinstance(pool(node_selector_class="round_robin").node_selector, RoundRobinSelector)

    class Last(NodeSelector):
        def select(self, nodes):  # type: ignore[no-untyped-def]
            return nodes[-1]

    assert pool(node_selector_class=Last).get().port == 9202
    with pytest.raises(ValueError, match="Unknown option for selector_class: 'fastest'"):
        pool(node_selector_class="fastest")


def test_dead_node_backoff_doubles_and_caps() -> None:
    clock = Clock()
    p = pool(2, clock, dead_node_backoff_factor=2.0, max_dead_node_backoff=5.0)
    node = p.all()[0]
    expected = [2.0, 4.0, 5.0, 5.0]
    for timeout in expected:
        p.mark_dead(node)
        assert all(p.get() is not node for _ in range(4))
        clock.now += timeout - 0.01
        assert all(p.get() is not node for _ in range(4))
        clock.now += 0.02
        assert node in [p.get() for _ in range(2)]  # resurrected once the timeout passed
    p.mark_live(node)
    p.mark_dead(node)
    clock.now += 2.01  # failures were forgotten: back to the first timeout
    assert node in [p.get() for _ in range(2)]


def test_all_dead_uses_node_closest_to_resurrection() -> None:
    clock = Clock()
    p = pool(3, clock)
    a, b, c = p.all()
    p.mark_dead(a)
    p.mark_dead(a)  # 2 s
    p.mark_dead(b)  # 1 s
    p.mark_dead(c)
    clock.now += 0.5  # c was marked last, with the same 1 s timeout as b: b is due first
    assert p.get() is b


def test_add_remove() -> None:
    p = pool(1)
    p.add(NodeConfig("http", "127.0.0.1", 9300))
    p.add(NodeConfig("http", "127.0.0.1", 9300))
    assert len(p) == 2
    assert p._remove(NodeConfig("http", "127.0.0.1", 9200), keep_seeds=True) is None  # a seed stays
    removed = p.remove(NodeConfig("http", "127.0.0.1", 9300))
    assert removed is not None and [n.port for n in p.all()] == [9200]
    assert p.remove(NodeConfig("http", "127.0.0.1", 9200)) is None  # never empties the pool
    assert len(p) == 1
    p.add(NodeConfig("http", "127.0.0.1", 9300))  # a removed node can come back
    assert len(p) == 2
    with pytest.raises(ValueError, match="at least one NodeConfig"):
        NodePool([], Urllib3HttpNode)


def test_concurrent_mark_dead_and_get() -> None:
    p = pool(4)
    errors: list[BaseException] = []

    def work() -> None:
        try:
            for _ in range(500):
                node = p.get()
                p.mark_dead(node)
                p.mark_live(node)
        except BaseException as e:  # pragma: no cover - reported below
            errors.append(e)

    threads = [threading.Thread(target=work) for _ in range(16)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert p.alive_count() == 4
