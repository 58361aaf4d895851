//! The text of an ad that detection analyses: title and description joined, cut to a size limit,
//! and the facts about the input a person should see (the cut, bytes that were not UTF-8).
//!
//! One huge ad (a 50 MB description) must not make a scan take gigabytes: detection analyses at
//! most [`crate::Detector::max_text_bytes`] bytes (title first, then the description), so memory
//! per ad follows the analysed text, not the raw input; the cut is reported as a reason.

use crate::{AdInput, Reason};

/// Bytes of title + description analysed by default: about 30 times the longest real ad seen.
pub const DEFAULT_MAX_TEXT_BYTES: usize = 100_000;

/// Price text analysed at most (a price is a few words).
pub(crate) const MAX_PRICE_BYTES: usize = 1_000;

/// `title + "\n" + description`, cut to the limit.
pub(crate) struct AnalysedText {
    /// The analysed text.
    pub text: String,
    /// Where the title ends in `text`.
    pub title_end: usize,
    /// Bytes of title + description before the cut, when there was one.
    pub cut_from: Option<usize>,
}

impl AnalysedText {
    /// Joins the ad's title and description and cuts them to `max_bytes` (at a character
    /// boundary; the title keeps its place first).
    pub fn of(ad: &AdInput, max_bytes: usize) -> AnalysedText {
        let title = ad.title.as_deref().unwrap_or("");
        let description = ad.description.as_deref().unwrap_or("");
        let full = title.len() + description.len();
        let title = prefix(title, max_bytes);
        let description = prefix(description, max_bytes.saturating_sub(title.len()));
        let mut text = String::with_capacity(title.len() + description.len() + 1);
        text.push_str(title);
        text.push('\n');
        text.push_str(description);
        AnalysedText {
            title_end: title.len(),
            cut_from: (title.len() + description.len() < full).then_some(full),
            text,
        }
    }

    /// Reasons about the input itself: the text was cut, or held bytes that were not UTF-8
    /// (decoded as U+FFFD `�`, which stays visible in the ad's text).
    pub fn reasons(&self) -> Vec<Reason> {
        let mut out = Vec::new();
        if let Some(full) = self.cut_from {
            out.push(Reason {
                code: "TEXT_CUT",
                text: format!(
                    "only the first {} of {full} bytes of title and description were analysed",
                    self.text.len() - 1
                ),
                list: None,
                span: None,
            });
        }
        let replaced = self.text.matches('\u{FFFD}').count();
        if replaced > 0 {
            let at = self.text.find('\u{FFFD}').unwrap_or(0);
            out.push(Reason {
                code: "INVALID_UTF8",
                text: format!(
                    "{replaced} character{} of the text {} not valid UTF-8 and {} shown as '\u{FFFD}'",
                    if replaced == 1 { "" } else { "s" },
                    if replaced == 1 { "was" } else { "were" },
                    if replaced == 1 { "is" } else { "are" },
                ),
                list: None,
                span: Some([at, at + '\u{FFFD}'.len_utf8()]),
            });
        }
        out
    }
}

/// The longest prefix of `s` of at most `max` bytes that ends at a character boundary.
pub(crate) fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut end = max;
    while !s.is_char_boundary(end) {
        end -= 1;
    }
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ad(title: &str, description: &str) -> AdInput {
        AdInput {
            id: "1".into(),
            title: Some(title.into()),
            description: Some(description.into()),
            ..Default::default()
        }
    }

    #[test]
    fn short_ads_are_analysed_whole() {
        let t = AnalysedText::of(&ad("Ivory", "old bangle"), 100);
        assert_eq!((t.text.as_str(), t.title_end), ("Ivory\nold bangle", 5));
        assert!(t.reasons().is_empty());
    }

    #[test]
    fn long_ads_are_cut_at_a_character_boundary_and_say_so() {
        let t = AnalysedText::of(&ad("Éléphant", &"é".repeat(100)), 21);
        assert_eq!(t.title_end, 10);
        assert_eq!(t.text.len(), 1 + 10 + 10);
        let r = t.reasons();
        assert_eq!(r[0].code, "TEXT_CUT");
        assert!(r[0].text.contains("first 20 of 210 bytes"), "{}", r[0].text);
        let t = AnalysedText::of(&ad(&"x".repeat(50), "more"), 20);
        assert_eq!((t.title_end, t.text.len()), (20, 21));
    }

    #[test]
    fn replaced_bytes_are_named() {
        let t = AnalysedText::of(&ad("Elfenbein", "Schnitzerei \u{FFFD}\u{FFFD} alt"), 1000);
        let r = t.reasons();
        assert_eq!(r[0].code, "INVALID_UTF8");
        assert!(r[0].text.starts_with("2 characters"), "{}", r[0].text);
        let [a, b] = r[0].span.unwrap();
        assert_eq!(&t.text[a..b], "\u{FFFD}");
    }
}
