#!/usr/bin/env bash
# Display filter benchmark (run by hand; not a timed test).
#
# Filters the 1M-packet benchmark capture (bench/run.sh makes and caches it under
# build/bench-cache/) with five filters of growing complexity, each timed in this one run:
#   engine  packetlens-filterbench: the application's filter pass (pl::filterPass): reading on
#           one thread, summary dissection with the filter's interest + match on one or two
#           more, nothing printed; timed by the program itself (the pass, without start-up)
#   cli     packetlens-cli -r FILE -Y FILTER (summary lines of the matches)
#   tshark  tshark -n -r FILE -Y FILTER
# Output goes to a scratch file (counted afterwards, so the three counts can be compared).
# Prints time, packets/s, the ratio against tshark and the issue's targets (>= 20x tshark,
# < 0.5 s) with PASS/FAIL, and whether the three agree on the number of matches.
#
# Usage: bench/filter.sh [--build DIR] [--packets N] [--runs R] [--cpu C] [--no-tshark]
#   --build DIR  build with packetlens-cli and packetlens-filterbench (build/release)
#   --packets N  packets in the capture (1000000)   --runs R  runs of ours, best taken (3)
#   --cpu C      pin every tool to CPU C (default: not pinned: the engine dissects on both
#                cores when the filter reads no cross-frame field; tshark and the CLI use one)
#   --no-tshark  skip tshark (no ratios)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=buildtargets.sh
source "$repo/bench/buildtargets.sh"
build="$repo/build/release"
packets=1000000
runs=3
cpu=
tshark=1

die() { echo "filter.sh: $*" >&2; exit 2; }
usage() { sed -n '2,21s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --build) build=${2:?--build needs a directory}; shift 2 ;;
        --packets) packets=${2:?--packets needs a number}; shift 2 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --cpu) cpu=${2:?--cpu needs a CPU number}; shift 2 ;;
        --no-tshark) tshark=0; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $build = /* ]] || build="$PWD/$build"
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash >= 5 (EPOCHREALTIME)"
command -v tshark >/dev/null || tshark=0
pin=()
if [[ -n $cpu ]]; then
    pin=(taskset -c "$cpu")
    taskset -c "$cpu" true 2>/dev/null || pin=()
fi

# The five filters, from one protocol test to a mix of every kind of test (the capture: a
# client LAN 192.168.1.0/24 at its uplink, HTTP/HTTPS/DNS, see bench/makecapture.py).
filters=(
    'tcp'
    'ip.addr == 192.168.1.15'
    'tcp.port in {80, 443} && ip.ttl < 64'
    'ip.addr == 192.168.0.0/16 && !(udp.port == 53) && frame.len > 100'
    '(tcp.flags.syn == 1 && tcp.flags.ack == 0) || (udp && udp.payload contains "abc") || eth.src[0:3] == 00:1b:21'
)

cache="$repo/build/bench-cache"
mkdir -p "$cache"
capture="$cache/capture-$packets.pcap"
if [[ ! -s $capture || $repo/bench/makecapture.py -nt $capture ]]; then
    echo "making $capture ..." >&2
    python3 "$repo/bench/makecapture.py" --packets "$packets" --out "$capture.tmp" >&2
    mv "$capture.tmp" "$capture"
fi

cli="$build/src/cli/packetlens-cli"
bench="$build/bench/packetlens-filterbench"
if [[ ! -x $cli || ! -x $bench ]]; then
    build_targets "$repo" "$build" "$cache/build.log" packetlens-cli packetlens-filterbench
fi
[[ -x $cli && -x $bench ]] || die "cannot build packetlens-cli and packetlens-filterbench in $build (see $cache/build.log)"

scratch=$(mktemp -d)
trap 'rm -rf "$scratch"' EXIT
cat "$capture" >/dev/null # into the page cache: all tools read it warm

# elapsed CMD...: runs CMD (pinned) with stdout to $scratch/out, prints its wall seconds.
elapsed() {
    local t0=$EPOCHREALTIME
    "${pin[@]}" "$@" >"$scratch/out" 2>"$scratch/err" || { cat "$scratch/err" >&2; return 1; }
    local t1=$EPOCHREALTIME
    echo "$t0 $t1" | awk '{ printf "%.3f", $2 - $1 }'
}
best() { printf '%s\n' "$@" | sort -g | head -1; }

printf '%s, %s packets, %s\n' "$capture" "$packets" \
    "$([[ ${#pin[@]} -gt 0 ]] && echo "pinned to CPU $cpu" || echo "not pinned")"
printf '%-3s %-7s %9s %12s %9s %10s  %-13s %-9s %s\n' '#' tool time packets/s 'vs tshark' matches \
    '>=20x tshark' '<0.5 s' ''
status=0
for i in "${!filters[@]}"; do
    f=${filters[$i]}
    echo "filter $((i + 1)): $f"
    engine=() clitimes=()
    for ((r = 0; r < runs; r++)); do
        # The engine's own figure: the pass alone, as the application makes it on a loaded
        # file (the program first counts the packets, which the application knows already).
        elapsed "$bench" "$capture" "$f" >/dev/null
        engine+=("$(cut -f2 "$scratch/out")")
        engineMatches=$(cut -f1 "$scratch/out")
        clitimes+=("$(elapsed "$cli" -r "$capture" -Y "$f")")
        cliMatches=$(wc -l <"$scratch/out")
    done
    te=$(best "${engine[@]}") tc=$(best "${clitimes[@]}")
    tt="" tsharkMatches=""
    if ((tshark)); then
        tt=$(elapsed tshark -n -r "$capture" -Y "$f")
        tsharkMatches=$(wc -l <"$scratch/out")
    fi
    for tool in engine cli tshark; do
        case $tool in
            engine) t=$te m=$engineMatches ;;
            cli) t=$tc m=$cliMatches ;;
            tshark) [[ -n $tt ]] || continue; t=$tt m=$tsharkMatches ;;
        esac
        rate=$(awk -v n="$packets" -v t="$t" 'BEGIN { printf "%.0f", n / t }')
        ratio=-- speed=-- fast=--
        if [[ -n $tt && $tool != tshark ]]; then
            ratio=$(awk -v a="$tt" -v b="$t" 'BEGIN { printf "%.1fx", a / b }')
            speed=$(awk -v a="$tt" -v b="$t" 'BEGIN { print (a / b >= 20) ? "PASS" : "FAIL" }')
        fi
        [[ $tool != tshark ]] && fast=$(awk -v t="$t" 'BEGIN { print (t < 0.5) ? "PASS" : "FAIL" }')
        printf '%-3s %-7s %8ss %12s %9s %10s  %-13s %-9s\n' "$((i + 1))" "$tool" "$t" "$rate" \
            "$ratio" "$m" "$speed" "$fast"
    done
    if [[ $engineMatches != "$cliMatches" || (-n $tsharkMatches && $tsharkMatches != "$cliMatches") ]]; then
        echo "    MATCH COUNTS DIFFER: engine $engineMatches, cli $cliMatches, tshark ${tsharkMatches:-n/a}"
        status=1
    else
        echo "    match counts agree"
    fi
done
exit $status
