//! Telling a landlord that a request is waiting, or that its hourly limit turned requests
//! away, and nothing else.
//!
//! A notice goes to the landlord's webhook (`webhook`), its team's e-mail address (`email`),
//! both, or, with neither, the log. It never carries a count, an id, content or anything about
//! the client, so a leaked or intercepted notice reveals as little as possible. Bursts of new
//! requests are folded into one notice per landlord per minute; staff read the requests
//! themselves. A limit is reported at most once an hour per landlord (to the webhook or the
//! log: the team's e-mail is for requests waiting), and the limit for all landlords together
//! only in the log, at most once an hour: an hour is how long a spent allowance takes to refill.
//! Several instances on one PostgreSQL database keep these limits together: before sending,
//! an instance claims the notice in the database (`Store::claim_notice`), so a landlord gets
//! one notice per minute however many instances took its requests.

mod email;
mod webhook;

use std::collections::HashMap;
use std::sync::Arc;
use std::time::Duration;

use tokio::sync::mpsc;
use tokio::time::Instant;

use crate::config::Config;
use crate::intake::rate_limit::SharedLimit;
use crate::store::{Store, GLOBAL_SCOPE};
use crate::ConfigError;

const LIMIT_NOTICE_EVERY: Duration = Duration::from_secs(3600);

/// How often notices may go out and how failed e-mails are retried. Not in the config file:
/// production always uses the default, and only tests, which cannot wait minutes, start the
/// server with shorter ones ([`crate::server::start_with_timing`]).
#[derive(Clone, Debug)]
pub struct Timing {
    /// After a new-request notice, further requests for that landlord within this time are
    /// folded into one more notice at its end.
    pub cooldown: Duration,
    /// The waits before each retry of an e-mail that could not be sent; then it is given up.
    pub email_retries: Vec<Duration>,
}

impl Default for Timing {
    /// A mail server that is down for a restart is back within seconds, one being repaired
    /// within the hour; after that a late "request waiting" e-mail helps less than a log line
    /// that says it was never sent.
    fn default() -> Self {
        Timing {
            cooldown: Duration::from_secs(60),
            email_retries: [10, 60, 300, 1800].map(Duration::from_secs).to_vec(),
        }
    }
}

#[derive(Clone)]
pub struct Notifier(mpsc::UnboundedSender<Event>);

enum Event {
    NewRequest(String),
    LandlordLimit(String),
    GlobalLimit,
}

#[derive(Clone, Copy)]
pub(crate) enum Kind {
    NewRequests,
    LimitReached,
}

impl Notifier {
    /// Starts the task that sends notices. Intake only queues events for it, so a slow or
    /// failing webhook or mail server never holds up a request.
    pub fn spawn(
        config: Arc<Config>,
        store: Store,
        timing: Timing,
    ) -> Result<Notifier, ConfigError> {
        // Config makes sure a landlord with team_email has both.
        let mailer = config
            .smtp
            .as_ref()
            .zip(config.staff.as_ref())
            .map(|(smtp, staff)| {
                email::Mailer::new(smtp, &staff.inbox_url(), &timing.email_retries)
            })
            .transpose()?
            .map(Arc::new);
        let (tx, rx) = mpsc::unbounded_channel();
        tokio::spawn(run(config, store, mailer, timing.cooldown, rx));
        Ok(Notifier(tx))
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

async fn run(
    config: Arc<Config>,
    store: Store,
    mailer: Option<Arc<email::Mailer>>,
    cooldown: Duration,
    mut rx: mpsc::UnboundedReceiver<Event>,
) {
    let out = Outlets {
        config: &config,
        http: webhook::client(),
        mailer,
        cooldown,
    };
    let mut last_sent: HashMap<String, Instant> = HashMap::new();
    // Landlords with requests not yet told of, and when the first of them arrived.
    let mut pending: HashMap<String, Instant> = HashMap::new();
    // Keyed by landlord; `None` is the limit for all landlords together.
    let mut limit_noticed: HashMap<Option<String>, Instant> = HashMap::new();
    loop {
        let next_due = pending
            .keys()
            .filter_map(|l| last_sent.get(l))
            .map(|t| *t + cooldown)
            .min();
        tokio::select! {
            received = rx.recv() => {
                let now = Instant::now();
                match received {
                    None => break,
                    Some(Event::NewRequest(landlord)) => {
                        if last_sent.get(&landlord).is_some_and(|t| now < *t + cooldown) {
                            pending.entry(landlord).or_insert(now);
                        } else {
                            new_requests(&out, &store, &mut last_sent, &mut pending, landlord, now).await;
                        }
                    }
                    Some(Event::LandlordLimit(landlord)) => {
                        if first_in_a_while(&mut limit_noticed, Some(landlord.clone()), now)
                            && claimed(&store, &landlord, "limit", LIMIT_NOTICE_EVERY).await.is_ok()
                        {
                            out.send(landlord, Kind::LimitReached);
                        }
                    }
                    Some(Event::GlobalLimit) => {
                        if first_in_a_while(&mut limit_noticed, None, now)
                            && claimed(&store, GLOBAL_SCOPE, "limit", LIMIT_NOTICE_EVERY).await.is_ok()
                        {
                            tracing::warn!("the limit for all landlords together was reached: new requests are turned away for now");
                        }
                    }
                }
            }
            _ = tokio::time::sleep_until(next_due.unwrap_or_else(Instant::now)), if next_due.is_some() => {
                let now = Instant::now();
                let due: Vec<(String, Instant)> = pending
                    .iter()
                    .filter(|(l, _)| last_sent.get(*l).is_none_or(|t| now >= *t + cooldown))
                    .map(|(l, arrived)| (l.clone(), *arrived))
                    .collect();
                for (landlord, arrived) in due {
                    pending.remove(&landlord);
                    new_requests(&out, &store, &mut last_sent, &mut pending, landlord, arrived).await;
                }
            }
        }
    }
}

/// Sends a "requests waiting" notice for requests that arrived from `arrived` on, unless
/// another instance sharing the database sent one within the cooldown. If that one went after
/// they arrived, it told of them too; if before, they wait for the end of its cooldown.
async fn new_requests(
    out: &Outlets<'_>,
    store: &Store,
    last_sent: &mut HashMap<String, Instant>,
    pending: &mut HashMap<String, Instant>,
    landlord: String,
    arrived: Instant,
) {
    let now = Instant::now();
    let cooldown = out.cooldown;
    match claimed(store, &landlord, "new_requests", cooldown).await {
        Ok(()) => {
            last_sent.insert(landlord.clone(), now);
            out.send(landlord, Kind::NewRequests);
        }
        Err(ago) => {
            let other = now.checked_sub(ago).unwrap_or(now);
            last_sent.insert(landlord.clone(), other);
            if other < arrived {
                pending.insert(landlord, arrived);
            }
        }
    }
}

/// Whether this instance may send the notice: always on SQLite; on PostgreSQL, if no instance
/// sent it within `every` (else how long ago one did). If the database cannot say, the notice
/// goes: a second notice is better than none.
async fn claimed(
    store: &Store,
    landlord: &str,
    kind: &str,
    every: Duration,
) -> Result<(), Duration> {
    match store.claim_notice(landlord, kind, every).await {
        None | Some(Err(_)) => Ok(()),
        Some(Ok(claim)) => claim,
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

/// Where notices go.
struct Outlets<'a> {
    config: &'a Config,
    http: reqwest::Client,
    mailer: Option<Arc<email::Mailer>>,
    cooldown: Duration,
}

impl Outlets<'_> {
    fn send(&self, landlord: String, kind: Kind) {
        let Some(l) = self.config.landlord(&landlord) else {
            return;
        };
        let email = match (kind, &l.team_email, &self.mailer) {
            (Kind::NewRequests, Some(to), Some(mailer)) => Some((to, mailer)),
            _ => None,
        };
        if let Some((to, mailer)) = email {
            mailer.send(&landlord, to);
        }
        if let Some(url) = &l.notify_webhook {
            webhook::send(&self.http, url, &landlord, kind);
        } else if email.is_none() {
            match kind {
                Kind::NewRequests => tracing::info!(landlord = %landlord, "new request waiting"),
                Kind::LimitReached => tracing::warn!(
                    landlord = %landlord,
                    "this landlord's hourly limit was reached: new requests are turned away for now"
                ),
            }
        }
    }
}
