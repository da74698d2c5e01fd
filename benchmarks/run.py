"""Compare our clients with the official ones and raw urllib3 (benchmarks/run.py).

Each suite runs its contenders in interleaved rounds of fresh processes, rotating the
order every round, so this noisy machine's drift hits every contender alike, and writes
results/<suite>.json and results/<suite>.md. A new suite is a function in SUITES; a new
contender is an entry in _runner.CONTENDERS.
"""

from __future__ import annotations

import argparse
import contextlib
import importlib.util
import inspect
import json
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, NamedTuple, TypeVar
from urllib.parse import urlsplit

import _stub
import _venvs
from _runner import DSL_HITS, ESQL_COMMANDS, _dsl_hits, _dsl_search, _esql_query, _search_answer

BENCH_DIR = Path(__file__).resolve().parent
RUNNER = BENCH_DIR / "_runner.py"
RUNNER_TIMEOUT = 600
TRANSPORT_API = "from elastic_transport import NodeConfig, Transport"
URLLIB3_2 = "import sys, urllib3; sys.exit(int(urllib3.__version__.split('.')[0]) < 2)"

Preexec = Callable[[], None] | None
Result = dict[str, Any]
T = TypeVar("T")


class ContenderFailed(Exception):
    """A contender process failed: report the contender unavailable, go on."""


@dataclass(frozen=True)
class Slot:
    """One contender of a suite: a runner contender run with one venv's Python."""

    label: str
    python: Path
    contender: str


@dataclass(frozen=True)
class Report:
    """What a suite hands back: written as results/<name>.json and .md."""

    name: str
    data: Result
    markdown: str


def _pin(cpu: int | None) -> Preexec:
    """A preexec_fn that pins the child (and what it forks) to one CPU."""
    if cpu is None:
        return None
    return lambda: os.sched_setaffinity(0, {cpu})


def _cpus(mode: str) -> tuple[int | None, int | None]:
    """Pick (server CPU, client CPU) for a pinning mode.

    "same" is the default: the request is a ping-pong, so one CPU loses no parallelism,
    and on a VM a wakeup across vCPUs costs an interrupt; rounds measured here were
    ~15% faster and less noisy than with "split" (two CPUs) or "none".
    """
    if mode == "none" or not hasattr(os, "sched_getaffinity"):
        return None, None
    cpus = sorted(os.sched_getaffinity(0))
    if mode == "split" and len(cpus) >= 2:
        return cpus[0], cpus[-1]
    return cpus[-1], cpus[-1]


def _machine() -> Result:
    cpuinfo = Path("/proc/cpuinfo")
    models = [
        line.split(":", 1)[1].strip()
        for line in (cpuinfo.read_text().splitlines() if cpuinfo.exists() else [])
        if line.startswith("model name")
    ]
    cpu = models[0] if models else platform.machine()
    system = f"{platform.system()} {platform.release()}"
    return {
        "date": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        "machine": f"{cpu}, {os.cpu_count()} CPUs, {system}",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        # Taken at the end: other work on a shared machine shows here, and in the noise.
        "load_average_1_5_15_min": [round(load, 2) for load in os.getloadavg()],
    }


def _header(info: Result) -> str:
    """Say when, where and how busy: the context a reader needs to trust a table."""
    load = "/".join(f"{value:.2f}" for value in info["load_average_1_5_15_min"])
    return f"{info['date']} · {info['machine']} · {info['python']} · load {load} (1/5/15 min)"


def _runner(slot: Slot, args: Sequence[str], preexec: Preexec) -> Result:
    """Run _runner.py for one slot and parse its JSON line."""
    command = [str(slot.python), str(RUNNER), "--contender", slot.contender, *args]
    try:
        done = subprocess.run(
            command,
            check=False,
            capture_output=True,
            text=True,
            timeout=RUNNER_TIMEOUT,
            env=_venvs.ENV,
            preexec_fn=preexec,
        )
    except subprocess.TimeoutExpired as exc:
        raise ContenderFailed(f"timed out after {RUNNER_TIMEOUT}s") from exc
    if done.returncode:
        raise ContenderFailed(f"exit {done.returncode}: {_venvs.tail(done.stderr)}")
    result: Result = json.loads(done.stdout.strip().splitlines()[-1])
    return result


def _rounds(
    slots: list[Slot], rounds: int, measure: Callable[[Slot], Result], warmup: int = 0
) -> tuple[dict[str, list[Result]], dict[str, str]]:
    """Measure every slot once per round, order rotated per round; drop warmup rounds.

    A slot that fails once is dropped with its error, so each slot returned has all
    rounds, and round i of one slot pairs with round i of another.
    """
    results: dict[str, list[Result]] = {slot.label: [] for slot in slots}
    problems: dict[str, str] = {}
    for number in range(warmup + rounds):
        shift = number % len(slots)
        for slot in slots[shift:] + slots[:shift]:
            if slot.label in problems:
                continue
            try:
                result = measure(slot)
            except ContenderFailed as exc:
                problems[slot.label] = str(exc)
                print(f"  {slot.label} failed: {exc}", flush=True)
                continue
            if number >= warmup:
                results[slot.label].append(result)
        if number >= warmup:
            print(f"  round {number - warmup + 1}/{rounds} done", flush=True)
    return {label: runs for label, runs in results.items() if label not in problems}, problems


def _baseline_on() -> bool:
    return _venvs.BASELINE in _venvs.SPECS


def _twin(label: str) -> str:
    """The baseline twin of an "ours ..." label or display name."""
    return _venvs.BASELINE + label.removeprefix("ours")


def _with_twins(entries: Mapping[str, T], twin: Callable[[T], T]) -> dict[str, T]:
    """``entries``, each "ours ..." one followed by its baseline twin when --baseline is on."""
    result: dict[str, T] = {}
    for label, value in entries.items():
        result[label] = value
        if label.startswith("ours") and _baseline_on():
            result[_twin(label)] = twin(value)
    return result


def _slots(
    wanted: Mapping[str, tuple[str, str]],
    check: str,
    floors: Mapping[str, str] | None = None,
    baseline: bool = True,
) -> tuple[list[Slot], dict[str, str]]:
    """Find the slots that run and say why the others don't.

    ``wanted`` maps a label to (venv name, runner contender), used where ``check`` runs in
    that venv; with --baseline (and ``baseline``) every "ours ..." label gets a "baseline ..."
    twin, the same contender in venv baseline. ``floors`` maps a label to a raw-urllib3
    contender, run in the first venv with urllib3 2.x, preferring ours.
    """
    if baseline:
        wanted = _with_twins(wanted, lambda spec: (_venvs.BASELINE, spec[1]))
    venvs = {name: _venvs.ensure(name) for name in _venvs.SPECS}
    slots: list[Slot] = []
    problems: dict[str, str] = {}
    for label, (venv_name, contender) in wanted.items():
        venv = venvs[venv_name].check(check)
        if venv.python is None:
            problems[label] = venv.problem
        else:
            slots.append(Slot(label, venv.python, contender))
    if floors:
        pythons = [venvs[name].check(URLLIB3_2).python for name in ("ours", "official")]
        floor = next((python for python in pythons if python is not None), None)
        for label, contender in floors.items():
            if floor is None:
                problems[label] = "no venv has urllib3 2.x"
            else:
                slots.append(Slot(label, floor, contender))
    return slots, problems


def _ratio(numerator: float | None, denominator: float | None) -> float | None:
    return None if numerator is None or denominator is None else numerator / denominator


def _fmt(value: float | None, digits: int) -> str:
    return "n/a" if value is None else f"{value:,.{digits}f}"


def _table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    """Render a Markdown table; pipes inside cells (error texts) are escaped."""

    def line(cells: Sequence[str]) -> str:
        return "| " + " | ".join(cell.replace("|", "\\|") for cell in cells) + " |"

    return "\n".join([line(headers), "|" + "---|" * len(headers), *map(line, rows)])


def _median(rounds: list[Result], key: str, scale: float = 1.0) -> float:
    return float(statistics.median(r[key] for r in rounds)) / scale


def _venv_name(slot: Slot) -> str:
    return slot.python.parent.parent.name


def _pinning(server_cpu: int | None, client_cpu: int | None) -> str:
    if client_cpu is None:
        return "not pinned to CPUs"
    return f"client on CPU {client_cpu}, nginx on CPU {server_cpu}"


def _against_stub(
    slots: list[Slot],
    args: argparse.Namespace,
    runner_args: list[str],
    pin: str = "same",
    rounds: int | None = None,
) -> tuple[dict[str, list[Result]], dict[str, str], Result]:
    """Run every slot's rounds against one nginx stub; hand back the pinning used.

    ``pin`` is the suite's default pinning mode; ``--pin`` overrides it. ``rounds``
    defaults to ``--rounds``.
    """
    server_cpu, client_cpu = _cpus(args.pin or pin)
    with _stub.running_stub(args.stub_dir, _pin(server_cpu)) as port:
        runs, failed = _rounds(
            slots,
            args.rounds if rounds is None else rounds,
            lambda slot: _runner(slot, [f"--port={port}", *runner_args], _pin(client_cpu)),
        )
    return runs, failed, {"nginx": server_cpu, "client": client_cpu}


def _per_request(slot: Slot, rounds: list[Result], unit: str = "request") -> Result:
    """One contender of a per-request suite (or, with ``unit="op"``, of the DSL ops),
    summarized over its rounds; keys name the unit (``requests_per_s``, ``cpu_us_per_op``).

    requests/s is 1e6 / median us of a round (as the bench-stub anchors are given), so one
    descheduled request does not move it.
    """
    return {
        "venv": _venv_name(slot),
        "version": rounds[0]["version"],
        "median_us": _median(rounds, "median_ns", 1000),
        "mean_us": _median(rounds, "mean_ns", 1000),
        "p90_us": _median(rounds, "p90_ns", 1000),
        f"{unit}s_per_s": 1e9 / _median(rounds, "median_ns"),
        "round_median_us": [r["median_ns"] / 1000 for r in rounds],
        # The client process's CPU time (user + system, nginx excluded) per request: less
        # disturbed than wall time when other work shares the machine.
        f"cpu_us_per_{unit}": _median(rounds, "cpu_ns_per_request", 1000),
        f"round_cpu_us_per_{unit}": [r["cpu_ns_per_request"] / 1000 for r in rounds],
        f"python_calls_per_{unit}": _median(rounds, "python_calls"),
        f"c_calls_per_{unit}": _median(rounds, "c_calls"),
        "rss_after_setup_mib": _median(rounds, "rss_setup_kib", 1024),
    }


def _per_request_rows(contenders: Result, problems: dict[str, str], names: Mapping[str, str]) -> str:
    rows = []
    for label, name in names.items():
        if label in contenders:
            c = contenders[label]
            rows.append(
                [
                    f"{name} {c['version']}",
                    c["venv"],
                    _fmt(c["median_us"], 1),
                    _fmt(c["requests_per_s"], 0),
                    _fmt(c["cpu_us_per_request"], 1),
                    _fmt(c["python_calls_per_request"], 0),
                    _fmt(c["c_calls_per_request"], 0),
                    _fmt(c["rss_after_setup_mib"], 1),
                ]
            )
        else:
            rows.append([name, "-", f"unavailable: {problems.get(label, '?')}", "", "", "", "", ""])
    headers = [
        "contender",
        "venv",
        "median us/request",
        "requests/s",
        "client CPU us/request",
        "Python calls/request",
        "C calls/request",
        "RSS after setup MiB",
    ]
    return _table(headers, rows)


def _paired(ours: list[float], official: list[float], invert: bool = False) -> list[float]:
    """Per-round ratios ours/official (official/ours with ``invert``): round i with round i."""
    pairs = zip(ours, official, strict=True)
    return [official / mine if invert else mine / official for mine, official in pairs]


def _spread(paired: list[float], digits: int = 3) -> str:
    """min-max of per-round ratios."""
    return f"{min(paired):.{digits}f}-{max(paired):.{digits}f}" if paired else ""


def _per_round(paired: list[float]) -> str:
    """The range of per-round ratios, for a goal row's detail."""
    return f"per round {_spread(paired, 2)}" if paired else ""


def _goal(what: str, target: str, measured: float | None, met: bool | None, detail: str = "") -> Result:
    return {"goal": what, "target": target, "measured": measured, "met": met, "detail": detail}


def _goal_table(goals: list[Result]) -> str:
    rows = []
    for goal in goals:
        met = "n/a" if goal["met"] is None else ("yes" if goal["met"] else "**no**")
        value = goal["measured"]
        measured = str(value) if isinstance(value, int) else _fmt(value, 3)
        if goal["detail"]:
            measured += f" ({goal['detail']})"
        rows.append([goal["goal"], goal["target"], measured, met])
    return _table(["goal", "target", "measured", "met"], rows)


class Measures(NamedTuple):
    """Where a suite's contender summaries keep what ours / baseline compares: per-round
    wall figures (``rate``: per second, so higher is faster), per-round client CPU, and the
    calls per request (or document) to add up."""

    wall: str
    rate: bool = False
    cpu: str | None = None
    calls: tuple[str, ...] = ()


PER_REQUEST = Measures(
    "round_median_us",
    cpu="round_cpu_us_per_request",
    calls=("python_calls_per_request", "c_calls_per_request"),
)
ASYNC = PER_REQUEST._replace(wall="round_requests_per_s", rate=True)
BULK = Measures("round_docs_per_s", True, "round_cpu_us_per_doc", ("python_calls_per_doc", "c_calls_per_doc"))
IMPORT = Measures("round_import_minus_bare_ms")
BASELINE_GOAL = 1.03  # ours / baseline client CPU (paired median): "within 3% of today's figures"


class VsBaseline(NamedTuple):
    """ours / baseline for a report: all empty without --baseline."""

    data: Result
    goals: list[Result]
    tables: list[str]


def _over(ours: Result, base: Result, key: str | None, invert: bool = False) -> Result | None:
    """Time ours / baseline from per-round list ``key`` (rates with ``invert``): the ratio of
    the medians over rounds, and the per-round paired ratios with their median."""
    if key is None:
        return None
    mine, theirs = statistics.median(ours[key]), statistics.median(base[key])
    paired = _paired(ours[key], base[key], invert)
    return {
        "ratio": theirs / mine if invert else mine / theirs,
        "paired_median": statistics.median(paired),
        "paired_per_round": paired,
    }


def _ratio_cells(ratio: Result | None) -> list[str]:
    if ratio is None:
        return ["n/a", "n/a", ""]
    return [_fmt(ratio["ratio"], 3), _fmt(ratio["paired_median"], 3), _spread(ratio["paired_per_round"])]


def _vs_baseline(contenders: Result, measures: Measures, args: argparse.Namespace) -> VsBaseline:
    """Compare every "ours ..." contender with its baseline twin, as time ours / baseline:
    wall time and client CPU (see _over), and calls. Within 3% is decided by the paired
    client CPU, or wall time where a suite has no CPU figure."""
    if not _baseline_on():
        return VsBaseline({}, [], [])
    ratios: Result = {}
    goals: list[Result] = []
    rows: list[list[str]] = []
    for label, ours in contenders.items():
        base = contenders.get(_twin(label)) if label.startswith("ours") else None
        if base is None:
            continue
        wall, cpu = _over(ours, base, measures.wall, measures.rate), _over(ours, base, measures.cpu)
        counts = [sum(side[key] or 0 for key in measures.calls) for side in (ours, base)]
        calls = counts[0] / counts[1] if counts[1] else None
        ratios[label] = {"wall": wall, "client_cpu": cpu, "calls": calls}
        decided = cpu or wall
        assert wall is not None and decided is not None
        what = label.removeprefix("ours").strip()
        goals.append(
            _goal(
                "ours within 3% of baseline" + (f" (`{what}`)" if what else ""),
                f"<= {BASELINE_GOAL} ({'client CPU' if cpu else 'wall time'}, paired median)",
                decided["paired_median"],
                decided["paired_median"] <= BASELINE_GOAL,
                f"wall {wall['paired_median']:.3f}, {_per_round(decided['paired_per_round'])}",
            )
        )
        rows.append([label, *_ratio_cells(wall), *_ratio_cells(cpu), _fmt(calls, 3)])
    if not rows:
        goals.append(
            _goal("ours within 3% of baseline", f"<= {BASELINE_GOAL}", None, None, "no baseline measured")
        )
    headers = [
        "ours / baseline",
        "wall",
        "wall, paired",
        "per round",
        "client CPU",
        "CPU, paired",
        "per round",
        "calls",
    ]
    what = (
        f"ours / baseline, baseline `{args.baseline_ref or args.baseline}` at {args.baseline_commit}:"
        " the same contenders in venv `baseline`, in the same rounds. Wall time and client CPU"
        " per request (or document) ours over baseline, below 1 is ours cheaper: the ratio of the"
        " medians over rounds, and the median and range of per-round paired ratios (round i with"
        " round i); calls: Python + C calls per request or document, ours over baseline."
    )
    data = {
        "baseline": {
            "checkout": str(args.baseline),
            "ref": args.baseline_ref,
            "commit": args.baseline_commit,
        },
        "ours_over_baseline": ratios,
    }
    return VsBaseline(data, goals, [what, _table(headers, rows)])


def suite_transport(args: argparse.Namespace) -> Report:
    """Measure Transport.perform_request: official vs ours vs raw urllib3."""
    wanted = {"official": ("official", "transport"), "ours": ("ours", "transport")}
    slots, problems = _slots(wanted, TRANSPORT_API, {"raw": "urllib3"})
    runner_args = [f"--n={args.n}", f"--warmup={args.warmup}", f"--profile-n={args.profile_n}"]
    runs, failed, pinning = _against_stub(slots, args, runner_args)
    problems.update(failed)
    contenders = {slot.label: _per_request(slot, runs[slot.label]) for slot in slots if slot.label in runs}

    def median(label: str) -> float | None:
        return contenders[label]["median_us"] if label in contenders else None

    ratios = {
        "ours/raw": _ratio(median("ours"), median("raw")),
        "official/raw": _ratio(median("official"), median("raw")),
        "ours/official": _ratio(median("ours"), median("official")),
    }
    paired: list[float] = []
    if "ours" in contenders and "official" in contenders:
        paired = _paired(contenders["ours"]["round_median_us"], contenders["official"]["round_median_us"])
    cheaper = None if not paired else all(ratio < 1 for ratio in paired)
    vs_baseline = _vs_baseline(contenders, PER_REQUEST, args)

    info = _machine()
    data = {
        **info,
        "suite": "transport",
        "request": 'Transport([NodeConfig("http", "127.0.0.1", port)])'
        '.perform_request("GET", "/bench/_doc/1")',
        "rounds": args.rounds,
        "requests_per_round": args.n,
        "warmup_requests": args.warmup,
        "profiled_requests": args.profile_n,
        "cpu_pinning": pinning,
        "contenders": contenders,
        "unavailable": problems,
        "ratios": ratios,
        "paired_ours_over_official": paired,
        "ours_cheaper_in_every_round": cheaper,
        **vs_baseline.data,
    }
    names = _with_twins(
        {"official": "official elastic-transport", "ours": "ours", "raw": "raw urllib3"}, _twin
    )
    verdict = "n/a" if cheaper is None else ("yes" if cheaper else "no")
    if paired:
        verdict += f" (per-round ours/official {_spread(paired)})"
    ratio_rows = [[name, _fmt(value, 3)] for name, value in ratios.items()]
    ratio_rows.append(["ours cheaper than official in every paired round", verdict])
    setup = (
        f"{_header(info)} · {args.rounds} paired"
        f" rounds x {args.n} requests (warmup {args.warmup}; calls counted over"
        f" {args.profile_n}) · {_pinning(pinning['nginx'], pinning['client'])}"
    )
    what = f"`{data['request']}` against the nginx stub; medians over rounds of each round's median."
    tables = [_per_request_rows(contenders, problems, names), _table(["ratio", "value"], ratio_rows)]
    if vs_baseline.goals:
        tables += [*vs_baseline.tables, _goal_table(vs_baseline.goals)]
    markdown = "\n\n".join(["# transport per-request cost", setup, what, *tables])
    return Report("transport", data, markdown + "\n")


CLIENT_GOAL = 1.3  # ours/official requests/s, get and search (issue 3)
ASYNC_GOAL = 1.5  # ours/official requests/s, AsyncElasticsearch.get with 32 tasks
IMPORT_GOAL = 0.4  # ours/official `import elasticsearch` ms, minus `python -c pass`
RSS_GOAL_MIB = 30.0  # ours, after `import elasticsearch` and one client
BULK_GOAL = 3.0  # ours/official docs/s, helpers with the default serializer (issue 5)
CLIENT_CALLS = {
    "get": 'Elasticsearch("http://127.0.0.1:port").get(index="bench", id="1")',
    "search": 'Elasticsearch("http://127.0.0.1:port").search(index="bench", query={"match_all": {}})',
}


def suite_client(args: argparse.Namespace) -> Report:
    """Measure client.get and client.search per call: official (majors.json) vs ours vs raw urllib3."""
    wanted = {
        f"{venv} {call}": (venv, f"client_{call}") for call in CLIENT_CALLS for venv in ("official", "ours")
    }
    floors = {"raw get": "urllib3", "raw search": "urllib3_search"}
    slots, problems = _slots(wanted, "from elasticsearch import Elasticsearch", floors)
    runner_args = [f"--n={args.n}", f"--warmup={args.warmup}", f"--profile-n={args.profile_n}"]
    runs, failed, pinning = _against_stub(slots, args, runner_args)
    problems.update(failed)
    contenders = {slot.label: _per_request(slot, runs[slot.label]) for slot in slots if slot.label in runs}

    goals = []
    ratios: Result = {}
    for call in CLIENT_CALLS:
        ours, official, raw = (contenders.get(f"{who} {call}") for who in ("ours", "official", "raw"))
        speedup = (
            None if ours is None or official is None else ours["requests_per_s"] / official["requests_per_s"]
        )
        paired = []
        if ours is not None and official is not None:
            paired = _paired(ours["round_median_us"], official["round_median_us"], invert=True)
        ratios[call] = {
            "ours_over_official_requests_per_s": speedup,
            "paired_per_round": paired,
            "official_cpu_over_ours_cpu": None
            if ours is None or official is None
            else official["cpu_us_per_request"] / ours["cpu_us_per_request"],
            "ours_us_over_raw_us": None
            if ours is None or raw is None
            else ours["median_us"] / raw["median_us"],
            "official_us_over_raw_us": None
            if official is None or raw is None
            else official["median_us"] / raw["median_us"],
        }
        detail = _per_round(paired)
        met = None if speedup is None else speedup >= CLIENT_GOAL
        goals.append(
            _goal(f"`client.{call}` requests/s, ours/official", f">= {CLIENT_GOAL}", speedup, met, detail)
        )
    vs_baseline = _vs_baseline(contenders, PER_REQUEST, args)
    goals += vs_baseline.goals

    info = _machine()
    data = {
        **info,
        "suite": "client",
        "calls": CLIENT_CALLS,
        "rounds": args.rounds,
        "requests_per_round": args.n,
        "warmup_requests": args.warmup,
        "profiled_requests": args.profile_n,
        "cpu_pinning": pinning,
        "contenders": contenders,
        "unavailable": problems,
        "ratios": ratios,
        "goals": goals,
        **vs_baseline.data,
    }
    names = {
        f"{who} {call}": f"{name} `{call}`"
        for call in CLIENT_CALLS
        for who, name in (("official", "official elasticsearch"), ("ours", "ours"), ("raw", "raw urllib3"))
    }
    names = _with_twins(names, _twin)
    ratio_rows = []
    for call, values in ratios.items():
        ratio_rows.append(
            [
                f"`{call}`",
                _fmt(values["ours_over_official_requests_per_s"], 3),
                _fmt(values["official_cpu_over_ours_cpu"], 3),
                _fmt(values["ours_us_over_raw_us"], 3),
                _fmt(values["official_us_over_raw_us"], 3),
            ]
        )
    ratio_headers = [
        "call",
        "requests/s ours/official",
        "client CPU official/ours",
        "us ours/raw",
        "us official/raw",
    ]
    ratio_table = _table(ratio_headers, ratio_rows)
    setup = (
        f"{_header(info)} · {args.rounds} paired rounds x {args.n} calls (warmup {args.warmup};"
        f" calls counted over {args.profile_n}) · {_pinning(pinning['nginx'], pinning['client'])}"
    )
    what = "\n".join(
        [f"- `{call}`: `{code}`" for call, code in CLIENT_CALLS.items()]
        + [
            "- raw urllib3: one `HTTPConnectionPool`, stdlib `json` (search: POST with a JSON body).",
            "",
            "Against the nginx stub; medians over rounds of each round's median;"
            " requests/s = 1e6 / median us.",
        ]
    )
    tables = [
        _per_request_rows(contenders, problems, names),
        ratio_table,
        *vs_baseline.tables,
        _goal_table(goals),
    ]
    markdown = "\n\n".join(["# client per-call cost", setup, what, *tables])
    return Report("client", data, markdown + "\n")


def suite_async(args: argparse.Namespace) -> Report:
    """Measure AsyncElasticsearch.get throughput with concurrent tasks: official vs ours."""
    wanted = {"official": ("official", "async_get"), "ours": ("ours", "async_get")}
    slots, problems = _slots(wanted, "from elasticsearch import AsyncElasticsearch; import aiohttp")
    runner_args = [
        f"--n={args.async_n}",
        f"--warmup={args.async_warmup}",
        f"--profile-n={args.async_profile_n}",
        f"--concurrency={args.concurrency}",
    ]
    # Split by default: 32 tasks keep the client busy on its own CPU, as with a real server
    # elsewhere; on one shared CPU nginx's share of every request would blur the comparison.
    runs, failed, pinning = _against_stub(slots, args, runner_args, pin="split")
    problems.update(failed)
    contenders: Result = {}
    for slot in slots:
        if slot.label not in runs:
            continue
        rounds = runs[slot.label]
        contenders[slot.label] = {
            "venv": _venv_name(slot),
            "version": rounds[0]["version"],
            "requests_per_s": _median(rounds, "requests_per_s"),
            "round_requests_per_s": [r["requests_per_s"] for r in rounds],
            "cpu_us_per_request": _median(rounds, "cpu_ns_per_request", 1000),
            "round_cpu_us_per_request": [r["cpu_ns_per_request"] / 1000 for r in rounds],
            "python_calls_per_request": _median(rounds, "python_calls"),
            "c_calls_per_request": _median(rounds, "c_calls"),
        }
    speedup = cpu_ratio = None
    paired: list[float] = []
    if "ours" in contenders and "official" in contenders:
        speedup = contenders["ours"]["requests_per_s"] / contenders["official"]["requests_per_s"]
        cpu_ratio = contenders["official"]["cpu_us_per_request"] / contenders["ours"]["cpu_us_per_request"]
        paired = _paired(
            contenders["ours"]["round_requests_per_s"], contenders["official"]["round_requests_per_s"]
        )
    detail = _per_round(paired)
    met = None if speedup is None else speedup >= ASYNC_GOAL
    goals = [
        _goal("`AsyncElasticsearch.get` requests/s, ours/official", f">= {ASYNC_GOAL}", speedup, met, detail),
        _goal(
            "client CPU per request, official/ours (context, not the goal)",
            "-",
            cpu_ratio,
            None,
        ),
    ]
    vs_baseline = _vs_baseline(contenders, ASYNC, args)
    goals += vs_baseline.goals

    info = _machine()
    call = 'await AsyncElasticsearch("http://127.0.0.1:port").get(index="bench", id="1")'
    data = {
        **info,
        "suite": "async",
        "call": call,
        "concurrency": args.concurrency,
        "rounds": args.rounds,
        "requests_per_round": args.async_n,
        "warmup_requests": args.async_warmup,
        "profiled_requests": args.async_profile_n,
        "cpu_pinning": pinning,
        "contenders": contenders,
        "unavailable": problems,
        "ours_over_official": speedup,
        "paired_ours_over_official": paired,
        "official_cpu_over_ours_cpu": cpu_ratio,
        "goals": goals,
        **vs_baseline.data,
    }
    rows = []
    for label, name in _with_twins({"official": "official elasticsearch", "ours": "ours"}, _twin).items():
        if label in contenders:
            c = contenders[label]
            rows.append(
                [
                    f"{name} {c['version']}",
                    c["venv"],
                    _fmt(c["requests_per_s"], 0),
                    _fmt(c["cpu_us_per_request"], 1),
                    _fmt(c["python_calls_per_request"], 0),
                    _fmt(c["c_calls_per_request"], 0),
                ]
            )
        else:
            rows.append([name, "-", f"unavailable: {problems.get(label, '?')}", "", "", ""])
    headers = [
        "contender",
        "venv",
        "requests/s",
        "client CPU us/request",
        "Python calls/request",
        "C calls/request",
    ]
    table = _table(headers, rows)
    setup = (
        f"{_header(info)} · {args.rounds} paired rounds x {args.async_n} requests, {args.concurrency}"
        f" tasks at a time (warmup {args.async_warmup}; calls counted over {args.async_profile_n})"
        f" · {_pinning(pinning['nginx'], pinning['client'])}"
    )
    what = (
        f"`{call}` with aiohttp, in batches of `asyncio.gather` over {args.concurrency} tasks, against"
        " the nginx stub; requests/s is the median over rounds of each round's total / elapsed."
    )
    markdown = "\n\n".join(
        ["# async client throughput", setup, what, table, *vs_baseline.tables, _goal_table(goals)]
    )
    return Report("async", data, markdown + "\n")


BULK_HELPERS = {
    "bulk": "helpers.bulk(client, actions, chunk_size=500)",
    "streaming_bulk": "for ok, item in helpers.streaming_bulk(client, actions, chunk_size=500): ...",
}
BULK_SERIALIZERS = {"": "default serializer", "_orjson": "`serializer=OrjsonSerializer()`"}
# ours only: the default serializer on a machine without orjson (which ours uses when it can)
BULK_STDLIB = "_stdlib", "default serializer, orjson not importable"
BULK_API = "from elasticsearch import helpers; from elasticsearch.serializer import OrjsonSerializer"


def _bulk_contenders(slots: list[Slot], runs: dict[str, list[Result]]) -> Result:
    """Each bulk contender summarized over its rounds (medians, and every round's docs/s)."""
    contenders: Result = {}
    for slot in slots:
        if slot.label not in runs:
            continue
        rounds = runs[slot.label]
        profiled = "python_calls" in rounds[0]
        contenders[slot.label] = {
            "venv": _venv_name(slot),
            "version": rounds[0]["version"],
            "docs_per_s": _median(rounds, "docs_per_s"),
            "round_docs_per_s": [r["docs_per_s"] for r in rounds],
            "cpu_us_per_doc": _median(rounds, "cpu_ns_per_doc", 1000),
            "round_cpu_us_per_doc": [r["cpu_ns_per_doc"] / 1000 for r in rounds],
            "python_calls_per_doc": _median(rounds, "python_calls") if profiled else None,
            "c_calls_per_doc": _median(rounds, "c_calls") if profiled else None,
            "rss_after_setup_mib": _median(rounds, "rss_setup_kib", 1024),
        }
    return contenders


def _bulk_compare(contenders: Result, mine: str, theirs: str) -> Result:
    """docs/s of ``mine`` over ``theirs`` (medians, and round by round) and the inverse CPU ratio."""
    a, b = contenders.get(mine), contenders.get(theirs)
    if a is None or b is None:
        return {"docs_per_s": None, "paired_per_round": [], "cpu": None}
    return {
        "docs_per_s": a["docs_per_s"] / b["docs_per_s"],
        "paired_per_round": _paired(a["round_docs_per_s"], b["round_docs_per_s"]),
        "cpu": b["cpu_us_per_doc"] / a["cpu_us_per_doc"],
    }


def _ratio_rows(ratios: Result) -> str:
    rows = []
    for helper, values in ratios.items():
        for what, value in values.items():
            paired = value["paired_per_round"]
            rows.append(
                [
                    f"`{helper}`",
                    what,
                    _fmt(value["docs_per_s"], 2),
                    _spread(paired, 2) or "n/a",
                    _fmt(value["cpu"], 2),
                ]
            )
    return _table(["helper", "ratio", "docs/s", "per round", "client CPU/doc, second/first"], rows)


def suite_bulk(args: argparse.Namespace) -> Report:
    """Measure helpers.bulk and helpers.streaming_bulk docs/s: official vs ours, x serializer."""
    wanted = {
        f"{venv} {helper}{serializer}": (venv, f"{helper}{serializer}")
        for helper in BULK_HELPERS
        for serializer in BULK_SERIALIZERS
        for venv in ("official", "ours")
    }
    wanted.update(
        {f"ours {helper}{BULK_STDLIB[0]}": ("ours", f"{helper}{BULK_STDLIB[0]}") for helper in BULK_HELPERS}
    )
    slots, problems = _slots(wanted, BULK_API, {"raw": "urllib3_bulk"})
    runner_args = [
        f"--n={args.bulk_n}",
        f"--warmup={args.bulk_warmup}",
        f"--profile-n={args.bulk_profile_n}",
    ]
    # Split: nginx reads each 500-action body and sends its 500-item answer on its own CPU,
    # as a real server elsewhere would, so the client's CPU is the client's alone.
    runs, failed, pinning = _against_stub(slots, args, runner_args, pin="split", rounds=args.bulk_rounds)
    problems.update(failed)
    contenders = _bulk_contenders(slots, runs)

    def compare(mine: str, theirs: str) -> Result:
        return _bulk_compare(contenders, mine, theirs)

    comparisons = {
        "ours default / official default": ("ours {}", "official {}"),
        "ours orjson / official orjson": ("ours {}_orjson", "official {}_orjson"),
        "ours default / official orjson": ("ours {}", "official {}_orjson"),
        "ours without orjson / official default": ("ours {}_stdlib", "official {}"),
        "ours default / raw floor": ("ours {}", "raw"),
        "official default / raw floor": ("official {}", "raw"),
    }
    ratios: Result = {
        helper: {
            what: compare(mine.format(helper), theirs.format(helper))
            for what, (mine, theirs) in comparisons.items()
        }
        for helper in BULK_HELPERS
    }
    goals = []
    for helper in BULK_HELPERS:
        headline = ratios[helper]["ours default / official default"]
        paired = headline["paired_per_round"]
        detail = _per_round(paired)
        met = None if headline["docs_per_s"] is None else headline["docs_per_s"] >= BULK_GOAL
        goals.append(
            _goal(
                f"`helpers.{helper}` docs/s, ours/official (default serializers)",
                f">= {BULK_GOAL:g}",
                headline["docs_per_s"],
                met,
                detail,
            )
        )
        goals.append(
            _goal(
                f"`helpers.{helper}` docs/s, ours/official, both with OrjsonSerializer (context)",
                "-",
                ratios[helper]["ours orjson / official orjson"]["docs_per_s"],
                None,
            )
        )
        goals.append(
            _goal(
                f"`helpers.{helper}` docs/s, ours without orjson installed / official default (context)",
                "-",
                ratios[helper]["ours without orjson / official default"]["docs_per_s"],
                None,
            )
        )
    vs_baseline = _vs_baseline(contenders, BULK, args)
    goals += vs_baseline.goals

    info = _machine()
    data = {
        **info,
        "suite": "bulk",
        "helpers": BULK_HELPERS,
        "documents": '{"_index": "bench", "title": f"doc {i}", "n": i} for i in range(n)',
        "chunk_size": 500,
        "rounds": args.bulk_rounds,
        "docs_per_round": args.bulk_n,
        "warmup_docs": args.bulk_warmup,
        "profiled_docs": args.bulk_profile_n,
        "cpu_pinning": pinning,
        "contenders": contenders,
        "unavailable": problems,
        "ratios": ratios,
        "goals": goals,
        **vs_baseline.data,
    }
    names = {
        f"{venv} {helper}{serializer}": (f"{name} `{helper}`", what)
        for helper in BULK_HELPERS
        for serializer, what in BULK_SERIALIZERS.items()
        for venv, name in (("official", "official elasticsearch"), ("ours", "ours"))
    }
    names.update(
        {f"ours {helper}{BULK_STDLIB[0]}": (f"ours `{helper}`", BULK_STDLIB[1]) for helper in BULK_HELPERS}
    )
    names = _with_twins(names, lambda name: (_twin(name[0]), name[1]))
    names["raw"] = ("raw urllib3 + orjson NDJSON", "orjson")
    rows = []
    for label, (name, serializer) in names.items():
        if label in contenders:
            c = contenders[label]
            rows.append(
                [
                    f"{name} {c['version']}",
                    serializer,
                    c["venv"],
                    _fmt(c["docs_per_s"], 0),
                    _fmt(c["cpu_us_per_doc"], 2),
                    _fmt(c["python_calls_per_doc"], 1),
                    _fmt(c["c_calls_per_doc"], 1),
                    _fmt(c["rss_after_setup_mib"], 1),
                ]
            )
        else:
            rows.append([name, serializer, "-", f"unavailable: {problems.get(label, '?')}", "", "", "", ""])
    headers = [
        "contender",
        "serializer",
        "venv",
        "docs/s",
        "client CPU us/doc",
        "Python calls/doc",
        "C calls/doc",
        "RSS after setup MiB",
    ]
    ratio_table = _ratio_rows(ratios)
    setup = (
        f"{_header(info)} · {args.bulk_rounds} paired rounds x {args.bulk_n:,} documents in chunks of"
        f" 500 (warmup {args.bulk_warmup:,}; calls counted over {args.bulk_profile_n:,})"
        f" · {_pinning(pinning['nginx'], pinning['client'])}"
    )
    what = "\n".join(
        [f"- `{helper}`: `{code}`" for helper, code in BULK_HELPERS.items()]
        + [
            f"- documents: `{data['documents']}`, generated inside the timed call.",
            '- client: `Elasticsearch("http://127.0.0.1:port")`, or with `serializer=OrjsonSerializer()`.'
            " Both venvs have orjson installed; ours uses it for the default serializer's documents"
            " (writing what the standard library writes), the official client does not. *orjson not"
            ' importable*: ours with `sys.modules["orjson"] = None`, as on a machine without it.',
            "- raw floor: the same documents as orjson NDJSON lines, `POST /_bulk` with one urllib3"
            " `HTTPConnectionPool` per 500 actions, answer parsed with orjson (its own calls, in"
            " `_runner.py`, are not counted).",
            "",
            "Against the nginx stub (every bulk request answered with 500 created items);"
            " docs/s is the median over rounds of each round's documents / elapsed; every round"
            " checks that every document was acknowledged.",
        ]
    )
    markdown = "\n\n".join(
        [
            "# bulk helpers throughput",
            setup,
            what,
            _table(headers, rows),
            ratio_table,
            *vs_baseline.tables,
            _goal_table(goals),
        ]
    )
    return Report("bulk", data, markdown + "\n")


BULK_ES_GOAL = 1.0  # ours/official docs/s into a real Elasticsearch: not slower (issue 5)


def suite_bulk_es(args: argparse.Namespace) -> Report:
    """helpers.bulk and streaming_bulk into a real local Elasticsearch: official vs ours.

    Every round of every contender indexes into a fresh one-shard index; the documents
    are counted in the cluster afterwards and a round that lost one fails its contender.
    """
    wanted = {f"{venv} {helper}": (venv, helper) for helper in BULK_HELPERS for venv in ("official", "ours")}
    slots, problems = _slots(wanted, BULK_API, {"raw": "urllib3_bulk"}, baseline=False)
    sent = args.bulk_es_warmup + args.bulk_es_n
    runner_args = [f"--n={args.bulk_es_n}", f"--warmup={args.bulk_es_warmup}", "--profile-n=0"]
    import _cluster  # needs escluster: see _with_escluster

    with _cluster.running_cluster(args.bulk_es_stack) as (url, version):
        port = urlsplit(url).port

        def measure(slot: Slot) -> Result:
            _cluster.reset_index(url, "bench")
            result = _runner(slot, [f"--port={port}", *runner_args], None)
            indexed = _cluster.count(url, "bench")
            if indexed != sent:
                raise ContenderFailed(f"{indexed:,} documents in the index for {sent:,} sent")
            return {**result, "indexed": indexed}

        # One dropped round first: the JVM compiles its bulk path while it runs.
        runs, failed = _rounds(slots, args.bulk_es_rounds, measure, warmup=1)
    problems.update(failed)
    contenders = _bulk_contenders(slots, runs)
    ratios: Result = {
        helper: {
            "ours / official": _bulk_compare(contenders, f"ours {helper}", f"official {helper}"),
            "ours / raw floor": _bulk_compare(contenders, f"ours {helper}", "raw"),
            "official / raw floor": _bulk_compare(contenders, f"official {helper}", "raw"),
        }
        for helper in BULK_HELPERS
    }
    goals = []
    for helper in BULK_HELPERS:
        headline = ratios[helper]["ours / official"]
        paired = headline["paired_per_round"]
        goals.append(
            _goal(
                f"`helpers.{helper}` docs/s into Elasticsearch {version}, ours/official",
                f">= {BULK_ES_GOAL:g} (not slower)",
                headline["docs_per_s"],
                None if headline["docs_per_s"] is None else headline["docs_per_s"] >= BULK_ES_GOAL,
                _per_round(paired),
            )
        )
    info = _machine()
    data = {
        **info,
        "suite": "bulk-es",
        "elasticsearch": version,
        "index_settings": _cluster.INDEX_SETTINGS,
        "helpers": BULK_HELPERS,
        "chunk_size": 500,
        "rounds": args.bulk_es_rounds,
        "docs_per_round": args.bulk_es_n,
        "warmup_docs": args.bulk_es_warmup,
        "contenders": contenders,
        "unavailable": problems,
        "ratios": ratios,
        "goals": goals,
    }
    names = {
        f"{venv} {helper}": f"{name} `{helper}`"
        for helper in BULK_HELPERS
        for venv, name in (("official", "official elasticsearch"), ("ours", "ours"))
    }
    names["raw"] = "raw urllib3 + orjson NDJSON"
    rows = []
    for label, name in names.items():
        if label in contenders:
            c = contenders[label]
            rows.append(
                [
                    f"{name} {c['version']}",
                    c["venv"],
                    _fmt(c["docs_per_s"], 0),
                    ", ".join(f"{v:,.0f}" for v in c["round_docs_per_s"]),
                    _fmt(c["cpu_us_per_doc"], 2),
                ]
            )
        else:
            rows.append([name, "-", f"unavailable: {problems.get(label, '?')}", "", ""])
    headers = ["contender", "venv", "docs/s (median)", "docs/s per round", "client CPU us/doc"]
    setup = (
        f"{_header(info)} · Elasticsearch {version}, one local node (ci/escluster), not pinned to CPUs"
        f" · {args.bulk_es_rounds} paired rounds (one more dropped first) x {args.bulk_es_n:,}"
        f" documents after {args.bulk_es_warmup:,} untimed, in chunks of 500"
    )
    what = (
        "Same calls and documents as the `bulk` suite, into a real cluster: before every run the"
        " index `bench` is recreated (1 shard, 0 replicas), after it the harness refreshes and"
        f" counts it over plain HTTP; every run had all {sent:,} documents in the index."
        " Client and Elasticsearch share this machine's CPUs, so client CPU saved is server CPU"
        " gained."
    )
    markdown = "\n\n".join(
        [
            "# bulk helpers into a real Elasticsearch",
            setup,
            what,
            _table(headers, rows),
            _ratio_rows(ratios),
            _goal_table(goals),
        ]
    )
    return Report("bulk-es", data, markdown + "\n")


def _run_code(python: Path, code: str) -> tuple[float, str]:
    """Run `python -c code`; its wall ms (what a user waits for, startup included) and stdout."""
    start = time.perf_counter_ns()
    done = subprocess.run(
        [str(python), "-c", code],
        check=False,
        capture_output=True,
        text=True,
        env=_venvs.ENV,
    )
    elapsed = (time.perf_counter_ns() - start) / 1e6
    if done.returncode:
        raise ContenderFailed(f"`{code}` failed: {_venvs.tail(done.stderr)}")
    return elapsed, done.stdout


@dataclass(frozen=True)
class ImportCase:
    """What one import-suite slot imports, then builds (for the RSS and the with-client time)."""

    imports: str
    client: str


IMPORT_CASES = {
    "transport": ImportCase(
        "import elastic_transport",
        "from elastic_transport import NodeConfig, Transport; Transport([NodeConfig('http', '127.0.0.1', 9200)])",
    ),
    "urllib3": ImportCase(
        "import json, urllib3", "import json, urllib3; urllib3.HTTPConnectionPool('127.0.0.1', 9200)"
    ),
    "client_get": ImportCase(
        "import elasticsearch",
        "from elasticsearch import Elasticsearch; Elasticsearch('http://127.0.0.1:9200')",
    ),
    "dsl_import": ImportCase(
        "from elasticsearch.dsl import Search, Document",
        "from elasticsearch.dsl import Search, Document; Search(index='bench').to_dict()",
    ),
}
# Modules before and after the import, and how many of them are elasticsearch.dsl's.
COUNT_MODULES = (
    "import sys; before = len(sys.modules); {}; print(before, len(sys.modules),"
    " sum(m == 'elasticsearch.dsl' or m.startswith('elasticsearch.dsl.') for m in sys.modules))"
)


def _import_runs(slots: list[Slot], runs: int) -> tuple[Result, dict[str, str]]:
    """Time each slot's IMPORT_CASES entry in fresh processes, ``runs`` interleaved rounds
    (one warmup round dropped), and summarize it: medians minus `python -c pass`, modules
    added, RSS after import + client (read by _runner.py). Also returns the slots that failed."""
    modules: dict[str, tuple[int, int, int]] = {}

    def measure(slot: Slot) -> Result:
        case = IMPORT_CASES[slot.contender]
        result = _runner(slot, ["--n=0"], None)
        result["bare_ms"] = _run_code(slot.python, "pass")[0]
        result["import_ms"], _ = _run_code(slot.python, case.imports)
        result["client_ms"], _ = _run_code(slot.python, case.client)
        if slot.label not in modules:  # exact, so once is enough
            before, after, dsl = _run_code(slot.python, COUNT_MODULES.format(case.imports))[1].split()
            modules[slot.label] = (int(before), int(after), int(dsl))
        return result

    runs_by_label, failed = _rounds(slots, runs, measure, warmup=1)
    contenders: Result = {}
    for slot in slots:
        if slot.label not in runs_by_label:
            continue
        rounds = runs_by_label[slot.label]
        bare = _median(rounds, "bare_ms")
        case = IMPORT_CASES[slot.contender]
        before, after, dsl = modules[slot.label]
        contenders[slot.label] = {
            "venv": _venv_name(slot),
            "version": rounds[0]["version"],
            "code": case.imports,
            "with_client_code": case.client,
            "import_ms": _median(rounds, "import_ms"),
            "bare_python_ms": bare,
            "import_minus_bare_ms": _median(rounds, "import_ms") - bare,
            "round_import_minus_bare_ms": [r["import_ms"] - r["bare_ms"] for r in rounds],
            "with_client_minus_bare_ms": _median(rounds, "client_ms") - bare,
            "modules_after_import": after,
            "modules_added_by_import": after - before,
            "dsl_modules_after_import": dsl,
            "rss_runner_alone_mib": _median(rounds, "rss_start_kib", 1024),
            "rss_after_setup_mib": _median(rounds, "rss_setup_kib", 1024),
        }
    return contenders, failed


def _import_rows(contenders: Result, problems: dict[str, str], labels: Sequence[str], client: str) -> str:
    """The import table, one row per label (and its baseline twin); ``client``: what the
    import + client column builds."""
    rows = []
    for label in _with_twins({label: label for label in labels}, _twin):
        if label in contenders:
            c = contenders[label]
            rows.append(
                [
                    f"{label} {c['version']}",
                    c["venv"],
                    f"`{c['code']}`",
                    _fmt(c["import_ms"], 1),
                    _fmt(c["import_minus_bare_ms"], 1),
                    _fmt(c["with_client_minus_bare_ms"], 1),
                    f"{c['modules_after_import']} (+{c['modules_added_by_import']})",
                    _fmt(c["rss_after_setup_mib"], 1),
                    _fmt(c["rss_runner_alone_mib"], 1),
                ]
            )
        else:
            rows.append([label, "-", f"unavailable: {problems.get(label, '?')}", "", "", "", "", "", ""])
    headers = [
        "contender",
        "venv",
        "python -c",
        "wall ms",
        "minus `python -c pass` ms",
        f"import + {client}, minus `pass` ms",
        "modules after import (added)",
        f"RSS after import + {client} MiB",
        "RSS runner alone MiB",
    ]
    return _table(headers, rows)


def _import_ratio(contenders: Result, ours: str, official: str) -> tuple[float | None, list[float]]:
    """Import ms minus bare, ours/official: the ratio of the medians and the per-round ratios."""
    mine, theirs = contenders.get(ours), contenders.get(official)
    if mine is None or theirs is None:
        return None, []
    ratio = mine["import_minus_bare_ms"] / theirs["import_minus_bare_ms"]
    return ratio, _paired(mine["round_import_minus_bare_ms"], theirs["round_import_minus_bare_ms"])


def suite_import(args: argparse.Namespace) -> Report:
    """Measure import wall time, modules and memory after import + client, per contender."""
    transport, _ = _slots(
        {"official transport": ("official", "transport"), "ours transport": ("ours", "transport")},
        TRANSPORT_API,
        {"raw urllib3": "urllib3"},
    )
    clients, problems = _slots(
        {"official elasticsearch": ("official", "client_get"), "ours elasticsearch": ("ours", "client_get")},
        "import elasticsearch",
    )
    contenders, failed = _import_runs(transport + clients, args.import_runs)
    problems.update(failed)

    goals = []
    ours, official = contenders.get("ours elasticsearch"), contenders.get("official elasticsearch")
    ratio, paired = _import_ratio(contenders, "ours elasticsearch", "official elasticsearch")
    detail = _per_round(paired)
    met = None if ratio is None else ratio <= IMPORT_GOAL
    goals.append(
        _goal(
            "`import elasticsearch` ms (minus bare), ours/official", f"<= {IMPORT_GOAL}", ratio, met, detail
        )
    )
    rss = None if ours is None else ours["rss_after_setup_mib"]
    official_rss = f"official {official['rss_after_setup_mib']:.1f} MiB" if official else ""
    met = None if rss is None else rss <= RSS_GOAL_MIB
    goals.append(
        _goal(
            "RSS after `import elasticsearch` + one client, ours, MiB",
            f"<= {RSS_GOAL_MIB:g}",
            rss,
            met,
            official_rss,
        )
    )
    vs_baseline = _vs_baseline(contenders, IMPORT, args)
    goals += vs_baseline.goals

    info = _machine()
    data = {
        **info,
        "suite": "import",
        "runs": args.import_runs,
        "contenders": contenders,
        "unavailable": problems,
        "ours_over_official_import": ratio,
        "paired_ours_over_official_import": paired,
        "goals": goals,
        **vs_baseline.data,
    }
    labels = [
        "official transport",
        "ours transport",
        "raw urllib3",
        "official elasticsearch",
        "ours elasticsearch",
    ]
    setup = f"{_header(info)} · medians of {args.import_runs} interleaved runs (one warmup run dropped)"
    what = (
        "Each run is a fresh process. *import + client* also builds one client (no request):"
        " `Elasticsearch('http://127.0.0.1:9200')`, `Transport([NodeConfig(...)])` or an"
        " `HTTPConnectionPool`. RSS is read in `_runner.py` after the same import and client."
    )
    markdown = "\n\n".join(
        [
            "# import time and memory",
            setup,
            what,
            _import_rows(contenders, problems, labels, "client"),
            *vs_baseline.tables,
            _goal_table(goals),
        ]
    )
    return Report("import", data, markdown + "\n")


DSL_IMPORT = IMPORT_CASES["dsl_import"].imports
DSL_API = "from elasticsearch.dsl import Q, Response, Search"
ES_IMPORT_TODAY = 0.12  # ours/official `import elasticsearch` before the DSL (results/import.md)
ES_IMPORT_LIMIT = 0.15  # "stays around" today's ratio: its per-round spread there was 0.09-0.14
DSL_IMPORT_GOAL = 0.5  # ours/official `from elasticsearch.dsl import Search, Document` ms, minus bare
DSL_OPS_GOAL = 2.0  # ours/official ops/s, building a search and reading a 1,000-hit answer
DSL_OPS = {
    "search": "a `Search` of 10 query clauses and 2 aggregations (one with a sub-aggregation), `to_dict()`",
    "hits": f"`Response` of {DSL_HITS:,} hits, every field of every hit read",
}
DSL_OP = Measures(
    "round_median_us", cpu="round_cpu_us_per_op", calls=("python_calls_per_op", "c_calls_per_op")
)


def _dsl_sizes(args: argparse.Namespace, op: str) -> tuple[int, int, int]:
    """(timed, warmup, profiled) ops per round: a tenth untimed first, a 25th under cProfile."""
    n: int = args.dsl_search_n if op == "search" else args.dsl_hits_n
    return n, max(1, n // 10), max(1, n // 25)


def _per_op(slot: Slot, rounds: list[Result]) -> Result:
    """One DSL op contender over its rounds, as ``_per_request`` with ops for requests;
    ``answer_sha256``: every distinct answer digest."""
    return _per_request(slot, rounds, unit="op") | {
        "answer_sha256": sorted({r["answer_sha256"] for r in rounds})
    }


def _dsl_code() -> str:
    """The timed code, as _runner.py runs it in both venvs."""
    sources = [inspect.getsource(function) for function in (_dsl_search, _search_answer, _dsl_hits)]
    return "```python\n" + "\n\n\n".join(source.rstrip() for source in sources) + "\n```"


# The contender table of the op suites (dsl, esql): CPU-only ops, no server.
OP_HEADERS = [
    "contender",
    "venv",
    "median us/op",
    "ops/s",
    "client CPU us/op",
    "Python calls/op",
    "C calls/op",
    "RSS after setup MiB",
    "same answer as official",
]


def _op_row(name: str, contender: Result | None, same: bool | None, problem: str) -> list[str]:
    """One contender of an op suite: its numbers, or why it is unavailable."""
    if contender is None:
        return [name, "-", f"unavailable: {problem}", *[""] * (len(OP_HEADERS) - 3)]
    return [
        f"{name} {contender['version']}",
        contender["venv"],
        _fmt(contender["median_us"], 1),
        _fmt(contender["ops_per_s"], 1),
        _fmt(contender["cpu_us_per_op"], 1),
        _fmt(contender["python_calls_per_op"], 0),
        _fmt(contender["c_calls_per_op"], 0),
        _fmt(contender["rss_after_setup_mib"], 1),
        "-" if same is None else ("yes" if same else "**no**"),
    ]


def _op_ratio(
    ours: Result | None, official: Result | None, what: str, target: float, cpu_what: str
) -> tuple[Result, list[Result]]:
    """Ours over the official for one op of an op suite: the ratio record and its goals (the
    speed goal ``what`` is met only when both contenders gave the same answer; ``cpu_what``
    names the CPU ratio, given for context)."""
    if ours is None or official is None:
        missing = {"ours_over_official_ops_per_s": None, "paired_per_round": [], "same_answer": None}
        return missing, [_goal(f"{what}: ops/s, ours/official", f">= {target:g}", None, None)]
    speedup = ours["ops_per_s"] / official["ops_per_s"]
    paired = _paired(ours["round_median_us"], official["round_median_us"], invert=True)
    same = ours["answer_sha256"] == official["answer_sha256"]
    ratio = {
        "ours_over_official_ops_per_s": speedup,
        "paired_per_round": paired,
        "official_cpu_over_ours_cpu": official["cpu_us_per_op"] / ours["cpu_us_per_op"],
        "same_answer": same,
    }
    detail = _per_round(paired) + ("" if same else "; **answers differ from official**")
    goals = [
        _goal(f"{what}: ops/s, ours/official", f">= {target:g}", speedup, same and speedup >= target, detail),
        _goal(
            f"{cpu_what}: client CPU per op, official/ours (context, not the goal)",
            "-",
            ratio["official_cpu_over_ours_cpu"],
            None,
        ),
    ]
    return ratio, goals


def _op_ratio_table(ratios: Mapping[str, Result]) -> str:
    """Ours over the official per op: ops/s, its per-round spread and the CPU ratio."""
    rows = [
        [
            f"`{op}`",
            _fmt(values["ours_over_official_ops_per_s"], 3),
            _spread(values["paired_per_round"], 2) or "n/a",
            _fmt(values.get("official_cpu_over_ours_cpu"), 3),
        ]
        for op, values in ratios.items()
    ]
    return _table(["op", "ops/s ours/official", "per round", "client CPU official/ours"], rows)


def suite_dsl(args: argparse.Namespace) -> Report:
    """elasticsearch.dsl: `import elasticsearch` still without it, its own import time, building
    and serializing a Search, and reading a 1,000-hit Response: official vs ours."""
    imports, problems = _slots(
        {"official elasticsearch": ("official", "client_get"), "ours elasticsearch": ("ours", "client_get")},
        "import elasticsearch",
    )
    dsl_imports, unavailable = _slots(
        {
            "official elasticsearch.dsl": ("official", "dsl_import"),
            "ours elasticsearch.dsl": ("ours", "dsl_import"),
        },
        DSL_IMPORT,
    )
    problems.update(unavailable)
    import_contenders, failed = _import_runs(imports + dsl_imports, args.import_runs)
    problems.update(failed)

    wanted = {f"{venv} {op}": (venv, f"dsl_{op}") for op in DSL_OPS for venv in ("official", "ours")}
    slots, unavailable = _slots(wanted, DSL_API)
    problems.update(unavailable)
    # Not pinned by default: with no server to share caches with, a pinned op only waits
    # whenever other work holds its CPU (--pin same or split pins it to the last CPU).
    _, client_cpu = _cpus(args.pin or "none")

    def measure(slot: Slot) -> Result:
        n, warmup, profiled = _dsl_sizes(args, slot.contender.removeprefix("dsl_"))
        return _runner(slot, [f"--n={n}", f"--warmup={warmup}", f"--profile-n={profiled}"], _pin(client_cpu))

    runs, failed = _rounds(slots, args.rounds, measure)
    problems.update(failed)
    contenders = {slot.label: _per_op(slot, runs[slot.label]) for slot in slots if slot.label in runs}

    goals = []
    ours_es = import_contenders.get("ours elasticsearch")
    loaded = None if ours_es is None else int(ours_es["dsl_modules_after_import"])
    goals.append(
        _goal(
            "`import elasticsearch` loads no `elasticsearch.dsl` module (ours)",
            "0 modules",
            loaded,
            None if loaded is None else loaded == 0,
        )
    )
    es_ratio, es_paired = _import_ratio(import_contenders, "ours elasticsearch", "official elasticsearch")
    goals.append(
        _goal(
            "`import elasticsearch` ms (minus bare), ours/official",
            f"<= {ES_IMPORT_LIMIT} (around today's {ES_IMPORT_TODAY})",
            es_ratio,
            None if es_ratio is None else es_ratio <= ES_IMPORT_LIMIT,
            _per_round(es_paired),
        )
    )
    dsl_ratio, dsl_paired = _import_ratio(
        import_contenders, "ours elasticsearch.dsl", "official elasticsearch.dsl"
    )
    goals.append(
        _goal(
            f"`{DSL_IMPORT}` ms (minus bare), ours/official",
            f"<= {DSL_IMPORT_GOAL}",
            dsl_ratio,
            None if dsl_ratio is None else dsl_ratio <= DSL_IMPORT_GOAL,
            _per_round(dsl_paired),
        )
    )
    ratios: Result = {}
    for op, what in DSL_OPS.items():
        ratios[op], op_goals = _op_ratio(
            contenders.get(f"ours {op}"), contenders.get(f"official {op}"), what, DSL_OPS_GOAL, f"`{op}`"
        )
        goals += op_goals
    imports_vs_baseline = _vs_baseline(import_contenders, IMPORT, args)
    # Ops only where a baseline checkout has a DSL to measure (older ones have none).
    twins = any(label.startswith(_venvs.BASELINE) for label in contenders)
    ops_vs_baseline = _vs_baseline(contenders, DSL_OP, args) if twins else VsBaseline({}, [], [])
    goals += imports_vs_baseline.goals + ops_vs_baseline.goals

    info = _machine()
    sizes = {
        op: dict(zip(("timed", "warmup", "profiled"), _dsl_sizes(args, op), strict=True)) for op in DSL_OPS
    }
    data = {
        **info,
        "suite": "dsl",
        "import_runs": args.import_runs,
        "imports": import_contenders,
        "ops": DSL_OPS,
        "ops_per_round": sizes,
        "rounds": args.rounds,
        "cpu_pinning": {"client": client_cpu},
        "contenders": contenders,
        "unavailable": problems,
        "ours_over_official_import_elasticsearch": es_ratio,
        "ours_over_official_import_dsl": dsl_ratio,
        "ratios": ratios,
        "goals": goals,
        **({"imports_vs_baseline": imports_vs_baseline.data} if imports_vs_baseline.data else {}),
        **({"ops_vs_baseline": ops_vs_baseline.data} if ops_vs_baseline.data else {}),
    }

    labels = [
        "official elasticsearch",
        "ours elasticsearch",
        "official elasticsearch.dsl",
        "ours elasticsearch.dsl",
    ]
    import_table = _import_rows(import_contenders, problems, labels, "one Search or client")
    names = {
        f"{who} {op}": (f"{name} `{op}`", op)
        for op in DSL_OPS
        for who, name in (("official", "official elasticsearch"), ("ours", "ours"))
    }
    rows = [
        _op_row(
            name,
            contenders.get(label),
            ratios[op]["same_answer"] if label.startswith("ours") else None,
            problems.get(label, "?"),
        )
        for label, (name, op) in _with_twins(names, lambda entry: (_twin(entry[0]), entry[1])).items()
    ]
    pinning = "not pinned to CPUs" if client_cpu is None else f"ops on CPU {client_cpu}"
    setup = (
        f"{_header(info)} · imports: medians of {args.import_runs} interleaved runs (one warmup run"
        f" dropped) · ops: {args.rounds} paired rounds x {sizes['search']['timed']} searches /"
        f" {sizes['hits']['timed']} responses (a tenth more untimed first; calls counted over"
        f" {sizes['search']['profiled']} / {sizes['hits']['profiled']}) · {pinning}"
    )
    what = "\n".join(
        [
            "Imports: each run is a fresh process, as in the `import` suite; *import + one Search or"
            " client* also builds `Elasticsearch('http://127.0.0.1:9200')` (for `import elasticsearch`)"
            " or `Search(index='bench').to_dict()` (for the DSL). After `import elasticsearch` ours had"
            f" {'n/a' if loaded is None else loaded} `elasticsearch.dsl` module(s) in `sys.modules`.",
            "",
            "Ops, no server, in a fresh process per round for each contender (the same code in both"
            " venvs, below): ops/s = 1e6 / the median over rounds of each round's median us per op."
            " *same answer*: the `to_dict()` output, and the values read from the hits, hash equal"
            " to the official client's.",
            "",
            *[f"- `{op}`: {what}" for op, what in DSL_OPS.items()],
            "",
            _dsl_code(),
        ]
    )
    tables = [
        import_table,
        _table(OP_HEADERS, rows),
        _op_ratio_table(ratios),
        *imports_vs_baseline.tables,
        *ops_vs_baseline.tables,
        _goal_table(goals),
    ]
    markdown = "\n\n".join(
        ["# elasticsearch.dsl: import, building a search, reading hits", setup, what, *tables]
    )
    return Report("dsl", data, markdown + "\n")


ESQL_API = "from elasticsearch.esql import ESQL, E, functions"
ESQL_GOAL = 2.0  # ours/official ops/s, building and rendering the query
ESQL_OP = f"an ES|QL query of {ESQL_COMMANDS} commands built with `ESQL`, `E` and `functions`, rendered"


def suite_esql(args: argparse.Namespace) -> Report:
    """elasticsearch.esql: building and rendering a 20-command ES|QL query, official vs ours
    (no server), and whether `import elasticsearch` leaves the builder unloaded (ours)."""
    wanted = {f"{venv} query": (venv, "esql_query") for venv in ("official", "ours")}
    slots, problems = _slots(wanted, ESQL_API, baseline=False)
    _, client_cpu = _cpus(args.pin or "none")
    n = args.esql_n
    sizes = {"timed": n, "warmup": max(1, n // 10), "profiled": max(1, n // 25)}

    def measure(slot: Slot) -> Result:
        flags = [f"--n={n}", f"--warmup={sizes['warmup']}", f"--profile-n={sizes['profiled']}"]
        return _runner(slot, flags, _pin(client_cpu))

    runs, failed = _rounds(slots, args.rounds, measure)
    problems.update(failed)
    contenders = {slot.label: _per_op(slot, runs[slot.label]) for slot in slots if slot.label in runs}

    goals = []
    loaded: int | None = None
    ours_python = next((slot.python for slot in slots if slot.label == "ours query"), None)
    if ours_python is not None:
        count = "import sys, elasticsearch; print(sum(m.split('.')[:2] == ['elasticsearch', 'esql'] for m in sys.modules))"
        loaded = int(_run_code(ours_python, count)[1])
    goals.append(
        _goal(
            "`import elasticsearch` loads no `elasticsearch.esql` module (ours)",
            "0 modules",
            loaded,
            None if loaded is None else loaded == 0,
        )
    )
    ratio, op_goals = _op_ratio(
        contenders.get("ours query"), contenders.get("official query"), ESQL_OP, ESQL_GOAL, "`query`"
    )
    goals += op_goals

    info = _machine()
    data = {
        **info,
        "suite": "esql",
        "op": ESQL_OP,
        "ops_per_round": sizes,
        "rounds": args.rounds,
        "cpu_pinning": {"client": client_cpu},
        "contenders": contenders,
        "unavailable": problems,
        "esql_modules_after_import_elasticsearch": loaded,
        "ratio": ratio,
        "goals": goals,
    }
    rows = [
        _op_row(
            name,
            contenders.get(label),
            ratio["same_answer"] if label.startswith("ours") else None,
            problems.get(label, "?"),
        )
        for label, name in (("official query", "official elasticsearch"), ("ours query", "ours"))
    ]
    pinning = "not pinned to CPUs" if client_cpu is None else f"ops on CPU {client_cpu}"
    setup = (
        f"{_header(info)} · {args.rounds} paired rounds x {n} queries (a tenth more untimed first;"
        f" calls counted over {sizes['profiled']}) · {pinning}"
    )
    what = "\n".join(
        [
            "No server; a fresh process per round for each contender, the same code in both venvs"
            " (below): ops/s = 1e6 / the median over rounds of each round's median us per op. An op"
            " builds the query and renders it once (`str()`);"
            " *same answer*: the rendered text hashes equal to the official client's. After"
            f" `import elasticsearch` ours had {'n/a' if loaded is None else loaded}"
            " `elasticsearch.esql` module(s) in `sys.modules`.",
            "",
            "```python\n" + inspect.getsource(_esql_query).rstrip() + "\n```",
        ]
    )
    tables = [_table(OP_HEADERS, rows), _op_ratio_table({"query": ratio}), _goal_table(goals)]
    markdown = "\n\n".join(["# elasticsearch.esql: building and rendering a query", setup, what, *tables])
    return Report("esql", data, markdown + "\n")


SUITES: dict[str, Callable[[argparse.Namespace], Report]] = {
    "transport": suite_transport,
    "client": suite_client,
    "async": suite_async,
    "import": suite_import,
    "bulk": suite_bulk,
    "bulk-es": suite_bulk_es,
    "dsl": suite_dsl,
    "esql": suite_esql,
}


def _write(report: Report, results_dir: Path) -> None:
    """Write via a .tmp file and rename: an interrupted run never leaves half a file."""
    results_dir.mkdir(parents=True, exist_ok=True)
    for suffix, text in (
        (".json", json.dumps(report.data, indent=2) + "\n"),
        (".md", report.markdown),
    ):
        target = results_dir / (report.name + suffix)
        temporary = target.with_name(target.name + ".tmp")
        temporary.write_text(text)
        temporary.replace(target)


def _with_escluster() -> None:
    """bulk-es starts its Elasticsearch with escluster: when this Python lacks it (a plain
    ``python3 benchmarks/run.py``), run this same command again in benchmarks/.venvs/harness,
    which has ci/escluster installed editable."""
    if importlib.util.find_spec("escluster") is not None:
        return
    if os.environ.get("BENCH_HARNESS"):
        raise SystemExit(f"bulk-es: escluster is not importable by {sys.executable}")
    venv = _venvs.ensure("harness")
    if venv.python is None:
        raise SystemExit(f"bulk-es needs escluster: {venv.problem}")
    print(f"bulk-es: running in {venv.python}, which has escluster", flush=True)
    os.environ["BENCH_HARNESS"] = "1"
    os.execv(venv.python, [str(venv.python), str(Path(__file__).resolve()), *sys.argv[1:]])


def main() -> None:
    """Run the chosen suites, write their results, then print every table together."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="append", choices=sorted(SUITES), help="repeatable")
    parser.add_argument(
        "--rounds", type=int, default=7, help="paired rounds (transport, client, async, dsl, esql)"
    )
    parser.add_argument("--n", type=int, default=5000, help="timed requests per round")
    parser.add_argument("--warmup", type=int, default=500, help="untimed requests per round")
    parser.add_argument("--profile-n", type=int, default=200, help="requests under cProfile")
    parser.add_argument("--import-runs", type=int, default=15, help="runs (import, dsl)")
    parser.add_argument("--async-n", type=int, default=20000, help="timed requests per round (async)")
    parser.add_argument("--async-warmup", type=int, default=1024, help="untimed requests (async)")
    parser.add_argument("--async-profile-n", type=int, default=640, help="requests under cProfile (async)")
    parser.add_argument("--concurrency", type=int, default=32, help="tasks at a time (async)")
    parser.add_argument("--bulk-rounds", type=int, default=5, help="paired rounds (bulk)")
    parser.add_argument("--bulk-n", type=int, default=200_000, help="timed documents per round (bulk)")
    parser.add_argument("--bulk-warmup", type=int, default=5000, help="untimed documents (bulk)")
    parser.add_argument("--bulk-profile-n", type=int, default=5000, help="documents under cProfile (bulk)")
    parser.add_argument(
        "--bulk-es-stack",
        default=_venvs.REFERENCE["stack"],
        help="Elasticsearch version or alias (bulk-es; default: the newest major's stack in majors.json)",
    )
    parser.add_argument("--bulk-es-rounds", type=int, default=5, help="paired rounds (bulk-es)")
    parser.add_argument("--bulk-es-n", type=int, default=100_000, help="timed documents per round (bulk-es)")
    parser.add_argument("--bulk-es-warmup", type=int, default=5000, help="untimed documents (bulk-es)")
    parser.add_argument("--dsl-search-n", type=int, default=500, help="timed searches built per round (dsl)")
    parser.add_argument(
        "--dsl-hits-n", type=int, default=20, help="timed 1,000-hit responses per round (dsl)"
    )
    parser.add_argument("--esql-n", type=int, default=2000, help="timed queries built per round (esql)")
    parser.add_argument("--stub-dir", type=Path, default=_stub.DEFAULT_STUB_DIR)
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results")
    older = parser.add_mutually_exclusive_group()
    older.add_argument(
        "--baseline",
        type=Path,
        help="a checkout of an older commit of this repo: also measure its packages (venv baseline)"
        " next to ours and report ours / baseline (all suites but bulk-es)",
    )
    older.add_argument(
        "--baseline-ref", help="like --baseline, with this git ref checked out for the run (then removed)"
    )
    parser.add_argument(
        "--pin",
        choices=["same", "split", "none"],
        default=None,
        help="CPUs for nginx and client: one, two apart, or unpinned"
        " (default: same for transport and client, split for async and bulk, none for dsl)",
    )
    args = parser.parse_args()
    if "bulk-es" in (args.suite or []):
        _with_escluster()
    reports = []
    with contextlib.ExitStack() as cleanup:
        if args.baseline_ref:
            args.baseline = cleanup.enter_context(_venvs.worktree(args.baseline_ref))
        if args.baseline:
            args.baseline_commit = _venvs.add_baseline(args.baseline)
        for name in args.suite or ["transport"]:
            print(f"suite {name}", flush=True)
            report = SUITES[name](args)
            _write(report, args.results_dir)
            reports.append(report)
    for report in reports:
        print("\n" + report.markdown)


if __name__ == "__main__":
    main()
