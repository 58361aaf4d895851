//! Ordinary words and brands that are also names (failure class 1).

use super::*;

#[test]
fn ordinary_words_and_brands_are_not_the_animal() {
    let mut s = Suite::new("ordinary_words");

    // English.
    s.ad(
        EN,
        "Puma Suede Classic trainers UK 9",
        "Black and white, worn a handful of times, comes with the original box. Collection from \
         Bristol or can post.",
        Some("£25"),
        "ebay.co.uk",
    )
    .not_relevant()
    .kind(ItemKind::BrandProduct)
    .never_names(&["Puma concolor"]);
    s.ad(
        EN,
        "Jaguar XF 2.2d front bumper and headlight (2012)",
        "Off a 2012 XF, small scuff on the bumper, headlight works fine. Part number on the back.",
        Some("£140"),
        "gumtree",
    )
    .not_relevant()
    .kind(ItemKind::VehicleToolPart)
    .never_names(&["Panthera onca"]);
    s.ad(
        EN,
        "Lynx Africa gift set - deodorant and body wash",
        "Unopened Christmas gift set, three items. Smoke free home.",
        Some("£6"),
        "preloved",
    )
    .not_relevant()
    .kind(ItemKind::BrandProduct)
    .never_names(&["Lynx lynx", "Lynx pardinus"]);
    s.ad(
        EN,
        "Men's leather Chelsea boots, size 10, brown",
        "Used once, real leather uppers, just too small for me. Ships worldwide with tracked \
         postage.",
        Some("£45"),
        "ebay.co.uk",
    )
    .not_relevant()
    .never_names(&["Uncia", "Panthera uncia", "Acipenser"]);
    s.ad(
        EN,
        "Pink feather boa, 2 m",
        "Perfect for hen parties and fancy dress. Worn for one evening.",
        Some("£4"),
        "vinted",
    )
    .not_relevant()
    .never_names(&["Boa constrictor", "Boidae"]);
    s.ad(
        EN,
        "DeWalt 18V cordless drill with 2 batteries",
        "Hardly used drill, charger and case included. Can demonstrate before you buy.",
        Some("£60"),
        "gumtree",
    )
    .not_relevant()
    .kind(ItemKind::VehicleToolPart)
    .never_names(&["Mandrillus"]);
    s.ad(
        EN,
        "Python Crash Course, 2nd edition (No Starch Press)",
        "Paperback book, great for learning programming. A few pencil notes. ISBN 978-1-59327-928-8",
        Some("£12"),
        "ebay.co.uk",
    )
    .not_relevant()
    .kind(ItemKind::Book)
    .never_names(&["Python regius", "Pythonidae"]);
    // The animal, corroborated.
    s.ad(
        EN,
        "Puma cub, captive bred, hand reared",
        "Male puma, 16 weeks old, hand reared and used to people. Article 10 certificate in \
         place. Licensed keepers only.",
        Some("£4,500"),
        "exotic-animals.co.uk",
    )
    .relevant()
    .species(&["Puma concolor"])
    .reason("CORROBORATED", &["puma", "hand reared"]);

    // French.
    s.ad(
        FR,
        "Baskets Puma Suede noires pointure 42",
        "Portées quelques fois, très bon état, boîte d'origine. Remise en main propre à Lyon.",
        Some("30 €"),
        "leboncoin",
    )
    .not_relevant()
    .kind(ItemKind::BrandProduct)
    .never_names(&["Puma concolor"]);
    s.ad(
        FR,
        "Rétroviseur gauche Jaguar XE 2016",
        "Pièce d'origine démontée sur un véhicule accidenté, fonctionne parfaitement.",
        Some("90 €"),
        "leboncoin",
    )
    .not_relevant()
    .kind(ItemKind::VehicleToolPart)
    .never_names(&["Panthera onca"]);
    s.ad(
        FR,
        "Lot de 3 déodorants Lynx Africa importés d'Angleterre",
        "Neufs, jamais ouverts. Même parfum que le Axe Africa vendu en France.",
        Some("9 €"),
        "leboncoin",
    )
    .not_relevant()
    .kind(ItemKind::BrandProduct)
    .never_names(&["Lynx lynx", "Lynx pardinus"]);
    s.ad(
        FR,
        "Livre « Python pour les nuls », broché",
        "Apprendre la programmation avec Python, édition 2022, comme neuf.",
        Some("8 €"),
        "leboncoin",
    )
    .not_relevant()
    .kind(ItemKind::Book)
    .never_names(&["Python regius", "Pythonidae"]);
    // "once" is the snow leopard in French, and an ounce.
    s.ad(
        FR,
        "Pièce Maple Leaf 1 once argent 2023",
        "Pièce d'une once d'argent pur, sous capsule d'origine.",
        Some("35 €"),
        "leboncoin",
    )
    .not_relevant()
    .never_names(&["Uncia", "Panthera uncia"]);
    s.ad(
        FR,
        "Vélo Gazelle hollandais femme",
        "Vélo Gazelle 7 vitesses, cadre 53 cm, très bon état.",
        Some("180 €"),
        "leboncoin",
    )
    .not_relevant()
    .never_names(&["Gazella"]);
    s.ad(
        FR,
        "Bébé puma femelle née en captivité",
        "Puma femelle de 3 mois, élevée au biberon, très sociable. Certificat CITES et \
         certificat intracommunautaire fournis.",
        Some("6 000 €"),
        "animaux-exotiques.fr",
    )
    .relevant()
    .species(&["Puma concolor"])
    .reason("CORROBORATED", &["puma", "bébé"]);

    // German.
    s.ad(
        DE,
        "Puma Turnschuhe RS-X Gr. 43",
        "Nur zweimal getragen, wie neu, Originalkarton vorhanden. Versand gegen Aufpreis.",
        Some("35 € VB"),
        "kleinanzeigen",
    )
    .not_relevant()
    .kind(ItemKind::BrandProduct)
    .never_names(&["Puma concolor"]);
    s.ad(
        DE,
        "Jaguar X-Type Scheinwerfer rechts",
        "Gebrauchtes Ersatzteil, voll funktionsfähig, Versand möglich.",
        Some("80 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .kind(ItemKind::VehicleToolPart)
    .never_names(&["Panthera onca"]);
    s.ad(
        DE,
        "Lynx Deo Africa, 6 Stück",
        "Aus England mitgebracht, originalverpackt. Deodorant für Männer.",
        Some("10 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .kind(ItemKind::BrandProduct)
    .never_names(&["Lynx lynx", "Lynx pardinus"]);
    s.ad(
        DE,
        "Federboa pink, 2 m",
        "Für Fasching oder Mottoparty, einmal getragen.",
        Some("3 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .never_names(&["Boa constrictor", "Boidae"]);
    s.ad(
        DE,
        "Einstieg in Python – Taschenbuch",
        "Python-Programmierung für Anfänger, 6. Auflage, kaum gelesen.",
        Some("12 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .kind(ItemKind::Book)
    .never_names(&["Python regius", "Pythonidae"]);
    s.ad(
        DE,
        "Getigerter Kater, 2 Jahre",
        "Lieber getigerter Kater, kastriert und geimpft, sucht ein neues Zuhause mit Freigang.",
        Some("50 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .never_names(&["Panthera tigris"]);
    s.ad(
        DE,
        "Puma Jungtier aus Nachzucht abzugeben",
        "Weibliches Jungtier (Puma concolor), 4 Monate, handzahm, mit EG-Bescheinigung. Nur an \
         Halter mit Haltungsgenehmigung.",
        Some("5.500 €"),
        "exoten-markt.de",
    )
    .relevant()
    .species(&["Puma concolor"])
    .reason("CORROBORATED", &["puma", "Jungtier"]);
    // The scientific name alone is no ordinary word: relevant, nothing to corroborate.
    s.ad(
        DE,
        "Puma concolor Jungtier abzugeben",
        "Weibliches Jungtier aus Nachzucht 2024, handzahm, mit EG-Bescheinigung.",
        Some("5.500 €"),
        "exoten-markt.de",
    )
    .relevant()
    .species(&["Puma concolor"])
    .reason("SPECIES", &["Puma concolor"]);

    // Dutch.
    s.ad(
        NL,
        "Puma sneakers maat 44 wit",
        "Paar keer gedragen, zo goed als nieuw. Ophalen in Utrecht.",
        Some("€ 25"),
        "marktplaats",
    )
    .not_relevant()
    .kind(ItemKind::BrandProduct)
    .never_names(&["Puma concolor"]);
    s.ad(
        NL,
        "Jaguar XJ koplamp links origineel",
        "Onderdeel uit 2010, getest en werkend. Verzenden kan.",
        Some("€ 75"),
        "marktplaats",
    )
    .not_relevant()
    .kind(ItemKind::VehicleToolPart)
    .never_names(&["Panthera onca"]);
    s.ad(
        NL,
        "Lynx deodorant Africa 5 stuks",
        "Nieuw, meegenomen uit Engeland, nooit gebruikt.",
        Some("€ 8"),
        "marktplaats",
    )
    .not_relevant()
    .kind(ItemKind::BrandProduct)
    .never_names(&["Lynx lynx", "Lynx pardinus"]);
    s.ad(
        NL,
        "Verenboa roze",
        "Voor carnaval of een themafeest, één keer gedragen.",
        Some("€ 4"),
        "marktplaats",
    )
    .not_relevant()
    .never_names(&["Boa constrictor", "Boidae"]);
    s.ad(
        NL,
        "Boek Python programmeren voor beginners",
        "Paperback, 2e druk, in nette staat.",
        Some("€ 10"),
        "marktplaats",
    )
    .not_relevant()
    .kind(ItemKind::Book)
    .never_names(&["Python regius", "Pythonidae"]);
    s.ad(
        NL,
        "Lieve getijgerde kitten",
        "Getijgerde kitten van 10 weken, ontwormd en ingeënt, zindelijk.",
        Some("€ 50"),
        "marktplaats",
    )
    .not_relevant()
    .never_names(&["Panthera tigris"]);
    s.ad(
        NL,
        "Gazelle fiets dames 28 inch",
        "Gazelle Orange C7, goed onderhouden, nieuwe banden.",
        Some("€ 250"),
        "marktplaats",
    )
    .not_relevant()
    .never_names(&["Gazella"]);
    s.ad(
        NL,
        "Jonge puma te koop, kweek 2024",
        "Puma vrouwtje van 4 maanden, met handopfok grootgebracht, met CITES papieren.",
        Some("€ 5.000"),
        "exoten-plaza.nl",
    )
    .relevant()
    .species(&["Puma concolor"])
    .reason("CORROBORATED", &["puma", "jonge"]);

    s.finish(6);
}

/// Ordinary words the detector still takes for the animal. Each case says what it should give.
#[test]
fn ordinary_words_and_brands_are_not_the_animal_gaps() {
    let mut s = Suite::new("ordinary_words_gaps");
    // "Lynx point" is a cat colour; males and kittens are cats.
    s.ad(
        EN,
        "Lynx point Siamese kittens, 2 males",
        "Beautiful lynx point Siamese kittens, vet checked, ready to leave now.",
        Some("£350"),
        "pets4homes",
    )
    .not_relevant()
    .never_names(&["Lynx lynx", "Lynx pardinus"]);
    // Feathers are what the boa is made of, not a part of a snake.
    s.ad(
        FR,
        "Boa en plumes rose 180 cm",
        "Idéal pour un déguisement cabaret ou un enterrement de vie de jeune fille.",
        Some("5 €"),
        "vinted.fr",
    )
    .not_relevant()
    .never_names(&["Boa constrictor", "Boidae"]);
    // "tigré" is a tabby cat.
    s.ad(
        FR,
        "Chaton tigré mâle, 3 mois",
        "Chaton tigré gris, vacciné et pucé, cherche une famille aimante.",
        None,
        "leboncoin",
    )
    .not_relevant()
    .never_names(&["Panthera tigris"]);
    // "hochwertiger" and "günstiger" end in "tiger".
    s.ad(
        DE,
        "Hochwertiger Rehbock Schädel, gebleicht",
        "Sauber präparierter Schädel vom Rehbock auf hochwertigem Holzbrett.",
        Some("45 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .never_names(&["Panthera tigris"]);
    s.ad(
        DE,
        "Günstiger Ledergürtel aus Rindsleder",
        "Schwarzer Gürtel, 95 cm, kaum getragen.",
        Some("10 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .never_names(&["Panthera tigris"]);
    s.finish(0);
}

// ---- 2. A listed name as the modifier of another taxon or thing --------------------------------
