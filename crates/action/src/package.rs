//! Evidence packages for enforcement: one zip with, per ad, the WARC records of every page
//! fetched for it (copied byte for byte), each version as text, the detections, a timeline and
//! the seller's links and network; a manifest of every file's SHA-256 and size; and an Ed25519
//! signature over the manifest, so that any change after export is found by [`crate::check`].
//! Entry names are made from ad ids only, never from ad text.

use std::io::{Seek, Write};
use std::path::Path;
use wildwatch_store::{Links, Notices, Reviews};

use ed25519_dalek::{Signer, SigningKey};
use serde::{Deserialize, Serialize};
use zip::write::SimpleFileOptions;
use zip::CompressionMethod;

use crate::keys::public_hex;
use crate::timeline::{timeline, timeline_text, versions_text};
use crate::warc_copy::copy_page;
use crate::{hex, rfc3339, sha256_hex, ActionError, Result};

/// Package format written in the manifest.
pub const FORMAT: &str = "wildwatch-evidence-package/1";
/// The manifest's entry name.
pub const MANIFEST: &str = "manifest.json";
/// The signature's entry name (hex of the 64-byte Ed25519 signature over `manifest.json`).
pub const SIGNATURE: &str = "manifest.sig";
/// The public key's entry name (hex), also named inside the manifest.
pub const PUBLIC_KEY: &str = "public_key.txt";

/// A file of the package.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestFile {
    /// Entry name in the zip.
    pub path: String,
    /// SHA-256, lower-case hex.
    pub sha256: String,
    /// Size in bytes.
    pub size: u64,
}

/// An ad of the package.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct ManifestAd {
    /// Store id.
    pub id: i64,
    /// Platform.
    pub platform: String,
    /// Ad URL.
    pub url: String,
    /// Campaign.
    pub campaign: Option<String>,
}

/// What `manifest.json` holds.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct Manifest {
    /// [`FORMAT`].
    pub format: String,
    /// Creation time, RFC 3339 UTC.
    pub created_at: String,
    /// wildwatch version that wrote it.
    pub wildwatch_version: String,
    /// Ed25519 public key that signed it, hex.
    pub public_key: String,
    /// The ads.
    pub ads: Vec<ManifestAd>,
    /// Every file except the manifest and its signature.
    pub files: Vec<ManifestFile>,
}

/// What [`build`] wrote.
#[derive(Debug, Clone)]
pub struct Built {
    /// The manifest.
    pub manifest: Manifest,
    /// Pages whose records could not be copied: (ad id, page id, why). Their location and
    /// hash are still in the ad's `ad.json`.
    pub warnings: Vec<(i64, i64, String)>,
}

struct Writer<W: Write + Seek> {
    zip: zip::ZipWriter<W>,
    files: Vec<ManifestFile>,
    time: zip::DateTime,
}

impl<W: Write + Seek> Writer<W> {
    fn add(&mut self, path: &str, data: &[u8], listed: bool) -> Result<()> {
        // Already-compressed WARC members gain nothing from deflate.
        let method = if path.ends_with(".gz") {
            CompressionMethod::Stored
        } else {
            CompressionMethod::Deflated
        };
        let opts = SimpleFileOptions::default()
            .compression_method(method)
            .last_modified_time(self.time)
            .unix_permissions(0o644);
        self.zip.start_file(path, opts)?;
        self.zip
            .write_all(data)
            .map_err(|e| ActionError::Invalid(format!("writing {path} into the zip: {e}")))?;
        if listed {
            self.files.push(ManifestFile {
                path: path.to_string(),
                sha256: sha256_hex(data),
                size: data.len() as u64,
            });
        }
        Ok(())
    }
}

fn zip_time(unix: i64) -> zip::DateTime {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            zip::DateTime::from_date_and_time(
                t.year().clamp(1980, 2107) as u16,
                t.month() as u8,
                t.day(),
                t.hour(),
                t.minute(),
                t.second(),
            )
            .ok()
        })
        .unwrap_or_default()
}

fn pretty<T: Serialize>(v: &T) -> Result<Vec<u8>> {
    let mut b = serde_json::to_vec_pretty(v)?;
    b.push(b'\n');
    Ok(b)
}

const README: &str = "\
wildwatch evidence package

manifest.json   every file of this package with its SHA-256 and size, the ads, the creation time
manifest.sig    Ed25519 signature (hex) over manifest.json, by the key in public_key.txt
public_key.txt  the signing public key (hex); compare it with the one the sender gave you
ads/ID/         per ad:
  pages.warc.gz   the WARC records (request, response, metadata, warcinfo) of every page fetched
                  for the ad, copied byte for byte from the original evidence files
  pages.json      where each record came from (file, offset) and where it lies in pages.warc.gz
  screenshot-PAGE.png  the page as the browser rendered it (pages loaded in the browser only)
  versions.txt    each version of the ad as text, as seen (title, description, price, seller, place)
  detections.json what wildwatch detected in each version (species, listing, risk and reasons)
  timeline.txt    first seen, each change, fetches, gone, notices sent, reviews (and timeline.json)
  seller.json     the seller's ads, identifiers, links to other accounts and network
  ad.json         the ad as stored

Check it with: wildwatch evidence check FILE.zip --public-key KEY
";

/// Adds an ad's pages: `pages.warc.gz` (every record of every page, copied byte for byte),
/// `screenshot-PAGE.png` for each page the browser made a screenshot of (hashed in the manifest
/// like every file), and `pages.json` saying where each came from. A page whose records cannot
/// be copied is a warning, not a failure.
fn add_pages<W: Write + Seek>(
    w: &mut Writer<W>,
    evidence_dir: &Path,
    id: i64,
    ad_pages: &[(i64, wildwatch_store::PageRecord)],
    warnings: &mut Vec<(i64, i64, String)>,
) -> Result<()> {
    let dir = format!("ads/{id}");
    let mut warc = Vec::new();
    let mut warcinfos = Vec::new();
    let mut pages = Vec::new();
    for (pid, p) in ad_pages {
        let (copied, screenshot) = match (&p.warc_file, p.warc_offset, p.warc_length) {
            (Some(f), Some(o), Some(l)) => {
                let copied = match copy_page(
                    evidence_dir,
                    f,
                    o,
                    l,
                    p.body_sha256.as_deref(),
                    &mut warc,
                    &mut warcinfos,
                ) {
                    Ok(c) => c,
                    Err(e) => {
                        warnings.push((id, *pid, e));
                        Vec::new()
                    }
                };
                let shot = match wildwatch_warc::page_screenshot(evidence_dir, f, o, l, &p.url) {
                    Ok(Some(s)) => {
                        let path = format!("{dir}/screenshot-{pid}.png");
                        w.add(&path, &s.png, true)?;
                        Some(serde_json::json!({
                            "file": path,
                            "warc_file": s.file,
                            "warc_offset": s.offset,
                        }))
                    }
                    Ok(None) => None,
                    Err(e) => {
                        warnings.push((id, *pid, format!("screenshot: {e}")));
                        None
                    }
                };
                (copied, shot)
            }
            _ => (Vec::new(), None),
        };
        pages.push(serde_json::json!({
            "page": pid,
            "url": p.url,
            "final_url": p.final_url,
            "status": p.status,
            "kind": p.kind,
            "fetched_at": rfc3339(p.fetched_at),
            "body_sha256": p.body_sha256,
            "warc_file": p.warc_file,
            "warc_offset": p.warc_offset,
            "warc_length": p.warc_length,
            "records": copied,
            "screenshot": screenshot,
        }));
    }
    if !warc.is_empty() {
        w.add(&format!("{dir}/pages.warc.gz"), &warc, true)?;
    }
    w.add(&format!("{dir}/pages.json"), &pretty(&pages)?, true)
}

/// Builds a package of `ad_ids` into `out`, signed with `key`. `evidence_dir` holds the WARC
/// files the store points at. `created_at` is Unix seconds (normally now).
pub fn build<W: Write + Seek>(
    store: &(impl Notices + Reviews + Links + ?Sized),
    evidence_dir: &Path,
    ad_ids: &[i64],
    key: &SigningKey,
    created_at: i64,
    out: W,
) -> Result<Built> {
    if ad_ids.is_empty() {
        return Err(ActionError::Invalid("no ads to package".into()));
    }
    let mut ids = ad_ids.to_vec();
    ids.sort_unstable();
    ids.dedup();
    let mut w = Writer {
        zip: zip::ZipWriter::new(out),
        files: Vec::new(),
        time: zip_time(created_at),
    };
    let mut ads = Vec::new();
    let mut warnings = Vec::new();
    w.add("README.txt", README.as_bytes(), true)?;
    for id in &ids {
        let ad = store.ad_record(*id)?;
        let dir = format!("ads/{id}");
        add_pages(&mut w, evidence_dir, *id, &ad.pages, &mut warnings)?;
        w.add(
            &format!("{dir}/versions.txt"),
            versions_text(&ad).as_bytes(),
            true,
        )?;
        let detections: Vec<serde_json::Value> = ad
            .versions
            .iter()
            .map(|v| serde_json::json!({"version": v.version, "seen_at": rfc3339(v.seen_at), "detection": v.detection}))
            .collect();
        w.add(
            &format!("{dir}/detections.json"),
            &pretty(&detections)?,
            true,
        )?;
        let audit = store.audit_log(Some(*id), 10_000)?;
        let events = timeline(&ad, &audit);
        w.add(&format!("{dir}/timeline.json"), &pretty(&events)?, true)?;
        w.add(
            &format!("{dir}/timeline.txt"),
            timeline_text(&ad, &events).as_bytes(),
            true,
        )?;
        let seller = store.seller_view(&ad.seller_key)?;
        let network = match seller.as_ref().and_then(|s| s.network) {
            Some(n) => {
                let members = store.network_members(n)?;
                let links = store.links_of(&members, true)?;
                serde_json::json!({
                    "id": n,
                    "summary": store.network_summary(n)?,
                    "members": members,
                    "links": links,
                })
            }
            None => serde_json::Value::Null,
        };
        w.add(
            &format!("{dir}/seller.json"),
            &pretty(&serde_json::json!({"seller": seller, "network": network}))?,
            true,
        )?;
        w.add(&format!("{dir}/ad.json"), &pretty(&ad)?, true)?;
        ads.push(ManifestAd {
            id: *id,
            platform: ad.platform.clone(),
            url: ad.url.clone(),
            campaign: ad.campaign.clone(),
        });
    }
    let public_key = public_hex(key);
    w.add(PUBLIC_KEY, format!("{public_key}\n").as_bytes(), true)?;
    let manifest = Manifest {
        format: FORMAT.into(),
        created_at: rfc3339(created_at),
        wildwatch_version: crate::VERSION.into(),
        public_key,
        ads,
        files: std::mem::take(&mut w.files),
    };
    let bytes = pretty(&manifest)?;
    let sig = key.sign(&bytes);
    w.add(MANIFEST, &bytes, false)?;
    w.add(
        SIGNATURE,
        format!("{}\n", hex(&sig.to_bytes())).as_bytes(),
        false,
    )?;
    let mut inner = w.zip.finish()?;
    inner
        .flush()
        .map_err(|e| ActionError::Invalid(format!("writing the zip: {e}")))?;
    Ok(Built { manifest, warnings })
}

/// `OUT.zip` → `OUT.zip.<pid>-<random>.part`, beside it (same file system, so the rename is atomic).
fn part_path(path: &Path) -> std::path::PathBuf {
    let mut salt = [0u8; 6];
    let _ = getrandom::fill(&mut salt);
    let salt: String = salt.iter().map(|b| format!("{b:02x}")).collect();
    let mut name = path.file_name().unwrap_or_default().to_os_string();
    name.push(format!(".{}-{salt}.part", std::process::id()));
    path.with_file_name(name)
}

/// Removes the `.part` files that runs killed while writing `path` left beside it (their process
/// is gone; where that cannot be known, nothing is removed).
fn remove_stale_parts(path: &Path) {
    let proc_fs = Path::new("/proc/self").exists();
    let (Some(dir), Some(name)) = (path.parent(), path.file_name()) else {
        return;
    };
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let prefix = format!("{}.", name.to_string_lossy());
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for e in entries.flatten() {
        let file = e.file_name().to_string_lossy().into_owned();
        let Some(pid) = file
            .strip_prefix(&prefix)
            .and_then(|r| r.strip_suffix(".part"))
            .and_then(|r| r.split('-').next())
            .and_then(|p| p.parse::<u32>().ok())
        else {
            continue;
        };
        if proc_fs && !Path::new("/proc").join(pid.to_string()).exists() {
            let _ = std::fs::remove_file(e.path());
        }
    }
}

/// Builds a package into the file `path` (written beside it under a name of this run's own, then
/// renamed into place, so two runs writing the same path never share a half-written file).
pub fn build_file(
    store: &(impl Notices + Reviews + Links + ?Sized),
    evidence_dir: &Path,
    ad_ids: &[i64],
    key: &SigningKey,
    path: &Path,
) -> Result<Built> {
    remove_stale_parts(path);
    let tmp = part_path(path);
    let f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&tmp)
        .map_err(crate::io_err(&tmp))?;
    let mut out = std::io::BufWriter::new(f);
    let built = build(
        store,
        evidence_dir,
        ad_ids,
        key,
        wildwatch_store::now(),
        &mut out,
    )
    .and_then(|b| {
        let f = out
            .into_inner()
            .map_err(|e| crate::io_err(&tmp)(e.into_error()))?;
        f.sync_all().map_err(crate::io_err(&tmp))?;
        Ok(b)
    });
    match built {
        Ok(b) => {
            std::fs::rename(&tmp, path).map_err(crate::io_err(path))?;
            Ok(b)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&tmp);
            Err(e)
        }
    }
}
