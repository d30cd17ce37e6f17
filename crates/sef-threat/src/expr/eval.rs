//! Evaluating a checked expression on one element of a loaded model: paths
//! through lists yield lists, comparisons with a list hold for any element,
//! words of a scale compare by rank.

use super::{Expr, Op};
use crate::attrs::{ElemRef, Graph, Scale, Val};
use std::borrow::Cow;

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
