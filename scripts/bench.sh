#!/usr/bin/env bash
# Every benchmark scenario (S1-S7), CacheCluster beside its peers in one run: builds Release (src/Silo, src/Cli,
# tests/Bench), starts a private redis-server and 1 or 3 silos (Redis mode), runs `CacheCluster.Bench all`, prints
# the table and writes bench/results/all-<date>.json and .md (S5 also writes its own ratelimit-<date> files). Stops
# everything it started on exit, failure included. Exit 1 when a target returned wrong data or failed.
#
# Usage: scripts/bench.sh [--quick] [--scenario S1,S3,...] [--silos 1|3] [--memory-entries N,N] [--no-build]
#   --quick        10,000 keys, 3 s runs, one stampede round, 50,000 entries in S7: about three minutes on an idle
#                  2-core machine (full: 100,000 keys, 10 s runs, 3 rounds, 100,000 entries in S7; 1,000,000 too
#                  with --scenario S7 alone, so that they do not slow the other scenarios)
#   --scenario L   comma-separated subset of S1,S2,S3,S4,S5,S6,S7 (default: all)
#   --silos N      1 (default) or 3 silos
#   --memory-entries N,N  S7's entry counts (e.g. 1000000 alone for the 1M run)
#   --no-build     use the Release builds already there
# CACHECLUSTER_SILO_ARGS="--CacheCluster:X=value ..." adds settings to every silo; CACHECLUSTER_SILO_DLL runs another silo build.
set -euo pipefail

build=1
silos=1
bench_args=()
original_args=("$@")

usage() {
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while (($#)); do
    case "$1" in
        --quick) bench_args+=(--quick); shift ;;
        --scenario)
            (($# >= 2)) || usage
            bench_args+=(--scenario "$2")
            shift 2
            ;;
        --silos)
            (($# >= 2)) || usage
            [[ $2 == 1 || $2 == 3 ]] || { echo "bench.sh: --silos takes 1 or 3" >&2; exit 2; }
            silos=$2
            shift 2
            ;;
        --memory-entries)
            (($# >= 2)) || usage
            bench_args+=(--memory-entries "$2")
            shift 2
            ;;
        --no-build) build=0; shift ;;
        -h|--help) usage ;;
        *) echo "bench.sh: unknown argument '$1'" >&2; usage ;;
    esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/lib/local-services.sh"
# CACHECLUSTER_SILO_DLL runs another silo build (e.g. a copy of an earlier one, for a before/after).
silo_dll=${CACHECLUSTER_SILO_DLL:-src/Silo/bin/Release/net10.0/CacheCluster.Silo.dll}
cli_dll=src/Cli/bin/Release/net10.0/cachecluster.dll
bench_dll=tests/Bench/bin/Release/net10.0/CacheCluster.Bench.dll
work=$(mktemp -d -t bench.XXXXXX)

# What this script started, by pid: redis-server first, then the silos. Nothing else is ever signalled; the
# benchmark's own child processes (S4, S5) are waited for or killed by the benchmark itself.
service_pids=()

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # Silos first (they leave Redis membership), then redis-server.
    for ((i = ${#service_pids[@]} - 1; i >= 0; i--)); do
        stop_pids 15 "${service_pids[i]}"
    done
    if ((status == 0)); then
        rm -rf "$work"
    else
        echo "bench.sh: failed (exit $status); logs are in $work" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

started=$SECONDS
if ((build)); then
    echo "building Release (src/Silo, src/Cli, tests/Bench)..."
    # No build servers: nothing of ours outlives the script.
    for project in src/Silo src/Cli tests/Bench; do
        dotnet build -c Release --disable-build-servers -nologo -v q "$project" >"$work/build.log" 2>&1 \
            || { cat "$work/build.log" >&2; exit 1; }
    done
fi
for dll in "$silo_dll" "$cli_dll" "$bench_dll"; do
    [[ -f $dll ]] || { echo "bench.sh: $dll is missing; run without --no-build" >&2; exit 1; }
done

# S5's policies come from the benchmark itself; S6's rule (bench.tagged) is the one its domain events use.
mapfile -t silo_args < <(dotnet "$bench_dll" ratelimit-silo-args)
((${#silo_args[@]} > 0)) || { echo "bench.sh: the benchmark printed no policy arguments" >&2; exit 1; }
silo_args+=("--CacheCluster:Invalidation:Rules:bench.tagged:Tags:0=entity:{id}")
# CACHECLUSTER_SILO_ARGS adds silo settings, e.g. "--CacheCluster:MaxEntries=10000" for a bounded S7.
read -r -a extra_silo_args <<< "${CACHECLUSTER_SILO_ARGS:-}"
silo_args+=("${extra_silo_args[@]}")

# Free loopback ports: redis, then per silo its silo port, gateway port and HTTP port (for /metrics).
read -r -a ports < <(free_ports $((1 + 3 * silos)))
redis_port=${ports[0]}
id="bench-$(date -u +%Y%m%d%H%M%S)-$$-$RANDOM"
# Persistence on, as issue 7's S3 asks: CacheCluster and the peers write to the same AOF-backed Redis.
mkdir -p "$work/redis"
start_redis "$redis_port" "$work/redis.log" "$work/redis"
# No automatic AOF rewrite: its fork and copy-on-write faults land in whichever target's timed window happens to
# grow the file past the threshold (S3's WriteBehind row, in the order the scenarios run), and charge that target
# Redis CPU the others never pay. Every fsync stays (appendfsync everysec), for every target alike.
redis-cli -p "$redis_port" CONFIG SET auto-aof-rewrite-percentage 0 >/dev/null

cluster_args=()
for ((s = 0; s < silos; s++)); do
    silo_port=${ports[1 + 3 * s]} gateway_port=${ports[2 + 3 * s]} http_port=${ports[3 + 3 * s]}
    # The last --urls wins over start_silo's kernel-picked port.
    start_silo "$silo_dll" "$work/silo$s.log" "$redis_port" "$silo_port" "$gateway_port" "$id" \
        "${silo_args[@]}" "--urls=http://127.0.0.1:$http_port"
    cluster_args+=(--gateway "127.0.0.1:$gateway_port" --silo-pid "${service_pids[-1]}" --silo-metrics "http://127.0.0.1:$http_port/metrics")
done

echo "redis on 127.0.0.1:$redis_port; $silos silo(s); cluster '$id'"
deadline=$((SECONDS + 90))
for ((s = 0; s < silos; s++)); do
    wait_silo_ready "${service_pids[1 + s]}" "$work/silo$s.log" "silo $s" "$deadline"
done
echo "ready after $((SECONDS - started)) s"

mkdir -p bench/results
dotnet "$bench_dll" all \
    --redis "127.0.0.1:$redis_port" \
    --cluster-id "$id" \
    --service-id "$id" \
    --cli "$cli_dll" \
    --silos "$silos" \
    --out bench/results \
    --command "scripts/bench.sh${original_args[*]:+ ${original_args[*]}}" \
    "${cluster_args[@]}" \
    ${bench_args[@]+"${bench_args[@]}"}
echo "bench.sh: done in $((SECONDS - started)) s"
