//! Reddit against the stateful fake (`letsgrow_fakes::reddit`).

use crate::oauth_fakes::{Fk, OAuthPeer, disconnect_revokes, revoked_token_needs_reconnect};
use crate::suite::{self, Peer, channel, scenario};
use letsgrow_core::Platform;
use letsgrow_fakes::reddit::{Subreddit, default_requirements};
use letsgrow_providers::ProviderError;
use serde_json::json;

pub async fn run() {
    let peer = OAuthPeer::start(Platform::Reddit).await;
    let Fk::Reddit(h) = &peer.fk else {
        unreachable!()
    };
    let mut flair = Subreddit::new("flairreq", "any");
    flair.requirements = {
        let mut r = default_requirements();
        r["is_flair_required"] = json!(true);
        r
    };
    h.add_subreddit(flair);
    h.add_subreddit(Subreddit::new("linksonly", "link"));
    let mut scenarios = suite::common(&peer);
    scenarios.extend([
        scenario!(peer, revoked_token_needs_reconnect),
        scenario!(peer, disconnect_revokes),
        scenario!(peer, reddit_community_rules_are_checked_before_submitting),
        scenario!(peer, reddit_link_posts_and_the_profile_default),
    ]);
    suite::run("reddit", scenarios).await;
}

async fn reddit_community_rules_are_checked_before_submitting(peer: &OAuthPeer) {
    let mut ctx = channel(peer).await;
    let p = peer.provider();
    ctx.account.settings["subreddit"] = json!("flairreq");
    let err = p
        .publish(&ctx, &suite::part("Needs flair\nbody"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::InvalidContent { violations } if violations[0].code == "reddit.flair_required"),
        "{err:?}"
    );
    ctx.account.settings["subreddit"] = json!("linksonly");
    let err = p
        .publish(&ctx, &suite::part("A text post\nbody"))
        .await
        .unwrap_err();
    assert!(
        matches!(&err, ProviderError::InvalidContent { violations } if violations[0].code == "reddit.no_text_posts"),
        "{err:?}"
    );
    ctx.account.settings["subreddit"] = json!("doesnotexist");
    let err = p.publish(&ctx, &suite::part("Nowhere")).await.unwrap_err();
    assert!(
        err.to_string().contains("r/doesnotexist does not exist"),
        "{err}"
    );
    assert_eq!(peer.count(&ctx).await, 0, "nothing was submitted");
}

async fn reddit_link_posts_and_the_profile_default(peer: &OAuthPeer) {
    let ctx = channel(peer).await;
    let name = ctx.account.settings["username"]
        .as_str()
        .unwrap()
        .to_owned();
    assert_eq!(
        ctx.account.settings["subreddit"],
        json!(format!("u_{name}"))
    );
    let mut part = suite::part("A link worth reading");
    part.link = Some("https://example.com/article".into());
    let post = peer.provider().publish(&ctx, &part).await.unwrap().value;
    let Fk::Reddit(h) = &peer.fk else {
        unreachable!()
    };
    let stored = h.post(&post.external_id).unwrap();
    assert_eq!(stored.url.as_deref(), Some("https://example.com/article"));
    assert_eq!(stored.subreddit, format!("u_{name}"));
}
