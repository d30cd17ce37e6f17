//! Chat and collaboration, payments and commerce, e-mail, messaging and telephony services.

use super::super::{Builtin, Kind};

pub(super) const APPS: &[Builtin] = &[
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
];
