//! For leads: who is on the team and whether they can open requests, giving access (this
//! browser seals the landlord key it holds to the member's public key, once the security number
//! the member reads out matches that key), inviting and removing.

use leptos::prelude::*;
use leptos::task::spawn_local;
use safe_contact_seal::rand_core::UnwrapErr;
use safe_contact_staff_keys::fingerprint::Fingerprint;

use crate::api::{self, Failure};
use crate::form::{
    confirmed_delete, focus, problem, CopyButton, ErrorSummary, Problem, Radios, TextField,
};
use crate::keys::{self, GrantProblem};
use crate::model::{
    InviteLink, Member, NewGrant, NewInvite, Removed, Settings, Team as TeamAnswer,
};
use crate::session::{app, App, Screen};
use crate::when::stamp;

const NUMBER_FIELD: &str = "security-number";

const ROLES: &[(&str, &str)] = &[
    ("officer", "Officer: opens and acts on requests"),
    (
        "lead",
        "Lead: can also invite people, give access and see the audit trail",
    ),
];

#[component]
pub fn Team() -> impl IntoView {
    let state = app();
    let team = RwSignal::new(None::<Result<TeamAnswer, String>>);
    let problems = RwSignal::new(Vec::<Problem>::new());
    let removed = RwSignal::new(None::<(String, Removed)>);
    let giving = RwSignal::new(None::<Giving>);
    let given = RwSignal::new(None::<String>);
    let reload = move || {
        spawn_local(async move {
            match api::get::<TeamAnswer>("team").await {
                Ok(t) => team.set(Some(Ok(t))),
                Err(f) => {
                    if let Some(m) = state.failed(f) {
                        team.set(Some(Err(m)));
                    }
                }
            }
        })
    };
    reload();
    view! {
        <ErrorSummary problems />
        <h1 class="heading-l">"Team"</h1>
        {move || removed.get().map(|(email, answer)| view! { <RotateKey email answer /> })}
        {move || given.get().map(|email| view! {
            <div class="panel-plain" role="status">
                <p class="body">{format!("{email} can now open requests.")}</p>
            </div>
        })}
        {move || match team.get() {
            None => view! { <p class="body" role="status">"Loading the team…"</p> }.into_any(),
            Some(Err(m)) => view! { <p class="error-message">{m}</p> }.into_any(),
            Some(Ok(t)) => view! { <Members team=t problems removed giving reload=Callback::new(move |()| reload()) /> }.into_any(),
        }}
        {move || giving.get().map(|g| view! {
            <GiveAccess giving=g problems open=giving given reload=Callback::new(move |()| reload()) />
        })}
        {move || state.passkeys.get().then(|| view! { <RequirePasskeys team problems /> })}
        <LandlordKeys />
        <InviteForm problems reload=Callback::new(move |()| reload()) />
    }
}

/// The current keys this member lacks and that this lead can pass on.
fn missing_keys(state: App, member: &Member, key_ids: &[String]) -> (Vec<String>, bool) {
    let missing: Vec<String> = key_ids
        .iter()
        .filter(|k| !member.granted_key_ids.contains(k))
        .cloned()
        .collect();
    let holdable = state.keys.with_untracked(|keys| {
        missing
            .iter()
            .filter(|k| keys.as_ref().is_some_and(|keys| keys.has(k)))
            .cloned()
            .collect::<Vec<_>>()
    });
    let lacks_any = !missing.is_empty();
    (holdable, lacks_any)
}

/// A member the lead has chosen to give access to, and the keys this browser can give them.
#[derive(Clone)]
struct Giving {
    member: Member,
    can_give: Vec<String>,
}

#[component]
fn Members(
    team: TeamAnswer,
    problems: RwSignal<Vec<Problem>>,
    removed: RwSignal<Option<(String, Removed)>>,
    giving: RwSignal<Option<Giving>>,
    reload: Callback<()>,
) -> impl IntoView {
    let state = app();
    let me = state
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.member_id.clone()).unwrap_or_default());
    let rows = team
        .members
        .into_iter()
        .map(|m| {
            let has_access = m.granted_key_ids.iter().any(|k| team.key_ids.contains(k));
            let (can_give, lacks) = missing_keys(state, &m, &team.key_ids);
            let is_me = m.member_id == me;
            view! { <MemberRow member=m has_access can_give lacks is_me problems removed giving reload /> }
        })
        .collect_view();
    let invites = team.invites;
    view! {
        <h2 class="heading-m">"Members"</h2>
        <div class="table-wrap" role="region" aria-label="Members" tabindex="0">
            <table class="table">
                <thead>
                    <tr>
                        <th scope="col">"Email"</th>
                        <th scope="col">"Role"</th>
                        <th scope="col">"Security number"</th>
                        <th scope="col">"Can open requests"</th>
                        <th scope="col">"Passkeys"</th>
                        <th scope="col"><span class="visually-hidden">"Actions"</span></th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        {(!invites.is_empty()).then(|| view! {
            <h2 class="heading-m">"Invites not yet used"</h2>
            <ul class="list">
                {invites.into_iter().map(|i| view! {
                    <li>{format!("{} ({}), link expires {}", i.email, i.role, stamp(&i.expires_at))}</li>
                }).collect_view()}
            </ul>
        })}
    }
}

#[component]
fn MemberRow(
    member: Member,
    has_access: bool,
    can_give: Vec<String>,
    lacks: bool,
    is_me: bool,
    problems: RwSignal<Vec<Problem>>,
    removed: RwSignal<Option<(String, Removed)>>,
    giving: RwSignal<Option<Giving>>,
    reload: Callback<()>,
) -> impl IntoView {
    let state = app();
    let confirming = RwSignal::new(false);
    let working = RwSignal::new(false);
    let email = member.email.clone();
    let role = if member.role == "lead" {
        "Lead"
    } else {
        "Officer"
    };
    // Worked out here from the key the server handed over, never taken from the server.
    let number = keys::member_number(&state.landlord(), &member.email, &member.public_key)
        .map_or_else(|| "Not available".to_owned(), |n| n.to_string());

    let give = {
        let member = member.clone();
        let can_give = can_give.clone();
        move |_| {
            problems.set(Vec::new());
            giving.set(Some(Giving {
                member: member.clone(),
                can_give: can_give.clone(),
            }));
            request_animation_frame(|| focus("give-access"));
        }
    };

    let remove = {
        let (id, email) = (member.member_id.clone(), member.email.clone());
        move |_| {
            let (path, email) = (format!("members/{id}"), email.clone());
            working.set(true);
            spawn_local(async move {
                match api::delete(&path, &state.csrf())
                    .await
                    .and_then(|t| api::read_answer::<Removed>(&t))
                {
                    Ok(answer) => removed.set(Some((email, answer))),
                    Err(f) => {
                        if let Some(m) = state.failed(f) {
                            problems.set(vec![problem("members", m)]);
                        }
                    }
                }
                working.set(false);
                reload.run(());
            });
        }
    };

    let access = if has_access && !lacks {
        "Yes"
    } else if has_access {
        "Yes, but not to the newest key"
    } else {
        "Not yet"
    };
    view! {
        <tr>
            <td class="table__email">{member.email.clone()}</td>
            <td>{role}</td>
            <td class="table__number">{number}</td>
            <td>{access}</td>
            <td>{member.passkeys}</td>
            <td class="table__actions">
                {(member.passkeys > 0 && !is_me).then(|| view! {
                    <RemovePasskeys member=member.clone() problems reload />
                })}
                {(lacks && !can_give.is_empty()).then(|| view! {
                    <button type="button" class="button button--secondary button--small" disabled=move || working.get() on:click=give.clone()>
                        "Give access"<span class="visually-hidden">{format!(" to {email}")}</span>
                    </button>
                })}
                {(lacks && can_give.is_empty()).then(|| view! {
                    <p class="hint">"You do not hold the key to give. Whoever holds the key file can."</p>
                })}
                {(!is_me).then(|| {
                    let email = member.email.clone();
                    let question = format!("remove-{}", member.member_id);
                    move || if confirming.get() {
                        view! {
                            <p class="body" id=question.clone() tabindex="-1">{format!("Remove {email}? They lose access at once.")}</p>
                            <div class="button-group">
                                <button type="button" class="button button--warning button--small" disabled=move || working.get() on:click=remove.clone()>
                                    "Yes, remove"
                                </button>
                                <button type="button" class="button button--secondary button--small" on:click=move |_| confirming.set(false)>
                                    "Cancel"
                                </button>
                            </div>
                        }.into_any()
                    } else {
                        let question = question.clone();
                        view! {
                            <button type="button" class="button button--warning button--small" on:click=move |_| {
                                confirming.set(true);
                                let question = question.clone();
                                request_animation_frame(move || focus(&question));
                            }>
                                "Remove"<span class="visually-hidden">{format!(" {email}")}</span>
                            </button>
                        }.into_any()
                    }
                })}
            </td>
        </tr>
    }
}

/// Why no access was given.
enum Refusal {
    /// The number read out is not the number of the key the server handed over (or, by the
    /// server's own check, of the key it holds now). `recorded`: the audit trail has it.
    NotTheirKey {
        recorded: bool,
    },
    Failed(Failure),
}

/// Seals each key the member lacks to the key the server handed over, only once the number
/// they read out is that key's number. On a mismatch nothing is sealed or sent, and the
/// refusal goes into the audit trail.
async fn give(state: App, g: &Giving, confirmed: Fingerprint) -> Result<(), Refusal> {
    let (landlord, csrf) = (state.landlord(), state.csrf());
    let member = &g.member;
    for key_id in &g.can_give {
        let sealed = state.keys.with_untracked(|k| {
            let k = k.as_ref().ok_or(GrantProblem::NoKey)?;
            keys::grant_for(
                k,
                key_id,
                &landlord,
                &member.email,
                &member.public_key,
                confirmed,
                &mut UnwrapErr(getrandom::SysRng),
            )
        });
        let grant = match sealed {
            Ok(grant) => grant,
            Err(GrantProblem::NotTheirKey) => {
                let path = format!("members/{}/grant-refused", member.member_id);
                let recorded = api::post_done(&path, &serde_json::json!({}), &csrf).await;
                return Err(Refusal::NotTheirKey {
                    recorded: recorded.is_ok(),
                });
            }
            // Signed out or timed out since the list was drawn: the keys have gone.
            Err(GrantProblem::NoKey) => continue,
            Err(GrantProblem::CannotSeal) => {
                return Err(Refusal::Failed(Failure {
                    status: 0,
                    message: "The key could not be given. Reload the inbox and try again."
                        .to_owned(),
                }))
            }
        };
        let body = NewGrant {
            key_id: key_id.clone(),
            grant,
            fingerprint: confirmed.to_string(),
        };
        let path = format!("members/{}/grant", member.member_id);
        match api::post_done(&path, &body, &csrf).await {
            Ok(()) => {}
            // The server's own check: the key it holds now is not the one this browser checked.
            Err(f) if f.status == 409 => return Err(Refusal::NotTheirKey { recorded: true }),
            Err(f) => return Err(Refusal::Failed(f)),
        }
    }
    Ok(())
}

/// Asks for the security number the member reads out, and gives access only if it matches.
#[component]
fn GiveAccess(
    giving: Giving,
    problems: RwSignal<Vec<Problem>>,
    open: RwSignal<Option<Giving>>,
    given: RwSignal<Option<String>>,
    reload: Callback<()>,
) -> impl IntoView {
    let state = app();
    let typed = RwSignal::new(String::new());
    let mismatch = RwSignal::new(None::<bool>);
    let working = RwSignal::new(false);
    let email = giving.member.email.clone();
    let submit = {
        let email = email.clone();
        move |ev: leptos::ev::SubmitEvent| {
            ev.prevent_default();
            if working.get_untracked() {
                return;
            }
            let Some(confirmed) = Fingerprint::parse(&typed.get_untracked()) else {
                problems.set(vec![problem(
                    NUMBER_FIELD,
                    "Enter the 24-digit security number they read out to you",
                )]);
                return;
            };
            let (g, email) = (giving.clone(), email.clone());
            working.set(true);
            spawn_local(async move {
                let outcome = give(state, &g, confirmed).await;
                working.set(false);
                match outcome {
                    Ok(()) => {
                        problems.set(Vec::new());
                        open.set(None);
                        given.set(Some(email));
                        reload.run(());
                    }
                    Err(Refusal::NotTheirKey { recorded }) => {
                        mismatch.set(Some(recorded));
                        problems.set(vec![problem(
                            NUMBER_FIELD,
                            "The security number does not match their key. Check it with them again.",
                        )]);
                    }
                    Err(Refusal::Failed(f)) => {
                        if let Some(m) = state.failed(f) {
                            problems.set(vec![problem(NUMBER_FIELD, m)]);
                        }
                    }
                }
            });
        }
    };
    let cancel = move |_| {
        problems.set(Vec::new());
        open.set(None);
    };
    view! {
        <div class="panel-plain">
            <h2 class="heading-m" id="give-access" tabindex="-1">{format!("Give access to {email}")}</h2>
            <p class="body">
                {format!("Ask {email} to read out the security number their inbox showed when they set up their account. Do this in person, or on a phone call to a number you know is theirs.")}
            </p>
            <p class="body">"Type the number they read out. Do not read it out to them first."</p>
            {move || mismatch.get().map(|recorded| view! {
                <div class="inset-warning">
                    <h3 class="heading-s">"Do not give access until the numbers match"</h3>
                    <p class="body">"Ask them to read their number again, slowly, and check you are speaking to the right person."</p>
                    <p class="body">"If it still does not match, the key the server holds for them may not be theirs. Do not give access. Tell whoever runs your inbox."</p>
                    <p class="body">
                        {if recorded {
                            "This has been recorded in the audit trail."
                        } else {
                            "This could not be recorded in the audit trail. Tell whoever runs your inbox that it happened."
                        }}
                    </p>
                </div>
            })}
            <form on:submit=submit novalidate>
                <TextField
                    id=NUMBER_FIELD
                    label="Their security number"
                    hint="24 digits, for example 4821 0937 5512 7730 0918 2264"
                    value=typed
                    problems
                    inputmode="numeric"
                    class="input input--width-20"
                />
                <div class="button-group">
                    <button type="submit" class="button" disabled=move || working.get()>
                        "Give access"
                    </button>
                    <button type="button" class="button button--secondary" on:click=cancel>
                        "Cancel"
                    </button>
                </div>
            </form>
        </div>
    }
}

/// The landlord keys this lead holds, each with its security number, to check against the
/// number printed when the key was made and the one for the profile's seal key.
#[component]
fn LandlordKeys() -> impl IntoView {
    let state = app();
    let numbers = state
        .keys
        .with_untracked(|k| k.as_ref().map(keys::Keys::numbers).unwrap_or_default());
    (!numbers.is_empty()).then(|| view! {
        <h2 class="heading-m">"Your landlord keys"</h2>
        <p class="body">
            "Requests are sealed to the key in your landlord's profile. Check that each number below is the same as the number printed when the key was made, or the number the staff tool prints for your profile (safe-contact-staff fingerprint)."
        </p>
        <p class="body">
            "If a number is not the same, requests may be sealed to a key your team does not hold. Tell whoever runs your inbox."
        </p>
        <dl class="summary-list">
            {numbers.into_iter().map(|(key_id, number)| view! {
                <div class="summary-list__row">
                    <dt class="summary-list__key">{format!("Key {key_id}")}</dt>
                    <dd class="summary-list__value table__number">{number.to_string()}</dd>
                </div>
            }).collect_view()}
        </dl>
    })
}

#[component]
fn RotateKey(email: String, answer: Removed) -> impl IntoView {
    let n = answer.requests_on_current_keys;
    view! {
        <div class="inset-warning" role="status">
            <h2 class="heading-m">{format!("{email} has been removed")}</h2>
            <p class="body">"They can no longer sign in, and their access is gone."</p>
            {answer.rotate_key.then(|| view! {
                <p class="body">"They could open requests, so rotate the landlord key now:"</p>
                <ol class="list list--number">
                    <li>"On the machine that holds the key file, run safe-contact-staff keygen to make a new key pair."</li>
                    <li>"Put the new seal key id in the endpoint's config and the new public key in the landlord's profile, so new requests are sealed to it."</li>
                    <li>"Keep the old key until the requests sealed with it have been deleted automatically. Then give the new key to the team."</li>
                </ol>
            })}
            <p class="body">
                {format!(
                    "{n} {} still sealed with the current keys.",
                    if n == 1 { "request is" } else { "requests are" }
                )}
            </p>
        </div>
    }
}

#[component]
fn InviteForm(problems: RwSignal<Vec<Problem>>, reload: Callback<()>) -> impl IntoView {
    let state = app();
    let email = RwSignal::new(String::new());
    let role = RwSignal::new(String::new());
    let link = RwSignal::new(None::<(String, String)>);
    let working = RwSignal::new(false);
    let submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let address = email.get_untracked().trim().to_owned();
        let chosen = ROLES
            .iter()
            .find(|(w, _)| *w == role.get_untracked())
            .map(|(w, _)| *w);
        let mut found = Vec::new();
        if !address.contains('@') {
            found.push(problem(
                "invite-email",
                "Enter an email address, like name@example.org",
            ));
        }
        if chosen.is_none() {
            found.push(problem("invite-role", "Select a role"));
        }
        let Some(role_wire) = chosen.filter(|_| found.is_empty()) else {
            problems.set(found);
            return;
        };
        problems.set(Vec::new());
        working.set(true);
        spawn_local(async move {
            let body = NewInvite {
                email: address.clone(),
                role: role_wire,
            };
            match api::post::<InviteLink>("invites", &body, Some(&state.csrf())).await {
                Ok(answer) => {
                    link.set(Some((address, answer.invite_url)));
                    email.set(String::new());
                    reload.run(());
                }
                Err(f) => {
                    if let Some(m) = state.failed(f) {
                        problems.set(vec![problem("invite-email", m)]);
                    }
                }
            }
            working.set(false);
        });
    };
    view! {
        <h2 class="heading-m">"Invite someone"</h2>
        <form on:submit=submit novalidate>
            <TextField id="invite-email" label="Their work email address" value=email problems kind="email" />
            <Radios id="invite-role" legend="Role" options=ROLES value=role problems />
            <button type="submit" class="button" disabled=move || working.get()>"Create invite link"</button>
        </form>
        {move || link.get().map(|(address, url)| view! {
            <div class="panel-plain" role="status">
                <h3 class="heading-s">{format!("Invite link for {address}")}</h3>
                <p class="body">"Send it to them yourself. It works once, for 24 hours. They will set a passphrase and an authenticator app."</p>
                <p class="secret">{url.clone()}</p>
                <CopyButton text=url what="Invite link" />
            </div>
        })}
    }
}

/// "Require passkeys": once on, members sign in with a passkey, and a member with none can only
/// add one. The server refuses to turn it on until the lead has a passkey of their own.
#[component]
fn RequirePasskeys(
    team: RwSignal<Option<Result<TeamAnswer, String>>>,
    problems: RwSignal<Vec<Problem>>,
) -> impl IntoView {
    let state = app();
    let required = RwSignal::new(None::<bool>);
    let working = RwSignal::new(false);
    let said = RwSignal::new(None::<&'static str>);
    spawn_local(async move {
        match api::get::<Settings>("settings").await {
            Ok(s) => required.set(Some(s.require_passkeys)),
            Err(f) => {
                if let Some(m) = state.failed(f) {
                    problems.set(vec![problem("require-passkeys", m)]);
                }
            }
        }
    });
    let me = state
        .session
        .with_untracked(|s| s.as_ref().map(|s| s.member_id.clone()).unwrap_or_default());
    let own_passkeys = move || {
        team.with(|t| match t {
            Some(Ok(t)) => t
                .members
                .iter()
                .find(|m| m.member_id == me)
                .map_or(0, |m| m.passkeys),
            _ => 0,
        })
    };
    let change = move |on: bool| {
        working.set(true);
        spawn_local(async move {
            let body = Settings {
                require_passkeys: on,
            };
            match api::post::<Settings>("settings", &body, Some(&state.csrf())).await {
                Ok(s) => {
                    problems.set(Vec::new());
                    required.set(Some(s.require_passkeys));
                    said.set(Some(if s.require_passkeys {
                        "Passkeys are now required for your team."
                    } else {
                        "Passkeys are no longer required for your team."
                    }));
                }
                Err(f) => {
                    if let Some(m) = state.failed(f) {
                        problems.set(vec![problem("require-passkeys", m)]);
                    }
                }
            }
            working.set(false);
        });
    };
    view! {
        <h2 class="heading-m" id="require-passkeys" tabindex="-1">"Require passkeys"</h2>
        <p class="body">
            "When passkeys are required, everyone on your team signs in with their passphrase and a passkey. The code from an authenticator app is no longer enough. Anyone without a passkey must add one the next time they sign in, before they can do anything else."
        </p>
        <p class="body" role="status">{move || said.get()}</p>
        {move || match required.get() {
            None => ().into_any(),
            Some(true) => view! {
                <p class="body">"Passkeys are required for your team."</p>
                <button type="button" class="button button--secondary" disabled=move || working.get() on:click=move |_| change(false)>
                    "Stop requiring passkeys"
                </button>
            }.into_any(),
            Some(false) if own_passkeys() == 0 => view! {
                <p class="body">"Passkeys are not required for your team."</p>
                <div class="inset-warning">
                    <p class="body">"You can require passkeys only once you have a passkey yourself, so that you cannot be locked out."</p>
                    <button type="button" class="button button--secondary" on:click=move |_| state.go(Screen::Passkeys)>
                        "Add a passkey for yourself"
                    </button>
                </div>
            }.into_any(),
            Some(false) => view! {
                <p class="body">"Passkeys are not required for your team."</p>
                <button type="button" class="button" disabled=move || working.get() on:click=move |_| change(true)>
                    "Require passkeys"
                </button>
            }.into_any(),
        }}
    }
}

/// Removes all of a member's passkeys, for a lost device: they are signed out and sign in again
/// with their authenticator app.
#[component]
fn RemovePasskeys(
    member: Member,
    problems: RwSignal<Vec<Problem>>,
    reload: Callback<()>,
) -> impl IntoView {
    let state = app();
    let confirming = RwSignal::new(false);
    let working = RwSignal::new(false);
    let question = format!("remove-passkeys-{}", member.member_id);
    let email = member.email.clone();
    let remove = {
        let id = member.member_id.clone();
        move |_| {
            let path = format!("members/{id}/passkeys");
            confirmed_delete(
                state,
                path,
                "require-passkeys",
                working,
                confirming,
                problems,
                reload,
            );
        }
    };
    move || {
        let email = email.clone();
        if confirming.get() {
            view! {
                <p class="body" id=question.clone() tabindex="-1">
                    {format!("Remove all of {email}'s passkeys? Do this if they have lost the device. They are signed out, and sign in again with their authenticator app.")}
                </p>
                <div class="button-group">
                    <button type="button" class="button button--warning button--small" disabled=move || working.get() on:click=remove.clone()>
                        "Yes, remove their passkeys"
                    </button>
                    <button type="button" class="button button--secondary button--small" on:click=move |_| confirming.set(false)>
                        "Cancel"
                    </button>
                </div>
            }
            .into_any()
        } else {
            let question = question.clone();
            view! {
                <button type="button" class="button button--secondary button--small" on:click=move |_| {
                    confirming.set(true);
                    let question = question.clone();
                    request_animation_frame(move || focus(&question));
                }>
                    "Remove passkeys"<span class="visually-hidden">{format!(" of {email}")}</span>
                </button>
            }
            .into_any()
        }
    }
}
