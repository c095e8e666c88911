//! Where things are in `config.toml`, from `toml_edit`'s spans: the line of a key an error is
//! about, and every unknown key of the file in one run (serde stops at the first).

use std::ops::Range;

use toml_edit::{Document, Item, Table, Value};

use crate::diagnostics::line_col;

/// One step into the TOML tree: a key of a table or an index into an array.
#[derive(Debug, Clone, Copy)]
pub enum Step<'a> {
    Key(&'a str),
    Index(usize),
}

/// 1-based line and column of the value at `path`, if the file has it.
pub fn position(text: &str, path: &[Step]) -> Option<(usize, usize)> {
    let doc = Document::parse(text).ok()?;
    let mut item = doc.as_item();
    for step in path {
        item = match *step {
            Step::Key(k) => item.get(k)?,
            Step::Index(i) => item.get(i)?,
        };
    }
    let span = item.span().or_else(|| first_span(item))?;
    Some(line_col(text, span.start))
}

/// A table written only through its children (`[languages.en.translations]`) has no span of
/// its own: use its first child's.
fn first_span(item: &Item) -> Option<Range<usize>> {
    let table = item.as_table()?;
    table
        .iter()
        .find_map(|(k, v)| table.key(k).and_then(|k| k.span()).or_else(|| v.span()))
}

/// `text` with the key that starts at byte `key_start` and its value blanked out (newlines
/// kept, so every other offset and line stays where it was); `None` when no key starts there.
pub fn blank_key(text: &str, key_start: usize) -> Option<String> {
    let doc = Document::parse(text).ok()?;
    let end = find_in_table(doc.as_table(), key_start)?;
    let mut out = String::with_capacity(text.len());
    for (i, c) in text.char_indices() {
        let inside = (key_start..end).contains(&i);
        out.push(if inside && c != '\n' && c != '\r' {
            ' '
        } else {
            c
        });
    }
    Some(out)
}

/// The end of the value whose key starts at `key_start`, searching `table` and below.
fn find_in_table(table: &Table, key_start: usize) -> Option<usize> {
    table.iter().find_map(|(name, item)| {
        let key = table.key(name)?;
        if key.span().is_some_and(|s| s.start == key_start) {
            return item.span().map(|s| s.end).filter(|_| !item.is_table());
        }
        find_in_item(item, key_start)
    })
}

fn find_in_item(item: &Item, key_start: usize) -> Option<usize> {
    match item {
        Item::Table(t) => find_in_table(t, key_start),
        Item::ArrayOfTables(a) => a.iter().find_map(|t| find_in_table(t, key_start)),
        Item::Value(v) => find_in_value(v, key_start),
        Item::None => None,
    }
}

fn find_in_value(value: &Value, key_start: usize) -> Option<usize> {
    match value {
        Value::InlineTable(t) => t.iter().find_map(|(name, v)| {
            let key = t.key(name)?;
            if key.span().is_some_and(|s| s.start == key_start) {
                return v.span().map(|s| s.end);
            }
            find_in_value(v, key_start)
        }),
        Value::Array(a) => a.iter().find_map(|v| find_in_value(v, key_start)),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "# base_url and tags in a comment\nbase_url = \"x\"\ntaxonomies = [\n  { name = \"tags\" },\n  { name = \"tags\" },\n]\n[languages.en]\ntitle = \"E\"\n";

    #[test]
    fn positions_follow_the_path_not_the_first_mention() {
        assert_eq!(position(TEXT, &[Step::Key("base_url")]).unwrap().0, 2);
        let second = [Step::Key("taxonomies"), Step::Index(1), Step::Key("name")];
        assert_eq!(position(TEXT, &second).unwrap().0, 5);
        let lang = [Step::Key("languages"), Step::Key("en")];
        assert_eq!(position(TEXT, &lang).unwrap().0, 7);
        assert_eq!(position(TEXT, &[Step::Key("nope")]), None);
    }

    #[test]
    fn blanking_a_key_keeps_every_other_offset() {
        let text = "a = 1\nb = [\n 2,\n]\nc = 3\n";
        let b = text.find("b =").unwrap();
        let out = blank_key(text, b).unwrap();
        assert_eq!(out.len(), text.len());
        assert_eq!(out.lines().count(), text.lines().count());
        assert!(!out.contains('b') && out.contains("c = 3"), "{out:?}");
        assert_eq!(blank_key(text, 1), None);
    }
}
