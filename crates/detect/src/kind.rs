//! What the item really is. Most ads that name a listed species offer something else: a stamp,
//! a coin, a book, a print, a figurine, a replica, a fossil, an imitation, a car part or a brand
//! product. This stage collects the cues of each kind (from `data/lexicon/item_kinds.csv` and a
//! few written patterns such as catalogue numbers and ISBNs) and decides the item kind.

use std::sync::OnceLock;

use regex::{Regex, RegexSet};

pub use wildwatch_vocab::ItemKind;

/// What the item-kind stage knows of each kind beyond its contract name.
trait KindRules {
    fn describe(self) -> &'static str;
    fn precedence(self) -> u8;
    fn may_be_made_of_specimen(self) -> bool;
}

impl KindRules for ItemKind {
    /// Words for a reason.
    fn describe(self) -> &'static str {
        match self {
            ItemKind::Specimen => "a specimen",
            ItemKind::Stamp => "a stamp or philatelic item",
            ItemKind::Coin => "a coin, banknote, medal or card",
            ItemKind::Book => "a book, magazine, film, poster or calendar",
            ItemKind::PrintArt => "a print, engraving, painting or photograph",
            ItemKind::FigurineToy => "a figurine, model, toy or ornament",
            ItemKind::ReplicaCast => "a replica or cast",
            ItemKind::Fossil => "a fossil or an extinct animal (not listed)",
            ItemKind::Imitation => "an imitation material or pattern",
            ItemKind::VehicleToolPart => "a vehicle or tool part",
            ItemKind::BrandProduct => "a brand product",
            ItemKind::Other => "something else",
        }
    }

    /// How decisive a cue of this kind is when several kinds are named: a stamp of a tiger
    /// figurine is a stamp; a replica of a fossil is a replica.
    fn precedence(self) -> u8 {
        match self {
            ItemKind::Stamp => 0,
            ItemKind::Coin => 1,
            ItemKind::Book => 2,
            ItemKind::ReplicaCast => 3,
            ItemKind::Fossil => 4,
            ItemKind::Imitation => 5,
            ItemKind::PrintArt => 6,
            ItemKind::FigurineToy => 7,
            ItemKind::VehicleToolPart => 8,
            ItemKind::BrandProduct => 9,
            ItemKind::Specimen | ItemKind::Other => 10,
        }
    }

    /// Kinds whose objects may still be made of a listed material (an ivory figurine, a painting
    /// on ivory, a python-leather sneaker): a named material keeps them specimens.
    fn may_be_made_of_specimen(self) -> bool {
        matches!(
            self,
            ItemKind::PrintArt
                | ItemKind::FigurineToy
                | ItemKind::VehicleToolPart
                | ItemKind::BrandProduct
        )
    }
}

/// What a row of `item_kinds.csv` says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Cue {
    /// The item is of this kind.
    Kind(ItemKind),
    /// A phrase naming a real specimen ("not a replica", "kein Abguss").
    Genuine,
    /// A negation that cancels the cue right after it ("not embossed").
    Negation,
    /// A toy brand (Schleich, Papo, Lego): a figurine or toy, never made of a listed material.
    ToyBrand,
    /// A material no animal gives (plastic, resin, Kunststoff, résine): a figurine said to be
    /// made of it is not made of a listed material, whatever the figure's tusks or horns.
    MadeOfOther,
}

impl Cue {
    /// Parses the `kind` column.
    pub(crate) fn parse(s: &str) -> Option<Cue> {
        match s {
            "genuine" => Some(Cue::Genuine),
            "negation" => Some(Cue::Negation),
            "toy_brand" => Some(Cue::ToyBrand),
            "made_of_other" => Some(Cue::MadeOfOther),
            "specimen" | "other" => None,
            k => ItemKind::parse(k).ok().map(Cue::Kind),
        }
    }
}

/// One cue found in the ad.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KindCue {
    /// The kind it names.
    pub kind: ItemKind,
    /// The ad's words.
    pub words: String,
    /// Byte span in `title + "\n" + description`.
    pub span: [usize; 2],
    /// The list or pattern that fired.
    pub list: String,
}

/// The cues of one ad, as gathered from the matcher's hits.
#[derive(Debug, Default)]
pub(crate) struct KindCues {
    /// Cues of a kind.
    pub cues: Vec<KindCue>,
    /// Genuine phrases (words, span).
    pub genuine: Vec<(String, [usize; 2])>,
    /// Negation words (span).
    pub negations: Vec<[usize; 2]>,
    /// Genuine phrases that are denials ("not embossed"): they deny what an "or" adds to them.
    pub denials: Vec<[usize; 2]>,
    /// Toy brands and materials no animal gives (span): a figurine with one is not made of a
    /// listed material.
    pub made_of_other: Vec<[usize; 2]>,
}

impl KindCues {
    /// Records one lexicon hit.
    pub(crate) fn add(&mut self, cue: Cue, words: &str, span: [usize; 2], list: &str) {
        match cue {
            Cue::Kind(kind) if self.cues.len() < 32 => self.cues.push(KindCue {
                kind,
                words: words.to_string(),
                span,
                list: list.to_string(),
            }),
            Cue::Kind(_) => {}
            Cue::ToyBrand => {
                self.made_of_other.push(span);
                self.add(Cue::Kind(ItemKind::FigurineToy), words, span, list);
            }
            Cue::MadeOfOther => self.made_of_other.push(span),
            Cue::Genuine => {
                // A denial ("not embossed", "keine Prägung") also denies what an "or" adds to
                // it: "not embossed or croc print".
                if denial(words) {
                    self.denials.push(span);
                }
                self.genuine.push((words.to_string(), span))
            }
            Cue::Negation => self.negations.push(span),
        }
    }

    /// Adds the cues that are patterns rather than words: catalogue numbers, ISBNs, a year with
    /// a face value ("1982, 24c"), souvenir-sheet marks ("S/S").
    pub(crate) fn add_patterns(&mut self, text: &str) {
        // Every pattern needs a digit or a slash.
        if !text.bytes().any(|b| b.is_ascii_digit() || b == b'/') {
            return;
        }
        let (set, patterns) = patterns();
        // One pass over the text says which patterns occur; only those are run to find where.
        for i in set.matches(text).iter() {
            let (re, kind, what) = &patterns[i];
            if let Some(m) = re.find(text) {
                self.cues.push(KindCue {
                    kind: *kind,
                    words: m.as_str().to_string(),
                    span: [m.start(), m.end()],
                    list: format!("pattern: {what}"),
                });
            }
        }
    }

    /// True when a negation right before `span`, or a denial that `span` continues with "or",
    /// cancels it ("not embossed", "not embossed or croc print").
    pub(crate) fn denies(&self, span: [usize; 2], text: &str) -> bool {
        negated(&self.negations, span, text) || continued_denial(&self.denials, span, text)
    }

    /// The cues not cancelled by a negation right before them ("not embossed", "keine Prägung",
    /// "geen replica").
    fn standing<'a>(&'a self, text: &'a str) -> impl Iterator<Item = &'a KindCue> + 'a {
        self.cues.iter().filter(move |c| !self.denies(c.span, text))
    }

    /// True when a toy brand or a material no animal gives stands in the ad (not denied: "not
    /// resin").
    fn made_of_other(&self, text: &str) -> bool {
        self.made_of_other.iter().any(|s| !self.denies(*s, text))
    }
}

/// True when the ad's word is a French past participle that folds onto the term: `livré`,
/// `livrée`, `livrés` (delivered) fold to `livre` (book). The lexicon's terms are written without
/// accents, and a final unaccented `e` never stands for `é`.
pub(crate) fn participle_of(term: &str, words: &str) -> bool {
    let lower = words.to_lowercase();
    let stem = lower
        .trim_end_matches('s')
        .trim_end_matches('e')
        .trim_end_matches('s');
    term.trim_end_matches('s').ends_with('e') && stem.ends_with('é')
}

/// True when one of the negation words stands right before `span` (at most one word between:
/// "not embossed", "not a replica", "keine Prägung"), or before a list joined by "or" that
/// `span` ends ("NOT embossed or croc print", "keine Prägung oder Kroko-Optik").
pub(crate) fn negated(negations: &[[usize; 2]], span: [usize; 2], text: &str) -> bool {
    negations.iter().any(|n| {
        n[1] <= span[0]
            && text
                .get(n[1]..span[0])
                .is_some_and(|gap| next_to(gap) || negated_list(gap, dutch(text, *n)))
    })
}

/// True when `span` is the last of a list joined by "or" after a denial phrase ("not embossed or
/// croc print"); a denial alone denies nothing after it ("Not embossed. Replica …" keeps the
/// replica).
fn continued_denial(denials: &[[usize; 2]], span: [usize; 2], text: &str) -> bool {
    denials.iter().any(|d| {
        d[1] <= span[0]
            && text
                .get(d[1]..span[0])
                .is_some_and(|gap| negated_list(&format!("x {gap}"), dutch(text, *d)))
    })
}

/// True when the negation (or denial) starts with a Dutch word ("geen", "niet"): only then is
/// "of" the word "or".
fn dutch(text: &str, span: [usize; 2]) -> bool {
    text.get(span[0]..span[1])
        .and_then(|w| w.split_whitespace().next())
        .is_some_and(|w| matches!(w.to_lowercase().as_str(), "geen" | "niet"))
}

/// True when a genuine phrase is a denial: it starts with a negation word.
fn denial(words: &str) -> bool {
    const NOT: &[&str] = &[
        "not", "no", "kein", "keine", "keinen", "nicht", "pas", "non", "geen", "niet",
    ];
    words
        .split_whitespace()
        .next()
        .is_some_and(|w| NOT.contains(&w.to_lowercase().as_str()))
}

/// At most one word (of a few letters) between the negation and the cue.
fn next_to(gap: &str) -> bool {
    gap.len() <= 12 && gap.split_whitespace().count() <= 1
}

/// "embossed or", "Prägung oder", "gaufré ou", Dutch "reliëf of": up to three words ending with
/// "or" (Dutch "of" only after a Dutch negation: in English it is "of").
fn negated_list(gap: &str, dutch: bool) -> bool {
    const OR: &[&str] = &["or", "nor", "oder", "noch", "ou", "ni", "/"];
    let words: Vec<&str> = gap.split_whitespace().collect();
    gap.len() <= 40
        && (2..=4).contains(&words.len())
        && words.last().is_some_and(|w| {
            let w = w.to_lowercase();
            OR.contains(&w.as_str()) || dutch && w == "of"
        })
}

/// The written patterns of item kinds, and a set of them all for the one pass that says which
/// occur.
type Patterns = (RegexSet, Vec<(Regex, ItemKind, &'static str)>);

fn patterns() -> &'static Patterns {
    static P: OnceLock<Patterns> = OnceLock::new();
    P.get_or_init(|| {
        let list = pattern_list();
        let set = RegexSet::new(list.iter().map(|p| p.0.as_str())).expect("item kind patterns");
        (set, list)
    })
}

/// The patterns use ASCII word boundaries (`(?-u:\b)`): the codes and numbers they look for are
/// ASCII, and Unicode boundaries would keep the regex engine off its fast automata.
fn pattern_list() -> Vec<(Regex, ItemKind, &'static str)> {
    let re = |s: &str| Regex::new(s).expect("item kind pattern");
    vec![
        (
            re(
                r"(?i)(?-u:\b)(?:SG|Mi\.?(?:\s?Nr\.?)?|Michel(?:\s?Nr\.?)?|Scott|Sc\.|Yv\.?|Yvert(?:\s?n°)?|YT|NVPH|Facit|SACC)\s?#?\s?\d{1,4}[a-z]?(?-u:\b)",
            ),
            ItemKind::Stamp,
            "stamp catalogue number",
        ),
        (
            re(
                r"(?-u:\b)(?:1[89]\d\d|20[0-2]\d)\s?[,:/-]?\s?\d{1,3}\s?(?:c|ct|cts|f|fr|p|d|pf|pfg|rp|kr)(?-u:\b)",
            ),
            ItemKind::Stamp,
            "year and face value",
        ),
        (
            re(r"(?i)(?:^|\s)(?:S/S|M/S)(?:\s|$|[,.;:])"),
            ItemKind::Stamp,
            "souvenir or miniature sheet mark",
        ),
        (
            re(r"(?i)(?-u:\b)ISBN(?:-1[03])?:?\s?[\dX][\d\- ]{8,16}[\dX](?-u:\b)"),
            ItemKind::Book,
            "ISBN",
        ),
        (re(r"(?-u:\b)97[89]\d{10}(?-u:\b)"), ItemKind::Book, "ISBN"),
        (
            re(
                r"(?-u:\b)1:(?:6|8|10|12|16|18|20|24|32|35|43|48|50|64|72|76|87|100|144|160|200|350|700)(?-u:\b)",
            ),
            ItemKind::FigurineToy,
            "model scale",
        ),
        (
            re(r"(?i)(?-u:\b)\d{2,4}\s?cc(?-u:\b)"),
            ItemKind::VehicleToolPart,
            "engine size",
        ),
        (
            re(r"(?i)(?-u:\b)(?:20|35|37\.5|50|70|75|100)\s?cl(?-u:\b)"),
            ItemKind::BrandProduct,
            "bottle size",
        ),
    ]
}

/// What the item-kind stage decided.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KindDecision {
    /// The kind.
    pub kind: ItemKind,
    /// The cue that decided it, when a cue did.
    pub cue: Option<KindCue>,
}

impl KindDecision {
    /// True when the item is not a specimen of any taxon it names.
    pub(crate) fn blocks(&self) -> bool {
        self.cue.is_some() && self.kind != ItemKind::Specimen
    }

    /// The reason a person can check.
    pub(crate) fn reason_text(&self) -> Option<String> {
        let cue = self.cue.as_ref()?;
        Some(format!(
            "'{}': {}, not a specimen",
            cue.words,
            self.kind.describe()
        ))
    }
}

/// What the rest of the ad says about the material, for the decision.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct MaterialFacts {
    /// A listed material is named (ivory, tortoiseshell, rhino horn, coral …).
    pub material: bool,
    /// A part of a named taxon (leather, skin, feathers) and a taxon named without doubt.
    pub part_of_sure_taxon: bool,
    /// A code word is used.
    pub code_word: bool,
}

/// Decides the item kind from the cues. The strongest cue decides; a kind whose objects may be
/// made of a listed material (figurine, print, part, brand product) stays a specimen when the ad
/// names such a material; a code word always keeps the ad a specimen.
pub(crate) fn decide(cues: &KindCues, text: &str, facts: MaterialFacts) -> KindDecision {
    let strongest = cues
        .standing(text)
        .min_by_key(|c| (c.kind.precedence(), c.span[0]))
        .cloned();
    let Some(cue) = strongest else {
        return KindDecision {
            kind: ItemKind::Specimen,
            cue: None,
        };
    };
    // A Schleich elephant or a resin figure has tusks, not ivory.
    let made_of_other = cue.kind == ItemKind::FigurineToy && cues.made_of_other(text);
    let made_of_specimen = cue.kind.may_be_made_of_specimen()
        && (facts.material && !made_of_other
            || (facts.part_of_sure_taxon
                && matches!(cue.kind, ItemKind::VehicleToolPart | ItemKind::BrandProduct)));
    if facts.code_word || made_of_specimen {
        return KindDecision {
            kind: ItemKind::Specimen,
            cue: None,
        };
    }
    KindDecision {
        kind: cue.kind,
        cue: Some(cue),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cues_of(text: &str, words: &[(&str, ItemKind)]) -> KindCues {
        let mut c = KindCues::default();
        for (w, k) in words {
            let s = text.find(w).unwrap();
            c.add(Cue::Kind(*k), w, [s, s + w.len()], "item_kinds.csv");
        }
        c.add_patterns(text);
        c
    }

    #[test]
    fn french_participles_are_not_the_nouns_they_fold_onto() {
        assert!(participle_of("livre", "Livré"));
        assert!(participle_of("livres", "livrées"));
        assert!(!participle_of("livre", "livre"));
        assert!(!participle_of("livre", "LIVRE"));
        assert!(!participle_of("gravure", "gravure"));
    }

    #[test]
    fn catalogue_numbers_and_face_values_are_stamps() {
        for text in [
            "WWF Tiger 4v SG 1220 set",
            "Panda Mi 7121 Block",
            "Parrots Scott #3105",
            "Yvert n° 2345 perroquets",
            "NVPH 1234 papegaaien",
            "Orang-utan 1982, 24c",
            "Elefant 1961 40f",
            "Birds of paradise S/S",
        ] {
            let c = cues_of(text, &[]);
            let d = decide(&c, text, MaterialFacts::default());
            assert_eq!(d.kind, ItemKind::Stamp, "{text}");
            assert!(d.reason_text().unwrap().contains("stamp"), "{text}");
        }
    }

    #[test]
    fn isbn_is_a_book() {
        let text = "Parrots of the world ISBN 978-0-691-15074-6";
        let d = decide(&cues_of(text, &[]), text, MaterialFacts::default());
        assert_eq!(d.kind, ItemKind::Book);
    }

    #[test]
    fn ordinary_numbers_are_no_cue() {
        for text in [
            "Graupapagei 2 Jahre 800 €",
            "ball python 2019 female 1500g",
            "1.1 Testudo hermanni NZ 2024",
        ] {
            let d = decide(&cues_of(text, &[]), text, MaterialFacts::default());
            assert_eq!(d.kind, ItemKind::Specimen, "{text}");
            assert!(!d.blocks());
        }
    }

    #[test]
    fn a_negated_cue_does_not_count() {
        let text = "genuine crocodile leather, not embossed";
        let mut c = cues_of(text, &[("embossed", ItemKind::Imitation)]);
        let n = text.find("not").unwrap();
        c.add(Cue::Negation, "not", [n, n + 3], "item_kinds.csv");
        assert!(!decide(&c, text, MaterialFacts::default()).blocks());
        let text = "Krokoleder Tasche keine Prägung";
        let mut c = cues_of(text, &[("Prägung", ItemKind::Imitation)]);
        let n = text.find("keine").unwrap();
        c.add(Cue::Negation, "keine", [n, n + 5], "item_kinds.csv");
        assert!(!decide(&c, text, MaterialFacts::default()).blocks());
    }

    #[test]
    fn a_negation_covers_a_list_joined_by_or() {
        for (text, cue) in [
            (
                "real alligator hide NOT embossed or croc print",
                "croc print",
            ),
            (
                "echtes Krokoleder, KEINE Prägung oder Kroko-Optik",
                "Kroko-Optik",
            ),
            (
                "vrai crocodile, pas gaufré ou imprimé croco",
                "imprimé croco",
            ),
            ("echte python, geen reliëf of slangenprint", "slangenprint"),
        ] {
            let neg = ["NOT", "KEINE", "pas", "geen"]
                .into_iter()
                .find_map(|w| text.find(w).map(|i| [i, i + w.len()]))
                .unwrap();
            let at = text.find(cue).unwrap();
            assert!(negated(&[neg], [at, at + cue.len()], text), "{text}");
        }
        // A list not joined by "or" is no negated list, and English "of" is no "or".
        let text = "not a toy, lovely croc print bag";
        let at = text.find("croc print").unwrap();
        assert!(!negated(&[[0, 3]], [at, at + 10], text));
        let text = "no pickup, replica of ivory";
        let at = text.find("ivory").unwrap();
        assert!(!negated(&[[0, 2]], [at, at + 5], text));
        // A denial phrase denies what "or" adds, not what follows it otherwise.
        let text = "Not embossed or croc print";
        let at = text.find("croc print").unwrap();
        assert!(continued_denial(&[[0, 12]], [at, at + 10], text));
        let text = "Not embossed. Replica skull";
        let at = text.find("Replica").unwrap();
        assert!(!continued_denial(&[[0, 12]], [at, at + 7], text));
    }

    #[test]
    fn a_listed_material_keeps_a_figurine_a_specimen_but_not_a_replica() {
        let text = "carved ivory figurine";
        let c = cues_of(text, &[("figurine", ItemKind::FigurineToy)]);
        let facts = MaterialFacts {
            material: true,
            ..MaterialFacts::default()
        };
        assert_eq!(decide(&c, text, facts).kind, ItemKind::Specimen);
        let text = "ivory replica resin";
        let c = cues_of(text, &[("replica", ItemKind::ReplicaCast)]);
        assert_eq!(decide(&c, text, facts).kind, ItemKind::ReplicaCast);
    }

    #[test]
    fn the_strongest_kind_decides() {
        let text = "Stamp showing a tiger figurine";
        let c = cues_of(
            text,
            &[
                ("figurine", ItemKind::FigurineToy),
                ("Stamp", ItemKind::Stamp),
            ],
        );
        assert_eq!(
            decide(&c, text, MaterialFacts::default()).kind,
            ItemKind::Stamp
        );
    }

    #[test]
    fn kinds_round_trip() {
        for k in ItemKind::ALL {
            assert_eq!(ItemKind::parse(k.as_str()), Ok(k));
        }
        assert_eq!(Cue::parse("negation"), Some(Cue::Negation));
        assert_eq!(Cue::parse("specimen"), None);
        assert_eq!(Cue::parse("stamps"), None);
    }
}
