//! Every real edge-case file under ../shared/data/lockfiles/<format>/ is
//! covered: it yields exactly the packages written here, or (malformed
//! ones) a diagnostic. A format's test fails when a file in its directory
//! has no expectation.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod support;

use support::{Expect::*, check_format};

#[test]
fn cargo_lock() {
    check_format(
        "cargolock",
        "cargo-lock",
        &[
            ("duplicate.lock", Packages(&["syn@1.0.73", "syn@2.0.0"])),
            ("empty.lock", Packages(&[])),
            (
                "many-packages.lock",
                Packages(&[
                    "aho-corasick@0.7.18",
                    "libc@0.2.140",
                    "memchr@2.4.1",
                    "syn@1.0.109",
                    "syn@2.0.15",
                    "zstd@0.11.2",
                ]),
            ),
            ("not-toml.txt", Error("not valid TOML")),
            ("one-package.lock", Packages(&["addr2line@0.15.2"])),
            (
                "package-with-build-string.lock",
                Packages(&["wasi@0.10.2+wasi-snapshot-preview1"]),
            ),
            (
                "package-with-comments.lock",
                Packages(&["addr2line@0.15.2", "syn@1.0.73"]),
            ),
            (
                "two-packages-with-local.lock",
                Packages(&["addr2line@0.15.2", "local-rust-pkg@0.1.0 (first-party)"]),
            ),
            (
                "two-packages.lock",
                Packages(&["addr2line@0.15.2", "syn@1.0.73"]),
            ),
        ],
    );
}

#[test]
fn package_lock_json() {
    check_format(
        "packagelockjson",
        "package-lock",
        &[
            (
                "alias.v1.json",
                Packages(&[
                    "@babel/code-frame@7.0.0",
                    "string-width@4.2.0",
                    "string-width@5.1.2",
                ]),
            ),
            (
                "alias.v2.json",
                Packages(&[
                    "@babel/code-frame@7.0.0",
                    "string-width@4.2.0",
                    "string-width@5.1.2",
                ]),
            ),
            (
                "both/npm-shrinkwrap.json",
                Packages(&["supports-color@5.5.0", "wrappy@1.0.2"]),
            ),
            (
                "both/package-lock.json",
                Packages(&["supports-color@5.5.0", "wrappy@1.0.2"]),
            ),
            (
                "bundled-dependencies.v3.json",
                Packages(&["ansi-regex@6.2.2", "semver@7.7.2", "strip-ansi@7.1.2"]),
            ),
            (
                "commits.v1.json",
                Packages(&[
                    "@segment/analytics.js-integration-facebook-pixel@3b1bb80b302c2e552685dc8a029797ec832ea7c9",
                    "ansi-styles@1.0.0",
                    "babel-preset-php@c5a7ba5e0ad98b8db1cb8ce105403dd4b768cced",
                    "is-number-1@af885e2e890b9ef0875edd2b117305119ee5bdc5",
                    "is-number-1@be5935f8d2595bcd97b05718ef1eeae08d812e10",
                    "is-number-2@82dcc8e914dabd9305ab9ae580709a7825e824f5",
                    "is-number-2@d5ac0584ee9ae7bd9288220a39780f155b9ad4c8",
                    "is-number-3@82ae8802978da40d7f1be5ad5943c9e550ab2c89",
                    "is-number-3@d5ac0584ee9ae7bd9288220a39780f155b9ad4c8",
                    "is-number-4@af885e2e890b9ef0875edd2b117305119ee5bdc5",
                    "is-number-5@af885e2e890b9ef0875edd2b117305119ee5bdc5",
                    "is-number-6@af885e2e890b9ef0875edd2b117305119ee5bdc5",
                    "postcss-calc@7.0.1",
                    "raven-js@c2b377e7a254264fd4a1fe328e4e3cfc9e245570",
                    "slick-carousel@280b560161b751ba226d50c7db1e0a14a78c2de0",
                ]),
            ),
            (
                "commits.v2.json",
                Packages(&[
                    "@segment/analytics.js-integration-facebook-pixel@2.4.1",
                    "ansi-styles@1.0.0",
                    "babel-preset-php@1.1.1",
                    // Same version, two commits (two integrity values): two components.
                    "is-number-1@3.0.0",
                    "is-number-1@3.0.0",
                    "is-number-2@2.0.0",
                    "is-number-2@2.0.0",
                    "is-number-3@2.0.0",
                    "is-number-3@3.0.0",
                    "is-number-4@3.0.0",
                    "is-number-5@3.0.0",
                    "postcss-calc@7.0.1",
                    "raven-js@c2b377e7a254264fd4a1fe328e4e3cfc9e245570",
                    "slick-carousel@1.7.1",
                ]),
            ),
            ("empty.v1.json", Packages(&[])),
            ("empty.v2.json", Packages(&[])),
            (
                "files.v1.json",
                Packages(&["lodash@1.3.1", "other_package (first-party)"]),
            ),
            (
                "files.v2.json",
                Packages(&["abbrev@1.0.9", "abbrev@2.3.4", "etag@1.8.0 (first-party)"]),
            ),
            (
                "nested-dependencies-dup.v1.json",
                Packages(&[
                    "@vue/component-compiler-utils@2.6.0",
                    "autoprefixer@9.5.1",
                    "babel-code-frame@6.26.0",
                    "css-declaration-sorter@4.0.1",
                    "cssnano-preset-default@4.0.7",
                    "cssnano-util-raw-cache@4.0.1",
                    "cssnano@4.1.10",
                    "friendly-errors-webpack-plugin@1.7.0",
                    "postcss-calc@7.0.1",
                    "postcss-colormin@4.0.3",
                    "postcss-convert-values@4.0.1",
                    "postcss-discard-comments@4.0.2",
                    "postcss-discard-duplicates@4.0.2",
                    "postcss-discard-empty@4.0.1",
                    "postcss-discard-overridden@4.0.1",
                    "postcss-loader@3.0.0",
                    "postcss-merge-longhand@4.0.11",
                    "postcss-merge-rules@4.0.3",
                    "postcss-minify-font-values@4.0.2",
                    "postcss-minify-gradients@4.0.2",
                    "postcss-minify-params@4.0.2",
                    "postcss-minify-selectors@4.0.2",
                    "postcss-normalize-charset@4.0.1",
                    "postcss-normalize-display-values@4.0.2",
                    "postcss-normalize-positions@4.0.2",
                    "postcss-normalize-repeat-style@4.0.2",
                    "postcss-normalize-string@4.0.2",
                    "postcss-normalize-timing-functions@4.0.2",
                    "postcss-normalize-unicode@4.0.1",
                    "postcss-normalize-url@4.0.1",
                    "postcss-normalize-whitespace@4.0.2",
                    "postcss-ordered-values@4.1.2",
                    "postcss-reduce-initial@4.0.3",
                    "postcss-reduce-transforms@4.0.2",
                    "postcss-svgo@4.0.2",
                    "postcss-unique-selectors@4.0.1",
                    // Installed many times over; one component per version.
                    "supports-color@2.0.0",
                    "supports-color@5.5.0",
                    "supports-color@6.1.0",
                ]),
            ),
            (
                "nested-dependencies-dup.v2.json",
                Packages(&["supports-color@2.0.0", "supports-color@6.1.0"]),
            ),
            (
                "nested-dependencies.v1.json",
                Packages(&[
                    "postcss-calc@7.0.1",
                    "postcss@6.0.23",
                    "postcss@7.0.16",
                    "supports-color@5.5.0",
                    "supports-color@6.1.0",
                ]),
            ),
            (
                "nested-dependencies.v2.json",
                Packages(&[
                    "postcss-calc@7.0.1",
                    "postcss@6.0.23",
                    "postcss@7.0.16",
                    "supports-color@5.5.0",
                    "supports-color@6.1.0",
                ]),
            ),
            ("not-json.txt", Error("not valid JSON")),
            (
                "npm-shrinkwrap-only/npm-shrinkwrap.json",
                Packages(&["supports-color@5.5.0", "wrappy@1.0.2"]),
            ),
            (
                "null.v2.jsontest",
                Error("the top level must be a JSON object"),
            ),
            ("one-package-dev.v1.json", Packages(&["wrappy@1.0.2"])),
            ("one-package-dev.v2.json", Packages(&["wrappy@1.0.2"])),
            ("one-package.v1.json", Packages(&["wrappy@1.0.2"])),
            ("one-package.v2.json", Packages(&["wrappy@1.0.2"])),
            (
                "optional-package.v1.json",
                Packages(&["supports-color@5.5.0", "wrappy@1.0.2"]),
            ),
            (
                "optional-package.v2.json",
                Packages(&["supports-color@5.5.0", "wrappy@1.0.2"]),
            ),
            (
                "package-lock-only/package-lock.json",
                Packages(&["supports-color@5.5.0", "wrappy@1.0.2"]),
            ),
            (
                "same-package-different-groups.v1.json",
                Packages(&["ajv@5.5.2", "eslint@1.2.3", "table@1.0.0"]),
            ),
            (
                "same-package-different-groups.v2.json",
                Packages(&["ajv@5.5.2", "eslint@1.2.3", "table@1.0.0"]),
            ),
            (
                "scoped-packages.v1.json",
                Packages(&["@babel/code-frame@7.0.0", "wrappy@1.0.2"]),
            ),
            (
                "scoped-packages.v2.json",
                Packages(&["@babel/code-frame@7.0.0", "wrappy@1.0.2"]),
            ),
            (
                "two-packages.v1.json",
                Packages(&["supports-color@5.5.0", "wrappy@1.0.2"]),
            ),
            (
                "two-packages.v2.json",
                Packages(&["supports-color@5.5.0", "wrappy@1.0.2"]),
            ),
        ],
    );
}

#[test]
fn requirements_txt() {
    check_format(
        "requirements",
        "requirements",
        &[
            (
                "comments.txt",
                Packages(&[
                    "PyCrypto@1.2-alpha",
                    "GMPY2@1",
                    "SymPy@1.2",
                    "requests@1.0",
                    "six@1.2",
                ]),
            ),
            (
                "env_var.txt",
                Packages(&["asdf@1.2", "qwert", "another@1.0"]),
            ),
            (
                "example.txt",
                Packages(&[
                    "pytest",
                    "pytest-cov",
                    "beautifulsoup4",
                    "docopt@0.6.1",
                    "requests",
                    "urllib3",
                    "keyring",
                    "coverage",
                    "Mopidy-Dirble",
                    // from `-r other-requirements.txt`
                    "pandas@2.2.3",
                ]),
            ),
            ("extras.txt", Packages(&["pyjwt@2.1.0", "celery@4.4.7"])),
            ("invalid.txt", Packages(&["asdf", "urllib3"])),
            ("loop.txt", Packages(&[])),
            (
                "multiline_and_comments.txt",
                Packages(&["pkgA@1.0", "pkgB@2.0"]),
            ),
            ("no_version.txt", Packages(&["PyCrypto", "GMPY2", "SymPy"])),
            ("other-loop.txt", Packages(&[])),
            ("other-requirements.txt", Packages(&["pandas@2.2.3"])),
            (
                "per_req_options.txt",
                Packages(&[
                    "foo1@1.0",
                    "foo2@1.0",
                    "foo3@1.0",
                    "foo4@1.0",
                    "foo5@1.0",
                    "foo6@1.0",
                    "foo7@1.0",
                    "foo8@1.0",
                    "foo9@1.0",
                    "foo10",
                    "foo11@1.0",
                    "foo12@1.0",
                    "foo13@1.0",
                    "foo14@1.0",
                    "foo15",
                    "foo16-Client@1.0",
                    "foo17--hash@1.0",
                    "foo18-Client@1.0",
                ]),
            ),
            ("trailing_backslash.txt", Packages(&["pkg1@1.0"])),
            (
                "with_versions.txt",
                Packages(&[
                    "nltk@3.2.2",
                    "tabulate@0.7.7",
                    "newspaper3k",
                    "asdf",
                    "qwerty@0.1",
                    "hy-phen@1.2",
                    "under_score@1.3",
                    "pkg.dot.name@5.0.0",
                    "combination-._-.also_-._valid",
                    "yolo@1.0",
                    "pkg",
                ]),
            ),
        ],
    );
}

#[test]
fn poetry_lock() {
    check_format(
        "poetrylock",
        "poetry-lock",
        &[
            ("empty-file.lock", Packages(&[])),
            ("empty.lock", Packages(&[])),
            (
                "multiple-packages.v2.lock",
                Packages(&[
                    "async-timeout@5.0.1",
                    "factory-boy@3.3.1",
                    "faker@33.3.0",
                    "proto-plus@1.22.0",
                    "proto-plus@1.23.0",
                    "protobuf@4.25.5",
                    "python-dateutil@2.9.0.post0",
                    "redis@5.2.1",
                    "six@1.17.0",
                    "typing-extensions@4.12.2",
                    "urllib3@2.3.0",
                ]),
            ),
            (
                "names-outside-package-block.lock",
                Packages(&["first-pkg@1.0.0", "second-pkg@2.0.0"]),
            ),
            ("not-toml.txt", Error("not valid TOML")),
            ("one-package-with-metadata.lock", Packages(&["emoji@2.0.0"])),
            ("one-package.lock", Packages(&["numpy@1.23.3"])),
            ("optional-package.lock", Packages(&["numpy@1.23.3"])),
            ("source-git.lock", Packages(&["ike@0.2.0"])),
            ("source-legacy.lock", Packages(&["appdirs@1.4.4"])),
            (
                "two-packages.lock",
                Packages(&["proto-plus@1.22.0", "protobuf@4.21.5"]),
            ),
        ],
    );
}

#[test]
fn uv_lock() {
    check_format(
        "uvlock",
        "uv-lock",
        &[
            ("empty.lock", Packages(&[])),
            (
                "grouped-packages.lock",
                Packages(&[
                    "black@24.10.0",
                    "click@8.1.7",
                    "colorama@0.4.6",
                    "emoji@2.14.0",
                    "flake8@7.1.1",
                    "mccabe@0.7.0",
                    "mypy-extensions@1.0.0",
                    "packaging@24.2",
                    "pathspec@0.12.1",
                    "platformdirs@4.3.6",
                    "pycodestyle@2.12.1",
                    "pyflakes@3.2.0",
                    "tomli@2.2.1",
                    "typing-extensions@4.12.2",
                    "uv-lockfiles@0.1.0 (first-party)",
                ]),
            ),
            (
                "names-outside-package-block.lock",
                Packages(&["first-pkg@1.0.0", "second-pkg@2.0.0"]),
            ),
            (
                "no-dependencies.lock",
                Packages(&["uv-lockfiles@0.1.0 (first-party)"]),
            ),
            ("no-packages.lock", Packages(&[])),
            ("not-toml.txt", Error("not valid TOML")),
            (
                "one-package.lock",
                Packages(&["emoji@2.14.0", "uv-lockfiles@0.1.0 (first-party)"]),
            ),
            (
                "source-git.lock",
                Packages(&["ruff@0.8.1", "uv-lockfiles@0.1.0 (first-party)"]),
            ),
            (
                "two-packages.lock",
                Packages(&[
                    "emoji@2.14.0",
                    "protobuf@4.25.5",
                    "uv-lockfiles@0.1.0 (first-party)",
                ]),
            ),
        ],
    );
}

#[test]
fn pdm_lock() {
    check_format(
        "pdmlock",
        "pdm-lock",
        &[
            (
                "dev-dependency.toml",
                Packages(&["pyroute2@0.7.11", "toml@0.10.2", "win-inet-pton@1.1.0"]),
            ),
            ("empty-file.toml", Packages(&[])),
            ("empty.toml", Packages(&[])),
            ("git-dependency.toml", Packages(&["toml@0.10.2"])),
            (
                "names-outside-package-block.toml",
                Packages(&["first-pkg@1.0.0", "second-pkg@2.0.0"]),
            ),
            ("not-toml.txt", Error("not valid TOML")),
            (
                "optional-dependency.toml",
                Packages(&["pyroute2@0.7.11", "toml@0.10.2", "win-inet-pton@1.1.0"]),
            ),
            ("single-package.toml", Packages(&["toml@0.10.2"])),
            (
                "two-packages.toml",
                Packages(&["six@1.16.0", "toml@0.10.2"]),
            ),
        ],
    );
}

#[test]
fn pipfile_lock() {
    check_format(
        "pipfilelock",
        "pipfile-lock",
        &[
            ("empty-file", Error("not valid JSON")),
            ("empty.json", Packages(&[])),
            ("minified.json", Packages(&["markupsafe@2.1.1"])),
            // itsdangerous 2.1.2 is in both groups: one component (runtime).
            (
                "multiple-packages.json",
                Packages(&[
                    "itsdangerous@2.1.2",
                    "markupsafe@2.1.1",
                    "pluggy@1.0.0",
                    "pluggy@1.0.1",
                ]),
            ),
            (
                "no-version.json",
                Packages(&[
                    "itsdangerous@de09cad488a4d7c7bbcbcdb8e1c2dfde64325f48",
                    "markupsafe@b36054111bc1e8bbadb5d0d60158feb72926f467",
                ]),
            ),
            ("not-json.txt", Error("not valid JSON")),
            ("one-package-dev.json", Packages(&["markupsafe@2.1.1"])),
            ("one-package.json", Packages(&["markupsafe@2.1.1"])),
            (
                "two-packages-alt.json",
                Packages(&["itsdangerous@2.1.2", "markupsafe@2.1.1"]),
            ),
            (
                "two-packages.json",
                Packages(&["itsdangerous@2.1.2", "markupsafe@2.1.1"]),
            ),
        ],
    );
}

#[test]
fn composer_lock() {
    check_format(
        "composerlock",
        "composer-lock",
        &[
            (
                "drupal-packages.json",
                Packages(&[
                    "drupal/core@10.4.5",
                    "drupal/field_time@1.0.0-beta5",
                    "drupal/tfa@2.0.0-alpha4",
                    "theseer/tokenizer@1.1.3",
                ]),
            ),
            (
                "duplicate-packages.json",
                Packages(&[
                    "sentry/sdk@2.0.4",
                    "sentry/sdk@2.0.5",
                    "sentry/sdk@3.0.0-dev",
                ]),
            ),
            ("empty.json", Packages(&[])),
            ("not-json.txt", Error("not valid JSON")),
            ("null.jsontest", Error("top level must be a JSON object")),
            ("one-package-dev.json", Packages(&["sentry/sdk@2.0.4"])),
            ("one-package.json", Packages(&["sentry/sdk@2.0.4"])),
            (
                "two-packages-alt.json",
                Packages(&["sentry/sdk@2.0.4", "theseer/tokenizer@1.1.3"]),
            ),
            (
                "two-packages.json",
                Packages(&["sentry/sdk@2.0.4", "theseer/tokenizer@1.1.3"]),
            ),
        ],
    );
}

#[test]
fn go_mod() {
    check_format(
        "gomod",
        "go-mod",
        &[
            ("empty.mod", Packages(&[])),
            (
                "indirect-1.16.mod",
                Packages(&[
                    "github.com/sirupsen/logrus@v1.9.3",
                    "stdlib@1.16",
                    // Go < 1.17: the indirect modules come from indirect-1.16.sum.
                    "github.com/davecgh/go-spew@v1.1.1",
                    "github.com/pmezard/go-difflib@v1.0.0",
                    "github.com/stretchr/testify@v1.7.0",
                    "golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8",
                    "gopkg.in/yaml.v3@v3.0.0-20200313102051-9f266ea9e77c",
                ]),
            ),
            // Read as go.mod files these are not valid; they are read as the
            // go.sum of the .mod file beside them.
            (
                "indirect-1.16.sum",
                Error("not a go.mod: unknown directive `github.com/davecgh/go-spew`"),
            ),
            (
                "indirect-1.23.mod",
                Packages(&[
                    "github.com/sirupsen/logrus@v1.9.3",
                    "golang.org/x/sys@v0.0.0-20220715151400-c0bba94af5f8",
                    "stdlib@1.23",
                ]),
            ),
            (
                "indirect-1.23.sum",
                Error("not a go.mod: unknown directive `Wrongly`"),
            ),
            (
                "indirect-packages.mod",
                Packages(&[
                    "github.com/BurntSushi/toml@v1.0.0",
                    "gopkg.in/yaml.v2@v2.4.0",
                    "github.com/mattn/go-colorable@v0.1.9",
                    "github.com/mattn/go-isatty@v0.0.14",
                    "golang.org/x/sys@v0.0.0-20210630005230-0f9fa26af87c",
                    "stdlib@1.17",
                ]),
            ),
            (
                "not-go-mod.mod",
                Error("not a go.mod: unknown directive `this`"),
            ),
            (
                "one-package.mod",
                Packages(&["github.com/BurntSushi/toml@v1.0.0"]),
            ),
            (
                "replace-different.mod",
                Packages(&["example.com/fork/foe@v1.4.5", "example.com/fork/foe@v1.4.2"]),
            ),
            (
                "replace-local.mod",
                Packages(&[
                    "golang.org/x/net (first-party)",
                    "github.com/BurntSushi/toml@v1.0.0",
                ]),
            ),
            (
                "replace-mixed.mod",
                Packages(&["example.com/fork/net@v1.4.5", "golang.org/x/net@v0.5.6"]),
            ),
            (
                "replace-no-version.mod",
                Packages(&["example.com/fork/net@v1.4.5"]),
            ),
            (
                "replace-not-required.mod",
                Packages(&[
                    "golang.org/x/net@v0.5.6",
                    "github.com/BurntSushi/toml@v1.0.0",
                ]),
            ),
            (
                "replace-one.mod",
                Packages(&["example.com/fork/net@v1.4.5"]),
            ),
            (
                "toolchain-with-suffix.mod",
                Packages(&["github.com/BurntSushi/toml@v1.0.0", "stdlib@1.23.6"]),
            ),
            (
                "toolchain.mod",
                Packages(&["github.com/BurntSushi/toml@v1.0.0", "stdlib@1.23.6"]),
            ),
            (
                "two-packages.mod",
                Packages(&[
                    "github.com/BurntSushi/toml@v1.0.0",
                    "gopkg.in/yaml.v2@v2.4.0",
                    "stdlib@1.17",
                ]),
            ),
        ],
    );
}

#[test]
fn gemfile_lock() {
    check_format(
        "gemfilelock",
        "gemfile-lock",
        &[
            (
                "has-git-gem.lock",
                Packages(&[
                    "hanami-controller@2.0.0.alpha1",
                    "hanami-utils@2.0.0.alpha1",
                    "concurrent-ruby@1.1.7",
                    "rack@2.2.3",
                    "transproc@1.1.1",
                ]),
            ),
            (
                "has-local-gem.lock",
                Packages(&[
                    "backbone-on-rails@1.2.0.0 (first-party)",
                    "actionpack@7.0.2.2",
                    "actionview@7.0.2.2",
                    "activesupport@7.0.2.2",
                    "builder@3.2.4",
                    "coffee-script@2.4.1",
                    "coffee-script-source@1.12.2",
                    "concurrent-ruby@1.1.9",
                    "crass@1.0.6",
                    "eco@1.0.0",
                    "eco-source@1.1.0.rc.1",
                    "ejs@1.1.1",
                    "erubi@1.10.0",
                    "execjs@2.8.1",
                    "i18n@1.10.0",
                    "jquery-rails@4.4.0",
                    "loofah@2.14.0",
                    "method_source@1.0.0",
                    "minitest@5.15.0",
                    "nokogiri@1.13.3",
                    "racc@1.6.0",
                    "rack@2.2.3",
                    "rack-test@1.1.0",
                    "rails-dom-testing@2.0.3",
                    "rails-html-sanitizer@1.4.2",
                    "railties@7.0.2.2",
                    "rake@13.0.6",
                    "thor@1.2.1",
                    "tzinfo@2.0.4",
                    "zeitwerk@2.5.4",
                ]),
            ),
            // A spec without a version is skipped with a warning.
            ("invalid.lock", Packages(&[])),
            (
                "multiple-gems.lock",
                Packages(&[
                    "bundler-audit@0.9.0.1",
                    "coderay@1.1.3",
                    "dotenv@2.7.6",
                    "method_source@1.0.0",
                    "pry@0.14.1",
                    "thor@1.2.1",
                ]),
            ),
            ("no-gem-section.lock", Packages(&[])),
            ("no-gems.lock", Packages(&[])),
            ("no-spec-section.lock", Packages(&[])),
            ("one-gem.lock", Packages(&["ast@2.4.2"])),
            (
                "rails.lock",
                Packages(&[
                    "actioncable@7.0.2.2",
                    "actionmailbox@7.0.2.2",
                    "actionmailer@7.0.2.2",
                    "actionpack@7.0.2.2",
                    "actiontext@7.0.2.2",
                    "actionview@7.0.2.2",
                    "activejob@7.0.2.2",
                    "activemodel@7.0.2.2",
                    "activerecord@7.0.2.2",
                    "activestorage@7.0.2.2",
                    "activesupport@7.0.2.2",
                    "builder@3.2.4",
                    "concurrent-ruby@1.1.9",
                    "crass@1.0.6",
                    "digest@3.1.0",
                    "erubi@1.10.0",
                    "globalid@1.0.0",
                    "i18n@1.10.0",
                    "io-wait@0.2.1",
                    "loofah@2.14.0",
                    "mail@2.7.1",
                    "marcel@1.0.2",
                    "method_source@1.0.0",
                    "mini_mime@1.1.2",
                    "minitest@5.15.0",
                    "net-imap@0.2.3",
                    "net-pop@0.1.1",
                    "net-protocol@0.1.2",
                    "net-smtp@0.3.1",
                    "nio4r@2.5.8",
                    "nokogiri@1.13.3",
                    "racc@1.6.0",
                    "rack@2.2.3",
                    "rack-test@1.1.0",
                    "rails@7.0.2.2",
                    "rails-dom-testing@2.0.3",
                    "rails-html-sanitizer@1.4.2",
                    "railties@7.0.2.2",
                    "rake@13.0.6",
                    "strscan@3.0.1",
                    "thor@1.2.1",
                    "timeout@0.2.0",
                    "tzinfo@2.0.4",
                    "websocket-driver@0.7.5",
                    "websocket-extensions@0.1.5",
                    "zeitwerk@2.5.4",
                ]),
            ),
            (
                "rubocop.lock",
                Packages(&[
                    "ast@2.4.2",
                    "parallel@1.21.0",
                    "parser@3.1.1.0",
                    "rainbow@3.1.1",
                    "regexp_parser@2.2.1",
                    "rexml@3.2.5",
                    "rubocop@1.25.1",
                    "rubocop-ast@1.16.0",
                    "ruby-progressbar@1.11.0",
                    "unicode-display_width@2.1.0",
                ]),
            ),
            (
                "some-gems.lock",
                Packages(&["coderay@1.1.3", "method_source@1.0.0", "pry@0.14.1"]),
            ),
            ("source-section-at-end.lock", Packages(&["ast@2.4.2"])),
        ],
    );
}

#[test]
fn yarn_lock() {
    check_format(
        "yarnlock",
        "yarn-lock",
        &[
            (
                "commits.v1.lock",
                Packages(&[
                    "@bower_components/alertify@0.0.0",
                    "@bower_components/angular-animate@1.4.14",
                    "babel-preset-php@1.1.1",
                    "bats-assert@2.0.0",
                    "bats-support@0.3.0",
                    "bats@1.5.0",
                    "casadistance@1.0.0",
                    "is-number@2.0.0",
                    "is-number@5.0.0",
                    "kit@1.0.0",
                    "mine1@1.0.0-alpha.37",
                    "mine2@0.0.1",
                    "mine3@1.2.3",
                    "mine4@0.0.2",
                    "mine4@0.0.4",
                    "minimist@0.0.8",
                    "my-package@1.8.3",
                    "vue@2.6.12",
                ]),
            ),
            (
                "commits.v2.lock",
                Packages(&[
                    "@my-scope/my-first-package@0.0.6",
                    "@typegoose/typegoose@7.2.0",
                    "is-really-great@1.0.0",
                    "my-node-sdk@1.1.0",
                    "my-second-package@0.2.2",
                    "my-third-package@0.16.1-dev",
                    "vuejs@2.5.0",
                ]),
            ),
            ("empty.v1.lock", Packages(&[])),
            ("empty.v2.lock", Packages(&[])),
            (
                "exclude-root.v2.lock",
                Packages(&[
                    "@ws/ansi-regex@0.0.0-use.local (first-party)",
                    "ansi-regex@0.0.0-use.local (first-party)",
                    "ansi-regex@6.1.0",
                ]),
            ),
            (
                "files.v1.lock",
                Packages(&[
                    "etag@1.8.0 (first-party)",
                    "etag@1.8.1",
                    "filedep@1.2.0 (first-party)",
                    "lodash@1.3.1",
                    "other_package@0.0.2 (first-party)",
                    "sprintf-js@0.0.0 (first-party)",
                ]),
            ),
            (
                "files.v2.lock",
                Packages(&["my-package@0.0.2 (first-party)"]),
            ),
            ("metadata-only.v2.lock", Packages(&[])),
            (
                "multiple-constraints.v1.lock",
                Packages(&["@babel/code-frame@7.12.13", "domelementtype@1.3.1"]),
            ),
            (
                "multiple-versions.v1.lock",
                Packages(&[
                    "define-properties@1.1.3",
                    "define-property@0.2.5",
                    "define-property@1.0.0",
                    "define-property@2.0.2",
                ]),
            ),
            (
                "multiple-versions.v2.lock",
                Packages(&["debug@2.6.9", "debug@3.2.7", "debug@4.3.3"]),
            ),
            ("no-version.v1.lock", Packages(&["balanced-match@1.0.2"])),
            ("one-package.v1.lock", Packages(&["balanced-match@1.0.2"])),
            ("one-package.v2.lock", Packages(&["balanced-match@1.0.2"])),
            (
                "scoped-packages.v1.lock",
                Packages(&["@babel/code-frame@7.12.11", "@babel/compat-data@7.14.0"]),
            ),
            (
                "scoped-packages.v2.lock",
                Packages(&[
                    "@babel/cli@7.16.8",
                    "@babel/code-frame@7.16.7",
                    "@babel/compat-data@7.16.8",
                ]),
            ),
            (
                "two-packages.v1.lock",
                Packages(&["concat-map@0.0.1", "concat-stream@1.6.2"]),
            ),
            (
                "two-packages.v2.lock",
                Packages(&["compare-func@2.0.0", "concat-map@0.0.1"]),
            ),
            (
                "with-aliases.v1.lock",
                Packages(&[
                    "@babel/helper-validator-identifier@7.22.20",
                    "ansi-regex@5.0.1",
                    "ansi-regex@6.0.1",
                ]),
            ),
            (
                "with-aliases.v2.lock",
                Packages(&[
                    "@babel/helper-validator-identifier@7.22.20",
                    "ansi-regex@5.0.1",
                    "ansi-regex@6.0.1",
                    "mine@0.0.0-use.local (first-party)",
                ]),
            ),
            (
                "with-build-string.v1.lock",
                Packages(&["domino@2.1.6+git", "tslib@2.6.2"]),
            ),
            (
                "with-build-string.v2.lock",
                Packages(&[
                    "domino@2.1.6+git",
                    "tslib@2.6.2",
                    "zone.js@0.0.0-use.local (first-party)",
                ]),
            ),
            (
                "with-prerelease.v1.lock",
                Packages(&[
                    "css-tree@1.0.0-alpha.37",
                    "gensync@1.0.0-beta.2",
                    "node-fetch@3.0.0-beta.9",
                    "resolve@1.20.0",
                    "resolve@2.0.0-next.3",
                ]),
            ),
            (
                "with-prerelease.v2.lock",
                Packages(&[
                    "@nicolo-ribaudo/chokidar-2@2.1.8-no-fsevents.3",
                    "eslint-plugin-jest@0.0.0-use.local (first-party)",
                    "gensync@1.0.0-beta.2",
                ]),
            ),
            (
                "with-quotes.v1.lock",
                Packages(&["concat-map@0.0.1", "concat-stream@1.6.2"]),
            ),
            (
                "with-quotes.v2.lock",
                Packages(&["compare-func@2.0.0", "concat-map@0.0.1"]),
            ),
        ],
    );
}

#[test]
fn nuget_packages_lock_json() {
    check_format(
        "packageslockjson",
        "nuget-lock",
        &[
            ("invalid/invalid", Error("not valid JSON")),
            (
                "valid/packages.lock.json",
                Packages(&[
                    "Another.Longer.Name.Dep@4.5.4",
                    "Core.Dep@1.24.0",
                    "Some.Dep.Five@4.7.2",
                    "Some.Dep.Four@4.5.0",
                    "Some.Dep.One@1.1.1",
                    "Some.Dep.Three@1.0.2",
                    "Some.Dep.Two@4.6.0",
                    "Some.Longer.Name.Dep@4.7.2",
                ]),
            ),
        ],
    );
}

#[test]
fn nuget_packages_config() {
    check_format(
        "packagesconfig",
        "packages-config",
        &[
            ("invalid", Error("not valid XML")),
            // The <package> without an id is skipped with a warning.
            (
                "nopackage",
                Packages(&["Microsoft.CodeDom.Providers.DotNetCompilerPlatform@1.0.0"]),
            ),
            (
                "noversion",
                Packages(&["Microsoft.CodeDom.Providers.DotNetCompilerPlatform@1.0.0"]),
            ),
            (
                "valid",
                Packages(&[
                    "Microsoft.CodeDom.Providers.DotNetCompilerPlatform@1.0.0",
                    "Microsoft.Net.Compilers@1.0.0",
                ]),
            ),
        ],
    );
}

#[test]
fn dotnet_deps_json() {
    check_format(
        "depsjson",
        "deps-json",
        &[
            ("empty", Packages(&[])),
            ("invalid", Error("not valid JSON")),
            // The library key without `/version` is skipped with a warning.
            (
                "nopackagename",
                Packages(&["TestLibrary@1.0.0 (first-party)", "AWSSDK.Core@3.7.10.6"]),
            ),
            (
                "valid",
                Packages(&[
                    "TestLibrary@1.0.0 (first-party)",
                    "AWSSDK.Core@3.7.10.6",
                    "Microsoft.Extensions.DependencyInjection@6.0.0",
                ]),
            ),
        ],
    );
}

#[test]
fn renv_lock() {
    check_format(
        "renvlock",
        "renv-lock",
        &[
            ("empty.lock", Packages(&[])),
            ("not-json.txt", Error("not valid JSON")),
            ("one-package.lock", Packages(&["morning@0.1.0"])),
            ("two-packages.lock", Packages(&["markdown@1.0", "mime@0.7"])),
            (
                "with-bioconductor.lock",
                Packages(&["BH@1.75.0-0", "BSgenome@1.60.0"]),
            ),
            (
                "with-mixed-sources.lock",
                Packages(&["markdown@1.0", "mime@0.12.1"]),
            ),
            ("without-repository.lock", Packages(&["morning@0.1.0"])),
        ],
    );
}

#[test]
fn swift_package_resolved() {
    check_format(
        "packageresolved",
        "swift-package-resolved",
        &[
            ("Dockerfile.swift-testbed", Error("not valid JSON")),
            (
                "cve-packages",
                Packages(&[
                    "github.com/apple/swift-crypto@3.0.0",
                    "github.com/apple/swift-nio@2.65.0",
                    "github.com/apple/swift-nio-http2@1.29.0",
                ]),
            ),
            ("empty", Error("not valid JSON")),
            ("invalid", Error("not valid JSON")),
            (
                "valid",
                Packages(&[
                    "github.com/apple/swift-algorithms@1.0.0",
                    "github.com/apple/swift-async-algorithms@0.1.0",
                    "github.com/apple/swift-atomics@1.1.0",
                ]),
            ),
        ],
    );
}

#[test]
fn gradle_lockfile() {
    check_format(
        "gradlelockfile",
        "gradle-lockfile",
        &[
            (
                "5-pkg",
                Packages(&[
                    "org.springframework.boot:spring-boot-autoconfigure@2.7.4",
                    "org.springframework.boot:spring-boot-configuration-processor@2.7.5",
                    "org.springframework.boot:spring-boot-devtools@2.7.6",
                    "org.springframework.boot:spring-boot-starter-aop@2.7.7",
                    "org.springframework.boot:spring-boot-starter-data-jpa@2.7.8",
                ]),
            ),
            (
                "one-pkg",
                Packages(&["org.springframework.security:spring-security-crypto@5.7.3"]),
            ),
            ("only-comments", Packages(&[])),
            ("only-empty", Packages(&[])),
            // The malformed lines are skipped with warnings.
            (
                "with-bad-pkg",
                Packages(&[
                    "org.springframework.boot:spring-boot-autoconfigure@2.7.4",
                    "org.springframework.boot:spring-boot-configuration-processor@2.7.5",
                ]),
            ),
        ],
    );
}

#[test]
fn mix_lock() {
    check_format(
        "mixlock",
        "mix-lock",
        &[
            ("empty", Packages(&[])),
            ("empty.lock", Packages(&[])),
            (
                "git.lock",
                Packages(&[
                    "foe@a9574ab75d6ed01e1288c453ae1d943d7a964595",
                    "foo@fc94cce7830fa4dc455024bc2a83720afe244531",
                    "bar@bef3ee1d3618017061498b96c75043e8449ef9b5",
                ]),
            ),
            // `"certifi": {:hex, },` has no version: skipped with a warning.
            ("invalid", Packages(&["bunt@1.0.0"])),
            (
                "many.lock",
                Packages(&[
                    "backoff@1.1.6",
                    "decimal@2.0.0",
                    "dialyxir@1.1.0",
                    "earmark@1.4.3",
                    "earmark_parser@1.4.10",
                    "ecto@3.5.5",
                    "erlex@0.2.6",
                    "ex_doc@0.23.0",
                    "makeup@1.0.5",
                    "makeup_elixir@0.15.0",
                    "meck@0.9.2",
                    "mime@1.5.0",
                    "nimble_parsec@1.1.0",
                    "phoenix@1.4.17",
                    "phoenix_html@2.14.3",
                    "phoenix_pubsub@1.1.2",
                    "plug@1.11.1",
                    "plug_crypto@1.2.2",
                    "poolboy@1.5.2",
                    "pow@1.0.15",
                    "telemetry@0.4.2",
                ]),
            ),
            ("one-package.lock", Packages(&["plug@1.11.1"])),
            (
                "two-packages.lock",
                Packages(&["plug@1.11.1", "plug_crypto@1.2.2"]),
            ),
            ("valid", Packages(&["bunt@1.0.0", "certifi@2.12.0"])),
        ],
    );
}

#[test]
fn pnpm_lock() {
    check_format(
        "pnpmlock",
        "pnpm-lock",
        &[
            (
                "commits.v9.yaml",
                Packages(&["ansi-regex@6.0.1", "is-number@7.0.0"]),
            ),
            (
                "commits.yaml",
                Packages(&[
                    "@my-scope/my-other-package@1.0.0",
                    "@my-scope/my-package@1.0.0",
                    "faker-parser@0.0.1",
                    "mocks@20.0.1",
                    "my-bitbucket-package@1.0.0",
                ]),
            ),
            ("empty.yaml", Packages(&[])),
            // `github.com/kevva/is-positive` and `/foo/bar` have no version: skipped with warnings.
            (
                "exotic.yaml",
                Packages(&[
                    "@foo/bar@1.0.0",
                    "@foo/bar@1.1.0",
                    "foo@1.0.0",
                    "foo@1.1.0",
                    "foo@1.2.0",
                    "foo@1.3.0",
                    "foo@1.4.0",
                ]),
            ),
            (
                "files.yaml",
                Packages(&[
                    "a-local-package@1.0.0 (first-party)",
                    "a-nested-local-package@1.0.0 (first-party)",
                    "my-file-package@0.0.0 (first-party)",
                    "one-up-with-peer@1.0.0 (first-party)",
                    "one-up@1.0.0 (first-party)",
                ]),
            ),
            ("invalid-path.yaml", Packages(&["acorn@8.7.0"])),
            ("invalid-paths.yaml", Packages(&["acorn@8.7.0"])),
            ("missing-packages.yaml", Packages(&[])),
            (
                "mixed-groups.v53.yaml",
                Packages(&["ansi-regex@5.0.1", "is-number@7.0.0", "uuid@8.3.2"]),
            ),
            (
                "mixed-groups.v54.yaml",
                Packages(&["ansi-regex@5.0.1", "is-number@7.0.0", "uuid@8.3.2"]),
            ),
            (
                "mixed-groups.v6.yaml",
                Packages(&["ansi-regex@5.0.0", "is-number@7.0.0", "uuid@8.0.0"]),
            ),
            (
                "mixed-groups.v9.yaml",
                Packages(&["ansi-regex@5.0.1", "is-number@7.0.0", "uuid@8.3.2"]),
            ),
            (
                "multiple-packages.yaml",
                Packages(&[
                    "aws-sdk@2.1087.0",
                    "base64-js@1.5.1",
                    "buffer@4.9.2",
                    "events@1.1.1",
                    "ieee754@1.1.13",
                    "isarray@1.0.0",
                    "jmespath@0.16.0",
                    "punycode@1.3.2",
                    "querystring@0.2.0",
                    "sax@1.2.1",
                    "url@0.10.3",
                    "uuid@3.3.2",
                    "xml2js@0.4.19",
                    "xmlbuilder@9.0.7",
                ]),
            ),
            (
                "multiple-versions.v9.yaml",
                Packages(&["uuid@8.0.0", "uuid@8.3.2", "xmlbuilder@11.0.1"]),
            ),
            (
                "multiple-versions.yaml",
                Packages(&["uuid@3.3.2", "uuid@8.3.2", "xmlbuilder@9.0.7"]),
            ),
            ("no-packages.v9.yaml", Packages(&[])),
            ("no-packages.yaml", Packages(&[])),
            ("not-yaml.txt", Error("top level must be a mapping")),
            ("one-package-dev.v9.yaml", Packages(&["acorn@8.11.3"])),
            ("one-package-dev.yaml", Packages(&["acorn@8.7.0"])),
            ("one-package-v6-lockfile.yaml", Packages(&["acorn@8.7.0"])),
            ("one-package.v9.yaml", Packages(&["acorn@8.11.3"])),
            ("one-package.yaml", Packages(&["acorn@8.7.0"])),
            (
                "peer-dependencies-advanced-rc-v6.yaml",
                Packages(&[
                    "js-tokens@4.0.0",
                    "loose-envify@1.4.0",
                    "react-dom@18.0.0-rc.3",
                    "react@18.2.0",
                    "scheduler@0.21.0",
                ]),
            ),
            (
                "peer-dependencies-advanced-v6.yaml",
                Packages(&[
                    "js-tokens@4.0.0",
                    "loose-envify@1.4.0",
                    "react-dom@18.3.0-canary-ab31a9ed2-20230824",
                    "react@18.3.0-canary-ab31a9ed2-20230824",
                    "scheduler@0.24.0-canary-ab31a9ed2-20230824",
                ]),
            ),
            (
                "peer-dependencies-advanced.v9.yaml",
                Packages(&[
                    "@eslint-community/eslint-utils@4.4.0",
                    "@eslint/eslintrc@2.1.4",
                    "@typescript-eslint/eslint-plugin@5.62.0",
                    "@typescript-eslint/parser@5.62.0",
                    "@typescript-eslint/type-utils@5.62.0",
                    "@typescript-eslint/typescript-estree@5.62.0",
                    "@typescript-eslint/utils@5.62.0",
                    "debug@4.3.4",
                    "eslint@8.57.0",
                    "has-flag@4.0.0",
                    "supports-color@7.2.0",
                    "tsutils@3.21.0",
                    "typescript@4.9.5",
                ]),
            ),
            (
                "peer-dependencies-advanced.yaml",
                Packages(&[
                    "@typescript-eslint/eslint-plugin@5.13.0",
                    "@typescript-eslint/parser@5.13.0",
                    "@typescript-eslint/type-utils@5.13.0",
                    "@typescript-eslint/types@5.13.0",
                    "@typescript-eslint/typescript-estree@5.13.0",
                    "@typescript-eslint/utils@5.13.0",
                    "eslint-utils@3.0.0",
                    "eslint@8.10.0",
                    "tsutils@3.21.0",
                ]),
            ),
            (
                "peer-dependencies-v6.yaml",
                Packages(&[
                    "js-tokens@4.0.0",
                    "loose-envify@1.4.0",
                    "react-dom@18.2.0",
                    "react@18.2.0",
                    "scheduler@0.23.0",
                ]),
            ),
            (
                "peer-dependencies.v9.yaml",
                Packages(&["acorn-jsx@5.3.2", "acorn@8.11.3"]),
            ),
            (
                "peer-dependencies.yaml",
                Packages(&["acorn-jsx@5.3.2", "acorn@8.7.0"]),
            ),
            (
                "scoped-packages-v6-lockfile.yaml",
                Packages(&["@typescript-eslint/types@5.57.1"]),
            ),
            (
                "scoped-packages.v9.yaml",
                Packages(&["@typescript-eslint/types@5.62.0"]),
            ),
            (
                "scoped-packages.yaml",
                Packages(&["@typescript-eslint/types@5.13.0"]),
            ),
            ("tarball.yaml", Packages(&["@my-org/my-package@3.2.3"])),
        ],
    );
}

#[test]
fn pubspec_lock() {
    check_format(
        "pubspec",
        "pubspec-lock",
        &[
            // Comments only: an empty document, no packages.
            ("empty.lock", Packages(&[])),
            (
                "mixed-packages.lock",
                Packages(&[
                    "back_button_interceptor@6.0.1",
                    "build_runner@2.2.1",
                    "shelf@1.3.2",
                    "shelf_web_socket@1.0.2",
                ]),
            ),
            ("no-packages.lock", Packages(&[])),
            ("not-yaml.txt", Error("top level must be a mapping")),
            ("one-package-dev.lock", Packages(&["build_runner@2.2.1"])),
            (
                "one-package.lock",
                Packages(&["back_button_interceptor@6.0.1"]),
            ),
            (
                "source-git.lock",
                Packages(&[
                    "flutter_rust_bridge@1.32.0",
                    "screen_retriever@0.1.2",
                    "toggle_switch@1.4.0",
                    "tray_manager@0.1.8",
                    "window_manager@0.2.7",
                ]),
            ),
            (
                "source-path.lock",
                Packages(&["maa_core@0.0.1 (first-party)"]),
            ),
            // an SDK package has no version of its own (0.0.0 is a placeholder)
            ("source-sdk.lock", Packages(&["flutter_web_plugins"])),
            (
                "two-packages.lock",
                Packages(&["shelf@1.3.2", "shelf_web_socket@1.0.2"]),
            ),
        ],
    );
}

#[test]
fn bun_lock() {
    check_format(
        "bunlock",
        "bun-lock",
        &[
            (
                "alias.json5",
                Packages(&[
                    "has-flag@3.0.0",
                    "has-flag@4.0.0",
                    "supports-color@6.1.0",
                    "supports-color@7.2.0",
                ]),
            ),
            // The two tuples whose first element is not a string are skipped with warnings.
            ("bad-tuple.json5", Packages(&["wrappy@1.0.2"])),
            ("blog-sample.json5", Packages(&["uWebSockets.js@6609a88"])),
            (
                "commits.json5",
                Packages(&[
                    "@babel/helper-plugin-utils@7.26.5",
                    "@babel/helper-string-parser@7.25.9",
                    "@babel/helper-validator-identifier@7.25.9",
                    "@babel/parser@7.26.5",
                    "@babel/types@7.26.5",
                    "@prettier/sync@527e8ce",
                    "babel-preset-php@1ae6dc1267500360b411ec711b8aeac8c68b2246",
                    "is-number@98e8ff1",
                    "is-number@b7aef34",
                    "is-number@d5ac058",
                    "jquery@3.7.1",
                    "lodash@1.3.1",
                    "make-synchronized@0.2.9",
                    "php-parser@2.2.0",
                    "prettier@3.4.2",
                    "raven-js@91ef2d4",
                    "slick-carousel@fc6f7d8",
                    "stopwords@0.0.1",
                ]),
            ),
            ("empty.json5", Packages(&[])),
            (
                "files.json5",
                Packages(&["etag (first-party)", "lodash@1.3.1"]),
            ),
            (
                "nested-dependencies-dup.json5",
                Packages(&[
                    "ansi-styles@4.3.0",
                    "chalk@4.1.2",
                    "color-convert@2.0.1",
                    "color-name@1.1.4",
                    "has-flag@2.0.0",
                    "has-flag@4.0.0",
                    "supports-color@7.2.0",
                ]),
            ),
            (
                "nested-dependencies.json5",
                Packages(&[
                    "ansi-styles@4.3.0",
                    "chalk@4.1.2",
                    "color-convert@2.0.1",
                    "color-name@1.1.4",
                    "has-flag@2.0.0",
                    "has-flag@3.0.0",
                    "has-flag@4.0.0",
                    "supports-color@5.5.0",
                    "supports-color@7.2.0",
                ]),
            ),
            ("no-packages.json5", Packages(&[])),
            ("not-json.txt", Error("not valid JSON")),
            ("one-package-dev.json5", Packages(&["wrappy@1.0.2"])),
            ("one-package.json5", Packages(&["wrappy@1.0.2"])),
            (
                "optional-package.json5",
                Packages(&["acorn@8.14.0", "fsevents@0.3.8", "nan@2.22.0"]),
            ),
            (
                "peer-dependencies-explicit.json5",
                Packages(&["acorn-jsx@5.3.2", "acorn@8.14.0"]),
            ),
            (
                "peer-dependencies-implicit.json5",
                Packages(&["acorn-jsx@5.3.2", "acorn@8.14.0"]),
            ),
            (
                "same-package-different-groups.json5",
                Packages(&["has-flag@3.0.0", "supports-color@5.5.0"]),
            ),
            (
                "scoped-packages-mixed.json5",
                Packages(&[
                    "@babel/code-frame@7.26.2",
                    "@babel/helper-validator-identifier@7.25.9",
                    "js-tokens@4.0.0",
                    "picocolors@1.1.1",
                    "wrappy@1.0.2",
                ]),
            ),
            (
                "scoped-packages.json5",
                Packages(&["@typescript-eslint/types@5.62.0"]),
            ),
            (
                "two-packages.json5",
                Packages(&["has-flag@4.0.0", "wrappy@1.0.2"]),
            ),
        ],
    );
}

#[test]
fn conan_lock() {
    const NESTED: &[&str] = &[
        "brotli@1.0.9",
        "bzip2@1.0.8",
        "freetype@2.12.1",
        "libpng@1.6.39",
        "zlib@1.2.13",
    ];
    check_format(
        "conanlock",
        "conan-lock",
        &[
            ("empty.v1.json", Packages(&[])),
            ("empty.v1.revisions.json", Packages(&[])),
            ("empty.v2.json", Packages(&[])),
            ("nested-dependencies.v1.json", Packages(NESTED)),
            ("nested-dependencies.v1.revisions.json", Packages(NESTED)),
            ("nested-dependencies.v2.json", Packages(NESTED)),
            // The reference without a name is skipped with a warning.
            ("no-name.v1.json", Packages(&["zlib@1.2.11"])),
            ("no-name.v1.revisions.json", Packages(&["zlib@1.2.11"])),
            ("no-name.v2.json", Packages(&["zlib@1.2.11"])),
            ("not-json.txt", Error("not valid JSON")),
            ("null.v2.jsontest", Error("top level must be a JSON object")),
            ("old-format-0.0.json", Packages(&["zlib@1.2.11"])),
            ("old-format-0.1.json", Packages(&["zlib@1.2.11"])),
            ("old-format-0.2.json", Packages(&["zlib@1.2.11"])),
            ("old-format-0.3.json", Packages(&["zlib@1.2.11"])),
            ("one-package-dev.v1.json", Packages(&["ninja@1.11.1"])),
            (
                "one-package-dev.v1.revisions.json",
                Packages(&["ninja@1.11.1"]),
            ),
            ("one-package-dev.v2.json", Packages(&["ninja@1.11.1"])),
            ("one-package.v1.json", Packages(&["zlib@1.2.11"])),
            ("one-package.v1.revisions.json", Packages(&["zlib@1.2.11"])),
            ("one-package.v2.json", Packages(&["zlib@1.2.11"])),
            (
                "two-packages.v1.json",
                Packages(&["bzip2@1.0.8", "zlib@1.2.11"]),
            ),
            (
                "two-packages.v1.revisions.json",
                Packages(&["bzip2@1.0.8", "zlib@1.2.11"]),
            ),
            (
                "two-packages.v2.json",
                Packages(&["bzip2@1.0.8", "zlib@1.2.11"]),
            ),
        ],
    );
}

#[test]
fn pom_xml() {
    check_format(
        "pomxml",
        "pom-xml",
        &[
            (
                "ambiguous-interpolation.xml",
                Packages(&["com.example:common-lib@1.0.0"]),
            ),
            ("empty.xml", Packages(&[])),
            ("encoding.xml", Packages(&["junit:junit@4.12"])),
            (
                "explicit-jar.xml",
                Packages(&["org.different:my-lib@1.0.0", "com.example:my-lib@1.0.0"]),
            ),
            // The dependency without a groupId is skipped with a warning.
            (
                "interpolate-drop.xml",
                Packages(&["com.example:actual-artifact@1.0.0"]),
            ),
            // A version range is not a pin.
            (
                "interpolation.xml",
                Packages(&[
                    "org.mine:mypackage@1.0.0",
                    "org.mine:my.package@2.3.4",
                    "org.mine:ranged-package",
                ]),
            ),
            ("invalid-syntax.xml", Error("not valid XML")),
            (
                "multi-version.xml",
                Packages(&["abc:example.com@1.0.0", "abc:example.com@1.1.1"]),
            ),
            ("not-pom.txt", Error("not valid XML")),
            (
                "one-package.xml",
                Packages(&["org.apache.maven:maven-artifact@1.0.0"]),
            ),
            ("parent/pom.xml", Packages(&["org.dave:dave@4.0.0"])),
            // The plugin's own dependency is a build tool, not listed.
            (
                "plugin-dependency.xml",
                Packages(&["com.example:hijack-lib@1.0.0"]),
            ),
            ("profiles.xml", Packages(&["org.profile:profile-dep@1.2.3"])),
            // frank is only managed, never declared: not a dependency.
            (
                "transitive.xml",
                Packages(&[
                    "org.direct:alice@1.0.0",
                    "org.direct:bob@2.0.0",
                    "org.direct:chris@3.0.0",
                ]),
            ),
            (
                "two-packages.xml",
                Packages(&[
                    "io.netty:netty-all@4.1.42.Final",
                    "org.slf4j:slf4j-log4j12@1.7.25",
                ]),
            ),
            // The declared version wins over dependencyManagement; jsr305 is only managed.
            (
                "with-dependency-management.xml",
                Packages(&["io.netty:netty-all@4.1.9", "org.slf4j:slf4j-log4j12@1.7.25"]),
            ),
            (
                "with-multiple-classifiers.xml",
                Packages(&["com.example:my-lib@1.0.0"]),
            ),
            // bob from a property, chuck from dependencyManagement, frank unpinned, dave inherited from ./parent/pom.xml.
            (
                "with-parent.xml",
                Packages(&[
                    "org.alice:alice@1.0.0",
                    "org.bob:bob@2.0.0",
                    "org.chuck:chuck@3.0.0",
                    "org.frank:frank",
                    "org.dave:dave@4.0.0",
                ]),
            ),
            (
                "with-scope.xml",
                Packages(&["abc:xyz@1.2.3", "junit:junit@4.12"]),
            ),
            ("with-type-classifier.xml", Packages(&["abc:xyz@1.0.0"])),
        ],
    );
}

#[test]
fn every_fixture_directory_has_a_test() {
    let root = support::fixtures_dir();
    let tested = [
        "bunlock",
        "cargolock",
        "composerlock",
        "conanlock",
        "depsjson",
        "gemfilelock",
        "gomod",
        "gradlelockfile",
        "mixlock",
        "packagelockjson",
        "packageresolved",
        "packagesconfig",
        "packageslockjson",
        "pdmlock",
        "pipfilelock",
        "pnpmlock",
        "poetrylock",
        "pomxml",
        "pubspec",
        "renvlock",
        "requirements",
        "uvlock",
        "yarnlock",
    ];
    let mut dirs: Vec<String> = std::fs::read_dir(&root)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    dirs.sort();
    assert_eq!(dirs, tested, "a fixture directory has no test in this file");
}
