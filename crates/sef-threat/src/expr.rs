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

use crate::attrs::{ElemRef, ElemTy, Graph, Scale, Ty, Val, attr_ty, attributes};
use std::borrow::Cow;

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

fn lift(t: Ty, in_list: bool) -> Ty {
    match t {
        Ty::List(_) => t,
        t if in_list => Ty::List(Box::new(t)),
        t => t,
    }
}

fn base(t: &Ty) -> &Ty {
    match t {
        Ty::List(b) => base(b),
        t => t,
    }
}

fn is_condition(t: &Ty) -> bool {
    matches!(base(t), Ty::Bool | Ty::Any | Ty::Elem(_))
}

fn names(e: ElemTy) -> String {
    attributes(e)
        .into_iter()
        .map(|(n, _)| n)
        .collect::<Vec<_>>()
        .join(", ")
}

fn path_ty(root: ElemTy, segs: &[String]) -> Result<Ty, String> {
    let mut cur = Ty::Elem(root);
    let mut in_list = false;
    let mut i = 0;
    while i < segs.len() {
        let s = &segs[i];
        match base(&cur).clone() {
            Ty::Elem(e) => {
                if s == "attributes" {
                    if i + 1 >= segs.len() {
                        return Err("`attributes` needs a key: `attributes.name`".into());
                    }
                    return Ok(lift(Ty::Any, in_list));
                }
                let t = attr_ty(e, s).ok_or_else(|| {
                    format!("no attribute `{s}` on a {}; known: {}", e.label(), names(e))
                })?;
                if matches!(cur, Ty::List(_)) {
                    in_list = true;
                }
                if matches!(t, Ty::List(_)) {
                    in_list = true;
                }
                cur = lift(t, in_list);
            }
            Ty::Any => return Ok(Ty::Any),
            other => {
                return Err(format!("`{s}`: {} has no attributes", describe(&other)));
            }
        }
        i += 1;
    }
    Ok(cur)
}

fn describe(t: &Ty) -> String {
    match t {
        Ty::Bool => "a true/false value".into(),
        Ty::Num => "a number".into(),
        Ty::Str => "a text".into(),
        Ty::Level(s) => format!("a level ({})", s.words().join(" < ")),
        Ty::Enum(w) => format!("a word ({})", w.join(", ")),
        Ty::Elem(e) => format!("a {}", e.label()),
        Ty::List(b) => format!("a list of {}", describe(b)),
        Ty::Any => "a free attribute".into(),
    }
}

/// Type-checks an expression as a condition on an element of type `root`.
pub fn check(e: &Expr, root: ElemTy) -> Result<(), String> {
    let t = ty(e, root)?;
    if is_condition(&t) {
        Ok(())
    } else {
        Err(format!(
            "the expression is {}, not a condition: compare it (`== ...`) or test it with exists(...)",
            describe(&t)
        ))
    }
}

fn literal_fits(lit: &Expr, t: &Ty) -> Result<(), String> {
    match (base(t), lit) {
        (Ty::Level(s), Expr::Str(w)) => s
            .rank(w)
            .map(|_| ())
            .ok_or_else(|| format!("`{w}` is not a level here; one of {}", s.words().join(", "))),
        (Ty::Enum(ws), Expr::Str(w)) => {
            if ws.iter().any(|x| x.eq_ignore_ascii_case(w)) {
                Ok(())
            } else {
                Err(format!("`{w}` is not one of {}", ws.join(", ")))
            }
        }
        (Ty::Str, Expr::Str(_))
        | (Ty::Num, Expr::Num(_))
        | (Ty::Bool, Expr::Bool(_))
        | (_, Expr::Null)
        | (Ty::Any, _) => Ok(()),
        (t, l) => Err(format!("cannot compare {} with {l:?}", describe(t))),
    }
}

fn ty(e: &Expr, root: ElemTy) -> Result<Ty, String> {
    Ok(match e {
        Expr::Or(a, b) | Expr::And(a, b) => {
            for x in [a, b] {
                let t = ty(x, root)?;
                if !is_condition(&t) {
                    return Err(format!("`and`/`or` joins conditions, not {}", describe(&t)));
                }
            }
            Ty::Bool
        }
        Expr::Not(a) => {
            let t = ty(a, root)?;
            if !is_condition(&t) {
                return Err(format!("`not` negates a condition, not {}", describe(&t)));
            }
            Ty::Bool
        }
        Expr::Path(p) => path_ty(root, p)?,
        Expr::Str(_) => Ty::Str,
        Expr::Num(_) => Ty::Num,
        Expr::Bool(_) => Ty::Bool,
        Expr::Null => Ty::Any,
        Expr::List(items) => {
            for i in items {
                if !matches!(i, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::Null) {
                    return Err("a list holds literal values only".into());
                }
            }
            Ty::List(Box::new(Ty::Any))
        }
        Expr::Count(p) => match ty(p, root)? {
            Ty::List(_) | Ty::Any => Ty::Num,
            t => return Err(format!("count(...) needs a list, not {}", describe(&t))),
        },
        Expr::Exists(p) => {
            ty(p, root)?;
            Ty::Bool
        }
        Expr::Any(p, c) | Expr::All(p, c) => match ty(p, root)? {
            Ty::List(b) => match *b {
                Ty::Elem(inner) => {
                    check(c, inner)?;
                    Ty::Bool
                }
                t => {
                    return Err(format!(
                        "any/all need a list of elements, not a list of {}",
                        describe(&t)
                    ));
                }
            },
            t => return Err(format!("any/all need a list, not {}", describe(&t))),
        },
        Expr::Cmp(op, l, r) => {
            let lt = ty(l, root)?;
            let rt = ty(r, root)?;
            let lit =
                |x: &Expr| matches!(x, Expr::Str(_) | Expr::Num(_) | Expr::Bool(_) | Expr::Null);
            match op {
                Op::In => {
                    let Expr::List(items) = &**r else {
                        return Err("`in` needs a list on its right: `x in ['a', 'b']`".into());
                    };
                    for i in items {
                        literal_fits(i, &lt)?;
                    }
                }
                Op::Contains => {
                    if lit(r) {
                        literal_fits(r, &lt)?;
                    }
                    if !matches!(lt, Ty::List(_) | Ty::Str | Ty::Any) {
                        return Err(format!(
                            "`contains` needs a list or a text on its left, not {}",
                            describe(&lt)
                        ));
                    }
                }
                Op::Lt | Op::Le | Op::Gt | Op::Ge => {
                    if !matches!(base(&lt), Ty::Level(_) | Ty::Num | Ty::Any) {
                        return Err(format!(
                            "`<`, `>` compare levels or numbers, not {}",
                            describe(&lt)
                        ));
                    }
                    if lit(r) {
                        literal_fits(r, &lt)?;
                    } else if base(&lt) != base(&rt) && !matches!(base(&rt), Ty::Any) {
                        return Err(format!(
                            "cannot order {} against {}",
                            describe(&lt),
                            describe(&rt)
                        ));
                    }
                }
                Op::Eq | Op::Ne => {
                    if lit(r) {
                        literal_fits(r, &lt)?;
                    } else if lit(l) {
                        literal_fits(l, &rt)?;
                    }
                }
            }
            Ty::Bool
        }
    })
}

/// Evaluates a checked condition on an element.
pub fn holds<'m>(e: &Expr, g: &Graph<'m>, at: ElemRef<'m>) -> bool {
    truthy(&eval(e, g, at))
}

fn truthy(v: &Val<'_>) -> bool {
    match v {
        Val::Null => false,
        Val::Bool(b) => *b,
        Val::Num(n) => *n != 0.0,
        Val::Str(s) => !s.is_empty(),
        Val::Level(..) | Val::Elem(_) => true,
        Val::List(l) => l.iter().any(truthy),
    }
}

fn path<'m>(segs: &[String], g: &Graph<'m>, at: ElemRef<'m>) -> Val<'m> {
    let mut cur = Val::Elem(at);
    let mut i = 0;
    while i < segs.len() {
        let s = &segs[i];
        if s == "attributes" {
            let key = segs.get(i + 1).map(String::as_str).unwrap_or_default();
            cur = step(cur, &|e| g.free(e, key));
            i += 2;
            continue;
        }
        cur = step(cur, &|e| g.attr(e, s));
        i += 1;
    }
    cur
}

fn step<'m>(v: Val<'m>, f: &dyn Fn(ElemRef<'m>) -> Val<'m>) -> Val<'m> {
    match v {
        Val::Elem(e) => f(e),
        Val::List(items) => {
            let mut out = Vec::new();
            for i in items {
                match step(i, f) {
                    Val::List(inner) => out.extend(inner),
                    Val::Null => {}
                    x => out.push(x),
                }
            }
            Val::List(out)
        }
        _ => Val::Null,
    }
}

fn eval<'m>(e: &Expr, g: &Graph<'m>, at: ElemRef<'m>) -> Val<'m> {
    match e {
        Expr::Or(a, b) => Val::Bool(holds(a, g, at) || holds(b, g, at)),
        Expr::And(a, b) => Val::Bool(holds(a, g, at) && holds(b, g, at)),
        Expr::Not(a) => Val::Bool(!holds(a, g, at)),
        Expr::Path(p) => path(p, g, at),
        Expr::Str(s) => Val::Str(Cow::Owned(s.clone())),
        Expr::Num(n) => Val::Num(*n),
        Expr::Bool(b) => Val::Bool(*b),
        Expr::Null => Val::Null,
        Expr::List(items) => Val::List(items.iter().map(|i| eval(i, g, at)).collect()),
        Expr::Count(p) => match eval(p, g, at) {
            Val::List(l) => Val::Num(l.len() as f64),
            Val::Null => Val::Num(0.0),
            _ => Val::Num(1.0),
        },
        Expr::Exists(p) => Val::Bool(match eval(p, g, at) {
            Val::Null => false,
            Val::List(l) => !l.is_empty(),
            Val::Str(s) => !s.is_empty(),
            _ => true,
        }),
        Expr::Any(p, c) | Expr::All(p, c) => {
            let items = match eval(p, g, at) {
                Val::List(l) => l,
                _ => Vec::new(),
            };
            let mut it = items.into_iter().filter_map(|v| match v {
                Val::Elem(x) => Some(x),
                _ => None,
            });
            Val::Bool(if matches!(e, Expr::Any(..)) {
                it.any(|x| holds(c, g, x))
            } else {
                it.all(|x| holds(c, g, x))
            })
        }
        Expr::Cmp(op, l, r) => Val::Bool(compare(*op, &eval(l, g, at), &eval(r, g, at))),
    }
}

fn eq(a: &Val<'_>, b: &Val<'_>) -> bool {
    match (a, b) {
        (Val::Null, Val::Null) => true,
        (Val::Bool(x), Val::Bool(y)) => x == y,
        (Val::Num(x), Val::Num(y)) => x == y,
        (Val::Str(x), Val::Str(y)) => x.eq_ignore_ascii_case(y),
        (Val::Level(s, r), Val::Str(w)) | (Val::Str(w), Val::Level(s, r)) => s.rank(w) == Some(*r),
        (Val::Level(s, r), Val::Level(t, q)) => s == t && r == q,
        (Val::Elem(x), Val::Elem(y)) => x.id() == y.id(),
        (Val::Elem(x), Val::Str(w)) | (Val::Str(w), Val::Elem(x)) => x.id() == w,
        _ => false,
    }
}

fn order(a: &Val<'_>, b: &Val<'_>) -> Option<std::cmp::Ordering> {
    match (a, b) {
        (Val::Num(x), Val::Num(y)) => x.partial_cmp(y),
        (Val::Level(s, r), Val::Str(w)) => s.rank(w).map(|q| r.cmp(&q)),
        (Val::Str(w), Val::Level(s, r)) => s.rank(w).map(|q| q.cmp(r)),
        (Val::Level(s, r), Val::Level(t, q)) if s == t => Some(r.cmp(q)),
        _ => None,
    }
}

fn compare(op: Op, l: &Val<'_>, r: &Val<'_>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match op {
        Op::In => match r {
            Val::List(items) => match l {
                Val::List(ls) => ls.iter().any(|x| items.iter().any(|i| eq(x, i))),
                x => items.iter().any(|i| eq(x, i)),
            },
            _ => false,
        },
        Op::Contains => match l {
            Val::List(ls) => ls.iter().any(|x| eq(x, r)),
            Val::Str(s) => match r {
                Val::Str(w) => s.to_ascii_lowercase().contains(&w.to_ascii_lowercase()),
                _ => false,
            },
            _ => false,
        },
        _ => {
            if let Val::List(ls) = l {
                return ls.iter().any(|x| compare(op, x, r));
            }
            match op {
                Op::Eq => eq(l, r),
                Op::Ne => !eq(l, r),
                Op::Lt => order(l, r) == Some(Less),
                Op::Le => matches!(order(l, r), Some(Less | Equal)),
                Op::Gt => order(l, r) == Some(Greater),
                Op::Ge => matches!(order(l, r), Some(Greater | Equal)),
                Op::In | Op::Contains => false,
            }
        }
    }
}

/// The scale a level word belongs to, for messages.
pub fn scale_words(s: Scale) -> String {
    s.words().join(" < ")
}

#[cfg(test)]
mod tests;
