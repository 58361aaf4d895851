//! Language identification for ads: English, French, German, Dutch, or other.
//!
//! Ads are short and full of names, so function words decide first (they are cheap and reliable on
//! 20 words); `whatlang`'s trigram model settles what the function words leave open.

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
        return [Lang::En, Lang::Fr, Lang::De, Lang::Nl, Lang::Other][best];
    }
    use whatlang::Lang as W;
    // Built once (it was built, with its allow-list, for every ad that came this far).
    static DETECTOR: OnceLock<whatlang::Detector> = OnceLock::new();
    let detector = DETECTOR.get_or_init(|| {
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
    });
    match detector.detect(original) {
        Some(info) => match info.lang() {
            W::Eng => Lang::En,
            W::Fra => Lang::Fr,
            W::Deu => Lang::De,
            W::Nld => Lang::Nl,
            _ if best_score > 0.0 && best < 4 => [Lang::En, Lang::Fr, Lang::De, Lang::Nl][best],
            _ => Lang::Other,
        },
        None if best_score > 0.0 => [Lang::En, Lang::Fr, Lang::De, Lang::Nl, Lang::Other][best],
        None => Lang::Other,
    }
}
