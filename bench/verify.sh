#!/usr/bin/env bash
# Benchmark (a report, not a test): `truststore verify` against an environment holding cfssl's 339 roots, with
# its 1,263 intermediates as --untrusted, against `openssl verify -no-CApath -no-CAstore -CAfile … -untrusted …`
# on the same input, in the same run. Target: at most 1.5 times OpenSSL's time per call.
#
#   bench/verify.sh                                  # builds the release binary first
#   TRUSTSTORE_BIN=.build/release/truststore bench/verify.sh
# Settings: RUNS (default 20), WARMUP (default 3).
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
data="$here/bench/data"
runs="${RUNS:-20}"
warmup="${WARMUP:-3}"
leaf="$data/stackoverflow.com-leaf.pem"
roots="$data/cfssl_trust/ca-bundle.crt"
intermediates="$data/cfssl_trust/int-bundle.crt"
at="2026-02-19T14:15:03Z"
at_epoch=1771510503

# shellcheck source=bench/lib.sh
source "$here/bench/lib.sh"
TRUSTSTORE_BIN="$(bench_truststore_bin "$here")"
if ! command -v hyperfine >/dev/null; then
    if [ "$(id -u)" = 0 ]; then apt-get install -y -qq hyperfine >&2; else echo "hyperfine is needed" >&2; exit 2; fi
fi

work="$(mktemp -d "${TMPDIR:-/tmp}/truststore-bench-verify.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cp "$TRUSTSTORE_BIN" "$work/truststore"
ts="$work/truststore"
export TRUSTSTORE_SHARE_DIR="$here"

# The environment holds all 339 roots as they are, weak and expired ones included, so both tools see the same
# anchors: the bundle is committed with plain git as one file, which truststore reads like any other.
"$ts" init "$work/store" --env prod >/dev/null
cp "$roots" "$work/store/stores/prod/cfssl-ca-bundle.pem"
git -C "$work/store" add stores/prod/cfssl-ca-bundle.pem
git -C "$work/store" -c user.name=Bench -c user.email=bench@example.test commit -qm "cfssl ca-bundle (benchmark)"
in_env="$("$ts" list --store "$work/store" --env prod | wc -l)"

truststore_cmd=("$ts" verify --store "$work/store" --env prod "$leaf" --untrusted "$intermediates"
    --host stackoverflow.com --at "$at")
openssl_cmd=(openssl verify -no-CApath -no-CAstore -CAfile "$roots" -untrusted "$intermediates"
    -attime "$at_epoch" -purpose sslserver -verify_hostname stackoverflow.com -auth_level 2 "$leaf")

echo "== both must accept the path:" >&2
"${truststore_cmd[@]}" >&2
"${openssl_cmd[@]}" >&2

hyperfine -N --warmup "$warmup" --runs "$runs" --export-json "$work/verify.json" \
    -n "truststore verify" "$(printf '%q ' "${truststore_cmd[@]}")" \
    -n "openssl verify" "$(printf '%q ' "${openssl_cmd[@]}")" >&2

python3 - "$work/verify.json" "$in_env" "$(grep -c 'BEGIN CERTIFICATE' "$intermediates")" <<'PY'
import json, sys
results = {r["command"]: r for r in json.load(open(sys.argv[1]))["results"]}
ts, ossl = results["truststore verify"], results["openssl verify"]
ratio = ts["mean"] / ossl["mean"]
print(f"verify benchmark: {sys.argv[2]} roots in the environment, {sys.argv[3]} untrusted intermediates, "
      "leaf stackoverflow.com at 2026-02-19T14:15:03Z")
print(f"{'command':<22}{'runs':>6}{'mean ms':>10}{'± ms':>8}")
for name, r in (("truststore verify", ts), ("openssl verify", ossl)):
    print(f"{name:<22}{len(r['times']):>6}{r['mean'] * 1000:>10.1f}{r['stddev'] * 1000:>8.1f}")
print(f"ratio truststore / openssl: {ratio:.2f}  (target <= 1.5: {'PASS' if ratio <= 1.5 else 'MISS'})")
PY
