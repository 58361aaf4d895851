//! The work on one fetched page that does not need the store: WARC encoding and appending, and the
//! CPU-heavy preparation (page class, links, extraction, detection, photo hash) done on the
//! preparing threads; and the batch of commits the main loop sends to the store together.

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
        } else if f.truncated {
            Some("body larger than the size cap; cut".into())
        } else {
            None
        },
    })
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
