//! The rule expression language (docs/threat-model.md, "Expressions"):
//! conditions over the attributes of one model element.
//!
//! ```text
//! expr    := and ("or" and)*
//! and     := unary ("and" unary)*
//! unary   := "not" unary | compare
//! compare := value (("==" | "!=" | "<" | "<=" | ">" | ">=" | "in" | "contains") value)?
//! value   := path | 'text' | "text" | number | true | false | null
//!          | "[" value ("," value)* "]" | "(" expr ")"
//!          | count(path) | exists(path) | any(path, expr) | all(path, expr)
//! path    := name ("." name)*          e.g. target.stores.classification
//! ```
//!
//! A path through a list yields a list, and a comparison with a list holds
//! when it holds for any element (`data.confidentiality >= 'high'`). Words
//! of a scale compare by rank. Text comparisons ignore ASCII case. Every
//! expression is type-checked when its rule is loaded.

mod check;
mod eval;

pub use check::check;
pub use eval::{holds, scale_words};

/// A comparison operator.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op {
    /// `==`
    Eq,
    /// `!=`
    Ne,
    /// `<`
    Lt,
    /// `<=`
    Le,
    /// `>`
    Gt,
    /// `>=`
    Ge,
    /// `in`
    In,
    /// `contains`
    Contains,
}

/// A parsed expression.
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Either holds.
    Or(Box<Expr>, Box<Expr>),
    /// Both hold.
    And(Box<Expr>, Box<Expr>),
    /// Does not hold.
    Not(Box<Expr>),
    /// A comparison.
    Cmp(Op, Box<Expr>, Box<Expr>),
    /// An attribute path.
    Path(Vec<String>),
    /// Text.
    Str(String),
    /// A number.
    Num(f64),
    /// true or false.
    Bool(bool),
    /// null.
    Null,
    /// A list of literals.
    List(Vec<Expr>),
    /// How many elements.
    Count(Box<Expr>),
    /// Present and not empty.
    Exists(Box<Expr>),
    /// Holds for some element of a list.
    Any(Box<Expr>, Box<Expr>),
    /// Holds for every element of a list.
    All(Box<Expr>, Box<Expr>),
}

/// An error in an expression, at a character offset.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExprError {
    /// The offset in characters, from 0.
    pub offset: usize,
    /// What is wrong.
    pub message: String,
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Name(String),
    Str(String),
    Num(f64),
    Op(Op),
    Dot,
    Comma,
    LParen,
    RParen,
    LBrack,
    RBrack,
}

fn lex(src: &str) -> Result<Vec<(Tok, usize)>, ExprError> {
    let chars: Vec<char> = src.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    let err = |offset, message: &str| ExprError {
        offset,
        message: message.to_owned(),
    };
    while i < chars.len() {
        let c = chars[i];
        let start = i;
        match c {
            ' ' | '\t' | '\n' | '\r' => {
                i += 1;
                continue;
            }
            '.' => out.push((Tok::Dot, start)),
            ',' => out.push((Tok::Comma, start)),
            '(' => out.push((Tok::LParen, start)),
            ')' => out.push((Tok::RParen, start)),
            '[' => out.push((Tok::LBrack, start)),
            ']' => out.push((Tok::RBrack, start)),
            '=' | '!' | '<' | '>' => {
                let next = chars.get(i + 1).copied();
                let (op, len) = match (c, next) {
                    ('=', Some('=')) => (Op::Eq, 2),
                    ('!', Some('=')) => (Op::Ne, 2),
                    ('<', Some('=')) => (Op::Le, 2),
                    ('>', Some('=')) => (Op::Ge, 2),
                    ('<', _) => (Op::Lt, 1),
                    ('>', _) => (Op::Gt, 1),
                    _ => return Err(err(start, "expected `==` or `!=`")),
                };
                out.push((Tok::Op(op), start));
                i += len;
                continue;
            }
            '\'' | '"' => {
                let mut s = String::new();
                i += 1;
                loop {
                    match chars.get(i) {
                        None => return Err(err(start, "text not closed; end it with its quote")),
                        Some(&q) if q == c => break,
                        Some(&ch) => s.push(ch),
                    }
                    i += 1;
                }
                out.push((Tok::Str(s), start));
            }
            c if c.is_ascii_digit() => {
                let mut s = String::new();
                while let Some(&d) = chars.get(i) {
                    if d.is_ascii_digit() || d == '.' {
                        s.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                let n = s.parse::<f64>().map_err(|_| err(start, "not a number"))?;
                out.push((Tok::Num(n), start));
                continue;
            }
            c if c.is_ascii_alphabetic() || c == '_' => {
                let mut s = String::new();
                while let Some(&d) = chars.get(i) {
                    if d.is_ascii_alphanumeric() || d == '_' || d == '-' {
                        s.push(d);
                        i += 1;
                    } else {
                        break;
                    }
                }
                out.push((
                    match s.as_str() {
                        "in" => Tok::Op(Op::In),
                        "contains" => Tok::Op(Op::Contains),
                        _ => Tok::Name(s),
                    },
                    start,
                ));
                continue;
            }
            _ => return Err(err(start, &format!("unexpected character `{c}`"))),
        }
        i += 1;
    }
    Ok(out)
}

struct Parser {
    toks: Vec<(Tok, usize)>,
    pos: usize,
    end: usize,
    depth: usize,
}

const MAX_EXPR_DEPTH: usize = 64;

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|(t, _)| t)
    }
    fn offset(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |(_, o)| *o)
    }
    fn err<T>(&self, message: impl Into<String>) -> Result<T, ExprError> {
        Err(ExprError {
            offset: self.offset(),
            message: message.into(),
        })
    }
    fn name_is(&self, w: &str) -> bool {
        matches!(self.peek(), Some(Tok::Name(n)) if n == w)
    }
    fn expect(&mut self, t: Tok, what: &str) -> Result<(), ExprError> {
        if self.peek() == Some(&t) {
            self.pos += 1;
            Ok(())
        } else {
            self.err(format!("expected {what}"))
        }
    }

    fn or(&mut self) -> Result<Expr, ExprError> {
        self.depth += 1;
        if self.depth > MAX_EXPR_DEPTH {
            return self.err("expression nested too deeply");
        }
        let mut l = self.and()?;
        while self.name_is("or") {
            self.pos += 1;
            let r = self.and()?;
            l = Expr::Or(Box::new(l), Box::new(r));
        }
        self.depth -= 1;
        Ok(l)
    }
    fn and(&mut self) -> Result<Expr, ExprError> {
        let mut l = self.unary()?;
        while self.name_is("and") {
            self.pos += 1;
            let r = self.unary()?;
            l = Expr::And(Box::new(l), Box::new(r));
        }
        Ok(l)
    }
    fn unary(&mut self) -> Result<Expr, ExprError> {
        if self.name_is("not") {
            self.pos += 1;
            self.depth += 1;
            if self.depth > MAX_EXPR_DEPTH {
                return self.err("expression nested too deeply");
            }
            let e = self.unary()?;
            self.depth -= 1;
            return Ok(Expr::Not(Box::new(e)));
        }
        let l = self.value()?;
        if let Some(Tok::Op(op)) = self.peek().cloned() {
            self.pos += 1;
            let r = self.value()?;
            return Ok(Expr::Cmp(op, Box::new(l), Box::new(r)));
        }
        Ok(l)
    }
    fn value(&mut self) -> Result<Expr, ExprError> {
        let Some(t) = self.peek().cloned() else {
            return self.err("expected a value, found the end");
        };
        self.pos += 1;
        match t {
            Tok::Str(s) => Ok(Expr::Str(s)),
            Tok::Num(n) => Ok(Expr::Num(n)),
            Tok::LParen => {
                let e = self.or()?;
                self.expect(Tok::RParen, "`)`")?;
                Ok(e)
            }
            Tok::LBrack => {
                let mut items = Vec::new();
                if self.peek() != Some(&Tok::RBrack) {
                    loop {
                        items.push(self.value()?);
                        if self.peek() == Some(&Tok::Comma) {
                            self.pos += 1;
                        } else {
                            break;
                        }
                    }
                }
                self.expect(Tok::RBrack, "`]` or `,`")?;
                Ok(Expr::List(items))
            }
            Tok::Name(n) => match n.as_str() {
                "true" => Ok(Expr::Bool(true)),
                "false" => Ok(Expr::Bool(false)),
                "null" => Ok(Expr::Null),
                "and" | "or" | "not" => {
                    self.pos -= 1;
                    self.err(format!("`{n}` where a value was expected"))
                }
                "count" | "exists" | "any" | "all" if self.peek() == Some(&Tok::LParen) => {
                    self.pos += 1;
                    let p = self.path()?;
                    let e = if n == "any" || n == "all" {
                        self.expect(Tok::Comma, "`,` and a condition")?;
                        let c = self.or()?;
                        if n == "any" {
                            Expr::Any(Box::new(p), Box::new(c))
                        } else {
                            Expr::All(Box::new(p), Box::new(c))
                        }
                    } else if n == "count" {
                        Expr::Count(Box::new(p))
                    } else {
                        Expr::Exists(Box::new(p))
                    };
                    self.expect(Tok::RParen, "`)`")?;
                    Ok(e)
                }
                _ => {
                    self.pos -= 1;
                    self.path()
                }
            },
            _ => {
                self.pos -= 1;
                self.err("expected a value")
            }
        }
    }
    fn path(&mut self) -> Result<Expr, ExprError> {
        let mut segs = Vec::new();
        loop {
            match self.peek().cloned() {
                Some(Tok::Name(n)) => {
                    self.pos += 1;
                    segs.push(n);
                }
                _ => return self.err("expected an attribute name"),
            }
            if self.peek() == Some(&Tok::Dot) {
                self.pos += 1;
            } else {
                return Ok(Expr::Path(segs));
            }
        }
    }
}

/// Parses an expression.
pub fn parse(src: &str) -> Result<Expr, ExprError> {
    let toks = lex(src)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end: src.chars().count(),
        depth: 0,
    };
    let e = p.or()?;
    if p.pos < p.toks.len() {
        return p.err("unexpected text after the expression; join conditions with `and` or `or`");
    }
    Ok(e)
}

#[cfg(test)]
mod tests;
