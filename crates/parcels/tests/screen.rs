use std::collections::BTreeMap;

use wildwatch_detect::Detector;
use wildwatch_parcels::{screen, Mapping, Options, OwnerLookup, Screened, Terms};

const MANIFEST: &str = include_str!("fixtures/manifest.csv");

fn run(
    text: &str,
    mapping: &Mapping,
    lookup: Option<&mut dyn OwnerLookup>,
) -> (Vec<Screened>, wildwatch_parcels::Summary) {
    let det = Detector::shipped().unwrap();
    let terms = Terms::shipped();
    let opts = Options {
        mapping,
        detector: &det,
        terms: &terms,
        all: true,
        chunk: 7,
    };
    let mut rows = Vec::new();
    let s = screen(text.as_bytes(), &opts, lookup, |r| {
        rows.push(r.clone());
        Ok(())
    })
    .unwrap();
    (rows, s)
}

fn codes(rows: &[Screened]) -> BTreeMap<String, Vec<&'static str>> {
    rows.iter()
        .map(|r| (r.shipment.clone(), r.flags.iter().map(|f| f.code).collect()))
        .collect()
}

#[test]
fn fixture_manifest_flags_and_reasons() {
    let (rows, s) = run(MANIFEST, &Mapping::default_mapping(), None);
    let c = codes(&rows);
    let flagged = |id: &str, code: &str| {
        assert!(
            c[id].contains(&code),
            "{id} should carry {code}, has {:?}",
            c[id]
        )
    };
    let clean = |id: &str| assert!(c[id].is_empty(), "{id} should be clean, has {:?}", c[id]);
    flagged("EN1", "live");
    flagged("EN2", "live");
    flagged("EN3", "decoy-weight");
    clean("EN4"); // a 150 g ceramic turtle is a figurine
    clean("EN5");
    clean("EN6");
    flagged("EN7", "craft-part");
    flagged("EN8", "live");
    flagged("EN9", "euphemism");
    flagged("EN10", "species");
    clean("EN11");
    flagged("FR1", "craft-part");
    flagged("FR1", "species");
    flagged("FR2", "craft-part");
    flagged("FR3", "decoy-weight");
    flagged("FR4", "live");
    flagged("FR5", "animal");
    clean("FR6");
    clean("FR7");
    clean("FR8");
    flagged("DE1", "animal");
    clean("DE2"); // Vogelfutter
    flagged("DE3", "live");
    flagged("DE4", "decoy-weight");
    flagged("DE5", "craft-part");
    clean("DE6");
    flagged("DE7", "species");
    flagged("NL1", "live");
    flagged("NL2", "animal");
    flagged("NL3", "decoy-weight");
    clean("NL4");
    clean("NL6");
    // Reasons name the words and the rule.
    let en3 = rows.iter().find(|r| r.shipment == "EN3").unwrap();
    assert!(en3.flags[0]
        .text
        .contains("\"ceramic\" + \"turtle\" declared at 1.5 kg"));
    assert_eq!(en3.risk, "high");
    let de7 = rows.iter().find(|r| r.shipment == "DE7").unwrap();
    assert!(de7.flags[0].text.contains("Psittacus erithacus"));
    assert_eq!(
        rows.iter().find(|r| r.shipment == "EN1").unwrap().weight_kg,
        Some(1.2)
    );
    // Bad rows: unreadable value (DE8), short row (NL5); the screen goes on.
    let lines: Vec<u64> = s.bad.iter().map(|b| b.line).collect();
    assert_eq!(lines, vec![28, 33], "{:?}", s.bad);
    assert!(s.bad[1].error.contains("columns"));
    assert_eq!(s.rows, 33);
    assert!(rows.iter().any(|r| r.shipment == "NL6"));
}

#[test]
fn semicolon_manifest_with_custom_mapping_and_missing_contents() {
    let text = "Nr;Ware;Kilo\n1;lebende Tiere;2\n2;Bücher;1\n";
    let m = Mapping::parse(
        "[columns]\nshipment = [\"nr\"]\ncontents = [\"Ware\"]\nweight = [\"kilo\"]\n",
        "test.toml",
    )
    .unwrap();
    let (rows, _) = run(text, &m, None);
    assert_eq!(rows[0].flags[0].code, "live");
    assert!(rows[1].flags.is_empty());
    let det = Detector::shipped().unwrap();
    let terms = Terms::shipped();
    let opts = Options {
        mapping: &Mapping::default_mapping(),
        detector: &det,
        terms: &terms,
        all: false,
        chunk: 10,
    };
    let err = screen(text.as_bytes(), &opts, None, |_| Ok(())).unwrap_err();
    let msg = err.to_string();
    assert!(
        msg.contains("\"contents\"") && msg.contains("default mapping"),
        "{msg}"
    );
}

#[test]
fn weights_and_values() {
    use wildwatch_parcels::{parse_value, parse_weight};
    assert_eq!(parse_weight("1,2 kg"), Some(1.2));
    assert_eq!(parse_weight("800 g"), Some(0.8));
    assert_eq!(parse_weight("2"), Some(2.0));
    assert_eq!(parse_weight("heavy"), None);
    assert_eq!(
        parse_value("€ 1.200,50"),
        Some((1200.5, Some("EUR".into())))
    );
    assert_eq!(parse_value("40 GBP"), Some((40.0, Some("GBP".into()))));
    assert_eq!(parse_value("x"), None);
}
