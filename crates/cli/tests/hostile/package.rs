//! `kill -9` and concurrency while evidence packages are written: the final path always checks.

use super::*;

/// Files in `dir` other than `except`, with their sizes.
fn others(dir: &Path, except: &[&str]) -> Vec<(String, u64)> {
    let mut v: Vec<(String, u64)> = std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| {
            let e = e.ok()?;
            let name = e.file_name().to_string_lossy().into_owned();
            let len = e.metadata().ok()?.len();
            (!except.contains(&name.as_str())).then_some((name, len))
        })
        .collect();
    v.sort();
    v
}

/// `evidence check` of `zip` with the signer's `key`: the problems it prints, if any.
fn package_checks(data: &Path, zip: &Path, key: &str) -> Result<String, String> {
    let (out, text) = run(ww(data)
        .args(["evidence", "check"])
        .arg(zip)
        .args(["--public-key", key]));
    if out.status.success() && text.contains("OK: ") {
        Ok(text)
    } else {
        // The first problems and the verdict (a torn package has thousands).
        let lines: Vec<&str> = text.lines().collect();
        let mut short = lines[..lines.len().min(12)].join("\n");
        if lines.len() > 12 {
            short += &format!(
                "\n… {} more lines …\n{}",
                lines.len() - 13,
                lines[lines.len() - 1]
            );
        }
        Err(short)
    }
}

/// `kill -9` of `evidence package` at the start, in the middle and near the end of writing a
/// package of 3,000 ads: the final path always holds a complete package that checks (the one
/// before, or none when there was none), never a half-written one; a rerun writes one that checks
/// and leaves no temporary file behind.
#[test]
fn evidence_package_killed_while_writing_leaves_no_partial_package() {
    const N: usize = 3_000;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("ads.jsonl");
    std::fs::write(&file, many_ads(N, 7).0).unwrap();
    let (out, text) = run(ww(&data)
        .arg("import")
        .arg(&file)
        .args(["--campaign", "case"]));
    assert!(out.status.success(), "{text}");
    let outdir = dir.path().join("out");
    std::fs::create_dir_all(&outdir).unwrap();
    let zip = outdir.join("case.zip");
    let package = |to: &Path| {
        let mut c = ww(&data);
        c.args(["evidence", "package", "--campaign", "case", "--out"])
            .arg(to)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };

    // One complete package first (this also makes the signing key).
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--campaign", "case", "--out"])
        .arg(&zip));
    assert!(out.status.success(), "{text}");
    assert!(text.contains(&format!("{N} ads")), "{text}");
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .unwrap()
        .to_string();
    package_checks(&data, &zip, &key)
        .unwrap_or_else(|e| panic!("the first package does not check: {e}"));
    let full = std::fs::metadata(&zip).unwrap().len();

    // Killed when the file being written has reached a share of the full size.
    let mut killed_mid_write = 0;
    for share in [0.0, 0.5, 0.95] {
        let mut p = Proc::spawn(&mut package(&zip));
        let at = ((full as f64 * share) as u64).max(1);
        wait_for(300, "the package to be written", || {
            others(&outdir, &["case.zip"]).iter().any(|(_, n)| *n >= at) || !p.running()
        });
        let partial = others(&outdir, &["case.zip"]);
        if p.kill9() {
            killed_mid_write += 1;
        }
        if let Err(problems) = package_checks(&data, &zip, &key) {
            panic!(
                "killed at {share} of {full} bytes (files beside it: {partial:?}): {} is no longer a \
                 complete package: {problems}",
                zip.display()
            );
        }
    }
    eprintln!("package runs killed while writing: {killed_mid_write} of 3");
    assert!(
        killed_mid_write > 0,
        "every package run ended before it could be killed: make it larger"
    );
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--campaign", "case", "--out"])
        .arg(&zip));
    assert!(out.status.success(), "the rerun failed: {text}");
    package_checks(&data, &zip, &key)
        .unwrap_or_else(|e| panic!("the rerun's package does not check: {e}"));

    // A first package killed before it is done: nothing at its path.
    let fresh = outdir.join("fresh.zip");
    let mut p = Proc::spawn(&mut package(&fresh));
    wait_for(300, "the fresh package to be written", || {
        others(&outdir, &["case.zip"]).iter().any(|(_, n)| *n > 0) || !p.running()
    });
    let partial = others(&outdir, &["case.zip"]);
    if p.kill9() {
        assert!(
            !fresh.exists() || package_checks(&data, &fresh, &key).is_ok(),
            "a half-written package at {} after kill -9 (files: {partial:?})",
            fresh.display()
        );
    }
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--campaign", "case", "--out"])
        .arg(&fresh));
    assert!(out.status.success(), "the rerun failed: {text}");
    let checked = package_checks(&data, &fresh, &key)
        .unwrap_or_else(|e| panic!("the rerun's package does not check: {e}"));
    assert!(checked.contains(&format!("{N} ads")), "{checked}");
    let left = others(&outdir, &["case.zip", "fresh.zip"]);
    assert!(
        left.is_empty(),
        "files left beside the packages after the reruns: {left:?}"
    );
}
/// Two `evidence package` runs to the same `--out` at once (a double click, overlapping cron
/// jobs): whatever lies at the path afterwards checks, and a run that reports success wrote it.
#[test]
fn concurrent_packages_to_one_path_leave_a_package_that_checks() {
    const N: usize = 3_000;
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("d");
    let file = dir.path().join("ads.jsonl");
    std::fs::write(&file, many_ads(N, 11).0).unwrap();
    let (out, text) = run(ww(&data)
        .arg("import")
        .arg(&file)
        .args(["--campaign", "case"]));
    assert!(out.status.success(), "{text}");
    let outdir = dir.path().join("out");
    std::fs::create_dir_all(&outdir).unwrap();
    let zip = outdir.join("case.zip");
    let (out, text) = run(ww(&data)
        .args(["evidence", "package", "--campaign", "case", "--out"])
        .arg(&zip));
    assert!(out.status.success(), "{text}");
    let key = text
        .lines()
        .find_map(|l| l.strip_prefix("public key: "))
        .unwrap()
        .to_string();
    let full = std::fs::metadata(&zip).unwrap().len();
    std::fs::remove_file(&zip).unwrap();
    let package = || {
        let mut c = ww(&data);
        c.args(["evidence", "package", "--campaign", "case", "--out"])
            .arg(&zip)
            .stdout(Stdio::null())
            .stderr(Stdio::null());
        c
    };
    let mut a = Proc::spawn(&mut package());
    wait_for(300, "the first package to be half written", || {
        others(&outdir, &[]).iter().any(|(_, n)| *n >= full / 2) || !a.running()
    });
    // The second run packages three ads: it ends long before the first.
    let mut b = Proc::spawn(
        ww(&data)
            .args(["evidence", "package", "--ads", "1,2,3", "--out"])
            .arg(&zip)
            .stdout(Stdio::null())
            .stderr(Stdio::null()),
    );
    let ra = a.0.wait().unwrap();
    let rb = b.0.wait().unwrap();
    let checked = package_checks(&data, &zip, &key);
    assert!(
        checked.is_ok(),
        "runs exited {ra} and {rb}; the package at {} does not check: {}",
        zip.display(),
        checked.unwrap_err()
    );
}
