//! The work on one fetched page that does not need the store: WARC encoding and appending, the
//! CPU-heavy preparation (page class, links, extraction, detection, photo hash) done on the
//! preparing threads; the steps of `process` that decide from the page alone (a failed fetch, a
//! page not to read further, the URLs a search page or an ad adds to the frontier); and the batch
//! of commits the main loop sends to the store together.

use super::*;

/// A fetched photo's hash (decoded within limits).
pub(crate) fn photo_hash(f: &Fetched) -> Result<photo::PhotoHash, String> {
    let encoding = header_value(&f.response_head, "content-encoding").unwrap_or_default();
    let (body, _) = fetch::decompress(&f.raw_body, &encoding.to_ascii_lowercase(), 64 << 20);
    photo::phash(&body)
}

/// The CPU-heavy part of handling a fetch, done on a preparing thread while the main loop
/// appends to the WARC files and commits: the WARC encoding, the page class, the search links,
/// the ad's extraction and detection, the photo hash. What is absent, [`process`] computes itself.
#[derive(Default)]
pub struct Prepared {
    pub(crate) archived: Option<Archived>,
    pub(crate) class: Option<PageClass>,
    pub(crate) links: Option<extract::SearchLinks>,
    /// The ad, its detection, and whether the page matched the adapter ([`extract::ReadAd::matched`]).
    pub(crate) ad: Option<(AdContent, DetectionRecord, bool)>,
    pub(crate) phash: Option<Result<photo::PhotoHash, String>>,
}

/// Prepares what [`process`] will need for this fetch (the same decisions, without the store).
pub(crate) fn prepare(
    item: &FrontierItem,
    result: &Result<Fetched, FetchError>,
    plats: &[Plat],
    det: &Detector,
    warcinfo_id: Option<&str>,
) -> Prepared {
    let mut p = Prepared::default();
    let Ok(f) = result else {
        return p;
    };
    if f.status >= 500 || f.status == 429 {
        return p;
    }
    p.archived = Some(encode_archive_as(f, warcinfo_id, Some(item)));
    if item.kind == UrlKind::Photo {
        if f.status < 400 && !f.truncated {
            p.phash = Some(photo_hash(f));
        }
        return p;
    }
    let class = extract::classify(&f.text);
    let normal = class == PageClass::Normal;
    p.class = Some(class);
    if !normal || f.status >= 400 || f.truncated {
        return p;
    }
    let Some(plat) = plats.iter().find(|p| p.adapter.name == item.platform) else {
        return p;
    };
    match item.kind {
        UrlKind::Search => {
            p.links = Some(extract::search_links(&f.text, &f.final_url, &plat.adapter));
        }
        UrlKind::Ad | UrlKind::Photo => {
            let read = extract::read_ad(&f.text, &item.url, &plat.adapter);
            let matched = read.matched();
            let d = detect(det, &read.ad);
            p.ad = Some((read.ad, d, matched));
        }
    }
    p
}

/// The URLs a search page adds to the frontier: its ad links, then (when it showed ads and the
/// search may go on) the next page and the numbered page links; and whether it showed ads.
pub(crate) fn discovered_from_search(
    plat: &Plat,
    item: &FrontierItem,
    links: extract::SearchLinks,
) -> (Vec<FrontierItem>, bool) {
    let mut discovered: Vec<FrontierItem> = links
        .ads
        .into_iter()
        .map(|url| FrontierItem {
            url,
            kind: UrlKind::Ad,
            platform: plat.adapter.name.clone(),
            keyword: item.keyword.clone(),
            page: 0,
            attempts: 0,
        })
        .collect();
    let has_results = !discovered.is_empty();
    if has_results && item.page < plat.max_pages {
        // Without a next link, the next page is guessed from the search template, unless
        // the page shows numbered page links: then it is the last page.
        let next_url = match links.next {
            Some(n) => Some(n),
            None if links.pages.is_empty() => Some(plat.adapter.search_url(
                &plat.base,
                item.keyword.as_deref().unwrap_or(""),
                item.page + 1,
            )),
            None => None,
        };
        // Numbered page links (up to max_pages; page 1 is where the search began) join
        // the frontier with the next page, so a long listing is walked several pages per
        // step and its last pages are not left to the end of the crawl.
        let numbered: Vec<(u32, String)> = links
            .pages
            .into_iter()
            .filter(|(n, u)| {
                *n > 1 && *n <= plat.max_pages && *n != item.page && Some(u) != next_url.as_ref()
            })
            .collect();
        let next = next_url.map(|u| (item.page + 1, u));
        for (n, url) in next.into_iter().chain(numbered) {
            discovered.push(FrontierItem {
                url,
                kind: UrlKind::Search,
                platform: plat.adapter.name.clone(),
                keyword: item.keyword.clone(),
                page: n,
                attempts: 0,
            });
        }
    }
    (discovered, has_results)
}

/// The ad's photos, as frontier items (known URLs are not fetched twice).
pub(crate) fn photo_items(plat: &Plat, ad: &AdContent, photos_per_ad: usize) -> Vec<FrontierItem> {
    ad.images
        .iter()
        .take(photos_per_ad)
        .map(|url| FrontierItem {
            url: url.clone(),
            kind: UrlKind::Photo,
            platform: plat.adapter.name.clone(),
            keyword: None,
            page: 0,
            attempts: 0,
        })
        .collect()
}

/// What a failed fetch leaves: a commit (robots.txt said no; an error that is not retried) and
/// what it adds to the report.
pub(crate) struct FailedFetch {
    pub(crate) commit: Option<(FetchState, Option<PageRecord>)>,
    pub(crate) robots: bool,
    pub(crate) error: bool,
}

/// A fetch that failed: disallowed by robots.txt, tried again later (`attempt_failed`, which
/// says whether the attempts are used up), or kept as an error page.
pub(crate) fn fetch_failed(
    item: &FrontierItem,
    e: FetchError,
    attempt_failed: impl FnOnce(&str) -> Result<bool, wildwatch_store::StoreError>,
) -> Result<FailedFetch, CrawlError> {
    Ok(match e {
        FetchError::Robots => FailedFetch {
            commit: Some((FetchState::Robots, None)),
            robots: true,
            error: false,
        },
        e if e.retryable() => FailedFetch {
            commit: None,
            robots: false,
            error: attempt_failed(&e.to_string())?,
        },
        e => FailedFetch {
            commit: Some((
                FetchState::Failed,
                Some(PageRecord {
                    url: item.url.clone(),
                    final_url: item.url.clone(),
                    kind: "error".into(),
                    fetched_at: wildwatch_store::now(),
                    error: Some(e.to_string()),
                    ..Default::default()
                }),
            )),
            robots: false,
            error: true,
        },
    })
}

/// A page the crawl reads no further — a challenge or wall, an ad that is gone, an HTTP error
/// or a cut body — counted in the report, with the state to commit; `None` for a search or ad
/// page to read.
pub(crate) fn unreadable(
    verdict: PageVerdict,
    page: &mut PageRecord,
    platform: &str,
    kind: UrlKind,
    rep: &mut CrawlReport,
) -> Option<FetchState> {
    match verdict {
        PageVerdict::Blocked(phrase) => {
            rep.blocked += 1;
            rep.platform(platform).blocked(kind, &phrase);
            page.error = Some(format!("bot challenge or login wall (\"{phrase}\")"));
            Some(FetchState::Blocked)
        }
        PageVerdict::Gone => {
            rep.gone += 1;
            rep.platform(platform).gone += 1;
            Some(FetchState::Gone)
        }
        PageVerdict::Search | PageVerdict::Ad => None,
        // Retry and Photo were dealt with before the page was read.
        PageVerdict::Failed | PageVerdict::Retry | PageVerdict::Photo => {
            rep.errors += 1;
            // Not counted as a search or ad page anywhere (an HTTP error or a cut body).
            page.kind = "failed".into();
            Some(FetchState::Failed)
        }
    }
}

/// A header's value from a raw response head.
pub(crate) fn header_value(head: &[u8], name: &str) -> Option<String> {
    String::from_utf8_lossy(head).lines().skip(1).find_map(|l| {
        let (k, v) = l.split_once(':')?;
        k.trim()
            .eq_ignore_ascii_case(name)
            .then(|| v.trim().to_string())
    })
}

/// An exchange encoded for the WARC files (on a preparing thread), with what the page record
/// needs from it.
pub struct Archived {
    meta: serde_json::Value,
    date: SystemTime,
    encoded: Option<std::io::Result<wildwatch_warc::Encoded>>,
}

fn exchange<'a>(f: &'a Fetched, meta: &serde_json::Value, date: SystemTime) -> Exchange<'a> {
    Exchange {
        url: &f.url,
        ip: None,
        request_head: &f.request_head,
        response_head: &f.response_head,
        body: &f.raw_body,
        date,
        metadata: meta.clone(),
    }
}

/// Encodes the exchange for the file whose warcinfo record is `warcinfo_id` (the costly part of
/// archiving: digests and compression), so that [`archive_encoded`] only appends.
pub fn encode_archive(f: &Fetched, warcinfo_id: Option<&str>) -> Archived {
    encode_archive_as(f, warcinfo_id, None)
}

/// [`encode_archive`] for a page of the frontier: its `metadata` record also names the platform
/// whose adapter reads it and what it was fetched as (`fetched_as`: search, ad or photo), so that
/// an import of the WARC files classifies it as the crawl did.
pub(crate) fn encode_archive_as(
    f: &Fetched,
    warcinfo_id: Option<&str>,
    item: Option<&FrontierItem>,
) -> Archived {
    let mut meta = serde_json::json!({
        "fetch_ms": f.elapsed.as_millis() as u64,
        "final_url": f.final_url,
        "truncated": f.truncated,
        "charset": f.charset,
        "software": format!("wildwatch/{}", env!("CARGO_PKG_VERSION")),
    });
    if let Some(c) = &f.rendered {
        meta["captured_by"] = "browser".into();
        meta["head"] = "rebuilt from the DevTools protocol; body as decoded by the browser".into();
        meta["resources"] = c.resources.len().into();
        meta["blocked"] = serde_json::json!(c
            .blocked
            .iter()
            .map(|(u, why)| serde_json::json!({"url": u, "why": why}))
            .collect::<Vec<_>>());
        meta["consent_clicked"] = c.consent_clicked.into();
        meta["ready"] = c.ready.into();
        meta["screenshot"] = c.screenshot.is_some().into();
    }
    if let Some(item) = item {
        meta["platform"] = item.platform.clone().into();
        meta["fetched_as"] = crate::verdict::kind_name(item.kind).into();
    }
    let date = SystemTime::now();
    let encoded =
        warcinfo_id.map(|id| wildwatch_warc::encode_exchange(&exchange(f, &meta, date), id));
    Archived {
        meta,
        date,
        encoded,
    }
}

/// Writes the exchange to the WARC files and returns the page record pointing at it.
pub fn archive(warc: &mut WarcWriter, f: &Fetched, kind: &str) -> Option<PageRecord> {
    let id = warc.warcinfo_id().ok();
    let a = encode_archive(f, id.as_deref());
    archive_encoded(warc, f, kind, a)
}

/// Appends an exchange [`encode_archive`] prepared and returns the page record pointing at it.
pub fn archive_encoded(
    warc: &mut WarcWriter,
    f: &Fetched,
    kind: &str,
    a: Archived,
) -> Option<PageRecord> {
    let ex = exchange(f, &a.meta, a.date);
    let stored = match a.encoded {
        Some(Ok(enc)) => warc.write_encoded(&ex, enc).ok(),
        Some(Err(_)) => None,
        None => warc.write_exchange(&ex).ok(),
    };
    let rendered_ok = match (&f.rendered, &stored) {
        (Some(c), Some(s)) => archive_rendered(warc, c, &s.record_id).is_ok(),
        _ => true,
    };
    Some(PageRecord {
        url: f.url.clone(),
        final_url: f.final_url.clone(),
        status: f.status,
        kind: kind.into(),
        content_type: f.content_type.clone(),
        charset: Some(f.charset.clone()),
        body_sha256: stored.as_ref().map(|s| s.payload_sha256.clone()),
        warc_file: stored.as_ref().map(|s| s.file.clone()),
        warc_offset: stored.as_ref().map(|s| s.offset),
        warc_length: stored.as_ref().map(|s| s.length),
        fetched_at: wildwatch_store::now(),
        error: if stored.is_none() {
            Some("could not write the WARC record".into())
        } else if !rendered_ok {
            Some("could not write the browser's records (resources, DOM, screenshot)".into())
        } else if f.truncated {
            Some("body larger than the size cap; cut".into())
        } else {
            None
        },
    })
}

/// Writes what the browser captured beside the page's own exchange: every other response it
/// received (request, response and metadata records naming the page), the rendered DOM and the
/// screenshot (`resource` records `urn:dom:URL` and `urn:screenshot:URL`, concurrent to the
/// page's response record `page_record`).
pub fn archive_rendered(
    warc: &mut WarcWriter,
    c: &crate::browser::Capture,
    page_record: &str,
) -> std::io::Result<()> {
    let date = SystemTime::now();
    for r in &c.resources {
        let meta = serde_json::json!({
            "page": c.url,
            "captured_by": "browser",
            "head": "rebuilt from the DevTools protocol; body as decoded by the browser",
            "headers_dropped": r.dropped_headers,
            "truncated": r.truncated,
            "software": format!("wildwatch/{}", env!("CARGO_PKG_VERSION")),
        });
        let ex = Exchange {
            url: &r.url,
            ip: None,
            request_head: &r.request_head,
            response_head: &r.response_head,
            body: &r.body,
            date,
            metadata: meta,
        };
        // A response whose URL or head cannot be stored (a data: URL, a malformed head) is
        // left out; the page's own records are already written.
        let _ = warc.write_exchange(&ex);
    }
    warc.write_resource(&wildwatch_warc::Resource {
        uri: &format!("urn:dom:{}", c.url),
        content_type: "text/html; charset=utf-8",
        body: c.dom.as_bytes(),
        date,
        concurrent_to: Some(page_record),
    })?;
    if let Some(png) = &c.screenshot {
        warc.write_resource(&wildwatch_warc::Resource {
            uri: &format!("urn:screenshot:{}", c.url),
            content_type: "image/png",
            body: png,
            date,
            concurrent_to: Some(page_record),
        })?;
    }
    Ok(())
}

/// Fetch commits waiting to go to the store together: one transaction for many pages, not one
/// per page (flushed whenever no other page is ready, after 32, and before the frontier is read).
/// A crash before a flush loses nothing: the pages' frontier rows are still pending, so the next
/// run fetches them again.
#[derive(Default)]
pub(crate) struct Batch {
    pub(crate) commits: Vec<FetchCommit>,
    high: Vec<bool>,
}

impl Batch {
    pub(crate) const MAX: usize = 32;

    pub(crate) fn push(&mut self, c: FetchCommit, high: bool) {
        self.commits.push(c);
        self.high.push(high);
    }

    pub(crate) fn flush(
        &mut self,
        store: &mut dyn Store,
        rep: &mut CrawlReport,
    ) -> Result<(), CrawlError> {
        if self.commits.is_empty() {
            return Ok(());
        }
        let results = store.commit_fetches(&self.commits)?;
        for (r, high) in results.iter().zip(&self.high) {
            match r.ad {
                Some(AdOutcome::New) => rep.ads_new += 1,
                Some(AdOutcome::Changed) => rep.ads_changed += 1,
                Some(AdOutcome::Unchanged) => rep.ads_unchanged += 1,
                None => {}
            }
            if *high && matches!(r.ad, Some(AdOutcome::New | AdOutcome::Changed)) {
                rep.high_risk += 1;
            }
        }
        self.commits.clear();
        self.high.clear();
        Ok(())
    }
}
