#!/usr/bin/env bash
# S5 rate limiting: CacheCluster's cluster-wide limiter beside RedisRateLimiting on the same Redis. Builds Release
# (src/Silo, tests/Bench), starts a private redis-server and one silo (Redis mode) with the benchmark's policies, runs
# `CacheCluster.Bench ratelimit` and writes bench/results/ratelimit-<date>.json and .md. Stops everything it started
# on exit, failure included.
#
# Usage: scripts/bench-ratelimit.sh [--seconds S] [--callers N] [--ids N] [--attempts N] [--quick]
#                                   [--silo-arg ARG]... [--no-build]
#   --seconds S   length of each timed run (default 10; 2 with --quick)
#   --callers N   concurrent callers in the client (default 64)
#   --ids N       identifiers the many-ids runs spread over (default 10000)
#   --attempts N  attempts per exactness run against a limit of 1,000 (default 5000)
#   --quick       2 s runs and short warm-ups: a smoke test, not a measurement
#   --silo-arg A  one more silo argument, e.g. --silo-arg --CacheCluster:RateLimitCheckpointInterval=00:00:00
#                 (write-through checkpoints); repeatable
#   --no-build    use the Release builds already there
set -euo pipefail

build=1
bench_args=()
silo_args=()
original_args=("$@")

usage() {
    sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

while (($#)); do
    case "$1" in
        --seconds|--callers|--ids|--attempts)
            (($# >= 2)) || usage
            bench_args+=("$1" "$2")
            shift 2
            ;;
        --quick) bench_args+=(--quick); shift ;;
        --silo-arg)
            (($# >= 2)) || usage
            silo_args+=("$2")
            shift 2
            ;;
        --no-build) build=0; shift ;;
        -h|--help) usage ;;
        *) echo "bench-ratelimit.sh: unknown argument '$1'" >&2; usage ;;
    esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/lib/local-services.sh"
silo_dll=src/Silo/bin/Release/net10.0/CacheCluster.Silo.dll
bench_dll=tests/Bench/bin/Release/net10.0/CacheCluster.Bench.dll
work=$(mktemp -d -t bench-ratelimit.XXXXXX)

# What this script started, by pid: redis-server first, then the silo. Nothing else is ever signalled.
service_pids=()

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    # The silo first (it leaves Redis membership), then redis-server.
    for ((i = ${#service_pids[@]} - 1; i >= 0; i--)); do
        stop_pids 15 "${service_pids[i]}"
    done
    if ((status == 0)); then
        rm -rf "$work"
    else
        echo "bench-ratelimit.sh: failed (exit $status); logs are in $work" >&2
    fi
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((build)); then
    echo "building Release (src/Silo, tests/Bench)..."
    # No build servers: nothing of ours outlives the script.
    dotnet build -c Release --disable-build-servers -nologo -v q src/Silo
    dotnet build -c Release --disable-build-servers -nologo -v q tests/Bench
fi
for dll in "$silo_dll" "$bench_dll"; do
    [[ -f $dll ]] || { echo "bench-ratelimit.sh: $dll is missing; run without --no-build" >&2; exit 1; }
done

# The policies come from the benchmark itself, so the silo and the RedisRateLimiting side cannot disagree.
mapfile -t policy_args < <(dotnet "$bench_dll" ratelimit-silo-args)
((${#policy_args[@]} > 0)) || { echo "bench-ratelimit.sh: the benchmark printed no policy arguments" >&2; exit 1; }

# Free loopback ports: redis, the silo port and the gateway port.
read -r redis_port silo_port gateway_port < <(free_ports 3)
id="bench-ratelimit-$(date -u +%Y%m%d%H%M%S)-$$-$RANDOM"

start_redis "$redis_port" "$work/redis.log"
start_silo "$silo_dll" "$work/silo.log" "$redis_port" "$silo_port" "$gateway_port" "$id" \
    "${policy_args[@]}" ${silo_args[@]+"${silo_args[@]}"}
silo_pid=${service_pids[-1]}

echo "redis on 127.0.0.1:$redis_port; silo gateway on 127.0.0.1:$gateway_port; cluster '$id'"
wait_silo_ready "$silo_pid" "$work/silo.log" "the silo" $((SECONDS + 90))

mkdir -p bench/results
dotnet "$bench_dll" ratelimit \
    --redis "127.0.0.1:$redis_port" \
    --gateway "127.0.0.1:$gateway_port" \
    --cluster-id "$id" \
    --service-id "$id" \
    --silo-pid "$silo_pid" \
    --out bench/results \
    --command "scripts/bench-ratelimit.sh${original_args[*]:+ ${original_args[*]}}" \
    ${bench_args[@]+"${bench_args[@]}"}
