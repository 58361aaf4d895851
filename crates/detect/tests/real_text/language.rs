//! The guessed language hides no evidence (failure class 3).

use super::*;

#[test]
fn the_guessed_language_hides_no_evidence() {
    let mut s = Suite::new("language");
    let ivory = &["Loxodonta", "Elephas", "Elephantidae", "Proboscidea"];

    // English posts that may be guessed French (a French platform, a French URL) or are
    // labelled in another language by their source.
    s.ad(
        EN,
        "ivory bangle",
        "old, heavy. pics at https://www.leboncoin.fr/bijoux/2451234567.htm",
        None,
        "leboncoin",
    )
    .relevant()
    .species(ivory)
    .reason("SPECIES", &["ivory"]);
    s.ad_with(
        EN,
        Some("fr"),
        "Carved ivory tusk",
        "pm for price",
        None,
        "facebook marketplace",
    )
    .relevant()
    .species(ivory)
    .reason("SPECIES", &["ivory"]);
    s.ad(
        EN,
        "rhino horn cup",
        "offers. https://www.2dehands.be/v/antiek/12345",
        None,
        "2dehands",
    )
    .relevant()
    .species(&["Rhinocerotidae", "Ceratotherium", "Diceros", "Rhinoceros"])
    .reason("SPECIES", &["rhino horn"]);

    // French posts on a Dutch platform, or with an English word for the material.
    s.ad(
        FR,
        "Statuette en ivoire, Dieppe XIXe",
        "Belle statuette ancienne en ivoire, à venir chercher à Bruxelles.",
        Some("€ 450"),
        "2dehands",
    )
    .relevant()
    .species(ivory)
    .reason("SPECIES", &["ivoire"]);
    s.ad(
        FR,
        "Lot de 3 netsuke ivory signés",
        "Trois netsuke anciens, envoi possible en colissimo.",
        Some("600 €"),
        "leboncoin",
    )
    .relevant()
    .species(ivory)
    .reason("SPECIES", &["ivory"]);

    // German posts with an English word, or labelled English by their source.
    s.ad(
        DE,
        "Antiker Armreif aus Ivory, 1920er",
        "Schwerer Armreif aus dem Nachlass meiner Oma, Versand möglich.",
        Some("250 €"),
        "kleinanzeigen",
    )
    .relevant()
    .species(ivory)
    .reason("SPECIES", &["ivory"]);
    s.ad_with(
        DE,
        Some("en"),
        "Elfenbein Schnitzerei China",
        "Alte Schnitzerei, ca. 15 cm, Abholung in Köln.",
        Some("400 €"),
        "kleinanzeigen",
    )
    .relevant()
    .species(ivory)
    .reason("SPECIES", &["Elfenbein"]);

    // Dutch posts with an English or French word, or on an English platform.
    s.ad(
        NL,
        "Vintage ivory armband",
        "Mooie vintage ivory armband, echt, ca. 1920. Ophalen in Utrecht of verzenden.",
        Some("€ 180"),
        "marktplaats",
    )
    .relevant()
    .species(ivory)
    .reason("SPECIES", &["ivory"]);
    s.ad(
        NL,
        "Antiek beeldje ivoire",
        "Oud beeldje van 12 cm, ivoire, Dieppe. Ophalen in Gent.",
        Some("€ 300"),
        "2dehands",
    )
    .relevant()
    .species(ivory)
    .reason("SPECIES", &["ivoire"]);
    s.ad(
        NL,
        "ivoren ketting",
        "zie foto's op https://www.ebay.co.uk/itm/123456789",
        None,
        "ebay.co.uk",
    )
    .relevant()
    .species(ivory)
    .reason("SPECIES", &["ivoren"]);

    s.finish(2);
}
