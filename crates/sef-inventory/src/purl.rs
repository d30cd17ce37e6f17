//! Package URLs (purl) for components, per the purl specification's type
//! rules: each ecosystem's type, namespace split and name normalisation.

use packageurl::PackageUrl;
use sef_model::Ecosystem;

/// The purl of a package, or `None` when no valid purl can be formed.
pub fn purl_for(ecosystem: Ecosystem, name: &str, version: Option<&str>) -> Option<String> {
    purl_with_vcs(ecosystem, name, version, None)
}

/// The purl of a package fetched from version control or downloaded from a
/// URL rather than its registry. A git source (e.g.
/// `git+https://host/repo.git@commit`) becomes the `vcs_url` qualifier; an
/// archive download (a codeload tarball, a `.tgz`, `.tar.gz` or `.zip`)
/// becomes `download_url`, as the purl specification defines them. Either
/// qualifier tells sef's matcher the package is not the registry release.
pub fn purl_with_vcs(
    ecosystem: Ecosystem,
    name: &str,
    version: Option<&str>,
    vcs_url: Option<&str>,
) -> Option<String> {
    let (ty, namespace, name) = match ecosystem {
        Ecosystem::CratesIo => ("cargo", None, name.to_owned()),
        Ecosystem::Npm => match name.strip_prefix('@').and_then(|n| n.split_once('/')) {
            Some((scope, n)) => ("npm", Some(format!("@{scope}")), n.to_owned()),
            None => ("npm", None, name.to_owned()),
        },
        // PEP 503 normalisation: lowercase, runs of -_. become -.
        Ecosystem::PyPI => ("pypi", None, pep503(name)),
        Ecosystem::Go => match name.rsplit_once('/') {
            Some((ns, n)) => ("golang", Some(ns.to_owned()), n.to_owned()),
            None => ("golang", None, name.to_owned()),
        },
        Ecosystem::RubyGems => ("gem", None, name.to_owned()),
        Ecosystem::Packagist => match name.split_once('/') {
            Some((ns, n)) => ("composer", Some(ns.to_owned()), n.to_owned()),
            None => ("composer", None, name.to_owned()),
        },
        Ecosystem::Maven => match name.split_once(':') {
            Some((group, artifact)) => ("maven", Some(group.to_owned()), artifact.to_owned()),
            None => ("maven", None, name.to_owned()),
        },
        Ecosystem::NuGet => ("nuget", None, name.to_owned()),
        Ecosystem::Pub => ("pub", None, name.to_lowercase()),
        Ecosystem::Hex => ("hex", None, name.to_lowercase()),
        Ecosystem::ConanCenter => ("conan", None, name.to_owned()),
        Ecosystem::SwiftURL => {
            let trimmed = name
                .trim_start_matches("https://")
                .trim_start_matches("http://")
                .trim_end_matches(".git");
            match trimmed.rsplit_once('/') {
                Some((ns, n)) => ("swift", Some(ns.to_owned()), n.to_owned()),
                None => ("swift", None, trimmed.to_owned()),
            }
        }
        Ecosystem::Cran => ("cran", None, name.to_owned()),
        Ecosystem::Bioconductor => ("bioconductor", None, name.to_owned()),
        Ecosystem::Generic => ("generic", None, name.to_owned()),
    };
    if name.is_empty() {
        return None;
    }
    let mut p = PackageUrl::new(ty, name).ok()?;
    if let Some(ns) = namespace.filter(|n| !n.is_empty()) {
        p.with_namespace(ns).ok()?;
    }
    if let Some(v) = version.filter(|v| !v.is_empty()) {
        p.with_version(v).ok()?;
    }
    if let Some(u) = vcs_url.filter(|u| !u.is_empty()) {
        let key = if is_download(u) {
            "download_url"
        } else {
            "vcs_url"
        };
        p.add_qualifier(key, u).ok()?;
    }
    Some(p.to_string())
}

/// Whether a source URL is an archive download rather than a repository.
fn is_download(url: &str) -> bool {
    let path = url.split(['?', '#']).next().unwrap_or(url);
    !url.starts_with("git")
        && !url.starts_with("ssh:")
        && (url.contains("codeload.github.com")
            || [".tgz", ".tar.gz", ".tar.bz2", ".tar.xz", ".zip"]
                .iter()
                .any(|ext| path.ends_with(ext))
            || path.contains("/tarball/")
            || path.contains("/archive/"))
}

/// The purl of a package that ships inside an SDK (Flutter's and Dart's
/// `source: sdk` packages): its version is the SDK's, which the lockfile
/// does not record, so the purl names the SDK and carries no version.
pub fn sdk_purl(sdk: &str, name: &str) -> Option<String> {
    let mut p = PackageUrl::new("generic", name).ok()?;
    p.with_namespace(format!("{sdk}-sdk")).ok()?;
    Some(p.to_string())
}

/// PEP 503 name normalisation.
pub(crate) fn pep503(name: &str) -> String {
    sef_model::pep503_name(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn purls_follow_the_type_rules() {
        assert_eq!(
            purl_for(Ecosystem::CratesIo, "serde", Some("1.0.0")).unwrap(),
            "pkg:cargo/serde@1.0.0"
        );
        assert_eq!(
            purl_for(Ecosystem::Npm, "@babel/core", Some("7.0.0")).unwrap(),
            "pkg:npm/%40babel/core@7.0.0"
        );
        assert_eq!(
            purl_for(Ecosystem::PyPI, "Django_Rest.Framework", Some("3.1")).unwrap(),
            "pkg:pypi/django-rest-framework@3.1"
        );
        assert_eq!(
            purl_for(Ecosystem::Go, "github.com/pkg/errors", Some("v0.9.1")).unwrap(),
            "pkg:golang/github.com/pkg/errors@v0.9.1"
        );
        assert_eq!(
            purl_for(Ecosystem::Maven, "org.apache:commons-lang3", Some("3.12.0")).unwrap(),
            "pkg:maven/org.apache/commons-lang3@3.12.0"
        );
        assert_eq!(
            purl_for(Ecosystem::Packagist, "symfony/console", None).unwrap(),
            "pkg:composer/symfony/console"
        );
        assert_eq!(purl_for(Ecosystem::CratesIo, "", None), None);
    }

    #[test]
    fn downloads_and_git_sources_get_their_own_qualifier() {
        let dl = purl_with_vcs(
            Ecosystem::Npm,
            "ansi-regex",
            Some("6.0.1"),
            Some("https://codeload.github.com/chalk/ansi-regex/tar.gz/02fa893"),
        )
        .unwrap();
        assert!(dl.contains("?download_url="), "{dl}");
        let git = purl_with_vcs(
            Ecosystem::Hex,
            "heroicons",
            Some("88ab3a0d"),
            Some("git+https://github.com/tailwindlabs/heroicons.git@88ab3a0d"),
        )
        .unwrap();
        assert!(git.contains("?vcs_url="), "{git}");
        let sdk = sdk_purl("flutter", "flutter_web_plugins").unwrap();
        assert_eq!(sdk, "pkg:generic/flutter-sdk/flutter_web_plugins");
    }

    #[test]
    fn pep503_normalises() {
        assert_eq!(pep503("Foo__Bar.baz"), "foo-bar-baz");
        assert_eq!(pep503("requests"), "requests");
    }
}

/// Reads a purl back into (ecosystem, OSV-style name, version). Unknown
/// types map to [`Ecosystem::Generic`].
pub fn parse_purl(purl: &str) -> Option<(Ecosystem, String, Option<String>)> {
    let p: PackageUrl<'_> = purl.parse().ok()?;
    let ns = p.namespace();
    let join = |sep: &str| match ns {
        Some(n) if !n.is_empty() => format!("{n}{sep}{}", p.name()),
        _ => p.name().to_owned(),
    };
    let (eco, name) = match p.ty() {
        "cargo" => (Ecosystem::CratesIo, p.name().to_owned()),
        "npm" => (Ecosystem::Npm, join("/")),
        "pypi" => (Ecosystem::PyPI, p.name().to_owned()),
        "golang" => (Ecosystem::Go, join("/")),
        "gem" => (Ecosystem::RubyGems, p.name().to_owned()),
        "composer" => (Ecosystem::Packagist, join("/")),
        "maven" => (Ecosystem::Maven, join(":")),
        "nuget" => (Ecosystem::NuGet, p.name().to_owned()),
        "pub" => (Ecosystem::Pub, p.name().to_owned()),
        "hex" => (Ecosystem::Hex, p.name().to_owned()),
        "conan" => (Ecosystem::ConanCenter, p.name().to_owned()),
        "swift" => (Ecosystem::SwiftURL, join("/")),
        "cran" => (Ecosystem::Cran, p.name().to_owned()),
        "bioconductor" => (Ecosystem::Bioconductor, p.name().to_owned()),
        _ => (Ecosystem::Generic, join("/")),
    };
    Some((eco, name, p.version().map(str::to_owned)))
}

#[cfg(test)]
mod parse_tests {
    use super::*;

    #[test]
    fn purls_round_trip() {
        for (eco, name, v) in [
            (Ecosystem::Npm, "@babel/core", "7.0.0"),
            (Ecosystem::Maven, "org.apache:commons-lang3", "3.12.0"),
            (Ecosystem::Go, "github.com/pkg/errors", "v0.9.1"),
            (Ecosystem::CratesIo, "serde", "1.0.0"),
            (Ecosystem::Packagist, "symfony/console", "6.0.0"),
        ] {
            let p = purl_for(eco, name, Some(v)).unwrap();
            assert_eq!(
                parse_purl(&p),
                Some((eco, name.to_owned(), Some(v.to_owned()))),
                "{p}"
            );
        }
        assert_eq!(
            parse_purl("pkg:deb/debian/curl@7.0").unwrap().0,
            Ecosystem::Generic
        );
        assert_eq!(parse_purl("not a purl"), None);
    }
}
