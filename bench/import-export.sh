#!/usr/bin/env bash
# Benchmark truststore's import (add) and export against the Debian/p11-kit
# tools that do the same job on this machine:
#
#   import: truststore add ca-certificates.crt --env prod --skip-invalid --at T
#           (into an empty prod of a fresh store, every run)
#       vs. update-ca-certificates --fresh (run into a temporary copy of its
#           input and output trees; the real /etc/ssl/certs is not touched)
#   export: truststore export prod (the environment imported above)
#       vs. trust extract --format=pem-bundle --filter=ca-anchors
#           --purpose=server-auth --overwrite OUT
#
# Spec targets: import <= 0.1 x update-ca-certificates --fresh,
#               export <= 0.5 x trust extract.
# A MISS is reported, not an error: the script exits 0 unless the benchmark
# itself could not run.
#
# Environment:
#   TRUSTSTORE_BIN  truststore binary to use (default: build the release binary
#                   with `swift build -c release` in the package root)
#   IMPORT_RUNS     timed runs per import command (default 10, minimum 10)
#   EXPORT_RUNS     timed runs per export command (default 30, minimum 30)
#   IMPORT_WARMUP   warmup runs per import command (default 2)
#   EXPORT_WARMUP   warmup runs per export command (default 5)
#   BENCH_AT        --at time for add (default: now, rounded down to the hour, UTC)
#   BENCH_NO_HYPERFINE=1  use the bash/date loop even when hyperfine exists
#   UCC_MODE        how to redirect update-ca-certificates: "options" (its own
#                   --certsconf/--certsdir/... flags, used when it has them) or
#                   "rewrite" (a copy of the script with its path variables
#                   rewritten). Default: options when supported, else rewrite.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"
PKG_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
[[ -f "$PKG_ROOT/Package.swift" ]] || die "no Package.swift in $PKG_ROOT"

IMPORT_RUNS="${IMPORT_RUNS:-10}"
EXPORT_RUNS="${EXPORT_RUNS:-30}"
IMPORT_WARMUP="${IMPORT_WARMUP:-2}"
EXPORT_WARMUP="${EXPORT_WARMUP:-5}"
(( IMPORT_RUNS >= 10 )) || die "IMPORT_RUNS must be at least 10"
(( EXPORT_RUNS >= 30 )) || die "EXPORT_RUNS must be at least 30"

IMPORT_TARGET=0.1
EXPORT_TARGET=0.5

UCC=/usr/sbin/update-ca-certificates
SYSTEM_BUNDLE=/etc/ssl/certs/ca-certificates.crt

# --- prerequisites -----------------------------------------------------------

is_root() { [[ "$(id -u)" == 0 ]]; }

apt_install() { # pkg...
    is_root && command -v apt-get >/dev/null || return 1
    log "installing $* with apt-get"
    export DEBIAN_FRONTEND=noninteractive
    apt-get install -y "$@" >&2 || { apt-get update >&2 && apt-get install -y "$@" >&2; }
}

if [[ ! -x "$UCC" || ! -s "$SYSTEM_BUNDLE" ]]; then
    apt_install ca-certificates || die "ca-certificates is not installed (need root to apt-get install it)"
fi
[[ -x "$UCC" && -s "$SYSTEM_BUNDLE" ]] || die "ca-certificates did not provide $UCC and $SYSTEM_BUNDLE"
if ! command -v trust >/dev/null; then
    apt_install p11-kit || die "p11-kit (trust) is not installed (need root to apt-get install it)"
fi
command -v trust >/dev/null || die "p11-kit did not provide trust"
command -v openssl >/dev/null || die "openssl is needed by update-ca-certificates"

USE_HYPERFINE=0
if [[ "${BENCH_NO_HYPERFINE:-0}" != 1 ]]; then
    if ! command -v hyperfine >/dev/null; then
        apt_install hyperfine || log "hyperfine unavailable; falling back to a bash loop with date +%s%N"
    fi
    command -v hyperfine >/dev/null && USE_HYPERFINE=1
fi

if command -v python3 >/dev/null; then JSON_TOOL=python3
elif command -v jq >/dev/null; then JSON_TOOL=jq
else
    apt_install jq || die "need python3 or jq to read the benchmark JSON"
    JSON_TOOL=jq
fi

# --- truststore binary -------------------------------------------------------

BIN="$(bench_truststore_bin "$PKG_ROOT")"
export TRUSTSTORE_SHARE_DIR="$PKG_ROOT"

AT="${BENCH_AT:-$(date -u +%Y-%m-%dT%H:00:00Z)}"

# --- work area ---------------------------------------------------------------

WORK="$(mktemp -d "${TMPDIR:-/tmp}/truststore-bench.XXXXXX")"
cleanup() { rm -rf "$WORK"; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# Time a private copy of the binary: a rebuild of the package while the
# benchmark runs (other sessions, editors) must not swap it mid-measurement.
BIN_ORIG="$BIN"
BIN="$WORK/bin/truststore"
mkdir -p "$WORK/bin"
BIN_BUILT="$(date -u -r "$BIN_ORIG" +%Y-%m-%dT%H:%M:%SZ)"
cp "$BIN_ORIG" "$BIN"
export BENCH_BIN="$BIN" BENCH_WORK="$WORK"

count_certs() { grep -c -- '-----BEGIN CERTIFICATE-----' "$1" || true; }

# Fingerprint of the real /etc/ssl/certs (names, link targets, mtimes, content
# of the bundle) to prove afterwards that the benchmark left it alone.
etc_snapshot() {
    { find /etc/ssl/certs -printf '%p|%l|%T@\n' | sort; sha256sum "$SYSTEM_BUNDLE"; } | sha256sum
}
ETC_BEFORE="$(etc_snapshot)"

# --- update-ca-certificates in a temporary tree ------------------------------

UROOT="$WORK/ucc"
U_CONF="$UROOT/etc/ca-certificates.conf"
U_CERTS="$UROOT/usr/share/ca-certificates"
U_LOCAL="$UROOT/usr/local/share/ca-certificates"
U_ETC="$UROOT/etc/ssl/certs"
U_HOOKS="$UROOT/etc/ca-certificates/update.d"
mkdir -p "$UROOT/etc/ssl" "$UROOT/usr/share" "$UROOT/usr/local/share" "$U_HOOKS"
cp -a /etc/ca-certificates.conf "$U_CONF"
cp -a /usr/share/ca-certificates "$U_CERTS"
if [[ -d /usr/local/share/ca-certificates ]]; then
    cp -a /usr/local/share/ca-certificates "$U_LOCAL"
else
    mkdir -p "$U_LOCAL"
fi
cp -a /etc/ssl/certs "$U_ETC"
rm -f "$U_ETC/ca-certificates.crt" # so that its presence proves the run wrote it

UCC_MODE="${UCC_MODE:-}"
if [[ -z "$UCC_MODE" ]]; then
    if grep -q -- '--etccertsdir)' "$UCC" && grep -q -- '--hooksdir)' "$UCC"; then
        UCC_MODE=options
    else
        UCC_MODE=rewrite
    fi
fi
case "$UCC_MODE" in
options)
    UCC_CMD=("$UCC" --fresh --certsconf "$U_CONF" --certsdir "$U_CERTS"
             --localcertsdir "$U_LOCAL" --etccertsdir "$U_ETC" --hooksdir "$U_HOOKS")
    ;;
rewrite)
    UCC_COPY="$WORK/update-ca-certificates"
    sed -e "s|^CERTSCONF=.*|CERTSCONF=$U_CONF|" \
        -e "s|^CERTSDIR=.*|CERTSDIR=$U_CERTS|" \
        -e "s|^LOCALCERTSDIR=.*|LOCALCERTSDIR=$U_LOCAL|" \
        -e "s|^ETCCERTSDIR=.*|ETCCERTSDIR=$U_ETC|" \
        -e "s|^HOOKSDIR=.*|HOOKSDIR=$U_HOOKS|" \
        "$UCC" >"$UCC_COPY"
    chmod 0755 "$UCC_COPY"
    for v in "CERTSCONF=$U_CONF" "CERTSDIR=$U_CERTS" "LOCALCERTSDIR=$U_LOCAL" \
             "ETCCERTSDIR=$U_ETC" "HOOKSDIR=$U_HOOKS"; do
        grep -qx -- "$v" "$UCC_COPY" || die "could not rewrite ${v%%=*} in the copy of $UCC"
    done
    UCC_CMD=("$UCC_COPY" --fresh)
    ;;
*) die "UCC_MODE must be options or rewrite" ;;
esac

# Priming run, untimed: re-points the copied symlinks at the temporary
# /usr/share copy, so every timed --fresh run does the same full work.
log "priming update-ca-certificates in $UROOT ($UCC_MODE)"
"${UCC_CMD[@]}" >"$WORK/ucc-prime.log" 2>&1 || { cat "$WORK/ucc-prime.log" >&2; die "update-ca-certificates failed"; }
[[ -s "$U_ETC/ca-certificates.crt" ]] || die "update-ca-certificates did not write $U_ETC/ca-certificates.crt"
if find "$U_ETC" -maxdepth 1 -name '*.pem' -type l -lname '/usr/share/*' | grep -q .; then
    die "temporary $U_ETC still links into the real /usr/share/ca-certificates"
fi
[[ "$(etc_snapshot)" == "$ETC_BEFORE" ]] || die "the real /etc/ssl/certs changed during the priming run"
touch "$WORK/ucc-stamp"
sleep 1 # so a later bundle has a strictly newer mtime than the stamp

# --- truststore stores -------------------------------------------------------

cat >"$WORK/fresh-store.sh" <<'EOF'
#!/usr/bin/env bash
# Untimed: a freshly initialised store with an empty prod environment.
set -euo pipefail
rm -rf "$BENCH_WORK/add-store"
"$BENCH_BIN" init "$BENCH_WORK/add-store" --no-hooks --author "$TRUSTSTORE_AUTHOR" >/dev/null
# Flush the previous run's writes, so a run is not charged for its predecessor's writeback.
sync
EOF
cat >"$WORK/cold-export.sh" <<'EOF'
#!/usr/bin/env bash
# Untimed: drop export's local cache, so the timed export parses every certificate again.
set -euo pipefail
rm -rf "$BENCH_WORK/export-store/.git/truststore/export-cache"
sync
EOF
chmod 0755 "$WORK/cold-export.sh"
chmod 0755 "$WORK/fresh-store.sh"

ADD_ARGS=(add --store "$WORK/add-store" "$SYSTEM_BUNDLE" --env prod --skip-invalid --at "$AT")

# The store that export reads: one import, made once.
EXPORT_STORE="$WORK/export-store"
"$BIN" init "$EXPORT_STORE" --no-hooks --author "$TRUSTSTORE_AUTHOR" >/dev/null
"$BIN" add --store "$EXPORT_STORE" "$SYSTEM_BUNDLE" --env prod --skip-invalid --at "$AT" \
    >"$WORK/add.out" 2>"$WORK/add.err" || { cat "$WORK/add.err" >&2; die "truststore add failed"; }
EXPORT_ARGS=(export --store "$EXPORT_STORE" prod)
TRUST_OUT="$WORK/trust-extract.pem"
TRUST_CMD=(trust extract --format=pem-bundle --filter=ca-anchors --purpose=server-auth --overwrite "$TRUST_OUT")

# --- measuring ---------------------------------------------------------------

quote() { local out="" a; for a in "$@"; do out+="${out:+ }$(printf '%q' "$a")"; done; printf '%s' "$out"; }

# bench NAME RUNS WARMUP PREPARE(quoted, or "") CMD...  -> $WORK/NAME.json
bench() {
    local name="$1" runs="$2" warmup="$3" prepare="$4"; shift 4
    local json="$WORK/$name.json"
    log "benchmarking $name: $(quote "$@")"
    if (( USE_HYPERFINE )); then
        local hf=(hyperfine -N --style basic --runs "$runs" --warmup "$warmup"
                  --command-name "$name" --export-json "$json")
        [[ -n "$prepare" ]] && hf+=(--prepare "$prepare")
        "${hf[@]}" "$(quote "$@")" >&2
    else
        local i t0 t1 times=()
        local err="$WORK/$name.stderr" rc
        for (( i = 0; i < warmup + runs; i++ )); do
            if [[ -n "$prepare" ]]; then bash -c "$prepare"; fi
            t0=$(date +%s%N)
            rc=0; "$@" >/dev/null 2>"$err" || rc=$?
            t1=$(date +%s%N)
            if (( rc != 0 )); then
                cat "$err" >&2
                die "$name failed with exit status $rc (run $(( i + 1 )), counting $warmup warmup runs)"
            fi
            (( i < warmup )) || times+=("$(( t1 - t0 ))")
        done
        printf '%s\n' "${times[@]}" | awk -v name="$name" '
            { t[NR] = $1 / 1e9; s += t[NR] }
            END {
                m = s / NR; for (i = 1; i <= NR; i++) v += (t[i] - m) ^ 2
                sd = NR > 1 ? sqrt(v / (NR - 1)) : 0
                printf "{\"results\":[{\"command\":\"%s\",\"mean\":%.9f,\"stddev\":%.9f,\"times\":[", name, m, sd
                for (i = 1; i <= NR; i++) printf "%s%.9f", (i > 1 ? "," : ""), t[i]
                printf "]}]}\n"
            }' >"$json"
        sed 's/,"times".*//' "$json" >&2
    fi
}

# stats NAME -> "mean_ms stddev_ms min_ms max_ms"
stats() {
    local json="$WORK/$1.json"
    if [[ "$JSON_TOOL" == python3 ]]; then
        python3 - "$json" <<'EOF'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = r["times"]
print("%.1f %.1f %.1f %.1f" % (r["mean"] * 1e3, (r.get("stddev") or 0) * 1e3, min(t) * 1e3, max(t) * 1e3))
EOF
    else
        jq -r '.results[0] | "\(.mean*1000) \((.stddev // 0)*1000) \(.times|min*1000) \(.times|max*1000)"' "$json" |
            awk '{printf "%.1f %.1f %.1f %.1f\n", $1, $2, $3, $4}'
    fi
}

bench truststore-add "$IMPORT_RUNS" "$IMPORT_WARMUP" "$(quote "$WORK/fresh-store.sh")" "$BIN" "${ADD_ARGS[@]}"
bench update-ca-certificates "$IMPORT_RUNS" "$IMPORT_WARMUP" "sync" "${UCC_CMD[@]}"
bench truststore-export "$EXPORT_RUNS" "$EXPORT_WARMUP" "" "$BIN" "${EXPORT_ARGS[@]}"
bench truststore-export-cold "$IMPORT_RUNS" 1 "$(quote "$WORK/cold-export.sh")" "$BIN" "${EXPORT_ARGS[@]}"
bench trust-extract "$EXPORT_RUNS" "$EXPORT_WARMUP" "" "${TRUST_CMD[@]}"

# --- checks and counts -------------------------------------------------------

[[ "$U_ETC/ca-certificates.crt" -nt "$WORK/ucc-stamp" ]] ||
    die "the timed update-ca-certificates runs did not rewrite $U_ETC/ca-certificates.crt"
[[ "$(etc_snapshot)" == "$ETC_BEFORE" ]] || die "the real /etc/ssl/certs changed during the benchmark"

"$BIN" export --store "$EXPORT_STORE" prod >"$WORK/export.pem" 2>"$WORK/export.err"
"${TRUST_CMD[@]}"

N_INPUT=$(count_certs "$SYSTEM_BUNDLE")
N_UCC=$(count_certs "$U_ETC/ca-certificates.crt")
N_EXPORT=$(count_certs "$WORK/export.pem")
N_TRUST=$(count_certs "$TRUST_OUT")
N_LISTED=$("$BIN" list --store "$EXPORT_STORE" --env prod | grep -c . || true)
ADD_SUMMARY=$(grep -E '^prod: ' "$WORK/add.out" | tail -1 || true)
N_SKIPPED=$(grep -c '^skipped ' "$WORK/add.err" || true)
N_LEFT_OUT=$(grep -c '^warning: left out' "$WORK/export.err" || true)
N_FRESH_ADD=$("$BIN" list --store "$WORK/add-store" --env prod | grep -c . || true)

# --- report ------------------------------------------------------------------

read -r ADD_MS ADD_SD ADD_MIN ADD_MAX < <(stats truststore-add)
read -r UCC_MS UCC_SD UCC_MIN UCC_MAX < <(stats update-ca-certificates)
read -r EXP_MS EXP_SD EXP_MIN EXP_MAX < <(stats truststore-export)
read -r TRX_MS TRX_SD TRX_MIN TRX_MAX < <(stats trust-extract)
read -r COLD_MS COLD_SD COLD_MIN COLD_MAX < <(stats truststore-export-cold)

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f", a / b }'; }
verdict() { awk -v r="$1" -v t="$2" 'BEGIN { print (r <= t ? "PASS" : "MISS") }'; }
IMPORT_RATIO=$(ratio "$ADD_MS" "$UCC_MS")
EXPORT_RATIO=$(ratio "$EXP_MS" "$TRX_MS")
COLD_RATIO=$(ratio "$COLD_MS" "$TRX_MS")

pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }

echo
echo "truststore import/export benchmark  ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "binary:     $BIN_ORIG (timed as a copy)"
echo "            version $("$BIN" --version 2>/dev/null || echo '?'), sha256 $(sha256sum "$BIN" | cut -c1-16), built $BIN_BUILT"
echo "timer:      $( (( USE_HYPERFINE )) && hyperfine --version || echo 'bash loop, date +%s%N')"
echo "reference:  ca-certificates $(pkgver ca-certificates), p11-kit $(pkgver p11-kit), $(openssl version | cut -d' ' -f1-2)"
echo "add --at:   $AT"
echo "ucc mode:   $UCC_MODE (temporary tree $UROOT, empty hooks dir; real /etc/ssl/certs unchanged: yes)"
echo
echo "certificates:"
printf '  %-52s %5s\n' "input bundle $SYSTEM_BUNDLE" "$N_INPUT"
printf '  %-52s %5s\n' "update-ca-certificates --fresh bundle (temp dir)" "$N_UCC"
printf '  %-52s %5s\n' "truststore add: imported into prod" "$N_LISTED"
printf '  %-52s %5s\n' "truststore add: skipped invalid" "$N_SKIPPED"
printf '  %-52s %5s\n' "truststore add (timed store, last run): in prod" "$N_FRESH_ADD"
printf '  %-52s %5s\n' "truststore export prod bundle" "$N_EXPORT"
printf '  %-52s %5s\n' "  (left out by export as not valid now)" "$N_LEFT_OUT"
printf '  %-52s %5s\n' "trust extract pem-bundle (ca-anchors, server-auth)" "$N_TRUST"
[[ -n "$ADD_SUMMARY" ]] && echo "  add said: $ADD_SUMMARY"
echo
printf '%-34s %5s %10s %9s %9s %9s\n' command runs "mean ms" "± ms" "min ms" "max ms"
printf '%-34s %5s %10s %9s %9s %9s\n' "truststore add (import)" "$IMPORT_RUNS" "$ADD_MS" "$ADD_SD" "$ADD_MIN" "$ADD_MAX"
printf '%-34s %5s %10s %9s %9s %9s\n' "update-ca-certificates --fresh" "$IMPORT_RUNS" "$UCC_MS" "$UCC_SD" "$UCC_MIN" "$UCC_MAX"
printf '%-34s %5s %10s %9s %9s %9s\n' "truststore export prod" "$EXPORT_RUNS" "$EXP_MS" "$EXP_SD" "$EXP_MIN" "$EXP_MAX"
printf '%-34s %5s %10s %9s %9s %9s\n' "truststore export prod, no cache" "$IMPORT_RUNS" "$COLD_MS" "$COLD_SD" "$COLD_MIN" "$COLD_MAX"
printf '%-34s %5s %10s %9s %9s %9s\n' "trust extract --format=pem-bundle" "$EXPORT_RUNS" "$TRX_MS" "$TRX_SD" "$TRX_MIN" "$TRX_MAX"
echo
printf '%-8s %-46s %8s %8s  %s\n' check "truststore / reference" ratio target result
printf '%-8s %-46s %8s %8s  %s\n' import "add / update-ca-certificates --fresh" "$IMPORT_RATIO" "≤ $IMPORT_TARGET" "$(verdict "$IMPORT_RATIO" "$IMPORT_TARGET")"
printf '%-8s %-46s %8s %8s  %s\n' export "export / trust extract" "$EXPORT_RATIO" "≤ $EXPORT_TARGET" "$(verdict "$EXPORT_RATIO" "$EXPORT_TARGET")"
printf '%-8s %-46s %8s %8s  %s\n' export "export without its cache / trust extract" "$COLD_RATIO" "(info)" "first export after a change"
