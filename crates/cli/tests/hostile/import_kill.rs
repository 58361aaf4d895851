//! `kill -9` during `wildwatch import`: every ad stored once after a rerun.

use super::*;

/// `kill -9` twice in the middle of importing 20,000 ads (once in the first run, once in the run
/// that resumes it), then the import to its end: every ad stored once, with its title, and the
/// last run counts exactly the ads the killed runs committed as already stored.
#[test]
fn import_killed_twice_then_rerun_stores_every_ad_exactly_once() {
    const N: usize = 20_000;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let db = data.join("wildwatch.db");
    let file = dir.path().join("ads.jsonl");
    let (text, titles) = many_ads(N, 19);
    std::fs::write(&file, text).unwrap();
    let import = || {
        let mut c = ww(&data);
        c.arg("import")
            .arg(&file)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };

    // Killed as soon as the first batch is committed.
    let mut p = Proc::spawn(&mut import());
    wait_for(300, "the import to commit its first ads", || {
        rows(&db, "ads") > 0 || !p.running()
    });
    assert!(
        p.kill9(),
        "the import ended before it could be killed: make the file larger"
    );
    let first = rows(&db, "ads");
    assert!(
        (1..N as i64).contains(&first),
        "{first} ads stored after the kill"
    );

    // The resumed run killed once it has stored more.
    let mut p = Proc::spawn(&mut import());
    wait_for(300, "the resumed import to commit new ads", || {
        rows(&db, "ads") > first || !p.running()
    });
    p.kill9();
    let second = rows(&db, "ads");
    assert!(
        second >= first,
        "ads lost by the second kill: {first} → {second}"
    );

    let (out, text) = run(ww(&data).arg("import").arg(&file));
    assert!(out.status.success(), "the rerun failed: {text}");
    let want = format!(
        "imported {N} ads ({} new, {second} already stored)",
        N as i64 - second
    );
    assert!(
        text.contains(&want) && text.contains("; 0 bad rows"),
        "after kills at {first} and {second} stored ads, the rerun should say `{want}`: {text}"
    );

    let got = listed(&data);
    let lost: Vec<&String> = titles.keys().filter(|u| !got.contains_key(*u)).collect();
    let extra: Vec<&String> = got.keys().filter(|u| !titles.contains_key(*u)).collect();
    assert!(
        lost.is_empty() && extra.is_empty(),
        "{} ads lost (e.g. {:?}), {} unexpected (e.g. {:?})",
        lost.len(),
        &lost[..lost.len().min(10)],
        extra.len(),
        &extra[..extra.len().min(10)]
    );
    let garbled: Vec<String> = titles
        .iter()
        .filter(|(u, t)| got[*u]["title"].as_str() != Some(t.as_str()))
        .map(|(u, t)| format!("{u}: {t:?} stored as {}", got[u]["title"]))
        .take(10)
        .collect();
    assert!(garbled.is_empty(), "titles changed: {garbled:?}");
    assert_eq!(rows(&db, "ad_versions"), N as i64, "ad versions");
    assert_store_intact(&db);
}
