//! `import`: ads from CSV, JSON lines and WARC files. Imports never guess: every row, line or
//! record that is not imported is reported (file, line or offset, why) and counted, the rest is
//! imported, and what is already stored is recognised.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::fs::File;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::{anyhow, Context, Result};
use clap::Args;
use wildwatch_crawl::adapter::Adapter;
use wildwatch_crawl::extract;
use wildwatch_crawl::verdict::{self, PageVerdict};
use wildwatch_detect::Detector;
use wildwatch_store::{AdContent, FetchCommit, FetchState, Store, UrlKind};
use wildwatch_warc::ResponseRecord;

use super::import_csv::{BadRow, CsvRows, Item};

/// Largest page body read from a WARC file (a larger one counts as cut at the size cap).
const MAX_PAGE: usize = 10_000_000;

#[derive(Args)]
pub struct ImportArgs {
    /// CSV, JSON lines (.jsonl/.json/.ndjson) or WARC (.warc, .warc.gz) file.
    ///
    /// CSV: a header row, then one ad per row. A row is a bad row, reported with the line it
    /// starts on and skipped, when it has another number of fields than the header, a quoted
    /// field is never closed, a closing quote is followed by more text, or a field that does not
    /// start with a quote holds one. Quoted fields may hold line breaks; when a bad row spans
    /// several lines, reading resumes at the line after the one it starts on, so a stray quote
    /// never merges rows or shifts columns.
    ///
    /// WARC: pages are read as the crawl reads them (the platform and page kind a wildwatch crawl
    /// wrote beside each page; else the site's adapter decides which URLs are ads): only ad pages
    /// become ads, never search pages, photos, blocked or gone pages, HTTP errors or pages cut at
    /// the size cap. An unreadable record (e.g. a Content-Length larger than the file) is
    /// reported and skipped, and reading resumes at the next record.
    ///
    /// Bytes that are not UTF-8 (or not valid in the page's charset) are replaced with U+FFFD;
    /// the summary counts the rows and pages that had some.
    #[arg(verbatim_doc_comment)]
    file: PathBuf,
    /// Campaign to file the ads under.
    #[arg(long, default_value = "import")]
    campaign: String,
    /// Platform name for rows that have none.
    #[arg(long, default_value = "import")]
    platform: String,
    /// Extra adapter folders (each holding NAME/adapter.toml) for the platforms a WARC file's
    /// pages name, searched before ~/.config/wildwatch/adapters and the shipped ones.
    #[arg(long)]
    adapters: Vec<PathBuf>,
}

/// Why a row, line or record is not imported.
enum Bad {
    /// A CSV row that is not certainly one row.
    Csv(BadRow),
    NotJson(serde_json::Error),
    NotObject,
    NoUrl,
    NoText,
    /// A WARC record that cannot be read (the error names file and offset).
    Record(std::io::Error),
    /// A WARC response whose body cannot be decoded.
    Body {
        at: String,
        url: String,
        err: std::io::Error,
    },
}

impl fmt::Display for Bad {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Bad::Csv(why) => write!(f, "{why}"),
            Bad::NotJson(e) => write!(f, "not valid JSON: {e}"),
            Bad::NotObject => f.write_str("not a JSON object"),
            Bad::NoUrl => f.write_str("no `url` or `id`"),
            Bad::NoText => f.write_str("no `title` or `description`"),
            Bad::Record(e) => write!(f, "{e}"),
            Bad::Body { at, url, err } => write!(f, "{at}: {url}: body unreadable: {err}"),
        }
    }
}

/// Why an archived page is not an ad.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum NotAd {
    Search,
    Photo,
    Blocked,
    Gone,
    Failed,
    Retry,
    Redirect,
    NotHtml,
    Empty,
}

impl NotAd {
    fn of(v: &PageVerdict) -> Option<NotAd> {
        Some(match v {
            PageVerdict::Ad => return None,
            PageVerdict::Search => NotAd::Search,
            PageVerdict::Photo => NotAd::Photo,
            PageVerdict::Blocked(_) => NotAd::Blocked,
            PageVerdict::Gone => NotAd::Gone,
            PageVerdict::Failed => NotAd::Failed,
            PageVerdict::Retry => NotAd::Retry,
        })
    }

    fn what(self) -> &'static str {
        match self {
            NotAd::Search => "search pages",
            NotAd::Photo => "photos",
            NotAd::Blocked => "blocked",
            NotAd::Gone => "gone",
            NotAd::Failed => "HTTP errors or cut at the size cap",
            NotAd::Retry => "server errors",
            NotAd::Redirect => "redirects",
            NotAd::NotHtml => "not HTML",
            NotAd::Empty => "without title or description",
        }
    }
}

/// An archived page, to be read as the crawl reads it.
struct Page {
    text: String,
    url: String,
    adapter: Arc<Adapter>,
    kind: UrlKind,
    status: u16,
    truncated: bool,
}

impl Page {
    /// The ad on the page, or why there is none.
    fn ad(self) -> std::result::Result<AdContent, NotAd> {
        let class = extract::classify(&self.text);
        if let Some(n) = NotAd::of(&PageVerdict::of(
            self.kind,
            self.status,
            self.truncated,
            &class,
        )) {
            return Err(n);
        }
        let ad = extract::extract_ad(&self.text, &self.url, &self.adapter);
        if ad.title.is_empty() && ad.description.is_empty() {
            return Err(NotAd::Empty);
        }
        Ok(ad)
    }
}

/// What `import` read and has still to detect and store: an ad (JSON lines, CSV) or an archived
/// page to extract an ad from (WARC).
enum ImportItem {
    Ad(Box<AdContent>),
    Page(Box<Page>),
}

impl ImportItem {
    fn commit(self, cid: i64, det: &Detector) -> std::result::Result<FetchCommit, NotAd> {
        let ad = match self {
            ImportItem::Ad(ad) => *ad,
            ImportItem::Page(p) => p.ad()?,
        };
        let d = wildwatch_crawl::detect(det, &ad);
        Ok(FetchCommit {
            campaign: cid,
            url: ad.url.clone(),
            state: FetchState::Done,
            page: None,
            ad: Some((ad, d)),
            discovered: vec![],
        })
    }
}

/// Ads read by `import`, waiting to be extracted and detected (on every core) and committed
/// together: one transaction per [`ImportBatch::MAX`] ads (or [`ImportBatch::MAX_BYTES`] of page
/// text, as archived pages may be 10 MB each) instead of one per ad. Dedup is unchanged: the ads
/// of a batch are committed in file order, each seeing the ones before it.
#[derive(Default)]
struct ImportBatch {
    items: Vec<ImportItem>,
    bytes: usize,
    good: u64,
    new: u64,
    not_ads: BTreeMap<NotAd, u64>,
}

impl ImportBatch {
    const MAX: usize = 256;
    const MAX_BYTES: usize = 64 << 20;

    fn push(
        &mut self,
        store: &mut dyn Store,
        cid: i64,
        det: &Detector,
        item: ImportItem,
    ) -> Result<()> {
        if let ImportItem::Page(p) = &item {
            self.bytes += p.text.len();
        }
        self.items.push(item);
        if self.items.len() >= Self::MAX || self.bytes >= Self::MAX_BYTES {
            self.flush(store, cid, det)?;
        }
        Ok(())
    }

    fn not_ad(&mut self, why: NotAd) {
        *self.not_ads.entry(why).or_default() += 1;
    }

    fn flush(&mut self, store: &mut dyn Store, cid: i64, det: &Detector) -> Result<()> {
        use rayon::prelude::*;
        self.bytes = 0;
        let done: Vec<_> = std::mem::take(&mut self.items)
            .into_par_iter()
            .map(|item| item.commit(cid, det))
            .collect();
        let mut commits = Vec::with_capacity(done.len());
        for d in done {
            match d {
                Ok(c) => commits.push(c),
                Err(why) => self.not_ad(why),
            }
        }
        for r in store.commit_fetches(&commits)? {
            self.good += 1;
            if r.ad == Some(wildwatch_store::AdOutcome::New) {
                self.new += 1;
            }
        }
        Ok(())
    }
}

fn field(v: &serde_json::Value, keys: &[&str]) -> Option<String> {
    keys.iter().find_map(|k| match v.get(*k) {
        Some(serde_json::Value::String(s)) if !s.trim().is_empty() => Some(s.trim().to_string()),
        Some(serde_json::Value::Number(n)) => Some(n.to_string()),
        _ => None,
    })
}

/// An ad from a JSON object or a CSV row (as JSON): url or id required, title or description.
fn ad_from_value(v: &serde_json::Value, platform: &str) -> std::result::Result<AdContent, Bad> {
    let platform = field(v, &["platform"]).unwrap_or_else(|| platform.to_string());
    let url = field(v, &["url", "link"])
        .or_else(|| field(v, &["id"]).map(|id| format!("import:{platform}/{id}")))
        .ok_or(Bad::NoUrl)?;
    let title = field(v, &["title", "name"]).unwrap_or_default();
    let description = field(v, &["description", "text", "body"]).unwrap_or_default();
    if title.is_empty() && description.is_empty() {
        return Err(Bad::NoText);
    }
    let seller = field(v, &["seller", "seller_name", "user"]);
    Ok(AdContent {
        platform,
        url,
        external_id: field(v, &["id"]),
        contacts: Vec::new(),
        price_text: field(v, &["price_text", "price"]),
        seller,
        seller_id: field(v, &["seller_id", "user_id"]),
        category: field(v, &["category"]),
        location: field(v, &["location", "city"]),
        posted: field(v, &["date", "posted"]),
        images: Vec::new(),
        lang: field(v, &["lang"]),
        country: field(v, &["country"]),
        title,
        description,
    })
}

/// The kinds of file `import` reads.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Format {
    Csv,
    JsonLines,
    Warc,
    /// A WACZ (zipped WARC files with hashes, as browser capture tools write).
    Wacz,
}

impl Format {
    fn of(file: &Path) -> Format {
        let name = file.to_string_lossy().to_lowercase();
        if name.ends_with(".warc") || name.ends_with(".warc.gz") {
            Format::Warc
        } else if name.ends_with(".wacz") {
            Format::Wacz
        } else if name.ends_with(".csv") {
            Format::Csv
        } else {
            Format::JsonLines
        }
    }
}

/// What was not imported, and the rows and pages whose invalid bytes were replaced.
#[derive(Default)]
struct Tally {
    bad: u64,
    replaced: u64,
}

/// One import under way.
struct Import<'a> {
    store: &'a mut dyn Store,
    cid: i64,
    det: &'a Detector,
    file: &'a Path,
    platform: &'a str,
    batch: ImportBatch,
    tally: Tally,
}

impl Import<'_> {
    fn bad_line(&mut self, line: u64, why: Bad) {
        self.tally.bad += 1;
        eprintln!("{}: line {line}: {why}", self.file.display());
    }

    /// A bad WARC record (the message names the file and offset).
    fn bad_record(&mut self, why: Bad) {
        self.tally.bad += 1;
        eprintln!("{why}");
    }

    fn push(&mut self, item: ImportItem) -> Result<()> {
        self.batch.push(&mut *self.store, self.cid, self.det, item)
    }

    /// An ad from the JSON object (or CSV row) on `line`, or a bad row.
    fn value(&mut self, line: u64, v: &serde_json::Value) -> Result<()> {
        match ad_from_value(v, self.platform) {
            Ok(ad) => self.push(ImportItem::Ad(Box::new(ad))),
            Err(why) => {
                self.bad_line(line, why);
                Ok(())
            }
        }
    }

    /// Text from bytes, invalid UTF-8 replaced (and counted).
    fn lossy<'b>(&mut self, bytes: &'b [u8]) -> std::borrow::Cow<'b, str> {
        let text = String::from_utf8_lossy(bytes);
        self.tally.replaced += u64::from(matches!(text, std::borrow::Cow::Owned(_)));
        text
    }

    fn summary(&self, format: Format) -> String {
        let (good, new) = (self.batch.good, self.batch.new);
        let mut s = format!(
            "imported {good} ads ({new} new, {} already stored) from {}",
            good - new,
            self.file.display()
        );
        if !matches!(format, Format::Warc | Format::Wacz) {
            s += &format!(
                "; {} bad rows; {} rows with bytes that are not UTF-8 (replaced with U+FFFD)",
                self.tally.bad, self.tally.replaced
            );
            return s;
        }
        let not_ads: u64 = self.batch.not_ads.values().sum();
        let parts: Vec<String> = self
            .batch
            .not_ads
            .iter()
            .map(|(why, n)| format!("{n} {}", why.what()))
            .collect();
        s += &format!("; {} unreadable records skipped", self.tally.bad);
        s += &format!("; {not_ads} pages not ads ({})", parts.join(", "));
        s += &format!(
            "; {} pages with invalid bytes (replaced with U+FFFD)",
            self.tally.replaced
        );
        s
    }
}

fn read_jsonl(imp: &mut Import) -> Result<()> {
    let f = File::open(imp.file).with_context(|| format!("cannot open {}", imp.file.display()))?;
    for (i, line) in BufReader::new(f).split(b'\n').enumerate() {
        let line = line.with_context(|| format!("cannot read {}", imp.file.display()))?;
        let n = i as u64 + 1;
        // A byte-order mark before the first line (Windows tools write one) is not JSON.
        let line = match line.strip_prefix(b"\xEF\xBB\xBF") {
            Some(rest) if n == 1 => rest.to_vec(),
            _ => line,
        };
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        let text = imp.lossy(&line).into_owned();
        match serde_json::from_str::<serde_json::Value>(&text) {
            Ok(v) if v.is_object() => imp.value(n, &v)?,
            Ok(_) => imp.bad_line(n, Bad::NotObject),
            Err(e) => imp.bad_line(n, Bad::NotJson(e)),
        }
    }
    Ok(())
}

fn read_csv(imp: &mut Import) -> Result<()> {
    let file = imp.file;
    let f = File::open(file).with_context(|| format!("cannot open {}", file.display()))?;
    let fail = |e| anyhow!("{}: {e}", file.display());
    let mut rows = CsvRows::new(BufReader::new(f)).map_err(fail)?;
    imp.tally.replaced += u64::from(rows.header_replaced());
    let header: Vec<String> = rows
        .header()
        .iter()
        .map(|h| h.trim().to_lowercase())
        .collect();
    while let Some(item) = rows.next_item().map_err(fail)? {
        match item {
            Item::Row(r) => {
                imp.tally.replaced += u64::from(r.replaced);
                let obj: serde_json::Map<String, serde_json::Value> = header
                    .iter()
                    .cloned()
                    .zip(r.fields.into_iter().map(serde_json::Value::String))
                    .collect();
                imp.value(r.line, &serde_json::Value::Object(obj))?;
            }
            Item::Bad {
                line,
                why,
                replaced,
            } => {
                imp.tally.replaced += u64::from(replaced);
                imp.bad_line(line, Bad::Csv(why));
            }
        }
    }
    Ok(())
}

/// A string the crawl wrote in a page's `metadata` record.
fn meta_str<'r>(rec: &'r ResponseRecord, key: &str) -> Option<&'r str> {
    rec.metadata.as_ref()?.get(key)?.as_str()
}

/// Whether the page's body was cut: by the crawl (its metadata record says so), by the WARC
/// writer (`WARC-Truncated`), or at this import's size cap.
fn was_cut(rec: &ResponseRecord) -> bool {
    let by_crawl = rec
        .metadata
        .as_ref()
        .and_then(|m| m.get("truncated")?.as_bool())
        .unwrap_or(false);
    by_crawl || rec.warc_truncated.is_some() || rec.body_truncated
}

/// The DOM the browser rendered of a page it captured (`urn:dom:URL`, written after the page's
/// records), when the page's metadata record says the browser captured it.
fn rendered_dom(warc: &Path, rec: &ResponseRecord) -> Option<String> {
    if meta_str(rec, "captured_by") != Some("browser") {
        return None;
    }
    let dir = warc.parent()?;
    let name = warc.file_name()?.to_str()?;
    let uri = format!("urn:dom:{}", rec.found.url);
    let (f, o) = wildwatch_warc::find_after(dir, name, rec.found.offset, &uri, 3010).ok()??;
    let r = wildwatch_warc::read_record(dir, &f, o).ok()?;
    r.digest_problems()
        .is_empty()
        .then(|| String::from_utf8_lossy(r.payload()).into_owned())
}

/// What the page was fetched as: the crawl's word for it (`fetched_as` in its metadata record);
/// else (another crawler's page) a redirect or a file that is not HTML is no page, and an HTML
/// page is an ad when the adapter says its URL is an ad URL (the crawl follows only those links
/// from search pages), a search or other page otherwise.
fn page_kind(rec: &ResponseRecord, adapter: &Adapter) -> std::result::Result<UrlKind, NotAd> {
    if let Some(kind) = meta_str(rec, "fetched_as").and_then(verdict::kind_from_name) {
        return Ok(kind);
    }
    if (300..400).contains(&rec.found.status) {
        return Err(NotAd::Redirect);
    }
    let ct = rec.found.http_header("content-type").map(str::to_lowercase);
    if ct.is_some_and(|c| !c.contains("html")) {
        return Err(NotAd::NotHtml);
    }
    Ok(if adapter.is_ad_url(&rec.found.url) {
        UrlKind::Ad
    } else {
        UrlKind::Search
    })
}

/// The adapter for each page of a WARC file, looked up once per platform or site: the platform
/// the crawl named in the page's metadata record (from `--adapters`, the user's adapter folder or
/// the shipped ones); else `--platform` when it names an adapter, the platform of ads already
/// stored from the site, a shipped adapter named in the host, or generic extraction.
struct Adapters {
    dirs: Vec<PathBuf>,
    platform: String,
    named: HashMap<String, Option<Arc<Adapter>>>,
    sites: HashMap<String, Arc<Adapter>>,
}

impl Adapters {
    fn new(extra: &[PathBuf], platform: &str) -> Adapters {
        let dirs = Adapter::user_dirs(extra);
        Adapters {
            dirs,
            platform: platform.to_string(),
            named: HashMap::new(),
            sites: HashMap::new(),
        }
    }

    fn get(&mut self, store: &dyn Store, rec: &ResponseRecord, file: &Path) -> Arc<Adapter> {
        match meta_str(rec, "platform").and_then(|name| self.named(name, file)) {
            Some(a) => a,
            None => self.site(store, &rec.found.url),
        }
    }

    fn named(&mut self, name: &str, file: &Path) -> Option<Arc<Adapter>> {
        if let Some(a) = self.named.get(name) {
            return a.clone();
        }
        let a = match Adapter::load(name, &self.dirs) {
            Ok(a) => Some(Arc::new(a)),
            Err(e) => {
                eprintln!(
                    "{}: the pages of platform `{name}` are read with their site's adapter: {e}",
                    file.display()
                );
                None
            }
        };
        self.named.insert(name.to_string(), a.clone());
        a
    }

    fn site(&mut self, store: &dyn Store, url: &str) -> Arc<Adapter> {
        let site = url::Url::parse(url)
            .map(|u| u.origin().ascii_serialization())
            .unwrap_or_default();
        self.sites
            .entry(site)
            .or_insert_with(|| Arc::new(wildwatch_crawl::adapter_for(store, url, &self.platform)))
            .clone()
    }
}

fn read_warc(imp: &mut Import, adapter_dirs: &[PathBuf]) -> Result<()> {
    let file = imp.file.to_path_buf();
    read_warc_files(imp, adapter_dirs, &[file])
}

/// The pages of a WACZ: every resource's hash is checked against its `datapackage.json` before
/// any page is read (a refused archive imports nothing), then its WARC files are read as a WARC
/// import reads them.
fn read_wacz(imp: &mut Import, adapter_dirs: &[PathBuf]) -> Result<()> {
    let tmp = tempfile::tempdir().context("cannot make a directory for the WACZ's WARC files")?;
    let found = wildwatch_warc::extract_wacz(imp.file, tmp.path())
        .with_context(|| format!("{} refused; nothing was imported", imp.file.display()))?;
    eprintln!(
        "{}: {} WARC files, {} pages listed, {} hashes checked against datapackage.json",
        imp.file.display(),
        found.warcs.len(),
        found.pages.len(),
        found.verified
    );
    read_warc_files(imp, adapter_dirs, &found.warcs)
}

fn read_warc_files(imp: &mut Import, adapter_dirs: &[PathBuf], files: &[PathBuf]) -> Result<()> {
    let mut adapters = Adapters::new(adapter_dirs, imp.platform);
    for file in files {
        let records = wildwatch_warc::responses(file)
            .with_context(|| format!("cannot open {}", file.display()))?
            .max_body(MAX_PAGE);
        for rec in records {
            match rec {
                Ok(rec) => imp.page(&rec, file, &mut adapters)?,
                Err(e) => imp.bad_record(Bad::Record(e)),
            }
        }
    }
    Ok(())
}

impl Import<'_> {
    /// An archived page: queued to be read as the crawl reads it, or counted as no ad.
    fn page(&mut self, rec: &ResponseRecord, warc: &Path, adapters: &mut Adapters) -> Result<()> {
        let adapter = adapters.get(&*self.store, rec, self.file);
        let kind = match page_kind(rec, &adapter) {
            Ok(k) => k,
            Err(why) => {
                self.batch.not_ad(why);
                return Ok(());
            }
        };
        if let Some(v) = PageVerdict::from_status(kind, rec.found.status) {
            self.batch.not_ad(NotAd::of(&v).unwrap_or(NotAd::Failed));
            return Ok(());
        }
        let truncated = was_cut(rec);
        // A body cut here is not decoded: the page counts as cut at the size cap.
        let body = if rec.body_truncated {
            Vec::new()
        } else {
            match rec.content(MAX_PAGE) {
                Ok(b) => b,
                Err(err) => {
                    let at = format!("{} @ {}", rec.found.file, rec.found.offset);
                    let url = rec.found.url.clone();
                    self.bad_record(Bad::Body { at, url, err });
                    return Ok(());
                }
            }
        };
        let ct = rec.found.http_header("content-type");
        let (text, _, replaced) = wildwatch_crawl::fetch::decode_checked(&body, ct);
        self.tally.replaced += u64::from(replaced);
        // A page loaded in the browser is read from its DOM after the scripts ran, as the crawl
        // read it (the HTML the server sent may hold no ad at all).
        let text = rendered_dom(warc, rec).unwrap_or(text);
        self.push(ImportItem::Page(Box::new(Page {
            text,
            url: rec.found.url.clone(),
            adapter,
            kind,
            status: rec.found.status,
            truncated,
        })))
    }
}

pub fn import(data: &Path, db: Option<&str>, a: &ImportArgs, det: &Detector) -> Result<()> {
    let mut store = crate::db::open_store(data, db)?;
    let cid = store.campaign(
        &a.campaign,
        &serde_json::json!({"import": a.file.display().to_string()}),
    )?;
    let format = Format::of(&a.file);
    let mut imp = Import {
        store: &mut *store,
        cid,
        det,
        file: &a.file,
        platform: &a.platform,
        batch: ImportBatch::default(),
        tally: Tally::default(),
    };
    let read = match format {
        Format::Warc => read_warc(&mut imp, &a.adapters),
        Format::Wacz => read_wacz(&mut imp, &a.adapters),
        Format::Csv => read_csv(&mut imp),
        Format::JsonLines => read_jsonl(&mut imp),
    };
    // What was read before a failure is stored all the same.
    imp.batch.flush(&mut *imp.store, cid, det)?;
    imp.store.refresh_statistics()?;
    eprintln!("{}", imp.summary(format));
    read
}
