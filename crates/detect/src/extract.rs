//! Reading prices and specimen counts as sellers write them.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use regex::Regex;
use serde::Deserialize;

use crate::DetectError;

/// A dated table of exchange rates (EUR per unit).
#[derive(Debug, Clone, Deserialize)]
pub struct Rates {
    /// The date the rates are for.
    pub date: String,
    /// Where they come from.
    #[serde(default)]
    pub source: String,
    /// EUR per one unit of each currency (ISO 4217 code).
    pub eur_per_unit: BTreeMap<String, f64>,
}

impl Rates {
    /// The shipped table (`config/rates.toml`).
    pub fn shipped() -> Rates {
        Rates::parse(
            include_str!("../../../config/rates.toml"),
            "config/rates.toml",
        )
        .expect("shipped rates.toml is valid")
    }
    /// Parses a rates file; `name` is used in error messages.
    pub fn parse(text: &str, name: &str) -> Result<Rates, DetectError> {
        let r: Rates =
            toml::from_str(text).map_err(|e| DetectError::Config(format!("{name}: {e}")))?;
        for (k, v) in &r.eur_per_unit {
            if !(v.is_finite() && *v > 0.0) {
                return Err(DetectError::Config(format!(
                    "{name}: rate for {k} must be a positive number, got {v}"
                )));
            }
        }
        if !r.eur_per_unit.contains_key("EUR") {
            return Err(DetectError::Config(format!(
                "{name}: the table needs EUR = 1.0"
            )));
        }
        Ok(r)
    }
    fn to_eur(&self, amount: f64, currency: &str) -> Option<f64> {
        self.eur_per_unit.get(currency).map(|r| amount * r)
    }
}

/// A price read from an ad.
#[derive(Debug, Clone, PartialEq)]
pub struct Price {
    /// Amount in euros, rounded to cents.
    pub eur: f64,
    /// The amount as written.
    pub amount: f64,
    /// ISO currency.
    pub currency: String,
    /// Byte range of the words in the text it was read from.
    pub span: (usize, usize),
}

fn currency_code(sym: &str) -> Option<&'static str> {
    Some(match sym.trim().to_lowercase().trim_end_matches('.') {
        "€" | "eur" | "euro" | "euros" | "eu" | "e" | ",-" | ".-" | ",--" => "EUR",
        "£" | "gbp" | "pound" | "pounds" | "quid" => "GBP",
        "chf" | "fr" | "sfr" => "CHF",
        "$" | "usd" | "us$" | "dollar" | "dollars" => "USD",
        "pln" | "zł" | "zl" => "PLN",
        "dkk" => "DKK",
        "sek" => "SEK",
        "czk" | "kč" | "kc" => "CZK",
        "nok" => "NOK",
        "huf" | "ft" => "HUF",
        _ => return None,
    })
}

/// Parses a written number: `1.200`, `1,200.50`, `1 200`, `1'200`, `450,-`, `2,5`.
pub fn parse_amount(s: &str) -> Option<f64> {
    let s: String = s
        .trim()
        .trim_end_matches(['-', '–'])
        .chars()
        .filter(|c| !matches!(c, ' ' | '\'' | '\u{a0}' | '\u{202f}'))
        .collect();
    let s = s.trim_end_matches([',', '.']);
    if s.is_empty() || !s.chars().next()?.is_ascii_digit() {
        return None;
    }
    let seps: Vec<(usize, char)> = s
        .char_indices()
        .filter(|(_, c)| *c == '.' || *c == ',')
        .collect();
    let digits_after = |i: usize| s[i + 1..].chars().take_while(char::is_ascii_digit).count();
    let mut clean = String::with_capacity(s.len());
    match seps.last() {
        None => clean.push_str(s),
        Some(&(last, c)) => {
            let after = digits_after(last);
            let decimal = (after == 1 || after == 2)
                || (after != 3 && seps.len() == 1)
                || (seps.iter().any(|(_, o)| *o != c));
            let decimal = decimal && !(after == 3 && seps.iter().all(|(_, o)| *o == c));
            for (i, ch) in s.char_indices() {
                if ch.is_ascii_digit() {
                    clean.push(ch);
                } else if i == last && decimal {
                    clean.push('.');
                }
            }
        }
    }
    let v: f64 = clean.parse().ok()?;
    (v.is_finite() && v < 1e9).then_some(v)
}

fn price_regexes() -> &'static (Regex, Regex, Regex, Regex) {
    static R: OnceLock<(Regex, Regex, Regex, Regex)> = OnceLock::new();
    R.get_or_init(|| {
        let num = r"(\d{1,3}(?:[.,' \u{a0}]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?)";
        let cur = r"(€|eur(?-u:\b)|euros?(?-u:\b)|£|gbp(?-u:\b)|chf(?-u:\b)|sfr(?-u:\b)|\$|usd(?-u:\b)|us\$|pln(?-u:\b)|zł|dkk(?-u:\b)|sek(?-u:\b)|czk(?-u:\b)|kč|nok(?-u:\b)|pounds?(?-u:\b))";
        (
            // 1.200,- €   250 EUR   300£
            Regex::new(&format!(r"(?i){num}\s*(?:,-|\.-|,--)?\s*{cur}")).unwrap(),
            // € 250   EUR 1.200   £300
            Regex::new(&format!(r"(?i){cur}\s*{num}")).unwrap(),
            // 450,- (euro by convention in DE/NL)
            Regex::new(&format!(r"{num}\s*(,-|\.-|,--)")).unwrap(),
            // price words then a bare number: "Preis 250", "prix: 300", "vraagprijs 150", "VB 250"
            Regex::new(&format!(
                r"(?i)(?-u:\b)(?:price|prix|preis|prijs|vraagprijs|vb|fp|festpreis|asking)\s*:?\s*{num}(?-u:\b)"
            ))
            .unwrap(),
        )
    })
}

const FREE: &[&str] = &[
    "gratis",
    "free",
    "for free",
    "a donner",
    "à donner",
    "zu verschenken",
    "verschenke",
    "te geef",
    "gratis af te halen",
    "donne",
];

/// Reads the price of an ad: from the price field when the ad has one (a bare number there is in
/// euros), else from the text. `None` when no figure is given (negotiable, on request, none).
pub fn price(price_text: Option<&str>, text: &str, rates: &Rates) -> Option<Price> {
    price_normalized(
        price_text,
        text,
        &wildwatch_text::normalize(text).text,
        rates,
    )
}

/// True when the text may hold a decimal digit (`\d` in the regexes below is Unicode's `Nd`,
/// within `char::is_numeric`): without one, no amount can be read and the regexes need not run.
fn has_digit(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit()) || (!s.is_ascii() && s.chars().any(char::is_numeric))
}

/// Words and characters that a case-insensitive pattern needs one of: a cheap exact pre-check,
/// so that the pattern need not run over text without any.
struct Needles {
    /// Lowercase ASCII words, found in any ASCII case (at most 15).
    words: &'static [&'static str],
    /// Other characters (the currency signs, and the non-ASCII letters that Unicode case folding
    /// matches to an ASCII letter of a word: `K` KELVIN SIGN for `k`, `ſ` LONG S for `s`).
    chars: &'static [char],
    /// By byte: the words that start with it (bit `i` for word `i`, in both cases), and
    /// [`Needles::CHAR`] when a character of `chars` starts with it.
    first: [u16; 256],
}

impl Needles {
    const CHAR: u16 = 1 << 15;

    const fn new(words: &'static [&'static str], chars: &'static [char]) -> Needles {
        assert!(words.len() < 15);
        let mut first = [0u16; 256];
        let mut i = 0;
        while i < words.len() {
            let b = words[i].as_bytes()[0];
            first[b.to_ascii_lowercase() as usize] |= 1 << i;
            first[b.to_ascii_uppercase() as usize] |= 1 << i;
            i += 1;
        }
        let mut i = 0;
        while i < chars.len() {
            let mut utf8 = [0u8; 4];
            let lead = chars[i].encode_utf8(&mut utf8).as_bytes()[0];
            first[lead as usize] |= Needles::CHAR;
            i += 1;
        }
        Needles {
            words,
            chars,
            first,
        }
    }

    /// True when `s` may match: it holds one of the words or characters.
    fn in_text(&self, s: &str) -> bool {
        let b = s.as_bytes();
        for (i, &x) in b.iter().enumerate() {
            let mut m = self.first[x as usize];
            if m == 0 {
                continue;
            }
            if m & Needles::CHAR != 0 {
                // `x` starts a character (no ASCII byte is in `chars`).
                if s[i..]
                    .chars()
                    .next()
                    .is_some_and(|c| self.chars.contains(&c))
                {
                    return true;
                }
                m &= !Needles::CHAR;
            }
            while m != 0 {
                let w = self.words[m.trailing_zeros() as usize].as_bytes();
                if b.get(i..i + w.len())
                    .is_some_and(|x| x.eq_ignore_ascii_case(w))
                {
                    return true;
                }
                m &= m - 1;
            }
        }
        false
    }
}

/// What the currency patterns (`after`, `before` in [`price_regexes`]) need: a currency word or
/// sign (`euros` holds `eur`, `us$` holds `$`, `zł` and `kč` hold `ł` and `č`).
const CURRENCY: Needles = Needles::new(
    &[
        "eur", "gbp", "chf", "sfr", "$", "usd", "pln", "dkk", "sek", "czk", "nok", "pound",
    ],
    &['€', '£', 'ł', 'Ł', 'č', 'Č', '\u{212A}', '\u{17F}'],
);

/// What the price-word pattern needs (`vraagprijs` holds `prijs`, `festpreis` holds `preis`).
const PRICE_WORDS: Needles = Needles::new(
    &["price", "prix", "preis", "prijs", "vb", "fp", "asking"],
    &['\u{212A}', '\u{17F}'],
);

/// What the budget pattern needs.
const BUDGET_WORD: Needles = Needles::new(&["budget"], &[]);

/// As [`price`], with `normalized` the text as [`wildwatch_text::normalize`] made it (the scan has
/// it already).
pub(crate) fn price_normalized(
    price_text: Option<&str>,
    text: &str,
    normalized: &str,
    rates: &Rates,
) -> Option<Price> {
    if let Some(pt) = price_text.filter(|p| !p.trim().is_empty()) {
        if let Some(p) = find_price(pt, rates, true) {
            return Some(p).map(|mut p| {
                p.span = (usize::MAX, usize::MAX);
                p
            });
        }
        if is_free(pt) {
            return Some(Price {
                eur: 0.0,
                amount: 0.0,
                currency: "EUR".into(),
                span: (usize::MAX, usize::MAX),
            });
        }
    }
    if let Some(p) = find_price(text, rates, false) {
        return Some(p);
    }
    // A buyer's budget: "budget around 1000", "Budget max 150", "budget 200e max".
    static BUDGET: OnceLock<Regex> = OnceLock::new();
    let budget = BUDGET.get_or_init(|| {
        Regex::new(r"(?i)(?-u:\b)budget\s*:?\s*(?:(?:de|van|von|of|max\.?|maximum|tot|bis|jusqu'?[àa]|around|about|up\s+to|env\.?|environ|ca\.?|circa|rond|±)\s*)*(\d+(?:[.,]\d{3})*)\s*(?:e(?-u:\b)|€|eur|euros?)?")
            .unwrap()
    });
    if let Some(c) = (has_digit(text) && BUDGET_WORD.in_text(text))
        .then(|| budget.captures(text))
        .flatten()
    {
        let m = c.get(1).unwrap();
        if let Some(amount) = parse_amount(m.as_str().trim()) {
            let whole = c.get(0).unwrap();
            return Some(Price {
                eur: amount,
                amount,
                currency: "EUR".into(),
                span: (whole.start(), whole.end()),
            });
        }
    }
    if is_free_normalized(normalized) {
        return Some(Price {
            eur: 0.0,
            amount: 0.0,
            currency: "EUR".into(),
            span: (0, 0),
        });
    }
    None
}

fn is_free(s: &str) -> bool {
    is_free_normalized(&wildwatch_text::normalize(s).text)
}

fn is_free_normalized(normalized: &str) -> bool {
    static FREE_NORM: OnceLock<Vec<String>> = OnceLock::new();
    // Each free phrase, normalised and padded with spaces: a whole-word search is then `contains`.
    let free = FREE_NORM.get_or_init(|| {
        FREE.iter()
            .map(|f| format!(" {} ", wildwatch_text::normalize(f).text))
            .collect()
    });
    let padded = format!(" {normalized} ");
    free.iter().any(|f| padded.contains(f.as_str()))
}

fn find_price(s: &str, rates: &Rates, bare_is_eur: bool) -> Option<Price> {
    if !has_digit(s) {
        return None;
    }
    let (after, before, dash, word) = price_regexes();
    let mut best: Option<(usize, Price)> = None;
    let consider = |best: &mut Option<(usize, Price)>,
                    pos: usize,
                    amount: Option<f64>,
                    cur: &str,
                    span: (usize, usize)| {
        let (Some(amount), Some(code)) = (amount, currency_code(cur)) else {
            return;
        };
        let Some(eur) = rates.to_eur(amount, code) else {
            return;
        };
        if best.as_ref().is_none_or(|(p, _)| pos < *p) {
            *best = Some((
                pos,
                Price {
                    // Half a cent rounds up, as people read it (1,250.50 × 1.17 = 1,463.085 → 1,463.09).
                    eur: ((eur * 100.0) + 1e-6).round() / 100.0,
                    amount,
                    currency: code.to_string(),
                    span,
                },
            ));
        }
    };
    // The first price in the text wins (the first pattern on a tie). The patterns find their
    // matches in text order, so a match from where the best price starts on cannot win, and a
    // pattern that cannot match (no currency, no `,-`) need not run.
    let currency_named = CURRENCY.in_text(s);
    let dashed = s.contains(",-") || s.contains(".-");
    let later =
        |best: &Option<(usize, Price)>, start: usize| best.as_ref().is_some_and(|b| start >= b.0);
    // (pattern, group of the amount, group of the currency or None for euros by convention)
    for (re, amount, currency, may_match) in [
        (after, 1, Some(2), currency_named),
        (before, 2, Some(1), currency_named),
        (dash, 1, None, dashed),
    ] {
        if !may_match || later(&best, 0) {
            continue;
        }
        for c in re.captures_iter(s) {
            let m = c.get(0).unwrap();
            if later(&best, m.start()) {
                break;
            }
            let cur = currency.map_or("€", |g| c.get(g).map_or("", |x| x.as_str()));
            consider(
                &mut best,
                m.start(),
                parse_amount(&c[amount]),
                cur,
                (m.start(), m.end()),
            );
        }
    }
    if best.is_none() && PRICE_WORDS.in_text(s) {
        for c in word.captures_iter(s) {
            let m = c.get(0).unwrap();
            if later(&best, m.start()) {
                break;
            }
            consider(
                &mut best,
                m.start(),
                parse_amount(&c[1]),
                "€",
                (m.start(), m.end()),
            );
        }
    }
    if best.is_none() && bare_is_eur {
        static BARE: OnceLock<Regex> = OnceLock::new();
        let bare = BARE.get_or_init(|| {
            Regex::new(r"\d{1,3}(?:[.,' ]\d{3})+(?:[.,]\d{1,2})?|\d+(?:[.,]\d{1,2})?").unwrap()
        });
        if let Some(m) = bare.find(s) {
            consider(
                &mut best,
                m.start(),
                parse_amount(m.as_str()),
                "€",
                (m.start(), m.end()),
            );
        }
    }
    best.map(|(_, p)| p)
}

/// A specimen count read from an ad, with the words behind it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Count {
    /// The number of specimens.
    pub n: u32,
    /// Byte range in the text.
    pub span: (usize, usize),
}

fn count_regexes() -> &'static (Regex, Regex, Regex) {
    static R: OnceLock<(Regex, Regex, Regex)> = OnceLock::new();
    R.get_or_init(|| {
        let nouns = r"(?:jungtiere?|jungv[oö]gel|babys?|babies|b[ée]b[ée]s?|jeunes?|jongen|jonge|juveniles?|stuks?|st[üu]ck|stk|pcs|pieces?|pi[èe]ces|birds?|oiseaux|v[oö]gel|tiere|animals|males?|females?|m[äa]nnchen|weibchen|m[âa]les?|femelles?|eggs|oeufs|œufs|eier(?:en)?|plants?|plantes?|pflanzen|planten|specimens?|exemplaires?|exemplare|exemplaren|tortues?|schildkr[öo]ten|schildpadden|tortoises?|turtles?|perroquets?|papageien|papegaaien|parrots?|snakes?|serpents?|schlangen|slangen|hatchlings?|nachzuchten|kweekjes|dieren|animaux|ableger|frags?|stekjes|boutures?|s[äa]mlinge|seedlings?|semis|zaailingen|dosen|tins?|bo[iî]tes|blikjes|dispo|disponibles?|available|left|kolonies|kolonien|colonies|verf[üu]gbar|beschikbaar|ex\.?|x(?-u:\b))";
        let words = r"(one|two|three|four|five|six|un|une|deux|trois|quatre|cinq|six|ein|eine|zwei|drei|vier|f[üu]nf|sechs|een|twee|drie|vier|vijf|zes|\d{1,3})";
        (
            // reptile-keeper notation: 1.1, 1,2, 0.0.3, 2.3.1
            Regex::new(r"(?:^|[\s(:])(\d{1,2})[.,](\d{1,2})(?:[.,](\d{1,2}))?(?:$|[\s),;!:])").unwrap(),
            Regex::new(&format!(r"(?i)(?-u:\b){words}\s*(?:x\s*)?{nouns}")).unwrap(),
            Regex::new(r"(?i)(?-u:\b)(?:lot\s+(?:de|of)|set\s+of|(?:\d{1,3})\s*x(?-u:\b)|x\s*(\d{1,3})(?-u:\b)|total\s+(?:de|of|van|von)?)\s*(\d{1,3})?").unwrap(),
        )
    })
}

fn number_word(w: &str) -> Option<u32> {
    let w = w.to_lowercase();
    Some(match w.as_str() {
        "one" | "un" | "une" | "ein" | "eine" | "een" => 1,
        "two" | "deux" | "zwei" | "twee" => 2,
        "three" | "trois" | "drei" | "drie" => 3,
        "four" | "quatre" | "vier" => 4,
        "five" | "cinq" | "fünf" | "funf" | "vijf" => 5,
        "six" | "sechs" | "zes" => 6,
        n => n.parse().ok()?,
    })
}

fn after_is_wear_or_set(tail: &str) -> bool {
    let head: String = tail.chars().take(24).collect::<String>().to_lowercase();
    let mut words = head
        .split(|c: char| !c.is_alphabetic())
        .filter(|w| !w.is_empty());
    let first = words.next().unwrap_or("");
    let second = words.next().unwrap_or("");
    let wear = [
        "getragen",
        "benutzt",
        "gebraucht",
        "worn",
        "used",
        "porte",
        "porté",
        "portée",
        "portés",
        "portées",
        "gedragen",
        "gebruikt",
        "gespielt",
        "played",
    ];
    wear.contains(&first)
        || [first, second]
            .iter()
            .any(|w| ["set", "service"].contains(w))
}

/// A number standing just before `pos`, with at most one word between ("2 Elfenbein-Netsuke",
/// "5 getrocknete Seepferdchen"): the count of the thing named at `pos`.
pub fn count_before(text: &str, pos: usize) -> Option<Count> {
    let mut head = text.get(..pos)?.trim_end_matches([' ', '\t']);
    // "4x Euphyllia", "3 x D. auratus".
    if let Some(h) = head.strip_suffix(['x', 'X']) {
        let h = h.trim_end_matches([' ', '\t']);
        if h.ends_with(|c: char| c.is_ascii_digit()) {
            head = h;
        }
    }
    let mut end = head.len();
    let trimmed_word = head.trim_end_matches(|c: char| c.is_alphabetic() || c == '-');
    if trimmed_word.len() < head.len() && trimmed_word.ends_with([' ', '\t']) {
        end = trimmed_word.trim_end_matches([' ', '\t']).len();
    }
    let digits = head[..end].len()
        - head[..end]
            .trim_end_matches(|c: char| c.is_ascii_digit())
            .len();
    if digits == 0 || digits > 3 {
        return None;
    }
    let start = end - digits;
    let before = head[..start].chars().next_back();
    if before.is_some_and(|c| !(c.is_whitespace() || c == '(' || c == ':')) {
        return None;
    }
    let word_before = head[..start]
        .trim_end()
        .rsplit(|c: char| c.is_whitespace())
        .next()
        .unwrap_or("")
        .to_lowercase();
    if [
        "gr.", "gr", "größe", "grösse", "size", "taille", "maat", "t.", "nr.", "no.",
    ]
    .contains(&word_before.as_str())
    {
        return None;
    }
    let n: u32 = head[start..end].parse().ok()?;
    (2..=200).contains(&n).then_some(Count {
        n,
        span: (start, pos),
    })
}

/// Reads explicit specimen counts from the text: keeper notation, number + noun, lots and sets.
/// Returns every count found; the caller combines them with count words from the lexicon.
pub fn counts(text: &str) -> Vec<Count> {
    let (keeper, noun, lot) = count_regexes();
    let mut out = Vec::new();
    let bytes = text.as_bytes();
    let keeper_matches = has_digit(text).then(|| keeper.captures_iter(text));
    for c in keeper_matches.into_iter().flatten() {
        let m = c.get(0).unwrap();
        // Not a price or a measure: 2,50 €, 1.5 kg, 1,2 m.
        // Only the first and last few characters are looked at: lowercase just those (lowercasing
        // is per character, so they are the same as in the whole text lowercased).
        let tail_src = text[m.end()..].trim_start();
        let tail_end = tail_src
            .char_indices()
            .nth(16)
            .map_or(tail_src.len(), |(i, _)| i);
        let tail = tail_src[..tail_end].to_lowercase();
        let head_src = text[..m.start()].trim_end();
        let head_start = head_src.char_indices().rev().nth(15).map_or(0, |(i, _)| i);
        let head = head_src[head_start..].to_lowercase();
        let unit_after = [
            "€", "eur", "kg", "g", "cm", "mm", "m", "l", "%", "chf", "£", "$", "jahr", "j", "ans",
            "jaar", "year", "yr", "mois", "monat", "maand", "month", "uhr", "h", "ct", "karat",
        ]
        .iter()
        .any(|u| {
            tail.strip_prefix(u)
                .is_some_and(|rest| !rest.starts_with(|c: char| c.is_alphabetic()))
                || (u.len() > 2 && tail.starts_with(u))
        });
        let money_before = head.ends_with('€')
            || head.ends_with("eur")
            || head.ends_with('£')
            || head.ends_with("chf")
            || head.ends_with('$');
        if unit_after
            || money_before
            || (m.end() < bytes.len() && bytes[m.end() - 1] == b'.')
                && tail.starts_with(|c: char| c.is_ascii_digit())
        {
            continue;
        }
        let n: u32 = (1..=3)
            .filter_map(|i| c.get(i))
            .filter_map(|g| g.as_str().parse::<u32>().ok())
            .sum();
        if (1..=60).contains(&n) {
            out.push(Count {
                n,
                span: (m.start(), m.end()),
            });
        }
    }
    for c in noun.captures_iter(text) {
        let m = c.get(0).unwrap();
        // "3 piece carving set" is one set.
        if after_is_wear_or_set(&text[m.end()..]) {
            continue;
        }
        if let Some(n) = number_word(&c[1]).filter(|n| (1..=500).contains(n)) {
            out.push(Count {
                n,
                span: (m.start(), m.end()),
            });
        }
    }
    for c in lot.captures_iter(text) {
        let m = c.get(0).unwrap();
        // "2x getragen", "worn 2x": how often, not how many.
        if after_is_wear_or_set(&text[m.end()..]) {
            continue;
        }
        let n = c
            .get(1)
            .or(c.get(2))
            .and_then(|g| g.as_str().parse::<u32>().ok())
            .or_else(|| {
                let s = m.as_str();
                s.split(|ch: char| !ch.is_ascii_digit())
                    .find(|p| !p.is_empty())
                    .and_then(|p| p.parse().ok())
            });
        if let Some(n) = n.filter(|n| (2..=500).contains(n)) {
            out.push(Count {
                n,
                span: (m.start(), m.end()),
            });
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn eur(pt: Option<&str>, text: &str) -> Option<f64> {
        price(pt, text, &Rates::shipped()).map(|p| p.eur)
    }

    #[test]
    fn prices_in_every_written_form() {
        assert_eq!(eur(Some("1.200,- €"), ""), Some(1200.0));
        assert_eq!(eur(Some("EUR 250"), ""), Some(250.0));
        assert_eq!(eur(Some("£300"), ""), Some(351.0));
        assert_eq!(eur(Some("1 200€"), ""), Some(1200.0));
        assert_eq!(eur(Some("450,-"), ""), Some(450.0));
        assert_eq!(eur(Some("250 € VB"), ""), Some(250.0));
        assert_eq!(eur(Some("VB"), ""), None);
        assert_eq!(eur(Some("à débattre"), ""), None);
        assert_eq!(eur(Some("n.o.t.k."), ""), None);
        assert_eq!(eur(Some("CHF 900"), ""), Some(954.0));
        assert_eq!(eur(Some("€ 350,00"), ""), Some(350.0));
        assert_eq!(eur(Some("1,250.50 GBP"), ""), Some(1463.09));
        assert_eq!(eur(Some("800"), ""), Some(800.0));
        // Currency words in any case, also where Unicode case folding is needed (KELVIN SIGN).
        assert_eq!(eur(Some("100 PLN"), ""), eur(Some("100 pln"), ""));
        assert_eq!(eur(Some("100 \u{212A}Č"), ""), eur(Some("100 kč"), ""));
        assert!(eur(Some("100 kč"), "").is_some_and(|e| e != 100.0));
        assert_eq!(eur(None, "Zu verschenken"), Some(0.0));
        assert_eq!(eur(None, "Preis 250 VB, Abholung"), Some(250.0));
        assert_eq!(eur(None, "asking £1,200 ono"), Some(1404.0));
        assert_eq!(eur(Some("Prijs op aanvraag"), "Mooie ara"), None);
    }

    #[test]
    fn counts_in_keeper_notation_and_words() {
        let n = |t: &str| counts(t).iter().map(|c| c.n).max();
        assert_eq!(n("Biete 1.1 Königspython NZ 2024"), Some(2));
        assert_eq!(n("0.0.3 Jungtiere abzugeben"), Some(3));
        assert_eq!(n("1,2 leopard geckos"), Some(3));
        assert_eq!(n("3 jeunes perroquets"), Some(3));
        assert_eq!(n("lot de 4 tortues"), Some(4));
        assert_eq!(n("deux jeunes aras"), Some(2));
        assert_eq!(n("Preis 2,50 € pro Stück"), None);
        assert_eq!(n("1.5 kg"), None);
        assert_eq!(n("Leguan, ca. 1,20 m, sucht"), None);
        assert_eq!(n("NZ 2022, ca. 1,2 m. Nur an"), None);
        assert_eq!(n("10 Sämlinge Copiapoa"), Some(10));
        assert_eq!(n("Stiefel 2x getragen"), None);
        assert_eq!(n("Victorian 3 piece carving set"), None);
    }

    #[test]
    fn count_before_a_name() {
        let c = |t: &str, w: &str| count_before(t, t.find(w).unwrap()).map(|c| c.n);
        assert_eq!(c("Tausche 2 Elfenbein-Netsuke", "Elfenbein"), Some(2));
        assert_eq!(c("5 getrocknete Seepferdchen", "Seepferdchen"), Some(5));
        assert_eq!(c("Stiefel Gr. 39 Pythonleder", "Python"), None);
        assert_eq!(c("1.5 Elfenbein", "Elfenbein"), None);
        assert_eq!(c("Elfenbein", "Elfenbein"), None);
        assert_eq!(c("1 Uhu", "Uhu"), None);
        assert_eq!(c("4x Euphyllia", "Euphyllia"), Some(4));
        assert_eq!(c("3 x D. auratus", "D. auratus"), Some(3));
    }

    #[test]
    fn budgets_are_prices() {
        let r = Rates::shipped();
        let p = |t: &str| price(None, t, &r).map(|p| p.eur);
        assert_eq!(
            p("looking for a CAG. Budget around 1000. PM me"),
            Some(1000.0)
        );
        assert_eq!(p("cherche caméléon, budget 200e max"), Some(200.0));
        assert_eq!(p("Zoek koningspython. Budget max 150."), Some(150.0));
    }

    #[test]
    fn amounts_parse_with_either_separator() {
        assert_eq!(parse_amount("1.200"), Some(1200.0));
        assert_eq!(parse_amount("1,200"), Some(1200.0));
        assert_eq!(parse_amount("1.200,50"), Some(1200.5));
        assert_eq!(parse_amount("2,5"), Some(2.5));
        assert_eq!(parse_amount("1 200"), Some(1200.0));
        assert_eq!(parse_amount("abc"), None);
    }
}

#[cfg(test)]
mod props {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(400))]

        /// Price and count parsing never panic, whatever the text (spans stay inside it).
        #[test]
        fn never_panics(s in "\\PC{0,200}") {
            let r = Rates::shipped();
            if let Some(p) = price(Some(&s), &s, &r) {
                prop_assert!(p.eur.is_finite() && p.eur >= 0.0);
            }
            for c in counts(&s) {
                prop_assert!(c.span.0 <= c.span.1 && c.span.1 <= s.len());
            }
            for i in 0..=s.len() {
                if s.is_char_boundary(i) {
                    let _ = count_before(&s, i);
                }
            }
        }

        /// The pre-checks never skip a pattern that would match (case folding included).
        #[test]
        fn needles_hold_whenever_the_patterns_match(
            s in "([0-9 ,.:-]|[eE][uU][rR]|€|£|\\$|[zZ][łŁ]|[kK\u{212A}][čČ]|[sS\u{17F}][eE][kK\u{212A}]|pound|PLN|chf|sfr|usd|gbp|dkk|czk|nok|prix|Preis|prijs|vb|FP|a[sS\u{17F}][kK\u{212A}]ing|price|budget|BUDGET|max|[a-z]){0,12}"
        ) {
            let (after, before, dash, word) = price_regexes();
            if after.is_match(&s) || before.is_match(&s) {
                prop_assert!(CURRENCY.in_text(&s), "{:?}", s);
            }
            if dash.is_match(&s) {
                prop_assert!(s.contains(",-") || s.contains(".-"), "{:?}", s);
            }
            if word.is_match(&s) {
                prop_assert!(PRICE_WORDS.in_text(&s), "{:?}", s);
            }
            if s.to_lowercase().contains("budget") {
                prop_assert!(BUDGET_WORD.in_text(&s), "{:?}", s);
            }
        }

        /// Euro amounts written the usual ways read back as the same amount.
        #[test]
        fn euro_amounts_round_trip(n in 1u32..100_000, form in 0usize..5) {
            let thousands = |n: u32| {
                if n >= 1000 { format!("{}.{:03}", n / 1000, n % 1000) } else { n.to_string() }
            };
            let text = match form {
                0 => format!("{n} €"),
                1 => format!("€ {n}"),
                2 => format!("{},- €", thousands(n)),
                3 => format!("EUR {}", thousands(n)),
                _ => format!("{} € VB", thousands(n)),
            };
            let p = price(Some(&text), "", &Rates::shipped()).map(|p| p.eur);
            prop_assert_eq!(p, Some(n as f64), "{}", text);
        }

        /// Keeper notation is the sum of its parts.
        #[test]
        fn keeper_notation_sums(m in 0u32..10, f in 0u32..10, u in 0u32..10, three in any::<bool>()) {
            prop_assume!(m + f + u > 0);
            let (text, want) = if three {
                (format!("Biete {m}.{f}.{u} Königspython"), m + f + u)
            } else {
                prop_assume!(m + f > 0);
                (format!("Biete {m},{f} Königspython"), m + f)
            };
            prop_assert_eq!(counts(&text).iter().map(|c| c.n).max(), Some(want), "{}", text);
        }
    }
}
