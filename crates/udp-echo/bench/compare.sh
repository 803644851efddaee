#!/usr/bin/env bash
# How fast is lesson 1's server, against the tutorial's Python server and a bare C loop?
#
# One command, from the repository root:
#
#     bash crates/udp-echo/bench/compare.sh
#
# It builds udp-echo-server and udp-echo-bench in release mode, compiles the C loop
# (c/echo_loop.c) with the system cc if there is one, writes a tutorial-style Python server to
# a temporary file if there is a python3, and then, one server after the other, runs the bench
# at window 1 (latency) and window 16 (throughput). Each server runs pinned to CPU 0 and the
# bench to CPU 1 (taskset), so they do not compete for a core. Every server's stdout goes
# into a pipe read by `cat > /dev/null`, so "logging" means "logging to a pipe".
# It prints a Markdown table (the README's "Performance" section) and the ratios the course
# aims for. Settings: DURATION (seconds per run, default 3), SERVER_CPU, BENCH_CPU.
set -euo pipefail

DURATION=${DURATION:-3}
SERVER_CPU=${SERVER_CPU:-0}
BENCH_CPU=${BENCH_CPU:-1}
TARGET_DIR=${CARGO_TARGET_DIR:-target}

if [[ ! -f crates/udp-echo/bench/compare.sh ]]; then
    echo "run me from the repository root: bash crates/udp-echo/bench/compare.sh" >&2
    exit 2
fi

cargo build --release --quiet -p udp-echo-server -p udp-echo-bench
SERVER_BIN="$TARGET_DIR/release/udp-echo-server"
BENCH_BIN="$TARGET_DIR/release/udp-echo-bench"

tmp=$(mktemp -d)
SERVER_PID=""
cleanup() {
    if [[ -n "$SERVER_PID" ]]; then kill "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$tmp"
}
trap cleanup EXIT

# The yardstick: the same loop in C, built now with the system compiler.
C_LOOP=""
if command -v cc > /dev/null; then
    cc -O2 -o "$tmp/echo_loop" crates/udp-echo/bench/c/echo_loop.c
    C_LOOP="$tmp/echo_loop"
fi

# The tutorial's server, written the tutorial's way: print every datagram, send it back
# upper-cased. Only the port and the `listening on` line are ours, so the script finds it.
PYTHON=""
if command -v python3 > /dev/null; then
    PYTHON=$(python3 -c 'import sys; print(sys.executable)')
    cat > "$tmp/tutorial_server.py" <<'PY'
import sys
from socket import socket, AF_INET, SOCK_DGRAM

ip_port = ("127.0.0.1", int(sys.argv[1]))
buffer_size = 1024

udp_server = socket(AF_INET, SOCK_DGRAM)
udp_server.bind(ip_port)
print("listening on udp://%s:%d" % udp_server.getsockname(), flush=True)

while True:
    data, addr = udp_server.recvfrom(buffer_size)
    print(data)
    udp_server.sendto(data.upper(), addr)
PY
fi

# start_server CMD...: runs CMD pinned to SERVER_CPU with its stdout piped into `cat`, and
# sets SERVER_PID and SERVER_ADDR from its `listening on udp://ADDR` line.
start_server() {
    rm -f "$tmp/pid" "$tmp/listening"
    # `exec` keeps the PID, so $tmp/pid is the server's own (for its /proc status).
    bash -c 'echo $$ > "$0"; exec taskset -c "$1" "${@:2}"' "$tmp/pid" "$SERVER_CPU" "$@" |
        taskset -c "$SERVER_CPU" bash -c \
            'IFS= read -r line; printf "%s\n" "$line" > "$0.part"; mv "$0.part" "$0"; exec cat > /dev/null' \
            "$tmp/listening" &
    for _ in $(seq 100); do
        [[ -s "$tmp/listening" ]] && break
        sleep 0.1
    done
    if [[ ! -s "$tmp/listening" ]]; then
        echo "server did not start: $*" >&2
        exit 1
    fi
    SERVER_PID=$(cat "$tmp/pid")
    SERVER_ADDR=$(sed -n 's|^listening on udp://||p' "$tmp/listening")
}

stop_server() {
    kill "$SERVER_PID"
    wait 2> /dev/null || true
    SERVER_PID=""
}

# json_field NAME JSON: one number from the bench's --json line.
json_field() {
    sed -n "s/.*\"$1\":\([0-9.]*\|null\).*/\1/p" <<< "$2"
}

declare -A RATE
row() {
    local name=$1
    shift
    start_server "$@"
    local cells="| $name |" bad=0 json
    for window in 1 16; do
        json=$(taskset -c "$BENCH_CPU" "$BENCH_BIN" --server "$SERVER_ADDR" \
            --window "$window" --duration "$DURATION" --json)
        RATE[$name,$window]=$(json_field replies_per_s "$json")
        cells+=" $(json_field replies_per_s "$json") | $(json_field rtt_median_us "$json") | $(json_field rtt_p99_us "$json") |"
        bad=$((bad + $(json_field lost "$json") + $(json_field wrong "$json")))
    done
    local peak
    peak=$(awk '/^VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/$SERVER_PID/status")
    stop_server
    echo "$cells $bad | $peak |"
}

ratio() { # ratio A B: A / B with two decimals
    awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'
}

echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)),"
echo "$(uname -sr), $(rustc --version), load average before: $(cut -d' ' -f1-3 /proc/loadavg);"
echo "server on CPU $SERVER_CPU, bench on CPU $BENCH_CPU, $DURATION s per run, 64-byte datagrams."
echo
echo "| server | window 1: replies/s | median µs | p99 µs | window 16: replies/s | median µs | p99 µs | lost + wrong | peak memory |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
row "udp-echo-server --quiet" "$SERVER_BIN" --addr 127.0.0.1:0 --quiet
row "udp-echo-server (log piped)" "$SERVER_BIN" --addr 127.0.0.1:0
if [[ -n "$C_LOOP" ]]; then
    row "C loop (cc -O2)" "$C_LOOP" 0
fi
if [[ -n "$PYTHON" ]]; then
    row "tutorial's Python (print piped)" "$PYTHON" "$tmp/tutorial_server.py" 0
fi
echo
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
for window in 1 16; do
    quiet=${RATE["udp-echo-server --quiet",$window]}
    logged=${RATE["udp-echo-server (log piped)",$window]}
    line="window $window:"
    if [[ -n "$C_LOOP" ]]; then
        c=${RATE["C loop (cc -O2)",$window]}
        line+=" --quiet / C loop $(ratio "$quiet" "$c") (aim >= 0.85);"
        line+=" logging / C loop $(ratio "$logged" "$c") (aim >= 0.75);"
    fi
    if [[ -n "$PYTHON" ]]; then
        py=${RATE["tutorial's Python (print piped)",$window]}
        line+=" logging / Python $(ratio "$logged" "$py") (aim >= 2)"
    fi
    echo "$line"
done
