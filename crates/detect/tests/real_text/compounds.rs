//! Names written the way owners and traders write them: inside compounds with a linking element
//! (Wolfs|schädel, krokodil|len|tanden), a Dutch group name in the singular (zaagvis), the head
//! word of a genus's names alone (babouin, macaque, pangolin), a real specimen whose ad denies
//! a list of imitations ("NOT embossed or croc print"), and a swap that asks for an accessory in
//! return.

use super::*;

#[test]
fn names_inside_compounds_head_words_and_denied_imitations() {
    let mut s = Suite::new("compounds");

    // English.
    s.ad(
        EN,
        "Macaque skull, real bone, old collection",
        "Genuine primate skull from a 1950s teaching collection, lower jaw present, no paperwork.",
        Some("£180"),
        "ebay.co.uk",
    )
    .relevant()
    .species(&["Macaca"]);
    s.ad(
        EN,
        "Vintage handbag real alligator hide",
        "Lovely old bag, real american alligator hide NOT embossed or croc print, belly scales.",
        Some("£85"),
        "ebay.co.uk",
    )
    .relevant()
    .kind(ItemKind::Specimen);
    s.ad(
        EN,
        "Swap: adult ball python for a 4ft vivarium",
        "Friendly female royal python, feeds on frozen rats. Swap for a 4ft vivarium or cash.",
        None,
        "forum",
    )
    .relevant()
    .intent("swap")
    .species(&["Python regius"]);
    s.ad(
        EN,
        "Macaque monkey plush toy 25 cm",
        "Soft toy, never played with, tags still on.",
        Some("£8"),
        "vinted",
    )
    .not_relevant()
    .kind(ItemKind::FigurineToy);

    // French.
    s.ad(
        FR,
        "Crâne de babouin véritable - pas une réplique",
        "Ancienne collection d'un naturaliste, mâchoire complète. Vendu sans papiers.",
        Some("250 €"),
        "leboncoin",
    )
    .relevant()
    .species(&["Papio"]);
    s.ad(
        FR,
        "Bracelet montre vrai crocodile, pas gaufré ou imprimé croco",
        "Cuir de crocodile véritable, on voit les écailles, boucle acier.",
        Some("60 €"),
        "leboncoin",
    )
    .relevant()
    .kind(ItemKind::Specimen);
    s.ad(
        FR,
        "Echange tortue sulcata 5 ans contre matos terrarium",
        "Tortue sulcata mâle de 5 ans, en bonne santé, contre lampe UV et terrarium.",
        None,
        "leboncoin",
    )
    .relevant()
    .species(&["Centrochelys sulcata"]);
    s.ad(
        FR,
        "Peluche ouistiti 20 cm",
        "Peluche toute douce, jamais utilisée.",
        Some("6 €"),
        "vinted",
    )
    .not_relevant()
    .kind(ItemKind::FigurineToy);

    // German.
    s.ad(
        DE,
        "Wolfsschädel echt - kein Replikat",
        "Schädel eines Wolfs aus alter Sammlung, Unterkiefer vorhanden.",
        Some("220 €"),
        "kleinanzeigen",
    )
    .relevant()
    .species(&["Canis lupus"]);
    s.ad(
        DE,
        "Wolfsfell Decke echt",
        "Echtes Wolfsfell als Überwurf, sehr weich, aus Nachlass.",
        Some("400 €"),
        "kleinanzeigen",
    )
    .relevant()
    .species(&["Canis lupus"]);
    s.ad(
        DE,
        "Tausche Pantherschildkröte (gechipt) gegen Terrarium-Zubehör",
        "Weibchen, ca. 6 Jahre, gechipt. Suche dafür Lampen und Terrarium-Zubehör.",
        None,
        "kleinanzeigen",
    )
    .relevant()
    .intent("swap")
    .species(&["Stigmochelys pardalis"]);
    s.ad(
        DE,
        "Wolfgang Amadeus Mozart - Sämtliche Klavierwerke CD-Box",
        "10 CDs, sehr guter Zustand.",
        Some("20 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .never_names(&["Canis lupus"]);
    s.ad(
        DE,
        "Jack Wolfskin Rucksack 30L grau",
        "Wenig benutzt, alle Reißverschlüsse ok.",
        Some("25 €"),
        "kleinanzeigen",
    )
    .not_relevant()
    .never_names(&["Canis lupus"]);

    // Dutch.
    s.ad(
        NL,
        "Antieke ijsbeervacht met CITES",
        "Oude ijsbeervacht, kop met open bek, papieren aanwezig.",
        Some("€ 2.500"),
        "marktplaats",
    )
    .relevant()
    .species(&["Ursus maritimus"]);
    s.ad(
        NL,
        "Antieke zaagvis zaag 80 cm",
        "Zaag van een zaagvis uit grootvaders tijd, 24 tanden.",
        Some("€ 450"),
        "marktplaats",
    )
    .relevant()
    .species(&["Pristidae"]);
    s.ad(
        NL,
        "Krokodillentanden ketting",
        "Ketting met zes echte krokodillentanden, zelf meegenomen uit Afrika.",
        Some("€ 35"),
        "marktplaats",
    )
    .relevant()
    .species(&["Crocodylia"]);
    s.ad(
        NL,
        "Wolfskamp Spijkerbroek maat 32",
        "Nette broek, weinig gedragen.",
        Some("€ 15"),
        "vinted",
    )
    .not_relevant()
    .never_names(&["Canis lupus"]);

    s.finish(4);
}
