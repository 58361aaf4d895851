//! Reading an ad out of an ad page. Each field is read, in order, from the adapter's own specs
//! (CSS selectors and JSONPaths, [`crate::fields`]), well-known embedded JSON (`generic.toml`:
//! Next.js `__NEXT_DATA__`, `window.__CONFIG__`), schema.org JSON-LD, microdata, OpenGraph and
//! finally the page's own text; [`ReadAd`] says which of these gave each field, so that a crawl
//! can tell an adapter that still matches its platform from one that reads only leftovers.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use scraper::Html;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use url::Url;
use wildwatch_store::AdContent;

use super::{absolute_url, sel, select_all, text_of};
use crate::adapter::Adapter;
use crate::fields::{json_text, json_texts, DataSource, Field, FieldSpec, PageJson};

/// Where a field's value came from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Source {
    /// The adapter's own spec for the field.
    Adapter,
    /// Well-known embedded JSON (`__NEXT_DATA__`, `window.__CONFIG__`).
    EmbeddedJson,
    /// schema.org JSON-LD (Product / Offer).
    JsonLd,
    /// schema.org microdata (`itemprop`).
    Microdata,
    /// OpenGraph and other `<meta>` tags.
    Meta,
    /// The page's text: `<h1>`, `<title>`, the biggest block of text.
    PageText,
    /// The adapter's settings (its default currency).
    AdapterDefault,
}

/// An ad read from a page, with where each field came from.
#[derive(Debug, Clone)]
pub struct ReadAd {
    /// The ad.
    pub ad: AdContent,
    /// The source of each field that has a value.
    pub sources: BTreeMap<Field, Source>,
}

impl ReadAd {
    /// True when the page reads as an ad of its platform: the title or the description came
    /// from the adapter's own specs or from the page's structured data (embedded JSON, JSON-LD,
    /// microdata). False means the page no longer has the structure the adapter expects: what
    /// was read came from `<meta>` tags or the page's loose text.
    pub fn matched(&self) -> bool {
        [Field::Title, Field::Description].iter().any(|f| {
            self.sources.get(f).is_some_and(|s| {
                matches!(
                    s,
                    Source::Adapter | Source::EmbeddedJson | Source::JsonLd | Source::Microdata
                )
            })
        })
    }
}

/// The generic specs of `generic.toml`, parsed once.
fn generic_specs() -> &'static BTreeMap<Field, FieldSpec> {
    #[derive(Deserialize)]
    struct Generic {
        fields: BTreeMap<Field, FieldSpec>,
    }
    static G: OnceLock<BTreeMap<Field, FieldSpec>> = OnceLock::new();
    G.get_or_init(|| {
        toml::from_str::<Generic>(include_str!("generic.toml"))
            .expect("generic.toml is valid (tested)")
            .fields
    })
}

/// A generic way to read a field when the adapter's specs gave nothing, and its source.
type Fallback<'f> = (Source, &'f dyn Fn(&Reader<'_>) -> Option<String>);

/// One page being read.
struct Reader<'a> {
    html: &'a str,
    doc: &'a Html,
    adapter: &'a Adapter,
    json: PageJson<'a>,
    /// The page's schema.org Product (or Offer) and its offer.
    product: Option<Value>,
    offer: Option<Value>,
}

impl<'a> Reader<'a> {
    fn new(html: &'a str, doc: &'a Html, adapter: &'a Adapter) -> Reader<'a> {
        let product = json_ld_product(doc);
        let offer = product.as_ref().and_then(offer_of);
        Reader {
            html,
            doc,
            adapter,
            json: PageJson::new(doc, &adapter.data),
            product,
            offer,
        }
    }

    /// The values of a spec (all of them when `many`, else the first).
    fn spec_values(&mut self, spec: &FieldSpec, many: bool) -> Vec<String> {
        match spec {
            FieldSpec::Css(css) => {
                let mut v = select_all(self.doc, css);
                if !many {
                    v.truncate(1);
                }
                v
            }
            FieldSpec::Json(j) => {
                let mut out = Vec::new();
                for value in self.json.values(&j.json) {
                    for node in j.path.query(value) {
                        if many {
                            json_texts(node, &mut out);
                        } else if let Some(t) = json_text(node, j.scale) {
                            return vec![t];
                        }
                    }
                }
                out
            }
            FieldSpec::Regex(re) => re.values(self.html, many),
            FieldSpec::AnyOf(specs) => specs
                .iter()
                .map(|s| self.spec_values(s, many))
                .find(|v| !v.is_empty())
                .unwrap_or_default(),
        }
    }

    /// The field from the adapter's specs, then from well-known embedded JSON.
    fn declared(&mut self, field: Field, many: bool) -> Option<(Vec<String>, Source)> {
        let adapter = self.adapter;
        if let Some(spec) = adapter.fields.get(&field) {
            let v = self.spec_values(spec, many);
            if !v.is_empty() {
                return Some((v, Source::Adapter));
            }
        }
        let spec = generic_specs().get(&field)?;
        let v = self.spec_values(spec, many);
        (!v.is_empty()).then_some((v, Source::EmbeddedJson))
    }

    /// A single-valued field: declared specs first, then `fallbacks` in order.
    fn one(&mut self, field: Field, fallbacks: &[Fallback<'_>]) -> Option<(String, Source)> {
        if let Some((mut v, s)) = self.declared(field, false) {
            return Some((v.swap_remove(0), s));
        }
        fallbacks.iter().find_map(|(s, f)| f(self).map(|v| (v, *s)))
    }

    fn ld(&self, key: &str) -> Option<String> {
        self.product
            .as_ref()
            .and_then(|p| json_text(p.get(key)?, None))
    }

    fn offer(&self, key: &str) -> Option<String> {
        self.offer
            .as_ref()
            .and_then(|o| json_text(o.get(key)?, None))
    }
}

/// The values of `spec` on a page (all matches), e.g. the ad links of a search page's JSON.
pub(crate) fn spec_values_on(
    html: &str,
    doc: &Html,
    adapter: &Adapter,
    spec: &FieldSpec,
) -> Vec<String> {
    Reader::new(html, doc, adapter).spec_values(spec, true)
}

/// Reads the ad from an ad page.
pub fn extract_ad(html: &str, url: &str, adapter: &Adapter) -> AdContent {
    read_ad(html, url, adapter).ad
}

/// Reads the ad from an ad page, with where each field came from.
pub fn read_ad(html: &str, url: &str, adapter: &Adapter) -> ReadAd {
    let doc = Html::parse_document(html);
    let mut r = Reader::new(html, &doc, adapter);
    let mut sources = BTreeMap::new();
    let mut take = |field: Field, found: Option<(String, Source)>| {
        found.map(|(v, s)| {
            sources.insert(field, s);
            v
        })
    };
    let title = take(Field::Title, read_title(&mut r)).unwrap_or_default();
    let description = take(Field::Description, read_description(&mut r)).unwrap_or_default();
    let price = take(Field::Price, read_price(&mut r));
    let currency = take(Field::Currency, read_currency(&mut r));
    let seller = take(Field::Seller, read_seller(&mut r));
    let seller_id = take(Field::SellerId, r.one(Field::SellerId, &[]));
    let location = take(Field::Location, read_location(&mut r));
    let posted = take(Field::Date, read_date(&mut r));
    let category = take(Field::Category, read_category(&mut r));
    let (images, image_source) = read_images(&mut r, url);
    if let Some(s) = image_source {
        sources.insert(Field::Images, s);
    }
    let contacts = contacts(&format!(
        "{description}\n{}",
        seller.as_deref().unwrap_or("")
    ));
    let ad = AdContent {
        platform: adapter.name.clone(),
        url: url.to_string(),
        external_id: adapter.ad_id(url),
        title,
        description,
        price_text: price.map(|p| price_text(p, currency)),
        seller,
        seller_id,
        category,
        contacts,
        location,
        posted,
        images,
        lang: Some(adapter.lang.clone()).filter(|l| !l.is_empty()),
        country: Some(adapter.country.clone()).filter(|c| !c.is_empty()),
    };
    ReadAd { ad, sources }
}

fn read_title(r: &mut Reader<'_>) -> Option<(String, Source)> {
    r.one(
        Field::Title,
        &[
            (Source::JsonLd, &|r| r.ld("name")),
            (Source::Microdata, &|r| product_itemprop(r.doc, "name")),
            (Source::Meta, &|r| meta(r.doc, "og:title")),
            (Source::PageText, &|r| {
                select_all(r.doc, "h1").into_iter().next()
            }),
            (Source::PageText, &|r| {
                select_all(r.doc, "title").into_iter().next()
            }),
        ],
    )
}

fn read_description(r: &mut Reader<'_>) -> Option<(String, Source)> {
    r.one(
        Field::Description,
        &[
            (Source::JsonLd, &|r| r.ld("description")),
            (Source::Microdata, &|r| {
                product_itemprop(r.doc, "description")
            }),
            (Source::Meta, &|r| meta(r.doc, "og:description")),
            (Source::Meta, &|r| meta(r.doc, "description")),
            (Source::PageText, &|r| main_text(r.doc)),
        ],
    )
}

fn read_price(r: &mut Reader<'_>) -> Option<(String, Source)> {
    r.one(
        Field::Price,
        &[
            (Source::JsonLd, &|r| r.offer("price")),
            (Source::Microdata, &|r| itemprop(r.doc, "price")),
            (Source::Meta, &|r| meta(r.doc, "product:price:amount")),
        ],
    )
}

fn read_currency(r: &mut Reader<'_>) -> Option<(String, Source)> {
    r.one(
        Field::Currency,
        &[
            (Source::JsonLd, &|r| r.offer("priceCurrency")),
            (Source::Microdata, &|r| itemprop(r.doc, "priceCurrency")),
            (Source::Meta, &|r| meta(r.doc, "product:price:currency")),
            (Source::AdapterDefault, &|r| r.adapter.currency.clone()),
        ],
    )
}

fn read_seller(r: &mut Reader<'_>) -> Option<(String, Source)> {
    r.one(
        Field::Seller,
        &[
            (Source::JsonLd, &|r| r.offer("seller")),
            (Source::Microdata, &|r| itemprop(r.doc, "seller")),
        ],
    )
}

fn read_location(r: &mut Reader<'_>) -> Option<(String, Source)> {
    r.one(
        Field::Location,
        &[
            (Source::Microdata, &|r| itemprop(r.doc, "addressLocality")),
            (Source::Meta, &|r| meta(r.doc, "og:locality")),
        ],
    )
}

fn read_date(r: &mut Reader<'_>) -> Option<(String, Source)> {
    r.one(
        Field::Date,
        &[
            (Source::Microdata, &|r| itemprop(r.doc, "datePosted")),
            (Source::Meta, &|r| meta(r.doc, "article:published_time")),
        ],
    )
}

fn read_category(r: &mut Reader<'_>) -> Option<(String, Source)> {
    r.one(Field::Category, &[(Source::JsonLd, &|r| r.ld("category"))])
}

/// Photos: the adapter's specs, embedded JSON, JSON-LD `image`, microdata, `og:image`; made
/// absolute against the page's URL (only http and https are kept).
fn read_images(r: &mut Reader<'_>, url: &str) -> (Vec<String>, Option<Source>) {
    let found = r.declared(Field::Images, true).or_else(|| {
        let mut v = Vec::new();
        if let Some(img) = r.product.as_ref().and_then(|p| p.get("image")) {
            json_texts(img, &mut v);
        }
        if !v.is_empty() {
            return Some((v, Source::JsonLd));
        }
        v.extend(select_all(r.doc, r#"img[itemprop="image"]@src"#));
        v.extend(select_all(r.doc, r#"[itemprop="image"][content]@content"#));
        if !v.is_empty() {
            return Some((v, Source::Microdata));
        }
        meta(r.doc, "og:image").map(|i| (vec![i], Source::Meta))
    });
    let Some((raw, source)) = found else {
        return (Vec::new(), None);
    };
    let Ok(base) = Url::parse(url) else {
        return (Vec::new(), None);
    };
    let mut images: Vec<String> = Vec::new();
    for mut i in raw {
        for (from, to) in &r.adapter.image_url_replace {
            i = i.replace(from.as_str(), to);
        }
        if let Some(u) = absolute_url(&base, &i).map(String::from) {
            if !images.contains(&u) {
                images.push(u);
            }
        }
    }
    let source = (!images.is_empty()).then_some(source);
    (images, source)
}

/// "6300 EUR" from a bare number and a currency; a price that is already text ("650 € VB") is
/// kept as written.
fn price_text(price: String, currency: Option<String>) -> String {
    let bare = price
        .chars()
        .all(|c| c.is_ascii_digit() || matches!(c, '.' | ',' | ' '));
    match currency {
        Some(c) if bare => format!("{price} {c}"),
        _ => price,
    }
}

fn meta(doc: &Html, key: &str) -> Option<String> {
    let s = sel(&format!(r#"meta[property="{key}"], meta[name="{key}"]"#))?;
    doc.select(&s)
        .filter_map(|e| e.value().attr("content"))
        .map(|c| c.trim().to_string())
        .find(|c| !c.is_empty())
}

fn itemprop(doc: &Html, prop: &str) -> Option<String> {
    let s = sel(&format!(r#"[itemprop="{prop}"]"#))?;
    doc.select(&s).find_map(|e| {
        let v = e
            .value()
            .attr("content")
            .or_else(|| e.value().attr("src"))
            .map(|c| c.trim().to_string())
            .unwrap_or_else(|| text_of(e));
        (!v.is_empty()).then_some(v)
    })
}

/// A microdata property of the page's Product or Offer (a breadcrumb's `itemprop="name"` is not
/// the ad's title).
fn product_itemprop(doc: &Html, prop: &str) -> Option<String> {
    let scoped = format!(
        r#"[itemtype*="schema.org/Product"] [itemprop="{prop}"], [itemtype*="schema.org/Offer"] [itemprop="{prop}"]"#
    );
    let s = sel(&scoped)?;
    doc.select(&s).find_map(|e| {
        let v = e
            .value()
            .attr("content")
            .map(|c| c.trim().to_string())
            .unwrap_or_else(|| text_of(e));
        (!v.is_empty()).then_some(v)
    })
}

/// The schema.org Product (or Offer) in the page's JSON-LD, if any (also inside @graph or arrays).
fn json_ld_product(doc: &Html) -> Option<Value> {
    fn is_product(t: Option<&Value>) -> bool {
        match t {
            Some(Value::String(s)) => s == "Product" || s == "Offer",
            Some(Value::Array(a)) => a.iter().any(|x| x == "Product" || x == "Offer"),
            _ => false,
        }
    }
    fn find(v: &Value) -> Option<Value> {
        match v {
            Value::Array(a) => a.iter().find_map(find),
            Value::Object(o) if is_product(o.get("@type")) => Some(v.clone()),
            Value::Object(o) => o.get("@graph").and_then(find),
            _ => None,
        }
    }
    let src = DataSource::Script(r#"script[type="application/ld+json"]"#.into());
    crate::fields::read_source(doc, &src).iter().find_map(find)
}

/// The offer of a JSON-LD Product (the first of several), or the Offer itself.
fn offer_of(p: &Value) -> Option<Value> {
    if p.get("@type").is_some_and(|t| t == "Offer") {
        return Some(p.clone());
    }
    p.get("offers").map(|o| match o {
        Value::Array(a) => a.first().cloned().unwrap_or_default(),
        o => o.clone(),
    })
}

fn contacts(text: &str) -> Vec<String> {
    static R: OnceLock<(Regex, Regex)> = OnceLock::new();
    let (email, phone) = R.get_or_init(|| {
        (
            Regex::new(r"(?i)[a-z0-9._%+-]+@[a-z0-9.-]+\.[a-z]{2,}").unwrap(),
            Regex::new(r"(?:\+|00)?\d[\d ./-]{7,}\d").unwrap(),
        )
    });
    let mut out: Vec<String> = email
        .find_iter(text)
        .map(|m| m.as_str().to_lowercase())
        .collect();
    for m in phone.find_iter(text) {
        let digits: String = m.as_str().chars().filter(|c| c.is_ascii_digit()).collect();
        // A phone number has 9–15 digits; dates and prices have fewer or separators in other places.
        if (9..=15).contains(&digits.len()) && !out.contains(&digits) {
            out.push(digits);
        }
    }
    out
}

/// The biggest block of text on the page (for pages without structured data).
fn main_text(doc: &Html) -> Option<String> {
    let s = sel("article, main, .post, .postbody, .content, p, div")?;
    doc.select(&s)
        .map(text_of)
        .filter(|t| t.len() >= 20)
        .min_by_key(|t| {
            // Prefer the longest block that is not the whole page: the page body contains every
            // block, so penalise blocks much longer than 4,000 characters.
            let n = t.len() as i64;
            if n > 4000 {
                n
            } else {
                -n
            }
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn generic_specs_parse() {
        assert!(generic_specs().contains_key(&Field::Title));
        assert!(generic_specs().contains_key(&Field::Images));
    }

    #[test]
    fn next_data_and_config_blobs_are_read_without_an_adapter_spec() {
        let next = r#"<html><head><title>x</title></head><body><script id="__NEXT_DATA__" type="application/json">
          {"props":{"pageProps":{"ad":{"list_id":123,"subject":"Défense en ivoire","body":"Ancienne, 1 kg",
           "price_cents":120000,"owner":{"name":"Jean","user_id":"u-9","type":"private"},
           "location":{"city":"Lyon","zipcode":"69001"},"first_publication_date":"2026-11-30 10:00:00",
           "images":{"urls":["https://img.example/1.jpg","https://img.example/2.jpg"]},
           "category_name":"Collection"}}}}</script></body></html>"#;
        let mut a = Adapter::generic("lbc", "fr");
        a.currency = Some("EUR".into());
        let r = read_ad(next, "https://www.leboncoin.fr/ad/collection/123", &a);
        assert_eq!(r.ad.title, "Défense en ivoire");
        assert_eq!(r.ad.price_text.as_deref(), Some("1200 EUR"));
        assert_eq!(r.ad.seller_id.as_deref(), Some("u-9"));
        assert_eq!(r.ad.category.as_deref(), Some("Collection"));
        assert_eq!(r.ad.images.len(), 2);
        assert_eq!(r.sources[&Field::Title], Source::EmbeddedJson);
        assert_eq!(r.sources[&Field::Currency], Source::AdapterDefault);
        assert!(r.matched());

        let config = r#"<script>window.__CONFIG__ = {"listing":{"title":"Grijze roodstaart",
          "priceInfo":{"priceCents":65000},"seller":{"id":48,"name":"Maris","location":{"cityName":"Hoogezand"}},
          "gallery":{"imageUrls":["//images.example/a.jpg"]},"category":{"fullName":"Dieren | Vogels"}}};</script>"#;
        let r = read_ad(config, "https://www.marktplaats.nl/v/x/m1", &a);
        assert_eq!(r.ad.title, "Grijze roodstaart");
        assert_eq!(r.ad.price_text.as_deref(), Some("650 EUR"));
        assert_eq!(r.ad.seller_id.as_deref(), Some("48"));
        assert_eq!(r.ad.location.as_deref(), Some("Hoogezand"));
        assert_eq!(r.ad.images, ["https://images.example/a.jpg"]);
    }

    #[test]
    fn a_page_without_the_adapters_structure_does_not_match() {
        let a = Adapter::parse(
            "name='k'\nsearch='{keyword}'\n[fields]\ntitle='#viewad-title'",
            "t",
        )
        .unwrap();
        let r = read_ad(
            "<h1>Willkommen</h1><p>Neue Seite, neue Struktur</p>",
            "http://h/",
            &a,
        );
        assert_eq!(r.ad.title, "Willkommen");
        assert!(!r.matched());
        let r = read_ad("<h1 id='viewad-title'>Uhu</h1>", "http://h/", &a);
        assert!(r.matched());
    }

    #[test]
    fn price_text_keeps_written_prices() {
        assert_eq!(
            price_text("650 € VB".into(), Some("EUR".into())),
            "650 € VB"
        );
        assert_eq!(price_text("6300".into(), Some("EUR".into())), "6300 EUR");
        assert_eq!(price_text("6300".into(), None), "6300");
    }
}
