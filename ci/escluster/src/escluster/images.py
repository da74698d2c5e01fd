"""Local Elasticsearch images for the docker provider, built without any image registry.

Where no registry is reachable, an image is assembled from what is: a Debian base made by
``debootstrap`` (imported once as ``escluster-base:bookworm``), a JDK of this host chosen by the
same policy as the local provider, the integration-test zip from Maven and an entrypoint that
turns ``setting.name=value`` environment variables into ``-E`` options, as the official images
do. With registry access, point ESCLUSTER_DOCKER_IMAGE at the official images instead.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

from . import analysis_module, extra_modules, maven, state
from .base import ClusterStartError
from .jdk import find_jdk
from .versions import resolve_version

BASE_IMAGE = "escluster-base:bookworm"
LOCAL_IMAGE = "escluster/elasticsearch:{version}"
DEBIAN_SUITE = "bookworm"
DEFAULT_MIRROR = "http://deb.debian.org/debian"
ES_HOME = "/usr/share/elasticsearch"

# Parts of a JDK that Elasticsearch never uses; leaving them out saves about 100 MB per image.
_JDK_SKIP = {"jmods", "src.zip", "demo", "man", "docs", "include", "sample"}

ENTRYPOINT = f"""#!/bin/bash
# Every environment variable named like a setting (lower case, with a dot) becomes -Ename=value.
set -euo pipefail
args=()
while IFS='=' read -r -d '' name value; do
  if [[ $name =~ ^[a-z0-9_]+(\\.[a-z0-9_]+)+$ ]]; then
    args+=("-E$name=$value")
  fi
done < <(env -0)
exec {ES_HOME}/bin/elasticsearch "${{args[@]}}" "$@"
"""


def dockerfile(version: str, java_feature: int) -> str:
    """The Dockerfile of ``version`` on the local base (the context holds jdk/, elasticsearch/
    and entrypoint.sh); Elasticsearch refuses to run as root, hence the user."""
    return f"""FROM {BASE_IMAGE}
RUN groupadd -g 1000 elasticsearch && useradd -u 1000 -g 1000 -d {ES_HOME} -M -s /bin/bash elasticsearch
COPY jdk /opt/jdk
COPY --chown=1000:1000 elasticsearch {ES_HOME}
COPY entrypoint.sh /usr/local/bin/escluster-entrypoint
ENV ES_JAVA_HOME=/opt/jdk
WORKDIR {ES_HOME}
USER 1000:1000
EXPOSE 9200 9300
LABEL escluster="1" escluster.version="{version}" escluster.java="{java_feature}"
ENTRYPOINT ["/usr/local/bin/escluster-entrypoint"]
"""


def debian_mirror(
    sources: tuple[Path, ...] = (Path("/etc/apt/sources.list.d"), Path("/etc/apt/sources.list")),
) -> str:
    """The Debian mirror apt is configured with (ESCLUSTER_DEBIAN_MIRROR wins), so debootstrap
    reaches whatever this machine may reach."""
    configured = os.environ.get("ESCLUSTER_DEBIAN_MIRROR")
    if configured:
        return configured
    files: list[Path] = []
    for source in sources:
        if source.is_dir():
            files += sorted(source.glob("*.sources")) + sorted(source.glob("*.list"))
        elif source.is_file():
            files.append(source)
    for path in files:
        try:
            text = path.read_text()
        except OSError:
            continue
        match = re.search(r"^URIs:\s*(\S+/debian)/?\s*$", text, re.MULTILINE) or re.search(
            r"^deb\s+(?:\[[^]]*\]\s+)?(\S+/debian)/?\s+\S+", text, re.MULTILINE
        )
        if match:
            return match.group(1)
    return DEFAULT_MIRROR


def _log(message: str) -> None:
    print(f"escluster: {message}", file=sys.stderr, flush=True)


def _labels(client: Any, tag: str) -> dict[str, str] | None:
    """The labels of image ``tag``, None when there is no such image."""
    try:
        image = client.images.get(tag)
    except Exception as exc:  # docker.errors.ImageNotFound: imported lazily with the SDK
        if type(exc).__name__ == "ImageNotFound":
            return None
        raise
    return dict(image.labels or {})


def _exists(client: Any, tag: str) -> bool:
    return _labels(client, tag) is not None


def recipe(version: str, java_home: Path, java_feature: int, modules: list[str]) -> str:
    """What an image is made of, as a short hash: an image whose label differs (another JDK,
    other modules, a changed Dockerfile or entrypoint) is built again instead of reused."""
    text = "\n".join([dockerfile(version, java_feature), ENTRYPOINT, str(java_home), *sorted(modules)])
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def ensure_base(client: Any) -> str:
    """The Debian base image, made with debootstrap and ``docker import`` the first time."""
    if _exists(client, BASE_IMAGE):
        return BASE_IMAGE
    if shutil.which("debootstrap") is None or os.geteuid() != 0:
        raise ClusterStartError(
            f"no image {BASE_IMAGE}: building it needs root and debootstrap (apt-get install debootstrap); "
            "or set ESCLUSTER_DOCKER_IMAGE to an image you can pull, e.g. "
            "docker.elastic.co/elasticsearch/elasticsearch:{version}"
        )
    mirror = debian_mirror()
    _log(f"building {BASE_IMAGE} with debootstrap from {mirror} (about a minute, once)")
    with tempfile.TemporaryDirectory(prefix="escluster-base-") as tmp:
        rootfs = Path(tmp) / "rootfs"
        done = subprocess.run(
            ["debootstrap", "--variant=minbase", DEBIAN_SUITE, str(rootfs), mirror],
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            tail = " ".join((done.stdout + done.stderr).split()[-40:])
            raise ClusterStartError(f"debootstrap failed ({done.returncode}): {tail}")
        archive = Path(tmp) / "rootfs.tar"
        subprocess.run(["tar", "-C", str(rootfs), "-cf", str(archive), "."], check=True)
        repository, tag = BASE_IMAGE.split(":")
        client.api.import_image_from_file(str(archive), repository=repository, tag=tag)
    return BASE_IMAGE


def _copy_jdk(home: Path, target: Path) -> None:
    """The JDK with its symlinks resolved (Debian's point into /etc) and its unused parts left out."""
    shutil.copytree(
        home,
        target,
        symlinks=False,
        ignore_dangling_symlinks=True,
        ignore=lambda directory, names: [n for n in names if Path(directory) == home and n in _JDK_SKIP],
    )


def ensure_image(client: Any, version: str, rebuild: bool = False) -> str:
    """The local image of ``version`` (an alias or exact version), built when missing or
    made of something else than it would be now (see recipe)."""
    from .local import prepare_home  # the zip layout is the local provider's business

    exact = resolve_version(version)
    tag = LOCAL_IMAGE.format(version=exact)
    jdk = find_jdk(exact)
    modules = [m.name for m in extra_modules.wanted(exact)] + analysis_module.recipe_entry(exact)
    made_of = recipe(exact, jdk.home, jdk.feature, modules)
    labels = _labels(client, tag)
    if not rebuild and labels is not None and labels.get("escluster.recipe") == made_of:
        return tag
    previous = client.images.get(tag).id if labels is not None else None
    ensure_base(client)
    zip_path = maven.fetch_distribution(exact, state.cache_dir() / "dists")
    _log(f"building {tag} (Java {jdk.feature} from {jdk.home})")
    with tempfile.TemporaryDirectory(prefix="escluster-image-") as tmp:
        context = Path(tmp)
        _copy_jdk(jdk.home, context / "jdk")
        prepare_home(zip_path, context / "elasticsearch", exact)
        entrypoint = context / "entrypoint.sh"
        entrypoint.write_text(ENTRYPOINT)
        entrypoint.chmod(0o755)
        (context / "Dockerfile").write_text(dockerfile(exact, jdk.feature))
        try:
            # No network: everything is in the context (and a private engine has no default bridge).
            built, _ = client.images.build(
                path=str(context),
                tag=tag,
                rm=True,
                forcerm=True,
                network_mode="none",
                labels={"escluster.recipe": made_of},
            )
        except Exception as exc:  # BuildError / APIError: one line with the engine's reason
            reason = " ".join(str(getattr(exc, "msg", None) or exc).split())
            raise ClusterStartError(f"building {tag} failed: {reason}") from None
    # The image this build replaced, now untagged: don't let them pile up.
    if previous not in (None, built.id):
        try:
            client.images.remove(previous, noprune=False)
        except Exception:  # in use by a container, or already gone
            pass
    return tag
