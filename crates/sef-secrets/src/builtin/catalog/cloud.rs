//! Cloud providers and platforms: keys and tokens of the infrastructure an offering runs on.

use super::super::{Builtin, Kind};

pub(super) const CLOUD: &[Builtin] = &[
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
];
