//! ARCHITECTURE.md names every crate of the workspace (its crate table is how a newcomer maps the
//! code): a crate added without a line there fails this test.

use std::path::Path;

#[test]
fn architecture_md_names_every_crate() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let doc = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let manifest: toml::Value =
        toml::from_str(&std::fs::read_to_string(root.join("Cargo.toml")).unwrap()).unwrap();
    let members = manifest["workspace"]["members"].as_array().unwrap();
    let missing: Vec<&str> = members
        .iter()
        .filter_map(|m| m.as_str())
        .filter(|m| !doc.contains(&format!("| `{m}` |")))
        .collect();
    assert!(members.len() >= 16);
    assert!(
        missing.is_empty(),
        "ARCHITECTURE.md's crate table lacks {missing:?}"
    );
}
