//! Instagram against the stateful fake (`letsgrow_fakes::instagram`).

use crate::oauth_fakes::{OAuthPeer, disconnect_revokes, revoked_token_needs_reconnect};
use crate::suite::{self, Peer, channel, scenario};
use letsgrow_core::Platform;
use letsgrow_providers::ProviderError;

pub async fn run() {
    let peer = OAuthPeer::start(Platform::Instagram).await;
    let mut scenarios = suite::common(&peer);
    scenarios.extend([
        scenario!(peer, revoked_token_needs_reconnect),
        scenario!(peer, disconnect_revokes),
        scenario!(peer, meta_token_near_expiry_is_refreshed),
        scenario!(peer, meta_expired_token_needs_reconnect),
        scenario!(peer, instagram_needs_a_public_url_and_jpeg),
        scenario!(peer, instagram_carousel_keeps_every_alt_text),
    ]);
    suite::run("instagram", scenarios).await;
}

/// Meta tokens refresh themselves while valid and a day old.
pub async fn meta_token_near_expiry_is_refreshed(peer: &OAuthPeer) {
    let mut ctx = channel(peer).await;
    peer.fk
        .fake()
        .age_tokens(&ctx.account.external_id, 50 * 86_400);
    ctx.credentials.expires_at = Some(chrono::Utc::now().timestamp_millis() + 86_400_000);
    let out = peer
        .provider()
        .publish(&ctx, &peer.part("published after an early refresh"))
        .await
        .unwrap();
    let fresh = out.refreshed.expect("new credentials to store");
    assert_ne!(fresh.access_token, ctx.credentials.access_token);
    assert!(fresh.expires_at.unwrap() > chrono::Utc::now().timestamp_millis() + 50 * 86_400_000);
}

/// An expired long-lived token cannot be refreshed: reconnect.
pub async fn meta_expired_token_needs_reconnect(peer: &OAuthPeer) {
    let ctx = channel(peer).await;
    peer.fk
        .fake()
        .expire_access_tokens(&ctx.account.external_id);
    let err = peer
        .provider()
        .publish(&ctx, &peer.part("too late"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Revoked { message } if message.contains("connect the channel again")),
        "{err:?}"
    );
}

async fn instagram_needs_a_public_url_and_jpeg(peer: &OAuthPeer) {
    let ctx = channel(peer).await;
    let mut part = peer.part("no public URL");
    part.media[0].public_url = None;
    let err = peer.provider().publish(&ctx, &part).await.unwrap_err();
    let ProviderError::InvalidContent { violations } = &err else {
        panic!("{err:?}")
    };
    assert_eq!(
        violations[0].message,
        "Instagram needs media at a public URL: set server.public_base_url"
    );
    let mut part = peer.part("a PNG");
    part.media[0].mime = "image/png".into();
    assert!(matches!(
        peer.provider().publish(&ctx, &part).await,
        Err(ProviderError::InvalidContent { .. })
    ));
    let mut text_only = peer.part("text only");
    text_only.media.clear();
    assert!(matches!(
        peer.provider().publish(&ctx, &text_only).await,
        Err(ProviderError::InvalidContent { .. })
    ));
    assert_eq!(peer.count(&ctx).await, 0);
}

async fn instagram_carousel_keeps_every_alt_text(peer: &OAuthPeer) {
    let ctx = channel(peer).await;
    let mut part = suite::part("a carousel #one #two");
    part.media = vec![
        peer.media("first"),
        peer.media("second"),
        peer.media("third"),
    ];
    let post = peer.provider().publish(&ctx, &part).await.unwrap().value;
    let stored = peer.read(&ctx, &post).await.unwrap();
    assert_eq!(stored.alts, ["first", "second", "third"]);
}
