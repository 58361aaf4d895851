//! Property tests: `extract` never panics, and every span is a char-boundary range of the text
//! whose words are the identifier's `raw`.

use proptest::prelude::*;
use wildwatch_ident::{extract, extract_ad, Kind};

fn check(text: &str, country: Option<&str>) {
    let ids = extract(text, country);
    let mut last_start = 0;
    for id in &ids {
        let (a, b) = id.span;
        assert!(
            a < b && b <= text.len(),
            "span {:?} outside {} bytes",
            id.span,
            text.len()
        );
        assert!(text.is_char_boundary(a) && text.is_char_boundary(b));
        assert_eq!(&text[a..b], id.raw);
        assert!(!id.value.is_empty());
        assert!(a >= last_start, "not sorted by position");
        last_start = a;
        if id.kind == Kind::Phone {
            assert!(id.value.starts_with('+') && id.value[1..].chars().all(|c| c.is_ascii_digit()));
        }
        if id.kind == Kind::Iban {
            assert!(wildwatch_ident::iban_is_valid(&id.value));
        }
    }
}

/// Text made of the pieces identifiers are made of, so the extractors get deep.
fn pieces() -> impl Strategy<Value = String> {
    let piece = prop_oneof![
        Just("06 12 34 56 78".to_string()),
        Just("+33 (0)6".to_string()),
        Just("0171/1234567".to_string()),
        Just("(030) 1234567".to_string()),
        Just("WhatsApp: ".to_string()),
        Just("Telegram @".to_string()),
        Just("Signal".to_string()),
        Just("PayPal: ".to_string()),
        Just("Lydia ".to_string()),
        Just(" (at) ".to_string()),
        Just(" dot ".to_string()),
        Just("[punkt]".to_string()),
        Just("@".to_string()),
        Just(".".to_string()),
        Just("wa.me/".to_string()),
        Just("t.me/".to_string()),
        Just("https://www.".to_string()),
        Just("paypal.me/".to_string()),
        Just("instagram.com/".to_string()),
        Just("DE89 3704 0044 0532 0130 00".to_string()),
        Just("FR76".to_string()),
        Just("75011 Paris".to_string()),
        Just("1012 AB ".to_string()),
        Just("SW1A 1AA".to_string()),
        Just("insta: ".to_string()),
        Just("Nr. ".to_string()),
        Just("é".to_string()),
        Just("€".to_string()),
        Just("\u{a0}".to_string()),
        Just("ß".to_string()),
        Just("😀".to_string()),
        "[a-zA-Z0-9 .:@/()+-]{0,12}",
        "\\PC{0,6}",
    ];
    prop::collection::vec(piece, 0..24).prop_map(|v| v.concat())
}

fn country() -> impl Strategy<Value = Option<String>> {
    prop_oneof![
        Just(None),
        Just(Some("FR".to_string())),
        Just(Some("de".to_string())),
        Just(Some("NL".to_string())),
        Just(Some("BE".to_string())),
        Just(Some("UK".to_string())),
        Just(Some("AT".to_string())),
        Just(Some("ZZ".to_string())),
        "\\PC{0,3}".prop_map(Some),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 2000, ..ProptestConfig::default() })]

    #[test]
    fn arbitrary_unicode(text in "\\PC{0,200}", country in country()) {
        check(&text, country.as_deref());
    }

    #[test]
    fn any_chars(text in any::<String>(), country in country()) {
        check(&text, country.as_deref());
    }

    #[test]
    fn identifier_pieces(text in pieces(), country in country()) {
        check(&text, country.as_deref());
    }

    #[test]
    fn ad_fields(title in pieces(), description in pieces(), seller in "\\PC{0,20}", location in "\\PC{0,20}") {
        for a in extract_ad(&title, &description, &seller, &location, Some("FR")) {
            let text = match a.field {
                wildwatch_ident::Field::Title => &title,
                wildwatch_ident::Field::Description => &description,
                wildwatch_ident::Field::Seller => &seller,
                wildwatch_ident::Field::Location => &location,
            };
            let (s, e) = a.identifier.span;
            prop_assert_eq!(&text[s..e], a.identifier.raw.as_str());
        }
    }
}
