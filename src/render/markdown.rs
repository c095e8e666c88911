//! Rendering every page's and section's Markdown (shortcodes through Tera) into a
//! [`RenderedSite`] kept beside the `Site`, then checking that each `@/file.md#anchor` link
//! lands on an anchor that exists. It is the first use of the templates, so it sits in the
//! render stage; `markdown` itself knows nothing of Tera.

use std::collections::{HashMap, HashSet};
use std::path::Path;
use std::sync::Arc;

use rayon::prelude::*;
use tera::{Context, Tera};

use crate::config::LinkLevel;
use crate::content::{ItemRef, Rendered, RenderedSite, Site};
use crate::diagnostics::Cancel;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::markdown::{self, InternalLink, Settings};
use crate::templates::values::{ConfigValue, Content, Values};
use crate::templates::{ShortcodeRenderer, Templates};

/// One document's rendered Markdown and the `@/` links in it.
struct Done {
    item: ItemRef,
    rendered: Rendered,
    links: Vec<InternalLink>,
    /// Problems that let the page render (broken links, missing alt text).
    problems: Vec<Diagnostic>,
}

/// Render all Markdown of `site` in parallel; returns what each page and section became and the
/// problems that did not stop rendering (broken links and anchors, images without alt text).
/// Shortcodes see the site without rendered content, as in Zola.
/// `teras` are the build's templates per language, whose functions see `values`: the site
/// without rendered content yet.
pub fn render_all(
    site: &Arc<Site>,
    templates: &Templates,
    teras: &HashMap<String, Tera>,
    values: &Values,
    cancel: &Cancel,
) -> Result<(RenderedSite, Vec<Diagnostic>), Diagnostics> {
    let items: Vec<ItemRef> = (0..site.pages.len())
        .map(ItemRef::Page)
        .chain((0..site.sections.len()).map(ItemRef::Section))
        .collect();
    let results: Vec<Result<Done, Vec<Diagnostic>>> = items
        .par_iter()
        .map(|item| {
            // A cancelled build skips the remaining pages; the build stops after this step.
            if cancel.is_cancelled() {
                return Err(Vec::new());
            }
            render_one(site, values, templates, teras, *item)
        })
        .collect();
    let mut problems = Diagnostics::default();
    let mut done = Vec::with_capacity(results.len());
    for r in results {
        match r {
            Ok(d) => done.push(d),
            Err(ds) => problems.extend(ds),
        }
    }
    let mut rendered = RenderedSite::empty(site);
    let mut all_links = Vec::new();
    let mut soft = Vec::new();
    for d in done {
        soft.extend(d.problems);
        all_links.push((d.item, d.links));
        match d.item {
            ItemRef::Page(i) => rendered.pages[i] = d.rendered,
            ItemRef::Section(i) => rendered.sections[i] = d.rendered,
        }
    }
    soft.extend(check_anchors(site, &rendered, &all_links));
    if problems.has_errors() {
        Err(problems)
    } else {
        Ok((rendered, soft))
    }
}

fn render_one(
    site: &Site,
    values: &Values,
    templates: &Templates,
    teras: &HashMap<String, Tera>,
    item: ItemRef,
) -> Result<Done, Vec<Diagnostic>> {
    let (body, body_line, lang, permalink, anchors, file) = match item {
        ItemRef::Page(i) => {
            let p = &site.pages[i];
            let parent_anchors = p
                .ancestors
                .last()
                .and_then(|s| site.sections[*s].meta.insert_anchor_links);
            (
                p.body.text(),
                p.body_line,
                &p.file.lang,
                &p.permalink,
                parent_anchors,
                &p.file.relative,
            )
        }
        ItemRef::Section(i) => {
            let s = &site.sections[i];
            (
                s.body.text(),
                s.body_line,
                &s.file.lang,
                &s.permalink,
                s.meta.insert_anchor_links,
                &s.file.relative,
            )
        }
    };
    let body = &*body;
    let shown = Path::new("content").join(file);
    let make_context = move || {
        let mut context = Context::new();
        context.insert("config", &ConfigValue::new(&site.config, lang));
        context.insert("lang", lang);
        match item {
            ItemRef::Page(i) => context.insert("page", &values.page(site, i, Content::Metadata)),
            ItemRef::Section(i) => {
                context.insert("section", &values.section(site, i, Content::Metadata))
            }
        }
        context
    };
    let renderer = ShortcodeRenderer {
        tera: &teras[lang.as_str()],
        templates,
        make_context: Box::new(make_context),
        context: Default::default(),
    };
    let resolve = |p: &str| site.lookup(p).map(|i| site.permalink_of(i).to_string());
    let settings = Settings {
        markdown: &site.config.markdown,
        anchors: site.config.slugify.anchors,
        insert_anchor_links: anchors.unwrap_or(site.config.markdown.insert_anchor_links),
        permalink,
        resolve: &resolve,
        max_nesting: site.config.limits.max_nesting,
    };
    let links = &site.config.link_checker;
    let max_bytes = site.config.limits.max_page_bytes;
    if body.len() > max_bytes {
        return Err(vec![Diagnostic::error(&shown, format!(
            "the Markdown of this page is {} bytes, more than the limit; split it into several pages, or {}",
            body.len(),
            crate::config::limits::raise("max_page_bytes", max_bytes)
        )).at(body_line, 1)]);
    }
    match markdown::render(body, &settings, Some(&renderer)) {
        Ok(md) => Ok(Done {
            rendered: Rendered::new(
                md.html,
                md.summary,
                md.toc,
                md.internal_links.iter().map(|l| l.target.clone()).collect(),
            ),
            item,
            problems: located(
                md.problems.iter().map(|e| (e.offset, e.message.clone())),
                links.internal_level,
                body,
                body_line,
                &shown,
            )
            .into_iter()
            .chain(
                located(
                    md.missing_alt.iter().map(|e| (e.offset, e.message.clone())),
                    links.sprout_level,
                    body,
                    body_line,
                    &shown,
                )
                .into_iter()
                .map(|d| d.in_group(crate::diagnostics::SPROUT_CHECKS)),
            )
            .chain(md.warnings.iter().map(|e| {
                Diagnostic::warning(&shown, e.message.clone()).at_offset(body, e.offset, body_line)
            }))
            .collect(),
            links: md.internal_links,
        }),
        Err(errs) => Err(located(
            errs.into_iter().map(|e| (e.offset, e.message)),
            LinkLevel::Error,
            body,
            body_line,
            &shown,
        )),
    }
}

/// Problems reported per file before the rest are summed up in one line: each location costs
/// a scan of the body, so a page with a million broken links stays linear, and readable.
const SHOWN_PER_FILE: usize = 50;

/// Diagnostics at byte offsets of `body`, at most `SHOWN_PER_FILE` of them and then a count.
fn located(
    problems: impl ExactSizeIterator<Item = (usize, String)>,
    level: LinkLevel,
    body: &str,
    body_line: usize,
    file: &Path,
) -> Vec<Diagnostic> {
    let total = problems.len();
    let mut out: Vec<Diagnostic> = problems
        .take(SHOWN_PER_FILE)
        .map(|(offset, message)| {
            level
                .diagnostic(file, message)
                .at_offset(body, offset, body_line)
        })
        .collect();
    if total > SHOWN_PER_FILE {
        out.push(level.diagnostic(
            file,
            format!(
                "and {} more problems in this file; fix the ones above and build again",
                total - SHOWN_PER_FILE
            ),
        ));
    }
    out
}

/// `@/path#anchor` links whose target has no such id, reported at the link.
fn check_anchors(
    site: &Site,
    rendered: &RenderedSite,
    links: &[(ItemRef, Vec<InternalLink>)],
) -> Vec<Diagnostic> {
    // The ids of every page or section some link points into, each set made once.
    let mut ids: HashMap<ItemRef, HashSet<&str>> = HashMap::new();
    for link in links.iter().flat_map(|(_, list)| list) {
        if let (Some(_), Some(target)) = (&link.anchor, site.lookup(&link.target)) {
            ids.entry(target).or_insert_with(|| {
                rendered
                    .get(target)
                    .ids()
                    .iter()
                    .map(String::as_str)
                    .collect()
            });
        }
    }
    let mut out = Vec::new();
    for (item, list) in links {
        let broken: Vec<(&InternalLink, &String)> = list
            .iter()
            .filter_map(|link| {
                let anchor = link.anchor.as_ref()?;
                let target = site.lookup(&link.target)?;
                let found = ids
                    .get(&target)
                    .is_some_and(|set| set.contains(anchor.as_str()));
                (!found).then_some((link, anchor))
            })
            .collect();
        let (body, line, file) = match *item {
            ItemRef::Page(i) => (
                site.pages[i].body.text(),
                site.pages[i].body_line,
                &site.pages[i].file.relative,
            ),
            ItemRef::Section(i) => (
                site.sections[i].body.text(),
                site.sections[i].body_line,
                &site.sections[i].file.relative,
            ),
        };
        let problems = broken.into_iter().map(|(link, anchor)| {
            (
                link.offset,
                format!(
                    "link `@/{}#{anchor}` points to an anchor that content/{} does not have; check the `{{#id}}` in that file",
                    link.target, link.target
                ),
            )
        });
        out.extend(located(
            problems,
            site.config.link_checker.internal_level,
            &body,
            line,
            &Path::new("content").join(file),
        ));
    }
    out
}
