//! Heading ids (custom `{#id}` or slugified text, made unique) and the nested table of contents.

use std::collections::{HashMap, HashSet};

use crate::content::Heading;
use crate::slugs::SlugifyStrategy;
use crate::slugs::slugify_anchor;

/// Hands out unique heading ids within one document, as Zola does (`x`, `x-1`, `x-2`).
#[derive(Debug, Default)]
pub struct IdAllocator {
    used: HashSet<String>,
    /// The next suffix to try for each base, so a thousand equal headings take linear time.
    next: HashMap<String, usize>,
}

impl IdAllocator {
    /// Reserve an explicit `{#id}`; duplicates still get a suffix so the HTML stays valid.
    pub fn custom(&mut self, id: &str) -> String {
        self.unique(id.to_string())
    }

    /// Id for a heading without `{#id}`.
    pub fn from_text(&mut self, text: &str, strategy: SlugifyStrategy) -> String {
        let mut base = slugify_anchor(text, strategy);
        if base.is_empty() {
            base = "section".into();
        }
        self.unique(base)
    }

    fn unique(&mut self, base: String) -> String {
        if self.used.insert(base.clone()) {
            return base;
        }
        let n = self.next.entry(base.clone()).or_insert(1);
        loop {
            let candidate = format!("{base}-{n}");
            *n += 1;
            if self.used.insert(candidate.clone()) {
                return candidate;
            }
        }
    }
}

/// Nest a flat list of headings: each heading's children are the deeper ones that follow it.
pub fn nest(flat: Vec<Heading>) -> Vec<Heading> {
    let mut roots: Vec<Heading> = Vec::new();
    for h in flat {
        insert(&mut roots, h);
    }
    roots
}

fn insert(list: &mut Vec<Heading>, h: Heading) {
    match list.last_mut() {
        Some(last) if last.level < h.level => insert(&mut last.children, h),
        _ => list.push(h),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(level: u32, id: &str) -> Heading {
        Heading {
            level,
            id: id.into(),
            ..Default::default()
        }
    }

    #[test]
    fn ids_are_unique() {
        let mut a = IdAllocator::default();
        assert_eq!(a.from_text("Hello", SlugifyStrategy::On), "hello");
        assert_eq!(a.from_text("Hello", SlugifyStrategy::On), "hello-1");
        assert_eq!(a.custom("hello"), "hello-2");
        assert_eq!(a.from_text("!!!", SlugifyStrategy::On), "section");
        assert_eq!(a.custom("hello-3"), "hello-3");
        assert_eq!(a.from_text("Hello", SlugifyStrategy::On), "hello-4");
    }

    #[test]
    fn many_equal_headings_get_ids_in_linear_time() {
        let mut a = IdAllocator::default();
        let ids: Vec<String> = (0..50_000)
            .map(|_| a.from_text("Same", SlugifyStrategy::On))
            .collect();
        assert_eq!(ids[0], "same");
        assert_eq!(ids[49_999], "same-49999");
    }

    #[test]
    fn nests_by_level() {
        let toc = nest(vec![
            h(2, "a"),
            h(3, "a1"),
            h(3, "a2"),
            h(2, "b"),
            h(4, "b1"),
        ]);
        assert_eq!(toc.len(), 2);
        assert_eq!(toc[0].children.len(), 2);
        assert_eq!(toc[1].children[0].id, "b1");
    }
}
