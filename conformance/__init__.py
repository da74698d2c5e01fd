"""Our own runner for the YAML REST tests of ``../shared/clients-tests``.

The tests are run against a real Elasticsearch through the generated API packages:
every ``do`` step is dispatched by name to the client method (``indices.create`` ->
``client.indices.create``), so each test checks the server and our generated API.

Modules (named ``yaml_*`` so they never clash with other packages' modules):

- ``yaml_model``: loading test files (setup, teardown, tests, requires/skip sections)
- ``yaml_stash``: stashed values (``$var``, ``${var}``, ``$body``)
- ``yaml_assertions``: response paths and the assertion steps (match, is_true, ...)
- ``yaml_api``: the endpoint catalog of a client (spec model, availability, keywords)
- ``yaml_distribution``: what the cluster serves, and why a test cannot run on it
- ``yaml_cleanup``: wiping the cluster back to its baseline between files
- ``yaml_runner``: executing files and steps; ``yaml_results``: the JSON report
- ``yaml_session``: one suite run (cluster, client, runner, results file), shared by
  ``__main__`` (``python -m conformance <client> <stack>``) and ``tests/test_yaml_suite.py``
  (one pytest test per file, in ``nox -s test``)
"""
