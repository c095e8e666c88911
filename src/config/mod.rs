//! `config.toml`: the raw, strictly parsed file (unknown keys rejected by name) and the checked
//! `Config` the rest of the generator reads (languages resolved, URLs normalised).

pub mod highlighting;
pub mod keys;
pub mod limits;
pub(crate) mod locate;
pub mod strict;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::config::strict::Origin;
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
#[serde(default)]
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

/// Zola's `[markdown]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct MarkdownConfig {
    pub insert_anchor_links: AnchorLinks,
    pub smart_punctuation: bool,
    pub external_links_target_blank: bool,
    pub external_links_no_follow: bool,
    pub external_links_no_referrer: bool,
    /// `rel="external"` on external links (Zola's default: on).
    pub external_links_external: bool,
    /// A CSS class for external links.
    pub external_links_class: Option<String>,
    pub highlighting: Option<HighlightingConfig>,
    pub render_emoji: bool,
    pub definition_list: bool,
    pub bottom_footnotes: bool,
    pub lazy_async_image: bool,
    pub github_alerts: bool,
}

impl Default for MarkdownConfig {
    fn default() -> Self {
        MarkdownConfig {
            insert_anchor_links: AnchorLinks::None,
            smart_punctuation: false,
            external_links_target_blank: false,
            external_links_no_follow: false,
            external_links_no_referrer: false,
            external_links_external: true,
            external_links_class: None,
            highlighting: None,
            render_emoji: false,
            definition_list: false,
            bottom_footnotes: false,
            lazy_async_image: false,
            github_alerts: false,
        }
    }
}

/// Zola's `[markdown.highlighting]` table.
#[derive(Debug, Clone, Deserialize, Serialize, Default)]
#[serde(default)]
pub struct HighlightingConfig {
    pub error_on_missing_language: bool,
    /// `inline` (style attributes) or `class` (CSS classes, for a strict CSP).
    pub style: HighlightStyle,
    pub theme: Option<String>,
    pub light_theme: Option<String>,
    pub dark_theme: Option<String>,
    pub extra_grammars: Vec<String>,
    pub extra_themes: Vec<String>,
    /// Giallo's built-in registry plus `extra_grammars` and `extra_themes`, loaded by
    /// [`Config::load`] (which knows the site folder); `None` means the built-in registry.
    #[serde(skip)]
    pub registry: Option<highlighting::SiteRegistry>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum HighlightStyle {
    #[default]
    Inline,
    Class,
}

/// How a link-checker finding is reported (Zola's `[link_checker]` levels).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum LinkLevel {
    #[default]
    Error,
    Warn,
}

impl LinkLevel {
    /// A finding at this level: an error fails the build, a warning is printed.
    pub fn diagnostic(self, file: impl Into<PathBuf>, message: impl Into<String>) -> Diagnostic {
        match self {
            LinkLevel::Error => Diagnostic::error(file, message),
            LinkLevel::Warn => Diagnostic::warning(file, message),
        }
    }
}

/// Zola's `[link_checker]` table, plus sprout's `sprout_level` for the checks only sprout
/// makes (every link and anchor of the rendered HTML, template-made links, alt text).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(default)]
pub struct LinkCheckerConfig {
    pub skip_prefixes: Vec<String>,
    pub skip_anchor_prefixes: Vec<String>,
    /// `@/` links and their anchors (Zola checks these on every build).
    pub internal_level: LinkLevel,
    /// Links to other sites (`sprout check --external`).
    pub external_level: LinkLevel,
    pub ignored_files: Vec<String>,
    /// sprout's own checks; warnings unless a site opts in to `"error"`.
    pub sprout_level: LinkLevel,
}

impl Default for LinkCheckerConfig {
    fn default() -> Self {
        LinkCheckerConfig {
            skip_prefixes: Vec::new(),
            skip_anchor_prefixes: Vec::new(),
            internal_level: LinkLevel::Error,
            external_level: LinkLevel::Error,
            ignored_files: Vec::new(),
            sprout_level: LinkLevel::Warn,
        }
    }
}

/// Which search index a site gets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum SearchEngine {
    /// Zola's elasticlunr/fuse index (`search_index.<lang>.js`).
    #[default]
    Zola,
    /// Pagefind, with Chinese word splitting.
    Pagefind,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum IndexFormat {
    ElasticlunrJson,
    #[default]
    ElasticlunrJavascript,
    FuseJson,
    FuseJavascript,
}

/// Zola's `[search]` table, plus sprout's `engine`.
#[derive(Debug, Clone, PartialEq, Deserialize, Serialize)]
#[serde(default)]
pub struct SearchConfig {
    pub engine: SearchEngine,
    pub include_title: bool,
    pub include_content: bool,
    pub truncate_content_length: Option<usize>,
    pub include_description: bool,
    pub include_date: bool,
    pub include_path: bool,
    pub index_format: IndexFormat,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig {
            engine: SearchEngine::Zola,
            include_title: true,
            include_content: true,
            truncate_content_length: None,
            include_description: false,
            include_date: false,
            include_path: false,
            index_format: IndexFormat::ElasticlunrJavascript,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize, Default)]
#[serde(rename_all = "lowercase")]
pub enum ExcludePaginated {
    #[default]
    None,
    All,
}

#[derive(Debug, Clone, Deserialize, Serialize, PartialEq)]
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
struct RawLanguage {
    title: Option<String>,
    description: Option<String>,
    language_tag: Option<String>,
    generate_feeds: Option<bool>,
    feed_filenames: Option<Vec<String>>,
    #[serde(default)]
    taxonomies: Vec<TaxonomyConfig>,
    build_search_index: Option<bool>,
    search: Option<SearchConfig>,
    #[serde(default)]
    translations: BTreeMap<String, String>,
}

/// Every key Zola 0.22 documents; unknown keys are collected by `unknown_keys`, not by serde.
#[derive(Debug, Deserialize)]
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
    #[serde(default)]
    hard_link_static: bool,
    taxonomy_root: Option<String>,
    #[serde(default)]
    compile_sass: bool,
    #[serde(default)]
    preserve_dotfiles_in_output: bool,
    #[serde(default)]
    link_checker: LinkCheckerConfig,
    #[serde(default)]
    search: SearchConfig,
    #[serde(default)]
    exclude_paginated_pages_in_sitemap: ExcludePaginated,
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
    pub search: SearchConfig,
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
    pub hard_link_static: bool,
    pub taxonomy_root: Option<String>,
    pub compile_sass: bool,
    pub preserve_dotfiles_in_output: bool,
    pub link_checker: LinkCheckerConfig,
    pub exclude_paginated_pages_in_sitemap: ExcludePaginated,
    /// The configuration file's name (`zola.toml` or `config.toml`), for messages.
    pub file: PathBuf,
    /// Problems that do not stop the build (keys Zola ignores).
    pub warnings: Vec<Diagnostic>,
    pub mode: Mode,
    /// Root-relative links end in `index.html` and are rewritten relative (for `file://`).
    pub relative: bool,
    /// sprout's `[limits]`: what one page may cost.
    pub limits: crate::config::limits::Limits,
}

impl Config {
    /// The configuration file of the site in `root`, found as Zola 0.22 finds it:
    /// `zola.toml` first, then `config.toml`.
    pub fn file_in(root: &Path) -> PathBuf {
        if root.join("zola.toml").is_file() {
            PathBuf::from("zola.toml")
        } else {
            PathBuf::from("config.toml")
        }
    }

    /// Read and check the site configuration (`zola.toml` or `config.toml`) in `root`.
    pub fn load(root: &Path) -> Result<Config, Diagnostics> {
        let file = Self::file_in(root);
        let path = root.join(&file);
        let file = file.as_path();
        let text = std::fs::read_to_string(&path).map_err(|e| {
            Diagnostics::from_iter([Diagnostic::error(
                file,
                format!("cannot read the site configuration ({e}); run sprout in a site folder or pass --root"),
            )])
        })?;
        let mut config = Self::parse(&text, file)?;
        if let Some(hl) = config.markdown.highlighting.as_mut() {
            highlighting::load_extras(hl, root).map_err(|m| {
                Diagnostics::from_iter([Diagnostic::error(
                    file,
                    format!("[markdown.highlighting]: {m}"),
                )])
            })?;
        }
        if let Some(theme) = config.theme.clone() {
            theme_extra(root, &theme, &mut config.extra)?;
        }
        Ok(config)
    }

    pub fn parse(text: &str, file: &Path) -> Result<Config, Diagnostics> {
        let origin = Origin {
            file,
            first_line: 1,
        };
        let table: toml::Table =
            strict::from_toml(text, origin).map_err(|d| Diagnostics::from_iter([d]))?;
        let unknown = crate::config::keys::unknown_keys::<RawConfig>(&table, text, file);
        let raw: RawConfig = match strict::from_toml(text, origin) {
            Ok(raw) => raw,
            Err(d) => {
                let mut all = unknown;
                all.push(d);
                return Err(all);
            }
        };
        let mut config = resolve(raw, text, file, unknown)?;
        config.file = file.to_path_buf();
        Ok(config)
    }

    pub fn language(&self, code: &str) -> Option<&Language> {
        self.languages.iter().find(|l| l.code == code)
    }

    pub fn default_lang(&self) -> &Language {
        &self.languages[0]
    }

    /// The languages other than the default one: the translations, in config order.
    pub fn translation_langs(&self) -> &[Language] {
        &self.languages[1..]
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

    /// Zola's `Config::make_permalink`, for a path as a site writes it (`redirect_to`): as
    /// [`Config::permalink`], with a trailing slash unless the path is empty, has one, has a
    /// `#fragment` or names a feed.
    pub fn make_permalink(&self, path: &str) -> String {
        let feed = self
            .default_lang()
            .feed_filenames
            .iter()
            .any(|f| path.ends_with(f.as_str()));
        let bare = path.is_empty() || path.ends_with('/') || path.contains('#') || feed;
        format!("{}{}", self.permalink(path), if bare { "" } else { "/" })
    }
}

fn resolve(
    raw: RawConfig,
    text: &str,
    file: &Path,
    mut problems: Diagnostics,
) -> Result<Config, Diagnostics> {
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
        search: raw.search.clone(),
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
            // As in Zola, a language inherits nothing from the top level: each option it
            // does not set has Zola's default.
            title: l.title.clone(),
            description: l.description.clone(),
            generate_feeds: l.generate_feeds.unwrap_or(false),
            feed_filenames: l
                .feed_filenames
                .clone()
                .unwrap_or_else(default_feed_filenames),
            taxonomies,
            build_search_index: l.build_search_index.unwrap_or(false),
            search: l.search.clone().unwrap_or_default(),
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

    if let Some(hl) = &raw.markdown.highlighting
        && let Err(m) = highlighting::check(hl)
    {
        problems.push(err(
            &[Step::Key("markdown"), Step::Key("highlighting")],
            format!("[markdown.highlighting]: {m}"),
        ));
    }
    if let Some(class) = &raw.markdown.external_links_class
        && (class.contains('"') || class.contains('\''))
    {
        problems.push(err(
            &[Step::Key("markdown"), Step::Key("external_links_class")],
            format!("`external_links_class` = {class:?} cannot contain quotes; remove them"),
        ));
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
        hard_link_static: raw.hard_link_static,
        taxonomy_root: raw.taxonomy_root,
        compile_sass: raw.compile_sass,
        preserve_dotfiles_in_output: raw.preserve_dotfiles_in_output,
        link_checker: raw.link_checker,
        exclude_paginated_pages_in_sitemap: raw.exclude_paginated_pages_in_sitemap,
        file: file.to_path_buf(),
        warnings: problems.sorted(),
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
/// As Zola: the theme's `theme.toml` `[extra]` gives defaults for the site's `[extra]`; a key
/// the site sets wins, and tables are merged key by key. A theme without `theme.toml` adds none.
fn theme_extra(root: &Path, theme: &str, extra: &mut Value) -> Result<(), Diagnostics> {
    let file = PathBuf::from("themes").join(theme).join("theme.toml");
    let Ok(text) = std::fs::read_to_string(root.join(&file)) else {
        return Ok(());
    };
    let origin = Origin {
        file: &file,
        first_line: 1,
    };
    let mut table: toml::Table =
        strict::from_toml(&text, origin).map_err(|d| Diagnostics::from_iter([d]))?;
    if let Some(defaults) = table.remove("extra") {
        merge_defaults(extra, toml_to_json(defaults));
    }
    Ok(())
}

/// Fill in what `site` lacks from `defaults`, recursing into tables both have.
fn merge_defaults(site: &mut Value, defaults: Value) {
    let (Value::Object(site), Value::Object(defaults)) = (site, defaults) else {
        return;
    };
    for (key, value) in defaults {
        match site.get_mut(&key) {
            Some(own) => merge_defaults(own, value),
            None => {
                site.insert(key, value);
            }
        }
    }
}

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
    fn theme_extra_gives_defaults_the_site_overrides() {
        let dir = tempfile::tempdir().unwrap();
        let theme = dir.path().join("themes/t");
        std::fs::create_dir_all(&theme).unwrap();
        std::fs::write(
            dir.path().join("config.toml"),
            "base_url = \"https://x.org\"\ntheme = \"t\"\n[extra]\nmine = 1\nboth = \"site\"\nnested = { a = 1 }\n",
        )
        .unwrap();
        std::fs::write(
            theme.join("theme.toml"),
            "name = \"t\"\n[extra]\nboth = \"theme\"\nonly_theme = [1, 2]\nnested = { a = 2, b = 3 }\n",
        )
        .unwrap();
        let config = Config::load(dir.path()).unwrap();
        assert_eq!(
            config.extra,
            json!({ "mine": 1, "both": "site", "only_theme": [1, 2], "nested": { "a": 1, "b": 3 } })
        );
        std::fs::write(theme.join("theme.toml"), "[extra\n").unwrap();
        let problems = Config::load(dir.path()).unwrap_err();
        assert!(
            problems
                .items()
                .iter()
                .any(|d| d.file.ends_with("themes/t/theme.toml") && d.line == 1),
            "{problems:?}"
        );
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
        // As Zola's make_permalink.
        assert_eq!(c.make_permalink("docs/a"), "https://x.org/children/docs/a/");
        assert_eq!(
            c.make_permalink("/docs/a/"),
            "https://x.org/children/docs/a/"
        );
        assert_eq!(
            c.make_permalink("docs/a#b"),
            "https://x.org/children/docs/a#b"
        );
        assert_eq!(
            c.make_permalink("atom.xml"),
            "https://x.org/children/atom.xml"
        );
        assert_eq!(c.make_permalink(""), "https://x.org/children/");
    }

    #[test]
    fn unknown_key_names_key_and_line() {
        let e = parse("base_url = \"https://x.org\"\n\n[markdown]\nsmart_punctuaton = true\n")
            .unwrap_err();
        let d = &e.items()[0];
        assert_eq!(d.line, 4);
        assert!(
            d.message
                .contains("`smart_punctuaton` in [markdown] is unknown"),
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
