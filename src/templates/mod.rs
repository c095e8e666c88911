//! Tera set-up: built-in, theme and site templates (the site's override the theme's), one Tera
//! per language carrying Zola's functions and filters, and the shortcode renderer for Markdown.

mod depth;
mod filters;
mod fragment;
mod functions;
mod images;
mod indicators;
pub mod qr;
pub mod resize;
pub mod values;

pub use functions::parse_data;

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use serde_json::Value;
use tera::{Context, Tera};

use crate::content::Site;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::indicators::Directory;
use crate::markdown::{Renderer, ShortcodeKind};
use crate::templates::values::Values;

/// Templates Zola ships, used when neither theme nor site provides one.
const BUILTINS: &[(&str, &str)] = &[
    ("atom.xml", include_str!("builtins/atom.xml")),
    ("rss.xml", include_str!("builtins/rss.xml")),
    ("sitemap.xml", include_str!("builtins/sitemap.xml")),
    ("robots.txt", include_str!("builtins/robots.txt")),
    ("404.html", include_str!("builtins/404.html")),
    ("internal/alias.html", include_str!("builtins/alias.html")),
    // sprout's: for `--relative` builds, whose links the relative pass rewrites (see
    // `Templates::redirect_template`).
    (
        "internal/alias-portable.html",
        include_str!("builtins/alias-portable.html"),
    ),
    (
        "anchor-link.html",
        include_str!("builtins/anchor-link.html"),
    ),
];

/// What template functions read: the site, its values, and a cache for `load_data`. One per
/// build, for the shortcodes in the Markdown and then for the page templates.
pub struct Shared {
    pub site: Arc<Site>,
    /// The template values: while the Markdown renders, pages without their content yet.
    values: std::sync::RwLock<Arc<Values>>,
    /// The numeric targets, for `get_indicators`.
    pub indicators: Arc<Directory>,
    pub data_cache: Mutex<HashMap<(PathBuf, String), Value>>,
    /// Cache-busting hashes of static files, computed once per build, not once per page.
    pub hash_cache: Mutex<HashMap<String, Option<String>>>,
    /// `resize_image` calls, shared by shortcodes and page templates, made after rendering.
    pub images: Arc<resize::ImageQueue>,
    /// Colocated files by the path this build writes them to (see `find_site_file`).
    pub colocated: std::sync::OnceLock<HashMap<String, PathBuf>>,
}

impl Shared {
    pub fn new(
        site: Arc<Site>,
        values: Arc<Values>,
        indicators: Arc<Directory>,
        images: Arc<resize::ImageQueue>,
    ) -> Shared {
        Shared {
            site,
            values: std::sync::RwLock::new(values),
            indicators,
            data_cache: Default::default(),
            hash_cache: Default::default(),
            images,
            colocated: Default::default(),
        }
    }

    /// The template values as they are now.
    pub fn values(&self) -> Arc<Values> {
        self.values
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// The values with every page's rendered content, once the Markdown is done.
    pub fn set_values(&self, values: Arc<Values>) {
        *self.values.write().unwrap_or_else(|e| e.into_inner()) = values;
    }

    /// Files this build makes before the templates render (Zola's search index), so
    /// `get_url(..., cachebust = true)` finds them as Zola's does.
    pub fn know_files(&self, made: &crate::output::Output) {
        let Ok(mut cache) = self.hash_cache.lock() else {
            return;
        };
        for (path, body) in made.iter() {
            if let crate::output::Body::Bytes(bytes) = body {
                cache.insert(path.to_string(), Some(functions::content_hash(bytes)));
            }
        }
    }
}

/// Template name → (text, file), as read from the theme and the site.
type TemplateFiles = BTreeMap<String, (String, PathBuf)>;

/// The templates parsed by the last build, with the texts they were parsed from.
#[derive(Default)]
pub struct TemplateCache(Mutex<Option<(TemplateFiles, Arc<Templates>)>>);

impl std::fmt::Debug for TemplateCache {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("TemplateCache")
    }
}

/// All templates, parsed once; `for_language` adds the functions bound to one language.
#[derive(Clone)]
pub struct Templates {
    base: Tera,
    shortcodes: HashMap<String, ShortcodeKind>,
    /// Template name → the file it came from (site or theme), for error messages.
    paths: HashMap<String, PathBuf>,
    /// Every macro, as `depth` numbers them (their depth-counting functions).
    macros: Vec<String>,
}

impl Templates {
    /// Load built-ins, then the theme's `templates/`, then the site's `templates/`.
    pub fn load(root: &Path, theme: Option<&str>) -> Result<Templates, Diagnostics> {
        Self::parse(Self::read(root, theme)?)
    }

    /// As `load`, but reuse the templates `cache` parsed last while no template file's text
    /// changed (`serve` rebuilds after a content edit without parsing every template again).
    pub fn load_cached(
        root: &Path,
        theme: Option<&str>,
        cache: &TemplateCache,
    ) -> Result<Arc<Templates>, Diagnostics> {
        let files = Self::read(root, theme)?;
        let mut last = cache.0.lock().unwrap_or_else(|e| e.into_inner());
        if let Some((seen, parsed)) = last.as_ref()
            && *seen == files
        {
            return Ok(parsed.clone());
        }
        let parsed = Arc::new(Self::parse(files.clone())?);
        *last = Some((files, parsed.clone()));
        Ok(parsed)
    }

    /// Every template file's text and path by template name: the theme's, then the site's.
    fn read(root: &Path, theme: Option<&str>) -> Result<TemplateFiles, Diagnostics> {
        let mut files: TemplateFiles = BTreeMap::new();
        let mut problems = Diagnostics::default();
        if let Some(theme) = theme {
            let dir = root.join("themes").join(theme).join("templates");
            if !dir.is_dir() {
                problems.push(Diagnostic::error(
                    "config.toml",
                    format!("theme `{theme}` has no folder themes/{theme}/templates; check `theme` or add the theme"),
                ));
            }
            collect(&dir, root, &mut files, &mut problems);
            // As Zola (`rewrite_theme_paths`): each theme template is also loaded as
            // `<theme>/templates/<name>`, so a site template that replaces one can still
            // extend it (`{% extends "hyde/templates/index.html" %}`).
            let aliases: Vec<(String, (String, PathBuf))> = files
                .iter()
                .map(|(name, file)| (format!("{theme}/templates/{name}"), file.clone()))
                .collect();
            files.extend(aliases);
        }
        collect(&root.join("templates"), root, &mut files, &mut problems);
        if problems.has_errors() {
            return Err(problems);
        }
        Ok(files)
    }

    fn parse(files: TemplateFiles) -> Result<Templates, Diagnostics> {
        let mut problems = Diagnostics::default();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![".html", ".htm", ".xml"]);
        let mut all: Vec<(String, String)> = BUILTINS
            .iter()
            .filter(|(n, _)| !files.contains_key(*n))
            .map(|(n, t)| (n.to_string(), t.to_string()))
            .collect();
        all.extend(files.iter().map(|(n, (t, _))| (n.clone(), t.clone())));
        if let Err(e) = tera.add_raw_templates(all) {
            problems.push(locate_tera_error(&e, &files));
        }
        if problems.has_errors() {
            return Err(problems);
        }
        let macros = depth::instrument(&mut tera);
        let shortcodes = tera
            .get_template_names()
            .filter_map(|n| {
                let rest = n.strip_prefix("shortcodes/")?;
                let (name, kind) = match rest.rsplit_once('.') {
                    Some((s, "html")) => (s, ShortcodeKind::Html),
                    Some((s, "md")) => (s, ShortcodeKind::Markdown),
                    _ => return None,
                };
                Some((name.to_string(), kind))
            })
            .collect();
        let paths = files
            .into_iter()
            .map(|(name, (_, path))| (name, path))
            .collect();
        Ok(Templates {
            base: tera,
            shortcodes,
            paths,
            macros,
        })
    }

    /// The template of redirect pages: Zola's `internal/alias.html`, unless the build writes
    /// relative links (`--relative`) and neither site nor theme has its own. Zola's page puts
    /// the target in a script, where the relative pass cannot rewrite it; sprout's portable
    /// one has it only in attributes (a meta refresh and a link).
    pub fn redirect_template(&self, relative: bool) -> &'static str {
        if relative && !self.paths.contains_key("internal/alias.html") {
            "internal/alias-portable.html"
        } else {
            "internal/alias.html"
        }
    }

    /// The file a template came from, or a note that it is built in.
    pub fn file_of(&self, name: &str) -> PathBuf {
        self.paths
            .get(name)
            .cloned()
            .unwrap_or_else(|| PathBuf::from(format!("(sprout's built-in {name})")))
    }

    /// Explain a render error: which template file to fix, what went wrong, for which source.
    /// Render `template` with `ctx`, counting macro depth from this render's start.
    pub fn render(tera: &Tera, template: &str, ctx: &Context) -> tera::Result<String> {
        depth::guarded(|| tera.render(template, ctx))
    }

    pub fn render_error(&self, template: &str, e: &tera::Error, source: &Path) -> Diagnostic {
        let chain = error_chain(e);
        // `throw(message=...)` is a template checking the content it renders: the message is the
        // template's own explanation, and the file to fix is the source.
        if let Some((_, message)) = chain.split_once("Function call 'throw' failed: ") {
            return Diagnostic::error(
                source.to_path_buf(),
                format!(
                    "{message} (checked by {})",
                    self.file_of(template).display()
                ),
            );
        }
        let names: Vec<&str> = chain.split('\'').skip(1).step_by(2).collect();
        let culprit = names
            .iter()
            .rev()
            .find(|n| self.has(n))
            .copied()
            .unwrap_or(template);
        let hint = if chain.contains("not found in context") {
            "define it, or use `| default(value=...)` where it may be missing"
        } else {
            "fix the template"
        };
        Diagnostic::error(
            self.file_of(culprit),
            format!(
                "{chain}; {hint} (while rendering {} with {template})",
                source.display()
            ),
        )
    }

    pub fn has(&self, name: &str) -> bool {
        self.base.get_template_names().any(|n| n == name)
    }

    /// A Tera whose `trans`, `get_url` and friends default to `lang`.
    pub fn for_language(&self, lang: &str, shared: Arc<Shared>) -> Tera {
        let mut tera = self.base.clone();
        depth::register(
            &mut tera,
            &self.macros,
            shared.site.config.limits.max_nesting,
        );
        functions::register(&mut tera, lang, shared.clone());
        filters::register(&mut tera, shared);
        tera
    }

    /// One Tera per configured language, keyed by language code.
    pub fn for_languages(
        &self,
        config: &crate::config::Config,
        shared: &Arc<Shared>,
    ) -> HashMap<String, Tera> {
        config
            .languages
            .iter()
            .map(|l| (l.code.clone(), self.for_language(&l.code, shared.clone())))
            .collect()
    }

    pub fn shortcode_kind(&self, name: &str) -> Option<ShortcodeKind> {
        self.shortcodes.get(name).copied()
    }
}

fn collect(
    dir: &Path,
    root: &Path,
    files: &mut BTreeMap<String, (String, PathBuf)>,
    problems: &mut Diagnostics,
) {
    for (path, name) in crate::walk::files(dir) {
        match std::fs::read_to_string(&path) {
            Ok(text) => {
                files.insert(name, (text, crate::diagnostics::rel(root, &path)));
            }
            Err(e) => problems.push(Diagnostic::error(
                crate::diagnostics::rel(root, &path),
                format!("cannot read template ({e}); save it as UTF-8"),
            )),
        }
    }
}

/// Tera's parse errors name the template and a `--> line:column`; map that to its file.
fn locate_tera_error(e: &tera::Error, files: &BTreeMap<String, (String, PathBuf)>) -> Diagnostic {
    let msg = error_chain(e);
    let file = files
        .iter()
        .find(|(name, _)| msg.contains(&format!("'{name}'")))
        .map(|(_, (_, p))| p.clone())
        .unwrap_or_else(|| PathBuf::from("templates"));
    let position = msg.split("-->").nth(1).and_then(|rest| {
        let spot = rest.split_whitespace().next()?;
        let (l, c) = spot.split_once(':')?;
        Some((l.parse::<usize>().ok()?, c.parse::<usize>().ok()?))
    });
    let (line, col) = position.unwrap_or((0, 0));
    let detail = msg.rsplit("= ").next().unwrap_or(&msg).trim();
    Diagnostic::error(
        file,
        format!("template syntax error: {detail}; fix the tag or expression here"),
    )
    .at(line, col)
}

/// Tera errors nest their cause; show the whole chain on one line.
pub fn error_chain(e: &dyn std::error::Error) -> String {
    let mut parts = vec![e.to_string()];
    let mut cur = e.source();
    while let Some(s) = cur {
        parts.push(s.to_string());
        cur = s.source();
    }
    parts.join(": ").replace('\n', " ")
}

/// Renders shortcodes and anchor links for one page's Markdown with Tera. The context
/// (`config`, `lang`, `page`/`section`) is built on the first call only: most pages call none.
/// Each call adds its arguments to that one context and takes them out again afterwards, so
/// a page with hundreds of calls does not copy `config` hundreds of times.
pub struct ShortcodeRenderer<'a> {
    pub tera: &'a Tera,
    pub templates: &'a Templates,
    pub make_context: Box<dyn Fn() -> Context + Send + Sync + 'a>,
    pub context: std::sync::Mutex<Option<Context>>,
}

impl ShortcodeRenderer<'_> {
    /// Render `file` with the page's context plus `args`; the context is left as it was.
    fn render_with(&self, file: &str, args: &[(&str, Value)]) -> tera::Result<String> {
        let mut guard = self.context.lock().unwrap_or_else(|e| e.into_inner());
        let ctx = guard.get_or_insert_with(|| (self.make_context)());
        let shadowed: Vec<(&str, Option<Value>)> = args
            .iter()
            .map(|(k, v)| {
                let before = ctx.remove(k);
                ctx.insert(*k, v);
                (*k, before)
            })
            .collect();
        let out = Templates::render(self.tera, file, ctx);
        for (k, before) in shadowed.into_iter().rev() {
            ctx.remove(k);
            if let Some(v) = before {
                ctx.insert(k, &v);
            }
        }
        out
    }
}

impl Renderer for ShortcodeRenderer<'_> {
    fn kind(&self, name: &str) -> Option<ShortcodeKind> {
        self.templates.shortcode_kind(name)
    }

    fn shortcode(
        &self,
        name: &str,
        args: &BTreeMap<String, Value>,
        body: Option<&str>,
        nth: usize,
    ) -> Result<String, String> {
        let kind = self
            .kind(name)
            .ok_or_else(|| format!("no shortcode `{name}`"))?;
        let file = match kind {
            ShortcodeKind::Html => format!("shortcodes/{name}.html"),
            ShortcodeKind::Markdown => format!("shortcodes/{name}.md"),
        };
        let mut vars: Vec<(&str, Value)> =
            args.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        vars.push(("nth", Value::from(nth)));
        if let Some(b) = body {
            vars.push(("body", Value::from(b)));
        }
        self.render_with(&file, &vars)
            .map(|s| s.trim_end().to_string() + "\n")
            .map(|s| {
                if body.is_none() {
                    s.trim_end().to_string()
                } else {
                    s
                }
            })
            .map_err(|e| error_chain(&e))
    }

    fn anchor_link(&self, id: &str, level: u32) -> Result<String, String> {
        let vars = [("id", Value::from(id)), ("level", Value::from(level))];
        self.render_with("anchor-link.html", &vars)
            .map(|s| s.trim().to_string())
            .map_err(|e| error_chain(&e))
    }
}
