//! What the engine's byte-level patterns share: matched on bytes with ASCII classes (a Unicode
//! class or `\b` sends a set's lazy DFA to the slow engine on any non-ASCII line), they take
//! non-ASCII words through [`utf8_words`].

/// `pattern` with its word characters (`\w`) taking the bytes of UTF-8's letters too, so that
/// a path or a name in Cyrillic (`src/корзина.py:3:5: error: …`, a test named `test_корзина`)
/// is words as it is in ASCII.
pub(crate) fn utf8_words(pattern: &str) -> String {
    let mut out = String::with_capacity(pattern.len() + 16);
    let (mut in_class, mut escaped) = (false, false);
    for c in pattern.chars() {
        if escaped && c == 'w' {
            out.pop();
            out.push_str(if in_class {
                r"\w\x80-\xFF"
            } else {
                r"[\w\x80-\xFF]"
            });
        } else {
            out.push(c);
            match c {
                '[' if !escaped && !in_class => in_class = true,
                ']' if !escaped && in_class => in_class = false,
                _ => {}
            }
        }
        escaped = c == '\\' && !escaped;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::utf8_words;

    #[test]
    fn a_word_in_a_pattern_may_be_non_ascii() {
        assert_eq!(
            utf8_words(r"^\w+[\w./-]*:\d+"),
            r"^[\w\x80-\xFF]+[\w\x80-\xFF./-]*:\d+"
        );
        // An escaped bracket or backslash is no class's edge.
        assert_eq!(utf8_words(r"\[\w\\w"), r"\[[\w\x80-\xFF]\\w");
    }
}
