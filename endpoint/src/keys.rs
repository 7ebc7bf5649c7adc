//! Private key files for sealed requests, and opening a sealed request with them.
//!
//! Only the staff tool uses this module, on the machine where staff read requests: the server
//! checks envelopes against key ids and never loads a private key.

use std::io::Write;
use std::path::{Path, PathBuf};

use safe_contact_callback::{is_id, normalise_request_id, parse, SCHEMA_VERSION};
use safe_contact_seal::rand_core::UnwrapErr;
use safe_contact_seal::{generate_keypair, open, public_key_for, Envelope, OpenError};
use serde::Deserialize;
use serde_json::{Map, Value};
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// A key pair as `safe-contact-staff keygen` writes it.
pub struct KeyFile {
    pub key_id: String,
    pub public_key: String,
    private_key: Zeroizing<String>,
    /// Where it was read from, to name it in messages.
    pub path: PathBuf,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    key_id: String,
    public_key: String,
    private_key: String,
}

impl KeyFile {
    /// Makes a key pair from the operating system's random source and writes it to a new file
    /// at `path`. Without a key id, one is made from today's date and the public key, so ids
    /// sort by age and two keys never share one.
    pub fn create(path: &Path, key_id: Option<String>, today: &str) -> std::io::Result<KeyFile> {
        let (private_key, public_key) = generate_keypair(&mut UnwrapErr(getrandom::SysRng));
        let key_id = key_id.unwrap_or_else(|| {
            let fingerprint = crate::staff::hex(&Sha256::digest(public_key.as_bytes())[..4]);
            format!("key-{today}-{fingerprint}")
        });
        let key = KeyFile {
            key_id,
            public_key,
            private_key: Zeroizing::new(private_key),
            path: path.to_owned(),
        };
        key.write_new()?;
        Ok(key)
    }

    fn text(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "# Safe Contact private key for sealed call-back requests.\n\
             # Whoever holds this file can read every request sealed to this key: keep it on the\n\
             # staff machines that read requests, never on the server. Keep a safe backup too:\n\
             # without it, requests sealed to this key can never be read.\n\
             key_id = \"{}\"\npublic_key = \"{}\"\nprivate_key = \"{}\"\n",
            self.key_id, self.public_key, *self.private_key
        ))
    }

    /// Writes a new file that only its owner can read. An existing file is never replaced: it
    /// could be the only copy of a key that waiting requests are sealed to.
    fn write_new(&self) -> std::io::Result<()> {
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let mut file = options.open(&self.path)?;
        file.write_all(self.text().as_bytes())?;
        file.sync_all()
    }

    /// Reads and checks a key file. Messages never quote the file, which holds the private key.
    pub fn load(path: &Path) -> Result<KeyFile, String> {
        let shown = path.display();
        let text = Zeroizing::new(
            std::fs::read_to_string(path)
                .map_err(|e| format!("cannot read the key file {shown}: {e}"))?,
        );
        let raw: Raw = toml::from_str(&text).map_err(|_| {
            format!("{shown} is not a Safe Contact key file (make one with `safe-contact-staff keygen`)")
        })?;
        if !is_id(&raw.key_id) {
            return Err(format!(
                "the key file {shown} has a key_id that is not {}",
                safe_contact_rules::id::IN_WORDS
            ));
        }
        if public_key_for(&raw.private_key).ok().as_deref() != Some(raw.public_key.as_str()) {
            return Err(format!(
                "the key file {shown} is damaged: its private key does not match its public key"
            ));
        }
        Ok(KeyFile {
            key_id: raw.key_id,
            public_key: raw.public_key,
            private_key: Zeroizing::new(raw.private_key),
            path: path.to_owned(),
        })
    }

    /// This private key sealed to one inbox member's public key (a grant), so that only that
    /// member's browser can open it.
    pub fn seal_grant(
        &self,
        landlord: &str,
        email: &str,
        member_public_key: &str,
    ) -> Result<String, String> {
        safe_contact_staff_keys::grant::seal_grant(
            &self.private_key,
            landlord,
            &self.key_id,
            email,
            member_public_key,
            &mut UnwrapErr(getrandom::SysRng),
        )
        .map_err(|e| format!("the grant could not be made: {e}"))
    }

    pub fn open(&self, envelope: &Envelope, landlord: &str) -> Result<Vec<u8>, OpenError> {
        open(envelope, &self.private_key, landlord, SCHEMA_VERSION)
    }
}

/// Whether users other than the owner may read the file. Git does not keep file modes, so a
/// checked-out key can be readable by all; that deserves a warning rather than a refusal.
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::metadata(path).is_ok_and(|m| m.permissions().mode() & 0o077 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// The one of `keys` the envelope was sealed to, or why there is none.
pub fn key_for<'k>(envelope: &Envelope, keys: &'k [KeyFile]) -> Result<&'k KeyFile, String> {
    let (id, wanted) = (&envelope.request_id, &envelope.key_id);
    if let Some(key) = keys.iter().find(|k| &k.key_id == wanted) {
        return Ok(key);
    }
    if keys.is_empty() {
        return Err(format!(
            "request {id} is sealed to key {wanted:?}: give that key's file with --key FILE"
        ));
    }
    let have: Vec<&str> = keys.iter().map(|k| k.key_id.as_str()).collect();
    Err(format!(
        "request {id} is sealed to key {wanted:?}, and no --key file is for that key (they are for {})",
        have.join(", ")
    ))
}

/// Opens a sealed request with whichever of `keys` it was sealed to, and returns the request
/// exactly as it was sealed. What was sealed must be a call-back request for this landlord and
/// this request id: the associated data binds the id to the ciphertext, and this checks that
/// the widget sealed the same id inside.
pub fn open_request(
    envelope: &Envelope,
    landlord: &str,
    keys: &[KeyFile],
) -> Result<Value, String> {
    let id = &envelope.request_id;
    let key = key_for(envelope, keys)?;
    let plaintext = Zeroizing::new(key.open(envelope, landlord).map_err(|e| {
        format!(
            "request {id} was not opened with key {:?} from {}: {e}",
            key.key_id,
            key.path.display()
        )
    })?);
    let request = parse(&plaintext).map_err(|_| {
        format!("request {id} opened, but what was sealed is not a call-back request of schema version {SCHEMA_VERSION}")
    })?;
    if normalise_request_id(&request.request_id).as_deref() != Some(id.as_str())
        || request.landlord != landlord
    {
        return Err(format!(
            "request {id} opened, but what was sealed names another request or landlord, so it was not sealed for this one"
        ));
    }
    serde_json::from_slice(&plaintext)
        .map_err(|_| format!("request {id} opened, but what was sealed is not a call-back request"))
}

/// Replaces the `"envelope"` in a staff API answer (or wraps a bare envelope) with the key id
/// and the opened request, so staff see the same shape as for a plaintext request.
pub fn open_answer(answer: Value, landlord: &str, keys: &[KeyFile]) -> Result<Value, String> {
    let mut answer = match answer {
        Value::Object(map) if map.contains_key("envelope") => map,
        bare @ Value::Object(_) => {
            let mut map = Map::new();
            map.insert("envelope".into(), bare);
            map
        }
        _ => return Err("the input is not a staff API answer or an envelope".into()),
    };
    let envelope: Envelope = answer
        .remove("envelope")
        .and_then(|e| serde_json::from_value(e).ok())
        .ok_or("the input's envelope is not a sealed request envelope")?;
    let request = open_request(&envelope, landlord, keys)?;
    answer
        .entry("request_id")
        .or_insert_with(|| Value::String(envelope.request_id.clone()));
    answer.insert("key_id".into(), Value::String(envelope.key_id));
    answer.insert("request".into(), request);
    Ok(Value::Object(answer))
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    /// Until the staff tool has a crate of its own, this keeps "the server never loads a private
    /// key" true: no module of the server but this one names the key file, and only the staff
    /// tool (under `bin/`) uses it.
    #[test]
    fn only_the_staff_tool_uses_private_key_files() {
        fn sources(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
            for entry in std::fs::read_dir(dir).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    sources(&path, out);
                } else if path.extension().is_some_and(|e| e == "rs") {
                    out.push(path);
                }
            }
        }
        let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut files = Vec::new();
        sources(&src, &mut files);
        let users: Vec<_> = files
            .iter()
            .filter(|f| {
                let text = std::fs::read_to_string(f).unwrap();
                text.contains("KeyFile")
                    || text.contains("crate::keys")
                    || text.contains("::keys::")
            })
            .map(|f| f.strip_prefix(&src).unwrap().to_string_lossy().into_owned())
            .collect();
        assert!(users.len() >= 2, "{users:?}");
        for user in &users {
            assert!(
                user == "keys.rs" || user.starts_with("bin/"),
                "{user} names the private key file type"
            );
        }
    }
}
