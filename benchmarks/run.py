"""Compare our clients with the official ones and raw urllib3 (benchmarks/run.py).

Each suite runs its contenders in interleaved rounds of fresh processes, rotating the
order every round, so this noisy machine's drift hits every contender alike, and writes
results/<suite>.json and results/<suite>.md. A new suite is a function in SUITES; a new
contender is an entry in _runner.CONTENDERS.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import subprocess
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import _stub
import _venvs

BENCH_DIR = Path(__file__).resolve().parent
RUNNER = BENCH_DIR / "_runner.py"
RUNNER_TIMEOUT = 600
TRANSPORT_API = "from elastic_transport import NodeConfig, Transport"
URLLIB3_2 = "import sys, urllib3; sys.exit(int(urllib3.__version__.split('.')[0]) < 2)"
# What each runner contender imports, for the import-time suite.
IMPORTS = {"transport": "import elastic_transport", "urllib3": "import json, urllib3"}

Preexec = Callable[[], None] | None
Result = dict[str, Any]


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


def _slots(transport_labels: Sequence[str]) -> tuple[list[Slot], dict[str, str]]:
    """Find the transport slots that run, and the raw-urllib3 floor; say why not.

    The floor runs in the first venv with urllib3 2.x, preferring ours.
    """
    venvs = {name: _venvs.ensure(name) for name in _venvs.SPECS}
    slots: list[Slot] = []
    problems: dict[str, str] = {}
    for label in transport_labels:
        venv = venvs[label].check(TRANSPORT_API)
        if venv.python is None:
            problems[label] = venv.problem
        else:
            slots.append(Slot(label, venv.python, "transport"))
    floors = [venvs[name].check(URLLIB3_2).python for name in ("ours", "official")]
    floor = next((python for python in floors if python is not None), None)
    if floor is None:
        problems["raw"] = "no venv has urllib3 2.x"
    else:
        slots.append(Slot("raw", floor, "urllib3"))
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


def suite_transport(args: argparse.Namespace) -> Report:
    """Measure Transport.perform_request: official vs ours vs raw urllib3."""
    slots, problems = _slots(["official", "ours"])
    server_cpu, client_cpu = _cpus(args.pin)
    with _stub.running_stub(args.stub_dir, _pin(server_cpu)) as port:
        runner_args = [f"--port={port}", f"--n={args.n}", f"--warmup={args.warmup}"]
        runner_args.append(f"--profile-n={args.profile_n}")
        runs, failed = _rounds(
            slots,
            args.rounds,
            lambda slot: _runner(slot, runner_args, _pin(client_cpu)),
        )
    problems.update(failed)

    contenders: Result = {}
    for slot in slots:
        if slot.label not in runs:
            continue
        rounds = runs[slot.label]
        contenders[slot.label] = {
            "venv": _venv_name(slot),
            "version": rounds[0]["version"],
            "median_us": _median(rounds, "median_ns", 1000),
            "mean_us": _median(rounds, "mean_ns", 1000),
            "p90_us": _median(rounds, "p90_ns", 1000),
            "round_median_us": [r["median_ns"] / 1000 for r in rounds],
            "python_calls_per_request": _median(rounds, "python_calls"),
            "c_calls_per_request": _median(rounds, "c_calls"),
            "rss_after_setup_mib": _median(rounds, "rss_setup_kib", 1024),
        }

    def median(label: str) -> float | None:
        return contenders[label]["median_us"] if label in contenders else None

    ratios = {
        "ours/raw": _ratio(median("ours"), median("raw")),
        "official/raw": _ratio(median("official"), median("raw")),
        "ours/official": _ratio(median("ours"), median("official")),
    }
    paired: list[float] = []
    if "ours" in contenders and "official" in contenders:
        pairs = zip(
            contenders["ours"]["round_median_us"],
            contenders["official"]["round_median_us"],
            strict=True,
        )
        paired = [ours / official for ours, official in pairs]
    cheaper = None if not paired else all(ratio < 1 for ratio in paired)

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
        "cpu_pinning": {"nginx": server_cpu, "client": client_cpu},
        "contenders": contenders,
        "unavailable": problems,
        "ratios": ratios,
        "paired_ours_over_official": paired,
        "ours_cheaper_in_every_round": cheaper,
    }

    names = {
        "official": "official elastic-transport",
        "ours": "ours",
        "raw": "raw urllib3",
    }
    rows = []
    for label, name in names.items():
        if label in contenders:
            c = contenders[label]
            rows.append(
                [
                    f"{name} {c['version']}",
                    c["venv"],
                    _fmt(c["median_us"], 1),
                    _fmt(c["python_calls_per_request"], 0),
                    _fmt(c["c_calls_per_request"], 0),
                    _fmt(c["rss_after_setup_mib"], 1),
                ]
            )
        else:
            rows.append([name, "-", f"unavailable: {problems.get(label, '?')}", "", "", ""])
    headers = [
        "contender",
        "venv",
        "median us/request",
        "Python calls/request",
        "C calls/request",
        "RSS after setup MiB",
    ]
    pinning = f"client on CPU {client_cpu}, nginx on CPU {server_cpu}"
    if client_cpu is None:
        pinning = "not pinned to CPUs"
    verdict = "n/a" if cheaper is None else ("yes" if cheaper else "no")
    if paired:
        verdict += f" (per-round ours/official {min(paired):.3f}-{max(paired):.3f})"
    ratio_rows = [[name, _fmt(value, 3)] for name, value in ratios.items()]
    ratio_rows.append(["ours cheaper than official in every paired round", verdict])
    setup = (
        f"{_header(info)} · {args.rounds} paired"
        f" rounds x {args.n} requests (warmup {args.warmup}; calls counted over"
        f" {args.profile_n}) · {pinning}"
    )
    what = f"`{data['request']}` against the nginx stub; medians over rounds of each round's median."
    title = "# transport per-request cost"
    tables = [_table(headers, rows), _table(["ratio", "value"], ratio_rows)]
    markdown = "\n\n".join([title, setup, what, *tables])
    return Report("transport", data, markdown + "\n")


def _time_import(python: Path, code: str) -> float:
    """Time `python -c code` in wall ms: what a user waits for, startup included."""
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
    return elapsed


def suite_import(args: argparse.Namespace) -> Report:
    """Measure import wall time and memory after import + client, per contender."""
    slots, problems = _slots(["official", "ours"])

    def measure(slot: Slot) -> Result:
        result = _runner(slot, ["--n=0"], None)
        result["bare_ms"] = _time_import(slot.python, "pass")
        result["import_ms"] = _time_import(slot.python, IMPORTS[slot.contender])
        return result

    runs, failed = _rounds(slots, args.import_runs, measure, warmup=1)
    problems.update(failed)

    contenders: Result = {}
    for slot in slots:
        if slot.label not in runs:
            continue
        rounds = runs[slot.label]
        bare = _median(rounds, "bare_ms")
        imported = _median(rounds, "import_ms")
        contenders[slot.label] = {
            "venv": _venv_name(slot),
            "version": rounds[0]["version"],
            "code": IMPORTS[slot.contender],
            "import_ms": imported,
            "bare_python_ms": bare,
            "import_minus_bare_ms": imported - bare,
            "rss_runner_alone_mib": _median(rounds, "rss_start_kib", 1024),
            "rss_after_setup_mib": _median(rounds, "rss_setup_kib", 1024),
        }

    info = _machine()
    data = {
        **info,
        "suite": "import",
        "runs": args.import_runs,
        "contenders": contenders,
        "unavailable": problems,
    }
    rows = []
    for label in ("official", "ours", "raw"):
        if label in contenders:
            c = contenders[label]
            rows.append(
                [
                    f"{label} {c['version']}",
                    c["venv"],
                    f"`{c['code']}`",
                    _fmt(c["import_ms"], 1),
                    _fmt(c["import_minus_bare_ms"], 1),
                    _fmt(c["rss_after_setup_mib"], 1),
                    _fmt(c["rss_runner_alone_mib"], 1),
                ]
            )
        else:
            rows.append([label, "-", f"unavailable: {problems.get(label, '?')}", "", "", "", ""])
    headers = [
        "contender",
        "venv",
        "python -c",
        "wall ms",
        "minus `python -c pass` ms",
        "RSS after import + client MiB",
        "RSS runner alone MiB",
    ]
    setup = f"{_header(info)} · medians of {args.import_runs} interleaved runs (one warmup run dropped)"
    markdown = "\n\n".join(["# import time and memory", setup, _table(headers, rows)])
    return Report("import", data, markdown + "\n")


SUITES: dict[str, Callable[[argparse.Namespace], Report]] = {
    "transport": suite_transport,
    "import": suite_import,
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


def main() -> None:
    """Run the chosen suites, write their results, then print every table together."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--suite", action="append", choices=sorted(SUITES), help="repeatable")
    parser.add_argument("--rounds", type=int, default=7, help="paired rounds (transport)")
    parser.add_argument("--n", type=int, default=5000, help="timed requests per round")
    parser.add_argument("--warmup", type=int, default=500, help="untimed requests per round")
    parser.add_argument("--profile-n", type=int, default=200, help="requests under cProfile")
    parser.add_argument("--import-runs", type=int, default=15, help="runs (import)")
    parser.add_argument("--stub-dir", type=Path, default=_stub.DEFAULT_STUB_DIR)
    parser.add_argument("--results-dir", type=Path, default=BENCH_DIR / "results")
    parser.add_argument(
        "--pin",
        choices=["same", "split", "none"],
        default="same",
        help="CPUs for nginx and client (transport): one, two apart, or unpinned",
    )
    args = parser.parse_args()
    reports = []
    for name in args.suite or ["transport"]:
        print(f"suite {name}", flush=True)
        report = SUITES[name](args)
        _write(report, args.results_dir)
        reports.append(report)
    for report in reports:
        print("\n" + report.markdown)


if __name__ == "__main__":
    main()
