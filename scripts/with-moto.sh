#!/usr/bin/env bash
# with-moto.sh CMD...: runs CMD with a private moto_server (a real
# DynamoDB-compatible server) on a free loopback port, exported as
# DYNAMODB_ENDPOINT, and stops the server afterwards whatever happens: on
# any exit of this script, SIGTERM to the server's process group, SIGKILL
# to what is left 2 s later, so stopping never hangs.
# If DYNAMODB_ENDPOINT is already set, CMD runs against that server instead.
set -euo pipefail

if [ -n "${DYNAMODB_ENDPOINT:-}" ]; then
  exec "$@"
fi

if ! command -v moto_server >/dev/null 2>&1; then
  echo "with-moto: moto_server not found on PATH (moto 5.2 under the pyenv Python is required for the DynamoDB tests)" >&2
  exit 1
fi

# How long moto may take to answer at start: Python imports on a busy
# 2-core machine have taken over 20 s.
start_timeout=${MOTO_START_TIMEOUT:-120}

# now_ms is the time in milliseconds, to say how long starting and
# stopping took.
now_ms() {
  local t=${EPOCHREALTIME:-$SECONDS.000000}
  t=${t/[.,]/}
  echo $((10#$t / 1000))
}
since() { # since START_MS: seconds elapsed, to a tenth
  local d=$(($(now_ms) - $1))
  printf '%d.%d' $((d / 1000)) $((d % 1000 / 100))
}

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp -t moto.XXXXXX.log)
moto_pid=

# stop_moto ends the server's process group: SIGTERM, then SIGKILL after
# 2 s to whatever has not exited (moto waits for its request threads, and
# those for their clients, when it is only asked to stop).
stop_moto() {
  [ -n "$moto_pid" ] || return 0
  local began killer cpu=
  began=$(now_ms)
  cpu=$(moto_cpu)
  kill -TERM -- "-$moto_pid" 2>/dev/null || kill -TERM "$moto_pid" 2>/dev/null || true
  (sleep 2 && { kill -KILL -- "-$moto_pid" || kill -KILL "$moto_pid"; }) </dev/null >/dev/null 2>&1 &
  killer=$!
  wait "$moto_pid" 2>/dev/null || true
  kill -KILL -- "-$moto_pid" 2>/dev/null || true # anything moto left in its group
  kill "$killer" 2>/dev/null || true
  moto_pid=
  echo "with-moto: moto_server stopped in $(since "$began") s${cpu:+ after $cpu s of CPU}" >&2
}
# moto_cpu prints the CPU seconds moto has used, where /proc tells: moto
# runs on one core, so this is the floor of a run's time on any machine.
moto_cpu() {
  local stat ticks f tenths
  stat=$(cat "/proc/$moto_pid/stat" 2>/dev/null) || return 0
  ticks=$(getconf CLK_TCK 2>/dev/null) || return 0
  read -r -a f <<<"${stat##*) }" # fields from the third on
  tenths=$(((f[11] + f[12]) * 10 / ticks))
  printf '%d.%d' $((tenths / 10)) $((tenths % 10))
}
cleanup() {
  local status=$?
  stop_moto
  # A failed run shows what moto failed at: its errors, not its request log.
  if [ "$status" != 0 ] && [ -s "$log" ] &&
    grep -qE 'Traceback|HTTP/1\.1" 5[0-9][0-9]' "$log"; then
    echo "with-moto: moto_server's errors (last 40 lines):" >&2
    grep -E -A3 'Traceback|Error|HTTP/1\.1" 5[0-9][0-9]' "$log" | tail -n 40 >&2
  fi
  rm -f "$log"
}
trap cleanup EXIT

# Its own session and process group: stop_moto signals the whole group,
# and a Ctrl-C meant for CMD does not reach the server before CMD ends.
if command -v setsid >/dev/null 2>&1; then
  setsid moto_server -H 127.0.0.1 -p "$port" </dev/null >"$log" 2>&1 &
else
  moto_server -H 127.0.0.1 -p "$port" </dev/null >"$log" 2>&1 &
fi
moto_pid=$!

began=$(now_ms)
until curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:$port/moto-api/" 2>/dev/null; do
  if ! kill -0 "$moto_pid" 2>/dev/null; then
    echo "with-moto: moto_server exited at start:" >&2
    cat "$log" >&2
    exit 1
  fi
  if (($(now_ms) - began > start_timeout * 1000)); then
    echo "with-moto: moto_server did not answer on 127.0.0.1:$port within $start_timeout s:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done

export DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
echo "with-moto: moto_server on $DYNAMODB_ENDPOINT (ready in $(since "$began") s)" >&2
"$@"
