//! Telling a landlord that a request is waiting, or that its hourly limit turned requests
//! away, and nothing else.
//!
//! The message is always exactly `{"landlord": id, "new_requests": true}` or
//! `{"landlord": id, "limit_reached": true}`: no count, no id, no content, no client, so a
//! leaked or intercepted notification reveals as little as possible. Bursts of new requests are
//! folded into one message per landlord per minute; staff read the requests themselves. A limit
//! is reported at most once an hour per landlord, and the limit for all landlords together
//! only in the log, at most once an hour: an hour is how long a spent allowance takes to refill.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde_json::json;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::config::{Config, Notify};
use crate::intake::rate_limit::SharedLimit;

const COOLDOWN: Duration = Duration::from_secs(60);
const LIMIT_NOTICE_EVERY: Duration = Duration::from_secs(3600);
const ATTEMPTS: u32 = 3;

#[derive(Clone)]
pub struct Notifier(mpsc::UnboundedSender<Event>);

enum Event {
    NewRequest(String),
    LandlordLimit(String),
    GlobalLimit,
}

#[derive(Clone, Copy)]
enum Kind {
    NewRequests,
    LimitReached,
}

impl Notifier {
    pub fn spawn(config: Arc<Config>) -> Notifier {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(config, rx));
        Notifier(tx)
    }

    /// Called after a new request has committed.
    pub fn new_request(&self, landlord: &str) {
        let _ = self.0.send(Event::NewRequest(landlord.to_owned()));
    }

    /// Called when a landlord's limit or the global one turned a request away.
    pub fn limit_reached(&self, landlord: &str, limit: &SharedLimit) {
        if limit.landlord {
            let _ = self.0.send(Event::LandlordLimit(landlord.to_owned()));
        }
        if limit.global {
            let _ = self.0.send(Event::GlobalLimit);
        }
    }
}

async fn run(config: Arc<Config>, mut rx: mpsc::UnboundedReceiver<Event>) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        // A redirect could take the ping somewhere the landlord never configured.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the HTTP client's settings are fixed and valid");
    let mut last_sent: HashMap<String, Instant> = HashMap::new();
    let mut pending: HashSet<String> = HashSet::new();
    // Keyed by landlord; `None` is the limit for all landlords together.
    let mut limit_noticed: HashMap<Option<String>, Instant> = HashMap::new();
    loop {
        let next_due = pending
            .iter()
            .filter_map(|l| last_sent.get(l))
            .map(|t| *t + COOLDOWN)
            .min();
        tokio::select! {
            received = rx.recv() => {
                let now = Instant::now();
                match received {
                    None => break,
                    Some(Event::NewRequest(landlord)) => {
                        if last_sent.get(&landlord).is_some_and(|t| now < *t + COOLDOWN) {
                            pending.insert(landlord);
                        } else {
                            last_sent.insert(landlord.clone(), now);
                            send(&config, &client, landlord, Kind::NewRequests);
                        }
                    }
                    Some(Event::LandlordLimit(landlord)) => {
                        if first_in_a_while(&mut limit_noticed, Some(landlord.clone()), now) {
                            send(&config, &client, landlord, Kind::LimitReached);
                        }
                    }
                    Some(Event::GlobalLimit) => {
                        if first_in_a_while(&mut limit_noticed, None, now) {
                            tracing::warn!("the limit for all landlords together was reached: new requests are turned away for now");
                        }
                    }
                }
            }
            _ = tokio::time::sleep_until(next_due.unwrap_or_else(Instant::now)), if next_due.is_some() => {
                let now = Instant::now();
                let due: Vec<String> = pending
                    .iter()
                    .filter(|l| last_sent.get(*l).is_none_or(|t| now >= *t + COOLDOWN))
                    .cloned()
                    .collect();
                for landlord in due {
                    pending.remove(&landlord);
                    last_sent.insert(landlord.clone(), now);
                    send(&config, &client, landlord, Kind::NewRequests);
                }
            }
        }
    }
}

/// Records a notice for `limit` at `now`, unless one went out within the last hour.
fn first_in_a_while(
    noticed: &mut HashMap<Option<String>, Instant>,
    limit: Option<String>,
    now: Instant,
) -> bool {
    if noticed
        .get(&limit)
        .is_some_and(|t| now < *t + LIMIT_NOTICE_EVERY)
    {
        return false;
    }
    noticed.insert(limit, now);
    true
}

fn send(config: &Config, client: &reqwest::Client, landlord: String, kind: Kind) {
    let Some(l) = config.landlord(&landlord) else {
        return;
    };
    match (&l.notify, kind) {
        (Notify::Log, Kind::NewRequests) => {
            tracing::info!(landlord = %landlord, "new request waiting")
        }
        (Notify::Log, Kind::LimitReached) => tracing::warn!(
            landlord = %landlord,
            "this landlord's hourly limit was reached: new requests are turned away for now"
        ),
        (Notify::Webhook(url), _) => {
            let (client, url) = (client.clone(), url.clone());
            let body = match kind {
                Kind::NewRequests => json!({ "landlord": landlord, "new_requests": true }),
                Kind::LimitReached => json!({ "landlord": landlord, "limit_reached": true }),
            };
            tokio::spawn(async move {
                for attempt in 1..=ATTEMPTS {
                    match client.post(&url).json(&body).send().await {
                        Ok(r) if r.status().is_success() => return,
                        // The address is left out of the log: it may carry a secret.
                        Ok(r) => {
                            tracing::warn!(landlord = %landlord, status = r.status().as_u16(), attempt, "notification refused")
                        }
                        Err(_) => {
                            tracing::warn!(landlord = %landlord, attempt, "notification not delivered")
                        }
                    }
                    if attempt < ATTEMPTS {
                        tokio::time::sleep(Duration::from_secs(2u64.pow(attempt))).await;
                    }
                }
            });
        }
    }
}
