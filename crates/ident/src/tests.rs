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
