//! Why a platform gave nothing: what each platform answered during a crawl (search pages with and
//! without ad links, ad pages that matched the adapter or not, challenges and walls, gone ads),
//! and the sentences the crawl summary and the dashboard show instead of a silent zero.

use std::collections::BTreeMap;

use serde::Serialize;
use wildwatch_store::app::PlatformPages;
use wildwatch_store::UrlKind;

/// The page kind stored for a search page that showed no ad links.
pub const SEARCH_WITHOUT_LINKS: &str = "search-no-links";
/// The page kind stored for an ad page whose structure did not match its adapter.
pub const AD_NOT_MATCHED: &str = "ad-unmatched";

/// What one platform answered.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct PlatformHealth {
    /// Search pages read.
    pub search_pages: u64,
    /// Search pages without any ad link.
    pub search_without_links: u64,
    /// Ad pages read.
    pub ad_pages: u64,
    /// Ad pages that did not match the adapter's fields (see `ReadAd::matched`).
    pub ad_pages_unmatched: u64,
    /// Search pages answered with a bot challenge or login wall.
    pub blocked_search: u64,
    /// Ad pages answered with a bot challenge or login wall.
    pub blocked_ads: u64,
    /// The phrases that gave the challenges away, with their counts.
    pub blocked_by: BTreeMap<String, u64>,
    /// Ads that were gone.
    pub gone: u64,
    /// When ad pages stopped matching the adapter (Unix seconds): the first unmatched page, when
    /// no ad page matched after it (a platform that matched again has no such date).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub unmatched_since: Option<i64>,
}

/// The health of each platform from the pages the store kept (see
/// `SqliteStore::platform_pages`).
pub fn from_pages(rows: &[PlatformPages]) -> BTreeMap<String, PlatformHealth> {
    let mut out: BTreeMap<String, PlatformHealth> = BTreeMap::new();
    let mut last_matched: BTreeMap<&str, i64> = BTreeMap::new();
    let mut first_unmatched: BTreeMap<&str, i64> = BTreeMap::new();
    for r in rows {
        let h = out.entry(r.platform.clone()).or_default();
        let n = r.pages.max(0) as u64;
        let search = r.fetched_as == "search";
        match r.kind.as_str() {
            "search" => h.search_pages += n,
            SEARCH_WITHOUT_LINKS => {
                h.search_pages += n;
                h.search_without_links += n;
            }
            "ad" => {
                h.ad_pages += n;
                last_matched.insert(&r.platform, r.last);
            }
            AD_NOT_MATCHED => {
                h.ad_pages += n;
                h.ad_pages_unmatched += n;
                first_unmatched.insert(&r.platform, r.first);
            }
            "blocked" if search => h.blocked_search += n,
            "blocked" => h.blocked_ads += n,
            "gone" => h.gone += n,
            _ => {}
        }
    }
    for (platform, first) in first_unmatched {
        let matched_later = last_matched.get(platform).is_some_and(|l| *l >= first);
        if !matched_later {
            if let Some(h) = out.get_mut(platform) {
                h.unmatched_since = Some(first);
            }
        }
    }
    out
}

impl PlatformHealth {
    /// A page fetched as `kind` was a challenge or a wall, given away by `phrase`.
    pub fn blocked(&mut self, kind: UrlKind, phrase: &str) {
        match kind {
            UrlKind::Search => self.blocked_search += 1,
            UrlKind::Ad | UrlKind::Photo => self.blocked_ads += 1,
        }
        *self.blocked_by.entry(phrase.to_string()).or_default() += 1;
    }

    /// A search page was read; `with_links` when it showed ad links.
    pub fn search_page(&mut self, with_links: bool) {
        self.search_pages += 1;
        if !with_links {
            self.search_without_links += 1;
        }
    }

    /// An ad page was read; `matched` when it had the adapter's structure.
    pub fn ad_page(&mut self, matched: bool) {
        self.ad_pages += 1;
        if !matched {
            self.ad_pages_unmatched += 1;
        }
    }

    /// What went wrong on this platform, one sentence each (none when all is well).
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        let searches = self.search_pages + self.blocked_search;
        if self.blocked_search > 0 {
            w.push(format!(
                "{} of {searches} search pages were bot challenges or login walls ({})",
                self.blocked_search,
                self.phrases()
            ));
        }
        let ads = self.ad_pages + self.blocked_ads;
        if self.blocked_ads > 0 {
            w.push(format!(
                "{} of {ads} ad pages were bot challenges or login walls ({})",
                self.blocked_ads,
                self.phrases()
            ));
        }
        if self.search_pages > 0 && self.search_without_links == self.search_pages {
            w.push(format!(
                "{n} of {n} search pages showed no ad links (no results for the keywords, or the \
                 adapter's result_links/ad_url_pattern no longer match the site)",
                n = self.search_pages
            ));
        }
        if self.ad_pages_unmatched > 0 {
            let since = self
                .unmatched_since
                .map(|t| format!(", none since {}", day(t)))
                .unwrap_or_default();
            let how_many = if self.ad_pages_unmatched == self.ad_pages {
                "none matched".to_string()
            } else {
                format!("{} did not match", self.ad_pages_unmatched)
            };
            w.push(format!(
                "{} ad pages, {how_many} the adapter's fields (read from page text only){since}",
                self.ad_pages
            ));
        }
        w
    }

    fn phrases(&self) -> String {
        if self.blocked_by.is_empty() {
            return "see the pages' errors".into();
        }
        self.blocked_by
            .iter()
            .map(|(p, n)| format!("\"{p}\" ×{n}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
}

/// `2026-12-09` for a Unix time (UTC); the bare number outside the years ±9999.
fn day(unix: i64) -> String {
    match time::UtcDateTime::from_unix_timestamp(unix) {
        Ok(t) => format!("{:04}-{:02}-{:02}", t.year(), u8::from(t.month()), t.day()),
        Err(_) => unix.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_pages_say_since_when_an_adapter_stopped_matching() {
        let row = |kind: &str, as_: &str, n, first, last| PlatformPages {
            platform: "marktplaats".into(),
            fetched_as: as_.into(),
            kind: kind.into(),
            pages: n,
            first,
            last,
        };
        let dec9 = 1_796_774_400; // 2026-12-09
        let h = from_pages(&[
            row("ad", "ad", 30, dec9 - 86_400 * 5, dec9 - 60),
            row(AD_NOT_MATCHED, "ad", 120, dec9, dec9 + 3600),
            row("blocked", "search", 4, dec9, dec9),
            row("search", "search", 6, dec9, dec9),
        ]);
        let m = &h["marktplaats"];
        assert_eq!(
            (m.ad_pages, m.ad_pages_unmatched, m.blocked_search),
            (150, 120, 4)
        );
        assert_eq!(m.unmatched_since, Some(dec9));
        let w = m.warnings();
        assert!(
            w.iter().any(|w| w
                == "150 ad pages, 120 did not match the adapter's fields (read from page text only), none since 2026-12-09"),
            "{w:?}"
        );
        assert!(
            w.iter().any(|w| w.starts_with("4 of 10 search pages")),
            "{w:?}"
        );
        assert_eq!(day(0), "1970-01-01");
    }

    #[test]
    fn a_healthy_platform_has_nothing_to_say() {
        let mut h = PlatformHealth::default();
        h.search_page(true);
        h.search_page(false);
        h.ad_page(true);
        assert!(h.warnings().is_empty(), "{:?}", h.warnings());
    }

    #[test]
    fn challenges_and_unmatched_pages_are_said() {
        let mut h = PlatformHealth::default();
        for _ in 0..40 {
            h.blocked(UrlKind::Search, "captcha-delivery.com");
        }
        assert_eq!(
            h.warnings(),
            ["40 of 40 search pages were bot challenges or login walls (\"captcha-delivery.com\" ×40)"]
        );
        let mut h = PlatformHealth::default();
        h.search_page(true);
        for _ in 0..120 {
            h.ad_page(false);
        }
        assert_eq!(
            h.warnings(),
            ["120 ad pages, none matched the adapter's fields (read from page text only)"]
        );
        let mut h = PlatformHealth::default();
        h.search_page(false);
        h.search_page(false);
        assert!(h.warnings()[0].starts_with("2 of 2 search pages showed no ad links"));
    }
}
