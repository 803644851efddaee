#!/usr/bin/env bash
# Which system calls does udp-echo-server make per datagram? One command, from the repo root:
#
#     bash crates/udp-echo/bench/syscalls.sh
#
# Runs the release server under `strace -c -f`, once with --quiet and once logging to a
# pipe, sends it exactly COUNT datagrams (default 10000) with udp-echo-bench --count, stops
# it, and prints strace's table of system calls for each run. Needs strace.
set -euo pipefail

COUNT=${COUNT:-10000}
TARGET_DIR=${CARGO_TARGET_DIR:-target}

if [[ ! -f crates/udp-echo/bench/syscalls.sh ]]; then
    echo "run me from the repository root: bash crates/udp-echo/bench/syscalls.sh" >&2
    exit 2
fi
if ! command -v strace > /dev/null; then
    echo "strace is not installed (Debian/Ubuntu: apt-get install strace)" >&2
    exit 1
fi

cargo build --release --quiet -p udp-echo-server -p udp-echo-bench
SERVER_BIN="$TARGET_DIR/release/udp-echo-server"
BENCH_BIN="$TARGET_DIR/release/udp-echo-bench"

tmp=$(mktemp -d)
STRACE_PID=""
cleanup() {
    if [[ -n "$STRACE_PID" ]]; then kill "$STRACE_PID" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# trace TITLE SERVER-ARGS...: one traced run of COUNT datagrams.
trace() {
    local title=$1
    shift
    rm -f "$tmp/listening" "$tmp/strace"
    strace -c -f -o "$tmp/strace" "$SERVER_BIN" --addr 127.0.0.1:0 "$@" |
        bash -c 'IFS= read -r line; printf "%s\n" "$line" > "$0.part"; mv "$0.part" "$0"; exec cat > /dev/null' \
            "$tmp/listening" &
    for _ in $(seq 100); do
        [[ -s "$tmp/listening" ]] && break
        sleep 0.1
    done
    STRACE_PID=$(pgrep -f -n "^strace -c -f -o $tmp/strace")
    local server_pid
    server_pid=$(pgrep -P "$STRACE_PID")
    local addr
    addr=$(sed -n 's|^listening on udp://||p' "$tmp/listening")

    echo "### $title: $COUNT datagrams"
    echo
    "$BENCH_BIN" --server "$addr" --count "$COUNT" --window 16
    # Stopping the server ends strace, which then writes its table.
    kill "$server_pid"
    wait 2> /dev/null || true
    STRACE_PID=""
    echo
    echo '```text'
    cat "$tmp/strace"
    echo '```'
    echo
}

trace "udp-echo-server --quiet" --quiet
trace "udp-echo-server, log piped"
