//! Real-looking ad texts in English, French, German and Dutch for the failure classes of issue 18:
//!
//! 1. ordinary words and brands that are also names (Puma trainers, Jaguar parts, "used once");
//! 2. a listed name as the modifier of another taxon or thing (tiger shark, Leopardgecko,
//!    Tigerlotus);
//! 3. what the item really is (stamp, coin, book, print, figurine, replica, fossil, imitation,
//!    vehicle or tool part, brand product);
//! 4. the guessed language of an ad hides no evidence;
//! 5. news, petitions and law talk offer nothing, while an auction lot does.
//!
//! Every text is made up for this file. Each test runs all of its cases and then reports every
//! case that failed, with the input and what the detector returned, so one run shows every gap.
//! The cases the detector gets wrong today are kept, unweakened, in a `*_gaps` test next to their
//! class, ignored until fixed: `cargo test -p wildwatch-detect --test real_text -- --ignored`.
//! `REAL_TEXT_DUMP=1` (with `--nocapture`) prints what every case returned, passing or not.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use wildwatch_detect::{AdInput, Detection, Detector, ItemKind};

fn detector() -> &'static Detector {
    static D: OnceLock<Detector> = OnceLock::new();
    D.get_or_init(|| Detector::shipped().expect("the shipped detector builds"))
}

const EN: &str = "EN";
const FR: &str = "FR";
const DE: &str = "DE";
const NL: &str = "NL";
const LANGS: [&str; 4] = [EN, FR, DE, NL];

/// The cases of one test: scans them, collects every broken expectation, and fails at the end
/// with all of them.
struct Suite {
    name: &'static str,
    failures: Vec<String>,
    per_lang: BTreeMap<&'static str, usize>,
    next: usize,
}

impl Suite {
    fn new(name: &'static str) -> Suite {
        Suite {
            name,
            failures: Vec::new(),
            per_lang: BTreeMap::new(),
            next: 0,
        }
    }

    /// An ad as a marketplace shows it; the language is left to the detector to guess.
    fn ad(
        &mut self,
        lang: &'static str,
        title: &str,
        description: &str,
        price: Option<&str>,
        platform: &str,
    ) -> Case<'_> {
        self.ad_with(lang, None, title, description, price, platform)
    }

    /// The same, with a language label given by the source (which may be wrong).
    fn ad_with(
        &mut self,
        lang: &'static str,
        lang_label: Option<&str>,
        title: &str,
        description: &str,
        price: Option<&str>,
        platform: &str,
    ) -> Case<'_> {
        self.next += 1;
        *self.per_lang.entry(lang).or_default() += 1;
        let input = AdInput {
            id: format!("{}-{}-{}", self.name, lang.to_lowercase(), self.next),
            title: Some(title.to_string()),
            description: Some(description.to_string()),
            price_text: price.map(str::to_string),
            lang: lang_label.map(str::to_string),
            platform: Some(platform.to_string()),
            ..AdInput::default()
        };
        let d = detector().scan(&input);
        Case {
            suite: self,
            lang,
            input,
            d,
            problems: Vec::new(),
        }
    }

    /// Fails with every broken case; checks that each language has at least `min` cases.
    fn finish(self, min: usize) {
        eprintln!("{}: cases per language {:?}", self.name, self.per_lang);
        for l in LANGS {
            let n = self.per_lang.get(l).copied().unwrap_or(0);
            assert!(
                n >= min,
                "{}: {n} {l} cases, want at least {min}",
                self.name
            );
        }
        if !self.failures.is_empty() {
            panic!(
                "{}: {} of {} cases failed\n\n{}",
                self.name,
                self.failures.len(),
                self.next,
                self.failures.join("\n\n")
            );
        }
    }
}

/// One scanned ad and what is expected of it. The expectations are checked as they are stated;
/// the broken ones are handed to the suite when the case is dropped.
struct Case<'a> {
    suite: &'a mut Suite,
    lang: &'static str,
    input: AdInput,
    d: Detection,
    problems: Vec<String>,
}

fn has_ci(haystack: &str, needle: &str) -> bool {
    haystack.to_lowercase().contains(&needle.to_lowercase())
}

impl Case<'_> {
    fn fail(&mut self, what: String) {
        self.problems.push(what);
    }

    fn relevant(mut self) -> Self {
        if !self.d.relevant {
            self.fail("want relevant: true".into());
        }
        if self.d.risk == "none" {
            self.fail("want a risk above none for a relevant ad".into());
        }
        self
    }

    fn not_relevant(mut self) -> Self {
        if self.d.relevant {
            self.fail("want relevant: false".into());
        }
        if !self.d.species.is_empty() {
            self.fail("want no species in an ad that is not relevant".into());
        }
        if self.d.risk != "none" {
            self.fail(format!("want risk none, got {}", self.d.risk));
        }
        self
    }

    fn kind(mut self, kind: ItemKind) -> Self {
        if self.d.item_kind != kind {
            self.fail(format!(
                "want item_kind {}, got {}",
                kind.as_str(),
                self.d.item_kind.as_str()
            ));
        }
        self
    }

    fn intent(mut self, intent: &str) -> Self {
        if self.d.intent != intent {
            self.fail(format!("want intent {intent}, got {}", self.d.intent));
        }
        self
    }

    fn risk(mut self, risk: &str) -> Self {
        if self.d.risk != risk {
            self.fail(format!("want risk {risk}, got {}", self.d.risk));
        }
        self
    }

    /// A species whose scientific name starts with one of `names` (a genus or family will do).
    fn species(mut self, names: &[&str]) -> Self {
        let found = self
            .d
            .species
            .iter()
            .any(|s| names.iter().any(|n| s.scientific_name.starts_with(n)));
        if !found {
            self.fail(format!("want a species among {names:?}"));
        }
        self
    }

    /// A reason with `code` whose text holds every one of `words` (case aside).
    fn reason(mut self, code: &str, words: &[&str]) -> Self {
        let ok = self
            .d
            .reasons
            .iter()
            .any(|r| r.code == code && words.iter().all(|w| has_ci(&r.text, w)));
        if !ok {
            self.fail(format!("want a {code} reason naming all of {words:?}"));
        }
        self
    }

    /// A reason with `code` whose text holds at least one of `words` (the cue that decides may
    /// be any of them).
    fn reason_any(mut self, code: &str, words: &[&str]) -> Self {
        let ok = self
            .d
            .reasons
            .iter()
            .any(|r| r.code == code && words.iter().any(|w| has_ci(&r.text, w)));
        if !ok {
            self.fail(format!("want a {code} reason naming one of {words:?}"));
        }
        self
    }

    /// A reason with one of `codes` whose text holds at least one of `words`: for look-alikes
    /// (fossil material, an embossed pattern, a brand) that say what the item is under either
    /// code.
    fn explained(mut self, codes: &[&str], words: &[&str]) -> Self {
        let ok = self
            .d
            .reasons
            .iter()
            .any(|r| codes.contains(&r.code) && words.iter().any(|w| has_ci(&r.text, w)));
        if !ok {
            self.fail(format!(
                "want a reason of {codes:?} naming one of {words:?}"
            ));
        }
        self
    }

    /// What the ad is not: no species and no reason may name any of `names`.
    fn never_names(mut self, names: &[&str]) -> Self {
        for n in names {
            if self.d.species.iter().any(|s| has_ci(&s.scientific_name, n))
                || self.d.reasons.iter().any(|r| has_ci(&r.text, n))
            {
                self.fail(format!("'{n}' must not be named"));
            }
        }
        self
    }

    /// Not relevant because of what the item is: the kind, and an ITEM_KIND reason quoting one of
    /// the ad's cue words.
    fn item(self, kind: ItemKind, cues: &[&str]) -> Self {
        self.not_relevant().kind(kind).reason_any("ITEM_KIND", cues)
    }
}

impl Drop for Case<'_> {
    fn drop(&mut self) {
        // REAL_TEXT_DUMP=1 prints every case, not only the failing ones.
        let dump = std::env::var_os("REAL_TEXT_DUMP").is_some();
        if self.problems.is_empty() && !dump {
            return;
        }
        let d = &self.d;
        let i = &self.input;
        let species: Vec<&str> = d
            .species
            .iter()
            .map(|s| s.scientific_name.as_str())
            .collect();
        let reasons: Vec<String> = d
            .reasons
            .iter()
            .map(|r| format!("      {}: {}", r.code, r.text))
            .collect();
        let report = format!(
            "[{}] title: {:?}\n    description: {:?}\n    price: {:?}  platform: {:?}  lang label: {:?}\n  \
             problems: {}\n  got: relevant={} category={} intent={} item_kind={} risk={} lang={} species={:?}\n    reasons:\n{}",
            self.lang,
            i.title.as_deref().unwrap_or(""),
            i.description.as_deref().unwrap_or(""),
            i.price_text,
            i.platform.as_deref().unwrap_or(""),
            i.lang,
            self.problems.join("; "),
            d.relevant,
            d.category,
            d.intent,
            d.item_kind.as_str(),
            d.risk,
            d.lang,
            species,
            reasons.join("\n")
        );
        if self.problems.is_empty() {
            eprintln!("{report}\n");
        } else {
            self.suite.failures.push(report);
        }
    }
}

// ---- 1. Ordinary words and brands that are also names ------------------------------------------

mod compounds;
mod discussion;
mod domestic;
mod item_kinds;
mod language;
mod names;
mod other_taxa;
