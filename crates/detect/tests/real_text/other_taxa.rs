//! A listed name inside the name of another taxon or thing (failure class 1, modifiers).

use super::*;

#[test]
fn a_listed_name_inside_another_name_is_the_other_taxon() {
    let mut s = Suite::new("modifiers");

    // English.
    s.ad(
        EN,
        "Tiger shark jaw, 45 cm, Florida",
        "Dried and cleaned tiger shark jaw, all teeth intact. Legally caught off Florida, a great \
         display piece.",
        Some("$220"),
        "ebay.com",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["tiger shark", "Galeocerdo cuvier"])
    .kind(ItemKind::Specimen)
    .never_names(&["Panthera tigris"]);
    s.ad(
        EN,
        "Leopard gecko hatchlings - tangerine & mack snow",
        "Captive bred 2024, feeding on mealworms and dubia, sexes not known yet.",
        Some("£45"),
        "pets4homes",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["leopard gecko", "Eublepharis"])
    .kind(ItemKind::Specimen)
    .never_names(&["Panthera pardus"]);
    s.ad(
        EN,
        "Pair of zebra finches with cage",
        "Young pair, male and female, both healthy and lively.",
        Some("£30"),
        "preloved",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["zebra finch", "Taeniopygia"])
    .kind(ItemKind::Specimen)
    .never_names(&["Equus zebra"]);
    s.ad(
        EN,
        "Elephant ear plant (Alocasia) 80cm",
        "Big healthy plant in a 21cm pot, collection only.",
        Some("£25"),
        "gumtree",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["elephant ear", "Alocasia"])
    .kind(ItemKind::Specimen)
    .never_names(&["Loxodonta", "Elephas"]);
    s.ad(
        EN,
        "Antique tiger skin rug with head",
        "Old tiger skin rug, mounted head, from a country house clearance. Some wear to the edges.",
        Some("£3,000"),
        "gumtree",
    )
    .relevant()
    .species(&["Panthera tigris"]);
    s.ad(
        EN,
        "Leopard skin coat, 1960s",
        "Real leopard fur coat, original lining, size 12.",
        Some("£900"),
        "preloved",
    )
    .relevant()
    .species(&["Panthera pardus"]);

    // French.
    s.ad(
        FR,
        "Mâchoire de requin-tigre 40 cm",
        "Mâchoire séchée, toutes les dents, parfaite pour une collection.",
        Some("180 €"),
        "leboncoin",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["requin-tigre", "Galeocerdo"])
    .kind(ItemKind::Specimen)
    .never_names(&["Panthera tigris"]);
    s.ad(
        FR,
        "Geckos léopards nés en 2024",
        "Plusieurs jeunes geckos léopards, phases mack snow et tangerine. Nourris aux grillons.",
        Some("40 €"),
        "leboncoin",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["gecko", "Eublepharis"])
    .kind(ItemKind::Specimen)
    .never_names(&["Panthera pardus"]);
    s.ad(
        FR,
        "Poisson-lion (Pterois volitans) 12 cm",
        "Très beau poisson-lion pour bac récifal, mange du congelé.",
        Some("60 €"),
        "leboncoin",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["poisson-lion", "Pterois"])
    .kind(ItemKind::Specimen)
    .never_names(&["Panthera leo"]);
    s.ad(
        FR,
        "Oreille d'éléphant Alocasia 1 m",
        "Grande plante d'intérieur, pot de 24 cm, à venir chercher.",
        Some("35 €"),
        "leboncoin",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["oreille", "Alocasia"])
    .kind(ItemKind::Specimen)
    .never_names(&["Loxodonta", "Elephas"]);
    s.ad(
        FR,
        "Manteau en peau de léopard années 60",
        "Véritable fourrure de léopard, doublure d'origine, taille 38.",
        Some("1 200 €"),
        "leboncoin",
    )
    .relevant()
    .species(&["Panthera pardus"]);

    // German.
    s.ad(
        DE,
        "Tigerhai-Zahn XXL 4 cm",
        "Echter Tigerhai Zahn aus Florida, sauber präpariert.",
        Some("25 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["Tigerhai", "Galeocerdo"])
    .kind(ItemKind::Specimen)
    .never_names(&["Panthera tigris"]);
    s.ad(
        DE,
        "Leopardgeckos Nachzucht 2024 abzugeben",
        "Verschiedene Farbformen, fressen Heimchen und Schaben.",
        Some("40 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["Leopardgecko", "Eublepharis"])
    .kind(ItemKind::Specimen)
    .never_names(&["Panthera pardus"]);
    s.ad(
        DE,
        "Zebrafinken Paar mit Käfig",
        "Ein Paar Zebrafinken, Männchen und Weibchen, zahm und zutraulich.",
        Some("30 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["Zebrafink", "Taeniopygia"])
    .kind(ItemKind::Specimen)
    .never_names(&["Equus zebra"]);
    s.ad(
        DE,
        "Tigerlotus rot für Aquarium",
        "Kräftige Knolle mit Blättern, aus eigenem Becken.",
        Some("6 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .never_names(&["Panthera tigris"]);
    s.ad(
        DE,
        "Elefantengras Miscanthus giganteus, 10 Rhizome",
        "Winterhart, ideal als Sichtschutz im Garten.",
        Some("15 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .never_names(&["Loxodonta", "Elephas", "Elephantidae"]);
    s.ad(
        DE,
        "Krokodilleder Handtasche 70er",
        "Echte Handtasche aus Krokodilleder, innen sauber, Schloss funktioniert.",
        Some("350 €"),
        "kleinanzeigen",
    )
    .relevant()
    .species(&["Crocodyl", "Alligator", "Caiman"]);

    // Dutch.
    s.ad(
        NL,
        "Tijgerhaai tand 3 cm",
        "Echte tand van een tijgerhaai, gevonden in Florida.",
        Some("€ 15"),
        "marktplaats",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["tijgerhaai", "Galeocerdo"])
    .kind(ItemKind::Specimen)
    .never_names(&["Panthera tigris"]);
    s.ad(
        NL,
        "Luipaardgekko te koop, nakweek 2024",
        "Diverse kleuren, eten krekels en meelwormen.",
        Some("€ 35"),
        "marktplaats",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["luipaardgekko", "Eublepharis"])
    .kind(ItemKind::Specimen)
    .never_names(&["Panthera pardus"]);
    s.ad(
        NL,
        "Koppel zebravinken met kooi",
        "Man en pop, gezond en actief.",
        Some("€ 25"),
        "marktplaats",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["zebravink", "Taeniopygia"])
    .kind(ItemKind::Specimen)
    .never_names(&["Equus zebra"]);
    s.ad(
        NL,
        "Olifantsoor plant 1,2 m",
        "Alocasia in sierpot, moet weg wegens verhuizing.",
        Some("€ 30"),
        "marktplaats",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["olifantsoor", "Alocasia"])
    .kind(ItemKind::Specimen)
    .never_names(&["Loxodonta", "Elephas"]);
    s.ad(
        NL,
        "Tijgerlotus aquariumplant",
        "Rode tijgerlotus, flinke knol, uit eigen bak.",
        Some("€ 5"),
        "marktplaats",
    )
    .not_relevant()
    .never_names(&["Panthera tigris"]);
    s.ad(
        NL,
        "Riem van krokodillenleer",
        "Echte krokodillenleer riem, lengte 95 cm, zilveren gesp.",
        Some("€ 120"),
        "marktplaats",
    )
    .relevant()
    .species(&["Crocodyl", "Alligator", "Caiman"]);

    s.finish(5);
}

/// Listed animals as the first part of a German or Dutch compound whose head is a part word of
/// four letters or fewer (Fell, vel), and a German word read as a Dutch coin word.
#[test]
fn a_listed_name_inside_another_name_is_the_other_taxon_gaps() {
    let mut s = Suite::new("modifiers_gaps");
    s.ad(
        DE,
        "Leopardenfell antik, 150 cm",
        "Altes Leopardenfell aus einem Nachlass, guter Zustand.",
        Some("900 €"),
        "kleinanzeigen",
    )
    .relevant()
    .species(&["Panthera pardus"]);
    s.ad(
        DE,
        "Tigerfell mit Kopf",
        "Altes Tigerfell, Kopf präpariert, aus Haushaltsauflösung.",
        Some("2.800 €"),
        "kleinanzeigen",
    )
    .relevant()
    .species(&["Panthera tigris"]);
    // "gesund und munter": "munter" is no Dutch "munt" (coin).
    s.ad(
        DE,
        "Zebrafinken Paar mit Käfig",
        "Ein Paar Zebrafinken, Männchen und Weibchen, gesund und munter.",
        Some("30 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .reason("OTHER_TAXON", &["Zebrafink", "Taeniopygia"])
    .kind(ItemKind::Specimen);
    s.ad(
        NL,
        "Oud tijgervel met kop",
        "Tijgervel uit een nalatenschap, ca. 1930, enkele kale plekken.",
        Some("€ 2.500"),
        "marktplaats",
    )
    .relevant()
    .species(&["Panthera tigris"]);
    s.ad(
        NL,
        "Luipaardvel wandkleed",
        "Echt luipaardvel, jaren 50, uit een nalatenschap.",
        Some("€ 900"),
        "marktplaats",
    )
    .relevant()
    .species(&["Panthera pardus"]);
    s.finish(0);
}

// ---- 3. What the item really is ----------------------------------------------------------------
