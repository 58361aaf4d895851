//! Takedown notices on a French platform: the French letter and CSV name exactly the ads
//! marked for takedown that are still online, with species, French common names, the rule
//! broken and the evidence hash; a second run finds nothing new; sending is recorded once;
//! the list counts ads gone since.

mod common;

use wildwatch_action::takedown::{self, Channel, TakedownRequest};
use wildwatch_action::templates::Templates;
use wildwatch_action::{rfc3339, sha256_hex};
use wildwatch_refdata::RefData;
use wildwatch_store::Notices;
use wildwatch_store::Reviews;
use wildwatch_store::Store;

fn request(platform: &str) -> TakedownRequest {
    TakedownRequest {
        campaign: "fr-2026".into(),
        platform: platform.into(),
        lang: None,
        created_by: "alice".into(),
    }
}

#[test]
fn french_notice_names_the_marked_ads_with_species_law_and_evidence() {
    let mut w = common::world();
    let refdata = RefData::shipped().unwrap();
    let out = w.tmp.path().join("notices");
    let issued = takedown::issue(
        &mut w.store,
        &refdata,
        &Templates::new(vec![]),
        &request("leboncoin"),
        &out,
    )
    .unwrap()
    .expect("a notice");
    assert_eq!(issued.draft.lang, "fr");
    let ids: Vec<i64> = issued.draft.ads.iter().map(|a| a.id).collect();
    assert_eq!(
        ids,
        vec![w.parrot, w.python],
        "not the tortoise (not marked), not the ivory (gone), not the other platform"
    );

    // The letter: French, every ad URL, the legal bases worded in French.
    let letter = std::fs::read_to_string(&issued.letter_path).unwrap();
    assert!(letter.starts_with("Objet : 2 annonces"), "{letter}");
    assert!(letter.contains("Madame, Monsieur"));
    assert!(letter.contains("http://127.0.0.1:8701/ad/1001.htm (annonce 1001)"));
    assert!(
        letter.contains("Psittacus erithacus (perroquet gris du Gabon)"),
        "{letter}"
    );
    assert!(letter.contains("Python regius (Python royal)"), "{letter}");
    assert!(letter.contains("article 8, paragraphe 1"), "{letter}");
    assert!(letter.contains("article 8, paragraphe 5"), "{letter}");
    assert!(letter.contains("CITES, article III"), "{letter}");
    assert!(letter.contains(issued.draft.csv_name.as_str()));
    assert!(letter.trim_end().ends_with("alice"));

    // The CSV: French header, one row per ad, hashes and capture times of the archived pages.
    let text = std::fs::read_to_string(&issued.csv_path).unwrap();
    let mut rdr = csv::Reader::from_reader(text.as_bytes());
    let header: Vec<String> = rdr.headers().unwrap().iter().map(String::from).collect();
    assert_eq!(header[0], "URL de l'annonce");
    assert_eq!(header[7], "Base légale");
    let rows: Vec<csv::StringRecord> = rdr.records().map(Result::unwrap).collect();
    assert_eq!(rows.len(), 2, "{text}");
    let parrot = &rows[0];
    assert_eq!(&parrot[0], "http://127.0.0.1:8701/ad/1001.htm");
    assert_eq!(&parrot[1], "1001");
    // A seller's formula is shown as text, never run by a spreadsheet.
    assert!(parrot[2].starts_with("'=HYPERLINK"), "{}", &parrot[2]);
    assert_eq!(&parrot[3], "Psittacus erithacus");
    assert_eq!(&parrot[4], "perroquet gris du Gabon");
    assert_eq!(&parrot[5], "I");
    assert_eq!(&parrot[6], "A");
    assert!(
        parrot[7].contains("art. 8(1)") && parrot[7].contains("article 10"),
        "{}",
        &parrot[7]
    );
    assert!(parrot[7].contains("CITES art. III"), "{}", &parrot[7]);
    let page = w
        .store
        .pages_for("http://127.0.0.1:8701/ad/1001.htm")
        .unwrap();
    assert_eq!(parrot[8], *page[0].body_sha256.as_ref().unwrap());
    assert_eq!(&parrot[9], rfc3339(common::T0).as_str());
    assert_eq!(parrot[10], *page[0].warc_file.as_ref().unwrap());
    assert_eq!(parrot[11], page[0].warc_offset.unwrap().to_string());
    let python = &rows[1];
    assert_eq!(&python[5], "II");
    assert_eq!(&python[6], "B");
    assert!(python[7].contains("art. 8(5)"), "{}", &python[7]);
    // The newest version's page: the second capture, a day later.
    assert_eq!(&python[9], rfc3339(common::T0 + 86_400).as_str());

    // Recorded: notice, ads, file hashes, audit log.
    let list = takedown::list(&w.store, Some("fr-2026")).unwrap();
    assert_eq!(list.len(), 1);
    let n = &list[0];
    assert_eq!((n.id, n.ads, n.gone, n.sent_at), (issued.id, 2, 0, None));
    assert_eq!(n.csv_sha256, sha256_hex(text.as_bytes()));
    assert_eq!(n.letter_sha256, sha256_hex(letter.as_bytes()));
    assert_eq!(
        w.store.notice_ad_ids(issued.id).unwrap(),
        vec![w.parrot, w.python]
    );
    let audit = w.store.audit_log(None, 100).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == "takedown.notice" && a.detail["notice"] == issued.id));
    assert!(audit
        .iter()
        .any(|a| a.action == "takedown.notice.ad" && a.ad_id == Some(w.parrot)));

    // A second run has nothing new and says which notice waits to be sent.
    let again = takedown::issue(
        &mut w.store,
        &refdata,
        &Templates::new(vec![]),
        &request("leboncoin"),
        &out,
    )
    .unwrap();
    assert_eq!(again.unwrap_err(), vec![(issued.id, 2)]);
    assert_eq!(
        takedown::list(&w.store, None).unwrap().len(),
        1,
        "no empty notice stored"
    );
    assert_eq!(std::fs::read_dir(&out).unwrap().count(), 2);

    // Sending: recorded once; unknown ids refused.
    let sent_at = common::T0 + 7_200;
    takedown::record_sent(&mut w.store, issued.id, sent_at, "alice", Channel::Email).unwrap();
    let e = takedown::record_sent(&mut w.store, issued.id, sent_at + 5, "bob", Channel::Form)
        .unwrap_err()
        .to_string();
    assert!(e.contains("already recorded as sent"), "{e}");
    let e = takedown::record_sent(&mut w.store, 999, sent_at, "alice", Channel::Email)
        .unwrap_err()
        .to_string();
    assert!(e.contains("no notice 999"), "{e}");

    // A revisit finds the parrot gone after the notice.
    w.fetch(
        "http://127.0.0.1:8701/ad/1001.htm",
        404,
        "gone",
        sent_at + 3_600,
        None,
    );
    let n = &takedown::list(&w.store, Some("fr-2026")).unwrap()[0];
    assert_eq!(n.sent_at, Some(sent_at));
    assert_eq!(n.channel.as_deref(), Some("email"));
    assert_eq!((n.gone, n.gone_since_sent), (1, 1));
    assert!(w
        .store
        .audit_log(None, 100)
        .unwrap()
        .iter()
        .any(|a| a.action == "takedown.sent" && a.detail["notice"] == issued.id));
}

#[test]
fn german_platform_gets_a_german_notice_and_user_templates_win() {
    let mut w = common::world();
    let refdata = RefData::shipped().unwrap();
    let mine = w.tmp.path().join("my-templates");
    std::fs::create_dir_all(mine.join("takedown")).unwrap();
    std::fs::write(
        mine.join("takedown/de.letter.txt"),
        "Hallo {{ platform }}: {% for ad in ads %}{{ ad.external_id }} {{ ad.common_names }}; {% endfor %}\n",
    )
    .unwrap();
    let issued = takedown::issue(
        &mut w.store,
        &refdata,
        &Templates::new(vec![mine]),
        &request("kleinanzeigen"),
        &w.tmp.path().join("out"),
    )
    .unwrap()
    .unwrap();
    assert_eq!(issued.draft.lang, "de");
    assert_eq!(
        issued.draft.letter,
        "Hallo kleinanzeigen: 2001 Graupapagei; "
    );
    assert!(
        issued.draft.csv.starts_with("URL der Anzeige,"),
        "{}",
        issued.draft.csv
    );
    assert!(issued.draft.csv.contains("VO (EG) 338/97 Art. 8 Abs. 1"));
}

#[test]
fn nothing_to_notify_stores_nothing() {
    let mut w = common::world();
    let refdata = RefData::shipped().unwrap();
    let r = takedown::issue(
        &mut w.store,
        &refdata,
        &Templates::new(vec![]),
        &request("marktplaats"),
        &w.tmp.path().join("out"),
    )
    .unwrap();
    assert_eq!(r.unwrap_err(), vec![]);
    assert!(takedown::list(&w.store, None).unwrap().is_empty());
    assert!(!w.tmp.path().join("out").exists());
    let e = takedown::list(&w.store, Some("nope"))
        .unwrap_err()
        .to_string();
    assert!(e.contains("no campaign named `nope`"), "{e}");
    let mut req = request("leboncoin");
    req.lang = Some("../x".into());
    let e = takedown::prepare(&w.store, &refdata, &Templates::new(vec![]), &req)
        .unwrap_err()
        .to_string();
    assert!(e.contains("not a language code"), "{e}");
    let _ = w.store.campaign_id("fr-2026").unwrap().unwrap();
}
