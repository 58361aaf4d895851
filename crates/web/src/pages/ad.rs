//! One ad: its text with the matched words, reasons, versions, evidence and the review form.

use super::*;

pub(super) struct PageView {
    fetched: String,
    status: u16,
    kind: String,
    sha: String,
    warc: String,
    link: Option<String>,
}

#[derive(Template)]
#[template(path = "ad.html")]
pub(super) struct AdPageT {
    c: Chrome,
    id: i64,
    title: String,
    risk: Risk,
    score: i64,
    category: Category,
    review_status: ReviewStatus,
    takedown: bool,
    enforcement: bool,
    gone: Option<String>,
    segments: Vec<Segment>,
    reasons: Vec<(String, String, String)>,
    species: Vec<(String, String, String)>,
    specimens: String,
    price_eur: String,
    price_text: String,
    documents: String,
    seller: String,
    seller_key: Option<String>,
    contacts: String,
    location: String,
    posted: String,
    platform: String,
    country: String,
    lang: String,
    campaign: String,
    url: String,
    /// The ad's URL when it may be a link target (http/https only); otherwise it is shown as text.
    url_link: Option<String>,
    first_seen: String,
    last_seen: String,
    versions: Vec<(i64, String, String, String, Risk)>,
    show_evidence: bool,
    pages: Vec<PageView>,
    frame: Option<String>,
    /// `/ads/{id}/screenshot` when the browser made one.
    screenshot: Option<String>,
    can_review: bool,
    error: Option<String>,
    saved: Option<String>,
    review_text: Option<String>,
    f_relevant: bool,
    f_categories: Vec<Opt>,
    f_species: String,
    f_specimens: String,
    f_price: String,
    f_risks: Vec<Opt>,
    f_documents: Vec<Opt>,
    f_tags: String,
    f_notes: String,
    f_takedown: bool,
    f_enforcement: bool,
    audit: Vec<(String, String, String, String)>,
}

/// A signed, expiring link to an archived page on the archive origin.
pub fn archive_link(st: &Shared, page_id: i64) -> String {
    let exp = wildwatch_store::now() + 3600;
    let sig = auth::sign(st, &format!("page|{page_id}|{exp}"));
    format!("{}/page/{page_id}?exp={exp}&sig={sig}", st.archive_origin)
}

#[derive(serde::Deserialize)]
pub(super) struct SavedQ {
    saved: Option<String>,
}

pub(super) async fn ad_page(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
    Query(sq): Query<SavedQ>,
) -> PageResult {
    render_ad(
        &st,
        &a,
        id,
        None,
        None,
        sq.saved.map(|_| "Review saved.".to_string()),
    )
    .await
}

pub(super) async fn render_ad(
    st: &Shared,
    a: &Authed,
    id: i64,
    form: Option<Review>,
    error: Option<String>,
    saved: Option<String>,
) -> PageResult {
    let show_evidence = a.user.role.can_see_evidence();
    let (d, audit) = db(st, move |s| {
        let d = s.ad_detail(id)?;
        let audit = if show_evidence {
            s.audit_log(Some(id), 50)?
        } else {
            vec![]
        };
        Ok((d, audit))
    })
    .await?;
    let det = &d.detection;
    let text = format!("{}\n{}", d.content.title, d.content.description);
    let mut spans = Vec::new();
    let mut reasons = Vec::new();
    if let Some(rs) = det.get("reasons").and_then(|v| v.as_array()) {
        for r in rs {
            let code = r
                .get("code")
                .and_then(|v| v.as_str())
                .unwrap_or("")
                .to_string();
            if let Some(sp) = r.get("span").and_then(|v| v.as_array()) {
                let s = sp.first().and_then(|v| v.as_u64()).unwrap_or(0) as usize;
                let e = sp.get(1).and_then(|v| v.as_u64()).unwrap_or(0) as usize;
                if !code.starts_with("RISK") && e > s {
                    spans.push((s, e, code.clone()));
                }
            }
            reasons.push((
                code,
                r.get("text")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string(),
                r.get("list")
                    .and_then(|v| v.as_str())
                    .unwrap_or("")
                    .to_string(),
            ));
        }
    }
    let species = det
        .get("species")
        .and_then(|v| v.as_array())
        .map(|a| {
            a.iter()
                .map(|s| {
                    let g = |k: &str| s.get(k).and_then(|v| v.as_str()).unwrap_or("–").to_string();
                    (g("scientific_name"), g("cites"), g("eu_annex"))
                })
                .collect()
        })
        .unwrap_or_default();
    let det_review = service::review_from_detection(det);
    let current = form.unwrap_or_else(|| {
        d.review
            .as_ref()
            .map(|r| r.review.clone())
            .unwrap_or_else(|| det_review.clone())
    });
    let link_ok = show_evidence;
    let pages: Vec<PageView> = d
        .pages
        .iter()
        .map(|p| PageView {
            fetched: fmt_time(p.fetched_at),
            status: p.status,
            kind: p.kind.clone(),
            sha: p.body_sha256.clone().unwrap_or_default(),
            warc: match (&p.warc_file, p.warc_offset) {
                (Some(f), Some(o)) => format!("{f} @ {o}"),
                _ => String::new(),
            },
            link: (link_ok && p.warc_file.is_some()).then(|| archive_link(st, p.id)),
        })
        .collect();
    let frame = d
        .pages
        .iter()
        .rev()
        .find(|p| p.warc_file.is_some() && p.status < 400)
        .filter(|_| show_evidence)
        .map(|p| archive_link(st, p.id));
    let screenshot = if show_evidence {
        super::screenshot::newest_with_screenshot(st, &d.pages)
            .await?
            .map(|_| format!("/ads/{id}/screenshot"))
    } else {
        None
    };
    let s = &d.summary;
    let review_text = d.review.as_ref().map(|r| {
        format!(
            "{} by {} on {}: relevant {}, {}, risk {}{}{}",
            r.status,
            r.reviewer,
            fmt_time(r.reviewed_at),
            if r.review.relevant { "yes" } else { "no" },
            r.review.category,
            r.review.risk,
            if r.review.takedown {
                ", marked for takedown"
            } else {
                ""
            },
            if r.review.enforcement {
                ", marked for enforcement"
            } else {
                ""
            }
        )
    });
    html(AdPageT {
        id,
        title: if s.title.trim().is_empty() {
            "(no title)".into()
        } else {
            s.title.clone()
        },
        risk: s.risk,
        score: s.risk_score,
        category: s.category,
        review_status: s.review_status,
        takedown: s.takedown,
        enforcement: s.enforcement,
        gone: s.gone_at.map(fmt_time),
        segments: highlight(&text, &spans),
        reasons,
        species,
        specimens: s
            .specimens
            .map(|n| n.to_string())
            .unwrap_or_else(|| "–".into()),
        price_eur: s.price_eur.map(fmt_eur).unwrap_or_else(|| "–".into()),
        price_text: d.content.price_text.clone().unwrap_or_default(),
        documents: det_review.documents.join(", "),
        seller: d
            .seller
            .as_ref()
            .map(|x| {
                format!(
                    "{} ({} ad{} on {})",
                    x.name,
                    x.ads,
                    if x.ads == 1 { "" } else { "s" },
                    x.platform
                )
            })
            .unwrap_or_else(|| "–".into()),
        seller_key: d.seller.as_ref().map(|x| format!("s{}", x.id)),
        contacts: if show_evidence {
            d.seller
                .as_ref()
                .map(|x| x.contacts.join(", "))
                .unwrap_or_default()
        } else {
            String::new()
        },
        location: d.content.location.clone().unwrap_or_else(|| "–".into()),
        posted: d.content.posted.clone().unwrap_or_else(|| "–".into()),
        platform: s.platform.clone(),
        country: s.country.clone().unwrap_or_default(),
        lang: s.lang.clone(),
        campaign: d.campaign.clone().unwrap_or_else(|| "–".into()),
        url: s.url.clone(),
        url_link: wildwatch_sink::http_link(&s.url).map(str::to_string),
        first_seen: fmt_time(s.first_seen),
        last_seen: fmt_time(s.last_seen),
        versions: d
            .versions
            .iter()
            .map(|v| {
                (
                    v.version,
                    fmt_time(v.seen_at),
                    v.title.clone(),
                    v.price_text.clone().unwrap_or_default(),
                    v.risk,
                )
            })
            .collect(),
        show_evidence,
        pages,
        frame,
        screenshot,
        can_review: a.user.role.can_review(),
        error,
        saved,
        review_text,
        f_relevant: current.relevant,
        f_categories: opts(&CATEGORIES, Some(current.category.as_str())),
        f_species: current.species.join(", "),
        f_specimens: current.specimens.map(|n| n.to_string()).unwrap_or_default(),
        f_price: current
            .price_eur
            .map(|p| format!("{p:.2}"))
            .unwrap_or_default(),
        f_risks: opts(&RISKS, Some(current.risk.as_str())),
        f_documents: wildwatch_detect::DOCUMENT_CODES
            .iter()
            .map(|d| Opt {
                value: d.to_string(),
                label: d.replace('_', " "),
                selected: current.documents.iter().any(|x| x == d),
            })
            .collect(),
        f_tags: current.tags.join(", "),
        f_notes: current.notes.clone(),
        f_takedown: current.takedown,
        f_enforcement: current.enforcement,
        audit: audit
            .iter()
            .map(|e| {
                (
                    fmt_time(e.at),
                    e.username.clone(),
                    e.action.clone(),
                    audit_detail(&e.detail),
                )
            })
            .collect(),
        c: chrome(Some(a), "ads"),
    })
}

pub(super) fn audit_detail(d: &serde_json::Value) -> String {
    let show = |v: &serde_json::Value| match v {
        serde_json::Value::String(s) => s.clone(),
        serde_json::Value::Array(a) if a.is_empty() => "–".into(),
        serde_json::Value::Array(a) => a
            .iter()
            .map(|x| {
                x.as_str()
                    .map(str::to_string)
                    .unwrap_or_else(|| x.to_string())
            })
            .collect::<Vec<_>>()
            .join(", "),
        serde_json::Value::Null => "–".into(),
        other => other.to_string(),
    };
    let empty = |v: &serde_json::Value| match v {
        serde_json::Value::Null | serde_json::Value::Bool(false) => true,
        serde_json::Value::String(s) => s.is_empty(),
        serde_json::Value::Array(a) => a.is_empty(),
        _ => false,
    };
    match d.as_object() {
        Some(m) if m.values().all(|v| v.get("new").is_some()) && !m.is_empty() => m
            .iter()
            .filter_map(|(k, v)| {
                let (old, new) = (&v["old"], &v["new"]);
                let k = k.replace('_', " ");
                if old.is_null() {
                    // A first review: list what was set, not the empty defaults.
                    (!empty(new)).then(|| format!("{k}: {}", show(new)))
                } else {
                    Some(format!("{k}: {} → {}", show(old), show(new)))
                }
            })
            .collect::<Vec<_>>()
            .join("; "),
        _ => d.to_string(),
    }
}

pub(super) fn review_from_form(f: &FormData) -> Result<Review, Failure> {
    let list = |s: &str| -> Vec<String> {
        s.split([',', ';', '\n'])
            .map(str::trim)
            .filter(|x| !x.is_empty())
            .map(str::to_string)
            .collect()
    };
    let specimens =
        match f.str("specimens").trim() {
            "" => None,
            s => Some(s.parse::<u32>().map_err(|_| {
                Failure::bad(format!("specimens must be a whole number, not `{s}`"))
            })?),
        };
    let price =
        match f.str("price_eur").trim() {
            "" => None,
            s => Some(s.replace(',', ".").parse::<f64>().map_err(|_| {
                Failure::bad(format!("price must be a number of euros, not `{s}`"))
            })?),
        };
    service::ReviewInput {
        relevant: matches!(f.str("relevant"), "true" | "yes" | "on" | "1"),
        category: f.str("category").to_string(),
        species: list(f.str("species")),
        specimens,
        price_eur: price,
        documents: f.all("documents").iter().map(|s| s.to_string()).collect(),
        risk: f.str("risk").to_string(),
        notes: f.str("notes").to_string(),
        tags: list(f.str("tags")),
        takedown: f.get("takedown").is_some(),
        enforcement: f.get("enforcement").is_some(),
    }
    .labels()
}

pub(super) async fn review_post(
    State(st): State<Shared>,
    PageUser(a): PageUser,
    Path(id): Path<i64>,
    body: Bytes,
) -> PageResult {
    let f = FormData::parse(&body);
    a.check_csrf(f.get("csrf"))?;
    a.need_review()?;
    let form = review_from_form(&f);
    let result = match form.clone() {
        Ok(r) => service::save_review(&st, id, r, &a.user.username)
            .await
            .map(|_| ()),
        Err(e) => Err(e),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/ads/{id}?saved=1#review")).into_response()),
        Err(e) if e.status == StatusCode::BAD_REQUEST => {
            let mut res = render_ad(&st, &a, id, form.ok(), Some(e.message), None).await?;
            *res.status_mut() = StatusCode::BAD_REQUEST;
            Ok(res)
        }
        Err(e) => Err(e.into()),
    }
}
