#!/usr/bin/env bash
# PacketLens live-capture benchmark (issue 3; run by hand as root, not a timed test).
#
# Makes two network namespaces of its own, pl-bench-<pid>-a and -b, joined by a veth pair
# (va = 10.99.9.1/24 in a, vb = 10.99.9.2/24 in b, static neighbour entries so there is no ARP,
# IPv6 off so there is no other traffic, a discard socket on 10.99.9.1:9 so no ICMP comes back;
# made by bench/netnspair.sh, shared with guilatency.sh), and removes them on exit whatever
# happens. Then, one tool after another, a sender in b blasts small UDP frames at 10.99.9.1:9
# for S seconds as fast as it can while the tool captures on va in a, writing to /dev/null:
#   packetlens-cli -i va -w /dev/null -a duration:S+3      (helper: packetlens-capture)
#   tcpdump -i va -w /dev/null -n                           (stopped with SIGINT after S+3 s)
#   dumpcap -i va -w /dev/null -a duration:S+3
# Each tool is started first; the sender starts once the tool says it is capturing, so the
# whole burst falls inside the capture window (the 3 extra seconds cover start-up and draining).
# The sender is restarted for each tool, so the traffic is the same kind and rate but not the
# same packets; hence the comparison is made on the share of the frames on the wire that each
# tool captured (frames on the wire = va's rx+tx packet counters over the run, which should equal
# the datagrams sent), and the raw counts are shown beside it.
#
# Sender: bench/udpblast.c (sendmmsg, 256 datagrams per call, unconnected socket; shared with
# guilatency.sh, which paces it) compiled with cc into DIR/bench-udpblast, or bench/udpblast.py
# when there is no cc.
# Pinning: the sender runs on CPU 1 and the capture tool on CPU 0 (taskset; the packetlens
# helper inherits the client's affinity). The kernel's receive path for va, including the copy
# of every frame into the capture ring (tpacket_rcv), runs in softirq on the sender's CPU, so
# the tools' CPU figures are their own user+system time for reading the ring and writing.
#
# CPU time: bench/cpurun.py starts each tool (through `ip netns exec` and taskset, which exec in
# place), waits for it with waitid(WNOWAIT) so that the exited tool stays a zombie, and reads its
# final utime/stime/cutime/cstime from /proc/<pid>/stat before reaping it. For packetlens the
# client's own time is utime+stime and the helper's is cutime+cstime (the client is the helper's
# parent and reaps it through QProcess); cpurun.py also polls the helper's /proc/<pid>/stat every
# 20 ms as a cross-check, used if the client did not reap it. tcpdump and dumpcap (run directly,
# so dumpcap captures in-process) are single processes: their utime+stime. Clock-tick
# resolution (10 ms) is plenty over seconds of CPU. CPU per packet = CPU time / packets captured.
#
# Usage: bench/livecapture.sh [--seconds S] [--size BYTES] [--buffer MiB] [--build DIR]
#   --seconds S   how long the sender blasts for each tool (10)
#   --size BYTES  Ethernet frame size without FCS, 42..1514 (60: a UDP payload of 18 bytes)
#   --buffer MiB  kernel capture buffer for every tool (-B; tcpdump's -B is in KiB). Without it
#                 each tool keeps its default: packetlens 32 MiB, tcpdump and dumpcap 2 MiB
#   --build DIR   build with packetlens-cli and packetlens-capture (build/release; built with the
#                 release preset if missing)
# Needs root, iproute2, taskset, python3; tcpdump and dumpcap (Debian: tcpdump, wireshark-common)
# are skipped with a message when missing.
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=netnspair.sh
source "$repo/bench/netnspair.sh"
# shellcheck source-path=SCRIPTDIR source=buildtargets.sh
source "$repo/bench/buildtargets.sh"
seconds=10
size=60
buffer="" # MiB; empty: each tool's default
build="$repo/build/release"
margin=3 # seconds of capture window beyond the sender's S

die() { echo "livecapture.sh: $*" >&2; exit 2; }
usage() { # the comment block at the top
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
        --size) size=${2:?--size needs a number of bytes}; shift 2 ;;
        --buffer) buffer=${2:?--buffer needs a size in MiB}; shift 2 ;;
        --build) build=${2:?--build needs a directory}; shift 2 ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "--seconds must be a positive integer"
if ! [[ $size =~ ^[0-9]+$ ]] || ((size < 42 || size > 1514)); then
    die "--size must be 42..1514 (Ethernet 14 + IPv4 20 + UDP 8 + payload, MTU 1500)"
fi
payload=$((size - 42))
if [[ -n $buffer ]] && ! [[ $buffer =~ ^[1-9][0-9]*$ ]]; then
    die "--buffer must be a positive number of MiB"
fi
pl_b=() tcpdump_b=() dumpcap_b=()
if [[ -n $buffer ]]; then
    pl_b=(-B "$buffer") tcpdump_b=(-B $((buffer * 1024))) dumpcap_b=(-B "$buffer")
fi
[[ $build = /* ]] || build="$PWD/$build"
window=$((seconds + margin))

# --- prerequisites ------------------------------------------------------------------------------
((EUID == 0)) || die "must run as root (it makes network namespaces and captures on raw sockets)"
for c in ip taskset python3; do command -v "$c" >/dev/null || die "$c is needed"; done
sender_cpu=1 tool_cpu=0
if (($(nproc) < 2)) || ! taskset -c 1 true 2>/dev/null; then
    echo "livecapture.sh: warning: fewer than 2 CPUs usable; sender and tool share CPU 0" >&2
    sender_cpu=0
fi
have_tcpdump=1 have_dumpcap=1
command -v tcpdump >/dev/null || have_tcpdump=0
command -v dumpcap >/dev/null || have_dumpcap=0
((have_tcpdump)) || echo "livecapture.sh: tcpdump not found (apt-get install tcpdump); skipped" >&2
((have_dumpcap)) ||
    echo "livecapture.sh: dumpcap not found (apt-get install wireshark-common); skipped" >&2

# --- packetlens-cli and its helper: DIR's binaries, built if missing ----------------------------
cli="$build/src/cli/packetlens-cli"
helper="${PACKETLENS_HELPER:-$build/src/helper/packetlens-capture}"
cli_error=""
if [[ ! -x $cli || ! -x $helper ]]; then
    echo "packetlens-cli or packetlens-capture not found in $build; building them ..." >&2
    mkdir -p "$build"
    buildlog="$build/livecapture-build.log"
    build_targets "$repo" "$build" "$buildlog" packetlens-cli packetlens-capture
    if [[ ! -x $cli || ! -x $helper ]]; then
        cli_error="packetlens-cli/packetlens-capture could not be built (log: $buildlog)"
        echo "livecapture.sh: ERROR: $cli_error; its last lines:" >&2
        tail -n 15 "$buildlog" | sed 's/^/    /' >&2
        echo "livecapture.sh: continuing with the peer tools only" >&2
    fi
fi

# --- namespaces, always removed -----------------------------------------------------------------
ns_a="pl-bench-$$-a"
ns_b="pl-bench-$$-b"
work=$(mktemp -d "${TMPDIR:-/tmp}/packetlens-livebench.XXXXXX")
runner=""  # the cpurun.py running a tool, which this script must stop on an early exit
discard="" # the discard socket's process
sender_pid=""
cleanup() {
    stop_pid "$sender_pid" TERM
    stop_pid "$discard" TERM
    stop_pid "$runner" INT # cpurun.py passes it on to the tool
    netns_pair_down "$ns_a" "$ns_b"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The namespace pair and the discard socket on 10.99.9.1:9 (bench/netnspair.sh).
netns_pair_up "$ns_a" "$ns_b" 10.99.9 02:00:0a:63:09:01 02:00:0a:63:09:02
netns_discard discard "$ns_a" 10.99.9 "$sender_cpu" "$work/discard.out"

# --- the sender ---------------------------------------------------------------------------------
sender=()
sender_kind=""
if command -v cc >/dev/null; then
    mkdir -p "$build"
    if cc -O2 -Wall -o "$build/bench-udpblast" "$repo/bench/udpblast.c" 2>"$work/cc.log"; then
        sender=("$build/bench-udpblast")
        sender_kind="C, sendmmsg x256 ($build/bench-udpblast)"
    else
        echo "livecapture.sh: warning: cc failed to build the C sender; using python:" >&2
        sed 's/^/    /' "$work/cc.log" >&2
    fi
fi
if ((${#sender[@]} == 0)); then
    sender=(python3 "$repo/bench/udpblast.py")
    sender_kind="python3 sendto loop (bench/udpblast.py; no cc, so a low rate)"
fi

# --- measurement --------------------------------------------------------------------------------
counter() { ip netns exec "$ns_a" cat "/sys/class/net/va/statistics/$1"; }

declare -A sent wire captured dropped detail cpu_self cpu_children cpu_sampled status failed
# run_tool KEY READY-REGEX [--sigint-after S] -- CMD...: start CMD in namespace a pinned to the
# tool CPU, wait for READY-REGEX on its stderr, run the sender, wait for CMD to end.
run_tool() {
    local key=$1 ready=$2 rx0 tx0 rx1 tx1 st self_s children_s sampled_s
    shift 2
    local opts=()
    while [[ $1 != -- ]]; do opts+=("$1"); shift; done
    shift
    printf '  %-10s capturing, sender %s s ...' "$key" "$seconds" >&2
    rx0=$(counter rx_packets) tx0=$(counter tx_packets)
    python3 "$repo/bench/cpurun.py" --out "$work/$key.cpu" "${opts[@]}" -- \
        ip netns exec "$ns_a" taskset -c "$tool_cpu" "$@" >/dev/null 2>"$work/$key.err" &
    runner=$!
    # up to 10 s for the tool to say it captures
    if ! wait_for "$work/$key.err" "$ready" "$runner" 100; then
        echo " did not start:" >&2
        tail -n 5 "$work/$key.err" | sed 's/^/    /' >&2
        stop_pid "$runner" INT
        runner=""
        failed[$key]="did not start"
        return 1
    fi
    sleep 0.3
    # In the background and waited for, so that an interrupt is acted on at once (bash runs a
    # trap only after a foreground command ends, and ignores SIGINT if that command survived it).
    ip netns exec "$ns_b" taskset -c "$sender_cpu" "${sender[@]}" 10.99.9.1 9 "$payload" \
        "$seconds" >"$work/$key.sent" 2>&1 &
    sender_pid=$!
    wait "$sender_pid" || true
    sender_pid=""
    if ! kill -0 "$runner" 2>/dev/null; then
        echo " (warning: the tool ended before the sender did)" >&2
        failed[$key]="ended before the sender"
    fi
    wait "$runner" || true
    runner=""
    rx1=$(counter rx_packets) tx1=$(counter tx_packets)
    sent[$key]=$(awk '/^sent/ { print $2 }' "$work/$key.sent")
    wire[$key]=$((rx1 - rx0 + tx1 - tx0))
    # "status=N wall=S self=S children=S sampled_children=S"
    read -r st _ self_s children_s sampled_s < <(sed 's/[a-z_]*=//g' "$work/$key.cpu")
    cpu_self[$key]=$self_s cpu_children[$key]=$children_s cpu_sampled[$key]=$sampled_s
    status[$key]=$st
    echo " sent ${sent[$key]:-?}, on the wire ${wire[$key]}, exit status $st" >&2
}

echo "capturing on va (namespace $ns_a, tool on CPU $tool_cpu), sender in $ns_b on CPU" \
    "$sender_cpu ..." >&2
if [[ -z $cli_error ]]; then
    if run_tool pl '^Capturing on' -- env PACKETLENS_HELPER="$helper" \
        "$cli" -i va "${pl_b[@]}" -w /dev/null -a "duration:$window"; then
        # "N packets captured, K dropped (kernel K1, helper K2)"
        line=$(grep -E '^[0-9]+ packets captured, ' "$work/pl.err" | tail -n 1 || true)
        if [[ -n $line ]]; then
            captured[pl]=$(sed -E 's/^([0-9]+) packets captured.*/\1/' <<<"$line")
            dropped[pl]=$(sed -E 's/.*, ([0-9]+) dropped.*/\1/' <<<"$line")
            detail[pl]="dropped: $(sed -E 's/.*dropped \((.*)\)$/\1/' <<<"$line")"
        else
            failed[pl]="no summary line"
        fi
    fi
fi
if ((have_tcpdump)); then
    # tcpdump has no duration option: SIGINT after the window, as `timeout -s INT` would.
    if run_tool tcpdump 'listening on' --sigint-after "$window" -- \
        tcpdump -i va "${tcpdump_b[@]}" -w /dev/null -n; then
        # "N packets captured" / "N packets received by filter" / "N packets dropped by kernel"
        captured[tcpdump]=$(awk '/ packets captured$/ { print $1 }' "$work/tcpdump.err")
        dropped[tcpdump]=$(awk '/ packets dropped by kernel$/ { print $1 }' "$work/tcpdump.err")
        detail[tcpdump]="packets received by filter $(awk \
            '/ packets received by filter$/ { print $1 }' "$work/tcpdump.err")"
        [[ -n ${captured[tcpdump]} ]] || failed[tcpdump]="no summary line"
    fi
fi
if ((have_dumpcap)); then
    if run_tool dumpcap '^Capturing on' -- \
        dumpcap -i va "${dumpcap_b[@]}" -w /dev/null -a "duration:$window"; then
        # "Packets captured: N" and
        # "Packets received/dropped on interface 'va': R/D (pcap:P/dumpcap:C/flushed:F/...)"
        # (its live "Packets: N" counter ends in \r, so the first line follows a \r)
        tr '\r' '\n' <"$work/dumpcap.err" >"$work/dumpcap.lines"
        captured[dumpcap]=$(awk '/^Packets captured: / { print $3 }' "$work/dumpcap.lines")
        line=$(grep -E '^Packets received/dropped on interface' "$work/dumpcap.lines" || true)
        dropped[dumpcap]=$(sed -E 's#.*: [0-9]+/([0-9]+) .*#\1#' <<<"$line")
        detail[dumpcap]=$(sed -E 's#.*: ([0-9]+)/[0-9]+ \(([^)]*)\).*#received \1; \2#' \
            <<<"$line")
        [[ -n ${captured[dumpcap]} ]] || failed[dumpcap]="no summary line"
    fi
fi

# --- report -------------------------------------------------------------------------------------
calc() { awk "BEGIN { $1 }"; } # calc 'awk statements', for floating point
group() { # 1234567 -> 1,234,567
    local s=$1 o=""
    while ((${#s} > 3)); do o=",${s: -3}$o" s=${s:0:${#s}-3}; done
    echo "$s$o"
}
pct() { calc "printf \"%.2f%%\", 100 * $1 / $2"; }
usper() { calc "printf \"%.2f\", $1 * 1e6 / $2"; }
# tool CPU: for packetlens the helper (the client's children), else the tool itself
tool_cpu_s() {
    if [[ $1 == pl ]]; then
        if calc "exit !(${cpu_children[pl]} > 0)"; then echo "${cpu_children[pl]}"; else
            echo "${cpu_sampled[pl]}"; fi
    else
        echo "${cpu_self[$1]}"
    fi
}

echo
echo "PacketLens live-capture benchmark"
echo "  link    : veth pair between network namespaces $ns_a (va, 10.99.9.1) and $ns_b"
echo "            (vb, 10.99.9.2); capture on va, no capture filter, output to /dev/null"
echo "  traffic : UDP to 10.99.9.1:9, $size-byte frames (payload $payload), for $seconds s" \
    "per tool;"
echo "            sender: $sender_kind,"
echo "            restarted for each tool; started once the tool captures; capture window" \
    "$window s"
if [[ -n $buffer ]]; then
    echo "  buffer  : $buffer MiB kernel capture buffer for every tool (-B)"
else
    echo "  buffer  : each tool's default (packetlens 32 MiB, tcpdump 2 MiB, dumpcap 2 MiB)"
fi
echo "  pinning : sender on CPU $sender_cpu, capture tool on CPU $tool_cpu (taskset -c);" \
    "the kernel's copy"
echo "            into the capture ring runs in softirq on the sender's CPU"
echo "  CPU     : utime+stime from /proc/<pid>/stat of the exited tool (bench/cpurun.py);"
echo "            for packetlens the helper packetlens-capture alone (client shown apart)"
echo "  host    : $(nproc) CPUs, $(uname -r); other load on the machine skews the figures"
echo
row() { printf '  %-16s %12s %12s %12s %10s %9s %9s %8s %7s\n' "$@"; }
row "tool" "sent" "on wire" "captured" "dropped" "share" "vs dumpcap" "CPU s" "us/pkt"
row "----" "----" "-------" "--------" "-------" "-----" "----------" "-----" "------"
label() {
    case $1 in
        pl) echo "packetlens-cli" ;;
        *) echo "$1" ;;
    esac
}
for key in pl tcpdump dumpcap; do
    missing=""
    case $key in
        pl) [[ -z $cli_error ]] || missing="(not built)" ;;
        tcpdump) ((have_tcpdump)) || missing="(not installed)" ;;
        dumpcap) ((have_dumpcap)) || missing="(not installed)" ;;
    esac
    if [[ -n $missing ]]; then
        row "$(label $key)" "-" "-" "-" "-" "-" "-" "-" "$missing"
        continue
    fi
    if [[ -z ${captured[$key]:-} ]]; then
        row "$(label $key)" "${sent[$key]:--}" "${wire[$key]:--}" "-" "-" "-" "-" "-" \
            "(${failed[$key]:-failed})"
        continue
    fi
    c=${captured[$key]} w=${wire[$key]}
    vs="-"
    if [[ -n ${captured[dumpcap]:-} ]] && ((captured[dumpcap] > 0)); then
        vs=$(calc "printf \"%.3f\", ${c} / ${captured[dumpcap]}")
    fi
    t=$(tool_cpu_s "$key")
    row "$(label $key)" "$(group "${sent[$key]}")" "$(group "$w")" "$(group "$c")" \
        "$(group "${dropped[$key]:-0}")" "$(pct "$c" "$w")" "$vs" "$t" \
        "$( ((c > 0)) && usper "$t" "$c" || echo -)"
done
echo
echo "  sent = datagrams the sender handed to the kernel; on wire = va's rx+tx packet counters"
echo "  over the run; captured and dropped as each tool reports them; share = captured / on wire;"
echo "  vs dumpcap = captured / dumpcap's captured (raw counts of different runs);"
echo "  us/pkt = tool CPU / captured"
for key in pl tcpdump dumpcap; do
    [[ -n ${detail[$key]:-} ]] && echo "  $(label $key) reports: ${detail[$key]}"
done
if [[ -n ${captured[pl]:-} ]]; then
    echo "  packetlens-cli client CPU: ${cpu_self[pl]} s" \
        "($(usper "${cpu_self[pl]}" "${captured[pl]}") us/packet); helper CPU by 20 ms" \
        "polling: ${cpu_sampled[pl]} s"
fi
for key in pl tcpdump dumpcap; do
    if [[ -n ${status[$key]:-} && ${status[$key]} != 0 ]]; then
        echo "  note: $(label $key) exited with status ${status[$key]}; its stderr ends:"
        tail -n 3 "$work/$key.err" | sed 's/^/      /'
    fi
done

echo
target() { printf '  %-52s %-22s %-20s %s\n' "$@"; }
target "targets (from the issue)" "target" "measured" "verdict"
target "------------------------" "------" "--------" "-------"
if [[ -n ${captured[pl]:-} && -n ${captured[dumpcap]:-} ]]; then
    cp=${captured[pl]} wp=${wire[pl]} cd=${captured[dumpcap]} wd=${wire[dumpcap]}
    target "PacketLens delivers >= as many packets as dumpcap" ">= dumpcap's share" \
        "$(pct "$cp" "$wp") vs $(pct "$cd" "$wd")" \
        "$(calc "print ($cp * $wd >= $cd * $wp ? \"PASS\" : \"FAIL\")")"
    echo "      shares of the frames on the wire, since each tool saw its own run of the sender;"
    echo "      raw counts: $(group "${captured[pl]}") vs $(group "${captured[dumpcap]}")" \
        "($(calc "printf \"%.3f\", ${captured[pl]} / ${captured[dumpcap]}")x)"
else
    target "PacketLens delivers >= as many packets as dumpcap" ">= dumpcap's share" "-" "n/a"
fi
if [[ -n ${captured[pl]:-} ]] && ((captured[pl] > 0)); then
    t=$(tool_cpu_s pl)
    target "helper CPU per packet (printed)" "(reported)" "$(usper "$t" "${captured[pl]}") us" ""
else
    target "helper CPU per packet (printed)" "(reported)" "-" "n/a"
fi
echo
if [[ -n $cli_error ]]; then
    echo "livecapture.sh: ERROR: $cli_error" >&2
    exit 1
fi
if [[ -n ${failed[pl]:-} ]]; then
    echo "livecapture.sh: ERROR: packetlens-cli: ${failed[pl]}" >&2
    exit 1
fi
