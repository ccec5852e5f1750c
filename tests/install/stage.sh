#!/bin/sh
# Fixture: `cmake --install` of the build tree into a fresh DESTDIR (prefix /usr), which the
# other install tests inspect.
. "$(dirname "$0")/common.sh"
rm -rf "$STAGE"
if ! DESTDIR="$STAGE" cmake --install "$BUILD_DIR" --prefix "$PREFIX" >"$STAGE.log" 2>&1; then
    cat "$STAGE.log" >&2
    fail "cmake --install into $STAGE failed"
fi
[ -x "$ROOT/bin/packetlens-cli" ] || fail "nothing usable was installed into $STAGE"
finish
