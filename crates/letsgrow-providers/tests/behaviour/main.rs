#![allow(clippy::unwrap_used, clippy::expect_used)]
//! The provider behaviour suite: the scenarios of `suite.rs` against every
//! provider's peer (the real Bluesky PDS; a local webhook receiver per
//! format), plus a few platform-specific scenarios.

mod bluesky;
mod instagram;
mod linkedin;
mod mastodon;
mod oauth_fakes;
mod reddit;
mod suite;
mod threads;
mod webhook;
mod x;

use bluesky::{BLUE_PNG, BlueskyPeer, RED_PNG, png};
use letsgrow_core::Platform;
use letsgrow_providers::{
    ChannelCtx, ConnectInput, ProviderError, ProviderOptions, SecretString, registry,
};
use suite::{Peer, channel, part, scenario};
use webhook::WebhookPeer;

#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn bluesky() {
    let peer = BlueskyPeer::start().await;
    let mut scenarios = suite::common(&peer);
    scenarios.extend([
        scenario!(peer, bluesky_clash_at_our_key_is_the_earlier_attempt),
        scenario!(peer, bluesky_dead_session_logs_in_again),
        scenario!(peer, bluesky_oversized_image_is_refused_before_upload),
        scenario!(peer, bluesky_unreachable_pds_says_so),
    ]);
    suite::run("bluesky", scenarios).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_generic() {
    let peer = WebhookPeer::start("generic").await;
    let mut scenarios = suite::common(&peer);
    scenarios.extend([
        scenario!(peer, webhook_check_pings_and_creates_nothing),
        scenario!(peer, webhook_server_errors_are_transient),
        scenario!(peer, webhook_retry_resends_the_same_key_and_body),
        scenario!(peer, webhook_wrong_secret_is_refused),
    ]);
    suite::run("webhook-generic", scenarios).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_discord() {
    let peer = WebhookPeer::start("discord").await;
    let mut scenarios = suite::common(&peer);
    scenarios.push(scenario!(peer, webhook_check_pings_and_creates_nothing));
    suite::run("webhook-discord", scenarios).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn webhook_slack() {
    let peer = WebhookPeer::start("slack").await;
    let mut scenarios = suite::common(&peer);
    scenarios.push(scenario!(peer, webhook_check_pings_and_creates_nothing));
    suite::run("webhook-slack", scenarios).await;
}

/// X against a stateful fake behind Prism serving X's official spec.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn x() {
    x::run().await;
}

/// Mastodon against mastodon-mock behind Prism serving the Mastodon spec.
#[tokio::test(flavor = "multi_thread", worker_threads = 4)]
async fn mastodon() {
    mastodon::run().await;
}

/// LinkedIn, Reddit, Instagram and Threads against their stateful fakes (letsgrow-fakes).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn linkedin() {
    linkedin::run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn reddit() {
    reddit::run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn instagram() {
    instagram::run().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn threads() {
    threads::run().await;
}

/// The guard applies to user-supplied URLs when private addresses are not allowed.
#[tokio::test]
async fn private_destinations_are_refused_by_default() {
    let reg = registry(&ProviderOptions::default()).unwrap();
    let hook = reg.get(Platform::Webhook).unwrap();
    let err = hook
        .connect(ConnectInput::Webhook {
            url: "http://127.0.0.1:9/hook".into(),
            secret: SecretString::new("s"),
            format: "generic".into(),
        })
        .await
        .unwrap_err();
    assert_eq!(
        err,
        ProviderError::InvalidInput {
            field: "url".into(),
            message: "refusing to connect to 127.0.0.1: loopback address; set LETSGROW__NETWORK__ALLOW_PRIVATE=true to allow"
                .into()
        }
    );
    let bsky = reg.get(Platform::Bluesky).unwrap();
    let err = bsky
        .connect(ConnectInput::AppPassword {
            identifier: "alice.test".into(),
            password: SecretString::new("abcd-efgh-ijkl-mnop"),
            service_url: Some("http://localhost:2583".into()),
        })
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::InvalidInput { field, message } if field == "service_url" && message.starts_with("refusing to connect to localhost (")),
        "{err:?}"
    );
}

// --- Bluesky-specific ---------------------------------------------------

/// A retry whose record differs (here: another image) hits InvalidSwap; the
/// provider reads the key back and reports the earlier post.
async fn bluesky_clash_at_our_key_is_the_earlier_attempt(peer: &BlueskyPeer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    let mut first = part("the image changed between attempts");
    first.media.push(png(RED_PNG, "red"));
    let a = p.publish(&ctx, &first).await.expect("publish").value;
    let mut second = first.clone();
    second.media = vec![png(BLUE_PNG, "blue")];
    let b = p.publish(&ctx, &second).await.expect("retry").value;
    assert_eq!(b, a, "same uri and cid: the first attempt stands");
    assert_eq!(peer.count(&ctx).await, 1);
    let rkey = a.external_id.rsplit('/').next().unwrap();
    assert_eq!(rkey.len(), 13, "a TID: {rkey}");
    assert!(letsgrow_providers::bluesky::tid::is_valid(rkey));
}

/// Access and refresh tokens both unusable: a new session from the stored app password.
async fn bluesky_dead_session_logs_in_again(peer: &BlueskyPeer) {
    let p = peer.provider();
    let mut ctx = channel(peer).await;
    ctx.credentials.access_token = Some(SecretString::new("garbage"));
    ctx.credentials.refresh_token = Some(SecretString::new("garbage"));
    let out = p
        .publish(&ctx, &part("after a dead session"))
        .await
        .expect("publish");
    let fresh = out.refreshed.expect("new credentials");
    assert_ne!(fresh.access_token, Some(SecretString::new("garbage")));
    // Without the app password there is nothing left to try: reconnect.
    ctx.credentials.secret = None;
    let err = p.check(&ctx).await.unwrap_err();
    assert!(matches!(err, ProviderError::Revoked { .. }), "{err:?}");
}

async fn bluesky_oversized_image_is_refused_before_upload(peer: &BlueskyPeer) {
    let p = peer.provider();
    let mut ctx = channel(peer).await;
    // A dead session proves no request was made: validation comes first.
    ctx.credentials.access_token = None;
    ctx.credentials.refresh_token = None;
    ctx.credentials.secret = None;
    let mut big = part("too big");
    big.media.push(letsgrow_providers::MediaItem {
        mime: "image/jpeg".into(),
        data: vec![0u8; 1_000_001].into(),
        alt: Some("big".into()),
        public_url: None,
    });
    let err = p.publish(&ctx, &big).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::InvalidContent { violations } if violations[0].code == "image_too_large"),
        "{err:?}"
    );
}

async fn bluesky_unreachable_pds_says_so(peer: &BlueskyPeer) {
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let err = peer
        .provider()
        .connect(ConnectInput::AppPassword {
            identifier: "alice.test".into(),
            password: SecretString::new("abcd-efgh-ijkl-mnop"),
            service_url: Some(format!("http://127.0.0.1:{port}")),
        })
        .await
        .unwrap_err();
    let ProviderError::Transient {
        message,
        maybe_delivered: false,
    } = &err
    else {
        panic!("{err:?}")
    };
    assert!(
        message.contains("could not reach the Bluesky PDS at http://127.0.0.1:"),
        "{message}"
    );
    assert!(message.contains("check the PDS URL"), "{message}");
    assert!(!message.contains("abcd-efgh"), "{message}");
}

// --- Webhook-specific ---------------------------------------------------

async fn webhook_check_pings_and_creates_nothing(peer: &WebhookPeer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    let path = url::Url::parse(ctx.credentials.access_token.as_ref().unwrap().expose())
        .unwrap()
        .path()
        .to_owned();
    let sent = |peer: &WebhookPeer| {
        peer.receiver
            .requests
            .lock()
            .unwrap()
            .iter()
            .filter(|d| d.path == path)
            .cloned()
            .collect::<Vec<_>>()
    };
    assert!(sent(peer).is_empty(), "connect sends nothing");
    p.check(&ctx).await.expect("check");
    let requests = sent(peer);
    match peer.format {
        "generic" => {
            assert_eq!(requests.len(), 1);
            assert_eq!(requests[0].headers["x-letsgrow-event"], "ping");
            assert_eq!(requests[0].body["event"], "ping");
            assert!(requests[0].headers.get("idempotency-key").is_none());
        }
        "discord" => {
            assert_eq!(requests.len(), 1);
            assert_eq!(requests[0].method, "GET");
        }
        _ => assert!(requests.is_empty(), "slack: check sends nothing"),
    }
    assert_eq!(peer.count(&ctx).await, 0, "nothing was published");
}

async fn webhook_server_errors_are_transient(peer: &WebhookPeer) {
    let p = peer.provider();
    let c = p.connect(peer.input("broken")).await.unwrap();
    let ctx = ChannelCtx {
        channel_id: "broken".into(),
        account: c.account,
        credentials: c.credentials,
    };
    let err = p.publish(&ctx, &part("into the void")).await.unwrap_err();
    assert!(
        matches!(
            err,
            ProviderError::Transient {
                maybe_delivered: true,
                ..
            }
        ),
        "{err:?}"
    );
}

async fn webhook_retry_resends_the_same_key_and_body(peer: &WebhookPeer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    let part = part("sent twice, stored once");
    p.publish(&ctx, &part).await.unwrap();
    p.publish(&ctx, &part).await.unwrap();
    let sent = peer.sent_with_key(&part.idempotency_key);
    assert_eq!(sent.len(), 2);
    assert_eq!(sent[0].raw, sent[1].raw, "identical bodies");
    assert_eq!(
        sent[0].headers["x-letsgrow-signature"],
        sent[1].headers["x-letsgrow-signature"]
    );
    assert_eq!(peer.count(&ctx).await, 1);
}

async fn webhook_wrong_secret_is_refused(peer: &WebhookPeer) {
    let p = peer.provider();
    let ConnectInput::Webhook { url, format, .. } = peer.input("generic") else {
        unreachable!()
    };
    let c = p
        .connect(ConnectInput::Webhook {
            url,
            format,
            secret: SecretString::new("not-the-secret"),
        })
        .await
        .unwrap();
    let ctx = ChannelCtx {
        channel_id: "wrong-secret".into(),
        account: c.account,
        credentials: c.credentials,
    };
    let err = p.publish(&ctx, &part("forged?")).await.unwrap_err();
    assert!(
        matches!(&err, ProviderError::Permanent { message } if message.contains("401")),
        "{err:?}"
    );
    assert!(!err.to_string().contains("not-the-secret"));
}
