//! Platform policy audit: for each website of a campaign, find its help, terms and policy pages
//! (links named "Règles de diffusion", "Nutzungsbedingungen", "Verboden artikelen", "Prohibited
//! items" …), read them in their language, and say whether they give clear information on
//! wildlife trade law and the site's own rules, with the passages that show it.
//!
//! The link names and topic terms are data (`data/policy/`), matched whole-word on folded text
//! (the same normalisation as ads, so accents, case and punctuation do not matter). A site is
//! **clear** when one page names the law (CITES, protected species, Regulation 338/97 …) and at
//! least one concrete rule (ivory, products of protected species, live animals); **vague** when
//! its pages only touch the subject (animals in general, papers); **none** when no policy page
//! says anything about it, or none could be found.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

use aho_corasick::{AhoCorasick, MatchKind};
use scraper::{Html, Selector};
use serde::{Deserialize, Serialize};
use url::Url;
use wildwatch_store::{FetchCommit, FetchState, PolicyAudits, Store};
use wildwatch_text::{identify, normalize};

/// Most policy pages read per site.
pub const MAX_PAGES: usize = 8;

const LINKS_CSV: &str = include_str!("../../../data/policy/links.csv");
const TOPICS_CSV: &str = include_str!("../../../data/policy/topics.csv");

/// Topics that name the law.
const LAW: &str = "law";
/// Topics that name a concrete rule of the site.
const RULES: [&str; 3] = ["ivory", "products", "live_animals"];

/// The link names and topic terms.
pub struct PolicyTerms {
    links: AhoCorasick,
    link_phrases: Vec<(String, String)>,
    topics: AhoCorasick,
    topic_terms: Vec<(String, String, String)>,
}

fn csv_rows(text: &str, file: &str, cols: usize) -> Result<Vec<Vec<String>>, String> {
    let mut out = Vec::new();
    let mut rdr = csv::ReaderBuilder::new()
        .comment(Some(b'#'))
        .flexible(false)
        .from_reader(text.as_bytes());
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| format!("{file}: {e}"))?;
        if rec.len() != cols {
            return Err(format!(
                "{file}: row {} has {} fields, expected {cols}",
                i + 2,
                rec.len()
            ));
        }
        let row: Vec<String> = rec.iter().map(|f| f.trim().to_string()).collect();
        if row.iter().any(String::is_empty) {
            return Err(format!("{file}: row {} has an empty field", i + 2));
        }
        out.push(row);
    }
    Ok(out)
}

fn folded(s: &str) -> String {
    normalize(s).text
}

impl PolicyTerms {
    /// The shipped terms.
    pub fn shipped() -> PolicyTerms {
        // The shipped files are checked by a test; they always parse.
        PolicyTerms::parse(LINKS_CSV, TOPICS_CSV).unwrap_or_else(|e| panic!("{e}"))
    }

    /// Terms from a folder holding `links.csv` and `topics.csv` (either may be absent: the
    /// shipped one is used).
    pub fn from_dir(dir: &Path) -> Result<PolicyTerms, String> {
        let read = |name: &str, shipped: &str| -> Result<String, String> {
            let p = dir.join(name);
            if p.exists() {
                std::fs::read_to_string(&p).map_err(|e| format!("{}: {e}", p.display()))
            } else {
                Ok(shipped.to_string())
            }
        };
        PolicyTerms::parse(
            &read("links.csv", LINKS_CSV)?,
            &read("topics.csv", TOPICS_CSV)?,
        )
    }

    /// Parses the two CSV files (`lang,phrase` and `topic,lang,term`).
    pub fn parse(links_csv: &str, topics_csv: &str) -> Result<PolicyTerms, String> {
        let link_phrases: Vec<(String, String)> = csv_rows(links_csv, "links.csv", 2)?
            .into_iter()
            .map(|r| (r[0].clone(), folded(&r[1])))
            .collect();
        let topic_terms: Vec<(String, String, String)> = csv_rows(topics_csv, "topics.csv", 3)?
            .into_iter()
            .map(|r| (r[0].clone(), r[1].clone(), folded(&r[2])))
            .collect();
        let build = |pats: Vec<&String>| {
            AhoCorasick::builder()
                .match_kind(MatchKind::Standard)
                .build(pats)
                .map_err(|e| e.to_string())
        };
        Ok(PolicyTerms {
            links: build(link_phrases.iter().map(|p| &p.1).collect())?,
            topics: build(topic_terms.iter().map(|t| &t.2).collect())?,
            link_phrases,
            topic_terms,
        })
    }

    /// Indexes of the patterns found whole-word in folded text.
    fn whole_words<'a>(
        ac: &'a AhoCorasick,
        text: &'a str,
    ) -> impl Iterator<Item = (usize, usize, usize)> + 'a {
        let b = text.as_bytes();
        ac.find_overlapping_iter(text).filter_map(move |m| {
            let (s, e) = (m.start(), m.end());
            let left = s == 0 || !b[s - 1].is_ascii_alphanumeric();
            let right = e >= b.len() || !b[e].is_ascii_alphanumeric();
            (left && right).then_some((m.pattern().as_usize(), s, e))
        })
    }

    /// The most specific link phrase in a link's text or URL path, as (phrase, its length).
    fn link_phrase(&self, text: &str, path: &str) -> Option<String> {
        let hay = folded(&format!(
            "{text} {}",
            path.replace(['-', '_', '/', '.'], " ")
        ));
        Self::whole_words(&self.links, &hay)
            .map(|(i, _, _)| self.link_phrases[i].1.clone())
            .max_by_key(|p| p.len())
    }
}

/// A link to a policy page.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct PolicyLink {
    /// Absolute URL.
    pub url: String,
    /// Link text.
    pub text: String,
    /// The link phrase it matched.
    pub matched: String,
}

/// Links on a page (same site only) that lead to help, terms or policy pages, most specific first.
pub fn policy_links(html: &str, page_url: &str, terms: &PolicyTerms) -> Vec<PolicyLink> {
    let Ok(base) = Url::parse(page_url) else {
        return Vec::new();
    };
    let doc = Html::parse_document(html);
    let Ok(sel) = Selector::parse("a[href]") else {
        return Vec::new();
    };
    let mut seen = HashSet::new();
    let mut out: Vec<PolicyLink> = Vec::new();
    for a in doc.select(&sel) {
        let Some(href) = a.value().attr("href") else {
            continue;
        };
        let Ok(u) = base.join(href) else { continue };
        if u.host_str() != base.host_str()
            || u.port_or_known_default() != base.port_or_known_default()
            || !matches!(u.scheme(), "http" | "https")
        {
            continue;
        }
        let text: String = a.text().collect::<Vec<_>>().join(" ");
        let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
        let Some(matched) = terms.link_phrase(&text, u.path()) else {
            continue;
        };
        let mut u = u;
        u.set_fragment(None);
        if seen.insert(u.to_string()) {
            out.push(PolicyLink {
                url: u.to_string(),
                text,
                matched,
            });
        }
    }
    out.sort_by_key(|l| std::cmp::Reverse(l.matched.len()));
    out
}

/// A passage of a policy page that speaks to a topic.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Finding {
    /// law, ivory, products, live_animals, documents, animals.
    pub topic: String,
    /// The term found (folded).
    pub term: String,
    /// The sentence it stands in, as written.
    pub passage: String,
}

/// What one policy page says.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct PageAnalysis {
    /// URL.
    pub url: String,
    /// Link text that led here.
    pub link_text: String,
    /// HTTP status (0 when the fetch failed).
    pub status: u16,
    /// Page title.
    pub title: String,
    /// Language identified.
    pub lang: String,
    /// Topics found.
    pub topics: Vec<String>,
    /// The passages (one per topic and sentence).
    pub findings: Vec<Finding>,
    /// SHA-256 of the body as archived.
    pub sha256: Option<String>,
    /// What went wrong.
    pub error: Option<String>,
}

/// The readable text of a page: title and the text of its main content (or body), by block.
pub fn page_text(html: &str) -> (String, String) {
    let doc = Html::parse_document(html);
    let pick = |s: &str| Selector::parse(s).ok();
    let title = pick("title")
        .and_then(|s| doc.select(&s).next())
        .map(|t| t.text().collect::<String>().trim().to_string())
        .unwrap_or_default();
    let mut blocks = Vec::new();
    let root = ["main", "article", "body"]
        .iter()
        .filter_map(|s| pick(s))
        .find_map(|s| doc.select(&s).next());
    if let (Some(root), Some(block)) = (root, pick("h1, h2, h3, h4, p, li, td, dd, dt, blockquote"))
    {
        for b in root.select(&block) {
            let t = b.text().collect::<Vec<_>>().join(" ");
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if !t.is_empty() {
                blocks.push(t);
            }
        }
        if blocks.is_empty() {
            let t = root.text().collect::<Vec<_>>().join(" ");
            blocks.push(t.split_whitespace().collect::<Vec<_>>().join(" "));
        }
    }
    (title, blocks.join("\n"))
}

/// The sentence of `text` around the byte range `s..e`, at most 400 characters.
fn sentence(text: &str, s: usize, e: usize) -> String {
    let start = text[..s]
        .rfind(['.', '!', '?', '\n'])
        .map(|i| i + 1)
        .unwrap_or(0);
    let end = text[e..]
        .find(['.', '!', '?', '\n'])
        .map(|i| e + i + 1)
        .unwrap_or(text.len());
    let out = text[start..end].trim();
    if out.chars().count() > 400 {
        let mut cut: String = out.chars().take(397).collect();
        cut.push('…');
        cut
    } else {
        out.to_string()
    }
}

/// Topics and passages of a page's text, read with the terms of its language (and `*`).
pub fn analyse(text: &str, terms: &PolicyTerms) -> (String, Vec<Finding>) {
    let n = normalize(text);
    let lang = identify(&n.text, text).code().to_string();
    let mut found: Vec<Finding> = Vec::new();
    let mut seen = HashSet::new();
    for (i, s, e) in PolicyTerms::whole_words(&terms.topics, &n.text) {
        let (topic, tl, term) = &terms.topic_terms[i];
        if tl != "*" && tl != &lang && lang != "other" {
            continue;
        }
        let (os, oe) = n.original_range(s, e);
        if oe <= os || oe > text.len() {
            continue;
        }
        let passage = sentence(text, os, oe);
        if seen.insert((topic.clone(), passage.clone())) {
            found.push(Finding {
                topic: topic.clone(),
                term: term.clone(),
                passage,
            });
        }
    }
    (lang, found)
}

/// The verdict on a site.
#[derive(Debug, Clone, Copy, Serialize, Deserialize, PartialEq, Eq)]
#[serde(rename_all = "lowercase")]
pub enum Verdict {
    /// Names the law and concrete rules.
    Clear,
    /// Touches the subject only.
    Vague,
    /// Nothing found.
    None,
}

impl Verdict {
    /// `clear`, `vague` or `none`.
    pub fn as_str(self) -> &'static str {
        match self {
            Verdict::Clear => "clear",
            Verdict::Vague => "vague",
            Verdict::None => "none",
        }
    }
}

/// The verdict from a site's pages.
pub fn verdict(pages: &[PageAnalysis]) -> Verdict {
    let clear = pages.iter().any(|p| {
        p.topics.iter().any(|t| t == LAW) && p.topics.iter().any(|t| RULES.contains(&t.as_str()))
    });
    if clear {
        Verdict::Clear
    } else if pages.iter().any(|p| !p.topics.is_empty()) {
        Verdict::Vague
    } else {
        Verdict::None
    }
}

/// One website's audit.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SiteAudit {
    /// Platform (adapter) name.
    pub platform: String,
    /// The site's home page.
    pub home: String,
    /// clear / vague / none.
    pub verdict: Verdict,
    /// A one-line reason.
    pub summary: String,
    /// Policy links found on the home page.
    pub links: Vec<PolicyLink>,
    /// The pages read.
    pub pages: Vec<PageAnalysis>,
    /// Why the home page could not be read.
    pub error: Option<String>,
}

impl SiteAudit {
    /// Sets the verdict and summary from the pages.
    pub fn conclude(&mut self) {
        self.verdict = verdict(&self.pages);
        let topics: BTreeSet<&str> = self
            .pages
            .iter()
            .flat_map(|p| p.topics.iter().map(String::as_str))
            .collect();
        let read = self.pages.iter().filter(|p| p.error.is_none()).count();
        self.summary = if let Some(e) = &self.error {
            format!("home page not read: {e}")
        } else if self.links.is_empty() {
            "no help, terms or policy page linked from the home page".into()
        } else if read == 0 {
            format!(
                "{} policy link(s) found, none could be read",
                self.links.len()
            )
        } else if topics.is_empty() {
            format!("{read} policy page(s) read; none mentions wildlife trade")
        } else {
            let t: Vec<&str> = topics.into_iter().collect();
            format!("{read} policy page(s) read; topics: {}", t.join(", "))
        };
    }
}

/// Share of sites with clear information (0–1; 0 when there are none).
pub fn share_clear(sites: &[SiteAudit]) -> f64 {
    if sites.is_empty() {
        return 0.0;
    }
    sites.iter().filter(|s| s.verdict == Verdict::Clear).count() as f64 / sites.len() as f64
}

/// Builds a page's analysis from its HTML.
pub fn analyse_page(
    link: &PolicyLink,
    status: u16,
    html: &str,
    terms: &PolicyTerms,
) -> PageAnalysis {
    let (title, text) = page_text(html);
    let (lang, findings) = analyse(&text, terms);
    let topics: BTreeSet<String> = findings.iter().map(|f| f.topic.clone()).collect();
    PageAnalysis {
        url: link.url.clone(),
        link_text: link.text.clone(),
        status,
        title,
        lang,
        topics: topics.into_iter().collect(),
        findings,
        sha256: None,
        error: None,
    }
}

/// Audits the policy pages of every platform of a campaign: fetches each site's home page and the
/// policy pages it links (politely, through the campaign's fetcher), archives every page in the
/// WARC files with its record in the store, and stores each site's audit. The store is the SQLite
/// file `opts.db`; [`audit_campaign_in`] takes any store.
pub fn audit_campaign(
    c: &crate::Campaign,
    json: &serde_json::Value,
    opts: &crate::CrawlOptions,
    terms: &PolicyTerms,
) -> Result<Vec<SiteAudit>, crate::CrawlError> {
    let mut store = wildwatch_store::SqliteStore::open(&opts.db)?;
    audit_campaign_in(&mut store, c, json, opts, terms)
}

/// [`audit_campaign`] on a store the caller opened (SQLite or PostgreSQL; `opts.db` is not used).
pub fn audit_campaign_in<S: Store + PolicyAudits + ?Sized>(
    store: &mut S,
    c: &crate::Campaign,
    json: &serde_json::Value,
    opts: &crate::CrawlOptions,
    terms: &PolicyTerms,
) -> Result<Vec<SiteAudit>, crate::CrawlError> {
    let cid = store.campaign(&c.name, json)?;
    std::fs::create_dir_all(&opts.evidence)?;
    let warc = wildwatch_warc::WarcWriter::open(
        &opts.evidence,
        &format!("{}-policy", crate::safe_prefix(&c.name)),
        c.warc_max_bytes,
    )?;
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let mut a = Auditor {
        store,
        warc,
        cid,
        fetcher: crate::fetcher_for(c, opts)?,
        rt,
        terms,
    };
    let mut out = Vec::new();
    for p in &c.platforms {
        let site = a.site(p, opts)?;
        a.store.save_policy_audit(
            cid,
            &site.home,
            Some(&site.platform),
            site.verdict.as_str(),
            &serde_json::to_value(&site).unwrap_or_default(),
        )?;
        out.push(site);
    }
    a.warc.flush()?;
    Ok(out)
}

/// One campaign's audit under way: where pages are archived and recorded.
struct Auditor<'a, S: ?Sized> {
    store: &'a mut S,
    warc: wildwatch_warc::WarcWriter,
    cid: i64,
    fetcher: crate::fetch::Fetcher,
    rt: tokio::runtime::Runtime,
    terms: &'a PolicyTerms,
}

impl<S: Store + ?Sized> Auditor<'_, S> {
    /// Archives a fetched page and records it in the store; its body's SHA-256.
    fn keep(
        &mut self,
        f: &crate::Fetched,
        kind: &str,
    ) -> Result<Option<String>, crate::CrawlError> {
        let Some(page) = crate::archive(&mut self.warc, f, kind) else {
            return Ok(None);
        };
        let sha = page.body_sha256.clone();
        self.store.commit_fetch(&FetchCommit {
            campaign: self.cid,
            url: f.url.clone(),
            state: FetchState::Done,
            page: Some(page),
            ad: None,
            discovered: Vec::new(),
        })?;
        Ok(sha)
    }

    /// Audits one platform's site: its home page, then the policy pages it links.
    fn site(
        &mut self,
        p: &crate::PlatformConfig,
        opts: &crate::CrawlOptions,
    ) -> Result<SiteAudit, crate::CrawlError> {
        let adapter = crate::adapter::Adapter::load(&p.adapter, &opts.adapter_dirs)?;
        let base = p
            .base_url
            .clone()
            .unwrap_or_else(|| adapter.base_url.clone());
        let home = Url::parse(&base)
            .and_then(|u| u.join("/"))
            .map(|u| u.to_string())
            .map_err(|_| {
                crate::CrawlError::Config(format!(
                    "platform `{}`: base URL `{base}` is not a URL",
                    p.adapter
                ))
            })?;
        let mut site = SiteAudit {
            platform: adapter.name.clone(),
            home: home.clone(),
            verdict: Verdict::None,
            summary: String::new(),
            links: Vec::new(),
            pages: Vec::new(),
            error: None,
        };
        let (r, robots) = self.rt.block_on(self.fetcher.fetch(&home));
        if let Some(rb) = robots {
            self.keep(&rb, "robots")?;
        }
        match r {
            Err(e) => site.error = Some(e.to_string()),
            Ok(f) if f.status >= 400 => {
                self.keep(&f, "policy")?;
                site.error = Some(format!("HTTP {}", f.status));
            }
            Ok(f) => {
                self.keep(&f, "policy")?;
                site.links = policy_links(&f.text, &f.final_url, self.terms);
                for link in site.links.iter().take(MAX_PAGES) {
                    site.pages.push(self.page(link)?);
                }
            }
        }
        site.conclude();
        Ok(site)
    }

    /// Fetches, archives and reads one policy page.
    fn page(&mut self, link: &PolicyLink) -> Result<PageAnalysis, crate::CrawlError> {
        let f = match self.rt.block_on(self.fetcher.fetch(&link.url)).0 {
            Ok(f) => f,
            Err(e) => {
                return Ok(PageAnalysis {
                    url: link.url.clone(),
                    link_text: link.text.clone(),
                    status: 0,
                    title: String::new(),
                    lang: String::new(),
                    topics: Vec::new(),
                    findings: Vec::new(),
                    sha256: None,
                    error: Some(e.to_string()),
                })
            }
        };
        let sha = self.keep(&f, "policy")?;
        let mut a = if f.status >= 400 {
            PageAnalysis {
                error: Some(format!("HTTP {}", f.status)),
                ..analyse_page(link, f.status, "", self.terms)
            }
        } else {
            analyse_page(link, f.status, &f.text, self.terms)
        };
        a.sha256 = sha;
        Ok(a)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shipped_terms_parse_and_bad_files_are_refused_with_the_row() {
        let _ = PolicyTerms::shipped();
        let e = PolicyTerms::parse("lang,phrase\nfr\n", "topic,lang,term\n")
            .err()
            .unwrap();
        assert!(e.contains("links.csv"), "{e}");
        let e = PolicyTerms::parse("lang,phrase\n", "topic,lang,term\nlaw,fr,\n")
            .err()
            .unwrap();
        assert!(e.contains("row 2") && e.contains("empty"), "{e}");
    }

    #[test]
    fn policy_links_in_four_languages_same_site_only() {
        let t = PolicyTerms::shipped();
        let html = r#"<footer><a href="/dc/regles-de-diffusion">Règles de diffusion</a>
            <a href="/nutzungsbedingungen">Nutzungsbedingungen</a>
            <a href="/x">Verboden artikelen</a> <a href="./rules.php">Board rules</a>
            <a href="https://elsewhere.example/terms">Terms</a> <a href="/ad/1.htm">Perroquet</a>
            <a href="/dc/regles-de-diffusion#top">again</a></footer>"#;
        let links = policy_links(html, "http://127.0.0.1:9/", &t);
        let urls: Vec<&str> = links.iter().map(|l| l.url.as_str()).collect();
        assert_eq!(urls.len(), 4, "{links:?}");
        assert!(urls.contains(&"http://127.0.0.1:9/rules.php"));
        assert!(!urls
            .iter()
            .any(|u| u.contains("elsewhere") || u.contains("/ad/")));
        assert_eq!(links[0].matched, "regles de diffusion");
    }

    #[test]
    fn clear_vague_and_silent_pages() {
        let t = PolicyTerms::shipped();
        let link = PolicyLink {
            url: "http://x/".into(),
            text: "r".into(),
            matched: "r".into(),
        };
        let clear = analyse_page(&link, 200, "<main><p>Espèces protégées : il est interdit de vendre des spécimens inscrits à la CITES.</p><p>Toute annonce d’objets en ivoire est refusée.</p></main>", &t);
        assert_eq!(clear.lang, "fr");
        assert!(
            clear.topics.contains(&"law".to_string())
                && clear.topics.contains(&"ivory".to_string()),
            "{clear:?}"
        );
        let ivory = clear.findings.iter().find(|f| f.topic == "ivory").unwrap();
        assert_eq!(
            ivory.passage,
            "Toute annonce d’objets en ivoire est refusée."
        );
        assert_eq!(verdict(std::slice::from_ref(&clear)), Verdict::Clear);

        let vague = analyse_page(&link, 200, "<main><p>Tiere dürfen nur in der Kategorie Haustiere angeboten werden; die Bestimmungen des Tierschutzgesetzes sind einzuhalten.</p></main>", &t);
        assert_eq!(vague.lang, "de");
        assert_eq!(verdict(std::slice::from_ref(&vague)), Verdict::Vague);

        let silent = analyse_page(&link, 200, "<main><p>Betaal nooit vooruit aan onbekenden en spreek af op een openbare plek.</p></main>", &t);
        assert!(silent.topics.is_empty());
        assert_eq!(verdict(&[silent]), Verdict::None);
        assert_eq!(verdict(&[]), Verdict::None);
    }
}
