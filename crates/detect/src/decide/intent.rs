//! Stage 5 — intent: an offer, a buyer's ad, a swap, or a discussion (news, opinion,
//! petitions, law talk, questions) that offers nothing.

use crate::evidence::{Evidence, Span};
use crate::{kind, Reason};

pub use wildwatch_vocab::Intent;

fn reason(code: &'static str, text: String, list: &str, span: Span) -> Reason {
    Reason {
        code,
        text,
        list: Some(list.to_string()),
        span: Some(span),
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
            "twitter",
            "x.com",
            "facebook",
            "instagram",
            "reddit",
            "forum",
            "tiktok",
            "youtube",
            "telegram",
            "whatsapp",
            "mastodon",
            "bluesky",
            "threads",
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
fn in_question(text: &str, span: Span) -> bool {
    text.get(span[1]..)
        .and_then(|rest| {
            rest.find(['.', '!', '?', '\n'])
                .map(|i| rest[i..].starts_with('?'))
        })
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
    // The earlier of a swap and a buyer's word says what the ad is: "Tausche X gegen Y … suche
    // dafür Zubehör" is a swap.
    let swap_first = match (ev.swap.first(), ev.wanted.first()) {
        (Some(s), Some(w)) => s.span[0] < w.span[0],
        _ => false,
    };
    if let Some(w) = ev
        .wanted
        .first()
        .filter(|_| !many_discussion_words && !swap_first)
    {
        let r = reason(
            "WANTED",
            format!("'{}': a buyer's ad", w.words),
            "intent.csv",
            w.span,
        );
        return (Intent::Wanted, Some(r));
    }
    if let Some(s) = ev.swap.first().filter(|_| !many_discussion_words) {
        let r = reason(
            "SWAP",
            format!("'{}': offered in exchange", s.words),
            "intent.csv",
            s.span,
        );
        return (Intent::Swap, Some(r));
    }
    // Live-specimen, part and count words (a pair, 1.2, Fell, claws) are how offers talk.
    let specimen_talk = ev.live > 0
        || !ev.count_words.is_empty()
        || !ev.materials.is_empty()
        || !ev.generic_parts.is_empty()
        || !ev.goods.is_empty();
    // "Not selling, just asking" and "can I sell it?": a denied sale word, or one in a
    // question, does not count.
    let stands = |w: &&crate::evidence::Words| {
        !kind::negated(&ev.kinds.negations, w.span, text) && !in_question(text, w.span)
    };
    let sale = ev.sale.iter().filter(stands).count();
    let sale_weak = ev.sale_weak.iter().filter(stands).count();
    let offer = 3 * usize::from(has_price)
        + 2 * sale.min(2)
        + sale_weak.min(2)
        + usize::from(specimen_talk);
    let question = text.contains('?');
    let social = venue == Venue::Social;
    let discussion = 2 * ev.discussion.len().min(3) + usize::from(question) + usize::from(social);
    if discussion <= offer || ev.discussion.is_empty() && !social {
        return (Intent::Offer, None);
    }
    let mut why: Vec<String> = ev
        .discussion
        .iter()
        .take(3)
        .map(|d| format!("'{}'", d.words))
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
        span: ev.discussion.first().map(|d| d.span),
    };
    (Intent::Discussion, Some(r))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::Words;

    #[test]
    fn a_sale_word_in_a_question_is_no_sale() {
        let t = "Wenn ich die innerhalb DE verkaufe, brauche ich da Papiere? Danke";
        let at = t.find("verkaufe").unwrap();
        assert!(in_question(t, [at, at + 8]));
        let t = "Verkaufe Graupapagei. Fragen?";
        assert!(!in_question(t, [0, 8]));
    }

    #[test]
    fn discussion_needs_no_sale_and_no_price() {
        let m = Venue::Market;
        let mut ev = Evidence::default();
        ev.discussion.push(Words::new("petition", [0, 8]));
        assert_eq!(intent(&ev, false, m, "").0, Intent::Discussion);
        assert_eq!(intent(&ev, true, m, "").0, Intent::Offer);
        ev.sale.push(Words::new("for sale", [10, 18]));
        assert_eq!(intent(&ev, false, m, "").0, Intent::Offer);
        // Two discussion words and a question outweigh a weak "sell".
        let mut ev = Evidence::default();
        ev.discussion.push(Words::new("is it legal", [0, 11]));
        ev.discussion.push(Words::new("Ivory Act", [12, 21]));
        ev.sale_weak.push(Words::new("sell", [22, 26]));
        assert_eq!(
            intent(&ev, false, m, "is it legal … sell?").0,
            Intent::Discussion
        );
        let mut ev = Evidence::default();
        ev.discussion.push(Words::new("news", [0, 4]));
        ev.wanted.push(Words::new("WTB", [5, 8]));
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
        assert_eq!(
            intent(&ev, false, market, "Perroquet gris").0,
            Intent::Offer
        );
        assert_eq!(Venue::of(None), Venue::Unknown);
    }
}
