#!/usr/bin/env bash
# S6 invalidation: publish one domain event that reaches 10,000 tagged entries and time it until every entry is
# invalidated and until a subscriber is notified; then the same for events touching one entry. Builds Release
# (src/Silo, tests/Bench), starts a private redis-server and N silos (Redis mode) with the benchmark's rule, runs
# `CacheCluster.Bench invalidation` and writes bench/results/invalidation-<date>.md. Stops everything it started.
#
# Usage: scripts/bench-invalidation.sh [--silos N] [--runs N] [--entries N] [--no-build]
set -euo pipefail

build=1
silos=3
bench_args=()
while (($#)); do
    case "$1" in
        --silos) silos=$2; shift 2 ;;
        --runs|--entries) bench_args+=("$1" "$2"); shift 2 ;;
        --no-build) build=0; shift ;;
        *) sed -n '2,7p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 2 ;;
    esac
done

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/lib/local-services.sh"
silo_dll=src/Silo/bin/Release/net10.0/CacheCluster.Silo.dll
bench_dll=tests/Bench/bin/Release/net10.0/CacheCluster.Bench.dll
work=$(mktemp -d -t bench-invalidation.XXXXXX)
service_pids=()

cleanup() {
    local status=$?
    trap - EXIT INT TERM
    for ((i = ${#service_pids[@]} - 1; i >= 0; i--)); do
        stop_pids 15 "${service_pids[i]}"
    done
    ((status == 0)) && rm -rf "$work" || echo "bench-invalidation.sh: failed (exit $status); logs are in $work" >&2
    exit "$status"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

if ((build)); then
    echo "building Release (src/Silo, tests/Bench)..."
    dotnet build -c Release --disable-build-servers -nologo -v q src/Silo
    dotnet build -c Release --disable-build-servers -nologo -v q tests/Bench
fi

read -r -a ports < <(free_ports $((1 + 2 * silos)))
id="bench-invalidation-$(date -u +%Y%m%d%H%M%S)-$$"
start_redis "${ports[0]}" "$work/redis.log"
gateways=()
for ((i = 0; i < silos; i++)); do
    silo_port=${ports[1 + 2 * i]} gateway_port=${ports[2 + 2 * i]}
    start_silo "$silo_dll" "$work/silo$i.log" "${ports[0]}" "$silo_port" "$gateway_port" "$id" \
        "--CacheCluster:Invalidation:Rules:bench.tagged:Tags:0=entity:{id}"
    gateways+=(--gateway "127.0.0.1:$gateway_port")
done
for ((i = 0; i < silos; i++)); do
    wait_silo_ready "${service_pids[1 + i]}" "$work/silo$i.log" "silo $i" $((SECONDS + 90))
done

mkdir -p bench/results
dotnet "$bench_dll" invalidation "${gateways[@]}" --cluster-id "$id" --service-id "$id" --out bench/results \
    ${bench_args[@]+"${bench_args[@]}"}
