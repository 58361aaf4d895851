//! Unit tests of the internals; the table of ad snippets is in `tests/snippets.rs`.

use super::*;

#[test]
fn kind_serialises_lowercase() {
    assert_eq!(
        serde_json::to_string(&Kind::WhatsApp).unwrap(),
        "\"whatsapp\""
    );
    assert_eq!(serde_json::to_string(&Kind::PayPal).unwrap(), "\"paypal\"");
    for k in Kind::ALL {
        assert_eq!(k.as_str().parse::<Kind>().unwrap(), k);
        assert_eq!(serde_json::to_string(&k).unwrap(), format!("\"{k}\""));
    }
}

#[test]
fn field_names_match_serde() {
    for f in [
        Field::Title,
        Field::Description,
        Field::Seller,
        Field::Location,
    ] {
        assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{f}\""));
    }
}

#[test]
fn normalisers() {
    assert_eq!(
        normalize_phone("06 12 34 56 78", Some("fr")).as_deref(),
        Some("+33612345678")
    );
    assert_eq!(
        normalize_phone("06-12345678", Some("NL")).as_deref(),
        Some("+31612345678")
    );
    assert_eq!(
        normalize_phone("07911 123456", Some("UK")).as_deref(),
        Some("+447911123456")
    );
    assert_eq!(
        normalize_phone("0171 1234567", None).as_deref(),
        Some("+491711234567")
    );
    assert_eq!(normalize_phone("030 1234567", None), None);
    assert_eq!(normalize_phone("call me", Some("FR")), None);
    assert_eq!(
        normalize_email("name at gmail punkt com").as_deref(),
        Some("name@gmail.com")
    );
    assert_eq!(
        normalize_email("Name@Example.ORG").as_deref(),
        Some("name@example.org")
    );
    assert_eq!(
        normalize_url("t.me/Exotic_Birds/").as_deref(),
        Some("t.me/exotic_birds")
    );
    assert_eq!(
        normalize_url("https://twitter.com/Seller").as_deref(),
        Some("x.com/seller")
    );
    assert!(iban_is_valid("nl91abna0417164300"));
    assert!(!iban_is_valid("NL91ABNA0417164301"));
    assert!(!iban_is_valid("XX91ABNA0417164300"));
}
