//! The report of a fixed campaign, built through the store API with fixed times: figures checked
//! by hand, held by snapshots (JSON, CSV), and each rendering opened and read back.

use std::io::Cursor;
use std::path::Path;
use wildwatch_store::PublicReports;
use wildwatch_store::Reviews;

use calamine::{Data, Reader, Xlsx};
use wildwatch_refdata::RefData;
use wildwatch_report::{build, compare, render, render_comparison, Format, ReportError};
use wildwatch_store::app::Review;
use wildwatch_store::{
    AdContent, DetectionRecord, FetchCommit, FetchState, PageRecord, SqliteStore, Store,
};

/// Monday 2026-11-02 10:00 UTC (ISO week 2026-W45).
const T0: i64 = 1_793_613_600;
const DAY: i64 = 86_400;

struct Ad<'a> {
    platform: &'a str,
    n: u32,
    day: i64,
    relevant: bool,
    category: &'a str,
    risk: &'a str,
    /// (scientific name, CITES, EU annex)
    species: &'a [(&'a str, &'a str, &'a str)],
    specimens: Option<u32>,
    price: Option<f64>,
    intent: &'a str,
}

fn add(store: &mut SqliteStore, campaign: i64, ad: &Ad<'_>) -> i64 {
    let (country, lang) = match ad.platform {
        "leboncoin" => ("FR", "fr"),
        "kleinanzeigen" => ("DE", "de"),
        _ => ("NL", "nl"),
    };
    let url = format!("http://{}.test/ad/{}", ad.platform, ad.n);
    let species: Vec<serde_json::Value> = ad
        .species
        .iter()
        .map(|(n, c, a)| serde_json::json!({"scientific_name": n, "cites": c, "eu_annex": a}))
        .collect();
    let det = DetectionRecord {
        relevant: ad.relevant,
        category: ad.category.parse().unwrap(),
        risk: ad.risk.parse().unwrap(),
        risk_score: if ad.risk == "high" { 90 } else { 50 },
        lang: lang.into(),
        price_eur: ad.price,
        species: ad.species.iter().map(|s| s.0.to_string()).collect(),
        json: serde_json::json!({
            "id": ad.n.to_string(), "relevant": ad.relevant, "species": species,
            "specimens": ad.specimens, "price_eur": ad.price, "intent": ad.intent,
        }),
    };
    let at = T0 + ad.day * DAY;
    store
        .commit_fetch(&FetchCommit {
            campaign,
            url: url.clone(),
            state: FetchState::Done,
            page: Some(PageRecord {
                url: url.clone(),
                final_url: url.clone(),
                status: 200,
                kind: "ad".into(),
                fetched_at: at,
                ..Default::default()
            }),
            ad: Some((
                AdContent {
                    platform: ad.platform.into(),
                    url,
                    title: format!("ad {}", ad.n),
                    country: Some(country.into()),
                    lang: Some(lang.into()),
                    ..Default::default()
                },
                det,
            )),
            discovered: vec![],
        })
        .unwrap()
        .ad_id
        .unwrap()
}

fn gone(store: &mut SqliteStore, platform: &str, n: u32, day: i64) {
    let url = format!("http://{platform}.test/ad/{n}");
    assert!(store.mark_gone(platform, &url, T0 + day * DAY).unwrap());
}

/// Takedown notices are written by `wildwatch takedown`; here straight into their tables.
fn notice(db: &Path, campaign: i64, platform: &str, sent_day: i64, ads: &[i64]) {
    let conn = rusqlite::Connection::open(db).unwrap();
    conn.execute(
        "INSERT INTO notices(campaign_id, platform, lang, created_at, created_by, csv_sha256, \
         letter_sha256, sent_at, sent_by, channel) VALUES (?1, ?2, 'en', ?3, 'ana', '', '', ?3, 'ana', 'email')",
        rusqlite::params![campaign, platform, T0 + sent_day * DAY],
    )
    .unwrap();
    let id = conn.last_insert_rowid();
    for a in ads {
        conn.execute(
            "INSERT INTO notice_ads(notice_id, ad_id) VALUES (?1, ?2)",
            rusqlite::params![id, a],
        )
        .unwrap();
    }
}

const GREY: (&str, &str, &str) = ("Psittacus erithacus", "I", "A");
const HERMANN: (&str, &str, &str) = ("Testudo hermanni", "II", "A");
const ELEPHANT: (&str, &str, &str) = ("Loxodonta africana", "I", "A");

fn live(platform: &str, n: u32, day: i64) -> Ad<'_> {
    Ad {
        platform,
        n,
        day,
        relevant: true,
        category: "live",
        risk: "high",
        species: &[GREY],
        specimens: Some(1),
        price: None,
        intent: "offer",
    }
}

/// The campaign `fr-de-2026` (figures worked out by hand in `figures_by_hand`):
///
/// | ad | platform | week | labels that count | specimens | price | notice → gone |
/// |---|---|---|---|---|---|---|
/// | 1 | kleinanzeigen | W45 | grey parrot, live, high | 2 | 1200 offer | day 3 → day 5 |
/// | 2 | kleinanzeigen | W45 | grey parrot, live, high | unknown | 800 offer | day 3 → day 4 |
/// | 3 | kleinanzeigen | W45 | grey parrot, live, medium | 1 | 300 **wanted** | |
/// | 4 | leboncoin | W46 | Hermann's tortoise, live, medium | 3 | 150 offer | day 8 → (online) |
/// | 5 | leboncoin | W46 | elephant ivory, part, high | 1 | 450 offer | day 10, gone day 9 |
/// | 6 | leboncoin | W46 | not relevant (look-alike) | | 5 | |
/// | 7 | leboncoin | W46 | detected grey parrot; **review: not relevant** | | 2000 | |
/// | 8 | kleinanzeigen | W48 | detected nothing; **review: coral, part, medium**; public report | 5 | 60 offer | |
fn seed(store: &mut SqliteStore, db: &Path) -> (i64, i64) {
    let c = store
        .campaign("fr-de-2026", &serde_json::json!({}))
        .unwrap();
    let a1 = add(
        store,
        c,
        &Ad {
            specimens: Some(2),
            price: Some(1200.0),
            ..live("kleinanzeigen", 1, 0)
        },
    );
    let a2 = add(
        store,
        c,
        &Ad {
            specimens: None,
            price: Some(800.0),
            ..live("kleinanzeigen", 2, 1)
        },
    );
    add(
        store,
        c,
        &Ad {
            risk: "medium",
            price: Some(300.0),
            intent: "wanted",
            ..live("kleinanzeigen", 3, 2)
        },
    );
    let a4 = add(
        store,
        c,
        &Ad {
            risk: "medium",
            species: &[HERMANN],
            specimens: Some(3),
            price: Some(150.0),
            ..live("leboncoin", 4, 7)
        },
    );
    let a5 = add(
        store,
        c,
        &Ad {
            category: "part",
            species: &[ELEPHANT],
            price: Some(450.0),
            ..live("leboncoin", 5, 8)
        },
    );
    add(
        store,
        c,
        &Ad {
            relevant: false,
            category: "lookalike",
            risk: "none",
            species: &[],
            specimens: None,
            price: Some(5.0),
            ..live("leboncoin", 6, 8)
        },
    );
    let a7 = add(
        store,
        c,
        &Ad {
            price: Some(2000.0),
            ..live("leboncoin", 7, 9)
        },
    );
    let a8 = add(
        store,
        c,
        &Ad {
            relevant: false,
            category: "none",
            risk: "none",
            species: &[],
            specimens: None,
            price: Some(60.0),
            ..live("kleinanzeigen", 8, 21)
        },
    );
    store
        .save_review(
            a7,
            &Review {
                relevant: false,
                category: wildwatch_store::Category::Lookalike,
                species: vec![],
                specimens: None,
                price_eur: Some(2000.0),
                risk: wildwatch_store::Risk::None,
                notes: "a plush toy".into(),
                ..Default::default()
            },
            wildwatch_store::ReviewStatus::Corrected,
            "ana",
        )
        .unwrap();
    store
        .save_review(
            a8,
            &Review {
                relevant: true,
                category: wildwatch_store::Category::Part,
                species: vec!["Acropora cervicornis".into()],
                specimens: Some(5),
                price_eur: Some(60.0),
                risk: wildwatch_store::Risk::Medium,
                ..Default::default()
            },
            wildwatch_store::ReviewStatus::Corrected,
            "ana",
        )
        .unwrap();
    // Ad 8 came in through the public report form.
    let (report, _) = store
        .add_report(
            "http://kleinanzeigen.test/ad/8",
            "kleinanzeigen.test/ad/8",
            "",
            "203.0.113.9",
        )
        .unwrap();
    store.take_report().unwrap();
    store.finish_report(report, "done", Some(a8), None).unwrap();
    gone(store, "kleinanzeigen", 1, 5);
    gone(store, "kleinanzeigen", 2, 4);
    gone(store, "leboncoin", 5, 9);
    notice(db, c, "kleinanzeigen", 3, &[a1, a2]);
    notice(db, c, "leboncoin", 8, &[a4]);
    notice(db, c, "leboncoin", 10, &[a5]);

    // The same platforms a year later.
    let c2 = store
        .campaign("fr-de-2027", &serde_json::json!({}))
        .unwrap();
    add(store, c2, &live("kleinanzeigen", 101, 365));
    for n in [102, 103] {
        add(
            store,
            c2,
            &Ad {
                risk: "medium",
                species: &[HERMANN],
                ..live("leboncoin", n, 366)
            },
        );
    }
    (c, c2)
}

fn fixture() -> (tempfile::TempDir, SqliteStore, RefData) {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wildwatch.db");
    let mut store = SqliteStore::open(&db).unwrap();
    seed(&mut store, &db);
    (dir, store, RefData::shipped().unwrap())
}

#[test]
fn figures_by_hand() {
    let (_dir, store, refdata) = fixture();
    let r = build(&store, "fr-de-2026", &refdata).unwrap();
    let s = &r.summary;
    let f = &s.figures;
    assert_eq!(f.ads, 8);
    // Ad 7 reviewed as not relevant, ad 8 reviewed as relevant, ad 6 not relevant.
    assert_eq!(f.relevant, 6);
    // 2 + 1 (unknown) + 3 + 1 + 5; the wanted ad 3 adds nothing.
    assert_eq!(f.specimens, 12);
    assert_eq!(s.specimens_unknown, 1);
    assert_eq!(s.wanted, 1);
    // 1200 + 800 + 150 + 450 + 60: not the wanted ad's 300, nor ads 6 and 7.
    assert_eq!(f.value_eur, 2660.0);
    assert_eq!(f.priced_offers, 5);
    assert_eq!(f.high_risk, 3);
    assert_eq!(s.high_risk_share, Some(0.5));
    assert_eq!(f.removed, 3);
    assert_eq!(s.removal_rate, Some(0.5));
    assert_eq!(s.notified, 4);
    assert_eq!(s.removed_after_notice, 2);
    assert_eq!(s.gone_before_notice, 1);
    assert_eq!(s.removal_rate_after_notice, Some(0.5));
    // 48 h and 24 h after their notices.
    assert_eq!(s.median_hours_to_removal, Some(36.0));
    assert_eq!(s.from_public_reports, 1);
    assert_eq!(s.reviewed, 2);
    assert_eq!(s.first_seen.as_deref(), Some("2026-11-02"));
    assert_eq!(s.last_seen.as_deref(), Some("2026-11-23"));

    let platform = r.breakdown("platform").unwrap();
    assert_eq!(platform.rows[0].key, "kleinanzeigen");
    let k = &platform.rows[0].figures;
    assert_eq!(
        (k.ads, k.relevant, k.specimens, k.value_eur),
        (4, 4, 8, 2060.0)
    );
    assert_eq!((k.high_risk, k.removed), (2, 2));
    let l = &platform.rows[1].figures;
    assert_eq!(
        (l.ads, l.relevant, l.specimens, l.value_eur),
        (4, 2, 4, 600.0)
    );

    let country: Vec<_> = r
        .breakdown("country")
        .unwrap()
        .rows
        .iter()
        .map(|x| (x.key.as_str(), x.figures.relevant))
        .collect();
    assert_eq!(country, [("DE", 4), ("FR", 2)]);

    let species = r.breakdown("species").unwrap();
    let grey = species
        .rows
        .iter()
        .find(|x| x.key == "Psittacus erithacus")
        .unwrap();
    // Ads 1–3; ad 7's review removed the species.
    assert_eq!(
        (
            grey.figures.ads,
            grey.figures.relevant,
            grey.figures.specimens
        ),
        (3, 3, 3)
    );
    assert_eq!(grey.detail.as_deref(), Some("parrots"));
    assert!(
        grey.name.is_some(),
        "English common name from the reference data"
    );

    // The coral only the analyst named gets its listing from the reference data.
    let cites: Vec<_> = r
        .breakdown("cites")
        .unwrap()
        .rows
        .iter()
        .map(|x| (x.key.as_str(), x.figures.relevant))
        .collect();
    assert_eq!(cites, [("I", 4), ("II", 2)]);
    let annex: Vec<_> = r
        .breakdown("eu_annex")
        .unwrap()
        .rows
        .iter()
        .map(|x| (x.key.as_str(), x.figures.relevant))
        .collect();
    assert_eq!(annex, [("A", 5), ("B", 1)]);
    let groups: Vec<_> = r
        .breakdown("group")
        .unwrap()
        .rows
        .iter()
        .map(|x| (x.key.as_str(), x.figures.relevant))
        .collect();
    assert_eq!(
        groups,
        [
            ("parrots", 3),
            ("elephants (ivory)", 1),
            ("stony corals", 1),
            ("tortoises", 1)
        ]
    );
    let category: Vec<_> = r
        .breakdown("category")
        .unwrap()
        .rows
        .iter()
        .map(|x| (x.key.as_str(), x.figures.ads))
        .collect();
    assert_eq!(category, [("live", 4), ("part", 2), ("lookalike", 2)]);
    // Four weeks, the empty third one included.
    let weeks: Vec<_> = r
        .breakdown("week")
        .unwrap()
        .rows
        .iter()
        .map(|x| (x.key.as_str(), x.figures.ads, x.figures.relevant))
        .collect();
    assert_eq!(
        weeks,
        [
            ("2026-W45", 3, 3),
            ("2026-W46", 4, 2),
            ("2026-W47", 0, 0),
            ("2026-W48", 1, 1)
        ]
    );
}

#[test]
fn snapshots_hold_the_figures() {
    let (_dir, store, refdata) = fixture();
    let r = build(&store, "fr-de-2026", &refdata).unwrap();
    insta::assert_json_snapshot!("report_fr_de_2026", r);
    let csv = String::from_utf8(render(&r, Format::Csv).unwrap()).unwrap();
    insta::assert_snapshot!("report_fr_de_2026_csv", csv);
    let json: serde_json::Value =
        serde_json::from_slice(&render(&r, Format::Json).unwrap()).unwrap();
    assert_eq!(json["summary"]["value_eur"], 2660.0);

    let c = compare(&store, "fr-de-2026", "fr-de-2027", &refdata).unwrap();
    insta::assert_json_snapshot!("compare_2026_2027", c);
    let csv = String::from_utf8(render_comparison(&c, Format::Csv).unwrap()).unwrap();
    insta::assert_snapshot!("compare_2026_2027_csv", csv);
}

#[test]
fn comparison_speaks_of_the_largest_changes() {
    let (_dir, store, refdata) = fixture();
    let c = compare(&store, "fr-de-2026", "fr-de-2027", &refdata).unwrap();
    assert_eq!((c.total.a.relevant, c.total.b.relevant), (6, 3));
    assert_eq!(c.sentences[0], "Relevant ads fell from 6 to 3 (−50%).");
    assert!(
        c.sentences
            .iter()
            .any(|s| s.ends_with("(Psittacus erithacus) on kleinanzeigen fell from 3 to 1 (−67%).")),
        "{:#?}",
        c.sentences
    );
    assert!(c
        .sentences
        .iter()
        .any(|s| s.contains("(Testudo hermanni) on leboncoin rose from 1 to 2 (+100%)")));
    let k = c
        .platforms
        .iter()
        .find(|p| p.platform.as_deref() == Some("kleinanzeigen"))
        .unwrap();
    assert_eq!((k.a.relevant, k.b.relevant, k.change), (4, 1, -3));
    assert_eq!(k.change_pct, Some(-75.0));
    // Largest change first.
    assert_eq!(c.platforms[0].platform.as_deref(), Some("kleinanzeigen"));

    let html = String::from_utf8(render_comparison(&c, Format::Html).unwrap()).unwrap();
    assert!(html.contains("fell from 3 to 1 (−67%)"));
    assert!(html.matches("<svg").count() >= 2);
    let xlsx = render_comparison(&c, Format::Xlsx).unwrap();
    let wb: Xlsx<_> = Xlsx::new(Cursor::new(xlsx)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        ["Summary", "By platform", "By species", "Platform x species"]
    );
}

#[test]
fn xlsx_has_a_sheet_per_breakdown() {
    let (_dir, store, refdata) = fixture();
    let r = build(&store, "fr-de-2026", &refdata).unwrap();
    let bytes = render(&r, Format::Xlsx).unwrap();
    assert!(bytes.starts_with(b"PK"));
    let mut wb: Xlsx<_> = Xlsx::new(Cursor::new(bytes)).unwrap();
    assert_eq!(
        wb.sheet_names(),
        [
            "Summary",
            "By country",
            "By platform",
            "By language",
            "By species",
            "By taxonomic group",
            "By CITES appendix",
            "By EU annex",
            "By category",
            "By week",
            "Platform x species"
        ]
    );
    let summary = wb.worksheet_range("Summary").unwrap();
    assert_eq!(
        summary.get_value((0, 0)),
        Some(&Data::String("Campaign report: fr-de-2026".into()))
    );
    let find = |name: &str| {
        (0..summary.height() as u32)
            .find(|&i| summary.get_value((i, 0)) == Some(&Data::String(name.into())))
            .and_then(|i| summary.get_value((i, 1)).cloned())
    };
    assert_eq!(find("ads"), Some(Data::Float(8.0)));
    assert_eq!(find("value_eur"), Some(Data::Float(2660.0)));
    assert_eq!(find("median_hours_to_removal"), Some(Data::Float(36.0)));
    let platform = wb.worksheet_range("By platform").unwrap();
    assert_eq!(
        platform.get_value((0, 4)),
        Some(&Data::String("relevant".into()))
    );
    assert_eq!(
        platform.get_value((1, 0)),
        Some(&Data::String("kleinanzeigen".into()))
    );
    assert_eq!(platform.get_value((1, 4)), Some(&Data::Float(4.0)));
    assert_eq!(platform.get_value((1, 6)), Some(&Data::Float(2060.0)));
    let week = wb.worksheet_range("By week").unwrap();
    assert_eq!(week.height(), 5, "header and four weeks");
}

#[test]
fn html_is_self_contained_with_svg_charts() {
    let (_dir, store, refdata) = fixture();
    let r = build(&store, "fr-de-2026", &refdata).unwrap();
    let html = String::from_utf8(render(&r, Format::Html).unwrap()).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    // Platform bars, species bars, the weekly time line.
    assert_eq!(html.matches("<svg").count(), 3, "{html}");
    assert!(html.contains("@media print"));
    for banned in [
        "http://", "https://", "<script", "<link", "<img", "url(", "@import", "<iframe",
    ] {
        assert!(!html.contains(banned), "`{banned}` in the report");
    }
    assert!(html.contains("€2,660"));
    assert!(html.contains("2026-W47"), "empty weeks are shown");
    assert!(html.contains("<td>DE</td>"), "the country table");
}

#[test]
fn hostile_names_are_escaped() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("wildwatch.db");
    let mut store = SqliteStore::open(&db).unwrap();
    let name = "<script>alert('campaign')</script> & co";
    let c = store.campaign(name, &serde_json::json!({})).unwrap();
    let hostile = "\"><img src=x onerror=alert(1)>";
    add(&mut store, c, &live(hostile, 1, 0));
    let r = build(&store, name, &RefData::shipped().unwrap()).unwrap();
    assert_eq!(r.breakdown("platform").unwrap().rows[0].key, hostile);
    let html = String::from_utf8(render(&r, Format::Html).unwrap()).unwrap();
    assert!(!html.contains("<script"), "{html}");
    assert!(!html.contains("<img"), "{html}");
    // Page text escaped by askama, chart labels by the SVG backend.
    assert!(html.contains("<h1>Campaign report: &#60;script&#62;alert(&#39;campaign&#39;)&#60;/script&#62; &#38; co</h1>"));
    assert!(html.contains("<td>&#34;&#62;&#60;img src=x onerror=alert(1)&#62;</td>"));
    assert!(
        html.contains("&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"),
        "{html}"
    );
    let cmp = wildwatch_report::compare::between(&r, &r);
    let html = String::from_utf8(render_comparison(&cmp, Format::Html).unwrap()).unwrap();
    assert!(
        !html.contains("<script") && !html.contains("<img"),
        "{html}"
    );
}

#[test]
fn empty_and_unknown_campaigns() {
    let (_dir, mut store, refdata) = fixture();
    store.campaign("empty", &serde_json::json!({})).unwrap();
    let r = build(&store, "empty", &refdata).unwrap();
    assert_eq!(r.summary.figures.ads, 0);
    assert_eq!(r.summary.high_risk_share, None);
    assert_eq!(r.summary.median_hours_to_removal, None);
    assert!(r.breakdowns.iter().all(|b| b.rows.is_empty()));
    for format in [Format::Html, Format::Csv, Format::Xlsx, Format::Json] {
        assert!(!render(&r, format).unwrap().is_empty());
    }
    let html = String::from_utf8(render(&r, Format::Html).unwrap()).unwrap();
    assert!(html.contains("No ads have been collected in this campaign yet"));
    assert_eq!(html.matches("<svg").count(), 0);

    let e = build(&store, "fr-de-2025", &refdata).unwrap_err();
    assert!(matches!(e, ReportError::UnknownCampaign { .. }));
    assert_eq!(
        e.to_string(),
        "no campaign is called `fr-de-2025`; known campaigns: empty, fr-de-2026, fr-de-2027"
    );
}
