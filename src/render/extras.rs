//! The files around the pages: alias redirects, per-language feeds, the sitemap with hreflang
//! alternates, and robots.txt.

use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::{Renderer, content_path, paginate};
use crate::content::{ItemRef, PageId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Output, file_for};
use crate::templates::values::{ConfigValue, Content, PageValue, SectionValue};

pub fn add(r: &Renderer, output: &mut Output, problems: &mut Diagnostics) {
    let mut push = |res: Made, source: &Path| match res {
        Ok((file, text)) => output.insert_text(file, text, source),
        Err(d) => problems.push(d),
    };
    for (res, source) in aliases(r) {
        push(res, &source);
    }
    for res in feeds(r) {
        push(res, Path::new("config.toml"));
    }
    let cfg = &r.site.config;
    if cfg.generate_sitemap {
        let mut ctx = super::Vars::default();
        ctx.insert("config", &ConfigValue::new(cfg, &cfg.default_language));
        ctx.insert("entries", &sitemap_entries(r));
        push(
            r.render_template(
                &cfg.default_language,
                "sitemap.xml",
                ctx,
                Path::new("templates/sitemap.xml"),
            )
            .map(|s| ("sitemap.xml".to_string(), s)),
            Path::new("templates/sitemap.xml"),
        );
    }
    if cfg.generate_robots_txt {
        let ctx = r.base_context(&cfg.default_language, None);
        push(
            r.render_template(
                &cfg.default_language,
                "robots.txt",
                ctx,
                Path::new("templates/robots.txt"),
            )
            .map(|s| ("robots.txt".to_string(), s)),
            Path::new("templates/robots.txt"),
        );
    }
}

/// One redirect page: `from` (a site path) sends readers to `to` (a URL).
struct Alias {
    from: String,
    to: String,
    lang: String,
    /// The file that asked for it, named in errors.
    source: PathBuf,
}

/// Redirect pages: front-matter aliases, `redirect_to` sections, and `/page/1/` of pagers.
/// A file rendered at an output path, or why it could not be.
type Made = Result<(String, String), Diagnostic>;

fn aliases(r: &Renderer) -> Vec<(Made, std::path::PathBuf)> {
    let site = &*r.site;
    let mut list: Vec<Alias> = Vec::new();
    for p in site.pages.iter().filter(|p| p.meta.render) {
        for a in &p.meta.aliases {
            list.push(Alias {
                from: a.clone(),
                to: p.permalink.clone(),
                lang: p.file.lang.clone(),
                source: content_path(&p.file.relative),
            });
        }
    }
    for s in site.sections.iter().filter(|s| s.meta.render) {
        let alias = |from: String, to: String| Alias {
            from,
            to,
            lang: s.file.lang.clone(),
            source: content_path(&s.file.relative),
        };
        for a in &s.meta.aliases {
            list.push(alias(a.clone(), s.permalink.clone()));
        }
        if let Some(to) = &s.meta.redirect_to {
            let url = if to.starts_with("http://") || to.starts_with("https://") {
                to.clone()
            } else {
                site.config.make_permalink(to)
            };
            list.push(alias(s.path.clone(), url));
        }
        if s.meta.paginate_by.is_some() {
            let first = paginate::numbered_pager_path(&s.path, &s.meta.paginate_path, 1);
            list.push(alias(first, s.permalink.clone()));
        }
    }
    for t in site
        .taxonomies
        .iter()
        .filter(|t| t.kind.render && t.kind.paginate_by.is_some())
    {
        for term in &t.terms {
            list.push(Alias {
                from: paginate::numbered_pager_path(&term.path, &t.kind.paginate_path, 1),
                to: term.permalink.clone(),
                lang: t.lang.clone(),
                source: "config.toml".into(),
            });
        }
    }
    let template = r.templates.redirect_template(site.config.relative);
    list.into_iter()
        .map(|a| {
            let mut ctx = r.base_context(&a.lang, None);
            ctx.insert("url", &a.to);
            let res = r
                .render_template(&a.lang, template, ctx, &a.source)
                .map(|html| (file_for(&a.from), html));
            (res, a.source)
        })
        .collect()
}

fn dated(site: &Site, ids: impl Iterator<Item = PageId>) -> Vec<PageId> {
    let mut v: Vec<PageId> = ids
        .filter(|i| site.pages[*i].meta.date.is_some() && site.pages[*i].meta.render)
        .collect();
    v.sort_by(|a, b| {
        let (pa, pb) = (&site.pages[*a], &site.pages[*b]);
        pb.meta
            .date
            .as_ref()
            .map(|d| d.datetime)
            .cmp(&pa.meta.date.as_ref().map(|d| d.datetime))
            .then_with(|| pa.permalink.cmp(&pb.permalink))
    });
    if let Some(limit) = site.config.feed_limit {
        v.truncate(limit);
    }
    v
}

/// A feed to write (once per feed file name).
struct FeedJob<'a> {
    lang: String,
    /// Site path of the folder the feed files go in.
    dir: String,
    pages: Vec<PageId>,
    /// The section (`section`) or taxonomy term (`term`) the feed belongs to, if any.
    owner: Option<FeedOwner<'a>>,
}

enum FeedOwner<'a> {
    Section(Box<SectionValue<'a>>),
    Term(FeedTerm<'a>),
}

/// A taxonomy term as its feed template sees it.
#[derive(serde::Serialize)]
struct FeedTerm<'a> {
    name: &'a str,
    slug: &'a str,
    permalink: &'a str,
}

/// One feed per language (and per section or term that asks), for each feed file name.
fn feeds(r: &Renderer) -> Vec<Result<(String, String), Diagnostic>> {
    let site = &*r.site;
    let mut jobs: Vec<FeedJob> = Vec::new();
    for lang in site.config.languages.iter().filter(|l| l.generate_feeds) {
        let pages = dated(
            site,
            (0..site.pages.len()).filter(|i| site.pages[*i].file.lang == lang.code),
        );
        jobs.push(FeedJob {
            lang: lang.code.clone(),
            dir: site.config.lang_prefix(&lang.code),
            pages,
            owner: None,
        });
    }
    for (i, s) in site
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.meta.generate_feeds)
    {
        jobs.push(FeedJob {
            lang: s.file.lang.clone(),
            dir: s.path.clone(),
            pages: dated(site, s.pages.iter().copied()),
            owner: Some(FeedOwner::Section(Box::new(r.values.section(
                site,
                i,
                Content::Metadata,
            )))),
        });
    }
    for t in site.taxonomies.iter().filter(|t| t.kind.feed) {
        for term in &t.terms {
            jobs.push(FeedJob {
                lang: t.lang.clone(),
                dir: term.path.clone(),
                pages: dated(site, term.pages.iter().copied()),
                owner: Some(FeedOwner::Term(FeedTerm {
                    name: &term.name,
                    slug: &term.slug,
                    permalink: &term.permalink,
                })),
            });
        }
    }
    let mut out = Vec::new();
    for job in jobs {
        let filenames = site
            .config
            .language(&job.lang)
            .map(|l| l.feed_filenames.clone())
            .unwrap_or_default();
        for name in filenames {
            out.push(render_feed(r, &job, &name));
        }
    }
    out
}

fn render_feed(r: &Renderer, job: &FeedJob, name: &str) -> Result<(String, String), Diagnostic> {
    let site = &*r.site;
    let path = format!("{}{name}", job.dir);
    let mut ctx = r.base_context(&job.lang, None);
    let pages: Vec<PageValue> = job
        .pages
        .iter()
        .map(|i| r.values.page(site, *i, Content::Full))
        .collect();
    let last = job
        .pages
        .iter()
        .filter_map(|i| {
            let p = &site.pages[*i];
            p.meta
                .updated
                .as_ref()
                .or(p.meta.date.as_ref())
                .map(|d| (d.datetime, d.text.clone()))
        })
        .max()
        .map_or_else(|| "1970-01-01".to_string(), |(_, t)| t);
    ctx.insert("pages", &pages);
    ctx.insert("feed_url", &site.config.permalink(&path));
    ctx.insert("alternate_url", &site.config.permalink(&job.dir));
    ctx.insert("last_updated", &last);
    match &job.owner {
        Some(FeedOwner::Section(v)) => ctx.insert("section", v),
        Some(FeedOwner::Term(v)) => ctx.insert("term", v),
        None => {}
    }
    r.render_template(&job.lang, name, ctx, Path::new("config.toml"))
        .map(|s| (path.trim_start_matches('/').to_string(), s))
}

fn day(text: &str) -> String {
    text.chars().take(10).collect()
}

/// Every rendered URL, with its last update and its exact translations as hreflang alternates.
pub fn sitemap_entries(r: &Renderer) -> Vec<Value> {
    let site = &*r.site;
    let alternates = |item: ItemRef| -> Vec<Value> {
        let list = site.translations_of(item);
        if list.len() < 2 {
            return Vec::new();
        }
        list.iter()
            .filter_map(|t| {
                let lang = site.config.language(&site.file(*t).lang)?;
                Some(json!({"language_tag": lang.language_tag, "permalink": site.permalink_of(*t)}))
            })
            .collect()
    };
    let mut entries: Vec<(String, Value)> = Vec::new();
    for (i, p) in site.pages.iter().enumerate().filter(|(_, p)| p.meta.render) {
        let updated = p
            .meta
            .updated
            .as_ref()
            .or(p.meta.date.as_ref())
            .map(|d| day(&d.text));
        entries.push((p.permalink.clone(), json!({"permalink": p.permalink, "updated": updated, "alternates": alternates(ItemRef::Page(i))})));
    }
    for (i, s) in site.sections.iter().enumerate() {
        if !s.meta.render || s.meta.redirect_to.is_some() {
            continue;
        }
        entries.push((s.permalink.clone(), json!({"permalink": s.permalink, "updated": null, "alternates": alternates(ItemRef::Section(i))})));
        let n = paginate::pager_count(s.pages.len(), s.meta.paginate_by);
        for pager in 1..n {
            let url =
                site.config
                    .permalink(&paginate::pager_path(&s.path, &s.meta.paginate_path, pager));
            entries.push((
                url.clone(),
                json!({"permalink": url, "updated": null, "alternates": []}),
            ));
        }
    }
    for t in site.taxonomies.iter().filter(|t| t.kind.render) {
        entries.push((
            t.permalink.clone(),
            json!({"permalink": t.permalink, "updated": null, "alternates": []}),
        ));
        for term in &t.terms {
            entries.push((
                term.permalink.clone(),
                json!({"permalink": term.permalink, "updated": null, "alternates": []}),
            ));
        }
    }
    for v in r.virtuals.iter() {
        let permalink = site.config.permalink(&v.path);
        let alts: Vec<Value> = v
            .versions
            .iter()
            .map(|x| json!({"language_tag": x.language_tag, "permalink": x.permalink}))
            .collect();
        entries.push((
            permalink.clone(),
            json!({"permalink": permalink, "updated": v.updated, "alternates": alts}),
        ));
    }
    entries.sort_by(|a, b| a.0.cmp(&b.0));
    entries.dedup_by(|a, b| a.0 == b.0);
    entries.into_iter().map(|(_, v)| v).collect()
}
