//! Malformed JSON lines (junk, huge, truncated, Latin-1, NUL, byte-order mark): reported by number, good ones kept.

use super::*;

/// A JSON-lines file with every kind of bad line among good ones: the lines, and the ads that
/// must come out of it (id → title).
fn malformed_jsonl() -> (Vec<u8>, BTreeMap<&'static str, String>, Vec<u64>) {
    let mut lines: Vec<Vec<u8>> = Vec::new();
    let good = |id: &str, title: &str| serde_json::json!({"id": id, "title": title}).to_string();
    // 1: good.
    lines.push(
        serde_json::json!({"id": "g1", "title": "Graupapagei Hahn", "description": "zahm ohne Papiere", "price_text": "650 €"})
            .to_string()
            .into_bytes(),
    );
    // 2: binary junk (every byte but the newline, NULs and invalid UTF-8 included).
    lines.push(
        (0..=255u8)
            .filter(|b| *b != b'\n')
            .cycle()
            .take(4096)
            .collect(),
    );
    // 3: good.
    lines.push(good("g2", "Uhu").into_bytes());
    // 4: a good ad of 5 MB.
    lines.push(
        serde_json::json!({"id": "big", "title": "Elfenbein Figur", "description": "Elfenbein Figur sehr alt ".repeat(210_000)})
            .to_string()
            .into_bytes(),
    );
    // 5: a line of 5 MB that is no JSON.
    lines.push(b"x".repeat(5_000_000));
    // 6: truncated JSON.
    lines.push(b"{\"id\":\"trunc\",\"title\":\"Uh".to_vec());
    // 7: Latin-1, not UTF-8, inside a string: kept, the bytes replaced.
    lines.push(b"{\"id\":\"latin\",\"title\":\"Perroquet \xe9lev\xe9\"}".to_vec());
    // 8: a raw NUL byte inside a string (JSON forbids control characters there).
    lines.push(b"{\"id\":\"nulraw\",\"title\":\"Uhu\x00Kauz\"}".to_vec());
    // 9: an escaped NUL: valid JSON, kept as it is.
    lines.push(b"{\"id\":\"nulesc\",\"title\":\"Uhu\\u0000Kauz\"}".to_vec());
    // 10: NUL bytes only.
    lines.push(b"\x00\x00\x00".to_vec());
    // 11: JSON, but not an object.
    lines.push(b"[1,2]".to_vec());
    // 12: blank (skipped, not an error).
    lines.push(b"   ".to_vec());
    // 13: good, with a Windows line end.
    lines.push(format!("{}\r", good("crlf", "Kauz")).into_bytes());
    // 14: good.
    lines.push(good("g3", "Königspython 0.1").into_bytes());
    // 15: truncated at the end of the file (no newline).
    lines.push(b"{\"id\":\"eof\",\"title\":\"Kauz\"".to_vec());
    let want: BTreeMap<&str, String> = [
        ("g1", "Graupapagei Hahn"),
        ("g2", "Uhu"),
        ("big", "Elfenbein Figur"),
        ("latin", "Perroquet \u{fffd}lev\u{fffd}"),
        ("nulesc", "Uhu\u{0}Kauz"),
        ("crlf", "Kauz"),
        ("g3", "Königspython 0.1"),
    ]
    .into_iter()
    .map(|(k, v)| (k, v.to_string()))
    .collect();
    (lines.join(&b'\n'), want, vec![2, 5, 6, 8, 10, 11, 15])
}

/// `import` of malformed JSON lines: each bad line reported with its number, every good one
/// stored (once, also when imported again); `scan` of the same file: one answer per line in
/// order, an error naming the line for each bad one.
#[test]
fn malformed_json_lines_are_reported_by_number_and_good_ones_kept() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("hostile.jsonl");
    let (bytes, want, bad) = malformed_jsonl();
    std::fs::write(&file, bytes).unwrap();

    let (out, text) = run(ww(&data).arg("import").arg(&file));
    assert!(out.status.success(), "import failed: {text}");
    for n in &bad {
        assert!(
            text.contains(&format!("{}: line {n}: ", file.display())),
            "line {n} is not reported: {text}"
        );
    }
    let reported = text.matches(": line ").count();
    assert_eq!(reported, bad.len(), "lines reported: {text}");
    // Lines 2 (junk) and 7 (Latin-1) have bytes that are not UTF-8.
    let summary = format!(
        "imported {n} ads ({n} new, 0 already stored) from {}; {} bad rows; 2 rows with bytes that are not UTF-8",
        file.display(),
        bad.len(),
        n = want.len()
    );
    assert!(text.contains(&summary), "want `{summary}`: {text}");
    let stored = |data: &Path| -> BTreeMap<String, String> {
        listed(data)
            .into_iter()
            .map(|(u, j)| (u, j["title"].as_str().unwrap().to_string()))
            .collect()
    };
    let want_stored: BTreeMap<String, String> = want
        .iter()
        .map(|(id, t)| (format!("import:import/{id}"), t.clone()))
        .collect();
    assert_eq!(stored(&data), want_stored, "stored ads");
    let (out, text) = run(ww(&data).arg("import").arg(&file));
    assert!(out.status.success(), "second import failed: {text}");
    assert!(
        text.contains(&format!(
            "imported {n} ads (0 new, {n} already stored)",
            n = want.len()
        )),
        "{text}"
    );
    assert_eq!(
        stored(&data),
        want_stored,
        "stored ads after a second import"
    );
    assert_store_intact(&data.join("wildwatch.db"));

    let (out, text) = run(ww(&data).arg("scan").arg(&file));
    assert!(out.status.success(), "scan failed: {text}");
    let answers: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{e}: {l}")))
        .collect();
    let mut expected: Vec<(u64, Option<&str>)> = Vec::new();
    let ids = [
        "g1", "", "g2", "big", "", "", "latin", "", "nulesc", "", "", "", "crlf", "g3", "",
    ];
    for (i, id) in ids.iter().enumerate() {
        let n = i as u64 + 1;
        if n == 12 {
            continue; // blank
        }
        expected.push((n, (!bad.contains(&n)).then_some(*id)));
    }
    let got: Vec<(u64, Option<&str>)> = answers
        .iter()
        .zip(&expected)
        .map(|(a, (n, _))| match a.get("error") {
            Some(e) => {
                let e = e.as_str().unwrap_or_default();
                assert!(
                    e.contains(&format!("line {n}")) && a["line"] == *n,
                    "the error for line {n} names another line: {a}"
                );
                (*n, None)
            }
            None => (*n, a["id"].as_str()),
        })
        .collect();
    assert_eq!(
        got,
        expected,
        "scan answers (line, id or error) out of {} answers",
        answers.len()
    );
    assert_eq!(answers.len(), expected.len(), "{answers:?}");
    assert!(
        text.contains(&format!("{} errors", bad.len())),
        "scan summary: {text}"
    );
}
/// A UTF-8 byte-order mark (as Windows tools write one) before the first JSON line: the first ad
/// is imported and scanned like the others. The CSV reader already skips it.
#[test]
fn a_byte_order_mark_does_not_cost_the_first_ad() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("bom.jsonl");
    std::fs::write(
        &file,
        "\u{feff}{\"id\":\"bom\",\"title\":\"Uhu\"}\n{\"id\":\"g\",\"title\":\"Kauz\"}\n",
    )
    .unwrap();
    let (out, text) = run(ww(&data).arg("import").arg(&file));
    assert!(out.status.success(), "{text}");
    assert!(
        text.contains("imported 2 ads (2 new, 0 already stored)") && text.contains("; 0 bad rows"),
        "the ad on the line with the BOM is lost: {text}"
    );
    let (out, text) = run(ww(&data).arg("scan").arg(&file));
    assert!(out.status.success(), "{text}");
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["id"], "bom", "scan answers the BOM line with {first}");
}
