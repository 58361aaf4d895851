//! Named stages of the decision that `risk::decide` calls in order: corroboration of ambiguous
//! names, other taxa named by a longer name, what the item is, and the intent (offer, wanted,
//! swap, or a discussion that offers nothing). Each works on the [`Evidence`] of one ad and
//! returns what it decided with the reasons a person can check.

use crate::kind::{self, ItemKind, KindDecision, MaterialFacts};
use crate::{Evidence, Reason};

/// What an ad wants to do (the `intent` of the scan contract).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Intent {
    /// Offers something.
    Offer,
    /// A buyer's ad.
    Wanted,
    /// Offered in exchange.
    Swap,
    /// News, opinion, petitions, law talk: offers nothing.
    Discussion,
}

impl Intent {
    /// The contract's name.
    pub fn as_str(self) -> &'static str {
        match self {
            Intent::Offer => "offer",
            Intent::Wanted => "wanted",
            Intent::Swap => "swap",
            Intent::Discussion => "discussion",
        }
    }
}

fn reason(code: &'static str, text: String, list: &str, span: [usize; 2]) -> Reason {
    Reason {
        code,
        text,
        list: Some(list.to_string()),
        span: Some(span),
    }
}

/// Words between two spans of `text` (0 when they touch); `usize::MAX` when they overlap (a
/// word cannot corroborate itself: "Crâne" is a skull, not the crane it spells).
fn words_between(text: &str, a: [usize; 2], b: [usize; 2]) -> usize {
    let (from, to) = if a[1] <= b[0] {
        (a[1], b[0])
    } else if b[1] <= a[0] {
        (b[1], a[0])
    } else {
        return usize::MAX;
    };
    text.get(from..to)
        .map_or(usize::MAX, |gap| gap.split_whitespace().count())
}

/// How far (in words) a corroborating word may stand from an ambiguous name.
const NEAR_WORDS: usize = 4;

/// The evidence that an ambiguous name ("Puma", "Drill", "Once") means the animal: a scientific
/// name, or a live, part, document or count word near it. Returns the corroborating words and
/// what kind of corroboration they are, or `None`.
pub(crate) fn corroboration(
    ev: &Evidence,
    text: &str,
    name_span: [usize; 2],
    binomial: bool,
) -> Option<(String, &'static str)> {
    if binomial {
        return Some((
            text[name_span[0]..name_span[1]].to_string(),
            "a scientific name",
        ));
    }
    let near = |s: [usize; 2]| words_between(text, name_span, s) <= NEAR_WORDS;
    let word = |s: [usize; 2]| text[s[0]..s[1]].to_string();
    if let Some(s) = ev.live_spans.iter().find(|s| near(**s)) {
        return Some((word(*s), "a live-specimen word"));
    }
    if let Some(m) = ev.materials.iter().find(|m| near(m.3)) {
        return Some((m.2.clone(), "a part or material word"));
    }
    if let Some(g) = ev.generic_parts.iter().find(|g| near(g.2)) {
        return Some((g.1.clone(), "a part word"));
    }
    if let Some(g) = ev.goods_spans.iter().find(|g| near(g.1)) {
        return Some((g.0.clone(), "a leather-goods word"));
    }
    if let Some(c) = ev.count_words.iter().find(|c| near(c.2)) {
        return Some((c.1.clone(), "a count of specimens"));
    }
    if let Some(d) = ev
        .docs
        .iter()
        .find(|d| d.0 != "antique" && words_between(text, name_span, d.2) <= 3 * NEAR_WORDS)
    {
        return Some((d.1.clone(), "a documentation claim"));
    }
    None
}

/// The reasons for names of other taxa or things that contain a listed name ("tiger shark"
/// names *Galeocerdo cuvier*, not the tiger inside it).
pub(crate) fn other_names(ev: &Evidence) -> Vec<Reason> {
    ev.other_names
        .iter()
        .map(|(words, taxon, span)| {
            reason(
                "OTHER_TAXON",
                format!(
                    "'{words}' names {taxon}, which is not listed; the listed name inside it does not count"
                ),
                "other_names.csv",
                *span,
            )
        })
        .collect()
}

/// What the item is. A code word, or a listed material named for an object that may be made of
/// one (an ivory figurine), keeps it a specimen.
pub(crate) fn item_kind(ev: &Evidence, text: &str, has_code: bool) -> KindDecision {
    let facts = MaterialFacts {
        material: !ev.materials.is_empty(),
        part_of_sure_taxon: (!ev.generic_parts.is_empty() || ev.goods > 0)
            && ev.taxa.iter().any(|t| !t.3),
        code_word: has_code,
    };
    kind::decide(&ev.kinds, text, facts)
}

/// The item kind reported for an ad that is not relevant and that no item-kind cue decided:
/// from the look-alike cues, else a specimen when an animal or plant was named, else other.
pub(crate) fn reported_kind(ev: &Evidence, named_something: bool, accessory: bool) -> ItemKind {
    let from_look = ev.looks.iter().find_map(|l| match l.0.as_str() {
        "toy" | "figure" => Some(ItemKind::FigurineToy),
        "faux" | "pattern" => Some(ItemKind::Imitation),
        "fossil" => Some(ItemKind::Fossil),
        "brand" | "product" => Some(ItemKind::BrandProduct),
        _ => None,
    });
    if let Some(k) = from_look {
        k
    } else if accessory {
        ItemKind::Other
    } else if named_something || !ev.other_names.is_empty() || ev.live > 0 {
        ItemKind::Specimen
    } else {
        ItemKind::Other
    }
}

/// Where an ad was posted, as far as intent goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Venue {
    /// A marketplace, shop or auction: posts there are offers unless they say otherwise.
    Market,
    /// A social network or forum: posts there offer something only when they say so.
    Social,
    /// Not known.
    Unknown,
}

impl Venue {
    /// The venue of a platform name as the ad gives it.
    pub fn of(platform: Option<&str>) -> Venue {
        let Some(p) = platform.map(str::to_ascii_lowercase) else {
            return Venue::Unknown;
        };
        const SOCIAL: &[&str] = &[
            "twitter", "x.com", "facebook", "instagram", "reddit", "forum", "tiktok", "youtube",
            "telegram", "whatsapp", "mastodon", "bluesky", "threads",
        ];
        if p == "x" || SOCIAL.iter().any(|s| p.contains(s)) {
            Venue::Social
        } else if p.trim().is_empty() {
            Venue::Unknown
        } else {
            Venue::Market
        }
    }
}

/// True when the sentence around `span` ends with a question mark.
fn in_question(text: &str, span: [usize; 2]) -> bool {
    text.get(span[1]..)
        .and_then(|rest| rest.find(['.', '!', '?', '\n']).map(|i| rest[i..].starts_with('?')))
        .unwrap_or(false)
}

/// The intent: a buyer's ad, a swap, an offer, or a discussion that offers nothing. Buyer's and
/// swap words decide first. Otherwise the post is weighed: a price (3), words of a sale (2 each,
/// up to 2), weaker ones that questions use too ("can I sell", 1 each, up to 2) and live,
/// part or count words (1) against
/// discussion words (news, petition, seized, "is it legal": 2 each, up to 3), a question mark (1)
/// and a social network or forum as venue (1). It is a discussion when the second weighs more:
/// a post on a social network or forum that says nothing of a sale is one.
pub(crate) fn intent(
    ev: &Evidence,
    has_price: bool,
    venue: Venue,
    text: &str,
) -> (Intent, Option<Reason>) {
    if ev.offer_override {
        return (Intent::Offer, None);
    }
    // "Getuigen gezocht: diefstal", "cherche des bénévoles": two discussion words and no price
    // or sale word make a buyer's word part of the discussion.
    let many_discussion_words = ev.discussion.len() >= 2 && ev.sale.is_empty() && !has_price;
    if let Some(w) = ev.wanted.first().filter(|_| !many_discussion_words) {
        let r = reason(
            "WANTED",
            format!("'{}': a buyer's ad", w.0),
            "intent.csv",
            w.1,
        );
        return (Intent::Wanted, Some(r));
    }
    if let Some(s) = ev.swap.first().filter(|_| !many_discussion_words) {
        let r = reason(
            "SWAP",
            format!("'{}': offered in exchange", s.0),
            "intent.csv",
            s.1,
        );
        return (Intent::Swap, Some(r));
    }
    // Live-specimen, part and count words (a pair, 1.2, Fell, claws) are how offers talk.
    let specimen_talk = ev.live > 0
        || !ev.count_words.is_empty()
        || !ev.materials.is_empty()
        || !ev.generic_parts.is_empty()
        || ev.goods > 0;
    // "Not selling, just asking" and "can I sell it?": a denied sale word, or one in a
    // question, does not count.
    let stands = |w: &&(String, [usize; 2])| {
        !kind::negated(&ev.kinds.negations, w.1, text) && !in_question(text, w.1)
    };
    let sale = ev.sale.iter().filter(stands).count();
    let sale_weak = ev.sale_weak.iter().filter(stands).count();
    let offer = 3 * usize::from(has_price)
        + 2 * sale.min(2)
        + sale_weak.min(2)
        + usize::from(specimen_talk);
    let question = text.contains('?');
    if std::env::var_os("WW_DEBUG_INTENT").is_some() {
        eprintln!("DBG disc={:?} sale={:?} weak={:?} price={has_price} venue={venue:?}", ev.discussion, ev.sale, ev.sale_weak);
    }
    let social = venue == Venue::Social;
    let discussion =
        2 * ev.discussion.len().min(3) + usize::from(question) + usize::from(social);
    if discussion <= offer || ev.discussion.is_empty() && !social {
        return (Intent::Offer, None);
    }
    let mut why: Vec<String> = ev
        .discussion
        .iter()
        .take(3)
        .map(|d| format!("'{}'", d.0))
        .collect();
    if question {
        why.push("a question".into());
    }
    if social {
        why.push("posted on a social network or forum".into());
    }
    let text = format!(
        "{}: news, opinion, a petition, law talk or a question, {}",
        why.join(", "),
        if offer == 0 {
            "with no price and no word of a sale".to_string()
        } else {
            format!("outweighing its price or sale words ({discussion} against {offer})")
        }
    );
    let r = Reason {
        code: "DISCUSSION",
        text,
        list: Some("intent.csv".into()),
        span: ev.discussion.first().map(|d| d.1),
    };
    (Intent::Discussion, Some(r))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_sale_word_in_a_question_is_no_sale() {
        let t = "Wenn ich die innerhalb DE verkaufe, brauche ich da Papiere? Danke";
        let at = t.find("verkaufe").unwrap();
        assert!(in_question(t, [at, at + 8]));
        let t = "Verkaufe Graupapagei. Fragen?";
        assert!(!in_question(t, [0, 8]));
    }

    #[test]
    fn words_between_spans() {
        let t = "Puma Jungtier aus Nachzucht";
        assert_eq!(words_between(t, [0, 4], [5, 13]), 0);
        assert_eq!(words_between(t, [0, 4], [18, 27]), 2);
        assert_eq!(words_between(t, [18, 27], [0, 4]), 2);
    }

    #[test]
    fn discussion_needs_no_sale_and_no_price() {
        let m = Venue::Market;
        let mut ev = Evidence::default();
        ev.discussion.push(("petition".into(), [0, 8]));
        assert_eq!(intent(&ev, false, m, "").0, Intent::Discussion);
        assert_eq!(intent(&ev, true, m, "").0, Intent::Offer);
        ev.sale.push(("for sale".into(), [10, 18]));
        assert_eq!(intent(&ev, false, m, "").0, Intent::Offer);
        // Two discussion words and a question outweigh a weak "sell".
        let mut ev = Evidence::default();
        ev.discussion.push(("is it legal".into(), [0, 11]));
        ev.discussion.push(("Ivory Act".into(), [12, 21]));
        ev.sale_weak.push(("sell".into(), [22, 26]));
        assert_eq!(intent(&ev, false, m, "is it legal … sell?").0, Intent::Discussion);
        let mut ev = Evidence::default();
        ev.discussion.push(("news".into(), [0, 4]));
        ev.wanted.push(("WTB".into(), [5, 8]));
        assert_eq!(intent(&ev, false, m, "").0, Intent::Wanted);
    }

    #[test]
    fn a_social_post_offers_only_when_it_says_so() {
        let ev = Evidence::default();
        let social = Venue::of(Some("twitter"));
        assert_eq!(social, Venue::Social);
        assert_eq!(
            intent(&ev, false, social, "Can I take my tortoise to France?").0,
            Intent::Discussion
        );
        assert_eq!(
            intent(&ev, false, social, "Great day at the falconry centre").0,
            Intent::Discussion
        );
        assert_eq!(intent(&ev, true, social, "").0, Intent::Offer);
        let market = Venue::of(Some("leboncoin"));
        assert_eq!(intent(&ev, false, market, "Perroquet gris").0, Intent::Offer);
        assert_eq!(Venue::of(None), Venue::Unknown);
    }

    #[test]
    fn a_far_live_word_does_not_corroborate() {
        let text = "Vintage leather boots used once, great for walking the dog and the horse, ships worldwide";
        let mut ev = Evidence::default();
        let once = text.find("once").unwrap();
        ev.generic_parts.push(("leather".into(), "leather".into(), [8, 15]));
        assert!(corroboration(&ev, text, [once, once + 4], false).is_some());
        let ships = text.find("ships").unwrap();
        assert!(corroboration(&ev, text, [ships, ships + 5], false).is_none());
        assert!(corroboration(&ev, text, [ships, ships + 5], true).is_some());
    }
}
