#!/usr/bin/env bash
# Web app load: the ads list page and the API list endpoint with 100,000 ads stored.
#   bench/web.sh [N_ADS]   (default 100,000)
# Environment: RATE (default 500 req/s), DURATION (default 20s), MAX_DURATION (default 10s),
#   CONNECTIONS (default 50), REUSE_DB=1 (reuse the database a previous run imported, kept in
#   bench/out/web-db-N, or the PostgreSQL database of a previous run; the import time is then not
#   measured), PG=postgres://user@127.0.0.1:5432/DBNAME (run on PostgreSQL instead of SQLite: the
#   database DBNAME is dropped and created afresh unless REUSE_DB=1; the summary goes to
#   bench/out/web-pg.txt), GROW=K (PostgreSQL only: after the import, each imported ad is cloned
#   K-1 times in SQL — same text and findings, another URL, first seen a second later per clone — so
#   the read side can be measured at K × N ads without importing them one by one; the summary says
#   so).
# Steps: build (release), generate N ads by cycling the labelled corpus (varied ids, platforms,
# sellers and prices), import them into a fresh data directory (timed), add an admin and an API
# token, log in for a session cookie, start `wildwatch serve --no-fetch` on a free loopback port,
# warm up, then per target a fixed-rate run (RATE req/s for DURATION, latency corrected for
# coordinated omission) and an unthrottled run (maximum req/s, as a ratio to /healthz measured the
# same way in the same run). Writes the summary to bench/out/web.txt.
# The load generator (oha) runs on the same machine as the server and shares its cores.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-100000}
RATE=${RATE:-500}
DURATION=${DURATION:-20s}
MAX_DURATION=${MAX_DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-50}
OUT=bench/out
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

# ---- tools ------------------------------------------------------------------------------------
need_apt() { # command package
    command -v "$1" >/dev/null && return 0
    { apt-get update -qq && apt-get install -y -qq "$2"; } >/dev/null 2>&1 || true
    command -v "$1" >/dev/null || { echo "bench/web.sh needs $1 (apt-get install $2)" >&2; exit 1; }
}
need_apt curl curl
need_apt python3 python3
OHA=$(command -v oha || true)
if [ -z "$OHA" ]; then
    OHA="$OUT/tools/bin/oha"
    if [ ! -x "$OHA" ]; then
        echo "installing oha into $OUT/tools (once)…" >&2
        cargo install oha --locked --root "$OUT/tools" >"$OUT/oha-install.log" 2>&1 || {
            tail -20 "$OUT/oha-install.log" >&2
            exit 1
        }
    fi
fi
cargo build --release -q -p wildwatch
BIN=$PWD/target/release/wildwatch

# ---- data -------------------------------------------------------------------------------------
WORK=$(mktemp -d "${TMPDIR:-/tmp}/wildwatch-web-bench.XXXXXX")
DATA=$WORK/data
SRV=""
cleanup() {
    if [ -n "$SRV" ] && kill -0 "$SRV" 2>/dev/null; then
        kill "$SRV" 2>/dev/null || true
        wait "$SRV" 2>/dev/null || true
    fi
    rm -rf "$WORK"
}
trap cleanup EXIT
mkdir -p "$DATA"
CACHE=$OUT/web-db-$N
IMPORT="(reused from $CACHE)"
DB=()
SUMMARY=$OUT/web.txt
if [ -n "${PG:-}" ]; then
    # The database name is the URL's last path segment; the server's maintenance database is
    # `postgres` on the same server.
    PGNAME=${PG##*/}
    PGNAME=${PGNAME%%\?*}
    PGADMIN=${PG%/*}/postgres
    DB=(--db "$PG")
    SUMMARY=$OUT/web-pg.txt
    IMPORT="(reused from $PG)"
    if [ "${REUSE_DB:-0}" != 1 ]; then
        python3 - "$PGADMIN" "$PGNAME" <<'PY'
import subprocess, sys
admin, name = sys.argv[1:]
for sql in (f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)', f'CREATE DATABASE "{name}"'):
    subprocess.run(["psql", admin, "-q", "-c", sql], check=True)
PY
    fi
fi
if [ "${REUSE_DB:-0}" = 1 ] && { [ -n "${PG:-}" ] || [ -f "$CACHE/wildwatch.db" ]; }; then
    [ -n "${PG:-}" ] || cp "$CACHE"/wildwatch.db* "$DATA/"
else
    python3 - "$N" "$WORK/ads.jsonl" <<'PY'
import json, sys, glob, random
n, out = int(sys.argv[1]), sys.argv[2]
ads = []
for f in sorted(glob.glob("data/eval/*.jsonl")):
    for l in open(f, encoding="utf-8"):
        if l.strip():
            a = json.loads(l); a.pop("gold", None); a.pop("note", None); ads.append(a)
random.seed(11)
platforms = [("leboncoin", "FR"), ("kleinanzeigen", "DE"), ("marktplaats", "NL"), ("forum", None)]
with open(out, "w", encoding="utf-8") as o:
    for i in range(n):
        a = dict(ads[i % len(ads)])
        p, country = platforms[random.randrange(len(platforms))]
        a["id"] = f"w{i}"
        a["platform"] = p
        if country:
            a["country"] = country
        a["seller"] = f"{p}-seller-{random.randint(1, 4000)}"
        if a.get("price_text") is not None or i % 3 == 0:
            a["price_text"] = f"{random.randint(5, 3000)} €"
        o.write(json.dumps(a, ensure_ascii=False) + "\n")
PY
    S=$(date +%s.%N)
    "$BIN" --data "$DATA" "${DB[@]}" import "$WORK/ads.jsonl" --campaign bench 2>"$WORK/import.log" || {
        tail -5 "$WORK/import.log" >&2
        exit 1
    }
    E=$(date +%s.%N)
    IMPORT=$(python3 -c "s=$E-$S; print(f'{s:.1f} s ({$N/s:,.0f} ads/s, one transaction per ad, detection included)')")
    rm -f "$WORK/ads.jsonl"
    if [ -z "${PG:-}" ]; then
        rm -rf "$CACHE" && mkdir -p "$CACHE" && cp "$DATA"/wildwatch.db* "$CACHE/"
    fi
fi
if [ -n "${PG:-}" ] && [ "${GROW:-1}" -gt 1 ] && [ "${REUSE_DB:-0}" != 1 ]; then
    S=$(date +%s.%N)
    psql "$PG" -q -v ON_ERROR_STOP=1 <<SQL
INSERT INTO ads (platform, url, external_id, campaign_id, seller_id, first_seen, last_seen, gone_at,
    versions, fingerprint, title, lang, country, relevant, category, risk, risk_score, price_eur,
    specimens, review_status, takedown, enforcement, source)
SELECT platform, url || '#clone' || g, external_id, campaign_id, seller_id, first_seen + g,
    last_seen, gone_at, versions, fingerprint, title, lang, country, relevant, category, risk,
    risk_score, price_eur, specimens, review_status, takedown, enforcement, source
FROM ads, generate_series(1, $GROW - 1) AS g;
INSERT INTO ad_species (ad_id, scientific_name, cites, eu_annex)
SELECT n.id, s.scientific_name, s.cites, s.eu_annex
FROM ads n JOIN ads o ON o.platform = n.platform AND o.url = split_part(n.url, '#clone', 1)
JOIN ad_species s ON s.ad_id = o.id
WHERE n.url LIKE '%#clone%';
VACUUM (ANALYZE);
SQL
    E=$(date +%s.%N)
    IMPORT="$IMPORT; then each ad cloned $((GROW - 1))× in SQL ($(python3 -c "print(f'{$E-$S:.0f}')") s)"
fi
echo "import: $IMPORT" >&2
PASS=bench-password-$RANDOM$RANDOM
# A reused PostgreSQL database already has the user (with the fixed password of these runs).
[ -n "${PG:-}" ] && PASS=bench-password-pg
printf '%s\n' "$PASS" | "$BIN" --data "$DATA" "${DB[@]}" user add bench --role admin >/dev/null 2>"$WORK/user.log" \
    || { [ -n "${PG:-}" ] && [ "${REUSE_DB:-0}" = 1 ] && grep -q "already exists" "$WORK/user.log"; } \
    || { cat "$WORK/user.log" >&2; exit 1; }
TOKEN=$("$BIN" --data "$DATA" "${DB[@]}" user token bench --label bench | tail -1)

# ---- server -----------------------------------------------------------------------------------
PORT=$(python3 - <<'PY'
import socket
for _ in range(100):
    a = socket.socket(); a.bind(("127.0.0.1", 0)); p = a.getsockname()[1]
    b = socket.socket()
    try:
        b.bind(("127.0.0.1", p + 1)); print(p); break
    except OSError:
        pass
    finally:
        a.close(); b.close()
PY
)
BASE=http://127.0.0.1:$PORT
"$BIN" --data "$DATA" "${DB[@]}" serve --addr "127.0.0.1:$PORT" --no-fetch 2>"$WORK/serve.log" &
SRV=$!
for _ in $(seq 1 300); do
    curl -fsS "$BASE/healthz" >/dev/null 2>&1 && break
    kill -0 "$SRV" 2>/dev/null || { cat "$WORK/serve.log" >&2; exit 1; }
    sleep 0.1
done
# Log in like a browser: the anonymous cookie and CSRF field of the form, then the session cookie
# (cookies are Secure, so they are read from the headers rather than through curl's jar).
curl -fsS -D "$WORK/h1" -o "$WORK/login.html" "$BASE/login"
ANON=$(sed -n 's/^[Ss]et-[Cc]ookie: ww_anon=\([^;]*\).*/\1/p' "$WORK/h1" | tr -d '\r')
CSRF=$(sed -n 's/.*name="csrf" value="\([^"]*\)".*/\1/p' "$WORK/login.html" | head -1)
curl -sS -o /dev/null -D "$WORK/h2" -H "Cookie: ww_anon=$ANON" \
    --data-urlencode "csrf=$CSRF" --data-urlencode "username=bench" \
    --data-urlencode "password=$PASS" --data-urlencode "next=/ads" "$BASE/login"
SESSION=$(sed -n 's/^[Ss]et-[Cc]ookie: ww_session=\([^;]*\).*/\1/p' "$WORK/h2" | tr -d '\r')
[ -n "$SESSION" ] || { echo "login failed" >&2; cat "$WORK/h2" >&2; exit 1; }
COOKIE="Cookie: ww_session=$SESSION"
BEARER="Authorization: Bearer $TOKEN"

# name|path|header
TARGETS=(
    "ads page|/ads|$COOKIE"
    "ads page, risk+platform|/ads?risk=high&platform=kleinanzeigen|$COOKIE"
    "api list|/api/ads|$BEARER"
    "api list, species+newest|/api/ads?species=Psittacus%20erithacus&sort=newest|$BEARER"
    "ads page 500 (deep)|/ads?page=500|$COOKIE"
    "dashboard|/|$COOKIE"
    "healthz (baseline)|/healthz|$COOKIE"
)
if [ -n "${ONLY:-}" ]; then # keep the targets whose path matches this regex (and /healthz)
    KEEP=()
    for t in "${TARGETS[@]}"; do
        IFS='|' read -r name path hdr <<<"$t"
        if [[ $path =~ $ONLY || $path == /healthz ]]; then KEEP+=("$t"); fi
    done
    TARGETS=("${KEEP[@]}")
fi
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name path hdr <<<"$t"
    code=$(curl -sS -o "$WORK/check" -w '%{http_code}' -H "$hdr" "$BASE$path")
    [ "$code" = 200 ] || { echo "$path answered $code" >&2; head -c 500 "$WORK/check" >&2; exit 1; }
done
ADS_STORED=$(curl -fsS -H "$BEARER" "$BASE/api/ads?per_page=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')

cpu_ticks() { awk '{print $14 + $15}' "/proc/$SRV/stat"; }
# All CPU time spent on the machine (user, nice, system, irq, softirq, steal), in ticks.
all_ticks() { awk '/^cpu / {print $2 + $3 + $4 + $7 + $8 + $9}' /proc/stat; }
TCK=$(getconf CLK_TCK)
RESULTS=$WORK/results.tsv
: >"$RESULTS"
# run MODE NAME PATH HEADER OHA-ARGS…
run() {
    local mode=$1 name=$2 path=$3 hdr=$4
    shift 4
    local c0 c1 a0 a1 s e
    c0=$(cpu_ticks)
    a0=$(all_ticks)
    s=$(date +%s.%N)
    "$OHA" --no-tui --output-format json -H "$hdr" "$@" "$BASE$path" >"$WORK/oha.json"
    e=$(date +%s.%N)
    c1=$(cpu_ticks)
    a1=$(all_ticks)
    python3 - "$mode" "$name" "$path" "$c0" "$c1" "$TCK" "$s" "$e" "$WORK/oha.json" "$a0" "$a1" >>"$RESULTS" <<'PY'
import json, sys
mode, name, path, c0, c1, tck, s, e, f, a0, a1 = sys.argv[1:]
j = json.load(open(f))
sm, lp = j["summary"], j.get("latencyPercentiles", {})
codes = {str(k): v for k, v in (j.get("statusCodeDistribution") or {}).items()}
ok = codes.get("200", 0)
# Requests still in flight when the duration ends are cut off by oha ("aborted due to deadline"):
# not errors of the server.
errs = {k: v for k, v in (j.get("errorDistribution") or {}).items() if "deadline" not in k}
for k, v in errs.items():
    print(f"{path}: {v} × {k}", file=sys.stderr)
for k, v in codes.items():
    if k != "200":
        print(f"{path}: {v} × HTTP {k}", file=sys.stderr)
total = sum(codes.values()) + sum(errs.values())
cpu = (int(c1) - int(c0)) / int(tck) / (float(e) - float(s))
rest = (int(a1) - int(a0) - (int(c1) - int(c0))) / int(tck) / (float(e) - float(s))
ms = lambda k: (lp.get(k) or 0) * 1000
print("\t".join(map(str, [mode, name, path, f"{sm['requestsPerSec']:.0f}", total, total - ok,
      f"{ms('p50'):.1f}", f"{ms('p90'):.1f}", f"{ms('p99'):.1f}", f"{cpu:.2f}", f"{rest:.2f}"])))
PY
}

LOAD0=$(cut -d' ' -f1 /proc/loadavg)
echo "warming up…" >&2
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name path hdr <<<"$t"
    "$OHA" --no-tui -n 300 -c 10 -H "$hdr" "$BASE$path" >/dev/null
done
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name path hdr <<<"$t"
    echo "fixed rate $RATE/s for $DURATION: $path" >&2
    run fixed "$name" "$path" "$hdr" -q "$RATE" -z "$DURATION" -c "$CONNECTIONS" --latency-correction
done
for t in "${TARGETS[@]}"; do
    IFS='|' read -r name path hdr <<<"$t"
    echo "unthrottled for $MAX_DURATION: $path" >&2
    run max "$name" "$path" "$hdr" -z "$MAX_DURATION" -c "$CONNECTIONS"
done
RSS=$(awk '/VmHWM/ {printf "%.0f MB", $2 / 1024}' "/proc/$SRV/status")
LOAD="$LOAD0 before the runs, $(cut -d' ' -f1 /proc/loadavg) after"

python3 - "$RESULTS" "$N" "$ADS_STORED" "$IMPORT" "$RSS" "$RATE" "$DURATION" "$MAX_DURATION" \
    "$CONNECTIONS" "$(nproc)" "$(git rev-parse --short HEAD 2>/dev/null || echo '?')" "$LOAD" \
    "$([ -n "${PG:-}" ] && echo PostgreSQL || echo SQLite)" <<'PY' | tee "$SUMMARY"
import sys
f, n, stored, imp, rss, rate, dur, maxdur, conns, cores, rev, load, store = sys.argv[1:]
rows = [l.rstrip("\n").split("\t") for l in open(f) if l.strip()]
print(f"wildwatch web load ({rev}) on {store}: {int(stored):,} ads stored ({int(n):,} generated), {cores} cores")
print(f"the load generator (oha, {conns} connections) runs on the same cores as the server")
print(f"machine load average (1 min): {load}")
print(f"import: {imp}")
print(f"server peak RSS (VmHWM): {rss}")
print()
print(f"fixed rate: {rate} req/s for {dur}, latency corrected for coordinated omission")
hdr = ["target", "req/s", "requests", "errors", "p50 ms", "p90 ms", "p99 ms", "server CPU", "other CPU", "verdict"]
tab = []
for m, name, path, rps, tot, err, p50, p90, p99, cpu, rest in rows:
    if m != "fixed":
        continue
    ok = float(rps) >= 0.98 * float(rate) and int(err) == 0 and float(p99) < 100
    tab.append([f"{name}  {path}", rps, tot, err, p50, p90, p99, f"{float(cpu)*100:.0f}%",
                f"{float(rest)*100:.0f}%", "ok" if ok else "MISSED"])
def show(h, t):
    w = [max(len(str(r[i])) for r in [h] + t) for i in range(len(h))]
    print("  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(w[i]) for i, c in enumerate(h)))
    for r in t:
        print("  ".join(str(c).ljust(w[i]) if i == 0 else str(c).rjust(w[i]) for i, c in enumerate(r)))
show(hdr, tab)
print()
print(f"unthrottled: {conns} connections for {maxdur}")
base = next((float(r[3]) for r in rows if r[0] == "max" and r[2] == "/healthz"), 0) or 1
tab = [[f"{name}  {path}", rps, err, p50, p99, f"{float(cpu)*100:.0f}%", f"{float(rest)*100:.0f}%",
        f"{float(rps)/base:.3f}"]
       for m, name, path, rps, tot, err, p50, p90, p99, cpu, rest in rows if m == "max"]
show(["target", "max req/s", "errors", "p50 ms", "p99 ms", "server CPU", "other CPU", "ratio to /healthz"], tab)
print()
print("CPU: 100% = one core busy for the whole run; 'other CPU' is everything else on the machine")
print(f"(the load generator itself, and anything else running), of the {int(cores) * 100}% the cores give.")
PY
