//! Stage 1 — look-alikes: negated cues, accessories, ivory as a colour, imitations, patterns,
//! fossils, toys and figures, unlisted materials. It clears the evidence that a cue shows to be
//! something else and says whether the ad is a look-alike.

use std::collections::BTreeSet;

use crate::evidence::{Evidence, Span};
use crate::kind;
use crate::Reason;

/// What the look-alike stage decided.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct LookOutcome {
    /// The ad imitates or depicts wildlife (or names a brand after it).
    pub lookalike: bool,
    /// An ad for a cage, food or another accessory that names the animal it is for.
    pub accessory_ad: bool,
    /// A code word counts (after the ones that need an object next to them were checked).
    pub has_code: bool,
    /// A taxon was named before any cue cleared it.
    pub had_taxon: bool,
}

/// The look-alike kinds the ad's cues name.
pub(crate) struct LookKinds(BTreeSet<String>);

impl LookKinds {
    pub(crate) fn of(ev: &Evidence) -> LookKinds {
        LookKinds(ev.looks.iter().map(|l| l.kind.clone()).collect())
    }
    pub(crate) fn has(&self, kind: &str) -> bool {
        self.0.contains(kind)
    }
}

/// A LOOKALIKE reason for every cue of one kind.
pub(crate) fn look_reasons(ev: &Evidence, reasons: &mut Vec<Reason>, kind: &str, why: &str) {
    for l in ev.looks.iter().filter(|l| l.kind == kind) {
        reasons.push(Reason {
            code: "LOOKALIKE",
            text: format!("'{}': {why}", l.words),
            list: Some(l.list.clone()),
            span: Some(l.span),
        });
    }
}

/// Cues, materials and implied taxa that the ad itself denies or explains away: "not fake",
/// "pas palissandre", and a part word next to the name of an unlisted animal ("warthog tusks").
pub(crate) fn drop_denied(ev: &mut Evidence, text: &str) {
    let negations = ev.kinds.negations.clone();
    // "not fake", "keine Kunstharz-Kopie", "NOT embossed or croc print": a negated look-alike
    // cue says the opposite.
    let kinds = &ev.kinds;
    ev.looks.retain(|l| !kinds.denies(l.span, text));
    // "Warthog tusks", "slagtanden van een keiler": when the ad names the unlisted animal, a
    // part word says whose part it is, not the taxon it would imply alone (elephant ivory).
    if !ev.other_names.is_empty() && ev.taxa.is_empty() {
        ev.materials.retain(|m| m.implies.is_none());
    }
    // "pas palissandre", "kein Elfenbein", "not ivory": the material is denied.
    ev.materials
        .retain(|m| !kind::negated(&negations, m.span, text));
}

/// The word before a span, lowercased (only that word: lowercasing keeps whitespace where it is).
fn word_before(text: &str, span: Span) -> String {
    text[..span[0]]
        .trim_end()
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_lowercase()
}

/// "mit Käfig", "with cage", "avec cage", "met kooi": the cage comes with the animal.
fn included(text: &str, span: Span) -> bool {
    const WITH: &[&str] = &[
        "mit",
        "with",
        "avec",
        "met",
        "inkl.",
        "inkl",
        "incl.",
        "incl",
        "inclusief",
        "inclus",
        "including",
        "+",
        "&",
        "und",
        "and",
        "et",
        "en",
        "plus",
        "samt",
        "sowie",
    ];
    WITH.contains(&word_before(text, span).as_str())
}

/// For toys and figures, French "en" is "made of" (en résine, en bois), not Dutch "and".
fn included_extra(text: &str, span: Span) -> bool {
    word_before(text, span) != "en" && included(text, span)
}

/// Accessories: an ad for a cage or food that names the animal it is for.
fn is_accessory_ad(ev: &Evidence, text: &str) -> bool {
    ev.looks.iter().any(|l| {
        l.kind == "accessory"
            && l.in_title
            && !included(text, l.span)
            && !asked_in_exchange(ev, text, l.span)
    }) && !ev.live_in_title
        && ev.count_words.is_empty()
        && ev.materials.is_empty()
}

/// In a swap ad, what follows "gegen", "contre", "tegen" or "for" is what the owner wants in
/// return ("Tausche Pantherschildkröte gegen Terrarium"), not what is offered.
fn asked_in_exchange(ev: &Evidence, text: &str, span: Span) -> bool {
    const FOR: &[&str] = &["gegen", "contre", "tegen", "for", "voor", "against"];
    let Some(swap) = ev.swap.first() else {
        return false;
    };
    swap.span[1] <= span[0]
        && text[swap.span[1]..span[0]]
            .split(|c: char| !c.is_alphanumeric())
            .any(|w| FOR.contains(&w.to_lowercase().as_str()))
}

/// Ivory as a colour: an ivory dress, ivory paint, elfenbeinfarben.
fn ivory_as_colour(
    ev: &mut Evidence,
    kinds: &LookKinds,
    has_code: bool,
    reasons: &mut Vec<Reason>,
) -> bool {
    let mut lookalike = false;
    if ev.materials.iter().any(|m| m.concept == "ivory")
        && !has_code
        && (kinds.has("colour") || (kinds.has("colour_context") && ev.objects == 0))
    {
        ev.materials.retain(|m| m.concept != "ivory");
        lookalike = true;
        look_reasons(ev, reasons, "colour", "ivory as a colour, not a material");
        look_reasons(
            ev,
            reasons,
            "colour_context",
            "ivory as a colour, not a material",
        );
    }
    if kinds.has("colour") && !has_code && !lookalike {
        // elfenbeinfarben, ivoorkleurig: the cue is itself the colour word.
        lookalike = true;
        look_reasons(ev, reasons, "colour", "ivory as a colour, not a material");
    }
    lookalike
}

/// Imitations, patterns, fossils, toys and figures: what each cue clears, and whether the ad is
/// a look-alike because of it.
fn imitations(
    ev: &mut Evidence,
    kinds: &LookKinds,
    text: &str,
    out: &LookOutcome,
    reasons: &mut Vec<Reason>,
) -> bool {
    let mut lookalike = false;
    for (kind, why) in [
        ("faux", "imitation material claimed"),
        ("pattern", "a print or pattern, not the animal's material"),
        (
            "fossil",
            "fossil material (mammoth ivory, fossil coral) is not listed",
        ),
        ("toy", "a toy"),
        ("figure", "a figure or object made of another material"),
    ] {
        let cue = ev.looks.iter().any(|l| {
            l.kind == kind && !(matches!(kind, "toy" | "figure") && included_extra(text, l.span))
        });
        if !cue || out.has_code || (out.accessory_ad && matches!(kind, "toy" | "figure")) {
            continue;
        }
        let before = ev.materials.len() + ev.generic_parts.len() + ev.taxa.len();
        if matches!(kind, "faux" | "pattern" | "fossil") {
            ev.materials.clear();
            ev.generic_parts.clear();
            if kind == "pattern" {
                ev.taxa.retain(|t| !t.ambiguous);
            }
            // Faux fur in leopard look: the animal is only the model.
            if kind == "faux" && ev.live == 0 {
                ev.taxa.clear();
            }
        } else if ev.materials.is_empty()
            && ev
                .generic_parts
                .iter()
                .all(|g| matches!(g.concept.as_str(), "dried" | "framed"))
        {
            // A figure or toy depicts the animal; a material named next to it (ivory, bekko,
            // tusks) says what the object is made of, so that stays.
            ev.generic_parts.clear();
            ev.taxa.clear();
        }
        // The cue imitates or depicts an animal: something wildlife-like was named (even an
        // unlisted or generic animal), or the cue itself names it (Kroko-Optik, Leopardenmuster).
        if before > ev.materials.len() + ev.generic_parts.len() + ev.taxa.len()
            || matches!(kind, "fossil" | "toy" | "pattern")
            || kinds.has("animal")
            || out.had_taxon
        {
            lookalike = true;
            look_reasons(ev, reasons, kind, why);
        }
    }
    lookalike
}

/// Stage 1: the look-alike screen. Clears what the cues explain away and returns what it found.
pub(crate) fn screen(ev: &mut Evidence, text: &str, reasons: &mut Vec<Reason>) -> LookOutcome {
    drop_denied(ev, text);
    let kinds = LookKinds::of(ev);
    let mut out = LookOutcome {
        accessory_ad: is_accessory_ad(ev, text),
        ..LookOutcome::default()
    };
    // Code words that need an object next to them (bone, white gold …) count only then.
    let ivory_context = ev.objects > 0 || ev.materials.iter().any(|m| m.concept == "ivory");
    if ivory_context {
        ev.codes.append(&mut ev.context_codes);
    }
    out.has_code = !ev.codes.is_empty();
    out.lookalike = ivory_as_colour(ev, &kinds, out.has_code, reasons);
    out.had_taxon = !ev.taxa.is_empty();
    out.lookalike |= imitations(ev, &kinds, text, &out, reasons);
    // Red/precious coral is real coral but not listed.
    if kinds.has("unlisted") {
        ev.materials.retain(|m| m.concept != "coral");
        look_reasons(ev, reasons, "unlisted", "not a listed taxon");
    }
    out
}
