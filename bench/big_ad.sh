#!/usr/bin/env bash
# Peak memory and time of `wildwatch scan` on one huge ad (10 MB and 50 MB descriptions), with the
# default analysed-text cap and, as the baseline in the same run, with the cap lifted.
#   bench/big_ad.sh
set -euo pipefail
cd "$(dirname "$0")/.."
command -v /usr/bin/time >/dev/null || { apt-get install -y time >/dev/null 2>&1 || true; }
cargo build --release -q -p wildwatch
WW="${CARGO_TARGET_DIR:-target}/release/wildwatch"
OUT=bench/out; mkdir -p "$OUT"
python3 - "$OUT" <<'PY'
import json, sys
base = "Elfenbein Schnitzerei alt, ohne Papiere. Sehr schönes Stück aus Nachlass, Versand möglich. "
for mb in (10, 50):
    d = (base * (mb * 1024 * 1024 // len(base) + 1))[: mb * 1024 * 1024]
    with open(f"{sys.argv[1]}/big{mb}.jsonl", "w", encoding="utf-8") as f:
        f.write(json.dumps({"id": "big", "title": "Elfenbein Figur", "description": d, "price_text": "300 €"}, ensure_ascii=False) + "\n")
PY
rss() { grep "Maximum resident" "$1" | awk '{printf "%.0f MB", $NF/1024}'; }
wall() { grep "Elapsed" "$1" | awk '{print $NF}'; }
/usr/bin/time -v "$WW" scan /dev/null >/dev/null 2>"$OUT/empty.time"
echo "no ads (start-up): $(rss "$OUT/empty.time")"
for mb in 10 50; do
  /usr/bin/time -v "$WW" scan "$OUT/big$mb.jsonl" >/dev/null 2>"$OUT/big$mb.time"
  /usr/bin/time -v "$WW" --max-text-bytes 1000000000 scan "$OUT/big$mb.jsonl" >/dev/null 2>"$OUT/big$mb.nocap.time"
  echo "$mb MB ad: capped $(rss "$OUT/big$mb.time") in $(wall "$OUT/big$mb.time"); uncapped $(rss "$OUT/big$mb.nocap.time") in $(wall "$OUT/big$mb.nocap.time")"
done
