#!/usr/bin/env python3
"""Aggregates what scripts/stampede.sh collected: one JSON object per CLI process per round
(`cachecluster stampede ... --json --latencies`), into per-round and overall figures.

Prints a table, writes OUT.json and OUT.md, and exits 1 when a measured round ran the factory more
or less than once, had errors, or handed out more than one distinct value.
"""

import argparse
import datetime
import json
import math
import os
import platform
import re
import subprocess
import sys


def percentile(sorted_values, fraction):
    """Nearest rank, as the CLI computes it: the smallest value at or above the fraction."""
    if not sorted_values:
        return 0.0
    rank = math.ceil(fraction * len(sorted_values))
    return sorted_values[min(max(rank - 1, 0), len(sorted_values) - 1)]


def latency_summary(latencies):
    ordered = sorted(latencies)
    return {
        "p50Ms": percentile(ordered, 0.50),
        "p90Ms": percentile(ordered, 0.90),
        "p99Ms": percentile(ordered, 0.99),
        "maxMs": ordered[-1] if ordered else 0.0,
        "minMs": ordered[0] if ordered else 0.0,
        "meanMs": round(sum(ordered) / len(ordered), 3) if ordered else 0.0,
    }


def read_first_line(path, prefix):
    try:
        with open(path, encoding="utf-8") as f:
            for line in f:
                if line.startswith(prefix):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return None


def command_output(args):
    try:
        return subprocess.run(args, capture_output=True, text=True, check=False).stdout.strip()
    except OSError:
        return None


def machine():
    mem_kb = read_first_line("/proc/meminfo", "MemTotal")
    mem_gib = None
    if mem_kb:
        mem_gib = round(int(mem_kb.split()[0]) / 1024 / 1024, 1)
    return {
        "nproc": int(command_output(["nproc"]) or os.cpu_count() or 0),
        "cpuModel": read_first_line("/proc/cpuinfo", "model name"),
        "memoryGiB": mem_gib,
        "kernel": platform.release(),
        "dotnetSdk": command_output(["dotnet", "--version"]),
        "redis": command_output(["redis-server", "--version"]),
    }


def git_info(root):
    head = command_output(["git", "-C", root, "rev-parse", "HEAD"])
    dirty = command_output(["git", "-C", root, "status", "--porcelain", "--", "src"])
    return {"commit": head, "dirtySrc": sorted(dirty.splitlines()) if dirty else []}


def cpu_ticks(path):
    """Busy and total ticks of the whole machine, and ticks used by the listed processes (redis, silos)."""
    with open(path, encoding="utf-8") as f:
        lines = f.read().splitlines()
    fields = [int(x) for x in lines[0].split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    busy = user + nice + system + irq + softirq + steal
    services = 0
    for line in lines[1:]:
        rest = line.rsplit(")", 1)[1].split()  # after "pid (comm)": state is rest[0], utime rest[11], stime rest[12]
        services += int(rest[11]) + int(rest[12])
    return busy, busy + idle + iowait, services


def cpu_share(work, label, reports):
    """The round's CPU use: all of it, and what was left after ours (redis, silos, these CLI processes)."""
    try:
        busy0, total0, ours0 = cpu_ticks(os.path.join(work, f"round{label}.cpu-before"))
        busy1, total1, ours1 = cpu_ticks(os.path.join(work, f"round{label}.cpu-after"))
    except (OSError, ValueError, IndexError):
        return {}
    tick = os.sysconf("SC_CLK_TCK")
    total_s = (total1 - total0) / tick
    if total_s <= 0:
        return {}
    ours_s = (ours1 - ours0) / tick + sum(r["processCpuMs"] for r in reports) / 1000
    busy_s = (busy1 - busy0) / tick
    return {
        "windowS": round(total_s / (os.cpu_count() or 1), 2),
        "cpuBusyPct": round(100 * busy_s / total_s, 1),
        "ourCpuS": round(ours_s, 2),
        "otherCpuPct": round(100 * max(busy_s - ours_s, 0) / total_s, 1),
    }


def aggregate_round(work, label, processes):
    reports = []
    for p in range(processes):
        with open(os.path.join(work, f"round{label}.p{p}.json"), encoding="utf-8") as f:
            reports.append(json.load(f))
    latencies = [ms for r in reports for ms in r["latenciesMs"]]
    values = {}
    for r in reports:
        for value, count in r["values"].items():
            values[value] = values.get(value, 0) + count
    errors = {}
    for r in reports:
        for message, count in r["errorMessages"].items():
            errors[message] = errors.get(message, 0) + count
    factory_starts = [ms for r in reports for ms in r["factoryStartedAtMs"]]
    # On the agreed clock (ms after --start-at): when the value came back from the factory, and when each caller started.
    returned = [r["startLagMs"] + ms for r in reports for ms in r["factoryReturnedAtMs"]]
    value_at = min(returned) if returned else math.inf
    overlapping = [latency for r in reports for offset, latency in zip(r["startOffsetsMs"], r["latenciesMs"])
                   if r["startLagMs"] + offset < value_at]
    ordered_overlapping = sorted(overlapping)
    with open(os.path.join(work, f"round{label}.delay"), encoding="utf-8") as f:
        start_delay = int(f.read())
    return {
        "round": label,
        "key": reports[0]["key"],
        "callers": sum(r["callers"] for r in reports),
        "factoryRuns": sum(r["factoryRuns"] for r in reports),
        "factoryRunsByProcess": [r["factoryRuns"] for r in reports],
        "callersStartedBeforeValue": len(overlapping),
        "startedBeforeValueP50Ms": percentile(ordered_overlapping, 0.50),
        "startedBeforeValueP99Ms": percentile(ordered_overlapping, 0.99),
        "valueReturnedAtMs": round(value_at, 3) if returned else None,
        "lastCallerStartedAtMs": round(max(r["startLagMs"] + max(r["startOffsetsMs"]) for r in reports), 3),
        "errors": sum(r["errors"] for r in reports),
        "errorMessages": errors,
        "distinctValues": len(values),
        "values": values,
        **latency_summary(latencies),
        "processP50Ms": [r["p50Ms"] for r in reports],
        "processP99Ms": [r["p99Ms"] for r in reports],
        "factoryStartedAtMs": factory_starts,
        "maxStartLagMs": max(r["startLagMs"] for r in reports),
        "minReadyBeforeStartMs": min(r["readyBeforeStartMs"] for r in reports),
        "startDelayMs": start_delay,
        "slowestReadyAfterLaunchMs": round(start_delay - min(r["readyBeforeStartMs"] for r in reports), 1),
        "maxLaunchSpreadMs": max(r["launchSpreadMs"] for r in reports),
        "maxWarmupMs": max(r["warmupMs"] or 0 for r in reports),
        "processCpuMs": [r["processCpuMs"] for r in reports],
        **cpu_share(work, label, reports),
        "latenciesMs": latencies,
    }


def dumps(result):
    """Indented JSON with arrays of numbers kept on one line."""
    text = json.dumps(result, indent=2)
    return re.sub(r"\[\s*(-?[\d.eE+-]+(?:,\s*-?[\d.eE+-]+)*)\s*\]",
                  lambda m: "[" + ", ".join(x.strip() for x in m.group(1).split(",")) + "]", text)


def fmt(ms):
    return f"{ms:.1f}"


def table(rounds, overall):
    head = ["round", "callers", "before value", "factory runs", "errors", "values", "p50 ms", "p90 ms", "p99 ms", "max ms",
            "factory start ms", "start lag ms", "other cpu %"]
    rows = []
    for r in rounds:
        rows.append([str(r["round"]), str(r["callers"]), str(r["callersStartedBeforeValue"]), str(r["factoryRuns"]), str(r["errors"]),
                     str(r["distinctValues"]), fmt(r["p50Ms"]), fmt(r["p90Ms"]), fmt(r["p99Ms"]), fmt(r["maxMs"]),
                     ", ".join(fmt(s) for s in r["factoryStartedAtMs"]) or "-", fmt(r["maxStartLagMs"]),
                     str(r.get("otherCpuPct", "-"))])
    rows.append(["all", str(overall["callers"]), str(overall["callersStartedBeforeValue"]), str(overall["factoryRuns"]), str(overall["errors"]),
                 "-", fmt(overall["p50Ms"]), fmt(overall["p90Ms"]), fmt(overall["p99Ms"]), fmt(overall["maxMs"]),
                 "-", fmt(overall["maxStartLagMs"]), "-"])
    return head, rows


def markdown(head, rows):
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join("---:" for _ in head) + "|"]
    lines += ["| " + " | ".join(row) + " |" for row in rows]
    return "\n".join(lines)


def plain(head, rows):
    widths = [max(len(head[i]), *(len(row[i]) for row in rows)) for i in range(len(head))]
    out = ["  ".join(h.rjust(w) for h, w in zip(head, widths))]
    out += ["  ".join(c.rjust(w) for c, w in zip(row, widths)) for row in rows]
    return "\n".join(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--work", required=True)
    parser.add_argument("--root", required=True)
    parser.add_argument("--out", required=True, help="path without extension")
    parser.add_argument("--rounds", type=int, required=True)
    parser.add_argument("--warmup-rounds", type=int, required=True)
    parser.add_argument("--processes", type=int, required=True)
    parser.add_argument("--callers", type=int, required=True)
    parser.add_argument("--factory-ms", type=int, required=True)
    parser.add_argument("--start-delay-ms", type=int, required=True)
    parser.add_argument("--late-attempts", type=int, required=True)
    parser.add_argument("--load-before", required=True, help="/proc/loadavg's first three fields before the rounds")
    parser.add_argument("--silos", type=int, required=True)
    parser.add_argument("--command", required=True)
    args = parser.parse_args()

    warmups = [aggregate_round(args.work, f"w{i}", args.processes) for i in range(1, args.warmup_rounds + 1)]
    rounds = [aggregate_round(args.work, str(i), args.processes) for i in range(1, args.rounds + 1)]
    all_latencies = [ms for r in rounds for ms in r["latenciesMs"]]
    overall = {
        "rounds": len(rounds),
        "callers": sum(r["callers"] for r in rounds),
        "factoryRuns": sum(r["factoryRuns"] for r in rounds),
        "callersStartedBeforeValue": sum(r["callersStartedBeforeValue"] for r in rounds),
        "roundsWithFactoryRunsOtherThanOne": [r["round"] for r in rounds if r["factoryRuns"] != 1],
        "errors": sum(r["errors"] for r in rounds),
        "roundsWithMoreThanOneValue": [r["round"] for r in rounds if r["distinctValues"] != 1],
        **latency_summary(all_latencies),
        "maxStartLagMs": max(r["maxStartLagMs"] for r in rounds),
        "minReadyBeforeStartMs": min(r["minReadyBeforeStartMs"] for r in rounds),
    }

    now = datetime.datetime.now(datetime.timezone.utc)
    result = {
        "issue": "1,000 callers from 4 client processes against a 3-silo cluster: factory-run count, p50 and p99 caller latency",
        "date": now.isoformat(timespec="seconds"),
        "command": args.command,
        "machine": machine(),
        "loadAverage": {"before": args.load_before, "after": " ".join(open("/proc/loadavg").read().split()[:3])},
        "git": git_info(args.root),
        "config": {
            "silos": args.silos,
            "processes": args.processes,
            "callersPerProcess": args.callers,
            "factoryMs": args.factory_ms,
            "startDelayMs": args.start_delay_ms,
            "lateAttemptsRepeated": args.late_attempts,
            "rounds": args.rounds,
            "warmupRounds": args.warmup_rounds,
            "percentiles": "nearest rank over the merged latencies of all processes (failed callers included)",
        },
        "overall": overall,
        "rounds": rounds,
        "warmupRounds": warmups,
    }

    head, rows = table(rounds, overall)
    print(plain(head, rows))
    if warmups:
        print("warm-up (not counted): " + "; ".join(
            f"round {w['round']}: factory runs {w['factoryRuns']}, p50 {fmt(w['p50Ms'])} ms, p99 {fmt(w['p99Ms'])} ms"
            for w in warmups))

    with open(args.out + ".json", "w", encoding="utf-8") as f:
        f.write(dumps(result) + "\n")

    m = result["machine"]
    md = [
        "# Cache stampede: GetOrSet single flight across a cluster",
        "",
        f"Issue: {result['issue']}.",
        "",
        f"- Date: {result['date']}",
        f"- Machine: {m['nproc']} cores ({m['cpuModel']}), {m['memoryGiB']} GiB, Linux {m['kernel']}; "
        f".NET SDK {m['dotnetSdk']}; {m['redis']}",
        f"- Load average (1, 5, 15 min) before the rounds: {result['loadAverage']['before']}; after: "
        f"{result['loadAverage']['after']}",
        f"- Commit: {result['git']['commit']}"
        + (f" (uncommitted changes under src: {', '.join(result['git']['dirtySrc'])})" if result["git"]["dirtySrc"] else ""),
        f"- Setup: {args.silos} silos (Release, Redis mode) and one redis-server on the same machine; per round "
        f"{args.processes} `cachecluster stampede` processes x {args.callers} concurrent `GetOrSetAsync<string>` "
        f"callers on one fresh key, factory = `Task.Delay({args.factory_ms} ms)`, all started at the same wall-clock "
        f"time (`--start-at`, at least {args.start_delay_ms} ms after launch and more when the previous round's slowest "
        f"process needed more; {args.late_attempts} attempt(s) in which a process was not ready in time were discarded "
        f"and repeated on a fresh key), each process on a different silo's gateway (process i on silo i mod {args.silos}).",
        "- Latency: per caller, from its own call to its completion; connection set-up and a warm-up call on another key "
        "are before `--start-at` and not measured. Percentiles are nearest rank over all callers of the round(s).",
        f"- {args.warmup_rounds} warm-up round(s) first, not counted.",
        f"- Reproduce: `{args.command}`",
        "",
        markdown(head, rows),
        "",
        "Before value: callers that started before the factory returned the value (the rest started later, while "
        "their process was still launching callers, and may have been plain hits).",
        "Factory start ms: when the lease holder's factory began, after its process's first caller started.",
        "Start lag ms: how late the latest process started its callers after the agreed time "
        f"(least slack before the start: {fmt(overall['minReadyBeforeStartMs'])} ms).",
        "Other cpu %: share of the machine's CPU (all cores) during the round used by anything but redis, the silos "
        "and the round's CLI processes, i.e. other work on the machine competing with the measurement.",
        "",
    ]
    with open(args.out + ".md", "w", encoding="utf-8") as f:
        f.write("\n".join(md))

    problems = []
    if overall["roundsWithFactoryRunsOtherThanOne"]:
        problems.append(f"factory runs != 1 in rounds {overall['roundsWithFactoryRunsOtherThanOne']}")
    if overall["errors"]:
        problems.append(f"{overall['errors']} caller errors")
    if overall["roundsWithMoreThanOneValue"]:
        problems.append(f"more than one distinct value in rounds {overall['roundsWithMoreThanOneValue']}")
    if overall["maxStartLagMs"] > 50:
        print(f"warning: a process started {overall['maxStartLagMs']:.0f} ms late; raise --start-delay-ms", file=sys.stderr)
    if problems:
        print("FAIL: " + "; ".join(problems), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
