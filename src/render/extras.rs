//! The files around the pages: alias redirects, per-language feeds, the sitemap with hreflang
//! alternates, and robots.txt.

use std::path::Path;

use serde_json::{Value, json};

use super::{Renderer, content_path, paginate};
use crate::content::{ItemRef, PageId, Site};
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::output::{Output, file_for};

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
        ctx.insert("config", &cfg.to_template_value(&cfg.default_language));
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

/// Redirect pages: front-matter aliases, `redirect_to` sections, and `/page/1/` of pagers.
/// A file rendered at an output path, or why it could not be.
type Made = Result<(String, String), Diagnostic>;

fn aliases(r: &Renderer) -> Vec<(Made, std::path::PathBuf)> {
    let site = r.site;
    let mut list: Vec<(String, String, String, std::path::PathBuf)> = Vec::new();
    for p in site.pages.iter().filter(|p| p.meta.render) {
        for a in &p.meta.aliases {
            list.push((
                a.clone(),
                p.permalink.clone(),
                p.file.lang.clone(),
                content_path(&p.file.relative),
            ));
        }
    }
    for s in site.sections.iter().filter(|s| s.meta.render) {
        for a in &s.meta.aliases {
            list.push((
                a.clone(),
                s.permalink.clone(),
                s.file.lang.clone(),
                content_path(&s.file.relative),
            ));
        }
        if let Some(to) = &s.meta.redirect_to {
            let url = if to.starts_with("http://") || to.starts_with("https://") {
                to.clone()
            } else {
                site.config.permalink(to)
            };
            list.push((
                s.path.clone(),
                url,
                s.file.lang.clone(),
                content_path(&s.file.relative),
            ));
        }
        if s.meta.paginate_by.is_some() {
            let first = paginate::numbered_pager_path(&s.path, &s.meta.paginate_path, 1);
            list.push((
                first,
                s.permalink.clone(),
                s.file.lang.clone(),
                content_path(&s.file.relative),
            ));
        }
    }
    for t in site
        .taxonomies
        .iter()
        .filter(|t| t.kind.render && t.kind.paginate_by.is_some())
    {
        for term in &t.terms {
            let first = paginate::numbered_pager_path(&term.path, &t.kind.paginate_path, 1);
            list.push((
                first,
                term.permalink.clone(),
                t.lang.clone(),
                "config.toml".into(),
            ));
        }
    }
    list.into_iter()
        .map(|(from, to, lang, source)| {
            let mut ctx = r.base_context(&lang, None);
            ctx.insert("url", &to);
            let res = r
                .render_template(&lang, "internal/alias.html", ctx, &source)
                .map(|html| (file_for(&from), html));
            (res, source)
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

/// A feed to write: language, folder, pages, and the section or term it belongs to.
type FeedJob<'a> = (String, String, Vec<PageId>, Option<(&'a str, Value)>);

/// One feed per language (and per section or term that asks), for each feed file name.
fn feeds(r: &Renderer) -> Vec<Result<(String, String), Diagnostic>> {
    let site = r.site;
    let mut jobs: Vec<FeedJob> = Vec::new();
    for lang in site.config.languages.iter().filter(|l| l.generate_feeds) {
        let ids = dated(
            site,
            (0..site.pages.len()).filter(|i| site.pages[*i].file.lang == lang.code),
        );
        jobs.push((
            lang.code.clone(),
            site.config.lang_prefix(&lang.code),
            ids,
            None,
        ));
    }
    for (i, s) in site
        .sections
        .iter()
        .enumerate()
        .filter(|(_, s)| s.meta.generate_feeds)
    {
        let ids = dated(site, s.pages.iter().copied());
        let v = r.values.section_with_pages(site, i, false);
        jobs.push((
            s.file.lang.clone(),
            s.path.clone(),
            ids,
            Some(("section", v)),
        ));
    }
    for t in site.taxonomies.iter().filter(|t| t.kind.feed) {
        for term in &t.terms {
            let ids = dated(site, term.pages.iter().copied());
            let v = json!({"name": term.name, "slug": term.slug, "permalink": term.permalink});
            jobs.push((t.lang.clone(), term.path.clone(), ids, Some(("term", v))));
        }
    }
    let mut out = Vec::new();
    for (lang, dir, ids, extra) in jobs {
        let filenames = site
            .config
            .language(&lang)
            .map(|l| l.feed_filenames.clone())
            .unwrap_or_default();
        for name in filenames {
            let path = format!("{dir}{name}");
            let mut ctx = r.base_context(&lang, None);
            let pages: Vec<Value> = ids.iter().map(|i| r.values.page(site, *i, true)).collect();
            let last = ids
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
            ctx.put("pages", Value::Array(pages));
            ctx.insert("feed_url", &site.config.permalink(&path));
            ctx.insert("alternate_url", &site.config.permalink(&dir));
            ctx.insert("last_updated", &last);
            if let Some((k, v)) = &extra {
                ctx.insert(k, v);
            }
            out.push(
                r.render_template(&lang, &name, ctx, Path::new("config.toml"))
                    .map(|s| (path.trim_start_matches('/').to_string(), s)),
            );
        }
    }
    out
}

fn day(text: &str) -> String {
    text.chars().take(10).collect()
}

/// Every rendered URL, with its last update and its exact translations as hreflang alternates.
pub fn sitemap_entries(r: &Renderer) -> Vec<Value> {
    let site = r.site;
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
    for v in r.virtuals {
        let permalink = site.config.permalink(&v.path);
        let alts: Vec<Value> = v
            .alternates
            .iter()
            .map(|(tag, url)| json!({"language_tag": tag, "permalink": url}))
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
