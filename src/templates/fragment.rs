//! One section of a page's rendered HTML: from the heading with a given `id` to the next
//! heading of the same or a higher level, for listings that quote a page's own advice (the
//! age pages show each topic's `#age-3-6` section).

use std::cell::RefCell;

use lol_html::{RewriteStrSettings, doc_text, element};

#[derive(Default)]
struct State {
    /// The level of the heading being quoted while inside the section.
    level: Option<u8>,
    found: bool,
    done: bool,
}

fn heading_level(tag: &str) -> Option<u8> {
    match tag.as_bytes() {
        [b'h' | b'H', d @ b'1'..=b'6'] => Some(d - b'0'),
        _ => None,
    }
}

/// The content under the heading `id` (the heading itself left out), with every `id`
/// removed so that it can appear on another page beside other quotes; `None` when the
/// page has no such heading or the section is empty.
pub fn section_by_id(html: &str, id: &str) -> Option<String> {
    let state = RefCell::new(State::default());
    let settings = RewriteStrSettings::new()
        .append_element_content_handler(element!("*", |el| {
            let mut s = state.borrow_mut();
            if let Some(level) = heading_level(&el.tag_name()) {
                if !s.found && el.get_attribute("id").as_deref() == Some(id) {
                    (s.found, s.level) = (true, Some(level));
                    el.remove();
                    return Ok(());
                }
                if s.level.is_some_and(|l| level <= l) {
                    (s.level, s.done) = (None, true);
                }
            }
            if s.level.is_some() {
                el.remove_attribute("id");
            } else {
                el.remove();
            }
            Ok(())
        }))
        .append_document_content_handler(doc_text!(|t| {
            if state.borrow().level.is_none() {
                t.remove();
            }
            Ok(())
        }));
    let out = lol_html::rewrite_str(html, settings).ok()?;
    let out = out.trim();
    (state.borrow().found && !out.is_empty()).then(|| out.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    const PAGE: &str = "<p>Intro</p>\n<h2 id=\"by-age\">By age</h2>\n\
        <h3 id=\"age-0-3\">0–3</h3>\n<ul>\n<li>Watch <a href=\"tel:120\">120</a></li>\n</ul>\n\
        <h3 id=\"age-3-6\">3–6</h3>\n<p>Teach.</p>\n<h4 id=\"sub\">More</h4>\n<ul><li>x</li></ul>\n\
        <h2 id=\"emergency\">Emergency</h2>\n<ol><li>Call</li></ol>\n";

    #[test]
    fn quotes_the_section_up_to_the_next_heading_of_its_level() {
        let s = section_by_id(PAGE, "age-0-3").unwrap();
        assert_eq!(s, "<ul>\n<li>Watch <a href=\"tel:120\">120</a></li>\n</ul>");
    }

    #[test]
    fn keeps_deeper_headings_without_their_ids_and_stops_at_a_higher_one() {
        let s = section_by_id(PAGE, "age-3-6").unwrap();
        assert_eq!(s, "<p>Teach.</p>\n<h4>More</h4>\n<ul><li>x</li></ul>");
    }

    #[test]
    fn a_missing_or_empty_section_is_none() {
        assert_eq!(section_by_id(PAGE, "age-12-18"), None);
        assert_eq!(
            section_by_id("<h2 id=\"a\">A</h2><h2 id=\"b\">B</h2>", "a"),
            None
        );
        assert_eq!(section_by_id("", "a"), None);
    }

    #[test]
    fn the_last_section_runs_to_the_end() {
        assert_eq!(
            section_by_id(PAGE, "emergency").unwrap(),
            "<ol><li>Call</li></ol>"
        );
    }
}
