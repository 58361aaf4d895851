#!/usr/bin/env python3
"""Generate data/lexicon/ambiguous_names.csv: reference names that are also ordinary words.

A taxon name that is also an everyday word ("ship", "once", "drill", "crane") or a brand
("Puma", "Jaguar") must not make an ad relevant on its own: detection asks for corroboration
(a live/part/trade word next to it, a scientific name, a second name of the same taxon). This
script decides which names need it, from data, so the list can be regenerated when the reference
data or the word lists change:

  python3 -m pip install wordfreq==3.1.1      # word frequencies for en, fr, de, nl
  python3 scripts/ambiguous_names.py           # rewrites data/lexicon/ambiguous_names.csv

Word frequencies: the `wordfreq` package (https://github.com/rspeer/wordfreq, code Apache-2.0,
data CC-BY-SA 4.0), whose Zipf scale is log10 of a word's frequency per billion words, from
Wikipedia, subtitles, news, books, web text, Twitter and Reddit in each language. Only the
decision (name, reason) is shipped; no frequency data is copied into the project.

A single-word common name N of taxon T in language L is ambiguous when:
  1. N is on the curated list data/lexicon/sources/brands_products.csv (brands, products,
     people, places), or
  2. N is a common word (Zipf >= 3.3) of another language L2, at least as common there as in L,
     and in L2 N is neither a name of T's genus nor a word of one (a false friend: French
     "once" = snow leopard, English "once"; but not English "otter" for Dutch "otter"), or
  3. N is a very common word of L (Zipf >= 4.5: "ship"), or a common one (Zipf >= 4.0) while
     T is not a taxon traders deal in (data/refdata/trade_focus_taxa.csv, genus or species):
     the everyday meaning is then far likelier than the animal ("drill", "crane", "kite").
A one-word scientific name (a genus: Manis, Cattleya, Python) is ambiguous when it is on the
curated list or a word of any of the four languages with Zipf >= 3.0.
Names of four letters or fewer are already treated as ambiguous by the matcher.

It also writes data/lexicon/false_friends.csv: the language-specific terms of the word lists
(parts, live words, look-alike and item-kind cues, documents) that are ordinary words of another
of the four languages (Zipf >= 3.0 there, and not much rarer there than at home). Every other
term counts whatever language the ad is guessed to be in.
"""
import csv
import sys
import unicodedata
from pathlib import Path

from wordfreq import zipf_frequency

ROOT = Path(__file__).resolve().parent.parent
REF = ROOT / "data" / "refdata"
LEX = ROOT / "data" / "lexicon"
LANGS = ("en", "fr", "de", "nl")
FALSE_FRIEND = 3.3
VERY_COMMON = 4.5
COMMON_UNTRADED = 4.0
GENUS_WORD = 3.0


def fold(s: str) -> str:
    s = unicodedata.normalize("NFKD", s.lower())
    return "".join(c for c in s if not unicodedata.combining(c)).replace("ß", "ss")


def load_curated():
    out = {}
    with open(LEX / "sources" / "brands_products.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(r for r in f if not r.startswith("#")):
            out[fold(row["term"])] = f"{row['kind']}: {row['note']}"
    return out


def load_trade_focus():
    names = set()
    with open(REF / "trade_focus_taxa.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            sci = row["scientific_name"].strip()
            names.add(sci)
            names.add(sci.split(" ")[0])
    return names


def load_names():
    """(taxon scientific name, lang, name) for every common name, and the taxa each word of a
    name stands for, by (lang, folded word)."""
    rows = []
    by_lang = {}
    with open(REF / "common_names.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            lang = row["lang"]
            if lang not in LANGS:
                continue
            sci, name = row["scientific_name"], row["common_name"].strip()
            rows.append((sci, lang, name))
            by_lang.setdefault((lang, fold(name)), set()).add(sci)
            for w in fold(name).replace("-", " ").split():
                by_lang.setdefault((lang, w), set()).add(sci)
                by_lang.setdefault((lang, w.rstrip("s")), set()).add(sci)
    return rows, by_lang


def same_taxon(a: str, others) -> bool:
    """True when a scientific name equals, or is the genus of, or belongs to the genus of, one of others."""
    ga = a.split(" ")[0]
    return any(o == a or o.split(" ")[0] == ga for o in others)




def why_common_name(sci, lang, word, curated, trade, by_lang):
    if word in curated:
        return curated[word]
    for l2 in LANGS:
        if l2 == lang:
            continue
        z = zipf_frequency(word, l2)
        # At least as common there as at home, and not (part of) a name of the taxon there.
        if (
            z >= FALSE_FRIEND
            and z >= zipf_frequency(word, lang)
            and not same_taxon(sci, by_lang.get((l2, word), ()))
            and not same_taxon(sci, by_lang.get((l2, word.rstrip("s")), ()))
        ):
            return f"also a common {l2} word (wordfreq Zipf {z:.1f})"
    z = zipf_frequency(word, lang)
    if z >= VERY_COMMON:
        return f"a very common {lang} word (wordfreq Zipf {z:.1f})"
    traded = sci in trade or sci.split(" ")[0] in trade
    if z >= COMMON_UNTRADED and not traded:
        return f"a common {lang} word (wordfreq Zipf {z:.1f}) and the taxon is rarely traded"
    return None


def genus_names():
    out = set()
    with open(REF / "taxa.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            if row["rank"] in ("GENUS", "FAMILY", "ORDER"):
                out.add(row["full_name"])
    return out


def load_groups():
    """Group names the lexicon already gives a taxon (cactus, Papagei): not ambiguous."""
    with open(LEX / "groups.csv", newline="", encoding="utf-8") as f:
        return {fold(row["term"]) for row in csv.DictReader(f)}


def main() -> int:
    curated = load_curated()
    groups = load_groups()
    trade = load_trade_focus()
    rows, by_lang = load_names()
    found = {}
    for sci, lang, name in rows:
        word = fold(name)
        if " " in word or "-" in word or len(word) <= 4 or word in groups:
            continue
        why = why_common_name(sci, lang, word, curated, trade, by_lang)
        if why and word not in found:
            found[word] = f"{lang} name of {sci}; {why}"
    for genus in sorted(genus_names()):
        word = fold(genus)
        if len(word) <= 4 or word in found:
            continue
        if word in curated:
            found[word] = f"scientific name {genus}; {curated[word]}"
            continue
        z = max(zipf_frequency(word, l) for l in LANGS)
        if z >= GENUS_WORD:
            found[word] = f"scientific name {genus}; a common word (wordfreq Zipf {z:.1f})"
    for word, note in curated.items():
        found.setdefault(word, note)
    write_ambiguous(found)
    write_false_friends()
    return 0


def write_ambiguous(found):
    out = LEX / "ambiguous_names.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        f.write("# GENERATED by scripts/ambiguous_names.py from data/refdata/common_names.csv,\n")
        f.write("# data/lexicon/sources/brands_products.csv and wordfreq 3.1.1. Do not edit by hand.\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["term", "lang", "note"])
        for word in sorted(found):
            w.writerow([word, "any", found[word]])
    print(f"{len(found)} ambiguous names written to {out.relative_to(ROOT)}", file=sys.stderr)


# Lexicon lists whose terms count in an ad of any language (a wrong language guess must not hide
# a part, a material or a live word), except the terms written here.
CROSS_LANGUAGE_LISTS = (
    "parts", "live", "lookalikes", "item_kinds", "other_names", "documents", "excluded", "intent",
)


def write_false_friends():
    """Terms of a language-specific lexicon row that are ordinary words of another language
    (German "bein" is not English; Dutch "kooi" is not; but English "nz" …): these count only
    in an ad of their own language."""
    rows = []
    for lst in CROSS_LANGUAGE_LISTS:
        with open(LEX / f"{lst}.csv", newline="", encoding="utf-8") as f:
            for row in csv.DictReader(r for r in f if not r.startswith("#")):
                lang, term = row.get("lang", "any"), fold(row["term"] or "")
                # Phrases are specific enough; only single words can be another language's word.
                if lang not in LANGS or not term or " " in term:
                    continue
                home = zipf_frequency(term, lang)
                for l2 in LANGS:
                    z = zipf_frequency(term, l2)
                    if l2 != lang and z >= GENUS_WORD and z >= home - 0.5:
                        rows.append((term, lang, f"{lst}.csv; a common {l2} word (wordfreq Zipf {z:.1f})"))
                        break
    out = LEX / "false_friends.csv"
    with open(out, "w", newline="", encoding="utf-8") as f:
        f.write("# GENERATED by scripts/ambiguous_names.py from the lexicon lists and wordfreq 3.1.1.\n")
        f.write("# A term here counts only in ads of its own language (`lang`). Do not edit by hand.\n")
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["term", "lang", "note"])
        for r in sorted(set(rows)):
            w.writerow(r)
    print(f"{len(set(rows))} false friends written to {out.relative_to(ROOT)}", file=sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
