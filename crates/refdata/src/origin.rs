//! Which part of a partial listing an ad's specimen belongs to, from the origin the ad states: a
//! country or region ("aus Südafrika", "European"), a subspecies ("Kashmir stag"), or farmed /
//! captive-bred stock.

use std::collections::BTreeSet;
use std::ops::Range;

use crate::coverage::{unlisted_rest, Coverage, ListedPart, PartialListing, Scope};
use crate::listing::parse_listing;
use crate::places::{places, MatchMode, Matcher, PlaceKind};
use crate::{fold, Annex, Appendix, RefData, Taxon, TaxonId};

/// An origin an ad may state.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// One or more countries: a country named, or the countries of a region named (`region` is its
    /// name, e.g. "Europe").
    Countries {
        /// ISO 3166-1 alpha-2 codes.
        iso2: Vec<String>,
        /// The region the codes stand for, when a region was named.
        region: Option<String>,
    },
    /// A subspecies, by full scientific name (e.g. `Cervus elaphus hanglu`).
    Subspecies(String),
    /// Farmed or ranched stock.
    Farmed,
    /// Bred in captivity.
    CaptiveBred,
}

impl Origin {
    /// Countries by ISO code, e.g. `Origin::countries(&["ZA"])`.
    pub fn countries(iso2: &[&str]) -> Origin {
        Origin::Countries {
            iso2: iso2.iter().map(|c| c.to_string()).collect(),
            region: None,
        }
    }
}

/// How the part that applies was chosen, from the most to the least certain.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Basis {
    /// The taxon's listing covers all of it: the origin does not matter.
    WholeTaxon,
    /// The ad names a listed subspecies.
    NamedSubspecies,
    /// The origin is among the countries of a population listing.
    Population,
    /// The origin is outside the populations named by other parts ("all other populations", "all
    /// populations except …").
    OtherPopulations,
    /// The origin lies in the range of a listed subspecies; other, differently listed forms may occur
    /// there too.
    SubspeciesRange,
}

/// Which listing applies to a specimen of a taxon from a stated origin, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ListingChoice {
    /// One appendix (and annex) applies.
    Listed {
        /// The CITES appendix (`None` for a taxon listed only by the EU).
        appendix: Option<Appendix>,
        /// The EU annex.
        annex: Option<Annex>,
        /// How it was chosen.
        basis: Basis,
        /// In words a person can check.
        reason: String,
    },
    /// The origin is in no listed part.
    NotCovered {
        /// In words a person can check, e.g. "Struthio camelus: Appendix I only for the populations
        /// of BF, CF, …; origin ZA (South Africa) is not among them".
        reason: String,
    },
    /// The origin does not decide between parts (or none is stated).
    Undetermined {
        /// The appendices that may apply; `None` = not listed.
        options: Vec<Option<Appendix>>,
        /// In words a person can check.
        reason: String,
    },
}

impl ListingChoice {
    /// The reason in words.
    pub fn reason(&self) -> &str {
        match self {
            ListingChoice::Listed { reason, .. }
            | ListingChoice::NotCovered { reason }
            | ListingChoice::Undetermined { reason, .. } => reason,
        }
    }

    /// The appendix, when exactly one applies.
    pub fn appendix(&self) -> Option<Appendix> {
        match self {
            ListingChoice::Listed { appendix, .. } => *appendix,
            _ => None,
        }
    }

    /// The EU annex, when exactly one applies.
    pub fn annex(&self) -> Option<Annex> {
        match self {
            ListingChoice::Listed { annex, .. } => *annex,
            _ => None,
        }
    }

    fn with_remark(mut self, remark: &str) -> ListingChoice {
        match &mut self {
            ListingChoice::Listed { reason, .. }
            | ListingChoice::NotCovered { reason }
            | ListingChoice::Undetermined { reason, .. } => reason.push_str(remark),
        }
        self
    }
}

/// Finds the origins stated in a text: countries and regions by name or demonym in EN/FR/DE/NL
/// ("South Africa", "Südafrika", "südafrikanisch", "Zuid-Afrikaanse", "European"), and words for farmed
/// or captive-bred stock ("Farmzucht", "captive bred", "NZ"), as whole words, ignoring case and accents
/// (except for names that are also ordinary words, such as "Turkey"). Returns each with its byte range
/// in `text`. A region gives all its countries; [`Taxon::listing_for_origin`] keeps those in the
/// taxon's range. Names inside a species' common name ("Indian star tortoise") count as well.
pub fn origins_in(text: &str) -> Vec<(Origin, Range<usize>)> {
    let p = places();
    p.find(text)
        .into_iter()
        .map(|(place, span)| {
            let origin = match place.kind {
                PlaceKind::Country => Origin::Countries {
                    iso2: place.members.clone(),
                    region: None,
                },
                PlaceKind::Region => Origin::Countries {
                    iso2: place.members.clone(),
                    region: Some(p.display_name(&place.key).to_string()),
                },
                PlaceKind::Husbandry if place.key == "farmed" => Origin::Farmed,
                PlaceKind::Husbandry => Origin::CaptiveBred,
            };
            (origin, span)
        })
        .collect()
}

impl RefData {
    /// The origins stated in a text about taxon `id`: those of [`origins_in`], and the listed
    /// subspecies of the taxon named by their scientific name, abbreviated ("C. e. hanglu"), their
    /// epithet alone, or any of their names ("Kashmir stag", "Kaschmirhirsch"). Where a subspecies name
    /// and a place overlap ("Kashmir stag"), the longer wins.
    pub fn origins_for(&self, id: TaxonId, text: &str) -> Vec<(Origin, Range<usize>)> {
        let mut found = origins_in(text);
        let Coverage::Parts(p) = &self.taxon(id).coverage else {
            return found;
        };
        let mut matcher = Matcher::default();
        let mut payload: Vec<String> = Vec::new();
        for name in listed_subspecies(p) {
            for text in self.subspecies_names(name) {
                matcher.add(&text, MatchMode::Plain);
                payload.push(name.to_string());
            }
        }
        for hit in matcher.find(text) {
            found.push((Origin::Subspecies(payload[hit.pattern].clone()), hit.span));
        }
        keep_longest(found)
    }

    /// Ways to write a subspecies: full name, abbreviated, epithet, and its names in the data.
    fn subspecies_names(&self, full: &str) -> Vec<String> {
        let words: Vec<&str> = full.split_whitespace().collect();
        let mut out = vec![full.to_string()];
        if let [g, s, .., e] = words.as_slice() {
            out.push(format!("{}. {}. {e}", &g[..1], &s[..1]));
            if e.len() >= 4 && *e != "var." {
                out.push(e.to_string());
            }
        }
        for id in self.lookup(full) {
            if self.taxon(id).name == full {
                out.extend(self.names_of(id).map(|n| n.text.clone()));
            }
        }
        out.sort();
        out.dedup();
        out
    }
}

/// Full names of the subspecies that are listed parts.
fn listed_subspecies(p: &PartialListing) -> Vec<&str> {
    p.parts
        .iter()
        .flat_map(|x| match &x.scope {
            Scope::Subspecies { names, .. } => names.iter().map(String::as_str).collect(),
            _ => Vec::new(),
        })
        .collect()
}

/// Drops every found origin whose span lies inside a longer one.
fn keep_longest(mut found: Vec<(Origin, Range<usize>)>) -> Vec<(Origin, Range<usize>)> {
    found.sort_by_key(|(_, s)| (s.start, std::cmp::Reverse(s.end)));
    let mut out: Vec<(Origin, Range<usize>)> = Vec::new();
    for (o, s) in found {
        if out
            .iter()
            .any(|(_, k)| k.start <= s.start && s.end <= k.end)
        {
            continue;
        }
        out.push((o, s));
    }
    out
}

impl Taxon {
    /// Which listing applies to a specimen of this taxon from `origin`. See
    /// [`Taxon::listing_for_origins`].
    pub fn listing_for_origin(&self, origin: &Origin) -> ListingChoice {
        self.listing_for_origins(std::slice::from_ref(origin))
    }

    /// Which listing applies to a specimen of this taxon from the origins an ad states (all of them
    /// together; none = not stated).
    ///
    /// A named subspecies of this species decides first; else the countries (a region's countries
    /// within the taxon's range); else nothing is known. Among the parts that cover a country the most
    /// specific wins: a population listing, then a listed subspecies whose range has the country, then
    /// "all populations except …", then "all other populations". A country of which only part of the
    /// population is listed ("part of the population of CO") leaves the choice open, and so do several
    /// countries listed differently. Farmed or captive-bred stock changes no appendix: it is said in
    /// the reason.
    pub fn listing_for_origins(&self, origins: &[Origin]) -> ListingChoice {
        let choice = match &self.coverage {
            Coverage::Whole => self.whole_choice(),
            Coverage::Members => self.members_choice(),
            Coverage::Parts(p) => self.parts_choice(p, origins),
        };
        match origins
            .iter()
            .find(|o| matches!(o, Origin::Farmed | Origin::CaptiveBred))
        {
            Some(o) => choice.with_remark(&format!(
                "; the ad says {}, which does not change the appendix (the population the stock came from decides; for Appendix I, CITES may treat specimens of registered breeding operations as Appendix II)",
                if *o == Origin::Farmed { "farmed" } else { "captive-bred" }
            )),
            None => choice,
        }
    }

    fn whole_choice(&self) -> ListingChoice {
        if self.cites.is_none() && self.eu_annex.is_none() {
            return ListingChoice::NotCovered {
                reason: format!("{} is not listed", self.name),
            };
        }
        ListingChoice::Listed {
            appendix: self.cites,
            annex: self.eu_annex,
            basis: Basis::WholeTaxon,
            reason: format!(
                "{}: {} for the whole taxon; the origin does not change it",
                self.name,
                listing_words(self.cites, self.eu_annex)
            ),
        }
    }

    fn members_choice(&self) -> ListingChoice {
        let (apps, nc) = parse_listing(&self.cites_raw);
        let mut options: Vec<Option<Appendix>> = apps.into_iter().map(Some).collect();
        if nc {
            options.push(None);
        }
        ListingChoice::Undetermined {
            options,
            reason: format!(
                "{}: its members are listed differently ({}); the species decides",
                self.name, self.cites_raw
            ),
        }
    }

    fn parts_choice(&self, p: &PartialListing, origins: &[Origin]) -> ListingChoice {
        let subspecies = origins.iter().find_map(|o| match o {
            Origin::Subspecies(s) if self.is_own_subspecies(s) => Some(s.as_str()),
            _ => None,
        });
        if let Some(s) = subspecies {
            return self.subspecies_choice(p, s);
        }
        let (codes, label) = self.stated_countries(origins);
        if codes.is_empty() {
            return ListingChoice::Undetermined {
                options: possible_appendices(p),
                reason: format!("{}: {}; the ad states no origin", self.name, p.text),
            };
        }
        self.countries_choice(p, &codes, &label)
    }

    /// True for a subspecies name of this species (or a bare epithet).
    fn is_own_subspecies(&self, name: &str) -> bool {
        let words: Vec<&str> = name.split_whitespace().collect();
        words.len() == 1 || fold(&words[..2].join(" ")) == fold(&self.name)
    }

    fn subspecies_choice(&self, p: &PartialListing, name: &str) -> ListingChoice {
        let epithet = |s: &str| fold(s.split_whitespace().last().unwrap_or_default());
        let found = p.parts.iter().find(|x| match &x.scope {
            Scope::Subspecies { names, .. } => names.iter().any(|n| epithet(n) == epithet(name)),
            _ => false,
        });
        if let Some(part) = found {
            return ListingChoice::Listed {
                appendix: Some(part.appendix),
                annex: part.annex,
                basis: Basis::NamedSubspecies,
                reason: format!(
                    "{}: {}; the ad names {name}: {}",
                    self.name,
                    p.text,
                    listing_words(Some(part.appendix), part.annex)
                ),
            };
        }
        match p.parts.iter().find(|x| x.scope == Scope::Rest) {
            Some(rest) => ListingChoice::Listed {
                appendix: Some(rest.appendix),
                annex: rest.annex,
                basis: Basis::OtherPopulations,
                reason: format!(
                    "{}: {}; the ad names {name}, which is none of the subspecies listed apart: {}",
                    self.name,
                    p.text,
                    listing_words(Some(rest.appendix), rest.annex)
                ),
            },
            None => ListingChoice::NotCovered {
                reason: format!(
                    "{}: {}; the ad names {name}, which is not among the listed subspecies",
                    self.name, p.text
                ),
            },
        }
    }

    /// The countries of the stated origins (a region's within the taxon's range, when any are), and
    /// how to say them.
    fn stated_countries(&self, origins: &[Origin]) -> (Vec<String>, String) {
        let mut codes: Vec<String> = Vec::new();
        let mut labels: Vec<String> = Vec::new();
        for o in origins {
            let Origin::Countries { iso2, region } = o else {
                continue;
            };
            let in_range: Vec<String> = match region {
                Some(_) => iso2
                    .iter()
                    .filter(|c| self.distribution.contains(c))
                    .cloned()
                    .collect(),
                None => Vec::new(),
            };
            let used = if in_range.is_empty() {
                iso2.clone()
            } else {
                in_range
            };
            labels.push(match region {
                Some(r)
                    if used.len() < iso2.len()
                        || iso2.iter().all(|c| self.distribution.contains(c)) =>
                {
                    format!("{r} ({} in the taxon's range)", short_list(&used))
                }
                Some(r) => format!("{r} (none of its countries in the taxon's recorded range)"),
                None => used
                    .iter()
                    .map(|c| format!("{c} ({})", places().country_name(c)))
                    .collect::<Vec<_>>()
                    .join(", "),
            });
            for c in used {
                if !codes.contains(&c) {
                    codes.push(c);
                }
            }
        }
        (codes, labels.join(", "))
    }

    fn countries_choice(&self, p: &PartialListing, codes: &[String], label: &str) -> ListingChoice {
        let verdicts: Vec<Verdict> = codes.iter().map(|c| verdict(p, c)).collect();
        let outside: Vec<String> = codes
            .iter()
            .filter(|c| !self.distribution.is_empty() && !self.distribution.contains(c))
            .cloned()
            .collect();
        let remark = if outside.is_empty() {
            String::new()
        } else {
            format!(
                "; {} outside the recorded range (the ad may name where the item is, not where the animal came from)",
                short_list(&outside)
            )
        };
        let head = format!("{}: {}; origin {label}", self.name, p.text);
        if let Some((part, basis)) = one_listed_part(p, &verdicts) {
            return ListingChoice::Listed {
                appendix: Some(part.appendix),
                annex: part.annex,
                basis,
                reason: format!(
                    "{head}: {} ({}){}{remark}",
                    listing_words(Some(part.appendix), part.annex),
                    part.scope.describe(),
                    range_caveat(p, basis),
                ),
            };
        }
        if verdicts.iter().all(|v| *v == Verdict::NotCovered) {
            return ListingChoice::NotCovered {
                reason: format!(
                    "{head} {} not among them{remark}",
                    if codes.len() == 1 { "is" } else { "are" }
                ),
            };
        }
        // Group the countries by what applies to them.
        let mut options: BTreeSet<Option<Appendix>> = BTreeSet::new();
        let mut groups: Vec<(String, Vec<String>)> = Vec::new();
        for (code, v) in codes.iter().zip(&verdicts) {
            let words = match v {
                Verdict::Listed(i, _) => {
                    options.insert(Some(p.parts[*i].appendix));
                    format!("Appendix {}", p.parts[*i].appendix.as_str())
                }
                Verdict::NotCovered => {
                    options.insert(None);
                    "not listed".to_string()
                }
                Verdict::Open { options: o, partly } => {
                    options.extend(o.iter().copied());
                    format!(
                        "{}{}",
                        options_words(o),
                        if *partly {
                            " (only part of the country's population is listed apart)"
                        } else {
                            ""
                        }
                    )
                }
            };
            match groups.iter_mut().find(|(w, _)| *w == words) {
                Some((_, c)) => c.push(code.clone()),
                None => groups.push((words, vec![code.clone()])),
            }
        }
        let details = if groups.len() == 1 {
            groups[0].0.clone()
        } else {
            groups
                .iter()
                .map(|(w, c)| format!("{}: {w}", short_list(c)))
                .collect::<Vec<_>>()
                .join("; ")
        };
        ListingChoice::Undetermined {
            options: options.into_iter().collect(),
            reason: format!("{head}: {details}{remark}"),
        }
    }
}

/// What the parts say for one country.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Verdict {
    /// The part at this index applies.
    Listed(usize, Basis),
    /// No part covers it.
    NotCovered,
    /// Several appendices are possible: parts that cover it equally, or a part that covers only part
    /// of its population (`partly`).
    Open {
        options: Vec<Option<Appendix>>,
        partly: bool,
    },
}

/// The part, when every country has the same one (appendix and annex), with the least certain basis.
fn one_listed_part<'a>(
    p: &'a PartialListing,
    verdicts: &[Verdict],
) -> Option<(&'a ListedPart, Basis)> {
    let mut found: Option<(&ListedPart, Basis)> = None;
    for v in verdicts {
        let Verdict::Listed(i, basis) = v else {
            return None;
        };
        let part = &p.parts[*i];
        found = match found {
            None => Some((part, *basis)),
            Some((f, b)) if f.appendix == part.appendix && f.annex == part.annex => {
                Some((f, b.max(*basis)))
            }
            Some(_) => return None,
        };
    }
    found
}

/// The part that covers a country: the most specific certain match, unless a partly-covering
/// population listing leaves it open.
fn verdict(p: &PartialListing, code: &str) -> Verdict {
    let has = |v: &[String]| v.iter().any(|c| c == code);
    // (specificity, partial, part index)
    let mut matches: Vec<(u8, bool, usize)> = Vec::new();
    for (i, part) in p.parts.iter().enumerate() {
        match &part.scope {
            Scope::Populations { countries, partly } if has(countries) => {
                matches.push((1, false, i))
            }
            Scope::Populations { partly, .. } if has(partly) => matches.push((1, true, i)),
            Scope::Subspecies { range, .. } if has(range) => matches.push((2, false, i)),
            Scope::AllExcept(except) if !has(except) => matches.push((3, false, i)),
            _ => {}
        }
    }
    if !matches.iter().any(|(_, partial, _)| !partial) {
        if let Some(i) = p.parts.iter().position(|x| x.scope == Scope::Rest) {
            matches.push((4, false, i));
        }
    }
    let best = matches
        .iter()
        .filter(|(_, partial, _)| !partial)
        .map(|(r, ..)| *r)
        .min();
    let partial: Vec<usize> = matches
        .iter()
        .filter(|(r, partial, _)| {
            *partial
                && match best {
                    None => true,
                    Some(b) => *r < b,
                }
        })
        .map(|(.., i)| *i)
        .collect();
    let certain: Vec<usize> = matches
        .iter()
        .filter(|(r, partial, _)| !partial && Some(*r) == best)
        .map(|(.., i)| *i)
        .collect();
    let apps = |ix: &[usize]| {
        ix.iter()
            .map(|i| p.parts[*i].appendix)
            .collect::<BTreeSet<_>>()
    };
    if !partial.is_empty() {
        let mut options: BTreeSet<Option<Appendix>> =
            apps(&partial).into_iter().map(Some).collect();
        if certain.is_empty() {
            options.insert(None);
        } else {
            options.extend(apps(&certain).into_iter().map(Some));
        }
        return Verdict::Open {
            options: options.into_iter().collect(),
            partly: true,
        };
    }
    match (best, apps(&certain).len()) {
        (None, _) => Verdict::NotCovered,
        (Some(rank), 1) => Verdict::Listed(
            certain[0],
            match rank {
                1 => Basis::Population,
                2 => Basis::SubspeciesRange,
                _ => Basis::OtherPopulations,
            },
        ),
        _ => Verdict::Open {
            options: apps(&certain).into_iter().map(Some).collect(),
            partly: false,
        },
    }
}

/// The appendices a specimen with no stated origin may have; `None` when some part is not listed.
fn possible_appendices(p: &PartialListing) -> Vec<Option<Appendix>> {
    let mut options: BTreeSet<Option<Appendix>> =
        p.parts.iter().map(|x| Some(x.appendix)).collect();
    if unlisted_rest(&p.parts, p.unlisted_remainder).is_some() {
        options.insert(None);
    }
    options.into_iter().collect()
}

/// For a choice by subspecies range: what other forms in that country would be.
fn range_caveat(p: &PartialListing, basis: Basis) -> String {
    if basis != Basis::SubspeciesRange {
        return String::new();
    }
    let other = match p.parts.iter().find(|x| x.scope == Scope::Rest) {
        Some(rest) => format!("Appendix {}", rest.appendix.as_str()),
        None => "not listed".to_string(),
    };
    format!("; the origin lies in that subspecies' range, but other forms there would be {other}")
}

fn listing_words(appendix: Option<Appendix>, annex: Option<Annex>) -> String {
    match (appendix, annex) {
        (Some(a), Some(x)) => format!("Appendix {} / Annex {}", a.as_str(), x.as_str()),
        (Some(a), None) => format!("Appendix {} / no EU annex", a.as_str()),
        (None, Some(x)) => format!("not in the CITES appendices / Annex {}", x.as_str()),
        (None, None) => "not listed".to_string(),
    }
}

fn options_words(options: &[Option<Appendix>]) -> String {
    options
        .iter()
        .map(|o| match o {
            Some(a) => format!("Appendix {}", a.as_str()),
            None => "not listed".to_string(),
        })
        .collect::<Vec<_>>()
        .join(" or ")
}

/// Up to eight codes, then how many in all.
fn short_list(codes: &[String]) -> String {
    if codes.len() <= 8 {
        codes.join(", ")
    } else {
        format!("{}, … ({} countries)", codes[..8].join(", "), codes.len())
    }
}
