//! `config.toml`: the raw, strictly parsed file (unknown keys rejected by name) and the checked
//! `Config` the rest of the generator reads (languages resolved, URLs normalised).

pub mod limits;
mod locate;
pub mod strict;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::strict::{Origin, from_toml};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::slugs::SlugifyStrategy;
use locate::Step;

/// What the generator is doing; exposed to templates as `config.mode`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum Mode {
    #[default]
    Build,
    Serve,
    Check,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct SlugifyConfig {
    pub paths: SlugifyStrategy,
    pub paths_keep_dates: bool,
    pub taxonomies: SlugifyStrategy,
    pub anchors: SlugifyStrategy,
}

/// Where heading anchor links go (Zola's `insert_anchor_links`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum AnchorLinks {
    #[default]
    None,
    Left,
    Right,
    Heading,
}

#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(deny_unknown_fields, default)]
pub struct MarkdownConfig {
    pub insert_anchor_links: AnchorLinks,
    pub smart_punctuation: bool,
    pub external_links_target_blank: bool,
    pub external_links_no_follow: bool,
    pub external_links_no_referrer: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct TaxonomyConfig {
    pub name: String,
    #[serde(default)]
    pub paginate_by: Option<usize>,
    #[serde(default = "default_paginate_path")]
    pub paginate_path: String,
    #[serde(default)]
    pub feed: bool,
    #[serde(default = "yes")]
    pub render: bool,
    /// Filled from `name` by the slugify strategy; not read from the file.
    #[serde(skip_deserializing)]
    pub slug: String,
}

#[derive(Debug, Clone, Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct RawLanguage {
    title: Option<String>,
    description: Option<String>,
    language_tag: Option<String>,
    generate_feeds: Option<bool>,
    feed_filenames: Option<Vec<String>>,
    #[serde(default)]
    taxonomies: Vec<TaxonomyConfig>,
    build_search_index: Option<bool>,
    #[serde(default)]
    translations: BTreeMap<String, String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    base_url: String,
    title: Option<String>,
    description: Option<String>,
    #[serde(default = "default_language")]
    default_language: String,
    language_tag: Option<String>,
    theme: Option<String>,
    #[serde(default = "default_output_dir")]
    output_dir: String,
    #[serde(default)]
    minify_html: bool,
    #[serde(default)]
    ignored_content: Vec<String>,
    #[serde(default)]
    ignored_static: Vec<String>,
    #[serde(default)]
    generate_feeds: bool,
    #[serde(default = "default_feed_filenames")]
    feed_filenames: Vec<String>,
    feed_limit: Option<usize>,
    #[serde(default = "yes")]
    generate_sitemap: bool,
    #[serde(default = "yes")]
    generate_robots_txt: bool,
    #[serde(default)]
    build_search_index: bool,
    #[serde(default)]
    taxonomies: Vec<TaxonomyConfig>,
    #[serde(default)]
    markdown: MarkdownConfig,
    #[serde(default)]
    slugify: SlugifyConfig,
    author: Option<String>,
    #[serde(default)]
    languages: BTreeMap<String, RawLanguage>,
    #[serde(default)]
    translations: BTreeMap<String, String>,
    #[serde(default)]
    extra: toml::Table,
    /// sprout extension: what one page may cost (see `limits.rs`).
    #[serde(default)]
    limits: crate::config::limits::Limits,
}

fn yes() -> bool {
    true
}
fn default_language() -> String {
    "en".into()
}
fn default_output_dir() -> String {
    "public".into()
}
fn default_feed_filenames() -> Vec<String> {
    vec!["atom.xml".into()]
}
fn default_paginate_path() -> String {
    "page".into()
}

/// One language of the site, with every option resolved.
#[derive(Debug, Clone, Serialize)]
pub struct Language {
    pub code: String,
    /// BCP 47 tag for `lang`/`hreflang` attributes (e.g. `zh-Hans`); defaults to `code`.
    pub language_tag: String,
    pub title: Option<String>,
    pub description: Option<String>,
    pub generate_feeds: bool,
    pub feed_filenames: Vec<String>,
    pub taxonomies: Vec<TaxonomyConfig>,
    pub build_search_index: bool,
    pub translations: BTreeMap<String, String>,
}

/// The checked configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Without a trailing slash, e.g. `https://example.org/children`.
    pub base_url: String,
    pub default_language: String,
    /// The default language first, then the others by code.
    pub languages: Vec<Language>,
    pub theme: Option<String>,
    pub output_dir: PathBuf,
    pub minify_html: bool,
    pub ignored_content: GlobSet,
    pub ignored_static: GlobSet,
    pub feed_limit: Option<usize>,
    pub generate_sitemap: bool,
    pub generate_robots_txt: bool,
    pub markdown: MarkdownConfig,
    pub slugify: SlugifyConfig,
    pub author: Option<String>,
    pub extra: Value,
    pub mode: Mode,
    /// Root-relative links end in `index.html` and are rewritten relative (for `file://`).
    pub relative: bool,
    /// sprout's `[limits]`: what one page may cost.
    pub limits: crate::config::limits::Limits,
}

impl Config {
    /// Read and check `config.toml` in `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let path = root.join("config.toml");
        let file = Path::new("config.toml");
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostics::from_iter([Diagnostic::error(
                file,
                format!("cannot read the site configuration ({e}); run sprout in a site folder or pass --root"),
            )])
        })?;
        Self::parse(&text, file)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostics> {
        let origin = Origin {
            file,
            first_line: 1,
        };
        let raw = parse_reporting_every_unknown_key(text, origin)?;
        resolve(raw, text, file)
    }

    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    pub fn default_lang(&self) -> &Language {
        &self.languages[0]
    }

    pub fn is_multilingual(&self) -> bool {
        self.languages.len() > 1
    }

    /// `/en/` for a non-default language, `/` for the default one.
    pub fn lang_prefix(&self, lang: &str) -> String {
        if lang == self.default_language {
            "/".into()
        } else {
            format!("/{lang}/")
        }
    }

    /// The URL path part of `base_url` (`/children/` for `https://x.org/children`), always
    /// starting and ending with `/`.
    pub fn base_path(&self) -> String {
        let after_scheme = self
            .base_url
            .split_once("://")
            .map_or(self.base_url.as_str(), |(_, r)| r);
        match after_scheme.find('/') {
            Some(i) => format!("{}/", &after_scheme[i..].trim_end_matches('/')),
            None => "/".into(),
        }
    }

    /// Full URL for a site path (`/plan/` → `https://x.org/children/plan/`).
    pub fn permalink(&self, path: &str) -> String {
        format!("{}/{}", self.base_url, path.trim_start_matches('/'))
    }

    /// The config as templates see it (Zola's language-aware `config`).
    pub fn to_template_value(&self, lang: &str) -> Value {
        let language = self.language(lang).unwrap_or(self.default_lang());
        let languages: serde_json::Map<String, Value> = self
            .languages
            .iter()
            .map(|l| {
                (
                    l.code.clone(),
                    serde_json::to_value(l).unwrap_or(Value::Null),
                )
            })
            .collect();
        json!({
            "base_url": self.base_url,
            "title": language.title,
            "description": language.description,
            "default_language": self.default_language,
            "language_tag": language.language_tag,
            "languages": languages,
            "generate_feeds": language.generate_feeds,
            "feed_filenames": language.feed_filenames,
            "taxonomies": language.taxonomies,
            "build_search_index": language.build_search_index,
            "author": self.author,
            "markdown": self.markdown,
            "extra": self.extra,
            "mode": self.mode,
            "theme": self.theme,
            "relative": self.relative,
        })
    }
}

/// serde stops at the first unknown key; blank each one out (offsets kept) and parse again, so
/// one run reports them all, each at its own line.
fn parse_reporting_every_unknown_key(text: &str, origin: Origin) -> Result<RawConfig, Diagnostics> {
    let mut current = text.to_string();
    let mut unknown = Diagnostics::default();
    loop {
        match from_toml::<RawConfig>(&current, origin) {
            Ok(raw) if unknown.is_empty() => return Ok(raw),
            Ok(_) => return Err(unknown),
            Err(d) => {
                let next = d
                    .message
                    .contains("is unknown")
                    .then(|| locate::blank_key(&current, offset_of(&current, d.line, d.column)))
                    .flatten();
                unknown.push(d);
                match next {
                    Some(next) if unknown.items().len() < 100 => current = next,
                    _ => return Err(unknown),
                }
            }
        }
    }
}

/// Byte offset of 1-based `line` and character `column` in `text`.
fn offset_of(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    text[line_start..]
        .char_indices()
        .nth(column.saturating_sub(1))
        .map_or(text.len(), |(i, _)| line_start + i)
}

fn resolve(raw: RawConfig, text: &str, file: &Path) -> Result<Config, Diagnostics> {
    let mut problems = Diagnostics::default();
    // The first of `paths` the file has locates the error (a language may inherit a value).
    let err_at = |paths: &[&[Step]], msg: String| {
        let (l, c) = paths
            .iter()
            .find_map(|p| locate::position(text, p))
            .unwrap_or((0, 0));
        Diagnostic::error(file, msg).at(l, c)
    };
    let err = |path: &[Step], msg: String| err_at(&[path], msg);

    let base_url = match check_base_url(&raw.base_url) {
        Ok(url) => url,
        Err(why) => {
            problems.push(err(&[Step::Key("base_url")], format!("`base_url` {why}")));
            String::new()
        }
    };

    let slugify = raw.slugify.clone();
    let mut taxonomies_default = raw.taxonomies.clone();
    set_taxonomy_slugs(&mut taxonomies_default, slugify.taxonomies);
    let mut languages = vec![Language {
        code: raw.default_language.clone(),
        language_tag: raw
            .language_tag
            .clone()
            .unwrap_or_else(|| raw.default_language.clone()),
        title: raw.title.clone(),
        description: raw.description.clone(),
        generate_feeds: raw.generate_feeds,
        feed_filenames: raw.feed_filenames.clone(),
        taxonomies: taxonomies_default,
        build_search_index: raw.build_search_index,
        translations: raw.translations.clone(),
    }];
    for (code, l) in &raw.languages {
        if code == &raw.default_language {
            problems.push(err(
                &[Step::Key("languages"), Step::Key(code)],
                format!("[languages.{code}] repeats the default language; put its options at the top level of config.toml"),
            ));
            continue;
        }
        if !is_language_code(code) {
            problems.push(err(
                &[Step::Key("languages"), Step::Key(code)],
                format!(
                    "language code `{code}` is not valid; use a short code such as `en` or `zh`"
                ),
            ));
        }
        let mut taxonomies = l.taxonomies.clone();
        set_taxonomy_slugs(&mut taxonomies, slugify.taxonomies);
        languages.push(Language {
            code: code.clone(),
            language_tag: l.language_tag.clone().unwrap_or_else(|| code.clone()),
            title: l.title.clone().or(raw.title.clone()),
            description: l.description.clone().or(raw.description.clone()),
            generate_feeds: l.generate_feeds.unwrap_or(raw.generate_feeds),
            feed_filenames: l
                .feed_filenames
                .clone()
                .unwrap_or(raw.feed_filenames.clone()),
            taxonomies,
            build_search_index: l.build_search_index.unwrap_or(raw.build_search_index),
            translations: l.translations.clone(),
        });
    }
    for (li, l) in languages.iter().enumerate() {
        // The default language's options sit at the top level, the others' under [languages.x].
        let under = |key: &'static str| -> Vec<Step> {
            if li == 0 {
                vec![Step::Key(key)]
            } else {
                vec![Step::Key("languages"), Step::Key(&l.code), Step::Key(key)]
            }
        };
        let mut seen = std::collections::BTreeSet::new();
        for (ti, t) in l.taxonomies.iter().enumerate() {
            if !seen.insert(&t.name) {
                let path = [
                    under("taxonomies"),
                    vec![Step::Index(ti), Step::Key("name")],
                ]
                .concat();
                problems.push(err(
                    &path,
                    format!(
                        "taxonomy `{}` is defined twice for language `{}`; keep one",
                        t.name, l.code
                    ),
                ));
            }
        }
        for (fi, f) in l.feed_filenames.iter().enumerate() {
            if !f.ends_with(".xml") {
                let own = [under("feed_filenames"), vec![Step::Index(fi)]].concat();
                let top = [Step::Key("feed_filenames"), Step::Index(fi)];
                problems.push(err_at(
                    &[&own, &top],
                    format!("feed file name `{f}` must end in .xml (atom.xml or rss.xml)"),
                ));
            }
        }
    }

    let ignored_content = globs(&raw.ignored_content, "ignored_content", &err, &mut problems);
    let ignored_static = globs(&raw.ignored_static, "ignored_static", &err, &mut problems);

    if problems.has_errors() {
        return Err(problems);
    }
    Ok(Config {
        base_url,
        default_language: raw.default_language,
        languages,
        theme: raw.theme,
        output_dir: PathBuf::from(raw.output_dir),
        minify_html: raw.minify_html,
        ignored_content,
        ignored_static,
        feed_limit: raw.feed_limit,
        generate_sitemap: raw.generate_sitemap,
        generate_robots_txt: raw.generate_robots_txt,
        markdown: raw.markdown,
        slugify,
        author: raw.author,
        extra: toml_to_json(toml::Value::Table(raw.extra)),
        mode: Mode::Build,
        relative: false,
        limits: raw.limits,
    })
}

/// `base_url` from config.toml or `--base-url`, without its trailing slash; `Err` says what is
/// wrong with it and how to write it.
pub fn check_base_url(url: &str) -> Result<String, String> {
    let trimmed = url.trim_end_matches('/');
    let scheme = ["http://", "https://"]
        .iter()
        .find_map(|s| trimmed.strip_prefix(s));
    match scheme {
        Some(rest) if !rest.is_empty() && !rest.contains(char::is_whitespace) => {
            Ok(trimmed.to_string())
        }
        None if trimmed.is_empty() => Ok(String::new()),
        _ => Err(format!(
            "\"{url}\" is not a web address; write it with http:// or https:// and a host (e.g. \"https://example.org/children/\")"
        )),
    }
}

fn set_taxonomy_slugs(taxonomies: &mut [TaxonomyConfig], strategy: SlugifyStrategy) {
    for t in taxonomies {
        t.slug = crate::slugs::slugify(&t.name, strategy);
    }
}

fn is_language_code(code: &str) -> bool {
    !code.is_empty()
        && code.len() <= 12
        && code
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
}

fn globs(
    patterns: &[String],
    key: &'static str,
    err: &dyn Fn(&[Step], String) -> Diagnostic,
    problems: &mut Diagnostics,
) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for (i, p) in patterns.iter().enumerate() {
        match Glob::new(p) {
            Ok(g) => {
                builder.add(g);
            }
            Err(e) => problems.push(err(
                &[Step::Key(key), Step::Index(i)],
                format!("`{key}` pattern `{p}` is not a valid glob ({e}); fix the pattern"),
            )),
        }
    }
    builder.build().unwrap_or_else(|e| {
        problems.push(err(
            &[Step::Key(key)],
            format!("the `{key}` patterns cannot be used together ({e}); simplify them"),
        ));
        GlobSet::empty()
    })
}

/// TOML → JSON for templates; dates and times become strings as Zola does.
pub fn toml_to_json(v: toml::Value) -> Value {
    match v {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => json!(i),
        toml::Value::Float(f) => json!(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(a) => Value::Array(a.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, Diagnostics> {
        Config::parse(text, Path::new("config.toml"))
    }

    #[test]
    fn resolves_languages_default_first() {
        let c = parse(
            "base_url = \"https://x.org/children/\"\ndefault_language = \"zh\"\nlanguage_tag = \"zh-Hans\"\ntitle = \"T\"\n[languages.en]\ntitle = \"E\"\n",
        )
        .unwrap();
        assert_eq!(c.languages[0].code, "zh");
        assert_eq!(c.languages[0].language_tag, "zh-Hans");
        assert_eq!(c.languages[1].title.as_deref(), Some("E"));
        assert_eq!(c.base_path(), "/children/");
        assert_eq!(c.permalink("/plan/"), "https://x.org/children/plan/");
        assert_eq!(c.lang_prefix("en"), "/en/");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse("base_url = \"https://x.org\"\n\n[markdown]\nsmart_punctuaton = true\n")
            .unwrap_err();
        let d = &e.items()[0];
        assert_eq!(d.line, 4);
        assert!(
            d.message.contains("`smart_punctuaton` is unknown"),
            "{}",
            d.message
        );
        assert!(d.message.contains("smart_punctuation"), "{}", d.message);
    }

    #[test]
    fn bad_base_url_is_an_error() {
        let e = parse("base_url = \"example.org\"\n").unwrap_err();
        assert!(e.items()[0].message.contains("http"));
    }
}
