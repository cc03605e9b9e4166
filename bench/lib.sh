# Shared by the benchmark scripts (sourced, not run): messages, and the truststore binary under test.

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'error: %s\n' "$*" >&2; exit 2; }

# bench_truststore_bin PKG_ROOT: prints the absolute path of the truststore binary to time: $TRUSTSTORE_BIN, else
# a release build of the package (built now). Exports the environment every benchmark run uses: the package as
# TRUSTSTORE_SHARE_DIR (init's template), a fixed author, and no TRUSTSTORE_DIR from the caller.
bench_truststore_bin() {
    local root="$1" bin="${TRUSTSTORE_BIN:-}"
    if [[ -z "$bin" ]]; then
        command -v swift >/dev/null || die "swift not found; set TRUSTSTORE_BIN"
        log "building the release binary (swift build -c release) in $root"
        (cd "$root" && swift build -c release >&2)
        bin="$(cd "$root" && swift build -c release --show-bin-path)/truststore"
    fi
    [[ -x "$bin" ]] || die "truststore binary not executable: $bin"
    printf '%s\n' "$(cd "$(dirname "$bin")" && pwd)/$(basename "$bin")"
}

export TRUSTSTORE_AUTHOR="Bench <bench@example.test>"
unset TRUSTSTORE_DIR
