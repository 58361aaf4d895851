//! An evidence package as a WACZ, so it opens in ReplayWeb.page: the WARC records of every
//! packaged ad (one WARC file per ad, as in the package), a page per ad, and the signed package
//! itself carried as `package/evidence.zip` — every file hashed in `datapackage.json`.

use std::io::Read;
use std::path::Path;

use wildwatch_warc::{write_wacz, WaczMeta, WaczPage};

use crate::package::Manifest;
use crate::{io_err, ActionError, Result};

/// Writes `out` as a WACZ from the signed package at `package` (built with `build_file`) and its
/// manifest. `work` is a directory for the WARC files taken out of the package.
pub fn package_as_wacz(package: &Path, manifest: &Manifest, work: &Path, out: &Path) -> Result<()> {
    let warcs = take_out_warcs(package, work)?;
    if warcs.is_empty() {
        return Err(ActionError::Invalid(
            "no packaged ad has archived pages: a WACZ needs WARC records".into(),
        ));
    }
    let pages: Vec<WaczPage> = manifest
        .ads
        .iter()
        .map(|a| WaczPage {
            url: a.url.clone(),
            ts: Some(manifest.created_at.clone()),
            title: Some(format!("ad {} on {}", a.id, a.platform)),
        })
        .collect();
    let meta = WaczMeta {
        title: "wildwatch evidence package",
        created: &manifest.created_at,
        pages: &pages,
        extra: &[("package/evidence.zip", package)],
    };
    write_wacz(out, &warcs, &meta).map_err(|e| ActionError::Invalid(format!("WACZ: {e}")))
}

/// Copies each `ads/ID/pages.warc.gz` of the package to `work/ad-ID.warc.gz`.
fn take_out_warcs(package: &Path, work: &Path) -> Result<Vec<std::path::PathBuf>> {
    let file = std::fs::File::open(package).map_err(io_err(package))?;
    let mut zip = zip::ZipArchive::new(file)?;
    let mut warcs = Vec::new();
    for i in 0..zip.len() {
        let mut e = zip.by_index(i)?;
        let name = e.name()?.into_owned();
        let Some(id) = name
            .strip_prefix("ads/")
            .and_then(|r| r.strip_suffix("/pages.warc.gz"))
            .filter(|id| id.bytes().all(|b| b.is_ascii_digit()) && !id.is_empty())
        else {
            continue;
        };
        let target = work.join(format!("ad-{id}.warc.gz"));
        let mut bytes = Vec::new();
        e.read_to_end(&mut bytes).map_err(io_err(&target))?;
        std::fs::write(&target, bytes).map_err(io_err(&target))?;
        warcs.push(target);
    }
    Ok(warcs)
}
