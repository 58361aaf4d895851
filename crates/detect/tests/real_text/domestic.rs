//! Taxa listed only for their wild form (Species+: "Specimens of the domesticated form are not
//! subject to the provisions of the Convention"): pet chinchillas are that form, unless the ad
//! says the animal was taken from the wild; a family-wide note (Felidae) does not make a caracal
//! a domestic cat.

use super::*;

#[test]
fn the_domesticated_form_is_not_the_listed_animal() {
    let mut s = Suite::new("domestic_form");
    s.ad(
        EN,
        "Chinchilla babies, standard grey and beige, 10 weeks",
        "Home bred, handled daily, come with cage if wanted.",
        Some("£60"),
        "pets4homes",
    )
    .not_relevant()
    .reason("DOMESTIC_FORM", &["Chinchilla"]);
    s.ad(
        FR,
        "Bébés chinchillas violets à réserver",
        "Nés chez moi, sevrés à 8 semaines, très doux.",
        Some("80 €"),
        "leboncoin",
    )
    .not_relevant();
    s.ad(
        DE,
        "Chinchilla Babys beige und standard",
        "Aus Hobbyhaltung, 10 Wochen, nur zu zweit abzugeben.",
        Some("60 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .reason("DOMESTIC_FORM", &["Chinchilla"]);
    s.ad(
        DE,
        "Chinchilla lanigera Wildfang aus Chile",
        "Wildfang, Paar, nur an Kenner.",
        Some("900 €"),
        "kleinanzeigen",
    )
    .relevant();
    s.ad(
        NL,
        "Chinchilla's te koop, jonkies beige",
        "Eigen kweek, 12 weken oud, gezond.",
        Some("€ 45"),
        "marktplaats",
    )
    .not_relevant();
    s.ad(
        EN,
        "Caracal kitten, 12 weeks",
        "Caracal kitten ready to go, serious buyers only.",
        Some("£6000"),
        "preloved",
    )
    .relevant();
    s.finish(1);
}
