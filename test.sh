#!/usr/bin/env bash
# Runs every test of CacheCluster.
#
# Installs what the tests need when it is missing (redis-server, varnish, nginx and chromium, through apt-get), builds the solution once
# and runs the test projects one after the other, never two at once (they share the machine's cores and some tests are
# timing-sensitive), the end-to-end and fault tests last. Arguments go to each `dotnet test` (a --filter, say). The
# Redis-, Varnish- and nginx-backed tests start their own redis-server, varnishd and nginx on free loopback ports and
# stop them themselves; they are never skipped. A Redis, Varnish, nginx or Chromium that cannot be installed or started fails the run.
# The dashboard's browser tests run headless Chromium (as root here, so with --no-sandbox) and keep their screenshots in
# tests/EndToEnd.Tests/bin/Debug/net10.0/artifacts/.
set -euo pipefail
cd "$(dirname "$0")"

apt_install() {
  local sudo=""
  [ "$(id -u)" = 0 ] || sudo="sudo"
  echo "test.sh: installing $* with apt-get" >&2
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq "$@" >/dev/null
}

missing=()
command -v redis-server >/dev/null 2>&1 || missing+=(redis-server)
[ -x /usr/sbin/varnishd ] || missing+=(varnish)
[ -x /usr/sbin/nginx ] || missing+=(nginx)
[ -x /usr/bin/chromium ] || missing+=(chromium)
if [ "${#missing[@]}" -gt 0 ]; then
  apt_install "${missing[@]}" || true
fi
if [ ! -x /usr/sbin/varnishd ]; then
  echo "test.sh: varnishd is not installed and could not be installed; the Varnish tests cannot run." >&2
  exit 1
fi
if [ ! -x /usr/sbin/nginx ]; then
  echo "test.sh: nginx is not installed and could not be installed; the nginx tests cannot run." >&2
  exit 1
fi
if [ ! -x /usr/bin/chromium ]; then
  echo "test.sh: chromium is not installed and could not be installed; the dashboard's browser tests cannot run." >&2
  exit 1
fi

# Redis must be able to start here: check once, loudly, before spending minutes on the build.
if ! command -v redis-server >/dev/null 2>&1; then
  echo "test.sh: redis-server is not installed and could not be installed; the Redis-backed tests cannot run." >&2
  exit 1
fi
probe_dir=$(mktemp -d)
probe_port=$(( 20000 + RANDOM % 20000 ))
redis-server --port "$probe_port" --bind 127.0.0.1 --save '' --appendonly no --dir "$probe_dir" --daemonize no >/dev/null 2>&1 &
probe_pid=$!
probe_ok=0
for _ in $(seq 1 50); do
  if redis-cli -p "$probe_port" ping >/dev/null 2>&1; then probe_ok=1; break; fi
  sleep 0.1
done
kill "$probe_pid" 2>/dev/null || true
wait "$probe_pid" 2>/dev/null || true
rm -rf "$probe_dir"
if [ "$probe_ok" != 1 ]; then
  echo "test.sh: redis-server is installed but did not start on 127.0.0.1:$probe_port; the Redis-backed tests cannot run." >&2
  exit 1
fi

export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1 DOTNET_SKIP_FIRST_TIME_EXPERIENCE=1

# Each project mirrors a part of src; EndToEnd.Tests runs the built programs as processes and ends with the fault tests.
projects=(Grains.Tests Client.Tests Http.Tests Adapters.Tests EndToEnd.Tests)

log=$(mktemp)
results=$(mktemp -d)   # each project's trx, for the slowest tests printed at the end; outside the tree
trap 'rm -rf "$log" "$results"' EXIT
status=0
started=$SECONDS

echo "test.sh: building CacheCluster.sln"
if ! dotnet build CacheCluster.sln 2>&1 | tee -a "$log"; then
  echo "test.sh: the build failed." >&2
  exit 1
fi

# Sums the "Passed!/Failed!" lines of every test assembly run so far: passed failed skipped assemblies.
totals() {
  grep -E '^ *(Passed|Failed)! ' "$log" \
    | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' \
    | awk '{ f += $1; p += $2; s += $3; n++ } END { printf "%d %d %d %d", p, f, s, n }'
}

for i in "${!projects[@]}"; do
  project=${projects[$i]}
  echo "test.sh: [$((i + 1))/${#projects[@]}] $project ..."
  project_started=$SECONDS
  dotnet test "tests/$project" --no-build --logger "trx;LogFileName=$results/$project.trx" "$@" 2>&1 | tee -a "$log" || status=$?
  read -r passed failed skipped _ <<<"$(totals)"
  echo "test.sh: [$((i + 1))/${#projects[@]}] $project done in $((SECONDS - project_started)) s; so far $passed passed, $failed failed, $skipped skipped, $((SECONDS - started)) s in all"
done

# The slowest tests of the run (from the trx files), so that the suite's time stays visible.
echo "test.sh: the 12 slowest tests:"
cat "$results"/*.trx 2>/dev/null | grep -o '<UnitTestResult [^>]*' \
  | sed -nE 's/.*testName="([^"]*)".*duration="([0-9]+):([0-9]+):([0-9]+)\.?[0-9]*".*/\2 \3 \4 \1/p' \
  | awk '{ s = $1 * 3600 + $2 * 60 + $3; $1 = $2 = $3 = ""; printf "%6d s %s\n", s, $0 }' | sort -rn | head -12 || true

# One plain closing line, summed over every test assembly. A skipped test fails the run: none may be skipped.
read -r passed failed skipped assemblies <<<"$(totals)"
echo "${passed} passed, ${failed} failed, ${skipped} skipped"
if [ "$assemblies" = 0 ] || [ "$passed" = 0 ]; then
  echo "test.sh: no test ran." >&2
  status=1
elif [ "$assemblies" != "${#projects[@]}" ]; then
  echo "test.sh: only $assemblies of ${#projects[@]} test projects reported results." >&2
  status=1
fi
if [ "$skipped" != 0 ]; then
  echo "test.sh: $skipped test(s) were skipped; tests must never be skipped." >&2
  status=1
fi
exit "$status"
