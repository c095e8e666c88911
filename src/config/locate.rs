//! Where things are in `config.toml`, from `toml_edit`'s spans: the line of the key an error
//! is about.

use std::ops::Range;

use toml_edit::{Document, Item};

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
}
