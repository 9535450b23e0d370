//! Turning raw log bytes into numbered, readable lines with bounded memory.
//!
//! Lines end at `\n` (a `\r` before it belongs to the terminator), as the report contract and
//! GitFlic's job log view count them. A lone `\r` is a carriage return inside a line: a progress
//! bar redrawing itself, a CI section marker. The text of a line is what a terminal shows at the
//! end: the last part after a carriage return that is not empty, without ANSI escapes, CI
//! timestamp prefixes or section markers. Line numbers are 1-based.

use std::io::Read;

/// Longest part of one raw line that is kept; the rest of a longer line is skipped (minified
/// bundles and base64 blobs say nothing about a failure, and must not cost memory).
pub const MAX_LINE_BYTES: usize = 8 * 1024;

/// One raw line.
#[derive(Debug, Clone, Copy)]
pub struct RawLine<'a> {
    /// 1-based.
    pub number: u64,
    /// What a terminal shows of the line (see the module's documentation), without its
    /// terminator; at most [`MAX_LINE_BYTES`].
    pub bytes: &'a [u8],
}

/// Splits bytes, fed in chunks of any size, into numbered lines. Memory use is one line of at
/// most [`MAX_LINE_BYTES`], for a line that straddles two chunks.
#[derive(Debug, Default)]
pub struct LineSplitter {
    /// What is shown so far of a line that straddles chunks.
    line: Vec<u8>,
    number: u64,
    any: bool,
    /// The bytes fed so far end inside a line (not right after a `\n`).
    mid_line: bool,
    /// The line so far ends in carriage returns: what follows replaces it, unless it is the
    /// line's end.
    after_cr: bool,
}

/// What a terminal shows of `segment` (a whole line or a piece without its end): the text after
/// its last carriage return that is followed by something, trailing ones dropped.
fn shown(segment: &[u8]) -> &[u8] {
    let end = segment
        .iter()
        .rposition(|&b| b != b'\r')
        .map_or(0, |i| i + 1);
    let body = &segment[..end];
    let start = memchr::memrchr(b'\r', body).map_or(0, |i| i + 1);
    &body[start..]
}

impl LineSplitter {
    pub fn feed(&mut self, chunk: &[u8], each: &mut impl FnMut(RawLine<'_>)) {
        if chunk.is_empty() {
            return;
        }
        self.any = true;
        let mut rest = chunk;
        while let Some(pos) = memchr::memchr(b'\n', rest) {
            let segment = &rest[..pos];
            // Most lines lie whole in the chunk: hand them over without a copy.
            let bytes: &[u8] = if self.line.is_empty() && !self.after_cr {
                let shown = shown(segment);
                &shown[..shown.len().min(MAX_LINE_BYTES)]
            } else {
                self.append(segment);
                &self.line
            };
            self.number += 1;
            each(RawLine {
                number: self.number,
                bytes,
            });
            self.line.clear();
            self.after_cr = false;
            rest = &rest[pos + 1..];
        }
        self.mid_line = !rest.is_empty();
        self.append(rest);
    }

    /// Adds a piece of the current line (no `\n` in it) to what is shown of it.
    fn append(&mut self, piece: &[u8]) {
        if piece.is_empty() {
            return;
        }
        let content = piece.iter().any(|&b| b != b'\r');
        let restarts = self.after_cr && content
            || shown(piece).len() < piece.iter().rposition(|&b| b != b'\r').map_or(0, |i| i + 1);
        if restarts {
            self.line.clear();
        }
        push_capped(&mut self.line, shown(piece));
        self.after_cr = piece.last() == Some(&b'\r') || (self.after_cr && !content);
    }

    /// The number of lines ended so far.
    pub fn ended(&self) -> u64 {
        self.number
    }

    /// Feeds `bytes` up to where the next line starts, without handing lines over, and returns
    /// that offset (`bytes.len()` when no line starts in them). For a log read with a gap: the
    /// text after the gap starts mid-line, and its first whole line is then number `ended() + 1`.
    pub fn skip_to_line_start(&mut self, bytes: &[u8]) -> usize {
        let start = if self.mid_line {
            memchr::memchr(b'\n', bytes).map_or(bytes.len(), |pos| pos + 1)
        } else {
            0
        };
        self.feed(&bytes[..start], &mut |_| {});
        start
    }

    /// Hands over the text after the last `\n`, which is a line too (possibly empty, as `split`
    /// counts it); returns the number of lines.
    pub fn finish(mut self, each: &mut impl FnMut(RawLine<'_>)) -> u64 {
        if self.any {
            self.number += 1;
            each(RawLine {
                number: self.number,
                bytes: &self.line,
            });
        }
        self.number
    }
}

/// Reads `reader` to the end, calling `each` per line; returns the number of lines.
/// Memory use is one read buffer plus one line of at most [`MAX_LINE_BYTES`].
pub fn for_each_line<R: Read>(
    mut reader: R,
    mut each: impl FnMut(RawLine<'_>),
) -> std::io::Result<u64> {
    let mut buf = vec![0u8; 256 * 1024];
    let mut splitter = LineSplitter::default();
    loop {
        match reader.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => splitter.feed(&buf[..n], &mut each),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        }
    }
    Ok(splitter.finish(&mut each))
}

/// [`for_each_line`] for a log in memory, without copying it.
pub fn for_each_line_in(log: &[u8], mut each: impl FnMut(RawLine<'_>)) -> u64 {
    let mut splitter = LineSplitter::default();
    splitter.feed(log, &mut each);
    splitter.finish(&mut each)
}

fn push_capped(line: &mut Vec<u8>, bytes: &[u8]) {
    let room = MAX_LINE_BYTES.saturating_sub(line.len());
    line.extend_from_slice(&bytes[..bytes.len().min(room)]);
}

/// Appends the visible text of a raw line to `out`: no ANSI escapes, no CI timestamp, BuildKit
/// step or Docker Compose service prefix, no section marker, no trailing white space. The bytes
/// are not checked for UTF-8 here: the engine checks a whole batch of lines at once, which costs
/// far less than a check per line. Returns the key of the source the line's tag names, if it has
/// one: a command run beside others, a package's task, a container (not a timestamp).
pub fn clean_into(raw: &[u8], out: &mut Vec<u8>) -> Option<u64> {
    let start = out.len();
    let source;
    if memchr::memchr(0x1b, raw).is_none() {
        let prefix = prefix_len(raw);
        source = (prefix > 0).then(|| source_tag(&raw[..prefix])).flatten();
        out.extend_from_slice(&raw[prefix..]);
    } else {
        strip_ansi(raw, out);
        let prefix = prefix_len(&out[start..]);
        source = (prefix > 0)
            .then(|| source_tag(&out[start..start + prefix]))
            .flatten();
        out.drain(start..start + prefix);
    }
    const MARKERS: [&[u8]; 4] = [
        b"travis_fold:",
        b"travis_time:",
        b"section_start:",
        b"section_end:",
    ];
    let text = &out[start..];
    let marker =
        matches!(text.first(), Some(b't' | b's')) && MARKERS.iter().any(|m| text.starts_with(m));
    let end = if marker {
        start
    } else {
        start + trimmed_len(text)
    };
    out.truncate(end);
    let record = match out.get(start) {
        Some(b'{') if out.last() == Some(&b'}') => json_event_text(&out[start..]),
        Some(b't' | b'l')
            if out[start..].starts_with(b"time=") || out[start..].starts_with(b"level=") =>
        {
            logfmt_text(&out[start..])
        }
        _ => None,
    };
    if let Some(event) = record {
        out.truncate(start);
        // The event's text may hold escapes of its own (`\u001b[31m`), as any line may.
        if memchr::memchr(0x1b, event.as_bytes()).is_some() {
            strip_ansi(event.as_bytes(), out);
        } else {
            out.extend_from_slice(event.as_bytes());
        }
        let end = start + trimmed_len(&out[start..]);
        out.truncate(end);
    }
    source
}

/// Which of the commands or packages whose output is interleaved in one stream printed a line,
/// as a key of the tag before its text (see [`prefix_len`], whose `prefix` this is): a command
/// run beside others (concurrently's `[api] `), a package's task (Turborepo's `web:build: `,
/// pnpm's `packages/web build: `, Lerna's `@acme/web: `), a container (`app-1  | `), a build
/// step (BuildKit's `#8 0.512 `); `None` for a line without one (a runner's timestamp or a
/// logger's time is no source).
fn source_tag(prefix: &[u8]) -> Option<u64> {
    // As `prefix_len` reads it: a runner's timestamp, then maybe a tool's time.
    let (runner, time) = match timestamp_prefix_len(prefix) {
        (runner, true) => (runner, timestamp_prefix_len(&prefix[runner..]).0),
        (time, false) => (0, time),
    };
    let rest = &prefix[runner + time..];
    let len = match rest.first()? {
        b'[' if time == 0 => tool_tag_len(rest),
        b'@' => workspace_prefix_len(rest),
        c if c.is_ascii_alphabetic() => match named_tag_len(rest) {
            0 => tab_tag_len(rest),
            tag => tag,
        },
        // GNU parallel's `--tag`, a file's path.
        b'.' | b'/' => tab_tag_len(rest),
        // A BuildKit step's number (`#8`), not the time after it: stages build side by side.
        b'#' if buildkit_prefix_len(rest) > 0 => memchr::memchr(b' ', rest).unwrap_or(0),
        _ => 0,
    };
    let tag = &rest[..len];
    let name = tag.trim_ascii_end();
    let name = name.strip_suffix(b"|").unwrap_or(name).trim_ascii_end();
    (!name.is_empty()).then(|| source_key(name))
}

/// The key of a source's name (a container's, as its tag and Compose's `app-1 exited with code
/// 1` name it).
pub(crate) fn source_key(name: &[u8]) -> u64 {
    use std::hash::{DefaultHasher, Hash, Hasher};
    let mut hasher = DefaultHasher::new();
    name.hash(&mut hasher);
    hasher.finish()
}

/// A line that is one JSON event of a tool that logs structured (`go test -json`'s
/// `{"Action":"output","Output":"--- FAIL: TestX\n"}`, a JSON logger's `{"level":"info","msg":…}`):
/// the text it carries, after its level when it has one, so that the rules and shapes read what
/// a person would read (and a line logged at INFO stays one). An event without text (`go test
/// -json`'s `run`, `pass` and `fail` actions) reads as a blank line. `None` for other lines.
fn json_event_text(line: &[u8]) -> Option<String> {
    /// Text, or whatever else a field holds (a structured `message`).
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Field<'a> {
        Text(std::borrow::Cow<'a, str>),
        Number(f64),
        Other(serde::de::IgnoredAny),
    }
    /// An error logged with the record: its text (zap's `error`, structlog's `exception`) or an
    /// object with its message (pino's and bunyan's `err`).
    #[derive(serde::Deserialize)]
    #[serde(untagged)]
    enum Error<'a> {
        Text(std::borrow::Cow<'a, str>),
        Object {
            #[serde(borrow)]
            message: std::borrow::Cow<'a, str>,
        },
        Other(serde::de::IgnoredAny),
    }
    /// tracing-subscriber's JSON puts the message and the other fields under `fields`.
    #[derive(serde::Deserialize)]
    struct Fields<'a> {
        #[serde(borrow)]
        message: Option<Field<'a>>,
        #[serde(borrow)]
        error: Option<Error<'a>>,
    }
    #[derive(serde::Deserialize)]
    struct Event<'a> {
        #[serde(alias = "Output", borrow)]
        output: Option<Field<'a>>,
        // structlog calls its message the event.
        #[serde(alias = "message", alias = "Message", alias = "event", borrow)]
        msg: Option<Field<'a>>,
        #[serde(alias = "severity", alias = "lvl", borrow)]
        level: Option<Field<'a>>,
        // Logback's and structlog's logger, bunyan's and pino's name, tracing's target.
        #[serde(alias = "logger_name", alias = "name", alias = "target", borrow)]
        logger: Option<Field<'a>>,
        #[serde(rename = "Action", borrow)]
        action: Option<Field<'a>>,
        #[serde(alias = "err", alias = "exception", alias = "stack_trace", borrow)]
        error: Option<Error<'a>>,
        #[serde(borrow)]
        fields: Option<Fields<'a>>,
    }
    let event: Event = serde_json::from_slice(line).ok()?;
    let (message, error) = match event.fields {
        Some(Fields { message, error }) => (event.msg.or(message), event.error.or(error)),
        None => (event.msg, event.error),
    };
    let text = match (event.output, message) {
        (Some(Field::Text(text)), _) | (_, Some(Field::Text(text))) => text,
        _ if event.action.is_some() => return Some(String::new()),
        _ => return None,
    };
    // One line of the log is one line of text: a multi-line value shows its first.
    let first = text
        .trim_end_matches('\n')
        .split('\n')
        .next()
        .unwrap_or_default();
    let error = match error {
        Some(Error::Text(text)) => Some(text),
        Some(Error::Object { message }) => Some(message),
        _ => None,
    };
    let logger = match &event.logger {
        Some(Field::Text(logger)) => Some(logger.as_ref()),
        _ => None,
    };
    let record = |level: Option<String>| {
        record_text(
            level.as_deref(),
            logger,
            first,
            error.as_deref().map(error_line),
        )
    };
    let level = match event.level {
        Some(Field::Text(level)) => Some(level.to_ascii_uppercase()),
        // Bunyan's and pino's numbers: 10 trace … 50 error, 60 fatal.
        Some(Field::Number(n)) => {
            let names = ["TRACE", "DEBUG", "INFO", "WARN", "ERROR", "FATAL"];
            let index = ((n / 10.0) as usize).clamp(1, names.len()) - 1;
            Some(names[index].to_owned())
        }
        _ => None,
    };
    Some(record(level))
}

/// The line of an error logged with a record that says what it is: a Python traceback's last
/// (`KeyError: 'price'`), any other text's first (a stack's message over its frames).
fn error_line(error: &str) -> &str {
    let error = error.trim();
    let mut lines = error.lines().map(str::trim).filter(|l| !l.is_empty());
    if error.starts_with("Traceback") {
        lines.next_back()
    } else {
        lines.next()
    }
    .unwrap_or_default()
}

/// A log record as a person reads it: its level, its logger with ` - ` after it as Logback's
/// layout puts them (what tells an application's record from a program's own `ERROR …`), its
/// message, and the error logged with it.
fn record_text(
    level: Option<&str>,
    logger: Option<&str>,
    message: &str,
    error: Option<&str>,
) -> String {
    let mut text = match (level, logger.filter(|l| !l.is_empty())) {
        (Some(level), Some(logger)) => format!("{level} {logger} - {message}"),
        (Some(level), None) => format!("{level} {message}"),
        (None, _) => message.to_owned(),
    };
    if let Some(error) = error.filter(|e| !e.is_empty() && !message.contains(e)) {
        text.push_str(": ");
        text.push_str(error);
    }
    text
}

/// A line that is one logfmt record (logrus' and Go kit's `time="…" level=fatal msg="…"
/// error="…"`): its level, message and error, as [`json_event_text`] reads a JSON record. `None`
/// for other lines, and for key=value lines without both a level and a message.
fn logfmt_text(line: &[u8]) -> Option<String> {
    let line = std::str::from_utf8(line).ok()?;
    let (mut level, mut logger, mut message, mut error) = (None, None, None, None);
    let mut rest = line;
    while !rest.is_empty() {
        let (key, after) = rest.split_once('=')?;
        if key.is_empty()
            || !key
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'.')
        {
            return None;
        }
        let (value, after) = match after.strip_prefix('"') {
            Some(quoted) => {
                // The closing quote is the first one no backslash escapes.
                let mut escaped = false;
                let end = quoted.find(|c| {
                    let close = c == '"' && !escaped;
                    escaped = c == '\\' && !escaped;
                    close
                })?;
                (unescape(&quoted[..end]), &quoted[end + 1..])
            }
            None => {
                let end = after.find(' ').unwrap_or(after.len());
                (after[..end].into(), &after[end..])
            }
        };
        match key {
            "level" | "lvl" => level = Some(value.to_ascii_uppercase()),
            "msg" | "message" => message = Some(value),
            "error" | "err" => error = Some(value),
            "logger" | "name" | "component" => logger = Some(value),
            _ => {}
        }
        rest = after.trim_start();
    }
    Some(record_text(
        Some(&level?),
        logger.as_deref(),
        &message?,
        error.as_deref(),
    ))
}

/// A logfmt value without its escapes (`\"`, `\\`).
fn unescape(value: &str) -> String {
    let mut out = String::with_capacity(value.len());
    let mut chars = value.chars();
    while let Some(c) = chars.next() {
        match c {
            '\\' => out.extend(chars.next()),
            c => out.push(c),
        }
    }
    out
}

/// Length of `text` without trailing white space (ASCII, or any Unicode white space character
/// where the text is valid UTF-8).
fn trimmed_len(text: &[u8]) -> usize {
    let mut end = text.len();
    loop {
        while end > 0 && text[end - 1].is_ascii_whitespace() {
            end -= 1;
        }
        if end == 0 || text[end - 1] < 0x80 {
            return end;
        }
        // The last character is not ASCII: find where it starts and decode it.
        let Some(first) = (end.saturating_sub(4)..end)
            .rev()
            .find(|&i| text[i] & 0xc0 != 0x80)
        else {
            return end;
        };
        match std::str::from_utf8(&text[first..end]).map(|c| c.chars().next()) {
            Ok(Some(c)) if c.is_whitespace() => end = first,
            _ => return end,
        }
    }
}

/// Index after the escape sequence starting at `i` (which holds ESC).
fn skip_escape(s: &[u8], i: usize) -> usize {
    match s.get(i + 1) {
        Some(b'[') => {
            let mut j = i + 2;
            while j < s.len() && !(0x40..=0x7e).contains(&s[j]) {
                j += 1;
            }
            (j + 1).min(s.len())
        }
        Some(b']') => {
            // OSC: up to BEL or ESC \
            let mut j = i + 2;
            while j < s.len() && s[j] != 0x07 && !(s[j] == 0x1b && s.get(j + 1) == Some(&b'\\')) {
                j += 1;
            }
            if j < s.len() && s[j] == 0x1b {
                j + 2
            } else {
                j + 1
            }
            .min(s.len())
        }
        Some(b'(') | Some(b')') => (i + 3).min(s.len()),
        Some(_) => i + 2,
        None => i + 1,
    }
}

fn strip_ansi(raw: &[u8], out: &mut Vec<u8>) {
    let mut start = 0;
    while let Some(offset) = memchr::memchr(0x1b, &raw[start..]) {
        let escape = start + offset;
        out.extend_from_slice(&raw[start..escape]);
        start = skip_escape(raw, escape);
    }
    out.extend_from_slice(&raw[start..]);
}

/// `text` without what a tool puts before its own text (see [`prefix_len`]): for a line that a
/// build tool relayed under a level tag of its own, once that tag is off.
pub(crate) fn without_tool_prefix(text: &str) -> &str {
    text.get(prefix_len(text.as_bytes())..).unwrap_or(text)
}

/// Length of what a runner, builder or container runtime puts before a tool's own text. A
/// runner's timestamp may come before what the tool puts before its own (a logger's time, a
/// service's or a task's tag), which goes too.
fn prefix_len(b: &[u8]) -> usize {
    match timestamp_prefix_len(b) {
        (runner, true) => {
            runner + tool_prefix_len(&b[runner..], timestamp_prefix_len(&b[runner..]).0)
        }
        // A script's time (`cmd | ts`) over a tool's own.
        (0, false) => tool_prefix_len(b, 0),
        (time, false) => tool_prefix_len(b, time + timestamp_prefix_len(&b[time..]).0),
    }
}

/// Length of what comes before a tool's own text after a runner's timestamp, when `timestamp`
/// bytes of `b` are a time.
fn tool_prefix_len(b: &[u8], timestamp: usize) -> usize {
    let rest = &b[timestamp..];
    timestamp
        + match rest.first() {
            // fastlane's mark on the output of the command it runs (xcodebuild's, through
            // xcpretty): `▸ ❌  Cart.swift:12:16: …`, `▸         return totl`.
            Some(0xe2) if rest.starts_with("▸ ".as_bytes()) => "▸ ".len(),
            // What a tool in the build step puts before its own text comes after BuildKit's.
            Some(b'#') => match buildkit_prefix_len(rest) {
                0 => 0,
                buildkit => buildkit + prefix_len(&rest[buildkit..]),
            },
            // What the command an Ant task runs puts before its own text comes after Ant's
            // (`     [exec] ==28811== Invalid read`, `     [exec] [11ty] Problem writing`).
            Some(b' ') => match ant_prefix_len(rest) {
                0 => 0,
                ant => ant + prefix_len(&rest[ant..]),
            },
            Some(b'=') => process_id_prefix_len(rest),
            Some(b':') => gradle_task_prefix_len(rest),
            // Grunt's mark on a line it logs as an error, its own (`>> 1 error in 2 files`) or
            // the standard error of a command it runs (grunt-exec's `>> src/cart.py:3: …`);
            // Bandit's `>> Issue:` too; alone on an empty line. Not a doctest's `>>> `.
            Some(b'>') if rest.starts_with(b">> ") => 3 + prefix_len(&rest[3..]),
            Some(b'>') if rest == b">>" => 2,
            // What a tool puts before its own text comes after the container's or the package's
            // tag too (`app-1  | 10:00:00,123 [ERROR] x`, `web:build: [vite] error: x`).
            Some(c) if c.is_ascii_alphabetic() => match named_tag_len(rest) {
                0 => tab_tag_len(rest),
                tag => tag + prefix_len(&rest[tag..]),
            },
            Some(b'@') => match workspace_prefix_len(rest) {
                0 => 0,
                workspace => workspace + prefix_len(&rest[workspace..]),
            },
            Some(b'.' | b'/') => tab_tag_len(rest),
            // After a time it is a logger's thread (`10:00:00.123 [main] ERROR …`). What the
            // command behind it puts before its own text goes too (`[api] ==42== Invalid read`).
            Some(b'[') if timestamp == 0 => match tool_tag_len(rest) {
                0 => 0,
                tag => tag + prefix_len(&rest[tag..]),
            },
            _ => 0,
        }
}

/// Length of a container's or a package's tag on a line that starts with a letter: what follows
/// the first word tells which it could be, a container's is padded with spaces, a package's
/// ends with a colon or goes on as a directory; 0 when there is none.
// Inlined into `tool_prefix_len` on every line's path, as it was written there.
#[inline(always)]
fn named_tag_len(rest: &[u8]) -> usize {
    let word = rest
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'-'))
        .count();
    match rest.get(word) {
        Some(b' ') => compose_prefix_len(rest, word),
        // (`error: x`, the commonest, is no package's task.)
        Some(b':') if rest.get(word + 1).is_some_and(u8::is_ascii_alphabetic) => {
            workspace_prefix_len(rest)
        }
        Some(b'/') => workspace_prefix_len(rest),
        _ => 0,
    }
}

/// Log levels and verdicts, which a tag or a script's name never is.
const LEVELS: [&[u8]; 17] = [
    b"trace", b"debug", b"info", b"notice", b"note", b"warn", b"warning", b"error", b"crit",
    b"alert", b"emerg", b"fatal", b"success", b"ok", b"fail", b"failed", b"pass",
];

/// Length of the tag a tool puts on each line it prints, `[11ty] ` (Eleventy), `[vite] `,
/// `[nodemon] `, or on each line of a command it runs beside others (concurrently's `[test] `,
/// npm-run-all's `[lint ] `, padded to the longest name): a name in brackets, lower case, then
/// a space; 0 when there is none. Not a log level (`[info]`, sbt's `[error]`, read as levels)
/// nor a pytest-xdist worker (`[gw0]`).
fn tool_tag_len(b: &[u8]) -> usize {
    let Some(close) = b.iter().take(32).position(|c| *c == b']') else {
        return 0;
    };
    let name = b[1..close].trim_ascii_end();
    let worker =
        name.starts_with(b"gw") && name.len() > 2 && name[2..].iter().all(u8::is_ascii_digit);
    let named = name
        .first()
        .is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        && name.iter().any(u8::is_ascii_lowercase)
        && name.iter().all(|c| {
            c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'-' | b'_' | b'.')
        });
    if !named || worker || LEVELS.contains(&name) || b.get(close + 1) != Some(&b' ') {
        return 0;
    }
    close + 2
}

/// Length of GNU parallel's `--tag` on a job's output, `data/south.json\t`: the job's argument,
/// a file's path or name, then a tab; 0 when there is none. A word before a tab that names no
/// file is kept (Go's `FAIL\texample.com/shop`), and so is a location (`cart.go:3:\tTotal`).
fn tab_tag_len(b: &[u8]) -> usize {
    const LONGEST: usize = 64;
    let Some(tab) = memchr::memchr(b'\t', &b[..b.len().min(LONGEST + 1)]) else {
        return 0;
    };
    let tag = &b[..tab];
    let names_a_file = tag.iter().any(u8::is_ascii_alphabetic)
        && tag.iter().any(|c| matches!(c, b'.' | b'/'))
        && !tag.iter().any(|c| c.is_ascii_whitespace() || *c == b':');
    if names_a_file { tab + 1 } else { 0 }
}

/// Length of Ant's prefix on a task's output, `    [javac] `: the task's name in brackets,
/// right-aligned in a column of 11 characters, then a space; 0 when there is none. A compiler's
/// diagnostic or a test's failure is read behind it as it is anywhere else.
fn ant_prefix_len(b: &[u8]) -> usize {
    const CLOSE: usize = 10;
    if b.len() <= CLOSE || b[CLOSE] != b']' || !matches!(b.get(CLOSE + 1), None | Some(b' ')) {
        return 0;
    }
    let padding = b.iter().take_while(|c| **c == b' ').count();
    let name = &b[padding.min(CLOSE)..CLOSE];
    let valid = name.len() >= 2
        && name[0] == b'['
        && name[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'_' | b'.'));
    if valid { (CLOSE + 2).min(b.len()) } else { 0 }
}

/// Length of the task Gradle 4 and earlier print, without a rich console, before a task's
/// first line on standard error, `:compileJava/builds/acme/shop/src/Cart.java:3: error: …` (the
/// task's header waits on its line for the verdict, which comes as ` FAILED` on a line of its
/// own after the output); 0 when there is none. Only where what follows is an absolute path, as
/// compilers print them under Gradle, or kotlinc's `e: /…`: elsewhere the task's name cannot be
/// told from the output's first word (`:ciWARNING: …`).
fn gradle_task_prefix_len(b: &[u8]) -> usize {
    if !b.get(1).is_some_and(u8::is_ascii_alphabetic) {
        return 0;
    }
    let path = 1 + b[1..]
        .iter()
        .take_while(|c| c.is_ascii_alphanumeric() || matches!(c, b':' | b'_' | b'-'))
        .count();
    let (task, rest) = b.split_at(path);
    // A file's absolute path, directories deep (`/builds/acme/shop/…`), not shelltest's
    // `:tests/cart.test:1: [OK]`.
    let absolute = |rest: &[u8]| {
        rest.first() == Some(&b'/')
            && (rest.iter())
                .take_while(|c| **c != b':' && !c.is_ascii_whitespace())
                .filter(|c| **c == b'/')
                .count()
                >= 3
    };
    if absolute(rest) && !task.ends_with(b":") {
        path
    } else if rest.first() == Some(&b' ')
        && absolute(&rest[1..])
        && (task.ends_with(b"e:") || task.ends_with(b"w:"))
    {
        path - 2
    } else {
        0
    }
}

/// Length of the process id Valgrind and the sanitizers print before each line of a report,
/// `==28811== ` (one space after it, when there is one); 0 when there is none. Behind it the
/// report has the shape any other has: a title, frames indented under it, blank lines between.
fn process_id_prefix_len(b: &[u8]) -> usize {
    let digits = b.get(2..).map_or(0, |rest| {
        rest.iter().take_while(|c| c.is_ascii_digit()).count()
    });
    if digits == 0 || !b.starts_with(b"==") || b.get(2 + digits..4 + digits) != Some(b"==") {
        return 0;
    }
    let end = 4 + digits;
    end + usize::from(b.get(end) == Some(&b' '))
}

/// Whether a byte may be in an npm package's name (after its scope): lower case, digits, `._~-`.
pub(crate) fn in_package_name(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || matches!(c, b'.' | b'_' | b'~' | b'-')
}

/// Whether a byte may be in a package script's or a task's name (`test:unit`, `type-check`).
pub(crate) fn in_script_name(c: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b':' | b'_' | b'-')
}

/// Length of the prefix a monorepo's task runner puts on each line a package's script prints,
/// so that several packages' lines can interleave: Turborepo's `@acme/web:test: ` (package and
/// task), pnpm's `packages/web test: ` (the package's directory and script), Lerna's and Nx's
/// streamed `@acme/web: ` (a scoped package alone: an unscoped `web: ` reads as a tool's own
/// `error: `); 0 when there is none. Nothing in it is a path with a line (`src/a.ts:3: `,
/// `tests/a.py::test_x`), a log level (`ERROR:root:`) or a message (`sh: 1: x: not found`).
fn workspace_prefix_len(b: &[u8]) -> usize {
    // End of the word at `from` whose first byte passes `first` and the rest `rest`; `from`
    // when there is none.
    fn word(b: &[u8], from: usize, first: impl Fn(u8) -> bool, rest: impl Fn(u8) -> bool) -> usize {
        match b.get(from) {
            Some(&c) if first(c) => {
                from + 1 + b[from + 1..].iter().take_while(|c| rest(**c)).count()
            }
            _ => from,
        }
    }
    let lower = |c: u8| c.is_ascii_lowercase();
    let alphabetic = |c: u8| c.is_ascii_alphabetic();
    let after_colon = |at: usize| match b.get(at) {
        None => at,
        Some(b' ') => at + 1,
        Some(_) => 0,
    };
    let scoped = b.first() == Some(&b'@');
    let name_start = if scoped {
        let scope = word(b, 1, lower, in_package_name);
        if scope == 1 || b.get(scope) != Some(&b'/') {
            return 0;
        }
        scope + 1
    } else {
        0
    };
    let name = word(b, name_start, lower, in_package_name);
    match b.get(name) {
        _ if name == name_start => 0,
        // A script's name, colons in it too (`test:unit`): it ends with the prefix's colon.
        Some(b':') => match word(b, name + 1, alphabetic, in_script_name) {
            task if task > name + 2 && b[task - 1] == b':' => after_colon(task),
            _ if scoped => after_colon(name + 1),
            _ => 0,
        },
        Some(b'/') if !scoped => {
            let directory = name
                + b[name..]
                    .iter()
                    .take_while(|c| {
                        c.is_ascii_alphanumeric() || matches!(c, b'/' | b'.' | b'_' | b'@' | b'-')
                    })
                    .count();
            if b.get(directory) != Some(&b' ') {
                return 0;
            }
            match word(b, directory + 1, alphabetic, in_script_name) {
                end if end > directory + 2
                    && b[end - 1] == b':'
                    && !LEVELS.contains(&&b[directory + 1..end - 1]) =>
                {
                    after_colon(end)
                }
                _ => 0,
            }
        }
        _ => 0,
    }
}

/// Length of Docker Compose's prefix on a container's output, `app-1  | ` (Compose v2) or
/// `project_app_1  | ` (v1), the name padded to the longest; 0 when there is none. Tests run with
/// `docker compose up` print every line of theirs behind it. The line's first `name` bytes are a
/// word of letters, digits, `_`, `.` and `-`.
fn compose_prefix_len(b: &[u8], name: usize) -> usize {
    let replica = b[..name]
        .iter()
        .rev()
        .take_while(|c| c.is_ascii_digit())
        .count();
    if replica == 0 || name <= replica + 1 || !matches!(b[name - replica - 1], b'-' | b'_') {
        return 0;
    }
    let padding = b[name..].iter().take_while(|c| **c == b' ').count();
    if padding == 0 || b.get(name + padding) != Some(&b'|') {
        return 0;
    }
    let end = name + padding + 1;
    end + usize::from(b.get(end) == Some(&b' '))
}

/// Length of the prefix BuildKit's plain progress puts on a build step's output, `#12 3.456 `
/// (step number, seconds since the step started); 0 when there is none. Without it stripped, a
/// failing `RUN` step's own error (`E: Unable to locate package …`, a compiler's diagnostic) is
/// not seen, and only BuildKit's closing `ERROR: failed to solve` is left, which is a pointer.
fn buildkit_prefix_len(b: &[u8]) -> usize {
    let digits_from = |start: usize| {
        let end = start
            + b[start.min(b.len())..]
                .iter()
                .take_while(|c| c.is_ascii_digit())
                .count();
        (end > start).then_some(end)
    };
    if b.first() != Some(&b'#') {
        return 0;
    }
    let Some(step_end) = digits_from(1).filter(|&i| b.get(i) == Some(&b' ')) else {
        return 0;
    };
    let Some(seconds_end) = digits_from(step_end + 1).filter(|&i| b.get(i) == Some(&b'.')) else {
        return 0;
    };
    match digits_from(seconds_end + 1) {
        Some(end) if b.get(end) == Some(&b' ') => end + 1,
        Some(end) if end == b.len() => end,
        _ => 0,
    }
}

/// Length of a timestamp before a line's text; 0 when there is none. Runners put one on every
/// line (GitLab/GitFlic runners' `2024-05-01T10:00:00.123456Z 01O `, ISO-8601 and a stream tag;
/// GitHub Actions' ISO-8601 alone), and so do loggers (SLF4J's and Logback's `10:00:00,123 `,
/// Python's and Log4j's `2024-05-01 10:00:00,123 `, with or without a zone) and task runners
/// (gulp's `[10:00:00] `): behind it a tool's `[ERROR]`, `error:` or level reads as it does
/// without one. The flag tells a runner's timestamp (dated, in UTC) from a tool's.
pub(crate) fn timestamp_prefix_len(b: &[u8]) -> (usize, bool) {
    // A time in brackets: gulp's `[10:00:00] `, Jenkins' timestamper `[2024-05-01T10:00:00Z] `,
    // fastlane's `[10:03:16]: `.
    if b.first() == Some(&b'[') {
        let len = match clock_end(&b[1..]) {
            Some((end, _)) if b.get(end + 1) == Some(&b']') => {
                let colon = usize::from(b.get(end + 2) == Some(&b':'));
                match b.get(end + 2 + colon) {
                    Some(b' ') => end + 3 + colon,
                    // fastlane's empty line: `[10:03:16]: ` trimmed.
                    None if colon == 1 => end + 3,
                    _ => 0,
                }
            }
            _ => 0,
        };
        return (len, false);
    }
    let Some((mut i, runner)) = clock_end(b) else {
        return (0, false);
    };
    if b.get(i) != Some(&b' ') {
        return (0, false);
    }
    i += 1;
    if !runner {
        // The bar a layout puts between the time and the rest (loguru's `… | INFO | …`).
        if b[i..].starts_with(b"| ") {
            i += 2;
        }
        return (i, false);
    }
    // GitLab's stream tag: two digits, O or E, optional '+'.
    let tag_start = i;
    while b.get(i).is_some_and(u8::is_ascii_digit) {
        i += 1;
    }
    if i > tag_start && matches!(b.get(i), Some(b'O') | Some(b'E')) {
        i += 1;
        if b.get(i) == Some(&b'+') {
            i += 1;
        }
        if b.get(i) == Some(&b' ') {
            i += 1;
        }
        return (i, true);
    }
    (tag_start, true)
}

/// Where a date-and-time or a time of day at the start of `b` ends, and whether it is dated and
/// in UTC as runners print it (a stream tag may follow); `None` when `b` starts with neither.
fn clock_end(b: &[u8]) -> Option<(usize, bool)> {
    let digits =
        |r: std::ops::Range<usize>| r.clone().all(|i| b.get(i).is_some_and(u8::is_ascii_digit));
    let two_digits_then = |at: usize, sep: u8| digits(at..at + 2) && b.get(at + 2) == Some(&sep);
    // `2024-05-01`, or Go's log package's and nginx's `2024/05/01`.
    let dated = digits(0..4)
        && matches!(b.get(4), Some(&sep @ (b'-' | b'/')) if two_digits_then(5, sep))
        && digits(8..10)
        && matches!(b.get(10), Some(b'T' | b' '));
    // syslog's and moreutils' `ts`'s `Dec 05 10:00:02` (the day padded with a space or a zero).
    const MONTHS: [&[u8]; 12] = [
        b"Jan", b"Feb", b"Mar", b"Apr", b"May", b"Jun", b"Jul", b"Aug", b"Sep", b"Oct", b"Nov",
        b"Dec",
    ];
    let syslog = !dated
        && b.get(3) == Some(&b' ')
        && b.get(6) == Some(&b' ')
        && b.first().is_some_and(u8::is_ascii_uppercase)
        && matches!(b.get(4), Some(b' ' | b'0'..=b'3'))
        && digits(5..6)
        && MONTHS.iter().any(|m| b.starts_with(m));
    let time = if dated {
        11
    } else if syslog {
        7
    } else {
        0
    };
    if !(two_digits_then(time, b':')
        && two_digits_then(time + 3, b':')
        && digits(time + 6..time + 8))
    {
        return None;
    }
    let mut i = time + 8;
    if matches!(b.get(i), Some(b'.' | b',')) && b.get(i + 1).is_some_and(u8::is_ascii_digit) {
        i += 1;
        while b.get(i).is_some_and(u8::is_ascii_digit) {
            i += 1;
        }
    }
    let zulu = b.get(i) == Some(&b'Z');
    if zulu {
        i += 1;
    } else if matches!(b.get(i), Some(b'+' | b'-')) && digits(i + 1..i + 3) {
        i += 3;
        i += usize::from(b.get(i) == Some(&b':'));
        if digits(i..i + 2) {
            i += 2;
        }
    }
    Some((i, dated && zulu))
}

/// Bytes the engine keeps of a line (in a block, a tail, a baseline's key).
pub const MAX_KEPT_CHARS: usize = 2000;
/// The largest char boundary of `text` at or below `max`.
fn floor_boundary(text: &str, max: usize) -> usize {
    if text.len() <= max {
        return text.len();
    }
    let mut end = max;
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    end
}

/// What the engine keeps of a line: its first [`MAX_KEPT_CHARS`] bytes, cut at a character.
pub fn kept(text: &str) -> &str {
    &text[..floor_boundary(text, MAX_KEPT_CHARS)]
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out one read() per chained part, to split terminators across reads.
    struct BufSplit<R>(R);
    impl<R: std::io::Read> std::io::Read for BufSplit<R> {
        fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
            let n = buf.len().min(2);
            self.0.read(&mut buf[..n])
        }
    }

    fn cleaned(raw: &[u8]) -> String {
        let mut out = b"kept".to_vec();
        clean_into(raw, &mut out);
        assert_eq!(&out[..4], b"kept", "appends, never touches what is there");
        String::from_utf8_lossy(&out[4..]).into_owned()
    }

    #[test]
    fn a_source_s_tag_names_the_command_or_package_not_what_its_tool_put_after_it() {
        let source = |raw: &[u8]| clean_into(raw, &mut Vec::new());
        // concurrently's; what the command puts before its own text goes too.
        assert_eq!(
            cleaned(b"[api] ==42== Invalid read of size 4"),
            "Invalid read of size 4"
        );
        assert!(source(b"[api] x").is_some());
        assert_eq!(source(b"[api] ==42== Invalid read"), source(b"[api] x"));
        assert_ne!(source(b"[api] x"), source(b"[app] x"));
        // Turborepo's task, whatever its tool puts after it; Lerna's package; a container.
        assert_eq!(
            source(b"web:build: [vite] error"),
            source(b"web:build: done")
        );
        assert_ne!(source(b"web:build: done"), source(b"api:build: done"));
        assert_eq!(source(b"@acme/app: > jest"), source(b"@acme/app: PASS"));
        assert_eq!(source(b"app-1  | x"), source(b"\x1b[36mapp-1  |\x1b[0m y"));
        // Behind a runner's timestamp, the same source; a timestamp or a logger's time alone
        // is none.
        assert_eq!(
            source(b"2026-12-05T10:00:00.000001Z 00O [api] x"),
            source(b"[api] y")
        );
        assert_eq!(source(b"2026-12-05T10:00:00.000001Z 00O make"), None);
        assert_eq!(source(b"10:00:00,123 [main] ERROR x"), None);
        // A BuildKit step, whatever the time after its number.
        assert_eq!(source(b"#8 0.512 x"), source(b"#8 12.31 y"));
        assert_ne!(source(b"#8 0.512 x"), source(b"#7 0.512 x"));
        assert_eq!(source(b"#8 DONE 0.1s"), None);
        assert_eq!(source(b"error: x"), None);
    }

    #[test]
    fn a_json_event_reads_as_the_text_it_carries_after_its_level() {
        // go test -json: the output's text; an action without text is a blank line.
        assert_eq!(
            cleaned(br#"{"Time":"2026-12-03T11:57:35Z","Action":"output","Package":"example.com/shop","Test":"TestEmpty","Output":"\tpanic: boom [recovered]\n"}"#),
            "\tpanic: boom [recovered]"
        );
        assert_eq!(
            cleaned(br#"{"Action":"fail","Package":"example.com/shop","Elapsed":0.005}"#),
            ""
        );
        // JSON loggers: a level by name (zap, logrus) or by number (pino, bunyan).
        assert_eq!(
            cleaned(br#"{"level":"info","ts":1,"msg":"connection refused, retrying"}"#),
            "INFO connection refused, retrying"
        );
        assert_eq!(
            cleaned(br#"{"level":50,"time":1,"pid":7,"msg":"cannot open db\nat x"}"#),
            "ERROR cannot open db"
        );
        // The error logged with the record: pino's object, structlog's traceback (its last
        // line) under its `event`, tracing-subscriber's fields.
        assert_eq!(
            cleaned(
                br#"{"level":50,"msg":"cannot connect","err":{"type":"Error","message":"connect ECONNREFUSED 127.0.0.1:5439","stack":"Error: connect"}}"#
            ),
            "ERROR cannot connect: connect ECONNREFUSED 127.0.0.1:5439"
        );
        assert_eq!(
            cleaned(
                br#"{"event": "import failed", "level": "error", "exception": "Traceback (most recent call last):\n  File \"app.py\", line 26, in <module>\nKeyError: 'price'"}"#
            ),
            "ERROR import failed: KeyError: 'price'"
        );
        assert_eq!(
            cleaned(
                br#"{"level":"ERROR","fields":{"message":"cannot bind","error":"Address already in use (os error 98)","port":8080},"target":"shop"}"#
            ),
            "ERROR shop - cannot bind: Address already in use (os error 98)"
        );
        // A record's logger is put before its message, as Logback's layout puts it.
        assert_eq!(
            cleaned(
                br#"{"time":"2026-12-05T10:00:02Z","level":"error","logger":"c.a.Client","msg":"connection refused"}"#
            ),
            "ERROR c.a.Client - connection refused"
        );
        // Escapes inside the text are stripped like any line's.
        assert_eq!(
            cleaned(br#"{"Action":"output","Output":"\u001b[31m--- FAIL: TestX\u001b[0m\n"}"#),
            "--- FAIL: TestX"
        );
        // Other JSON, and what only looks like it, stays as it is.
        for other in [
            &br#"{"name":"shop","version":"1.0.0"}"#[..],
            b"{ not json }",
        ] {
            assert_eq!(cleaned(other), String::from_utf8_lossy(other));
        }
    }

    #[test]
    fn a_logfmt_record_reads_as_its_level_message_and_error() {
        assert_eq!(
            cleaned(br#"time="2026-12-04T18:48:10Z" level=fatal msg="configuration is incomplete" variable=DATABASE_URL"#),
            "FATAL configuration is incomplete"
        );
        assert_eq!(
            cleaned(br#"level=error msg="query failed: \"orders\" is locked" error="context deadline exceeded""#),
            r#"ERROR query failed: "orders" is locked: context deadline exceeded"#
        );
        assert_eq!(
            cleaned(br#"level=error component=db msg="connection refused""#),
            "ERROR db - connection refused"
        );
        // Without a level and a message, or not key=value throughout, a line stays as it is.
        for other in [
            &br#"time="2026-12-04T18:48:10Z" msg="no level""#[..],
            b"level=3 of 5 done",
            br#"level=error msg="unterminated"#,
        ] {
            assert_eq!(cleaned(other), String::from_utf8_lossy(other));
        }
    }

    #[test]
    fn numbers_lines_at_line_feeds_only() {
        let mut seen = Vec::new();
        let n = for_each_line(&b"a\nb\r\n\nc\rd\ne\r\r\nf"[..], |l| {
            seen.push((l.number, l.bytes.to_vec()))
        })
        .unwrap();
        assert_eq!(n, 6);
        assert_eq!(
            seen,
            vec![
                (1, b"a".to_vec()),
                (2, b"b".to_vec()),
                (3, vec![]),
                (4, b"d".to_vec()),
                (5, b"e".to_vec()),
                (6, b"f".to_vec()),
            ]
        );
        // A \r\n split across two reads is still one terminator.
        let reader = std::io::Read::chain(&b"x\r"[..], &b"\ny"[..]);
        let mut lines = Vec::new();
        for_each_line(BufSplit(reader), |l| {
            lines.push((l.number, l.bytes.to_vec()))
        })
        .unwrap();
        assert_eq!(lines, vec![(1, b"x".to_vec()), (2, b"y".to_vec())]);
        let mut count = 0;
        for_each_line(&b"x\n"[..], |_| count += 1).unwrap();
        assert_eq!(count, 2, "\"x\\n\".split('\\n') has two parts");
    }

    #[test]
    fn a_carriage_return_shows_what_a_terminal_shows_last() {
        let mut seen = Vec::new();
        let log = b"Downloading 10%\rDownloading 100%\ntravis_fold:start:install\r\x1b[0K$ npm ci\nok\r\r\n";
        for_each_line_in(log, |l| seen.push(l.bytes.to_vec()));
        assert_eq!(
            seen,
            vec![
                b"Downloading 100%".to_vec(),
                b"\x1b[0K$ npm ci".to_vec(),
                b"ok".to_vec(),
                vec![],
            ]
        );
    }

    #[test]
    fn in_memory_and_streamed_in_any_chunks_agree() {
        let log = b"a\r\r\nb\r\n\r\nc\rd\n\ne\r\rf\r\ng\r";
        let mut whole = Vec::new();
        let n = for_each_line_in(log, |l| whole.push((l.number, l.bytes.to_vec())));
        let mut streamed = Vec::new();
        let m = for_each_line(BufSplit(&log[..]), |l| {
            streamed.push((l.number, l.bytes.to_vec()))
        })
        .unwrap();
        assert_eq!((n, &whole), (m, &streamed));
        assert_eq!(n, 7);
        assert_eq!(whole[3], (4, b"d".to_vec()));
        assert_eq!(whole[5], (6, b"f".to_vec()));
        assert_eq!(whole[6], (7, b"g".to_vec()));
        assert_eq!(for_each_line_in(b"", |_| {}), 0);
    }

    #[test]
    fn after_a_gap_the_next_whole_line_keeps_its_number() {
        let log: &[u8] = b"ab\r\ncd\r\r\n\nef\rg\n\r\r\nhij\rk";
        let mut whole = Vec::new();
        for_each_line_in(log, |l| {
            // The last line is handed over from the splitter's own copy: it ends the log.
            let start = (l.bytes.as_ptr() as usize)
                .checked_sub(log.as_ptr() as usize)
                .filter(|s| *s <= log.len())
                .unwrap_or(log.len() - l.bytes.len());
            whole.push((start, l.number, l.bytes.to_vec()));
        });
        // Where each line starts in the log: after each \n.
        let starts: Vec<usize> = std::iter::once(0)
            .chain(memchr::memchr_iter(b'\n', log).map(|i| i + 1))
            .collect();
        for gap in 0..=log.len() {
            // Bytes before `gap` are only counted, as the skipped middle of a long log is.
            let mut splitter = LineSplitter::default();
            splitter.feed(&log[..gap], &mut |_| {});
            let start = gap + splitter.skip_to_line_start(&log[gap..]);
            let Some(first) = starts
                .iter()
                .position(|s| *s >= gap)
                .filter(|_| start < log.len())
            else {
                assert_eq!(start, log.len(), "gap {gap}: no line starts after it");
                continue;
            };
            assert_eq!(start, starts[first], "gap {gap}");
            let mut after = Vec::new();
            for_each_line_in(&log[start..], |l| {
                after.push((l.number + splitter.ended(), l.bytes.to_vec()))
            });
            let expected: Vec<_> = whole[first..]
                .iter()
                .map(|(_, n, b)| (*n, b.clone()))
                .collect();
            assert_eq!(after, expected, "gap {gap}");
        }
    }

    #[test]
    fn long_lines_are_capped_not_split() {
        let mut raw = vec![b'a'; MAX_LINE_BYTES * 3];
        raw.extend_from_slice(b"\nnext");
        let mut seen = Vec::new();
        for_each_line(&raw[..], |l| seen.push((l.number, l.bytes.len()))).unwrap();
        assert_eq!(seen, vec![(1, MAX_LINE_BYTES), (2, 4)]);
    }

    #[test]
    fn strips_colours_progress_and_ci_decorations() {
        assert_eq!(cleaned(b"\x1b[31;1merror\x1b[0m: boom"), "error: boom");
        assert_eq!(cleaned(b"\x1b[0K$ npm test"), "$ npm test");
        assert_eq!(cleaned(b"travis_fold:start:install"), "");
        assert_eq!(
            cleaned(b"2024-05-01T10:00:00.123456Z 01O error: x"),
            "error: x"
        );
        assert_eq!(
            cleaned(b"2024-05-01T10:00:00.1234567Z ##[error]boom"),
            "##[error]boom"
        );
        assert_eq!(cleaned(b"\x1b[0Ksection_start:1700000000:build"), "");
        assert_eq!(cleaned(b"caf\xc3\xa9 \xff ok"), "caf\u{e9} \u{fffd} ok");
        assert_eq!(cleaned(b"\x1b]0;title\x07text"), "text");
        assert_eq!(cleaned(b"\x1b"), "");
        assert_eq!(cleaned(b"\x1b[32m2024-05-01T10:00:00Z ok\x1b[0m \t"), "ok");
        assert_eq!(cleaned(b"21:06:25,243 [ERROR] x.java"), "[ERROR] x.java");
        assert_eq!(
            cleaned(b"10:00:00.123 [main] ERROR a.B - boom"),
            "[main] ERROR a.B - boom"
        );
        assert_eq!(cleaned(b"2024-05-01 10:00:00,123 ERROR boom"), "ERROR boom");
        assert_eq!(cleaned(b"2024-05-01T10:00:00+03:00 error: x"), "error: x");
        // Go's log package and nginx date with slashes.
        assert_eq!(
            cleaned(b"2024/05/01 10:00:00 [emerg] 7#7: unknown directive"),
            "[emerg] 7#7: unknown directive"
        );
        assert_eq!(cleaned(b"2024/05-01 10:00:00 x"), "2024/05-01 10:00:00 x");
        // A time in brackets (gulp, Jenkins' timestamper).
        assert_eq!(
            cleaned(b"[02:47:04] Task never defined: lint"),
            "Task never defined: lint"
        );
        assert_eq!(
            cleaned(b"[2024-05-01T10:00:00.123Z] [ERROR] boom"),
            "[ERROR] boom"
        );
        // fastlane's time, and its mark on the output of the command it runs.
        assert_eq!(
            cleaned("[10:03:16]: ▸ ❌  Shop/Cart.swift:12:16: cannot find 'totl'".as_bytes()),
            "❌  Shop/Cart.swift:12:16: cannot find 'totl'"
        );
        assert_eq!(
            cleaned("[10:03:16]: ▸                ^~~~".as_bytes()),
            "               ^~~~"
        );
        assert_eq!(cleaned(b"[10:03:16]: "), "");
        // syslog's and moreutils' `ts`'s time; a layout's bar after a time (loguru's); a
        // script's time over a tool's own.
        assert_eq!(cleaned(b"Dec 05 10:00:02 error: x"), "error: x");
        assert_eq!(cleaned(b"May  5 10:00:02 error: x"), "error: x");
        assert_eq!(
            cleaned(b"2026-12-05 10:00:02.123 | ERROR    | shop.db:connect:12 - refused"),
            "ERROR    | shop.db:connect:12 - refused"
        );
        assert_eq!(
            cleaned(b"Dec 05 10:00:02 10:00:02.123 [main] ERROR a.B - boom"),
            "[main] ERROR a.B - boom"
        );
        for kept in [
            "Dec 5 10:00:02 x",
            "Decs 05 10:00:02 x",
            "[10:00] x",
            "[10:00:00]:x",
            "[ERROR] x",
            "12:34:56: error: x",
            "10:00:00",
            "1:00:00 x",
            "2024-05-01 ok",
            "10:00 x",
        ] {
            assert_eq!(cleaned(kept.as_bytes()), kept);
        }
        assert_eq!(cleaned("done\u{3000}\u{a0} ".as_bytes()), "done");
        assert_eq!(cleaned(b"cut \xe3\x80"), "cut \u{fffd}");
    }

    #[test]
    fn strips_buildkit_docker_compose_workspace_ant_process_id_and_tool_prefixes_only() {
        let stripped: [(&[u8], &str); 40] = [
            (
                b"#4 2.711 E: Unable to locate package x",
                "E: Unable to locate package x",
            ),
            (b"2024-05-01T10:00:00Z 01O #12 103.250 error: x", "error: x"),
            (b"\x1b[0m#7 1.204 \x1b[31merror\x1b[0m: y", "error: y"),
            (b"#7 1.210", ""),
            (b"app-1  | E       ValueError: x", "E       ValueError: x"),
            (
                b"web_1   | Traceback (most recent call last):",
                "Traceback (most recent call last):",
            ),
            (b"\x1b[36mshop_api.v2_1  | \x1b[0m  indented", "  indented"),
            (b"2024-05-01T10:00:00Z 01O db-1 | FATAL: x", "FATAL: x"),
            // A runner's time, then the tool's own time or tag.
            (
                b"2024-05-01T10:00:00Z 01O 21:06:25,243 [ERROR] x",
                "[ERROR] x",
            ),
            (b"2024-05-01T10:00:00Z 01O [vite] error: x", "error: x"),
            (b"app-1  |", ""),
            (
                b"    [javac] src/Cart.java:6: error: cannot find symbol",
                "src/Cart.java:6: error: cannot find symbol",
            ),
            (
                b"    [junit] \tat shop.CartTest.total",
                "\tat shop.CartTest.total",
            ),
            (b"    [junit] ", ""),
            // What the command Ant's exec task runs puts before its own text goes too.
            (
                b"     [exec] ==28811== Invalid read of size 4",
                "Invalid read of size 4",
            ),
            (b"     [exec] [11ty] Error: x", "Error: x"),
            (b">> Exited with code: 1.", "Exited with code: 1."),
            (b">> src/cart.py:3: error: x", "src/cart.py:3: error: x"),
            (b">>   at x (a.js:1:2)", "  at x (a.js:1:2)"),
            (b">>", ""),
            // Gradle 4's task header, its line not ended before the task's standard error.
            (
                b":compileJava/builds/acme/shop/src/Cart.java:3: error: x",
                "/builds/acme/shop/src/Cart.java:3: error: x",
            ),
            (
                b":app:compileKotline: /builds/a/Cart.kt: (3, 5): x",
                "e: /builds/a/Cart.kt: (3, 5): x",
            ),
            (
                b"==28811== Invalid read of size 4",
                "Invalid read of size 4",
            ),
            (
                b"==28811==    by 0x10918C: label (cart.c:6)",
                "   by 0x10918C: label (cart.c:6)",
            ),
            (b"==28811== ", ""),
            (
                b"==2922==ERROR: AddressSanitizer: x",
                "ERROR: AddressSanitizer: x",
            ),
            (
                b"[11ty]   Error: filter not found: money",
                "  Error: filter not found: money",
            ),
            (
                b"[vite] Internal server error: x",
                "Internal server error: x",
            ),
            (b"[test ]   1) cart", "  1) cart"),
            (b"[lint ] ", ""),
            (
                b"data/south.json\t  File \"check.py\", line 5",
                "  File \"check.py\", line 5",
            ),
            (
                b"./north.json\tTraceback (most recent call last):",
                "Traceback (most recent call last):",
            ),
            // Monorepo task runners: Turborepo, pnpm, Lerna's and Nx's stream.
            (
                b"@acme/web:test: src/a.ts(2,3): error TS2322: x",
                "src/a.ts(2,3): error TS2322: x",
            ),
            (b"web:test:unit: FAIL src/a.test.ts", "FAIL src/a.test.ts"),
            (b"web:build: ", ""),
            (b"\x1b[35mweb:build: \x1b[0m[vite] error: x", "error: x"),
            (b"packages/web test: E   assert 3 == 5", "E   assert 3 == 5"),
            (b"apps/site build:   at x (a.js:1:2)", "  at x (a.js:1:2)"),
            (
                b"\x1b[1m\x1b[96m@acme/web:\x1b[39m\x1b[22m Error: x",
                "Error: x",
            ),
            (b"@acme/web:", ""),
        ];
        for (raw, text) in stripped {
            assert_eq!(cleaned(raw), text);
        }
        for kept in [
            "#4 ERROR: process \"/bin/sh -c make\" did not complete successfully",
            "#4 [2/4] RUN make",
            "#4 DONE 0.3s",
            "#1 is the best",
            "#12 3.5x",
            "# 1.5 comment",
            "12 | let y = x;",
            "a | b",
            "-1 | x",
            "x-1| y",
            "error-1: x",
            "1-2 | x",
            "app-x | y",
            "[info] [javac] x",
            "    [jav c] y",
            "         [] z",
            "==x== y",
            "===== 3 passed =====",
            "== Compilation error ==",
            "[error] x",
            "[emerg] 8861#8861: unknown directive",
            "[gw0] [ 50%] FAILED tests/test_cart.py::test_total",
            "[Fail] Cart [It] totals",
            "[11ty]",
            "[1] 12345",
            ":ciWARNING: x",
            ":ci",
            ":http://example.com/",
            ":/usr/lib",
            ":compileKotline: x",
            ":tests/cart.test:2: [Failed]",
            ">>> total(2, 3)",
            ">>x",
            "[info ] x",
            "FAIL\texample.com/shop\t0.003s",
            "ok  \texample.com/shop\t0.003s",
            "example.com/shop/cart.go:3:\tTotal\t100.0%",
            "M\tsrc/cart.c",
            "src/cart.js:12:5: error: total is not defined",
            "main.go:12: x",
            "ERROR:root:x",
            "sh: 1: x: not found",
            "test_a.py::test_x PASSED",
            "tests/test_a.py::test_x PASSED",
            "localhost:5432: connection refused",
            "packages/web test$ jest",
            "src/app.ts error: x",
            "web: x",
            "@acme/web#test:  ERROR  command exited (1)",
            "@types/node is deprecated",
            "Error:Foo: x",
        ] {
            assert_eq!(cleaned(kept.as_bytes()), kept);
        }
    }
}
