//! `command` and `entrypoint` (and hook commands): a list of words, or a string that Docker
//! Compose splits into words.
//!
//! A string is *not* run by a shell. Compose splits it with `go-shellwords` (without
//! expansions), whose rules differ from a POSIX shell in ways real files hit:
//!
//! - splitting stops at the first unquoted `;`, `&`, `|`, `<` or `>`: `app migrate && app
//!   seed` runs `app migrate` only (a word of digits before `>`, as in `2>&1`, goes too);
//! - a backslash outside single quotes escapes any character, inside double quotes too
//!   (`"\n"` is `n`);
//! - `` `…` `` and `$(…)` stay one word with their spaces; `(` anywhere else, or an unmatched
//!   `)`, is an error, as is an unclosed quote or a trailing backslash.
//!
//! compose2kube splits the same way, so the container runs what `docker compose up` runs,
//! and warns at the operator where the rest of the line is left out.

use crate::compose::model::de::{Cx, FromNode};
use crate::compose::model::syntax::scalar_sub_span;
use crate::compose::yaml::{Node, Value};
use crate::diag::{Code, Diagnostic};

/// A command line as a list of words; `[]` (written, or a string with no word) overrides the
/// image's value with nothing.
#[derive(Clone, Debug, Default, PartialEq, Eq, Hash)]
pub struct Command(pub Vec<String>);

impl std::ops::Deref for Command {
    type Target = Vec<String>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl FromNode for Command {
    fn from_node(node: &Node, cx: &mut Cx) -> Option<Self> {
        match &node.value {
            Value::Seq(_) => Vec::<String>::from_node(node, cx).map(Self),
            Value::Scalar(scalar) => match split_command(&scalar.text) {
                Ok(split) => {
                    if let Some(stop) = split.stop {
                        warn_cut(cx, node, &scalar.text, &split.words, stop);
                    }
                    Some(Self(split.words))
                }
                Err(reason) => {
                    cx.invalid_value(
                        node.span,
                        format!("Docker Compose cannot split this command into words: {reason}"),
                        "close the quote or parenthesis, or write the command as a list of words",
                    );
                    None
                }
            },
            Value::Map(_) => {
                cx.invalid_type(node, "a command (a string or a list of strings)");
                None
            }
        }
    }
}

impl serde::Serialize for Command {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(serializer)
    }
}

/// The shell operator at byte `stop` of a command line cuts it: Docker runs only `words`.
fn warn_cut(cx: &mut Cx, node: &Node, text: &str, words: &[String], stop: Stop) {
    let rest = text.get(stop.operator..).unwrap_or_default();
    let operator_len = ["&&", "||", ">>"]
        .iter()
        .find(|op| rest.starts_with(*op))
        .map_or(1, |op| op.len());
    let operator = text
        .get(stop.start..stop.operator + operator_len)
        .unwrap_or(rest);
    let span = scalar_sub_span(cx, node, stop.start, stop.operator + operator_len);
    let runs = if words.is_empty() {
        "nothing".to_owned()
    } else {
        format!("`{}`", words.join(" "))
    };
    let quoted = text.trim().replace('\'', r"'\''");
    cx.report(
        Diagnostic::warning(
            Code::ShellOperatorInCommand,
            format!("Docker runs only {runs}: a string command is split into words, not run by a shell, so `{operator}` and everything after it is left out"),
        )
        .at(span)
        .label("the command stops here")
        .help(format!("if all of it is meant to run, run it in a shell: `sh -c '{quoted}'` (as a list: [\"sh\", \"-c\", ...])")),
    );
}

/// Where a command line stopped being split.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Stop {
    /// Byte offset of what was left out (a redirection's file descriptor number included).
    pub start: usize,
    /// Byte offset of the operator itself.
    pub operator: usize,
}

/// The words of a command line, and where it stopped when a shell operator cut it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Split {
    pub words: Vec<String>,
    pub stop: Option<Stop>,
}

/// Splits a command line as Docker Compose does (see the module documentation).
pub fn split_command(text: &str) -> Result<Split, &'static str> {
    let mut words = Vec::new();
    let mut word = String::new();
    // Whether a word is under way (an empty `''` is one).
    let mut in_word = false;
    let mut word_start = 0;
    let (mut escaped, mut single, mut double, mut backtick, mut dollar) =
        (false, false, false, false, false);
    let mut stop = None;
    for (at, c) in text.char_indices() {
        if !in_word && word.is_empty() {
            word_start = at;
        }
        if escaped {
            escaped = false;
            word.push(c);
            in_word = true;
            continue;
        }
        if c == '\\' {
            if single {
                word.push(c);
            } else {
                escaped = true;
            }
            continue;
        }
        if matches!(c, ' ' | '\t' | '\r' | '\n') {
            if single || double || backtick || dollar {
                word.push(c);
            } else if in_word {
                words.push(std::mem::take(&mut word));
                in_word = false;
            }
            continue;
        }
        let quoted = single || double || backtick || dollar;
        match c {
            '`' if !single && !double && !dollar => backtick = !backtick,
            ')' if !single && !double && !backtick => dollar = !dollar,
            '(' if !single && !double && !backtick => {
                if dollar || !word.ends_with('$') {
                    return Err("`(` is not part of a `$(…)`");
                }
                dollar = true;
                word.push(c);
                continue;
            }
            '"' if !single && !dollar => {
                if double {
                    in_word = true;
                }
                double = !double;
                continue;
            }
            '\'' if !double && !dollar => {
                if single {
                    in_word = true;
                }
                single = !single;
                continue;
            }
            ';' | '&' | '|' | '<' | '>' if !quoted => {
                let mut start = at;
                // `2>&1`: the descriptor number belongs to the redirection.
                if c == '>' && word.starts_with(|d: char| d.is_ascii_digit()) {
                    start = word_start;
                    word.clear();
                    in_word = false;
                }
                stop = Some(Stop {
                    start,
                    operator: at,
                });
                break;
            }
            _ => {}
        }
        in_word = true;
        word.push(c);
    }
    if in_word {
        words.push(word);
    }
    if stop.is_none() {
        if escaped {
            return Err("it ends with a lone backslash");
        }
        if single || double {
            return Err("a quote is not closed");
        }
        if backtick || dollar {
            return Err("a `` ` `` or `$(` is not closed");
        }
    }
    Ok(Split { words, stop })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compose::model::testing::{codes_of, read};

    fn words(text: &str) -> Vec<String> {
        split_command(text).unwrap().words
    }

    #[test]
    fn quotes_and_escapes_split_as_docker_compose_splits() {
        assert_eq!(
            words(r#"sh -c 'echo "hi there"' "a\"b" c\ d"#),
            ["sh", "-c", "echo \"hi there\"", "a\"b", "c d"]
        );
        assert_eq!(words("a '' b \"\""), ["a", "", "b", ""]);
        assert_eq!(
            words(r#"echo "\n" a\nb 'a\b'"#),
            ["echo", "n", "anb", r"a\b"]
        );
        assert_eq!(words("echo a#b # c"), ["echo", "a#b", "#", "c"]);
        assert!(words("").is_empty());
        assert!(words("   ").is_empty());
    }

    #[test]
    fn command_substitutions_stay_one_word() {
        assert_eq!(
            words("echo $(date +%s) `a \"b c\"` x$(a;b) \"$(a b)\""),
            ["echo", "$(date +%s)", "`a b c`", "x$(a;b)", "$(a b)"]
        );
        assert_eq!(words("echo $(a \"b c\")"), ["echo", "$(a \"b c\")"]);
    }

    #[test]
    fn shell_operators_stop_the_command() {
        let split = split_command("app migrate up && app migrate finish").unwrap();
        assert_eq!(split.words, ["app", "migrate", "up"]);
        assert_eq!(
            split.stop,
            Some(Stop {
                start: 15,
                operator: 15
            })
        );
        assert_eq!(words("echo hi; rm x"), ["echo", "hi"]);
        assert_eq!(words("a |b"), ["a"]);
        assert_eq!(words("a <in"), ["a"]);
        assert_eq!(words("&& echo"), Vec::<String>::new());
        assert_eq!(words("a\\&b 'a;b'"), ["a&b", "a;b"]);
    }

    #[test]
    fn a_redirected_descriptor_goes_with_the_redirection() {
        assert_eq!(words("a 2>/dev/null"), ["a"]);
        assert_eq!(words("a 2a>x"), ["a"]);
        assert_eq!(words("a b2>x"), ["a", "b2"]);
        assert_eq!(
            split_command("a 12>x").unwrap().stop,
            Some(Stop {
                start: 2,
                operator: 4
            })
        );
    }

    #[test]
    fn what_docker_compose_cannot_split_is_an_invalid_value() {
        for text in [
            "echo 'oops",
            "a\\",
            "a b)",
            "echo (a)",
            "a $((1+2))",
            "echo `a",
        ] {
            assert!(split_command(text).is_err(), "{text}");
        }
        assert_eq!(codes_of::<Command>("\"echo 'oops\""), [Code::InvalidValue]);
    }

    #[test]
    fn and_and_in_a_string_command_warns_with_sh_c_as_the_help() {
        let (command, diagnostics, sources) =
            read::<Command>("app migrate up && app migrate finish\n");
        assert_eq!(command.unwrap().0, ["app", "migrate", "up"]);
        let warning = diagnostics.iter().next().unwrap();
        assert_eq!(warning.code, Code::ShellOperatorInCommand);
        assert_eq!(sources.text(warning.span.unwrap()), Some("&&"));
        assert!(
            warning
                .help
                .as_deref()
                .unwrap()
                .contains("sh -c 'app migrate up && app migrate finish'"),
            "{warning:?}"
        );
    }

    #[test]
    fn command_lists_stay_as_written() {
        let (value, diagnostics, _) = read::<Command>("[echo, 'a b', 10, '&&']\n");
        assert!(diagnostics.is_empty());
        assert_eq!(value.unwrap().0, ["echo", "a b", "10", "&&"]);
    }
}
