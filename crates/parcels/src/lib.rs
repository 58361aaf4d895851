//! Screens carrier manifests (`wildwatch parcels screen`).
//!
//! Each shipment's declared contents go through the ad detector (as a title)
//! and through a small shipped list of parcel wording (`data/parcels.csv`):
//! generic live-animal declarations, known cover wording, decoys ("ceramic
//! turtle") declared with the weight of a live animal and handicrafts made of
//! animal parts. Sender and recipient phones and e-mails are normalised with
//! `wildwatch-ident` and looked up among the identifiers of sellers seen
//! online. Every flag carries a reason a person can check.

mod contents;
mod mapping;
mod output;
mod owners;
mod screen;
mod values;
mod words;

pub use contents::{contents_finding, ContentsFinding, Flag};
pub use mapping::Mapping;
pub use output::{summary_text, Format, Writer};
pub use owners::{Owner, OwnerLookup};
pub use screen::{screen, BadRow, IdentMatch, Options, Screened, Summary};
pub use values::{parse_value, parse_weight};
pub use words::{fold, Terms};

/// The default column mapping (header names in EN/FR/DE/NL).
pub const DEFAULT_MAPPING: &str = include_str!("../data/mapping.toml");
/// Parcel wording (source noted in the file).
pub const PARCEL_TERMS: &str = include_str!("../data/parcels.csv");

/// Fields of a manifest row.
pub const FIELDS: [&str; 14] = [
    "shipment",
    "sender_name",
    "sender_address",
    "sender_phone",
    "sender_email",
    "recipient_name",
    "recipient_address",
    "recipient_phone",
    "recipient_email",
    "contents",
    "weight",
    "value",
    "origin",
    "destination",
];
pub(crate) const CONTENTS: usize = 9;
