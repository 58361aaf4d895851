//! One automaton over every name of every taxon and every lexicon term, run once over the
//! normalised ad text; hits are then checked for word boundaries, inflections and compounds.

use std::collections::{HashMap, HashSet};

use aho_corasick::{AhoCorasick, MatchKind};
use rayon::prelude::*;
use wildwatch_refdata::{NameKind, RefData, TaxonId};
use wildwatch_text::{normalize, Normalized, JOIN, SPLIT};

use crate::lexicon::{Lexicon, List};
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
    /// Written with a hyphen or space where the text may have none (so a split is not evasion).
    pub has_joiner: bool,
    /// Short patterns match only as exact whole words (no plural endings).
    pub exact: bool,
    /// On the ambiguous-names list: needs wildlife context.
    pub ambiguous: bool,
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
    ac: AhoCorasick,
    /// Pattern facts, by pattern index.
    pub patterns: Vec<Pattern>,
}

const SUFFIXES: &[&str] = &[
    "s", "es", "x", "e", "en", "n", "er", "ern", "ens", "nen", "tjes", "tje", "jes",
];

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

impl Matcher {
    /// Compiles every taxon name and lexicon term into one automaton.
    pub fn build(refdata: &RefData, lexicon: &Lexicon) -> Result<Matcher, DetectError> {
        let mut index: HashMap<String, u32> = HashMap::new();
        let mut keys: Vec<String> = Vec::new();
        let mut patterns: Vec<Pattern> = Vec::new();
        let ambiguous: HashSet<String> = lexicon
            .entries(List::Ambiguous)
            .iter()
            .map(|e| normalize(&e.term).text)
            .collect();
        let mut group_keys: Vec<(String, TaxonId)> = Vec::new();
        let mut add =
            |term: &str, keys_of_term: Vec<String>, meaning: Meaning, compound_lang: bool| {
                for key in keys_of_term {
                    if key.len() < 2 {
                        continue;
                    }
                    let id = *index.entry(key.clone()).or_insert_with(|| {
                        keys.push(key.clone());
                        patterns.push(Pattern {
                            meanings: Vec::new(),
                            compound: false,
                            has_joiner: false,
                            exact: key.len() <= 3,
                            ambiguous: ambiguous.contains(&key),
                            group: None,
                        });
                        (keys.len() - 1) as u32
                    });
                    let p = &mut patterns[id as usize];
                    if !p.meanings.contains(&meaning) {
                        p.meanings.push(meaning);
                    }
                    p.compound |= compound_lang && key.len() >= 5 && !key.contains(' ');
                    // Names of four letters or fewer (Ara, Boa, Uhu, Once) are too often other words.
                    p.ambiguous |= matches!(meaning, Meaning::Name { .. }) && key.len() <= 4;
                    p.has_joiner |= term.contains(['-', ' ']);
                }
            };
        // Normalising ~100,000 names and their variants is most of the build: done on all cores.
        let name_items: Vec<(String, Vec<String>, Meaning, bool)> = refdata
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
                items.push((n.text.clone(), variants(&n.text, plural), meaning, compound));
                items
            })
            .collect();
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
            if matches!(list, List::Ambiguous | List::Groups) {
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
        let ac = AhoCorasick::builder()
            .match_kind(MatchKind::Standard)
            .build(&keys)
            .map_err(|e| DetectError::Config(format!("cannot build the name automaton: {e}")))?;
        Ok(Matcher { ac, patterns })
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
        let mut cands: Vec<Hit> = Vec::new();
        for m in self.ac.find_overlapping_iter(&n.text) {
            let pattern = m.pattern().as_u32();
            let p = &self.patterns[pattern as usize];
            let compound = p.compound && compounds;
            let (start, end) = (m.start(), m.end());
            let left = n.is_boundary(start);
            // Most raw matches are pieces of longer words: drop them before any other work.
            if !left && !compound {
                continue;
            }
            // The word ends at the next space or soft boundary.
            let mut word_end = end;
            while word_end < text.len() && text[word_end] != b' ' && n.flag_at(word_end) & JOIN == 0
            {
                word_end += 1;
            }
            let suffix = &n.text[end..word_end];
            let right_exact = suffix.is_empty();
            let right_inflected = !p.exact
                && (SUFFIXES.contains(&suffix)
                    || (suffix.len() == 3
                        && end > 0
                        && suffix.as_bytes()[0] == text[end - 1]
                        && &suffix[1..] == "en"));
            let accepted_end = if right_exact || right_inflected {
                Some(word_end)
            } else if compound && left && !p.exact {
                // Compound modifier: Elfenbein|schnitzerei, Papageien|käfig.
                Some(end)
            } else {
                None
            };
            let Some(hit_end) = accepted_end else {
                continue;
            };
            if !left && !(compound && (right_exact || right_inflected)) {
                continue;
            }
            cands.push(Hit {
                start,
                end: hit_end,
                key_len: (end - start) as u32,
                pattern,
            });
        }
        // Longest first; an accepted hit blocks every hit overlapping it.
        // On equal spans the pattern that needed no ending wins ("résine" over "resin" + e).
        cands.sort_by(|a, b| {
            (b.end - b.start)
                .cmp(&(a.end - a.start))
                .then(b.key_len.cmp(&a.key_len))
                .then(a.start.cmp(&b.start))
        });
        let mut taken: Vec<Hit> = Vec::new();
        let mut occupied = vec![false; text.len()];
        for c in cands {
            if !occupied[c.start..c.end].iter().any(|o| *o) {
                occupied[c.start..c.end].iter_mut().for_each(|o| *o = true);
                taken.push(c);
            }
        }
        taken.sort_by_key(|h| h.start);
        taken
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
