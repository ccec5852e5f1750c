#!/bin/sh
# The Debian package: built once with `cpack -G DEB`, then inspected with dpkg-deb (fields,
# Depends, contents and modes, maintainer scripts), and the maintainer scripts run against
# stand-in commands (addgroup, dpkg-statoverride, setcap, ...) that record what they were asked
# to do, so that install, upgrade, fallback, remove and purge are checked without touching
# this machine's groups or files.
. "$(dirname "$0")/common.sh"
have cpack || skip "cpack missing"
have dpkg-deb || skip "dpkg-deb missing (apt-get install dpkg)"

out="$DEB_DIR"
rm -rf "$out"
mkdir -p "$out"
if ! (cd "$BUILD_DIR" && cpack -G DEB -B "$out" --config "$BUILD_DIR/CPackConfig.cmake") \
    >"$out/cpack.log" 2>&1; then
    cat "$out/cpack.log" >&2
    fail "cpack -G DEB failed"
    finish
fi
set -- "$out"/*.deb
[ "$#" -eq 1 ] && [ -f "$1" ] || { fail "expected one .deb in $out, found: $*"; finish; }
deb=$1
pass "built $(basename "$deb") ($(stat -c %s "$deb") bytes)"

field() {
    dpkg-deb -f "$deb" "$1"
}
[ "$(field Package)" = packetlens ] && pass "Package: packetlens" || fail "Package: $(field Package)"
[ "$(field Version)" = "$VERSION" ] && pass "Version: $VERSION" ||
    fail "Version: $(field Version), expected $VERSION"
if have dpkg; then
    arch=$(dpkg --print-architecture)
    [ "$(field Architecture)" = "$arch" ] && pass "Architecture: $arch" ||
        fail "Architecture: $(field Architecture), expected $arch"
fi
depends=$(field Depends)
for package in libqt6core6 libqt6widgets6 libqt6network6 libcap2 libpcap0.8 libcap2-bin adduser; do
    if printf ', %s,' "$depends" | grep -Eq ", $package( \([^)]*\))?,"; then
        pass "Depends on $package"
    else
        fail "Depends lacks $package: $depends"
    fi
done
printf ', %s,' "$(field Recommends)" | grep -q ', pkexec,' && pass "Recommends pkexec" ||
    fail "Recommends lacks pkexec: $(field Recommends)"

# Contents: every file of the layout, owned by root, with the modes dpkg unpacks (postinst
# then gives the helper its group, mode and capabilities), and nothing else.
dpkg-deb -c "$deb" | awk '$1 !~ /^d/ {print $1, $2, $6}' | sed 's| \./| /|' | sort -k3 \
    >"$out/contents"
helper="$PREFIX/$HELPER_REL"
expected="-rwxr-xr-x $PREFIX/bin/packetlens
-rwxr-xr-x $PREFIX/bin/packetlens-cli
-rwxr-xr-x $helper
-rw-r--r-- $PREFIX/share/applications/$APP_ID.desktop
-rw-r--r-- $PREFIX/share/metainfo/$APP_ID.metainfo.xml
-rw-r--r-- $PREFIX/share/icons/hicolor/scalable/apps/$APP_ID.svg
-rw-r--r-- $PREFIX/share/mime/packages/packetlens.xml
-rw-r--r-- $PREFIX/share/man/man1/packetlens.1
-rw-r--r-- $PREFIX/share/man/man1/packetlens-cli.1
-rw-r--r-- $PREFIX/share/polkit-1/actions/org.packetlens.capture.policy"
for size in 16 22 24 32 48 64 128 256; do
    expected="$expected
-rw-r--r-- $PREFIX/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
done
echo "$expected" | sort -k2 >"$out/expected"
awk '{print $1, $3}' "$out/contents" | sort -k2 >"$out/actual"
if diff -u "$out/expected" "$out/actual" >"$out/contents.diff"; then
    pass "package contents: the $(wc -l <"$out/expected") files of the layout with their modes"
else
    fail "package contents differ from the layout:
$(cat "$out/contents.diff")"
fi
if awk '$2 != "root/root"' "$out/contents" | grep -q .; then
    fail "files not owned by root/root: $(awk '$2 != "root/root"' "$out/contents")"
else
    pass "every file is root/root"
fi
dpkg-deb --fsys-tarfile "$deb" | tar -xO ".$PREFIX/share/polkit-1/actions/org.packetlens.capture.policy" \
    >"$out/policy"
contains "$out/policy" "policykit.exec.path\">$helper<" "the package's polkit action runs $helper"

# Maintainer scripts: present, executable, valid sh.
rm -rf "$out/control"
dpkg-deb -e "$deb" "$out/control"
for script in postinst postrm; do
    file="$out/control/$script"
    if [ ! -f "$file" ]; then
        fail "no $script in the package"
        continue
    fi
    check_mode "$file" 755
    sh -n "$file" && pass "$script: sh -n clean" || fail "$script: sh -n reports errors"
    if have shellcheck; then
        shellcheck -s sh "$file" && pass "$script: shellcheck clean" || fail "$script: shellcheck"
    fi
    grep -q '@[A-Z_]*@' "$file" && fail "$script has an unconfigured @VARIABLE@"
    contains "$file" "helper='$helper'" "$script acts on $helper"
done
[ -f "$out/control/postinst" ] && [ -f "$out/control/postrm" ] || finish

# --- The scripts' behaviour, against stand-ins that log their arguments. STUB_GROUP says
# whether the group exists, STUB_OVERRIDE what `dpkg-statoverride --list` prints, STUB_SETCAP
# whether setcap succeeds.
stubs="$out/stubs"
mkdir -p "$stubs"
log="$out/calls.log"
for tool in addgroup delgroup setcap; do
    cat >"$stubs/$tool" <<STUB
#!/bin/sh
echo "$tool \$*" >>"$log"
[ "$tool" != setcap ] || [ "\$STUB_SETCAP" = ok ]
STUB
done
cat >"$stubs/getent" <<STUB
#!/bin/sh
[ "\$1 \$2" = "group packetlens" ] && [ "\$STUB_GROUP" = yes ] && echo "packetlens:x:998:" && exit 0
exit 2
STUB
cat >"$stubs/dpkg-statoverride" <<STUB
#!/bin/sh
if [ "\$1" = --list ]; then
    [ -n "\$STUB_OVERRIDE" ] && echo "\$STUB_OVERRIDE" && exit 0
    exit 1
fi
echo "dpkg-statoverride \$*" >>"$log"
STUB
chmod +x "$stubs"/*
# As the real dpkg-statoverride --list prints it: the mode without its leading 0.
ours="root packetlens 750 $helper"

# run SCRIPT ARG GROUP OVERRIDE SETCAP: the calls it made end up in $log, its output in $said.
run() {
    : >"$log"
    said=$(PATH="$stubs:$PATH" STUB_GROUP=$3 STUB_OVERRIDE=$4 STUB_SETCAP=$5 \
        sh "$out/control/$1" "$2" 2>&1)
    status=$?
    calls=$(cat "$log")
}
expect_calls() { # WHAT EXPECTED
    if [ "$calls" = "$2" ]; then
        pass "$1"
    else
        fail "$1: the script ran
$calls
expected
$2"
    fi
}
expect_said() { # WHAT TEXT
    case "$said" in
    *"$2"*) pass "$1" ;;
    *) fail "$1: \"$2\" not in the output:
$said" ;;
    esac
}

run postinst configure no "" ok
[ "$status" -eq 0 ] || fail "postinst configure (fresh) exited $status: $said"
expect_calls "fresh install: group, statoverride root:packetlens 0750, then capabilities" \
    "addgroup --quiet --system packetlens
dpkg-statoverride --update --add root packetlens 0750 $helper
setcap cap_net_raw,cap_net_admin=eip $helper"
expect_said "postinst says how to add a user" "sudo usermod -aG packetlens USER"

run postinst configure yes "$ours" ok
[ "$status" -eq 0 ] || fail "postinst configure (upgrade) exited $status: $said"
expect_calls "upgrade: the group and our statoverride exist, capabilities set again" \
    "setcap cap_net_raw,cap_net_admin=eip $helper"

run postinst configure no "" fail
[ "$status" -eq 0 ] || fail "postinst must not fail when setcap does (exited $status)"
expect_said "no file capabilities: the fallback is explained" "could not give $helper"
expect_said "no file capabilities: pkexec named as the fallback" "pkexec"

run postinst configure yes "root root 755 $helper" ok
[ "$status" -eq 0 ] || fail "postinst with an administrator's override exited $status"
expect_calls "an administrator's statoverride is left alone (no setcap)" ""
expect_said "an administrator's statoverride is reported" "administrator"

run postrm remove yes "$ours" ok
[ "$status" -eq 0 ] || fail "postrm remove exited $status: $said"
expect_calls "remove: our statoverride goes, the group stays" \
    "dpkg-statoverride --remove $helper"

run postrm purge yes "$ours" ok
[ "$status" -eq 0 ] || fail "postrm purge exited $status: $said"
expect_calls "purge: statoverride and group go" "dpkg-statoverride --remove $helper
delgroup --quiet --system packetlens"

run postrm purge no "root root 755 $helper" ok
[ "$status" -eq 0 ] || fail "postrm purge (admin override, no group) exited $status: $said"
expect_calls "purge keeps an administrator's statoverride" ""

run postinst bogus no "" ok
[ "$status" -ne 0 ] && pass "postinst rejects an unknown action" ||
    fail "postinst accepted the unknown action 'bogus'"
finish
