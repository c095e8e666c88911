//! Ordering pages the way a section's `sort_by` asks, as Zola does: pages missing the sort key
//! are set aside, ties are broken by permalink.

use std::cmp::Ordering;

use super::{Page, PageId, SortBy};

/// Sorted page ids and the ids that lack the sort key.
pub fn sort_pages(pages: &[Page], ids: &[PageId], by: SortBy) -> (Vec<PageId>, Vec<PageId>) {
    let has_key = |p: &Page| match by {
        SortBy::Date => p.meta.date.is_some(),
        SortBy::UpdateDate => p.meta.updated.is_some() || p.meta.date.is_some(),
        SortBy::Title | SortBy::TitleBytes => p.meta.title.is_some(),
        SortBy::Weight => p.meta.weight.is_some(),
        SortBy::Slug | SortBy::None => true,
    };
    let (mut sorted, ignored): (Vec<PageId>, Vec<PageId>) =
        ids.iter().partition(|i| has_key(&pages[**i]));
    if by == SortBy::None {
        return (sorted, ignored);
    }
    sorted.sort_by(|a, b| {
        let (pa, pb) = (&pages[*a], &pages[*b]);
        compare(pa, pb, by).then_with(|| pa.permalink.cmp(&pb.permalink))
    });
    (sorted, ignored)
}

fn compare(a: &Page, b: &Page, by: SortBy) -> Ordering {
    let updated = |p: &Page| {
        p.meta
            .updated
            .as_ref()
            .or(p.meta.date.as_ref())
            .map(|d| d.datetime)
    };
    match by {
        // Newest first.
        SortBy::Date => b
            .meta
            .date
            .as_ref()
            .map(|d| d.datetime)
            .cmp(&a.meta.date.as_ref().map(|d| d.datetime)),
        SortBy::UpdateDate => updated(b).cmp(&updated(a)),
        SortBy::Title => natural_cmp(
            a.meta.title.as_deref().unwrap_or(""),
            b.meta.title.as_deref().unwrap_or(""),
        ),
        SortBy::TitleBytes => a.meta.title.cmp(&b.meta.title),
        SortBy::Weight => a.meta.weight.cmp(&b.meta.weight),
        SortBy::Slug => natural_cmp(&a.slug, &b.slug),
        SortBy::None => Ordering::Equal,
    }
}

/// Case-insensitive comparison where digit runs compare as numbers ("page 2" < "page 10").
pub fn natural_cmp(a: &str, b: &str) -> Ordering {
    let mut x = a.chars().peekable();
    let mut y = b.chars().peekable();
    loop {
        match (x.peek().copied(), y.peek().copied()) {
            (None, None) => return a.cmp(b),
            (None, Some(_)) => return Ordering::Less,
            (Some(_), None) => return Ordering::Greater,
            (Some(c), Some(d)) if c.is_ascii_digit() && d.is_ascii_digit() => {
                let n = take_number(&mut x);
                let m = take_number(&mut y);
                match n.cmp(&m) {
                    Ordering::Equal => {}
                    o => return o,
                }
            }
            (Some(c), Some(d)) => {
                let (lc, ld) = (c.to_lowercase().next(), d.to_lowercase().next());
                match lc.cmp(&ld) {
                    Ordering::Equal => {
                        x.next();
                        y.next();
                    }
                    o => return o,
                }
            }
        }
    }
}

fn take_number(it: &mut std::iter::Peekable<std::str::Chars>) -> u128 {
    let mut n: u128 = 0;
    while let Some(c) = it.peek().copied().filter(char::is_ascii_digit) {
        n = n
            .saturating_mul(10)
            .saturating_add(u128::from(c as u8 - b'0'));
        it.next();
    }
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn natural_order_compares_numbers() {
        let mut v = vec!["12-18", "3-6", "0-3", "6-12", "Page 10", "page 2"];
        v.sort_by(|a, b| natural_cmp(a, b));
        assert_eq!(v, vec!["0-3", "3-6", "6-12", "12-18", "page 2", "Page 10"]);
    }
}
