#!/usr/bin/env bash
# Pages/s of one campaign on the fixture marketplace: `crawl` on SQLite, and 1, 2 and 4 `worker`
# processes sharing it on PostgreSQL (a fresh schema each run, dropped afterwards).
# Usage: bench/scale-out.sh [ADS_PER_SITE] [RATE_PER_HOST]   (figures in docs/scale-out.md)
set -euo pipefail
cd "$(dirname "$0")/.."
ADS=${1:-300}
RATE=${2:-0}
PG=${WILDWATCH_TEST_PG:-"host=127.0.0.1 user=postgres dbname=test"}
BIN=target/release/wildwatch
[ -x "$BIN" ] || cargo build --release -p wildwatch
TMP=$(mktemp -d)
PORT=$((20000 + RANDOM % 20000))
"$BIN" fixture-market --addr "127.0.0.1:$PORT" --ads "$ADS" --seed 11 >/dev/null 2>&1 &
FX=$!
trap 'kill $FX 2>/dev/null || true; rm -rf "$TMP"' EXIT
sleep 1
{
  printf 'name = "bench"\nrate_per_host = %s\nconcurrency_per_host = 8\nconcurrency = 32\nkeywords = ["a", "e"]\n' "$RATE"
  i=0
  for site in leboncoin kleinanzeigen marktplaats forum; do
    printf '[[platform]]\nadapter = "%s"\nbase_url = "http://127.0.0.1:%s"\nmax_pages = 50\n' "$site" $((PORT + i))
    i=$((i + 1))
  done
} >"$TMP/bench.toml"
secs() { date +%s.%N; }
t0=$(secs)
"$BIN" --data "$TMP/sqlite" crawl --quiet "$TMP/bench.toml" 2>"$TMP/sqlite.log"
t1=$(secs)
pages=$(python3 -c "import sqlite3;print(sqlite3.connect('$TMP/sqlite/wildwatch.db').execute('select count(*) from pages').fetchone()[0])")
ads=$(python3 -c "import sqlite3;print(sqlite3.connect('$TMP/sqlite/wildwatch.db').execute('select count(*) from ads').fetchone()[0])")
printf '%-22s %8s %8s %8s %10s %8s\n' store pages ads seconds pages/s ads/s
awk -v p="$pages" -v a="$ads" -v s="$(echo "$t1 - $t0" | bc)" 'BEGIN{printf "%-22s %8d %8d %8.1f %10.1f %8.1f\n", "sqlite, crawl", p, a, s, p/s, a/s}'
for n in 1 2 4; do
  schema="ww_bench_$$_$n"
  psql "$PG" -qc "CREATE SCHEMA $schema"
  url="$PG options='-c search_path=$schema'"
  "$BIN" db migrate --db "$url" >/dev/null
  t0=$(secs)
  pids=()
  for _ in $(seq "$n"); do
    "$BIN" --data "$TMP/pg$n" --db "$url" worker --quiet "$TMP/bench.toml" 2>>"$TMP/pg$n.log" &
    pids+=($!)
  done
  for p in "${pids[@]}"; do wait "$p" || { echo "a worker failed:"; tail -5 "$TMP/pg$n.log"; }; done
  t1=$(secs)
  pages=$(psql "$url" -Atc "select count(*) from pages")
  ads=$(psql "$url" -Atc "select count(*) from ads")
  dup=$(psql "$url" -Atc "select count(*) from (select url from pages where url in (select url from frontier) group by url having count(*) > 1) d")
  awk -v p="$pages" -v a="$ads" -v s="$(echo "$t1 - $t0" | bc)" -v n="$n" -v d="$dup" 'BEGIN{printf "%-22s %8d %8d %8.1f %10.1f %8.1f   (URLs stored twice: %d)\n", "postgres, " n " worker(s)", p, a, s, p/s, a/s, d}'
  psql "$PG" -qc "SET client_min_messages = warning; DROP SCHEMA $schema CASCADE"
done
