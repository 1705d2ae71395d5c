#!/usr/bin/env bash
# with-moto.sh CMD...: runs CMD with a private moto_server (a real
# DynamoDB-compatible server) on a free loopback port, exported as
# DYNAMODB_ENDPOINT, and stops the server afterwards whatever happens.
# If DYNAMODB_ENDPOINT is already set, CMD runs against that server instead.
set -euo pipefail

if [ -n "${DYNAMODB_ENDPOINT:-}" ]; then
  exec "$@"
fi

if ! command -v moto_server >/dev/null 2>&1; then
  echo "with-moto: moto_server not found on PATH (moto 5.2 under the pyenv Python is required for the DynamoDB tests)" >&2
  exit 1
fi

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1]); s.close()')
log=$(mktemp -t moto.XXXXXX.log)
moto_server -H 127.0.0.1 -p "$port" >"$log" 2>&1 &
moto_pid=$!
cleanup() {
  kill "$moto_pid" 2>/dev/null || true
  wait "$moto_pid" 2>/dev/null || true
  rm -f "$log"
}
trap cleanup EXIT INT TERM

for _ in $(seq 1 100); do
  if curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/" 2>/dev/null; then
    break
  fi
  if ! kill -0 "$moto_pid" 2>/dev/null; then
    echo "with-moto: moto_server exited at start:" >&2
    cat "$log" >&2
    exit 1
  fi
  sleep 0.1
done
if ! curl -fsS -o /dev/null "http://127.0.0.1:$port/moto-api/"; then
  echo "with-moto: moto_server did not answer on 127.0.0.1:$port within 10 s" >&2
  exit 1
fi

export DYNAMODB_ENDPOINT="http://127.0.0.1:$port"
echo "with-moto: moto_server on $DYNAMODB_ENDPOINT" >&2
"$@"
