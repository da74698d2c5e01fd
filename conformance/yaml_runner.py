"""Executing YAML test files against a cluster through one generated API package.

For each test: check the skip conditions (file ``requires``, ``skip``/``requires`` steps,
and whether the node serves every API the test calls), then run the file's ``setup``, the
test's steps and the file's ``teardown`` (always). Between files, the cluster is wiped
back to its baseline. A test fails on the first step that does not hold; it is skipped
(with the reason) when the server answers that a capability is missing from the
distribution.
"""

from __future__ import annotations

import asyncio
import importlib
import inspect
import json
import re
import time
import traceback
import warnings
from collections.abc import Callable, Iterable
from typing import Any

from .yaml_api import ApiCatalog, ApiInfo, build_kwargs, resolve_method
from .yaml_assertions import CHECKS, AssertionFailure, as_text, compile_regex, is_regex, run_check
from .yaml_distribution import Distribution, classify_error, route_gap
from .yaml_model import Step, TestCase, TestFile
from .yaml_results import FileResult, TestResult
from .yaml_stash import Stash, StashError

# Test-format features this runner implements (``skip: features`` / ``requires: test_runner_features``).
SUPPORTED_FEATURES = frozenset(
    {
        "allowed_warnings",
        "allowed_warnings_regex",
        "arbitrary_key",
        "catch_unauthorized",
        "contains",
        "default_shards",
        "embedded_stash_key",
        "exists",
        "headers",
        "node_selector",
        "stash_in_key",
        "stash_in_path",
        "stash_path_replace",
        "transform_and_set",
        "warnings",
        "warnings_regex",
    }
)

# ``catch`` names and the statuses they accept. ``request`` is any other error status.
CATCH_STATUSES: dict[str, Callable[[int], bool]] = {
    "bad_request": lambda s: s == 400,
    "unauthorized": lambda s: s == 401,
    "forbidden": lambda s: s == 403,
    "missing": lambda s: s == 404,
    "request_timeout": lambda s: s == 408,
    "conflict": lambda s: s == 409,
    "unavailable": lambda s: s == 503,
    "request": lambda s: s >= 400 and s not in (400, 401, 403, 404, 408, 409),
}


class StepFailure(Exception):
    """A step did not hold: the test fails."""


class SkipTest(Exception):
    """The test cannot run here; it is skipped with ``reason``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class DistributionGap(SkipTest):
    """The server says the distribution lacks something the test needs."""


class TestDefect(SkipTest):
    """The test itself cannot hold on any server (a later version of the tests fixed it)."""


class ServerChanged(SkipTest):
    """A newer server no longer satisfies an assertion of older tests, by design."""


_MISSING_ARGUMENT = re.compile(r"missing \d+ required keyword-only arguments?: (.*)$")


# -- skip conditions ---------------------------------------------------------------------


def _version_tuple(text: str) -> tuple[int, ...]:
    numbers = re.findall(r"\d+", text)
    return tuple(int(n) for n in numbers[:3]) + (0,) * (3 - len(numbers[:3]))


def version_in_ranges(version: str, ranges: str) -> bool:
    """``"all"``, ``"7.0.0 - 7.9.99"``, ``" - 8.1.0"``, ``"8.2.0 - "``, comma-separated."""
    actual = _version_tuple(version)
    for item in str(ranges).split(","):
        item = item.strip()
        if item == "all":
            return True
        low, sep, high = item.partition("-")
        if not sep:
            if _version_tuple(item) == actual:
                return True
            continue
        lower = _version_tuple(low) if low.strip() else (0, 0, 0)
        upper = _version_tuple(high) if high.strip() else (10**6, 0, 0)
        if lower <= actual <= upper:
            return True
    return False


def _as_list(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, (list, tuple)):
        return [str(v) for v in value]
    return [str(value)]


def file_skip_reason(requires: dict[str, Any], serverless: bool = False) -> str | None:
    """The file-level ``requires: {stack: bool, serverless: bool}``."""
    if not requires:
        return None
    if not serverless and requires.get("stack") is False:
        return "serverless-only test file (requires stack: false)"
    if serverless and requires.get("serverless") is False:
        return "stack-only test file (requires serverless: false)"
    return None


def step_skip_reason(kind: str, arg: Any, version: str, serverless: bool = False) -> str | None:
    """Reason to skip from one ``skip`` or ``requires`` step (None: run the test)."""
    if not isinstance(arg, dict):
        return f"runner cannot read {kind} step {arg!r}"
    features = _as_list(arg.get("features")) + _as_list(arg.get("test_runner_features"))
    missing = [f for f in features if f not in SUPPORTED_FEATURES]
    if missing:
        return f"runner does not support test feature(s): {', '.join(missing)}"
    if kind == "skip":
        if "awaits_fix" in arg:
            return f"awaits fix: {arg['awaits_fix']}"
        if "version" in arg and version_in_ranges(version, arg["version"]):
            return f"skipped for versions {arg['version']}: {arg.get('reason', 'no reason given')}"
        if arg.get("serverless") is True and serverless:
            return "skipped on serverless"
        if arg.get("stack") is True and not serverless:
            return f"skipped on the stack: {arg.get('reason', 'no reason given')}"
        known = {"features", "test_runner_features", "version", "reason", "awaits_fix", "serverless", "stack"}
    else:
        if arg.get("stack") is False and not serverless:
            return "serverless-only test (requires stack: false)"
        if arg.get("serverless") is False and serverless:
            return "stack-only test (requires serverless: false)"
        known = {"features", "test_runner_features", "reason", "serverless", "stack"}
    unknown = sorted(set(arg) - known)
    if unknown:
        return f"runner cannot evaluate {kind} condition(s): {', '.join(unknown)}"
    return None


def apis_of(steps: Iterable[Step]) -> list[str]:
    """API names called by the ``do`` steps, in order, without repeats."""
    names: dict[str, None] = {}
    for step in steps:
        if step.kind == "do" and isinstance(step.arg, dict):
            for key in step.arg:
                if key not in DO_OPTIONS:
                    names[str(key)] = None
    return list(names)


DO_OPTIONS = frozenset(
    {
        "catch",
        "headers",
        "warnings",
        "allowed_warnings",
        "warnings_regex",
        "allowed_warnings_regex",
        "node_selector",
    }
)


# -- the runner ----------------------------------------------------------------------------


class Runner:
    """Runs test files through ``client`` (an instance of the package's Elasticsearch class)."""

    def __init__(
        self,
        client: Any,
        catalog: ApiCatalog,
        distribution: Distribution,
        cleaner: Any = None,
        log: Callable[[str], None] | None = None,
        strict_warnings: bool = False,
        preflight: bool = True,
    ) -> None:
        self.client = client
        self.catalog = catalog
        self.dist = distribution
        self.cleaner = cleaner
        self.log = log or (lambda message: None)
        self.stash = Stash()
        exceptions = importlib.import_module(f"{catalog.package}.exceptions")
        self.api_error: type[Exception] = exceptions.ApiError
        self.warning_class: type[Warning] = exceptions.ElasticsearchWarning
        self.cleanup_errors: list[str] = []
        self.strict_warnings = strict_warnings
        # Check before each test that the node serves its APIs (off: run until the server says no).
        self.preflight = preflight
        self.test_warnings: list[str] = []  # undeclared server warnings of the current test
        self.sent_requests = False  # since the last wipe
        self.current_file = ""
        self._loop: asyncio.AbstractEventLoop | None = None

    def event_loop(self) -> asyncio.AbstractEventLoop:
        """One loop for every call of an async client (its connections live on it)."""
        if self._loop is None:
            self._loop = asyncio.new_event_loop()
        return self._loop

    def close(self) -> None:
        """Close the client (and the event loop of an async one)."""
        result = self.client.close() if hasattr(self.client, "close") else None
        if inspect.isawaitable(result):
            self.event_loop().run_until_complete(result)
        if self._loop is not None:
            self._loop.close()
            self._loop = None

    # -- files and tests -----------------------------------------------------------------

    def run_file(self, test_file: TestFile) -> FileResult:
        began = time.monotonic()
        result = FileResult(test_file.name)
        file_reason = file_skip_reason(test_file.requires)
        self.current_file = test_file.name
        self.sent_requests = False
        for test in test_file.tests:
            outcome = (
                TestResult(test.name, "skipped", reason=file_reason)
                if file_reason
                else self.run_test(test_file, test)
            )
            result.tests.append(outcome)
            detail = f": {outcome.reason or outcome.message}" if outcome.status != "passed" else ""
            self.log(f"  {outcome.status:7} {test_file.name}::{test.name}{detail}")
            if outcome.status != "passed" and self.sent_requests:
                self.wipe(f"after {test_file.name}::{test.name}")
                self.sent_requests = False
        if self.sent_requests:  # files whose tests were all skipped beforehand changed nothing
            self.wipe(f"after {test_file.name}")
        result.duration = time.monotonic() - began
        return result

    def wipe(self, when: str) -> None:
        if self.cleaner is None:
            return
        for error in self.cleaner.wipe():
            self.cleanup_errors.append(f"{when}: {error}")

    def skip_reason(self, test_file: TestFile, test: TestCase) -> str | None:
        for step in [*test_file.setup, *test.steps]:
            if step.kind in ("skip", "requires"):
                reason = step_skip_reason(step.kind, step.arg, self.dist.version)
                if reason:
                    return reason
        if not self.preflight:
            return None
        names = apis_of([*test_file.setup, *test.steps, *test_file.teardown])
        infos: dict[str, ApiInfo | None] = {name: self.catalog.get(name) for name in names}
        return self.dist.first_unavailable(names, infos) or self.dist.content_lacking(test_file.name)

    def run_test(self, test_file: TestFile, test: TestCase) -> TestResult:
        began = time.monotonic()
        reason = self.skip_reason(test_file, test)
        if reason:
            return TestResult(test.name, "skipped", reason=reason)
        self.stash.clear()
        self.test_warnings = []
        status, message, reason = "passed", None, None
        try:
            self.run_steps("setup", test_file.setup)
            self.run_steps("test", test.steps)
        except SkipTest as skip:
            status, reason = "skipped", skip.reason
        except StepFailure as failure:
            status, message = "failed", str(failure)
        try:
            self.run_steps("teardown", test_file.teardown)
        except (SkipTest, StepFailure) as failure:
            if status == "passed":
                status, message = "failed", str(failure)
        return TestResult(
            test.name,
            status,
            time.monotonic() - began,
            reason=reason,
            message=message,
            warnings=list(self.test_warnings),
        )

    def run_steps(self, section: str, steps: list[Step]) -> None:
        for step in steps:
            try:
                self.run_step(step)
            except SkipTest:
                raise
            except StepFailure as failure:
                raise StepFailure(f"{section} step {step.index + 1} ({step.kind}): {failure}") from None
            except (AssertionFailure, StashError) as failure:
                raise StepFailure(f"{section} step {step.index + 1} ({step.kind}): {failure}") from None
            except Exception as exc:  # a bug in the client or the runner: show where
                where = traceback.extract_tb(exc.__traceback__)[-1]
                raise StepFailure(
                    f"{section} step {step.index + 1} ({step.kind}): {type(exc).__name__}: {exc} "
                    f"[{where.filename}:{where.lineno}]"
                ) from None

    def run_step(self, step: Step) -> None:
        if step.kind in ("skip", "requires"):
            return  # evaluated before the test started
        if step.kind == "do":
            self.do(step.arg)
            return
        if step.kind not in CHECKS:
            raise StepFailure(f"unknown step kind {step.kind!r}")
        try:
            run_check(step.kind, self.stash.body, step.arg, self.stash)
        except AssertionFailure:
            if step.kind == "is_true" and step.arg in ("$body", "", None) and self.stash.body == "":
                raise TestDefect(
                    "test defect: is_true on the empty body of a successful response (the 9.x tests dropped it)"
                ) from None
            change = self.dist.server_change(self.current_file, step.kind, step.arg)
            if change:
                raise ServerChanged(change) from None
            raise

    # -- do --------------------------------------------------------------------------------

    def do(self, arg: Any) -> None:
        if not isinstance(arg, dict):
            raise StepFailure(f"do: expected a mapping, got {arg!r}")
        options = {k: arg[k] for k in arg if k in DO_OPTIONS}
        calls = [(k, v) for k, v in arg.items() if k not in DO_OPTIONS]
        if len(calls) != 1:
            raise StepFailure(f"do: expected exactly one API call, got {[k for k, _ in calls]}")
        api, params = calls[0]
        params = self.stash.resolve(params if params is not None else {})
        if not isinstance(params, dict):
            raise StepFailure(f"do {api}: parameters must be a mapping, got {params!r}")
        catch = self.stash.resolve(options.get("catch"))
        info = self.catalog.get(api)

        client = self.client
        client_options: dict[str, Any] = {}
        if options.get("headers"):
            client_options["headers"] = {
                str(k): str(v) for k, v in self.stash.resolve(options["headers"]).items()
            }
        if "ignore" in params:
            ignore = params.pop("ignore")
            client_options["ignore_status"] = [
                int(s) for s in (ignore if isinstance(ignore, list) else [ignore])
            ]
        if client_options:
            client = client.options(**client_options)
        try:
            method = resolve_method(client, info, api)
        except AttributeError:
            raise StepFailure(f"the client has no API {api!r}") from None
        kwargs = build_kwargs(info, params)

        self.sent_requests = True
        response: Any = None
        api_error: Any = None
        client_error: Exception | None = None
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            try:
                response = method(**kwargs)
                if inspect.isawaitable(response):  # the async client: run the call to completion
                    response = self.event_loop().run_until_complete(response)
            except self.api_error as exc:
                api_error = exc
            except (TypeError, ValueError) as exc:
                client_error = exc
        server_warnings = [str(w.message) for w in caught if issubclass(w.category, self.warning_class)]
        call = f"{api}({', '.join(sorted(kwargs))})"

        if client_error is not None:
            if catch == "param":
                return
            missing = _MISSING_ARGUMENT.search(str(client_error))
            if missing and isinstance(client_error, TypeError) and _spec_requires(info, missing[1]):
                raise TestDefect(
                    f"test defect: {api} is called without {missing[1]}, a path part of every URL "
                    f"of {api} in the {self.catalog.version} spec"
                )
            raise StepFailure(
                f"{call}: the client refused the call: {type(client_error).__name__}: {client_error}"
            )
        if catch == "param":
            raise StepFailure(
                f"{call}: expected the client to refuse the parameters, but it sent the request"
            )

        if api_error is not None:
            status, body = api_error.meta.status, api_error.body
            self.stash.body = body
            if catch is None or not self._caught(catch, status, body):
                gap = classify_error(body) or route_gap(api, info, body)
                if gap:
                    raise DistributionGap(gap)
                if catch is None:
                    raise StepFailure(f"{call}: HTTP {status}: {_short(body)}")
                raise StepFailure(f"{call}: expected error {catch!r}, got HTTP {status}: {_short(body)}")
        else:
            self.stash.body = _body_of(response)
            if catch is not None:
                raise StepFailure(
                    f"{call}: expected error {catch!r}, but the call succeeded: {_short(self.stash.body)}"
                )
        self._check_warnings(call, server_warnings, options)

    @staticmethod
    def _caught(catch: Any, status: int, body: Any) -> bool:
        catch = str(catch)
        if catch in CATCH_STATUSES:
            return CATCH_STATUSES[catch](status)
        text = as_text(body)
        if is_regex(catch):
            return compile_regex(catch).search(text) is not None
        # Not a catch name and not a /regex/: the error must mention it (e.g. an error type).
        return catch in text

    def _check_warnings(self, call: str, received: list[str], options: dict[str, Any]) -> None:
        expected = _as_list(self.stash.resolve(options.get("warnings")))
        allowed = _as_list(self.stash.resolve(options.get("allowed_warnings")))
        expected_re = [re.compile(r) for r in _as_list(options.get("warnings_regex"))]
        allowed_re = [re.compile(r) for r in _as_list(options.get("allowed_warnings_regex"))]
        missing = [w for w in expected if w not in received]
        missing += [r.pattern for r in expected_re if not any(r.search(w) for w in received)]
        if missing:
            raise StepFailure(f"{call}: expected warning(s) not received: {missing}; received: {received}")
        unexpected = [
            w
            for w in received
            if w not in expected
            and w not in allowed
            and not any(r.search(w) for r in expected_re + allowed_re)
        ]
        if not unexpected:
            return
        # The clients' tests rarely declare warnings; server deprecation warnings then fail
        # a test only in strict mode or when the step declares which warnings it expects.
        declared = any(
            k in options for k in ("warnings", "allowed_warnings", "warnings_regex", "allowed_warnings_regex")
        )
        if self.strict_warnings or declared:
            raise StepFailure(f"{call}: unexpected warning(s) from the server: {unexpected}")
        self.test_warnings.extend(w for w in unexpected if w not in self.test_warnings)


def _spec_requires(info: ApiInfo | None, names: str) -> bool:
    """Whether the keywords ``'a' and 'b'`` of a TypeError are path parts of every spec URL."""
    if info is None:
        return False
    keywords = re.findall(r"'(\w+)'", names)
    wire = {keyword: w for w, keyword in info.path_names.items()}
    return bool(keywords) and all(
        k in wire and all(f"{{{wire[k]}}}" in template for template, _ in info.http_paths) for k in keywords
    )


def _body_of(response: Any) -> Any:
    if isinstance(response, bool) or response is None:
        return response
    return getattr(response, "body", response)


def _short(value: Any, limit: int = 600) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= limit else text[:limit] + "..."
