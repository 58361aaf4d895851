//! The shipped reference data: later listing changes (CoP18–CoP20), the new official names, and
//! listings that cover only part of a species.

use std::sync::OnceLock;

use wildwatch_refdata::{
    origins_in, Annex, Appendix, Basis, ChangeOutcome, Coverage, ListingChoice, NameKind, Origin,
    Rank, RefData, Scope, Taxon, TaxonId,
};

fn data() -> &'static RefData {
    static DATA: OnceLock<RefData> = OnceLock::new();
    DATA.get_or_init(|| RefData::shipped().expect("shipped data loads"))
}

fn id(name: &str) -> TaxonId {
    let d = data();
    *d.lookup(name)
        .iter()
        .find(|&&i| d.taxon(i).name == name)
        .unwrap_or_else(|| panic!("{name} is a taxon"))
}

fn taxon(name: &str) -> &'static Taxon {
    data().taxon(id(name))
}

/// The origins `RefData::origins_for` finds in a text about a taxon.
fn origins(name: &str, text: &str) -> Vec<Origin> {
    data()
        .origins_for(id(name), text)
        .into_iter()
        .map(|(o, _)| o)
        .collect()
}

fn choice(name: &str, text: &str) -> ListingChoice {
    taxon(name).listing_for_origins(&origins(name, text))
}

fn listed(c: &ListingChoice) -> (Option<Appendix>, Option<Annex>) {
    match c {
        ListingChoice::Listed {
            appendix, annex, ..
        } => (*appendix, *annex),
        other => panic!("expected one listing, got {other:?}"),
    }
}

// ---- A. Listing changes since 2017 -------------------------------------------------------------

#[test]
fn cop20_uplisting_applies_and_says_it_is_unverified() {
    let t = taxon("Carcharhinus longimanus");
    assert_eq!(t.cites, Some(Appendix::I));
    assert_eq!(t.eu_annex, Some(Annex::A));
    assert_eq!(t.cites_raw, "II", "the written 2017 listing is kept");
    assert!(!t.cites_provenance.verified);
    assert!(t
        .cites_provenance
        .source
        .starts_with("listing_changes_since_2017.csv: "));
    assert!(t
        .cites_provenance
        .to_string()
        .ends_with("(CoP20), unverified"));
    let shown = data().describe(id("Carcharhinus longimanus"));
    assert!(shown.contains("CITES:      I (as listed: II)"), "{shown}");
    assert!(shown.contains("(CoP20), unverified]"), "{shown}");
}

#[test]
fn cop20_new_taxon_is_created_with_its_listing() {
    let t = taxon("Okapia johnstoni");
    assert_eq!(t.rank, Rank::Species);
    assert_eq!((t.cites, t.eu_annex), (Some(Appendix::I), Some(Annex::A)));
    assert_eq!(t.species_plus_id, None);
    assert_eq!(
        t.cites_provenance.to_string(),
        "listing_changes_since_2017.csv: prowildlife_2025-12-04; wildlifemirror_bornfree; \
         discoverwildlife_cop20 (NGO/news); lexcovery_reg_2026_1383 (AI summary of the EU \
         regulation); speciesplus_names_2026 (id 104810) (CoP20), unverified"
    );
    assert!(t
        .notes
        .iter()
        .any(|n| n.contains("created from listing_changes")));

    // Lineage from a checklist row of the same genus.
    let bitis = taxon("Bitis harenna");
    assert_eq!(bitis.cites, Some(Appendix::I));
    assert_eq!(bitis.lineage.family, "Viperidae");
    let sloth = taxon("Choloepus didactylus");
    assert_eq!(
        (sloth.cites, sloth.lineage.order.as_str()),
        (Some(Appendix::II), "Pilosa")
    );
    let tope = taxon("Galeorhinus galeus");
    assert_eq!((tope.rank, tope.cites), (Rank::Species, Some(Appendix::II)));
    assert!(data()
        .describe(id("Galeorhinus galeus"))
        .contains("CITES:      II (as listed: -)"));
}

#[test]
fn genus_spp_rows_apply_to_the_genus_and_its_species() {
    // A genus in taxa.csv: the genus and every species move to Appendix I.
    for name in [
        "Conolophus",
        "Conolophus marthae",
        "Conolophus pallidus",
        "Conolophus subcristatus",
    ] {
        assert_eq!(taxon(name).cites, Some(Appendix::I), "{name}");
        assert!(!taxon(name).cites_provenance.verified, "{name}");
    }
    // "Mobulidae spp. (Manta spp. and Mobula spp. in taxa.csv)": the genera named for taxa.csv.
    for name in ["Manta", "Manta birostris", "Mobula", "Mobula mobular"] {
        assert_eq!(taxon(name).cites, Some(Appendix::I), "{name}");
    }
    // "Centrophorus spp. and Deania spp. (gulper sharks, Centrophoridae)": both genera are new.
    for name in ["Centrophorus", "Deania", "Mustelus"] {
        let t = taxon(name);
        assert_eq!(
            (t.rank, t.cites, t.eu_annex),
            (Rank::Genus, Some(Appendix::II), Some(Annex::B))
        );
    }
    assert_eq!(taxon("Deania").lineage.family, "Centrophoridae");
    // A family row: the new family, its members keep their own (at least as strict) listing.
    assert_eq!(taxon("Carcharhinidae").rank, Rank::Family);
    assert_eq!(taxon("Carcharhinus falciformis").cites, Some(Appendix::II));
}

#[test]
fn rejected_proposals_change_nothing_but_stay_as_notes() {
    let falcon = taxon("Falco peregrinus");
    assert_eq!(falcon.cites, Some(Appendix::I));
    assert!(
        falcon.cites_provenance.verified,
        "still the checklist's listing"
    );
    assert!(falcon
        .notes
        .iter()
        .any(|n| n.contains("rejected") && n.ends_with("no change")));
    let hippo = taxon("Hippopotamus amphibius");
    assert!(hippo.cites_provenance.source.starts_with("taxa.csv"));
    // A rejected group not in the data is created unlisted, to carry the note.
    let a = taxon("Actinopyga");
    assert_eq!((a.cites, a.eu_annex), (None, None));
    assert!(a.notes.iter().any(|n| n.contains("rejected")));
}

#[test]
fn deletions_synonyms_and_population_rows_are_applied() {
    // Deleted subspecies, and the species whose only listed part it was.
    assert_eq!(taxon("Damaliscus pygargus pygargus").cites, None);
    let bontebok = taxon("Damaliscus pygargus");
    assert_eq!((bontebok.cites, bontebok.eu_annex), (None, None));
    assert!(!bontebok.cites_provenance.verified);
    // A row under a newer name applies to the accepted taxon of that synonym.
    let boa = taxon("Epicrates inornatus");
    assert_eq!(boa.cites, Some(Appendix::II));
    // A population row becomes a part of the species' coverage.
    let caiman = taxon("Caiman latirostris");
    assert_eq!(
        caiman.cites,
        Some(Appendix::I),
        "the species' own reading is unchanged"
    );
    assert_eq!(
        listed(&caiman.listing_for_origin(&Origin::countries(&["BR"]))),
        (Some(Appendix::II), Some(Annex::B))
    );
    // The uncertain appendix: the least strict named, with a note.
    let finch = taxon("Sporophila maximiliani");
    assert_eq!(finch.cites, Some(Appendix::II));
    assert!(finch.notes.iter().any(|n| n.contains("not confirmed")));
}

#[test]
fn every_listing_change_row_is_applied_or_noted() {
    let records = &data().listing_changes;
    let count = |cop: Option<&str>, outcome: ChangeOutcome| {
        records
            .iter()
            .filter(|r| r.outcome == outcome && cop.iter().all(|c| r.cop == *c))
            .count()
    };
    let cop20 = Some("CoP20");
    assert_eq!(records.iter().filter(|r| r.cop == "CoP20").count(), 43);
    assert_eq!(count(cop20, ChangeOutcome::Applied), 32);
    assert_eq!(count(cop20, ChangeOutcome::Confirmed), 2);
    assert_eq!(count(cop20, ChangeOutcome::NoChange), 7);
    assert_eq!(count(cop20, ChangeOutcome::NotApplied), 2);
    let created_cop20: usize = records
        .iter()
        .filter(|r| r.cop == "CoP20")
        .map(|r| r.created.len())
        .sum();
    assert_eq!(created_cop20, 20);

    assert_eq!(records.len(), 88);
    assert_eq!(count(None, ChangeOutcome::Applied), 69);
    assert_eq!(count(None, ChangeOutcome::AppliedToPopulations), 4);
    assert_eq!(count(None, ChangeOutcome::Confirmed), 3);
    assert_eq!(count(None, ChangeOutcome::NoChange), 8);
    assert_eq!(count(None, ChangeOutcome::NotApplied), 4);
    assert_eq!(records.iter().map(|r| r.created.len()).sum::<usize>(), 37);

    // Nothing dropped: every row that was not applied is a note on a taxon.
    for r in records
        .iter()
        .filter(|r| r.outcome != ChangeOutcome::Applied)
    {
        assert!(!r.taxa.is_empty(), "{r:?}");
        for name in &r.taxa {
            assert!(
                taxon(name).notes.iter().any(|n| n.starts_with(&r.taxon)),
                "{r:?} is not noted on {name}"
            );
        }
    }
}

#[test]
fn new_official_names_resolve_to_their_taxa() {
    let d = data();
    // BArtSchV (German ordinance): a devil ray, now in Appendix I.
    let ray = d.lookup("Teufelsrochen");
    assert_eq!(ray, vec![id("Mobula mobular")]);
    let name = d
        .names_of(ray[0])
        .find(|n| n.text == "Teufelsrochen")
        .unwrap();
    assert_eq!(name.kind, NameKind::De);
    assert!(name.provenance.verified);
    assert_eq!(name.provenance.source, "common_names.csv (bartschv_2005)");
    assert_eq!(
        d.lookup("Kaschmirhirsch"),
        vec![id("Cervus elaphus hanglu")]
    );
    // Dutch fish trade names (Warenwetregeling handelsbenamingen vis).
    assert_eq!(d.lookup("Witpunthaai"), vec![id("Carcharhinus longimanus")]);
    let shown = d.describe(ray[0]);
    assert!(
        shown.contains("Teufelsrochen  [common_names.csv (bartschv_2005), verified]"),
        "{shown}"
    );
}

// ---- B. Listings that cover only part of a species ---------------------------------------------

#[test]
fn split_listings_keep_their_one_reading() {
    for (name, cites, annex) in [
        ("Cervus elaphus", Appendix::II, Annex::B),
        ("Struthio camelus", Appendix::I, Annex::A),
        ("Loxodonta africana", Appendix::I, Annex::A),
        ("Crocodylus niloticus", Appendix::I, Annex::A),
        ("Canis lupus", Appendix::I, Annex::A),
    ] {
        let t = taxon(name);
        assert_eq!((t.cites, t.eu_annex), (Some(cites), Some(annex)), "{name}");
        assert!(matches!(t.coverage, Coverage::Parts(_)), "{name}");
    }
    assert_eq!(taxon("Psittacus erithacus").coverage, Coverage::Whole);
    assert_eq!(taxon("Psittaciformes").coverage, Coverage::Members);
}

#[test]
fn cervus_elaphus_is_listed_only_for_three_subspecies() {
    let Coverage::Parts(p) = &taxon("Cervus elaphus").coverage else {
        panic!("partial")
    };
    assert!(p.unlisted_remainder);
    assert_eq!(p.parts.len(), 3);
    assert!(p.parts.iter().any(|x| x.appendix == Appendix::I
        && x.scope
            == Scope::Subspecies {
                names: vec!["Cervus elaphus hanglu".into()],
                range: vec!["IN".into(), "PK".into()],
            }));

    // No origin: any of I, II, III, or not listed.
    match choice("Cervus elaphus", "Red deer antlers, 12 points") {
        ListingChoice::Undetermined { options, .. } => assert_eq!(
            options,
            vec![
                None,
                Some(Appendix::I),
                Some(Appendix::II),
                Some(Appendix::III)
            ]
        ),
        other => panic!("{other:?}"),
    }
    // European red deer: no listed subspecies lives in Europe.
    let european = choice("Cervus elaphus", "Geweih vom europäischen Rothirsch");
    assert!(
        matches!(european, ListingChoice::NotCovered { .. }),
        "{european:?}"
    );
    assert!(european.reason().contains("origin Europe"));
    // The Kashmir stag, by name or by its German name: Appendix I.
    for text in ["Hanglu antler", "C. e. hanglu", "Geweih vom Kaschmirhirsch"] {
        let c = choice("Cervus elaphus", text);
        assert_eq!(listed(&c), (Some(Appendix::I), Some(Annex::A)), "{text}");
        assert!(matches!(
            c,
            ListingChoice::Listed {
                basis: Basis::NamedSubspecies,
                ..
            }
        ));
    }
    // From Kashmir: in the hangul's range, so probably Appendix I, and said so.
    let kashmir = choice("Cervus elaphus", "stag from Kashmir");
    assert_eq!(listed(&kashmir), (Some(Appendix::I), Some(Annex::A)));
    assert!(matches!(
        kashmir,
        ListingChoice::Listed {
            basis: Basis::SubspeciesRange,
            ..
        }
    ));
    assert!(kashmir
        .reason()
        .contains("other forms there would be not listed"));
}

#[test]
fn struthio_camelus_is_listed_only_for_some_north_african_populations() {
    let farm = choice(
        "Struthio camelus",
        "Straußenleder-Geldbörse aus Südafrika, Farmzucht",
    );
    assert!(
        origins("Struthio camelus", "Straußenleder aus Südafrika, Farmzucht")
            .contains(&Origin::Farmed)
    );
    match &farm {
        ListingChoice::NotCovered { reason } => {
            assert!(
                reason.starts_with(
                    "Struthio camelus: Appendix I only for the populations of BF, CF, CM, DZ,"
                ),
                "{reason}"
            );
            assert!(
                reason.contains("origin ZA (South Africa) is not among them"),
                "{reason}"
            );
            assert!(reason.contains("farmed"), "{reason}");
        }
        other => panic!("{other:?}"),
    }
    let algeria = choice("Struthio camelus", "ostrich egg from Algeria");
    assert_eq!(listed(&algeria), (Some(Appendix::I), Some(Annex::A)));
    assert!(matches!(
        algeria,
        ListingChoice::Listed {
            basis: Basis::Population,
            ..
        }
    ));
}

#[test]
fn loxodonta_africana_populations_of_southern_africa_are_in_appendix_ii() {
    let botswana = choice("Loxodonta africana", "ivory bangle from Botswana");
    assert_eq!(listed(&botswana), (Some(Appendix::II), Some(Annex::B)));
    let kenya = choice("Loxodonta africana", "ivoire du Kenya");
    assert_eq!(listed(&kenya), (Some(Appendix::I), Some(Annex::A)));
    assert!(kenya
        .reason()
        .contains("all populations except those of BW, NA, ZA, ZW"));
    // The EU annex of each part comes from eu_annex.csv (verified).
    let Coverage::Parts(p) = &taxon("Loxodonta africana").coverage else {
        panic!("partial")
    };
    assert!(p
        .parts
        .iter()
        .all(|x| x.annex_provenance.verified
            && x.annex_provenance.source.starts_with("eu_annex.csv")));
    // "African" ivory: both are possible.
    assert!(matches!(
        choice("Loxodonta africana", "African ivory"),
        ListingChoice::Undetermined { ref options, .. } if options == &[Some(Appendix::I), Some(Appendix::II)]
    ));
}

#[test]
fn crocodylus_niloticus_ranched_populations_are_in_appendix_ii() {
    let zimbabwe = choice("Crocodylus niloticus", "Krokodilleder aus Simbabwe");
    assert_eq!(listed(&zimbabwe), (Some(Appendix::II), Some(Annex::B)));
    let egypt = choice("Crocodylus niloticus", "crocodile égyptien");
    assert_eq!(listed(&egypt), (Some(Appendix::II), Some(Annex::B)));
    let nigeria = choice("Crocodylus niloticus", "Nigerian crocodile skin");
    assert_eq!(listed(&nigeria), (Some(Appendix::I), Some(Annex::A)));
    assert!(matches!(
        nigeria,
        ListingChoice::Listed {
            basis: Basis::OtherPopulations,
            ..
        }
    ));
}

#[test]
fn canis_lupus_is_in_appendix_i_only_in_south_asia() {
    let india = choice("Canis lupus", "Indian wolf pelt");
    assert_eq!(listed(&india), (Some(Appendix::I), Some(Annex::A)));
    let germany = choice("Canis lupus", "Wolfsfell aus Deutschland");
    // Appendix II; the EU annex stated for the whole species (A) applies to every part.
    assert_eq!(listed(&germany), (Some(Appendix::II), Some(Annex::A)));
    assert!(germany.reason().contains("origin DE (Germany)"));
}

#[test]
fn partly_listed_countries_leave_the_choice_open() {
    match taxon("Vicugna vicugna").listing_for_origin(&Origin::countries(&["AR"])) {
        ListingChoice::Undetermined { options, reason } => {
            assert_eq!(options, vec![Some(Appendix::I), Some(Appendix::II)]);
            assert!(
                reason.contains("only part of the country's population"),
                "{reason}"
            );
        }
        other => panic!("{other:?}"),
    }
    // A listing for all populations but two: those two are not listed.
    assert!(matches!(
        taxon("Pecari tajacu").listing_for_origin(&Origin::countries(&["US"])),
        ListingChoice::NotCovered { .. }
    ));
}

#[test]
fn origins_are_found_in_ad_texts() {
    let found = origins_in("Straußenleder aus Südafrika, Farmzucht");
    assert_eq!(found.len(), 2);
    assert_eq!(found[0].0, Origin::countries(&["ZA"]));
    assert_eq!(
        &"Straußenleder aus Südafrika, Farmzucht"[found[0].1.clone()],
        "Südafrika"
    );
    assert_eq!(found[1].0, Origin::Farmed);
    for (text, code) in [
        ("from South Africa", "ZA"),
        ("d'Afrique du Sud", "ZA"),
        ("uit Zuid-Afrika", "ZA"),
        ("südafrikanische Farm", "ZA"),
        ("Zuid-Afrikaanse", "ZA"),
        ("Kenyan", "KE"),
        ("aus Simbabwe", "ZW"),
    ] {
        assert!(
            matches!(&origins_in(text)[0].0, Origin::Countries { iso2, region: None } if iso2 == &[code]),
            "{text}"
        );
    }
    let european = origins_in("europäisches Hirschgeweih");
    assert!(matches!(
        &european[0].0,
        Origin::Countries { iso2, region: Some(r) } if r == "Europe" && iso2.contains(&"DE".to_string())
    ));
    assert_eq!(
        origins_in("eigene Nachzucht 2024")[0].0,
        Origin::CaptiveBred
    );
    // Whole words only: no origin in "Africanised" or in a turkey feather.
    assert!(origins_in("Africanised bees and a turkey feather").is_empty());
}
