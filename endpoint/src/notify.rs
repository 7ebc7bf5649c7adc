//! Telling a landlord that a request is waiting, and nothing else.
//!
//! The message is always exactly `{"landlord": id, "new_requests": true}`: no count, no id, no
//! content, so a leaked or intercepted notification reveals as little as possible. Bursts are
//! folded into one message per landlord per minute; staff read the requests themselves.

use std::collections::{HashMap, HashSet};
use std::sync::Arc;
use std::time::Duration;

use serde::Serialize;
use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::config::{Config, Notify};

const COOLDOWN: Duration = Duration::from_secs(60);
const ATTEMPTS: u32 = 3;

#[derive(Clone)]
pub struct Notifier(mpsc::UnboundedSender<String>);

#[derive(Serialize)]
struct Message<'a> {
    landlord: &'a str,
    new_requests: bool,
}

impl Notifier {
    pub fn spawn(config: Arc<Config>) -> Notifier {
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(config, rx));
        Notifier(tx)
    }

    /// Called after a new request has committed.
    pub fn new_request(&self, landlord: &str) {
        let _ = self.0.send(landlord.to_owned());
    }
}

async fn run(config: Arc<Config>, mut rx: mpsc::UnboundedReceiver<String>) {
    let client = reqwest::Client::builder()
        .timeout(Duration::from_secs(10))
        // A redirect could take the ping somewhere the landlord never configured.
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .expect("the HTTP client's settings are fixed and valid");
    let mut last_sent: HashMap<String, Instant> = HashMap::new();
    let mut pending: HashSet<String> = HashSet::new();
    loop {
        let next_due = pending
            .iter()
            .filter_map(|l| last_sent.get(l))
            .map(|t| *t + COOLDOWN)
            .min();
        tokio::select! {
            received = rx.recv() => {
                let Some(landlord) = received else { break };
                let now = Instant::now();
                if last_sent.get(&landlord).is_some_and(|t| now < *t + COOLDOWN) {
                    pending.insert(landlord);
                } else {
                    last_sent.insert(landlord.clone(), now);
                    send(&config, &client, landlord);
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
                    send(&config, &client, landlord);
                }
            }
        }
    }
}

fn send(config: &Config, client: &reqwest::Client, landlord: String) {
    let Some(l) = config.landlord(&landlord) else {
        return;
    };
    match &l.notify {
        Notify::Log => tracing::info!(landlord = %landlord, "new request waiting"),
        Notify::Webhook(url) => {
            let (client, url) = (client.clone(), url.clone());
            tokio::spawn(async move {
                let body = Message {
                    landlord: &landlord,
                    new_requests: true,
                };
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
