//! Traefik router rules (`Host(`a.example.com`) && PathPrefix(`/api`)`): a parser, a printer
//! that writes a rule back so that it parses to the same tree, and the rule as alternatives
//! (an `||` of `&&`s), which is what Ingress rules and HTTPRoute matches can express.
//!
//! The grammar is Traefik's (v2 and v3): matchers `Name(arg, ...)` whose arguments are
//! backtick or double-quoted strings, `!`, `&&` (binding tighter than `||`), `||` and
//! parentheses. Matcher names are kept as written; what they mean is decided by the caller.

use std::fmt;

/// A parsed rule.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Rule {
    Matcher(Matcher),
    Not(Box<Rule>),
    And(Box<Rule>, Box<Rule>),
    Or(Box<Rule>, Box<Rule>),
}

/// One matcher: `PathPrefix(`/api`)`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Matcher {
    pub name: String,
    pub args: Vec<String>,
}

/// Why a rule does not parse, and where (a byte offset into the rule).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub offset: usize,
    pub message: String,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.offset + 1)
    }
}

/// How many alternatives a rule may expand to before it is refused: an HTTPRoute has at
/// most 64 matches, and a rule that multiplies out further is not one a person wrote.
pub const MAX_ALTERNATIVES: usize = 64;

/// How deep `(`, `!` may nest: a limit, so that no input overflows the stack.
const MAX_DEPTH: usize = 64;

/// Parses a rule.
pub fn parse(text: &str) -> Result<Rule, ParseError> {
    let mut parser = Parser {
        text,
        offset: 0,
        depth: 0,
    };
    let rule = parser.or()?;
    parser.skip_space();
    if parser.offset < text.len() {
        return Err(parser.error("expected `&&`, `||` or the end of the rule"));
    }
    Ok(rule)
}

struct Parser<'a> {
    text: &'a str,
    offset: usize,
    depth: usize,
}

impl Parser<'_> {
    fn rest(&self) -> &str {
        self.text.get(self.offset..).unwrap_or_default()
    }

    fn error(&self, message: &str) -> ParseError {
        ParseError {
            offset: self.offset,
            message: message.to_owned(),
        }
    }

    fn skip_space(&mut self) {
        let rest = self.rest();
        self.offset += rest.len() - rest.trim_start().len();
    }

    fn eat(&mut self, token: &str) -> bool {
        self.skip_space();
        if self.rest().starts_with(token) {
            self.offset += token.len();
            true
        } else {
            false
        }
    }

    fn or(&mut self) -> Result<Rule, ParseError> {
        let mut left = self.and()?;
        while self.eat("||") {
            let right = self.and()?;
            left = Rule::Or(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn and(&mut self) -> Result<Rule, ParseError> {
        let mut left = self.unary()?;
        while self.eat("&&") {
            let right = self.unary()?;
            left = Rule::And(Box::new(left), Box::new(right));
        }
        Ok(left)
    }

    fn unary(&mut self) -> Result<Rule, ParseError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error("the rule nests too deeply"));
        }
        let rule = if self.eat("!") {
            self.unary().map(|r| Rule::Not(Box::new(r)))
        } else if self.eat("(") {
            let inner = self.or()?;
            if self.eat(")") {
                Ok(inner)
            } else {
                Err(self.error("expected `)`"))
            }
        } else {
            self.matcher().map(Rule::Matcher)
        };
        self.depth -= 1;
        rule
    }

    fn matcher(&mut self) -> Result<Matcher, ParseError> {
        self.skip_space();
        let rest = self.rest();
        let length = rest
            .find(|c: char| !c.is_ascii_alphanumeric())
            .unwrap_or(rest.len());
        if length == 0 {
            return Err(self.error("expected a matcher such as Host(`example.com`)"));
        }
        let name = rest.get(..length).unwrap_or_default().to_owned();
        self.offset += length;
        if !self.eat("(") {
            return Err(self.error(&format!("expected `(` after `{name}`")));
        }
        let mut args = Vec::new();
        if !self.eat(")") {
            loop {
                args.push(self.string()?);
                if self.eat(")") {
                    break;
                }
                if !self.eat(",") {
                    return Err(self.error("expected `,` or `)`"));
                }
            }
        }
        Ok(Matcher { name, args })
    }

    /// A backtick string (no escapes) or a double-quoted one (Go escapes `\"`, `\\`).
    fn string(&mut self) -> Result<String, ParseError> {
        self.skip_space();
        let start = self.offset;
        let mut chars = self.rest().char_indices();
        match chars.next() {
            Some((_, '`')) => {
                for (index, c) in chars {
                    if c == '`' {
                        let value = self.rest().get(1..index).unwrap_or_default().to_owned();
                        self.offset += index + 1;
                        return Ok(value);
                    }
                }
                Err(ParseError {
                    offset: start,
                    message: "this backtick string is not closed".into(),
                })
            }
            Some((_, '"')) => {
                let mut value = String::new();
                let mut escaped = false;
                for (index, c) in chars {
                    match (escaped, c) {
                        (true, 'n') => value.push('\n'),
                        (true, 't') => value.push('\t'),
                        (false, '\\') => {
                            escaped = true;
                            continue;
                        }
                        (false, '"') => {
                            self.offset += index + 1;
                            return Ok(value);
                        }
                        (_, other) => value.push(other),
                    }
                    escaped = false;
                }
                Err(ParseError {
                    offset: start,
                    message: "this quoted string is not closed".into(),
                })
            }
            _ => Err(self.error("expected a string in backticks")),
        }
    }
}

impl fmt::Display for Rule {
    /// The rule in Traefik syntax, with parentheses exactly where the tree needs them (`&&`
    /// and `||` group to the left, `&&` binds tighter).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::Matcher(matcher) => write!(f, "{matcher}"),
            Self::Not(inner) => match inner.as_ref() {
                Self::Matcher(_) | Self::Not(_) => write!(f, "!{inner}"),
                _ => write!(f, "!({inner})"),
            },
            Self::And(left, right) => {
                write_operand(f, left, matches!(left.as_ref(), Self::Or(..)))?;
                f.write_str(" && ")?;
                write_operand(
                    f,
                    right,
                    matches!(right.as_ref(), Self::Or(..) | Self::And(..)),
                )
            }
            Self::Or(left, right) => {
                write!(f, "{left} || ")?;
                write_operand(f, right, matches!(right.as_ref(), Self::Or(..)))
            }
        }
    }
}

fn write_operand(f: &mut fmt::Formatter<'_>, rule: &Rule, parenthesise: bool) -> fmt::Result {
    if parenthesise {
        write!(f, "({rule})")
    } else {
        write!(f, "{rule}")
    }
}

impl fmt::Display for Matcher {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}(", self.name)?;
        for (index, arg) in self.args.iter().enumerate() {
            if index > 0 {
                f.write_str(", ")?;
            }
            if arg.contains('`') {
                write!(f, "\"{}\"", arg.replace('\\', "\\\\").replace('"', "\\\""))?;
            } else {
                write!(f, "`{arg}`")?;
            }
        }
        f.write_str(")")
    }
}

impl Rule {
    /// The rule as alternatives of matchers that must all hold (its disjunctive normal
    /// form). A matcher with several arguments of one kind (`Host(`a`, `b`)`, Traefik v2)
    /// stays one matcher: the caller reads its arguments as alternatives. `Err` names what
    /// cannot be expressed that way: a negation, or too many alternatives.
    pub fn alternatives(&self) -> Result<Vec<Vec<&Matcher>>, String> {
        match self {
            Self::Matcher(matcher) => Ok(vec![vec![matcher]]),
            Self::Not(inner) => Err(format!(
                "`!{inner}` negates a condition; Ingress rules and HTTPRoute matches cannot exclude requests"
            )),
            Self::Or(left, right) => {
                let mut out = left.alternatives()?;
                out.extend(right.alternatives()?);
                limit(out)
            }
            Self::And(left, right) => {
                let left = left.alternatives()?;
                let right = right.alternatives()?;
                if left.len().saturating_mul(right.len()) > MAX_ALTERNATIVES {
                    return Err(too_many());
                }
                let mut out = Vec::new();
                for l in &left {
                    for r in &right {
                        out.push(l.iter().chain(r).copied().collect());
                    }
                }
                Ok(out)
            }
        }
    }
}

fn limit<T>(out: Vec<T>) -> Result<Vec<T>, String> {
    if out.len() > MAX_ALTERNATIVES {
        Err(too_many())
    } else {
        Ok(out)
    }
}

fn too_many() -> String {
    format!("the rule has more than {MAX_ALTERNATIVES} alternatives")
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn matcher(name: &str, args: &[&str]) -> Rule {
        Rule::Matcher(Matcher {
            name: name.into(),
            args: args.iter().map(|a| (*a).to_owned()).collect(),
        })
    }

    #[test]
    fn and_binds_tighter_than_or() {
        let rule = parse("Host(`a`) || Host(`b`) && Path(`/x`)").unwrap();
        let expected = Rule::Or(
            Box::new(matcher("Host", &["a"])),
            Box::new(Rule::And(
                Box::new(matcher("Host", &["b"])),
                Box::new(matcher("Path", &["/x"])),
            )),
        );
        assert_eq!(rule, expected);
    }

    #[test]
    fn parentheses_group_and_quotes_escape() {
        let rule = parse(r#"Host(`a`) && (Header(`X-Key`, "v\"1") || Query(`k`, `v`))"#).unwrap();
        assert_eq!(
            rule.to_string(),
            r#"Host(`a`) && (Header(`X-Key`, `v"1`) || Query(`k`, `v`))"#
        );
        assert_eq!(rule.alternatives().unwrap().len(), 2);
    }

    #[test]
    fn v2_matchers_take_several_arguments() {
        let rule = parse("Host(`a.example.com`,`b.example.com`)").unwrap();
        assert_eq!(rule, matcher("Host", &["a.example.com", "b.example.com"]));
    }

    #[test]
    fn errors_say_where() {
        let error = parse("Host(`a`) &&").unwrap_err();
        assert_eq!(error.offset, 12);
        let error = parse("Host(`a").unwrap_err();
        assert!(error.message.contains("not closed"), "{error}");
        assert!(parse("Host(`a`) Path(`/`)").is_err());
        assert!(parse("").is_err());
    }

    #[test]
    fn negation_has_no_alternatives() {
        let rule = parse("Host(`a`) && !Path(`/admin`)").unwrap();
        assert!(rule.alternatives().unwrap_err().contains("negates"));
    }

    #[test]
    fn deep_nesting_is_an_error_not_a_crash() {
        let text = format!("{}Host(`a`){}", "(".repeat(10_000), ")".repeat(10_000));
        assert!(parse(&text).is_err());
    }

    #[test]
    fn multiplying_out_is_bounded() {
        let or = "(Host(`a`) || Host(`b`) || Host(`c`) || Host(`d`))";
        let text = [or; 4].join(" && ");
        assert!(parse(&text).unwrap().alternatives().is_err());
    }

    fn arb_rule() -> impl Strategy<Value = Rule> {
        let names = prop::sample::select(vec![
            "Host",
            "HostRegexp",
            "PathPrefix",
            "Path",
            "Method",
            "Headers",
            "Header",
            "Query",
        ]);
        let leaf = (names, prop::collection::vec("[ -~]{0,12}", 0..3)).prop_map(|(name, args)| {
            Rule::Matcher(Matcher {
                name: name.to_owned(),
                args,
            })
        });
        leaf.prop_recursive(5, 32, 2, |inner| {
            prop_oneof![
                inner.clone().prop_map(|r| Rule::Not(Box::new(r))),
                (inner.clone(), inner.clone())
                    .prop_map(|(l, r)| Rule::And(Box::new(l), Box::new(r))),
                (inner.clone(), inner).prop_map(|(l, r)| Rule::Or(Box::new(l), Box::new(r))),
            ]
        })
    }

    proptest! {
        #[test]
        fn a_printed_rule_parses_back_to_the_same_rule(rule in arb_rule()) {
            let printed = rule.to_string();
            prop_assert_eq!(parse(&printed), Ok(rule), "{}", printed);
        }

        #[test]
        fn printing_a_parsed_rule_is_stable(rule in arb_rule()) {
            let once = parse(&rule.to_string()).unwrap().to_string();
            let twice = parse(&once).unwrap().to_string();
            prop_assert_eq!(once, twice);
        }

        #[test]
        fn any_text_parses_or_fails_without_panicking(text in "[ -~]{0,64}") {
            let _ = parse(&text).map(|r| r.alternatives().map(|a| a.len()));
        }

        #[test]
        fn alternatives_keep_every_matcher(rule in arb_rule()) {
            if let Ok(alternatives) = rule.alternatives() {
                prop_assert!(!alternatives.is_empty());
                prop_assert!(alternatives.iter().all(|a| !a.is_empty()));
            }
        }
    }
}
