//! The bound on the server's Argon2 work: every proof hash and verify waits here for a place,
//! so a flood of sign-ins cannot take all the memory or keep a member at 503.

use std::sync::Arc;
use std::time::Duration;

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::Response;
use tokio::sync::Semaphore;

use super::session::{refuse, unavailable};

/// How many proof hashes or verifies run at once. Each holds 19 MiB and a core for tens of
/// milliseconds, and sign-in and enrolment are open to anyone, so without a bound a burst of
/// requests could take all the memory and blocking threads; four keeps that under 80 MiB. One
/// of the four is kept for known devices.
pub const PROOF_WORK_AT_ONCE: usize = 4;

/// How long a request waits for a free place before it is told the server is busy: long enough
/// to ride out an ordinary queue of sign-ins, short enough that a flood is shed quickly.
pub const PROOF_WORK_WAIT: Duration = Duration::from_secs(2);

/// Whose Argon2 work it is: a known device may also take the place kept for known devices.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Asker {
    KnownDevice,
    Anyone,
}

/// A bound on the server's Argon2 work: every proof hash and verify runs through it. One place
/// is kept for browsers that have signed in before, so that a flood of sign-ins from
/// everywhere else, each refused in turn, cannot keep a member at 503.
pub struct ProofGate {
    anyone: Arc<Semaphore>,
    known_devices: Arc<Semaphore>,
    wait: Duration,
}

impl ProofGate {
    /// `at_once` places in all (at least 2), one of them kept for known devices.
    pub fn new(at_once: usize, wait: Duration) -> Self {
        assert!(
            at_once >= 2,
            "one place for anyone and one kept for known devices"
        );
        ProofGate {
            anyone: Arc::new(Semaphore::new(at_once - 1)),
            known_devices: Arc::new(Semaphore::new(1)),
            wait,
        }
    }

    /// Runs `work` off the async threads once a place is free, or answers 503 if none frees up
    /// in time.
    pub async fn run<T: Send + 'static>(
        &self,
        asker: Asker,
        work: impl FnOnce() -> T + Send + 'static,
    ) -> Result<T, Response> {
        let anyone = Arc::clone(&self.anyone).acquire_owned();
        let place = async {
            match asker {
                Asker::Anyone => anyone.await,
                // The shared places first, so the kept one stays free for the next known device.
                Asker::KnownDevice => tokio::select! {
                    biased;
                    p = anyone => p,
                    p = Arc::clone(&self.known_devices).acquire_owned() => p,
                },
            }
        };
        let Ok(Ok(permit)) = tokio::time::timeout(self.wait, place).await else {
            return Err(busy());
        };
        // The place is held by the work itself, so it stays taken even if the request is
        // dropped while the hash runs.
        tokio::task::spawn_blocking(move || {
            let _held = permit;
            work()
        })
        .await
        .map_err(|_| unavailable())
    }
}

fn busy() -> Response {
    let mut r = refuse(
        StatusCode::SERVICE_UNAVAILABLE,
        "The inbox is busy signing people in. Try again in a moment.",
    );
    r.headers_mut()
        .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    r
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn proof_work_waits_for_a_place_then_answers_busy() {
        let gate = ProofGate::new(2, Duration::from_millis(50));
        assert_eq!(gate.run(Asker::Anyone, || 7).await.ok(), Some(7));
        let taken = Arc::clone(&gate.anyone).acquire_owned().await.unwrap();
        let r = gate.run(Asker::Anyone, || 7).await.err().unwrap();
        assert_eq!(r.status(), StatusCode::SERVICE_UNAVAILABLE);
        assert_eq!(r.headers()[header::RETRY_AFTER], "1");
        // The place kept for known devices is still free, for them alone.
        assert_eq!(gate.run(Asker::KnownDevice, || 8).await.ok(), Some(8));
        let kept = Arc::clone(&gate.known_devices)
            .acquire_owned()
            .await
            .unwrap();
        assert!(gate.run(Asker::KnownDevice, || 8).await.is_err());
        drop(taken);
        assert_eq!(gate.run(Asker::KnownDevice, || 8).await.ok(), Some(8));
        drop(kept);
        assert_eq!(gate.run(Asker::Anyone, || 7).await.ok(), Some(7));
    }
}
