#!/usr/bin/env bash
# Crawl throughput against Scrapy as the peer, in one run, on the fixture marketplace over loopback.
#   bench/crawl.sh [ADS_PER_SITE]   (default 5000: ~16,600 pages; at 2000 the fixture's slow ads, 3 s each,
#   are a large part of a 7 s crawl)
# 1. starts `wildwatch fixture-market` (four sites), 2. crawls them with rate limits off and reports
# pages/s and peak RSS, 3. crawls the same search and ad pages with a minimal Scrapy spider
# (installed from PyPI into bench/out/venv) and reports its pages/s, 4. measures extraction alone
# on one core (`cargo bench -p wildwatch-crawl --bench extract`: the fixture's ad pages held in
# memory, html5ever parsing alone as the baseline, then extraction, then extraction + detection),
# and the import of one WARC file the crawl wrote (reading, extraction, detection and the store).
set -euo pipefail
cd "$(dirname "$0")/.."
ADS=${1:-5000}
OUT=bench/out/crawl; rm -rf "$OUT"; mkdir -p "$OUT"
command -v /usr/bin/time >/dev/null || { apt-get install -y time >/dev/null 2>&1 || true; }
cargo build --release -q
BIN=./target/release/wildwatch
PORT=18700
$BIN fixture-market --addr 127.0.0.1:$PORT --ads "$ADS" --seed 3 > "$OUT/sites.txt" 2>&1 &
FX=$!
trap 'kill $FX 2>/dev/null || true' EXIT
# The fixture prints its sites once it serves them (larger worlds take longer to build).
for _ in $(seq 600); do grep -q '^forum ' "$OUT/sites.txt" 2>/dev/null && break; kill -0 $FX 2>/dev/null || break; sleep 0.1; done
grep -q '^forum ' "$OUT/sites.txt" || { echo "the fixture marketplace did not start:"; head -3 "$OUT/sites.txt"; exit 1; }
cat > "$OUT/campaign.toml" <<TOML
name = "bench"
keywords = ["a", "e", "o"]
rate_per_host = 0
concurrency_per_host = 16
concurrency = 64
timeout_secs = 10
# Scrapy fetches pages only; photos (fetched and hashed by default) are left out to compare like with like.
photos_per_ad = 0
TOML
i=0
# The forum asks for Crawl-delay: 1 in robots.txt, which wildwatch obeys and Scrapy does not, so the
# throughput comparison uses the three sites without one.
for site in leboncoin kleinanzeigen marktplaats; do
  printf '[[platform]]\nadapter = "%s"\nbase_url = "http://127.0.0.1:%d"\nmax_pages = 1000\n' "$site" $((PORT + i)) >> "$OUT/campaign.toml"
  i=$((i + 1))
done
/usr/bin/time -v $BIN --data "$OUT/data" crawl "$OUT/campaign.toml" --quiet 2> "$OUT/crawl.log"
grep -E "pages in" "$OUT/crawl.log"
WW_PPS=$(grep -oE '\(([0-9]+) pages/s\)' "$OUT/crawl.log" | grep -oE '[0-9]+' | head -1)
RSS=$(grep "Maximum resident" "$OUT/crawl.log" | awk '{print $NF}')
# Pages stored per second of the crawl (the store's fetch times): the steady rate, and the tail
# spent waiting for slow pages.
python3 - "$OUT/data/wildwatch.db" <<'PY'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
rows = db.execute(
    "SELECT fetched_at, COUNT(*) FROM pages GROUP BY fetched_at ORDER BY fetched_at").fetchall()
t0 = rows[0][0] if rows else 0
print("pages per second of the crawl: " + ", ".join(f"+{t - t0}s {n}" for t, n in rows))
n, last = db.execute("SELECT COUNT(*), MAX(fetched_at) FROM pages WHERE kind = 'search'").fetchone()
print(f"search pages: {n}, the last fetched at +{(last or t0) - t0}s")
PY
# The crawler's CPU and its evidence (WARC gzip level 2: see crates/warc/src/writer.rs).
grep -E "User time|System time" "$OUT/crawl.log" | sed 's/^\s*/crawl /'
du -sk "$OUT/data/evidence" | awk '{printf "evidence: %.1f MB of WARC files\n", $1 / 1024}'

# Scrapy peer: same seeds, same link rules (search pages -> ad pages, next and numbered page links),
# no rate limit, obeys robots.txt.
python3 -m venv "$OUT/venv" >/dev/null 2>&1 || { apt-get install -y python3-venv >/dev/null 2>&1; python3 -m venv "$OUT/venv"; }
"$OUT/venv/bin/pip" install -q scrapy >/dev/null
cat > "$OUT/spider.py" <<'PY'
import re, sys, time, scrapy
from scrapy.crawler import CrawlerProcess
PORT = int(sys.argv[1]); KW = ["a", "e", "o"]
SEARCH = [f"http://127.0.0.1:{PORT}/recherche?text={{k}}&page=1", f"http://127.0.0.1:{PORT+1}/s-suchanfrage.html?keywords={{k}}&seite=1",
          f"http://127.0.0.1:{PORT+2}/q/{{k}}/p/1/"]
AD = re.compile(r"/ad/\d+\.htm|/s-anzeige/[^/]+/\d+|/v/[^/]+/m\d+|/viewtopic\.php\?t=\d+")
class S(scrapy.Spider):
    name = "peer"
    custom_settings = {"ROBOTSTXT_OBEY": True, "CONCURRENT_REQUESTS": 64, "CONCURRENT_REQUESTS_PER_DOMAIN": 16,
                       "DOWNLOAD_DELAY": 0, "LOG_LEVEL": "ERROR", "DOWNLOAD_TIMEOUT": 10, "RETRY_TIMES": 1,
                       "DOWNLOAD_MAXSIZE": 5000000}
    pages = 0
    async def start(self):
        for t in SEARCH:
            for k in KW: yield scrapy.Request(t.format(k=k), callback=self.search)
    def search(self, r):
        S.pages += 1
        for h in r.css("a::attr(href)").getall():
            u = r.urljoin(h)
            if AD.search(u): yield scrapy.Request(u, callback=self.ad)
        # The next page and the numbered page links, as wildwatch's adapters follow them
        # (Scrapy's duplicate filter drops pages already requested).
        for n in r.css("a[rel=next]::attr(href), nav.pagination a.pagination-page::attr(href)").getall():
            yield scrapy.Request(r.urljoin(n), callback=self.search)
    def ad(self, r):
        S.pages += 1
        yield {"title": r.css("h1::text, h2::text, title::text").get()}
t = time.time(); p = CrawlerProcess(); c = p.create_crawler(S); p.crawl(c); p.start(); d = time.time() - t
# Pages = every HTTP response received (robots.txt, redirects, 404/410 and challenge pages too),
# as wildwatch counts every response it archives; the pages its callbacks saw are printed too.
n = c.stats.get_value("downloader/response_count", 0)
print(f"scrapy: {n} pages in {d:.1f}s ({n/d:.0f} pages/s); {S.pages} search and ad pages parsed")
PY
"$OUT/venv/bin/python" "$OUT/spider.py" $PORT | tee "$OUT/scrapy.log"
SC_PPS=$(grep -oE '\(([0-9]+) pages/s\)' "$OUT/scrapy.log" | grep -oE '[0-9]+' | head -1)

# Extraction alone, one core: re-read every archived page from the WARC files.
WARC=$(ls "$OUT"/data/evidence/*.warc.gz | head -1)
S=$(date +%s.%N)
RAYON_NUM_THREADS=1 $BIN --data "$OUT/import" import "$WARC" 2> "$OUT/import.log"
E=$(date +%s.%N)
python3 - "$WW_PPS" "${SC_PPS:-0}" "$RSS" "$(grep -oE 'imported [0-9]+' "$OUT/import.log" | grep -oE '[0-9]+')" "$(echo "$E - $S" | bc -l)" <<'PY'
import sys
ww, sc, rss, n, s = float(sys.argv[1]), float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), float(sys.argv[5])
print(f"wildwatch crawl : {ww:,.0f} pages/s, peak RSS {rss/1024:.0f} MB")
print(f"scrapy          : {sc:,.0f} pages/s")
print(f"ratio           : {ww/sc if sc else float('nan'):.1f}x")
print(f"import          : {n/s:,.0f} ad pages/s on one core (one WARC file read, extracted, detected and stored: {n} ads, {s:.1f} s incl. startup)")
PY
echo "extraction on one core (pages held in memory):"
cargo bench -q -p wildwatch-crawl --bench extract -- 500 3 2>/dev/null | tee "$OUT/extract.log"
