//! What the matcher found in one ad, sorted by what it means, before any decision. Each hit keeps
//! the ad's own words and their byte span in `title + "\n" + description`, so every reason can
//! quote them.

use wildwatch_refdata::TaxonId;

use crate::kind;
use crate::lexicon::{Entry, List};

/// A byte range of `title + "\n" + description`.
pub(crate) type Span = [usize; 2];

/// Words of the ad and where they stand.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Words {
    /// The ad's words.
    pub words: String,
    /// Where.
    pub span: Span,
}

impl Words {
    pub(crate) fn new(words: &str, span: Span) -> Words {
        Words {
            words: words.to_string(),
            span,
        }
    }
}

/// A name of a taxon.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct TaxonHit {
    /// The taxon.
    pub taxon: TaxonId,
    /// The ad's words.
    pub words: String,
    /// Where.
    pub span: Span,
    /// The name is also an ordinary word or a brand: it needs corroboration.
    pub ambiguous: bool,
    /// A scientific binomial (two words or more).
    pub binomial: bool,
    /// The first part of a compound whose head is a word of ours: the head (Tiger|fell).
    pub head: Option<String>,
}

/// A material or product of a listed taxon (ivory, rhino horn, caviar, coral).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct MaterialHit {
    /// The concept (`ivory`, `rhino_horn` …).
    pub concept: String,
    /// The taxon the material implies when nothing else is named.
    pub implies: Option<TaxonId>,
    /// The ad's words.
    pub words: String,
    /// Where.
    pub span: Span,
    /// The list that fired.
    pub list: String,
}

/// A part word that needs a named taxon (leather, skull, feathers, claws).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct PartHit {
    /// The concept (`skin`, `taxidermy` …).
    pub concept: String,
    /// The ad's words.
    pub words: String,
    /// Where.
    pub span: Span,
}

/// A code word sellers use.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CodeHit {
    /// The ad's words.
    pub words: String,
    /// The taxon it stands for.
    pub implies: Option<TaxonId>,
    /// Where.
    pub span: Span,
    /// What it stands for, in words.
    pub stands_for: String,
    /// The list that fired.
    pub list: String,
}

/// A look-alike cue (toy, figure, colour, faux, brand, product, pattern, fossil, accessory …).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct LookCue {
    /// The kind of cue, as in `lookalikes.csv`.
    pub kind: String,
    /// The ad's words.
    pub words: String,
    /// Where.
    pub span: Span,
    /// The list that fired.
    pub list: String,
    /// In the title.
    pub in_title: bool,
}

/// A documentation claim.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct DocClaim {
    /// The document code (`article10`, `ring` …).
    pub code: &'static str,
    /// The ad's words.
    pub words: String,
    /// Where.
    pub span: Span,
    /// The list that fired.
    pub list: String,
}

/// A number word (pair, Paar, koppel, trio).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct CountWord {
    /// The number.
    pub n: u32,
    /// The ad's words.
    pub words: String,
    /// Where.
    pub span: Span,
}

/// A name of another, unlisted taxon or thing that contains a listed name (tiger shark).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct OtherName {
    /// The ad's words.
    pub words: String,
    /// What they name.
    pub taxon: String,
    /// Where.
    pub span: Span,
}

/// Facts gathered from the hits of one ad, before deciding.
#[derive(Default)]
pub(crate) struct Evidence {
    pub taxa: Vec<TaxonHit>,
    pub materials: Vec<MaterialHit>,
    pub generic_parts: Vec<PartHit>,
    /// Object words (netsuke, carving) that make a weak code word count.
    pub objects: usize,
    /// Leather goods (belt, handbag, boots): a part when a listed reptile is named.
    pub goods: Vec<Words>,
    pub codes: Vec<CodeHit>,
    /// Code words that count only next to an object word (bone, white gold).
    pub context_codes: Vec<CodeHit>,
    pub looks: Vec<LookCue>,
    pub docs: Vec<DocClaim>,
    pub dubious: Vec<Words>,
    /// "keine", "none", "geen" …: a document word followed by one of these is denied.
    pub negations: Vec<Span>,
    /// Every span that named a taxon or a material, repeats included (for counts before them).
    pub name_spans: Vec<Span>,
    pub wanted: Vec<Words>,
    pub swap: Vec<Words>,
    pub offer_override: bool,
    pub live: usize,
    pub live_in_title: bool,
    /// Where the live-specimen words stand (for corroboration of ambiguous names).
    pub live_spans: Vec<Span>,
    pub count_words: Vec<CountWord>,
    pub obfuscated: Vec<Words>,
    /// What the item may really be (stamp, coin, book, print …).
    pub kinds: kind::KindCues,
    /// Names of other taxa or things that contain a listed name (tiger shark).
    pub other_names: Vec<OtherName>,
    /// News, petitions, law talk.
    pub discussion: Vec<Words>,
    /// Words of a sale (for sale, VB, te koop, shipping).
    pub sale: Vec<Words>,
    /// Words of a sale that a question may use too (sell, price, verkaufen).
    pub sale_weak: Vec<Words>,
}

impl Evidence {
    /// Records one lexicon hit: what the term means for the ad. Returns true when the term
    /// itself makes the ad about a listed specimen (a material, a code word).
    #[allow(clippy::too_many_arguments)]
    pub(crate) fn record(
        &mut self,
        list: List,
        e: &Entry,
        implied: Option<TaxonId>,
        words: &str,
        span: Span,
        in_title: bool,
        at_start: bool,
    ) -> bool {
        match list {
            List::Parts => return self.record_part(e, implied, words, span),
            List::CodeWords => return self.record_code(e, implied, words, span),
            List::Lookalikes if self.looks.len() > 64 => {}
            List::Lookalikes => self.looks.push(LookCue {
                kind: e.value.clone(),
                words: words.to_string(),
                span,
                list: e.list.clone(),
                in_title,
            }),
            List::Documents => self.record_document(e, words, span),
            List::Intent => self.record_intent(e, words, span, at_start),
            List::Live => {
                self.live += 1;
                self.live_in_title |= in_title;
                if self.live_spans.len() < 16 {
                    self.live_spans.push(span);
                }
            }
            List::Counts => {
                if let Ok(n) = e.value.parse() {
                    self.count_words.push(CountWord {
                        n,
                        words: words.to_string(),
                        span,
                    });
                }
            }
            List::ItemKinds if kind::participle_of(&e.term, words) => {}
            List::ItemKinds => {
                if let Some(cue) = kind::Cue::parse(&e.value) {
                    self.kinds.add(cue, words, span, &e.list);
                }
            }
            List::OtherNames if self.other_names.len() < 8 => self.other_names.push(OtherName {
                words: words.to_string(),
                taxon: e.value.clone(),
                span,
            }),
            List::OtherNames
            | List::Excluded
            | List::Ambiguous
            | List::Groups
            | List::FalseFriends => {}
        }
        false
    }

    fn record_part(
        &mut self,
        e: &Entry,
        implied: Option<TaxonId>,
        words: &str,
        span: Span,
    ) -> bool {
        match e.flag.as_str() {
            "object" => self.objects += 1,
            "goods" if self.goods.len() < 8 => self.goods.push(Words::new(words, span)),
            "goods" => {}
            "generic" if !self.generic_parts.iter().any(|g| g.concept == e.value) => {
                self.generic_parts.push(PartHit {
                    concept: e.value.clone(),
                    words: words.to_string(),
                    span,
                })
            }
            "generic" => {}
            _ => {
                if !self.materials.iter().any(|m| m.concept == e.value) {
                    self.materials.push(MaterialHit {
                        concept: e.value.clone(),
                        implies: implied,
                        words: words.to_string(),
                        span,
                        list: e.list.clone(),
                    });
                }
                return true;
            }
        }
        false
    }

    fn record_code(
        &mut self,
        e: &Entry,
        implied: Option<TaxonId>,
        words: &str,
        span: Span,
    ) -> bool {
        let hit = CodeHit {
            words: words.to_string(),
            implies: implied,
            span,
            stands_for: e.value.clone(),
            list: e.list.clone(),
        };
        if self
            .codes
            .iter()
            .chain(&self.context_codes)
            .any(|c| c.words.eq_ignore_ascii_case(words))
        {
            return e.flag != "yes";
        }
        if e.flag == "yes" {
            self.context_codes.push(hit);
            false
        } else {
            self.codes.push(hit);
            true
        }
    }

    fn record_document(&mut self, e: &Entry, words: &str, span: Span) {
        let claim = |code| DocClaim {
            code,
            words: words.to_string(),
            span,
            list: e.list.clone(),
        };
        match e.value.as_str() {
            "dubious" => self.dubious.push(Words::new(words, span)),
            "dubious_papers" => {
                // "papers can be arranged": a claim of papers, and a dubious one.
                self.dubious.push(Words::new(words, span));
                if !self.docs.iter().any(|x| x.code == "cites_certificate") {
                    self.docs.push(claim("cites_certificate"));
                }
            }
            "negation" => self.negations.push(span),
            value => {
                if let Some(d) =
                    crate::static_doc(value).filter(|d| !self.docs.iter().any(|x| x.code == *d))
                {
                    self.docs.push(claim(d));
                }
            }
        }
    }

    fn record_intent(&mut self, e: &Entry, words: &str, span: Span, at_start: bool) {
        let w = Words::new(words, span);
        match e.value.as_str() {
            "discussion" => self.discussion.push(w),
            "sale" => self.sale.push(w),
            "sale_weak" => self.sale_weak.push(w),
            "wanted" => self.wanted.push(w),
            // "Achète" opens a buyer's ad; "acheté à un particulier" is history.
            "wanted_start" if at_start => self.wanted.push(w),
            "wanted_start" => {}
            "swap" => self.swap.push(w),
            _ => self.offer_override = true,
        }
    }
}
