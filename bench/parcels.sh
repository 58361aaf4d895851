#!/usr/bin/env bash
# Benchmark: `wildwatch parcels screen` on a generated manifest of N rows
# (default 1,000,000), against a baseline read of the same CSV (python csv).
# Usage: bench/parcels.sh [ROWS]   (needs a release build: cargo build --release -p wildwatch)
set -euo pipefail
N=${1:-1000000}
BIN=${BIN:-target/release/wildwatch}
DIR=$(mktemp -d)
trap 'rm -rf "$DIR"' EXIT
python3 - "$N" "$DIR/manifest.csv" <<'PY'
import csv, random, sys
n, out = int(sys.argv[1]), sys.argv[2]
random.seed(7)
clean = ["book", "books", "clothes", "ceramic mug", "Vogelfutter", "spare parts", "phone case",
         "vêtements", "livres", "Bücher", "Ersatzteile", "kleding", "boeken", "shoes", "toys",
         "documents", "cosmetics", "tasse en céramique", "Kaffee", "thee"]
risky = ["2 live turtles", "live reptiles", "ceramic turtle", "ivoire sculpté", "Vogel",
         "lebende Reptilien", "levende reptielen", "Graupapagei", "dried seafood", "Keramik Schildkröte"]
pool = [f"{random.choice(clean)} {i}" if i % 3 else random.choice(clean) for i in range(3000)]
phones = [f"06 {random.randint(10,99)} {random.randint(10,99)} {random.randint(10,99)} {random.randint(10,99)}" for _ in range(50000)]
with open(out, "w", newline="", encoding="utf-8") as f:
    w = csv.writer(f)
    w.writerow(["shipment", "sender_name", "sender_phone", "sender_email", "recipient_name",
                "recipient_phone", "contents", "weight", "value", "origin", "destination"])
    for i in range(n):
        c = random.choice(risky) if random.random() < 0.01 else random.choice(pool)
        w.writerow([f"S{i}", f"Sender {i % 9973}", random.choice(phones), f"user{i % 20011}@example.org",
                    f"Recipient {i % 7919}", random.choice(phones), c,
                    f"{random.randint(1, 5000)} g", f"{random.randint(1, 300)} EUR", "FR", "NL"])
PY
ls -l "$DIR/manifest.csv"
echo "== baseline: python csv read"
/usr/bin/time -f "wall %e s, peak RSS %M KB" python3 -c "import csv,sys; print(sum(1 for _ in csv.reader(open(sys.argv[1], encoding='utf-8'))))" "$DIR/manifest.csv"
echo "== baseline: wc -l"
/usr/bin/time -f "wall %e s, peak RSS %M KB" wc -l "$DIR/manifest.csv"
echo "== wildwatch parcels screen (csv out, flagged rows)"
/usr/bin/time -f "wall %e s, peak RSS %M KB" "$BIN" --data "$DIR" parcels screen "$DIR/manifest.csv" --format csv > "$DIR/out.csv"
wc -l < "$DIR/out.csv"
