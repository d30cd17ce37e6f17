//! Maven versions, ordered as Maven's `ComparableVersion` orders them:
//! items split on `.`, `-` and digit/letter transitions into nested lists,
//! known qualifiers (alpha < beta < milestone < rc < snapshot < release <
//! sp) before unknown ones, trailing "null" items dropped.

use super::num::{Num, is_digits};
use std::cmp::Ordering;

const QUALIFIERS: [&str; 7] = ["alpha", "beta", "milestone", "rc", "snapshot", "", "sp"];
const RELEASE_INDEX: &str = "5";

#[derive(Debug, Clone, PartialEq, Eq)]
enum Item {
    Int(Num),
    Str(String),
    /// `rc1` written without separator: a qualifier and its number.
    Combination(String, Num),
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
        Item::Combination(..) => false,
    }
}

fn parse_item(combination: bool, digit: bool, buf: &str) -> Item {
    if combination {
        let b = buf.replace('-', "");
        let split = b.find(|c: char| c.is_ascii_digit()).unwrap_or(b.len());
        let (s, n) = b.split_at(split);
        return Item::Combination(canonical_qualifier(s, true), Num::new(n));
    }
    if digit && is_digits(buf) {
        return Item::Int(Num::new(buf));
    }
    Item::Str(canonical_qualifier(buf, false))
}

fn normalize(list: &mut Vec<Item>) {
    let mut i = list.len();
    while i > 0 {
        i -= 1;
        if is_null(&list[i]) {
            let remove = match list.get(i + 1) {
                None | Some(Item::Str(_)) => true,
                Some(Item::List(next)) => matches!(
                    next.first(),
                    Some(Item::Combination(..)) | Some(Item::Str(_))
                ),
                _ => false,
            };
            if remove {
                list.remove(i);
            }
        }
    }
}

/// Builds the nested list. Lists are kept in an arena (`lists`) while
/// parsing, each child list recorded in its parent by index, so no
/// recursion is needed for arbitrarily long versions.
pub(crate) fn parse(version: &str) -> Key {
    // Bounded, so hostile input cannot nest lists without limit.
    let v: String = version
        .trim()
        .to_ascii_lowercase()
        .chars()
        .take(super::MAX_LEN)
        .collect();
    let chars: Vec<char> = v.chars().collect();
    // Each list: (items, child list indexes at their positions).
    let mut lists: Vec<Vec<Node>> = vec![Vec::new()];
    let mut current = 0usize;
    let mut stack = vec![0usize];
    let mut digit = false;
    let mut combination = false;
    let mut start = 0usize;
    let sub = |a: usize, b: usize| chars[a..b].iter().collect::<String>();
    let new_list = |lists: &mut Vec<Vec<Node>>, current: &mut usize, stack: &mut Vec<usize>| {
        lists.push(Vec::new());
        let id = lists.len() - 1;
        lists[*current].push(Node::List(id));
        *current = id;
        stack.push(id);
    };
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '.' {
            if i == start {
                lists[current].push(Node::Item(Item::Int(Num::new("0"))));
            } else {
                lists[current].push(Node::Item(parse_item(combination, digit, &sub(start, i))));
            }
            combination = false;
            start = i + 1;
        } else if c == '-' {
            if i == start {
                lists[current].push(Node::Item(Item::Int(Num::new("0"))));
            } else {
                if !digit && i + 1 < chars.len() && chars[i + 1].is_ascii_digit() {
                    // X-1 is treated as X1.
                    combination = true;
                    i += 1;
                    continue;
                }
                lists[current].push(Node::Item(parse_item(combination, digit, &sub(start, i))));
            }
            start = i + 1;
            new_list(&mut lists, &mut current, &mut stack);
            combination = false;
        } else if c.is_ascii_digit() {
            if !digit && i > start {
                // X1: a qualifier with its number.
                combination = true;
            }
            digit = true;
        } else {
            if digit && i > start {
                lists[current].push(Node::Item(parse_item(combination, true, &sub(start, i))));
                start = i;
                new_list(&mut lists, &mut current, &mut stack);
                combination = false;
            }
            digit = false;
        }
        i += 1;
    }
    if chars.len() > start {
        lists[current].push(Node::Item(parse_item(
            combination,
            digit,
            &sub(start, chars.len()),
        )));
    }
    // Build items bottom-up (children always have larger ids), normalising
    // each list as Maven does when it pops it.
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
        normalize(&mut items);
        built[id] = Some(items);
    }
    Key(Item::List(built[0].take().unwrap_or_default()))
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
        Item::Combination(s, _) => cmp_null(&Item::Str(s.clone())),
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
        (Str(x), Combination(s, _)) => match comparable(x).cmp(&comparable(s)) {
            Ordering::Equal => Ordering::Less,
            o => o,
        },
        (List(_), Int(_)) => Ordering::Less,
        (List(_), Str(_)) => Ordering::Greater,
        (List(_), Combination(..)) => Ordering::Greater,
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
        (Combination(..), Int(_)) => Ordering::Less,
        (Combination(s, _), Str(y)) => match comparable(s).cmp(&comparable(y)) {
            Ordering::Equal => Ordering::Greater,
            o => o,
        },
        (Combination(s1, n1), Combination(s2, n2)) => {
            comparable(s1).cmp(&comparable(s2)).then_with(|| n1.cmp(n2))
        }
        (Combination(..), List(_)) => Ordering::Less,
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
