//! The e-mail to a landlord's team: a request is waiting, sign in to read it, and the link.
//!
//! Nothing else goes in it, not even the area or the time: e-mail is copied to phones, shared
//! mailboxes and archives the landlord does not control, and the inbox is where staff read
//! requests, behind their sign-in.

use std::time::Duration;

use lettre::message::header::ContentType;
use lettre::message::Mailbox;
use lettre::transport::smtp::client::{Tls, TlsParameters};
use lettre::{Address, AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use crate::config::{Security, Smtp};
use crate::ConfigError;

const SUBJECT: &str = "A Safe Contact request is waiting";

/// Long enough for a slow mail server, short enough that a dead one does not hold a retry open.
const SMTP_TIMEOUT: Duration = Duration::from_secs(30);

pub(super) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
    body: String,
    retries: Vec<Duration>,
}

impl Mailer {
    pub(super) fn new(
        smtp: &Smtp,
        inbox_url: &str,
        retries: &[Duration],
    ) -> Result<Mailer, ConfigError> {
        let tls = |host: &str| {
            TlsParameters::new(host.to_owned()).map_err(|_| {
                ConfigError(format!(
                    "smtp.host {host:?} cannot be used to check the mail server's certificate"
                ))
            })
        };
        let tls = match smtp.security {
            Security::Starttls => Tls::Required(tls(&smtp.host)?),
            Security::Tls => Tls::Wrapper(tls(&smtp.host)?),
            Security::None => Tls::None,
        };
        let mut builder = AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(&smtp.host)
            .port(smtp.port)
            .tls(tls)
            .timeout(Some(SMTP_TIMEOUT));
        if let Some(credentials) = &smtp.credentials {
            builder = builder.credentials(credentials.clone());
        }
        Ok(Mailer {
            transport: builder.build(),
            from: smtp.from.clone(),
            body: format!(
                "A Safe Contact request is waiting in your inbox.\r\n\r\nSign in to read it:\r\n{}",
                inbox_url
            ),
            retries: retries.to_vec(),
        })
    }

    /// Sends in the background, retrying after each of `retries` and then giving up.
    pub(super) fn send(self: &std::sync::Arc<Self>, landlord: &str, to: &Address) {
        let message = Message::builder()
            .from(self.from.clone())
            .to(Mailbox::new(None, to.clone()))
            .subject(SUBJECT)
            .header(ContentType::TEXT_PLAIN)
            .body(self.body.clone())
            .expect("a message with a sender and a recipient always builds");
        let (mailer, landlord) = (std::sync::Arc::clone(self), landlord.to_owned());
        tokio::spawn(async move {
            let attempts = mailer.retries.len() + 1;
            let waits = std::iter::once(Duration::ZERO).chain(mailer.retries.iter().copied());
            for (attempt, wait) in (1..).zip(waits) {
                tokio::time::sleep(wait).await;
                let Err(e) = mailer.transport.send(message.clone()).await else {
                    return;
                };
                let next = match mailer.retries.get(attempt - 1) {
                    Some(d) => format!("trying again in {} s", d.as_secs_f32()),
                    None => "giving up".to_owned(),
                };
                // One line, without the address or the server's reply text, which often
                // repeats the address.
                tracing::warn!(
                    landlord = %landlord,
                    attempt,
                    of = attempts,
                    error = %kind(&e),
                    "notification e-mail not sent, {next}"
                );
            }
        });
    }
}

fn kind(e: &lettre::transport::smtp::Error) -> String {
    if let Some(code) = e.status() {
        return format!("refused with code {code}");
    }
    if e.is_timeout() {
        return "timed out".into();
    }
    if e.is_tls() {
        return "TLS failed".into();
    }
    if e.is_response() {
        return "unreadable reply".into();
    }
    if e.is_client() {
        return "refused by this side (for example, the server offered no STARTTLS)".into();
    }
    let mut source = std::error::Error::source(e);
    while let Some(s) = source {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            return format!("connection failed ({})", io.kind());
        }
        source = s.source();
    }
    "connection failed".into()
}
