//! Spec markdown -> rustdoc: relative links made absolute, code blocks never doctests,
//! list continuations indented, stray brackets and bare URLs escaped.

const SITE: &str = "https://platform.openai.com";

/// Doc comment lines (without the `///` prefix) for a spec description.
pub(crate) fn doc_lines(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut in_fence = false;
    let mut list_indent: Option<usize> = None;
    for raw in text.lines() {
        let line = raw.trim_end().replace('\t', "    ");
        let trimmed = line.trim_start();
        let indent = line.len() - trimmed.len();
        if trimmed.starts_with("```") {
            if in_fence {
                in_fence = false;
                out.push("```".to_owned());
            } else {
                in_fence = true;
                let lang = trimmed.trim_start_matches('`').trim();
                let lang = if lang.is_empty() || lang == "rust" {
                    "text"
                } else {
                    lang
                };
                out.push(format!("```{lang}"));
            }
            continue;
        }
        if in_fence {
            out.push(line.clone());
            continue;
        }
        if trimmed.is_empty() {
            list_indent = None;
            out.push(String::new());
            continue;
        }
        let marker = list_marker(trimmed);
        let body = inline(trimmed);
        // Indentation of 4+ would make an indented code block (a doctest): cap it.
        let indent = indent.min(2);
        if let Some(width) = marker {
            list_indent = Some(indent + width);
            out.push(format!("{}{body}", " ".repeat(indent)));
        } else if let Some(li) = list_indent {
            // A lazy continuation line of a list item: indent it under the item.
            out.push(format!("{}{body}", " ".repeat(li.max(indent))));
        } else if trimmed.starts_with('>') {
            out.push(body);
        } else {
            out.push(format!("{}{body}", " ".repeat(indent)));
        }
    }
    if in_fence {
        out.push("```".to_owned());
    }
    while out.last().is_some_and(String::is_empty) {
        out.pop();
    }
    out
}

fn list_marker(line: &str) -> Option<usize> {
    if line.starts_with("- ") || line.starts_with("* ") || line.starts_with("+ ") {
        return Some(2);
    }
    let digits = line.chars().take_while(char::is_ascii_digit).count();
    if digits > 0 && (line[digits..].starts_with(". ") || line[digits..].starts_with(") ")) {
        return Some(digits + 2);
    }
    None
}

/// Rewrites one line outside code blocks (code spans are kept as they are).
fn inline(line: &str) -> String {
    let mut out = String::new();
    let mut rest = line;
    while !rest.is_empty() {
        if let Some(after) = rest.strip_prefix('`') {
            // Code span: copy through the closing backtick.
            if let Some(end) = after.find('`') {
                out.push('`');
                out.push_str(&after[..=end]);
                rest = &after[end + 1..];
                continue;
            }
            out.push_str("\\`");
            rest = after;
            continue;
        }
        if let Some(after) = rest.strip_prefix('[') {
            if let Some(close) = after.find(']') {
                let label = &after[..close];
                let tail = &after[close + 1..];
                if let Some(link) = tail.strip_prefix('(') {
                    if let Some(end) = link.find(')') {
                        let target = &link[..end];
                        let target = if target.starts_with('/') {
                            format!("{SITE}{target}")
                        } else {
                            target.to_owned()
                        };
                        out.push_str(&format!("[{}]({target})", inline(label)));
                        rest = &link[end + 1..];
                        continue;
                    }
                }
                out.push_str(&format!("\\[{}\\]", inline(label)));
                rest = tail;
                continue;
            }
            out.push_str("\\[");
            rest = after;
            continue;
        }
        if rest.starts_with("https://") || rest.starts_with("http://") {
            let end = rest
                .find(|c: char| c.is_whitespace() || c == ')' || c == '"' || c == '\'')
                .unwrap_or(rest.len());
            let url = rest[..end].trim_end_matches(['.', ',', ';', ':']);
            out.push_str(&format!("<{url}>"));
            rest = &rest[url.len()..];
            continue;
        }
        let c = rest.chars().next().unwrap_or(' ');
        match c {
            ']' => out.push_str("\\]"),
            '<' => {
                // Real HTML in descriptions is rare; escape so rustdoc does not see tags.
                let tag_like = rest[1..].starts_with(|c: char| c.is_ascii_alphabetic() || c == '/');
                out.push_str(if tag_like { "&lt;" } else { "<" });
            }
            _ => out.push(c),
        }
        rest = &rest[c.len_utf8()..];
    }
    out
}

/// Writes `///` lines (or `//!` with `inner`) for a doc text.
pub(crate) fn write_doc(out: &mut String, text: &str, indent: &str) {
    for line in doc_lines(text) {
        if line.is_empty() {
            out.push_str(&format!("{indent}///\n"));
        } else {
            out.push_str(&format!("{indent}/// {line}\n"));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn links_and_fences() {
        let lines = doc_lines("See [guide](/docs/x).\n\n```\ncode\n```\n- a\nlazy");
        assert_eq!(lines[0], "See [guide](https://platform.openai.com/docs/x).");
        assert_eq!(lines[2], "```text");
        assert_eq!(lines[5], "- a");
        assert_eq!(lines[6], "  lazy");
    }

    #[test]
    fn brackets_and_urls() {
        assert_eq!(inline("a [b] c"), "a \\[b\\] c");
        assert_eq!(inline("see https://x.y/z."), "see <https://x.y/z>.");
        assert_eq!(inline("`[x]`"), "`[x]`");
    }
}
