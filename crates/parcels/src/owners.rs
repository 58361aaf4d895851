//! Sellers seen online that hold a sender's or recipient's phone or e-mail.

use anyhow::Result;
use serde::Serialize;
use wildwatch_store::Links;

/// A seller seen online holding an identifier.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Owner {
    /// Seller key (`s12`).
    pub seller: String,
    /// Display name.
    pub name: String,
    /// Platform.
    pub platform: String,
    /// Ad ids where the identifier appeared.
    pub ads: Vec<i64>,
}

/// Looks identifiers up among sellers seen online: any store (SQLite, PostgreSQL, or a
/// `dyn AppStore` of either) is one.
pub trait OwnerLookup {
    /// Sellers holding `(kind, value)`.
    fn owners(&mut self, kind: &str, value: &str) -> Result<Vec<Owner>>;
}

impl<S: Links + ?Sized> OwnerLookup for S {
    fn owners(&mut self, kind: &str, value: &str) -> Result<Vec<Owner>> {
        let rows = self.identifier_owners(kind, value)?;
        let mut out: Vec<Owner> = Vec::new();
        for (key, ad) in rows {
            if let Some(o) = out.iter_mut().find(|o| o.seller == key) {
                o.ads.push(ad);
                continue;
            }
            let (name, platform) = match self.seller_view(&key)? {
                Some(v) => (v.name, v.platform),
                None => (String::new(), String::new()),
            };
            out.push(Owner {
                seller: key,
                name,
                platform,
                ads: vec![ad],
            });
        }
        Ok(out)
    }
}
