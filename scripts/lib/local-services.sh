# Shared by the scripts that run redis-server and silos on loopback ports. Source it; it defines functions only.
# Callers keep the pids they start in the array service_pids (redis-server first, then silos) for their cleanup.

# free_ports N: prints N free loopback TCP ports on one line.
free_ports() {
    python3 - "$1" <<'PY'
import socket, sys
socks = [socket.socket() for _ in range(int(sys.argv[1]))]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
PY
}

# stop_pids GRACE PID...: SIGTERM, then SIGKILL whatever is still running after GRACE seconds.
stop_pids() {
    local grace=$1
    shift
    (($#)) || return 0
    kill -TERM "$@" 2>/dev/null || true
    local deadline=$((SECONDS + grace)) pid
    for pid in "$@"; do
        while kill -0 "$pid" 2>/dev/null && ((SECONDS < deadline)); do
            sleep 0.1
        done
        if kill -0 "$pid" 2>/dev/null; then
            echo "$(basename "$0"): pid $pid did not stop in ${grace} s; killing it" >&2
            kill -KILL "$pid" 2>/dev/null || true
        fi
        wait "$pid" 2>/dev/null || true
    done
}

# start_redis PORT LOG [AOF_DIR]: starts a throw-away redis-server and waits until it answers. Without AOF_DIR it
# persists nothing; with it, it keeps an append-only file there (appendonly yes, appendfsync everysec: Redis' durable
# production setting).
start_redis() {
    local port=$1 log=$2 aof_dir=${3:-}
    local persistence=(--appendonly no)
    [[ -n $aof_dir ]] && persistence=(--appendonly yes --appendfsync everysec --dir "$aof_dir")
    redis-server --bind 127.0.0.1 --port "$port" --save '' "${persistence[@]}" --daemonize no >"$log" 2>&1 &
    local pid=$!
    service_pids+=("$pid")
    for _ in $(seq 100); do
        redis-cli -p "$port" ping 2>/dev/null | grep -q PONG && return 0
        kill -0 "$pid" 2>/dev/null || { cat "$log" >&2; return 1; }
        sleep 0.1
    done
    redis-cli -p "$port" ping | grep -q PONG
}

# start_silo DLL LOG REDIS_PORT SILO_PORT GATEWAY_PORT ID [ARG...]: starts a Redis-mode silo in the background. Its
# HTTP API takes a port the kernel picks (--urls …:0): several silos on one machine cannot all have the default 5080.
start_silo() {
    local dll=$1 log=$2 redis_port=$3 silo_port=$4 gateway_port=$5 id=$6
    shift 6
    dotnet "$dll" \
        --CacheCluster:Redis="127.0.0.1:$redis_port" \
        --CacheCluster:SiloPort="$silo_port" \
        --CacheCluster:GatewayPort="$gateway_port" \
        --CacheCluster:ClusterId="$id" \
        --CacheCluster:ServiceId="$id" \
        --urls=http://127.0.0.1:0 \
        "$@" >"$log" 2>&1 &
    service_pids+=($!)
}

# wait_silo_ready PID LOG NAME DEADLINE: waits for the ready line until SECONDS reaches DEADLINE.
wait_silo_ready() {
    local pid=$1 log=$2 name=$3 deadline=$4
    until grep -q "CacheCluster silo ready" "$log"; do
        if ! kill -0 "$pid" 2>/dev/null; then
            echo "$(basename "$0"): $name exited before it was ready:" >&2
            tail -n 30 "$log" >&2
            return 1
        fi
        if ((SECONDS >= deadline)); then
            echo "$(basename "$0"): $name was not ready in time:" >&2
            tail -n 30 "$log" >&2
            return 1
        fi
        sleep 0.2
    done
}
