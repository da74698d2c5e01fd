"""JDK selection per Elasticsearch major."""

from __future__ import annotations

from pathlib import Path

import pytest
from escluster.jdk import Jdk, NoSuitableJdkError, choose_jdk, installed_jdks
from escluster.jdk import read_feature as feature_of


def jdks(*features: int) -> list[Jdk]:
    return [Jdk(Path(f"/jvm/jdk-{f}"), f) for f in features]


@pytest.mark.parametrize(
    ("version", "available", "expected"),
    [
        ("7.17.29", (17, 25), 17),
        ("8.19.21", (17, 25), 17),
        ("9.5.3", (17, 25), 25),
        ("9.0.0", (17, 21, 25), 21),
        ("8.19.21", (21, 25), 21),
        ("7.17.29", (11,), 11),
        ("8.19.21", (17, 21), 17),
    ],
)
def test_choice(version: str, available: tuple[int, ...], expected: int) -> None:
    assert choose_jdk(version, jdks(*available)).feature == expected


@pytest.mark.parametrize(("version", "available"), [("9.1.0", (17,)), ("8.19.21", (11, 25))])
def test_no_suitable_jdk(version: str, available: tuple[int, ...]) -> None:
    with pytest.raises(NoSuitableJdkError, match="needs Java"):
        choose_jdk(version, jdks(*available))


def fake_jdk(root: Path, name: str, version: str) -> Path:
    home = root / name
    (home / "bin").mkdir(parents=True)
    (home / "bin" / "java").write_text("")
    (home / "release").write_text(f'IMPLEMENTOR="x"\nJAVA_VERSION="{version}"\n')
    return home


def test_read_feature_and_scan(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    fake_jdk(tmp_path, "openjdk-17", "17.0.15")
    fake_jdk(tmp_path, "temurin-25", "25.0.3")
    fake_jdk(tmp_path, "old-8", "1.8.0_402")
    (tmp_path / "not-a-jdk").mkdir()
    assert feature_of(tmp_path / "old-8") == 8
    found = {j.feature for j in installed_jdks([tmp_path]) if j.home.parent == tmp_path}
    assert found == {8, 17, 25}
