#!/usr/bin/env bash
# PacketLens file-reading benchmark (run by hand; not a timed test).
#
# Makes a realistic capture with bench/makecapture.py (cached by packet count under
# build/bench-cache/), then times, in this one run and pinned to one CPU, reading it with
#   packetlens-cli -r FILE, tshark -r FILE, tcpdump -n -r FILE (if installed),
# all writing their one-line-per-packet output to /dev/null. Prints wall time, packets/s and
# peak RSS for each, the ratios against tshark and tcpdump, and the issue's targets beside them:
# >= 20x tshark's speed, >= 3M packets/s on one core, and peak memory that does not grow with the
# file beyond a small per-packet index (packetlens-cli is also run on a 100k-packet capture, the
# first 100k packets of the big one, to show that).
#
# Usage: bench/run.sh [--packets N] [--build DIR] [--runs R] [--cpu C]
#   --packets N  packets in the capture (1000000)     --runs R  runs per tool, best taken (3)
#   --build DIR  build with packetlens-cli (build/release; built with the release preset if
#                missing)                             --cpu C   CPU to pin the tools to (0)
# Needs bash >= 5, GNU time at /usr/bin/time (Debian package "time"), taskset, python3, tshark.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=buildtargets.sh
source "$repo/bench/buildtargets.sh"
packets=1000000
build="$repo/build/release"
runs=3
cpu=0
small=100000 # packets in the second capture, for the memory-growth check

die() { echo "run.sh: $*" >&2; exit 2; }
usage() { sed -n '2,17s/^# \{0,1\}//p' "${BASH_SOURCE[0]}"; }
while [[ $# -gt 0 ]]; do
    case "$1" in
        --packets) packets=${2:?--packets needs a number}; shift 2 ;;
        --build) build=${2:?--build needs a directory}; shift 2 ;;
        --runs) runs=${2:?--runs needs a number}; shift 2 ;;
        --cpu) cpu=${2:?--cpu needs a CPU number}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $packets =~ ^[1-9][0-9]*$ ]] || die "--packets must be a positive integer"
[[ $runs =~ ^[1-9][0-9]*$ ]] || die "--runs must be a positive integer"
[[ $build = /* ]] || build="$PWD/$build"

# --- prerequisites ------------------------------------------------------------------------------
[[ -n ${EPOCHREALTIME:-} ]] || die "needs bash >= 5 (EPOCHREALTIME)"
if ! /usr/bin/time -f '%e %M' true >/dev/null 2>&1; then
    die "GNU time is needed at /usr/bin/time; install it with: sudo apt-get install time"
fi
command -v python3 >/dev/null || die "python3 is needed to make the capture"
pin=(taskset -c "$cpu")
pinned="pinned to CPU $cpu (taskset -c $cpu)"
if ! taskset -c "$cpu" true 2>/dev/null; then
    echo "run.sh: warning: cannot pin to CPU $cpu (taskset, util-linux); running unpinned" >&2
    pin=()
    pinned="NOT pinned to a CPU (taskset unavailable)"
fi
have_tshark=1 have_tcpdump=1
command -v tshark >/dev/null || have_tshark=0
command -v tcpdump >/dev/null || have_tcpdump=0
((have_tshark)) || echo "run.sh: tshark not found (sudo apt-get install tshark); skipped" >&2
((have_tcpdump)) || echo "run.sh: tcpdump not found (sudo apt-get install tcpdump); skipped" >&2

cache="$repo/build/bench-cache"
mkdir -p "$cache"
logs=$(mktemp -d "${TMPDIR:-/tmp}/packetlens-bench.XXXXXX")
trap 'rm -rf "$logs"' EXIT

# capture N: prints the path of a cached N-packet capture, made again when makecapture.py is newer
capture() {
    local f="$cache/capture-$1.pcap"
    if [[ ! -s $f || $repo/bench/makecapture.py -nt $f ]]; then
        echo "making $f ..." >&2
        python3 "$repo/bench/makecapture.py" --packets "$1" --out "$f.tmp" >&2
        mv -f "$f.tmp" "$f"
    fi
    echo "$f"
}

# --- packetlens-cli: DIR's binary, built if missing -----------------------------------------------
cli="$build/src/cli/packetlens-cli"
cli_error=""
if [[ ! -x $cli ]]; then
    echo "packetlens-cli not found at $cli; building it ..." >&2
    buildlog="$cache/build.log"
    build_targets "$repo" "$build" "$buildlog" packetlens-cli
    if [[ ! -x $cli ]]; then
        cli_error="packetlens-cli could not be built (log: $buildlog)"
        echo "run.sh: ERROR: $cli_error; its last lines:" >&2
        tail -n 15 "$buildlog" | sed 's/^/    /' >&2
        echo "run.sh: continuing with the peer tools only" >&2
    fi
fi

big=$(capture "$packets")
small_file=""
if [[ -z $cli_error ]] && ((packets > small)); then small_file=$(capture "$small"); fi

# --- measurement --------------------------------------------------------------------------------
# measure NAME CMD...: runs CMD $runs times, pinned, stdout to /dev/null. Sets best_s (lowest wall
# seconds, from bash's microsecond clock: GNU time's %e has only 10 ms steps) and peak_kb (highest
# peak RSS, GNU time's %M). Returns non-zero, showing CMD's stderr, if a run fails.
measure() {
    local name=$1 i t0 t1 s kb
    shift
    best_s="" peak_kb=0
    for ((i = 1; i <= runs; i++)); do
        printf '  %-16s run %d/%d ...' "$name" "$i" "$runs" >&2
        t0=$EPOCHREALTIME
        if ! /usr/bin/time -f '%e %M' -o "$logs/time" "${pin[@]}" "$@" \
            >/dev/null 2>"$logs/$name.err"; then
            echo " failed:" >&2
            tail -n 5 "$logs/$name.err" | sed 's/^/    /' >&2
            return 1
        fi
        t1=$EPOCHREALTIME
        s=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.3f", b - a }')
        kb=$(awk 'END { print $2 }' "$logs/time")
        echo " $s s, $kb KB" >&2
        if [[ -z $best_s ]] || awk -v a="$s" -v b="$best_s" 'BEGIN { exit !(a < b) }'; then
            best_s=$s
        fi
        if ((kb > peak_kb)); then peak_kb=$kb; fi
    done
}

declare -A wall rss
# record KEY NAME CMD...: measure, and keep the figures under KEY
record() {
    local key=$1
    shift
    measure "$@" || return 1
    wall[$key]=$best_s
    rss[$key]=$peak_kb
}
echo "timing ($pinned, $runs runs each) ..." >&2
if [[ -z $cli_error ]]; then
    if ! record pl packetlens "$cli" -r "$big"; then
        cli_error="packetlens-cli -r failed on $big"
    elif [[ -n $small_file ]]; then
        record pl-small packetlens-100k "$cli" -r "$small_file" || true
    fi
fi
if ((have_tshark)); then record tshark tshark tshark -r "$big" || true; fi
if ((have_tcpdump)); then record tcpdump tcpdump tcpdump -n -r "$big" || true; fi

# --- report -------------------------------------------------------------------------------------
calc() { awk "BEGIN { $1 }"; } # calc 'awk statements', for floating point
pps() { calc "printf \"%.0f\", $1 / $2"; }
mb() { calc "printf \"%.1f\", $1 / 1024"; }
ratio() { calc "printf \"%.1f\", $1 / $2"; }
at_least() { calc "print ($1 >= $2 ? \"PASS\" : \"FAIL\")"; }
group() { # 1234567 -> 1,234,567
    local s=$1 o=""
    while ((${#s} > 3)); do o=",${s: -3}$o" s=${s:0:${#s}-3}; done
    echo "$s$o"
}
fsize=$(stat -c %s "$big")

echo
echo "PacketLens file-reading benchmark"
echo "  capture : $big"
echo "            $(group "$packets") packets, $(mb $((fsize / 1024))) MB" \
    "(pcap, Ethernet; made by bench/makecapture.py)"
echo "  method  : each tool reads the file and prints its one-line summaries to /dev/null,"
echo "            $pinned;"
echo "            wall time = best of $runs runs, peak RSS = highest of the $runs (GNU time %M)"
echo "  host    : $(nproc) CPUs, $(uname -r); other load on the machine skews the figures"
echo
row() { printf '  %-30s %9s %13s %13s%s\n' "$@"; }
# tool KEY LABEL PACKETS WHY-MISSING
tool() {
    if [[ -n ${wall[$1]:-} ]]; then
        row "$2" "${wall[$1]}" "$(group "$(pps "$3" "${wall[$1]}")")" "$(mb "${rss[$1]}")" ""
    else
        row "$2" "-" "-" "-" "   ($4)"
    fi
}
row "tool" "wall s" "packets/s" "peak RSS MB" ""
row "----" "------" "---------" "-----------" ""
tool pl "packetlens-cli -r" "$packets" "$([[ -x $cli ]] && echo failed || echo not built)"
if [[ -n ${wall[pl-small]:-} ]]; then
    tool pl-small "packetlens-cli -r (100k file)" "$small" ""
fi
tool tshark "tshark -r" "$packets" "$( ((have_tshark)) && echo failed || echo not installed)"
tool tcpdump "tcpdump -n -r" "$packets" "$( ((have_tcpdump)) && echo failed || echo not installed)"

echo
target() { printf '  %-32s %-18s %-16s %s\n' "$@"; }
target "targets (from the issue)" "target" "measured" "verdict"
target "------------------------" "------" "--------" "-------"
pl=${wall[pl]:-}
if [[ -n $pl && -n ${wall[tshark]:-} ]]; then
    r=$(ratio "${wall[tshark]}" "$pl")
    target "speed vs tshark" ">= 20x" "${r}x" "$(at_least "$r" 20)"
else
    target "speed vs tshark" ">= 20x" "-" "n/a"
fi
if [[ -n $pl ]]; then
    p=$(pps "$packets" "$pl")
    target "packets/s on one core" ">= 3,000,000" "$(group "$p")" "$(at_least "$p" 3000000)"
else
    target "packets/s on one core" ">= 3,000,000" "-" "n/a"
fi
if [[ -n $pl && -n ${wall[tcpdump]:-} ]]; then
    target "speed vs tcpdump" "(for reference)" "$(ratio "${wall[tcpdump]}" "$pl")x" ""
fi
if [[ -n $pl && -n ${rss[pl-small]:-} ]]; then
    a=${rss[pl-small]} b=${rss[pl]}
    per=$(calc "printf \"%.1f\", ($b - $a) * 1024 / ($packets - $small)")
    avg=$(calc "printf \"%.0f\", ($fsize - 24) / $packets - 16")
    target "memory growth with file size" "small index only" "$per B/packet" \
        "$(calc "print ($per <= 64 ? \"PASS\" : \"FAIL\")")"
    echo "      peak RSS $(mb "$a") MB with $(group "$small") packets," \
        "$(mb "$b") MB with $(group "$packets"): growth per extra packet,"
    echo "      against $avg B per frame; taken as PASS when <= 64 B/packet (an index entry or two)"
else
    target "memory growth with file size" "small index only" "-" \
        "n/a$([[ -n $pl ]] && echo " (needs --packets > $small)")"
fi
echo
if [[ -n $cli_error ]]; then
    echo "run.sh: ERROR: $cli_error" >&2
    exit 1
fi
