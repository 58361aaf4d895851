//! From the evidence of one ad to the decision: which taxa, which category, counts, price,
//! documents, intent, and the risk class by the rules of the `scan` contract.

use std::collections::BTreeSet;

use wildwatch_refdata::{Annex, Appendix, TaxonId};
use wildwatch_text::Lang;

use crate::extract;
use crate::kind::{self, ItemKind};
use crate::stages::{self, Intent};
use crate::{AdInput, Detection, Detector, Evidence, Reason, SpeciesHit, DOCUMENT_CODES};

fn reason(
    code: &'static str,
    text: String,
    list: Option<String>,
    span: Option<[usize; 2]>,
) -> Reason {
    Reason {
        code,
        text,
        list,
        span,
    }
}

const HIGH_RISK_MATERIALS: &[&str] = &["ivory", "rhino_horn", "tortoiseshell", "elephant_hair"];

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
    // "not fake", "keine Kunstharz-Kopie": a negated look-alike cue says the opposite.
    let negations = ev.kinds.negations.clone();
    ev.looks
        .retain(|l| !kind::negated(&negations, l.2, text));
    // "Warthog tusks", "slagtanden van een keiler": when the ad names the unlisted animal, a
    // part word says whose part it is, not the taxon it would imply alone (elephant ivory).
    if !ev.other_names.is_empty() && ev.taxa.is_empty() {
        ev.materials.retain(|m| m.1.is_none());
    }
    // "pas palissandre", "kein Elfenbein", "not ivory": the material is denied.
    ev.materials
        .retain(|m| !kind::negated(&negations, m.3, text));
    let kinds: BTreeSet<&str> = ev.looks.iter().map(|l| l.0.as_str()).collect();
    let has = |k: &str| kinds.contains(k);
    let look_reason = |reasons: &mut Vec<Reason>, kind: &str, why: &str| {
        for l in ev.looks.iter().filter(|l| l.0 == kind) {
            reasons.push(reason(
                "LOOKALIKE",
                format!("'{}': {why}", l.1),
                Some(l.3.clone()),
                Some(l.2),
            ));
        }
    };

    // Accessories: an ad for a cage or food that names the animal it is for.
    // "mit Käfig", "with cage", "avec cage", "met kooi": the cage comes with the animal.
    // The word before a span, lowercased (only that word: lowercasing keeps whitespace where it is).
    let word_before = |span: [usize; 2]| {
        text[..span[0]]
            .trim_end()
            .rsplit(|c: char| c.is_whitespace())
            .next()
            .unwrap_or("")
            .to_lowercase()
    };
    let included = |span: [usize; 2]| {
        let word = word_before(span);
        let word = word.as_str();
        [
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
        ]
        .contains(&word)
    };
    // For toys and figures, French "en" is "made of" (en résine, en bois), not Dutch "and".
    let included_extra = |span: [usize; 2]| word_before(span) != "en" && included(span);
    let accessory_ad = ev
        .looks
        .iter()
        .any(|l| l.0 == "accessory" && l.4 && !included(l.2))
        && !ev.live_in_title
        && ev.count_words.is_empty()
        && ev.materials.is_empty();

    // Code words that need an object next to them (bone, white gold …) count only then.
    let ivory_context = ev.objects > 0 || ev.materials.iter().any(|m| m.0 == "ivory");
    if ivory_context {
        ev.codes.append(&mut ev.context_codes);
    }
    let has_code = !ev.codes.is_empty();

    // Ivory as a colour: an ivory dress, ivory paint.
    let mut lookalike = false;
    if ev.materials.iter().any(|m| m.0 == "ivory")
        && !has_code
        && (has("colour") || (has("colour_context") && ev.objects == 0))
    {
        ev.materials.retain(|m| m.0 != "ivory");
        lookalike = true;
        look_reason(&mut reasons, "colour", "ivory as a colour, not a material");
        look_reason(
            &mut reasons,
            "colour_context",
            "ivory as a colour, not a material",
        );
    }
    let had_taxon = !ev.taxa.is_empty();
    if has("colour") && !has_code && !lookalike {
        // elfenbeinfarben, ivoorkleurig: the cue is itself the colour word.
        lookalike = true;
        look_reason(&mut reasons, "colour", "ivory as a colour, not a material");
    }
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
        let cue = ev
            .looks
            .iter()
            .any(|l| l.0 == kind && !(matches!(kind, "toy" | "figure") && included_extra(l.2)));
        if cue && !has_code && !(accessory_ad && matches!(kind, "toy" | "figure")) {
            let before = ev.materials.len() + ev.generic_parts.len() + ev.taxa.len();
            if kind == "faux" || kind == "pattern" || kind == "fossil" {
                ev.materials.clear();
                ev.generic_parts.clear();
                if kind == "pattern" {
                    ev.taxa.retain(|t| !t.3);
                }
                // Faux fur in leopard look: the animal is only the model.
                if kind == "faux" && ev.live == 0 {
                    ev.taxa.clear();
                }
            } else if ev.materials.is_empty()
                && ev
                    .generic_parts
                    .iter()
                    .all(|g| matches!(g.0.as_str(), "dried" | "framed"))
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
                || has("animal")
                || had_taxon
            {
                lookalike = true;
                look_reason(&mut reasons, kind, why);
            }
        }
    }
    // Red/precious coral is real coral but not listed.
    if has("unlisted") {
        ev.materials.retain(|m| m.0 != "coral");
        look_reason(&mut reasons, "unlisted", "not a listed taxon");
    }

    // Names that are also ordinary words need wildlife context; brand and product words make them
    // look-alikes.
    let doc_context = ev.docs.iter().any(|d| d.0 != "antique");
    let strong_context = ev.live > 0
        || !ev.materials.is_empty()
        || !ev.generic_parts.is_empty()
        || doc_context
        || !ev.count_words.is_empty()
        || ev.taxa.iter().any(|t| !t.3);
    let product = has("brand") || has("product");
    if ev.taxa.iter().any(|t| t.3) {
        let ambiguous_only = ev.taxa.iter().all(|t| t.3);
        if product
            && (ambiguous_only || has("brand"))
            && ev.live == 0
            && ev.generic_parts.is_empty()
        {
            for t in ev.taxa.iter().filter(|t| t.3) {
                reasons.push(reason(
                    "LOOKALIKE",
                    format!("'{}' names a brand or product here", t.1),
                    Some("ambiguous.csv".into()),
                    Some(t.2),
                ));
            }
            look_reason(&mut reasons, "brand", "brand or product name");
            look_reason(&mut reasons, "product", "product context");
            ev.taxa.retain(|t| !t.3);
            lookalike = true;
        } else if strong_context {
            // Each ambiguous name needs its own corroboration near it ("used once" in an ad for
            // leather boots is no snow leopard), unless the ad names a taxon without doubt (then
            // the class check below decides).
            let sure_taxon = ev.taxa.iter().any(|t| !t.3);
            let found: Vec<Option<(String, &'static str)>> = ev
                .taxa
                .iter()
                .map(|t| {
                    t.3.then(|| stages::corroboration(&ev, text, t.2, t.4))
                        .flatten()
                })
                .collect();
            let before = ev.taxa.len();
            let mut i = 0;
            ev.taxa.retain(|t| {
                let keep = !t.3 || sure_taxon || found[i].is_some();
                if let (true, Some((words, what))) = (t.3, &found[i]) {
                    reasons.push(reason(
                        "CORROBORATED",
                        format!(
                            "'{}' is also an ordinary word or a brand; '{words}' ({what}) says it is the animal or plant",
                            t.1
                        ),
                        Some("ambiguous_names.csv".into()),
                        Some(t.2),
                    ));
                }
                i += 1;
                keep
            });
            if ev.taxa.is_empty() && before > 0 {
                lookalike = true;
            }
        } else {
            let before = ev.taxa.len();
            ev.taxa.retain(|t| !t.3 || t.4);
            // Only a name that is also a brand or an everyday word (Puma, Jaguar, Merlin), and
            // nothing about an animal: named after it, not it.
            if ev.taxa.is_empty()
                && before > 0
                && ev.live == 0
                && ev.docs.is_empty()
                && extract::counts(text).is_empty()
            {
                lookalike = true;
            }
        }
    }

    // A name that is also an everyday word (pèlerin, ship) gives way when the ad names a taxon or
    // a part without doubt: "Faucon pèlerin", "sperm whale tooth … whaling ship".
    // (Only across classes: "Uhu" next to "Schleiereule", "Dracula" next to "Masdevallia" stay.)
    let sure_classes: Vec<String> = ev
        .taxa
        .iter()
        .filter(|t| !t.3)
        .map(|t| t.0)
        .chain(ev.materials.iter().filter_map(|m| m.1))
        .map(|t| d.refdata.taxon(t).lineage.class.clone())
        .collect();
    if !sure_classes.is_empty() {
        ev.taxa
            .retain(|t| !t.3 || t.4 || sure_classes.contains(&d.refdata.taxon(t.0).lineage.class));
    }

    // The brand list holds only wildlife-named brands (Lacoste, Jaguar XF …): they are look-alikes.
    if has("brand") && !lookalike {
        lookalike = true;
        look_reason(&mut reasons, "brand", "brand named after an animal");
    }
    // A Lacoste shirt "mit Krokodil" names the logo, not a specimen.
    if has("brand") && ev.live == 0 && ev.materials.is_empty() && ev.generic_parts.is_empty() {
        ev.taxa.clear();
    }

    // Taxa: named ones, then those implied by materials and code words; ancestors of named taxa dropped.
    let mut named: Vec<(TaxonId, String, Option<[usize; 2]>)> = ev
        .taxa
        .iter()
        .map(|t| (t.0, t.1.clone(), Some(t.2)))
        .collect();
    for m in &ev.materials {
        if let Some(t) = m.1 {
            named.push((t, m.2.clone(), Some(m.3)));
        }
    }
    for c in &ev.codes {
        if let Some(t) = c.1 {
            named.push((t, c.0.clone(), Some(c.2)));
        }
    }
    let ids: Vec<TaxonId> = named.iter().map(|n| n.0).collect();
    let mut chosen: Vec<(TaxonId, String, Option<[usize; 2]>)> = Vec::new();
    for (i, (t, w, s)) in named.iter().enumerate() {
        if chosen.iter().any(|c| c.0 == *t) {
            continue;
        }
        let anc_of_other = ids
            .iter()
            .enumerate()
            .any(|(j, o)| j != i && *o != *t && d.refdata.ancestors(*o).contains(t));
        if !anc_of_other {
            chosen.push((*t, w.clone(), *s));
        }
    }
    // A material that implies a taxon (ivory → elephant) gives way to a named taxon of the same kind.
    if chosen.len() > 1 {
        let implied: Vec<TaxonId> = ev.materials.iter().filter_map(|m| m.1).collect();
        let has_named_animal = ev.taxa.iter().any(|t| d.refdata.taxon(t.0).is_listed());
        if has_named_animal {
            chosen.retain(|c| !implied.contains(&c.0) || ev.taxa.iter().any(|t| t.0 == c.0));
        }
    }

    let listed: Vec<&(TaxonId, String, Option<[usize; 2]>)> = chosen
        .iter()
        .filter(|c| d.refdata.taxon(c.0).is_listed())
        .collect();
    for c in &chosen {
        let t = d.refdata.taxon(c.0);
        if !t.is_listed() {
            reasons.push(reason(
                "NOT_LISTED",
                format!(
                    "'{}' → {}: not listed in CITES or the EU annexes",
                    c.1, t.name
                ),
                Some(t.eu_provenance.source.clone()),
                c.2,
            ));
        }
    }
    // A longer name of another taxon (tiger shark) won over the listed name inside it.
    reasons.extend(stages::other_names(&ev));
    // What the item is: a stamp, a book, a replica … names the animal but is not it.
    let kind = stages::item_kind(&ev, text, has_code);
    if kind.blocks() && !listed.is_empty() && !accessory_ad {
        lookalike = true;
        if let (Some(why), Some(cue)) = (kind.reason_text(), &kind.cue) {
            reasons.push(reason("ITEM_KIND", why, Some(cue.list.clone()), Some(cue.span)));
        }
    }
    // News, petitions and law talk offer nothing.
    let price = extract::price_normalized(ad.price_text.as_deref(), text, normalized, &d.rates);
    let venue = stages::Venue::of(ad.platform.as_deref());
    let (intent, intent_reason) = stages::intent(&ev, price.is_some(), venue, text);
    let discussion = intent == Intent::Discussion;
    let relevant = !listed.is_empty() && !accessory_ad && !kind.blocks() && !discussion;
    if accessory_ad && !listed.is_empty() {
        look_reason(&mut reasons, "accessory", "an accessory, not a specimen");
    }

    // Live coral (frags, reef tank, Ableger) is a live specimen; dried coral is a part.
    let coral_only = !ev.materials.is_empty() && ev.materials.iter().all(|m| m.0 == "coral");
    // A live tortoise's Panzer or a parrot "in feather" is not a part.
    let body_words_only = ev
        .generic_parts
        .iter()
        .all(|g| matches!(g.0.as_str(), "shell" | "feathers" | "dried" | "framed"))
        && ev
            .generic_parts
            .iter()
            .any(|g| matches!(g.0.as_str(), "shell" | "feathers"));
    let live_context = ev.live > 0;
    let part = !(ev.materials.is_empty() || coral_only && live_context)
        || !(ev.generic_parts.is_empty() || body_words_only && live_context)
        || ev.goods > 0
        || has_code;
    let category = if discussion {
        "none"
    } else if relevant {
        if part {
            "part"
        } else {
            "live"
        }
    } else if lookalike {
        "lookalike"
    } else {
        "none"
    };

    let mut species = Vec::new();
    let mut strictest: Option<(Option<Appendix>, Option<Annex>)> = None;
    if relevant {
        for c in &listed {
            let t = d.refdata.taxon(c.0);
            species.push(SpeciesHit {
                scientific_name: t.name.clone(),
                cites: t.cites.map(Appendix::as_str),
                eu_annex: t.eu_annex.map(Annex::as_str),
                matched_text: c.1.clone(),
            });
            reasons.push(reason(
                "SPECIES",
                format!(
                    "'{}' → {} (CITES {}, EU Annex {})",
                    c.1,
                    t.name,
                    t.cites.map(Appendix::as_str).unwrap_or("-"),
                    t.eu_annex.map(Annex::as_str).unwrap_or("-")
                ),
                Some(t.cites_provenance.source.clone()),
                c.2,
            ));
            let level = (t.cites, t.eu_annex);
            strictest = Some(match strictest {
                None => level,
                Some(s) => (min_opt(s.0, level.0), min_opt(s.1, level.1)),
            });
        }
        for m in &ev.materials {
            reasons.push(reason(
                "PART",
                format!("'{}': {}", m.2, m.0.replace('_', " ")),
                Some(m.4.clone()),
                Some(m.3),
            ));
        }
        for g in &ev.generic_parts {
            reasons.push(reason(
                "PART",
                format!("'{}': {}", g.1, g.0),
                Some("parts.csv".into()),
                Some(g.2),
            ));
        }
    }
    for c in &ev.codes {
        reasons.push(reason(
            "CODE_WORD",
            format!("'{}' is a code word for {}", c.0, c.3),
            Some(c.4.clone()),
            Some(c.2),
        ));
    }
    let obfuscated = !ev.obfuscated.is_empty();
    for o in &ev.obfuscated {
        reasons.push(reason(
            "OBFUSCATION",
            format!("'{}' is written to evade filters", o.0),
            None,
            Some(o.1),
        ));
    }

    // Documents. A claim of papers followed or closely preceded by a denial ("Papiere hab ich
    // leider keine", "keine CITES-Papiere") is the opposite claim.
    for dc in ev.docs.iter_mut() {
        if !matches!(dc.0, "cites_certificate" | "article10") {
            continue;
        }
        let denied = ev.negations.iter().any(|n| {
            let after = n[0] >= dc.2[1]
                && n[0] - dc.2[1] <= 40
                && !text[dc.2[1]..n[0]].contains(['.', '!', '?', '\n', ';']);
            let before = n[1] <= dc.2[0] && dc.2[0] - n[1] <= 12;
            after || before
        });
        if denied {
            dc.0 = "no_papers";
            dc.1 = text[dc.2[0]..dc.2[1]].to_string();
        }
    }
    // "not ringed", "kein Chip": the claim is withdrawn.
    ev.docs.retain(|dc| {
        !matches!(dc.0, "ring" | "microchip" | "dna_sexed" | "captive_bred")
            || !ev
                .negations
                .iter()
                .any(|n| n[1] <= dc.2[0] && dc.2[0] - n[1] <= 3)
    });
    // "A10 papieren", "EG-Bescheinigung und Papiere": the papers are the Article 10 certificate.
    if ev.docs.iter().any(|d| d.0 == "article10") {
        ev.docs.retain(|d| {
            d.0 != "cites_certificate"
                || !matches!(
                    wildwatch_text::normalize(&d.1).text.as_str(),
                    "papiere"
                        | "papieren"
                        | "papiers"
                        | "papers"
                        | "paperwork"
                        | "mit papieren"
                        | "met papieren"
                        | "avec papiers"
                )
        });
    }
    let mut docs: BTreeSet<&'static str> = BTreeSet::new();
    for dc in &ev.docs {
        docs.insert(dc.0);
    }
    if docs.contains("no_papers") {
        docs.remove("cites_certificate");
    }
    // Claims are reported for relevant ads only, like species and specimens; a buyer's ad asks
    // for papers ("nur mit EU-Bescheinigung"), it does not claim them.
    let buyer = !ev.wanted.is_empty() && !ev.offer_override;
    if buyer {
        docs.retain(|d| *d == "no_papers");
    }
    let documents: Vec<&'static str> = DOCUMENT_CODES
        .iter()
        .copied()
        .filter(|c| relevant && docs.contains(c))
        .collect();
    if relevant {
        for dc in &ev.docs {
            if docs.contains(dc.0) {
                let code = if dc.0 == "no_papers" {
                    "NO_PAPERS"
                } else {
                    "DOCUMENT"
                };
                reasons.push(reason(
                    code,
                    format!("'{}': {}", dc.1, dc.0),
                    Some(dc.3.clone()),
                    Some(dc.2),
                ));
            }
        }
        for du in &ev.dubious {
            reasons.push(reason(
                "DUBIOUS_DOCUMENT",
                format!("'{}' casts doubt on the documents", du.0),
                Some("documents.csv".into()),
                Some(du.1),
            ));
        }
    }

    // Intent.
    reasons.extend(intent_reason);

    // Specimens.
    let specimens = relevant.then(|| {
        let mut best: Option<(u32, String, [usize; 2])> = None;
        for c in extract::counts(text) {
            if best.as_ref().is_none_or(|b| c.n > b.0) {
                best = Some((
                    c.n,
                    text[c.span.0..c.span.1].trim().to_string(),
                    [c.span.0, c.span.1],
                ));
            }
        }
        // "4x Euphyllia und 2x Duncanopsammia": one count per species, summed.
        let mut per_taxon: Vec<(TaxonId, u32)> = Vec::new();
        for t in &ev.taxa {
            if let Some(c) = extract::count_before(text, t.2[0]) {
                if !per_taxon.iter().any(|p| p.0 == t.0) {
                    per_taxon.push((t.0, c.n));
                }
            }
        }
        if per_taxon.len() >= 2 {
            let sum: u32 = per_taxon.iter().map(|p| p.1).sum();
            if best.as_ref().is_none_or(|b| sum > b.0) {
                best = Some((sum, format!("{sum} in all"), [0, title_end]));
            }
        }
        for s in &ev.name_spans {
            if let Some(c) = extract::count_before(text, s[0]) {
                if best.as_ref().is_none_or(|b| c.n > b.0) {
                    best = Some((
                        c.n,
                        text[c.span.0..c.span.1].trim().to_string(),
                        [c.span.0, c.span.1],
                    ));
                }
            }
        }
        for c in &ev.count_words {
            if best.as_ref().is_none_or(|b| c.0 > b.0) {
                best = Some((c.0, c.1.clone(), c.2));
            }
        }
        match best {
            Some((n, w, s)) => {
                reasons.push(reason(
                    "COUNT",
                    format!("'{w}': {n} specimens"),
                    None,
                    Some(s),
                ));
                n
            }
            // A collection naming several species without a number: one of each.
            None => listed.len().max(1) as u32,
        }
    });

    if let Some(p) = &price {
        let (words, span) = if p.span.0 == usize::MAX {
            (ad.price_text.clone().unwrap_or_default(), None)
        } else {
            (
                text.get(p.span.0..p.span.1).unwrap_or("").to_string(),
                Some([p.span.0, p.span.1]),
            )
        };
        if relevant {
            reasons.push(reason(
                "PRICE",
                format!("'{}' = {:.2} EUR", words.trim(), p.eur),
                Some(format!("rates of {}", d.rates.date)),
                span,
            ));
        }
    }

    // Risk by the rules of the contract.
    let (risk, score) = if !relevant {
        (
            "none",
            if lookalike && (has_code || obfuscated) {
                5
            } else {
                0
            },
        )
    } else {
        let (cites, annex) = strictest.unwrap_or((None, None));
        let annex_a = cites == Some(Appendix::I) || annex == Some(Annex::A);
        let annex_b = cites == Some(Appendix::II) || annex == Some(Annex::B);
        let valid = docs.contains("cites_certificate") || docs.contains("article10");
        let any_doc = valid
            || ["captive_bred", "ring", "microchip"]
                .iter()
                .any(|x| docs.contains(x));
        let high_material = ev
            .materials
            .iter()
            .any(|m| HIGH_RISK_MATERIALS.contains(&m.0.as_str()))
            || has_code;
        let dubious = !ev.dubious.is_empty();
        let mut high: Vec<String> = Vec::new();
        if docs.contains("no_papers") {
            high.push("the ad says there are no papers".into());
        }
        if has_code {
            high.push("code words".into());
        }
        if obfuscated {
            high.push("obfuscated spelling".into());
        }
        if high_material && !valid {
            high.push("ivory, rhino horn or tortoiseshell without a certificate".into());
        }
        if annex_a && !valid {
            high.push("Appendix I / Annex A specimen without a CITES certificate or Article 10 certificate".into());
        }
        let title_span = Some([0, title_end]);
        if !high.is_empty() {
            let score = (70 + 8 * high.len() as u32 + if annex_a { 6 } else { 0 }).min(100) as u8;
            reasons.push(reason("RISK_HIGH", high.join("; "), None, title_span));
            ("high", score)
        } else if dubious || (annex_b && !any_doc) {
            let why = if dubious {
                "documents claimed but dubious"
            } else {
                "Appendix II / Annex B specimen without documents"
            };
            reasons.push(reason("RISK_MEDIUM", why.into(), None, title_span));
            ("medium", if dubious { 55 } else { 45 })
        } else {
            let why = if any_doc {
                "plausible documents claimed"
            } else {
                "Appendix III / Annex C–D"
            };
            reasons.push(reason("RISK_LOW", why.into(), None, title_span));
            ("low", if annex_a { 30 } else { 20 })
        }
    };

    Detection {
        id: ad.id.clone(),
        relevant,
        category,
        species,
        specimens,
        price_eur: price.map(|p| p.eur),
        documents,
        intent: intent.as_str(),
        item_kind: if relevant {
            ItemKind::Specimen
        } else if discussion {
            ItemKind::Other
        } else if kind.blocks() {
            kind.kind
        } else {
            stages::reported_kind(&ev, had_taxon || !chosen.is_empty(), accessory_ad)
        },
        lang: lang.code(),
        risk_score: score,
        risk,
        reasons,
    }
}

fn min_opt<T: Ord + Copy>(a: Option<T>, b: Option<T>) -> Option<T> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, None) => x,
        (None, y) => y,
    }
}
