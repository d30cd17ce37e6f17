//! The built-in rules. Formats are the services' published token shapes;
//! the patterns and examples are sef's own.

use super::{Builtin, Kind};

macro_rules! tok {
    ($id:literal, $d:literal, $t:literal) => {
        Builtin {
            id: $id,
            description: $d,
            keywords: &[],
            kind: Kind::Token($t),
            entropy: None,
        }
    };
    ($id:literal, $d:literal, $t:literal, [$($k:literal),+]) => {
        Builtin {
            id: $id,
            description: $d,
            keywords: &[$($k),+],
            kind: Kind::Token($t),
            entropy: None,
        }
    };
}

macro_rules! asg {
    ($id:literal, $d:literal, [$($k:literal),+], $t:literal) => {
        Builtin {
            id: $id,
            description: $d,
            keywords: &[$($k),+],
            kind: Kind::Assigned($t),
            entropy: None,
        }
    };
}

macro_rules! raw {
    ($id:literal, $d:literal, [$($k:literal),+], $re:literal, $g:literal, $pos:expr, $neg:expr, $ml:literal, $ent:expr) => {
        Builtin {
            id: $id,
            description: $d,
            keywords: &[$($k),+],
            kind: Kind::Raw {
                regex: $re,
                group: $g,
                positive: $pos,
                negative: $neg,
                multiline: $ml,
            },
            entropy: $ent,
        }
    };
}

/// A made-up PEM block of type `$t`.
macro_rules! pem {
    ($t:literal) => {
        concat!(
            "-----BEGIN ",
            $t,
            "-----\nMIIEowIBAAKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0tRgeLezV6ffAt0gunVTLw\n7onLRnrq0/IzW7yWR7QkrmBL7jTKEn5u+qKhbwKfBstIs+bMY2Zkp18gnTxKLxoS2tFc\nzGkPLPgizskuemMghRniWaoLcyehkd3qqGElvW/VDL5AaWTg0nLVkjRo9z+40RQzuVaE\n-----END ",
            $t,
            "-----\n"
        )
    };
}

/// The catalog.
pub(super) const CATALOG: &[Builtin] = &[
    // ---- cloud providers
    tok!(
        "aws-access-key-id",
        "AWS access key ID",
        "AKIA{uan:16}",
        ["akia"]
    ),
    tok!(
        "aws-temporary-access-key-id",
        "AWS temporary (STS) access key ID",
        "ASIA{uan:16}",
        ["asia"]
    ),
    asg!(
        "aws-secret-access-key",
        "AWS secret access key",
        [
            "aws_secret",
            "aws-secret",
            "awssecret",
            "secret_access_key",
            "secretaccesskey"
        ],
        "{b64:40}"
    ),
    asg!(
        "aws-session-token",
        "AWS session token",
        ["aws_session_token", "aws-session-token", "sessiontoken"],
        "{b64:200-400}"
    ),
    tok!(
        "aws-mws-key",
        "Amazon Marketplace Web Service auth token",
        "amzn.mws.{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    tok!(
        "gcp-api-key",
        "Google Cloud / Google API key",
        "AIza{b64u:35}",
        ["aiza"]
    ),
    tok!(
        "gcp-oauth-client-secret",
        "Google OAuth client secret",
        "GOCSPX-{b64u:28}"
    ),
    tok!(
        "google-oauth-access-token",
        "Google OAuth access token",
        "ya29.{b64u:40-200}"
    ),
    tok!(
        "google-oauth-refresh-token",
        "Google OAuth refresh token",
        "1//0{b64u:40-120}",
        ["1//0"]
    ),
    raw!(
        "gcp-service-account-key",
        "Google Cloud service account key file (JSON with a private key)",
        ["service_account"],
        r#"(?s)"type"\s*:\s*"service_account".{0,2000}?"private_key"\s*:\s*"(-----BEGIN PRIVATE KEY-----[^"]{40,})""#,
        1,
        "{\"type\": \"service_account\", \"project_id\": \"p\", \"private_key\": \"-----BEGIN PRIVATE KEY-----\\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC7\\n-----END PRIVATE KEY-----\\n\"}",
        "{\"type\": \"service_account\", \"project_id\": \"p\", \"private_key_id\": \"x\"}",
        true,
        None
    ),
    tok!(
        "azure-ad-client-secret",
        "Azure AD (Entra ID) client secret",
        "{w:3}{d:1}Q~{b64u:34}",
        ["q~"]
    ),
    raw!(
        "azure-storage-account-key",
        "Azure storage account key in a connection string",
        ["accountkey"],
        r"(?i:AccountKey)=([A-Za-z0-9+/]{86}==)",
        1,
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=eQv8IB8hdY88yTdTxBIUFmDi8x2y4RuMER/bh3m1xs0drDjUpNbikPI99LsI0TCl21PFFwqjeEnAJNEZ0lhTFr==;EndpointSuffix=core.windows.net",
        "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey=<your-key>;EndpointSuffix=core.windows.net",
        false,
        None
    ),
    raw!(
        "azure-sas-token",
        "Azure shared access signature with a signature",
        ["sig="],
        r"(?:sv=[0-9-]{10}[^\s]{0,200}?&sig=)([A-Za-z0-9%+/]{30,100}(?:%3D|=){0,2})",
        1,
        "https://acme.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31&sig=Xm8kQ2pL7rT4vN1bW9zC3dF6gH0jK5sA8eR2tY7uI4o%3D",
        "https://acme.blob.core.windows.net/c?sv=2022-11-02&ss=b&srt=co&sp=rl&se=2026-12-31",
        false,
        None
    ),
    raw!(
        "azure-service-bus-key",
        "Azure Service Bus / Event Hubs shared access key",
        ["sharedaccesskey="],
        r"(?i:SharedAccessKey)=([A-Za-z0-9+/]{43}=)",
        1,
        "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=t7Bq2Lz9Xw4Kp1Vn8Rm3Hs6Jd0Fg5Ac2Ye7Ui4Oo9Pa=",
        "Endpoint=sb://acme.servicebus.windows.net/;SharedAccessKeyName=Root;SharedAccessKey=${KEY}",
        false,
        None
    ),
    asg!(
        "azure-devops-pat",
        "Azure DevOps personal access token",
        ["azure_devops", "azdo", "ado_pat", "azure-devops"],
        "{b32:52}"
    ),
    tok!(
        "alibaba-access-key-id",
        "Alibaba Cloud AccessKey ID",
        "LTAI{an:20}",
        ["ltai"]
    ),
    asg!(
        "alibaba-access-key-secret",
        "Alibaba Cloud AccessKey secret",
        ["alibaba", "aliyun"],
        "{an:30}"
    ),
    tok!(
        "tencent-secret-id",
        "Tencent Cloud SecretId",
        "AKID{an:32}",
        ["akid"]
    ),
    asg!(
        "ibm-cloud-api-key",
        "IBM Cloud API key",
        ["ibm_cloud", "ibmcloud", "ibm_api", "ibm-api", "iam_apikey"],
        "{b64u:44}"
    ),
    asg!(
        "ibm-cos-hmac-secret",
        "IBM Cloud Object Storage HMAC secret access key",
        ["cos_hmac", "ibm_cos", "cos_secret"],
        "{hex:48}"
    ),
    tok!(
        "digitalocean-pat",
        "DigitalOcean personal access token",
        "dop_v1_{hex:64}"
    ),
    tok!(
        "digitalocean-oauth-token",
        "DigitalOcean OAuth access token",
        "doo_v1_{hex:64}"
    ),
    tok!(
        "digitalocean-refresh-token",
        "DigitalOcean OAuth refresh token",
        "dor_v1_{hex:64}"
    ),
    asg!(
        "linode-token",
        "Linode (Akamai) API token",
        ["linode"],
        "{hex:64}"
    ),
    asg!("vultr-api-key", "Vultr API key", ["vultr"], "{uan:36}"),
    asg!(
        "hetzner-api-token",
        "Hetzner Cloud API token",
        ["hetzner", "hcloud"],
        "{an:64}"
    ),
    asg!(
        "scaleway-secret-key",
        "Scaleway secret key",
        ["scaleway", "scw_secret"],
        "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    asg!(
        "ovh-application-secret",
        "OVHcloud application secret",
        ["ovh"],
        "{an:32}"
    ),
    tok!("yandex-api-key", "Yandex Cloud API key", "AQVN{b64u:35-38}"),
    tok!(
        "yandex-iam-token",
        "Yandex Cloud IAM token",
        "t1.{b64u:10}.{b64u:86}",
        ["t1."]
    ),
    asg!(
        "oracle-cloud-fingerprint-key",
        "Oracle Cloud Infrastructure auth token",
        ["oci_auth_token", "oracle_auth_token"],
        "{b64:20}"
    ),
    tok!(
        "cloudflare-origin-ca-key",
        "Cloudflare Origin CA key",
        "v1.0-{hex:24}-{hex:146}"
    ),
    asg!(
        "cloudflare-api-key",
        "Cloudflare global API key",
        ["cloudflare", "cf_api_key"],
        "{hex:37}"
    ),
    asg!(
        "cloudflare-api-token",
        "Cloudflare API token",
        ["cloudflare_api_token", "cf_api_token", "cloudflare_token"],
        "{b64u:40}"
    ),
    tok!("fly-io-token", "Fly.io access token", "fo1_{b64u:43}"),
    tok!(
        "fly-io-macaroon",
        "Fly.io macaroon token",
        "fm2_{b64:100-300}"
    ),
    asg!(
        "heroku-api-key",
        "Heroku API key (classic, a UUID)",
        ["heroku"],
        "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    tok!(
        "heroku-api-key-v2",
        "Heroku API key",
        "HRKU-AA{b64u:58}",
        ["hrku-"]
    ),
    asg!("vercel-token", "Vercel access token", ["vercel"], "{an:24}"),
    asg!(
        "netlify-token",
        "Netlify access token",
        ["netlify"],
        "{b64u:43}"
    ),
    tok!(
        "supabase-service-key",
        "Supabase personal access token",
        "sbp_{hex:40}"
    ),
    tok!(
        "planetscale-token",
        "PlanetScale API token",
        "pscale_tkn_{b64u:43}"
    ),
    tok!(
        "planetscale-password",
        "PlanetScale database password",
        "pscale_pw_{b64u:43}"
    ),
    tok!(
        "planetscale-oauth-token",
        "PlanetScale OAuth token",
        "pscale_oauth_{b64u:43}"
    ),
    tok!("render-api-key", "Render API key", "rnd_{an:32}"),
    tok!("pulumi-access-token", "Pulumi access token", "pul-{hex:40}"),
    tok!(
        "terraform-cloud-token",
        "Terraform Cloud / Enterprise API token",
        "{an:14}.atlasv1.{b64u:67}",
        ["atlasv1"]
    ),
    tok!(
        "hashicorp-vault-service-token",
        "HashiCorp Vault service token",
        "hvs.{b64u:90-120}"
    ),
    tok!(
        "hashicorp-vault-batch-token",
        "HashiCorp Vault batch token",
        "hvb.{b64u:138-300}"
    ),
    tok!("doppler-token", "Doppler personal token", "dp.pt.{an:43}"),
    tok!(
        "doppler-service-token",
        "Doppler service token",
        "dp.st.{lan:2-35}.{an:40}",
        ["dp.st."]
    ),
    tok!("infracost-api-key", "Infracost API key", "ico-{an:32}"),
    tok!(
        "age-secret-key",
        "age encryption secret key",
        "AGE-SECRET-KEY-1{uan:58}",
        ["age-secret-key-1"]
    ),
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
    // ---- chat and collaboration
    tok!(
        "slack-bot-token",
        "Slack bot token",
        "xoxb-{d:10-13}-{d:10-13}-{an:24}"
    ),
    tok!(
        "slack-user-token",
        "Slack user token",
        "xoxp-{d:10-13}-{d:10-13}-{d:10-13}-{hex:32}"
    ),
    tok!(
        "slack-app-token",
        "Slack app-level token",
        "xapp-1-{uan:11}-{d:13}-{hex:64}"
    ),
    tok!(
        "slack-config-token",
        "Slack configuration access token",
        "xoxe.xoxp-1-{an:160-170}"
    ),
    tok!(
        "slack-legacy-workspace-token",
        "Slack legacy workspace token",
        "xoxa-2-{d:10-13}-{an:20-40}"
    ),
    tok!(
        "slack-webhook-url",
        "Slack incoming webhook URL",
        "https://hooks.slack.com/services/T{uan:8-10}/B{uan:8-10}/{an:24}",
        ["hooks.slack.com"]
    ),
    tok!(
        "discord-webhook-url",
        "Discord webhook URL",
        "https://discord.com/api/webhooks/{d:17-19}/{b64u:68}",
        ["discord.com/api/webhooks"]
    ),
    tok!(
        "discord-bot-token",
        "Discord bot token",
        "M{an:23}.{b64u:6}.{b64u:38}",
        ["discord"]
    ),
    tok!(
        "telegram-bot-token",
        "Telegram bot API token",
        "{d:9}:AA{b64u:33}",
        ["telegram"]
    ),
    tok!(
        "microsoft-teams-webhook",
        "Microsoft Teams incoming webhook URL",
        "https://acme.webhook.office.com/webhookb2/{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}@{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}/IncomingWebhook/{hex:32}/{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}",
        ["webhook.office.com"]
    ),
    asg!(
        "mattermost-token",
        "Mattermost access token",
        ["mattermost"],
        "{lan:26}"
    ),
    asg!("zulip-api-key", "Zulip API key", ["zulip"], "{an:32}"),
    asg!(
        "gitter-token",
        "Gitter access token",
        ["gitter"],
        "{hex:40}"
    ),
    tok!("linear-api-key", "Linear API key", "lin_api_{an:40}"),
    tok!(
        "notion-integration-token",
        "Notion integration token",
        "ntn_{an:46}"
    ),
    tok!(
        "notion-legacy-token",
        "Notion integration token (legacy)",
        "secret_{an:43}"
    ),
    tok!(
        "asana-pat",
        "Asana personal access token",
        "1/{d:16}:{hex:32}",
        ["asana"]
    ),
    tok!(
        "clickup-api-key",
        "ClickUp personal API key",
        "pk_{d:6-10}_{uan:32}"
    ),
    asg!(
        "trello-api-token",
        "Trello API token",
        ["trello"],
        "{hex:64}"
    ),
    asg!(
        "monday-api-token",
        "monday.com API token",
        ["monday"],
        "eyJ{b64u:100-300}"
    ),
    tok!(
        "airtable-pat",
        "Airtable personal access token",
        "pat{an:14}.{hex:64}"
    ),
    tok!("figma-pat", "Figma personal access token", "figd_{b64u:40}"),
    tok!(
        "typeform-token",
        "Typeform personal access token",
        "tfp_{b64u:59}"
    ),
    asg!(
        "zendesk-api-token",
        "Zendesk API token",
        ["zendesk"],
        "{an:40}"
    ),
    asg!(
        "intercom-token",
        "Intercom access token",
        ["intercom"],
        "{b64:59}="
    ),
    asg!(
        "freshdesk-api-key",
        "Freshdesk API key",
        ["freshdesk"],
        "{an:20}"
    ),
    tok!(
        "hubspot-private-app-token",
        "HubSpot private app access token (US)",
        "pat-na1-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    tok!(
        "hubspot-private-app-token-eu",
        "HubSpot private app access token (EU)",
        "pat-eu1-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    tok!(
        "1password-service-account-token",
        "1Password service account token",
        "ops_eyJ{b64u:200-400}"
    ),
    // ---- payments and commerce
    tok!(
        "stripe-secret-key",
        "Stripe live secret key",
        "sk_live_{an:24-99}"
    ),
    tok!(
        "stripe-restricted-key",
        "Stripe live restricted key",
        "rk_live_{an:24-99}"
    ),
    tok!(
        "stripe-test-secret-key",
        "Stripe test-mode secret key",
        "sk_test_{an:24-99}"
    ),
    tok!(
        "stripe-webhook-secret",
        "Stripe webhook signing secret",
        "whsec_{an:32}"
    ),
    tok!(
        "square-access-token",
        "Square access token",
        "EAAA{b64u:60}",
        ["eaaa"]
    ),
    tok!(
        "square-oauth-secret",
        "Square OAuth application secret",
        "sq0csp-{b64u:43}"
    ),
    tok!(
        "square-legacy-token",
        "Square access token (legacy)",
        "sq0atp-{b64u:22}"
    ),
    tok!(
        "paypal-braintree-token",
        "PayPal Braintree access token",
        "access_token$production${lan:16}${hex:32}",
        ["access_token$production"]
    ),
    tok!(
        "adyen-api-key",
        "Adyen API key",
        "AQE{b64:100-200}",
        ["adyen"]
    ),
    tok!(
        "razorpay-key",
        "Razorpay live API key id",
        "rzp_live_{an:14}"
    ),
    asg!(
        "razorpay-secret",
        "Razorpay key secret",
        ["razorpay"],
        "{an:24}"
    ),
    tok!(
        "paystack-secret-key",
        "Paystack live secret key",
        "sk_live_{hex:40}",
        ["sk_live_"]
    ),
    tok!(
        "flutterwave-secret-key",
        "Flutterwave secret key",
        "FLWSECK-{hex:32}-X"
    ),
    tok!(
        "flutterwave-encryption-key",
        "Flutterwave encryption key",
        "FLWSECK_TEST{hex:12}"
    ),
    tok!(
        "mollie-api-key",
        "Mollie live API key",
        "live_{an:30}",
        ["mollie", "live_"]
    ),
    tok!(
        "gocardless-token",
        "GoCardless live access token",
        "live_{b64u:40}",
        ["gocardless"]
    ),
    tok!(
        "checkout-secret-key",
        "Checkout.com secret key",
        "sk_sbox_{lan:26}"
    ),
    asg!("plaid-secret", "Plaid API secret", ["plaid"], "{hex:30}"),
    asg!(
        "coinbase-api-secret",
        "Coinbase API secret",
        ["coinbase"],
        "{b64u:64}"
    ),
    asg!(
        "binance-api-secret",
        "Binance API secret",
        ["binance"],
        "{an:64}"
    ),
    asg!(
        "kraken-private-key",
        "Kraken private API key",
        ["kraken"],
        "{b64:86}=="
    ),
    tok!(
        "shopify-access-token",
        "Shopify Admin API access token",
        "shpat_{hex:32}"
    ),
    tok!(
        "shopify-custom-app-token",
        "Shopify custom app access token",
        "shpca_{hex:32}"
    ),
    tok!(
        "shopify-private-app-token",
        "Shopify private app password",
        "shppa_{hex:32}"
    ),
    tok!(
        "shopify-shared-secret",
        "Shopify app shared secret",
        "shpss_{hex:32}"
    ),
    tok!(
        "woocommerce-consumer-secret",
        "WooCommerce REST consumer secret",
        "cs_{hex:40}",
        ["woocommerce", "cs_"]
    ),
    asg!(
        "bigcommerce-token",
        "BigCommerce API access token",
        ["bigcommerce"],
        "{lan:31}"
    ),
    tok!("easypost-api-key", "EasyPost API key", "EZAK{an:54}"),
    tok!("easypost-test-key", "EasyPost test API key", "EZTK{an:54}"),
    tok!(
        "shippo-token",
        "Shippo live API token",
        "shippo_live_{hex:40}"
    ),
    tok!(
        "duffel-token",
        "Duffel live API token",
        "duffel_live_{b64u:43}"
    ),
    // ---- e-mail, messaging and telephony
    tok!(
        "sendgrid-api-key",
        "SendGrid API key",
        "SG.{b64u:22}.{b64u:43}"
    ),
    tok!("mailgun-api-key", "Mailgun API key", "key-{hex:32}"),
    asg!(
        "mailgun-signing-key",
        "Mailgun webhook signing key",
        ["mailgun"],
        "{hex:32}-{hex:8}-{hex:8}"
    ),
    tok!(
        "mailchimp-api-key",
        "Mailchimp API key",
        "{hex:32}-us{d:2}",
        ["mailchimp", "-us"]
    ),
    asg!(
        "mandrill-api-key",
        "Mandrill API key",
        ["mandrill"],
        "{b64u:22}"
    ),
    asg!(
        "postmark-server-token",
        "Postmark server API token",
        ["postmark"],
        "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    asg!(
        "sparkpost-api-key",
        "SparkPost API key",
        ["sparkpost"],
        "{hex:40}"
    ),
    asg!(
        "mailjet-secret-key",
        "Mailjet API secret key",
        ["mailjet"],
        "{hex:32}"
    ),
    tok!(
        "brevo-api-key",
        "Brevo (Sendinblue) API key",
        "xkeysib-{hex:64}-{an:16}"
    ),
    tok!(
        "brevo-smtp-key",
        "Brevo (Sendinblue) SMTP key",
        "xsmtpsib-{hex:64}-{an:16}"
    ),
    tok!(
        "twilio-api-key",
        "Twilio API key SID",
        "SK{hex:32}",
        ["twilio"]
    ),
    asg!(
        "twilio-auth-token",
        "Twilio auth token",
        ["twilio"],
        "{hex:32}"
    ),
    asg!(
        "vonage-api-secret",
        "Vonage (Nexmo) API secret",
        ["vonage", "nexmo"],
        "{an:16}"
    ),
    asg!(
        "messagebird-api-key",
        "MessageBird API key",
        ["messagebird"],
        "{an:25}"
    ),
    asg!("plivo-auth-token", "Plivo auth token", ["plivo"], "{an:40}"),
    tok!(
        "telnyx-api-key",
        "Telnyx API key v2",
        "KEY{HEX:32}_{an:22}",
        ["telnyx"]
    ),
    asg!(
        "pusher-secret",
        "Pusher Channels app secret",
        ["pusher"],
        "{hex:20}"
    ),
    asg!(
        "ably-api-key",
        "Ably API key",
        ["ably"],
        "{b64u:6}.{b64u:6}:{b64u:43}"
    ),
    tok!(
        "firebase-cloud-messaging-key",
        "Firebase Cloud Messaging server key",
        "AAAA{b64u:7}:APA91b{b64u:134}",
        ["apa91b"]
    ),
    // ---- observability
    asg!(
        "datadog-api-key",
        "Datadog API key",
        ["datadog", "dd_api_key", "dd-api-key"],
        "{hex:32}"
    ),
    asg!(
        "datadog-app-key",
        "Datadog application key",
        ["dd_app_key", "datadog_app", "dd-app-key"],
        "{hex:40}"
    ),
    tok!(
        "new-relic-user-key",
        "New Relic user API key",
        "NRAK-{uan:27}"
    ),
    tok!(
        "new-relic-insert-key",
        "New Relic insights insert key",
        "NRII-{b64u:32}"
    ),
    tok!(
        "new-relic-browser-key",
        "New Relic browser API token",
        "NRJS-{hex:19}"
    ),
    tok!(
        "new-relic-license-key",
        "New Relic ingest license key",
        "{hex:36}NRAL",
        ["nral"]
    ),
    tok!(
        "sentry-org-token",
        "Sentry organization auth token",
        "sntrys_eyJ{b64u:100-300}"
    ),
    tok!(
        "sentry-user-token",
        "Sentry user auth token",
        "sntryu_{hex:64}"
    ),
    tok!(
        "grafana-cloud-token",
        "Grafana Cloud API token",
        "glc_{b64:32-400}"
    ),
    tok!(
        "grafana-service-account-token",
        "Grafana service account token",
        "glsa_{an:32}_{hex:8}"
    ),
    tok!(
        "dynatrace-token",
        "Dynatrace API token",
        "dt0c01.{uan:24}.{uan:64}"
    ),
    asg!(
        "splunk-hec-token",
        "Splunk HTTP Event Collector token",
        ["splunk"],
        "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    asg!(
        "sumologic-access-key",
        "Sumo Logic access key",
        ["sumo"],
        "{an:64}"
    ),
    asg!(
        "rollbar-token",
        "Rollbar access token",
        ["rollbar"],
        "{hex:32}"
    ),
    asg!(
        "bugsnag-api-key",
        "Bugsnag API key",
        ["bugsnag"],
        "{hex:32}"
    ),
    asg!(
        "honeycomb-api-key",
        "Honeycomb API key",
        ["honeycomb"],
        "{an:22}"
    ),
    asg!(
        "pagerduty-token",
        "PagerDuty API token",
        ["pagerduty"],
        "{b64u:20}"
    ),
    asg!(
        "opsgenie-api-key",
        "Opsgenie API key",
        ["opsgenie"],
        "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    asg!(
        "loggly-token",
        "Loggly customer token",
        ["loggly"],
        "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    asg!(
        "logdna-ingestion-key",
        "Mezmo (LogDNA) ingestion key",
        ["logdna", "mezmo"],
        "{hex:32}"
    ),
    tok!(
        "posthog-personal-key",
        "PostHog personal API key",
        "phx_{an:43}"
    ),
    asg!(
        "segment-write-key",
        "Segment write key",
        ["segment"],
        "{an:32}"
    ),
    asg!(
        "mixpanel-api-secret",
        "Mixpanel API secret",
        ["mixpanel"],
        "{hex:32}"
    ),
    asg!(
        "amplitude-secret-key",
        "Amplitude secret key",
        ["amplitude"],
        "{hex:32}"
    ),
    // ---- AI and developer APIs
    tok!(
        "openai-api-key",
        "OpenAI API key",
        "sk-{an:20}T3BlbkFJ{an:20}",
        ["t3blbkfj"]
    ),
    tok!(
        "openai-project-key",
        "OpenAI project API key",
        "sk-proj-{b64u:100-200}"
    ),
    tok!(
        "anthropic-api-key",
        "Anthropic API key",
        "sk-ant-api03-{b64u:93}AA"
    ),
    tok!(
        "anthropic-admin-key",
        "Anthropic admin API key",
        "sk-ant-admin01-{b64u:93}AA"
    ),
    tok!(
        "huggingface-token",
        "Hugging Face access token",
        "hf_{al:34}"
    ),
    tok!(
        "huggingface-org-token",
        "Hugging Face organization API token",
        "api_org_{al:34}"
    ),
    tok!("replicate-token", "Replicate API token", "r8_{an:37}"),
    tok!("groq-api-key", "Groq API key", "gsk_{an:52}"),
    tok!("perplexity-api-key", "Perplexity API key", "pplx-{an:48}"),
    tok!("cohere-api-key", "Cohere API key", "co-{an:40}", ["cohere"]),
    asg!(
        "mistral-api-key",
        "Mistral AI API key",
        ["mistral"],
        "{an:32}"
    ),
    tok!(
        "postman-api-key",
        "Postman API key",
        "PMAK-{hex:24}-{hex:34}"
    ),
    tok!("readme-api-key", "ReadMe API key", "rdme_{lan:70}"),
    tok!("prefect-api-key", "Prefect API key", "pnu_{an:36}"),
    tok!(
        "databricks-token",
        "Databricks personal access token",
        "dapi{hex:32}"
    ),
    tok!(
        "launchdarkly-api-key",
        "LaunchDarkly API access token",
        "api-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}",
        ["launchdarkly", "api-"]
    ),
    tok!(
        "launchdarkly-sdk-key",
        "LaunchDarkly server-side SDK key",
        "sdk-{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    tok!(
        "mapbox-secret-token",
        "Mapbox secret access token",
        "sk.eyJ{b64u:60-80}.{b64u:22}"
    ),
    asg!(
        "algolia-admin-key",
        "Algolia admin API key",
        ["algolia"],
        "{hex:32}"
    ),
    asg!(
        "contentful-token",
        "Contentful delivery / management token",
        ["contentful"],
        "{b64u:43}"
    ),
    tok!(
        "contentful-cma-token",
        "Contentful personal access token",
        "CFPAT-{b64u:43}"
    ),
    asg!(
        "sanity-token",
        "Sanity API token",
        ["sanity"],
        "sk{an:78-90}"
    ),
    tok!(
        "frameio-token",
        "Frame.io developer token",
        "fio-u-{b64u:64}"
    ),
    tok!(
        "dropbox-token",
        "Dropbox short-lived access token",
        "sl.{b64u:135}"
    ),
    asg!(
        "box-client-secret",
        "Box client secret",
        ["box_client_secret", "box-client-secret"],
        "{an:32}"
    ),
    asg!(
        "twitter-bearer-token",
        "X (Twitter) bearer token",
        ["twitter", "x_bearer"],
        "AAAAAAAAAAAAAAAAAAAAA{b64u:60-120}"
    ),
    asg!(
        "twitter-api-secret",
        "X (Twitter) API key secret",
        [
            "twitter_api_secret",
            "twitter_consumer_secret",
            "twitter_secret"
        ],
        "{an:50}"
    ),
    asg!(
        "facebook-app-secret",
        "Facebook app secret",
        ["facebook", "fb_app_secret"],
        "{hex:32}"
    ),
    tok!(
        "facebook-access-token",
        "Facebook page / user access token",
        "EAACEdEose0cBA{an:100-200}",
        ["eaacedeose0cba"]
    ),
    asg!(
        "instagram-token",
        "Instagram Graph API token",
        ["instagram"],
        "IG{b64u:120-200}"
    ),
    asg!(
        "linkedin-client-secret",
        "LinkedIn client secret",
        ["linkedin"],
        "{an:16}"
    ),
    asg!(
        "spotify-client-secret",
        "Spotify client secret",
        ["spotify"],
        "{hex:32}"
    ),
    asg!(
        "twitch-client-secret",
        "Twitch client secret",
        ["twitch"],
        "{lan:30}"
    ),
    asg!("okta-api-token", "Okta API token", ["okta"], "00{b64u:40}"),
    asg!(
        "auth0-client-secret",
        "Auth0 client secret",
        ["auth0"],
        "{b64u:64}"
    ),
    asg!(
        "keycloak-client-secret",
        "Keycloak client secret",
        ["keycloak"],
        "{an:32}"
    ),
    tok!(
        "lob-live-key",
        "Lob live API key",
        "live_{hex:35}",
        ["lob", "live_"]
    ),
    tok!("scalingo-token", "Scalingo API token", "tk-us-{b64u:48}"),
    tok!(
        "beamer-api-key",
        "Beamer API key",
        "b_{b64u:44}",
        ["beamer"]
    ),
    asg!(
        "lokalise-token",
        "Lokalise API token",
        ["lokalise"],
        "{hex:40}"
    ),
    asg!(
        "crowdin-token",
        "Crowdin personal access token",
        ["crowdin"],
        "{hex:80}"
    ),
    tok!(
        "transifex-token",
        "Transifex API token",
        "1/{hex:40}",
        ["transifex"]
    ),
    asg!(
        "clearbit-key",
        "Clearbit API key",
        ["clearbit"],
        "sk_{hex:32}"
    ),
    asg!(
        "finicity-secret",
        "Finicity API secret",
        ["finicity"],
        "{an:20}"
    ),
    asg!(
        "confluent-secret",
        "Confluent Cloud API secret",
        ["confluent"],
        "{b64:64}"
    ),
    asg!(
        "elastic-api-key",
        "Elastic Cloud API key",
        ["elastic_api_key", "elasticsearch_api_key", "es_api_key"],
        "{b64u:60}=="
    ),
    asg!(
        "mongodb-atlas-private-key",
        "MongoDB Atlas API private key",
        ["atlas_private_key", "mongodb_atlas"],
        "{hex:8}-{hex:4}-{hex:4}-{hex:4}-{hex:12}"
    ),
    asg!(
        "cloudinary-secret",
        "Cloudinary API secret",
        ["cloudinary"],
        "{b64u:27}"
    ),
    raw!(
        "cloudinary-url",
        "Cloudinary URL with API secret",
        ["cloudinary://"],
        r"cloudinary://[0-9]{10,20}:([A-Za-z0-9_\-]{20,40})@[a-z0-9\-]+",
        1,
        "CLOUDINARY_URL=cloudinary://123456789012345:Qm3kZ9xT1vB7nL2pW8rC4dF6gH0@acme",
        "CLOUDINARY_URL=cloudinary://<api_key>:<api_secret>@acme",
        false,
        None
    ),
    // ---- private keys
    raw!(
        "private-key-rsa",
        "RSA private key (PEM)",
        ["-----begin rsa private key"],
        r"-----BEGIN RSA PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END RSA PRIVATE KEY-----",
        1,
        pem!("RSA PRIVATE KEY"),
        "-----BEGIN RSA PRIVATE KEY-----\n...\n-----END RSA PRIVATE KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-ec",
        "EC private key (PEM)",
        ["-----begin ec private key"],
        r"-----BEGIN EC PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END EC PRIVATE KEY-----",
        1,
        pem!("EC PRIVATE KEY"),
        "-----BEGIN EC PRIVATE KEY-----\n<redacted>\n-----END EC PRIVATE KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-dsa",
        "DSA private key (PEM)",
        ["-----begin dsa private key"],
        r"-----BEGIN DSA PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END DSA PRIVATE KEY-----",
        1,
        pem!("DSA PRIVATE KEY"),
        "-----BEGIN DSA PRIVATE KEY-----\n-----END DSA PRIVATE KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-pkcs8",
        "Private key (PKCS#8 PEM)",
        ["-----begin private key"],
        r"-----BEGIN PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END PRIVATE KEY-----",
        1,
        pem!("PRIVATE KEY"),
        "-----BEGIN PUBLIC KEY-----\nMIIBIjANBgkqhkiG9w0BAQEFAAOCAQ8AMIIBCgKCAQEAu1SU1LfVLPHCozMxH2Mo4lgOEePzNm0t\n-----END PUBLIC KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-encrypted",
        "Encrypted private key (PKCS#8 PEM)",
        ["-----begin encrypted private key"],
        r"-----BEGIN ENCRYPTED PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END ENCRYPTED PRIVATE KEY-----",
        1,
        pem!("ENCRYPTED PRIVATE KEY"),
        "-----BEGIN ENCRYPTED PRIVATE KEY-----\n-----END ENCRYPTED PRIVATE KEY-----",
        true,
        None
    ),
    raw!(
        "private-key-openssh",
        "OpenSSH private key",
        ["-----begin openssh private key"],
        r"-----BEGIN OPENSSH PRIVATE KEY-----\s*((?s:.){40}(?s:.)*?)-----END OPENSSH PRIVATE KEY-----",
        1,
        pem!("OPENSSH PRIVATE KEY"),
        "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIFU40zLhzy0hfOb8XKficT9PmrlQmDSJmlFzRMu/hV9b ana@host",
        true,
        None
    ),
    raw!(
        "private-key-pgp",
        "PGP private key block",
        ["-----begin pgp private key block"],
        r"-----BEGIN PGP PRIVATE KEY BLOCK-----\s*((?s:.){40}(?s:.)*?)-----END PGP PRIVATE KEY BLOCK-----",
        1,
        pem!("PGP PRIVATE KEY BLOCK"),
        "-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nmQINBGVAbCdEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123\n-----END PGP PUBLIC KEY BLOCK-----",
        true,
        None
    ),
    raw!(
        "putty-private-key",
        "PuTTY private key file",
        ["putty-user-key-file"],
        r"PuTTY-User-Key-File-[23]: [a-z0-9-]+\s+Encryption: [a-z0-9-]+\s+Comment: [^\n]*\s+Public-Lines: \d+\s+(?:[A-Za-z0-9+/=]+\s+)+?Private-Lines: \d+\s+((?:[A-Za-z0-9+/=]{20,}\s+)+)",
        1,
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ana@host\nPublic-Lines: 2\nAAAAC3NzaC1lZDI1NTE5AAAAIFU40zLhzy0hfOb8XKficT9Pmr\nlQmDSJmlFzRMu/hV9b\nPrivate-Lines: 1\nAAAAIJm5Kq3vT8zL1pW7xN2cR6dF0gH4jS9aE3uY5iO8pBqW\nPrivate-MAC: 5d2f\n",
        "PuTTY-User-Key-File-3: ssh-ed25519\nEncryption: none\nComment: ana@host\n",
        true,
        None
    ),
    // ---- tokens and credentials in general formats
    raw!(
        "jwt",
        "JSON Web Token",
        ["eyj"],
        r"(?:^|[^A-Za-z0-9_\-])(eyJ[A-Za-z0-9_\-]{10,}\.eyJ[A-Za-z0-9_\-]{10,}\.[A-Za-z0-9_\-]{16,})(?:[^A-Za-z0-9_\-.]|$)",
        1,
        "Authorization: Bearer eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkFuYSJ9.q3L8vNwZ2kT7pR1xB9cM4dF6gH0jS5aE",
        "header = \"eyJhbGciOiJIUzI1NiJ9\"  # a header alone is not a token",
        false,
        Some(3.0)
    ),
    raw!(
        "bearer-token-header",
        "Bearer token in an Authorization header",
        ["bearer "],
        r#"(?i:authorization)["']?\s*[:=,]\s*["']?(?i:bearer)\s+([A-Za-z0-9_\-.~+/]{20,}=*)"#,
        1,
        "curl -H \"Authorization: Bearer 7fQ2xL9pZ3kV8nT1bW6rC4dH0jS5mA2e\" https://api.acme.io",
        "curl -H \"Authorization: Bearer $TOKEN\" https://api.acme.io",
        false,
        Some(3.5)
    ),
    raw!(
        "basic-auth-header",
        "HTTP Basic credentials in an Authorization header",
        ["basic "],
        r#"(?i:authorization)["']?\s*[:=,]\s*["']?(?i:basic)\s+([A-Za-z0-9+/]{16,}={0,2})"#,
        1,
        "Authorization: Basic YWNtZS1ib3Q6czNjcjN0LVBhc3N3b3JkLTk4Nw==",
        "Authorization: Basic <base64 of user:password>",
        false,
        Some(3.0)
    ),
    raw!(
        "url-password",
        "Password in a URL (user:password@host)",
        ["://"],
        r#"(?i:[a-z][a-z0-9+.\-]{1,20})://[A-Za-z0-9._%\-]{1,64}:([^\s:@/'"`<>{}$]{4,128})@[A-Za-z0-9.\-\[\]]{2,}"#,
        1,
        "REDIS_URL=redis://app:Vx7kQ2pL9zT4@cache.acme.internal:6379/0",
        "REDIS_URL=redis://app:${REDIS_PASSWORD}@cache.acme.internal:6379/0",
        false,
        Some(2.5)
    ),
    raw!(
        "jdbc-password",
        "Password in a JDBC URL",
        ["jdbc:"],
        r"(?i)jdbc:[a-z0-9]+:[^\s]{0,200}?[;?&]password=([^;&\s'\x22]{4,128})",
        1,
        "jdbc:sqlserver://db.acme.io:1433;databaseName=app;user=app;password=Tq8vZ2kL9xP4",
        "jdbc:sqlserver://db.acme.io:1433;databaseName=app;integratedSecurity=true",
        false,
        Some(2.5)
    ),
    raw!(
        "ado-connection-string-password",
        "Password in an ADO.NET / ODBC connection string",
        ["password=", "pwd="],
        r"(?i)(?:server|data source|host|uid|user id)=[^;\n]{1,100};[^\n]{0,200}?(?:password|pwd)=([^;\s'\x22]{4,128})",
        1,
        "Server=db.acme.io;Database=app;User Id=app;Password=Rk4pZ8vT2qL9;",
        "Server=db.acme.io;Database=app;Trusted_Connection=True;",
        false,
        Some(2.5)
    ),
    raw!(
        "ldap-bind-password",
        "LDAP bind password",
        ["bindpw", "bind_password", "bindpassword"],
        r#"(?im)(?:bindpw|bind_password|bindpassword)[\w.\-]{0,10}["']?\s*[=:]\s*["']?([^\s"']{6,128})"#,
        1,
        "ldap_bind_password = \"Mx9kT2vL7qP4\"",
        "ldap_bind_password = \"\"",
        false,
        Some(2.5)
    ),
    raw!(
        "netrc-password",
        "Password in a .netrc file",
        ["machine"],
        r"(?m)machine\s+[^\s]+\s+login\s+[^\s]+\s+password\s+([^\s]{4,128})",
        1,
        "machine api.acme.io login bot password Zq8vL2kT9xP4",
        "machine api.acme.io login bot",
        false,
        Some(2.5)
    ),
    raw!(
        "datasource-password",
        "Password of a Spring / properties datasource",
        ["datasource.password", "datasource_password"],
        r"(?im)datasource[._]password\s*[=:]\s*([^\s$#{}]{4,128})\s*$",
        1,
        "spring.datasource.password=Wq7kL2vZ9xT4",
        "spring.datasource.password=${DB_PASSWORD}",
        false,
        Some(2.5)
    ),
    raw!(
        "maven-settings-password",
        "Password in a Maven settings.xml server entry",
        ["<password>"],
        r"<password>([^<$\s{}]{4,128})</password>",
        1,
        "<server><id>releases</id><username>ci</username><password>Pq8vL3kZ7xT2</password></server>",
        "<server><id>releases</id><username>ci</username><password>${env.REPO_PASSWORD}</password></server>",
        false,
        Some(2.5)
    ),
    raw!(
        "pypirc-password",
        "Password in a .pypirc file",
        ["[pypi]", "[testpypi]", "[distutils]"],
        r"\[(?:pypi|testpypi|distutils)\][^\[]{0,500}?\n[ \t]*password[ \t]*[:=][ \t]*([^\s$%{}]{8,128})[ \t]*(?:\n|$)",
        1,
        "[pypi]\nusername = __token__\npassword = Lk9vT2qZ8xP4mW7r\n",
        "[pypi]\nusername = __token__\npassword = %(PYPI_TOKEN)s\n",
        true,
        Some(3.0)
    ),
    raw!(
        "kubernetes-secret-data",
        "Base64 secret value in a Kubernetes Secret manifest",
        ["kind: secret"],
        r"(?s)kind:\s*Secret.{0,400}?data:\s*\n\s+[\w.\-]+:\s*([A-Za-z0-9+/]{16,}={0,2})",
        1,
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\ndata:\n  password: cTdrTDJ2WjlYdDRtUThw\n",
        "apiVersion: v1\nkind: Secret\nmetadata:\n  name: db\nstringData: {}\n",
        true,
        Some(3.0)
    ),
    // ---- generic assignments
    raw!(
        "generic-password",
        "Password assigned in code or configuration",
        ["pass", "pwd"],
        r#"(?m)(?i:[\w.\-]{0,30}(?:password|passwd|passphrase|pwd)[\w.\-]{0,20})["']?[ \t]{0,3}(?:=|:=|:|=>|,)[ \t]{0,3}["'`]([^"'`\s$<>{}]{8,128})["'`]"#,
        1,
        "db_password = \"Vq7kL2xZ9pT4mR8w\"",
        "db_password = \"changeme\"",
        false,
        Some(3.2)
    ),
    raw!(
        "generic-secret",
        "Secret, token or key assigned in code or configuration",
        [
            "secret",
            "token",
            "apikey",
            "api_key",
            "api-key",
            "access_key",
            "private_key",
            "auth_key",
            "credential"
        ],
        r#"(?m)(?i:[\w.\-]{0,30}(?:secret|token|api[_\-]?key|access[_\-]?key|private[_\-]?key|auth[_\-]?key|credential)[\w.\-]{0,20})["']?[ \t]{0,3}(?:=|:=|:|=>|,)[ \t]{0,3}["'`]([A-Za-z0-9_\-+/=.~]{16,256})["'`]"#,
        1,
        "client_secret: \"9fQ2xL7pZ3kV8nT1bW6rC4dH\"",
        "client_secret: \"aaaaaaaaaaaaaaaaaaaaaaaa\"",
        false,
        Some(3.5)
    ),
    raw!(
        "generic-env-secret",
        "Secret in a dotenv file",
        ["_key=", "_secret=", "_token=", "_password="],
        r"(?m)^[ \t]*(?:export[ \t]+)?[A-Z][A-Z0-9_]{0,40}(?:_KEY|_SECRET|_TOKEN|_PASSWORD|_PASS)[ \t]*=[ \t]*([A-Za-z0-9_\-+/=.~!@#%^&*]{12,256})[ \t]*$",
        1,
        "STRIPE_WEBHOOK_SECRET=q8Lk2vZ9xT4pW7mR3nB6",
        "STRIPE_WEBHOOK_SECRET=",
        false,
        Some(3.5)
    ),
];
