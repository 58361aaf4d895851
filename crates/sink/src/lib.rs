//! Untrusted text made safe for the place it goes.
//!
//! Ad titles, seller names, URLs and reports are written by strangers, and wildwatch hands them on
//! to spreadsheets and browsers. HTML escaping is the templates' job (askama and minijinja escape
//! by default); this crate holds the two rules templates cannot know:
//!
//! * a **spreadsheet cell** must never start a formula: a cell beginning with `=`, `+`, `-`, `@`,
//!   tab or carriage return gets a leading `'` (OWASP's advice for CSV injection), unless the
//!   whole cell is a plain number such as `-12.5`, which no spreadsheet evaluates as a formula;
//! * a **link** is only made of an `http` or `https` URL: anything else (`javascript:`, `data:`,
//!   `vbscript:`, a relative path, a URL with control characters or spaces a browser would strip
//!   before reading the scheme) is shown as text, never put in an `href`.
#![deny(missing_docs)]

use std::borrow::Cow;

/// Characters that make a spreadsheet read a cell as a formula (or, for tab and CR, let a
/// formula hide behind them when the file is re-parsed).
const FORMULA_START: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// `text` as a spreadsheet cell that cannot be evaluated: a leading `'` before a formula start,
/// the text unchanged otherwise (and for plain numbers).
pub fn spreadsheet_cell(text: &str) -> Cow<'_, str> {
    if text.starts_with(FORMULA_START) && !is_plain_number(text) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

/// `-12`, `+3.5`, `-0.25`: a sign, digits and at most one decimal point, nothing else.
fn is_plain_number(text: &str) -> bool {
    let digits = text.strip_prefix(['-', '+']).unwrap_or(text);
    let mut dots = 0;
    !digits.is_empty()
        && digits.chars().all(|c| {
            if c == '.' {
                dots += 1;
                dots == 1
            } else {
                c.is_ascii_digit()
            }
        })
        && digits.chars().any(|c| c.is_ascii_digit())
}

/// One CSV field (RFC 4180): defused as a [`spreadsheet_cell`], then quoted when it holds a
/// comma, quote, line break or leading/trailing space.
pub fn csv_field(text: &str) -> String {
    let cell = spreadsheet_cell(text);
    if cell.contains([',', '"', '\n', '\r']) || cell.starts_with(' ') || cell.ends_with(' ') {
        format!("\"{}\"", cell.replace('"', "\"\""))
    } else {
        cell.into_owned()
    }
}

/// One CSV row of [`csv_field`]s, without the line break.
pub fn csv_row<S: AsRef<str>>(cells: &[S]) -> String {
    cells
        .iter()
        .map(|c| csv_field(c.as_ref()))
        .collect::<Vec<_>>()
        .join(",")
}

/// The URL, if it may be the target of a link: it starts with `http://` or `https://` (any
/// case) and holds no whitespace or control character. `None` means: show it as text.
pub fn http_link(url: &str) -> Option<&str> {
    let lower = url.get(..8).unwrap_or(url).to_ascii_lowercase();
    let http = lower.starts_with("http://") || lower.starts_with("https://");
    let clean = !url.chars().any(|c| c.is_whitespace() || c.is_control());
    (http && clean).then_some(url)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn formulas_are_defused() {
        for bad in [
            "=HYPERLINK(\"http://x\")",
            "+1+cmd|' /C calc'!A0",
            "-2+3",
            "@SUM(A1)",
            "\t=1",
            "\r=1",
        ] {
            assert!(spreadsheet_cell(bad).starts_with('\''), "{bad:?}");
        }
        for ok in ["Ivory bangle", "-12", "+3.5", "-0.25", "12,50 €", ""] {
            assert_eq!(spreadsheet_cell(ok), ok);
        }
        assert_eq!(spreadsheet_cell("-"), "'-");
        assert_eq!(spreadsheet_cell("-1.2.3"), "'-1.2.3");
    }

    #[test]
    fn csv_fields_are_quoted() {
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_field("=1,2"), "\"'=1,2\"");
        assert_eq!(csv_row(&["1", "=A1", "x y"]), "1,'=A1,x y");
    }

    #[test]
    fn only_http_urls_are_links() {
        assert_eq!(
            http_link("https://www.leboncoin.fr/ad/animaux/1"),
            Some("https://www.leboncoin.fr/ad/animaux/1")
        );
        assert!(http_link("HTTP://EXAMPLE.ORG/").is_some());
        for bad in [
            "javascript:alert(1)",
            "JaVaScRiPt:alert(1)",
            " javascript:alert(1)",
            "java\tscript:alert(1)",
            "data:text/html,<script>alert(1)</script>",
            "vbscript:msgbox",
            "//evil.example/",
            "/ads/1",
            "http://ok.example/\nx",
            "https://a b",
            "",
            "http:/x",
        ] {
            assert_eq!(http_link(bad), None, "{bad:?}");
        }
    }

    proptest! {
        #[test]
        fn no_cell_starts_a_formula(s in ".*") {
            let c = spreadsheet_cell(&s);
            prop_assert!(!c.starts_with(FORMULA_START) || is_plain_number(&c));
        }

        #[test]
        fn a_link_always_has_an_http_scheme(s in ".*") {
            if let Some(l) = http_link(&s) {
                let l = l.to_ascii_lowercase();
                prop_assert!(l.starts_with("http://") || l.starts_with("https://"));
            }
        }
    }
}
