"""What test suites written for the 7.x client import from ``helpers.test``: a client for the
cluster under test (``ELASTICSEARCH_URL``) that waits for it to be up, and a ``TestCase`` that
empties the cluster after each test.
"""

from __future__ import annotations

import os
import time
from typing import Any
from unittest import SkipTest, TestCase

from .. import Elasticsearch, connection
from ..exceptions import ConnectionError

ELASTICSEARCH_URL = os.environ.get("ELASTICSEARCH_URL", "https://elastic:changeme@localhost:9200")
# 7.x pointed at the CA of its own repository's test cluster; here the path comes from the
# environment (ELASTICSEARCH_CA_CERTS) for an https cluster.
CA_CERTS = os.environ.get("ELASTICSEARCH_CA_CERTS") if ELASTICSEARCH_URL.startswith("https://") else None


def get_test_client(nowait: bool = False, **kwargs: Any) -> Elasticsearch:
    """A client for ``ELASTICSEARCH_URL`` once the cluster is yellow (about 10 s of tries, one
    with ``nowait``); ``SkipTest`` when it never answers. ``PYTHON_CONNECTION_CLASS`` names
    a connection class of ``connection`` to use."""
    options: dict[str, Any] = {"timeout": 30, "ca_certs": CA_CERTS}
    if "PYTHON_CONNECTION_CLASS" in os.environ:
        options["connection_class"] = getattr(connection, os.environ["PYTHON_CONNECTION_CLASS"])
    options.update(kwargs)
    client = Elasticsearch(ELASTICSEARCH_URL, **options)
    for _ in range(1 if nowait else 100):
        try:
            client.cluster.health(wait_for_status="yellow")
            return client
        except ConnectionError:
            time.sleep(0.1)
    raise SkipTest("Elasticsearch failed to start.")


class ElasticsearchTestCase(TestCase):
    """A test case with ``self.client``; every index, data stream and template is deleted after
    each test."""

    client: Any

    @staticmethod
    def _get_client() -> Any:
        return get_test_client()

    @classmethod
    def setup_class(cls) -> None:
        cls.client = cls._get_client()

    def teardown_method(self, _: Any) -> None:
        expand = ["open", "closed"] + (["hidden"] if self.es_version() >= (7, 7) else [])
        self.client.indices.delete_data_stream(name="*", ignore=404, expand_wildcards=expand)
        self.client.indices.delete(index="*", ignore=404, expand_wildcards=expand)
        self.client.indices.delete_template(name="*", ignore=404)

    def es_version(self) -> tuple[int, ...]:
        if not hasattr(self, "_es_version"):
            self._es_version = es_version(self.client)
        return self._es_version


def _get_version(version_string: str) -> tuple[int, ...]:
    """``"7.17.3"`` -> ``(7, 17, 3)``; a part that is not a number counts as 999."""
    if "." not in version_string:
        return ()
    return tuple(int(part) if part.isdigit() else 999 for part in version_string.strip().split("."))


def es_version(client: Any) -> tuple[int, ...]:
    return _get_version(client.info()["version"]["number"])
