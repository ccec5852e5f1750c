# shellcheck shell=bash
# The pair of network namespaces the live benchmarks capture in (sourced by bench/livecapture.sh
# and bench/guilatency.sh; not run on its own). Two namespaces A and B of the caller's, joined by
# a veth pair: va = NET.1/24 in A, vb = NET.2/24 in B, fixed MAC addresses and static neighbour
# entries so there is no ARP, IPv6 off so there is no other traffic, and a discard socket on
# NET.1:9 so that nothing comes back. The caller makes them with netns_pair_up and
# netns_discard, and removes them with netns_pair_down (from its EXIT trap, whatever happens).
# Needs root, iproute2, taskset and python3; the functions call the caller's die MESSAGE (which
# exits) when a namespace or the discard socket cannot be made.

# netns_pair_up NS_A NS_B NET MAC_A MAC_B: make namespaces NS_A and NS_B joined by the veth pair
# va (NET.1/24, MAC_A, in NS_A) and vb (NET.2/24, MAC_B, in NS_B), both up. NET is the first
# three octets of the /24 subnet, e.g. 10.99.9.
netns_pair_up() {
    local ns_a=$1 ns_b=$2 net=$3 mac_a=$4 mac_b=$5 ns
    ip netns add "$ns_a" || die "cannot make network namespace $ns_a"
    ip netns add "$ns_b" || die "cannot make network namespace $ns_b"
    for ns in "$ns_a" "$ns_b"; do
        # No IPv6 on the veths: no router solicitations, MLD or DAD frames in the counts.
        ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
            net.ipv6.conf.default.disable_ipv6=1 >/dev/null
        ip -n "$ns" link set lo up
    done
    # Made inside namespace a, so the names cannot clash with anything in the host's namespace.
    ip -n "$ns_a" link add va address "$mac_a" type veth peer name vb address "$mac_b" \
        netns "$ns_b"
    ip -n "$ns_a" addr add "$net.1/24" dev va
    ip -n "$ns_b" addr add "$net.2/24" dev vb
    ip -n "$ns_a" link set va up
    ip -n "$ns_b" link set vb up
    ip -n "$ns_a" neigh replace "$net.2" lladdr "$mac_b" dev va nud permanent
    ip -n "$ns_b" neigh replace "$net.1" lladdr "$mac_a" dev vb nud permanent
}

# netns_discard VAR NS_A NET CPU OUT: start, in the background in NS_A pinned to CPU, a discard
# socket on NET.1:9 that never reads, with the smallest receive buffer; store its process id in
# the caller's variable VAR (at once, so that the caller's cleanup can stop it) and wait until it
# is bound (it says so in the file OUT). Namespace a drops the datagrams at the full socket
# instead of going through the port-unreachable (ICMP) path for each, which costs the sender's CPU
# about as much again and would put frames on the wire in the other direction.
netns_discard() {
    local var=$1 ns_a=$2 net=$3 cpu=$4 out=$5
    ip netns exec "$ns_a" taskset -c "$cpu" python3 -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
s.bind((sys.argv[1], 9))
print("bound", flush=True)
time.sleep(1e9)' "$net.1" >"$out" 2>&1 &
    printf -v "$var" '%s' "$!"
    wait_for "$out" '^bound' "${!var}" || die "discard socket failed: $(cat "$out")"
}

# netns_pair_down NS_A NS_B: remove both namespaces (quietly, also when they were never made).
# Stop the processes started in them first (stop_pid).
netns_pair_down() {
    # Deleting a namespace removes its end of the veth pair, and with it the other end.
    ip netns del "$1" 2>/dev/null || true
    ip netns del "$2" 2>/dev/null || true
}

# stop_pid PID SIGNAL: signal a process this script started and reap it; nothing if PID is empty
stop_pid() {
    [[ -n $1 ]] || return 0
    kill "-$2" "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
}

# wait_for FILE REGEX PID [TENTHS]: up to TENTHS tenths of a second (150: 15 s) for REGEX in FILE
# while PID lives; false if it never came
wait_for() {
    local i
    for ((i = 0; i < ${4:-150}; i++)); do
        grep -qE "$2" "$1" 2>/dev/null && return 0
        kill -0 "$3" 2>/dev/null || break
        sleep 0.1
    done
    grep -qE "$2" "$1" 2>/dev/null
}
