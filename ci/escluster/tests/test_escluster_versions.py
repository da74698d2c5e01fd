"""Version aliases: resolution, the unknown-version error and picking the newest patch."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from escluster import cli
from escluster.maven import version_key
from escluster.versions import (
    UnknownVersionError,
    alias_for,
    find_latest,
    load_versions,
    newest_served,
    resolve_version,
)

TABLE = {"7.17": "7.17.29", "8.19": "8.19.21", "9": "9.5.3"}


def test_alias_resolves_to_exact_version() -> None:
    assert resolve_version("8.19", TABLE) == "8.19.21"
    assert resolve_version("9", TABLE) == "9.5.3"
    assert resolve_version(" 7.17 ", TABLE) == "7.17.29"


def test_exact_version_passes_through() -> None:
    assert resolve_version("8.19.4", TABLE) == "8.19.4"
    assert resolve_version("9.1.0-rc1", TABLE) == "9.1.0-rc1"


@pytest.mark.parametrize("spec", ["8.18", "10", "latest", "8.19.x", ""])
def test_unknown_version_lists_known_ones(spec: str) -> None:
    with pytest.raises(UnknownVersionError) as info:
        resolve_version(spec, TABLE)
    message = str(info.value)
    for alias, exact in TABLE.items():
        assert f"{alias} -> {exact}" in message


def test_alias_without_served_version_is_a_clear_error() -> None:
    with pytest.raises(UnknownVersionError, match="'9' has no version"):
        resolve_version("9", {"8.19": "8.19.21", "9": None})


def test_empty_table_tells_how_to_refresh() -> None:
    with pytest.raises(UnknownVersionError, match="versions --refresh"):
        resolve_version("8.19", {})


class FakeRepository:
    """Serves a fixed set of versions and records what was asked (probes cost downloads)."""

    def __init__(self, *versions: str) -> None:
        self.versions = set(versions)
        self.asked: list[str] = []

    def __call__(self, version: str) -> bool:
        self.asked.append(version)
        return version in self.versions


def test_newest_patch_beyond_stale_metadata() -> None:
    """Metadata lists 8.19.21; the repository also serves 8.19.22 (and has a gap)."""
    repo = FakeRepository("8.19.20", "8.19.21", "8.19.22", "8.19.24")
    assert newest_served(8, 19, ["8.19.2", "8.19.21", "8.18.0"], repo) == "8.19.24"
    assert repo.asked == ["8.19.21", "8.19.22", "8.19.23", "8.19.24", "8.19.25", "8.19.26"]


def test_hinted_but_unserved_patches_are_skipped() -> None:
    repo = FakeRepository("7.17.29")
    assert newest_served(7, 17, ["7.17.30", "7.17.29", "7.16.3"], repo) == "7.17.29"


def test_newest_minor_without_any_metadata_for_that_artifact() -> None:
    """No 9.x in the zip's metadata, but other artifacts hint at 9.5; 9.6.0 is served too."""
    repo = FakeRepository("9.5.3", "9.6.0", "9.6.1")
    assert newest_served(9, None, ["9.0.4", "9.5.2", "9.5.3", "8.19.21"], repo) == "9.6.1"


def test_newest_minor_falls_back_when_the_top_minor_is_not_served() -> None:
    repo = FakeRepository("9.4.7")
    assert newest_served(9, None, ["9.4.7", "9.5.3"], repo) == "9.4.7"


def test_nothing_served_yields_none() -> None:
    assert newest_served(9, None, ["8.19.21"], FakeRepository()) is None


def test_find_latest_covers_every_alias_and_ignores_prereleases() -> None:
    repo = FakeRepository("7.17.29", "8.19.21", "9.5.3", "9.6.0-beta1")
    hints = ["7.17.29", "8.19.21", "9.5.3", "9.6.0-beta1", "10.0.0"]
    assert find_latest(hints, repo) == {"7.17": "7.17.29", "8.19": "8.19.21", "9": "9.5.3"}


def test_version_key_orders_numerically_and_release_after_prerelease() -> None:
    ordered = sorted(["8.19.10", "8.19.9", "8.2.0", "8.19.10-rc1"], key=version_key)
    assert ordered == ["8.2.0", "8.19.9", "8.19.10-rc1", "8.19.10"]


def test_alias_for_maps_back() -> None:
    assert alias_for("8.19.21", TABLE) == "8.19"
    assert alias_for("8.19.4", TABLE) == "8.19.4"


def test_load_versions_missing_file_is_empty(tmp_path: Path) -> None:
    assert load_versions(tmp_path / "nope.json") == {}


def test_load_versions_reads_nulls(tmp_path: Path) -> None:
    path = tmp_path / "v.json"
    path.write_text(json.dumps({"8.19": "8.19.21", "9": None}))
    assert load_versions(path) == {"8.19": "8.19.21", "9": None}


def test_cli_start_with_unknown_version_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "v.json"
    path.write_text(json.dumps(TABLE))
    monkeypatch.setenv("ESCLUSTER_VERSIONS_FILE", str(path))
    monkeypatch.setenv("ESCLUSTER_CACHE", str(tmp_path / "cache"))
    assert cli.main(["start", "8.18", "--provider", "local"]) == 2
    err = capsys.readouterr().err
    assert "unknown Elasticsearch version '8.18'" in err and "8.19 -> 8.19.21" in err


def test_checked_in_table_has_the_three_aliases() -> None:
    table = load_versions()
    if not table:
        pytest.skip("stack-versions.json not generated yet")
    assert set(table) == {"7.17", "8.19", "9"}
    assert (table["7.17"] or "").startswith("7.17.")
    assert (table["8.19"] or "").startswith("8.19.")
