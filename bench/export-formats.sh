#!/usr/bin/env bash
# Benchmark (a report, not a test): `truststore export --format F` of an environment holding the machine's
# system roots (/etc/ssl/certs/ca-certificates.crt, imported with `add --skip-invalid`) against p11-kit's
# `trust extract --format=G --filter=ca-anchors --purpose=server-auth` of the same roots into the matching format,
# all in one run; then the time of each format for an environment holding cfssl's 339 roots and 1,263
# intermediates (bench/data/cfssl_trust), per certificate, to show the cost grows no faster than the count.
#
#   format                              p11-kit format        target
#   pem-bundle                          pem-bundle            ratio <= 0.5
#   pem-directory                       pem-directory         ratio <= 0.5
#   openssl-directory                   pem-directory-hash    ratio <= 0.5
#   openssl-directory --trusted-cert.   openssl-directory     ratio <= 0.5
#   der-directory                       x509-directory        ratio <= 0.5
#   java                                java-cacerts          ratio <= 0.5
#   pkcs7, json                         (none)                time only
#
# Every output is written to a file or directory (-o, replaced each run), as trust extract --overwrite does.
# The truststore runs are warm (hyperfine's warmup runs fill the export cache, as any export after the first).
# A MISS is reported, not an error: the script exits 0 unless the benchmark itself could not run.
#
#   bench/export-formats.sh                                    # builds the release binary first
#   TRUSTSTORE_BIN=.build-static/release/truststore bench/export-formats.sh
# Settings: RUNS (default 20), WARMUP (default 3), CFSSL_RUNS (default 10), BENCH_AT (default: now, to the hour).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
runs="${RUNS:-20}"
warmup="${WARMUP:-3}"
cfssl_runs="${CFSSL_RUNS:-10}"
at="${BENCH_AT:-$(date -u +%Y-%m-%dT%H:00:00Z)}"
system_bundle=/etc/ssl/certs/ca-certificates.crt
roots="$here/bench/data/cfssl_trust/ca-bundle.crt"
intermediates="$here/bench/data/cfssl_trust/int-bundle.crt"
target=0.5

[ -s "$system_bundle" ] || die "no system bundle $system_bundle (apt-get install ca-certificates)"
[ -s "$roots" ] && [ -s "$intermediates" ] || die "bench/data/cfssl_trust is missing"
command -v trust >/dev/null || die "p11-kit's trust is needed (apt-get install p11-kit)"
if ! command -v hyperfine >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq hyperfine >&2; else die "hyperfine is needed"; fi
fi
TRUSTSTORE_BIN="$(bench_truststore_bin "$here")"

work="$(mktemp -d "${TMPDIR:-/tmp}/truststore-bench-formats.XXXXXX")"
trap 'rm -rf "$work"' EXIT
# Time a private copy: a rebuild while the benchmark runs must not swap the binary mid-measurement.
cp "$TRUSTSTORE_BIN" "$work/truststore"
ts="$work/truststore"
export TRUSTSTORE_SHARE_DIR="$here"

# The system roots, imported as a user would (invalid ones skipped with their reasons).
"$ts" init "$work/system" --env prod --no-hooks >/dev/null
"$ts" add --store "$work/system" "$system_bundle" --env prod --skip-invalid --at "$at" >/dev/null 2>"$work/add.err" ||
    { cat "$work/add.err" >&2; die "truststore add failed"; }
n_system="$("$ts" list --store "$work/system" --env prod | grep -c . || true)"

# cfssl's roots and intermediates as they are, committed with plain git (as bench/verify.sh does): add would
# refuse the weak and the unchained ones, and the point here is the cost per certificate.
"$ts" init "$work/cfssl" --env prod --no-hooks >/dev/null
cp "$roots" "$work/cfssl/stores/prod/cfssl-ca-bundle.pem"
cp "$intermediates" "$work/cfssl/stores/prod/cfssl-int-bundle.pem"
git -C "$work/cfssl" add stores/prod
git -C "$work/cfssl" -c user.name=Bench -c user.email=bench@example.test commit -qm "cfssl bundles (benchmark)"

q() { printf '%q ' "$@"; }
# The truststore command of one format: "FORMAT [FLAGS]" -> export ... -o OUT
ts_cmd() { # store format-and-flags out
    local store="$1" spec="$2" out="$3"
    # shellcheck disable=SC2086
    q "$ts" export --store "$store" prod --at "$at" --format $spec -o "$out" --overwrite
}
p11_cmd() { # p11-format out
    q trust extract "--format=$1" --filter=ca-anchors --purpose=server-auth --overwrite "$2"
}

pairs=(
    "pem-bundle|pem-bundle"
    "pem-directory|pem-directory"
    "openssl-directory|pem-directory-hash"
    "openssl-directory --trusted-certificate|openssl-directory"
    "der-directory|x509-directory"
    "java|java-cacerts"
    "pkcs7|"
    "json|"
)

results=()
i=0
for pair in "${pairs[@]}"; do
    spec="${pair%%|*}" p11="${pair#*|}"
    i=$((i + 1))
    out_ts="$work/out-ts-$i" out_p11="$work/out-p11-$i"
    args=(-n "truststore $spec" "$(ts_cmd "$work/system" "$spec" "$out_ts")")
    [ -n "$p11" ] && args+=(-n "trust extract $p11" "$(p11_cmd "$p11" "$out_p11")")
    log "system roots: $spec${p11:+ vs trust extract --format=$p11}"
    hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/system-$i.json" "${args[@]}" >&2
    results+=("$work/system-$i.json|$spec|$p11|$out_ts|$out_p11")
done

# Directory formats into an empty directory each run (a first export: nothing to share with an earlier one).
fresh_results=()
i=0
for pair in "pem-directory|pem-directory" "openssl-directory|pem-directory-hash" "der-directory|x509-directory"; do
    spec="${pair%%|*}" p11="${pair#*|}"
    i=$((i + 1))
    out_ts="$work/fresh-ts-$i" out_p11="$work/fresh-p11-$i"
    log "system roots, empty target directory: $spec vs trust extract --format=$p11"
    hyperfine -N --style basic --warmup "$warmup" --runs "$runs" --export-json "$work/fresh-$i.json" \
        --prepare "rm -rf $(q "$out_ts") $(q "$out_p11")" \
        -n "truststore $spec" "$(ts_cmd "$work/system" "$spec" "$out_ts")" \
        -n "trust extract $p11" "$(p11_cmd "$p11" "$out_p11")" >&2
    fresh_results+=("$work/fresh-$i.json|$spec|$p11")
done

cfssl_results=()
i=0
for pair in "${pairs[@]}"; do
    spec="${pair%%|*}"
    i=$((i + 1))
    log "cfssl roots and intermediates: $spec"
    hyperfine -N --style basic --warmup 2 --runs "$cfssl_runs" --export-json "$work/cfssl-$i.json" \
        -n "truststore $spec" "$(ts_cmd "$work/cfssl" "$spec" "$work/cfssl-out-$i")" >&2
    cfssl_results+=("$work/cfssl-$i.json|$spec")
done
"$ts" export --store "$work/cfssl" prod --at "$at" -o "$work/cfssl.pem" --overwrite 2>/dev/null
n_cfssl="$(grep -c -- '-----BEGIN CERTIFICATE' "$work/cfssl.pem")"
"$ts" export --store "$work/system" prod --at "$at" -o "$work/system.pem" --overwrite 2>/dev/null
n_system_out="$(grep -c -- '-----BEGIN CERTIFICATE' "$work/system.pem")"
trust extract --format=pem-bundle --filter=ca-anchors --purpose=server-auth --overwrite "$work/p11.pem"
n_p11="$(grep -c -- '-----BEGIN CERTIFICATE' "$work/p11.pem")"

pkgver() { dpkg-query -W -f '${Version}' "$1" 2>/dev/null || echo '?'; }
echo
echo "truststore export formats benchmark  ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "binary:     $TRUSTSTORE_BIN (timed as a copy), version $("$ts" --version 2>/dev/null || echo '?')"
echo "reference:  p11-kit $(pkgver p11-kit), ca-certificates $(pkgver ca-certificates), $(openssl version | cut -d' ' -f1-2)"
echo "export at:  $at; runs $runs (cfssl $cfssl_runs), warmup $warmup"
echo "certificates: system roots in prod $n_system, exported $n_system_out; trust extract (ca-anchors, server-auth) $n_p11;"
echo "              cfssl environment exported $n_cfssl (339 roots + 1,263 intermediates, less those not valid at $at)"
echo
python3 - "$target" "$n_system_out" "$n_cfssl" "${results[@]}" -- "${cfssl_results[@]}" -- "${fresh_results[@]}" <<'PY'
import json, sys
target, n_sys, n_cfssl = float(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
rest = sys.argv[4:]
split = rest.index("--")
system, rest = rest[:split], rest[split + 1:]
split = rest.index("--")
cfssl, fresh = rest[:split], rest[split + 1:]
def load(path):
    return {r["command"]: r for r in json.load(open(path))["results"]}
print("%-40s %10s %-20s %10s %7s  %s" % ("truststore format (system roots)", "mean ms", "p11-kit format", "mean ms",
                                         "ratio", "target <= %.1f" % target))
per_cert_sys = {}
user_sys = {}
for item in system:
    path, spec, p11, _, _ = item.split("|")
    r = load(path)
    t = r["truststore " + spec]["mean"] * 1e3
    per_cert_sys[spec] = t / n_sys
    user_sys[spec] = r["truststore " + spec]["user"] * 1e3 / n_sys
    if p11:
        p = r["trust extract " + p11]["mean"] * 1e3
        ratio = t / p
        print("%-40s %10.1f %-20s %10.1f %7.3f  %s" % (spec, t, p11, p, ratio, "PASS" if ratio <= target else "FAIL"))
    else:
        print("%-40s %10.1f %-20s %10s %7s  %s" % (spec, t, "(none)", "-", "-", "time only"))
print("(directory formats above replace the previous run's directory; unchanged files are shared with it)")
print()
print("%-40s %10s %-20s %10s %7s  %s" % ("into an empty directory (system roots)", "mean ms", "p11-kit format",
                                         "mean ms", "ratio", "target <= %.1f" % target))
for item in fresh:
    path, spec, p11 = item.split("|")
    r = load(path)
    t = r["truststore " + spec]["mean"] * 1e3
    p = r["trust extract " + p11]["mean"] * 1e3
    print("%-40s %10.1f %-20s %10.1f %7.3f  %s" % (spec, t, p11, p, t / p, "PASS" if t / p <= target else "FAIL"))
print()
print("%-40s %9s %9s %11s %11s %8s %8s" % ("format (cfssl: %d certificates)" % n_cfssl, "mean ms", "user ms",
                                            "us per cert", "system us/c", "growth", "user gr."))
for item in cfssl:
    path, spec = item.split("|")
    r = load(path)["truststore " + spec]
    t = r["mean"] * 1e3
    per = t / n_cfssl * 1e3
    base = per_cert_sys[spec] * 1e3
    user_growth = (r["user"] * 1e3 / n_cfssl) / user_sys[spec]
    print("%-40s %9.1f %9.1f %11.1f %11.1f %7.2fx %7.2fx" % (spec, t, r["user"] * 1e3, per, base, per / base,
                                                             user_growth))
print()
print("growth: time per certificate in the cfssl environment / in the system-roots environment (<= 1: the cost")
print("grows no faster than the number of certificates; process start-up is spread over more certificates);")
print("user gr.: the same for user CPU time only (directory formats spend most of their time in the kernel creating")
print("and unlinking files, which varies with the file system's load).")
PY
