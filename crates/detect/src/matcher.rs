//! Every name of every taxon and every lexicon term, looked up once over the normalised ad text
//! (a trie walked from each word boundary, see `trie`); hits are then checked for word
//! boundaries, inflections and compounds.

use std::collections::hash_map::Entry;

use rustc_hash::{FxHashMap, FxHashSet};

use rayon::prelude::*;
use wildwatch_refdata::{NameKind, Rank, RefData, TaxonId};
use wildwatch_text::{normalize, Normalized, JOIN, SPLIT};

use crate::lexicon::{Lexicon, List};
use crate::trie::Trie;
use crate::DetectError;

/// What a pattern means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Meaning {
    /// A name of a taxon.
    Name {
        /// The taxon.
        taxon: TaxonId,
        /// Which kind of name.
        kind: NameKind,
    },
    /// A lexicon row.
    Term {
        /// The list.
        list: List,
        /// Index in [`Lexicon::entries`].
        row: u32,
    },
}

/// Per-pattern facts.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// Everything the pattern means.
    pub meanings: Vec<Meaning>,
    /// German/Dutch word that may stand inside a compound (Landschildkröte, Elfenbeinschnitzerei).
    pub compound: bool,
    /// A name in another language that German and Dutch ads use as the first part of a compound
    /// (Leopard|enfell, Python|leder): accepted there only as a modifier, never as a head.
    pub modifier: bool,
    /// Written with a hyphen or space where the text may have none (so a split is not evasion).
    pub has_joiner: bool,
    /// Short patterns match only as exact whole words (no plural endings).
    pub exact: bool,
    /// On the ambiguous-names list: needs wildlife context.
    pub ambiguous: bool,
    /// The language of an ambiguous name that is a name in that language only ("once", French):
    /// in an ad of another language it is the other word, whatever the context.
    pub ambiguous_lang: Option<String>,
    /// A group name from the lexicon: its taxon wins over any reference name with the same key
    /// ("seahorse" is the genus, not one species that happens to carry the name).
    pub group: Option<TaxonId>,
}

/// A pattern found in the normalised text.
#[derive(Debug, Clone, Copy)]
pub struct Hit {
    /// Normalised start.
    pub start: usize,
    /// Normalised end (including any plural ending).
    pub end: usize,
    /// Pattern index.
    pub pattern: u32,
    /// Length of the pattern itself (shorter than the hit when an ending was accepted).
    pub key_len: u32,
}

/// The compiled matcher.
pub struct Matcher {
    /// Every key.
    all: Trie,
    /// The keys that may stand inside a German or Dutch compound ([`Pattern::compound`]),
    /// reversed: inside a word, such a key is accepted only where the word ends (perhaps with an
    /// inflection), so it is looked for backwards from there.
    compounds_reversed: Trie,
    /// Pattern facts, by pattern index.
    pub patterns: Vec<Pattern>,
}

const SUFFIXES: &[&str] = &[
    "s", "es", "x", "e", "en", "n", "er", "ern", "ens", "nen", "tjes", "tje", "jes",
];

/// The longest inflection ending: of [`SUFFIXES`] and of a doubled consonant + `en`.
const MAX_SUFFIX: usize = 4;

/// True when `text[end..word_end]` is an inflection ending: one of [`SUFFIXES`], or the last
/// letter doubled + `en` (Schildpad|den).
#[inline]
fn inflection(text: &[u8], end: usize, word_end: usize) -> bool {
    let suffix = &text[end..word_end];
    match suffix.len() {
        1..=4 => {
            SUFFIXES.iter().any(|s| s.as_bytes() == suffix)
                || (suffix.len() == 3
                    && end > 0
                    && suffix[0] == text[end - 1]
                    && &suffix[1..] == b"en")
        }
        _ => false,
    }
}

fn variants(term: &str, first_word_plural: bool) -> Vec<String> {
    let mut out = vec![normalize(term).text];
    // Written apart in the list, joined in the ad (EG-Bescheinigung → egbescheinigung).
    let words = out[0].split(' ').count();
    if (2..=3).contains(&words) && out[0].len() >= 8 {
        out.push(out[0].replace(' ', ""));
    }
    // French and English plurals fall on the first word: poils d'éléphant, défenses sculptées.
    if let Some((first, rest)) = out[0].split_once(' ').filter(|_| first_word_plural) {
        if first.len() >= 4 && !first.ends_with(['s', 'x']) {
            out.push(format!("{first}s {rest}"));
        }
    }
    if term.contains('-') {
        out.push(normalize(&term.replace('-', " ")).text);
    }
    let lower = term.to_lowercase();
    // Fischer's Lovebird → fischers lovebird, fischer lovebird.
    for apos in ["'s ", "’s "] {
        if lower.contains(apos) {
            out.push(normalize(&lower.replace(apos, "s ")).text);
            out.push(normalize(&lower.replace(apos, " ")).text);
        }
    }
    if lower.contains(['ä', 'ö', 'ü', 'ß']) {
        let alt = lower
            .replace('ä', "ae")
            .replace('ö', "oe")
            .replace('ü', "ue");
        out.push(normalize(&alt).text);
    }
    out.retain(|v| !v.is_empty());
    out.dedup();
    out
}

/// The singular of a Dutch plural group name (zaagvissen → zaagvis, kameleons → kameleon,
/// papegaaien → papegaai): group names are written in the plural, ads name one animal. The
/// inflection check covers the other direction (a singular key matching a plural in the ad).
fn dutch_singular(key: &str) -> Option<String> {
    if key.contains(' ') || key.len() < 7 {
        return None;
    }
    let b = key.as_bytes();
    let n = b.len();
    if key.ends_with("en") && n >= 4 && b[n - 3] == b[n - 4] && !b"aeiou".contains(&b[n - 3]) {
        return Some(key[..n - 3].to_string());
    }
    if key.ends_with("aien") || key.ends_with("oien") || key.ends_with("ieen") {
        return Some(key[..n - 2].to_string());
    }
    if key.ends_with('s') && !key.ends_with("ss") && b"nrlm".contains(&b[n - 2]) {
        return Some(key[..n - 1].to_string());
    }
    None
}

/// Every reference name with its keys (variants) and meaning, and whether it may stand in a
/// compound. Normalising ~100,000 names and their variants is most of the build: done on all cores.
fn name_items(refdata: &RefData) -> Vec<(String, Vec<String>, Meaning, bool)> {
    refdata
        .names
        .par_iter()
        .flat_map_iter(|n| {
            let mut items = Vec::new();
            // Names of one or two letters ("Aa") only make noise.
            if n.text.chars().filter(|c| c.is_alphabetic()).count() < 3 {
                return items;
            }
            let meaning = Meaning::Name {
                taxon: n.taxon,
                kind: n.kind,
            };
            let compound = matches!(n.kind, NameKind::De | NameKind::Nl);
            // Keepers write binomials with the genus abbreviated: B. smithi, D. tinctorius.
            if n.kind == NameKind::Scientific {
                let parts: Vec<&str> = n.text.split_whitespace().collect();
                if parts.len() == 2
                    && parts[1].len() >= 5
                    && parts[1].chars().all(|c| c.is_ascii_lowercase())
                {
                    let initial = parts[0].chars().next().unwrap_or('x');
                    let abbr = format!("{initial}. {}", parts[1]);
                    let keys = variants(&abbr, false);
                    items.push((abbr, keys, meaning, false));
                }
            }
            let plural = matches!(n.kind, NameKind::En | NameKind::Fr);
            let mut keys = variants(&n.text, plural);
            let group = refdata.taxon(n.taxon).rank < Rank::Species;
            if group && n.kind == NameKind::Nl {
                keys.extend(dutch_singular(&keys[0]));
            }
            items.push((n.text.clone(), keys, meaning, compound));
            items
        })
        .collect()
}

impl Matcher {
    /// Compiles every taxon name and lexicon term into one trie (and the compound keys, reversed,
    /// into a second).
    pub fn build(refdata: &RefData, lexicon: &Lexicon) -> Result<Matcher, DetectError> {
        // Key → pattern index (a fast hash: ~250,000 keys of our own).
        let mut index: FxHashMap<String, u32> = FxHashMap::default();
        let mut patterns: Vec<Pattern> = Vec::new();
        let ambiguous: FxHashSet<String> = lexicon
            .entries(List::Ambiguous)
            .iter()
            .map(|e| normalize(&e.term).text)
            .collect();
        // Ambiguous names of one language ("once", French for the snow leopard): the language.
        // A term that is ambiguous in two languages (macaque, en and fr) is bound to neither.
        let mut ambiguous_lang: FxHashMap<String, String> = FxHashMap::default();
        for e in lexicon.entries(List::Ambiguous) {
            let key = normalize(&e.term).text;
            let lang = if e.lang == "any" {
                "any"
            } else {
                e.lang.as_str()
            };
            match ambiguous_lang.entry(key) {
                Entry::Vacant(v) => {
                    v.insert(lang.to_string());
                }
                Entry::Occupied(mut o) if o.get() != lang => {
                    o.insert("any".to_string());
                }
                Entry::Occupied(_) => {}
            }
        }
        ambiguous_lang.retain(|_, lang| lang != "any");
        let mut group_keys: Vec<(String, TaxonId)> = Vec::new();
        let mut add =
            |term: &str, keys_of_term: Vec<String>, meaning: Meaning, compound_lang: bool| {
                for key in keys_of_term {
                    if key.len() < 2 {
                        continue;
                    }
                    let (len, spaced) = (key.len(), key.contains(' '));
                    let id = match index.entry(key) {
                        Entry::Occupied(e) => *e.get(),
                        Entry::Vacant(v) => {
                            patterns.push(Pattern {
                                meanings: Vec::new(),
                                compound: false,
                                modifier: false,
                                has_joiner: false,
                                exact: len <= 3,
                                ambiguous: ambiguous.contains(v.key()),
                                ambiguous_lang: ambiguous_lang.get(v.key()).cloned(),
                                group: None,
                            });
                            *v.insert((patterns.len() - 1) as u32)
                        }
                    };
                    let p = &mut patterns[id as usize];
                    if !p.meanings.contains(&meaning) {
                        p.meanings.push(meaning);
                    }
                    p.compound |= compound_lang && len >= 5 && !spaced;
                    // Four-letter names too (Wolf|s|schädel, Puma|fell): a modifier names the
                    // animal only when a word of ours heads the compound, so Wolf|gang stays a name.
                    p.modifier |= matches!(meaning, Meaning::Name { .. }) && len >= 4 && !spaced;
                    // Names of four letters or fewer (Ara, Boa, Uhu, Once) are too often other words.
                    p.ambiguous |= matches!(meaning, Meaning::Name { .. }) && len <= 4;
                    p.has_joiner |= term.contains(['-', ' ']);
                }
            };
        let name_items = name_items(refdata);
        for (term, keys_of_term, meaning, compound) in name_items {
            add(&term, keys_of_term, meaning, compound);
        }
        for e in lexicon.entries(List::Groups) {
            let Some(&taxon) = refdata.lookup(&e.value).first() else {
                return Err(DetectError::Config(format!(
                    "{}: group `{}` names taxon `{}`, which is not in the reference data",
                    e.list, e.term, e.value
                )));
            };
            let kind = match e.lang.as_str() {
                "fr" => NameKind::Fr,
                "de" => NameKind::De,
                "nl" => NameKind::Nl,
                _ => NameKind::En,
            };
            add(
                &e.term,
                variants(&e.term, true),
                Meaning::Name { taxon, kind },
                matches!(e.lang.as_str(), "de" | "nl"),
            );
            group_keys.extend(variants(&e.term, true).into_iter().map(|k| (k, taxon)));
        }
        for list in List::ALL {
            if list.is_meta() {
                continue;
            }
            for (row, e) in lexicon.entries(list).iter().enumerate() {
                let compound = list.compounds() && matches!(e.lang.as_str(), "de" | "nl");
                add(
                    &e.term,
                    variants(&e.term, true),
                    Meaning::Term {
                        list,
                        row: row as u32,
                    },
                    compound,
                );
            }
        }
        for (key, taxon) in group_keys {
            if let Some(&id) = index.get(&key) {
                patterns[id as usize].group = Some(taxon);
            }
        }
        Ok(Matcher::compile(&index, patterns))
    }

    /// The two tries over the keys: every key, and the compound keys reversed.
    fn compile(index: &FxHashMap<String, u32>, patterns: Vec<Pattern>) -> Matcher {
        let mut key_bytes: Vec<&[u8]> = vec![&[]; patterns.len()];
        for (key, &id) in index {
            key_bytes[id as usize] = key.as_bytes();
        }
        let ids: Vec<u32> = (0..patterns.len() as u32).collect();
        let (compound_keys, compound_ids): (Vec<Vec<u8>>, Vec<u32>) = key_bytes
            .iter()
            .zip(&ids)
            .filter(|(_, &id)| patterns[id as usize].compound)
            .map(|(k, id)| (k.iter().rev().copied().collect(), *id))
            .unzip();
        let compound_keys: Vec<&[u8]> = compound_keys.iter().map(Vec::as_slice).collect();
        let (all, compounds_reversed) = rayon::join(
            || Trie::build(&key_bytes, &ids),
            || Trie::build(&compound_keys, &compound_ids),
        );
        Matcher {
            all,
            compounds_reversed,
            patterns,
        }
    }

    /// Number of patterns.
    pub fn len(&self) -> usize {
        self.patterns.len()
    }

    /// True when there are no patterns.
    pub fn is_empty(&self) -> bool {
        self.patterns.is_empty()
    }

    /// Finds all accepted hits, longest first where they overlap, returned in text order.
    /// `compounds` allows German/Dutch compound matching (off for English and French ads, where
    /// "grasses" must not yield the German name "Rasse").
    pub fn find(&self, n: &Normalized, compounds: bool) -> Vec<Hit> {
        let text = n.text.as_bytes();
        let mut cands: Vec<Hit> = Vec::with_capacity(16);
        // The raw matches that can be accepted: every key that starts at a word boundary, and (when
        // compounds are allowed) every compound key inside a word that ends where the word does,
        // or where an inflection ending starts. Their order does not matter: candidates are
        // sorted by a key that tells any two apart.
        let flags = n.byte_flags();
        let join = |pos: usize| flags.get(pos).is_some_and(|f| f & JOIN != 0);
        // Word by word (tokens are separated by one space): a key may start at the word's start
        // or at a soft boundary inside it.
        let mut word_start = 0;
        while word_start < text.len() {
            let word_end = text[word_start..]
                .iter()
                .position(|&b| b == b' ')
                .map_or(text.len(), |i| word_start + i);
            let joins = flags
                .get(word_start + 1..word_end)
                .is_some_and(|f| f.iter().any(|f| f & JOIN != 0));
            for start in word_start..word_end {
                if start > word_start && !(joins && join(start)) {
                    continue;
                }
                self.all
                    .walk(text[start..].iter().copied(), |len, pattern| {
                        if let Some(hit) =
                            self.accept(n, start, start + len, pattern, true, compounds)
                        {
                            cands.push(hit);
                        }
                    });
                if !joins {
                    break;
                }
            }
            if compounds {
                // A compound key inside the word is accepted only where a word ends: at the next
                // space, soft boundary or the end of the text (see `accept`), or where an
                // inflection ending before it starts. Walk back from there.
                let mut after_stop = word_start;
                for stop in word_start..=word_end {
                    if stop < word_end && !(joins && join(stop)) {
                        continue;
                    }
                    self.compounds_ending_at(n, after_stop, stop, &mut cands);
                    after_stop = stop + 1;
                }
            }
            word_start = word_end + 1;
        }
        longest_first(cands, text.len())
    }

    /// Compound keys that start inside a word and end at `stop` (a space, soft boundary or the
    /// end of the text), or where an inflection ending before it starts (not before `from`).
    fn compounds_ending_at(&self, n: &Normalized, from: usize, stop: usize, cands: &mut Vec<Hit>) {
        let text = n.text.as_bytes();
        // Every ending ends in one of these letters.
        let inflected = stop > 0 && matches!(text[stop - 1], b's' | b'x' | b'e' | b'n' | b'r');
        let from = if inflected {
            from.max(stop.saturating_sub(MAX_SUFFIX))
        } else {
            stop
        };
        for end in from..=stop {
            if end < stop && !inflection(text, end, stop) {
                continue;
            }
            self.compounds_reversed
                .walk(text[..end].iter().rev().copied(), |len, pattern| {
                    let start = end - len;
                    if n.is_boundary(start) {
                        return; // found by the walk from the boundary
                    }
                    if let Some(hit) = self.accept(n, start, end, pattern, false, true) {
                        cands.push(hit);
                    }
                });
        }
    }

    /// Checks one raw match of a key against word boundaries, endings and compounds.
    #[inline]
    fn accept(
        &self,
        n: &Normalized,
        start: usize,
        end: usize,
        pattern: u32,
        left: bool,
        compounds: bool,
    ) -> Option<Hit> {
        let text = n.text.as_bytes();
        let p = &self.patterns[pattern as usize];
        let compound = p.compound && compounds;
        // Most raw matches are pieces of longer words: drop them before any other work.
        if !left && !compound {
            return None;
        }
        // The word ends at the next space or soft boundary.
        let mut word_end = end;
        while word_end < text.len() && text[word_end] != b' ' && n.flag_at(word_end) & JOIN == 0 {
            word_end += 1;
        }
        let right_exact = end == word_end;
        let right_inflected = !p.exact && inflection(text, end, word_end);
        let hit_end = if right_exact || right_inflected {
            word_end
        } else if (compound || p.modifier && compounds) && left && !p.exact {
            // Compound modifier: Elfenbein|schnitzerei, Papageien|käfig, Leopard|enfell.
            end
        } else {
            return None;
        };
        if !left && !(compound && (right_exact || right_inflected)) {
            return None;
        }
        Some(Hit {
            start,
            end: hit_end,
            key_len: (end - start) as u32,
            pattern,
        })
    }

    /// The pattern of a lexicon term whose whole key `word` (normalised) is, perhaps with an
    /// inflection ending: the head of a compound such as Tiger|fell, tijger|vel, Luipaard|vel.
    pub fn term_key(&self, word: &[u8]) -> Option<u32> {
        let mut found = None;
        self.all.walk(word.iter().copied(), |len, pattern| {
            let term = self.patterns[pattern as usize]
                .meanings
                .iter()
                .any(|m| matches!(m, Meaning::Term { .. }));
            if term && (len == word.len() || inflection(word, len, word.len())) {
                found = Some(pattern);
            }
        });
        found
    }

    /// True when the hit was found only by undoing an evasion (leetspeak, spacing, homoglyphs,
    /// hidden characters, or a word split where the name has none).
    pub fn obfuscated(&self, n: &Normalized, hit: &Hit) -> bool {
        let flags = n.flags(hit.start, hit.end);
        // A split counts only inside the name (Elfen-bein), not at its edge (Elfenbein-Netsuke).
        let split_inside =
            flags & SPLIT != 0 && (hit.start + 1..hit.end).any(|p| n.flag_at(p) & JOIN != 0);
        flags & wildwatch_text::EVASION != 0
            || (split_inside && !self.patterns[hit.pattern as usize].has_joiner)
    }
}

/// Longest first; an accepted hit blocks every hit overlapping it. Returned in text order.
fn longest_first(mut cands: Vec<Hit>, text_len: usize) -> Vec<Hit> {
    // Longest first; an accepted hit blocks every hit overlapping it.
    // On equal spans the pattern that needed no ending wins ("résine" over "resin" + e).
    cands.sort_by(|a, b| {
        (b.end - b.start)
            .cmp(&(a.end - a.start))
            .then(b.key_len.cmp(&a.key_len))
            .then(a.start.cmp(&b.start))
    });
    let mut taken: Vec<Hit> = Vec::new();
    let mut occupied = vec![false; text_len];
    for c in cands {
        if !occupied[c.start..c.end].iter().any(|o| *o) {
            occupied[c.start..c.end].iter_mut().for_each(|o| *o = true);
            taken.push(c);
        }
    }
    taken.sort_by_key(|h| h.start);
    taken
}

#[cfg(test)]
mod tests {
    use super::*;
    use wildwatch_text::normalize;

    impl Matcher {
        /// The hits as one pass reporting every occurrence of every key (the Aho-Corasick search
        /// this matcher replaces) finds them.
        fn find_every_occurrence(&self, n: &Normalized, compounds: bool) -> Vec<Hit> {
            let text = n.text.as_bytes();
            let mut cands = Vec::new();
            for start in 0..text.len() {
                let left = n.is_boundary(start);
                self.all
                    .walk(text[start..].iter().copied(), |len, pattern| {
                        cands.extend(self.accept(n, start, start + len, pattern, left, compounds));
                    });
            }
            longest_first(cands, text.len())
        }
    }

    fn key(h: &Hit) -> (usize, usize, u32, u32) {
        (h.start, h.end, h.pattern, h.key_len)
    }

    #[test]
    fn same_hits_as_a_search_for_every_occurrence() {
        let refdata = wildwatch_refdata::RefData::shipped().unwrap();
        let m = Matcher::build(&refdata, &Lexicon::shipped()).unwrap();
        let mut texts: Vec<String> = Vec::new();
        for f in crate::test_corpus_files() {
            let body = std::fs::read_to_string(f).unwrap();
            for line in body.lines().filter(|l| !l.trim().is_empty()) {
                let v: serde_json::Value = serde_json::from_str(line).unwrap();
                let field = |k: &str| v[k].as_str().unwrap_or("").to_string();
                texts.push(format!("{}\n{}", field("title"), field("description")));
            }
        }
        // Words of the corpus and names, glued by spaces, hyphens, line breaks and nothing.
        let words: Vec<String> = texts
            .iter()
            .flat_map(|t| t.split_whitespace().map(str::to_string).collect::<Vec<_>>())
            .collect();
        let glue = [" ", "-", "-\n", "", " ", "\n", "s ", "en "];
        let mut seed = 7u64;
        let mut next = |n: usize| {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            (seed >> 33) as usize % n
        };
        for _ in 0..3000 {
            let mut t = String::new();
            for _ in 0..1 + next(12) {
                t.push_str(&words[next(words.len())]);
                t.push_str(glue[next(glue.len())]);
            }
            texts.push(t);
        }
        let mut hits = 0;
        for t in &texts {
            let n = normalize(t);
            for compounds in [false, true] {
                let got: Vec<_> = m.find(&n, compounds).iter().map(key).collect();
                let want: Vec<_> = m
                    .find_every_occurrence(&n, compounds)
                    .iter()
                    .map(key)
                    .collect();
                assert_eq!(got, want, "{t:?} (compounds: {compounds})");
                hits += got.len();
            }
        }
        assert!(hits > 1000, "{hits}");
    }
}
