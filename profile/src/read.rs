//! Reads profiles and the national content without serde, so the widget's wasm need not carry
//! serde_json or the derived deserializers (the widget's wasm budget). The validator and the endpoint keep
//! serde; the tests hold the two readers to the same result.
//!
//! Every document the published schema allows reads the same either way. Only serde's extra
//! forms, which the schema forbids, differ: serde also takes a struct written as an array and a
//! unit variant as `{"name": null}`, and refuses a whole number written as `1.0`. And this
//! reader takes the browser's copies, which leave out the sources and dates behind the content
//! (`build.rs`, `scripts/catalogues.mjs`): they read as empty.
//!
//! The code is one plain function per type rather than anything generic, since every copy of a
//! generic function costs the wasm bytes. Messages name the field but not its path: the widget
//! only needs to know the profile is broken, and the validator gives the full account.

use safe_contact_json::{parse, Value};

use crate::*;

impl Profile {
    /// Reads a profile as [`Profile::from_json`] does, and refuses the same documents.
    pub fn read_json(text: &str) -> Result<Profile, String> {
        let profile = profile(&document(text)?)?;
        if profile.schema_version != SCHEMA_VERSION {
            return Err("this schema_version is not supported".into());
        }
        Ok(profile)
    }
}

impl National {
    /// Reads the national content as serde does.
    pub fn read_json(text: &str) -> Result<National, String> {
        national(&document(text)?)
    }

    /// Reads the national content from a document already parsed, such as a language's
    /// catalogue, which carries it beside the interface's text.
    pub fn read_value(value: &Value) -> Result<National, String> {
        national(value)
    }
}

fn document(text: &str) -> Result<Value, String> {
    parse(text).map_err(|e| e.message().into())
}

fn named(problem: &str, key: &str) -> String {
    [problem, " `", key, "`"].concat()
}

/// Checks that `value` is an object naming only `known` fields, each at most once: serde's
/// `deny_unknown_fields`, so a misspelt optional field is an error rather than silently absent,
/// and its refusal of duplicate fields, so the two readers cannot pick different copies.
fn object<'a>(value: &'a Value, known: &[&str]) -> Result<&'a Value, String> {
    let Value::Object(members) = value else {
        return Err("expected an object".into());
    };
    for (i, (key, _)) in members.iter().enumerate() {
        if !known.contains(&key.as_str()) {
            return Err(named("unknown field", key));
        }
        if members[..i].iter().any(|(k, _)| k == key) {
            return Err(named("duplicate field", key));
        }
    }
    Ok(value)
}

fn field<'a>(object: &'a Value, key: &str) -> Result<&'a Value, String> {
    object.get(key).ok_or_else(|| named("missing field", key))
}

/// An optional field: serde reads both a missing field and `null` as `None`.
fn optional<'a>(object: &'a Value, key: &str) -> Option<&'a Value> {
    object.get(key).filter(|v| !matches!(v, Value::Null))
}

fn text(value: &Value) -> Result<String, String> {
    value
        .as_str()
        .map(str::to_owned)
        .ok_or_else(|| "expected a string".into())
}

fn string(object: &Value, key: &str) -> Result<String, String> {
    text(field(object, key)?)
}

fn opt_string(object: &Value, key: &str) -> Result<Option<String>, String> {
    optional(object, key).map(text).transpose()
}

/// A defaulted `bool`: missing is `false`; serde refuses `null`, as it does any other non-bool.
fn flag(object: &Value, key: &str) -> Result<bool, String> {
    match object.get(key) {
        None => Ok(false),
        Some(value) => value
            .as_bool()
            .ok_or_else(|| named("expected true or false for", key)),
    }
}

fn version(object: &Value) -> Result<u32, String> {
    field(object, "schema_version")?
        .as_u32()
        .ok_or_else(|| "schema_version must be a whole number".into())
}

/// Text in other languages: an object from language code to text. Like any defaulted
/// collection, a missing field is empty and `null` is refused.
fn translations(object: &Value, key: &str) -> Result<Translations, String> {
    let Some(value) = object.get(key) else {
        return Ok(Translations::default());
    };
    let Value::Object(members) = value else {
        return Err(named("expected an object for", key));
    };
    let mut out: Vec<(String, String)> = Vec::with_capacity(members.len());
    for (code, text_value) in members {
        // serde would keep the last of two; a profile saying two things is refused instead.
        if out.iter().any(|(c, _)| c == code) {
            return Err(named("duplicate field", code));
        }
        out.push((code.clone(), text(text_value)?));
    }
    Ok(Translations(out))
}

fn list<T>(value: &Value, item: fn(&Value) -> Result<T, String>) -> Result<Vec<T>, String> {
    let items = value.as_array().ok_or("expected an array")?;
    let mut out = Vec::with_capacity(items.len());
    for v in items {
        out.push(item(v)?);
    }
    Ok(out)
}

fn profile(v: &Value) -> Result<Profile, String> {
    let v = object(
        v,
        &[
            "schema_version",
            "id",
            "name",
            "launcher_label",
            "exit_url",
            "policy",
            "commitments",
            "landlord_contacts",
            "areas",
            "languages",
            "callback",
        ],
    )?;
    Ok(Profile {
        schema_version: version(v)?,
        id: string(v, "id")?,
        name: string(v, "name")?,
        launcher_label: opt_string(v, "launcher_label")?,
        exit_url: opt_string(v, "exit_url")?,
        policy: policy(field(v, "policy")?)?,
        commitments: list(field(v, "commitments")?, commitment)?,
        landlord_contacts: list(field(v, "landlord_contacts")?, service)?,
        areas: list(field(v, "areas")?, area)?,
        languages: match v.get("languages") {
            Some(codes) => list(codes, text)?,
            None => Vec::new(),
        },
        callback: optional(v, "callback").map(callback).transpose()?,
    })
}

fn callback(v: &Value) -> Result<CallbackSettings, String> {
    let v = object(
        v,
        &[
            "endpoint",
            "next_steps",
            "next_steps_translations",
            "privacy_notice",
            "not_asked",
            "professional_interpreters_only",
            "seal",
        ],
    )?;
    Ok(CallbackSettings {
        endpoint: opt_string(v, "endpoint")?,
        next_steps: string(v, "next_steps")?,
        next_steps_translations: translations(v, "next_steps_translations")?,
        privacy_notice: optional(v, "privacy_notice").map(contact).transpose()?,
        // A defaulted Vec, unlike an Option, does not take null.
        not_asked: match v.get("not_asked") {
            Some(questions) => list(questions, question)?,
            None => Vec::new(),
        },
        professional_interpreters_only: flag(v, "professional_interpreters_only")?,
        seal: optional(v, "seal").map(seal_key).transpose()?,
    })
}

fn seal_key(v: &Value) -> Result<SealKey, String> {
    let v = object(v, &["key_id", "public_key"])?;
    Ok(SealKey {
        key_id: string(v, "key_id")?,
        public_key: string(v, "public_key")?,
    })
}

fn question(v: &Value) -> Result<OptionalQuestion, String> {
    Ok(match v.as_str() {
        Some("safe_times_note") => OptionalQuestion::SafeTimesNote,
        Some("name_to_ask_for") => OptionalQuestion::NameToAskFor,
        Some("officer_gender") => OptionalQuestion::OfficerGender,
        Some("access_needs") => OptionalQuestion::AccessNeeds,
        _ => return Err("unknown optional question".into()),
    })
}

fn policy(v: &Value) -> Result<Policy, String> {
    let v = object(v, &["title", "date", "review_date", "link"])?;
    Ok(Policy {
        title: string(v, "title")?,
        date: string(v, "date")?,
        review_date: opt_string(v, "review_date")?,
        link: optional(v, "link").map(contact).transpose()?,
    })
}

fn commitment(v: &Value) -> Result<Commitment, String> {
    let v = object(
        v,
        &[
            "text",
            "translations",
            "policy_ref",
            "advice",
            "advice_translations",
        ],
    )?;
    Ok(Commitment {
        text: string(v, "text")?,
        translations: translations(v, "translations")?,
        policy_ref: string(v, "policy_ref")?,
        advice: opt_string(v, "advice")?,
        advice_translations: translations(v, "advice_translations")?,
    })
}

fn area(v: &Value) -> Result<Area, String> {
    let v = object(v, &["id", "name", "police_force", "services"])?;
    Ok(Area {
        id: string(v, "id")?,
        name: string(v, "name")?,
        police_force: police_force(field(v, "police_force")?)?,
        services: list(field(v, "services")?, service)?,
    })
}

fn police_force(v: &Value) -> Result<PoliceForce, String> {
    let v = object(v, &["name", "clares_law"])?;
    Ok(PoliceForce {
        name: string(v, "name")?,
        clares_law: optional(v, "clares_law").map(contact).transpose()?,
    })
}

fn service(v: &Value) -> Result<Service, String> {
    let v = object(v, &["name", "about", "translations", "contacts"])?;
    Ok(Service {
        name: string(v, "name")?,
        about: string(v, "about")?,
        translations: translations(v, "translations")?,
        contacts: list(field(v, "contacts")?, contact)?,
    })
}

fn contact(v: &Value) -> Result<Contact, String> {
    let v = object(
        v,
        &[
            "kind",
            "value",
            "label",
            "hours",
            "source",
            "checked",
            "source_date",
        ],
    )?;
    Ok(Contact {
        kind: contact_kind(field(v, "kind")?)?,
        value: string(v, "value")?,
        label: opt_string(v, "label")?,
        hours: opt_string(v, "hours")?,
        source: shown_without(v, "source")?,
        checked: shown_without(v, "checked")?,
        source_date: opt_string(v, "source_date")?,
    })
}

/// A source or date, which the browser's copies leave out (`build.rs`, and
/// `scripts/catalogues.mjs` for the files it fetches): the validator requires them in the
/// files people edit, and the panel never shows them.
fn shown_without(v: &Value, key: &str) -> Result<String, String> {
    Ok(opt_string(v, key)?.unwrap_or_default())
}

fn contact_kind(v: &Value) -> Result<ContactKind, String> {
    Ok(match v.as_str() {
        Some("phone") => ContactKind::Phone,
        Some("text") => ContactKind::Text,
        Some("email") => ContactKind::Email,
        Some("web") => ContactKind::Web,
        Some("address") => ContactKind::Address,
        _ => return Err("unknown contact kind".into()),
    })
}

fn national(v: &Value) -> Result<National, String> {
    let v = object(
        v,
        &[
            "schema_version",
            "danger_now",
            "clares_law",
            "helplines",
            "covering_tracks",
            "worried_about_someone",
            "own_behaviour",
            "children",
        ],
    )?;
    Ok(National {
        schema_version: version(v)?,
        danger_now: section(field(v, "danger_now")?)?,
        clares_law: section(field(v, "clares_law")?)?,
        helplines: list(field(v, "helplines")?, service)?,
        covering_tracks: section(field(v, "covering_tracks")?)?,
        worried_about_someone: section(field(v, "worried_about_someone")?)?,
        own_behaviour: section(field(v, "own_behaviour")?)?,
        children: section(field(v, "children")?)?,
    })
}

fn section(v: &Value) -> Result<Section, String> {
    let v = object(v, &["heading", "blocks", "sources"])?;
    Ok(Section {
        heading: string(v, "heading")?,
        blocks: list(field(v, "blocks")?, block)?,
        sources: match v.get("sources") {
            Some(sources) => list(sources, source)?,
            None => Vec::new(),
        },
    })
}

/// A block is externally tagged, as serde writes an enum: an object with exactly one member,
/// named for the variant.
fn block(v: &Value) -> Result<Block, String> {
    let Value::Object(members) = v else {
        return Err("expected a block object".into());
    };
    let [(tag, content)] = members.as_slice() else {
        return Err("a block must have exactly one field".into());
    };
    Ok(match tag.as_str() {
        "text" => Block::Text(text(content)?),
        "steps" => Block::Steps(list(content, text)?),
        "points" => Block::Points(list(content, text)?),
        "services" => Block::Services(list(content, service)?),
        _ => return Err(named("unknown block", tag)),
    })
}

fn source(v: &Value) -> Result<Source, String> {
    let v = object(v, &["source", "checked", "source_date"])?;
    Ok(Source {
        source: string(v, "source")?,
        checked: string(v, "checked")?,
        source_date: opt_string(v, "source_date")?,
    })
}

#[cfg(test)]
mod tests;
