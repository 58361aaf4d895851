#!/usr/bin/env bash
# Scan throughput and memory against the ceiling of plain multi-pattern search, in one run.
#   bench/scan.sh [N_ADS]   (default 1,000,000)
# Generates N ads (by cycling the labelled corpus with varied ids and prices), then measures
#   1. wildwatch scan: ads/s, MB/s and peak RSS (GNU time), all cores, and its start-up (the scan
#      of no ads: reference data and matcher built);
#   2. rg -F -i -f <all names and terms> over the same text (the ceiling of plain search), MB/s.
# The binary is taken from $CARGO_TARGET_DIR when set (else target/).
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-1000000}
OUT=bench/out; mkdir -p "$OUT"
command -v rg >/dev/null || { apt-get install -y ripgrep >/dev/null 2>&1 || true; }
command -v /usr/bin/time >/dev/null || { apt-get install -y time >/dev/null 2>&1 || true; }
cargo build --release -q -p wildwatch
WW="${CARGO_TARGET_DIR:-target}/release/wildwatch"
python3 - "$N" "$OUT/ads.jsonl" "$OUT/text.txt" <<'PY'
import json, sys, glob, random
n, out, txt = int(sys.argv[1]), sys.argv[2], sys.argv[3]
ads = []
for f in sorted(glob.glob("data/eval/*.jsonl")):
    for l in open(f, encoding="utf-8"):
        if l.strip():
            a = json.loads(l); a.pop("gold", None); a.pop("note", None); ads.append(a)
random.seed(7)
with open(out, "w", encoding="utf-8") as o, open(txt, "w", encoding="utf-8") as t:
    for i in range(n):
        a = dict(ads[i % len(ads)]); a["id"] = f"b{i}"
        if a.get("price_text") is None and i % 3 == 0: a["price_text"] = f"{random.randint(5, 3000)} €"
        o.write(json.dumps(a, ensure_ascii=False) + "\n")
        t.write((a.get("title") or "") + "\n" + (a.get("description") or "") + "\n")
PY
BYTES=$(stat -c %s "$OUT/text.txt")
# All names and terms wildwatch matches, one per line, for ripgrep.
python3 - "$OUT/names.txt" <<'PY'
import csv, sys, glob
names = set()
for r in csv.DictReader(open("data/refdata/taxa.csv", encoding="utf-8")): names.add(r["full_name"])
for r in csv.DictReader(open("data/refdata/synonyms.csv", encoding="utf-8")):
    if len(r["synonym_name"].split()) >= 2: names.add(r["synonym_name"])
for r in csv.DictReader(open("data/refdata/common_names.csv", encoding="utf-8")):
    if r["lang"] in ("en", "fr", "de", "nl"): names.add(r["common_name"])
for f in glob.glob("data/lexicon/*.csv"):
    for r in csv.DictReader(open(f, encoding="utf-8")):
        if r.get("term"): names.add(r["term"])
open(sys.argv[1], "w", encoding="utf-8").write("\n".join(sorted(n for n in names if len(n) >= 3)) + "\n")
PY
echo "ads: $N, text: $((BYTES / 1000000)) MB, patterns: $(wc -l < "$OUT/names.txt")"
# ripgrep with ~90k case-insensitive literals runs at well under 1 MB/s, so it reads a 5 MB sample
# of the same text; the comparison is in MB/s.
head -c 5000000 "$OUT/text.txt" > "$OUT/rg_sample.txt"
RG_BYTES=$(stat -c %s "$OUT/rg_sample.txt")
S=$(date +%s.%N)
"$WW" scan /dev/null > /dev/null 2>&1
E=$(date +%s.%N)
START_S=$(echo "$E - $S" | bc -l)
S=$(date +%s.%N)
/usr/bin/time -v "$WW" scan "$OUT/ads.jsonl" > "$OUT/scan.jsonl" 2> "$OUT/scan.time"
E=$(date +%s.%N)
RSS=$(grep "Maximum resident" "$OUT/scan.time" | awk '{print $NF}')
SCAN_S=$(echo "$E - $S" | bc -l)
S=$(date +%s.%N)
rg -F -i -c --regex-size-limit 2G --dfa-size-limit 2G -f "$OUT/names.txt" "$OUT/rg_sample.txt" > /dev/null || true
E=$(date +%s.%N)
RG_S=$(echo "$E - $S" | bc -l)
python3 - "$N" "$BYTES" "$SCAN_S" "$RG_S" "$RSS" "$RG_BYTES" "$START_S" <<'PY'
import sys
n, b, s, r, rss = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5])
rb, start = int(sys.argv[6]), float(sys.argv[7])
print(f"wildwatch scan : {n/s:,.0f} ads/s, {b/s/1e6:.1f} MB/s of ad text, {s:.2f} s, peak RSS {rss/1024:.0f} MB")
print(f"start-up       : {start:.2f} s (scan of no ads), so {n/max(s - start, 1e-9):,.0f} ads/s after it")
print(f"rg -F -i -f    : {rb/r/1e6:.2f} MB/s, {r:.2f} s on a {rb/1e6:.0f} MB sample")
print(f"ratio scan/rg  : {(b/s)/(rb/r):.2f}")
PY
