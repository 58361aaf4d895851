//! Site adapters: a platform is a TOML file in a folder of its own (`adapters/NAME/adapter.toml`,
//! with example pages and tests next to it). A new platform needs no Rust code.
//!
//! ```toml
//! name = "leboncoin"
//! lang = "fr"
//! country = "FR"
//! base_url = "https://www.leboncoin.fr"
//! search = "{base}/recherche?text={keyword}&page={page}"   # {base} {keyword} {page} {offset}
//! page_size = 20            # for {offset} = (page - 1) * page_size
//! result_links = "a.result" # CSS selector of links to ads on a search page
//! result_json = { json = "next_data", path = "$..listings[*].vipUrl" } # or links in page JSON
//! ad_url_pattern = "/ad/"   # regex an ad URL matches
//! id_pattern = "/ad/(\\d+)" # regex whose first group is the platform's ad id
//! next_page = "a[rel=next]" # CSS selector of the next-page link
//! page_links = "nav.pagination a" # numbered page links (their text is the page number)
//! max_pages = 20
//! currency = "EUR"          # the currency of prices that do not name one
//! [data]                    # JSON embedded in the page (next_data, config, ld_json are built in)
//! ad = { script = "script#__NEXT_DATA__" }      # or { assign = "window.__CONFIG__" }
//! [fields]                  # CSS selectors ("sel@attr" reads an attribute), JSONPaths, or lists
//! title = "h1"
//! price = { json = "ad", path = "$.props.pageProps.ad.price_cents", scale = 0.01 }
//! images = ["img.photo@src", { json = "ad", path = "$.props.pageProps.ad.images.urls[*]" }]
//! ```
//! Fields left out are read generically (well-known embedded JSON, JSON-LD, microdata, OpenGraph,
//! main text); see [`crate::fields`] for every field and spec.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use crate::fields::{builtin_sources, DataSource, Field, FieldSpec};
use crate::CrawlError;

/// How an adapter's pages are loaded.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Render {
    /// A plain HTTP GET: the page's HTML is what is read.
    #[default]
    Http,
    /// Loaded in headless Chromium: the DOM after its scripts ran is what is read.
    Browser,
}

/// A platform adapter.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Adapter {
    /// Platform name (also the folder name).
    pub name: String,
    /// Language of the platform's ads (en, fr, de, nl).
    #[serde(default)]
    pub lang: String,
    /// Country code.
    #[serde(default)]
    pub country: String,
    /// Base URL (a campaign can override it, e.g. to point at the fixture marketplace).
    #[serde(default)]
    pub base_url: String,
    /// Search URL template.
    pub search: String,
    /// Results per search page, for `{offset}`.
    #[serde(default = "default_page_size")]
    pub page_size: u32,
    /// CSS selector of result links.
    #[serde(default)]
    pub result_links: Option<String>,
    /// Ad links read from JSON embedded in search pages (e.g. a Next.js search page's
    /// `listings[*].vipUrl`), in addition to `result_links`.
    #[serde(default)]
    pub result_json: Option<FieldSpec>,
    /// Text replaced in photo URLs before they are fetched: `[["$_#", "$_86"]]` fills in the size
    /// placeholder of Marktplaats's gallery URLs.
    #[serde(default)]
    pub image_url_replace: Vec<(String, String)>,
    /// Ad links lose their query string (tracking parameters such as eBay's `?hash=…`).
    #[serde(default)]
    pub drop_query: bool,
    /// Regex that ad URLs match.
    #[serde(default)]
    pub ad_url_pattern: Option<String>,
    /// Regex whose first group is the ad id.
    #[serde(default)]
    pub id_pattern: Option<String>,
    /// CSS selector of the next-page link.
    #[serde(default)]
    pub next_page: Option<String>,
    /// CSS selector of numbered page links (`1 2 3 … 101`); a link's text is its page number.
    /// Pages up to `max_pages` are queued as soon as a listing page shows them.
    #[serde(default)]
    pub page_links: Option<String>,
    /// Most search pages per keyword.
    #[serde(default = "default_max_pages")]
    pub max_pages: u32,
    /// Currency of prices that do not name one (ISO 4217, e.g. `EUR`).
    #[serde(default)]
    pub currency: Option<String>,
    /// JSON embedded in the page, by the name fields use.
    #[serde(default)]
    pub data: BTreeMap<String, DataSource>,
    /// Where each field is read from.
    #[serde(default)]
    pub fields: BTreeMap<Field, FieldSpec>,
    /// How its search and ad pages are loaded: `http` (default) or `browser` (headless Chromium,
    /// for platforms that render their ads with JavaScript; see [`crate::browser`]).
    #[serde(default)]
    pub render: Render,
    /// With `render = "browser"`: a button to click when present (a consent banner).
    #[serde(default)]
    pub consent_selector: Option<String>,
    /// With `render = "browser"`: wait until this element exists before reading the page.
    #[serde(default)]
    pub ready_selector: Option<String>,
    /// `ad_url_pattern` and `id_pattern`, compiled once.
    #[serde(skip)]
    compiled: Option<(Option<regex::Regex>, Option<regex::Regex>)>,
}

fn default_page_size() -> u32 {
    20
}
fn default_max_pages() -> u32 {
    20
}

/// Adapters shipped in the binary (copies of `adapters/*/adapter.toml`).
const SHIPPED: &[(&str, &str)] = &[
    (
        "leboncoin",
        include_str!("../../../adapters/leboncoin/adapter.toml"),
    ),
    (
        "kleinanzeigen",
        include_str!("../../../adapters/kleinanzeigen/adapter.toml"),
    ),
    (
        "marktplaats",
        include_str!("../../../adapters/marktplaats/adapter.toml"),
    ),
    (
        "2dehands",
        include_str!("../../../adapters/2dehands/adapter.toml"),
    ),
    ("ebay", include_str!("../../../adapters/ebay/adapter.toml")),
    (
        "forum",
        include_str!("../../../adapters/forum/adapter.toml"),
    ),
    (
        "vitrine",
        include_str!("../../../adapters/vitrine/adapter.toml"),
    ),
];

impl Adapter {
    /// Parses and checks an adapter file's text.
    pub fn parse(text: &str, origin: &str) -> Result<Adapter, CrawlError> {
        let mut a: Adapter =
            toml::from_str(text).map_err(|e| CrawlError::Config(format!("{origin}: {e}")))?;
        a.check(origin)?;
        a.compile();
        Ok(a)
    }

    fn check(&self, origin: &str) -> Result<(), CrawlError> {
        if !self.search.contains("{keyword}") {
            return Err(CrawlError::Config(format!(
                "{origin}: `search` must contain {{keyword}}"
            )));
        }
        for (from, _) in &self.image_url_replace {
            if from.is_empty() {
                return Err(CrawlError::Config(format!(
                    "{origin}: `image_url_replace`: the text to replace is empty"
                )));
            }
        }
        for (name, src) in &self.data {
            if builtin_sources().contains_key(name) {
                return Err(CrawlError::Config(format!(
                    "{origin}: data `{name}` is built in; give your source another name"
                )));
            }
            if let DataSource::Assign(js) = src {
                if js.trim().is_empty() {
                    return Err(CrawlError::Config(format!(
                        "{origin}: data `{name}`: `assign` needs the assigned name, e.g. \"window.__STATE__\""
                    )));
                }
            }
            if let DataSource::Script(css) = src {
                scraper::Selector::parse(css).map_err(|e| {
                    CrawlError::Config(format!(
                        "{origin}: data `{name}`: bad CSS selector `{css}`: {e}"
                    ))
                })?;
            }
        }
        if let Some(spec) = &self.result_json {
            self.check_spec(spec)
                .map_err(|e| CrawlError::Config(format!("{origin}: `result_json`: {e}")))?;
        }
        for (field, spec) in &self.fields {
            self.check_spec(spec).map_err(|e| {
                CrawlError::Config(format!("{origin}: field `{}`: {e}", field.name()))
            })?;
        }
        for (what, v) in [
            ("result_links", &self.result_links),
            ("next_page", &self.next_page),
            ("page_links", &self.page_links),
        ] {
            if let Some(v) = v {
                scraper::Selector::parse(v).map_err(|e| {
                    CrawlError::Config(format!("{origin}: `{what}`: bad CSS selector `{v}`: {e}"))
                })?;
            }
        }
        for (what, v) in [
            ("ad_url_pattern", &self.ad_url_pattern),
            ("id_pattern", &self.id_pattern),
        ] {
            if let Some(v) = v {
                regex::Regex::new(v).map_err(|e| {
                    CrawlError::Config(format!("{origin}: `{what}`: bad regex: {e}"))
                })?;
            }
        }
        Ok(())
    }

    /// A field spec's selectors parse and its JSON sources exist.
    fn check_spec(&self, spec: &FieldSpec) -> Result<(), String> {
        match spec {
            FieldSpec::Css(v) => {
                let (css, _) = crate::extract::split_attr(v);
                scraper::Selector::parse(css)
                    .map(|_| ())
                    .map_err(|e| format!("bad CSS selector `{v}`: {e}"))
            }
            FieldSpec::Json(j) => {
                if self.data.contains_key(&j.json) || builtin_sources().contains_key(&j.json) {
                    Ok(())
                } else {
                    let mut known: Vec<String> = self.data.keys().cloned().collect();
                    known.extend(builtin_sources().into_keys());
                    Err(format!(
                        "no data source `{}` (declare it under [data]; known: {})",
                        j.json,
                        known.join(", ")
                    ))
                }
            }
            FieldSpec::Regex(_) => Ok(()),
            FieldSpec::AnyOf(specs) => specs.iter().try_for_each(|s| self.check_spec(s)),
        }
    }

    fn compile(&mut self) {
        let re = |p: &Option<String>| p.as_deref().and_then(|p| regex::Regex::new(p).ok());
        self.compiled = Some((re(&self.ad_url_pattern), re(&self.id_pattern)));
    }

    /// True when `url` is an ad page of this platform (always true without `ad_url_pattern`).
    pub fn is_ad_url(&self, url: &str) -> bool {
        match &self.compiled {
            Some((Some(r), _)) => r.is_match(url),
            Some((None, _)) => true,
            None => self
                .ad_url_pattern
                .as_deref()
                .and_then(|p| regex::Regex::new(p).ok())
                .is_none_or(|r| r.is_match(url)),
        }
    }

    /// The platform's ad id in `url`, by `id_pattern`.
    pub fn ad_id(&self, url: &str) -> Option<String> {
        let owned;
        let re = match &self.compiled {
            Some((_, r)) => r.as_ref(),
            None => {
                owned = self
                    .id_pattern
                    .as_deref()
                    .and_then(|p| regex::Regex::new(p).ok());
                owned.as_ref()
            }
        }?;
        // The first group that took part in the match (a pattern may list layouts as
        // alternatives, each with its own group).
        re.captures(url)
            .and_then(|c| c.iter().skip(1).flatten().next())
            .map(|m| m.as_str().to_string())
    }

    /// What the browser does on this platform's pages once loaded.
    pub fn page_steps(&self) -> crate::browser::PageSteps {
        crate::browser::PageSteps {
            consent_selector: self.consent_selector.clone(),
            ready_selector: self.ready_selector.clone(),
        }
    }

    /// An adapter with no selectors (generic extraction only).
    pub fn generic(name: &str, lang: &str) -> Adapter {
        Adapter {
            name: name.into(),
            lang: lang.into(),
            country: String::new(),
            base_url: String::new(),
            search: "{base}/search?q={keyword}&page={page}".into(),
            page_size: 20,
            result_links: None,
            result_json: None,
            drop_query: false,
            image_url_replace: Vec::new(),
            ad_url_pattern: None,
            id_pattern: None,
            next_page: None,
            page_links: None,
            max_pages: 5,
            currency: None,
            data: BTreeMap::new(),
            fields: BTreeMap::new(),
            render: Render::Http,
            consent_selector: None,
            ready_selector: None,
            compiled: Some((None, None)),
        }
    }

    /// The search URL for a keyword and page (1-based).
    pub fn search_url(&self, base: &str, keyword: &str, page: u32) -> String {
        let kw: String = url::form_urlencoded::byte_serialize(keyword.as_bytes()).collect();
        self.search
            .replace("{base}", base.trim_end_matches('/'))
            .replace("{keyword}", &kw)
            .replace("{page}", &page.to_string())
            .replace(
                "{offset}",
                &(page.saturating_sub(1) * self.page_size).to_string(),
            )
    }

    /// Finds an adapter by name: a folder of that name in one of `dirs` (user adapters first),
    /// else a shipped adapter.
    pub fn load(name: &str, dirs: &[PathBuf]) -> Result<Adapter, CrawlError> {
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "-_".contains(c))
        {
            return Err(CrawlError::Config(format!(
                "adapter name `{name}` must be letters, digits, - or _"
            )));
        }
        for d in dirs {
            let p = d.join(name).join("adapter.toml");
            if p.is_file() {
                return Self::from_file(&p);
            }
        }
        SHIPPED
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(n, t)| Adapter::parse(t, &format!("shipped adapter {n}")))
            .unwrap_or_else(|| {
                Err(CrawlError::Config(format!(
                    "no adapter `{name}` (shipped: {}; or put adapters/{name}/adapter.toml in an adapter folder)",
                    SHIPPED.iter().map(|s| s.0).collect::<Vec<_>>().join(", ")
                )))
            })
    }

    /// Reads an adapter file.
    pub fn from_file(p: &Path) -> Result<Adapter, CrawlError> {
        let t = std::fs::read_to_string(p)
            .map_err(|e| CrawlError::Config(format!("{}: {e}", p.display())))?;
        Adapter::parse(&t, &p.display().to_string())
    }

    /// The folders user adapters are read from: `extra` (e.g. `--adapters`), then
    /// `~/.config/wildwatch/adapters`.
    pub fn user_dirs(extra: &[PathBuf]) -> Vec<PathBuf> {
        let mut dirs = extra.to_vec();
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(PathBuf::from(home).join(".config/wildwatch/adapters"));
        }
        dirs
    }

    /// Names of the shipped adapters.
    pub fn shipped_names() -> Vec<&'static str> {
        SHIPPED.iter().map(|s| s.0).collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_adapters_parse() {
        for n in Adapter::shipped_names() {
            let a = Adapter::load(n, &[]).unwrap();
            assert_eq!(a.name, n);
            assert!(a
                .search_url("http://h", "ivoire ancien", 2)
                .contains("ivoire+ancien"));
        }
    }

    #[test]
    fn bad_adapters_say_what_is_wrong() {
        let e = Adapter::parse("name='x'\nsearch='{base}/s'", "t").unwrap_err();
        assert!(e.to_string().contains("{keyword}"), "{e}");
        let e = Adapter::parse(
            "name='x'\nsearch='{base}/s?q={keyword}'\n[fields]\ntitle='h1[[['",
            "t",
        )
        .unwrap_err();
        assert!(e.to_string().contains("bad CSS selector"), "{e}");
        let e = Adapter::parse("name='x'\nsearch='{keyword}'\nbogus=1", "t").unwrap_err();
        assert!(e.to_string().contains("bogus"), "{e}");
        let e = Adapter::parse(
            "name='x'\nsearch='{keyword}'\n[fields]\ntitle={json='nope', path='$.a'}",
            "t",
        )
        .unwrap_err();
        assert!(e.to_string().contains("no data source `nope`"), "{e}");
        let e =
            Adapter::parse("name='x'\nsearch='{keyword}'\n[fields]\nsize='h1'", "t").unwrap_err();
        assert!(e.to_string().contains("size"), "{e}");
        assert!(Adapter::load("../etc", &[]).is_err());
    }
}
