#!/usr/bin/env python3
"""Validate a market-corpus JSONL file: fields, enums, species names in taxa.csv."""
import csv, json, os, sys
ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
taxa = set()
with open(ROOT + '/data/refdata/taxa.csv', newline='') as f:
    for r in csv.DictReader(f):
        taxa.add(r['full_name'])
with open(ROOT + '/data/refdata/higher_taxa.csv', newline='') as f:
    rd = csv.reader(f); hdr = next(rd)
    for r in rd:
        for c in r:
            taxa.add(c)
KINDS = {"specimen","stamp","coin","book","print_art","figurine_toy","replica_cast","fossil","imitation","vehicle_tool_part","brand_product","other"}
ok = True
ids = set()
for path in sys.argv[1:]:
    for n, line in enumerate(open(path), 1):
        def bad(msg):
            global ok; ok = False; print(f"{path}:{n}: {msg}")
        try: o = json.loads(line)
        except Exception as e: bad(f"bad json {e}"); continue
        for k in ("id","title","description","price_text","platform","gold"):
            if k not in o: bad(f"missing {k}")
        if o.get("id") in ids: bad("duplicate id")
        ids.add(o.get("id"))
        g = o.get("gold", {})
        for k in ("lang","relevant","category","species","specimens","price_eur","documents","intent","risk","item_kind"):
            if k not in g: bad(f"gold missing {k}")
        if g.get("lang") not in ("en","fr","de","nl","other"): bad("lang")
        if g.get("category") not in ("live","part","lookalike","none"): bad("category")
        if g.get("intent") not in ("offer","wanted","swap","discussion"): bad("intent")
        if g.get("risk") not in ("high","medium","low","none"): bad("risk")
        if g.get("item_kind") not in KINDS: bad("item_kind")
        rel = g.get("relevant")
        if rel:
            if g.get("category") not in ("live","part"): bad("relevant needs live/part")
            if not g.get("species"): bad("relevant needs species")
            if g.get("risk") == "none": bad("relevant needs risk")
            if g.get("specimens") is None: bad("relevant needs specimens")
        else:
            if g.get("species"): bad("not relevant: species must be []")
            if g.get("risk") != "none": bad("not relevant: risk none")
            if g.get("documents"): bad("not relevant: documents []")
            if g.get("specimens") is not None: bad("not relevant: specimens null")
        if g.get("intent") == "discussion" and rel: bad("discussion cannot be relevant")
        for s in g.get("species", []):
            if s not in taxa: bad(f"species not in taxa.csv/higher_taxa.csv: {s}")
        for d in g.get("documents", []):
            if d not in ("cites_certificate","article10","ring","microchip","captive_bred","no_papers","antique","dna_sexed"): bad(f"document {d}")
print("OK" if ok else "ERRORS", len(ids), "items")
