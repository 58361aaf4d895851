//! Seller identifiers in marketplace ads: the keys that link ads, sellers and networks.
//!
//! [`extract`] finds, in free ad text written in English, French, German or Dutch:
//!
//! - phone numbers, normalised to E.164 with the ad's country as the default region
//!   (`06 12 34 56 78`, `+33 (0)6 12 34 56 78`, `0033 6…`, `0171/1234567`, `(030) 1234567`,
//!   `06-12345678`, `06.12.34.56.78`, a letter `O` for a zero);
//! - e-mail addresses, plain or obfuscated (`name (at) mail dot com`, `name[at]gmx[dot]de`,
//!   `name at gmail punkt com`, `name arobase orange point fr`, `name @ hotmail . com`,
//!   `name(a)web.de`);
//! - profile and shop URLs, normalised (lowercase host; no scheme, `www.`, trailing slash,
//!   fragment or tracking parameters);
//! - user names (`@handle`, `insta: x`, `pseudo : x`, `Benutzername: x`, and the handle of an
//!   Instagram, TikTok, X or Facebook profile URL);
//! - messaging handles: WhatsApp (`WhatsApp +33…`, `06… (WhatsApp)`, `wa.me/33…`), Telegram
//!   (`Telegram @name`, `t.me/name`), Signal (`Signal: +49…`);
//! - IBANs of any country, checked with the mod-97 checksum;
//! - payment handles: PayPal (`paypal.me/x`, `PayPal: mail@x`) and other payment links or
//!   labels (Lydia, Tikkie, Revolut, Wero, Paylib);
//! - places written as postcode and town (`75011 Paris`, `D-10115 Berlin`,
//!   `1012 AB Amsterdam`, `1000 Bruxelles`, `Lyon (69)`) and UK postcodes.
//!
//! Every [`Identifier`] keeps its normalised `value` (the key used for linking), the `raw` words
//! as the seller wrote them and the byte `span` of those words in the text. Identifiers that
//! come from one piece of text together (a `wa.me` link gives a WhatsApp handle and a phone
//! number, `PayPal: x@y.fr` a PayPal handle and an e-mail address) overlap; others never do.
//!
//! Everything is pattern-based and runs offline: no gazetteer, no network.
#![deny(missing_docs)]

mod email;
mod iban;
mod label;
mod phone;
mod place;
mod url;

use serde::{Deserialize, Serialize};
use std::fmt;

pub use email::normalize_email;
pub use iban::iban_is_valid;
pub use phone::normalize_phone;
pub use url::normalize_url;

/// What an identifier is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Kind {
    /// A phone number; the value is E.164 (`+33612345678`).
    Phone,
    /// An e-mail address; the value is the plain lowercase address.
    Email,
    /// A profile, shop or other web page; the value is the normalised URL
    /// (`instagram.com/wild.exotics`).
    Url,
    /// A user name on some platform; the value is the lowercase handle without `@`.
    Username,
    /// A WhatsApp contact; the value is the E.164 phone number.
    WhatsApp,
    /// A Telegram contact; the value is the lowercase user name, or the E.164 phone number.
    Telegram,
    /// A Signal contact; the value is the E.164 phone number or the lowercase user name.
    Signal,
    /// A valid IBAN; the value is compact and uppercase.
    Iban,
    /// A PayPal handle; the value is `paypal.me/name`, an e-mail address or an E.164 number.
    PayPal,
    /// Another payment handle (Lydia, Tikkie, Revolut, Wero, Paylib); the value is the
    /// normalised payment link, or `service:` followed by the phone number or e-mail address.
    Payment,
    /// A place: postcode and town (`75011 paris`, `1012 AB amsterdam`) or a UK postcode.
    Place,
}

impl Kind {
    /// Every kind, in declaration order.
    pub const ALL: [Kind; 11] = [
        Kind::Phone,
        Kind::Email,
        Kind::Url,
        Kind::Username,
        Kind::WhatsApp,
        Kind::Telegram,
        Kind::Signal,
        Kind::Iban,
        Kind::PayPal,
        Kind::Payment,
        Kind::Place,
    ];

    /// The lowercase name used in serialisation (`"whatsapp"`, `"paypal"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Kind::Phone => "phone",
            Kind::Email => "email",
            Kind::Url => "url",
            Kind::Username => "username",
            Kind::WhatsApp => "whatsapp",
            Kind::Telegram => "telegram",
            Kind::Signal => "signal",
            Kind::Iban => "iban",
            Kind::PayPal => "paypal",
            Kind::Payment => "payment",
            Kind::Place => "place",
        }
    }
}

impl fmt::Display for Kind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl std::str::FromStr for Kind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Kind::ALL
            .into_iter()
            .find(|k| k.as_str().eq_ignore_ascii_case(s))
            .ok_or_else(|| format!("unknown identifier kind {s:?}"))
    }
}

/// One identifier found in a text.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Identifier {
    /// What it is.
    pub kind: Kind,
    /// The normalised value: the key used to link ads and sellers.
    pub value: String,
    /// The words as written: always `&text[span.0..span.1]`.
    pub raw: String,
    /// Byte offsets `(start, end)` of the words in the text; both are char boundaries.
    pub span: (usize, usize),
}

/// The field of an ad an identifier was found in, for [`extract_ad`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Field {
    /// The ad's title.
    Title,
    /// The ad's description.
    Description,
    /// The seller's name or account as the platform shows it.
    Seller,
    /// The location the platform shows.
    Location,
}

impl Field {
    /// The lowercase name used in serialisation (`"title"`, `"seller"`).
    pub fn as_str(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Description => "description",
            Field::Seller => "seller",
            Field::Location => "location",
        }
    }
}

impl fmt::Display for Field {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// An identifier with the ad field it was found in; its span is relative to that field.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct AdIdentifier {
    /// The field the identifier was found in.
    pub field: Field,
    /// The identifier; `span` is a byte range of the field's text.
    #[serde(flatten)]
    pub identifier: Identifier,
}

/// A candidate before overlaps are resolved. Candidates of one `group` come from the same
/// words and may overlap each other; candidates of different groups may not.
#[derive(Debug, Clone)]
struct Cand {
    kind: Kind,
    value: String,
    span: (usize, usize),
    group: usize,
    prio: u8,
}

/// Priorities used when candidates of different groups overlap: the higher wins.
mod prio {
    pub const IBAN: u8 = 9;
    pub const EMAIL: u8 = 8;
    pub const URL: u8 = 7;
    pub const PHONE: u8 = 5;
    pub const LABELLED: u8 = 4;
    pub const HANDLE: u8 = 3;
    pub const PLACE: u8 = 2;
}

/// Collects candidates while the extractors run.
struct Ctx<'a> {
    text: &'a str,
    region: Option<phonenumber::country::Id>,
    cands: Vec<Cand>,
    groups: usize,
}

impl<'a> Ctx<'a> {
    fn new(text: &'a str, default_country: Option<&str>) -> Self {
        Ctx {
            text,
            region: default_country.and_then(phone::region),
            cands: Vec::new(),
            groups: 0,
        }
    }

    /// Starts a new group and returns its id.
    fn group(&mut self) -> usize {
        self.groups += 1;
        self.groups - 1
    }

    fn push(&mut self, kind: Kind, value: String, span: (usize, usize), group: usize, prio: u8) {
        debug_assert!(span.0 < span.1 && span.1 <= self.text.len());
        self.cands.push(Cand {
            kind,
            value,
            span,
            group,
            prio,
        });
    }

    /// Keeps whole groups, highest priority and longest first, that overlap no kept group.
    fn resolve(self) -> Vec<Identifier> {
        let text = self.text;
        let mut groups: Vec<(u8, usize, usize, Vec<Cand>)> = Vec::new();
        let mut index = vec![usize::MAX; self.groups];
        for c in self.cands {
            let g = c.group;
            if index[g] == usize::MAX {
                index[g] = groups.len();
                groups.push((0, 0, usize::MAX, Vec::new()));
            }
            let entry = &mut groups[index[g]];
            entry.0 = entry.0.max(c.prio);
            entry.1 = entry.1.max(c.span.1 - c.span.0);
            entry.2 = entry.2.min(c.span.0);
            entry.3.push(c);
        }
        groups.sort_by(|a, b| b.0.cmp(&a.0).then(b.1.cmp(&a.1)).then(a.2.cmp(&b.2)));
        let mut kept: Vec<(usize, usize)> = Vec::new();
        let mut out = Vec::new();
        for (_, _, _, cands) in groups {
            let clash = cands
                .iter()
                .any(|c| kept.iter().any(|k| c.span.0 < k.1 && k.0 < c.span.1));
            if clash {
                continue;
            }
            kept.extend(cands.iter().map(|c| c.span));
            out.extend(cands.into_iter().map(|c| Identifier {
                kind: c.kind,
                raw: text[c.span.0..c.span.1].to_string(),
                value: c.value,
                span: c.span,
            }));
        }
        out.sort_by(|a, b| {
            a.span
                .0
                .cmp(&b.span.0)
                .then(b.span.1.cmp(&a.span.1))
                .then(a.kind.cmp(&b.kind))
                .then(a.value.cmp(&b.value))
        });
        out.dedup();
        out
    }
}

/// Finds the identifiers in `text`.
///
/// `default_country` is the ad's country as an ISO 3166 alpha-2 code (`"FR"`, `"de"`; `"UK"`
/// is read as `"GB"`): phone numbers written in national form are read in that country, and
/// four-digit postcodes are only taken as places for countries that use them. Without it,
/// a national number is only taken when exactly one of the usual countries (FR, DE, NL, BE,
/// GB, AT, CH, LU) reads it as valid.
///
/// The result is sorted by position. Identifiers from the same words (a `wa.me` link, a
/// labelled `WhatsApp: 06…`, `PayPal: x@y.fr`) overlap; any others never do.
///
/// ```
/// use wildwatch_ident::{extract, Kind};
/// let ids = extract("Contact: 06 12 34 56 78 ou jean.dupont (at) gmail dot com", Some("FR"));
/// assert_eq!(ids[0].kind, Kind::Phone);
/// assert_eq!(ids[0].value, "+33612345678");
/// assert_eq!(ids[1].kind, Kind::Email);
/// assert_eq!(ids[1].value, "jean.dupont@gmail.com");
/// assert_eq!(ids[1].raw, "jean.dupont (at) gmail dot com");
/// ```
pub fn extract(text: &str, default_country: Option<&str>) -> Vec<Identifier> {
    let mut ctx = Ctx::new(text, default_country);
    iban::find(&mut ctx);
    email::find(&mut ctx);
    url::find(&mut ctx);
    phone::find(&mut ctx);
    label::find(&mut ctx);
    place::find(&mut ctx);
    ctx.resolve()
}

/// Finds the identifiers in the fields of an ad, tagged with the field each came from.
///
/// Each field is read with [`extract`] and `country` as the default country. Two fields also
/// stand for themselves: a non-empty `seller` in which nothing else is found is a
/// [`Kind::Username`] (the platform's account name), and a non-empty `location` in which no
/// postcode is found is a [`Kind::Place`] (its lowercase words). Pass `""` for a missing field.
pub fn extract_ad(
    title: &str,
    description: &str,
    seller: &str,
    location: &str,
    country: Option<&str>,
) -> Vec<AdIdentifier> {
    let mut out = Vec::new();
    for (field, text) in [
        (Field::Title, title),
        (Field::Description, description),
        (Field::Seller, seller),
        (Field::Location, location),
    ] {
        let ids = extract(text, country);
        let whole = match field {
            Field::Seller if ids.is_empty() => Some(Kind::Username),
            Field::Location if !ids.iter().any(|i| i.kind == Kind::Place) => Some(Kind::Place),
            _ => None,
        };
        out.extend(
            ids.into_iter()
                .map(|identifier| AdIdentifier { field, identifier }),
        );
        if let Some(kind) = whole {
            if let Some(identifier) = whole_field(text, kind) {
                out.push(AdIdentifier { field, identifier });
            }
        }
    }
    out
}

/// The whole trimmed field as one identifier, if it is short enough to be a name.
fn whole_field(text: &str, kind: Kind) -> Option<Identifier> {
    let trimmed = text.trim();
    if trimmed.is_empty() || trimmed.chars().count() > 80 {
        return None;
    }
    let start = text.len() - text.trim_start().len();
    let value = trimmed
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase();
    let value = if kind == Kind::Username {
        value.trim_start_matches('@').to_string()
    } else {
        value
    };
    if value.is_empty() {
        return None;
    }
    Some(Identifier {
        kind,
        value,
        raw: trimmed.to_string(),
        span: (start, start + trimmed.len()),
    })
}

/// The char before byte `i` of `text`, if any.
fn char_before(text: &str, i: usize) -> Option<char> {
    text[..i].chars().next_back()
}

/// The char at byte `i` of `text`, if any.
fn char_at(text: &str, i: usize) -> Option<char> {
    text[i..].chars().next()
}

/// Top-level domains accepted for scheme-less URLs and obfuscated e-mail addresses.
fn known_tld(tld: &str) -> bool {
    const TLDS: &[&str] = &[
        "com", "net", "org", "info", "biz", "eu", "fr", "de", "nl", "be", "uk", "at", "ch", "lu",
        "it", "es", "pt", "pl", "cz", "sk", "dk", "se", "no", "fi", "ie", "io", "me", "co", "us",
        "ca", "au", "nz", "ru", "ua", "ro", "hu", "gr", "bg", "hr", "si", "lt", "lv", "ee", "tr",
        "za", "in", "cn", "hk", "sg", "jp", "br", "mx", "ar", "ma", "dz", "tn", "sn", "ci", "cm",
        "ng", "ke", "gh", "ae", "ly", "gl", "to", "tv", "am", "app", "shop", "store", "online",
        "site", "xyz", "club", "pet", "pets", "bio", "vet", "live", "page", "link", "email",
    ];
    TLDS.iter().any(|t| t.eq_ignore_ascii_case(tld))
}

#[cfg(test)]
mod tests;
