//! The Ed25519 key that signs evidence packages: made on first use, kept as a hex seed in a
//! file only its owner can read (`<data>/keys/evidence-ed25519.key`, mode 0600, or a file of
//! the user's choice). The public key is what a recipient compares.

use std::io::Write;
use std::path::{Path, PathBuf};

use ed25519_dalek::SigningKey;

use crate::{hex, unhex, ActionError, Result};

/// The default key file under the data directory.
pub fn default_key_path(data: &Path) -> PathBuf {
    data.join("keys").join("evidence-ed25519.key")
}

/// The public key of a signing key, lower-case hex (64 characters).
pub fn public_hex(key: &SigningKey) -> String {
    hex(key.verifying_key().as_bytes())
}

/// Loads the key at `path`, or makes a new one there (mode 0600, in a 0700 folder) when the
/// file does not exist. Returns the key and whether it was just made. A key file that others
/// can read is refused.
pub fn load_or_create(path: &Path) -> Result<(SigningKey, bool)> {
    match std::fs::read_to_string(path) {
        Ok(text) => {
            check_private(path)?;
            let seed = unhex(&text)
                .and_then(|b| <[u8; 32]>::try_from(b).ok())
                .ok_or_else(|| {
                    ActionError::Invalid(format!(
                        "{}: not a signing key (64 hex characters expected)",
                        path.display()
                    ))
                })?;
            Ok((SigningKey::from_bytes(&seed), false))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok((create(path)?, true)),
        Err(e) => Err(crate::io_err(path)(e)),
    }
}

fn create(path: &Path) -> Result<SigningKey> {
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        if !dir.exists() {
            std::fs::create_dir_all(dir).map_err(crate::io_err(dir))?;
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
                    .map_err(crate::io_err(dir))?;
            }
        }
    }
    let mut seed = [0u8; 32];
    getrandom::fill(&mut seed)
        .map_err(|e| ActionError::Invalid(format!("no system randomness for a key: {e}")))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        opts.mode(0o600);
    }
    let mut f = opts.open(path).map_err(crate::io_err(path))?;
    f.write_all(format!("{}\n", hex(&seed)).as_bytes())
        .and_then(|_| f.sync_all())
        .map_err(crate::io_err(path))?;
    Ok(SigningKey::from_bytes(&seed))
}

fn check_private(path: &Path) -> Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)
            .map_err(crate::io_err(path))?
            .permissions()
            .mode();
        if mode & 0o077 != 0 {
            return Err(ActionError::Invalid(format!(
                "{}: the signing key can be read by others (mode {:o}); run `chmod 600 {}`",
                path.display(),
                mode & 0o777,
                path.display()
            )));
        }
    }
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn key_is_made_once_private_and_reloaded() {
        let dir = tempfile::tempdir().unwrap();
        let p = default_key_path(dir.path());
        let (k1, made) = load_or_create(&p).unwrap();
        assert!(made);
        let (k2, made) = load_or_create(&p).unwrap();
        assert!(!made);
        assert_eq!(public_hex(&k1), public_hex(&k2));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
            assert_eq!(mode, 0o600);
            std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o644)).unwrap();
            let e = load_or_create(&p).unwrap_err().to_string();
            assert!(e.contains("chmod 600"), "{e}");
        }
    }
}
