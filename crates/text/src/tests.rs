use super::*;

fn norm(s: &str) -> String {
    normalize(s).text
}

#[test]
fn case_accents_and_ligatures_fold() {
    assert_eq!(
        norm("Perroquet GRIS du Gabon, élevé"),
        "perroquet gris du gabon eleve"
    );
    assert_eq!(norm("Stoßzahn Schildkröte"), "stosszahn schildkrote");
    assert_eq!(norm("œufs d'esturgeon"), "oeufs d esturgeon");
}

#[test]
fn leetspeak_is_undone_but_codes_and_prices_stay() {
    assert_eq!(norm("1v0ry carving"), "ivory carving");
    assert_eq!(norm("3lf3nb3in"), "elfenbein");
    assert_eq!(norm("iv@ire"), "ivaire");
    assert_eq!(norm("NZ2024 A10 250eur 2x"), "nz2024 a10 250eur 2x");
    let n = normalize("1v0ry");
    assert_ne!(n.flags(0, n.text.len()) & LEET, 0);
}

#[test]
fn spaced_and_dotted_letters_join() {
    assert_eq!(
        norm("sculpture en i v o i r e ancienne"),
        "sculpture en ivoire ancienne"
    );
    assert_eq!(norm("e.l.f.e.n.b.e.i.n Figur"), "elfenbein figur");
    assert_eq!(norm("i-v-o-r-y"), "ivory");
    let n = normalize("i v o i r e");
    assert_eq!(n.text, "ivoire");
    assert_ne!(n.flags(0, 6) & SPACED, 0);
    // Short letter runs are ordinary text.
    assert_eq!(norm("a b c"), "a b c");
}

#[test]
fn hyphen_and_line_break_splits_rejoin_with_soft_boundary() {
    let n = normalize("Elfen-bein Armreif");
    assert_eq!(n.text, "elfenbein armreif");
    assert!(n.is_boundary(5), "soft boundary where the hyphen was");
    let n = normalize("altes Elfen-\nbein");
    assert_eq!(n.text, "altes elfenbein");
    assert_eq!(norm("pre-1947"), "pre 1947");
}

#[test]
fn homoglyphs_and_invisible_characters_are_caught() {
    let n = normalize("ivоry"); // Cyrillic о
    assert_eq!(n.text, "ivory");
    assert_ne!(n.flags(0, 5) & HOMOGLYPH, 0);
    let n = normalize("ivo\u{200B}ry");
    assert_eq!(n.text, "ivory");
    assert_ne!(n.flags(0, 5) & HIDDEN, 0);
}

#[test]
fn offsets_point_back_into_the_original() {
    let src = "Très belle défense d'éléphant";
    let n = normalize(src);
    let pos = n.text.find("elephant").unwrap();
    let (a, b) = n.original_range(pos, pos + "elephant".len());
    assert_eq!(&src[a..b], "éléphant");
    let src = "Verkaufe E.l.f.e.n.b.e.i.n!";
    let n = normalize(src);
    let pos = n.text.find("elfenbein").unwrap();
    let (a, b) = n.original_range(pos, pos + 9);
    assert_eq!(&src[a..b], "E.l.f.e.n.b.e.i.n");
}

#[test]
fn languages_are_told_apart() {
    let cases = [
        (
            "Graupapagei zu verkaufen, sehr zahm, nur Abholung",
            Lang::De,
        ),
        (
            "Je vends mon perroquet gris du Gabon avec sa cage, très bon état",
            Lang::Fr,
        ),
        (
            "Lovely pair of macaws for sale, hand reared and tame",
            Lang::En,
        ),
        ("Mooie grijze roodstaart te koop, alleen ophalen", Lang::Nl),
        ("Vendo loro gris muy manso, precio negociable", Lang::Other),
    ];
    for (text, want) in cases {
        let n = normalize(text);
        assert_eq!(identify(&n.text, text), want, "{text}");
    }
}

#[test]
fn short_titles_are_told_apart() {
    let cases = [
        ("Graupapagei zu verkaufen", Lang::De),
        ("Elfenbein Schnitzerei alt", Lang::De),
        ("Krokodilleder Handtasche", Lang::De),
        ("ivoire ancien", Lang::Fr),
        ("Défense d'éléphant sculptée", Lang::Fr),
        ("Perroquet gris bébé", Lang::Fr),
        ("grijze roodstaart te koop", Lang::Nl),
        ("Schildpad schild antiek", Lang::Nl),
        ("Krokodillenleren tas", Lang::Nl),
        ("Antique ivory carving", Lang::En),
        ("Grey parrot for sale https://t.me/greysdeal", Lang::En),
    ];
    for (text, want) in cases {
        let n = normalize(text);
        assert_eq!(identify(&n.text, text), want, "{text}");
    }
}

#[test]
fn mixed_text_goes_by_its_sentences_not_its_names() {
    let cases = [
        (
            "African grey parrot - perroquet gris du Gabon, bébé élevé à la main",
            Lang::Fr,
        ),
        (
            "Ara ararauna (blue and gold macaw), handzahm, mit Papieren",
            Lang::De,
        ),
        ("Koningspython Python regius pastel, eigen kweek", Lang::Nl),
        (
            "Python regius pastel het clown, CB24, pm me https://wa.me/447700900123",
            Lang::En,
        ),
    ];
    for (text, want) in cases {
        let n = normalize(text);
        assert_eq!(identify(&n.text, text), want, "{text}");
    }
}

#[test]
fn the_platform_settles_ties_but_not_clear_text() {
    // Names alone: nothing to go by but the platform (the function-word stage takes its word).
    for hint in [Lang::En, Lang::Fr, Lang::De, Lang::Nl] {
        let text = "Psittacus erithacus 1.1";
        let n = normalize(text);
        assert_eq!(identify_hinted(&n.text, text, Some(hint)), hint, "{hint:?}");
    }
    // An English title on a German platform stays English.
    let text = "Grey parrot, hand tame";
    let n = normalize(text);
    assert_eq!(identify_hinted(&n.text, text, Some(Lang::De)), Lang::En);
    // A German title on a French platform stays German.
    let text = "Graupapagei zu verkaufen";
    let n = normalize(text);
    assert_eq!(identify_hinted(&n.text, text, Some(Lang::Fr)), Lang::De);
}

mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn never_panics_and_offsets_are_valid(s in "\\PC{0,200}") {
            let n = normalize(&s);
            for (i, _) in n.text.char_indices() {
                let (a, b) = n.original_range(i, i + 1);
                prop_assert!(a <= b && b <= s.len());
                prop_assert!(s.is_char_boundary(a) && s.is_char_boundary(b));
            }
            prop_assert!(!n.text.contains("  "));
            prop_assert!(n.text.is_ascii());
        }

        #[test]
        fn normalisation_is_idempotent_on_plain_words(s in "[a-z]{1,12}( [a-z]{2,12}){0,6}") {
            prop_assert_eq!(normalize(&s).text, s);
        }

        #[test]
        fn case_never_matters(s in "[A-Za-zÀ-ÿ ]{0,60}") {
            prop_assert_eq!(normalize(&s).text, normalize(&s.to_lowercase()).text);
        }
    }
}
