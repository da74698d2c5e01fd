"""Typed-usage programs (``usage_v*.py``) and the mypy runner that checks them; the
programs are data for mypy, never imported."""
