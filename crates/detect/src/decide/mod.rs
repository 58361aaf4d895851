//! From the evidence of one ad to the decision, as named stages a person can read:
//!
//! 1. [`lookalike::screen`] — negated cues, accessories, ivory as a colour, imitations, toys and
//!    figures, fossils, unlisted materials;
//! 2. [`item::decide`] — what the item is (stamp, coin, book, print, figurine, replica, fossil,
//!    imitation, part, brand product, or a specimen);
//! 3. [`names::resolve`] — ambiguous names and their corroboration, brands, other classes, and
//!    names of other taxa that contain a listed one;
//! 4. [`taxa::choose`] — the taxa named or implied, and which are listed;
//! 5. [`intent::intent`] — offer, wanted, swap or discussion;
//! 6. [`documents::resolve`] — the documentation claims that stand;
//! 7. [`specimens::count`] — how many;
//! 8. the price ([`crate::extract::price_normalized`]);
//! 9. [`risk::classify`] — the risk class by the rules of the `scan` contract.
//!
//! Relevance and [`Category`] follow from stages 1–5, and from [`learned`] when a model is loaded
//! (it may set aside or keep what the rules decided, never add a taxon).

mod documents;
mod intent;
mod item;
pub mod learned;
mod lookalike;
mod names;
mod risk;
mod specimens;
mod taxa;

pub use intent::{Intent, Venue};
pub use risk::Risk;

use wildwatch_text::Lang;

use crate::evidence::Evidence;
use crate::kind::{ItemKind, KindDecision};
use crate::{extract, AdInput, Detection, Detector, Reason};

pub use wildwatch_vocab::Category;

/// A relevant ad is a part (not a live specimen) when it names a material, a part word, leather
/// goods or a code word; live coral (frags, Ableger) and a live tortoise's shell or a parrot's
/// feathers stay live.
fn is_part(ev: &Evidence, has_code: bool) -> bool {
    let coral_only = !ev.materials.is_empty() && ev.materials.iter().all(|m| m.concept == "coral");
    let body_words_only = ev.generic_parts.iter().all(|g| {
        matches!(
            g.concept.as_str(),
            "shell" | "feathers" | "dried" | "framed"
        )
    }) && ev
        .generic_parts
        .iter()
        .any(|g| matches!(g.concept.as_str(), "shell" | "feathers"));
    let live_context = ev.live > 0;
    !(ev.materials.is_empty() || coral_only && live_context)
        || !(ev.generic_parts.is_empty() || body_words_only && live_context)
        || !ev.goods.is_empty()
        || has_code
}

fn category(relevant: bool, discussion: bool, part: bool, lookalike: bool) -> Category {
    match (discussion, relevant, part, lookalike) {
        (true, ..) => Category::None,
        (false, true, true, _) => Category::Part,
        (false, true, false, _) => Category::Live,
        (false, false, _, true) => Category::Lookalike,
        _ => Category::None,
    }
}

/// The PRICE reason of a relevant ad.
fn price_reason(d: &Detector, ad: &AdInput, text: &str, p: &extract::Price) -> Reason {
    let (words, span) = if p.span.0 == usize::MAX {
        (
            crate::input::prefix(
                ad.price_text.as_deref().unwrap_or(""),
                crate::input::MAX_PRICE_BYTES,
            )
            .to_string(),
            None,
        )
    } else {
        (
            text.get(p.span.0..p.span.1).unwrap_or("").to_string(),
            Some([p.span.0, p.span.1]),
        )
    };
    Reason {
        code: "PRICE",
        text: format!("'{}' = {:.2} EUR", words.trim(), p.eur),
        list: Some(format!("rates of {}", d.rates.date)),
        span,
    }
}

/// The item kind reported: a specimen when relevant, other for a discussion, else what the
/// item-kind stage or the look-alike cues say.
fn reported_kind(
    relevant: bool,
    discussion: bool,
    kind: &KindDecision,
    ev: &Evidence,
    named_something: bool,
    accessory: bool,
) -> ItemKind {
    if relevant {
        ItemKind::Specimen
    } else if discussion {
        ItemKind::Other
    } else if kind.blocks() {
        kind.kind
    } else {
        item::reported(ev, named_something, accessory)
    }
}

/// The ITEM_KIND reason of an item that is not a specimen of the taxon it names.
fn item_kind_reason(kind: &KindDecision) -> Option<Reason> {
    let (why, cue) = (kind.reason_text()?, kind.cue.as_ref()?);
    Some(Reason {
        code: "ITEM_KIND",
        text: why,
        list: Some(cue.list.clone()),
        span: Some(cue.span),
    })
}

/// The CODE_WORD and OBFUSCATION reasons.
fn code_and_evasion_reasons(ev: &Evidence) -> impl Iterator<Item = Reason> + '_ {
    let codes = ev.codes.iter().map(|c| Reason {
        code: "CODE_WORD",
        text: format!("'{}' is a code word for {}", c.words, c.stands_for),
        list: Some(c.list.clone()),
        span: Some(c.span),
    });
    let evasions = ev.obfuscated.iter().map(|o| Reason {
        code: "OBFUSCATION",
        text: format!("'{}' is written to evade filters", o.words),
        list: None,
        span: Some(o.span),
    });
    codes.chain(evasions)
}

/// The decision for one ad, stage by stage.
pub(crate) fn decide(
    d: &Detector,
    ad: &AdInput,
    text: &str,
    normalized: &str,
    title_end: usize,
    lang: Lang,
    mut ev: Evidence,
) -> Detection {
    let mut reasons: Vec<Reason> = Vec::new();
    let mut look = lookalike::screen(&mut ev, text, &mut reasons);
    names::resolve(d, &mut ev, text, &mut look, &mut reasons);
    let chosen = taxa::choose(d, &ev);
    reasons.extend(taxa::not_listed_reasons(d, &chosen));
    let listed = taxa::listed(d, &chosen, text, &mut reasons);
    // A longer name of another taxon (tiger shark) won over the listed name inside it.
    reasons.extend(names::other_name_reasons(&ev));
    // What the item is: a stamp, a book, a replica … names the animal but is not it.
    let kind = item::decide(&mut ev, text, look.has_code, look.had_taxon);
    if kind.blocks() && (!listed.is_empty() || look.had_taxon) && !look.accessory_ad {
        look.lookalike = true;
        reasons.extend(item_kind_reason(&kind));
    }
    // News, petitions and law talk offer nothing.
    let price_text = ad
        .price_text
        .as_deref()
        .map(|p| crate::input::prefix(p, crate::input::MAX_PRICE_BYTES));
    let price = extract::price_normalized(price_text, text, normalized, &d.rates);
    let venue = Venue::of(ad.platform.as_deref());
    let (intent, intent_reason) = intent::intent(&ev, price.is_some(), venue, text);
    let discussion = intent == Intent::Discussion;
    let rules_relevant = !listed.is_empty() && !look.accessory_ad && !kind.blocks() && !discussion;
    let facts = learned::RuleFacts {
        ev: &ev,
        kind: &kind,
        look: &look,
        listed: !listed.is_empty(),
        intent,
        venue,
        lang,
        platform: ad.platform.as_deref(),
        reasons: &reasons,
    };
    let (relevant, model_p, model_evidence, model_reason) =
        learned::relevance(d, &facts, text, rules_relevant);
    reasons.extend(model_reason);
    if look.accessory_ad && !listed.is_empty() {
        lookalike::look_reasons(
            &ev,
            &mut reasons,
            "accessory",
            "an accessory, not a specimen",
        );
    }
    let category = category(
        relevant,
        discussion,
        is_part(&ev, look.has_code),
        look.lookalike,
    );

    let (species, strictest) = if relevant {
        let found = taxa::species(d, &listed, &mut reasons);
        reasons.extend(taxa::part_reasons(&ev));
        found
    } else {
        (Vec::new(), None)
    };
    reasons.extend(code_and_evasion_reasons(&ev));
    let docs = documents::resolve(&mut ev, text, relevant, &mut reasons);
    reasons.extend(intent_reason);
    let specimens =
        relevant.then(|| specimens::count(&ev, text, title_end, listed.len(), &mut reasons));
    if let Some(p) = price.as_ref().filter(|_| relevant) {
        reasons.push(price_reason(d, ad, text, p));
    }
    let facts = risk::RiskFacts {
        relevant,
        lookalike: look.lookalike,
        has_code: look.has_code,
        strictest,
        docs: &docs,
        title_end,
    };
    let (risk, score) = risk::classify(&ev, &facts, &mut reasons);
    let item_kind = reported_kind(
        relevant,
        discussion,
        &kind,
        &ev,
        look.had_taxon || !chosen.is_empty(),
        look.accessory_ad,
    );

    Detection {
        id: ad.id.clone(),
        relevant,
        category,
        species,
        specimens,
        price_eur: price.map(|p| p.eur),
        documents: docs.reported,
        intent,
        item_kind,
        lang: lang.code(),
        risk_score: score,
        risk,
        model_p,
        reasons,
        model_evidence,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn category_follows_relevance_discussion_and_lookalike() {
        assert_eq!(category(true, false, true, false), Category::Part);
        assert_eq!(category(true, false, false, true), Category::Live);
        assert_eq!(category(false, false, false, true), Category::Lookalike);
        assert_eq!(category(false, true, false, true), Category::None);
        assert_eq!(category(false, false, true, false), Category::None);
    }

    #[test]
    fn live_coral_and_a_tortoise_shell_stay_live() {
        let mut ev = Evidence {
            live: 1,
            ..Evidence::default()
        };
        ev.generic_parts.push(crate::evidence::PartHit {
            concept: "shell".into(),
            words: "Panzer".into(),
            span: [0, 6],
        });
        assert!(!is_part(&ev, false));
        ev.live = 0;
        assert!(is_part(&ev, false));
        assert!(is_part(&Evidence::default(), true));
    }
}
