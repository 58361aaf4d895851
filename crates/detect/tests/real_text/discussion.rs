//! Discussion is not an offer (failure class 4).

use super::*;

/// A discussion: offers nothing, and the DISCUSSION reason quotes one of `words`.
fn discussion(c: Case<'_>, words: &[&str]) {
    c.not_relevant()
        .intent("discussion")
        .risk("none")
        .kind(ItemKind::Other)
        .reason_any("DISCUSSION", words);
}

#[test]
fn news_petitions_and_law_talk_are_discussion_but_auction_lots_are_offers() {
    let mut s = Suite::new("discussion");

    let ivory = &["Loxodonta", "Elephas", "Elephantidae", "Proboscidea"];

    // English.
    discussion(
        s.ad(
            EN,
            "Sign the petition: end the ivory trade for good",
            "Every day elephants are killed for their tusks. Please sign and share, we need \
             100,000 signatures before the debate in parliament.",
            None,
            "facebook",
        ),
        &["petition", "please sign", "parliament"],
    );
    discussion(
        s.ad(
            EN,
            "Border Force seized 40 kg of pangolin scales at Heathrow",
            "Officers found the scales hidden in a shipment of frozen fish. Two men were arrested \
             and the case goes to court next month.",
            None,
            "twitter",
        ),
        &["seized", "arrested", "Border Force"],
    );
    discussion(
        s.ad(
            EN,
            "The Ivory Act: what the new law means for antique dealers",
            "Since June 2022 dealing in elephant ivory is banned in the UK, with only narrow \
             exemptions for pre-1918 items. The legislation also covers online listings.",
            None,
            "antiques-forum",
        ),
        &["the law", "banned", "legislation"],
    );
    discussion(
        s.ad(
            EN,
            "Is it legal to sell my late gran's ivory brooch?",
            "Found it while clearing her house. Do I need a certificate under the Ivory Act or \
             is it banned outright? Any advice welcome.",
            None,
            "antiques-forum",
        ),
        &["is it legal", "do I need", "banned", "any advice"],
    );
    s.ad(
        EN,
        "Lot 214: Japanese carved ivory okimono, Meiji period",
        "A finely carved ivory okimono of a fisherman with his catch, signed, c.1890, 18 cm. \
         Estimate £800-1,200.",
        None,
        "the-saleroom.com",
    )
    .relevant()
    .intent("offer")
    .species(ivory);

    // French.
    discussion(
        s.ad(
            FR,
            "Saisie d'ivoire à Roissy",
            "Les douaniers ont saisi 150 kg d'ivoire brut dans des valises en provenance de \
             Lagos. Deux passagers ont été interpellés.",
            None,
            "twitter",
        ),
        &["saisie", "saisi", "douaniers", "interpellés"],
    );
    discussion(
        s.ad(
            FR,
            "Signez la pétition contre le commerce de l'ivoire",
            "Les éléphants disparaissent : demandons au gouvernement une interdiction totale. \
             Partagez autour de vous !",
            None,
            "facebook",
        ),
        &["signez", "pétition", "gouvernement", "interdiction"],
    );
    discussion(
        s.ad(
            FR,
            "La loi interdit désormais le commerce de l'ivoire",
            "Depuis l'arrêté de 2016, la vente d'ivoire d'éléphant est interdite en France, sauf \
             rares exceptions pour les objets anciens.",
            None,
            "forum-antiquaires",
        ),
        &["la loi", "arrêté", "interdiction"],
    );
    s.ad(
        FR,
        "Lot 57 : okimono en ivoire sculpté, Japon, époque Meiji",
        "Pêcheur tenant un panier, signé sous la base, H. 16 cm. Estimation : 600 / 800 €.",
        None,
        "drouot.com",
    )
    .relevant()
    .intent("offer")
    .species(ivory);

    // German.
    discussion(
        s.ad(
            DE,
            "Zoll beschlagnahmt 300 kg Elfenbein",
            "Am Frankfurter Flughafen haben Zollfahnder 300 kg Elfenbein in Umzugskisten \
             sichergestellt. Gegen zwei Männer wird ermittelt.",
            None,
            "twitter",
        ),
        &["beschlagnahmt", "Zoll", "sichergestellt"],
    );
    discussion(
        s.ad(
            DE,
            "Petition: Elfenbeinhandel in der EU verbieten",
            "Jetzt unterschreiben und teilen! Jedes Jahr werden zehntausende Elefanten \
             gewildert.",
            None,
            "facebook",
        ),
        &["Petition", "unterschreiben", "gewildert"],
    );
    discussion(
        s.ad(
            DE,
            "Neues Gesetz zum Handel mit Elfenbein",
            "Seit 2022 ist der Handel mit Elfenbein von Elefanten in der EU weitgehend verboten, \
             nur wenige Antiquitäten sind ausgenommen.",
            None,
            "antiquitaeten-forum",
        ),
        &["Gesetz", "verboten"],
    );
    discussion(
        s.ad(
            DE,
            "Darf ich eine geerbte Elfenbeinkette verkaufen?",
            "Ich habe eine Kette aus Elfenbein von meiner Oma geerbt. Brauche ich dafür Papiere \
             oder ist das verboten?",
            None,
            "antiquitaeten-forum",
        ),
        &["darf ich", "brauche ich", "verboten"],
    );
    s.ad(
        DE,
        "Los 112: Elfenbein-Figur, Dieppe um 1880",
        "Fein geschnitzte Madonna mit Kind, Höhe 14 cm, kleine Altersrisse. Schätzpreis 900 €.",
        None,
        "lempertz.com",
    )
    .relevant()
    .intent("offer")
    .species(ivory);

    // Dutch.
    discussion(
        s.ad(
            NL,
            "Douane onderschept schubben van schubdieren",
            "Op Schiphol heeft de douane 200 kilo schubben van schubdieren in beslag genomen. \
             De smokkelaars zijn aangehouden.",
            None,
            "twitter",
        ),
        &["onderschept", "douane", "in beslag genomen", "aangehouden"],
    );
    discussion(
        s.ad(
            NL,
            "Teken de petitie tegen de handel in neushoornhoorn",
            "Neushoorns worden gestroopt voor hun hoorn. Help mee en onderteken vandaag nog!",
            None,
            "facebook",
        ),
        &["petitie", "gestroopt", "onderteken"],
    );
    discussion(
        s.ad(
            NL,
            "Nieuwe wet: verbod op handel in ivoor",
            "De regering wil de handel in ivoor verbieden, ook in antiek. Wat vinden jullie \
             daarvan?",
            None,
            "forum",
        ),
        &["verbod", "regering", "de wet", "verboden"],
    );
    discussion(
        s.ad(
            NL,
            "Mag ik een geërfde ivoren armband verkopen?",
            "Ik heb een ivoren armband van mijn oma geërfd. Is dit legaal of heb ik papieren \
             nodig?",
            None,
            "forum",
        ),
        &["mag ik", "is dit legaal"],
    );
    s.ad(
        NL,
        "Kavel 88: ivoren netsuke, Japan, 19e eeuw",
        "Gesigneerde netsuke van een rat, 4 cm. Schatting € 400 - 600.",
        None,
        "catawiki.nl",
    )
    .relevant()
    .intent("offer")
    .species(ivory);

    s.finish(4);
}

/// French law questions written with the usual hyphens ("Est-ce légal", "Ai-je le droit"): the
/// post is a discussion only because of its question mark and its venue, and the reason names
/// none of its words.
#[test]
fn news_petitions_and_law_talk_are_discussion_but_auction_lots_are_offers_gaps() {
    let mut s = Suite::new("discussion_gaps");
    discussion(
        s.ad(
            FR,
            "Est-ce légal de vendre un netsuke en ivoire hérité ?",
            "Mon grand-père m'a laissé un netsuke en ivoire. Ai-je le droit de le vendre ou \
             faut-il un certificat ?",
            None,
            "forum-antiquaires",
        ),
        &["légal", "ai-je le droit", "droit"],
    );
    s.finish(0);
}

/// An infinitive "to buy" in an opinion is no buyer's ad ("man sollte nur NZ kaufen").
#[test]
fn an_opinion_about_buying_is_a_discussion() {
    let mut s = Suite::new("opinion_buying");
    s.ad(
        DE,
        "Meinung: Wildfänge haben in der Terraristik nichts verloren",
        "Ich finde, bei Pythons sollte man nur noch Nachzuchten kaufen. Wie seht ihr das?",
        None,
        "forum",
    )
    .not_relevant()
    .intent("discussion");
    s.ad(
        DE,
        "Kaufen Sie keine Korallen im Urlaub!",
        "Petition: der Handel mit Korallen zerstört die Riffe. Bitte unterschreiben.",
        None,
        "facebook",
    )
    .not_relevant()
    .intent("discussion");
    s.ad(
        EN,
        "Opinion: nobody should buy wild-caught parrots any more",
        "If you want a grey, only buy captive bred from a breeder you trust. Agree?",
        None,
        "reddit",
    )
    .not_relevant()
    .intent("discussion");
    s.ad(
        FR,
        "Avis : faut-il encore acheter des tortues d'Hermann en animalerie ?",
        "Je pense qu'il vaut mieux acheter chez un éleveur. Qu'en pensez-vous ?",
        None,
        "forum",
    )
    .not_relevant()
    .intent("discussion");
    s.ad(
        NL,
        "Mening: koop nooit koraal op vakantie",
        "Koraal kopen als souvenir is vaak illegaal, ook al lijkt het onschuldig. Wat vinden jullie?",
        None,
        "facebook",
    )
    .not_relevant()
    .intent("discussion");
    s.finish(1);
}
