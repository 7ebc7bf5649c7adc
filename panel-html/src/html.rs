//! Writing HTML as text. Everything from a profile or a catalogue goes through [`escape`], so
//! a stray `<` in a service's name shows as itself and nothing in a profile can add markup,
//! a script or a link to the landlord's page.

use safe_contact_ui::dom::isolated_numbers;
use safe_contact_ui::text::fill;

/// `text` made safe to put in an element or in a quoted attribute value.
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            _ => out.push(c),
        }
    }
    out
}

/// `text` to put in an element: escaped, and with each number in a left-to-right isolate where
/// the language reads right to left, as the app's `append_text` draws it.
pub fn content(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for (start, end) in isolated_numbers(text) {
        out += &escape(&text[at..start]);
        out += &inline("bdi", &[("dir", "ltr")], &escape(&text[start..end]));
        at = end;
    }
    out + &escape(&text[at..])
}

/// An empty value is written as the bare name, which HTML reads the same: `open`, not `open=""`.
fn start(tag: &str, attrs: &[(&str, &str)]) -> String {
    let mut out = format!("<{tag}");
    for (name, value) in attrs {
        match *value {
            "" => out.push_str(&format!(" {name}")),
            value => out.push_str(&format!(" {name}=\"{}\"", escape(value))),
        }
    }
    out.push('>');
    out
}

/// An element inside a line of text, such as a link. `inner` is HTML already.
pub fn inline(tag: &str, attrs: &[(&str, &str)], inner: &str) -> String {
    format!("{}{inner}</{tag}>", start(tag, attrs))
}

/// An element on a line of its own, holding text and inline elements. `inner` is HTML already.
pub fn line(tag: &str, attrs: &[(&str, &str)], inner: &str) -> String {
    inline(tag, attrs, inner) + "\n"
}

/// An element holding other lines, each on its own line, so a pasted copy reads and diffs well.
pub fn block(tag: &str, attrs: &[(&str, &str)], lines: &str) -> String {
    format!("{}\n{lines}</{tag}>\n", start(tag, attrs))
}

/// `template` as text, filled from `args`, with the HTML `child` where `{slot}` stands: the
/// app's `append_filled`, written out as HTML. Split before filling, so that a filled-in value
/// cannot pose as the slot.
pub fn filled(template: &str, args: &[(&str, &str)], slot: &str, child: &str) -> String {
    let marker = format!("{{{slot}}}");
    let (before, after) = template.split_once(&marker).unwrap_or((template, ""));
    let after = match after {
        "" => String::new(),
        after => content(&fill(after, args)),
    };
    content(&fill(before, args)) + child + &after
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escape_leaves_no_markup_and_no_way_out_of_an_attribute() {
        assert_eq!(
            escape(r#"Example <b>Homes</b> & "Co" <script>alert('x')</script>"#),
            "Example &lt;b&gt;Homes&lt;/b&gt; &amp; &quot;Co&quot; \
             &lt;script&gt;alert(&#39;x&#39;)&lt;/script&gt;"
        );
        assert_eq!(
            escape("&amp;"),
            "&amp;amp;",
            "text is never taken as markup"
        );
        assert_eq!(escape("0808 2000 247 – اردو"), "0808 2000 247 – اردو");
        assert_eq!(escape(""), "");
    }

    #[test]
    fn attribute_values_are_escaped_and_elements_closed() {
        assert_eq!(
            inline("a", &[("href", "https://x.org/?a=1&b=\"2\"")], "x"),
            "<a href=\"https://x.org/?a=1&amp;b=&quot;2&quot;\">x</a>"
        );
        assert_eq!(line("p", &[], "hi"), "<p>hi</p>\n");
        assert_eq!(
            inline("details", &[("open", ""), ("id", "x")], ""),
            "<details open id=\"x\"></details>"
        );
        assert_eq!(
            block("ul", &[], "<li>a</li>\n"),
            "<ul>\n<li>a</li>\n</ul>\n"
        );
    }

    #[test]
    fn a_slot_takes_html_and_a_filled_value_cannot_pose_as_it() {
        let link = "<a>read</a>";
        assert_eq!(
            filled(
                "A {x} {link} ({date}).",
                &[("date", "{link}<")],
                "link",
                link
            ),
            "A {x} <a>read</a> ({link}&lt;)."
        );
        assert_eq!(filled("{slot} first", &[], "slot", "<b/>"), "<b/> first");
        assert_eq!(filled("No slot", &[], "slot", "<b/>"), "No slot<b/>");
    }
}
