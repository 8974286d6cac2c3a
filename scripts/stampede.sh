#!/usr/bin/env bash
# Measures a cluster-wide cache stampede: a private redis-server and 3 silos (Release, Redis mode), then rounds of
# 4 concurrent `cachecluster stampede` processes x 250 callers on one fresh key, all started at the same wall-clock
# time. Reports per round and overall the factory runs (must be 1) and p50/p90/p99/max caller latency, and writes
# bench/results/stampede-<date>.json and .md. Stops everything it started on exit, failure included.
#
# The start time is set ahead of launch by the slowest process's start-up in the previous round (at least
# --start-delay-ms); a round in which a process was not connected by then is run again on a fresh key with the start
# further ahead, so that every measured caller really starts together (the machine may be busy with other work).
#
# Usage: scripts/stampede.sh [--rounds N] [--warmup-rounds N] [--processes N] [--callers N] [--factory-ms MS]
#                            [--start-delay-ms MS] [--max-start-lag-ms MS] [--no-build]
set -euo pipefail

rounds=5
warmup_rounds=1
processes=4
callers=250
factory_ms=100
start_delay_ms=6000
max_start_lag_ms=50
max_attempts=4
late_attempts=0
build=1
silos=3
original_args=("$@")

usage() {
    sed -n '2,12p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while (($#)); do
    case "$1" in
        --rounds) rounds=$2; shift 2 ;;
        --warmup-rounds) warmup_rounds=$2; shift 2 ;;
        --processes) processes=$2; shift 2 ;;
        --callers) callers=$2; shift 2 ;;
        --factory-ms) factory_ms=$2; shift 2 ;;
        --start-delay-ms) start_delay_ms=$2; shift 2 ;;
        --max-start-lag-ms) max_start_lag_ms=$2; shift 2 ;;
        --no-build) build=0; shift ;;
        -h|--help) usage ;;
        *) echo "stampede.sh: unknown argument '$1'" >&2; usage ;;
    esac
done

initial_start_delay_ms=$start_delay_ms
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/lib/local-services.sh"
silo_dll=src/Silo/bin/Release/net10.0/CacheCluster.Silo.dll
cli_dll=src/Cli/bin/Release/net10.0/cachecluster.dll
work=$(mktemp -d -t stampede.XXXXXX)

# Long-lived processes (redis, silos) and the current round's CLI processes, by pid; nothing else is ever signalled.
service_pids=()
cli_pids=()

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    stop_pids 5 ${cli_pids[@]+"${cli_pids[@]}"}
    # Silos first (they deregister from Redis membership), then redis-server, which is last in the list.
    if ((${#service_pids[@]} > 1)); then
        stop_pids 15 "${service_pids[@]:1}"
    fi
    stop_pids 5 ${service_pids[@]+"${service_pids[0]}"}
    if ((status == 0)); then
        rm -rf "$work"
    else
        echo "stampede.sh: failed (exit $status); logs are in $work" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

now_ms() { date +%s%3N; }

# The machine's CPU counters and those of redis and the silos, to tell how much CPU other work took during a round.
cpu_snapshot() {
    {
        head -n 1 /proc/stat
        for pid in "${service_pids[@]}"; do
            cat "/proc/$pid/stat" 2>/dev/null || true
        done
    } >"$1"
}

if ((build)); then
    echo "building Release (src/Silo, src/Cli)..."
    # No build servers: nothing of ours outlives the script.
    dotnet build -c Release --disable-build-servers -nologo -v q src/Silo
    dotnet build -c Release --disable-build-servers -nologo -v q src/Cli
fi
for dll in "$silo_dll" "$cli_dll"; do
    [[ -f $dll ]] || { echo "stampede.sh: $dll is missing; run without --no-build" >&2; exit 1; }
done

# Free loopback ports: one for redis, a silo port and a gateway port per silo.
read -r -a ports < <(free_ports "$((1 + 2 * silos))")
redis_port=${ports[0]}
id="stampede-$(date -u +%Y%m%d%H%M%S)-$$-$RANDOM"

start_redis "$redis_port" "$work/redis.log"
gateways=()
for ((s = 0; s < silos; s++)); do
    gateways+=("${ports[2 + 2 * s]}")
    start_silo "$silo_dll" "$work/silo$s.log" "$redis_port" "${ports[1 + 2 * s]}" "${ports[2 + 2 * s]}" "$id"
done

echo "redis on 127.0.0.1:$redis_port; silos' gateways on ${gateways[*]}; cluster '$id'"
deadline=$((SECONDS + 90))
for ((s = 0; s < silos; s++)); do
    wait_silo_ready "${service_pids[1 + s]}" "$work/silo$s.log" "silo $s" "$deadline"
done
echo "$silos silos ready; $warmup_rounds warm-up round(s), then $rounds round(s) of $processes processes x $callers callers (factory $factory_ms ms)"

# Launches one round's processes with a start time start_delay_ms ahead and waits for them, then fits start_delay_ms to
# the slowest process. Returns 1 (files kept as round<label>.late<attempt>.*) when a process was not ready in time.
launch_round() {
    local label=$1 attempt=$2 key=$3
    cpu_snapshot "$work/round$label.cpu-before"
    local start_at=$(($(now_ms) + start_delay_ms))
    cli_pids=()
    for ((p = 0; p < processes; p++)); do
        dotnet "$cli_dll" --gateway "127.0.0.1:${gateways[p % silos]}" --cluster-id "$id" --service-id "$id" --connect-timeout 30 \
            stampede "$key" --callers "$callers" --factory-ms "$factory_ms" --start-at "$start_at" --json --latencies \
            >"$work/round$label.p$p.json" 2>"$work/round$label.p$p.err" &
        cli_pids+=($!)
    done

    local failed=0
    for ((p = 0; p < processes; p++)); do
        if ! wait "${cli_pids[p]}"; then
            echo "stampede.sh: round $label, process $p failed:" >&2
            cat "$work/round$label.p$p.err" >&2
            failed=1
        fi
    done
    cli_pids=()
    cpu_snapshot "$work/round$label.cpu-after"
    ((failed == 0)) || exit 1

    # Slowest launch-to-ready time and largest start lag, in whole ms, and whether a process was not ready in time
    # (as opposed to woken a little late by a busy scheduler).
    local slowest lag late
    read -r slowest lag late < <(python3 - "$start_delay_ms" "$work"/round"$label".p*.json <<'EOF'
import json, math, sys
reports = [json.load(open(path)) for path in sys.argv[2:]]
ready = min(r["readyBeforeStartMs"] for r in reports)
print(math.ceil(int(sys.argv[1]) - ready), math.ceil(max(r["startLagMs"] for r in reports)), int(ready <= 0))
EOF
)
    [[ $slowest =~ ^-?[0-9]+$ && $lag =~ ^-?[0-9]+$ ]] || { echo "stampede.sh: round $label: unreadable output" >&2; exit 1; }
    if ((late == 0 && lag <= max_start_lag_ms)); then
        echo "$start_delay_ms" >"$work/round$label.delay"
        # Fit the next round's start to this one's slowest process, with a margin, never below the configured delay.
        start_delay_ms=$((slowest * 5 / 4 + 500))
        ((start_delay_ms > initial_start_delay_ms)) || start_delay_ms=$initial_start_delay_ms
        return 0
    fi

    local next=$((slowest * 3 / 2 + 500))
    ((next > start_delay_ms + 1000)) || next=$((start_delay_ms + 1000))
    echo "round $label: a process was ready only ${slowest} ms after launch (${lag} ms late); retrying with --start-at ${next} ms ahead"
    for f in "$work"/round"$label".p* "$work"/round"$label".cpu-*; do
        mv "$f" "${f/round$label./round$label.late$attempt.}"
    done
    start_delay_ms=$next
    late_attempts=$((late_attempts + 1))
    return 1
}

run_round() {
    local label=$1 key attempt
    for ((attempt = 1; ; attempt++)); do
        # A fresh key for every attempt: a late attempt has filled the previous one.
        key="stampede:$label:$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
        if launch_round "$label" "$attempt" "$key"; then
            return 0
        fi
        if ((attempt >= max_attempts)); then
            echo "stampede.sh: round $label: processes still started late after $attempt attempts" >&2
            exit 1
        fi
    done
}

load_before=$(cut -d' ' -f1-3 /proc/loadavg)
for ((w = 1; w <= warmup_rounds; w++)); do
    run_round "w$w"
done
for ((r = 1; r <= rounds; r++)); do
    run_round "$r"
done

mkdir -p bench/results
out="bench/results/stampede-$(date -u +%Y-%m-%dT%H%M%SZ)"
python3 scripts/stampede_report.py --work "$work" --root "$root" --out "$out" \
    --rounds "$rounds" --warmup-rounds "$warmup_rounds" --processes "$processes" --callers "$callers" \
    --factory-ms "$factory_ms" --start-delay-ms "$initial_start_delay_ms" \
    --late-attempts "$late_attempts" --load-before "$load_before" --silos "$silos" \
    --command "scripts/stampede.sh${original_args[*]:+ ${original_args[*]}}"
echo "wrote $out.json and $out.md"
