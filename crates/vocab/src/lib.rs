//! The shared vocabulary of wildwatch: what the detector decides and the store keeps, as enums
//! with their contract names (the `scan` JSON contract of `docs/scan-contract.md`, and the TEXT
//! values stored by every backend).
//!
//! Each enum has `as_str` (the contract name), [`std::str::FromStr`] and `parse` (the exact
//! contract name; anything else is a [`VocabError`] naming the value and the allowed ones),
//! [`std::fmt::Display`], and serde (de)serialisation as the contract name. A leaf crate: the
//! detector, the store backends and everything above them share it without depending on each
//! other.
#![deny(missing_docs)]

use std::fmt;

/// A value that is not a name of the vocabulary it was read as.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct VocabError {
    /// What was being read (`category`, `risk` …).
    pub what: &'static str,
    /// The value at fault.
    pub value: String,
    /// The names allowed, in listing order.
    pub allowed: &'static [&'static str],
}

impl fmt::Display for VocabError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "`{}` is not a {} (one of {})",
            self.value,
            self.what,
            self.allowed.join(", ")
        )
    }
}

impl std::error::Error for VocabError {}

macro_rules! vocab {
    (
        $(#[$meta:meta])*
        $name:ident, $what:literal, derive($($derive:ident),*),
        variants { $($(#[$vmeta:meta])* $var:ident = $s:literal,)+ }
        listed [$($all:ident),+ $(,)?]
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash $(, $derive)*)]
        #[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
        #[cfg_attr(feature = "openapi", schema(rename_all = "snake_case"))]
        pub enum $name {
            $($(#[$vmeta])* $var,)+
        }

        impl $name {
            /// Every value, in listing order (the order of menus and messages).
            pub const ALL: [$name; [$($name::$all),+].len()] = [$($name::$all),+];

            /// The names of [`Self::ALL`], in the same order.
            pub const NAMES: [&'static str; [$($name::$all),+].len()] = [$($name::$all.as_str()),+];

            /// The contract name (as serialised and stored).
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$var => $s,)+
                }
            }

            /// Parses a contract name (exactly: no trimming, no case folding).
            pub fn parse(s: &str) -> Result<$name, VocabError> {
                match s {
                    $($s => Ok($name::$var),)+
                    _ => Err(VocabError {
                        what: $what,
                        value: s.to_string(),
                        allowed: &$name::NAMES,
                    }),
                }
            }
        }

        impl std::str::FromStr for $name {
            type Err = VocabError;
            fn from_str(s: &str) -> Result<$name, VocabError> {
                $name::parse(s)
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl AsRef<str> for $name {
            fn as_ref(&self) -> &str {
                self.as_str()
            }
        }

        impl PartialEq<str> for $name {
            fn eq(&self, other: &str) -> bool {
                self.as_str() == other
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<$name, D::Error> {
                let s = std::borrow::Cow::<'de, str>::deserialize(d)?;
                $name::parse(&s).map_err(serde::de::Error::custom)
            }
        }
    };
}

vocab! {
    /// The category of the scan contract.
    Category, "category", derive(Default),
    variants {
        /// A live animal or plant of a listed taxon.
        Live = "live",
        /// A part, derivative or product of a listed taxon.
        Part = "part",
        /// Imitates or is named after wildlife, but is not a specimen.
        Lookalike = "lookalike",
        /// Anything else.
        #[default]
        None = "none",
    }
    listed [Live, Part, Lookalike, None]
}

vocab! {
    /// The risk class of the scan contract. Ordered from [`Risk::None`] to [`Risk::High`];
    /// listed from high to none.
    Risk, "risk class", derive(Default, PartialOrd, Ord),
    variants {
        /// Not relevant.
        #[default]
        None = "none",
        /// A listed taxon with plausible documents; Appendix III / Annex C–D.
        Low = "low",
        /// Appendix II / Annex B without documents; dubious documents.
        Medium = "medium",
        /// Appendix I / Annex A without a valid certificate, no papers, code words, obfuscation,
        /// ivory / rhino horn / tortoiseshell without a certificate.
        High = "high",
    }
    listed [High, Medium, Low, None]
}

vocab! {
    /// What an ad wants to do (the `intent` of the scan contract).
    Intent, "intent", derive(),
    variants {
        /// Offers something.
        Offer = "offer",
        /// A buyer's ad.
        Wanted = "wanted",
        /// Offered in exchange.
        Swap = "swap",
        /// News, opinion, petitions, law talk: offers nothing.
        Discussion = "discussion",
    }
    listed [Offer, Wanted, Swap, Discussion]
}

vocab! {
    /// What an ad offers (the `item_kind` of the scan contract).
    ItemKind, "item kind", derive(PartialOrd, Ord),
    variants {
        /// A real animal or plant, or a part or derivative of one (listed or not).
        Specimen = "specimen",
        /// Stamps and philately.
        Stamp = "stamp",
        /// Coins, banknotes, medals, phone cards.
        Coin = "coin",
        /// Books, magazines, films, posters, calendars.
        Book = "book",
        /// Prints, engravings, paintings, drawings, photographs.
        PrintArt = "print_art",
        /// Figurines, models, toys, plush, ornaments, patches, keychains.
        FigurineToy = "figurine_toy",
        /// Replicas and casts.
        ReplicaCast = "replica_cast",
        /// Fossils and extinct animals.
        Fossil = "fossil",
        /// Embossed, printed or imitation materials and patterns.
        Imitation = "imitation",
        /// Vehicle and tool parts named after animals.
        VehicleToolPart = "vehicle_tool_part",
        /// Goods where the animal is a brand, logo or product name.
        BrandProduct = "brand_product",
        /// Anything else, and posts that offer nothing.
        Other = "other",
    }
    listed [
        Specimen, Stamp, Coin, Book, PrintArt, FigurineToy, ReplicaCast, Fossil, Imitation,
        VehicleToolPart, BrandProduct, Other,
    ]
}

vocab! {
    /// Where an ad stands in review (the `review_status` of an ad, the `status` of a review).
    ReviewStatus, "review status", derive(Default),
    variants {
        /// Nobody has reviewed the ad.
        #[default]
        Unreviewed = "unreviewed",
        /// An analyst kept the detection's labels.
        Confirmed = "confirmed",
        /// An analyst changed some of the detection's labels.
        Corrected = "corrected",
    }
    listed [Unreviewed, Confirmed, Corrected]
}

impl ReviewStatus {
    /// Confirmed or corrected.
    pub fn is_reviewed(self) -> bool {
        self != ReviewStatus::Unreviewed
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn round_trip<T>(all: &[T])
    where
        T: Copy + PartialEq + fmt::Debug + fmt::Display + std::str::FromStr<Err = VocabError>,
        T: serde::Serialize + serde::de::DeserializeOwned,
    {
        for &v in all {
            let s = v.to_string();
            assert_eq!(s.parse::<T>().unwrap(), v);
            let json = serde_json::to_string(&v).unwrap();
            assert_eq!(json, format!("\"{s}\""));
            assert_eq!(serde_json::from_str::<T>(&json).unwrap(), v);
        }
    }

    #[test]
    fn every_value_round_trips_as_its_contract_name() {
        round_trip(&Category::ALL);
        round_trip(&Risk::ALL);
        round_trip(&Intent::ALL);
        round_trip(&ItemKind::ALL);
        round_trip(&ReviewStatus::ALL);
    }

    #[test]
    fn names_are_the_contract_names_in_listing_order() {
        assert_eq!(Category::NAMES, ["live", "part", "lookalike", "none"]);
        assert_eq!(Risk::NAMES, ["high", "medium", "low", "none"]);
        assert_eq!(Intent::NAMES, ["offer", "wanted", "swap", "discussion"]);
        assert_eq!(
            ReviewStatus::NAMES,
            ["unreviewed", "confirmed", "corrected"]
        );
        assert_eq!(ItemKind::PrintArt.as_str(), "print_art");
        assert_eq!(ItemKind::NAMES.len(), 12);
    }

    #[test]
    fn a_bad_value_is_named_with_the_allowed_ones() {
        let e = "severe".parse::<Risk>().unwrap_err();
        assert_eq!(e.value, "severe");
        assert_eq!(
            e.to_string(),
            "`severe` is not a risk class (one of high, medium, low, none)"
        );
        assert!("High".parse::<Risk>().is_err());
        let e = serde_json::from_str::<Category>("\"alive\"").unwrap_err();
        assert!(e.to_string().contains("`alive` is not a category"), "{e}");
        assert!(serde_json::from_str::<Category>("3").is_err());
    }

    #[test]
    fn risk_orders_from_none_to_high() {
        assert!(Risk::None < Risk::Low && Risk::Low < Risk::Medium && Risk::Medium < Risk::High);
        assert_eq!(Risk::default(), Risk::None);
        assert_eq!(Category::default(), Category::None);
        assert_eq!(ReviewStatus::default(), ReviewStatus::Unreviewed);
    }
}
