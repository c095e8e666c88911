//! Rendering the loaded site through Tera into an `Output`: pages, sections and their pagers,
//! taxonomies, generated (virtual) pages, 404 pages, aliases, feeds, sitemap, robots. Each page
//! is handed to the caller's finisher (the page pass) as it is rendered.

mod extras;
pub mod markdown;
mod paginate;

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;
use serde_json::{Map, Value};
use tera::{Context, Tera};

use crate::content::{Site, Version, VirtualPage, virtual_alternates};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Body, Output, file_for};
use crate::templates::Templates;
use crate::templates::values::{ConfigValue, Content, TermPages, TermValue, Values};

/// Everything the renderer reads; owned, so that `serve` can keep it to render pages as they
/// are asked for.
pub struct Renderer {
    pub site: Arc<Site>,
    pub values: Arc<Values>,
    pub templates: Arc<Templates>,
    pub virtuals: Arc<[VirtualPage]>,
    teras: HashMap<String, Tera>,
    /// `config` as each language's templates see it, built once.
    configs: HashMap<String, Value>,
}

#[derive(Debug, Clone, Copy)]
enum Job {
    Page(usize),
    Section(usize, usize),
    TaxonomyList(usize),
    Term(usize, usize, usize),
    NotFound(usize),
    Virtual(usize),
}

impl Renderer {
    pub fn new(
        site: Arc<Site>,
        values: Arc<Values>,
        templates: Arc<Templates>,
        virtuals: Arc<[VirtualPage]>,
        teras: HashMap<String, Tera>,
    ) -> Self {
        let configs = site
            .config
            .languages
            .iter()
            .map(|l| {
                let value = ConfigValue::new(&site.config, &l.code).to_value();
                (l.code.clone(), value)
            })
            .collect();
        Renderer {
            site,
            values,
            templates,
            virtuals,
            teras,
            configs,
        }
    }

    /// Render the whole site; every template error is reported. Each page is handed to
    /// `finish` on the thread that rendered it (see `passes::pages`), which returns what the
    /// output keeps of it.
    pub fn render(
        &self,
        finish: &(dyn Fn(&str, String) -> Body + Sync),
    ) -> Result<Output, Diagnostics> {
        let jobs = self.jobs();
        let results: Vec<Result<(String, Body), Diagnostic>> = jobs
            .par_iter()
            .map(|j| {
                self.run(j).map(|(path, html)| {
                    let file = file_for(&path);
                    match crate::output::key(&file) {
                        Some(key) => {
                            let body = finish(&key, html);
                            (key, body)
                        }
                        // `insert` reports the path.
                        None => (file, Body::Bytes(html.into_bytes())),
                    }
                })
            })
            .collect();
        let mut output = Output::default();
        let mut problems = Diagnostics::default();
        for (job, r) in jobs.iter().zip(results) {
            match r {
                Ok((file, body)) => output.insert(file, body, self.source(job)),
                Err(d) => problems.push(d),
            }
        }
        extras::add(self, &mut output, &mut problems);
        self.assets(&mut output);
        if problems.has_errors() {
            Err(problems)
        } else {
            Ok(output)
        }
    }

    fn jobs(&self) -> Vec<Job> {
        let site = &*self.site;
        let mut jobs: Vec<Job> = (0..site.pages.len())
            .filter(|i| site.pages[*i].meta.render)
            .map(Job::Page)
            .collect();
        for (i, s) in site.sections.iter().enumerate() {
            if !s.meta.render || s.meta.redirect_to.is_some() {
                continue;
            }
            let n = paginate::pager_count(s.pages.len(), s.meta.paginate_by);
            jobs.extend((0..n).map(|p| Job::Section(i, p)));
        }
        for (t, tax) in site.taxonomies.iter().enumerate() {
            if !tax.kind.render {
                continue;
            }
            jobs.push(Job::TaxonomyList(t));
            for (k, term) in tax.terms.iter().enumerate() {
                let n = paginate::pager_count(term.pages.len(), tax.kind.paginate_by);
                jobs.extend((0..n).map(|p| Job::Term(t, k, p)));
            }
        }
        jobs.extend((0..site.config.languages.len()).map(Job::NotFound));
        jobs.extend((0..self.virtuals.len()).map(Job::Virtual));
        jobs
    }

    /// The output file `job` writes, known without rendering it.
    fn job_file(&self, job: &Job) -> String {
        let site = &*self.site;
        let path = match *job {
            Job::Page(i) => site.pages[i].path.clone(),
            Job::Section(i, p) => {
                let s = &site.sections[i];
                paginate::pager_path(&s.path, &s.meta.paginate_path, p)
            }
            Job::TaxonomyList(t) => site.taxonomies[t].path.clone(),
            Job::Term(t, k, p) => {
                let tax = &site.taxonomies[t];
                paginate::pager_path(&tax.terms[k].path, &tax.kind.paginate_path, p)
            }
            Job::NotFound(l) => {
                let lang = &site.config.languages[l].code;
                format!("{}404.html", site.config.lang_prefix(lang))
            }
            Job::Virtual(v) => self.virtuals[v].path.clone(),
        };
        file_for(&path)
    }

    fn run(&self, job: &Job) -> Result<(String, String), Diagnostic> {
        match *job {
            Job::Page(i) => self.page(i),
            Job::Section(i, p) => self.section(i, p),
            Job::TaxonomyList(t) => self.taxonomy_list(t),
            Job::Term(t, k, p) => self.term(t, k, p),
            Job::NotFound(l) => self.not_found(l),
            Job::Virtual(v) => self.virtual_page(v),
        }
    }

    /// The file an author edits to change what `job` writes, for collision reports.
    fn source(&self, job: &Job) -> PathBuf {
        let site = &*self.site;
        match *job {
            Job::Page(i) => content_path(&site.pages[i].file.relative),
            Job::Section(i, _) => content_path(&site.sections[i].file.relative),
            Job::TaxonomyList(t) | Job::Term(t, _, _) => PathBuf::from(format!(
                "config.toml (taxonomy `{}`)",
                site.taxonomies[t].kind.name
            )),
            Job::NotFound(_) => PathBuf::from("templates/404.html"),
            Job::Virtual(v) => PathBuf::from(format!("templates/{}", self.virtuals[v].template)),
        }
    }

    pub fn tera(&self, lang: &str) -> &Tera {
        self.teras
            .get(lang)
            .unwrap_or_else(|| &self.teras[&self.site.config.default_language])
    }

    pub fn base_context(&self, lang: &str, path: Option<&str>) -> Vars {
        let mut ctx = Vars::default();
        let config = match self.configs.get(lang) {
            Some(c) => c.clone(),
            None => ConfigValue::new(&self.site.config, lang).to_value(),
        };
        ctx.put("config", config);
        ctx.insert("lang", lang);
        ctx.insert("content_security_policy", crate::policy::CSP_META);
        if let Some(p) = path {
            ctx.insert("current_path", p);
            ctx.insert("current_url", &self.site.config.permalink(p));
        }
        ctx
    }

    /// Render `template` for the content at `source`; a missing template is reported on the
    /// `template` line of the source, a failing one names the template file to fix.
    pub fn render_template(
        &self,
        lang: &str,
        template: &str,
        ctx: Vars,
        source: &Path,
    ) -> Result<String, Diagnostic> {
        self.render_at(lang, template, ctx, source, 0)
    }

    fn render_at(
        &self,
        lang: &str,
        template: &str,
        ctx: Vars,
        source: &Path,
        line: usize,
    ) -> Result<String, Diagnostic> {
        if !self.templates.has(template) {
            return Err(Diagnostic::error(
                source,
                format!("template `{template}` does not exist; add templates/{template} or fix the `template` key"),
            )
            .at(line, if line > 0 { 1 } else { 0 }));
        }
        Templates::render(self.tera(lang), template, &ctx.into_context())
            .map_err(|e| self.templates.render_error(template, &e, source))
    }

    fn page(&self, i: usize) -> Result<(String, String), Diagnostic> {
        let p = &self.site.pages[i];
        let mut ctx = self.base_context(&p.file.lang, Some(&p.path));
        ctx.insert("page", &self.values.page_with_neighbours(&self.site, i));
        let template = p.meta.template.as_deref().unwrap_or("page.html");
        let line = p.key_line("template");
        let html = self.render_at(
            &p.file.lang,
            template,
            ctx,
            &content_path(&p.file.relative),
            line,
        )?;
        Ok((p.path.clone(), html))
    }

    fn section(&self, i: usize, pager: usize) -> Result<(String, String), Diagnostic> {
        let s = &self.site.sections[i];
        // As in Zola, a paginated section lists its pages only through `paginator`.
        let listed = match s.meta.paginate_by {
            None => Content::Full,
            Some(_) => Content::Metadata,
        };
        let section = self.values.section(&self.site, i, listed);
        let mut path = s.path.clone();
        let mut ctx = self.base_context(&s.file.lang, None);
        if let Some(by) = s.meta.paginate_by {
            let p = paginate::paginator(
                self,
                &s.pages,
                by,
                pager,
                &s.permalink,
                &s.meta.paginate_path,
                s.meta.paginate_reversed,
            );
            path = paginate::pager_path(&s.path, &s.meta.paginate_path, pager);
            ctx.insert("paginator", &p);
        }
        ctx.insert("current_path", &path);
        ctx.insert("current_url", &self.site.config.permalink(&path));
        ctx.insert("section", &section);
        let default = if s.is_index() {
            "index.html"
        } else {
            "section.html"
        };
        let template = s.meta.template.as_deref().unwrap_or(default);
        let line = s.key_line("template");
        let html = self.render_at(
            &s.file.lang,
            template,
            ctx,
            &content_path(&s.file.relative),
            line,
        )?;
        Ok((path, html))
    }

    fn taxonomy_list(&self, t: usize) -> Result<(String, String), Diagnostic> {
        let tax = &self.site.taxonomies[t];
        let mut ctx = self.base_context(&tax.lang, Some(&tax.path));
        ctx.insert("taxonomy", &tax.kind);
        let terms: Vec<TermValue> = tax
            .terms
            .iter()
            .map(|term| TermValue::new(&self.site, &self.values, term, TermPages::Brief))
            .collect();
        ctx.insert("terms", &terms);
        ctx.insert("alternates", &self.taxonomy_alternates(t, None));
        let template = self.taxonomy_template(&tax.kind.name, "list");
        let html = self.render_template(&tax.lang, &template, ctx, Path::new("config.toml"))?;
        Ok((tax.path.clone(), html))
    }

    fn term(&self, t: usize, k: usize, pager: usize) -> Result<(String, String), Diagnostic> {
        let tax = &self.site.taxonomies[t];
        let term = &tax.terms[k];
        let mut ctx = self.base_context(&tax.lang, None);
        let mut path = term.path.clone();
        if let Some(by) = tax.kind.paginate_by {
            let p = paginate::paginator(
                self,
                &term.pages,
                by,
                pager,
                &term.permalink,
                &tax.kind.paginate_path,
                false,
            );
            path = paginate::pager_path(&term.path, &tax.kind.paginate_path, pager);
            ctx.insert("paginator", &p);
        }
        ctx.insert("current_path", &path);
        ctx.insert("current_url", &self.site.config.permalink(&path));
        ctx.insert("taxonomy", &tax.kind);
        ctx.insert(
            "term",
            &TermValue::new(&self.site, &self.values, term, TermPages::Brief),
        );
        ctx.insert("alternates", &self.taxonomy_alternates(t, Some(&term.slug)));
        let template = self.taxonomy_template(&tax.kind.name, "single");
        let html = self.render_template(&tax.lang, &template, ctx, Path::new("config.toml"))?;
        Ok((path, html))
    }

    /// The same taxonomy list or term in every language; a language without the term gets its
    /// taxonomy list (`exact = false`), one without the taxonomy its home page.
    fn taxonomy_alternates(&self, t: usize, term_slug: Option<&str>) -> Value {
        let site = &*self.site;
        let kind = &site.taxonomies[t].kind.name;
        let list: Vec<Value> = site
            .config
            .languages
            .iter()
            .map(|l| {
                let tax = site.taxonomies.iter().find(|x| &x.kind.name == kind && x.lang == l.code);
                let term = tax.and_then(|x| term_slug.and_then(|slug| x.terms.iter().find(|tm| tm.slug == slug)));
                let (permalink, exact) = match (tax, term, term_slug) {
                    (Some(_), Some(tm), _) => (tm.permalink.clone(), true),
                    (Some(x), None, None) => (x.permalink.clone(), true),
                    (Some(x), None, Some(_)) => (x.permalink.clone(), false),
                    (None, _, _) => (site.config.permalink(&site.config.lang_prefix(&l.code)), false),
                };
                serde_json::json!({"lang": l.code, "language_tag": l.language_tag, "permalink": permalink, "title": null, "exact": exact})
            })
            .collect();
        Value::Array(list)
    }

    fn taxonomy_template(&self, name: &str, kind: &str) -> String {
        let specific = format!("{name}/{kind}.html");
        if self.templates.has(&specific) {
            specific
        } else {
            format!("taxonomy_{kind}.html")
        }
    }

    fn not_found(&self, l: usize) -> Result<(String, String), Diagnostic> {
        let lang = &self.site.config.languages[l].code;
        let path = format!("{}404.html", self.site.config.lang_prefix(lang));
        // `current_path` and `current_url` too: themes' partials read them on every page.
        let mut ctx = self.base_context(lang, Some(&path));
        let config = &self.site.config;
        let homes: Vec<Version> = config
            .languages
            .iter()
            .map(|l| Version::new(&self.site, &l.code, &config.lang_prefix(&l.code)))
            .collect();
        ctx.insert("alternates", &fallback(virtual_alternates(&homes)));
        let html = self.render_template(lang, "404.html", ctx, Path::new("templates/404.html"))?;
        Ok((path, html))
    }

    fn virtual_page(&self, v: usize) -> Result<(String, String), Diagnostic> {
        let vp = &self.virtuals[v];
        let mut ctx = self.base_context(&vp.lang, Some(&vp.path));
        ctx.insert("page", &vp.page);
        for (k, val) in &vp.context {
            ctx.insert(k, val);
        }
        let source = PathBuf::from(format!("templates/{}", vp.template));
        let html = self.render_template(&vp.lang, &vp.template, ctx, &source)?;
        Ok((vp.path.clone(), html))
    }

    /// Colocated files are copied beside the page or section that owns them.
    fn assets(&self, output: &mut Output) {
        for (key, file) in self.site.colocated_outputs() {
            output.insert(key, Body::File(file.to_path_buf()), file);
        }
    }
}

/// The pages of a prepared build, each rendered when it is asked for: `serve` answers with these
/// while the full build of the same edit (feeds, checks, search) finishes in the background.
pub struct OnDemand {
    renderer: Arc<Renderer>,
    jobs: HashMap<String, Job>,
}

impl OnDemand {
    pub fn new(renderer: Arc<Renderer>) -> Self {
        let jobs = renderer
            .jobs()
            .into_iter()
            .map(|job| (renderer.job_file(&job), job))
            .collect();
        OnDemand { renderer, jobs }
    }

    /// Whether `file` (`en/about/index.html`) is a page this build renders.
    pub fn has(&self, file: &str) -> bool {
        self.jobs.contains_key(file)
    }

    /// Every file this build renders pages to.
    pub fn files(&self) -> impl Iterator<Item = &str> {
        self.jobs.keys().map(String::as_str)
    }

    /// Render the page written to `file`, or `None` when no page is.
    pub fn render(&self, file: &str) -> Option<Result<String, Diagnostic>> {
        let job = self.jobs.get(file)?;
        Some(self.renderer.run(job).map(|(_, html)| html))
    }
}

pub fn content_path(relative: &str) -> PathBuf {
    Path::new("content").join(relative)
}

/// Template variables, moved (not copied) into Tera's context when rendering.
#[derive(Debug, Default)]
pub struct Vars(Map<String, Value>);

impl Vars {
    /// Add a value that is serialized first (small values).
    pub fn insert<T: serde::Serialize + ?Sized>(&mut self, key: &str, value: &T) {
        self.0.insert(
            key.to_string(),
            serde_json::to_value(value).unwrap_or(Value::Null),
        );
    }

    /// Add a value the caller owns, without copying it.
    pub fn put(&mut self, key: &str, value: Value) {
        self.0.insert(key.to_string(), value);
    }

    pub fn into_context(self) -> Context {
        Context::from_value(Value::Object(self.0)).unwrap_or_default()
    }
}

/// Mark every alternate as a fallback (the page itself has no translation).
fn fallback(mut alternates: Value) -> Value {
    if let Value::Array(list) = &mut alternates {
        for a in list {
            a["exact"] = Value::Bool(false);
        }
    }
    alternates
}

pub use extras::sitemap_entries;
