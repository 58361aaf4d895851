//! Stage 2 — what the item is: a stamp, coin, book, print, figurine, replica, fossil,
//! imitation, vehicle or tool part, brand product, or a specimen (see `crate::kind`).

use crate::evidence::Evidence;
use crate::kind::{self, ItemKind, KindDecision, MaterialFacts};

/// What the item is. A code word, or a listed material named for an object that may be made of
/// one (an ivory figurine), keeps it a specimen.
pub(crate) fn decide(
    ev: &mut Evidence,
    text: &str,
    has_code: bool,
    named_something: bool,
) -> KindDecision {
    // The written patterns (catalogue numbers, ISBNs, scales) matter only where the ad names a
    // taxon, a material or a code word; other ads are not read for them.
    if named_something || !ev.materials.is_empty() || has_code {
        ev.kinds.add_patterns(text);
    }
    // A fossil cue of the look-alike list ("ivoire de mammouth", "Mammutelfenbein") says what
    // the item is even when it hides the item-kind word inside it.
    let fossils: Vec<(String, crate::evidence::Span, String)> = ev
        .looks
        .iter()
        .filter(|l| l.kind == "fossil")
        .map(|l| (l.words.clone(), l.span, l.list.clone()))
        .collect();
    for (words, span, list) in fossils {
        ev.kinds
            .add(kind::Cue::Kind(ItemKind::Fossil), &words, span, &list);
    }
    let facts = MaterialFacts {
        material: !ev.materials.is_empty(),
        part_of_sure_taxon: (!ev.generic_parts.is_empty() || !ev.goods.is_empty())
            && ev.taxa.iter().any(|t| !t.ambiguous),
        code_word: has_code,
    };
    kind::decide(&ev.kinds, text, facts)
}

/// The item kind reported for an ad that is not relevant and that no item-kind cue decided:
/// from the look-alike cues, else a specimen when an animal or plant was named, else other.
pub(crate) fn reported(ev: &Evidence, named_something: bool, accessory: bool) -> ItemKind {
    let from_look = ev.looks.iter().find_map(|l| match l.kind.as_str() {
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
