//! Dotenv files, read exactly as Next.js reads them and merged without disturbing what the
//! user wrote.
//!
//! Next.js (`@next/env`) parses each file with dotenv 16's one regular expression and then
//! expands `$NAME` references with dotenv-expand. [`parse`] follows that expression's
//! backtracking semantics, but in one linear pass: a run of blank lines or a long quoted value
//! is scanned once, never once per line. [`load`] adds the expansion and Next's order of files.
//! `tests/cli/dotenv_next.rs` checks both against the real `@next/env` on a corpus and on
//! generated files.
//!
//! Writing is the reverse: [`encode`] picks the first spelling of a value that [`parse`] reads
//! back as exactly that value, and refuses a value no spelling carries. [`merge`] only ever adds
//! keys and fills empty ones; comments, order, quoting and line endings stay as they are.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;

/// One `KEY=value` assignment found in a file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Assignment {
    pub key: String,
    /// The value as dotenv returns it: quotes removed, `\n` unescaped in double quotes. Not
    /// expanded (see [`load`]).
    pub value: String,
    /// Where the raw value is in the original text (quotes included): an empty range right
    /// after `=` when there is none.
    pub value_span: Range<usize>,
    /// The whole assignment, from the key to the end of its line (or of a trailing comment).
    pub span: Range<usize>,
}

/// A key the tool wants in the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Entry {
    pub key: String,
    pub value: String,
    /// Written as `# …` above the key when the key is added.
    pub comment: Option<String>,
    /// Write `value` into an existing key whose value is empty (an explicit answer, such as
    /// `--insforge-url`). A key with a value is never changed.
    pub fill_empty: bool,
}

/// What a secret looks like in any output.
pub const MASK: &str = "********";

// ---------------------------------------------------------------------------------------------
// Characters as JavaScript's regular expressions see them (dotenv's pattern has the `m` flag).

/// A line terminator for `^`, `$` and `.` (CR is gone after dotenv's normalisation).
fn is_lt(c: char) -> bool {
    matches!(c, '\n' | '\r' | '\u{2028}' | '\u{2029}')
}

/// JavaScript's `\s`.
fn is_ws(c: char) -> bool {
    matches!(
        c,
        '\t' | '\n' | '\u{b}' | '\u{c}' | '\r' | ' ' | '\u{a0}' | '\u{1680}' | '\u{2000}'
            ..='\u{200a}'
                | '\u{2028}'
                | '\u{2029}'
                | '\u{202f}'
                | '\u{205f}'
                | '\u{3000}'
                | '\u{feff}'
    )
}

/// JavaScript's `\w` (without the `u` flag: ASCII only).
fn is_word(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

fn is_key_char(c: char) -> bool {
    is_word(c) || c == '.' || c == '-'
}

fn at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|rest| rest.chars().next())
}

/// The first position at or after `i` that is not whitespace.
fn skip_ws(s: &str, mut i: usize) -> usize {
    while let Some(c) = at(s, i) {
        if !is_ws(c) {
            break;
        }
        i += c.len_utf8();
    }
    i
}

/// The position of the next line terminator at or after `i`, or the end.
fn line_end(s: &str, i: usize) -> usize {
    s[i..]
        .char_indices()
        .find(|&(_, c)| is_lt(c))
        .map_or(s.len(), |(k, _)| i + k)
}

/// JavaScript's `String.prototype.trim`.
fn js_trim(s: &str) -> &str {
    s.trim_matches(is_ws)
}

// ---------------------------------------------------------------------------------------------
// Parsing.

/// dotenv turns `\r\n` and lone `\r` into `\n` before matching. Offsets in the normalised
/// text map back to the original through the positions where a `\n` was dropped.
struct Normalised {
    text: String,
    /// Normalised offsets at which one original byte (the `\n` of a `\r\n`) was dropped.
    dropped: Vec<usize>,
}

impl Normalised {
    fn new(original: &str) -> Self {
        if !original.contains('\r') {
            return Self {
                text: original.to_string(),
                dropped: Vec::new(),
            };
        }
        let mut text = String::with_capacity(original.len());
        let mut dropped = Vec::new();
        let mut chars = original.chars().peekable();
        while let Some(c) = chars.next() {
            if c == '\r' {
                text.push('\n');
                if chars.peek() == Some(&'\n') {
                    chars.next();
                    dropped.push(text.len());
                }
            } else {
                text.push(c);
            }
        }
        Self { text, dropped }
    }

    fn original(&self, offset: usize) -> usize {
        offset + self.dropped.partition_point(|&d| d <= offset)
    }
}

/// One match of dotenv's expression, in normalised offsets.
struct Match {
    key: Range<usize>,
    value: Range<usize>,
    start: usize,
    end: usize,
}

/// `\s*(?:#.*)?$` at `y`: where the match ends, or None when it cannot end here.
fn tail(s: &str, y: usize) -> Option<usize> {
    let z = skip_ws(s, y);
    match at(s, z) {
        None => Some(s.len()),
        Some('#') => Some(line_end(s, z)),
        Some(_) => s[y..z]
            .char_indices()
            .rev()
            .find(|&(_, c)| is_lt(c))
            .map(|(k, _)| y + k),
    }
}

/// The value group and the match end, from `x` (right after `=`, or `:` and one space).
/// Some alternative always matches here, as in the regular expression.
fn value_and_tail(s: &str, x: usize) -> (Range<usize>, usize) {
    let z = skip_ws(s, x);
    if let Some(q @ ('\'' | '"' | '`')) = at(s, z) {
        // `q(?:\\q|[^q])*q`: greedy, so the furthest closing quote first; an escaped quote
        // can also close when the tail fails after the furthest one.
        let mut i = z + 1;
        let mut escaped = Vec::new();
        let mut closing = None;
        while let Some(c) = at(s, i) {
            if c == '\\' && at(s, i + 1) == Some(q) {
                escaped.push(i + 1);
                i += 2;
            } else if c == q {
                closing = Some(i);
                break;
            } else {
                i += c.len_utf8();
            }
        }
        for close in closing.into_iter().chain(escaped.into_iter().rev()) {
            if let Some(end) = tail(s, close + 1) {
                return (x..close + 1, end);
            }
        }
    }
    // `[^#\r\n]+`, then the tail (which always matches at `#`, a newline or the end).
    let unquoted_end = s[x..]
        .char_indices()
        .find(|&(_, c)| matches!(c, '#' | '\n' | '\r'))
        .map_or(s.len(), |(k, _)| x + k);
    let end = tail(s, unquoted_end).unwrap_or(unquoted_end);
    (x..unquoted_end, end)
}

/// The key and operator from `k`; then the value.
fn from_key(s: &str, k: usize, start: usize) -> Option<Match> {
    let key_end = s[k..]
        .char_indices()
        .find(|&(_, c)| !is_key_char(c))
        .map_or(s.len(), |(n, _)| k + n);
    if key_end == k {
        return None;
    }
    let w = skip_ws(s, key_end);
    let x = if at(s, w) == Some('=') {
        w + 1
    } else {
        match (at(s, key_end), at(s, key_end + 1)) {
            (Some(':'), Some(c)) if is_ws(c) => key_end + 1 + c.len_utf8(),
            _ => return None,
        }
    };
    let (value, end) = value_and_tail(s, x);
    Some(Match {
        key: k..key_end,
        value,
        start,
        end,
    })
}

/// The match at line start `p`, or the first non-space position, where every attempt from
/// `p` up to it fails the same way.
fn match_at(s: &str, p: usize) -> Result<Match, usize> {
    let z = skip_ws(s, p);
    if s[z..].starts_with("export") {
        if let Some(c) = at(s, z + 6).filter(|&c| is_ws(c)) {
            let k = skip_ws(s, z + 6 + c.len_utf8());
            if let Some(m) = from_key(s, k, z) {
                return Ok(m);
            }
        }
    }
    from_key(s, z, z).ok_or(z)
}

/// The first line start at or after `i`.
fn next_line_start(s: &str, i: usize) -> Option<usize> {
    if i == 0 || s[..i].chars().next_back().is_some_and(is_lt) {
        return Some(i);
    }
    let e = line_end(s, i);
    at(s, e).map(|c| e + c.len_utf8())
}

/// The value dotenv keeps for a raw value group.
fn finish(raw: &str) -> String {
    let value = js_trim(raw);
    let double = value.starts_with('"');
    let mut value = strip_quotes(value);
    if double {
        value = value.replace("\\n", "\n").replace("\\r", "\r");
    }
    value
}

/// `value.replace(/^(['"`])([\s\S]*)\1$/gm, "$2")`: at the first line start holding a quote
/// with a later same quote at a line end, the quotes go. (Only one match is possible: it
/// reaches the last such quote.)
fn strip_quotes(value: &str) -> String {
    let mut last: [Option<usize>; 3] = [None; 3];
    let quotes = ['\'', '"', '`'];
    let chars: Vec<(usize, char)> = value.char_indices().collect();
    for (n, &(i, c)) in chars.iter().enumerate() {
        let at_end = chars.get(n + 1).is_none_or(|&(_, next)| is_lt(next));
        if let Some(q) = quotes.iter().position(|&q| q == c) {
            if at_end {
                last[q] = Some(i);
            }
        }
    }
    let mut line_start = true;
    for &(i, c) in &chars {
        if line_start {
            if let Some(q) = quotes.iter().position(|&q| q == c) {
                if let Some(j) = last[q].filter(|&j| j > i) {
                    return format!("{}{}{}", &value[..i], &value[i + 1..j], &value[j + 1..]);
                }
            }
        }
        line_start = is_lt(c);
    }
    value.to_string()
}

/// Every assignment in `text`, in order, as dotenv 16 (inside `@next/env`) finds them.
pub fn parse(text: &str) -> Vec<Assignment> {
    let norm = Normalised::new(text);
    let s = norm.text.as_str();
    let mut out = Vec::new();
    let mut pos = 0;
    while let Some(p) = next_line_start(s, pos) {
        if p > s.len() {
            break;
        }
        match match_at(s, p) {
            Ok(m) => {
                out.push(Assignment {
                    key: s[m.key.clone()].to_string(),
                    value: finish(&s[m.value.clone()]),
                    value_span: norm.original(m.value.start)..norm.original(m.value.end),
                    span: norm.original(m.start)..norm.original(m.end),
                });
                pos = m.end;
            }
            Err(z) => match at(s, z) {
                Some(c) => pos = z + c.len_utf8(),
                None => break,
            },
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Loading: expansion and the order of files, as `@next/env` does it.

/// A loaded value, or None when it cannot be known without running Next.js (an expansion that
/// goes on too long).
pub type Loaded = Option<String>;

/// How many substitutions, and how many bytes of work, one value may take before it is
/// declared unknowable. Next.js itself recurses once per substitution and overflows its stack
/// somewhere past a few thousand.
const EXPAND_STEPS: usize = 1000;
const EXPAND_WORK: usize = 32 << 20;

enum Expanded {
    Done(String),
    /// Substitution never ends: Next.js overflows its stack and loads nothing from the file.
    Fails,
    Unknown,
}

/// Keys in JavaScript's property order: array indices first, ascending, then the rest in the
/// order they were first defined.
fn js_key_order(keys: Vec<String>) -> Vec<String> {
    let index = |k: &str| -> Option<u32> {
        (k == "0" || (!k.starts_with('0') && k.bytes().all(|b| b.is_ascii_digit())))
            .then(|| k.parse::<u64>().ok())
            .flatten()
            .filter(|&n| n < u64::from(u32::MAX))
            .map(|n| n as u32)
    };
    let (mut indices, rest): (Vec<String>, Vec<String>) =
        keys.into_iter().partition(|k| index(k).is_some());
    indices.sort_by_key(|k| index(k));
    indices.extend(rest);
    indices
}

/// The position of the last `$` not preceded by a backslash.
fn last_unescaped_dollar(e: &str) -> Option<usize> {
    let bytes = e.as_bytes();
    (0..bytes.len())
        .rev()
        .find(|&i| bytes[i] == b'$' && (i == 0 || bytes[i - 1] != b'\\'))
}

/// `e.replace(pattern, replacement)` with a string pattern: the first occurrence, and the
/// replacement's `$$`, `$&`, `` $` `` and `$'` patterns.
fn js_replace_first(e: &str, pattern: &str, replacement: &str) -> String {
    let Some(i) = e.find(pattern) else {
        return e.to_string();
    };
    let (before, after) = (&e[..i], &e[i + pattern.len()..]);
    let mut out = String::with_capacity(e.len() + replacement.len());
    out.push_str(before);
    let mut chars = replacement.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '$' {
            out.push(c);
            continue;
        }
        match chars.peek() {
            Some('$') => out.push('$'),
            Some('&') => out.push_str(pattern),
            Some('`') => out.push_str(before),
            Some('\'') => out.push_str(after),
            _ => {
                out.push('$');
                continue;
            }
        }
        chars.next();
    }
    out.push_str(after);
    out
}

/// dotenv-expand's `_interpolate`, iterated instead of recursed.
fn interpolate(
    mut e: String,
    env: &HashMap<String, String>,
    parsed: &HashMap<String, String>,
) -> Expanded {
    let mut seen = HashSet::new();
    let mut work = 0;
    // A substitution whose value holds its own reference grows the text for ever.
    let mut repeats = (String::new(), 0);
    for _ in 0..EXPAND_STEPS {
        let Some(r) = last_unescaped_dollar(&e) else {
            return Expanded::Done(e);
        };
        let o = &e[r..];
        // `\${?([\w]+)(?::-([^}\\]*))?}?` at the start of `o`.
        let mut i = 1;
        let braced = o[i..].starts_with('{');
        let name_at = |i: usize| {
            o[i..]
                .find(|c: char| !is_word(c))
                .map_or(o.len(), |n| i + n)
        };
        let mut name_end = name_at(i + usize::from(braced));
        if braced && name_end == i + 1 {
            // `{` then no name: the `{` is optional, but a name must follow `$` directly.
            name_end = name_at(i);
        } else if braced {
            i += 1;
        }
        if name_end == i {
            return Expanded::Done(e);
        }
        let name = &o[i..name_end];
        let mut end = name_end;
        let mut default = "";
        if o[end..].starts_with(":-") {
            let d_end = o[end + 2..]
                .find(['}', '\\'])
                .map_or(o.len(), |n| end + 2 + n);
            default = &o[end + 2..d_end];
            end = d_end;
        }
        if o[end..].starts_with('}') {
            end += 1;
        }
        let whole = &o[..end];
        let truthy = |v: Option<&String>| v.filter(|v| !v.is_empty()).cloned();
        let value = truthy(env.get(name))
            .or_else(|| (!default.is_empty()).then(|| default.to_string()))
            .or_else(|| truthy(parsed.get(name)))
            .unwrap_or_default();
        if value.contains(whole) {
            if repeats.0 == whole {
                repeats.1 += 1;
                if repeats.1 >= 3 {
                    return Expanded::Fails;
                }
            } else {
                repeats = (whole.to_string(), 1);
            }
        }
        let next = js_replace_first(&e, whole, &value);
        work += next.len();
        if work > EXPAND_WORK {
            return Expanded::Unknown;
        }
        if !seen.insert(next.clone()) {
            return Expanded::Fails;
        }
        e = next;
    }
    Expanded::Unknown
}

/// The values Next.js loads from `files` (in its order of precedence, highest first) when the
/// process environment is `env`: the first file that sets a key wins, the environment wins
/// over every file, and each file's `$NAME` references expand as dotenv-expand does it.
/// Returns, per key, the index of the file it came from and its value.
///
/// With `env_wins` false, a key set in `env` is still reported from the files (the tool asks
/// what the files say; `env` then only feeds the expansion).
pub fn load(
    files: &[&str],
    env: &HashMap<String, String>,
    env_wins: bool,
) -> BTreeMap<String, (usize, Loaded)> {
    let mut process = env.clone();
    let mut out: BTreeMap<String, (usize, Loaded)> = BTreeMap::new();
    for (index, text) in files.iter().enumerate() {
        let assignments = parse(text);
        let mut parsed: HashMap<String, String> = HashMap::new();
        let mut first_seen = Vec::new();
        for a in assignments {
            if !parsed.contains_key(&a.key) {
                first_seen.push(a.key.clone());
            }
            parsed.insert(a.key, a.value);
        }
        let order = js_key_order(first_seen);
        let mut outcome = Some(true);
        for key in &order {
            let raw = process
                .get(key)
                .cloned()
                .unwrap_or_else(|| parsed[key].clone());
            match interpolate(raw, &process, &parsed) {
                Expanded::Done(v) => {
                    parsed.insert(key.clone(), v.replace("\\$", "$"));
                }
                Expanded::Fails => {
                    outcome = None;
                    break;
                }
                Expanded::Unknown => outcome = Some(false),
            }
        }
        match outcome {
            // Next.js logs "Failed to load env" and takes nothing from this file.
            None => continue,
            Some(known) => {
                for key in &order {
                    let value = parsed[key].clone();
                    let from_env = env_wins && env.contains_key(key);
                    if !from_env && !out.contains_key(key) {
                        out.insert(key.clone(), (index, known.then(|| value.clone())));
                    }
                    process.insert(key.clone(), value);
                }
            }
        }
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Writing.

/// A key that cannot be written so that Next.js reads the file as intended.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{key}: {reason}; add it by hand")]
pub struct Unwritable {
    pub key: String,
    pub reason: &'static str,
}

const NO_SPELLING: &str = "no spelling of its value reads back unchanged in Next.js (it mixes all three quote kinds with spaces, `#` or line breaks)";
const CHANGES_OTHERS: &str =
    "adding it would change how Next.js reads the lines around it (an unclosed quote in the file?)";

/// The spelling of `value` after `KEY=` that dotenv reads back as exactly `value` (and
/// dotenv-expand leaves alone): bare when that is safe, else in the first quotes that work.
/// None when nothing works.
pub fn encode(value: &str) -> Option<String> {
    // dotenv-expand expands `$NAME` in every kind of quote; `\$` is a literal dollar.
    let escaped = value.replace('$', "\\$");
    let bare_ok = value.chars().all(|c| {
        c.is_ascii_alphanumeric()
            || matches!(
                c,
                '_' | '-' | '.' | '/' | ':' | '@' | '+' | ',' | '=' | '|' | '~' | '%'
            )
    });
    let quoted = [
        format!("'{escaped}'"),
        format!("\"{escaped}\""),
        format!("`{escaped}`"),
    ];
    let (first, last) = if bare_ok {
        (Some(escaped.clone()), None)
    } else {
        (None, Some(escaped.clone()))
    };
    first
        .into_iter()
        .chain(quoted)
        .chain(last)
        .find(|candidate| reads_back(candidate, value))
}

/// Whether `KEY=<spelling>` on a line of its own loads as `value`.
fn reads_back(spelling: &str, value: &str) -> bool {
    let line = format!("K={spelling}\n");
    let loaded = load(&[&line], &HashMap::new(), true);
    let one = parse(&line);
    one.len() == 1
        && loaded
            .get("K")
            .is_some_and(|(_, v)| v.as_deref() == Some(value))
}

/// The line ending a file mostly uses: LF, CRLF, or CR alone.
fn usual_newline(text: &str) -> &'static str {
    let crlf = text.matches("\r\n").count();
    let cr = text.matches('\r').count() - crlf;
    let lf = text.matches('\n').count() - crlf;
    if crlf > lf && crlf >= cr {
        "\r\n"
    } else if cr > lf && cr > crlf {
        "\r"
    } else {
        "\n"
    }
}

/// The text with `entries` ensured. Returns the input unchanged when every key is present.
pub fn merge(
    existing: &str,
    entries: &[Entry],
    header: Option<&str>,
) -> Result<String, Unwritable> {
    let newline = usual_newline(existing);
    let assignments = parse(existing);
    let mut fills: Vec<(Range<usize>, String)> = Vec::new();
    let mut added: Vec<&Entry> = Vec::new();
    for entry in entries {
        // dotenv keeps the last definition of a key.
        match assignments.iter().rev().find(|a| a.key == entry.key) {
            Some(a) if a.value.is_empty() && entry.fill_empty && !entry.value.is_empty() => {
                let encoded = encode(&entry.value).ok_or_else(|| Unwritable {
                    key: entry.key.clone(),
                    reason: NO_SPELLING,
                })?;
                // Keep a comment after the empty value: `KEY= # from the dashboard`.
                let space = if existing[a.value_span.end..].starts_with('#') {
                    " "
                } else {
                    ""
                };
                if !fills.iter().any(|(span, _)| *span == a.value_span) {
                    fills.push((a.value_span.clone(), format!("{encoded}{space}")));
                }
            }
            Some(_) => {}
            None if added.iter().any(|e| e.key == entry.key) => {}
            None => added.push(entry),
        }
    }
    if added.is_empty() && fills.is_empty() {
        return Ok(existing.to_string());
    }
    fills.sort_by_key(|(span, _)| span.start);
    let mut out = String::with_capacity(existing.len() + 256);
    let mut at = 0;
    for (span, text) in &fills {
        out.push_str(&existing[at..span.start]);
        out.push_str(text);
        at = span.end;
    }
    out.push_str(&existing[at..]);
    if !added.is_empty() {
        if !out.is_empty() {
            if !out.ends_with(['\n', '\r']) {
                out.push_str(newline);
            }
            let body = out
                .strip_suffix("\r\n")
                .or_else(|| out.strip_suffix(['\n', '\r']))
                .unwrap_or(&out);
            let last_line = body.rsplit(['\n', '\r']).next().unwrap_or("");
            if !last_line.trim().is_empty() {
                out.push_str(newline);
            }
        }
        if let Some(header) = header {
            out.push_str(&format!("# {header}{newline}"));
        }
        for entry in &added {
            let encoded = encode(&entry.value).ok_or_else(|| Unwritable {
                key: entry.key.clone(),
                reason: NO_SPELLING,
            })?;
            if let Some(comment) = &entry.comment {
                out.push_str(&format!("# {comment}{newline}"));
            }
            out.push_str(&format!("{}={encoded}{newline}", entry.key));
        }
    }
    verify(&assignments, &out, entries)?;
    Ok(out)
}

/// The merged text reads as intended: every key the file had keeps its value (or, when it was
/// empty and filled, takes the new one), and every added key reads as its value.
fn verify(before: &[Assignment], after: &str, entries: &[Entry]) -> Result<(), Unwritable> {
    let last = |list: &[Assignment]| -> HashMap<String, String> {
        list.iter()
            .map(|a| (a.key.clone(), a.value.clone()))
            .collect()
    };
    let (old, new) = (last(before), last(&parse(after)));
    // What dotenv-expand makes of a value whose every `$` is escaped, as `encode` writes them.
    let unescaped = |raw: &String| {
        last_unescaped_dollar(raw)
            .is_none()
            .then(|| raw.replace("\\$", "$"))
    };
    for entry in entries {
        let (got, want) = match old.get(&entry.key) {
            Some(v) if v.is_empty() && entry.fill_empty && !entry.value.is_empty() => {
                (new.get(&entry.key).and_then(unescaped), &entry.value)
            }
            Some(v) => (new.get(&entry.key).cloned(), v),
            None => (new.get(&entry.key).and_then(unescaped), &entry.value),
        };
        if got.as_ref() != Some(want) {
            return Err(Unwritable {
                key: entry.key.clone(),
                reason: CHANGES_OTHERS,
            });
        }
    }
    for (key, value) in &old {
        if entries.iter().all(|e| e.key != *key) && new.get(key) != Some(value) {
            return Err(Unwritable {
                key: entries.first().map_or_else(String::new, |e| e.key.clone()),
                reason: CHANGES_OTHERS,
            });
        }
    }
    if new.len()
        != old.len()
            + entries
                .iter()
                .filter(|e| !old.contains_key(&e.key))
                .map(|e| &e.key)
                .collect::<HashSet<_>>()
                .len()
    {
        return Err(Unwritable {
            key: entries.first().map_or_else(String::new, |e| e.key.clone()),
            reason: CHANGES_OTHERS,
        });
    }
    Ok(())
}

/// The text with the value of every secret key replaced by a mask, for display. A value that
/// spans lines is masked whole, so no line of it shows.
pub fn mask(text: &str, is_secret: impl Fn(&str) -> bool) -> String {
    let mut out = String::with_capacity(text.len());
    let mut at = 0;
    for a in parse(text) {
        if !is_secret(&a.key) || a.value.is_empty() {
            continue;
        }
        let raw = &text[a.value_span.clone()];
        let start = a.value_span.start + (raw.len() - raw.trim_start_matches(is_ws).len());
        let end = a.value_span.end - (raw.len() - raw.trim_end_matches(is_ws).len());
        if start < at || start >= end {
            continue;
        }
        out.push_str(&text[at..start]);
        out.push_str(MASK);
        at = end;
    }
    out.push_str(&text[at..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn entry(key: &str, value: &str) -> Entry {
        Entry {
            key: key.into(),
            value: value.into(),
            comment: None,
            fill_empty: false,
        }
    }

    fn pairs(text: &str) -> Vec<(String, String)> {
        parse(text).into_iter().map(|a| (a.key, a.value)).collect()
    }

    fn pair(k: &str, v: &str) -> (String, String) {
        (k.to_string(), v.to_string())
    }

    #[test]
    fn parses_quotes_exports_comments_and_multiline_values() {
        let text = "# c\nexport A=1\nB = \"two words\" # note\nC='x#y'\nD=plain # trailing\nKEY=\"-----BEGIN\nabc\n-----END\"\nE=\nF= # from the dashboard\nG=a#b\n";
        let want = [
            ("A", "1"),
            ("B", "two words"),
            ("C", "x#y"),
            ("D", "plain"),
            ("KEY", "-----BEGIN\nabc\n-----END"),
            ("E", ""),
            ("F", ""),
            ("G", "a"),
        ];
        assert_eq!(pairs(text), want.map(|(k, v)| pair(k, v)));
    }

    #[test]
    fn dotenv_quirks() {
        // A quote closed on a later line counts only when the line ends there.
        assert_eq!(
            pairs("APP=\"My App\nANON=\"anon-123\"\n"),
            [pair("APP", "\"My App"), pair("ANON", "anon-123")]
        );
        // Double quotes turn \n into a newline.
        assert_eq!(pairs("J=\"a\\nb\"\n"), [pair("J", "a\nb")]);
        assert_eq!(pairs("J='a\\nb'\n"), [pair("J", "a\\nb")]);
        // An escaped quote can close the value when the furthest quote cannot.
        assert_eq!(pairs("A='x\\' # c\n"), [pair("A", "x\\")]);
        // `KEY: value`, digits first, tabs after export.
        assert_eq!(
            pairs("2FA_SECRET=abc\nexport\tTOKEN=tok\nSMTP_PASS: hunter2\nURL=http://x:1\n"),
            [
                pair("2FA_SECRET", "abc"),
                pair("TOKEN", "tok"),
                pair("SMTP_PASS", "hunter2"),
                pair("URL", "http://x:1")
            ]
        );
        // A value may start on the next line when it is quoted.
        assert_eq!(pairs("A=\n'x'\nB=1\n"), [pair("A", "x"), pair("B", "1")]);
        // Bare values lose their surrounding quotes.
        assert_eq!(pairs("A='x'y'\n"), [pair("A", "x'y")]);
        // `export` as a key.
        assert_eq!(pairs("export=1\n"), [pair("export", "1")]);
    }

    #[test]
    fn carriage_returns_end_lines_as_in_next() {
        let text = "NEXT_PUBLIC_A=1\rCLERK_SECRET_KEY=sk_live\rB=\"x\r\ny\"\r\n";
        assert_eq!(
            pairs(text),
            [
                pair("NEXT_PUBLIC_A", "1"),
                pair("CLERK_SECRET_KEY", "sk_live"),
                pair("B", "x\ny")
            ]
        );
        let a = &parse(text)[2];
        assert_eq!(&text[a.value_span.clone()], "\"x\r\ny\"");
        let masked = mask(text, |k| !k.starts_with("NEXT_PUBLIC_"));
        assert_eq!(
            masked,
            "NEXT_PUBLIC_A=1\rCLERK_SECRET_KEY=********\rB=********\r\n"
        );
    }

    #[test]
    fn expansion_as_dotenv_expand() {
        let env: HashMap<String, String> = [("HOME".to_string(), "/home/u".to_string())].into();
        let files = [
            "A=$HOME/x\nB=${A}-${MISSING:-dflt}\nC=\\$HOME\nD=$\nE=pre$A$\n",
            "A=ignored\nF=$A\n",
        ];
        let loaded = load(&files, &env, true);
        let get = |k: &str| loaded.get(k).and_then(|(_, v)| v.clone());
        assert_eq!(get("A").as_deref(), Some("/home/u/x"));
        assert_eq!(get("B").as_deref(), Some("/home/u/x-dflt"));
        assert_eq!(get("C").as_deref(), Some("$HOME"));
        assert_eq!(get("D").as_deref(), Some("$"));
        // The last `$` has no name after it, so nothing in the value expands.
        assert_eq!(get("E").as_deref(), Some("pre$A$"));
        assert_eq!(loaded["A"].0, 0);
        assert_eq!(get("F").as_deref(), Some("/home/u/x"));
        assert!(!loaded.contains_key("HOME"));
    }

    #[test]
    fn a_self_reference_that_never_ends_loads_nothing_from_the_file() {
        let loaded = load(&["A=x$A\nB=1\n", "C=2\n"], &HashMap::new(), true);
        assert!(!loaded.contains_key("B"));
        assert_eq!(loaded["C"].1.as_deref(), Some("2"));
    }

    #[test]
    fn an_unclosed_quote_does_not_swallow_later_keys() {
        let keys: Vec<String> = parse("GREETING=\"hello\nSECRET=s\n")
            .into_iter()
            .map(|a| a.key)
            .collect();
        assert_eq!(keys, ["GREETING", "SECRET"]);
    }

    #[test]
    fn the_last_definition_counts_and_comments_are_no_values() {
        let fill = |key: &str| Entry {
            fill_empty: true,
            ..entry(key, "v")
        };
        assert_eq!(
            merge("A=1\nA=\n", &[fill("A")], None).unwrap(),
            "A=1\nA=v\n"
        );
        assert_eq!(
            merge("B= # later\n", &[fill("B")], None).unwrap(),
            "B=v # later\n"
        );
        assert_eq!(
            merge("C=\"\" # note\n", &[fill("C")], None).unwrap(),
            "C=v # note\n"
        );
    }

    #[test]
    fn merge_keeps_user_values_and_appends_missing_keys() {
        let existing =
            "# mine\nexport NEXT_PUBLIC_INSFORGE_URL='https://mine.example'\r\nOTHER=1\r\n";
        let out = merge(
            existing,
            &[
                entry("NEXT_PUBLIC_INSFORGE_URL", "https://new"),
                entry("NEW", "v"),
            ],
            Some("added"),
        )
        .unwrap();
        assert_eq!(
            out,
            "# mine\nexport NEXT_PUBLIC_INSFORGE_URL='https://mine.example'\r\nOTHER=1\r\n\r\n# added\r\nNEW=v\r\n"
        );
    }

    #[test]
    fn merge_into_a_cr_only_file_sees_its_keys_and_keeps_its_endings() {
        let existing = "A=1\rCLERK_SECRET_KEY=sk\r";
        let out = merge(
            existing,
            &[entry("CLERK_SECRET_KEY", ""), entry("B", "2")],
            None,
        )
        .unwrap();
        assert_eq!(out, "A=1\rCLERK_SECRET_KEY=sk\r\rB=2\r");
    }

    #[test]
    fn a_byte_order_mark_does_not_hide_the_first_key() {
        let text = "\u{feff}A=1\n";
        assert_eq!(parse(text)[0].key, "A");
        assert_eq!(merge(text, &[entry("A", "2")], None).unwrap(), text);
    }

    #[test]
    fn merge_without_changes_is_byte_identical() {
        for text in ["A=1", "A=1\n", "A=1\r\n\r\n", "  A = 1 # c\n"] {
            assert_eq!(merge(text, &[entry("A", "2")], Some("h")).unwrap(), text);
        }
    }

    #[test]
    fn mixed_line_endings_stay_as_they_are() {
        assert_eq!(
            merge("A=1\nB=2\r\nC=3\n", &[entry("D", "4")], None).unwrap(),
            "A=1\nB=2\r\nC=3\n\nD=4\n"
        );
    }

    #[test]
    fn merge_adds_a_newline_to_a_file_without_one() {
        assert_eq!(
            merge("A=1", &[entry("B", "2")], None).unwrap(),
            "A=1\n\nB=2\n"
        );
        assert_eq!(merge("", &[entry("B", "")], None).unwrap(), "B=\n");
    }

    #[test]
    fn explicit_values_fill_empty_keys_only() {
        let fill = Entry {
            fill_empty: true,
            ..entry("URL", "https://x")
        };
        assert_eq!(
            merge("export URL=\n", std::slice::from_ref(&fill), None).unwrap(),
            "export URL=https://x\n"
        );
        assert_eq!(merge("URL=kept\n", &[fill], None).unwrap(), "URL=kept\n");
    }

    #[test]
    fn values_are_encoded_so_they_read_back() {
        assert_eq!(
            encode("https://a.b/c?d").as_deref(),
            Some("'https://a.b/c?d'")
        );
        assert_eq!(encode("https://a.b/c").as_deref(), Some("https://a.b/c"));
        assert_eq!(encode("abc123==").as_deref(), Some("abc123=="));
        assert_eq!(encode("pa$word").as_deref(), Some("'pa\\$word'"));
        assert_eq!(encode("a b").as_deref(), Some("'a b'"));
        assert_eq!(encode(" lead").as_deref(), Some("' lead'"));
        assert_eq!(encode("x #y").as_deref(), Some("'x #y'"));
        assert_eq!(encode("").as_deref(), Some(""));
        for value in [
            "a'b\"c`d",
            "'q'",
            "\"q\"",
            "a\\nb",
            "two\nlines",
            "$A ${B}",
            "a\\$b",
        ] {
            let spelled = encode(value).unwrap_or_else(|| panic!("{value:?}"));
            assert!(reads_back(&spelled, value), "{value:?} as {spelled}");
        }
        assert_eq!(encode("' \"#` x"), None);
    }

    #[test]
    fn mask_hides_secret_values_only() {
        let text = "PUBLIC=1\nSECRET=\"abc\ndef\"\nEMPTY_SECRET=\n# SECRET=not-a-line\nLAST=2\r\n";
        let masked = mask(text, |k| k.contains("SECRET"));
        assert_eq!(
            masked,
            "PUBLIC=1\nSECRET=********\nEMPTY_SECRET=\n# SECRET=not-a-line\nLAST=2\r\n"
        );
        let masked = mask("SMTP_PASS: hunter2\n\u{feff}", |_| true);
        assert_eq!(masked, "SMTP_PASS: ********\n\u{feff}");
    }

    #[test]
    fn pathological_files_read_as_dotenv_reads_them() {
        // Their cost is measured by `cargo bench --bench parsers` (10 MB each, under 1 s).
        let blank_then_junk = format!("{}junk\n", "\n".repeat(200_000));
        let unclosed = "A=\"x\n".repeat(100_000);
        let unclosed_single = format!("A='{}", "x\n".repeat(200_000));
        assert!(parse(&blank_then_junk).is_empty());
        assert_eq!(parse(&unclosed).len(), 100_000);
        assert_eq!(parse(&unclosed_single).len(), 1);
    }
}
