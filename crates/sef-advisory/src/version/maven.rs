//! Maven versions, ordered as the POM reference's version order
//! specification (Maven 3's `ComparableVersion`) orders them: items split on
//! `.` and on digit/letter transitions, each `-` opening a nested list, known
//! qualifiers (alpha < beta < milestone < rc < snapshot < release < sp)
//! before unknown ones, and trailing "null" items (`0`, `ga`, `final`, ``)
//! trimmed at the end of every list. A nested list left with nothing but
//! its own sublist is the same as that sublist (`1-ga-1` = `1-1`).

use super::num::{Num, is_digits};
use std::cmp::Ordering;

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_INDEX: &str = "5";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Int(Num),
    Str(String),
    List(Vec<Item>),
}

/// A parsed Maven version.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Key(Item);

fn canonical_qualifier(s: &str, followed_by_digit: bool) -> String {
    let s = match (followed_by_digit, s) {
        (true, "a") => "alpha",
        (true, "b") => "beta",
        (true, "m") => "milestone",
        _ => s,
    };
    match s {
        "ga" | "final" | "release" => String::new(),
        "cr" => "rc".to_owned(),
        other => other.to_owned(),
    }
}

/// The sortable form of a qualifier: its index among the known ones, or
/// `7-name` after them (compared as text, as Maven does).
fn comparable(q: &str) -> String {
    match QUALIFIERS.iter().position(|k| *k == q) {
        Some(i) => i.to_string(),
        None => format!("{}-{q}", QUALIFIERS.len()),
    }
}

fn is_null(i: &Item) -> bool {
    match i {
        Item::Int(n) => n.is_zero(),
        Item::Str(s) => comparable(s) == RELEASE_INDEX,
        Item::List(l) => l.is_empty(),
    }
}

fn parse_item(digit: bool, buf: &str) -> Item {
    if digit && is_digits(buf) {
        return Item::Int(Num::new(buf));
    }
    Item::Str(canonical_qualifier(buf, false))
}

enum Node {
    Item(Item),
    List(usize),
}

/// `a.compareTo(null)`: how an item compares with a missing one.
fn cmp_null(a: &Item) -> Ordering {
    match a {
        Item::Int(n) => {
            if n.is_zero() {
                Ordering::Equal
            } else {
                Ordering::Greater
            }
        }
        Item::Str(s) => comparable(s).as_str().cmp(RELEASE_INDEX),
        Item::List(l) => l.first().map_or(Ordering::Equal, cmp_null),
    }
}

fn cmp_items(a: &Item, b: &Item) -> Ordering {
    use Item::*;
    match (a, b) {
        (Int(x), Int(y)) => x.cmp(y),
        (Int(_), _) => Ordering::Greater,
        (Str(_), Int(_)) => Ordering::Less,
        (Str(x), Str(y)) => comparable(x).cmp(&comparable(y)),
        (Str(_), List(_)) => Ordering::Less,
        (List(_), Int(_)) => Ordering::Less,
        (List(_), Str(_)) => Ordering::Greater,
        (List(x), List(y)) => {
            let n = x.len().max(y.len());
            for i in 0..n {
                let o = match (x.get(i), y.get(i)) {
                    (Some(l), Some(r)) => cmp_items(l, r),
                    (Some(l), None) => cmp_null(l),
                    (None, Some(r)) => cmp_null(r).reverse(),
                    (None, None) => Ordering::Equal,
                };
                if o != Ordering::Equal {
                    return o;
                }
            }
            Ordering::Equal
        }
    }
}

impl Ord for Key {
    fn cmp(&self, other: &Self) -> Ordering {
        cmp_items(&self.0, &other.0)
    }
}

impl PartialOrd for Key {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

/// Trims the trailing null items of a list (looking past nested lists), and
/// collapses a nested list that holds only one sublist into that sublist.
fn normalize(list: &mut Vec<Item>, root: bool) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if is_null(&list[i]) {
            list.remove(i);
        } else if !matches!(list[i], Item::List(_)) {
            break;
        }
    }
    if !root && let [Item::List(inner)] = list.as_mut_slice() {
        let inner = std::mem::take(inner);
        *list = inner;
    }
}

/// Builds the nested list. Lists live in an arena (`lists`) while parsing,
/// each child recorded in its parent by index, so no recursion is needed;
/// versions are cut at `MAX_LEN` characters, which bounds the nesting.
pub(crate) fn parse(version: &str) -> Key {
    let v: String = version
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(super::MAX_LEN)
        .collect();
    let chars: Vec<char> = v.chars().collect();
    let mut lists: Vec<Vec<Node>> = vec![Vec::new()];
    let mut current = 0usize;
    let mut digit = false;
    let mut start = 0usize;
    let sub = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let new_list = |lists: &mut Vec<Vec<Node>>, current: &mut usize| {
        lists.push(Vec::new());
        let id = lists.len() - 1;
        lists[*current].push(Node::List(id));
        *current = id;
    };
    for (i, &c) in chars.iter().enumerate() {
        if c == '.' || c == '-' {
            if i == start {
                lists[current].push(Node::Item(Item::Int(Num::new("0"))));
            } else {
                lists[current].push(Node::Item(parse_item(digit, &sub(start, i))));
            }
            start = i + 1;
            if c == '-' {
                new_list(&mut lists, &mut current);
            }
        } else if c.is_ascii_digit() {
            if !digit && i > start {
                lists[current].push(Node::Item(Item::Str(canonical_qualifier(
                    &sub(start, i),
                    true,
                ))));
                start = i;
                new_list(&mut lists, &mut current);
            }
            digit = true;
        } else {
            if digit && i > start {
                lists[current].push(Node::Item(parse_item(true, &sub(start, i))));
                start = i;
                new_list(&mut lists, &mut current);
            }
            digit = false;
        }
    }
    if chars.len() > start {
        lists[current].push(Node::Item(parse_item(digit, &sub(start, chars.len()))));
    }
    let mut built: Vec<Option<Vec<Item>>> = vec![None; lists.len()];
    for id in (0..lists.len()).rev() {
        let mut items = Vec::with_capacity(lists[id].len());
        for node in std::mem::take(&mut lists[id]) {
            match node {
                Node::Item(it) => items.push(it),
                Node::List(child) => {
                    items.push(Item::List(built[child].take().unwrap_or_default()))
                }
            }
        }
        normalize(&mut items, id == 0);
        built[id] = Some(items);
    }
    Key(Item::List(built[0].take().unwrap_or_default()))
}
