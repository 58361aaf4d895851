//! `wildwatch model train|eval|simulate` and `--model`/`--no-model` end to end: a model trained on
//! a labelled corpus is saved with its provenance and figures, every detecting command picks it
//! up from the data directory, and a broken model file is refused with its name.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use assert_cmd::cargo::CommandCargoExt;

fn ww(data: &Path) -> Command {
    let mut c = Command::cargo_bin("wildwatch").unwrap();
    c.arg("--data").arg(data).env_remove("WILDWATCH_MODEL");
    c
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../data/eval/market/market_en.jsonl")
}

fn ok(out: Output) -> String {
    assert!(
        out.status.success(),
        "failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

fn scan(c: &mut Command, ads: &Path) -> Vec<serde_json::Value> {
    ok(c.arg("scan").arg(ads).output().unwrap())
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn a_trained_model_is_saved_with_its_figures_and_used_by_scan() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let out = ok(ww(data)
        .args(["model", "train", "--folds", "3", "--corpus"])
        .arg(corpus())
        .output()
        .unwrap());
    assert!(out.contains("trained on 300 ads"), "{out}");
    let path = data.join("model/relevance.json");
    let saved: serde_json::Value = serde_json::from_slice(&std::fs::read(&path).unwrap()).unwrap();
    assert_eq!(saved["examples"], 300);
    assert_eq!(saved["cv"]["folds"], 3);
    assert!(saved["sources"][0]
        .as_str()
        .unwrap()
        .contains("market_en.jsonl (300 ads)"));
    assert!(saved["trained_at"].as_str().unwrap().starts_with("20"));

    let ads = data.join("ads.jsonl");
    std::fs::write(
        &ads,
        "{\"id\":\"1\",\"title\":\"Blue and gold macaw, closed ring, hand reared\"}\n\
         {\"id\":\"2\",\"title\":\"GB 1998 Endangered Species MNH set of stamps, tiger\"}\n",
    )
    .unwrap();
    let with = scan(&mut ww(data), &ads);
    assert!(with.iter().all(|d| d["model_p"].is_number()), "{with:?}");
    assert!(with[0]["model_p"].as_f64().unwrap() > with[1]["model_p"].as_f64().unwrap());
    let shipped = scan(ww(data).args(["--model", "shipped"]), &ads);
    assert!(
        shipped.iter().all(|d| d["model_p"].is_number()),
        "{shipped:?}"
    );
    let without = scan(ww(data).arg("--no-model"), &ads);
    assert!(without.iter().all(|d| d.get("model_p").is_none()));
    // The rules decide these two the same either way.
    for (a, b) in with.iter().zip(&without) {
        assert_eq!(a["relevant"], b["relevant"]);
    }
}

#[test]
fn eval_and_simulate_compare_rules_and_model() {
    let dir = tempfile::tempdir().unwrap();
    let svg = dir.path().join("curve.svg");
    let out = ok(ww(dir.path())
        .args(["model", "eval", "--folds", "3", "--curve"])
        .arg(&svg)
        .arg("--corpus")
        .arg(corpus())
        .output()
        .unwrap());
    assert!(out.contains("rules P/R/F1"), "{out}");
    assert!(out.contains("lang en"), "{out}");
    assert!(std::fs::read_to_string(&svg).unwrap().starts_with("<svg"));
    let out = ok(ww(dir.path())
        .args([
            "model",
            "simulate",
            "--batch",
            "60",
            "--max-labels",
            "180",
            "--corpus",
        ])
        .arg(corpus())
        .output()
        .unwrap());
    assert!(out.contains("queue order"), "{out}");
    assert!(out.contains("random order"), "{out}");
}

#[test]
fn a_broken_model_file_is_refused_with_its_name() {
    let dir = tempfile::tempdir().unwrap();
    let model = dir.path().join("bad.json");
    std::fs::write(&model, "{\"version\": 99}").unwrap();
    let ads = dir.path().join("ads.jsonl");
    std::fs::write(&ads, "{\"id\":\"1\",\"title\":\"x\"}\n").unwrap();
    let out = ww(dir.path())
        .arg("--model")
        .arg(&model)
        .arg("scan")
        .arg(&ads)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.json"), "{err}");
    // A corpus line without labels is named.
    let bad = dir.path().join("c.jsonl");
    std::fs::write(&bad, "{\"id\":\"1\",\"title\":\"x\"}\n").unwrap();
    let out = ww(dir.path())
        .args(["model", "train", "--corpus"])
        .arg(&bad)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("c.jsonl line 1: no `gold` object"), "{err}");
    assert!(!dir.path().join("model/relevance.json").exists());
}
