//! The content report a landlord's staff sign off before the panel goes live: every commitment
//! and contact the panel shows for that landlord, national content included, in the order the
//! panel shows it (`src/panel.rs`), each with its source and the date it was checked.
//!
//! The report is built once as a list of parts, then written out as plain text or as one
//! self-contained HTML page, so that the two forms always say the same thing.

use safe_contact_panel_html::escape;
use safe_contact_profile::{
    Block, CallbackSettings, Contact, ContactKind, National, OptionalQuestion, Profile, Section,
    Service, Source,
};

use crate::checks;
use crate::date::Date;
use crate::report::{Problem, Severity};

pub struct ContentReport {
    title: String,
    intro: Vec<String>,
    parts: Vec<Part>,
    sign_off: String,
    errors: usize,
    warnings: usize,
}

/// What the validator found, to be listed before anything else.
pub struct Findings<'a> {
    pub profile: &'a [Problem],
    pub national: &'a [Problem],
}

/// Each language the panel offers, and for each but English, the landlord's own words that
/// have no translation into it and so show in English.
fn languages(profile: &Profile) -> Part {
    let offered: Vec<String> = profile
        .offered_languages()
        .iter()
        .map(|l| format!("{} ({})", l.name, l.code))
        .collect();
    let mut entries = vec![Entry::Text(format!(
        "The panel offers: {}. The widget's own words and the national content come translated; \
         the landlord's own words show in English wherever the profile has no translation.",
        offered.join(", ")
    ))];
    for gaps in crate::languages::gaps(profile) {
        entries.push(Entry::Group(format!(
            "{} ({})",
            gaps.language.name, gaps.language.code
        )));
        entries.push(match gaps.missing.is_empty() {
            true => Entry::Text("Everything the landlord wrote is translated.".into()),
            false => Entry::Points(
                gaps.missing
                    .into_iter()
                    .map(|m| format!("No translation: {m}"))
                    .collect(),
            ),
        });
    }
    Part {
        heading: "Languages".into(),
        about: "Which languages the panel offers, and what shows in English in each.".into(),
        entries,
    }
}

/// One heading's worth of the report.
struct Part {
    heading: String,
    /// Whose content it is and when the panel shows it.
    about: String,
    entries: Vec<Entry>,
}

enum Entry {
    Text(String),
    Steps(Vec<String>),
    Points(Vec<String>),
    /// A heading inside a part, as the panel shows one, for example "Talk to someone".
    Group(String),
    Service {
        name: String,
        about: String,
        contacts: Vec<Item>,
    },
    Items(Vec<Item>),
}

/// One thing to check: what is shown, then where it comes from and when it was checked.
struct Item {
    label: &'static str,
    shown: String,
    details: Vec<(&'static str, String)>,
}

const NATIONAL: &str = "National content: the same on every landlord's panel.";

impl ContentReport {
    pub fn new(
        profile: &Profile,
        national: &National,
        findings: &Findings,
        today: Date,
    ) -> ContentReport {
        let name = &profile.name;
        let all = || findings.profile.iter().chain(findings.national);
        let errors = all().filter(|p| p.severity == Severity::Error).count();
        let warnings = all().count() - errors;
        let mut parts = vec![
            before_you_sign_off(findings),
            about_the_profile(profile),
            languages(profile),
        ];
        let mut panel = vec![danger_now(national)];
        panel.extend(profile.callback.as_ref().map(|c| callback(name, c)));
        panel.push(support_near_you(profile));
        panel.push(commitments(profile));
        panel.push(Part {
            heading: "National helplines".into(),
            about: format!("{NATIONAL} Closed until the person opens it."),
            entries: national.helplines.iter().map(service).collect(),
        });
        panel.push(clares_law(&national.clares_law, profile));
        for section in [
            &national.covering_tracks,
            &national.worried_about_someone,
            &national.own_behaviour,
            &national.children,
        ] {
            panel.push(national_section(section, Vec::new()));
        }
        parts.extend(panel.into_iter().enumerate().map(|(index, mut part)| {
            part.heading = format!("{}. {}", index + 1, part.heading);
            part
        }));
        ContentReport {
            title: format!("What the Safe Contact panel shows for {name}"),
            intro: vec![
                format!(
                    "Prepared on {} from the profile \"{}\" and the national content built into the widget.",
                    today.in_words(),
                    profile.id
                ),
                "This lists everything the panel shows on your website, in the order it shows it. \
                 Please check every line: each commitment against the part of your policy it names, \
                 and each contact against its source. Tell whoever keeps your profile about \
                 anything wrong or out of date before the panel goes live."
                    .into(),
                "National content is the same on every landlord's panel. Safe Contact keeps it up \
                 to date, but your tenants read it on your website, so please read it too."
                    .into(),
            ],
            parts,
            sign_off: format!(
                "Checked and agreed for {name}. Name: ____________  Role: ____________  Date: ____________"
            ),
            errors,
            warnings,
        }
    }

    /// How many problems the validator found in the profile and the national content.
    pub fn errors(&self) -> usize {
        self.errors
    }

    /// How many warnings the validator found in the profile and the national content.
    pub fn warnings(&self) -> usize {
        self.warnings
    }

    pub fn to_text(&self) -> String {
        let mut out = String::new();
        underlined(&mut out, &self.title, '=');
        for paragraph in &self.intro {
            out.push_str(&format!("{paragraph}\n\n"));
        }
        for part in &self.parts {
            underlined(&mut out, &part.heading, '-');
            out.push_str(&format!("About this section: {}\n\n", part.about));
            for entry in &part.entries {
                text_entry(&mut out, entry);
            }
        }
        out.push_str(&format!("{}\n", self.sign_off));
        out
    }

    /// One page with its styles inline and a policy that forbids loading anything, so it can be
    /// opened, printed or emailed without reaching any other site.
    pub fn to_html(&self) -> String {
        let mut out = format!(
            "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n\
             <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
             <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
             <title>{}</title>\n<style>\n{STYLE}</style>\n</head>\n<body>\n<main>\n<h1>{}</h1>\n",
            escape(&self.title),
            escape(&self.title)
        );
        for paragraph in &self.intro {
            out.push_str(&format!("<p>{}</p>\n", escape(paragraph)));
        }
        for part in &self.parts {
            out.push_str(&format!(
                "<section>\n<h2>{}</h2>\n<p class=\"about\">About this section: {}</p>\n",
                escape(&part.heading),
                escape(&part.about)
            ));
            for entry in &part.entries {
                html_entry(&mut out, entry);
            }
            out.push_str("</section>\n");
        }
        out.push_str(&format!(
            "<p class=\"sign-off\">{}</p>\n</main>\n</body>\n</html>\n",
            escape(&self.sign_off)
        ));
        out
    }
}

const STYLE: &str = "\
body { font-family: system-ui, sans-serif; line-height: 1.5; color: #0b0c0c; margin: 0; }
main { max-width: 50rem; margin: 0 auto; padding: 1rem; }
h2 { border-top: 2px solid #0b0c0c; padding-top: 0.5rem; margin-top: 2rem; }
h4 { margin-bottom: 0; }
.about { color: #505a5f; font-style: italic; }
.items { padding-left: 1.25rem; }
.items > li { margin-bottom: 0.75rem; }
.detail { display: block; color: #505a5f; }
.sign-off { border: 2px solid #0b0c0c; padding: 1rem; margin-top: 2rem; }
";

fn before_you_sign_off(findings: &Findings) -> Part {
    let listed = |problems: &[Problem], prefix: &str| {
        problems
            .iter()
            .map(|problem| {
                let kind = match problem.severity {
                    Severity::Error => "Problem",
                    Severity::Warning => "Warning",
                };
                // The place is for whoever edits the file; the message is for everyone.
                let place = match problem.pointer.as_str() {
                    "" => format!("line {}", problem.line),
                    pointer => format!("line {}, {pointer}", problem.line),
                };
                format!("{kind}{prefix}: {} ({place})", problem.message)
            })
            .collect::<Vec<_>>()
    };
    let mut points = listed(findings.profile, "");
    points.extend(listed(findings.national, " in the national content"));
    let entries = if points.is_empty() {
        vec![Entry::Text(
            "The validator found no problems in this profile or in the national content.".into(),
        )]
    } else {
        vec![
            Entry::Text(
                "The validator found these. Each ends with where it is in the file, for whoever \
                 keeps your profile. Problems must be fixed before the panel goes live; \
                 warnings need someone to look again."
                    .into(),
            ),
            Entry::Points(points),
        ]
    };
    Part {
        heading: "Before you sign off".into(),
        about: "What the profile validator found.".into(),
        entries,
    }
}

fn about_the_profile(profile: &Profile) -> Part {
    // The closed launcher and the exit work before the profile is fetched, so what they show
    // comes from the snippet; the profile's values are only suggestions to copy there.
    let label = match &profile.launcher_label {
        Some(label) => format!(
            "what your snippet's data-label says; this profile suggests data-label=\"{label}\""
        ),
        None => {
            "what your snippet's data-label says, or Domestic abuse support (the default)".into()
        }
    };
    let exit = match &profile.exit_url {
        Some(url) => format!(
            "{url} once the panel has been opened, unless your snippet sets data-exit-url; set data-exit-url=\"{url}\" there so it applies from the first moment"
        ),
        None => "the widget's default page, unless your page's snippet sets data-exit-url".into(),
    };
    Part {
        heading: "About this profile".into(),
        about: "From your profile.".into(),
        entries: vec![Entry::Points(vec![
            format!("Landlord: {}", profile.name),
            format!("Profile id: {}", profile.id),
            format!("The button that opens the panel says: {label}"),
            format!("The quick exit goes to: {exit}"),
        ])],
    }
}

fn danger_now(national: &National) -> Part {
    // The panel repeats the first national helpline here, so one is on screen at once.
    let first_helpline = national
        .helplines
        .first()
        .map(|h| vec![Entry::Group("Talk to someone".into()), service(h)]);
    national_section(&national.danger_now, first_helpline.unwrap_or_default())
        .about(format!("{NATIONAL} Shown first, always open."))
}

fn callback(name: &str, settings: &CallbackSettings) -> Part {
    let shown = match &settings.endpoint {
        Some(endpoint) => format!(
            "Shown when the panel can send requests: they go to {endpoint}, unless your page's snippet sets data-endpoint."
        ),
        None => "Shown only on pages whose snippet sets data-endpoint: your profile gives no endpoint.".into(),
    };
    let mut entries = vec![
        Entry::Group("After a request is sent, the panel says".into()),
        Entry::Text(settings.next_steps.clone()),
    ];
    entries.push(match &settings.privacy_notice {
        Some(notice) => Entry::Items(vec![contact(notice)]),
        None => Entry::Text(format!(
            "No privacy notice is linked. Beside the consent box the form says: \"You can ask {name} how it looks after your information.\""
        )),
    });
    if !settings.not_asked.is_empty() {
        let questions = settings.not_asked.iter().map(|q| question(*q).to_owned());
        entries.push(Entry::Group("Questions your form leaves out".into()));
        entries.push(Entry::Points(questions.collect()));
    }
    entries.push(Entry::Text(match &settings.seal {
        Some(seal) => format!(
            "Requests are sealed in the browser to your key \"{}\", so only staff holding its private key can read them.",
            seal.key_id
        ),
        None => "Requests are not sealed: the endpoint takes them only if its settings allow plain text for you.".into(),
    }));
    Part {
        heading: "Ask us to contact you safely".into(),
        about: format!("From your profile. {shown}"),
        entries,
    }
}

fn question(question: OptionalQuestion) -> &'static str {
    match question {
        OptionalQuestion::SafeTimesNote => "Anything else about safe times",
        OptionalQuestion::NameToAskFor => "The name to ask for",
        OptionalQuestion::OfficerGender => "Would you like to speak to a woman or a man?",
        OptionalQuestion::AccessNeeds => "Interpreter, BSL and other access needs",
    }
}

fn support_near_you(profile: &Profile) -> Part {
    let mut entries = Vec::new();
    if profile.landlord_contacts.is_empty() {
        entries.push(Entry::Text(
            "Your profile lists no contact of your own, so the panel shows none.".into(),
        ));
    } else {
        entries.push(Entry::Group(format!("Contact {}", profile.name)));
        entries.extend(profile.landlord_contacts.iter().map(service));
    }
    let several = profile.areas.len() > 1;
    if several {
        entries.push(Entry::Text(
            "The person chooses their area from a list, then sees only that area's services."
                .into(),
        ));
    }
    for area in &profile.areas {
        entries.push(Entry::Group(if several {
            format!("Services in {}", area.name)
        } else {
            format!("Services near you in {}", area.name)
        }));
        entries.extend(area.services.iter().map(service));
    }
    Part {
        heading: "Support near you".into(),
        about: "From your profile. Open when the panel opens.".into(),
        entries,
    }
}

fn commitments(profile: &Profile) -> Part {
    let policy = &profile.policy;
    let from = format!("{} ({})", policy.title, policy.date);
    let mut entries = vec![Entry::Items(
        profile
            .commitments
            .iter()
            .map(|c| Item {
                label: "",
                shown: c.text.clone(),
                details: std::iter::once(("From", format!("{from}, {}", c.policy_ref)))
                    .chain(c.advice.iter().map(|a| {
                        (
                            "Shown beside it as advice, not the policy's words",
                            a.clone(),
                        )
                    }))
                    .collect(),
            })
            .collect(),
    )];
    entries.push(Entry::Group("The policy".into()));
    entries.push(match &policy.link {
        Some(link) => Entry::Items(vec![contact(link)]),
        None => Entry::Text(format!(
            "No link to the policy is given. The panel says: \"This is a summary of the {from}. You can ask {} for a copy of the full policy.\"",
            profile.name
        )),
    });
    entries.push(Entry::Text(match &policy.review_date {
        Some(date) => format!("Due for review on {}.", in_words(date)),
        None => "No review date is given. Add policy.review_date, and the validator will say when it has passed.".into(),
    }));
    Part {
        heading: format!("What {}, your landlord, can do", profile.name),
        about: "From your profile. Commitments have no checked date of their own: check each against the part of the policy it names.".into(),
        entries,
    }
}

fn clares_law(section: &Section, profile: &Profile) -> Part {
    let mut forces = vec![Entry::Group("Your local police force".into())];
    if profile.areas.len() > 1 {
        forces.push(Entry::Text(
            "Until the person chooses their area, the panel lists each area's force.".into(),
        ));
    }
    for area in &profile.areas {
        let force = &area.police_force;
        forces.push(Entry::Text(format!("{}: {}", area.name, force.name)));
        forces.extend(force.clares_law.as_ref().map(|link| {
            let mut item = contact(link);
            item.label = "Apply online";
            Entry::Items(vec![item])
        }));
    }
    national_section(section, forces).about(format!(
        "{NATIONAL} Your police forces are from your profile."
    ))
}

/// A national section: its blocks, anything the panel adds after them, then its sources.
fn national_section(section: &Section, added: Vec<Entry>) -> Part {
    let mut entries: Vec<Entry> = section.blocks.iter().flat_map(block).collect();
    entries.extend(added);
    entries.push(Entry::Group("Sources for this section".into()));
    entries.push(Entry::Items(section.sources.iter().map(source).collect()));
    Part {
        heading: section.heading.clone(),
        about: format!("{NATIONAL} Closed until the person opens it."),
        entries,
    }
}

impl Part {
    fn about(self, about: String) -> Part {
        Part { about, ..self }
    }
}

fn block(block: &Block) -> Vec<Entry> {
    match block {
        Block::Text(text) => vec![Entry::Text(text.clone())],
        Block::Steps(steps) => vec![Entry::Steps(steps.clone())],
        Block::Points(points) => vec![Entry::Points(points.clone())],
        Block::Services(services) => services.iter().map(service).collect(),
    }
}

fn service(service: &Service) -> Entry {
    Entry::Service {
        name: service.name.clone(),
        about: service.about.clone(),
        contacts: service.contacts.iter().map(contact).collect(),
    }
}

fn contact(contact: &Contact) -> Item {
    let (label, value_label) = match contact.kind {
        ContactKind::Phone => ("Phone", "Number"),
        ContactKind::Text => ("Text", "Number"),
        ContactKind::Email => ("Email", "Address"),
        ContactKind::Web => ("Website", "Link"),
        ContactKind::Address => ("Address", "Address"),
    };
    let mut details = Vec::new();
    if contact.text() != contact.value {
        details.push((value_label, contact.value.clone()));
    }
    details.extend(contact.hours.clone().map(|hours| ("Hours", hours)));
    details.push(("Source", contact.source.clone()));
    details.extend(dates(&contact.checked, contact.source_date.as_deref()));
    Item {
        label,
        shown: contact.text().to_owned(),
        details,
    }
}

fn source(source: &Source) -> Item {
    Item {
        label: "",
        shown: source.source.clone(),
        details: dates(&source.checked, source.source_date.as_deref()),
    }
}

/// The date the source itself gives, where it gives one, and the date it was checked.
fn dates(checked: &str, source_date: Option<&str>) -> Vec<(&'static str, String)> {
    let mut dates: Vec<_> = source_date
        .map(|date| {
            let old = Date::parse(date)
                .zip(Date::parse(checked))
                .is_some_and(|(source, checked)| checks::old_source(source, checked));
            let note = if old {
                ": more than three years before it was checked, so look for a newer source"
            } else {
                ""
            };
            ("Source dated", format!("{}{note}", in_words(date)))
        })
        .into_iter()
        .collect();
    dates.push(("Checked", in_words(checked)));
    dates
}

/// A date from the file in words, or as written when it is not a date (the validator says so).
fn in_words(text: &str) -> String {
    Date::parse(text).map_or_else(|| text.to_owned(), Date::in_words)
}

fn underlined(out: &mut String, heading: &str, mark: char) {
    let line: String = std::iter::repeat_n(mark, heading.chars().count()).collect();
    out.push_str(&format!("{heading}\n{line}\n\n"));
}

fn text_entry(out: &mut String, entry: &Entry) {
    match entry {
        Entry::Text(text) => out.push_str(&format!("{text}\n\n")),
        Entry::Steps(steps) => {
            for (index, step) in steps.iter().enumerate() {
                out.push_str(&format!("  {}. {step}\n", index + 1));
            }
            out.push('\n');
        }
        Entry::Points(points) => {
            for point in points {
                out.push_str(&format!("  * {point}\n"));
            }
            out.push('\n');
        }
        Entry::Group(heading) => out.push_str(&format!("{heading}:\n\n")),
        Entry::Service {
            name,
            about,
            contacts,
        } => {
            out.push_str(&format!("  {name}\n  {about}\n"));
            text_items(out, contacts, "  ");
        }
        Entry::Items(items) => text_items(out, items, ""),
    }
}

fn text_items(out: &mut String, items: &[Item], indent: &str) {
    for item in items {
        let label = labelled(item.label);
        out.push_str(&format!("{indent}  - {label}{}\n", item.shown));
        for (name, value) in &item.details {
            out.push_str(&format!("{indent}    {name}: {value}\n"));
        }
    }
    out.push('\n');
}

fn labelled(label: &str) -> String {
    if label.is_empty() {
        String::new()
    } else {
        format!("{label}: ")
    }
}

fn html_entry(out: &mut String, entry: &Entry) {
    let list = |out: &mut String, tag: &str, items: &[String]| {
        out.push_str(&format!("<{tag}>\n"));
        for item in items {
            out.push_str(&format!("<li>{}</li>\n", escape(item)));
        }
        out.push_str(&format!("</{tag}>\n"));
    };
    match entry {
        Entry::Text(text) => out.push_str(&format!("<p>{}</p>\n", escape(text))),
        Entry::Steps(steps) => list(out, "ol", steps),
        Entry::Points(points) => list(out, "ul", points),
        Entry::Group(heading) => out.push_str(&format!("<h3>{}</h3>\n", escape(heading))),
        Entry::Service {
            name,
            about,
            contacts,
        } => {
            out.push_str(&format!(
                "<h4>{}</h4>\n<p>{}</p>\n",
                escape(name),
                escape(about)
            ));
            html_items(out, contacts);
        }
        Entry::Items(items) => html_items(out, items),
    }
}

fn html_items(out: &mut String, items: &[Item]) {
    out.push_str("<ul class=\"items\">\n");
    for item in items {
        let label = match item.label {
            "" => String::new(),
            label => format!("<strong>{}:</strong> ", escape(label)),
        };
        out.push_str(&format!("<li>{label}{}", escape(&item.shown)));
        for (name, value) in &item.details {
            out.push_str(&format!(
                "\n<span class=\"detail\">{}: {}</span>",
                escape(name),
                escape(value)
            ));
        }
        out.push_str("</li>\n");
    }
    out.push_str("</ul>\n");
}
