# shellcheck shell=bash
# How the benchmarks build the binaries they need when --build DIR lacks them (sourced by
# bench/run.sh, bench/livecapture.sh and bench/guilatency.sh; not run on its own).

# build_targets REPO DIR LOG TARGET...: build the CMake TARGETs in DIR, all output to the file
# LOG. The repository's own build/release (REPO/build/release) is configured and built with the
# release preset; any other DIR must be a configured CMake build directory, else nothing is built
# and LOG says so. Never fails: the caller looks for its binaries afterwards.
build_targets() {
    local repo=$1 build=$2 log=$3
    shift 3
    if [[ $build == "$repo/build/release" ]]; then
        (cd "$repo" && cmake --preset release && cmake --build --preset release --target "$@") \
            >"$log" 2>&1 || true
    elif [[ -f $build/CMakeCache.txt ]]; then
        cmake --build "$build" --target "$@" >"$log" 2>&1 || true
    else
        echo "$build is not a configured CMake build directory" >"$log"
    fi
}
