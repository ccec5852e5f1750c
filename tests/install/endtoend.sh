#!/bin/bash
# End to end from the installed tree, set up as the Debian package's postinst sets up the real
# one: the helper root:<group> 0750 with cap_net_raw,cap_net_admin=eip. A throwaway user in that
# group runs packetlens-cli (setpriv: no root, no capability) on a veth inside a network
# namespace pair made here; the packets sent across the pair come back, the helper found is the
# installed one (../libexec relative to the CLI), and its CapEff and CapPrm read 0 while it
# captures. A user outside the group cannot run the helper at all. Traffic stays inside the
# namespaces; the user, group, namespaces and files are removed afterwards.
# bash, not sh: the datagrams are sent through bash's /dev/udp.
. "$(dirname "$0")/common.sh"
[ -d "$ROOT" ] || skip "no staged install at $ROOT (the install/stage fixture did not run)"
[ "$(id -u)" -eq 0 ] || skip "needs root to set file capabilities, add a user and make network" \
    "namespaces (CI runs as root)"
for tool in setcap setpriv ip useradd groupadd userdel groupdel; do
    have "$tool" || skip "$tool missing (apt-get install libcap2-bin util-linux iproute2 passwd)"
done

tag="ple2e$$"
work=$(mktemp -d /tmp/packetlens-e2e.XXXXXX)
ns_a="$tag-a"
ns_b="$tag-b"
cli_pid=
cleanup() {
    [ -n "$cli_pid" ] && kill "$cli_pid" 2>/dev/null
    ip netns del "$ns_a" 2>/dev/null
    ip netns del "$ns_b" 2>/dev/null
    userdel "$tag" 2>/dev/null
    groupdel "$tag" 2>/dev/null
    rm -rf "$work"
}
trap cleanup EXIT

# A copy of the installed tree where any user can reach it (the build tree may sit under a
# 0700 home directory).
chmod 0755 "$work"
cp -a "$ROOT" "$work/usr"
cli="$work/usr/bin/packetlens-cli"
helper="$work/usr/$HELPER_REL"

groupadd --system "$tag" || skip "cannot add a group"
useradd --system --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin \
    --gid nogroup --groups "$tag" "$tag" || skip "cannot add a user"
chown "root:$tag" "$helper"
chmod 0750 "$helper"
if ! err=$(setcap cap_net_raw,cap_net_admin=eip "$helper" 2>&1); then
    skip "file capabilities unsupported on $(df --output=fstype "$work" | tail -n 1) ($err);" \
        "the package falls back to pkexec there"
fi
pass "helper set up as postinst does: $(stat -c '%U:%G %a' "$helper"), $(getcap "$helper")"

uid=$(id -u "$tag")
gid=$(id -g "$tag")
ip netns add "$ns_a" && ip netns add "$ns_b" ||
    skip "cannot make network namespaces here"
ip -n "$ns_a" link set lo up
ip -n "$ns_b" link set lo up
ip -n "$ns_a" link add va type veth peer name vb netns "$ns_b" &&
    ip -n "$ns_a" addr add 10.99.8.1/24 dev va &&
    ip -n "$ns_b" addr add 10.99.8.2/24 dev vb &&
    ip -n "$ns_a" link set va up &&
    ip -n "$ns_b" link set vb up || skip "cannot make a veth pair between namespaces"

# An installed ASan/UBSan build runs like any other (libasan is a shared library found in the
# system paths, also in the helper's secure-execution mode that file capabilities imply); the
# sanitizer options of the test run pass through setpriv and env.
if ! out=$("$cli" -v 2>&1); then
    skip "the installed packetlens-cli does not run here: $out"
fi

# `ip netns exec`, setpriv and env all exec: $! is the CLI's own pid.
(cd / && exec ip netns exec "$ns_a" setpriv --reuid="$uid" --regid="$gid" --init-groups \
    env -u PACKETLENS_HELPER -u XDG_RUNTIME_DIR HOME=/nonexistent \
    "$cli" -i va -f "udp port 5555" -c 5) >"$work/out" 2>"$work/err" &
cli_pid=$!

started=
for _ in $(seq 1 200); do
    grep -q "Capturing on" "$work/err" && started=1 && break
    kill -0 "$cli_pid" 2>/dev/null || break
    sleep 0.05
done
if [ -z "$started" ]; then
    fail "the CLI did not start capturing as user $tag: $(cat "$work/err")"
    finish
fi
pass "capture started as user $tag (uid $uid), not root"

helper_pid=$(cat "/proc/$cli_pid/task/$cli_pid/children" 2>/dev/null | awk '{print $1}')
if [ -z "$helper_pid" ]; then
    fail "no helper process under the CLI ($cli_pid)"
else
    exe=$(readlink "/proc/$helper_pid/exe")
    [ "$exe" = "$helper" ] && pass "the CLI started the installed helper ($exe)" ||
        fail "the CLI started $exe, not the installed helper $helper"
    status="/proc/$helper_pid/status"
    capeff=$(awk '/^CapEff:/ {print $2}' "$status")
    capprm=$(awk '/^CapPrm:/ {print $2}' "$status")
    helper_uid=$(awk '/^Uid:/ {print $2}' "$status")
    [ "$capeff" = 0000000000000000 ] && pass "helper CapEff is 0 while it captures" ||
        fail "helper CapEff is $capeff while it captures"
    [ "$capprm" = 0000000000000000 ] && pass "helper CapPrm is 0 while it captures" ||
        fail "helper CapPrm is $capprm while it captures"
    [ "$helper_uid" = "$uid" ] && pass "helper runs as the user ($uid)" ||
        fail "helper runs as uid $helper_uid, not $uid"
fi

ip netns exec "$ns_b" bash -c '
    for i in 1 2 3 4 5; do
        printf "packetlens e2e %s" "$i" >/dev/udp/10.99.8.1/5555 || exit 1
    done' || fail "sending the datagrams failed"

finished=
for _ in $(seq 1 300); do
    kill -0 "$cli_pid" 2>/dev/null || { finished=1; break; }
    sleep 0.05
done
if [ -z "$finished" ]; then
    fail "the CLI did not stop after 5 packets: $(cat "$work/err")"
else
    wait "$cli_pid"
    code=$?
    cli_pid=
    [ "$code" -eq 0 ] && pass "packetlens-cli exited 0" ||
        fail "packetlens-cli exited $code: $(cat "$work/err")"
    lines=$(grep -c '10\.99\.8\.2 .*10\.99\.8\.1 .*UDP' "$work/out")
    [ "$lines" -eq 5 ] && pass "the 5 datagrams came back as 5 UDP lines" ||
        fail "expected 5 UDP lines from 10.99.8.2 to 10.99.8.1, got $lines:
$(cat "$work/out")"
fi

# A user outside the group cannot run the helper: no capture, a failure, no packet.
code=0
(cd / && exec ip netns exec "$ns_a" setpriv --reuid=65534 --regid=65534 --clear-groups \
    env -u PACKETLENS_HELPER -u XDG_RUNTIME_DIR HOME=/nonexistent \
    timeout 20 "$cli" -i va -c 1) >"$work/out2" 2>"$work/err2" || code=$?
if [ "$code" -ne 0 ] && [ "$code" -ne 124 ] && [ ! -s "$work/out2" ]; then
    pass "a user outside the group gets no capture (exit $code: $(head -n 1 "$work/err2"))"
else
    fail "a user outside the group: exit $code, output $(cat "$work/out2") $(cat "$work/err2")"
fi
finish
