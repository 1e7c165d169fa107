# Shared by the benchmark scripts (sourced): the processes a run starts, stopped on exit, and two helpers.
PIDS=()
cleanup() {
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && kill "$pid" 2>/dev/null || true
  done
  for pid in "${PIDS[@]:-}"; do
    [ -n "$pid" ] && wait "$pid" 2>/dev/null || true
  done
}
trap cleanup EXIT INT TERM

log() { echo "[$(date -u +%H:%M:%S)] $*"; }

wait_http() { # url seconds
  local deadline=$((SECONDS + $2))
  until curl -fsS -o /dev/null "$1" 2>/dev/null; do
    if [ $SECONDS -ge $deadline ]; then echo "timed out waiting for $1" >&2; return 1; fi
    sleep 1
  done
}
