//! Linking loaded items together: lookup tables, translations, section trees, page order,
//! taxonomies, and the check that no two things claim one URL.

use std::collections::{BTreeMap, HashMap};
use std::path::Path;

use super::front_matter::SortBy;
use super::sorting::sort_pages;
use super::{ItemRef, SectionId, Site, taxonomies};
use crate::diagnostics::{Diagnostic, Diagnostics};

pub fn link(site: &mut Site, problems: &mut Diagnostics) {
    index(site);
    tree(site);
    order(site);
    let (taxonomies, errors) = taxonomies::collect(&site.config, &site.pages);
    site.taxonomies = taxonomies;
    problems.extend(errors);
    problems.extend(collisions(site));
}

fn index(site: &mut Site) {
    site.by_relative.clear();
    site.translations.clear();
    for (i, p) in site.pages.iter().enumerate() {
        site.by_relative
            .insert(p.file.relative.clone(), ItemRef::Page(i));
        site.translations
            .entry(p.file.canonical.clone())
            .or_default()
            .push(ItemRef::Page(i));
    }
    for (i, s) in site.sections.iter().enumerate() {
        site.by_relative
            .insert(s.file.relative.clone(), ItemRef::Section(i));
        site.translations
            .entry(s.file.canonical.clone())
            .or_default()
            .push(ItemRef::Section(i));
    }
}

/// Section ancestors and subsections, and each page's place in the tree.
fn tree(site: &mut Site) {
    let by_key: HashMap<(String, Vec<String>), SectionId> = site
        .sections
        .iter()
        .enumerate()
        .map(|(i, s)| ((s.file.lang.clone(), s.file.components.clone()), i))
        .collect();
    let find =
        |lang: &str, comps: &[String]| by_key.get(&(lang.to_string(), comps.to_vec())).copied();

    let mut ancestors = Vec::with_capacity(site.sections.len());
    for s in &site.sections {
        let comps = &s.file.components;
        let list: Vec<SectionId> = (0..comps.len())
            .filter_map(|n| find(&s.file.lang, &comps[..n]))
            .collect();
        ancestors.push(list);
    }
    let mut children: BTreeMap<SectionId, Vec<SectionId>> = BTreeMap::new();
    for (i, a) in ancestors.iter().enumerate() {
        if let Some(parent) = a.last() {
            children.entry(*parent).or_default().push(i);
        }
    }
    for (i, s) in site.sections.iter_mut().enumerate() {
        s.ancestors = ancestors[i].clone();
        s.pages.clear();
        s.subsections = children.remove(&i).unwrap_or_default();
    }
    let weights: Vec<i64> = site.sections.iter().map(|s| s.meta.weight).collect();
    for s in &mut site.sections {
        s.subsections.sort_by_key(|c| (weights[*c], *c));
    }

    for pid in 0..site.pages.len() {
        let (lang, comps) = {
            let p = &site.pages[pid];
            (p.file.lang.clone(), p.file.components.clone())
        };
        let Some(parent) = find(&lang, &comps) else {
            continue;
        };
        let mut page_ancestors = site.sections[parent].ancestors.clone();
        page_ancestors.push(parent);
        if site.pages[pid].meta.render {
            // A transparent section passes its pages up to its parent as well.
            let mut cur = Some(parent);
            while let Some(sid) = cur {
                site.sections[sid].pages.push(pid);
                cur = if site.sections[sid].meta.transparent {
                    site.sections[sid].ancestors.last().copied()
                } else {
                    None
                };
            }
        }
        if site.pages[pid].meta.template.is_none() {
            let tpl = page_ancestors
                .iter()
                .rev()
                .find_map(|a| site.sections[*a].meta.page_template.clone());
            site.pages[pid].meta.template = tpl;
        }
        site.pages[pid].ancestors = page_ancestors;
    }
}

/// Sort each section's pages and set `lower`/`higher` on pages of non-transparent sections
/// that are sorted: as in Zola, `sort_by = "none"` (the default) gives pages no neighbours.
fn order(site: &mut Site) {
    for sid in 0..site.sections.len() {
        let ids = site.sections[sid].pages.clone();
        let sort_by = site.sections[sid].meta.sort_by;
        let (sorted, ignored) = sort_pages(&site.pages, &ids, sort_by);
        if !site.sections[sid].meta.transparent && sort_by != SortBy::None {
            for (i, pid) in sorted.iter().enumerate() {
                // Only a page's own section decides its neighbours.
                if site.pages[*pid].ancestors.last() != Some(&sid) {
                    continue;
                }
                site.pages[*pid].lower = i.checked_sub(1).map(|j| sorted[j]);
                site.pages[*pid].higher = sorted.get(i + 1).copied();
            }
        }
        site.sections[sid].pages = sorted;
        site.sections[sid].ignored_pages = ignored;
    }
}

/// Two items (or an item and an alias) publishing the same URL. The error sits on the alias,
/// or on the second item's `path`/`slug` line.
fn collisions(site: &Site) -> Vec<Diagnostic> {
    struct Claim {
        file: String,
        how: &'static str,
        line: usize,
        /// Set by a front-matter key (`slug`, `path`, `aliases`), so the place to fix.
        chosen: bool,
    }
    let mut claims: BTreeMap<String, Vec<Claim>> = BTreeMap::new();
    let mut claim = |path: &str, file: &str, how: &'static str, line: usize, chosen: bool| {
        let c = Claim {
            file: file.to_string(),
            how,
            line,
            chosen,
        };
        claims.entry(normalise(path)).or_default().push(c);
    };
    for p in site.pages.iter().filter(|p| p.meta.render) {
        let (line, chosen) = match (&p.meta.path, &p.meta.slug) {
            (Some(_), _) => (p.key_line("path"), true),
            (None, Some(_)) => (p.key_line("slug"), true),
            _ => (p.front_matter_line, false),
        };
        claim(&p.path, &p.file.relative, "URL", line, chosen);
        for a in &p.meta.aliases {
            claim(a, &p.file.relative, "alias", p.key_line("aliases"), true);
        }
    }
    for s in site.sections.iter().filter(|s| s.meta.render) {
        claim(&s.path, &s.file.relative, "URL", s.front_matter_line, false);
        for a in &s.meta.aliases {
            claim(a, &s.file.relative, "alias", s.key_line("aliases"), true);
        }
    }
    claims
        .into_iter()
        .filter(|(_, v)| v.len() > 1)
        .map(|(path, v)| {
            let who: Vec<String> = v
                .iter()
                .map(|c| format!("content/{} ({})", c.file, c.how))
                .collect();
            let at = v
                .iter()
                .find(|c| c.how == "alias")
                .or_else(|| v.iter().find(|c| c.chosen))
                .unwrap_or(&v[v.len() - 1]);
            let fix = if at.how == "alias" {
                "remove or change this alias"
            } else {
                "give one of them another `slug` or `path`"
            };
            Diagnostic::error(
                Path::new("content").join(&at.file),
                format!("{} all publish {path}; {fix}", who.join(" and ")),
            )
            .at(at.line, 1)
        })
        .collect()
}

fn normalise(path: &str) -> String {
    let p = path.trim().trim_start_matches('/');
    if p.is_empty() {
        return "/".into();
    }
    if p.ends_with(".html") || p.ends_with('/') {
        format!("/{p}")
    } else {
        format!("/{p}/")
    }
}
