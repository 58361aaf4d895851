//! Places: postcode and town (`75011 Paris`, `D-10115 Berlin`, `1012 AB Amsterdam`,
//! `1000 Bruxelles`), a French town with its department (`Lyon (69)`) and UK postcodes.
//! Patterns only: no gazetteer.

use crate::Kind;
use crate::{char_before, prio, Ctx};
use phonenumber::country::Id;
use regex::Regex;
use std::sync::LazyLock;

/// A town name: capitalised words joined by hyphens or by the particles of town names
/// (`Saint-Étienne`, `Aix-en-Provence`, `Frankfurt am Main`, `Alphen aan den Rijn`,
/// `'s-Hertogenbosch`, `Villeneuve-d'Ascq`, `Den Haag`).
const TOWN: &str = r"(?:(?:Den|De|La|Le|Les|Bad|Sankt|St\.|Ste\.|Saint|Sainte|Sint|San|Santa)\s)?(?:'s-|’s-)?\p{Lu}[\p{L}'’]*(?:(?:-(?:(?:sur|sous|en|le|la|les|lès|lez|de|du|des|aux|au|am|an|der|im|in|bei|ob|upon|on|op|aan|den|the)-)*|\s(?:(?:am|an|an\sder|im|ob\sder|in\sder|aan|aan\sde|aan\sden|op|bij|upon)\s))\p{Lu}[\p{L}'’]*|[\-\s](?:d|l)['’]\p{Lu}[\p{L}'’]*){0,4}";

static FIVE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<pc>(?:(?:F|D|FR|DE|I|E|FIN)-)?\d{{5}}),?[ \t\u{{a0}}]+(?P<town>{TOWN})"
    ))
    .expect("five-digit postcode regex")
});

static NL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<pc>(?:NL-)?[1-9]\d{{3}}[ \u{{a0}}]?[A-Z]{{2}}),?[ \t\u{{a0}}]+(?P<town>{TOWN})"
    ))
    .expect("dutch postcode regex")
});

static FOUR: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<pc>(?:(?:B|BE|A|AT|CH|L|LU|DK)-)?[1-9]\d{{3}}),?[ \t\u{{a0}}]+(?P<town>{TOWN})"
    ))
    .expect("four-digit postcode regex")
});

static DEPT: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(&format!(
        r"(?P<town>{TOWN})[ \u{{a0}}]?\((?P<pc>\d{{2}}|2[AB]|97\d)\)"
    ))
    .expect("department regex")
});

static UK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\b(?P<pc>(?:[A-Z]{1,2}[0-9][A-Z0-9]?|GIR)[ \u{a0}]?[0-9][A-Z]{2})\b")
        .expect("uk postcode regex")
});

/// Capitalised words after a number that are not towns: units, currencies, nouns.
const NOT_TOWN: &[&str] = &[
    "euro",
    "euros",
    "eur",
    "€",
    "stück",
    "stk",
    "stuks",
    "stuk",
    "exemplare",
    "exemplaires",
    "exemplaar",
    "jahre",
    "jahren",
    "ans",
    "an",
    "mois",
    "jours",
    "tage",
    "wochen",
    "weeks",
    "pièces",
    "pieces",
    "pcs",
    "tiere",
    "vögel",
    "oiseaux",
    "preis",
    "prix",
    "prijs",
    "price",
    "km",
    "kg",
    "gramm",
    "gr",
    "tel",
    "telefon",
    "nr",
    "art",
    "ex",
    "chf",
    "gbp",
    "usd",
    "dollar",
    "dollars",
    "pfund",
    "franken",
    "francs",
    "mal",
    "fois",
    "keer",
    "times",
    "jaar",
    "maanden",
    "weken",
    "dagen",
    "days",
    "years",
    "months",
    "cm",
    "mm",
    "ml",
    "liter",
    "litre",
    "watt",
    "volt",
    "ps",
    "cv",
    "lot",
    "taille",
    "größe",
    "grösse",
    "size",
    "age",
    "âge",
    "alter",
    "leeftijd",
    "paar",
    "paare",
    "couple",
    "couples",
    "männchen",
    "weibchen",
    "mâle",
    "mâles",
    "femelle",
    "femelles",
    "male",
    "female",
    "man",
    "vrouw",
    "eier",
    "œufs",
    "oeufs",
    "eggs",
    "ringe",
    "ring",
    "bague",
    "bagues",
    "cites",
    "and",
    "und",
    "et",
    "en",
    "the",
    "le",
    "la",
    "les",
    "de",
    "der",
    "die",
    "das",
    "het",
    "vb",
    "vhb",
    "obo",
    "ono",
    "ttc",
    "ht",
    "inkl",
    "zzgl",
    "versand",
    "livraison",
    "verzending",
    "shipping",
    "post",
    "porto",
    "i",
    "ii",
    "iii",
    "a",
    "b",
    "c",
    "bj",
    "baujahr",
    "modell",
    "model",
    "modèle",
    "type",
    "typ",
    "nummer",
    "numéro",
    "number",
    "ref",
    "réf",
    "id",
    "uhr",
    "heures",
    "uur",
    "h",
    "min",
    "minutes",
    "minuten",
    "sekunden",
    "x",
    "m",
    "l",
    "xl",
    "xxl",
    "s",
];

/// Words that, just before a number, make it something else than a postcode.
const NOT_POSTCODE_BEFORE: &[&str] = &[
    "nr", "no", "n°", "nº", "ref", "réf", "id", "art", "bague", "ring", "preis", "prix", "price",
    "prijs", "vb", "vhb", "ca", "circa", "für", "for", "pour", "voor", "tel", "bj", "baujahr",
    "cites",
];

/// Words that, just before a four-digit number, make it a year.
const YEAR_BEFORE: &[&str] = &[
    "année",
    "year",
    "jahr",
    "jaar",
    "seit",
    "since",
    "depuis",
    "sinds",
    "en",
    "in",
    "im",
    "né",
    "née",
    "geboren",
    "born",
    "geb",
    "hatched",
    "geschlüpft",
    "éclos",
    "uit",
    "van",
    "from",
    "de",
    "du",
    "vom",
    "von",
    "sept",
    "mai",
    "juin",
];

/// Finds places and adds them as candidates.
pub(crate) fn find(ctx: &mut Ctx<'_>) {
    let text = ctx.text;
    if !text.bytes().any(|b| b.is_ascii_digit()) {
        return;
    }
    let four_digit = matches!(
        ctx.region,
        Some(Id::BE | Id::AT | Id::CH | Id::LU | Id::DK | Id::NO | Id::HU)
    );
    let mut adds: Vec<(String, (usize, usize))> = Vec::new();
    for (re, kind) in [(&*FIVE, 5u8), (&*NL, 6), (&*FOUR, 4)] {
        for m in re.captures_iter(text) {
            let pc = m.name("pc").expect("pc");
            let town = m.name("town").expect("town");
            let prefixed = pc.as_str().contains('-');
            if kind == 4 && !prefixed && !four_digit {
                continue;
            }
            if !postcode_start(text, pc.start(), prefixed, kind == 4) {
                continue;
            }
            let first = town
                .as_str()
                .split(|c: char| c.is_whitespace() || c == '-')
                .next()
                .unwrap_or("")
                .to_lowercase();
            if first.chars().count() < 2 || NOT_TOWN.contains(&first.as_str()) {
                continue;
            }
            let town_text = trim_town(town.as_str());
            let code = pc.as_str().rsplit('-').next().unwrap_or("");
            let code = if kind == 6 {
                let compact: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).collect();
                format!("{} {}", &compact[..4], &compact[4..])
            } else {
                code.to_string()
            };
            let value = format!("{code} {}", town_value(town_text));
            adds.push((value, (pc.start(), town.start() + town_text.len())));
        }
    }
    if ctx.region == Some(Id::FR) {
        for m in DEPT.captures_iter(text) {
            let town = m.name("town").expect("town");
            let whole = m.get(0).expect("match");
            if char_before(text, town.start()).is_some_and(char::is_alphanumeric) {
                continue;
            }
            let first = town
                .as_str()
                .split([' ', '-'])
                .next()
                .unwrap_or("")
                .to_lowercase();
            if NOT_TOWN.contains(&first.as_str()) {
                continue;
            }
            let pc = m.name("pc").expect("pc").as_str();
            let value = format!("{} ({pc})", town_value(town.as_str()));
            adds.push((value, (whole.start(), whole.end())));
        }
    }
    if text.bytes().any(|b| b.is_ascii_uppercase()) {
        for m in UK.captures_iter(text) {
            let pc = m.name("pc").expect("pc");
            let compact: String = pc
                .as_str()
                .chars()
                .filter(char::is_ascii_alphanumeric)
                .collect();
            let (out, inward) = compact.split_at(compact.len() - 3);
            adds.push((format!("{out} {inward}"), (pc.start(), pc.end())));
        }
    }
    for (value, span) in adds {
        let g = ctx.group();
        ctx.push(Kind::Place, value, span, g, prio::PLACE);
    }
}

/// Whether a postcode can start at byte `i`: not inside a word or a longer number, not after a
/// word that makes it a price, a year or an id.
fn postcode_start(text: &str, i: usize, prefixed: bool, four: bool) -> bool {
    if char_before(text, i).is_some_and(|c| c.is_alphanumeric() || "+-/.,".contains(c)) {
        return false;
    }
    if prefixed {
        return true;
    }
    let mut from = i.saturating_sub(24);
    while !text.is_char_boundary(from) {
        from += 1;
    }
    let before = text[from..i].to_lowercase();
    let last = before
        .trim_end_matches(|c: char| !c.is_alphanumeric() && c != '°' && c != 'º')
        .rsplit(|c: char| !(c.is_alphanumeric() || c == '°' || c == 'º'))
        .next()
        .unwrap_or("");
    let number: u32 = text[i..]
        .chars()
        .take_while(char::is_ascii_digit)
        .take(4)
        .collect::<String>()
        .parse()
        .unwrap_or(0);
    let year = four && (1900..=2035).contains(&number) && YEAR_BEFORE.contains(&last);
    !year && !NOT_POSTCODE_BEFORE.contains(&last)
}

/// Drops trailing particles a greedy town match may end with.
fn trim_town(town: &str) -> &str {
    town.trim_end_matches(['-', ' ', '\'', '’'])
}

/// The town as a linking key: lowercase, single spaces.
fn town_value(town: &str) -> String {
    town.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}
