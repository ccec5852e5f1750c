# Shared by the tests/install scripts (sourced, POSIX sh). Exit status 77 is ctest's skip.
# Environment from tests/install/CMakeLists.txt: BUILD_DIR, SOURCE_DIR, STAGE (the DESTDIR the
# install/stage fixture filled, prefix /usr), SANITIZE (ON/OFF), PREFIX (/usr).

failures=0

fail() {
    echo "FAIL: $*" >&2
    failures=$((failures + 1))
}

pass() {
    echo "ok: $*"
}

skip() {
    echo "SKIP: $*"
    exit 77
}

# A note for a part of a test that cannot run here; the rest of the test still counts.
skip_part() {
    echo "SKIP (part): $*"
}

finish() {
    if [ "$failures" -ne 0 ]; then
        echo "$failures check(s) failed" >&2
        exit 1
    fi
    echo "all checks passed"
    exit 0
}

have() {
    command -v "$1" >/dev/null 2>&1
}

# check_mode PATH MODE: the file exists with exactly this octal mode.
check_mode() {
    if [ ! -e "$1" ]; then
        fail "missing: $1"
        return
    fi
    mode=$(stat -c %a "$1")
    if [ "$mode" = "$2" ]; then
        pass "$1 mode $mode"
    else
        fail "$1 has mode $mode, expected $2"
    fi
}

# contains FILE TEXT WHAT: FILE holds the fixed string TEXT.
contains() {
    if grep -qF -- "$2" "$1"; then
        pass "$3"
    else
        fail "$3: \"$2\" not in $1"
    fi
}

APP_ID=org.packetlens.PacketLens
ROOT="$STAGE$PREFIX"
HELPER_REL=libexec/packetlens/packetlens-capture
