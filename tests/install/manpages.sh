#!/bin/sh
# The man pages render without a troff warning, and document every option the programs
# accept (the options are read from the installed programs' own help, so a new option without
# a man page entry fails here).
. "$(dirname "$0")/common.sh"
[ -d "$ROOT" ] || skip "no staged install at $ROOT (the install/stage fixture did not run)"
have groff || skip "groff missing (apt-get install groff-base): the man pages cannot be rendered"
man1="$ROOT/share/man/man1"
text=$(mktemp -d)
trap 'rm -rf "$text"' EXIT

for page in packetlens packetlens-cli; do
    # -ww: every warning; -z: no output, only the diagnostics.
    if out=$(groff -man -ww -z "$man1/$page.1" 2>&1) && [ -z "$out" ]; then
        pass "$page.1 renders without warnings"
    else
        fail "$page.1: groff says: $out"
    fi
    LC_ALL=C.UTF-8 groff -man -Tutf8 -P-cbou "$man1/$page.1" >"$text/$page.txt" 2>/dev/null
    for section in NAME SYNOPSIS DESCRIPTION OPTIONS "EXIT STATUS" "SEE ALSO"; do
        grep -q "^$section" "$text/$page.txt" || fail "$page.1 has no $section section"
    done
done
if have man; then
    if man -l "$man1/packetlens-cli.1" 2>/dev/null | grep -q 'packetlens-cli  *- read'; then
        pass "man -l shows packetlens-cli(1)"
    else
        fail "man -l cannot show $man1/packetlens-cli.1"
    fi
else
    skip_part "man missing (apt-get install man-db): man -l not tried"
fi

# documents PROGRAM HELP OPTIONS: PROGRAM's man page has an entry for each of OPTIONS, which
# its HELP command lists.
documents() {
    [ -n "$3" ] || fail "$2 listed no options"
    for option in $3; do
        if grep -q -- "^       $option\b" "$text/$1.txt"; then
            pass "$1.1 documents $option"
        else
            fail "$1.1 has no entry for $option ($2 lists it)"
        fi
    done
}

# packetlens-cli -h lists its options as "  -X ..." lines.
documents packetlens-cli "packetlens-cli -h" \
    "$("$ROOT/bin/packetlens-cli" -h | sed -n 's/^  \(-[A-Za-z]\).*/\1/p')"

# packetlens --help (QCommandLineParser) lists "  -X, --long <arg>" or "  --long" lines. The
# offscreen platform needs no display; --help prints before the root check.
help=$(QT_QPA_PLATFORM=offscreen "$ROOT/bin/packetlens" --help 2>/dev/null)
documents packetlens "packetlens --help" \
    "$(echo "$help" | sed -n 's/^  \(-[-A-Za-z]*\).*/\1/p' | grep -v -- '^--help-all$')"
finish
