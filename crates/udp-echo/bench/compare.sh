#!/usr/bin/env bash
# How fast is lesson 1's server, against the tutorial's Python server and a bare C loop?
#
# One command, from the repository root:
#
#     bash crates/udp-echo/bench/compare.sh
#
# It builds udp-echo-server and udp-echo-bench in release mode, compiles the C loop
# (c/echo_loop.c) with the system cc if there is one, writes a tutorial-style Python server to
# a temporary file if there is a python3, and starts all the servers, pinned to CPU 0 with
# taskset; each one's stdout goes into a pipe read by `cat > /dev/null`, so "logging" means
# "logging to a pipe". Then, in ROUNDS rounds, it runs the bench pinned to CPU 1 against one
# server after the other, at window 1 (latency) and window 16 (throughput): the servers wait
# idle while another is measured, and a burst of other work on the machine hits every server
# alike. Each cell of the table is the median of the rounds. It prints a Markdown table (the
# README's "Performance" section) and the ratios the course aims for. Every run's JSON line
# (with the server's name as its label) goes into RESULTS, for lesson 1's figure:
#     cargo run -p plots -- udp-echo target/udp-echo-compare.jsonl --out lessons/img/01-compare.svg
# Settings: DURATION (seconds per run, default 2), ROUNDS (default 5), SERVER_CPU, BENCH_CPU,
# RESULTS (default target/udp-echo-compare.jsonl).
set -euo pipefail

DURATION=${DURATION:-2}
ROUNDS=${ROUNDS:-5}
SERVER_CPU=${SERVER_CPU:-0}
BENCH_CPU=${BENCH_CPU:-1}
TARGET_DIR=${CARGO_TARGET_DIR:-target}
RESULTS=${RESULTS:-target/udp-echo-compare.jsonl}

if [[ ! -f crates/udp-echo/bench/compare.sh ]]; then
    echo "run me from the repository root: bash crates/udp-echo/bench/compare.sh" >&2
    exit 2
fi

cargo build --release --quiet -p udp-echo-server -p udp-echo-bench
SERVER_BIN="$TARGET_DIR/release/udp-echo-server"
BENCH_BIN="$TARGET_DIR/release/udp-echo-bench"

tmp=$(mktemp -d)
declare -a NAMES=()
declare -A PID ADDR
cleanup() {
    for name in "${NAMES[@]}"; do kill "${PID[$name]}" 2> /dev/null || true; done
    wait 2> /dev/null || true
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

# start_server NAME CMD...: runs CMD pinned to SERVER_CPU with its stdout piped into `cat`,
# and notes its PID and the address of its `listening on udp://ADDR` line.
start_server() {
    local name=$1 n=${#NAMES[@]}
    shift
    # `exec` keeps the PID, so $tmp/pid.N is the server's own (for its /proc files).
    bash -c 'echo $$ > "$0"; exec taskset -c "$1" "${@:2}"' "$tmp/pid.$n" "$SERVER_CPU" "$@" |
        taskset -c "$SERVER_CPU" bash -c \
            'IFS= read -r line; printf "%s\n" "$line" > "$0.part"; mv "$0.part" "$0"; exec cat > /dev/null' \
            "$tmp/listening.$n" &
    for _ in $(seq 100); do
        [[ -s "$tmp/listening.$n" ]] && break
        sleep 0.1
    done
    if [[ ! -s "$tmp/listening.$n" ]]; then
        echo "server did not start: $*" >&2
        exit 1
    fi
    NAMES+=("$name")
    PID[$name]=$(cat "$tmp/pid.$n")
    ADDR[$name]=$(sed -n 's|^listening on udp://||p' "$tmp/listening.$n")
}

# json_field NAME JSON: one number from the bench's --json line.
json_field() {
    sed -n "s/.*\"$1\":\([0-9.]*\|null\).*/\1/p" <<< "$2"
}

# cpu_ticks PID: CPU time the process has used so far (user + system), in clock ticks.
cpu_ticks() {
    awk '{ print $14 + $15 }' "/proc/$1/stat"
}
CLK_TCK=$(getconf CLK_TCK)

# median: the median of the numbers on stdin (the lower middle one for an even count).
median() {
    sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'
}

# --max-replies-per-peer 0: the bench is one sender at hundreds of thousands of datagrams a
# second, which the server's default budget (1000 replies a second per sender) would cut off.
start_server "udp-echo-server --quiet" "$SERVER_BIN" --addr 127.0.0.1:0 --quiet --max-replies-per-peer 0
start_server "udp-echo-server (log piped)" "$SERVER_BIN" --addr 127.0.0.1:0 --max-replies-per-peer 0
if [[ -n "$C_LOOP" ]]; then
    start_server "C loop (cc -O2)" "$C_LOOP" 0
fi
if [[ -n "$PYTHON" ]]; then
    # With Python's own default buffering (block-buffered into a pipe), whatever this shell
    # says; and once more with PYTHONUNBUFFERED=1: two writes per datagram, as Rust's stdout
    # would make one.
    start_server "tutorial's Python (print piped)" env -u PYTHONUNBUFFERED "$PYTHON" "$tmp/tutorial_server.py" 0
    start_server "same, PYTHONUNBUFFERED=1" env PYTHONUNBUFFERED=1 "$PYTHON" "$tmp/tutorial_server.py" 0
fi

mkdir -p "$(dirname "$RESULTS")"
: > "$RESULTS"
LOAD_BEFORE=$(cut -d' ' -f1-3 /proc/loadavg)
# Results, one file per server and window: a line per round with
# replies/s, median µs, p99 µs, server CPU µs per reply, server busy %, lost + wrong.
for round in $(seq "$ROUNDS"); do
    for name in "${NAMES[@]}"; do
        for window in 1 16; do
            before=$(cpu_ticks "${PID[$name]}")
            json=$(taskset -c "$BENCH_CPU" "$BENCH_BIN" --server "${ADDR[$name]}" \
                --window "$window" --duration "$DURATION" --json --label "$name")
            printf '%s\n' "$json" >> "$RESULTS"
            ticks=$(($(cpu_ticks "${PID[$name]}") - before))
            awk -v t="$ticks" -v hz="$CLK_TCK" \
                -v rate="$(json_field replies_per_s "$json")" \
                -v median="$(json_field rtt_median_us "$json")" \
                -v p99="$(json_field rtt_p99_us "$json")" \
                -v n="$(json_field replies "$json")" -v s="$(json_field seconds "$json")" \
                -v bad="$(($(json_field lost "$json") + $(json_field wrong "$json")))" \
                'BEGIN { print rate, median, p99, t / hz * 1e6 / n, t / hz / s * 100, bad }' \
                >> "$tmp/result.${name// /_}.$window"
        done
    done
done
LOAD_AFTER=$(cut -d' ' -f1-3 /proc/loadavg)

# cell NAME WINDOW COLUMN: the median over the rounds of one column of the results.
cell() {
    awk -v c="$3" '{ print $c }' "$tmp/result.${1// /_}.$2" | median
}

echo "Measured $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) CPUs ($(sed -n 's/^model name\s*: //p' /proc/cpuinfo | head -1)),"
echo "$(uname -sr), $(rustc --version); load average before $LOAD_BEFORE, after $LOAD_AFTER."
echo "Server on CPU $SERVER_CPU, bench on CPU $BENCH_CPU; 64-byte datagrams; each cell the median of $ROUNDS runs of $DURATION s."
echo
echo "| server | window 1: replies/s | median µs | p99 µs | window 16: replies/s | median µs | p99 µs | server CPU per reply (busy) | lost + wrong | peak memory |"
echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
for name in "${NAMES[@]}"; do
    line="| $name |"
    for window in 1 16; do
        line+=" $(printf '%.0f' "$(cell "$name" $window 1)") | $(cell "$name" $window 2) | $(cell "$name" $window 3) |"
    done
    line+=" $(printf '%.1f µs (%.0f %%)' "$(cell "$name" 16 4)" "$(cell "$name" 16 5)") |"
    bad=$(cat "$tmp"/result."${name// /_}".* | awk '{ s += $6 } END { print s }')
    peak=$(awk '/^VmHWM/ { printf "%.1f MiB", $2 / 1024 }' "/proc/${PID[$name]}/status")
    echo "$line $bad | $peak |"
done
echo

# A server that answers as fast as it can keeps its core busy at window 16. Less means that
# something else had the core for a while (or that the load generator could not keep up).
for name in "${NAMES[@]}"; do
    busy=$(cell "$name" 16 5)
    if awk -v b="$busy" 'BEGIN { exit !(b < 90) }'; then
        echo "note: $name had its core only $(printf '%.0f' "$busy") % of the time at window 16: another process ran there (the \`cat\` reading its log, if it writes often, or other work: check uptime)."
    fi
done

ratio() { # ratio NAME-A NAME-B WINDOW: median replies/s of A over B's
    awk -v a="$(cell "$1" "$3" 1)" -v b="$(cell "$2" "$3" 1)" 'BEGIN { printf "%.2f", a / b }'
}
QUIET="udp-echo-server --quiet"
LOGGED="udp-echo-server (log piped)"
for window in 1 16; do
    line="window $window:"
    if [[ -n "$C_LOOP" ]]; then
        line+=" --quiet / C loop $(ratio "$QUIET" "C loop (cc -O2)" $window) (aim >= 0.85);"
        line+=" log piped / C loop $(ratio "$LOGGED" "C loop (cc -O2)" $window) (aim >= 0.75);"
    fi
    if [[ -n "$PYTHON" ]]; then
        line+=" log piped / Python $(ratio "$LOGGED" "tutorial's Python (print piped)" $window) (aim >= 2)"
    fi
    echo "$line"
done
echo
echo "Every run is in $RESULTS; draw them: cargo run -p plots -- udp-echo $RESULTS --out FILE.svg"
