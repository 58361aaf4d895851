//! Formula and script strings in every field that reaches a spreadsheet or a page.

use super::*;
use wildwatch_store::Reviews;

/// What a spreadsheet evaluates.
const FORMULAS: [&str; 4] = [
    "=HYPERLINK(\"http://evil\")",
    "+cmd|' /C calc'!A0",
    "@SUM(1)",
    "-2+3",
];

/// Script a browser runs.
const SCRIPTS: [&str; 2] = [
    "<script>alert('xss')</script>",
    "<img src=x onerror=alert(1)>",
];

/// The cells of a CSV text that a spreadsheet would evaluate as a formula.
fn formula_cells(csv_text: &str) -> Vec<String> {
    let plain_number = |s: &str| {
        let d = s.strip_prefix(['-', '+']).unwrap_or(s);
        !d.is_empty()
            && d.chars().all(|c| c.is_ascii_digit() || c == '.')
            && d.matches('.').count() <= 1
            && d.chars().any(|c| c.is_ascii_digit())
    };
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let mut bad = Vec::new();
    for rec in r.records() {
        for cell in rec.unwrap().iter() {
            if cell.starts_with(['=', '+', '-', '@', '\t', '\r']) && !plain_number(cell) {
                bad.push(cell.to_string());
            }
        }
    }
    bad
}

/// Every cell of `csv_text` is safe, and each hostile formula is there, defused with a `'`.
fn assert_defused(sink: &str, csv_text: &str, must_hold: &[&str]) {
    let raw = formula_cells(csv_text);
    assert!(
        raw.is_empty(),
        "{sink} writes cells a spreadsheet evaluates: {raw:?}\n{csv_text}"
    );
    let mut r = csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .from_reader(csv_text.as_bytes());
    let cells: BTreeSet<String> = r
        .records()
        .flat_map(|rec| rec.unwrap().iter().map(str::to_string).collect::<Vec<_>>())
        .collect();
    for f in must_hold {
        assert!(
            cells.contains(&format!("'{f}")),
            "{sink}: no cell `'{f}` (the hostile value is missing or changed)\n{csv_text}"
        );
    }
}

/// Ads whose every free-text field is a formula or a script: the CSV of `ads list`, `report`,
/// `networks export` and `takedown` hold each as a defused cell (a leading `'`), the HTML report
/// no live markup.
#[test]
fn formula_and_script_strings_reach_spreadsheets_defused() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("hostile.jsonl");
    let desc = "Elfenbein Schnitzerei, ohne Papiere, Versand möglich. Tel. 0171 2345678";
    let mut lines = Vec::new();
    for f in FORMULAS {
        // On a platform, in a country and at a place named by the formula (report breakdowns)…
        lines.push(serde_json::json!({
            "url": format!("{f}#a"), "id": format!("{f}#a"), "title": f, "description": desc,
            "price_text": f, "seller": f, "platform": f, "country": f, "location": f,
        }));
        // …and on a real platform, for a takedown notice.
        lines.push(serde_json::json!({
            "url": f, "id": f, "title": f, "description": desc, "price_text": f,
            "seller": format!("{f} 2"), "platform": "kleinanzeigen", "country": "DE",
        }));
    }
    for (i, s) in SCRIPTS.iter().enumerate() {
        lines.push(serde_json::json!({
            "url": format!("https://m.test/x{i}"), "title": s, "description": desc,
            "price_text": s, "seller": s, "platform": s, "country": s,
        }));
    }
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    std::fs::write(&file, text).unwrap();
    let (out, text) = run(ww(&data)
        .arg("import")
        .arg(&file)
        .args(["--campaign", "hostile"]));
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains(&format!("imported {} ads", lines.len())),
        "{text}"
    );

    // ads list.
    let (out, text) = run(ww(&data).args(["ads", "list", "--format", "csv"]));
    assert!(out.status.success(), "{text}");
    let csv_text = String::from_utf8(out.stdout).unwrap();
    let mut expect: Vec<String> = FORMULAS.iter().map(|f| f.to_string()).collect();
    expect.extend(FORMULAS.iter().map(|f| format!("{f}#a")));
    expect.extend(FORMULAS.iter().map(|f| format!("{f} 2")));
    let expect_refs: Vec<&str> = expect.iter().map(String::as_str).collect();
    assert_defused("`ads list --format csv`", &csv_text, &expect_refs);

    // report (platforms and countries are breakdown keys).
    let (out, text) = run(ww(&data).args(["report", "hostile", "--format", "csv"]));
    assert!(out.status.success(), "{text}");
    let csv_text = String::from_utf8(out.stdout).unwrap();
    assert_defused("`report --format csv`", &csv_text, &FORMULAS);
    let (out, text) = run(ww(&data).args(["report", "hostile", "--format", "html"]));
    assert!(out.status.success(), "{text}");
    let html = String::from_utf8(out.stdout).unwrap();
    for s in ["<script>alert('xss')", "<img src=x", "<IMG SRC=X"] {
        assert!(
            !html.contains(s),
            "the HTML report holds live markup from an ad: `{s}`"
        );
    }
    assert!(
        html.contains("&lt;script&gt;alert(") || html.contains("&lt;SCRIPT&gt;ALERT("),
        "the hostile platform name is not in the HTML report (escaped)"
    );
    // The workbook: strings only, never a formula element.
    let xlsx = dir.path().join("report.xlsx");
    let (out, text) = run(ww(&data)
        .args(["report", "hostile", "--format", "xlsx", "--out"])
        .arg(&xlsx));
    assert!(out.status.success(), "{text}");
    let mut z = zip::ZipArchive::new(std::fs::File::open(&xlsx).unwrap()).unwrap();
    let mut shared = String::new();
    for i in 0..z.len() {
        let mut f = z.by_index(i).unwrap();
        let name = f.name().unwrap().to_string();
        let mut xml = String::new();
        f.read_to_string(&mut xml).unwrap();
        if name.starts_with("xl/worksheets/") {
            assert!(
                !xml.contains("<f>") && !xml.contains("<f "),
                "`report --format xlsx`: {name} holds a formula: {xml}"
            );
        }
        if name == "xl/sharedStrings.xml" {
            shared = xml;
        }
    }
    assert!(
        shared.contains("HYPERLINK") && shared.contains("@SUM(1)"),
        "`report --format xlsx`: the hostile platform names are missing: {shared}"
    );
    // Two campaigns compared.
    let (out, text) = run(ww(&data)
        .arg("import")
        .arg(&file)
        .args(["--campaign", "hostile2"]));
    assert!(out.status.success(), "{text}");
    let (out, text) = run(ww(&data).args([
        "report", "compare", "hostile", "hostile2", "--format", "csv",
    ]));
    assert!(out.status.success(), "report compare: {text}");
    let csv_text = String::from_utf8(out.stdout).unwrap();
    assert_defused("`report compare --format csv`", &csv_text, &FORMULAS);

    // networks export (sellers linked by their shared phone number).
    let (out, text) = run(ww(&data).args(["sellers", "link"]));
    assert!(out.status.success(), "{text}");
    let prefix = dir.path().join("net");
    let (out, text) = run(ww(&data)
        .args(["networks", "export", "--format", "csv", "--out"])
        .arg(&prefix));
    assert!(out.status.success(), "networks export: {text}");
    let nodes = std::fs::read_to_string(dir.path().join("net.nodes.csv")).unwrap();
    let edges = std::fs::read_to_string(dir.path().join("net.edges.csv")).unwrap();
    assert_defused("`networks export --format csv` (nodes)", &nodes, &FORMULAS);
    assert_defused("`networks export --format csv` (edges)", &edges, &[]);

    // takedown notice of the ads on the real platform.
    {
        use wildwatch_store::app::Review;
        use wildwatch_store::{AdFilter, SqliteStore, Store};
        let mut store = SqliteStore::open(&data.join("wildwatch.db")).unwrap();
        let rows = store
            .list_ads(&AdFilter {
                platform: Some("kleinanzeigen".into()),
                ..Default::default()
            })
            .unwrap();
        assert_eq!(rows.len(), FORMULAS.len());
        for r in &rows {
            let review = Review {
                relevant: true,
                category: wildwatch_store::Category::Part,
                risk: wildwatch_store::Risk::High,
                takedown: true,
                ..Default::default()
            };
            store
                .save_review(
                    r.id,
                    &review,
                    wildwatch_store::ReviewStatus::Corrected,
                    "alice",
                )
                .unwrap();
        }
    }
    let notices = dir.path().join("notices");
    let (out, text) = run(ww(&data)
        .args([
            "takedown",
            "hostile",
            "--platform",
            "kleinanzeigen",
            "--lang",
            "en",
            "--out",
        ])
        .arg(&notices));
    assert!(out.status.success(), "takedown: {text}");
    let csv_file = std::fs::read_dir(&notices)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.extension().is_some_and(|x| x == "csv"))
        .unwrap();
    let csv_text = std::fs::read_to_string(csv_file).unwrap();
    assert_defused("`takedown` notice CSV", &csv_text, &FORMULAS);
}
