//! The numbers in the Chinese plan pages and their English translations agree, item by item.
//!
//! An item is a goal (`{% item(id="…", n=…) %} … {% end %}`) or a heading with an anchor
//! (`### 3.TITLE {#health-measure-3}`) together with the paragraphs up to the next heading or goal.
//! For each anchor present in both languages:
//! - every Arabic number in the Chinese item appears in the English item;
//! - every number in the English item (digits, or the words one to ten) appears in the Chinese
//!   item, where the Chinese side also counts Chinese numerals that stand for a quantity
//!   (三孩, 十四五, 第十次, 三级, 每千名 …).
//!
//! Numbers are compared as sets and numerically (`3.0` = `3`, `1,000` = `1000`). The enumerator of
//! the item itself (`3.` / `（一）` / `(1)` / `(i)` at the start of a heading or goal) is ignored.
//! It also checks that the two languages have the same anchors in the same order.
//!
//! Run with `cargo test --test testsuite plan_numbers:: -- --nocapture` to see the report.

use std::collections::BTreeSet;
use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

#[derive(Debug)]
struct Item {
    anchor: String,
    /// The heading text (enumerator removed) or the goal body, then the paragraphs.
    text: String,
}

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn body_of(path: &Path) -> String {
    let raw = fs::read_to_string(path).unwrap().replace("\r\n", "\n");
    let raw = raw.strip_prefix('\u{feff}').unwrap_or(&raw).to_string();
    let mut lines = raw.split_inclusive('\n');
    let first = lines.next().unwrap_or_default();
    assert_eq!(
        first.trim_end(),
        "+++",
        "{}: no +++ front matter",
        path.display()
    );
    let mut closed = false;
    for line in lines.by_ref() {
        if line.trim_end() == "+++" {
            closed = true;
            break;
        }
    }
    assert!(closed, "{}: front matter is not closed", path.display());
    lines.collect()
}

/// Removes the item's own enumerator from the start of a heading or goal:
/// `3.`, `3、`, `（一）`, `(1)`, `(i)`.
fn strip_enumerator(s: &str) -> String {
    let s = s.trim_start();
    let bracketed = Regex::new(
        r"^(?:（[一二三四五六七八九十]+）|[（(]\d+[）)]|\((?:i|ii|iii|iv|v|vi|vii|viii|ix|x)\))\s*",
    )
    .unwrap();
    if let Some(m) = bracketed.find(s) {
        return s[m.end()..].to_string();
    }
    // `3.` but not `3.0`.
    let numbered = Regex::new(r"^\d+[.．、]").unwrap();
    if let Some(m) = numbered.find(s) {
        let rest = &s[m.end()..];
        if !rest.starts_with(|c: char| c.is_ascii_digit()) {
            return rest.trim_start().to_string();
        }
    }
    s.to_string()
}

/// Splits a page into items in document order.
fn items_of(path: &Path) -> Vec<Item> {
    let body = body_of(path);
    let item_start = Regex::new(r#"^\{%\s*item\((.*)\)\s*%\}\s*$"#).unwrap();
    let id_arg = Regex::new(r#"\bid\s*=\s*"([^"]+)""#).unwrap();
    let item_end = Regex::new(r"^\{%\s*end\s*%\}\s*$").unwrap();
    let heading = Regex::new(r"^#{1,6}\s+(.*?)\s*(?:\{#([^}]+)\})?\s*$").unwrap();

    let mut items: Vec<Item> = Vec::new();
    // Index in `items` of the heading section that is collecting paragraphs.
    let mut open_section: Option<usize> = None;
    let mut lines = body.lines();
    while let Some(line) = lines.next() {
        if let Some(c) = item_start.captures(line) {
            open_section = None;
            let anchor = id_arg
                .captures(&c[1])
                .unwrap_or_else(|| panic!("{}: item without id: {line}", path.display()))[1]
                .to_string();
            let mut text = String::new();
            let mut closed = false;
            for inner in lines.by_ref() {
                if item_end.is_match(inner) {
                    closed = true;
                    break;
                }
                text.push_str(inner);
                text.push('\n');
            }
            assert!(closed, "{}: item {anchor} is not closed", path.display());
            items.push(Item {
                anchor,
                text: strip_enumerator(text.trim()),
            });
        } else if let Some(c) = heading.captures(line) {
            open_section = None;
            if let Some(anchor) = c.get(2) {
                items.push(Item {
                    anchor: anchor.as_str().to_string(),
                    text: format!("{}\n", strip_enumerator(&c[1])),
                });
                open_section = Some(items.len() - 1);
            }
        } else if let Some(i) = open_section {
            items[i].text.push_str(line);
            items[i].text.push('\n');
        }
    }
    items
}

/// Canonical form of a decimal number: no thousands commas, no trailing zeros after the point.
fn canonical(number: &str) -> String {
    let mut s: String = number.chars().filter(|&c| c != ',').collect();
    if s.contains('.') {
        while s.ends_with('0') {
            s.pop();
        }
        if s.ends_with('.') {
            s.pop();
        }
    }
    let trimmed = s.trim_start_matches('0');
    if trimmed.is_empty() || trimmed.starts_with('.') {
        format!("0{trimmed}")
    } else {
        trimmed.to_string()
    }
}

/// Text without Markdown link targets and heading ids, which are not part of the wording.
fn strip_markup(text: &str) -> String {
    let link_target = Regex::new(r"\]\([^)]*\)").unwrap();
    let heading_id = Regex::new(r"\{#[^}]*\}").unwrap();
    let t = link_target.replace_all(text, "]");
    heading_id.replace_all(&t, "").into_owned()
}

fn arabic_numbers(text: &str) -> BTreeSet<String> {
    let text: String = text
        .chars()
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap(),
            '．' => '.',
            _ => c,
        })
        .collect();
    let number = Regex::new(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?").unwrap();
    number
        .find_iter(&text)
        .map(|m| canonical(m.as_str()))
        .collect()
}

fn english_word_numbers(text: &str) -> BTreeSet<String> {
    // The pronoun "one" is not a number.
    let pronoun = Regex::new(r"(?i)\bone['’]s\b|\bno one\b|\bone another\b").unwrap();
    let text = pronoun.replace_all(text, " ");
    let words = Regex::new(r"(?i)\b(one|two|three|four|five|six|seven|eight|nine|ten)\b").unwrap();
    words
        .captures_iter(&text)
        .map(|c| {
            let n = match c[1].to_ascii_lowercase().as_str() {
                "one" => 1,
                "two" => 2,
                "three" => 3,
                "four" => 4,
                "five" => 5,
                "six" => 6,
                "seven" => 7,
                "eight" => 8,
                "nine" => 9,
                _ => 10,
            };
            n.to_string()
        })
        .collect()
}

/// Value of a Chinese numeral such as 三, 十, 十四, 二十五, 一百, 两千.
fn chinese_value(numeral: &str) -> Option<u64> {
    let digit = |c: char| match c {
        '零' => Some(0),
        '一' => Some(1),
        '二' | '两' => Some(2),
        '三' => Some(3),
        '四' => Some(4),
        '五' => Some(5),
        '六' => Some(6),
        '七' => Some(7),
        '八' => Some(8),
        '九' => Some(9),
        _ => None,
    };
    let mut total = 0u64;
    let mut pending: Option<u64> = None;
    for c in numeral.chars() {
        let unit = match c {
            '十' => 10,
            '百' => 100,
            '千' => 1000,
            '万' => 10000,
            _ => {
                pending = Some(pending.unwrap_or(0) * 10 + digit(c)?);
                continue;
            }
        };
        if unit == 10000 {
            total = (total + pending.unwrap_or(0)) * unit;
        } else {
            total += pending.unwrap_or(1) * unit;
        }
        pending = None;
    }
    Some(total + pending.unwrap_or(0))
}

/// Chinese numerals that stand for a quantity or an ordinal: after 第 or 每, before a measure
/// word, or in fixed expressions (十四五, 十八大, 十九届).
fn chinese_numbers(text: &str) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    // 十四五 = the 14th Five-Year Plan period.
    if text.contains("十四五") {
        out.insert("14".to_string());
        out.insert("5".to_string());
    }
    let numeral = Regex::new(r"([第每]?)([零一二两三四五六七八九十百千万]+)(.?)").unwrap();
    const MEASURE_WORDS: &str =
        "个次孩级所名年岁项重类种大届周月日天张条批家位人倍层支套件站门代胎";
    for c in numeral.captures_iter(text) {
        let prefixed = !c[1].is_empty();
        let next = c[3].chars().next();
        let counted = next.is_some_and(|n| MEASURE_WORDS.contains(n));
        let numeral = &c[2];
        if !(prefixed || counted) {
            continue;
        }
        if let Some(v) = chinese_value(numeral) {
            out.insert(v.to_string());
        }
    }
    out
}

fn plan_page_pairs() -> Vec<(PathBuf, PathBuf)> {
    let dir = root().join("content/plan");
    let mut pairs = Vec::new();
    for entry in fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        if !name.ends_with(".md")
            || name.ends_with(".en.md")
            || name.starts_with('_')
            || name == "glossary.md"
        {
            continue;
        }
        let en = dir.join(name.replace(".md", ".en.md"));
        assert!(en.exists(), "{} has no English translation", path.display());
        pairs.push((path, en));
    }
    pairs.sort();
    pairs
}

fn show(set: &BTreeSet<String>) -> String {
    set.iter().cloned().collect::<Vec<_>>().join(", ")
}

#[test]
fn chinese_and_english_plan_numbers_agree() {
    let pairs = plan_page_pairs();
    assert!(
        pairs.len() >= 11,
        "expected the 11 plan pages, found {}",
        pairs.len()
    );

    let mut compared = 0usize;
    let mut differing = 0usize;
    let mut anchor_problems = Vec::new();

    for (zh_path, en_path) in &pairs {
        let page = zh_path.file_name().unwrap().to_string_lossy().into_owned();
        let zh_items = items_of(zh_path);
        let en_items = items_of(en_path);

        let zh_anchors: Vec<&str> = zh_items.iter().map(|i| i.anchor.as_str()).collect();
        let en_anchors: Vec<&str> = en_items.iter().map(|i| i.anchor.as_str()).collect();
        if zh_anchors != en_anchors {
            let only_zh: Vec<&&str> = zh_anchors
                .iter()
                .filter(|a| !en_anchors.contains(a))
                .collect();
            let only_en: Vec<&&str> = en_anchors
                .iter()
                .filter(|a| !zh_anchors.contains(a))
                .collect();
            println!(
                "ANCHORS differ in {page}: only in zh {only_zh:?}, only in en {only_en:?} (or order differs)"
            );
            anchor_problems.push(page.clone());
        }

        for zh in &zh_items {
            let Some(en) = en_items.iter().find(|e| e.anchor == zh.anchor) else {
                continue;
            };
            compared += 1;
            let zh_text = strip_markup(&zh.text);
            let en_text = strip_markup(&en.text);

            let zh_arabic = arabic_numbers(&zh_text);
            let mut zh_all = zh_arabic.clone();
            zh_all.extend(chinese_numbers(&zh_text));
            // ‰ may be rendered "per 1,000" in English.
            if zh_text.contains('‰') {
                zh_all.insert("1000".to_string());
            }
            let mut en_all = arabic_numbers(&en_text);
            en_all.extend(english_word_numbers(&en_text));

            let missing_in_en: BTreeSet<String> = zh_arabic.difference(&en_all).cloned().collect();
            let extra_in_en: BTreeSet<String> = en_all.difference(&zh_all).cloned().collect();
            if !missing_in_en.is_empty() || !extra_in_en.is_empty() {
                differing += 1;
                println!(
                    "DIFFER {page} #{}: zh [{}] en [{}]; zh numbers missing in en [{}]; en numbers not in zh [{}]",
                    zh.anchor,
                    show(&zh_all),
                    show(&en_all),
                    show(&missing_in_en),
                    show(&extra_in_en),
                );
            }
        }
    }

    println!(
        "plan numbers: {compared} items compared on {} pages, {differing} differ",
        pairs.len()
    );
    assert!(compared > 0, "no items compared");
    assert!(
        anchor_problems.is_empty(),
        "zh and en anchors differ on {anchor_problems:?}"
    );
    assert_eq!(
        differing, 0,
        "{differing} items have numbers that differ between zh and en"
    );
}

#[test]
fn number_helpers() {
    assert_eq!(canonical("3.0"), "3");
    assert_eq!(canonical("1,000"), "1000");
    assert_eq!(canonical("1.12"), "1.12");
    assert_eq!(canonical("0"), "0");
    assert_eq!(canonical("0.50"), "0.5");
    assert_eq!(chinese_value("十四"), Some(14));
    assert_eq!(chinese_value("二十五"), Some(25));
    assert_eq!(chinese_value("十"), Some(10));
    assert_eq!(chinese_value("一百"), Some(100));
    assert_eq!(chinese_value("千"), Some(1000));
    assert_eq!(
        strip_enumerator("3.加大儿童健康知识宣传普及力度"),
        "加大儿童健康知识宣传普及力度"
    );
    assert_eq!(
        strip_enumerator("3. Step up health education"),
        "Step up health education"
    );
    assert_eq!(strip_enumerator("3.0‰以下"), "3.0‰以下");
    assert_eq!(strip_enumerator("（一）指导思想"), "指导思想");
    assert_eq!(strip_enumerator("(1) Guiding ideology"), "Guiding ideology");
    assert_eq!(strip_enumerator("(iv) Four"), "Four");
    assert!(chinese_numbers("落实三孩生育政策").contains("3"));
    assert!(chinese_numbers("实施十四五学前教育").contains("14"));
    assert!(english_word_numbers("selling one's own children; no one").is_empty());
    assert!(english_word_numbers("one-stop services for two groups").contains("2"));
    assert!(chinese_numbers("第十次会议").contains("10"));
    assert!(chinese_numbers("每千名儿童").contains("1000"));
    assert!(chinese_numbers("统一的平台，进一步优化").is_empty());
    let dates = arabic_numbers("2022年6月6日");
    assert_eq!(dates, arabic_numbers("6 June 2022"));
}
