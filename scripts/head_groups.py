#!/usr/bin/env python3
"""Generate data/lexicon/head_groups.csv: the head word of a genus's common names as a name of
the genus ("babouin" → Papio, "macaque" → Macaca, "varan" → Varanus, "capuchin" → Cebus).

Official name lists give each species a two-word name built on one head word ("Babouin anubis",
"Babouin jaune", "Babouin de Guinée"), but traders and owners write the head word alone ("crâne
de babouin", "bébé macaque", "varan à vendre"). This script finds, from the reference data, the
head words that can stand for a whole genus, so the list can be regenerated when the data
changes:

  python3 -m pip install wordfreq==3.1.1      # word frequencies for en, fr, de, nl
  python3 scripts/head_groups.py               # rewrites data/lexicon/head_groups.csv

A head word W (French: the first word of a name; English: the last) of language L becomes a name
of genus G when:
  1. the genus G itself is listed (its GENUS row in data/refdata/taxa.csv has a listing other
     than NC), so every species the word may mean is covered;
  2. at least three species names of G in L share W, and no species name of another genus in L
     does (so "tortoise", "eagle", "tortue" stay out: they span genera);
  3. W has at least five letters and is not itself a whole common name (then it already names
     its taxon);
  4. W is not an everyday word: its wordfreq Zipf frequency is below 3.0 in each of en, fr, de,
     nl ("amazon", "monitor", "mango", "palette", "brilliant" stay out), and it is not on the
     curated brands list (data/lexicon/sources/brands_products.csv), nor in EXCLUDED below;
  5. W is not already a group name written by hand (data/lexicon/groups.csv), which stays
     unambiguous.
The generated names are written to the ambiguous list too (same file, loaded by both lists):
a head word alone never makes an ad relevant; it needs a live, part or trade word, like any other
ambiguous name, and it counts only in an ad of its own language.
"""
import csv
import re
import unicodedata
from collections import defaultdict
from pathlib import Path

from wordfreq import zipf_frequency

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "data" / "refdata"
LEX = ROOT / "data" / "lexicon"
LANGS = ("en", "fr", "de", "nl")
MIN_SPECIES = 3
MAX_ZIPF = 3.0
# Head words that pass the rules but mean something else as often (checked by hand, with why).
EXCLUDED = {
    "griffon": "a dog breed (Griffon bruxellois, Korthals griffon) as often as the vulture",
    "geckos": "French plural of gecko: most geckos sold are unlisted (leopard gecko)",
}


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c)).replace("ß", "ss")


def load_taxa():
    with open(REF / "taxa.csv", newline="", encoding="utf-8") as f:
        taxa = {row["taxon_id"]: row for row in csv.DictReader(f)}
    listed_genera = {
        t["full_name"]
        for t in taxa.values()
        if t["rank"] == "GENUS" and t["cites_listing"] not in ("", "NC")
    }
    return taxa, listed_genera


def load_curated():
    with open(LEX / "sources" / "brands_products.csv", newline="", encoding="utf-8") as f:
        return {fold(r["term"]) for r in csv.DictReader(x for x in f if not x.startswith("#"))}


def curated_groups():
    """The group names written by hand (data/lexicon/groups.csv): they stay unambiguous."""
    with open(LEX / "groups.csv", newline="", encoding="utf-8") as f:
        return {fold(r["term"]) for r in csv.DictReader(f)}


def head_words(taxa):
    """(lang, head word) → genus → species, and every whole name per language."""
    heads = defaultdict(lambda: defaultdict(set))
    whole = defaultdict(set)
    with open(REF / "common_names.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            lang = row["lang"]
            if lang not in ("en", "fr"):
                continue
            whole[lang].add(fold(row["common_name"].strip()))
            t = taxa.get(row["taxon_id"])
            if not t or t["rank"] != "SPECIES":
                continue
            words = re.split(r"[\s\-]+", row["common_name"].strip().lower())
            if len(words) < 2:
                continue
            head = words[0] if lang == "fr" else words[-1]
            heads[(lang, head)][t["genus"]].add(t["full_name"])
    return heads, whole


def everyday(word: str) -> bool:
    return any(zipf_frequency(word, lang) >= MAX_ZIPF for lang in LANGS)


def main():
    taxa, listed_genera = load_taxa()
    curated = load_curated()
    groups = curated_groups()
    heads, whole = head_words(taxa)
    rows = []
    for (lang, head), genera in sorted(heads.items()):
        if len(genera) != 1:
            continue
        genus, species = next(iter(genera.items()))
        if (
            genus not in listed_genera
            or len(species) < MIN_SPECIES
            or len(head) < 5
            or fold(head) in whole[lang]
            or fold(head) in curated
            or everyday(head)
            or head in EXCLUDED
            or fold(head) in groups
        ):
            continue
        rows.append((head, lang, genus, len(species)))
    out = LEX / "head_groups.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        f.write(
            "# GENERATED by scripts/head_groups.py from data/refdata/taxa.csv, common_names.csv,\n"
            "# data/lexicon/sources/brands_products.csv and wordfreq 3.1.1. Do not edit by hand.\n"
        )
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["term", "lang", "taxon", "note"])
        for head, lang, genus, n in rows:
            w.writerow([head, lang, genus, f"head word of {n} species names of {genus}"])
    print(f"wrote {len(rows)} head words to {out.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
