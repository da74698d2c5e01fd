"""The test cluster the YAML tests expect: security on, known users, a snapshot directory.

The clients' YAML tests run as ``x_pack_rest_user`` (a superuser) and some steps switch to
``admin_user`` with an ``Authorization`` header, both with the password
``x-pack-test-password``; the snapshot tests create ``fs`` repositories under ``path.repo``.
escluster's ``local`` provider takes the extra settings and config files:

- ``xpack.security.enabled: true`` with the file realm: ``users`` (PBKDF2 hashes, made
  here with hashlib) and ``users_roles``;
- anonymous requests get a monitor-only role (``roles.yml``), so escluster's own
  unauthenticated health and feature checks keep working; requests with wrong
  credentials are still refused with 401;
- the token service on (the tokens test), ``path.repo`` relative to the node directory.
"""

from __future__ import annotations

import base64
import hashlib
import os
from typing import Any

TEST_PASSWORD = "x-pack-test-password"
TEST_USER = ("x_pack_rest_user", TEST_PASSWORD)
SUPERUSERS = ("x_pack_rest_user", "admin_user")
ANONYMOUS_ROLE = "yaml_runner_anonymous_monitor"
REPO_DIR = "snapshot-repos"


def pbkdf2_hash(password: str, iterations: int = 10000, salt: bytes | None = None) -> str:
    """A file-realm password hash: ``{PBKDF2}<iterations>$<salt b64>$<key b64>`` (HMAC-SHA512, 256-bit key)."""
    salt = salt if salt is not None else os.urandom(32)
    key = hashlib.pbkdf2_hmac("sha512", password.encode("utf-8"), salt, iterations, dklen=32)
    return f"{{PBKDF2}}{iterations}${base64.b64encode(salt).decode()}${base64.b64encode(key).decode()}"


def security_settings() -> dict[str, Any]:
    return {
        "xpack.security.enabled": True,
        "xpack.security.authc.token.enabled": True,
        "xpack.security.authc.api_key.enabled": True,
        "xpack.security.authc.anonymous.username": "yaml_runner_anonymous",
        "xpack.security.authc.anonymous.roles": ANONYMOUS_ROLE,
        "xpack.security.authc.anonymous.authz_exception": False,
    }


def config_files() -> dict[str, str]:
    users = "".join(f"{name}:{pbkdf2_hash(TEST_PASSWORD)}\n" for name in SUPERUSERS)
    return {
        "users": users,
        "users_roles": f"superuser:{','.join(SUPERUSERS)}\n",
        "roles.yml": f"{ANONYMOUS_ROLE}:\n  cluster: [monitor]\n",
    }


def local_provider(security: bool = True) -> Any:
    """A not yet started escluster ``local`` provider configured for the YAML tests."""
    from escluster import LocalProvider

    settings: dict[str, Any] = {"path.repo": [REPO_DIR]}
    files: dict[str, str] = {}
    if security:
        settings.update(security_settings())
        files.update(config_files())
    return LocalProvider(settings=settings, config_files=files)
