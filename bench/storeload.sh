#!/usr/bin/env bash
# Issue 4's file-loading benchmark (run by hand, not a timed test): opens the foundation
# benchmark's capture (bench/makecapture.py, 1,000,000 packets by default) in the application's
# packet store — the loading code the window uses — and prints the time to the first rows, the
# time until every packet is indexed and the resident memory per packet above the empty
# program, beside `tshark -r` reading the same file in the same run. Targets: first rows under
# 0.3 s, fully loaded in at most a fifth of tshark's time, at most 64 bytes per packet.
# Then, in the same program, the packet list's sorter orders every row by Info and by Source (a
# worker thread makes its own pass over the file, as a header click does): the time each sort
# takes, the extra peak resident memory it needs above the loaded store, and the longest the
# main thread's event loop went unserved meanwhile (the window must not freeze: under 50 ms).
# Then (issue 6) display filters of growing complexity are applied to the loaded store: the time
# from setDisplayFilter() until displayFilterApplied() for each (a pass over every packet on
# other threads; target under 0.5 s each), and the loading time with a filter set beforehand.
#
# Usage: bench/storeload.sh [--packets N] [--build DIR]   (DIR defaults to build/release)
set -euo pipefail

repo=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
packets=1000000
build="$repo/build/release"
while [[ $# -gt 0 ]]; do
    case "$1" in
        --packets) packets=${2:?}; shift 2 ;;
        --build) build=${2:?}; shift 2 ;;
        *) echo "storeload.sh: unknown argument '$1'" >&2; exit 2 ;;
    esac
done
cache="$repo/build/bench-cache"
capture="$cache/capture-$packets.pcap"
mkdir -p "$cache"
[[ -f $capture ]] || python3 "$repo/bench/makecapture.py" --packets "$packets" --out "$capture"
if [[ ! -x $build/bench/packetlens-storebench ]]; then
    cmake --preset release >/dev/null && cmake --build --preset release --target packetlens-storebench
fi
cat "$capture" >/dev/null # same page-cache state for both tools

best_store="" first_rows="" per_packet="" sort_lines="" filter_lines=""
for _ in 1 2 3; do
    out=$("$build/bench/packetlens-storebench" "$capture")
    loaded=$(awk '/^loaded_ms/ {print $2}' <<<"$out")
    if [[ -z $best_store ]] || awk -v a="$loaded" -v b="$best_store" 'BEGIN {exit !(a < b)}'; then
        best_store=$loaded
        first_rows=$(awk '/^first_rows_ms/ {print $2}' <<<"$out")
        per_packet=$(awk '/^bytes_per_packet/ {print $2}' <<<"$out")
        sort_lines=$(grep '^sort_' <<<"$out" || true)
    fi
    # Each filter's best time over the runs.
    filter_lines=$(printf '%s\n%s\n' "$filter_lines" "$(grep -E '^(filter_|loaded_filtered_)' <<<"$out" || true)")
done
best_tshark=""
for _ in 1 2 3; do
    start=$(date +%s%N)
    tshark -r "$capture" >/dev/null 2>&1
    ms=$(( ($(date +%s%N) - start) / 1000000 ))
    if [[ -z $best_tshark ]] || (( ms < best_tshark )); then best_tshark=$ms; fi
done

verdict() { if awk "BEGIN {exit !($1)}"; then echo PASS; else echo FAIL; fi; }
printf 'PacketLens loading benchmark: %s (%s packets), best of 3 each\n\n' "$capture" "$packets"
printf '  %-34s %12s\n' "packet store: first rows" "${first_rows} ms"
printf '  %-34s %12s\n' "packet store: fully loaded" "${best_store} ms"
printf '  %-34s %12s\n' "packet store: memory per packet" "${per_packet} B"
sortfig() { awk -v k="$1" '$1 == k {print $2}' <<<"$sort_lines"; }
for key in info source; do
    printf '  %-34s %12s   (+%s MiB peak, main thread blocked at most %s ms)\n' \
        "sort all rows by ${key^}" "$(sortfig "sort_${key}_ms") ms" \
        "$(awk -v k="$(sortfig "sort_${key}_peak_extra_kib")" 'BEGIN {printf "%.1f", k / 1024}')" \
        "$(sortfig "sort_${key}_max_gui_gap_ms")"
done
printf '  %-34s %12s\n' "tshark -r (summary lines)" "${best_tshark} ms"
best_of() { awk -v k="$1" '$1 == k && (best == "" || $2 + 0 < best + 0) {best = $2} END {print best}' <<<"$filter_lines"; }
filter_fail=0
for n in 1 2 3 4 5 6; do
    text=$(awk -v k="filter_${n}_text" '$1 == k {sub(/^[^ ]+ /, ""); print; exit}' <<<"$filter_lines")
    [[ -z $text ]] && continue
    ms=$(best_of "filter_${n}_ms")
    printf '  %-34s %12s   (%s displayed, main thread blocked at most %s ms)\n' \
        "display filter $n" "$ms ms" "$(best_of "filter_${n}_displayed")" \
        "$(best_of "filter_${n}_max_gui_gap_ms")"
    printf '      %s\n' "$text"
    awk "BEGIN {exit !($ms < 500)}" || filter_fail=1
done
printf '  %-34s %12s\n\n' "loading with a filter set" "$(best_of loaded_filtered_ms) ms"
printf '  %-44s %-10s %s\n' "first rows under 300 ms" "$(verdict "$first_rows < 300")" "${first_rows} ms"
printf '  %-44s %-10s %s\n' "loaded in <= 1/5 of tshark's time" \
    "$(verdict "$best_store * 5 <= $best_tshark")" \
    "$(awk -v a="$best_tshark" -v b="$best_store" 'BEGIN {printf "%.1fx faster", a / b}')"
printf '  %-44s %-10s %s\n' "<= 64 bytes per packet above empty" "$(verdict "$per_packet <= 64")" \
    "${per_packet} B"
printf '  %-44s %-10s\n' "each display filter applied in < 500 ms" \
    "$(if ((filter_fail == 0)); then echo PASS; else echo FAIL; fi)"
gap=$(sortfig sort_info_max_gui_gap_ms)
gap2=$(sortfig sort_source_max_gui_gap_ms)
printf '  %-44s %-10s %s\n' "window responsive while sorting (< 50 ms)" \
    "$(verdict "$gap < 50 && $gap2 < 50")" "Info ${gap} ms, Source ${gap2} ms"
