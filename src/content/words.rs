//! Word counting for `word_count` and `reading_time`: the words Zola counts (Unicode word
//! boundaries, UAX #29, through `unicode-segmentation`), with Chinese and Japanese characters
//! counted apart. Most text is ASCII or Chinese; such runs are counted by a small table of the
//! UAX #29 rules they can meet, the rest by `unicode-segmentation`, with the same result (a
//! property test holds the two together). The table path is what keeps the count off the
//! profile of a large build: segmenting every character through the full Unicode tables was a
//! tenth of the build's time.

use unicode_segmentation::UnicodeSegmentation;

/// Words counted in `prose`: (single CJK characters, other words).
pub fn count(prose: &str) -> (usize, usize) {
    let (mut characters, mut words) = (0, 0);
    let mut start = 0;
    for (end, b) in prose.bytes().enumerate().chain([(prose.len(), b' ')]) {
        if !b.is_ascii_whitespace() {
            continue;
        }
        if start < end {
            let (c, w) = match table_count(&prose[start..end]) {
                Some(n) => n,
                // With the whitespace before it: a combining mark after a space belongs to
                // the space's segment (UAX #29 WB4), and a space never starts a word.
                None => segmented(&prose[start.saturating_sub(1)..end]),
            };
            characters += c;
            words += w;
        }
        start = end + 1;
    }
    (characters, words)
}

/// The oracle: every UAX #29 word, a single CJK character counted apart.
fn segmented(text: &str) -> (usize, usize) {
    let (mut characters, mut words) = (0, 0);
    for w in text.unicode_words() {
        let mut chars = w.chars();
        match (chars.next(), chars.next()) {
            (Some(c), None) if is_cjk(c) => characters += 1,
            _ => words += 1,
        }
    }
    (characters, words)
}

/// Han, kana and hangul: scripts written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xF900..=0xFAFF
        | 0xAC00..=0xD7AF | 0x20000..=0x2FA1F)
}

/// UAX #29 Word_Break values of the characters the table knows.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Class {
    Letter,
    Numeric,
    /// MidLetter: joins two letters.
    MidLetter,
    /// MidNumLet and Single_Quote: join two letters or two digits.
    MidNumLet,
    /// MidNum: joins two digits.
    MidNum,
    /// ExtendNumLet (`_`): joins to letters, digits and itself.
    Connector,
    /// A Han character: a word of its own.
    Han,
    /// Punctuation and symbols (Word_Break Other): never part of a word.
    Other,
}

/// The class of `c`, or `None` for a character the table does not know (the caller falls
/// back to `unicode-segmentation`).
fn class(c: char) -> Option<Class> {
    Some(match c {
        'a'..='z' | 'A'..='Z' => Class::Letter,
        '0'..='9' => Class::Numeric,
        ':' | '·' | '：' => Class::MidLetter,
        '.' | '\'' | '‘' | '’' | '．' => Class::MidNumLet,
        ',' | ';' | '，' | '；' => Class::MidNum,
        '_' => Class::Connector,
        '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}' => Class::Han,
        '!'..='/' | '<'..='@' | '['..='`' | '{'..='~' => Class::Other,
        '、' | '。' | '“' | '”' | '（' | '）' | '《' | '》' | '〈' | '〉' | '「' | '」' | '『'
        | '』' | '【' | '】' | '？' | '！' | '—' | '…' | '～' => Class::Other,
        _ => return None,
    })
}

/// Count a run without whitespace by the table, or `None` if it has a character the table
/// does not know. Reads the run once, with one character of context behind and two ahead.
fn table_count(run: &str) -> Option<(usize, usize)> {
    let mut chars = run.chars();
    // `Err` for a character the table does not know.
    let mut pull = || match chars.next() {
        None => Ok(None),
        Some(c) => class(c).map(Some).ok_or(()),
    };
    let (mut before, mut cur, mut next, mut after) =
        (None, pull().ok()?, pull().ok()?, pull().ok()?);
    let (mut characters, mut words) = (0, 0);
    // Whether the segment being read holds a letter or digit.
    let mut counts = false;
    while let Some(c) = cur {
        if c == Class::Han {
            characters += 1;
        } else {
            counts |= matches!(c, Class::Letter | Class::Numeric);
            // The segment ends where the next character does not join it (or the run ends).
            if !joins(before, c, next, after) {
                words += usize::from(counts);
                counts = false;
            }
        }
        (before, cur, next, after) = (Some(c), next, after, pull().ok()?);
    }
    Some((characters, words))
}

/// Whether UAX #29 keeps `a` and the `b` after it in one segment (rules WB5 to WB13b, for the
/// classes the table knows), with the character `before` `a` and the one `after` `b`.
fn joins(before: Option<Class>, a: Class, b: Option<Class>, after: Option<Class>) -> bool {
    use Class::*;
    let Some(b) = b else {
        return false;
    };
    match (a, b) {
        (Letter | Numeric, Letter | Numeric) => true,
        (Letter | Numeric | Connector, Connector) | (Connector, Letter | Numeric) => true,
        (Letter, MidLetter | MidNumLet) => after == Some(Letter),
        (MidLetter | MidNumLet, Letter) => before == Some(Letter),
        (Numeric, MidNum | MidNumLet) => after == Some(Numeric),
        (MidNum | MidNumLet, Numeric) => before == Some(Numeric),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    #[test]
    fn the_table_counts_as_uax_29() {
        for text in [
            "Don't count 3.14 as two; e.g. this.",
            "a:b a.1 1.a 1,000 1;2 x_1 _ __ _a a_ a.b.c 1..2 a''b",
            "儿童发展规划（2021-2030年）：1，000 名 children’s 「健康」",
            "e.g.: see p.12, 3,5 km. ok?",
            "a·b a：b 1．2 a．b 1；2 a‘b a“b”c 、。（）《》〈〉「」『』【】？！—…～ a～b 1—2",
        ] {
            assert_eq!(count(text), segmented(text), "{text}");
        }
    }

    #[test]
    fn text_the_table_does_not_know_falls_back() {
        // Arabic with vowel marks, a combining mark after a space, Katakana runs.
        for text in ["كَتَبَ الوَلَدُ", "a \u{0301}b", "カタカナ です", "café crème"]
        {
            assert_eq!(count(text), segmented(text), "{text}");
        }
    }

    proptest! {
        #[test]
        fn count_matches_unicode_segmentation(text in "[ab1 2._',:;!\\-\"\n\t中文，。：’é\u{0301}ーカ]{0,24}") {
            prop_assert_eq!(count(&text), segmented(&text));
        }
    }
}
