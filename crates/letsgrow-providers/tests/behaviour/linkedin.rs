//! LinkedIn against the stateful fake (`letsgrow_fakes::linkedin`).

use crate::oauth_fakes::{Fk, OAuthPeer, disconnect_revokes, revoked_token_needs_reconnect};
use crate::suite::{self, Peer, channel, scenario};
use letsgrow_core::Platform;
use letsgrow_providers::ProviderError;

pub async fn run() {
    let peer = OAuthPeer::start(Platform::Linkedin).await;
    let mut scenarios = suite::common(&peer);
    scenarios.extend([
        scenario!(peer, revoked_token_needs_reconnect),
        scenario!(peer, disconnect_revokes),
        scenario!(peer, linkedin_multi_image_post_keeps_every_alt_text),
        scenario!(peer, linkedin_the_fake_refuses_missing_or_retired_versions),
        scenario!(
            peer,
            linkedin_without_refresh_token_an_expired_token_needs_reconnect
        ),
    ]);
    suite::run("linkedin", scenarios).await;
}

async fn linkedin_multi_image_post_keeps_every_alt_text(peer: &OAuthPeer) {
    let ctx = channel(peer).await;
    let mut part = suite::part("two pictures");
    part.media = vec![peer.media("first"), peer.media("second")];
    let post = peer.provider().publish(&ctx, &part).await.unwrap().value;
    let Fk::Linkedin(h) = &peer.fk else {
        unreachable!()
    };
    let stored = h.post(&post.external_id).unwrap();
    assert_eq!(
        stored
            .images
            .iter()
            .map(|(_, a)| a.as_str())
            .collect::<Vec<_>>(),
        ["first", "second"]
    );
}

/// What the provider must send, proven against the fake's refusals.
async fn linkedin_the_fake_refuses_missing_or_retired_versions(peer: &OAuthPeer) {
    let ctx = channel(peer).await;
    let token = ctx
        .credentials
        .access_token
        .as_ref()
        .unwrap()
        .expose()
        .to_owned();
    let http = reqwest::Client::new();
    let url = format!("{}/rest/posts", peer.fk.base());
    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("X-Restli-Protocol-Version", "2.0.0")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 400);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["code"],
        "VERSION_MISSING"
    );
    let r = http
        .post(&url)
        .bearer_auth(&token)
        .header("LinkedIn-Version", "202401")
        .header("X-Restli-Protocol-Version", "2.0.0")
        .body("{}")
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), 426);
    assert_eq!(
        r.json::<serde_json::Value>().await.unwrap()["code"],
        "NONEXISTENT_VERSION"
    );
}

async fn linkedin_without_refresh_token_an_expired_token_needs_reconnect(peer: &OAuthPeer) {
    let mut ctx = channel(peer).await;
    ctx.credentials.refresh_token = None;
    peer.fk
        .fake()
        .expire_access_tokens(&crate::oauth_fakes::user_id(&ctx));
    let err = peer
        .provider()
        .publish(&ctx, &suite::part("never sent"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::Revoked { message } if message.contains("refresh token")),
        "{err:?}"
    );
}
