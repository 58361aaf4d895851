//! What a fetched page is: the one decision the crawl takes for every page it fetched, and that
//! `import` takes again for the pages of the crawl's WARC files, so that an import stores exactly
//! the ads the crawl stored.

use wildwatch_store::UrlKind;

use crate::extract::PageClass;

/// What a fetched page is, from what it was fetched as (a search page, an ad, a photo), its HTTP
/// status, whether its body was cut at the size cap, and its [`PageClass`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum PageVerdict {
    /// HTTP 5xx or 429: tried again later; nothing is stored.
    Retry,
    /// A photo of an ad: hashed, never an ad.
    Photo,
    /// An anti-bot challenge or a login wall (the phrase that gave it away).
    Blocked(String),
    /// An ad that is no longer there: HTTP 404 or 410, or a "no longer available" page.
    Gone,
    /// Any other HTTP error, or a body cut at the size cap: kept as a failed page, no ad.
    Failed,
    /// A search page: its links are followed, it is not an ad.
    Search,
    /// An ad page: the ad is extracted, detected and stored.
    Ad,
}

impl PageVerdict {
    /// The verdicts that need no more than the status: `Retry` and `Photo` (`None` otherwise).
    pub fn from_status(kind: UrlKind, status: u16) -> Option<PageVerdict> {
        if status >= 500 || status == 429 {
            Some(PageVerdict::Retry)
        } else if kind == UrlKind::Photo {
            Some(PageVerdict::Photo)
        } else {
            None
        }
    }

    /// The verdict on a page fetched as `kind`. Blocked pages come first (whatever the status),
    /// then ads that are gone, then errors and cut bodies.
    pub fn of(kind: UrlKind, status: u16, truncated: bool, class: &PageClass) -> PageVerdict {
        if let Some(v) = PageVerdict::from_status(kind, status) {
            return v;
        }
        match class {
            PageClass::Blocked(phrase) => PageVerdict::Blocked(phrase.clone()),
            _ if kind == UrlKind::Ad
                && (*class == PageClass::Gone || matches!(status, 404 | 410)) =>
            {
                PageVerdict::Gone
            }
            _ if status >= 400 || truncated => PageVerdict::Failed,
            _ if kind == UrlKind::Search => PageVerdict::Search,
            _ => PageVerdict::Ad,
        }
    }
}

/// The `fetched_as` value the crawl writes in a page's WARC `metadata` record.
pub fn kind_name(kind: UrlKind) -> &'static str {
    match kind {
        UrlKind::Search => "search",
        UrlKind::Ad => "ad",
        UrlKind::Photo => "photo",
    }
}

/// The kind a `fetched_as` value names.
pub fn kind_from_name(name: &str) -> Option<UrlKind> {
    match name {
        "search" => Some(UrlKind::Search),
        "ad" => Some(UrlKind::Ad),
        "photo" => Some(UrlKind::Photo),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_crawls_order_of_decisions() {
        let normal = PageClass::Normal;
        let blocked = PageClass::Blocked("captcha".into());
        let v = |k, s, t, c: &PageClass| PageVerdict::of(k, s, t, c);
        assert_eq!(v(UrlKind::Ad, 503, false, &blocked), PageVerdict::Retry);
        assert_eq!(v(UrlKind::Photo, 200, true, &normal), PageVerdict::Photo);
        assert_eq!(
            v(UrlKind::Ad, 403, false, &blocked),
            PageVerdict::Blocked("captcha".into())
        );
        assert_eq!(v(UrlKind::Ad, 410, true, &normal), PageVerdict::Gone);
        assert_eq!(
            v(UrlKind::Ad, 200, false, &PageClass::Gone),
            PageVerdict::Gone
        );
        assert_eq!(v(UrlKind::Search, 404, false, &normal), PageVerdict::Failed);
        assert_eq!(v(UrlKind::Ad, 200, true, &normal), PageVerdict::Failed);
        assert_eq!(
            v(UrlKind::Search, 200, false, &PageClass::Gone),
            PageVerdict::Search
        );
        assert_eq!(v(UrlKind::Ad, 200, false, &normal), PageVerdict::Ad);
        for k in [UrlKind::Search, UrlKind::Ad, UrlKind::Photo] {
            assert_eq!(kind_from_name(kind_name(k)), Some(k));
        }
    }
}
