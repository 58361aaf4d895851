//! Notice templates and legal-basis texts: shipped in the binary from `data/templates/`, and
//! overridden file by file from the user's folders (`--templates DIR`, then
//! `~/.config/wildwatch/templates/`), so a team rewrites its letter without a build.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::{ActionError, Result};

const SHIPPED: &[(&str, &str)] = &[
    (
        "takedown/en.csv",
        include_str!("../../../data/templates/takedown/en.csv"),
    ),
    (
        "takedown/fr.csv",
        include_str!("../../../data/templates/takedown/fr.csv"),
    ),
    (
        "takedown/de.csv",
        include_str!("../../../data/templates/takedown/de.csv"),
    ),
    (
        "takedown/nl.csv",
        include_str!("../../../data/templates/takedown/nl.csv"),
    ),
    (
        "takedown/en.letter.txt",
        include_str!("../../../data/templates/takedown/en.letter.txt"),
    ),
    (
        "takedown/fr.letter.txt",
        include_str!("../../../data/templates/takedown/fr.letter.txt"),
    ),
    (
        "takedown/de.letter.txt",
        include_str!("../../../data/templates/takedown/de.letter.txt"),
    ),
    (
        "takedown/nl.letter.txt",
        include_str!("../../../data/templates/takedown/nl.letter.txt"),
    ),
    (
        "takedown/legal_basis.toml",
        include_str!("../../../data/templates/takedown/legal_basis.toml"),
    ),
];

/// Where templates come from: user folders first (each laid out like `data/templates/`), then
/// the shipped ones.
#[derive(Debug, Clone, Default)]
pub struct Templates {
    dirs: Vec<PathBuf>,
}

/// A template's text and where it came from.
#[derive(Debug, Clone)]
pub struct Source {
    /// The text.
    pub text: String,
    /// `shipped` or the file path.
    pub origin: String,
}

impl Templates {
    /// Templates from these folders (first wins), then the shipped ones.
    pub fn new(dirs: Vec<PathBuf>) -> Templates {
        Templates { dirs }
    }

    /// The usual folders: `explicit` (e.g. `--templates DIR`), then
    /// `~/.config/wildwatch/templates` when `HOME` is set.
    pub fn standard(explicit: Option<&Path>) -> Templates {
        let mut dirs: Vec<PathBuf> = explicit.map(Path::to_path_buf).into_iter().collect();
        if let Some(home) = std::env::var_os("HOME") {
            dirs.push(PathBuf::from(home).join(".config/wildwatch/templates"));
        }
        Templates { dirs }
    }

    /// The text of `rel` (e.g. `takedown/fr.letter.txt`), or `None` when no folder and no
    /// shipped file has it.
    pub fn get(&self, rel: &str) -> Result<Option<Source>> {
        for d in &self.dirs {
            let p = d.join(rel);
            if p.is_file() {
                let text = std::fs::read_to_string(&p).map_err(crate::io_err(&p))?;
                return Ok(Some(Source {
                    text,
                    origin: p.display().to_string(),
                }));
            }
        }
        Ok(SHIPPED
            .iter()
            .find(|(n, _)| *n == rel)
            .map(|(_, t)| Source {
                text: (*t).to_string(),
                origin: "shipped".into(),
            }))
    }

    /// The legal-basis texts.
    pub fn legal_basis(&self) -> Result<LegalBasis> {
        let src = self
            .get("takedown/legal_basis.toml")?
            .ok_or_else(|| ActionError::Invalid("no takedown/legal_basis.toml".into()))?;
        LegalBasis::parse(&src.text, &src.origin)
    }
}

/// One rule's wording in one language.
#[derive(Debug, Clone, Serialize, Deserialize, PartialEq, Eq)]
pub struct RuleText {
    /// For the CSV.
    pub short: String,
    /// For the letter.
    pub text: String,
}

/// The rules a listed specimen offered for sale breaks, worded per language.
#[derive(Debug, Clone)]
pub struct LegalBasis {
    rules: BTreeMap<String, BTreeMap<String, RuleText>>,
}

/// The rules every legal-basis file must word.
pub const RULES: &[&str] = &[
    "eu_annex_a",
    "eu_annex_b",
    "eu_annex_c",
    "eu_annex_d",
    "cites_i",
    "cites_ii",
    "cites_iii",
];

impl LegalBasis {
    /// Parses and checks a legal-basis file: every rule worded at least in English.
    pub fn parse(text: &str, origin: &str) -> Result<LegalBasis> {
        let rules: BTreeMap<String, BTreeMap<String, RuleText>> =
            toml::from_str(text).map_err(|e| ActionError::Template {
                name: format!("takedown/legal_basis.toml ({origin})"),
                message: e.to_string(),
            })?;
        for r in RULES {
            if !rules.get(*r).is_some_and(|l| l.contains_key("en")) {
                return Err(ActionError::Template {
                    name: format!("takedown/legal_basis.toml ({origin})"),
                    message: format!("rule [{r}] needs at least an `en` text"),
                });
            }
        }
        Ok(LegalBasis { rules })
    }

    /// A rule's wording in `lang`, else in English.
    pub fn text(&self, rule: &str, lang: &str) -> Option<&RuleText> {
        let l = self.rules.get(rule)?;
        l.get(lang).or_else(|| l.get("en"))
    }
}

/// The rules broken by offering a specimen with this listing for sale: the EU annex (when the
/// platform is in the EU) and the CITES appendix.
pub fn rules_for(cites: Option<&str>, eu_annex: Option<&str>, in_eu: bool) -> Vec<&'static str> {
    let mut out = Vec::new();
    if in_eu {
        match eu_annex {
            Some("A") => out.push("eu_annex_a"),
            Some("B") => out.push("eu_annex_b"),
            Some("C") => out.push("eu_annex_c"),
            Some("D") => out.push("eu_annex_d"),
            _ => {}
        }
    }
    match cites {
        Some("I") => out.push("cites_i"),
        Some("II") => out.push("cites_ii"),
        Some("III") => out.push("cites_iii"),
        _ => {}
    }
    out
}

/// EU member states (ISO 3166 alpha-2), where Regulation (EC) No 338/97 applies.
const EU: &[&str] = &[
    "AT", "BE", "BG", "HR", "CY", "CZ", "DK", "EE", "FI", "FR", "DE", "GR", "HU", "IE", "IT", "LV",
    "LT", "LU", "MT", "NL", "PL", "PT", "RO", "SK", "SI", "ES", "SE",
];

/// Whether the EU wildlife trade regulations apply to a platform of this country (unknown
/// countries are taken as EU: wildwatch monitors EU marketplaces).
pub fn in_eu(country: Option<&str>) -> bool {
    match country {
        None => true,
        Some(c) => EU.iter().any(|e| e.eq_ignore_ascii_case(c.trim())),
    }
}

/// Quotes one CSV row (RFC 4180) and defuses spreadsheet formulas ([`wildwatch_sink::csv_row`]),
/// since ad titles are written by sellers and the CSV is opened in spreadsheets.
pub fn csv_row(cells: &[String]) -> String {
    wildwatch_sink::csv_row(cells)
}

fn csv_row_filter(cells: Vec<minijinja::Value>) -> String {
    let cells: Vec<String> = cells
        .iter()
        .map(|v| {
            if v.is_none() || v.is_undefined() {
                String::new()
            } else if let Some(s) = v.as_str() {
                s.to_string()
            } else {
                v.to_string()
            }
        })
        .collect();
    csv_row(&cells)
}

/// Renders template `rel` with `ctx`. Undefined variables are errors (a typo in an edited
/// template names its line instead of printing nothing).
pub fn render<S: Serialize>(templates: &Templates, rel: &str, ctx: &S) -> Result<String> {
    let src = templates.get(rel)?.ok_or_else(|| {
        ActionError::Invalid(format!(
            "no template {rel}: add it to ~/.config/wildwatch/templates/ or the --templates folder"
        ))
    })?;
    let name = format!("{rel} ({})", src.origin);
    let mut env = minijinja::Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| ActionError::Template {
            name: name.clone(),
            message: e.to_string(),
        })?;
    env.set_syntax(syntax);
    env.set_undefined_behavior(minijinja::UndefinedBehavior::Strict);
    env.add_filter("csv_row", csv_row_filter);
    let fail = |e: minijinja::Error| ActionError::Template {
        name: name.clone(),
        message: match e.line() {
            Some(l) => format!("line {l}: {e}"),
            None => e.to_string(),
        },
    };
    env.add_template_owned(rel.to_string(), src.text.clone())
        .map_err(fail)?;
    let t = env.get_template(rel).map_err(fail)?;
    t.render(minijinja::value::Serde(ctx)).map_err(fail)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_cells_are_quoted_and_formulas_defused() {
        let row = csv_row(&[
            "plain".into(),
            "a, b".into(),
            "say \"hi\"".into(),
            "=HYPERLINK(\"http://x\")".into(),
            "-2+3".into(),
        ]);
        assert_eq!(
            row,
            "plain,\"a, b\",\"say \"\"hi\"\"\",\"'=HYPERLINK(\"\"http://x\"\")\",'-2+3"
        );
    }

    #[test]
    fn shipped_legal_basis_words_every_rule_in_four_languages() {
        let lb = Templates::new(vec![]).legal_basis().unwrap();
        for r in RULES {
            for l in ["en", "fr", "de", "nl"] {
                let t = lb.text(r, l).unwrap();
                assert!(!t.short.is_empty() && !t.text.is_empty(), "{r} {l}");
            }
        }
        assert!(lb.text("eu_annex_a", "fr").unwrap().short.contains("8(1)"));
        assert!(lb.text("eu_annex_b", "en").unwrap().short.contains("8(5)"));
        assert!(lb.text("cites_i", "de").unwrap().short.contains("Art. III"));
    }

    #[test]
    fn rules_follow_annex_and_appendix() {
        assert_eq!(
            rules_for(Some("I"), Some("A"), true),
            ["eu_annex_a", "cites_i"]
        );
        assert_eq!(rules_for(Some("II"), Some("B"), false), ["cites_ii"]);
        assert!(in_eu(Some("fr")) && !in_eu(Some("GB")));
    }

    #[test]
    fn a_typo_in_a_user_template_names_the_line() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("takedown")).unwrap();
        std::fs::write(
            dir.path().join("takedown/en.letter.txt"),
            "Hello\n{{ platfrom }}\n",
        )
        .unwrap();
        let t = Templates::new(vec![dir.path().to_path_buf()]);
        let e = render(
            &t,
            "takedown/en.letter.txt",
            &serde_json::json!({"platform": "x"}),
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 2"), "{e}");
        assert!(e.contains("en.letter.txt"), "{e}");
    }
}
