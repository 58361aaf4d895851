//! Labelled identifiers: messaging and payment labels next to a number or address
//! (`WhatsApp: 06…`, `06… (WhatsApp)`, `PayPal: x@y.fr`, `Telegram @name`), user names after a
//! label (`insta: x`, `pseudo : x`, `Benutzername: x`) and bare `@handles`.

use crate::{char_at, char_before, known_tld, prio, url::telegram_name, Ctx, Kind};
use regex::Regex;
use std::sync::LazyLock;

/// Messaging and payment service names.
static SERVICE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?P<wa>whats\s?app|whatsap|watsapp|whatapp|wats\s?app|wapp|wa)\b|\b(?P<tg>telegram|tg)\b|\b(?P<signal>signal)\b|\b(?P<pp>pay\s?pal|pp)\b|\b(?P<pay>lydia|tikkie|revolut|wero|paylib)\b",
    )
    .expect("service regex")
});

/// What may stand between a label and the number or address it labels.
static FILLER_AFTER: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:[\s:\-–/+&(),.=|]|\b(?:tel|tél|téléphone|telefon|telefoon|phone|gsm|sms|mobile?|handy|portable|nr|no|n°|num|nummer|numéro|number|ou|or|oder|of|et|and|und|en|uniquement|only|nur|alleen|seulement|via|an|à|a|au|to|naar|amis?|friends?|freunde|famille|family|vrienden|familie|f&f|me|moi|mir|mij|contact|contacter|kontakt|auch|also|aussi|ook|whats\s?app|wa|telegram|signal|viber|imessage|sur|on|op|per|at|chez|bij|unter|under|onder|sous|bei|über|par)\b)*",
    )
    .expect("filler regex")
});

/// What may stand between a number and a label after it: `06… (WhatsApp)`, `06… / WhatsApp`.
static FILLER_BEFORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:[\s:\-–/+&(),|]|\b(?:ou|or|oder|of|et|and|und|en|auch|also|aussi|ook|via|sur|on|op|per|par|sms|tel)\b){0,6}$",
    )
    .expect("filler regex")
});

/// A user name after a label: `insta: x`, `pseudo : x`, `Benutzername: x`, `snap @x`.
static USER_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)\b(?:insta(?:gram)?|ig|snap(?:chat)?|tik\s?tok|twitter|fb|facebook|pseudo|pseudonyme|username|user\s?name|benutzer(?:name)?|nutzer(?:name)?|nickname|nick|gebruikersnaam|gebruiker|discord|skype|kik|vinted|ebay)\s*(?:(?:[:=]|\s[-–]\s?)\s*@?|@)(?P<name>[a-z0-9_](?:[a-z0-9_.\-]{0,28}[a-z0-9_])?)",
    )
    .expect("user label regex")
});

/// A bare `@handle`.
static HANDLE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"@(?P<name>[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?)")
        .expect("handle regex")
});

/// A name after `Telegram`/`Signal`: `@name` or `: name`.
static MESSENGER_NAME: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^\s*(?:(?:[:=]|\s[-–]\s?)\s*@?|@)(?P<name>[A-Za-z][A-Za-z0-9_]{3,31}(?:\.[0-9]{2,9})?)",
    )
    .expect("messenger name regex")
});

/// Words that are not handles even after a label.
const NOT_NAME: &[&str] = &[
    "only",
    "uniquement",
    "seulement",
    "nur",
    "alleen",
    "and",
    "et",
    "und",
    "en",
    "or",
    "ou",
    "oder",
    "of",
    "the",
    "le",
    "la",
    "les",
    "de",
    "der",
    "die",
    "das",
    "het",
    "een",
    "ein",
    "eine",
    "un",
    "une",
    "a",
    "me",
    "moi",
    "mir",
    "mij",
    "contact",
    "message",
    "messages",
    "dm",
    "mp",
    "pm",
    "privé",
    "prive",
    "private",
    "sur",
    "on",
    "op",
    "auf",
    "bei",
    "via",
    "tel",
    "phone",
    "gsm",
];

/// Finds labelled identifiers and bare handles and adds them as candidates.
pub(crate) fn find(ctx: &mut Ctx<'_>) {
    services(ctx);
    user_labels(ctx);
    handles(ctx);
}

/// A candidate to add: kind, value, span, group (`usize::MAX` for a new one), priority.
type Add = (Kind, String, (usize, usize), usize, u8);

/// Messaging and payment labels next to a phone number or an e-mail address, or before a name.
fn services(ctx: &mut Ctx<'_>) {
    let text = ctx.text;
    let mut adds: Vec<Add> = Vec::new();
    for m in SERVICE.captures_iter(text) {
        let whole = m.get(0).expect("match");
        let (kind, service) = if m.name("wa").is_some() {
            (Kind::WhatsApp, "")
        } else if m.name("tg").is_some() {
            (Kind::Telegram, "")
        } else if m.name("signal").is_some() {
            (Kind::Signal, "")
        } else if m.name("pp").is_some() {
            (Kind::PayPal, "")
        } else {
            (Kind::Payment, m.name("pay").map_or("", |p| p.as_str()))
        };
        let short = matches!(
            whole.as_str().to_ascii_lowercase().as_str(),
            "wa" | "tg" | "pp"
        );
        // Forward: the label, filler words, then a phone number or e-mail address.
        let after = FILLER_AFTER
            .find(&text[whole.end()..])
            .map_or(whole.end(), |f| whole.end() + f.end());
        let next = ctx
            .cands
            .iter()
            .filter(|c| c.span.0 >= whole.end() && c.span.0 <= after)
            .filter(|c| matches!(c.kind, Kind::Phone | Kind::Email))
            .min_by_key(|c| c.span.0);
        let next = next.filter(|c| text[whole.end()..c.span.0].len() <= 40);
        if let Some(c) = next {
            let email = c.kind == Kind::Email;
            let usable = match kind {
                Kind::WhatsApp | Kind::Signal | Kind::Telegram => !email,
                _ => true,
            };
            // Short labels (`wa`, `tg`, `pp`) must be followed by a colon or similar.
            let colon = text[whole.end()..c.span.0].contains([':', '=', '-', '/']);
            if usable && (!short || colon) {
                let value = if kind == Kind::Payment {
                    format!("{}:{}", service.to_lowercase(), c.value)
                } else {
                    c.value.clone()
                };
                adds.push((
                    kind,
                    value,
                    (whole.start(), c.span.1),
                    c.group,
                    prio::LABELLED,
                ));
                continue;
            }
        }
        // A name: `Telegram @name`, `Signal: name.42`.
        if matches!(kind, Kind::Telegram | Kind::Signal) {
            if let Some(n) = MESSENGER_NAME.captures(&text[whole.end()..]) {
                let name = n.name("name").expect("name");
                let ok = match kind {
                    Kind::Telegram => telegram_name(name.as_str()),
                    _ => true,
                };
                if ok && !NOT_NAME.contains(&name.as_str().to_lowercase().as_str()) {
                    let end = whole.end() + name.end();
                    adds.push((
                        kind,
                        name.as_str().to_lowercase(),
                        (whole.start(), end),
                        usize::MAX,
                        prio::LABELLED,
                    ));
                    continue;
                }
            }
        }
        // Backward: a phone number just before the label, `06… (WhatsApp)`.
        if matches!(kind, Kind::WhatsApp | Kind::Signal | Kind::Telegram) && !short {
            let prev = ctx
                .cands
                .iter()
                .filter(|c| c.kind == Kind::Phone && c.span.1 <= whole.start())
                .filter(|c| whole.start() - c.span.1 <= 24)
                .filter(|c| FILLER_BEFORE.is_match(&text[c.span.1..whole.start()]))
                .max_by_key(|c| c.span.1);
            if let Some(c) = prev {
                let mut end = whole.end();
                if text[c.span.1..whole.start()].contains('(') && char_at(text, end) == Some(')') {
                    end += 1;
                }
                adds.push((
                    kind,
                    c.value.clone(),
                    (c.span.0, end),
                    c.group,
                    prio::LABELLED,
                ));
                continue;
            }
        }
    }
    for (kind, value, span, group, p) in adds {
        let group = if group == usize::MAX {
            ctx.group()
        } else {
            group
        };
        ctx.push(kind, value, span, group, p);
    }
}

/// User names after a label: `insta: x`, `pseudo : x`, `Benutzername: x`.
fn user_labels(ctx: &mut Ctx<'_>) {
    let text = ctx.text;
    let mut adds = Vec::new();
    for m in USER_LABEL.captures_iter(text) {
        let whole = m.get(0).expect("match");
        let name = m.name("name").expect("name");
        let value = name.as_str().trim_end_matches(['.', '-']).to_lowercase();
        if value.len() < 2 || NOT_NAME.contains(&value.as_str()) || looks_like_domain(&value) {
            continue;
        }
        if char_at(text, name.end()).is_some_and(|c| c == '@') {
            continue; // an e-mail address follows the label
        }
        let end = name.start() + name.as_str().trim_end_matches(['.', '-']).len();
        adds.push((value, (whole.start(), end)));
    }
    for (value, span) in adds {
        let g = ctx.group();
        ctx.push(Kind::Username, value, span, g, prio::LABELLED);
    }
}

/// Bare `@handles` that are not part of an e-mail address.
fn handles(ctx: &mut Ctx<'_>) {
    let text = ctx.text;
    if !text.contains('@') {
        return;
    }
    let mut adds = Vec::new();
    for m in HANDLE.captures_iter(text) {
        let whole = m.get(0).expect("match");
        if char_before(text, whole.start())
            .is_some_and(|c| c.is_alphanumeric() || "._-+@/".contains(c))
        {
            continue;
        }
        if char_at(text, whole.end()).is_some_and(|c| c.is_alphanumeric() || c == '@') {
            continue;
        }
        let name = m.name("name").expect("name").as_str();
        let value = name.to_lowercase();
        if value.chars().all(|c| c.is_ascii_digit()) || looks_like_domain(&value) {
            continue;
        }
        adds.push((value, (whole.start(), whole.end())));
    }
    for (value, span) in adds {
        let g = ctx.group();
        ctx.push(Kind::Username, value, span, g, prio::HANDLE);
    }
}

/// `name.com`, `shop.fr`: a domain rather than a handle.
fn looks_like_domain(name: &str) -> bool {
    name.rsplit_once('.').is_some_and(|(_, tld)| known_tld(tld))
}
