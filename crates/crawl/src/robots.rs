//! robots.txt across restarts: a campaign's hosts' answers are read back from the evidence and
//! reused for [`ROBOTS_TTL`], so a resumed crawl does not fetch them again.

use std::path::Path;

use wildwatch_store::Store;

use crate::fetch::{Fetcher, ROBOTS_TTL};

/// Gives the fetcher the robots.txt answers this campaign's hosts gave within [`ROBOTS_TTL`], read
/// back from the evidence, so that a resumed crawl does not fetch them again. An answer that
/// cannot be read back is simply fetched again.
pub(crate) fn reuse<'a>(
    fetcher: &Fetcher,
    store: &dyn Store,
    bases: impl Iterator<Item = &'a str>,
    evidence: &Path,
) {
    let fresh_since = wildwatch_store::now() - ROBOTS_TTL.as_secs() as i64;
    for base in bases {
        let Ok(base) = url::Url::parse(base) else {
            continue;
        };
        let Ok(robots_url) = base.join("/robots.txt") else {
            continue;
        };
        let Ok(pages) = store.pages_for(robots_url.as_str()) else {
            continue;
        };
        let latest = pages
            .iter()
            .filter(|pg| pg.kind == "robots" && pg.fetched_at >= fresh_since)
            .max_by_key(|pg| pg.fetched_at);
        let record = latest.and_then(|pg| {
            let (file, offset) = (pg.warc_file.as_deref()?, pg.warc_offset?);
            wildwatch_warc::read_record(evidence, file, offset).ok()
        });
        if let Some(r) = record {
            if let Some(status) = r.http_status() {
                fetcher.reuse_robots(robots_url.as_str(), status, r.payload());
            }
        }
    }
}
