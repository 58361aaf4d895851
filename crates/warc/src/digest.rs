//! Labelled digests (`algorithm:value`) as used by `WARC-Block-Digest` and
//! `WARC-Payload-Digest`.
//!
//! Written: `sha256:` + RFC 4648 base32 (upper case, `=` padded), the encoding warcio,
//! pywb, Heritrix and wget use. Read: sha1, sha256 and sha512 in base32 (padded or
//! not, any case), hex, or base64 (standard or URL-safe), told apart by length.

use data_encoding::{
    BASE32, BASE32_NOPAD, BASE64, BASE64URL, BASE64URL_NOPAD, BASE64_NOPAD, HEXLOWER_PERMISSIVE,
};
use sha1::Sha1;
use sha2::{Digest, Sha256, Sha512};

/// A digest algorithm this crate can check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Algo {
    Sha1,
    Sha256,
    Sha512,
}

impl Algo {
    fn from_label(label: &str) -> Option<Algo> {
        let l: String = label
            .chars()
            .filter(|c| *c != '-' && *c != '_')
            .collect::<String>()
            .to_ascii_lowercase();
        match l.as_str() {
            "sha1" => Some(Algo::Sha1),
            "sha256" => Some(Algo::Sha256),
            "sha512" => Some(Algo::Sha512),
            _ => None,
        }
    }

    fn len(self) -> usize {
        match self {
            Algo::Sha1 => 20,
            Algo::Sha256 => 32,
            Algo::Sha512 => 64,
        }
    }

    pub(crate) fn name(self) -> &'static str {
        match self {
            Algo::Sha1 => "sha1",
            Algo::Sha256 => "sha256",
            Algo::Sha512 => "sha512",
        }
    }
}

/// An incremental hash of one of the supported algorithms.
#[derive(Clone)]
pub(crate) enum Hasher {
    Sha1(Sha1),
    Sha256(Sha256),
    Sha512(Sha512),
}

impl Hasher {
    pub(crate) fn new(algo: Algo) -> Hasher {
        match algo {
            Algo::Sha1 => Hasher::Sha1(Sha1::new()),
            Algo::Sha256 => Hasher::Sha256(Sha256::new()),
            Algo::Sha512 => Hasher::Sha512(Sha512::new()),
        }
    }

    pub(crate) fn update(&mut self, data: &[u8]) {
        match self {
            Hasher::Sha1(h) => h.update(data),
            Hasher::Sha256(h) => h.update(data),
            Hasher::Sha512(h) => h.update(data),
        }
    }

    pub(crate) fn finish(self) -> Vec<u8> {
        match self {
            Hasher::Sha1(h) => h.finalize().to_vec(),
            Hasher::Sha256(h) => h.finalize().to_vec(),
            Hasher::Sha512(h) => h.finalize().to_vec(),
        }
    }
}

/// A parsed labelled digest from a record header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Expected {
    pub algo: Algo,
    pub value: Vec<u8>,
}

/// Why a labelled digest could not be used.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum DigestError {
    /// Well-formed label, but an algorithm this crate does not compute (e.g. md5).
    Unsupported(String),
    /// Not `algorithm:value`, or the value does not decode to the algorithm's length.
    Malformed(String),
}

/// Parses `algorithm:value`.
pub(crate) fn parse_labelled(s: &str) -> Result<Expected, DigestError> {
    let s = s.trim();
    let Some((label, value)) = s.split_once(':') else {
        return Err(DigestError::Malformed(format!(
            "no 'algorithm:' label in {s:?}"
        )));
    };
    let algo = match Algo::from_label(label.trim()) {
        Some(a) => a,
        None if !label.is_empty()
            && label
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
        {
            return Err(DigestError::Unsupported(label.to_string()))
        }
        None => {
            return Err(DigestError::Malformed(format!(
                "bad algorithm label in {s:?}"
            )))
        }
    };
    match decode_value(algo.len(), value.trim()) {
        Some(v) => Ok(Expected { algo, value: v }),
        None => Err(DigestError::Malformed(format!(
            "{s:?} is not a {} value in base32, hex or base64",
            algo.name()
        ))),
    }
}

fn decode_value(n: usize, v: &str) -> Option<Vec<u8>> {
    let b = v.as_bytes();
    let out = if b.len() == 2 * n {
        HEXLOWER_PERMISSIVE.decode(b).ok()
    } else if b.len() == (8 * n).div_ceil(5) {
        let up = v.to_ascii_uppercase();
        BASE32_NOPAD.decode(up.as_bytes()).ok()
    } else if b.len() == n.div_ceil(5) * 8 && b.ends_with(b"=") {
        let up = v.to_ascii_uppercase();
        BASE32.decode(up.as_bytes()).ok()
    } else if b.len() == n.div_ceil(3) * 4 && !n.is_multiple_of(3) {
        BASE64.decode(b).ok().or_else(|| BASE64URL.decode(b).ok())
    } else if b.len() == (4 * n).div_ceil(3) {
        BASE64_NOPAD
            .decode(b)
            .ok()
            .or_else(|| BASE64URL_NOPAD.decode(b).ok())
    } else {
        None
    };
    out.filter(|o| o.len() == n)
}

/// `sha256:BASE32` for a finished SHA-256.
pub(crate) fn labelled_sha256(d: &[u8]) -> String {
    format!("sha256:{}", BASE32.encode(d))
}

/// Lower-case hex.
pub(crate) fn hex(d: &[u8]) -> String {
    data_encoding::HEXLOWER.encode(d)
}

/// SHA-256 of some bytes.
pub(crate) fn sha256(parts: &[&[u8]]) -> Vec<u8> {
    let mut h = Sha256::new();
    for p in parts {
        h.update(p);
    }
    h.finalize().to_vec()
}

/// Converts a labelled digest (`sha256:…` in base32, hex or base64) into
/// `(algorithm, lower-case hex)`, e.g. to compare a `WARC-Payload-Digest` with
/// [`crate::Stored::payload_sha256`]. Only sha1, sha256 and sha512 are understood.
pub fn labelled_digest_to_hex(labelled: &str) -> Option<(&'static str, String)> {
    parse_labelled(labelled)
        .ok()
        .map(|e| (e.algo.name(), hex(&e.value)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decodes_all_encodings() {
        let d = sha256(&[b"abc"]);
        let hx = hex(&d);
        assert_eq!(
            hx,
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"
        );
        let b32 = labelled_sha256(&d);
        assert_eq!(b32.len(), "sha256:".len() + 56);
        for s in [
            b32.clone(),
            b32.trim_end_matches('=').to_string(),
            b32.to_ascii_lowercase().replace("sha256", "SHA-256"),
            format!("sha256:{hx}"),
            format!("sha256:{}", hx.to_ascii_uppercase()),
            format!("sha256:{}", BASE64.encode(&d)),
            format!("sha256:{}", BASE64URL_NOPAD.encode(&d)),
        ] {
            let e = parse_labelled(&s).unwrap_or_else(|e| panic!("{s}: {e:?}"));
            assert_eq!(e.algo, Algo::Sha256);
            assert_eq!(e.value, d, "{s}");
        }
        // sha1 as wget/warcio write it.
        let e = parse_labelled("sha1:3I42H3S6NNFQ2MSVX7XZKYAYSCX5QBYJ").unwrap();
        assert_eq!(e.algo, Algo::Sha1);
        assert_eq!(hex(&e.value), "da39a3ee5e6b4b0d3255bfef95601890afd80709");
        assert_eq!(
            parse_labelled("md5:1B2M2Y8AsgTpgAmY7PhCfg=="),
            Err(DigestError::Unsupported("md5".into()))
        );
        assert!(matches!(
            parse_labelled("sha256"),
            Err(DigestError::Malformed(_))
        ));
        assert!(matches!(
            parse_labelled("sha256:abc"),
            Err(DigestError::Malformed(_))
        ));
        assert!(matches!(
            parse_labelled("sha1:"),
            Err(DigestError::Malformed(_))
        ));
        assert!(matches!(
            parse_labelled(":x"),
            Err(DigestError::Malformed(_))
        ));
    }
}
