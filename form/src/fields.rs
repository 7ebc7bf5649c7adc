//! Form fields after the GOV.UK Design System: a label or legend, an optional hint, and one
//! error message tied to the input with aria-describedby. Every input has autocomplete and
//! spellcheck off: what a person types must not end up in the browser's memory.

use wasm_bindgen::JsCast;
use web_sys::{Element, HtmlInputElement};

use crate::dom::{el, Listeners};
use crate::text::t;

/// The id of a field's first input: where the error summary sends focus.
pub fn input_id(field: &str) -> String {
    format!("sc-f-{field}")
}

/// The first option takes the field's own id, so the error summary can link to it.
fn option_id(field: &str, i: usize) -> String {
    if i == 0 {
        input_id(field)
    } else {
        format!("{}-{i}", input_id(field))
    }
}

/// One question on the form, as far as its error message is concerned.
pub struct Field {
    pub name: &'static str,
    group: Element,
    /// The input or fieldset that names its hint and error in aria-describedby.
    described: Element,
    /// The error message goes just before this.
    anchor: Element,
    hint: bool,
    /// Kept out of the page until there is an error to show.
    error: Element,
}

impl Field {
    fn new(
        name: &'static str,
        group: Element,
        described: Element,
        anchor: Element,
        hint: bool,
    ) -> Field {
        let error = el("p")
            .class("error-message")
            .id(&format!("sc-f-{name}-error"))
            .el();
        let field = Field {
            name,
            group,
            described,
            anchor,
            hint,
            error,
        };
        field.show(None);
        field
    }

    /// Shows `message` as this field's error, or clears it.
    pub fn show(&self, message: Option<&str>) {
        let mut ids = Vec::new();
        if self.hint {
            ids.push(format!("sc-f-{}-hint", self.name));
        }
        match message {
            Some(text) => {
                self.error.set_text_content(None);
                let _ = self.error.append_child(
                    &el("span")
                        .class("vh")
                        .text(t("callback.field.error_prefix"))
                        .el(),
                );
                crate::dom::append_text(&self.error, text);
                let _ = self.anchor.before_with_node_1(&self.error);
                ids.push(format!("sc-f-{}-error", self.name));
            }
            None => self.error.remove(),
        }
        let class = if message.is_some() {
            "form-group form-group-error"
        } else {
            "form-group"
        };
        let _ = self.group.set_attribute("class", class);
        let _ = match ids.is_empty() {
            true => self.described.remove_attribute("aria-describedby"),
            false => self
                .described
                .set_attribute("aria-describedby", &ids.join(" ")),
        };
    }
}

fn hint_for(field: &str, text: Option<&str>) -> Option<Element> {
    text.map(|t| {
        el("p")
            .class("form-hint")
            .id(&format!("sc-f-{field}-hint"))
            .text(t)
            .el()
    })
}

fn text_input(id: &str, name: &str) -> HtmlInputElement {
    el("input")
        .class("input")
        .id(id)
        .attr("name", name)
        .attr("type", "text")
        .attr("autocomplete", "off")
        .attr("spellcheck", "false")
        .el()
        .unchecked_into()
}

/// A text question. Returns the field, its label (for questions whose wording changes) and
/// the input.
pub fn text_field(
    name: &'static str,
    label: &str,
    hint: Option<&str>,
) -> (Field, Element, Element, HtmlInputElement) {
    let id = input_id(name);
    let label = el("label")
        .class("form-label")
        .attr("for", &id)
        .text(label)
        .el();
    let input = text_input(&id, name);
    let hint_el = hint_for(name, hint);
    let group = el("div")
        .child(&label)
        .maybe(hint_el.as_ref())
        .child(&input)
        .el();
    let field = Field::new(
        name,
        group.clone(),
        input.clone().into(),
        input.clone().into(),
        hint.is_some(),
    );
    (field, group, label, input)
}

/// Radios (one choice) or checkboxes (any number) under one legend. `checked` is the
/// option chosen at the start, if any.
pub fn choices(
    name: &'static str,
    kind: &str,
    legend: &str,
    hint: Option<&str>,
    labels: &[&str],
    checked: Option<usize>,
) -> (Field, Element, Vec<HtmlInputElement>) {
    let hint_el = hint_for(name, hint);
    let fieldset = el("fieldset")
        .child(&el("legend").class("form-legend").text(legend).el())
        .maybe(hint_el.as_ref())
        .el();
    let radio = kind == "radio";
    let group_name = input_id(name);
    let mut inputs: Vec<HtmlInputElement> = Vec::with_capacity(labels.len());
    for (i, label) in labels.iter().enumerate() {
        let id = option_id(name, i);
        let mut input = el("input")
            .attr("type", kind)
            .id(&id)
            .attr("autocomplete", "off")
            .attr("spellcheck", "false");
        if radio {
            input = input.attr("name", &group_name);
        }
        if checked == Some(i) {
            input = input.attr("checked", "");
        }
        let input = input.el();
        let _ = fieldset.append_child(
            &el("div")
                .class(kind)
                .child(&input)
                .child(&el("label").attr("for", &id).text(label).el())
                .el(),
        );
        inputs.push(input.unchecked_into());
    }
    let anchor = inputs[0]
        .parent_element()
        .expect("each input sits in its own div");
    let group = el("div").child(&fieldset).el();
    let field = Field::new(name, group.clone(), fieldset, anchor, hint.is_some());
    (field, group, inputs)
}

/// A single yes-or-no box, such as consent.
pub fn checkbox(name: &'static str, label: &str) -> (Field, Element, HtmlInputElement) {
    let id = input_id(name);
    let input: HtmlInputElement = el("input")
        .attr("type", "checkbox")
        .id(&id)
        .attr("autocomplete", "off")
        .attr("spellcheck", "false")
        .el()
        .unchecked_into();
    let row = el("div")
        .class("checkbox")
        .child(&input)
        .child(&el("label").attr("for", &id).text(label).el())
        .el();
    let group = el("div").child(&row).el();
    let field = Field::new(name, group.clone(), input.clone().into(), row, false);
    (field, group, input)
}

/// The index of the chosen radio.
pub fn chosen(inputs: &[HtmlInputElement]) -> Option<usize> {
    inputs.iter().position(|i| i.checked())
}

/// The indexes of the ticked boxes, in the order the form shows them.
pub fn ticked(inputs: &[HtmlInputElement]) -> impl Iterator<Item = usize> + '_ {
    inputs
        .iter()
        .enumerate()
        .filter(|(_, i)| i.checked())
        .map(|(n, _)| n)
}

/// Makes the error summary's links move focus to their field instead of following `#id`,
/// which would change the page address.
pub fn summary_links(summary: &Element, form: &Element, listeners: &mut Listeners) {
    let form = form.clone();
    listeners.on(summary, "click", move |ev| {
        let link = crate::dom::target(&ev).and_then(|t| t.closest("a").ok().flatten());
        if let Some(link) = link {
            ev.prevent_default();
            let id = link.get_attribute("href").unwrap_or_default();
            if let Ok(Some(field)) = form.query_selector(&id) {
                crate::dom::focus(&field);
            }
        }
    });
}
