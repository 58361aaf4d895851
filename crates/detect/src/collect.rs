//! From the matcher's hits in one ad to its [`Evidence`]: which taxon each name means, which
//! terms of the word lists count, compounds read by their head (Tiger|fell), obfuscated words.

use wildwatch_refdata::{NameKind, Taxon, TaxonId};
use wildwatch_text::{Lang, Normalized};

use crate::evidence::{Evidence, TaxonHit, Words};
use crate::input::AnalysedText;
use crate::matcher::{Hit, Meaning, Pattern};
use crate::{compound_heads, is_modifier, Detector, List};

/// The ad every hit is read against.
struct AdText<'a> {
    n: &'a Normalized,
    text: &'a str,
    title_end: usize,
    lang: Lang,
    /// Ends of hits that are a compound's head.
    heads: Vec<usize>,
    /// Taxa named without doubt somewhere in the ad (a pattern with one meaning).
    sure: Vec<TaxonId>,
}

/// What a hit's meanings say before the ad's context is applied.
struct Read {
    /// A name that is also several taxa's name: the species-level, listed one.
    best_taxon: Option<(TaxonId, NameKind)>,
    /// A term that makes the ad relevant was recorded.
    relevant_hit: bool,
    /// A part word that is a material (agarwood), not a generic object.
    material_hit: bool,
}

impl Detector {
    /// The evidence of one ad's normalised text.
    pub(crate) fn evidence(&self, n: &Normalized, input: &AnalysedText, lang: Lang) -> Evidence {
        let hits = self.matcher.find(n, !matches!(lang, Lang::En | Lang::Fr));
        let ad = AdText {
            n,
            text: &input.text,
            title_end: input.title_end,
            lang,
            heads: compound_heads(n, &hits),
            sure: self.sure_taxa(&hits),
        };
        let mut ev = Evidence::default();
        for h in &hits {
            self.record_hit(&mut ev, &ad, h);
        }
        ev
    }

    fn sure_taxa(&self, hits: &[Hit]) -> Vec<TaxonId> {
        hits.iter()
            .filter_map(
                |h| match self.matcher.patterns[h.pattern as usize].meanings[..] {
                    [Meaning::Name { taxon, .. }] => Some(taxon),
                    _ => None,
                },
            )
            .collect()
    }

    /// A term of a word list counts whatever language the ad is guessed to be in, so a wrong
    /// guess hides nothing, except the words of intent, counts and code words and the false
    /// friends (German "Fell", English "fell"), which count only in their own language.
    pub(crate) fn term_counts(&self, list: List, row: u32, lang: Lang) -> bool {
        let e = &self.terms[list as usize][row as usize];
        e.lang == "any"
            || lang == Lang::Other
            || e.lang == lang.code()
            || !self.own_language_only[list as usize][row as usize]
    }

    /// Listed, then species-level, then the stricter listing.
    fn better_taxon(&self, taxon: TaxonId, current: Option<(TaxonId, NameKind)>) -> bool {
        let Some((cur, _)) = current else {
            return true;
        };
        let key = |x: &Taxon| {
            (
                x.is_listed(),
                !x.rank.is_higher(),
                x.cites.map(std::cmp::Reverse),
            )
        };
        key(self.refdata.taxon(taxon)) > key(self.refdata.taxon(cur))
    }

    /// Records the terms a hit means and picks the taxon its names mean.
    fn read_meanings(&self, ev: &mut Evidence, ad: &AdText, p: &Pattern, words: &Words) -> Read {
        let mut read = Read {
            best_taxon: None,
            relevant_hit: false,
            material_hit: false,
        };
        let [a, _] = words.span;
        for m in &p.meanings {
            match *m {
                Meaning::Name { taxon, kind } => {
                    if self.better_taxon(taxon, read.best_taxon) {
                        read.best_taxon = Some((taxon, kind));
                    }
                }
                Meaning::Term { list, row } => {
                    let e = &self.terms[list as usize][row as usize];
                    let implied = self.implied[list as usize][row as usize];
                    read.material_hit |= list == List::Parts
                        && !matches!(e.flag.as_str(), "generic" | "object" | "goods");
                    if !self.term_counts(list, row, ad.lang) {
                        continue;
                    }
                    let before = ad.text[..a].trim_end_matches([' ', '\t']);
                    let at_start = before.is_empty() || before.ends_with('\n');
                    read.relevant_hit |= ev.record(
                        list,
                        e,
                        implied,
                        &words.words,
                        words.span,
                        a < ad.title_end,
                        at_start,
                    );
                }
            }
        }
        if let Some(g) = p.group {
            read.best_taxon = read.best_taxon.map(|(_, kind)| (g, kind));
        }
        read
    }

    /// One hit: its terms, the taxon it names (if any) and whether it was written to evade.
    fn record_hit(&self, ev: &mut Evidence, ad: &AdText, h: &Hit) {
        let (a, b) = ad.n.original_range(h.start, h.end);
        let words = Words {
            words: ad.text[a..b].to_string(),
            span: [a, b],
        };
        let p = &self.matcher.patterns[h.pattern as usize];
        let Read {
            mut best_taxon,
            mut relevant_hit,
            material_hit,
        } = self.read_meanings(ev, ad, p, &words);
        // A name as the first part of a compound names the animal only when a word of ours
        // follows it (Tiger|fell, Elefanten|stoßzahn, Papageien|käfig); otherwise the
        // compound is something else (Tiger|lotus, Elefanten|gras, Nashorn|käfer).
        let modifier = best_taxon.is_some() && is_modifier(ad.n, h);
        if modifier && !ad.heads.contains(&h.end) {
            match self.head_term(ad.n, h) {
                Some(head) => {
                    self.record_head(ev, ad.n, ad.text, head, ad.title_end, ad.lang);
                }
                None => best_taxon = None,
            }
        }
        best_taxon = self.taxon_in_context(ad, p, best_taxon, material_hit);
        if relevant_hit || best_taxon.is_some() {
            ev.name_spans.push(words.span);
        }
        if let Some((taxon, kind)) =
            best_taxon.filter(|(t, _)| !ev.taxa.iter().any(|x| x.taxon == *t))
        {
            ev.taxa
                .push(taxon_hit(ad, p, &words, taxon, kind, modifier));
            relevant_hit = true;
        }
        if relevant_hit && ev.obfuscated.len() < 8 && self.matcher.obfuscated(ad.n, h) {
            ev.obfuscated.push(words);
        }
    }

    /// The taxon a name means once the rest of the ad is known.
    fn taxon_in_context(
        &self,
        ad: &AdText,
        p: &Pattern,
        best_taxon: Option<(TaxonId, NameKind)>,
        material_hit: bool,
    ) -> Option<(TaxonId, NameKind)> {
        // A part word that is also a species' common name (agarwood, rosewood) means the
        // material, and the taxon the material implies. A name of another, unlisted taxon
        // with the same words ("Aloe vera") means that taxon.
        let other_taxon = p.meanings.iter().any(|m| {
            matches!(
                m,
                Meaning::Term {
                    list: List::OtherNames,
                    ..
                }
            )
        });
        // An ambiguous name of one language ("once") in an ad of another is the other word.
        let foreign = p
            .ambiguous_lang
            .as_deref()
            .is_some_and(|l| ad.lang != Lang::Other && l != ad.lang.code());
        if material_hit || other_taxon || foreign {
            return None;
        }
        // A taxon that another hit of this ad names wins among a name's meanings
        // ("Brazilian rosewood (Dalbergia nigra)").
        if p.meanings.len() > 1 && p.group.is_none() {
            if let Some(t) = p.meanings.iter().find_map(|m| match m {
                Meaning::Name { taxon, .. } if ad.sure.contains(taxon) => Some(*taxon),
                _ => None,
            }) {
                return best_taxon.map(|(_, kind)| (t, kind));
            }
        }
        best_taxon
    }
}

/// A taxon named by a hit, with how it was named.
fn taxon_hit(
    ad: &AdText,
    p: &Pattern,
    words: &Words,
    taxon: TaxonId,
    kind: NameKind,
    modifier: bool,
) -> TaxonHit {
    let binomial = matches!(kind, NameKind::Scientific | NameKind::Synonym)
        && words.words.split_whitespace().count() >= 2;
    // The whole compound word: its head corroborates the name (Tiger|fell).
    let head = modifier.then(|| {
        ad.text[words.span[1]..]
            .split(|c: char| !c.is_alphanumeric())
            .next()
            .unwrap_or("")
            .to_string()
    });
    TaxonHit {
        taxon,
        words: words.words.clone(),
        span: words.span,
        ambiguous: p.ambiguous,
        binomial,
        head,
    }
}
