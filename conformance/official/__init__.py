"""The official elasticsearch-py unit suites (9.5, 8.19, 7.17) as the contract of our three API
packages: ``clients.py`` runs them through ci/officialsuite, one exceptions file per package
(``<package>.toml``); ``test_official_clients.py`` is what ``nox -s test`` collects."""
