"""Installed outside the monorepo (a wheel), escluster reads the data files it ships."""

from __future__ import annotations

from pathlib import Path

import pytest
from escluster import majors, repo, versions


def test_packaged_copies_equal_the_checkout() -> None:
    root = repo.repo_root()
    for checkout_path in ("majors.json", versions.CHECKOUT_FILE):
        packaged = repo.BUNDLED / Path(checkout_path).name
        assert packaged.read_text() == (root / checkout_path).read_text(), (
            f"copy {checkout_path} to {packaged.relative_to(root)} (the wheel ships that copy)"
        )


@pytest.fixture
def no_checkout(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """As if installed from a wheel and run outside the monorepo; the cache in tmp_path."""
    for module in (repo, versions):
        monkeypatch.setattr(module, "find_checkout", lambda: None)
    for name in ("ESCLUSTER_VERSIONS_FILE", "ES_MAJORS_FILE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("ESCLUSTER_CACHE", str(tmp_path))
    return tmp_path


def test_without_a_checkout_the_packaged_copies_are_read(no_checkout: Path) -> None:
    assert majors.registry_file() == repo.BUNDLED / "majors.json"
    assert versions.versions_file() == repo.BUNDLED / "stack-versions.json"
    assert versions.resolve_version("8.19") == versions.load_versions()["8.19"]
    with pytest.raises(repo.NoCheckoutError):
        repo.repo_root()


def test_a_refreshed_table_in_the_cache_wins_over_the_packaged_copy(no_checkout: Path) -> None:
    (no_checkout / "stack-versions.json").write_text('{"8.19": "8.19.99"}\n')
    assert versions.versions_file() == no_checkout / "stack-versions.json"
    assert versions.resolve_version("8.19") == "8.19.99"
