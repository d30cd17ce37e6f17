//! Unit tests of trailer parsing, review trailers and dates.

use super::*;

#[test]
fn trailers_are_the_last_paragraph() {
    let t = trailers(
        "Fix parser\n\nLonger text: with a colon\nand more.\n\nReviewed-by: Bo <bo@x.org>\nSigned-off-by: Ana <ana@x.org>\n",
    );
    assert_eq!(t.len(), 2);
    assert_eq!(t[0], ("reviewed-by".into(), "Bo <bo@x.org>".into()));
    assert!(trailers("Subject only").is_empty());
    assert!(trailers("Reviewed-by: Bo <bo@x.org>").is_empty());
    assert!(trailers("Subject\n\nJust prose here, not a trailer.").is_empty());
}

#[test]
fn a_review_by_the_author_does_not_count() {
    let mut c = Commit {
        id: "1".into(),
        author: Person {
            name: "Ana".into(),
            email: "Ana@x.org".into(),
        },
        committer: Person {
            name: "Ana".into(),
            email: "ana@x.org".into(),
        },
        time: 0,
        parents: vec!["0".into()],
        subject: String::new(),
        trailers: vec![("reviewed-by".into(), "Ana <ana@x.org>".into())],
        paths: vec![],
        entry: Entry::Mainline,
        signature: None,
    };
    assert!(trailer_reviewers(&c).is_empty());
    c.trailers.push(("acked-by".into(), "Bo <bo@x.org>".into()));
    assert_eq!(trailer_reviewers(&c), vec!["bo@x.org".to_owned()]);
    c.trailers = vec![("signed-off-by".into(), "Bo <bo@x.org>".into())];
    assert!(trailer_reviewers(&c).is_empty());
}

#[test]
fn dates_parse() {
    assert_eq!(parse_date("1970-01-02"), Some(86_400));
    assert_eq!(parse_date("v1.2.0"), None);
}

#[test]
fn the_tags_at_head_are_found_packed_or_loose() {
    use sef_testkit::{git, write};
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    git(r, &["init", "-q"]);
    write(r, "a", "1");
    git(r, &["add", "a"]);
    git(r, &["commit", "-qm", "one"]);
    git(r, &["tag", "old-light"]);
    git(r, &["tag", "-a", "old-annotated", "-m", "x"]);
    write(r, "a", "2");
    git(r, &["commit", "-qam", "two"]);
    git(r, &["tag", "v1-light"]);
    git(r, &["tag", "-a", "v1-annotated", "-m", "x"]);
    // a tag of a tag, peeled twice
    git(r, &["tag", "-a", "v1-nested", "-m", "x", "v1-annotated"]);
    let expected = git(r, &["tag", "--points-at", "HEAD"]);
    let expected: Vec<&str> = expected.lines().collect();
    assert_eq!(expected.len(), 3, "{expected:?}");
    assert_eq!(tags_at_head(r), expected, "loose");
    git(r, &["pack-refs", "--all"]);
    assert!(
        std::fs::read_to_string(r.join(".git/packed-refs"))
            .unwrap()
            .contains("fully-peeled")
    );
    assert_eq!(tags_at_head(r), expected, "packed");
    // a loose annotated tag beside packed ones
    git(r, &["tag", "-a", "v1-late", "-m", "x"]);
    let mut with_late = expected.clone();
    with_late.push("v1-late");
    with_late.sort_unstable();
    assert_eq!(tags_at_head(r), with_late, "packed and loose");
    // a packed-refs file without the fully-peeled trait: each object is read
    let packed = std::fs::read_to_string(r.join(".git/packed-refs")).unwrap();
    let (_, body) = packed.split_once('\n').unwrap();
    std::fs::write(r.join(".git/packed-refs"), body).unwrap();
    assert_eq!(tags_at_head(r), with_late, "no header");
}
