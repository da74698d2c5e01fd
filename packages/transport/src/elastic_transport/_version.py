"""Versions of this package, spelled once.

``__version__`` is the official elastic-transport release line this package stands in for:
what user code and the User-Agent header read. The distribution's version adds ``LOCAL_LABEL``,
this monorepo's release label, as a PEP 440 local version (``9.5.0+mono.1``): no index holds
that version, so a requirement pinned to it can only be met by the wheels built here, and the
API packages of the monorepo pin it exactly (codegen reads this file). Bump ``LOCAL_LABEL``
with every build handed to users.
"""

__version__ = "9.5.0"
LOCAL_LABEL = "mono.1"
DIST_VERSION = f"{__version__}+{LOCAL_LABEL}"
