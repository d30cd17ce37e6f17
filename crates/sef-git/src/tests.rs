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
