//! Form fields after the GOV.UK Design System: a label or legend, an optional hint, and one
//! error message tied to the input with aria-describedby. Every text input has autocomplete
//! and spellcheck off: what a person types must not end up in the browser's memory.

use leptos::prelude::*;
use safe_contact_callback::FieldError;

use super::draft::Draft;

/// The form's state, shared by every field.
#[derive(Clone, Copy)]
pub struct FormState {
    pub draft: RwSignal<Draft>,
    pub errors: RwSignal<Vec<FieldError>>,
}

impl FormState {
    fn error(self, field: &'static str) -> impl Fn() -> Option<String> + Copy {
        move || {
            self.errors.with(|e| {
                e.iter()
                    .find(|x| x.field == field)
                    .map(|x| x.message.clone())
            })
        }
    }
}

/// The id of a field's first input: where the error summary sends focus.
pub fn input_id(field: &str) -> String {
    format!("sc-f-{field}")
}

fn described_by(field: &'static str, hint: bool, error: bool) -> Option<String> {
    let mut ids = Vec::new();
    if hint {
        ids.push(format!("sc-f-{field}-hint"));
    }
    if error {
        ids.push(format!("sc-f-{field}-error"));
    }
    (!ids.is_empty()).then(|| ids.join(" "))
}

#[component]
fn Hint(field: &'static str, text: Option<&'static str>) -> impl IntoView {
    text.map(|t| view! { <p class="form-hint" id=format!("sc-f-{field}-hint")>{t}</p> })
}

#[component]
fn ErrorMessage(field: &'static str, message: Option<String>) -> impl IntoView {
    message.map(|m| {
        view! {
            <p class="error-message" id=format!("sc-f-{field}-error")>
                <span class="vh">"Error: "</span>
                {m}
            </p>
        }
    })
}

#[component]
pub fn TextField(
    form: FormState,
    field: &'static str,
    #[prop(into)] label: Signal<String>,
    #[prop(optional)] hint: Option<&'static str>,
    #[prop(default = "text")] input_type: &'static str,
    get: fn(&Draft) -> String,
    set: fn(&mut Draft, String),
) -> impl IntoView {
    let error = form.error(field);
    view! {
        <div class="form-group" class:form-group-error=move || error().is_some()>
            <label class="form-label" for=input_id(field)>{move || label.get()}</label>
            <Hint field text=hint/>
            {move || view! { <ErrorMessage field message=error()/> }}
            <input
                class="input"
                id=input_id(field)
                name=field
                type=input_type
                autocomplete="off"
                spellcheck="false"
                aria-describedby=move || described_by(field, hint.is_some(), error().is_some())
                prop:value=move || form.draft.with(get)
                on:input=move |ev| form.draft.update(|d| set(d, event_target_value(&ev)))
            />
        </div>
    }
}

/// The first option takes the field's own id, so the error summary can link to it.
fn option_id(field: &str, i: usize) -> String {
    if i == 0 {
        input_id(field)
    } else {
        format!("{}-{i}", input_id(field))
    }
}

/// A group of radios or checkboxes under one legend, with its hint and error.
#[component]
fn Fieldset(
    form: FormState,
    field: &'static str,
    legend: String,
    hint: Option<&'static str>,
    children: Children,
) -> impl IntoView {
    let error = form.error(field);
    view! {
        <div class="form-group" class:form-group-error=move || error().is_some()>
            <fieldset aria-describedby=move || described_by(field, hint.is_some(), error().is_some())>
                <legend class="form-legend">{legend}</legend>
                <Hint field text=hint/>
                {move || view! { <ErrorMessage field message=error()/> }}
                {children()}
            </fieldset>
        </div>
    }
}

/// One choice from a short list. `T` is the value each radio stands for.
#[component]
pub fn Radios<T>(
    form: FormState,
    field: &'static str,
    #[prop(into)] legend: String,
    #[prop(optional)] hint: Option<&'static str>,
    options: Vec<(T, String)>,
    get: fn(&Draft) -> Option<T>,
    set: fn(&mut Draft, T),
) -> impl IntoView
where
    T: Clone + PartialEq + Send + Sync + 'static,
{
    let radios = options
        .into_iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let id = option_id(field, i);
            let checked = value.clone();
            view! {
                <div class="radio">
                    <input
                        type="radio"
                        id=id.clone()
                        name=format!("sc-f-{field}")
                        autocomplete="off"
                        spellcheck="false"
                        prop:checked=move || form.draft.with(get).as_ref() == Some(&checked)
                        on:change=move |_| form.draft.update(|d| set(d, value.clone()))
                    />
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    view! { <Fieldset form field legend hint>{radios}</Fieldset> }
}

/// Any number of choices from a short list, kept in the draft as a list of `T`.
#[component]
pub fn Checkboxes<T>(
    form: FormState,
    field: &'static str,
    #[prop(into)] legend: String,
    #[prop(optional)] hint: Option<&'static str>,
    options: Vec<(T, &'static str)>,
    get: fn(&Draft) -> &[T],
    list: fn(&mut Draft) -> &mut Vec<T>,
) -> impl IntoView
where
    T: Copy + Ord + Send + Sync + 'static,
{
    let boxes = options
        .into_iter()
        .enumerate()
        .map(|(i, (value, label))| {
            let id = option_id(field, i);
            view! {
                <div class="checkbox">
                    <input
                        type="checkbox"
                        id=id.clone()
                        autocomplete="off"
                        spellcheck="false"
                        prop:checked=move || form.draft.with(|d| get(d).contains(&value))
                        on:change=move |ev| {
                            let on = event_target_checked(&ev);
                            form.draft.update(|d| {
                                let items = list(d);
                                items.retain(|x| *x != value);
                                if on {
                                    items.push(value);
                                    items.sort();
                                }
                            })
                        }
                    />
                    <label for=id>{label}</label>
                </div>
            }
        })
        .collect_view();
    view! { <Fieldset form field legend hint>{boxes}</Fieldset> }
}

/// A single yes-or-no box, such as consent.
#[component]
pub fn Checkbox(
    form: FormState,
    field: &'static str,
    children: Children,
    get: fn(&Draft) -> bool,
    set: fn(&mut Draft, bool),
) -> impl IntoView {
    let error = form.error(field);
    view! {
        <div class="form-group" class:form-group-error=move || error().is_some()>
            {move || view! { <ErrorMessage field message=error()/> }}
            <div class="checkbox">
                <input
                    type="checkbox"
                    id=input_id(field)
                    autocomplete="off"
                    spellcheck="false"
                    aria-describedby=move || described_by(field, false, error().is_some())
                    prop:checked=move || form.draft.with(get)
                    on:change=move |ev| form.draft.update(|d| set(d, event_target_checked(&ev)))
                />
                <label for=input_id(field)>{children()}</label>
            </div>
        </div>
    }
}
