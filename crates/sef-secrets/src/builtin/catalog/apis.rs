//! Observability, AI and developer API services.

use super::super::{Builtin, Kind};

pub(super) const APIS: &[Builtin] = &[
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
];
