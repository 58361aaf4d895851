//! Takedown notices: the campaign's ads marked for takedown on one platform, not gone and not
//! yet named in a notice, batched into a CSV and a letter in the platform's language, recorded
//! in the store (notice, ads named, file hashes, audit log). Sending is recorded separately,
//! so that revisits measure what was removed after the notice and how fast.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::Serialize;
use wildwatch_refdata::RefData;
use wildwatch_store::action::{NewNotice, NoticeOutcome, NoticeRow, SentOutcome, TakedownAd};
use wildwatch_store::{Notices, Store};

use crate::templates::{self, Templates};
use crate::{rfc3339, safe_name, sha256_hex, ActionError, Result};

/// What to prepare.
#[derive(Debug, Clone, Default)]
pub struct TakedownRequest {
    /// Campaign name.
    pub campaign: String,
    /// Platform (adapter) name.
    pub platform: String,
    /// Language of the notice; default: the language of the platform's ads as stored (the
    /// adapter's), else English.
    pub lang: Option<String>,
    /// Who prepares it (audit log, letter signature).
    pub created_by: String,
}

/// A species line of a notice.
#[derive(Debug, Clone, Serialize)]
pub struct SpeciesLine {
    /// Accepted scientific name.
    pub scientific_name: String,
    /// Common name in the notice language (else English, else empty).
    pub common_name: String,
    /// CITES appendix.
    pub cites: Option<String>,
    /// EU annex.
    pub eu_annex: Option<String>,
}

/// A rule broken, worded in the notice language.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Rule {
    /// Key in the legal-basis file (`eu_annex_a`, `cites_i` …).
    pub key: String,
    /// Short wording (CSV).
    pub short: String,
    /// Full wording (letter).
    pub text: String,
}

/// One ad of a notice, as the templates see it.
#[derive(Debug, Clone, Serialize)]
pub struct NoticeAd {
    /// Store id.
    pub id: i64,
    /// Ad URL.
    pub url: String,
    /// The platform's ad id.
    pub external_id: Option<String>,
    /// Title as seen.
    pub title: String,
    /// Species.
    pub species: Vec<SpeciesLine>,
    /// Scientific names, `; `-separated.
    pub scientific_names: String,
    /// Common names, `; `-separated.
    pub common_names: String,
    /// `Scientific (common)`, `, `-separated.
    pub species_text: String,
    /// CITES appendices, `; `-separated.
    pub cites: String,
    /// EU annexes, `; `-separated.
    pub eu_annex: String,
    /// Rules broken.
    pub legal_basis: Vec<Rule>,
    /// Short wordings, ` | `-separated.
    pub legal_basis_short: String,
    /// SHA-256 of the archived page body.
    pub evidence_sha256: Option<String>,
    /// Capture time, RFC 3339 UTC.
    pub captured_at: Option<String>,
    /// WARC file holding the response record.
    pub warc_file: Option<String>,
    /// Offset of that record.
    pub warc_offset: Option<u64>,
}

/// A notice ready to write and record.
#[derive(Debug, Clone, Serialize)]
pub struct Draft {
    /// Campaign id.
    pub campaign_id: i64,
    /// Campaign name.
    pub campaign: String,
    /// Platform.
    pub platform: String,
    /// Language.
    pub lang: String,
    /// Reference quoted in the letter.
    pub reference: String,
    /// Prepared (Unix seconds).
    pub created_at: i64,
    /// Who prepared it.
    pub created_by: String,
    /// The ads.
    pub ads: Vec<NoticeAd>,
    /// Every rule cited, once.
    pub legal_bases: Vec<Rule>,
    /// File name for the CSV.
    pub csv_name: String,
    /// File name for the letter.
    pub letter_name: String,
    /// The CSV.
    pub csv: String,
    /// The letter.
    pub letter: String,
}

/// What [`prepare`] found.
#[derive(Debug, Clone)]
pub enum Prepared {
    /// Nothing to notify; lists the platform's notices not yet recorded as sent (id, ads).
    Nothing {
        /// Notices prepared but not sent.
        unsent: Vec<(i64, i64)>,
    },
    /// A notice to write and record.
    Draft(Box<Draft>),
}

/// A notice written and recorded.
#[derive(Debug, Clone)]
pub struct Issued {
    /// Notice id.
    pub id: i64,
    /// The draft recorded.
    pub draft: Draft,
    /// Where the CSV was written.
    pub csv_path: PathBuf,
    /// Where the letter was written.
    pub letter_path: PathBuf,
}

fn check_lang(lang: &str) -> Result<()> {
    if (2..=3).contains(&lang.len()) && lang.bytes().all(|b| b.is_ascii_lowercase()) {
        Ok(())
    } else {
        Err(ActionError::Invalid(format!(
            "`{lang}` is not a language code such as en, fr, de or nl"
        )))
    }
}

fn common_name(refdata: &RefData, scientific: &str, lang: &str) -> String {
    let Some(id) = refdata.lookup(scientific).first().copied() else {
        return String::new();
    };
    // The longest name is the most descriptive one ("Perroquet gris" rather than "Jacko");
    // ties go to the first listed.
    let pick = |l: &str| {
        refdata
            .names_of(id)
            .filter(|n| n.kind.lang() == Some(l))
            .fold(None::<&str>, |best, n| match best {
                Some(b) if b.chars().count() >= n.text.chars().count() => Some(b),
                _ => Some(n.text.as_str()),
            })
            .map(str::to_string)
    };
    pick(lang).or_else(|| pick("en")).unwrap_or_default()
}

fn species_of(ad: &TakedownAd, refdata: &RefData) -> Vec<(String, Option<String>, Option<String>)> {
    match &ad.reviewed_species {
        // The analyst's species win; their listing comes from the reference data.
        Some(names) => names
            .iter()
            .map(|n| match refdata.lookup(n).first() {
                Some(&id) => {
                    let t = refdata.taxon(id);
                    (
                        t.name.clone(),
                        t.cites.map(|a| a.as_str().to_string()),
                        t.eu_annex.map(|a| a.as_str().to_string()),
                    )
                }
                None => ad
                    .detected_species
                    .iter()
                    .find(|d| &d.0 == n)
                    .cloned()
                    .unwrap_or((n.clone(), None, None)),
            })
            .collect(),
        None => ad.detected_species.clone(),
    }
}

fn join<'a>(it: impl Iterator<Item = &'a str>, sep: &str) -> String {
    let mut v: Vec<&str> = Vec::new();
    for s in it.filter(|s| !s.is_empty()) {
        if !v.contains(&s) {
            v.push(s);
        }
    }
    v.join(sep)
}

fn notice_ad(
    ad: &TakedownAd,
    refdata: &RefData,
    basis: &templates::LegalBasis,
    lang: &str,
) -> NoticeAd {
    let species: Vec<SpeciesLine> = species_of(ad, refdata)
        .into_iter()
        .map(|(name, cites, annex)| SpeciesLine {
            common_name: common_name(refdata, &name, lang),
            scientific_name: name,
            cites,
            eu_annex: annex,
        })
        .collect();
    let eu = templates::in_eu(ad.country.as_deref());
    let mut legal_basis: Vec<Rule> = Vec::new();
    for s in &species {
        for key in templates::rules_for(s.cites.as_deref(), s.eu_annex.as_deref(), eu) {
            if legal_basis.iter().any(|r| r.key == key) {
                continue;
            }
            if let Some(t) = basis.text(key, lang) {
                legal_basis.push(Rule {
                    key: key.to_string(),
                    short: t.short.clone(),
                    text: t.text.clone(),
                });
            }
        }
    }
    let page = ad.page.as_ref();
    NoticeAd {
        id: ad.id,
        url: ad.url.clone(),
        external_id: ad.external_id.clone(),
        title: ad.title.clone(),
        scientific_names: join(species.iter().map(|s| s.scientific_name.as_str()), "; "),
        common_names: join(species.iter().map(|s| s.common_name.as_str()), "; "),
        species_text: species
            .iter()
            .map(|s| {
                if s.common_name.is_empty() {
                    s.scientific_name.clone()
                } else {
                    format!("{} ({})", s.scientific_name, s.common_name)
                }
            })
            .collect::<Vec<_>>()
            .join(", "),
        cites: join(species.iter().filter_map(|s| s.cites.as_deref()), "; "),
        eu_annex: join(species.iter().filter_map(|s| s.eu_annex.as_deref()), "; "),
        legal_basis_short: legal_basis
            .iter()
            .map(|r| r.short.as_str())
            .collect::<Vec<_>>()
            .join(" | "),
        legal_basis,
        species,
        evidence_sha256: page.and_then(|p| p.body_sha256.clone()),
        captured_at: page.map(|p| rfc3339(p.fetched_at)),
        warc_file: page.and_then(|p| p.warc_file.clone()),
        warc_offset: page.and_then(|p| p.warc_offset),
    }
}

fn stamp(unix: i64) -> String {
    rfc3339(unix).replace(['-', ':'], "")
}

/// Gathers the ads to notify and renders the notice; writes nothing.
pub fn prepare(
    store: &(impl Store + Notices + ?Sized),
    refdata: &RefData,
    templates: &Templates,
    req: &TakedownRequest,
) -> Result<Prepared> {
    let campaign_id = store
        .campaign_id(&req.campaign)?
        .ok_or_else(|| ActionError::Invalid(format!("no campaign named `{}`", req.campaign)))?;
    let ads = store.takedown_candidates(campaign_id, &req.platform)?;
    if ads.is_empty() {
        return Ok(Prepared::Nothing {
            unsent: store.unsent_notices(campaign_id, &req.platform)?,
        });
    }
    let lang = match &req.lang {
        Some(l) => l.clone(),
        None => {
            // The adapter's language, as stored with each ad; the most common one wins.
            let mut count: BTreeMap<&str, usize> = BTreeMap::new();
            for a in &ads {
                if let Some(l) = a.content_lang.as_deref().filter(|l| !l.is_empty()) {
                    *count.entry(l).or_default() += 1;
                }
            }
            count
                .into_iter()
                .max_by_key(|(_, n)| *n)
                .map(|(l, _)| l.to_ascii_lowercase())
                .unwrap_or_else(|| "en".into())
        }
    };
    check_lang(&lang)?;
    let basis = templates.legal_basis()?;
    let notice_ads: Vec<NoticeAd> = ads
        .iter()
        .map(|a| notice_ad(a, refdata, &basis, &lang))
        .collect();
    let mut legal_bases: Vec<Rule> = Vec::new();
    for r in notice_ads.iter().flat_map(|a| &a.legal_basis) {
        if !legal_bases.contains(r) {
            legal_bases.push(r.clone());
        }
    }
    let created_at = wildwatch_store::now();
    let base = format!(
        "takedown-{}-{}-{}",
        safe_name(&req.campaign),
        safe_name(&req.platform),
        stamp(created_at)
    );
    let reference = format!(
        "{}/{}/{}",
        safe_name(&req.campaign),
        safe_name(&req.platform),
        stamp(created_at)
    );
    let mut draft = Draft {
        campaign_id,
        campaign: req.campaign.clone(),
        platform: req.platform.clone(),
        lang: lang.clone(),
        reference,
        created_at,
        created_by: req.created_by.clone(),
        ads: notice_ads,
        legal_bases,
        csv_name: format!("{base}.csv"),
        letter_name: format!("{base}.txt"),
        csv: String::new(),
        letter: String::new(),
    };
    let ctx = serde_json::json!({
        "campaign": draft.campaign,
        "platform": draft.platform,
        "lang": draft.lang,
        "reference": draft.reference,
        "date": rfc3339(created_at).get(..10).unwrap_or_default(),
        "created_at": rfc3339(created_at),
        "sender": draft.created_by,
        "count": draft.ads.len(),
        "ads": draft.ads,
        "legal_bases": draft.legal_bases,
        "csv_file": draft.csv_name,
    });
    draft.csv = templates::render(templates, &format!("takedown/{lang}.csv"), &ctx)?;
    draft.letter = templates::render(templates, &format!("takedown/{lang}.letter.txt"), &ctx)?;
    Ok(Prepared::Draft(Box::new(draft)))
}

/// Records a draft (notice, ads named, hashes of the CSV and letter as rendered, audit log).
/// `files` goes into the audit-log entry (e.g. where the files were written).
pub fn record(
    store: &mut (impl Notices + ?Sized),
    draft: &Draft,
    files: serde_json::Value,
) -> Result<i64> {
    let outcome = store.record_notice(&NewNotice {
        campaign_id: draft.campaign_id,
        platform: draft.platform.clone(),
        lang: draft.lang.clone(),
        created_by: draft.created_by.clone(),
        csv_sha256: sha256_hex(draft.csv.as_bytes()),
        letter_sha256: sha256_hex(draft.letter.as_bytes()),
        ad_ids: draft.ads.iter().map(|a| a.id).collect(),
        detail: serde_json::json!({
            "reference": draft.reference,
            "files": files,
        }),
    })?;
    match outcome {
        NoticeOutcome::Recorded(id) => Ok(id),
        NoticeOutcome::AlreadyNamed { ad, notice } => Err(ActionError::AlreadyNamed { ad, notice }),
    }
}

fn write_new(path: &Path, data: &[u8]) -> Result<()> {
    use std::io::Write;
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(path)
        .map_err(crate::io_err(path))?;
    f.write_all(data)
        .and_then(|_| f.sync_all())
        .map_err(crate::io_err(path))
}

/// Prepares, writes the CSV and letter into `out_dir` (never overwriting a file) and records
/// the notice. `Ok(Err(unsent))` with the unsent notices when there is nothing to notify. When
/// another session (a second `takedown`, the web app) names some of the same ads first, the notice
/// is prepared again without them, a few times at most: the ads it took are not notified twice,
/// and what remains is still notified (or there is nothing left to notify).
pub fn issue(
    store: &mut (impl Store + Notices + ?Sized),
    refdata: &RefData,
    templates: &Templates,
    req: &TakedownRequest,
    out_dir: &Path,
) -> Result<std::result::Result<Issued, Vec<(i64, i64)>>> {
    const ATTEMPTS: usize = 3;
    let mut attempt = 1;
    loop {
        match issue_once(store, refdata, templates, req, out_dir) {
            Err(ActionError::AlreadyNamed { .. }) if attempt < ATTEMPTS => attempt += 1,
            other => return other,
        }
    }
}

/// One attempt of [`issue`].
fn issue_once(
    store: &mut (impl Store + Notices + ?Sized),
    refdata: &RefData,
    templates: &Templates,
    req: &TakedownRequest,
    out_dir: &Path,
) -> Result<std::result::Result<Issued, Vec<(i64, i64)>>> {
    let draft = match prepare(&*store, refdata, templates, req)? {
        Prepared::Nothing { unsent } => return Ok(Err(unsent)),
        Prepared::Draft(d) => *d,
    };
    let (csv_path, letter_path) = write_files(&draft, out_dir)?;
    let files = serde_json::json!({
        "csv": csv_path.display().to_string(),
        "letter": letter_path.display().to_string(),
    });
    match record(store, &draft, files) {
        Ok(id) => Ok(Ok(Issued {
            id,
            draft,
            csv_path,
            letter_path,
        })),
        Err(e) => {
            // Files of a notice that was not recorded would be mistaken for one.
            let _ = std::fs::remove_file(&csv_path);
            let _ = std::fs::remove_file(&letter_path);
            Err(e)
        }
    }
}

/// Writes a draft's CSV and letter into `out_dir` (new files only; none left when one fails).
fn write_files(draft: &Draft, out_dir: &Path) -> Result<(PathBuf, PathBuf)> {
    std::fs::create_dir_all(out_dir).map_err(crate::io_err(out_dir))?;
    let csv_path = out_dir.join(&draft.csv_name);
    let letter_path = out_dir.join(&draft.letter_name);
    write_new(&csv_path, draft.csv.as_bytes())?;
    if let Err(e) = write_new(&letter_path, draft.letter.as_bytes()) {
        let _ = std::fs::remove_file(&csv_path);
        return Err(e);
    }
    Ok((csv_path, letter_path))
}

/// How a notice was sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Channel {
    /// By e-mail.
    Email,
    /// Through the platform's web form.
    Form,
    /// Through the platform's API (e.g. a trusted-flagger interface).
    Api,
    /// Any other way.
    Other,
}

impl Channel {
    /// Stored name.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Form => "form",
            Channel::Api => "api",
            Channel::Other => "other",
        }
    }

    /// Parses `email`, `form`, `api` or `other`.
    pub fn parse(s: &str) -> Option<Channel> {
        Some(match s {
            "email" => Channel::Email,
            "form" => Channel::Form,
            "api" => Channel::Api,
            "other" => Channel::Other,
            _ => return None,
        })
    }
}

/// Records that notice `id` was sent at `at` (Unix seconds). Refuses an unknown notice and a
/// notice already recorded as sent.
pub fn record_sent(
    store: &mut (impl Notices + ?Sized),
    id: i64,
    at: i64,
    by: &str,
    channel: Channel,
) -> Result<()> {
    match store.mark_notice_sent(id, at, by, channel.as_str())? {
        SentOutcome::Recorded => Ok(()),
        SentOutcome::Unknown => Err(ActionError::Invalid(format!(
            "there is no notice {id} (see `wildwatch takedown list`)"
        ))),
        SentOutcome::AlreadySent(t) => Err(ActionError::Invalid(format!(
            "notice {id} was already recorded as sent at {}; nothing changed",
            rfc3339(t)
        ))),
    }
}

/// Notices (of one campaign, or all), newest first, with how many of their ads are gone.
pub fn list(
    store: &(impl Store + Notices + ?Sized),
    campaign: Option<&str>,
) -> Result<Vec<NoticeRow>> {
    let id = match campaign {
        Some(c) => Some(
            store
                .campaign_id(c)?
                .ok_or_else(|| ActionError::Invalid(format!("no campaign named `{c}`")))?,
        ),
        None => None,
    };
    Ok(store.notices(id)?)
}
