"""The pytest plugin without a real cluster: marker and options, ordering, one-line errors,
and the url provider against a fake Elasticsearch (pytester runs the inner sessions)."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from escluster.pytest_plugin import Wanted, group_by, wanted
from fakees import FakeServer, Reply

pytest_plugins = ["pytester"]

# A provider that only records what it was asked, so sessions run in milliseconds.
FAKE_CONFTEST = """
import json
from pathlib import Path

import escluster
from escluster.base import ClusterStartError, Provider

EVENTS = Path(__file__).parent / "events.jsonl"


def record(*event):
    with EVENTS.open("a") as handle:
        handle.write(json.dumps(event) + "\\n")


class FakeProvider(Provider):
    name = "fake"

    def start(self, version, nodes=1):
        record("start", version, nodes)
        if version == "broken":
            raise ClusterStartError("no JDK for broken\\nlog tail line")
        self.version = {"8.19": "8.19.21"}.get(version, version)
        self.urls = [f"http://127.0.0.1:{9200 + i}" for i in range(nodes)]
        return self.urls

    def stop(self, keep_logs=False):
        if self.urls:
            record("stop", self.version)
        self.urls = []


escluster.PROVIDERS["fake"] = FakeProvider


def pytest_unconfigure(config):
    escluster.PROVIDERS.pop("fake", None)
"""


def events(pytester: pytest.Pytester) -> list[list[object]]:
    path = pytester.path / "events.jsonl"
    return [json.loads(line) for line in path.read_text().splitlines()] if path.exists() else []


def test_marker_wins_over_options() -> None:
    options = {"version": "7.17", "versions": None, "provider": "url"}
    assert wanted(None, options) == Wanted(("7.17",), False, 1, "url")
    assert wanted({"version": "9", "nodes": 3, "provider": "local"}, options) == Wanted(
        ("9",), False, 3, "local"
    )
    assert wanted({"versions": ["8.19", "9"]}, options) == Wanted(("8.19", "9"), True, 1, "url")
    assert wanted({"nodes": 2}, {"versions": "7.17, 9"}) == Wanted(("7.17", "9"), True, 2, None)
    assert wanted({"version": "8.19"}, {"versions": "7.17,9"}).versions == ("8.19",)
    assert wanted(None, {}) == Wanted((None,), False, 1, None)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"verison": "8.19"}, "unknown argument(s) verison"),
        ({"version": "8.19", "versions": ["9"]}, "not both"),
        ({"nodes": 4}, "nodes must be 1, 2 or 3"),
        ({"versions": []}, "versions is empty"),
        ({"provider": "podman"}, "unknown provider 'podman'"),
    ],
)
def test_malformed_marker(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValueError, match=message.replace("(", r"\(").replace(")", r"\)")):
        wanted(kwargs, {})


def test_group_by_keeps_first_appearance_and_other_items_in_place() -> None:
    items = ["a9", "x", "b8", "c9", "y", "d8", "e7"]
    key = {"a9": 9, "b8": 8, "c9": 9, "d8": 8, "e7": 7}.get
    assert group_by(items, key) == ["a9", "x", "c9", "b8", "y", "d8", "e7"]


def test_versions_parametrize_and_each_cluster_starts_once(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FAKE_CONFTEST)
    pytester.makepyfile(
        """
        import pytest

        def test_a(elasticsearch_cluster):
            assert elasticsearch_cluster.provider == "fake"

        def test_plain():
            pass

        @pytest.mark.escluster(versions=["8.19", "9.1.0"])
        def test_b(elasticsearch_cluster):
            assert elasticsearch_cluster.url == elasticsearch_cluster.urls[0]

        @pytest.mark.escluster(version="8.19", nodes=2)
        def test_c(elasticsearch_cluster):
            assert elasticsearch_cluster.version == "8.19.21"
            assert len(elasticsearch_cluster.urls) == 2
        """
    )
    result = pytester.runpytest("-v", "--escluster-provider", "fake", "--escluster-versions", "7.17,8.19")
    result.assert_outcomes(passed=6)
    ran = [line.split(" ")[0].split("::")[1] for line in result.outlines if " PASSED" in line]
    assert ran == ["test_a[7.17]", "test_a[8.19]", "test_plain", "test_b[8.19]", "test_b[9.1.0]", "test_c"]
    assert events(pytester) == [
        ["start", "7.17", 1],
        ["stop", "7.17"],
        ["start", "8.19", 1],
        ["stop", "8.19.21"],
        ["start", "9.1.0", 1],
        ["stop", "9.1.0"],
        ["start", "8.19", 2],
        ["stop", "8.19.21"],
    ]


def test_a_cluster_stops_after_the_last_test_needing_it(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FAKE_CONFTEST)
    pytester.makepyfile(
        """
        from pathlib import Path

        def test_uses(elasticsearch_cluster):
            pass

        def test_after():
            assert '["stop", "8.19.21"]' in (Path(__file__).parent / "events.jsonl").read_text()
        """
    )
    result = pytester.runpytest("--escluster-provider", "fake", "--escluster-version", "8.19")
    result.assert_outcomes(passed=2)


def test_a_version_that_cannot_start_is_one_line_per_test(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FAKE_CONFTEST)
    pytester.makepyfile(
        """
        def test_one(elasticsearch_cluster):
            pass

        def test_two(elasticsearch_cluster):
            pass
        """
    )
    result = pytester.runpytest("--escluster-provider", "fake", "--escluster-version", "broken")
    result.assert_outcomes(errors=2)
    line = "escluster: cannot start Elasticsearch broken, 1 node, provider fake: no JDK for broken"
    assert sum(line in out for out in result.outlines) >= 2
    assert "Traceback" not in result.stdout.str()
    assert events(pytester) == [["start", "broken", 1]]  # not tried again for the second test


def test_an_interrupted_session_stops_its_cluster(pytester: pytest.Pytester) -> None:
    pytester.makeconftest(FAKE_CONFTEST)
    pytester.makepyfile(
        """
        def test_interrupted(elasticsearch_cluster):
            raise KeyboardInterrupt
        """
    )
    args = ("--escluster-provider", "fake", "--escluster-version", "8.19")
    assert pytester.inline_run(*args, no_reraise_ctrlc=True).ret == pytest.ExitCode.INTERRUPTED
    assert events(pytester) == [["start", "8.19", 1], ["stop", "8.19.21"]]


def test_malformed_marker_is_a_collection_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.escluster(nodes=5)
        def test_x(elasticsearch_cluster):
            pass
        """
    )
    result = pytester.runpytest()
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(["*escluster marker: nodes must be 1, 2 or 3, not 5*"])


def test_unknown_provider_option_is_a_usage_error(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--escluster-provider", "podman")
    assert result.ret == pytest.ExitCode.USAGE_ERROR
    result.stderr.fnmatch_lines(["*--escluster-provider podman: choose one of docker, local, url*"])


@pytest.fixture
def fake_es() -> Iterator[FakeServer]:
    """127.0.0.1 answering like a one-node 8.19.3 cluster."""
    with FakeServer() as server:
        server.route(
            "GET", "/", Reply(body={"version": {"number": "8.19.3"}, "tagline": "You Know, for Search"})
        )
        server.route("GET", "/_nodes/_local", Reply(body={"nodes": {"n1": {"version": "8.19.3"}}}))
        server.route("GET", "/_cluster/health", Reply(body={"status": "green", "number_of_nodes": 1}))
        yield server


def test_url_provider_uses_elasticsearch_url(
    pytester: pytest.Pytester, fake_es: FakeServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = fake_es.url
    monkeypatch.setenv("ELASTICSEARCH_URL", url)
    pytester.makepyfile(
        f"""
        import json
        from urllib.request import urlopen

        def test_any_version(elasticsearch_cluster):
            assert elasticsearch_cluster.urls == ({url!r},)
            assert elasticsearch_cluster.version == "8.19.3"
            assert json.load(urlopen(elasticsearch_cluster.url))["version"]["number"] == "8.19.3"
        """
    )
    pytester.runpytest("--escluster-provider", "url").assert_outcomes(passed=1)
    pytester.runpytest("--escluster-provider", "url", "--escluster-version", "8.19").assert_outcomes(passed=1)
    result = pytester.runpytest("--escluster-provider", "url", "--escluster-version", "9")
    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*cannot start Elasticsearch 9, 1 node, provider url: ELASTICSEARCH_URL runs 8.19.3*"]
    )


def test_the_plugin_is_registered_by_the_entry_point(pytester: pytest.Pytester) -> None:
    result = pytester.runpytest("--help")
    result.stdout.fnmatch_lines(["*--escluster-versions=V1,V2*"])
