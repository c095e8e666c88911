//! Reading `content/`: walk the folder, parse every file in parallel, compute URLs, then hand
//! the items to the library step that links them together.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use sha2::{Digest, Sha256};
use walkdir::WalkDir;

use super::file::{FileInfo, date_prefix};
use super::front_matter::{self, Date};
use super::{Page, Section, Site, SourceText, library, reading};
use crate::config::Config;
use crate::diagnostics::{Diagnostic, Diagnostics};
use crate::slugs::slugify;

/// Choices that change what is loaded.
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    pub drafts: bool,
}

/// Files found under `content/`.
struct Found {
    markdown: Vec<PathBuf>,
    assets: Vec<PathBuf>,
}

/// Load every page and section, link them into a `Site` (without rendered Markdown). Problems
/// that still let the site render (two things at one URL, an unknown taxonomy) come back with
/// the site; the others are the `Err`.
pub fn load_site(
    config: Config,
    root: &Path,
    opts: LoadOptions,
) -> Result<(Site, Vec<Diagnostic>), Diagnostics> {
    let content_dir = root.join("content");
    let found = walk(&content_dir, &config);
    let parsed: Vec<Result<Item, Diagnostic>> = found
        .markdown
        .par_iter()
        .map(|p| parse_file(p, &content_dir, &config, root))
        .collect();
    let mut problems = Diagnostics::default();
    let mut pages = Vec::new();
    let mut sections = Vec::new();
    for r in parsed {
        match r {
            Ok(Item::Page(p)) => pages.push(*p),
            Ok(Item::Section(s)) => sections.push(*s),
            Err(d) => problems.push(d),
        }
    }
    for lang in &config.languages {
        let has_index = sections
            .iter()
            .any(|s: &Section| s.file.lang == lang.code && s.file.components.is_empty());
        if !has_index {
            match default_index(&lang.code, &content_dir, &config, root) {
                Ok(Item::Section(s)) => sections.push(*s),
                Ok(Item::Page(_)) => {}
                Err(d) => problems.push(d),
            }
        }
    }
    if problems.has_errors() {
        return Err(problems);
    }
    if !opts.drafts {
        drop_drafts(&mut pages, &mut sections);
    }
    // Stable ids whatever the walk order.
    pages.sort_by(|a, b| a.file.relative.cmp(&b.file.relative));
    sections.sort_by(|a, b| a.file.relative.cmp(&b.file.relative));
    attach_assets(&mut pages, &mut sections, &found.assets);
    let mut site = Site {
        config,
        root: root.to_path_buf(),
        content_dir,
        pages,
        sections,
        by_relative: HashMap::new(),
        translations: HashMap::new(),
        taxonomies: Vec::new(),
    };
    let mut soft = Diagnostics::default();
    soft.extend(
        site.pages
            .iter()
            .flat_map(|p| p.meta.warnings.iter().cloned()),
    );
    library::link(&mut site, &mut soft);
    Ok((site, soft.sorted()))
}

/// Drafts are left out, and so is everything inside a draft section (as in Zola).
fn drop_drafts(pages: &mut Vec<Page>, sections: &mut Vec<Section>) {
    let draft_dirs: HashSet<(String, Vec<String>)> = sections
        .iter()
        .filter(|s| s.meta.draft)
        .map(|s| (s.file.lang.clone(), s.file.components.clone()))
        .collect();
    let inside_draft = |lang: &str, comps: &[String]| {
        (0..=comps.len()).any(|n| draft_dirs.contains(&(lang.to_string(), comps[..n].to_vec())))
    };
    pages.retain(|p| !p.meta.draft && !inside_draft(&p.file.lang, &p.file.components));
    sections.retain(|s| !s.meta.draft && !inside_draft(&s.file.lang, &s.file.components));
}

fn walk(content_dir: &Path, config: &Config) -> Found {
    let mut found = Found {
        markdown: Vec::new(),
        assets: Vec::new(),
    };
    let walker = WalkDir::new(content_dir)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !e.file_name().to_string_lossy().starts_with('.'));
    for entry in walker.filter_map(Result::ok) {
        if !entry.file_type().is_file() {
            continue;
        }
        let path = entry.path();
        let rel = path.strip_prefix(content_dir).unwrap_or(path);
        if config.ignored_content.is_match(rel) {
            continue;
        }
        if path.extension().is_some_and(|e| e == "md") {
            found.markdown.push(path.to_path_buf());
        } else {
            found.assets.push(path.to_path_buf());
        }
    }
    found
}

enum Item {
    Page(Box<Page>),
    Section(Box<Section>),
}

fn parse_file(
    path: &Path,
    content_dir: &Path,
    config: &Config,
    root: &Path,
) -> Result<Item, Diagnostic> {
    let shown = crate::diagnostics::rel(root, path);
    let text = std::fs::read_to_string(path).map_err(|e| {
        Diagnostic::error(
            &shown,
            format!("cannot read this file as UTF-8 text ({e}); save it as UTF-8"),
        )
    })?;
    parse_text(path, &text, content_dir, config, root)
}

/// The index section Zola creates for a language whose `content/_index[.lang].md` is missing.
fn default_index(
    lang: &str,
    content_dir: &Path,
    config: &Config,
    root: &Path,
) -> Result<Item, Diagnostic> {
    let name = if lang == config.default_language {
        "_index.md".to_string()
    } else {
        format!("_index.{lang}.md")
    };
    parse_text(
        &content_dir.join(name),
        "+++\n+++\n",
        content_dir,
        config,
        root,
    )
}

fn parse_text(
    path: &Path,
    text: &str,
    content_dir: &Path,
    config: &Config,
    root: &Path,
) -> Result<Item, Diagnostic> {
    let shown = crate::diagnostics::rel(root, path);
    let info = FileInfo::new(path, content_dir, config)?;
    let split = front_matter::split(text, &shown)?;
    if info.is_section {
        let meta = front_matter::parse_section(&split, &shown)?;
        let path = section_path(&info, config);
        Ok(Item::Section(Box::new(Section {
            permalink: config.permalink(&path),
            components: components(&path),
            path,
            reading: reading(split.body),
            body: SourceText::new(split.body),
            body_line: split.body_line,
            front_matter: split.front_matter.to_string(),
            front_matter_line: split.front_matter_line,
            file: info,
            meta,
            ancestors: Vec::new(),
            assets: Vec::new(),
            pages: Vec::new(),
            ignored_pages: Vec::new(),
            subsections: Vec::new(),
        })))
    } else {
        let mut meta = front_matter::parse_page(&split, &shown)?;
        let slug = page_slug(&info, &mut meta, config);
        let path = page_path(&info, &meta, &slug, config);
        Ok(Item::Page(Box::new(Page {
            permalink: config.permalink(&path),
            components: components(&path),
            path,
            slug,
            reading: reading(split.body),
            body: SourceText::new(split.body),
            body_line: split.body_line,
            front_matter: split.front_matter.to_string(),
            front_matter_line: split.front_matter_line,
            file: info,
            meta,
            ancestors: Vec::new(),
            assets: Vec::new(),
            lower: None,
            higher: None,
        })))
    }
}

/// Short, stable hash of a text (hex), used to detect stale translations.
pub fn hash(text: &str) -> String {
    let digest = Sha256::digest(text.replace("\r\n", "\n").trim().as_bytes());
    digest[..8].iter().map(|b| format!("{b:02x}")).collect()
}

fn components(path: &str) -> Vec<String> {
    path.split('/')
        .filter(|s| !s.is_empty())
        .map(str::to_string)
        .collect()
}

fn lang_prefix(lang: &str, config: &Config) -> String {
    if lang == config.default_language {
        String::new()
    } else {
        format!("{lang}/")
    }
}

fn section_path(info: &FileInfo, config: &Config) -> String {
    let mut p = format!("/{}", lang_prefix(&info.lang, config));
    for c in &info.components {
        p.push_str(c);
        p.push('/');
    }
    p
}

/// The page's slug; a date in the file name also becomes the page's date if none is set.
fn page_slug(info: &FileInfo, meta: &mut front_matter::PageMeta, config: &Config) -> String {
    let strategy = config.slugify.paths;
    if let Some(s) = &meta.slug {
        return slugify(s.trim(), strategy);
    }
    let mut name = info.name.clone();
    if let Some((date, rest)) = date_prefix(&name) {
        if meta.date.is_none() {
            meta.date = parse_name_date(&date);
        }
        if !config.slugify.paths_keep_dates {
            name = rest;
        }
    }
    slugify(&name, strategy)
}

fn parse_name_date(text: &str) -> Option<Date> {
    let d = chrono::NaiveDate::parse_from_str(&text[..10.min(text.len())], "%Y-%m-%d").ok()?;
    Some(Date {
        text: text.to_string(),
        datetime: d.and_hms_opt(0, 0, 0)?,
    })
}

fn page_path(
    info: &FileInfo,
    meta: &front_matter::PageMeta,
    slug: &str,
    config: &Config,
) -> String {
    // As in Zola, a front-matter `path` is the whole path: no language prefix is added.
    if let Some(custom) = &meta.path {
        let custom = custom.trim().trim_matches('/');
        if custom.is_empty() {
            return "/".into();
        }
        return format!("/{custom}/");
    }
    let prefix = lang_prefix(&info.lang, config);
    let mut p = format!("/{prefix}");
    for c in &info.components {
        p.push_str(c);
        p.push('/');
    }
    if !slug.is_empty() {
        p.push_str(slug);
        p.push('/');
    }
    p
}

/// Give colocated files to the `index.md` page or section whose folder holds them.
fn attach_assets(pages: &mut [Page], sections: &mut [Section], assets: &[PathBuf]) {
    let mut by_dir: HashMap<&Path, Vec<PathBuf>> = HashMap::new();
    for a in assets {
        if let Some(dir) = a.parent() {
            by_dir.entry(dir).or_default().push(a.clone());
        }
    }
    for p in pages.iter_mut() {
        if let Some(dir) = &p.file.colocated_dir {
            // A page folder owns everything under it, sub-folders included.
            p.assets = assets
                .iter()
                .filter(|a| a.starts_with(dir))
                .cloned()
                .collect();
        }
    }
    for s in sections.iter_mut() {
        if let Some(dir) = &s.file.colocated_dir {
            s.assets = by_dir.get(dir.as_path()).cloned().unwrap_or_default();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hash_ignores_line_endings_and_outer_whitespace() {
        assert_eq!(hash("a\r\nb\n"), hash("a\nb"));
        assert_ne!(hash("a"), hash("b"));
    }
}
