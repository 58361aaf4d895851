//! A table of realistic ad snippets in English, French, German and Dutch with the identifiers
//! expected in each: kinds, normalised values and the raw words (which the span must point at).

use wildwatch_ident::{extract, extract_ad, Field, Identifier, Kind};

use Kind::*;

struct Case {
    text: &'static str,
    country: Option<&'static str>,
    /// (kind, value, raw): every identifier expected, and no other.
    expect: &'static [(Kind, &'static str, &'static str)],
}

const fn case(
    text: &'static str,
    country: Option<&'static str>,
    expect: &'static [(Kind, &'static str, &'static str)],
) -> Case {
    Case {
        text,
        country,
        expect,
    }
}

const FR: Option<&str> = Some("FR");
const DE: Option<&str> = Some("DE");
const NL: Option<&str> = Some("NL");
const BE: Option<&str> = Some("BE");
const GB: Option<&str> = Some("GB");
const AT: Option<&str> = Some("AT");

const CASES: &[Case] = &[
    // --- French ---
    case(
        "Vends perroquet gris du Gabon, tel 06 12 34 56 78",
        FR,
        &[(Phone, "+33612345678", "06 12 34 56 78")],
    ),
    case(
        "Contact : 0612345678 (pas de SMS)",
        FR,
        &[(Phone, "+33612345678", "0612345678")],
    ),
    case(
        "Tortue d'Hermann née en 2019, appelez le +33 6 12 34 56 78",
        FR,
        &[(Phone, "+33612345678", "+33 6 12 34 56 78")],
    ),
    case(
        "Joignable au 0033 6 12 34 56 78 ou 06.98.76.54.32",
        FR,
        &[
            (Phone, "+33612345678", "0033 6 12 34 56 78"),
            (Phone, "+33698765432", "06.98.76.54.32"),
        ],
    ),
    case(
        "Tel fixe: +33 (0)1 42 68 53 00, Paris",
        FR,
        &[(Phone, "+33142685300", "+33 (0)1 42 68 53 00")],
    ),
    case(
        "Écrire à jean.dupont (at) gmail dot com pour plus d'infos",
        FR,
        &[(Email, "jean.dupont@gmail.com", "jean.dupont (at) gmail dot com")],
    ),
    case(
        "mail : marie arobase orange point fr",
        FR,
        &[(Email, "marie@orange.fr", "marie arobase orange point fr")],
    ),
    case(
        "Ivoire ancien, écrire à Collection.Afrique@Wanadoo.FR merci",
        FR,
        &[(Email, "collection.afrique@wanadoo.fr", "Collection.Afrique@Wanadoo.FR")],
    ),
    case(
        "Mâle EAO bagué, visible à 75011 Paris, prix 1500 €",
        FR,
        &[(Place, "75011 paris", "75011 Paris")],
    ),
    case(
        "Couple d'aras, bague 2023-FR-12345, né en 2019, 1200 euros",
        FR,
        &[],
    ),
    case(
        "Dispo sur Aix-en-Provence (13) ou 69003 Lyon, WhatsApp uniquement : 07 81 23 45 67",
        FR,
        &[
            (Place, "aix-en-provence (13)", "Aix-en-Provence (13)"),
            (Place, "69003 lyon", "69003 Lyon"),
            (WhatsApp, "+33781234567", "WhatsApp uniquement : 07 81 23 45 67"),
            (Phone, "+33781234567", "07 81 23 45 67"),
        ],
    ),
    case(
        "Paiement Lydia ou PayPal amis : lucas.martin@laposte.net",
        FR,
        &[
            (PayPal, "lucas.martin@laposte.net", "PayPal amis : lucas.martin@laposte.net"),
            (Email, "lucas.martin@laposte.net", "lucas.martin@laposte.net"),
        ],
    ),
    case(
        "Lydia au 06 11 22 33 44 ou virement IBAN FR76 3000 6000 0112 3456 7890 189",
        FR,
        &[
            (Payment, "lydia:+33611223344", "Lydia au 06 11 22 33 44"),
            (Phone, "+33611223344", "06 11 22 33 44"),
            (Iban, "FR7630006000011234567890189", "FR76 3000 6000 0112 3456 7890 189"),
        ],
    ),
    case(
        "Voir mon insta : @reptiles_du_sud et ma boutique https://www.reptiles-du-sud.fr/boutique/",
        FR,
        &[
            (Username, "reptiles_du_sud", "insta : @reptiles_du_sud"),
            (Url, "reptiles-du-sud.fr/boutique", "https://www.reptiles-du-sud.fr/boutique/"),
        ],
    ),
    case(
        "pseudo: Fauve_Collector sur leboncoin, écailles de pangolin",
        FR,
        &[(Username, "fauve_collector", "pseudo: Fauve_Collector")],
    ),
    case(
        "Envoi possible, Telegram @CorneRhino_Paris ou t.me/CorneRhino_Paris",
        FR,
        &[
            (Telegram, "cornerhino_paris", "Telegram @CorneRhino_Paris"),
            (Telegram, "cornerhino_paris", "t.me/CorneRhino_Paris"),
        ],
    ),
    case(
        "WhatsApp : wa.me/33612345678",
        FR,
        &[
            (WhatsApp, "+33612345678", "WhatsApp : wa.me/33612345678"),
            (WhatsApp, "+33612345678", "wa.me/33612345678"),
            (Phone, "+33612345678", "wa.me/33612345678"),
        ],
    ),
    case(
        "Réf annonce 2456789012, publiée le 12.05.2023",
        FR,
        &[],
    ),
    case(
        "Boîte en écaille de tortue, 33000 Bordeaux. Tél: 05 56 12 34 56",
        FR,
        &[
            (Place, "33000 bordeaux", "33000 Bordeaux"),
            (Phone, "+33556123456", "05 56 12 34 56"),
        ],
    ),
    case(
        "Me contacter par mail: pierre.l(at)free.fr ou au O6 12 34 56 78",
        FR,
        &[
            (Email, "pierre.l@free.fr", "pierre.l(at)free.fr"),
            (Phone, "+33612345678", "O6 12 34 56 78"),
        ],
    ),
    case(
        "Défenses d'éléphant, 59650 Villeneuve-d'Ascq, paypal.me/IvoireAncien",
        FR,
        &[
            (Place, "59650 villeneuve-d'ascq", "59650 Villeneuve-d'Ascq"),
            (PayPal, "paypal.me/ivoireancien", "paypal.me/IvoireAncien"),
        ],
    ),
    case(
        "Prix: 450€ ferme. 06 12 34 56 78 (WhatsApp)",
        FR,
        &[
            (Phone, "+33612345678", "06 12 34 56 78"),
            (WhatsApp, "+33612345678", "06 12 34 56 78 (WhatsApp)"),
        ],
    ),
    // --- German ---
    case(
        "Verkaufe Graupapagei, Handy 0171/1234567",
        DE,
        &[(Phone, "+491711234567", "0171/1234567")],
    ),
    case(
        "Bei Interesse 0171-1234567 anrufen, Preis 1500 €",
        DE,
        &[(Phone, "+491711234567", "0171-1234567")],
    ),
    case(
        "Festnetz (030) 1234567, Abholung in 10115 Berlin",
        DE,
        &[
            (Phone, "+49301234567", "(030) 1234567"),
            (Place, "10115 berlin", "10115 Berlin"),
        ],
    ),
    case(
        "Art. 10 Bescheinigung Nr. 12345678 liegt vor, geschlüpft 2021",
        DE,
        &[],
    ),
    case(
        "Kontakt: zoo.freund[at]gmx[dot]de oder +49 171 2345678",
        DE,
        &[
            (Email, "zoo.freund@gmx.de", "zoo.freund[at]gmx[dot]de"),
            (Phone, "+491712345678", "+49 171 2345678"),
        ],
    ),
    case(
        "Schreibt mir an tierfreund at gmail punkt com",
        DE,
        &[(Email, "tierfreund@gmail.com", "tierfreund at gmail punkt com")],
    ),
    case(
        "E-Mail: k.schmidt(a)web.de, Benutzername: Exoten_Kalle",
        DE,
        &[
            (Email, "k.schmidt@web.de", "k.schmidt(a)web.de"),
            (Username, "exoten_kalle", "Benutzername: Exoten_Kalle"),
        ],
    ),
    case(
        "Elfenbein Schnitzerei, Versand möglich. Überweisung an DE89 3704 0044 0532 0130 00",
        DE,
        &[(Iban, "DE89370400440532013000", "DE89 3704 0044 0532 0130 00")],
    ),
    case(
        "IBAN DE89370400440532013001 (falsch) und DE89370400440532013000",
        DE,
        &[(Iban, "DE89370400440532013000", "DE89370400440532013000")],
    ),
    case(
        "Signal: +49 151 23456789, kein Telegram",
        DE,
        &[
            (Signal, "+4915123456789", "Signal: +49 151 23456789"),
            (Phone, "+4915123456789", "+49 151 23456789"),
        ],
    ),
    case(
        "Standort 60311 Frankfurt am Main, Abgabe nur an Selbstabholer",
        DE,
        &[(Place, "60311 frankfurt am main", "60311 Frankfurt am Main")],
    ),
    case(
        "Preis 12000 Euro VB, geboren 2018, Ring Nr. 0815 4711",
        DE,
        &[],
    ),
    case(
        "Whatsapp: 0151 23456789 oder per Mail an reptilien-shop@t-online.de",
        DE,
        &[
            (WhatsApp, "+4915123456789", "Whatsapp: 0151 23456789"),
            (Phone, "+4915123456789", "0151 23456789"),
            (Email, "reptilien-shop@t-online.de", "reptilien-shop@t-online.de"),
        ],
    ),
    case(
        "Mehr Fotos auf instagram.com/Exoten.Kalle?igshid=MzRlODBiNWFlZA==",
        DE,
        &[
            (Url, "instagram.com/exoten.kalle", "instagram.com/Exoten.Kalle?igshid=MzRlODBiNWFlZA=="),
            (Username, "exoten.kalle", "instagram.com/Exoten.Kalle?igshid=MzRlODBiNWFlZA=="),
        ],
    ),
    case(
        "Telefon 089 12345678, 80331 München",
        DE,
        &[
            (Phone, "+498912345678", "089 12345678"),
            (Place, "80331 münchen", "80331 München"),
        ],
    ),
    case(
        "Zu verkaufen: 2 Stück, Anzeigen-ID 2789456123",
        DE,
        &[],
    ),
    case(
        "Kontakt über Telegram: t.me/exotic_birds_de",
        DE,
        &[(Telegram, "exotic_birds_de", "t.me/exotic_birds_de")],
    ),
    case(
        "Abholung D-50667 Köln oder Versand, PayPal an verkauf@exoten-koeln.de",
        DE,
        &[
            (Place, "50667 köln", "D-50667 Köln"),
            (PayPal, "verkauf@exoten-koeln.de", "PayPal an verkauf@exoten-koeln.de"),
            (Email, "verkauf@exoten-koeln.de", "verkauf@exoten-koeln.de"),
        ],
    ),
    // --- Dutch / Belgian ---
    case(
        "Te koop jonge grijze roodstaart, bel 06-12345678",
        NL,
        &[(Phone, "+31612345678", "06-12345678")],
    ),
    case(
        "Bereikbaar op +31 6 1234 5678 of via de mail",
        NL,
        &[(Phone, "+31612345678", "+31 6 1234 5678")],
    ),
    case(
        "Ophalen in 1012 AB Amsterdam, betalen met Tikkie",
        NL,
        &[(Place, "1012 AB amsterdam", "1012 AB Amsterdam")],
    ),
    case(
        "Mail naar vogelhuis.jansen @ hotmail . com",
        NL,
        &[(Email, "vogelhuis.jansen@hotmail.com", "vogelhuis.jansen @ hotmail . com")],
    ),
    case(
        "Betaling via https://tikkie.me/pay/abcd1234efgh of NL91 ABNA 0417 1643 00",
        NL,
        &[
            (Payment, "tikkie.me/pay/abcd1234efgh", "https://tikkie.me/pay/abcd1234efgh"),
            (Iban, "NL91ABNA0417164300", "NL91 ABNA 0417 1643 00"),
        ],
    ),
    case(
        "Gebruikersnaam: papegaai_piet, 3511 AX Utrecht",
        NL,
        &[
            (Username, "papegaai_piet", "Gebruikersnaam: papegaai_piet"),
            (Place, "3511 AX utrecht", "3511 AX Utrecht"),
        ],
    ),
    case(
        "Whatsapp 06 1234 5678 (alleen whatsapp), 5211 Den Bosch",
        NL,
        &[
            (WhatsApp, "+31612345678", "Whatsapp 06 1234 5678"),
            (Phone, "+31612345678", "06 1234 5678"),
        ],
    ),
    case(
        "Regio 2513 AA Den Haag, mail: info[at]exoten-denhaag[punt]nl",
        NL,
        &[
            (Place, "2513 AA den haag", "2513 AA Den Haag"),
            (Email, "info@exoten-denhaag.nl", "info[at]exoten-denhaag[punt]nl"),
        ],
    ),
    case(
        "Te koop, 1000 Bruxelles, GSM 0470 12 34 56",
        BE,
        &[
            (Place, "1000 bruxelles", "1000 Bruxelles"),
            (Phone, "+32470123456", "0470 12 34 56"),
        ],
    ),
    case(
        "Perroquets à vendre, 4000 Liège, virement BE68 5390 0754 7034",
        BE,
        &[
            (Place, "4000 liège", "4000 Liège"),
            (Iban, "BE68539007547034", "BE68 5390 0754 7034"),
        ],
    ),
    case(
        "Prijs 1500 Euro, 2000 Antwerpen, whatsapp: +32 470 12 34 56",
        BE,
        &[
            (Place, "2000 antwerpen", "2000 Antwerpen"),
            (WhatsApp, "+32470123456", "whatsapp: +32 470 12 34 56"),
            (Phone, "+32470123456", "+32 470 12 34 56"),
        ],
    ),
    case(
        "Kijk op www.2dehands.be/u/vogelpark-west/12345/ voor meer",
        BE,
        &[(Url, "2dehands.be/u/vogelpark-west/12345", "www.2dehands.be/u/vogelpark-west/12345/")],
    ),
    // --- English ---
    case(
        "African grey for sale, call 07911 123456, collection from SW1A 1AA",
        GB,
        &[
            (Phone, "+447911123456", "07911 123456"),
            (Place, "SW1A 1AA", "SW1A 1AA"),
        ],
    ),
    case(
        "Ivory netsuke, email me at john.smith at outlook dot com",
        GB,
        &[(Email, "john.smith@outlook.com", "john.smith at outlook dot com")],
    ),
    case(
        "Landline 020 7946 0018, based in Manchester M1 1AE",
        GB,
        &[
            (Phone, "+442079460018", "020 7946 0018"),
            (Place, "M1 1AE", "M1 1AE"),
        ],
    ),
    case(
        "Follow @rare_reptiles_uk on insta or tiktok.com/@rare_reptiles_uk",
        GB,
        &[
            (Username, "rare_reptiles_uk", "@rare_reptiles_uk"),
            (Url, "tiktok.com/@rare_reptiles_uk", "tiktok.com/@rare_reptiles_uk"),
            (Username, "rare_reptiles_uk", "tiktok.com/@rare_reptiles_uk"),
        ],
    ),
    case(
        "Pay by PayPal: sales@exoticpets.co.uk or paypal.me/ExoticPetsUK",
        GB,
        &[
            (PayPal, "sales@exoticpets.co.uk", "PayPal: sales@exoticpets.co.uk"),
            (Email, "sales@exoticpets.co.uk", "sales@exoticpets.co.uk"),
            (PayPal, "paypal.me/exoticpetsuk", "paypal.me/ExoticPetsUK"),
        ],
    ),
    case(
        "Shop: https://exoticpets.co.uk/shop?utm_source=facebook&utm_medium=ad&fbclid=IwAR0abc&id=42",
        GB,
        &[(Url, "exoticpets.co.uk/shop?id=42", "https://exoticpets.co.uk/shop?utm_source=facebook&utm_medium=ad&fbclid=IwAR0abc&id=42")],
    ),
    case(
        "Username: ivory_dealer_77. Only serious buyers, £2000 ono",
        GB,
        &[(Username, "ivory_dealer_77", "Username: ivory_dealer_77")],
    ),
    case(
        "Ring number 2023-GB-45678, hatched 12/04/2022, price £850",
        GB,
        &[],
    ),
    case(
        "Text or WhatsApp +44 7911 123456 anytime",
        GB,
        &[
            (WhatsApp, "+447911123456", "WhatsApp +44 7911 123456"),
            (Phone, "+447911123456", "+44 7911 123456"),
        ],
    ),
    case(
        "Facebook page https://m.facebook.com/ExoticBirdsCentral/",
        GB,
        &[
            (Url, "facebook.com/exoticbirdscentral", "https://m.facebook.com/ExoticBirdsCentral/"),
            (Username, "exoticbirdscentral", "https://m.facebook.com/ExoticBirdsCentral/"),
        ],
    ),
    case(
        "Message on WhatsApp: https://api.whatsapp.com/send?phone=447911123456&text=hi",
        GB,
        &[
            (
                WhatsApp,
                "+447911123456",
                "WhatsApp: https://api.whatsapp.com/send?phone=447911123456&text=hi",
            ),
            (WhatsApp, "+447911123456", "https://api.whatsapp.com/send?phone=447911123456&text=hi"),
            (Phone, "+447911123456", "https://api.whatsapp.com/send?phone=447911123456&text=hi"),
        ],
    ),
    // --- Mixed, other countries, no country ---
    case(
        "Grüße aus 1010 Wien, Tel. 0664 1234567",
        AT,
        &[
            (Place, "1010 wien", "1010 Wien"),
            (Phone, "+436641234567", "0664 1234567"),
        ],
    ),
    case(
        "Call +33 6 12 34 56 78 or +49 171 1234567",
        None,
        &[
            (Phone, "+33612345678", "+33 6 12 34 56 78"),
            (Phone, "+491711234567", "+49 171 1234567"),
        ],
    ),
    case(
        "Handy 0171 1234567 (aus Frankreich gelesen)",
        FR,
        &[(Phone, "+491711234567", "0171 1234567")],
    ),
    case(
        "Call 07700 900123, it is a drama number and invalid",
        GB,
        &[],
    ),
    case(
        "Festnetz 030 1234567 ohne Land: nicht eindeutig",
        None,
        &[],
    ),
    case(
        "Nur Barzahlung. Tel 0171 2345678. Kein Versand ins Ausland.",
        None,
        &[(Phone, "+491712345678", "0171 2345678")],
    ),
    case(
        "Available 9am-5pm, 2 males, 3 females, 1 pair for 1.500,00 €",
        GB,
        &[],
    ),
    case(
        "Kontakt via signal.me/#p/+4915123456789",
        DE,
        &[
            (Signal, "+4915123456789", "signal.me/#p/+4915123456789"),
            (Phone, "+4915123456789", "signal.me/#p/+4915123456789"),
        ],
    ),
    case(
        "Bitte nur per Mail: vogel.haus@posteo.de. Keine Anrufe!",
        DE,
        &[(Email, "vogel.haus@posteo.de", "vogel.haus@posteo.de")],
    ),
    case(
        "Pour plus de photos : www.facebook.com/groups/perroquets.france",
        FR,
        &[(Url, "facebook.com/groups/perroquets.france", "www.facebook.com/groups/perroquets.france")],
    ),
    case(
        "Revolut: revolut.me/marcv, sinon espèces",
        FR,
        &[(Payment, "revolut.me/marcv", "revolut.me/marcv")],
    ),
    case(
        "Tel : 06 12 34 56 78, Telegram : @ExoticFR_Shop",
        FR,
        &[
            (Phone, "+33612345678", "06 12 34 56 78"),
            (Telegram, "exoticfr_shop", "Telegram : @ExoticFR_Shop"),
        ],
    ),
    case(
        "Tel 06 12 34 56 78 / 07 98 76 54 32",
        FR,
        &[
            (Phone, "+33612345678", "06 12 34 56 78"),
            (Phone, "+33798765432", "07 98 76 54 32"),
        ],
    ),
    case(
        "Te koop in 9000 Gent, GSM: 0475/12.34.56",
        BE,
        &[
            (Place, "9000 gent", "9000 Gent"),
            (Phone, "+32475123456", "0475/12.34.56"),
        ],
    ),
    case(
        "Kontakt per Whatsapp oder Telegram unter 0171 1234567",
        DE,
        &[
            (WhatsApp, "+491711234567", "Whatsapp oder Telegram unter 0171 1234567"),
            (Telegram, "+491711234567", "Telegram unter 0171 1234567"),
            (Phone, "+491711234567", "0171 1234567"),
        ],
    ),
    case(
        "Tel.: +49 (0) 171 1234567, Mobil: 0049 171 2345678",
        DE,
        &[
            (Phone, "+491711234567", "+49 (0) 171 1234567"),
            (Phone, "+491712345678", "0049 171 2345678"),
        ],
    ),
    case(
        "écrivez-moi: contact (arobase) ivoire-antique (point) com",
        FR,
        &[(Email, "contact@ivoire-antique.com", "contact (arobase) ivoire-antique (point) com")],
    ),
    case(
        "IBAN: GB29 NWBK 6016 1331 9268 19 / BIC NWBKGB2L, collect Leeds LS1 4AP",
        GB,
        &[
            (Iban, "GB29NWBK60161331926819", "GB29 NWBK 6016 1331 9268 19"),
            (Place, "LS1 4AP", "LS1 4AP"),
        ],
    ),
    case(
        "Gezüchtet 2019-2023, Preis € 1.250,-, geschlüpft am 06.12.2023",
        DE,
        &[],
    ),
];

fn show(ids: &[Identifier]) -> String {
    ids.iter()
        .map(|i| {
            format!(
                "  ({:?}, {:?}, {:?}) @{:?}\n",
                i.kind, i.value, i.raw, i.span
            )
        })
        .collect()
}

#[test]
fn snippet_table() {
    assert!(CASES.len() >= 60, "only {} cases", CASES.len());
    let mut failures = Vec::new();
    for (n, c) in CASES.iter().enumerate() {
        let ids = extract(c.text, c.country);
        for i in &ids {
            assert_eq!(
                &c.text[i.span.0..i.span.1],
                i.raw,
                "case {n}: span does not point at raw"
            );
        }
        let mut got: Vec<(Kind, String, String)> = ids
            .iter()
            .map(|i| (i.kind, i.value.clone(), i.raw.clone()))
            .collect();
        let mut want: Vec<(Kind, String, String)> = c
            .expect
            .iter()
            .map(|(k, v, r)| (*k, v.to_string(), r.to_string()))
            .collect();
        got.sort();
        want.sort();
        if got != want {
            failures.push(format!(
                "case {n}: {:?} ({:?})\n got:\n{}",
                c.text,
                c.country,
                show(&ids)
            ));
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases failed:\n{}",
        failures.len(),
        CASES.len(),
        failures.join("\n")
    );
}

#[test]
fn spans_point_at_raw_words() {
    for c in CASES {
        for i in extract(c.text, c.country) {
            assert!(c.text.is_char_boundary(i.span.0) && c.text.is_char_boundary(i.span.1));
            assert_eq!(&c.text[i.span.0..i.span.1], i.raw);
        }
    }
}

#[test]
fn negatives_are_not_phones() {
    for (text, country) in [
        ("Preis 1500 €", DE),
        ("né en 2019", FR),
        ("bague 2023-FR-12345", FR),
        ("75011 Paris", FR),
        ("Art. 10 Bescheinigung Nr. 12345678", DE),
        ("Geschlüpft am 01.05.2023", DE),
        ("Prix 1 500 000 FCFA", FR),
        ("Annonce n° 0612345678", FR),
        ("Chip 0123456789012", DE),
    ] {
        let ids = extract(text, country);
        assert!(
            !ids.iter().any(|i| i.kind == Kind::Phone),
            "{text:?} gave a phone: {}",
            show(&ids)
        );
    }
}

#[test]
fn ad_fields_are_tagged() {
    let ids = extract_ad(
        "Graupapagei zu verkaufen",
        "Tel 0171 1234567, Abholung",
        "Exoten_Kalle",
        "Köln",
        Some("DE"),
    );
    let got: Vec<(Field, Kind, &str)> = ids
        .iter()
        .map(|a| (a.field, a.identifier.kind, a.identifier.value.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Field::Description, Kind::Phone, "+491711234567"),
            (Field::Seller, Kind::Username, "exoten_kalle"),
            (Field::Location, Kind::Place, "köln"),
        ]
    );
    let json = serde_json::to_value(&ids[0]).unwrap();
    assert_eq!(json["field"], "description");
    assert_eq!(json["kind"], "phone");
    assert_eq!(json["value"], "+491711234567");
    assert_eq!(json["raw"], "0171 1234567");
    assert_eq!(json["span"], serde_json::json!([4, 16]));

    // A location with a postcode gives that place only; a seller with an address gives it.
    let ids = extract_ad("", "", "shop@exoten.de", "50667 Köln", Some("DE"));
    let got: Vec<(Field, Kind, &str)> = ids
        .iter()
        .map(|a| (a.field, a.identifier.kind, a.identifier.value.as_str()))
        .collect();
    assert_eq!(
        got,
        vec![
            (Field::Seller, Kind::Email, "shop@exoten.de"),
            (Field::Location, Kind::Place, "50667 köln"),
        ]
    );
}
