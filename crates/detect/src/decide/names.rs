//! Stage 3 — names: which taxon names stand. A name that is also an ordinary word or a brand
//! (Puma, Drill, Once) needs corroboration near it; brand and product cues make it a look-alike;
//! it gives way to a name of another class named without doubt; a longer name of another taxon
//! (tiger shark) has already won over the name inside it, and says so.

use wildwatch_refdata::TaxonId;

use super::lookalike::{look_reasons, LookKinds, LookOutcome};
use crate::evidence::{Evidence, Span, TaxonHit};
use crate::{extract, Detector, Reason};

/// Words between two spans of `text` (0 when they touch); `usize::MAX` when they overlap (a
/// word cannot corroborate itself: "Crâne" is a skull, not the crane it spells).
pub(crate) fn words_between(text: &str, a: Span, b: Span) -> usize {
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
/// name, or a live, part, goods, count or document word near it. Returns the corroborating words
/// and what kind of corroboration they are, or `None`.
pub(crate) fn corroboration(
    ev: &Evidence,
    text: &str,
    name: &TaxonHit,
) -> Option<(String, &'static str)> {
    let (name_span, binomial) = (name.span, name.binomial);
    if let Some(head) = name.head.as_ref().filter(|h| !h.is_empty()) {
        return Some((head.clone(), "the rest of the compound word"));
    }
    if binomial {
        return Some((
            text[name_span[0]..name_span[1]].to_string(),
            "a scientific name",
        ));
    }
    let near = |s: Span| words_between(text, name_span, s) <= NEAR_WORDS;
    let word = |s: Span| text[s[0]..s[1]].to_string();
    if let Some(s) = ev.live_spans.iter().find(|s| near(**s)) {
        return Some((word(*s), "a live-specimen word"));
    }
    if let Some(m) = ev.materials.iter().find(|m| near(m.span)) {
        return Some((m.words.clone(), "a part or material word"));
    }
    if let Some(g) = ev.generic_parts.iter().find(|g| near(g.span)) {
        return Some((g.words.clone(), "a part word"));
    }
    if let Some(g) = ev.goods.iter().find(|g| near(g.span)) {
        return Some((g.words.clone(), "a leather-goods word"));
    }
    if let Some(c) = ev.count_words.iter().find(|c| near(c.span)) {
        return Some((c.words.clone(), "a count of specimens"));
    }
    if let Some(d) = ev
        .docs
        .iter()
        .find(|d| d.code != "antique" && words_between(text, name_span, d.span) <= 3 * NEAR_WORDS)
    {
        return Some((d.words.clone(), "a documentation claim"));
    }
    None
}

/// The reasons for names of other taxa or things that contain a listed name ("tiger shark"
/// names *Galeocerdo cuvier*, not the tiger inside it).
pub(crate) fn other_name_reasons(ev: &Evidence) -> Vec<Reason> {
    ev.other_names
        .iter()
        .map(|o| Reason {
            code: "OTHER_TAXON",
            text: format!(
                "'{}' names {}, which is not listed; the listed name inside it does not count",
                o.words, o.taxon
            ),
            list: Some("other_names.csv".into()),
            span: Some(o.span),
        })
        .collect()
}

fn corroborated_reason(t: &TaxonHit, words: &str, what: &str) -> Reason {
    Reason {
        code: "CORROBORATED",
        text: format!(
            "'{}' is also an ordinary word or a brand; '{words}' ({what}) says it is the animal or plant",
            t.words
        ),
        list: Some("ambiguous_names.csv".into()),
        span: Some(t.span),
    }
}

/// Each ambiguous name needs its own corroboration near it ("used once" in an ad for leather
/// boots is no snow leopard), unless the ad names a taxon without doubt (then the class check
/// decides). Returns true when every name fell.
fn keep_corroborated(ev: &mut Evidence, text: &str, reasons: &mut Vec<Reason>) -> bool {
    let sure_taxon = ev.taxa.iter().any(|t| !t.ambiguous);
    let found: Vec<Option<(String, &'static str)>> = ev
        .taxa
        .iter()
        .map(|t| t.ambiguous.then(|| corroboration(ev, text, t)).flatten())
        .collect();
    let before = ev.taxa.len();
    let mut i = 0;
    ev.taxa.retain(|t| {
        let keep = !t.ambiguous || sure_taxon || found[i].is_some();
        if let (true, Some((words, what))) = (t.ambiguous, &found[i]) {
            reasons.push(corroborated_reason(t, words, what));
        }
        i += 1;
        keep
    });
    ev.taxa.is_empty() && before > 0
}

/// Names that are also ordinary words need wildlife context; brand and product words make them
/// look-alikes. Updates `look.lookalike`.
fn ambiguous_names(
    ev: &mut Evidence,
    kinds: &LookKinds,
    text: &str,
    look: &mut LookOutcome,
    reasons: &mut Vec<Reason>,
) {
    if !ev.taxa.iter().any(|t| t.ambiguous) {
        return;
    }
    let doc_context = ev.docs.iter().any(|d| d.code != "antique");
    let strong_context = ev.live > 0
        || !ev.materials.is_empty()
        || !ev.generic_parts.is_empty()
        || doc_context
        || !ev.count_words.is_empty()
        || ev.taxa.iter().any(|t| !t.ambiguous || t.head.is_some());
    let product = kinds.has("brand") || kinds.has("product");
    let ambiguous_only = ev.taxa.iter().all(|t| t.ambiguous);
    if product
        && (ambiguous_only || kinds.has("brand"))
        && ev.live == 0
        && ev.generic_parts.is_empty()
    {
        for t in ev.taxa.iter().filter(|t| t.ambiguous) {
            reasons.push(Reason {
                code: "LOOKALIKE",
                text: format!("'{}' names a brand or product here", t.words),
                list: Some("ambiguous.csv".into()),
                span: Some(t.span),
            });
        }
        look_reasons(ev, reasons, "brand", "brand or product name");
        look_reasons(ev, reasons, "product", "product context");
        ev.taxa.retain(|t| !t.ambiguous);
        look.lookalike = true;
    } else if strong_context {
        if keep_corroborated(ev, text, reasons) {
            look.lookalike = true;
        }
    } else {
        let before = ev.taxa.len();
        ev.taxa.retain(|t| !t.ambiguous || t.binomial);
        // Only a name that is also a brand or an everyday word (Puma, Jaguar, Merlin), and
        // nothing about an animal: named after it, not it.
        if ev.taxa.is_empty()
            && before > 0
            && ev.live == 0
            && ev.docs.is_empty()
            && extract::counts(text).is_empty()
        {
            look.lookalike = true;
        }
    }
}

/// A name that is also an everyday word (pèlerin, ship) gives way when the ad names a taxon or
/// a part without doubt: "Faucon pèlerin", "sperm whale tooth … whaling ship".
/// (Only across classes: "Uhu" next to "Schleiereule", "Dracula" next to "Masdevallia" stay.)
fn other_class_gives_way(d: &Detector, ev: &mut Evidence) {
    let sure_classes: Vec<String> = ev
        .taxa
        .iter()
        .filter(|t| !t.ambiguous)
        .map(|t| t.taxon)
        .chain(ev.materials.iter().filter_map(|m| m.implies))
        .map(|t: TaxonId| d.refdata.taxon(t).lineage.class.clone())
        .collect();
    if !sure_classes.is_empty() {
        ev.taxa.retain(|t| {
            !t.ambiguous
                || t.binomial
                || sure_classes.contains(&d.refdata.taxon(t.taxon).lineage.class)
        });
    }
}

/// Stage 3: the names that stand, after ambiguity, classes and brands.
pub(crate) fn resolve(
    d: &Detector,
    ev: &mut Evidence,
    text: &str,
    look: &mut LookOutcome,
    reasons: &mut Vec<Reason>,
) {
    let kinds = LookKinds::of(ev);
    ambiguous_names(ev, &kinds, text, look, reasons);
    other_class_gives_way(d, ev);
    // The brand list holds only wildlife-named brands (Lacoste, Jaguar XF …): they are look-alikes.
    if kinds.has("brand") && !look.lookalike {
        look.lookalike = true;
        look_reasons(ev, reasons, "brand", "brand named after an animal");
    }
    // A Lacoste shirt "mit Krokodil" names the logo, not a specimen.
    if kinds.has("brand") && ev.live == 0 && ev.materials.is_empty() && ev.generic_parts.is_empty()
    {
        ev.taxa.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn words_between_spans() {
        let t = "Puma Jungtier aus Nachzucht";
        assert_eq!(words_between(t, [0, 4], [5, 13]), 0);
        assert_eq!(words_between(t, [0, 4], [18, 27]), 2);
        assert_eq!(words_between(t, [18, 27], [0, 4]), 2);
        assert_eq!(words_between(t, [0, 4], [0, 4]), usize::MAX);
    }

    #[test]
    fn a_far_part_word_does_not_corroborate() {
        let text = "Vintage leather boots used once, great for walking the dog and the horse, ships worldwide";
        let mut ev = Evidence::default();
        let once = text.find("once").unwrap();
        ev.generic_parts.push(crate::evidence::PartHit {
            concept: "skin".into(),
            words: "leather".into(),
            span: [8, 15],
        });
        let hit = |at: usize, len: usize, binomial: bool| TaxonHit {
            taxon: 0,
            words: text[at..at + len].to_string(),
            span: [at, at + len],
            ambiguous: true,
            binomial,
            head: None,
        };
        assert!(corroboration(&ev, text, &hit(once, 4, false)).is_some());
        let ships = text.find("ships").unwrap();
        assert!(corroboration(&ev, text, &hit(ships, 5, false)).is_none());
        assert!(corroboration(&ev, text, &hit(ships, 5, true)).is_some());
    }
}
