//! Type-checking an expression against the attributes of an element kind:
//! attribute names, the words compared with a level or an enumeration, and
//! that the whole is a condition.

use super::{Expr, Op};
use crate::attrs::{ElemTy, Ty, attr_ty, attributes};

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
