#!/usr/bin/env bash
# The main job on real input: a store in a temporary folder, the machine's Mozilla roots imported into
# prod (the invalid ones skipped with their reasons), an internal CA for a payments API on 127.0.0.1 whose
# server sends only its leaf: Python requests fails with the prod bundle, truststore explains why, the
# intermediate is added with a reason, the export is redone, the request succeeds; then the history.
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

step "3. an internal PKI (made now with the openssl CLI): a root, an intermediate, and a server leaf for 127.0.0.1"
mkcert() { # name subject extensions [issuer]
    local name="$1" subj="$2" ext="$3" issuer="${4:-}"
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$work/$name.key" -subj "$subj" \
        -out "$work/$name.csr" 2>/dev/null
    printf '%b\n' "$ext" > "$work/$name.ext"
    if [ -z "$issuer" ]; then
        openssl x509 -req -in "$work/$name.csr" -signkey "$work/$name.key" -days 3650 -extfile "$work/$name.ext" \
            -out "$work/$name.pem" 2>/dev/null
    else
        openssl x509 -req -in "$work/$name.csr" -CA "$work/$issuer.pem" -CAkey "$work/$issuer.key" -CAcreateserial \
            -days 825 -extfile "$work/$name.ext" -out "$work/$name.pem" 2>/dev/null
    fi
}
ca_ext='keyUsage=critical,keyCertSign,cRLSign\nsubjectKeyIdentifier=hash'
mkcert internal-root "/O=Example Corp/CN=Example Internal Root CA" "basicConstraints=critical,CA:TRUE\n$ca_ext"
mkcert internal-int "/O=Example Corp/CN=Example Payments CA" \
    "basicConstraints=critical,CA:TRUE,pathlen:0\n$ca_ext\nauthorityKeyIdentifier=keyid" internal-root
mkcert payments "/CN=payments.internal" \
    "basicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:127.0.0.1,DNS:localhost\nauthorityKeyIdentifier=keyid" \
    internal-int
show "$ts" add "$work/internal-root.pem" --env prod --reason "payments API uses the internal CA" --source "pki team, ticket PKI-42"
show "$ts" add "$work/internal-int.pem" "$work/internal-root.pem" --env dev --reason "dev services use the internal CA"

step "4. the payments API on 127.0.0.1 sends only its leaf: Python requests fails with the prod bundle"
port="$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')"
openssl s_server -accept "127.0.0.1:$port" -cert "$work/payments.pem" -key "$work/payments.key" -www -quiet \
    >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 50); do (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && break; sleep 0.1; done
request() {
    python3 - "$1" "$port" <<'PY'
import sys, requests
try:
    r = requests.get(f"https://127.0.0.1:{sys.argv[2]}/", verify=sys.argv[1], timeout=10)
    print(f"requests: HTTP {r.status_code}")
except requests.exceptions.SSLError as e:
    print("requests:", str(e).split("(Caused by")[-1].strip(" )"))
    sys.exit(1)
PY
}
show "$ts" export prod -o "$work/ca.pem"
request "$work/ca.pem" || true
echo "what is wrong, from the server and from truststore:"
"$ts" fetch "127.0.0.1:$port" --env prod >/dev/null || true
"$ts" verify --env prod "$work/payments.pem" --host 127.0.0.1 || true

step "5. take in the missing intermediate, with a reason, re-export: the same request succeeds"
show "$ts" add "$work/internal-int.pem" --env prod --reason "payments API serves a leaf-only chain" --source "pki team"
show "$ts" export prod -o "$work/ca.pem" --overwrite
request "$work/ca.pem"
show curl -sS -o /dev/null -w 'curl: HTTP %{http_code}\n' --cacert "$work/ca.pem" "https://127.0.0.1:$port/"

step "6. a private key is refused loudly, and nothing is stored"
cat "$work/internal-root.pem" "$work/internal-root.key" > "$work/root-with-key.pem"
"$ts" add "$work/root-with-key.pem" --env dev --reason "oops" && exit 1 || echo "(exit $?; the store is unchanged: $(git status --porcelain | wc -l) changed files)"

step "7. the prod bundle: public roots and the internal CA, checked with OpenSSL; --include-system for clients that also reach public sites"
show "$ts" export prod -o "$work/prod.pem"
echo "certificates in the bundle: $(grep -c 'BEGIN CERTIFICATE' "$work/prod.pem")"
show openssl verify -no-CApath -no-CAstore -CAfile "$work/prod.pem" "$work/payments.pem"
"$ts" export prod > "$work/prod-again.pem" 2>/dev/null
cmp "$work/prod.pem" "$work/prod-again.pem" && echo "a second export is byte-identical"
"$ts" export prod --include-system -o "$work/prod-and-system.pem"
show "$ts" check --env prod --warn-days 90

step "8. who changed trust, when and why"
"$ts" log --env prod > "$work/log.txt"
sed -n 1,12p "$work/log.txt"
echo "..."
show "$ts" list --env dev
show git log --oneline

echo
echo "the demo store is in $work/store (remove it with: rm -rf $work)"
