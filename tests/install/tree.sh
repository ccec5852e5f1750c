#!/bin/sh
# The installed tree: every file of the layout (and nothing else), modes, and the facts that tie
# the files together (the polkit action's helper path, the desktop entry's icon and MIME types,
# the AppStream launchable, icon sizes).
. "$(dirname "$0")/common.sh"
[ -d "$ROOT" ] || skip "no staged install at $ROOT (the install/stage fixture did not run)"

expected="bin/packetlens 755
bin/packetlens-cli 755
$HELPER_REL 755
share/applications/$APP_ID.desktop 644
share/metainfo/$APP_ID.metainfo.xml 644
share/icons/hicolor/scalable/apps/$APP_ID.svg 644
share/mime/packages/packetlens.xml 644
share/man/man1/packetlens.1 644
share/man/man1/packetlens-cli.1 644
share/polkit-1/actions/org.packetlens.capture.policy 644"
for size in 16 22 24 32 48 64 128 256; do
    expected="$expected
share/icons/hicolor/${size}x${size}/apps/$APP_ID.png 644"
done

while read -r path mode; do
    check_mode "$ROOT/$path" "$mode"
done <<LAYOUT
$expected
LAYOUT

# Nothing else: no static libraries, headers or test programs leak into an installation.
actual=$(cd "$STAGE" && find . -type f | sed "s|^\./${PREFIX#/}/||" | sort)
wanted=$(echo "$expected" | cut -d' ' -f1 | sort)
extra=$(printf '%s\n' "$actual" | grep -vxF "$wanted" || true)
if [ -n "$extra" ]; then
    fail "files installed beyond the layout: $(echo $extra)"
else
    pass "no file beyond the layout ($(printf '%s\n' "$actual" | wc -l) files)"
fi

# The programs are executables (not scripts, not libraries) and run from the installed tree.
for program in bin/packetlens bin/packetlens-cli "$HELPER_REL"; do
    if head -c 4 "$ROOT/$program" | od -An -c | grep -q 'E   L   F'; then
        pass "$program is an ELF executable"
    else
        fail "$program is not an ELF executable"
    fi
done
if out=$("$ROOT/bin/packetlens-cli" -v 2>&1) && echo "$out" | grep -q '^packetlens-cli [0-9]'; then
    pass "installed packetlens-cli runs: $out"
else
    fail "installed packetlens-cli -v: $out"
fi
if out=$("$ROOT/$HELPER_REL" --version 2>&1) && echo "$out" | grep -q '^packetlens-capture [0-9]'; then
    pass "installed helper runs: $out"
else
    fail "installed helper --version: $out"
fi

# pkexec runs exactly the program the action names: it must be the installed helper.
policy="$ROOT/share/polkit-1/actions/org.packetlens.capture.policy"
contains "$policy" \
    "<annotate key=\"org.freedesktop.policykit.exec.path\">$PREFIX/$HELPER_REL</annotate>" \
    "polkit exec.path is the installed helper $PREFIX/$HELPER_REL"
contains "$policy" '<action id="org.packetlens.capture">' "polkit action id"
if grep -q '@' "$policy"; then
    fail "unconfigured @VARIABLE@ left in $policy"
fi
if have xmllint; then
    xmllint --noout "$policy" && pass "polkit policy is well-formed XML" ||
        fail "polkit policy is not well-formed XML"
    xmllint --noout "$ROOT/share/mime/packages/packetlens.xml" &&
        pass "MIME package is well-formed XML" || fail "MIME package is not well-formed XML"
else
    skip_part "xmllint missing (apt-get install libxml2-utils): XML well-formedness unchecked"
fi

desktop="$ROOT/share/applications/$APP_ID.desktop"
contains "$desktop" "Exec=packetlens %F" "desktop entry opens files given to it (%F)"
contains "$desktop" "Categories=Network;Monitor;" "desktop entry categories"
contains "$desktop" "application/vnd.tcpdump.pcap;" "desktop entry opens pcap"
contains "$desktop" "application/x-pcapng;" "desktop entry opens pcapng"
contains "$desktop" "Icon=$APP_ID" "desktop entry names the installed icon"
metainfo="$ROOT/share/metainfo/$APP_ID.metainfo.xml"
contains "$metainfo" "<launchable type=\"desktop-id\">$APP_ID.desktop</launchable>" \
    "AppStream launchable is the installed desktop entry"
contains "$metainfo" "<image type=\"source\" width=\"1280\" height=\"860\">https://" \
    "AppStream screenshot is an https URL"

# Each PNG has the size its directory says (the IHDR width and height, big-endian).
for size in 16 22 24 32 48 64 128 256; do
    png="$ROOT/share/icons/hicolor/${size}x${size}/apps/$APP_ID.png"
    [ -f "$png" ] || continue
    dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{print $3*256+$4 "x" $7*256+$8}')
    if [ "$dims" = "${size}x${size}" ]; then
        pass "icon ${size}x${size} is $dims"
    else
        fail "icon in ${size}x${size} is $dims"
    fi
done
finish
