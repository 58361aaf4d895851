//! The real binary on real files: the scan contract, detection cases a user would check, the
//! evaluation floors, reference data updates and user lexicons.

use assert_cmd::Command;
use predicates::prelude::*;
use serde_json::Value;
use std::io::Write;

fn ww() -> Command {
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    // Keep the user's own config and data out of the tests.
    c.env("HOME", env!("CARGO_TARGET_TMPDIR"))
        .env(
            "XDG_CONFIG_HOME",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-config"),
        )
        .env(
            "WILDWATCH_DATA",
            concat!(env!("CARGO_TARGET_TMPDIR"), "/no-data"),
        )
        .env_remove("WILDWATCH_REFDATA");
    c
}

fn scan(lines: &str) -> Vec<Value> {
    let out = ww()
        .arg("scan")
        .write_stdin(lines.to_string())
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    String::from_utf8(out)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

fn one(title: &str, description: &str, price: Option<&str>) -> Value {
    let ad = serde_json::json!({"id": "t", "title": title, "description": description, "price_text": price});
    scan(&format!("{ad}\n")).remove(0)
}

fn species(v: &Value) -> Vec<String> {
    v["species"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["scientific_name"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn scan_keeps_order_and_answers_bad_lines_with_their_number() {
    let input = "{\"id\":\"1\",\"title\":\"Graupapagei\"}\nnot json\n\n{\"title\":\"no id\"}\n{\"id\":\"4\",\"title\":\"Sofa\",\"extra\":{\"x\":1}}\n";
    let out = scan(input);
    assert_eq!(out.len(), 4);
    assert_eq!(out[0]["id"], "1");
    assert!(out[1]["error"].as_str().unwrap().contains("line 2"));
    assert!(out[2]["error"].as_str().unwrap().contains("line 4"));
    assert!(out[2]["error"].as_str().unwrap().contains("id"));
    assert_eq!(out[3]["id"], "4");
    for key in [
        "relevant",
        "category",
        "species",
        "specimens",
        "price_eur",
        "documents",
        "intent",
        "lang",
        "risk_score",
        "risk",
        "reasons",
    ] {
        assert!(out[0].get(key).is_some(), "missing {key}");
    }
}

#[test]
fn scan_survives_empty_binary_and_huge_input() {
    ww().arg("scan")
        .write_stdin("")
        .assert()
        .success()
        .stdout("");
    let mut binary: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
    binary.push(b'\n');
    ww().arg("scan")
        .write_stdin(binary)
        .assert()
        .success()
        .stdout(predicate::str::contains("\"error\""));
    let huge = format!(
        "{{\"id\":\"big\",\"title\":\"Elfenbein\",\"description\":\"{}\"}}\n",
        "Elfenbein Figur sehr alt ".repeat(420_000)
    );
    assert!(huge.len() > 10_000_000);
    let out = scan(&huge);
    assert_eq!(out[0]["id"], "big");
    assert_eq!(out[0]["relevant"], true);
    // Latin-1 bytes in a JSON string are not UTF-8: answered, not a crash.
    ww().arg("scan")
        .write_stdin(b"{\"id\":\"l1\",\"title\":\"Perroquet \xe9lev\xe9\"}\n".to_vec())
        .assert()
        .success();
}

#[test]
fn live_parrot_with_plausible_documents_is_low_risk() {
    let v = one(
        "Graupapagei Pärchen NZ 2024",
        "Verkaufe 1,1 Graupapageien, geschlossen beringt, mit EG-Bescheinigung.",
        Some("1.800 € VB"),
    );
    assert_eq!(v["relevant"], true);
    assert_eq!(v["category"], "live");
    assert_eq!(species(&v), vec!["Psittacus erithacus"]);
    assert_eq!(v["species"][0]["cites"], "I");
    assert_eq!(v["species"][0]["eu_annex"], "A");
    assert_eq!(v["specimens"], 2);
    assert_eq!(v["price_eur"], 1800.0);
    assert_eq!(v["lang"], "de");
    let docs: Vec<&str> = v["documents"]
        .as_array()
        .unwrap()
        .iter()
        .map(|d| d.as_str().unwrap())
        .collect();
    assert!(
        docs.contains(&"article10") && docs.contains(&"ring") && docs.contains(&"captive_bred"),
        "{docs:?}"
    );
    assert_eq!(v["risk"], "low");
}

#[test]
fn obfuscated_ivory_is_high_risk_with_the_words_shown() {
    let v = one(
        "Sculpture ancienne en i v o i r e",
        "Belle pièce, sans papiers, envoi possible",
        Some("450 €"),
    );
    assert_eq!(v["relevant"], true);
    assert_eq!(v["category"], "part");
    assert_eq!(species(&v), vec!["Loxodonta africana"]);
    assert_eq!(v["risk"], "high");
    let reasons = v["reasons"].as_array().unwrap();
    assert!(
        reasons
            .iter()
            .any(|r| r["code"] == "OBFUSCATION"
                && r["text"].as_str().unwrap().contains("i v o i r e"))
    );
    assert!(reasons.iter().any(|r| r["code"] == "NO_PAPERS"));
    let v = one("1v0ry netsuke", "old, carved", None);
    assert_eq!(v["risk"], "high");
}

#[test]
fn code_words_fire_and_name_their_list() {
    let v = one(
        "Netsuke aus Rinderknochen",
        "Sehr feine Schnitzerei, Material mit besonderer Maserung",
        None,
    );
    assert_eq!(v["relevant"], true);
    assert_eq!(v["risk"], "high");
    assert!(v["reasons"]
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r["code"] == "CODE_WORD" && r["list"] == "code_words.csv"));
}

#[test]
fn lookalikes_and_unlisted_species_are_not_relevant() {
    for (title, desc, want) in [
        (
            "Plüsch Papagei",
            "Kuscheltier für Kinder, 30 cm",
            "lookalike",
        ),
        (
            "Ivory wedding dress size 10",
            "Beautiful ivory colour, worn once",
            "lookalike",
        ),
        (
            "Lacoste polo crocodile",
            "taille M, très bon état",
            "lookalike",
        ),
        (
            "Jaguar XF 2.2d",
            "Full service history, 120k miles",
            "lookalike",
        ),
        (
            "Learning Python book",
            "O'Reilly, 5th edition, programming",
            "lookalike",
        ),
        (
            "Wellensittich Pärchen",
            "2 Wellensittiche abzugeben",
            "none",
        ),
        (
            "Mammoth ivory pendant",
            "Genuine mammoth ivory from Siberia",
            "lookalike",
        ),
    ] {
        let v = one(title, desc, None);
        assert_eq!(v["relevant"], false, "{title}: {v}");
        assert_eq!(v["category"], want, "{title}: {v}");
        assert_eq!(v["risk"], "none");
    }
}

#[test]
fn wanted_and_swap_ads_are_told_from_offers() {
    assert_eq!(
        one("Suche Graupapagei", "Zahm, gerne mit Papieren", None)["intent"],
        "wanted"
    );
    assert_eq!(
        one("WTB royal python", "looking for a female", None)["intent"],
        "wanted"
    );
    assert_eq!(
        one("Tausche Königspython 1.0", "gegen Kornnatter", None)["intent"],
        "swap"
    );
    assert_eq!(
        one("Graupapagei sucht ein neues Zuhause", "", None)["intent"],
        "offer"
    );
}

#[test]
fn table_format_is_readable() {
    ww().args(["scan", "--format", "table"])
        .write_stdin("{\"id\":\"x1\",\"title\":\"Königspython 0.1 NZ\",\"price_text\":\"80 €\"}\n")
        .assert()
        .success()
        .stdout(predicate::str::contains("Python regius").and(predicate::str::contains("x1")));
}

#[test]
fn evaluation_floors_hold() {
    let root = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/eval");
    // The floors measured when they were set; raise them as detection improves, never lower them.
    ww().args([
        "eval",
        root,
        "--errors",
        "0",
        "--min-relevance-f1",
        "0.98",
        "--min-risk-accuracy",
        "0.96",
    ])
    .assert()
    .success();
    // The open part of the market corpus (real-looking text, 65 % hard negatives). Its sealed
    // part (market/sealed) is measured by hand and reported, never tuned on.
    let market = concat!(env!("CARGO_MANIFEST_DIR"), "/../../data/eval/market");
    ww().args([
        "eval",
        market,
        "--errors",
        "0",
        "--min-relevance-f1",
        "0.95",
        "--min-risk-accuracy",
        "0.95",
    ])
    .assert()
    .success();
}

#[test]
fn refdata_show_resolves_every_kind_of_name() {
    for name in [
        "Psittacus erithacus",
        "Graupapagei",
        "Grey Parrot",
        "perroquet gris du Gabon",
        "Grijze Roodstaartpapegaai",
    ] {
        ww().args(["refdata", "show", name])
            .assert()
            .success()
            .stdout(
                predicate::str::contains("Psittacus erithacus")
                    .and(predicate::str::contains("CITES:      I")),
            );
    }
    ww().args(["refdata", "show", "Melopsittacus", "undulatus"])
        .assert()
        .success()
        .stdout(predicate::str::contains("not listed"));
    ww().args(["refdata", "show", "Testudo hermanni"])
        .assert()
        .success()
        .stdout(
            predicate::str::contains("EU annex:   A").and(predicate::str::contains("unverified")),
        );
    ww().args(["refdata", "show", "Nothing at all"])
        .assert()
        .failure()
        .stderr(predicate::str::contains("no taxon"));
}

#[test]
fn refdata_update_reports_changes_and_refuses_malformed_exports() {
    let dir = tempfile::tempdir().unwrap();
    let target = dir.path().join("refdata");
    let header = "TaxonId,Kingdom,Phylum,Class,Order,Family,Genus,Species,Subspecies,FullName,AuthorYear,RankName,CurrentListing,SynonymsWithAuthors,EnglishNames,FrenchNames,SpanishNames,CitesAccepted\n";
    let good = format!(
        "{header}9644,Animalia,Chordata,Aves,Psittaciformes,Psittacidae,Psittacus,erithacus,,Psittacus erithacus,\"(Linnaeus, 1758)\",SPECIES,I,,Grey Parrot,Perroquet gris,,true\n\
         10582,Animalia,Chordata,Reptilia,Testudines,Testudinidae,Testudo,hermanni,,Testudo hermanni,\"Gmelin, 1789\",SPECIES,I,,Hermann's Tortoise,,,true\n\
         99999,Animalia,Chordata,Reptilia,Sauria,Gekkonidae,Newgecko,novus,,Newgecko novus,\"X, 2024\",SPECIES,II,,New Gecko,,,true\n"
    );
    let export = dir.path().join("export.csv");
    std::fs::write(&export, &good).unwrap();
    ww().args(["refdata", "update"])
        .arg(&export)
        .args(["--date", "2025-06-01", "--out"])
        .arg(&target)
        .assert()
        .success()
        .stdout(
            predicate::str::contains("+ Newgecko novus")
                .and(predicate::str::contains("~ Testudo hermanni: CITES II")),
        );
    ww().args(["--refdata"])
        .arg(&target)
        .args(["refdata", "show", "Newgecko novus"])
        .assert()
        .success()
        .stdout(predicate::str::contains("CITES:      II"));

    // A malformed export is refused with its line and column, and the data stays as it was.
    let bad = format!("{header}123,Animalia,Chordata,Aves,Psittaciformes,Psittacidae,Ara,macao,,Ara macao,,SPECIES,IV,,,,,true\n");
    std::fs::write(&export, bad).unwrap();
    ww().args(["refdata", "update"])
        .arg(&export)
        .args(["--date", "2026-01-01", "--out"])
        .arg(&target)
        .assert()
        .failure()
        .stderr(
            predicate::str::contains("line 2")
                .and(predicate::str::contains("column 13"))
                .and(predicate::str::contains("not changed")),
        );
    ww().args(["--refdata"])
        .arg(&target)
        .args(["refdata", "show", "Newgecko novus"])
        .assert()
        .success();
}

#[test]
fn a_user_lexicon_adds_code_words_without_rebuilding() {
    let dir = tempfile::tempdir().unwrap();
    let mut f = std::fs::File::create(dir.path().join("code_words.csv")).unwrap();
    writeln!(f, "term,lang,stands_for,implies,needs_context,source,verified\nsnow stone,any,elephant ivory,Loxodonta africana,no,our analysts 2026,no").unwrap();
    let out = ww()
        .arg("--lexicon")
        .arg(dir.path())
        .arg("scan")
        .write_stdin(
            "{\"id\":\"u\",\"title\":\"Snow stone carving\",\"description\":\"heavy, old\"}\n",
        )
        .assert()
        .success()
        .get_output()
        .stdout
        .clone();
    let v: Value = serde_json::from_slice(&out).unwrap();
    assert_eq!(v["relevant"], true);
    assert!(v["reasons"].as_array().unwrap().iter().any(
        |r| r["code"] == "CODE_WORD" && r["list"].as_str().unwrap().contains("code_words.csv")
    ));
    // A broken user list is refused with the file and line.
    std::fs::write(
        dir.path().join("documents.csv"),
        "term,lang,document\nfoo,xx,ring\n",
    )
    .unwrap();
    ww().arg("--lexicon")
        .arg(dir.path())
        .arg("scan")
        .write_stdin("")
        .assert()
        .failure()
        .stderr(predicate::str::contains("line 2"));
}
