//! Version control, CI and package registries: the tokens that publish and build code.

use super::super::{Builtin, Kind};

pub(super) const DEVOPS: &[Builtin] = &[
    // ---- version control and CI
    tok!(
        "github-pat",
        "GitHub personal access token (classic)",
        "ghp_{an:36}"
    ),
    tok!(
        "github-fine-grained-pat",
        "GitHub fine-grained personal access token",
        "github_pat_{w:82}"
    ),
    tok!(
        "github-oauth-token",
        "GitHub OAuth access token",
        "gho_{an:36}"
    ),
    tok!(
        "github-user-to-server-token",
        "GitHub App user-to-server token",
        "ghu_{an:36}"
    ),
    tok!(
        "github-server-to-server-token",
        "GitHub App installation token",
        "ghs_{an:36}"
    ),
    tok!(
        "github-refresh-token",
        "GitHub refresh token",
        "ghr_{an:36}"
    ),
    tok!(
        "gitlab-pat",
        "GitLab personal access token",
        "glpat-{b64u:20}"
    ),
    tok!(
        "gitlab-pipeline-trigger-token",
        "GitLab pipeline trigger token",
        "glptt-{hex:40}"
    ),
    tok!(
        "gitlab-runner-registration-token",
        "GitLab runner registration token",
        "GR1348941{b64u:20}",
        ["gr1348941"]
    ),
    tok!(
        "gitlab-runner-auth-token",
        "GitLab runner authentication token",
        "glrt-{b64u:20}"
    ),
    tok!(
        "gitlab-deploy-token",
        "GitLab deploy token",
        "gldt-{b64u:20}"
    ),
    tok!("gitlab-feed-token", "GitLab feed token", "glft-{b64u:20}"),
    tok!(
        "gitlab-oauth-app-secret",
        "GitLab OAuth application secret",
        "gloas-{b64u:64}"
    ),
    tok!(
        "gitlab-incoming-mail-token",
        "GitLab incoming mail token",
        "glimt-{lan:25}"
    ),
    tok!(
        "gitlab-agent-token",
        "GitLab agent for Kubernetes token",
        "glagent-{b64u:50}"
    ),
    tok!(
        "gitlab-scim-token",
        "GitLab SCIM OAuth token",
        "glsoat-{b64u:20}"
    ),
    tok!(
        "gitlab-cicd-job-token",
        "GitLab CI/CD job token",
        "glcbt-{hex:1-5}_{b64u:20}"
    ),
    asg!(
        "bitbucket-client-secret",
        "Bitbucket OAuth client secret",
        ["bitbucket"],
        "{b64u:32}"
    ),
    tok!(
        "bitbucket-app-password",
        "Bitbucket app password",
        "ATBB{an:32}",
        ["atbb"]
    ),
    tok!(
        "atlassian-api-token",
        "Atlassian (Jira, Confluence) API token",
        "ATATT3{b64u:186}",
        ["atatt3"]
    ),
    asg!(
        "circleci-token",
        "CircleCI personal API token",
        ["circleci", "circle_token"],
        "{hex:40}"
    ),
    asg!(
        "travis-ci-token",
        "Travis CI access token",
        ["travis"],
        "{an:22}"
    ),
    asg!(
        "jenkins-api-token",
        "Jenkins API token",
        ["jenkins"],
        "{hex:34}"
    ),
    asg!(
        "codecov-token",
        "Codecov upload token",
        ["codecov"],
        "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    tok!(
        "sonarqube-user-token",
        "SonarQube user token",
        "squ_{hex:40}"
    ),
    tok!(
        "sonarqube-project-token",
        "SonarQube project analysis token",
        "sqp_{hex:40}"
    ),
    tok!(
        "sonarqube-global-token",
        "SonarQube global analysis token",
        "sqa_{hex:40}"
    ),
    asg!(
        "snyk-token",
        "Snyk API token",
        ["snyk"],
        "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    asg!(
        "drone-ci-token",
        "Drone CI access token",
        ["drone_token", "drone-token"],
        "{an:32}"
    ),
    asg!(
        "buildkite-token",
        "Buildkite API access token (classic)",
        ["buildkite"],
        "{hex:40}"
    ),
    tok!(
        "buildkite-agent-token",
        "Buildkite API access token",
        "bkua_{hex:40}"
    ),
    asg!(
        "teamcity-token",
        "TeamCity access token",
        ["teamcity"],
        "{b64u:100-200}"
    ),
    tok!(
        "octopus-deploy-api-key",
        "Octopus Deploy API key",
        "API-{uan:26}",
        ["octopus"]
    ),
    asg!(
        "argo-cd-token",
        "Argo CD auth token",
        ["argocd_auth_token", "argocd_token"],
        "{b64u:100-400}"
    ),
    // ---- package registries
    tok!("npm-access-token", "npm access token", "npm_{an:36}"),
    raw!(
        "npmrc-auth-token",
        "npm registry auth token in .npmrc",
        ["_authtoken"],
        r#"(?m)_authToken\s*=\s*["']?([A-Za-z0-9_\-.+/=]{20,})"#,
        1,
        "//registry.npmjs.org/:_authToken=Zq7Lp2Wk9Tn4Vb1Xr8Cm3Hd6Jf0Gs5Ay",
        "//registry.npmjs.org/:_authToken=${NPM_TOKEN}",
        false,
        Some(3.0)
    ),
    tok!(
        "pypi-upload-token",
        "PyPI upload token",
        "pypi-AgEIcHlwaS5vcmc{b64u:60-200}"
    ),
    tok!("rubygems-api-key", "RubyGems API key", "rubygems_{hex:48}"),
    tok!("nuget-api-key", "NuGet API key", "oy2{lan:43}"),
    tok!(
        "docker-hub-pat",
        "Docker Hub personal access token",
        "dckr_pat_{b64u:27}"
    ),
    tok!("clojars-token", "Clojars deploy token", "CLOJARS_{lan:60}"),
    tok!(
        "cratesio-token",
        "crates.io API token",
        "cio{an:32}",
        ["cio"]
    ),
    asg!(
        "packagist-token",
        "Packagist API token",
        ["packagist"],
        "{hex:20-40}"
    ),
    tok!(
        "jfrog-api-key",
        "JFrog Artifactory API key",
        "AKCp{an:69}",
        ["akcp"]
    ),
    tok!(
        "jfrog-identity-token",
        "JFrog identity / reference token",
        "cmVmdGtu{b64:56}",
        ["cmvmdgtu"]
    ),
    raw!(
        "docker-config-auth",
        "Registry credentials in a Docker config.json",
        ["\"auth\""],
        r#""auth"\s*:\s*"([A-Za-z0-9+/]{12,}={0,2})""#,
        1,
        "{\"auths\": {\"registry.acme.io\": {\"auth\": \"YWNtZTpzM2NyM3QtUGFzc3dvcmQtOTg3\"}}}",
        "{\"auths\": {\"registry.acme.io\": {\"auth\": \"\"}}}",
        false,
        Some(3.0)
    ),
];
