#!/usr/bin/env bash
# A local multi-silo cluster for development: one redis-server (AOF on) and N silo processes in Redis mode on
# loopback ports, each with its HTTP API. State (ports, pids, logs, Redis data) lives in .cachecluster/cluster/.
#
# Usage: scripts/cluster.sh up N [--no-build]   start redis-server and silos 1..N (builds src/Silo, src/Cli)
#        scripts/cluster.sh down                stop every silo (SIGTERM, graceful), then redis-server
#        scripts/cluster.sh kill I              kill -9 silo I (a crash)
#        scripts/cluster.sh restart I           stop silo I if running, start it again on its ports and settings
#        scripts/cluster.sh status              each process: running or not, ports, HTTP readiness, the CLI's environment
#        scripts/cluster.sh env                 only the CLI's environment: eval "$(scripts/cluster.sh env)"
# Any other silo setting: CACHECLUSTER_SILO_ARGS="--CacheCluster:EntryIdleTimeout=00:00:30" scripts/cluster.sh up 3
# The build is the one `dotnet build src/Silo` makes (Debug); CACHECLUSTER_CONFIGURATION=Release builds and runs Release.
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
cd "$root"
source "$root/scripts/lib/local-services.sh"
state=$root/.cachecluster/cluster
configuration=${CACHECLUSTER_CONFIGURATION:-Debug}
silo_dll=$root/src/Silo/bin/$configuration/net10.0/CacheCluster.Silo.dll

usage() {
    sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//' >&2
    exit 2
}

alive() { # running, and not a zombie waiting to be reaped
    [[ -n ${1:-} ]] && kill -0 "$1" 2>/dev/null && [[ $(ps -o stat= -p "$1" 2>/dev/null) != Z* ]]
}

read_var() { # read_var NAME: a value from the state file, or empty
    [[ -f $state/cluster.env ]] && sed -n "s/^$1=//p" "$state/cluster.env" | tail -n 1
}

set_var() { # set_var NAME VALUE
    touch "$state/cluster.env"
    sed -i "/^$1=/d" "$state/cluster.env"
    echo "$1=$2" >>"$state/cluster.env"
}

start_one() { # start_one I: starts silo I on its recorded ports, detached, and waits for its ready line
    local i=$1 id redis_port silo_port gateway_port http_port log pid args
    id=$(read_var CLUSTER_ID)
    redis_port=$(read_var REDIS_PORT)
    silo_port=$(read_var "SILO${i}_PORT")
    gateway_port=$(read_var "GATEWAY${i}_PORT")
    http_port=$(read_var "HTTP${i}_PORT")
    [[ -n $silo_port ]] || { echo "cluster.sh: there is no silo $i (see 'status')" >&2; exit 2; }
    log=$state/silo$i.log
    # The settings given to 'up' stay with the cluster: a restarted silo runs with them too, unless
    # CACHECLUSTER_SILO_ARGS is set again for the restart.
    if [[ -n ${CACHECLUSTER_SILO_ARGS+set} ]]; then args=$CACHECLUSTER_SILO_ARGS; else args=$(read_var SILO_ARGS); fi
    # shellcheck disable=SC2086 # the settings are split on purpose
    setsid dotnet "$silo_dll" \
        --CacheCluster:Redis="127.0.0.1:$redis_port" \
        --CacheCluster:SiloPort="$silo_port" \
        --CacheCluster:GatewayPort="$gateway_port" \
        --CacheCluster:ClusterId="$id" \
        --CacheCluster:ServiceId="$id" \
        --urls "http://127.0.0.1:$http_port" \
        $args >"$log" 2>&1 </dev/null &
    pid=$!
    set_var "SILO${i}_PID" "$pid"
    wait_silo_ready "$pid" "$log" "silo $i" $((SECONDS + 90))
    echo "silo $i: pid $pid, silo port $silo_port, gateway 127.0.0.1:$gateway_port, http http://127.0.0.1:$http_port"
}

status() {
    [[ -f $state/cluster.env ]] || { echo "no cluster (scripts/cluster.sh up N)"; return 0; }
    local n i pid redis_pid http_port ready
    n=$(read_var SILOS)
    redis_pid=$(read_var REDIS_PID)
    if alive "$redis_pid"; then
        echo "redis: running, pid $redis_pid, 127.0.0.1:$(read_var REDIS_PORT) (AOF in $state/redis)"
    else
        echo "redis: stopped (127.0.0.1:$(read_var REDIS_PORT))"
    fi
    for ((i = 1; i <= n; i++)); do
        pid=$(read_var "SILO${i}_PID")
        http_port=$(read_var "HTTP${i}_PORT")
        if alive "$pid"; then
            ready=$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$http_port/health/ready" || true)
            echo "silo $i: running, pid $pid, gateway 127.0.0.1:$(read_var "GATEWAY${i}_PORT"), http http://127.0.0.1:$http_port (ready: HTTP $ready)"
        else
            echo "silo $i: stopped (gateway 127.0.0.1:$(read_var "GATEWAY${i}_PORT"), http http://127.0.0.1:$http_port)"
        fi
    done
    echo "cli environment (or: eval \"\$(scripts/cluster.sh env)\"), then no connection flags are needed:"
    cli_env
    echo "cli: dotnet src/Cli/bin/$configuration/net10.0/cachecluster.dll get KEY"
}

# The variables the CLI reads when no connection flag is given, as lines a shell can eval.
cli_env() {
    [[ -f $state/cluster.env ]] || { echo "cluster.sh: no cluster (scripts/cluster.sh up N)" >&2; exit 1; }
    echo "export CACHECLUSTER_URL=http://127.0.0.1:$(read_var HTTP1_PORT)"
    echo "export CACHECLUSTER_REDIS=127.0.0.1:$(read_var REDIS_PORT)"
    echo "export CACHECLUSTER_CLUSTER_ID=$(read_var CLUSTER_ID)"
    echo "export CACHECLUSTER_SERVICE_ID=$(read_var CLUSTER_ID)"
    echo "unset CACHECLUSTER_GATEWAY"
}

(($# >= 1)) || usage
command=$1
shift
case $command in
    up)
        (($# >= 1)) && [[ $1 =~ ^[1-9][0-9]?$ ]] || usage
        n=$1
        build=1
        [[ ${2:-} == --no-build ]] && build=0
        if [[ -f $state/cluster.env ]] && alive "$(read_var REDIS_PID)"; then
            echo "cluster.sh: a cluster is already up; 'scripts/cluster.sh down' first" >&2
            exit 1
        fi
        if ((build)); then
            echo "building $configuration (src/Silo, src/Cli)..."
            dotnet build -c "$configuration" --disable-build-servers -nologo -v q src/Silo >/dev/null
            dotnet build -c "$configuration" --disable-build-servers -nologo -v q src/Cli >/dev/null
        fi
        [[ -f $silo_dll ]] || { echo "cluster.sh: $silo_dll is missing; run without --no-build" >&2; exit 1; }
        rm -rf "$state"
        mkdir -p "$state/redis"
        read -r -a ports < <(free_ports $((1 + 3 * n)))
        set_var SILOS "$n"
        set_var SILO_ARGS "${CACHECLUSTER_SILO_ARGS:-}"
        set_var CLUSTER_ID "local-$(date -u +%Y%m%d%H%M%S)"
        set_var REDIS_PORT "${ports[0]}"
        for ((i = 1; i <= n; i++)); do
            set_var "SILO${i}_PORT" "${ports[3 * i - 2]}"
            set_var "GATEWAY${i}_PORT" "${ports[3 * i - 1]}"
            set_var "HTTP${i}_PORT" "${ports[3 * i]}"
        done
        setsid redis-server --bind 127.0.0.1 --port "${ports[0]}" --appendonly yes --dir "$state/redis" \
            --save '' --daemonize no >"$state/redis.log" 2>&1 </dev/null &
        set_var REDIS_PID $!
        for _ in $(seq 100); do
            redis-cli -p "${ports[0]}" ping 2>/dev/null | grep -q PONG && break
            sleep 0.1
        done
        echo "redis: pid $(read_var REDIS_PID), 127.0.0.1:${ports[0]}, AOF in $state/redis"
        for ((i = 1; i <= n; i++)); do
            start_one "$i"
        done
        ;;
    down)
        [[ -f $state/cluster.env ]] || { echo "no cluster"; exit 0; }
        pids=()
        for ((i = 1; i <= $(read_var SILOS); i++)); do
            pid=$(read_var "SILO${i}_PID")
            alive "$pid" && pids+=("$pid")
        done
        ((${#pids[@]} == 0)) || stop_pids 45 "${pids[@]}"
        redis_pid=$(read_var REDIS_PID)
        if alive "$redis_pid"; then stop_pids 10 "$redis_pid"; fi
        echo "cluster stopped (state and logs kept in $state)"
        ;;
    kill)
        (($# == 1)) || usage
        pid=$(read_var "SILO${1}_PID")
        alive "$pid" || { echo "cluster.sh: silo $1 is not running" >&2; exit 1; }
        kill -KILL "$pid"
        echo "silo $1 (pid $pid) killed"
        ;;
    restart)
        (($# == 1)) || usage
        pid=$(read_var "SILO${1}_PID")
        if alive "$pid"; then stop_pids 45 "$pid"; fi
        start_one "$1"
        ;;
    status) status ;;
    env) cli_env ;;
    *) usage ;;
esac
