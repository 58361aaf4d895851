//! `wildwatch adapters`: the adapters there are, and what an adapter reads from a page — the loop
//! for writing an adapter from saved pages (see adapters/README.md).

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use clap::Subcommand;
use wildwatch_crawl::adapter::Adapter;
use wildwatch_crawl::extract::{self, PageClass};
use wildwatch_crawl::fields::Field;

/// The largest page `adapters check` reads (the crawl's caps are smaller).
const MAX_PAGE: u64 = 32 << 20;

/// `wildwatch adapters …`.
#[derive(Subcommand)]
pub enum AdaptersCommand {
    /// The adapters available: user folders (--adapters, ~/.config/wildwatch/adapters) and the
    /// shipped ones.
    List {
        /// Extra adapter folders, searched first.
        #[arg(long)]
        adapters: Vec<PathBuf>,
    },
    /// What an adapter reads from a page: every field, and where it came from; or, for a
    /// search page, its ad links and next page.
    Check {
        /// The adapter (a folder name in --adapters, the user folder, or a shipped adapter).
        name: String,
        /// A saved page (HTML file), or a URL whose page is archived in the evidence WARC files.
        page: String,
        /// The URL the saved page was served at (default: its canonical link, else the
        /// adapter's base URL).
        #[arg(long)]
        url: Option<String>,
        /// Extra adapter folders, searched first.
        #[arg(long)]
        adapters: Vec<PathBuf>,
    },
}

/// Runs `wildwatch adapters …`.
pub fn adapters(data: &Path, cmd: &AdaptersCommand) -> Result<()> {
    match cmd {
        AdaptersCommand::List { adapters } => list(adapters),
        AdaptersCommand::Check {
            name,
            page,
            url,
            adapters,
        } => {
            let adapter = Adapter::load(name, &Adapter::user_dirs(adapters))?;
            let (html, url) = page_text(data, page, url.as_deref(), &adapter)?;
            check(&adapter, &html, &url);
            Ok(())
        }
    }
}

fn list(extra: &[PathBuf]) -> Result<()> {
    let dirs = Adapter::user_dirs(extra);
    for d in &dirs {
        let Ok(entries) = std::fs::read_dir(d) else {
            continue;
        };
        for e in entries.flatten() {
            let toml = e.path().join("adapter.toml");
            if toml.is_file() {
                match Adapter::from_file(&toml) {
                    Ok(a) => println!(
                        "{:<16} {:<4} {}  ({})",
                        a.name,
                        a.lang,
                        a.base_url,
                        d.display()
                    ),
                    Err(err) => println!("{:<16} error: {err}", e.file_name().to_string_lossy()),
                }
            }
        }
    }
    for n in Adapter::shipped_names() {
        let a = Adapter::load(n, &[])?;
        println!("{:<16} {:<4} {}  (shipped)", a.name, a.lang, a.base_url);
    }
    Ok(())
}

/// The page's text and the URL it was served at.
fn page_text(
    data: &Path,
    page: &str,
    url: Option<&str>,
    adapter: &Adapter,
) -> Result<(String, String)> {
    let path = Path::new(page);
    if path.is_file() {
        let len = std::fs::metadata(path)?.len();
        if len > MAX_PAGE {
            bail!("{page}: {len} bytes; pages over {MAX_PAGE} bytes are not read");
        }
        let bytes = std::fs::read(path).with_context(|| format!("cannot read {page}"))?;
        let (html, _, _) = wildwatch_crawl::fetch::decode_checked(&bytes, Some("text/html"));
        let url = url
            .map(str::to_string)
            .or_else(|| extract::canonical_url(&html))
            .unwrap_or_else(|| format!("{}/", adapter.base_url.trim_end_matches('/')));
        return Ok((html, url));
    }
    if !(page.starts_with("http://") || page.starts_with("https://")) {
        bail!("{page}: no such file, and not an http(s) URL to look up in the evidence");
    }
    let dir = data.join("evidence");
    let found = wildwatch_warc::find_url(&dir, page)
        .with_context(|| format!("cannot read the evidence in {}", dir.display()))?;
    let Some(f) = found.last() else {
        bail!("{page} is not archived in {}", dir.display());
    };
    // The response record found, read with its content decoding undone.
    let rec = wildwatch_warc::responses(&dir.join(&f.file))?
        .max_body(MAX_PAGE as usize)
        .filter_map(|r| r.ok())
        .find(|r| r.found.offset == f.offset)
        .with_context(|| format!("{page}: its record in {} cannot be read", f.file))?;
    let body = rec.content(MAX_PAGE as usize)?;
    let ct = rec.found.http_header("content-type");
    let (html, _, _) = wildwatch_crawl::fetch::decode_checked(&body, ct);
    Ok((html, url.unwrap_or(page).to_string()))
}

/// Prints what the adapter reads from the page.
fn check(adapter: &Adapter, html: &str, url: &str) {
    println!("adapter {}  page {url}", adapter.name);
    let class = extract::classify(html);
    match &class {
        PageClass::Blocked(phrase) => {
            println!("a bot challenge or login wall (\"{phrase}\"): nothing is read from it");
            return;
        }
        PageClass::Gone => println!("an ad that is no longer available (read anyway below)"),
        PageClass::Normal => {}
    }
    if adapter.is_ad_url(url) {
        show_ad(adapter, html, url);
    } else {
        println!("not an ad URL (ad_url_pattern): read as a search page");
        show_links(adapter, html, url);
    }
}

fn show_ad(adapter: &Adapter, html: &str, url: &str) {
    let r = extract::read_ad(html, url, adapter);
    let a = &r.ad;
    let value = |f: Field| -> String {
        match f {
            Field::Title => a.title.clone(),
            Field::Description => a.description.clone(),
            Field::Price => a.price_text.clone().unwrap_or_default(),
            Field::Currency => "(in the price)".into(),
            Field::Seller => a.seller.clone().unwrap_or_default(),
            Field::SellerId => a.seller_id.clone().unwrap_or_default(),
            Field::Location => a.location.clone().unwrap_or_default(),
            Field::Date => a.posted.clone().unwrap_or_default(),
            Field::Images => a.images.join(" "),
            Field::Category => a.category.clone().unwrap_or_default(),
        }
    };
    println!("ad id        {}", a.external_id.as_deref().unwrap_or("-"));
    for f in Field::ALL {
        let source = r
            .sources
            .get(&f)
            .map(|s| format!("{s:?}"))
            .unwrap_or_else(|| "—".into());
        let v = value(f);
        let shown: String = v.chars().take(90).collect();
        let more = if v.chars().count() > 90 { "…" } else { "" };
        println!("{:<12} {:<14} {shown}{more}", f.name(), source);
    }
    if a.images.len() > 1 {
        println!("             ({} photos)", a.images.len());
    }
    if r.matched() {
        println!("matched: the title or description came from the adapter or structured data");
    } else {
        println!("NOT matched: nothing came from the adapter's fields or structured data");
    }
}

fn show_links(adapter: &Adapter, html: &str, url: &str) {
    let l = extract::search_links(html, url, adapter);
    println!("{} ad links", l.ads.len());
    for u in &l.ads {
        println!("  {u}");
    }
    println!("next page: {}", l.next.as_deref().unwrap_or("-"));
    for (n, u) in &l.pages {
        println!("page {n}: {u}");
    }
}
