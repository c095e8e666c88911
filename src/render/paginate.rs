//! Splitting a long list of pages into pagers with Zola's `paginator` variable.

use serde_json::{Value, json};

use super::Renderer;
use crate::content::PageId;
use crate::templates::values::{Content, PageValue};

/// How many pagers a list needs (at least one, so an empty section still renders).
pub fn pager_count(pages: usize, by: Option<usize>) -> usize {
    match by {
        Some(by) if by > 0 => pages.div_ceil(by).max(1),
        _ => 1,
    }
}

/// Site path of pager `index` (0-based): the first pager is the section itself.
pub fn pager_path(base: &str, paginate_path: &str, index: usize) -> String {
    if index == 0 {
        base.to_string()
    } else {
        numbered_pager_path(base, paginate_path, index + 1)
    }
}

/// The URL pager `number` (1-based) would have; number 1 redirects to the section itself.
pub fn numbered_pager_path(base: &str, paginate_path: &str, number: usize) -> String {
    format!("{base}{paginate_path}/{number}/")
}

/// Zola's `paginator` for pager `index`.
pub fn paginator(
    r: &Renderer,
    pages: &[PageId],
    by: usize,
    index: usize,
    permalink: &str,
    paginate_path: &str,
    reversed: bool,
) -> Value {
    let mut ids: Vec<PageId> = pages.to_vec();
    if reversed {
        ids.reverse();
    }
    let count = pager_count(ids.len(), Some(by));
    let url = |i: usize| {
        if i == 0 {
            permalink.to_string()
        } else {
            format!("{permalink}{paginate_path}/{}/", i + 1)
        }
    };
    let slice: Vec<PageValue> = ids
        .iter()
        .skip(index * by)
        .take(by)
        .map(|p| r.values.page(&r.site, *p, Content::Full))
        .collect();
    json!({
        "paginate_by": by,
        "base_url": format!("{permalink}{paginate_path}/"),
        "number_pagers": count,
        "first": url(0),
        "last": url(count - 1),
        "previous": if index > 0 { Value::String(url(index - 1)) } else { Value::Null },
        "next": if index + 1 < count { Value::String(url(index + 1)) } else { Value::Null },
        "pages": slice,
        "current_index": index + 1,
        "total_pages": ids.len(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pager_counts_and_paths() {
        assert_eq!(pager_count(0, Some(5)), 1);
        assert_eq!(pager_count(11, Some(5)), 3);
        assert_eq!(pager_count(11, None), 1);
        assert_eq!(pager_path("/blog/", "page", 0), "/blog/");
        assert_eq!(pager_path("/blog/", "page", 2), "/blog/page/3/");
        assert_eq!(numbered_pager_path("/2/", "page", 1), "/2/page/1/");
    }
}
