//! What a report says of a species, from the reference data: its English common name, its
//! listing (for species an analyst added) and a taxonomic group readers recognise ("parrots",
//! "tortoises", "stony corals"), taken from the taxon's family, order or class.

use std::collections::HashMap;

use wildwatch_refdata::{Lineage, NameKind, RefData};

/// What the report needs to know of one scientific name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SpeciesInfo {
    /// English common name, when the reference data has one.
    pub common_name: Option<String>,
    /// Readable group, e.g. `parrots`.
    pub group: String,
    /// `Class › Order` (or kingdom › order for plants), for the group's detail column.
    pub lineage: String,
    /// CITES appendix of the taxon.
    pub cites: Option<String>,
    /// EU annex of the taxon.
    pub eu_annex: Option<String>,
}

/// Readable group names, most specific first: family, then order, then class.
const BY_FAMILY: &[(&str, &str)] = &[
    ("Testudinidae", "tortoises"),
    ("Elephantidae", "elephants (ivory)"),
    ("Rhinocerotidae", "rhinoceroses"),
    ("Felidae", "wild cats"),
    ("Ursidae", "bears"),
    ("Canidae", "wolves and foxes"),
    ("Accipitridae", "birds of prey"),
    ("Falconidae", "birds of prey"),
    ("Orchidaceae", "orchids"),
    ("Cactaceae", "cacti"),
    ("Tridacnidae", "giant clams"),
    ("Cyatheaceae", "tree ferns"),
    ("Dicksoniaceae", "tree ferns"),
];

const BY_ORDER: &[(&str, &str)] = &[
    ("Psittaciformes", "parrots"),
    ("Strigiformes", "owls"),
    ("Falconiformes", "birds of prey"),
    ("Accipitriformes", "birds of prey"),
    ("Apodiformes", "hummingbirds"),
    ("Passeriformes", "songbirds"),
    ("Testudines", "turtles and tortoises"),
    ("Sauria", "lizards"),
    ("Serpentes", "snakes"),
    ("Crocodylia", "crocodilians"),
    ("Primates", "primates"),
    ("Carnivora", "carnivores"),
    ("Cetacea", "whales and dolphins"),
    ("Proboscidea", "elephants (ivory)"),
    ("Pholidota", "pangolins"),
    ("Perissodactyla", "odd-toed ungulates"),
    ("Artiodactyla", "even-toed ungulates"),
    ("Scleractinia", "stony corals"),
    ("Antipatharia", "black corals"),
    ("Gorgonacea", "precious corals"),
    ("Helioporacea", "blue corals"),
    ("Stolonifera", "organ-pipe corals"),
    ("Stylasterina", "lace corals"),
    ("Milleporina", "fire corals"),
    ("Acipenseriformes", "sturgeons (caviar)"),
    ("Syngnathiformes", "seahorses"),
    ("Anura", "frogs"),
    ("Caudata", "salamanders"),
    ("Lepidoptera", "butterflies"),
    ("Araneae", "spiders"),
    ("Scorpiones", "scorpions"),
    ("Cycadales", "cycads"),
    ("Nepenthales", "pitcher plants"),
];

const BY_CLASS: &[(&str, &str)] = &[
    ("Aves", "birds"),
    ("Mammalia", "mammals"),
    ("Reptilia", "reptiles"),
    ("Amphibia", "amphibians"),
    ("Anthozoa", "corals"),
    ("Hydrozoa", "corals"),
    ("Actinopteri", "fish"),
    ("Elasmobranchii", "sharks and rays"),
    ("Insecta", "insects"),
    ("Arachnida", "spiders and scorpions"),
    ("Bivalvia", "molluscs"),
    ("Gastropoda", "molluscs"),
    ("Cephalopoda", "molluscs"),
];

/// The readable group of a lineage.
pub fn group_of(lineage: &Lineage) -> String {
    let find = |table: &[(&str, &str)], key: &str| {
        table
            .iter()
            .find(|(k, _)| !key.is_empty() && *k == key)
            .map(|(_, v)| v.to_string())
    };
    find(BY_FAMILY, &lineage.family)
        .or_else(|| find(BY_ORDER, &lineage.order))
        .or_else(|| find(BY_CLASS, &lineage.class))
        .or_else(|| (lineage.kingdom == "Plantae").then(|| "other plants".to_string()))
        .or_else(|| (!lineage.order.is_empty()).then(|| lineage.order.clone()))
        .or_else(|| (!lineage.class.is_empty()).then(|| lineage.class.clone()))
        .unwrap_or_else(|| "other".to_string())
}

/// Looks names up once each.
pub struct Taxa<'a> {
    refdata: &'a RefData,
    cache: HashMap<String, SpeciesInfo>,
}

impl<'a> Taxa<'a> {
    /// Over this reference data.
    pub fn new(refdata: &'a RefData) -> Taxa<'a> {
        Taxa {
            refdata,
            cache: HashMap::new(),
        }
    }

    /// What the reference data says of a scientific name (an unknown name gets the group `other`).
    pub fn info(&mut self, scientific_name: &str) -> &SpeciesInfo {
        let refdata = self.refdata;
        self.cache
            .entry(scientific_name.to_string())
            .or_insert_with(|| {
                let ids = refdata.lookup(scientific_name);
                // Prefer the taxon whose accepted name this is over one it is a synonym of.
                let Some(id) = ids
                    .iter()
                    .copied()
                    .find(|&i| refdata.taxon(i).name == scientific_name)
                    .or_else(|| ids.first().copied())
                else {
                    return SpeciesInfo {
                        group: "other".into(),
                        ..Default::default()
                    };
                };
                let t = refdata.taxon(id);
                let lin = &t.lineage;
                let top = if lin.class.is_empty() {
                    &lin.kingdom
                } else {
                    &lin.class
                };
                let lineage = [top.as_str(), lin.order.as_str()]
                    .into_iter()
                    .filter(|s| !s.is_empty())
                    .collect::<Vec<_>>()
                    .join(" › ");
                SpeciesInfo {
                    common_name: refdata
                        .names_of(id)
                        .find(|n| n.kind == NameKind::En)
                        .map(|n| n.text.clone()),
                    group: group_of(lin),
                    lineage,
                    cites: t.cites.map(|a| a.as_str().to_string()),
                    eu_annex: t.eu_annex.map(|a| a.as_str().to_string()),
                }
            })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_from_shipped_data() {
        let data = RefData::shipped().unwrap();
        let mut taxa = Taxa::new(&data);
        let grey = taxa.info("Psittacus erithacus").clone();
        assert_eq!(grey.group, "parrots");
        assert_eq!(grey.lineage, "Aves › Psittaciformes");
        assert!(grey.common_name.is_some());
        assert_eq!(grey.cites.as_deref(), Some("I"));
        assert_eq!(taxa.info("Testudo hermanni").group, "tortoises");
        assert_eq!(taxa.info("Loxodonta africana").group, "elephants (ivory)");
        assert_eq!(taxa.info("Acropora cervicornis").group, "stony corals");
        assert_eq!(taxa.info("Nomen inventum").group, "other");
    }
}
