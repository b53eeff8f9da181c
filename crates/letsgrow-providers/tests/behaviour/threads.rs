//! Threads against the stateful fake (`letsgrow_fakes::threads`).

use crate::instagram::{meta_expired_token_needs_reconnect, meta_token_near_expiry_is_refreshed};
use crate::oauth_fakes::{OAuthPeer, disconnect_revokes, revoked_token_needs_reconnect};
use crate::suite::{self, Peer, channel, scenario};
use letsgrow_core::Platform;
use letsgrow_providers::ProviderError;

pub async fn run() {
    let peer = OAuthPeer::start(Platform::Threads).await;
    let mut scenarios = suite::common(&peer);
    scenarios.extend([
        scenario!(peer, revoked_token_needs_reconnect),
        scenario!(peer, disconnect_revokes),
        scenario!(peer, meta_token_near_expiry_is_refreshed),
        scenario!(peer, meta_expired_token_needs_reconnect),
        scenario!(peer, threads_text_limit_counts_emoji_bytes),
    ]);
    suite::run("threads", scenarios).await;
}

async fn threads_text_limit_counts_emoji_bytes(peer: &OAuthPeer) {
    let ctx = channel(peer).await;
    // 130 emoji are 130 characters but 520 by Threads' count.
    let err = peer
        .provider()
        .publish(&ctx, &suite::part(&"👍".repeat(130)))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::InvalidContent { violations } if violations[0].code == "threads.text_too_long"),
        "{err:?}"
    );
    assert_eq!(peer.count(&ctx).await, 0);
}
