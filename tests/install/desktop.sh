#!/bin/sh
# Desktop integration as the validators and the shared MIME database see it:
# desktop-file-validate, appstreamcli validate (offline), and update-mime-database over the
# installed MIME package, so that a double-clicked .pcapng file maps to PacketLens.
. "$(dirname "$0")/common.sh"
[ -d "$ROOT" ] || skip "no staged install at $ROOT (the install/stage fixture did not run)"
ran=0
desktop="$ROOT/share/applications/$APP_ID.desktop"
metainfo="$ROOT/share/metainfo/$APP_ID.metainfo.xml"

if have desktop-file-validate; then
    ran=$((ran + 1))
    if out=$(desktop-file-validate "$desktop" 2>&1) && [ -z "$out" ]; then
        pass "desktop-file-validate $(basename "$desktop"): no error, no warning"
    else
        fail "desktop-file-validate: $out"
    fi
else
    skip_part "desktop-file-validate missing (apt-get install desktop-file-utils)"
fi

if have appstreamcli; then
    ran=$((ran + 1))
    # --no-net: CI machines and build chroots have no network; the screenshot URL is checked
    # for form, not fetched.
    if out=$(appstreamcli validate --no-net "$metainfo" 2>&1); then
        pass "appstreamcli validate --no-net: $(echo "$out" | tail -n 1)"
    else
        fail "appstreamcli validate --no-net: $out"
    fi
    # The tree as a whole: the metainfo's desktop entry and icon exist where it says.
    if out=$(appstreamcli validate-tree --no-net "$ROOT/.." 2>&1); then
        pass "appstreamcli validate-tree: $(echo "$out" | tail -n 1)"
    else
        fail "appstreamcli validate-tree: $out"
    fi
else
    skip_part "appstreamcli missing (apt-get install appstream)"
fi

if have update-mime-database; then
    ran=$((ran + 1))
    work=$(mktemp -d)
    trap 'rm -rf "$work"' EXIT
    mkdir -p "$work/mime/packages"
    # Debian 12's freedesktop.org.xml defines pcap but not pcapng; ours adds pcapng.
    cp "$ROOT/share/mime/packages/packetlens.xml" "$work/mime/packages/"
    if [ -f /usr/share/mime/packages/freedesktop.org.xml ]; then
        cp /usr/share/mime/packages/freedesktop.org.xml "$work/mime/packages/"
    fi
    if out=$(update-mime-database "$work/mime" 2>&1); then
        pass "update-mime-database accepts the MIME package"
    else
        fail "update-mime-database: $out"
    fi
    contains "$work/mime/globs2" "application/x-pcapng:*.pcapng" "*.pcapng maps to x-pcapng"
    if grep -aq 'application/x-pcapng' "$work/mime/magic"; then
        pass "pcapng is recognised by content (magic)"
    else
        fail "no magic for application/x-pcapng in the MIME database"
    fi
    # Every type the desktop entry opens is known once the package is installed.
    if [ -f /usr/share/mime/packages/freedesktop.org.xml ]; then
        for type in $(sed -n 's/^MimeType=//p' "$desktop" | tr ';' ' '); do
            if grep -q "^$type\$" "$work/mime/types"; then
                pass "MIME type $type is known"
            else
                fail "the desktop entry opens $type, which no MIME package defines"
            fi
        done
    else
        skip_part "no /usr/share/mime/packages/freedesktop.org.xml: the desktop entry's types" \
            "are checked against ours only"
    fi
else
    skip_part "update-mime-database missing (apt-get install shared-mime-info)"
fi

[ "$ran" -gt 0 ] || skip "none of desktop-file-validate, appstreamcli, update-mime-database" \
    "is installed (apt-get install desktop-file-utils appstream shared-mime-info)"
finish
