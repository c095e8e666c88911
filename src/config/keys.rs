//! Unknown keys of the site configuration: every one found in a single run, located by line,
//! with a suggestion; an error where Zola 0.22 rejects the key, a warning where Zola ignores it.

use std::path::Path;

use serde::de::DeserializeOwned;

use crate::diagnostics::{Diagnostic, Diagnostics, line_col, suggest};

/// Keys Zola 0.22 documents, per table, for "did you mean" suggestions.
const TOP: &[&str] = &[
    "base_url",
    "title",
    "description",
    "default_language",
    "language_tag",
    "theme",
    "output_dir",
    "preserve_dotfiles_in_output",
    "compile_sass",
    "minify_html",
    "ignored_content",
    "ignored_static",
    "generate_feeds",
    "feed_filenames",
    "feed_limit",
    "hard_link_static",
    "taxonomies",
    "taxonomy_root",
    "author",
    "build_search_index",
    "generate_sitemap",
    "generate_robots_txt",
    "exclude_paginated_pages_in_sitemap",
    "languages",
    "translations",
    "markdown",
    "slugify",
    "search",
    "link_checker",
    "extra",
];
const MARKDOWN: &[&str] = &[
    "highlighting",
    "render_emoji",
    "external_links_class",
    "external_links_target_blank",
    "external_links_no_follow",
    "external_links_no_referrer",
    "external_links_external",
    "smart_punctuation",
    "definition_list",
    "bottom_footnotes",
    "lazy_async_image",
    "insert_anchor_links",
    "github_alerts",
];
const LANGUAGE: &[&str] = &[
    "title",
    "description",
    "language_tag",
    "generate_feeds",
    "feed_filenames",
    "taxonomies",
    "build_search_index",
    "search",
    "translations",
];
const HIGHLIGHTING: &[&str] = &[
    "error_on_missing_language",
    "style",
    "theme",
    "light_theme",
    "dark_theme",
    "extra_grammars",
    "extra_themes",
];
const LINK_CHECKER: &[&str] = &[
    "skip_prefixes",
    "skip_anchor_prefixes",
    "internal_level",
    "external_level",
    "ignored_files",
    "sprout_level",
];
const SEARCH: &[&str] = &[
    "engine",
    "include_title",
    "include_content",
    "truncate_content_length",
    "include_description",
    "include_date",
    "include_path",
    "index_format",
];
const SLUGIFY: &[&str] = &["paths", "paths_keep_dates", "taxonomies", "anchors"];
const TAXONOMY: &[&str] = &[
    "name",
    "slug",
    "paginate_by",
    "paginate_path",
    "feed",
    "render",
];

/// Every key of `table` that `T` does not read, as diagnostics.
pub fn unknown_keys<T: DeserializeOwned>(
    table: &toml::Table,
    text: &str,
    file: &Path,
) -> Diagnostics {
    let mut paths: Vec<Vec<String>> = Vec::new();
    // Type errors are reported by the typed parse that follows; only the keys matter here.
    let _ = serde_ignored::deserialize::<_, _, T>(toml::Value::Table(table.clone()), |p| {
        paths.push(p.to_string().split('.').map(str::to_string).collect());
    });
    let mut found: Vec<Diagnostic> = paths
        .iter()
        .filter_map(|path| diagnose(path, text, file))
        .collect();
    found.sort_by_key(|d| (d.line, d.column));
    found.into_iter().collect()
}

/// Where a table sits: its known keys and whether Zola rejects unknown keys there.
fn table_rules(parent: &[&str]) -> (&'static [&'static str], bool) {
    match parent {
        [] => (TOP, true),
        ["markdown"] => (MARKDOWN, true),
        ["languages", _] => (LANGUAGE, true),
        ["markdown", "highlighting"] => (HIGHLIGHTING, false),
        ["link_checker"] => (LINK_CHECKER, false),
        ["search"] | ["languages", _, "search"] => (SEARCH, false),
        ["slugify"] => (SLUGIFY, false),
        ["taxonomies", _] | ["languages", _, "taxonomies", _] => (TAXONOMY, false),
        _ => (&[], true),
    }
}

fn diagnose(path: &[String], text: &str, file: &Path) -> Option<Diagnostic> {
    let (key, parent) = path.split_last()?;
    let parent: Vec<&str> = parent.iter().map(String::as_str).collect();
    let (known, strict) = table_rules(&parent);
    if !strict && key == "slug" {
        // Zola reads a taxonomy's `slug` and then overwrites it from the name.
        return None;
    }
    let hint = match suggest(key, known.iter().copied()) {
        Some(k) => format!("did you mean `{k}`?"),
        None => "Zola has no such key; remove it or move it under [extra]".to_string(),
    };
    let (line, column) = locate(&parent, key, text);
    let at = if parent.is_empty() {
        String::new()
    } else {
        format!(" in [{}]", parent.join("."))
    };
    Some(if strict {
        Diagnostic::error(file, format!("key `{key}`{at} is unknown; {hint}")).at(line, column)
    } else {
        Diagnostic::warning(
            file,
            format!("key `{key}`{at} is unknown and ignored, as Zola ignores it; {hint}"),
        )
        .at(line, column)
    })
}

/// The line and column of `key` under the table `parent` (best effort: the first assignment
/// of `key` after the table's header, or anywhere).
fn locate(parent: &[&str], key: &str, text: &str) -> (usize, usize) {
    let named: Vec<&str> = parent
        .iter()
        .copied()
        .filter(|s| s.parse::<usize>().is_err())
        .collect();
    let header = format!("[{}]", named.join("."));
    let start = if named.is_empty() {
        0
    } else {
        text.find(&header).unwrap_or(0)
    };
    let mut offset = start;
    for line in text[start..].split_inclusive('\n') {
        let trimmed = line.trim_start();
        let rest = trimmed
            .strip_prefix(key)
            .or_else(|| trimmed.strip_prefix(&format!("\"{key}\"")));
        if rest.is_some_and(|r| r.trim_start().starts_with('=')) {
            return line_col(text, offset + line.len() - trimmed.len());
        }
        offset += line.len();
    }
    let anywhere = text[start..]
        .find(&format!("{key} ="))
        .or_else(|| text[start..].find(key))
        .map_or(0, |i| start + i);
    line_col(text, anywhere)
}

#[cfg(test)]
mod tests {
    use crate::config::Config;
    use std::path::Path;

    fn parse(text: &str) -> Result<Config, crate::diagnostics::Diagnostics> {
        Config::parse(text, Path::new("zola.toml"))
    }

    #[test]
    fn every_documented_key_is_accepted() {
        let text = r#"
base_url = "https://x.org"
compile_sass = true
hard_link_static = true
taxonomy_root = "blog"
preserve_dotfiles_in_output = true
exclude_paginated_pages_in_sitemap = "all"
[markdown]
render_emoji = true
external_links_class = "ext"
external_links_external = false
definition_list = true
bottom_footnotes = true
lazy_async_image = true
github_alerts = true
[markdown.highlighting]
theme = "github-dark"
style = "class"
error_on_missing_language = true
[search]
index_format = "elasticlunr_json"
include_path = true
truncate_content_length = 100
[link_checker]
internal_level = "warn"
external_level = "warn"
skip_prefixes = ["http://localhost"]
skip_anchor_prefixes = ["https://github.com"]
[languages.fr]
search = { include_title = false }
"#;
        let c = parse(text).unwrap();
        assert!(c.warnings.is_empty(), "{:?}", c.warnings);
        assert!(c.compile_sass);
        assert!(!c.markdown.external_links_external);
    }

    #[test]
    fn all_unknown_keys_are_reported_at_once_with_lines() {
        let text = "base_url = \"https://x.org\"\ntitel = \"T\"\n[markdown]\nrender_emojis = true\n[languages.fr]\nfeed = true\n";
        let e = parse(text).unwrap_err();
        let msgs: Vec<String> = e.items().iter().map(|d| d.to_string()).collect();
        assert_eq!(msgs.len(), 3, "{msgs:?}");
        assert!(
            msgs[0].starts_with("zola.toml:2:1: error: key `titel`"),
            "{msgs:?}"
        );
        assert!(msgs[0].contains("did you mean `title`?"), "{msgs:?}");
        assert!(msgs[1].starts_with("zola.toml:4:1"), "{msgs:?}");
        assert!(msgs[1].contains("`render_emoji`"), "{msgs:?}");
        assert!(msgs[2].starts_with("zola.toml:6:1"), "{msgs:?}");
    }

    #[test]
    fn keys_zola_ignores_are_warnings() {
        let text =
            "base_url = \"https://x.org\"\n[search]\ninclude_contents = true\n[slugify]\nfoo = 1\n";
        let c = parse(text).unwrap();
        assert_eq!(c.warnings.len(), 2, "{:?}", c.warnings);
        assert!(c.warnings[0].message.contains("include_content"));
        assert_eq!(c.warnings[0].line, 3);
    }
}
