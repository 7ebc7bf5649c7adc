//! What every handler shares. Its own module, so the router and the handlers both depend on it
//! and never on each other.

use std::collections::HashSet;
use std::sync::Arc;

use crate::config::Config;
use crate::intake::form_page::FormPages;
use crate::intake::idempotency::InFlight;
use crate::intake::rate_limit::RateLimiter;
use crate::notify::Notifier;
use crate::staff::key_scheme::OlderKeys;
use crate::staff::known_device::KnownDevices;
use crate::staff::proof_gate::ProofGate;
use crate::staff::sign_in_limit::SignInLimiter;
use crate::store::Store;

pub struct AppState {
    pub config: Arc<Config>,
    /// Every landlord's origins together: enough to answer a CORS preflight, which carries no
    /// body and so no landlord. The exact landlord's list is checked once the body is read.
    pub all_origins: HashSet<String>,
    /// The call-back form's frame page for each landlord that has one.
    pub form_pages: FormPages,
    pub store: Store,
    pub limiter: RateLimiter,
    pub in_flight: Arc<InFlight>,
    pub notifier: Notifier,
    /// Failed inbox sign-ins: per known device, and for other browsers per account and client,
    /// per account and per client.
    pub sign_in: SignInLimiter,
    /// Which known-device tokens exist, so made-up ones cost no database work.
    pub known_devices: KnownDevices,
    /// Every server-side Argon2 hash and verify of a sign-in proof.
    pub proof_gate: ProofGate,
    /// Whether any member still has a key made before the pepper.
    pub older_keys: OlderKeys,
}
