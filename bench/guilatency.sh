#!/usr/bin/env bash
# PacketLens window-responsiveness benchmark (issue 4, "Live"; run by hand as root, not a timed
# test). Target: the window's event-loop latency stays under 50 ms while the helper delivers
# 100k packets/s, and the window gets every packet.
#
# Makes two network namespaces of its own, pl-gui-<pid>-a and -b, joined by a veth pair
# (va = 10.99.10.1/24 in a, vb = 10.99.10.2/24 in b, static neighbour entries so there is no
# ARP, IPv6 off so there is no other traffic, a discard socket on 10.99.10.1:9 that never reads
# so that namespace a drops the datagrams at the full socket and sends no ICMP back; made by
# bench/netnspair.sh, shared with livecapture.sh), and removes them on exit whatever happens.
# Then, all at the same time, in one run:
#   tcpdump -i va -w /dev/null -n            the peer figure: what a plain capture tool gets
#                                            from the same packets (stopped with SIGINT at the
#                                            end; its counts from its exit summary)
#   packetlens-guibench --seconds S+1 va     the real main window (bench/guilatency.cpp) shown
#                                            on Qt's offscreen platform (or Xvfb with --xvfb),
#                                            capturing on va through the helper
#                                            packetlens-capture exactly as Capture > Start does
#   bench-udpblast ... S RATE                in b: UDP datagrams to 10.99.10.1:9 at a PACED rate
#                                            (bench/udpblast.c, compiled here with cc) for S s
# tcpdump starts first, then the window; the sender starts once the window says it captures.
# The window measures from its first packet for S+1 s (the traffic plus a second to drain),
# then presses Stop and keeps measuring until its list shows everything the helper delivered.
#
# What the window measures (on its GUI thread, see guilatency.cpp's header): a single-shot
# Qt::PreciseTimer re-armed every 5 ms; how late each tick fires is how long the event loop was
# busy elsewhere, i.e. how long a key press, a click or a repaint would have waited. Also the
# delay of an event posted with every tick. Meanwhile the list grows and follows the newest
# packet (auto-scroll), and once a second a simulated user picks the newest row (the detail
# tree and hex pane dissect it; following pauses) and scrolls back to the bottom 300 ms later
# (following resumes). Stop returns at once (the helper's last packets and its exit arrive
# through the event loop, inside the tick figures); the call's own duration is printed too.
#
# Packet counts: "on the wire" = va's rx+tx packet counters over the run (they equal the
# datagrams sent: nothing else crosses the link); the window's figures are the rows in its
# packet list at the end, the packets its capture controller received from the helper, and the
# drops the helper reported (kernel + helper queue); tcpdump's are from its summary.
#
# Pinning (two CPUs or more): the sender, the discard socket and tcpdump on CPU 1, the window
# (and so the helper it starts, and Xvfb with --xvfb) on CPU 0. The kernel's receive path for
# va, including the copies of every frame into both capture rings, runs in softirq on the
# sender's CPU. So the window, its packet-store worker thread and the helper share one CPU, a
# harder setting than a desktop with more cores. Other load on the machine skews the figures.
#
# Usage: bench/guilatency.sh [--seconds S] [--rate PPS] [--size BYTES] [--build DIR] [--xvfb]
#   --seconds S   how long the sender sends (10)
#   --rate PPS    datagrams per second, paced (100000); "max" or 0: as fast as the sender can
#   --size BYTES  Ethernet frame size without FCS, 42..1514 (60: a UDP payload of 18 bytes)
#   --build DIR   build with packetlens-guibench and packetlens-capture (build/release; built
#                 with the release preset if missing, or in DIR if it is a configured build)
#   --xvfb        show the window on an Xvfb server (xvfb-run, inside namespace a) instead of
#                 Qt's offscreen platform: adds the X11 round trips of a real display
# Prints the figures, then PASS/FAIL for: latency p99 < 50 ms, latency max < 50 ms, and the
# window got all packets (its list shows every frame on the wire). Exit status 0 when all pass,
# 1 when one fails or the benchmark could not run, 2 for bad arguments.
# Needs root, iproute2, taskset, python3, cc; tcpdump (Debian: tcpdump) is skipped with a message
# when missing; --xvfb needs xvfb-run (Debian: xvfb).
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
# shellcheck source-path=SCRIPTDIR source=netnspair.sh
source "$repo/bench/netnspair.sh"
# shellcheck source-path=SCRIPTDIR source=buildtargets.sh
source "$repo/bench/buildtargets.sh"
seconds=10
rate=100000
size=60
build="$repo/build/release"
xvfb=0
limit=50 # ms: the issue's responsiveness target

die() { echo "guilatency.sh: $*" >&2; exit 2; }
usage() { # the comment block at the top
    awk 'NR > 1 && /^#/ { sub(/^# ?/, ""); print; next } NR > 1 { exit }' "${BASH_SOURCE[0]}"
}
while [[ $# -gt 0 ]]; do
    case "$1" in
        --seconds) seconds=${2:?--seconds needs a number}; shift 2 ;;
        --rate) rate=${2:?--rate needs packets per second or max}; shift 2 ;;
        --size) size=${2:?--size needs a number of bytes}; shift 2 ;;
        --build) build=${2:?--build needs a directory}; shift 2 ;;
        --xvfb) xvfb=1; shift ;;
        -h | --help) usage; exit 0 ;;
        *) die "unknown argument '$1' (see --help)" ;;
    esac
done
[[ $seconds =~ ^[1-9][0-9]*$ ]] || die "--seconds must be a positive integer"
[[ $rate == max ]] && rate=0
[[ $rate =~ ^[0-9]+$ ]] || die "--rate must be a number of packets per second, or max"
if ! [[ $size =~ ^[0-9]+$ ]] || ((size < 42 || size > 1514)); then
    die "--size must be 42..1514 (Ethernet 14 + IPv4 20 + UDP 8 + payload, MTU 1500)"
fi
payload=$((size - 42))
[[ $build = /* ]] || build="$PWD/$build"

# --- prerequisites ------------------------------------------------------------------------------
((EUID == 0)) || die "must run as root (it makes network namespaces and captures on raw sockets)"
for c in ip taskset python3 cc; do command -v "$c" >/dev/null || die "$c is needed"; done
have_tcpdump=1
command -v tcpdump >/dev/null || have_tcpdump=0
((have_tcpdump)) || echo "guilatency.sh: tcpdump not found (apt-get install tcpdump); skipped" >&2
if ((xvfb)) && ! command -v xvfb-run >/dev/null; then
    die "--xvfb needs xvfb-run (apt-get install xvfb)"
fi
app_cpu=0 side_cpu=1
if (($(nproc) < 2)) || ! taskset -c 1 true 2>/dev/null; then
    echo "guilatency.sh: warning: fewer than 2 CPUs usable; everything shares CPU 0" >&2
    side_cpu=0
fi

# --- packetlens-guibench and the helper: DIR's binaries, built if missing -----------------------
bench="$build/bench/packetlens-guibench"
helper="${PACKETLENS_HELPER:-$build/src/helper/packetlens-capture}"
if [[ ! -x $bench || ! -x $helper ]]; then
    echo "packetlens-guibench or packetlens-capture not found in $build; building them ..." >&2
    mkdir -p "$build"
    buildlog="$build/guilatency-build.log"
    build_targets "$repo" "$build" "$buildlog" packetlens-guibench packetlens-capture
    if [[ ! -x $bench || ! -x $helper ]]; then
        echo "guilatency.sh: ERROR: they could not be built (log: $buildlog); its last lines:" >&2
        tail -n 15 "$buildlog" | sed 's/^/    /' >&2
        exit 1
    fi
fi

# --- the paced sender (shared with livecapture.sh) ----------------------------------------------
work=$(mktemp -d "${TMPDIR:-/tmp}/packetlens-guibench.XXXXXX")
sender="$build/bench-udpblast"
cc -O2 -Wall -o "$sender" "$repo/bench/udpblast.c" 2>"$work/cc.log" ||
    { cat "$work/cc.log" >&2; rm -rf "$work"; die "cc failed to build bench/udpblast.c"; }

# --- namespaces and processes, always cleaned up ------------------------------------------------
ns_a="pl-gui-$$-a"
ns_b="pl-gui-$$-b"
discard="" sender_pid="" window_pid="" tcpdump_pid=""
# shellcheck disable=SC2317 # run by the EXIT trap (shellcheck 0.9 sees the final exit and not it)
cleanup() {
    stop_pid "$sender_pid" TERM
    stop_pid "$window_pid" TERM # the helper sees its socket close and exits
    stop_pid "$tcpdump_pid" INT
    stop_pid "$discard" TERM
    netns_pair_down "$ns_a" "$ns_b"
    rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# The namespace pair and the discard socket on 10.99.10.1:9 (bench/netnspair.sh).
netns_pair_up "$ns_a" "$ns_b" 10.99.10 02:00:0a:63:0a:01 02:00:0a:63:0a:02
netns_discard discard "$ns_a" 10.99.10 "$side_cpu" "$work/discard.out"

counter() { ip netns exec "$ns_a" cat "/sys/class/net/va/statistics/$1"; }
rx0=$(counter rx_packets) tx0=$(counter tx_packets)

# --- the run ------------------------------------------------------------------------------------
if ((have_tcpdump)); then
    ip netns exec "$ns_a" taskset -c "$side_cpu" tcpdump -i va -w /dev/null -n \
        2>"$work/tcpdump.err" &
    tcpdump_pid=$!
    if ! wait_for "$work/tcpdump.err" 'listening on' "$tcpdump_pid"; then
        echo "guilatency.sh: tcpdump did not start:" >&2
        sed 's/^/    /' "$work/tcpdump.err" >&2
        stop_pid "$tcpdump_pid" INT
        tcpdump_pid="" have_tcpdump=0
    fi
fi

window_cmd=(env PACKETLENS_HELPER="$helper" "$bench" --seconds $((seconds + 1)) va)
if ((xvfb)); then
    platform_note="Xvfb 1920x1080x24 by xvfb-run, "
    window_cmd=(env -u QT_QPA_PLATFORM xvfb-run -a -s "-screen 0 1920x1080x24" "${window_cmd[@]}")
else
    platform_note=""
    window_cmd=(env QT_QPA_PLATFORM=offscreen "${window_cmd[@]}")
fi
echo "window capturing on va (namespace $ns_a, CPU $app_cpu, $( ((xvfb)) && echo Xvfb ||
    echo offscreen)); sender in $ns_b on CPU $side_cpu at $( ((rate > 0)) &&
    echo "$rate packets/s" || echo "its max") for $seconds s ..." >&2
ip netns exec "$ns_a" taskset -c "$app_cpu" "${window_cmd[@]}" >"$work/window.out" \
    2>"$work/window.err" &
window_pid=$!
if ! wait_for "$work/window.err" '^Capturing on' "$window_pid"; then
    echo "guilatency.sh: ERROR: the window did not start capturing:" >&2
    tail -n 15 "$work/window.err" | sed 's/^/    /' >&2
    exit 1
fi
sleep 0.3
rate_arg=()
((rate > 0)) && rate_arg=("$rate")
# In the background and waited for, so that an interrupt is acted on at once.
ip netns exec "$ns_b" taskset -c "$side_cpu" "$sender" 10.99.10.1 9 "$payload" "$seconds" \
    "${rate_arg[@]}" >"$work/sent.out" 2>&1 &
sender_pid=$!
wait "$sender_pid" || true
sender_pid=""
window_status=0
wait "$window_pid" || window_status=$?
window_pid=""
if ((have_tcpdump)); then
    stop_pid "$tcpdump_pid" INT
    tcpdump_pid=""
fi
rx1=$(counter rx_packets) tx1=$(counter tx_packets)

# --- report -------------------------------------------------------------------------------------
wire=$((rx1 - rx0 + tx1 - tx0))
sent=$(awk '/^sent/ { print $2 }' "$work/sent.out")
sent_s=$(awk '/^sent/ { print $5 }' "$work/sent.out")
val() { awk -v k="$1" '$1 == k { print $2; exit }' "$work/window.out"; }
calc() { awk "BEGIN { $1 }"; }
group() { # 1234567 -> 1,234,567
    local s=$1 o=""
    [[ $s =~ ^[0-9]+$ ]] || { echo "$s"; return; }
    while ((${#s} > 3)); do o=",${s: -3}$o" s=${s:0:${#s}-3}; done
    echo "$s$o"
}
pct() { [[ -n $1 && $2 -gt 0 ]] && calc "printf \"%.2f%%\", 100 * $1 / $2" || echo "-"; }
td_captured="" td_received="" td_dropped=""
if ((have_tcpdump)); then
    td_captured=$(awk '/ packets captured$/ { print $1 }' "$work/tcpdump.err")
    td_received=$(awk '/ packets received by filter$/ { print $1 }' "$work/tcpdump.err")
    td_dropped=$(awk '/ packets dropped by kernel$/ { print $1 }' "$work/tcpdump.err")
fi
rows=$(val list_rows) captured=$(val captured) dropped=$(val dropped)

echo
echo "PacketLens window responsiveness during a live capture"
echo "  link     : veth pair between network namespaces $ns_a (va, 10.99.10.1)"
echo "             and $ns_b (vb, 10.99.10.2); capture on va, no capture filter"
pace="the sender's max"
((rate > 0)) && pace="$(group "$rate") packets/s"
echo "  traffic  : UDP to 10.99.10.1:9, $size-byte frames (payload $payload), for $seconds s," \
    "paced at"
echo "             $pace (bench/udpblast.c)"
echo "  window   : packetlens-guibench (the real MainWindow, 1280x800, ${platform_note}Qt" \
    "platform $(val platform)), helper"
echo "             $helper"
echo "  pinning  : window + helper on CPU $app_cpu; sender, tcpdump and the kernel's receive" \
    "path on CPU $side_cpu"
echo "  host     : $(nproc) CPUs, $(uname -r), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo
if [[ -z $(val ticks) ]]; then
    echo "guilatency.sh: ERROR: the window printed no figures (exit status $window_status):" >&2
    tail -n 15 "$work/window.err" | sed 's/^/    /' >&2
    exit 1
fi
echo "  GUI thread event loop: $(val ticks) ticks of a $(val tick_ms) ms precise timer over" \
    "$(val measured_s) s"
echo "  (from the first packet until the list caught up after Stop)"
printf '    %-26s %9s %9s %9s %9s %12s\n' "" p50 p95 p99 max "ticks > 50ms"
printf '    %-26s %9s %9s %9s %9s %12s\n' "timer lateness (ms)" "$(val latency_p50_ms)" \
    "$(val latency_p95_ms)" "$(val latency_p99_ms)" "$(val latency_max_ms)" \
    "$(val ticks_over_50ms)"
printf '    %-26s %9s %9s %9s %9s\n' "posted-event delay (ms)" "$(val posted_p50_ms)" "" \
    "$(val posted_p99_ms)" "$(val posted_max_ms)"
echo "    ticks over 16 ms (a missed frame at 60 Hz): $(val ticks_over_16ms)"
echo "    simulated user: $(val selections) row picks ($(val selections_dissected) filled the" \
    "detail tree), slowest $(val select_max_ms) ms"
follow_ticks=$(val follow_ticks) follow_missed=$(val follow_ticks_not_at_bottom)
echo "    packet list: painted $(val list_paints) times; auto-scroll: newest row in view at" \
    "$((${follow_ticks:-0} - ${follow_missed:-0}))/${follow_ticks:-?} ticks while following,"
echo "      a pick held the view $(val pauses_held)/$(val resumes) times, scrolling back" \
    "resumed following $(val resumes_following)/$(val resumes) times"
echo "    Stop (returns at once; the helper's exit arrives later, in the ticks): $(val stop_ms) ms"
echo "    worst ticks (lateness, time since the first packet, rows in the list then):"
grep '^worst_tick' "$work/window.out" | head -n 5 | sed 's/^worst_tick /      /'
echo
row() { printf '    %-44s %14s %10s\n' "$@"; }
row "packets" "count" "of wire"
row "-------" "-----" "-------"
row "sent by the generator (in $sent_s s)" "$(group "${sent:--}")" "$(pct "$sent" "$wire")"
if [[ -n $sent && -n $sent_s ]]; then
    row "  = packets/s reached by the generator" \
        "$(group "$(calc "printf \"%d\", $sent / $sent_s")")" ""
fi
row "on the wire (va rx+tx)" "$(group "$wire")" "100.00%"
row "window: rows in the packet list" "$(group "$rows")" "$(pct "$rows" "$wire")"
row "window: received from the helper" "$(group "$captured")" "$(pct "$captured" "$wire")"
row "window: dropped (kernel + helper)" "$(group "$dropped")" "$(pct "$dropped" "$wire")"
if ((have_tcpdump)); then
    row "tcpdump: captured" "$(group "${td_captured:--}")" "$(pct "$td_captured" "$wire")"
    row "tcpdump: dropped by kernel" "$(group "${td_dropped:--}")" "$(pct "$td_dropped" "$wire")"
    row "tcpdump: received by filter" "$(group "${td_received:--}")" \
        "$(pct "$td_received" "$wire")"
else
    row "tcpdump" "(not installed)" ""
fi
echo "    window: delivered $(group "$(val delivered_pps)") packets/s over $(val traffic_s) s;" \
    "its list lagged the helper"
echo "    by at most $(group "$(val max_list_lag_packets)") packets (the store announces rows" \
    "every 100 ms)"
echo "    CPU: window $(val cpu_self_s) s, helper $(val cpu_helper_s) s"
if ((window_status != 0)); then
    echo "    note: packetlens-guibench exited with status $window_status; its stderr ends:"
    tail -n 3 "$work/window.err" | sed 's/^/      /'
fi

echo
verdicts=0
target() { printf '  %-44s %-12s %-22s %s\n' "$@"; }
judge() { # judge NAME TARGET MEASURED CONDITION
    local v=FAIL
    calc "exit !($4)" && v=PASS
    [[ $v == PASS ]] || verdicts=1
    target "$1" "$2" "$3" "$v"
}
target "targets (issue 4)" "target" "measured" "verdict"
target "-----------------" "------" "--------" "-------"
judge "event-loop latency p99" "< $limit ms" "$(val latency_p99_ms) ms" \
    "$(val latency_p99_ms) < $limit"
judge "event-loop latency max" "< $limit ms" "$(val latency_max_ms) ms" \
    "$(val latency_max_ms) < $limit"
judge "window got all packets (list = wire)" "$(group "$wire")" "$(group "$rows")" \
    "$rows == $wire && $wire > 0"
if ((window_status != 0)); then
    verdicts=1
fi
exit "$verdicts"
