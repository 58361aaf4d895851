//! Reading weights, declared values and country names from manifest cells.

use crate::fold;

/// Reads "1,2 kg", "800 g", "2 lbs", "1.5" (kg) into kilograms.
pub fn parse_weight(s: &str) -> Option<f64> {
    let t = s.trim().to_lowercase();
    if t.is_empty() {
        return None;
    }
    let num_end = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == ',' || c == ' '))
        .unwrap_or(t.len());
    let n = parse_number(&t[..num_end])?;
    let unit = t[num_end..].trim().trim_end_matches('.');
    let f = match unit {
        "" | "kg" | "kgs" | "kilo" | "kilos" | "kilogram" | "kilogramme" | "kilogramm" => 1.0,
        "g" | "gr" | "gram" | "gramme" | "gramm" | "grams" => 0.001,
        "lb" | "lbs" | "pound" | "pounds" => 0.453_592,
        "oz" => 0.028_349_5,
        _ => return None,
    };
    Some(n * f)
}

fn parse_number(s: &str) -> Option<f64> {
    let s: String = s.chars().filter(|c| !c.is_whitespace()).collect();
    if s.is_empty() {
        return None;
    }
    let s = match (s.rfind(','), s.rfind('.')) {
        (Some(c), Some(d)) if c > d => s.replace('.', "").replace(',', "."),
        (Some(_), Some(_)) => s.replace(',', ""),
        (Some(c), None) if s.len() - c == 4 && s.matches(',').count() >= 1 && c > 0 => {
            // "1,200" thousands separator when exactly three digits follow.
            s.replace(',', "")
        }
        (Some(_), None) => s.replace(',', "."),
        _ => s,
    };
    s.parse().ok()
}

/// Reads "120 EUR", "€ 1.200,50", "$40" into (amount, currency).
pub fn parse_value(s: &str) -> Option<(f64, Option<String>)> {
    let t = s.trim();
    if t.is_empty() {
        return None;
    }
    let num: String = t
        .chars()
        .filter(|c| c.is_ascii_digit() || *c == '.' || *c == ',')
        .collect();
    let cur: String = t
        .chars()
        .filter(|c| !(c.is_ascii_digit() || *c == '.' || *c == ',' || c.is_whitespace()))
        .collect();
    let cur = match cur.as_str() {
        "" => None,
        "€" => Some("EUR".to_string()),
        "$" => Some("USD".to_string()),
        "£" => Some("GBP".to_string()),
        c if c.len() == 3 && c.chars().all(|x| x.is_ascii_alphabetic()) => Some(c.to_uppercase()),
        _ => return None,
    };
    Some((parse_number(&num)?, cur))
}

pub(crate) fn norm_country(s: &str) -> Option<String> {
    let t = s.trim();
    let up = t.to_uppercase();
    if up.len() == 2 && up.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(up);
    }
    let code = match fold(t).trim() {
        "france" => "FR",
        "belgium" | "belgique" | "belgie" | "belgien" => "BE",
        "germany" | "allemagne" | "deutschland" | "duitsland" => "DE",
        "netherlands" | "pays bas" | "niederlande" | "nederland" => "NL",
        "switzerland" | "suisse" | "schweiz" | "zwitserland" => "CH",
        "austria" | "autriche" | "osterreich" | "oostenrijk" => "AT",
        "luxembourg" | "luxemburg" => "LU",
        "united kingdom" | "uk" | "royaume uni" => "GB",
        _ => return None,
    };
    Some(code.into())
}
