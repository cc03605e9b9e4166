#!/usr/bin/env bash
# The main job on real input: a store in a temporary folder, the machine's Mozilla roots imported into
# prod (the invalid ones skipped with their reasons), an internal root and intermediate added to dev,
# prod exported as a bundle and checked with OpenSSL, and the history shown.
# Run through `make demo`, or with TRUSTSTORE_BIN=/path/to/truststore bash docs/demo.sh.
set -euo pipefail

here="$(cd "$(dirname "$0")/.." && pwd)"
ts="${TRUSTSTORE_BIN:-$here/.build/release/truststore}"
system_bundle="${SYSTEM_BUNDLE:-/etc/ssl/certs/ca-certificates.crt}"
work="$(mktemp -d "${TMPDIR:-/tmp}/truststore-demo.XXXXXX")"
export TRUSTSTORE_SHARE_DIR="$here"
export TRUSTSTORE_AUTHOR="${TRUSTSTORE_AUTHOR:-Demo User <demo@example.test>}"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ %s\n' "$*"; "$@"; }

step "1. a new store with the default environments"
show "$ts" init "$work/store"
cd "$work/store"

step "2. import the machine's Mozilla roots ($system_bundle) into prod; invalid ones are skipped, with reasons"
show "$ts" add "$system_bundle" --env prod --skip-invalid \
    --reason "baseline: Debian's Mozilla roots" --source "debian ca-certificates $(dpkg-query -W -f='${Version}' ca-certificates 2>/dev/null || echo unknown)" \
    > "$work/import.txt"
grep -v '^added ' "$work/import.txt" || true
echo "($(grep -c '^added ' "$work/import.txt") 'added' lines in $work/import.txt)"

step "3. an internal root and intermediate for dev (made now with the openssl CLI)"
openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/internal-root.key" \
    -subj "/O=Example Corp/CN=Example Internal Root CA" -days 3650 -out "$work/internal-root.pem" \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign,cRLSign" 2>/dev/null
openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/internal-int.key" \
    -subj "/O=Example Corp/CN=Example Internal Services CA" -out "$work/internal-int.csr" 2>/dev/null
printf 'basicConstraints=critical,CA:TRUE,pathlen:0\nkeyUsage=critical,keyCertSign,cRLSign\n' > "$work/int.ext"
openssl x509 -req -in "$work/internal-int.csr" -CA "$work/internal-root.pem" -CAkey "$work/internal-root.key" \
    -CAcreateserial -days 1825 -extfile "$work/int.ext" -out "$work/internal-int.pem" 2>/dev/null
show "$ts" add "$work/internal-int.pem" "$work/internal-root.pem" --env dev \
    --reason "dev services use the internal CA" --source "pki team, ticket PKI-42"

step "4. a private key is refused loudly, and nothing is stored"
cat "$work/internal-root.pem" "$work/internal-root.key" > "$work/root-with-key.pem"
"$ts" add "$work/root-with-key.pem" --env dev --reason "oops" && exit 1 || echo "(exit $?; the store is unchanged: $(git status --porcelain | wc -l) changed files)"

step "5. export prod as a PEM bundle and check it with OpenSSL"
show "$ts" export prod -o "$work/prod.pem"
echo "certificates in the bundle: $(grep -c 'BEGIN CERTIFICATE' "$work/prod.pem")"
first_root="$(awk '/BEGIN CERTIFICATE/{p=1} p{print} /END CERTIFICATE/{exit}' "$work/prod.pem")"
printf '%s\n' "$first_root" > "$work/first.pem"
show openssl verify -no-CApath -no-CAstore -CAfile "$work/prod.pem" "$work/first.pem"
"$ts" export prod > "$work/prod-again.pem"
cmp "$work/prod.pem" "$work/prod-again.pem" && echo "a second export is byte-identical"

step "6. who changed trust, when and why"
show "$ts" log --env dev
"$ts" log --env prod | head -8
echo "..."
show "$ts" list --env dev
show git log --oneline

echo
echo "the demo store is in $work/store (remove it with: rm -rf $work)"
