#!/usr/bin/env bash
# Benchmark (a report, not a test): truststore's history commands on a store with a long history.
#
# Builds a store whose prod environment went through COMMITS (default 10,000) single-certificate trust
# changes, then measures in one run:
#
#   log    truststore log (text; warm: its cache of parsed certificates filled)      target < 1 s
#          truststore log --format json (warm), and log without its cache (cold)      (reported)
#   blame  truststore blame SHA256 of one root at HEAD, added 19 times (warm)          target < 0.2 s
#   add    truststore add of one new root into that store, against the same add into
#          a store of 10 commits with the same tree at HEAD                          target ratio <= 1.5
#
# and prints how long building the history took and the repository's size. For reference it also times
# `git log --raw -- stores/` (plain git walking the same commits with their tree differences).
#
# The history is made without truststore's add: a pool of POOL distinct EC P-256 roots (python3
# `cryptography`) is rendered once by `truststore add` into a scratch store, so the files are exactly what
# truststore writes (canonical name `stores/prod/<slug>_<16 hex of sha256>.pem`, `# Subject:` … header);
# then a `git fast-import` stream on top of a `truststore init --env prod` commit adds or removes one of
# those files per commit, with truststore's subject line, body and Truststore-* trailers (Action,
# Environment, Certificate, Reason, Source, Validated-At), four rotating authors and increasing dates.
# The first PRESENT commits add; after that removals of a random present root and additions of a random
# absent one alternate (seeded), so prod holds about PRESENT roots at every commit and the trees almost
# never repeat. The 10-commit store reaches the same HEAD tree in 9 commits (one bulk add, then remove/add
# of one root four times). The benchmark uses the git CLI to build and reset stores; truststore never does.
#
#   bench/history.sh                                          # builds the release binary first
#   TRUSTSTORE_BIN=.build/release/truststore bench/history.sh
#
# Settings (environment): COMMITS (10000), POOL (200), PRESENT (100), LOG_RUNS (5), RUNS (10, blame and
# add), WARMUP (2; at least 1), BENCH_AT (--at of the timed add; default now, rounded down to the hour).
# A MISS is reported, not an error: the script exits 0 unless the benchmark itself could not run.
set -euo pipefail

SCRIPT_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
# shellcheck source=bench/lib.sh
source "$SCRIPT_DIR/lib.sh"
PKG_ROOT="$(cd "$SCRIPT_DIR/.." && pwd)"
[[ -f "$PKG_ROOT/Package.swift" ]] || die "no Package.swift in $PKG_ROOT"

COMMITS="${COMMITS:-10000}"
POOL="${POOL:-200}"
PRESENT="${PRESENT:-100}"
LOG_RUNS="${LOG_RUNS:-5}"
RUNS="${RUNS:-10}"
WARMUP="${WARMUP:-2}"
(( LOG_RUNS >= 5 && RUNS >= 5 )) || die "LOG_RUNS and RUNS must be at least 5"
(( WARMUP >= 1 )) || die "WARMUP must be at least 1"
(( PRESENT >= 2 && PRESENT < POOL && POOL <= 999 )) || die "need 2 <= PRESENT < POOL <= 999"
(( COMMITS >= PRESENT + 1 )) || die "COMMITS must be larger than PRESENT"

LOG_TARGET=1.0     # seconds
BLAME_TARGET=0.2   # seconds
ADD_TARGET=1.5     # ratio
SMALL_COMMITS=10

# --- prerequisites -----------------------------------------------------------

if ! command -v hyperfine >/dev/null; then
    if [[ "$(id -u)" == 0 ]] && command -v apt-get >/dev/null; then
        log "installing hyperfine with apt-get"
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >&2 ||
            { apt-get update -qq >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq hyperfine >&2; }
    fi
fi
command -v hyperfine >/dev/null || die "hyperfine is needed"
command -v git >/dev/null || die "git is needed (fast-import builds the history; reset restores the stores)"
command -v python3 >/dev/null || die "python3 is needed"
python3 -c 'import cryptography' 2>/dev/null ||
    die "python3 'cryptography' is needed to make the certificate pool (pip install cryptography)"

# --- truststore binary -------------------------------------------------------

BIN="$(bench_truststore_bin "$PKG_ROOT")"
export TRUSTSTORE_SHARE_DIR="$PKG_ROOT"
AT="${BENCH_AT:-$(date -u +%Y-%m-%dT%H:00:00Z)}"

# --- work area ---------------------------------------------------------------

WORK="$(mktemp -d "${TMPDIR:-/tmp}/truststore-bench-history.XXXXXX")"
# KEEP_WORK=1 leaves the stores behind for profiling.
cleanup() { if [[ -n "${KEEP_WORK:-}" ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi; }
trap cleanup EXIT
trap 'exit 130' INT TERM
# Time a private copy of the binary, so a rebuild of the package during the run cannot swap it.
BIN_ORIG="$BIN"
BIN="$WORK/bin/truststore"
mkdir -p "$WORK/bin"
BIN_BUILT="$(date -u -r "$BIN_ORIG" +%Y-%m-%dT%H:%M:%SZ)"
cp "$BIN_ORIG" "$BIN"
"$BIN" blame --help >/dev/null 2>&1 || die "$BIN_ORIG has no 'blame' subcommand; rebuild it"

# Plain git, for building and resetting the stores only; no user config, fixed identity.
export GIT_CONFIG_NOSYSTEM=1 GIT_CONFIG_GLOBAL=/dev/null
GIT=(git -c user.name=Bench -c user.email=bench@example.test -c gc.auto=0 -c core.hooksPath=/dev/null)

now_ns() { date +%s%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b - a) / 1e9 }'; }

# The pool: POOL roots for the history and one more, the root the timed add adds.
cat >"$WORK/gen_pool.py" <<'PY'
import datetime, os, sys
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

count, out = int(sys.argv[1]), sys.argv[2]
os.makedirs(out, exist_ok=True)
not_before = datetime.datetime(2025, 1, 1, tzinfo=datetime.timezone.utc)
not_after = datetime.datetime(2045, 1, 1, tzinfo=datetime.timezone.utc)
for i in range(count):
    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COUNTRY_NAME, "US"),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, f"Bench Trust {i % 17:02d}"),
                      x509.NameAttribute(NameOID.COMMON_NAME, f"Bench Root CA {i:03d}")])
    cert = (x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
            .serial_number(x509.random_serial_number()).not_valid_before(not_before).not_valid_after(not_after)
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    with open(f"{out}/{i:03d}.pem", "wb") as f:
        f.write(cert.public_bytes(serialization.Encoding.PEM))
PY

# The fast-import stream of a history, from the files truststore rendered.
cat >"$WORK/stream.py" <<'PY'
# stream.py RENDERED_DIR BASE_COMMIT BRANCH MODE COMMITS PRESENT SUMMARY_JSON > stream
#   big:   COMMITS single-root commits: PRESENT adds, then remove / add alternately (random, seeded).
#   small: the HEAD tree of `big` (same COMMITS/PRESENT) in 9 commits: one bulk add, then remove/add
#          of one root four times.
import json, os, random, sys, time

rendered, base, branch, mode, commits, present, summary_out = sys.argv[1:8]
commits, present = int(commits), int(present)
out = sys.stdout.buffer

pool = []
for name in sorted(os.listdir(rendered)):
    if not name.endswith(".pem"):
        continue
    data = open(os.path.join(rendered, name), "rb").read()
    head = dict(l[2:].split(": ", 1) for l in data.decode().splitlines() if l.startswith("# ") and ": " in l)
    sha = head["SHA-256"].replace(":", "").lower()
    if not name.endswith("_" + sha[:16] + ".pem"):
        sys.exit(f"unexpected file name {name} for sha256 {sha}")
    subject = head["Subject"]
    cn = next((p[3:] for p in subject.split(",") if p.startswith("CN=")), subject)
    pool.append(dict(path="stores/prod/" + name, data=data, sha=sha, subject=subject, cn=cn,
                     kind=head["Kind"], expires=head["Not after"][:10]))
n = len(pool)

authors = [("Alice Admin", "alice@example.test"), ("Bob Builder", "bob@example.test"),
           ("Carol Crypto", "carol@example.test"), ("Bench", "bench@example.test")]
T0 = 1735732800  # 2025-01-01T12:00:00Z
STEP = 3000      # 50 minutes between commits: 10,000 commits span about 347 days

def schedule():
    rng = random.Random(20261129)
    steps, here, absent = [], [], list(range(n))
    for i in range(commits):
        if i < present or (i - present) % 2 == 1:
            k = absent.pop(rng.randrange(len(absent))); here.append(k); steps.append(("add", k))
        else:
            k = here.pop(rng.randrange(len(here))); absent.append(k); steps.append(("remove", k))
    return steps, here

def data_cmd(b):
    out.write(b"data %d\n" % len(b)); out.write(b); out.write(b"\n")

def iso(t):
    return time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime(t))

def message(action, idxs, i, when):
    certs = [pool[k] for k in idxs]
    prep = "Added to" if action == "add" else "Removed from"
    if len(certs) == 1:
        subject = f"prod: {action} {certs[0]['kind']} '{certs[0]['cn']}'"
    else:
        subject = f"prod: {action} {len(certs)} certificates ({len(certs)} roots)"
    body = f"{prep} prod:\n" + "\n".join(
        f"  {c['kind']:<13} {c['subject']}\n  {'':<13} sha256 {c['sha'][:16]}  expires {c['expires']}" for c in certs)
    trailers = [f"Truststore-Action: {action}", "Truststore-Environment: prod"]
    trailers += [f"Truststore-Certificate: {c['sha']} {c['kind']} {c['subject']}" for c in certs]
    trailers.append(f"Truststore-Reason: bench change {i}")
    if action == "add":
        trailers += [f"Truststore-Source: file:{c['path'].rsplit('/', 1)[1]}" for c in certs]
        trailers.append(f"Truststore-Validated-At: {iso(when)}")
    return (subject + "\n\n" + body + "\n\n" + "\n".join(trailers) + "\n").encode()

steps, head_set = schedule()
if mode == "small":
    churn = head_set[0]
    steps = [("add", sorted(head_set))] + [(a, [churn]) for _ in range(4) for a in ("remove", "add")]
else:
    steps = [(a, [k]) for a, k in steps]

for k in sorted({k for _, ks in steps for k in ks}):
    out.write(b"blob\nmark :%d\n" % (k + 1)); data_cmd(pool[k]["data"])
adds = removes = 0
for i, (action, ks) in enumerate(steps, 1):
    name, email = authors[i % len(authors)]
    when = T0 + i * STEP
    out.write(f"commit {branch}\nmark :{100000 + i}\n".encode())
    out.write(f"author {name} <{email}> {when} +0000\ncommitter {name} <{email}> {when} +0000\n".encode())
    data_cmd(message(action, ks, i, when))
    if i == 1:
        out.write(f"from {base}\n".encode())
    for k in ks:
        if action == "add":
            out.write(f"M 100644 :{k + 1} {pool[k]['path']}\n".encode()); adds += 1
        else:
            out.write(f"D {pool[k]['path']}\n".encode()); removes += 1
    out.write(b"\n")
out.write(b"done\n")

# The blame target: a root at HEAD, in the big history added many times over.
target = head_set[len(head_set) // 2]
json.dump(dict(commits=len(steps), adds=adds, removes=removes, head=len(head_set), pool=n,
               first=iso(T0 + STEP), last=iso(T0 + len(steps) * STEP),
               target_sha=pool[target]["sha"], target_subject=pool[target]["subject"],
               target_times_added=sum(1 for a, ks in steps if a == "add" and target in ks)),
          open(summary_out, "w"))
PY

# --- building the stores -----------------------------------------------------

T_BUILD0=$(now_ns)
log "generating $((POOL + 1)) EC P-256 roots"
python3 "$WORK/gen_pool.py" "$((POOL + 1))" "$WORK/pool"
NEW_CERT="$WORK/pool/$(printf '%03d' "$POOL").pem"
T_POOL=$(now_ns)

log "rendering the pool with truststore add (scratch store)"
"$BIN" init "$WORK/scratch" --env prod --no-hooks >/dev/null
POOL_FILES=()
for (( i = 0; i < POOL; i++ )); do POOL_FILES+=("$WORK/pool/$(printf '%03d' "$i").pem"); done
"$BIN" add --store "$WORK/scratch" --env prod --at "$AT" "${POOL_FILES[@]}" >"$WORK/render.out" 2>"$WORK/render.err" ||
    { cat "$WORK/render.err" >&2; die "truststore add of the pool failed"; }
RENDERED="$WORK/scratch/stores/prod"
(( $(find "$RENDERED" -name '*.pem' | wc -l) == POOL )) || die "the scratch store does not hold $POOL roots"
T_RENDER=$(now_ns)

# make_store DIR MODE SUMMARY -> a store with the history of MODE; prints the timings "stream import reset"
make_store() {
    local dir="$1" mode="$2" summary="$3" branch base t0 t1 t2 t3
    "$BIN" init "$dir" --env prod --no-hooks >/dev/null
    branch="$("${GIT[@]}" -C "$dir" symbolic-ref HEAD)"
    base="$("${GIT[@]}" -C "$dir" rev-parse HEAD)"
    t0=$(now_ns)
    python3 "$WORK/stream.py" "$RENDERED" "$base" "$branch" "$mode" "$COMMITS" "$PRESENT" "$summary" >"$WORK/$mode.stream"
    t1=$(now_ns)
    "${GIT[@]}" -C "$dir" fast-import --quiet --done <"$WORK/$mode.stream"
    t2=$(now_ns)
    "${GIT[@]}" -C "$dir" reset -q --hard
    t3=$(now_ns)
    echo "$(secs "$t0" "$t1") $(secs "$t1" "$t2") $(secs "$t2" "$t3")"
}

BIG="$WORK/big"
SMALL="$WORK/small"
log "building a store with $COMMITS trust changes (git fast-import)"
read -r BIG_STREAM BIG_IMPORT BIG_RESET < <(make_store "$BIG" big "$WORK/big.json")
T_BIG=$(now_ns)
log "building a store with the same HEAD tree in $SMALL_COMMITS commits"
read -r SMALL_STREAM SMALL_IMPORT SMALL_RESET < <(make_store "$SMALL" small "$WORK/small.json")
T_SMALL=$(now_ns)

field() { python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))[sys.argv[2]])' "$1" "$2"; }
ADDS=$(field "$WORK/big.json" adds)
REMOVES=$(field "$WORK/big.json" removes)
AT_HEAD=$(field "$WORK/big.json" head)
TARGET=$(field "$WORK/big.json" target_sha)
TARGET_SUBJECT=$(field "$WORK/big.json" target_subject)
TARGET_ADDS=$(field "$WORK/big.json" target_times_added)
FIRST_DATE=$(field "$WORK/big.json" first)
LAST_DATE=$(field "$WORK/big.json" last)

BIG_BASE="$("${GIT[@]}" -C "$BIG" rev-parse HEAD)"
SMALL_BASE="$("${GIT[@]}" -C "$SMALL" rev-parse HEAD)"
N_BIG=$("${GIT[@]}" -C "$BIG" rev-list --count HEAD)
N_SMALL=$("${GIT[@]}" -C "$SMALL" rev-list --count HEAD)

# Repository size, as built (one pack from fast-import; before any timed add).
read -r BIG_OBJECTS BIG_PACK < <("${GIT[@]}" -C "$BIG" count-objects -v |
    awk '/^count:/ { c += $2 } /^in-pack:/ { c += $2 } /^size-pack:/ { p = $2 } END { print c, p }')
BIG_GIT_KB=$(du -sk "$BIG/.git" | cut -f1)

# --- checks before timing ----------------------------------------------------

log "checking the history with truststore log, list and blame"
(( N_BIG == COMMITS + 1 )) || die "the big store has $N_BIG commits, expected $((COMMITS + 1))"
(( N_SMALL == SMALL_COMMITS )) || die "the small store has $N_SMALL commits, expected $SMALL_COMMITS"
[[ "$("${GIT[@]}" -C "$BIG" rev-parse 'HEAD^{tree}')" == "$("${GIT[@]}" -C "$SMALL" rev-parse 'HEAD^{tree}')" ]] ||
    die "the two stores differ at HEAD"
[[ -z "$("${GIT[@]}" -C "$BIG" status --porcelain)" ]] || die "the big store's work tree does not match HEAD"
T_LOG0=$(now_ns)
"$BIN" log --store "$BIG" >"$WORK/log.txt"
T_LOG1=$(now_ns)
LOG_ADDS=$(grep -c '^    add ' "$WORK/log.txt" || true)
LOG_REMOVES=$(grep -c '^    remove ' "$WORK/log.txt" || true)
(( LOG_ADDS == ADDS && LOG_REMOVES == REMOVES )) ||
    die "truststore log shows $LOG_ADDS adds and $LOG_REMOVES removes; the history has $ADDS and $REMOVES"
LOG_REASONS=$(grep -c '^    reason: bench change ' "$WORK/log.txt" || true)
(( LOG_REASONS == COMMITS )) || die "truststore log shows $LOG_REASONS reasons from trailers, expected $COMMITS"
"$BIN" log --store "$BIG" --format json >"$WORK/log.json"
LOG_JSON_N=$(python3 -c 'import json, sys; print(len(json.load(open(sys.argv[1]))))' "$WORK/log.json")
(( LOG_JSON_N == ADDS + REMOVES )) || die "log --format json has $LOG_JSON_N changes, expected $((ADDS + REMOVES))"
LISTED=$("$BIN" list --store "$BIG" --env prod | grep -c . || true)
(( LISTED == AT_HEAD )) || die "truststore list shows $LISTED roots in prod, expected $AT_HEAD"
"$BIN" blame --store "$BIG" "$TARGET" >"$WORK/blame.txt"
grep -q "^prod: trusted  ${TARGET:0:16}" "$WORK/blame.txt" || { cat "$WORK/blame.txt" >&2; die "blame did not find $TARGET at HEAD"; }
grep -q "(added $TARGET_ADDS times in all" "$WORK/blame.txt" ||
    { cat "$WORK/blame.txt" >&2; die "blame does not count the $TARGET_ADDS additions of $TARGET"; }
for store in "$BIG" "$SMALL"; do  # the timed add must succeed on both, from the state every run starts at
    "$BIN" add --store "$store" --env prod --at "$AT" --reason "bench add" "$NEW_CERT" >/dev/null
    "${GIT[@]}" -C "$store" reset -q --hard "$([[ $store == "$BIG" ]] && echo "$BIG_BASE" || echo "$SMALL_BASE")"
done

# --- measuring ---------------------------------------------------------------

quote() { local out="" a; for a in "$@"; do out+="${out:+ }$(printf '%q' "$a")"; done; printf '%s' "$out"; }

# bench NAME RUNS PREPARE(quoted, or "") CMD...  -> $WORK/NAME.json
bench() {
    local name="$1" runs="$2" prepare="$3"; shift 3
    log "benchmarking $name: $(quote "$@")"
    local hf=(hyperfine -N --style basic --runs "$runs" --warmup "$WARMUP"
              --command-name "$name" --export-json "$WORK/$name.json")
    [[ -n "$prepare" ]] && hf+=(--prepare "$prepare")
    "${hf[@]}" "$(quote "$@")" >&2
}

COLD_PREPARE="rm -rf $(printf '%q' "$BIG/.git/truststore")"
bench log "$LOG_RUNS" "" "$BIN" log --store "$BIG"
bench log-json "$LOG_RUNS" "" "$BIN" log --store "$BIG" --format json
bench log-cold "$LOG_RUNS" "$COLD_PREPARE" "$BIN" log --store "$BIG"
bench git-log "$LOG_RUNS" "" "${GIT[@]}" -C "$BIG" log --no-renames --raw --format=%H%x00%an%x00%aI%x00%B -- stores/
bench blame "$RUNS" "" "$BIN" blame --store "$BIG" "$TARGET"
bench blame-cold "$RUNS" "$COLD_PREPARE" "$BIN" blame --store "$BIG" "$TARGET"
# hyperfine -N runs --prepare without a shell too, hence a script: back to the history's HEAD (the
# previous run's commit and file gone), then flush the writes, so a run is not charged for its predecessor's.
for which in big small; do
    store="$BIG" base="$BIG_BASE"
    [[ $which == small ]] && store="$SMALL" base="$SMALL_BASE"
    printf '#!/usr/bin/env bash\nset -euo pipefail\n%s\nsync\n' \
        "$(quote "${GIT[@]}" -C "$store" reset -q --hard "$base")" >"$WORK/reset-$which.sh"
    chmod 0755 "$WORK/reset-$which.sh"
done
ADD_ARGS=(add --env prod --at "$AT" --reason "bench add" "$NEW_CERT")
bench add-big "$RUNS" "$(quote "$WORK/reset-big.sh")" "$BIN" "${ADD_ARGS[@]}" --store "$BIG"
bench add-small "$RUNS" "$(quote "$WORK/reset-small.sh")" "$BIN" "${ADD_ARGS[@]}" --store "$SMALL"

# The last timed add really committed the new root on top of each history.
for store in "$BIG" "$SMALL"; do
    [[ "$("${GIT[@]}" -C "$store" log -1 --format=%s)" == "prod: add root 'Bench Root CA $(printf '%03d' "$POOL")'" ]] ||
        die "the timed add did not commit the new root in $store"
done

# --- report ------------------------------------------------------------------

# stats NAME -> "mean_s mean_ms stddev_ms min_ms max_ms runs"
stats() {
    python3 - "$WORK/$1.json" <<'PY'
import json, sys
r = json.load(open(sys.argv[1]))["results"][0]
t = r["times"]
print("%.4f %.1f %.1f %.1f %.1f %d" % (r["mean"], r["mean"] * 1e3, (r.get("stddev") or 0) * 1e3,
                                       min(t) * 1e3, max(t) * 1e3, len(t)))
PY
}
declare -A MEAN
row() { # NAME LABEL
    local s ms sd mn mx n
    read -r s ms sd mn mx n < <(stats "$1")
    MEAN[$1]=$s
    printf '%-46s %5s %10s %9s %9s %9s\n' "$2" "$n" "$ms" "$sd" "$mn" "$mx"
}
below() { awk -v v="$1" -v t="$2" 'BEGIN { print (v < t ? "PASS" : "MISS") }'; }
atmost() { awk -v v="$1" -v t="$2" 'BEGIN { print (v <= t ? "PASS" : "MISS") }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
mb() { awk -v k="$1" 'BEGIN { printf "%.1f MiB", k / 1024 }'; }

echo
echo "truststore history benchmark  ($(date -u +%Y-%m-%dT%H:%M:%SZ), $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg))"
echo "binary:   $BIN_ORIG (timed as a copy)"
echo "          version $("$BIN" --version 2>/dev/null || echo '?'), sha256 $(sha256sum "$BIN" | cut -c1-16), built $BIN_BUILT"
echo "timer:    $(hyperfine --version), $(git --version)"
echo
echo "history:  $N_BIG commits (init + $COMMITS trust changes: $ADDS add, $REMOVES remove), $FIRST_DATE .. $LAST_DATE"
echo "          pool of $POOL EC P-256 roots; $AT_HEAD in prod at HEAD; truststore log: $LOG_ADDS add, $LOG_REMOVES remove lines"
echo "          small store: $N_SMALL commits, same tree at HEAD"
echo "blame:    ${TARGET:0:16} ($TARGET_SUBJECT), added $TARGET_ADDS times, trusted at HEAD"
echo "add:      $(basename "$NEW_CERT") (Bench Root CA $(printf '%03d' "$POOL")), --at $AT; before each run: git reset --hard to the history's HEAD, sync"
echo "repo:     .git $(mb "$BIG_GIT_KB") on disk, pack $(mb "$BIG_PACK"), $BIG_OBJECTS objects (one fast-import pack, not repacked)"
echo
echo "building the history (s):"
printf '  %-60s %7s\n' "generate $((POOL + 1)) roots (python3 cryptography)" "$(secs "$T_BUILD0" "$T_POOL")"
printf '  %-60s %7s\n' "render them: truststore init + add (scratch store)" "$(secs "$T_POOL" "$T_RENDER")"
printf '  %-60s %7s\n' "big store: write the fast-import stream ($COMMITS commits)" "$BIG_STREAM"
printf '  %-60s %7s\n' "big store: git fast-import" "$BIG_IMPORT"
printf '  %-60s %7s\n' "big store: git reset --hard (work tree)" "$BIG_RESET"
printf '  %-60s %7s\n' "big store in all (with truststore init)" "$(secs "$T_RENDER" "$T_BIG")"
printf '  %-60s %7s\n' "small store in all" "$(secs "$T_BIG" "$T_SMALL")"
printf '  %-60s %7s\n' "total" "$(secs "$T_BUILD0" "$T_SMALL")"
printf '  %-60s %7s\n' "(first truststore log, untimed check, cache empty)" "$(secs "$T_LOG0" "$T_LOG1")"
echo
printf '%-46s %5s %10s %9s %9s %9s\n' command runs "mean ms" "± ms" "min ms" "max ms"
row log "truststore log"
row log-json "truststore log --format json"
row log-cold "truststore log, no cache (.git/truststore)"
row git-log "git log --raw -- stores/ (reference)"
row blame "truststore blame SHA256"
row blame-cold "truststore blame SHA256, no cache"
row add-big "truststore add, $N_BIG commits"
row add-small "truststore add, $N_SMALL commits"
echo
ADD_RATIO=$(ratio "${MEAN[add-big]}" "${MEAN[add-small]}")
printf '%-8s %-46s %10s %9s  %s\n' check measure value target result
printf '%-8s %-46s %10s %9s  %s\n' log "truststore log (s)" "$(printf '%.3f' "${MEAN[log]}")" "< $LOG_TARGET" "$(below "${MEAN[log]}" "$LOG_TARGET")"
printf '%-8s %-46s %10s %9s  %s\n' log "truststore log --format json (s)" "$(printf '%.3f' "${MEAN[log-json]}")" "< $LOG_TARGET" "$(below "${MEAN[log-json]}" "$LOG_TARGET") (info)"
printf '%-8s %-46s %10s %9s  %s\n' log "truststore log without its cache (s)" "$(printf '%.3f' "${MEAN[log-cold]}")" "(info)" "first log after a clone"
printf '%-8s %-46s %10s %9s  %s\n' blame "truststore blame (s)" "$(printf '%.3f' "${MEAN[blame]}")" "< $BLAME_TARGET" "$(below "${MEAN[blame]}" "$BLAME_TARGET")"
printf '%-8s %-46s %10s %9s  %s\n' add "add, $N_BIG commits / $N_SMALL commits" "$ADD_RATIO" "≤ $ADD_TARGET" "$(atmost "$ADD_RATIO" "$ADD_TARGET")"
