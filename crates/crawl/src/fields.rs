//! What an adapter reads from a page, and from where: each [`Field`] of an ad is given by a
//! [`FieldSpec`] — a CSS selector (`"h1"`, `"img.photo@src"`), a JSONPath into JSON embedded in the
//! page ([`JsonField`], read from a [`DataSource`]: a `<script>` element or a JavaScript assignment
//! such as `window.__CONFIG__ = {…};`), or several of these tried in order.
//!
//! JSONPath is RFC 9535, implemented by the `serde_json_path` crate: a standard path language
//! (filters, wildcards, slices) that adapter writers can test elsewhere, parsed once when the
//! adapter is loaded, over the `serde_json` values the rest of the crawl already uses.

use std::collections::BTreeMap;

use scraper::Html;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use serde_json_path::JsonPath;

/// A piece of an ad an adapter can read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Deserialize, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Field {
    /// The ad's title.
    Title,
    /// The ad's text.
    Description,
    /// The price (a number, or text such as "650 €").
    Price,
    /// The price's currency, when the price does not say it.
    Currency,
    /// The seller's display name.
    Seller,
    /// The seller's id on the platform.
    SellerId,
    /// Where the item is.
    Location,
    /// When the ad was posted.
    Date,
    /// Photo URLs (every match, not only the first).
    Images,
    /// The platform's category of the ad.
    Category,
}

impl Field {
    /// Every field, in the order `adapters check` shows them.
    pub const ALL: [Field; 10] = [
        Field::Title,
        Field::Description,
        Field::Price,
        Field::Currency,
        Field::Seller,
        Field::SellerId,
        Field::Location,
        Field::Date,
        Field::Images,
        Field::Category,
    ];

    /// The field's name in adapter files.
    pub fn name(self) -> &'static str {
        match self {
            Field::Title => "title",
            Field::Description => "description",
            Field::Price => "price",
            Field::Currency => "currency",
            Field::Seller => "seller",
            Field::SellerId => "seller_id",
            Field::Location => "location",
            Field::Date => "date",
            Field::Images => "images",
            Field::Category => "category",
        }
    }
}

/// Where a field is read from.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum FieldSpec {
    /// A CSS selector; `selector@attr` reads an attribute instead of the text.
    Css(String),
    /// A path into JSON embedded in the page.
    Json(JsonField),
    /// A regular expression over the page's HTML (for values in JavaScript that is not JSON,
    /// such as `store_id : "24640002"`): the first capture group of each match.
    Regex(RegexField),
    /// Several specs, tried in order (e.g. a platform's current and its legacy layout).
    AnyOf(Vec<FieldSpec>),
}

/// A field read from embedded JSON: `{ json = "config", path = "$.listing.title" }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct JsonField {
    /// Name of a `[data]` source of the adapter (or `next_data`, `config`, `ld_json`).
    pub json: String,
    /// RFC 9535 JSONPath into that JSON.
    pub path: JsonPath,
    /// A number is multiplied by this (`0.01` for prices in cents).
    #[serde(default)]
    pub scale: Option<f64>,
}

/// A field read by a regular expression: `{ regex = 'store_id_annonceur : "([0-9]+)"' }`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RegexField {
    /// The expression; its first capture group is the value (the whole match without one).
    #[serde(with = "serde_regex")]
    pub regex: regex::Regex,
}

impl RegexField {
    /// The value of each match in `html` (all of them when `many`, else the first).
    pub fn values(&self, html: &str, many: bool) -> Vec<String> {
        let mut out = Vec::new();
        for c in self.regex.captures_iter(html) {
            let m = c.get(1).or_else(|| c.get(0));
            if let Some(v) = m.map(|m| m.as_str().trim()).filter(|v| !v.is_empty()) {
                out.push(v.to_string());
                if !many {
                    break;
                }
            }
        }
        out
    }
}

/// JSON embedded in a page.
#[derive(Debug, Clone, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "snake_case", deny_unknown_fields)]
pub enum DataSource {
    /// The text of `<script>` elements matching a CSS selector, each parsed as JSON
    /// (`script#__NEXT_DATA__`, `script[type="application/ld+json"]`).
    Script(String),
    /// The value assigned to a JavaScript name in any `<script>`: `window.__CONFIG__` reads
    /// `window.__CONFIG__ = {…};`.
    Assign(String),
}

/// The sources every adapter can name without declaring them, also used by the generic
/// extraction: Next.js's `__NEXT_DATA__`, the `window.__CONFIG__` of eCG/Adevinta sites
/// (Marktplaats, 2dehands) and schema.org JSON-LD.
pub fn builtin_sources() -> BTreeMap<String, DataSource> {
    BTreeMap::from([
        (
            "next_data".to_string(),
            DataSource::Script("script#__NEXT_DATA__".into()),
        ),
        (
            "config".to_string(),
            DataSource::Assign("window.__CONFIG__".into()),
        ),
        (
            "ld_json".to_string(),
            DataSource::Script(r#"script[type="application/ld+json"]"#.into()),
        ),
    ])
}

/// The JSON of a page's data sources, parsed once per page (only the sources a field asks for).
pub struct PageJson<'a> {
    doc: &'a Html,
    sources: &'a BTreeMap<String, DataSource>,
    parsed: BTreeMap<String, Vec<Value>>,
}

impl<'a> PageJson<'a> {
    /// Reads sources of `doc` lazily: `sources` first, then the built-in ones.
    pub fn new(doc: &'a Html, sources: &'a BTreeMap<String, DataSource>) -> PageJson<'a> {
        PageJson {
            doc,
            sources,
            parsed: BTreeMap::new(),
        }
    }

    /// The JSON values of the source `name` (none when the page has no such JSON).
    pub fn values(&mut self, name: &str) -> &[Value] {
        if !self.parsed.contains_key(name) {
            let found = match self.sources.get(name) {
                Some(src) => read_source(self.doc, src),
                None => builtin_sources()
                    .get(name)
                    .map(|s| read_source(self.doc, s))
                    .unwrap_or_default(),
            };
            self.parsed.insert(name.to_string(), found);
        }
        &self.parsed[name]
    }
}

/// Every JSON value a source finds in the page.
pub fn read_source(doc: &Html, src: &DataSource) -> Vec<Value> {
    match src {
        DataSource::Script(css) => {
            let Ok(s) = scraper::Selector::parse(css) else {
                return Vec::new();
            };
            doc.select(&s)
                .filter_map(|e| {
                    let raw: String = e.text().collect();
                    serde_json::from_str::<Value>(raw.trim()).ok()
                })
                .collect()
        }
        DataSource::Assign(name) => {
            let s = scraper::Selector::parse("script").expect("static selector");
            doc.select(&s)
                .filter_map(|e| assigned_value(&e.text().collect::<String>(), name))
                .collect()
        }
    }
}

/// The JSON value assigned to `name` in a script (`name = {…};`), if there is one.
pub fn assigned_value(script: &str, name: &str) -> Option<Value> {
    if name.is_empty() {
        return None;
    }
    let mut from = 0;
    while let Some(i) = script[from..].find(name) {
        let after = &script[from + i + name.len()..];
        let rest = after.trim_start();
        if let Some(value) = rest.strip_prefix('=').filter(|r| !r.starts_with('=')) {
            let mut values = serde_json::Deserializer::from_str(value).into_iter::<Value>();
            if let Some(Ok(v)) = values.next() {
                return Some(v);
            }
        }
        from += i + name.len();
    }
    None
}

/// The text a JSON value gives a single-valued field: a string trimmed, a number (times
/// `scale`), the `name` of an object, the first of an array.
pub fn json_text(v: &Value, scale: Option<f64>) -> Option<String> {
    match v {
        Value::String(s) => match (scale, s.trim().parse::<f64>()) {
            (Some(k), Ok(x)) => Some(format_number(x * k)),
            _ => Some(s.trim().to_string()).filter(|s| !s.is_empty()),
        },
        Value::Number(n) => match scale {
            Some(k) => n.as_f64().map(|x| format_number(x * k)),
            None => Some(n.to_string()),
        },
        Value::Bool(b) => Some(b.to_string()),
        Value::Object(o) => o.get("name").and_then(|n| json_text(n, scale)),
        Value::Array(a) => a.iter().find_map(|x| json_text(x, scale)),
        Value::Null => None,
    }
}

/// Every text of a JSON value (arrays flattened), for many-valued fields such as photos.
pub fn json_texts(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::Array(a) => a.iter().for_each(|x| json_texts(x, out)),
        Value::Object(o) => {
            // A photo object: {"url": …} or {"contentUrl": …} (schema.org ImageObject).
            if let Some(u) = ["url", "contentUrl", "src"]
                .iter()
                .find_map(|k| o.get(*k).and_then(|x| json_text(x, None)))
            {
                out.push(u);
            }
        }
        other => out.extend(json_text(other, None)),
    }
}

/// `6300`, `12.5`, `0.99`: a number without trailing zeros (cents are rounded).
fn format_number(x: f64) -> String {
    let s = format!("{:.2}", (x * 100.0).round() / 100.0);
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn assignments_are_found_and_parsed_to_their_end() {
        let js = r#"var a = 1; window.__CONFIG__ = {"listing":{"title":"Uil","p":[1,2]}}; window.x = 2;"#;
        let v = assigned_value(js, "window.__CONFIG__").unwrap();
        assert_eq!(v["listing"]["title"], "Uil");
        assert!(assigned_value("if (window.__CONFIG__ == null) {}", "window.__CONFIG__").is_none());
        assert!(assigned_value("window.__CONFIG__ = undefined;", "window.__CONFIG__").is_none());
        let later = "window.__CONFIG__ == 1; window.__CONFIG__ = [3];";
        assert_eq!(
            assigned_value(later, "window.__CONFIG__"),
            Some(serde_json::json!([3]))
        );
    }

    #[test]
    fn json_values_become_field_text() {
        assert_eq!(
            json_text(&serde_json::json!(630000), Some(0.01)),
            Some("6300".into())
        );
        assert_eq!(
            json_text(&serde_json::json!(1250), Some(0.01)),
            Some("12.5".into())
        );
        assert_eq!(
            json_text(&serde_json::json!("630000"), Some(0.01)),
            Some("6300".into())
        );
        assert!(assigned_value("a = 1", "").is_none());
        assert_eq!(
            json_text(&serde_json::json!([120]), None),
            Some("120".into())
        );
        assert_eq!(
            json_text(&serde_json::json!({"name": " Jo "}), None),
            Some("Jo".into())
        );
        assert_eq!(json_text(&serde_json::json!(""), None), None);
        let mut out = Vec::new();
        json_texts(
            &serde_json::json!(["//i/1.jpg", {"url": "/i/2.jpg"}, [" /i/3.jpg "]]),
            &mut out,
        );
        assert_eq!(out, ["//i/1.jpg", "/i/2.jpg", "/i/3.jpg"]);
    }

    #[test]
    fn field_specs_read_from_toml() {
        #[derive(Deserialize)]
        struct T {
            fields: BTreeMap<Field, FieldSpec>,
        }
        let t: T = toml::from_str(
            r##"[fields]
            title = "h1"
            price = { json = "config", path = "$.listing.priceInfo.priceCents", scale = 0.01 }
            seller = ["#seller", { json = "next_data", path = "$.props.pageProps.ad.owner.name" }]
            "##,
        )
        .unwrap();
        assert!(matches!(t.fields[&Field::Title], FieldSpec::Css(_)));
        assert!(matches!(
            t.fields[&Field::Price],
            FieldSpec::Json(JsonField { scale: Some(_), .. })
        ));
        assert!(matches!(&t.fields[&Field::Seller], FieldSpec::AnyOf(v) if v.len() == 2));
        let bad: Result<T, _> = toml::from_str("[fields]\nbogus = 'h1'");
        assert!(bad.is_err());
        let bad: Result<T, _> =
            toml::from_str("[fields]\ntitle = { json = 'x', path = 'no dollar' }");
        assert!(bad.is_err());
    }
}
