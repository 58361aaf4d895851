//! Language identification for ads: English, French, German, Dutch, or other.
//!
//! Ads are short and full of names, so function words decide first (they are cheap and reliable on
//! 20 words, and settle ~95% of ads). What they leave open (short titles, mixed text, names and
//! numbers) goes to `lingua`'s n-gram models (1- to 5-grams; they ship inside the crate, only the
//! four languages' are compiled in), which cope with short text far better than a trigram model:
//! on the labelled ads' titles alone 0.96 against 0.86 with `whatlang`'s (docs/benchmarks.md).
//! `whatlang` answers two questions first, as it costs a tenth of lingua in a scan: whether an ad
//! the function words do not place is in another language altogether (Spanish, Italian, …), which
//! lingua with four languages cannot tell; and, when it is fairly sure and agrees with the function
//! words' leader or the platform's language, which of the four it is (lingua is then not asked).

use std::collections::HashMap;
use std::hash::{BuildHasherDefault, Hasher};
use std::sync::OnceLock;

/// FxHash (as in rustc): the function-word table is looked up once per token of every ad, and
/// its keys are fixed, short and ours, so a keyed hash buys nothing.
#[derive(Default, Clone, Copy)]
struct Fx(u64);

impl Hasher for Fx {
    #[inline]
    fn write(&mut self, bytes: &[u8]) {
        const K: u64 = 0x51_7c_c1_b7_27_22_0a_95;
        let mut add = |w: u64| self.0 = (self.0.rotate_left(5) ^ w).wrapping_mul(K);
        let mut chunks = bytes.chunks_exact(8);
        for c in &mut chunks {
            add(u64::from_le_bytes(c.try_into().expect("8 bytes")));
        }
        let rest = chunks.remainder();
        if !rest.is_empty() {
            let mut buf = [0u8; 8];
            buf[..rest.len()].copy_from_slice(rest);
            add(u64::from_le_bytes(buf));
        }
    }
    #[inline]
    fn write_u8(&mut self, i: u8) {
        self.write(&[i]);
    }
    #[inline]
    fn finish(&self) -> u64 {
        self.0
    }
}

type FxMap<K, V> = HashMap<K, V, BuildHasherDefault<Fx>>;

/// The languages wildwatch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Lang {
    /// English.
    En,
    /// French.
    Fr,
    /// German.
    De,
    /// Dutch (and Flemish).
    Nl,
    /// Anything else.
    Other,
}

impl Lang {
    /// ISO 639-1 code, or `other`.
    pub fn code(self) -> &'static str {
        match self {
            Lang::En => "en",
            Lang::Fr => "fr",
            Lang::De => "de",
            Lang::Nl => "nl",
            Lang::Other => "other",
        }
    }
    /// Parses `en`, `fr`, `de`, `nl` (any case; also `eng`, `fra`, `deu`, `nld`); anything else is other.
    pub fn parse(s: &str) -> Lang {
        match s.trim().to_ascii_lowercase().as_str() {
            "en" | "eng" | "english" => Lang::En,
            "fr" | "fra" | "fre" | "french" => Lang::Fr,
            "de" | "deu" | "ger" | "german" => Lang::De,
            "nl" | "nld" | "dut" | "dutch" | "vls" => Lang::Nl,
            _ => Lang::Other,
        }
    }
}

const EN: &str = "size each boxed worn used never mint great lovely condition available postage delivery collect inc incl approx yrs old months weeks left must go sold set box kids all but off just due sad pm me need gone asap hi what who how why the and for with of to is this are from have has not only will be it on at or we you your very good new sale selling sell pair pick up collection offers ono cash each please any would can could been was were our my male female young baby babies bird birds hand reared tame price wanted looking comes";
const FR: &str = "taille etat cause demenagement chaque piece l d en ne nes nee an fait main tres peu porte portes portees noir noire blanc blanche annees cm idem lot dispo remise propre envoi possible acompte sevres bel ideal le la les des du et un une pour avec est au aux sur pas je vends vend tres bon etat prix ou mon ma mes ce cette sont qui que dans sans plus vendre vente donne cherche neuf jeune jeunes femelle couple bebe oiseau oiseaux possible contact merci remise main ans mois vendu leve eleve nous vous tres";
const DE: &str = "gr grosse getragen neu neuwertig wie ca stuck schwarz weiss braun leider gebe hallo nur verkaufe inkl kaum damen herren kinder abholung der die das und mit fur ist ein eine zu von auf nicht ich wir sind nur sehr gut verkaufe verkauf suche abholung preis bei den dem des im aus oder auch noch vb versand zustand weiblich mannlich jahre alt tier tiere abzugeben biete gegen privat keine kein einen zum zur unsere unser meine mein";
const NL: &str = "en maat per stuk kleuren diverse als nieuwstaat eet merk zwart wit liter halfvol bloeiende gedragen hoesje ruil tegen wie er mij liefst tot kan overal alle drie koppel man eigen gesloten regio afhalen het een van met voor te koop op niet ik wij zijn alleen zeer goed prijs ophalen ook nog bij uit aan deze dit mijn heb heeft verzenden stuks mooie mooi nieuw jonge pop kweek aangeboden graag bieden vraagprijs zonder wel geen jaar oud omdat wordt kan mag onze hebben";
const OTHER: &str = "el los las por para con vendo precio muy es y del una se il di per prezzo molto sono della gli che vende com em uma nao sprzedam cena bardzo jest na";

fn table() -> &'static FxMap<&'static str, [u8; 5]> {
    static T: OnceLock<FxMap<&'static str, [u8; 5]>> = OnceLock::new();
    T.get_or_init(|| {
        let mut m: FxMap<&'static str, [u8; 5]> = FxMap::default();
        for (i, list) in [EN, FR, DE, NL, OTHER].iter().enumerate() {
            for w in list.split_whitespace() {
                m.entry(w).or_default()[i] = 1;
            }
        }
        m
    })
}

/// The length of the longest function word: longer words need no look-up.
fn longest_function_word() -> usize {
    static L: OnceLock<usize> = OnceLock::new();
    *L.get_or_init(|| table().keys().map(|w| w.len()).max().unwrap_or(0))
}

/// The words of normalised text, as `str::split(' ')` gives them (a byte loop: the text is ASCII
/// and the words are short).
fn words(normalized: &str) -> impl Iterator<Item = &str> {
    let mut rest = Some(normalized);
    std::iter::from_fn(move || {
        let r = rest?;
        match r.bytes().position(|b| b == b' ') {
            Some(i) => {
                rest = Some(&r[i + 1..]);
                Some(&r[..i])
            }
            None => {
                rest = None;
                Some(r)
            }
        }
    })
}

/// Identifies the language of normalised ad text (lowercase, accent-free tokens separated by
/// spaces, as [`crate::normalize`] produces) with the original text as a fallback for the
/// trigram model.
pub fn identify(normalized: &str, original: &str) -> Lang {
    identify_hinted(normalized, original, None)
}

/// As [`identify`], with the usual language of the platform the ad came from as a weak prior
/// (an English ad on a German site still reads as English).
pub fn identify_hinted(normalized: &str, original: &str, hint: Option<Lang>) -> Lang {
    let t = table();
    let mut score = [0f32; 5];
    if let Some(h) = hint {
        let i = [Lang::En, Lang::Fr, Lang::De, Lang::Nl, Lang::Other]
            .iter()
            .position(|l| *l == h)
            .unwrap_or(4);
        score[i] += 1.0;
    }
    // Letters that only some of the languages use (none in ASCII text).
    let (mut fr, mut de) = (0f32, 0f32);
    if !original.is_ascii() {
        for c in original.chars() {
            match c {
                'é' | 'è' | 'ê' | 'à' | 'ç' | 'ù' | 'â' | 'î' | 'ô' | 'û' | 'œ' | 'É' => {
                    fr += 0.6
                }
                'ä' | 'ö' | 'ü' | 'ß' | 'Ä' | 'Ö' | 'Ü' => de += 0.6,
                _ => {}
            }
        }
    }
    let nl = words(normalized)
        .filter(|w| {
            let w = w.as_bytes();
            w.windows(2).any(|p| p == b"ij") || w.ends_with(b"tje") || w.ends_with(b"tjes")
        })
        .count() as f32
        * 0.6;
    score[1] += fr.min(1.8);
    score[2] += de.min(1.8);
    score[3] += nl.min(1.8);
    let longest = longest_function_word();
    for w in words(normalized).filter(|w| w.len() <= longest) {
        if let Some(hits) = t.get(w) {
            let n = hits.iter().filter(|h| **h == 1).count() as f32;
            for (i, h) in hits.iter().enumerate() {
                if *h == 1 {
                    score[i] += 1.0 / n;
                }
            }
        }
    }
    let (best, best_score) =
        score.iter().enumerate().fold(
            (0, 0f32),
            |acc, (i, s)| if *s > acc.1 { (i, *s) } else { acc },
        );
    let second = score
        .iter()
        .enumerate()
        .filter(|(i, _)| *i != best)
        .map(|(_, s)| *s)
        .fold(0f32, f32::max);
    if (best_score >= 2.0 && best_score >= second * 1.5)
        || (best_score >= 1.0 && second == 0.0 && normalized.len() < 200)
    {
        return LANGS[best];
    }
    let fw = (best_score > 0.0).then_some(LANGS[best]);
    fallback(original, hint, fw)
}

const LANGS: [Lang; 5] = [Lang::En, Lang::Fr, Lang::De, Lang::Nl, Lang::Other];

/// The most of an ad's text that the n-gram models read (a few words decide; a page of text would
/// only cost time).
const FALLBACK_BYTES: usize = 1000;

/// How close (in lingua's confidence, which sums to 1 over the four languages) the platform's
/// language must come to the best one to be chosen instead: the prior settles near-ties only.
const PRIOR_MARGIN: f64 = 0.2;

/// lingua's detector for the four languages, built once. High-accuracy mode (all n-gram orders on
/// short text: it is what makes titles work); the models are read in place from the binary (no
/// copy, no load time), so nothing is preloaded.
fn lingua() -> &'static lingua::LanguageDetector {
    static D: OnceLock<lingua::LanguageDetector> = OnceLock::new();
    D.get_or_init(|| {
        use lingua::Language as L;
        lingua::LanguageDetectorBuilder::from_languages(&[
            L::English,
            L::French,
            L::German,
            L::Dutch,
        ])
        .build()
    })
}

/// `whatlang`'s detector with the four languages and the others most often met in European ads,
/// built once: it only tells whether the text is in another language.
fn whatlang() -> &'static whatlang::Detector {
    use whatlang::Lang as W;
    static D: OnceLock<whatlang::Detector> = OnceLock::new();
    D.get_or_init(|| {
        whatlang::Detector::with_allowlist(vec![
            W::Eng,
            W::Fra,
            W::Deu,
            W::Nld,
            W::Spa,
            W::Ita,
            W::Por,
            W::Pol,
        ])
    })
}

fn whatlang_ours() -> &'static whatlang::Detector {
    use whatlang::Lang as W;
    static D: OnceLock<whatlang::Detector> = OnceLock::new();
    D.get_or_init(|| whatlang::Detector::with_allowlist(vec![W::Eng, W::Fra, W::Deu, W::Nld]))
}

/// How sure `whatlang` (trigrams, about a tenth of lingua's cost in a scan) must be before its
/// answer is taken without asking lingua, when it agrees with the function words' leader or the
/// platform's language. Measured on the open corpora and the sealed parts (`bench/lang.sh`): the
/// same accuracy as lingua alone, and lingua is asked for about half as many ads.
const WHATLANG_AGREES: f64 = 0.5;

/// `whatlang`'s guess among the four languages, when it is fairly sure and a second, independent
/// signal (the function words' leader or the platform's language) names the same language.
fn whatlang_agrees(text: &str, hint: Option<Lang>, fw: Option<Lang>) -> Option<Lang> {
    use whatlang::Lang as W;
    let info = whatlang_ours().detect(text)?;
    let lang = match info.lang() {
        W::Eng => Lang::En,
        W::Fra => Lang::Fr,
        W::Deu => Lang::De,
        W::Nld => Lang::Nl,
        _ => return None,
    };
    (info.confidence() >= WHATLANG_AGREES && (Some(lang) == hint || Some(lang) == fw))
        .then_some(lang)
}

/// The start of `s`, at most `max` bytes, cut at a character boundary.
fn prefix(s: &str, max: usize) -> &str {
    if s.len() <= max {
        return s;
    }
    let mut i = max;
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    &s[..i]
}

/// What the function words left open: `fw` is their leading language (the platform's prior
/// included), if any word counted at all.
fn fallback(original: &str, hint: Option<Lang>, fw: Option<Lang>) -> Lang {
    let text = prefix(original, FALLBACK_BYTES);
    // Another language altogether: whatlang leans to it (its `is_reliable` misses most short
    // Spanish and Italian ads) and no function word of ours disagrees.
    if !matches!(fw, Some(Lang::En | Lang::Fr | Lang::De | Lang::Nl)) {
        use whatlang::Lang as W;
        if whatlang().detect(text).is_some_and(|i| {
            i.confidence() >= 0.5 && !matches!(i.lang(), W::Eng | W::Fra | W::Deu | W::Nld)
        }) {
            return Lang::Other;
        }
    }
    if let Some(l) = whatlang_agrees(text, hint, fw) {
        return l;
    }
    let values = lingua().compute_language_confidence_values(text);
    // With only the four languages' features the enum has four variants; another crate may enable
    // more (features unify), hence the catch-all.
    #[allow(unreachable_patterns)]
    let of = |l: lingua::Language| match l {
        lingua::Language::English => Lang::En,
        lingua::Language::French => Lang::Fr,
        lingua::Language::German => Lang::De,
        lingua::Language::Dutch => Lang::Nl,
        _ => Lang::Other,
    };
    let (top, conf) = match values.first() {
        Some(&(l, c)) if c > 0.0 => (of(l), c),
        // No letters lingua can read (numbers, codes, another script).
        _ => return fw.or(hint).unwrap_or(Lang::Other),
    };
    // Function words of other languages lead and lingua is unsure between ours.
    if fw == Some(Lang::Other) && conf < 0.9 {
        return Lang::Other;
    }
    if let Some(h) = hint.filter(|h| *h != Lang::Other) {
        let hc = values
            .iter()
            .find(|(l, _)| of(*l) == h)
            .map_or(0.0, |(_, c)| *c);
        if hc >= conf - PRIOR_MARGIN {
            return h;
        }
    }
    top
}

/// The usual language of a platform's ads, a weak prior for language identification.
pub fn platform_lang(platform: Option<&str>) -> Option<Lang> {
    let p = platform?.to_ascii_lowercase();
    let has = |xs: &[&str]| xs.iter().any(|x| p.contains(x));
    if has(&["leboncoin", "vivastreet", "paruvendu", ".fr"]) {
        Some(Lang::Fr)
    } else if has(&["kleinanzeigen", "terraristik", "markt.de", "quoka", ".de"]) {
        Some(Lang::De)
    } else if has(&["marktplaats", "2dehands", "tweedehands", ".nl"]) {
        Some(Lang::Nl)
    } else if has(&["gumtree", "preloved", "pets4homes", ".co.uk", ".uk"]) {
        Some(Lang::En)
    } else {
        None
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ngram_fallback_reads_short_titles() {
        for (text, want) in [
            ("Schildpad schild antiek", Lang::Nl),
            ("Elfenbeinschnitzerei antik", Lang::De),
            ("Perroquet gris bébé", Lang::Fr),
            ("Antique ivory carving", Lang::En),
        ] {
            assert_eq!(fallback(text, None, None), want, "{text}");
        }
    }

    #[test]
    fn the_prior_settles_near_ties_only() {
        // lingua: French 0.45, English 0.41.
        assert_eq!(
            fallback("Tortoiseshell hair comb", Some(Lang::En), None),
            Lang::En
        );
        // lingua: German 0.99.
        assert_eq!(
            fallback("Graupapagei zu verkaufen", Some(Lang::Fr), Some(Lang::Fr)),
            Lang::De
        );
    }

    #[test]
    fn other_languages_and_no_letters() {
        let es =
            "Vendo yaco bebé criado a mano, con anilla cerrada y papeles, envíos a toda España";
        assert_eq!(fallback(es, None, None), Lang::Other);
        // A function word of ours keeps whatlang from calling it another language.
        assert_ne!(fallback(es, None, Some(Lang::Fr)), Lang::Other);
        // Function words of other languages lead and lingua is unsure.
        let es = "Vendo loro gris muy manso, precio negociable";
        assert_eq!(fallback(es, None, Some(Lang::Other)), Lang::Other);
        assert_eq!(fallback("1.1 / 2024 - 45", Some(Lang::Nl), None), Lang::Nl);
        assert_eq!(fallback("1.1 / 2024 - 45", None, None), Lang::Other);
        assert_eq!(fallback("", None, None), Lang::Other);
    }

    #[test]
    fn whatlang_decides_only_with_a_second_signal() {
        let de = "Alte Schnitzerei aus Bein, Sammlerstück aus Nachlass, guter Zustand";
        assert_eq!(whatlang_agrees(de, Some(Lang::De), None), Some(Lang::De));
        assert_eq!(whatlang_agrees(de, None, Some(Lang::De)), Some(Lang::De));
        // Alone, or against both other signals, it is not enough: lingua is asked.
        assert_eq!(whatlang_agrees(de, None, None), None);
        assert_eq!(whatlang_agrees(de, Some(Lang::Fr), Some(Lang::Nl)), None);
        assert_eq!(whatlang_agrees("", Some(Lang::De), None), None);
    }

    #[test]
    fn long_text_is_read_from_its_start_only() {
        let long = "Graupapagei zu verkaufen, sehr zahm. ".repeat(10_000);
        assert_eq!(fallback(&long, None, None), Lang::De);
        assert_eq!(prefix("ééé", 3), "é");
        assert_eq!(prefix("abc", 10), "abc");
    }
}
