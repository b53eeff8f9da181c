//! The scenarios every provider runs, unchanged, against its peer.
//!
//! A peer is started once per provider test (starting a real PDS costs
//! seconds, and nextest runs each test in its own process), so the scenarios
//! of one provider run concurrently inside one test, each on its own account,
//! and the test reports every scenario by name.

use async_trait::async_trait;
use futures::future::BoxFuture;
use letsgrow_providers::{
    ChannelCtx, ConnectInput, MediaItem, Provider, ProviderError, PublishPart, RemotePost, ReplyRef,
};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

/// What the platform stored for a post, read back through the peer.
#[derive(Debug, Clone, PartialEq)]
pub struct Stored {
    pub text: String,
    /// (root, parent) external ids, when the platform keeps reply refs.
    pub reply: Option<(String, String)>,
    /// Alt text of each attached image, in order.
    pub alts: Vec<String>,
}

#[async_trait]
pub trait Peer: Send + Sync + 'static {
    fn name(&self) -> String;
    fn provider(&self) -> Arc<dyn Provider>;
    /// A fresh account, as a user would type it in the connect form.
    async fn new_account(&self) -> ConnectInput;
    /// Credentials the platform refuses (wrong app password, deleted webhook).
    async fn wrong_credentials(&self) -> ConnectInput;
    /// The text of the rich scenario (links, mentions, tags, non-ASCII).
    async fn rich_text(&self) -> String;
    /// An image with alt text.
    fn image(&self) -> MediaItem;
    /// What the platform holds for `post`; `None` when it holds nothing.
    async fn read(&self, ctx: &ChannelCtx, post: &RemotePost) -> Option<Stored>;
    /// How many posts (or accepted deliveries) the account has.
    async fn count(&self, ctx: &ChannelCtx) -> usize;
    /// Platform-specific checks of the rich post (facets byte for byte, signatures).
    async fn verify_rich(&self, ctx: &ChannelCtx, part: &PublishPart, post: &RemotePost);
    /// Replaces the stored access token by an expired one; false if the platform has none.
    async fn expire_access_token(&self, ctx: &mut ChannelCtx) -> bool;
    /// Provokes a 429 and returns the provider's error and the delay the platform announced.
    async fn rate_limited(&self) -> (ProviderError, Duration);
    /// A plain part as this platform needs it (Instagram posts need an image).
    fn part(&self, text: &str) -> PublishPart {
        part(text)
    }
}

static SEQ: AtomicU32 = AtomicU32::new(0);

pub fn part(text: &str) -> PublishPart {
    let n = SEQ.fetch_add(1, Ordering::Relaxed);
    let pid = std::process::id();
    PublishPart {
        idempotency_key: format!("post-{pid}-{n}:chan:0"),
        post_id: format!("post-{pid}-{n}"),
        part_index: 0,
        text: text.to_owned(),
        media: Vec::new(),
        link: None,
        reply_to: None,
        scheduled_at: chrono::DateTime::from_timestamp(chrono::Utc::now().timestamp(), 0).unwrap(),
    }
}

pub async fn channel(peer: &dyn Peer) -> ChannelCtx {
    let c = peer
        .provider()
        .connect(peer.new_account().await)
        .await
        .expect("connect");
    ChannelCtx {
        channel_id: format!("chan-{}", SEQ.fetch_add(1, Ordering::Relaxed)),
        account: c.account,
        credentials: c.credentials,
    }
}

pub type Scenario = (&'static str, BoxFuture<'static, ()>);

macro_rules! scenario {
    ($peer:expr, $f:ident) => {{
        let p = $peer.clone();
        (
            stringify!($f),
            Box::pin(async move { $f(&*p).await }) as futures::future::BoxFuture<'static, ()>,
        )
    }};
}
pub(crate) use scenario;

/// The common scenarios.
pub fn common<P: Peer>(peer: &Arc<P>) -> Vec<Scenario> {
    vec![
        scenario!(peer, connect),
        scenario!(peer, wrong_credentials),
        scenario!(peer, publish_text),
        scenario!(peer, publish_rich),
        scenario!(peer, thread),
        scenario!(peer, delete),
        scenario!(peer, retry_with_the_same_key),
        scenario!(peer, expired_token_is_refreshed),
        scenario!(peer, rate_limited),
    ]
}

/// Runs scenarios concurrently; fails listing every failed one.
pub async fn run(name: &str, scenarios: Vec<Scenario>) {
    let started = std::time::Instant::now();
    let handles: Vec<_> = scenarios
        .into_iter()
        .map(|(n, f)| (n, tokio::spawn(f)))
        .collect();
    let mut failed = Vec::new();
    for (n, h) in handles {
        match h.await {
            Ok(()) => eprintln!("{name}::{n} ... ok"),
            Err(e) => {
                let msg = e.try_into_panic().ok().and_then(|p| {
                    p.downcast_ref::<String>()
                        .cloned()
                        .or_else(|| p.downcast_ref::<&str>().map(|s| s.to_string()))
                });
                eprintln!(
                    "{name}::{n} ... FAILED: {}",
                    msg.as_deref().unwrap_or("cancelled")
                );
                failed.push(n);
            }
        }
    }
    eprintln!(
        "{name}: scenarios took {:.1}s",
        started.elapsed().as_secs_f64()
    );
    assert!(failed.is_empty(), "{name}: failed scenarios: {failed:?}");
}

async fn connect(peer: &dyn Peer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    assert!(!ctx.account.external_id.is_empty());
    assert!(!ctx.account.handle.is_empty());
    let checked = p.check(&ctx).await.expect("check");
    assert_eq!(checked.value.external_id, ctx.account.external_id);
    assert!(
        checked.refreshed.is_none(),
        "a fresh session needs no refresh"
    );
}

async fn wrong_credentials(peer: &dyn Peer) {
    let p = peer.provider();
    let input = peer.wrong_credentials().await;
    let secret = match &input {
        ConnectInput::AppPassword { password, .. } => password.expose().to_owned(),
        ConnectInput::Webhook { secret, .. } => secret.expose().to_owned(),
        ConnectInput::OAuthCode { code, .. } => code.expose().to_owned(),
    };
    // The first call that reaches the platform must say Revoked.
    let err = match p.connect(input).await {
        Err(e) => e,
        Ok(c) => {
            let ctx = ChannelCtx {
                channel_id: "wrong".into(),
                account: c.account,
                credentials: c.credentials,
            };
            match p.check(&ctx).await {
                Err(e) => e,
                Ok(_) => p
                    .publish(&ctx, &peer.part("never delivered"))
                    .await
                    .expect_err("publish must fail"),
            }
        }
    };
    assert!(matches!(err, ProviderError::Revoked { .. }), "{err:?}");
    let msg = err.to_string();
    assert!(msg.len() > 30, "a clear message: {msg}");
    assert!(
        !msg.contains(&secret),
        "the message leaks the secret: {msg}"
    );
}

async fn publish_text(peer: &dyn Peer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    let part = peer.part(&format!("Hello from LetsGrow on {}", peer.name()));
    let post = p.publish(&ctx, &part).await.expect("publish").value;
    let stored = peer.read(&ctx, &post).await.expect("the post is there");
    assert_eq!(stored.text, part.text);
    assert_eq!(stored.reply, None);
    assert_eq!(peer.count(&ctx).await, 1);
}

async fn publish_rich(peer: &dyn Peer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    let mut part = peer.part(&peer.rich_text().await);
    let caps = p.capabilities();
    if caps.max_images > 0 && part.media.is_empty() {
        part.media.push(peer.image());
    }
    let post = p.publish(&ctx, &part).await.expect("publish").value;
    let stored = peer.read(&ctx, &post).await.expect("the post is there");
    if caps.alt_text {
        assert_eq!(stored.alts, vec![part.media[0].alt.clone().unwrap()]);
    }
    peer.verify_rich(&ctx, &part, &post).await;
}

async fn thread(peer: &dyn Peer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    let first = peer.part("1/3 a thread from LetsGrow");
    if !p.capabilities().threads {
        // Declared unsupported: a reply part is refused before anything is sent.
        let root = p.publish(&ctx, &first).await.expect("part 1").value;
        let mut next = peer.part("2/2 would be a reply");
        next.reply_to = Some(ReplyRef {
            root: root.clone(),
            parent: root,
        });
        let err = p
            .publish(&ctx, &next)
            .await
            .expect_err("threads are not supported");
        assert!(
            matches!(err, ProviderError::InvalidContent { .. }),
            "{err:?}"
        );
        assert_eq!(peer.count(&ctx).await, 1);
        return;
    }
    let mut posts: Vec<RemotePost> = vec![p.publish(&ctx, &first).await.expect("part 1").value];
    for i in 1..3u32 {
        let mut next = peer.part(&format!("{}/3 still the thread", i + 1));
        next.post_id = first.post_id.clone();
        next.part_index = i;
        next.idempotency_key = format!("{}:chan:{i}", first.post_id);
        next.reply_to = Some(ReplyRef {
            root: posts[0].clone(),
            parent: posts[posts.len() - 1].clone(),
        });
        posts.push(p.publish(&ctx, &next).await.expect("next part").value);
    }
    for (i, post) in posts.iter().enumerate() {
        let stored = peer.read(&ctx, post).await.expect("part is there");
        let expected = (i > 0).then(|| {
            (
                posts[0].external_id.clone(),
                posts[i - 1].external_id.clone(),
            )
        });
        if i == 0 || stored.reply.is_some() {
            assert_eq!(stored.reply, expected, "reply refs of part {}", i + 1);
        }
    }
    assert_eq!(peer.count(&ctx).await, 3);
}

async fn delete(peer: &dyn Peer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    let part = peer.part("soon gone");
    let post = p.publish(&ctx, &part).await.expect("publish").value;
    if !p.capabilities().delete {
        let err = p
            .delete(&ctx, &post)
            .await
            .expect_err("delete is not supported");
        assert!(matches!(err, ProviderError::Permanent { .. }), "{err:?}");
        return;
    }
    p.delete(&ctx, &post).await.expect("delete");
    assert_eq!(peer.read(&ctx, &post).await, None);
    assert_eq!(peer.count(&ctx).await, 0);
    p.delete(&ctx, &post).await.expect("deleting twice is fine");
    assert_eq!(p.lookup(&ctx, &part).await.expect("lookup").value, None);
}

async fn retry_with_the_same_key(peer: &dyn Peer) {
    let p = peer.provider();
    let ctx = channel(peer).await;
    let mut part = peer.part("only once, however often it is sent");
    if p.capabilities().max_images > 0 && part.media.is_empty() {
        part.media.push(peer.image());
    }
    let first = p.publish(&ctx, &part).await.expect("publish").value;
    let again = p.publish(&ctx, &part).await.expect("retry").value;
    assert_eq!(again.external_id, first.external_id);
    assert_eq!(peer.count(&ctx).await, 1, "still one post");
    let found = p.lookup(&ctx, &part).await.expect("lookup").value;
    if p.capabilities().lookup {
        assert_eq!(found.map(|f| f.external_id), Some(first.external_id));
    } else {
        assert_eq!(
            found, None,
            "without lookup the publisher re-sends with the same key"
        );
    }
}

async fn expired_token_is_refreshed(peer: &dyn Peer) {
    let p = peer.provider();
    let mut ctx = channel(peer).await;
    if !peer.expire_access_token(&mut ctx).await {
        eprintln!("{}: no access token to expire (skipped)", peer.name());
        return;
    }
    let expired = ctx.credentials.access_token.clone();
    let out = p
        .publish(&ctx, &peer.part("published with a refreshed token"))
        .await
        .expect("publish refreshes");
    let fresh = out
        .refreshed
        .expect("refreshed credentials are returned for storage");
    assert_ne!(fresh.access_token, expired);
    assert!(fresh.refresh_token.is_some());
    assert_eq!(
        fresh.secret, ctx.credentials.secret,
        "the app password stays"
    );
    ctx.credentials = fresh;
    let again = p
        .publish(&ctx, &peer.part("and the new token works"))
        .await
        .expect("publish");
    assert!(again.refreshed.is_none());
    assert_eq!(peer.count(&ctx).await, 2);
}

async fn rate_limited(peer: &dyn Peer) {
    let (err, announced) = peer.rate_limited().await;
    match err {
        ProviderError::RateLimited {
            retry_after: Some(d),
            ..
        } => {
            eprintln!(
                "{}: rate limited, retry after {d:?} (announced {announced:?})",
                peer.name()
            );
            let diff = d.as_secs_f64() - announced.as_secs_f64();
            assert!(
                diff.abs() <= 5.0,
                "retry_after {d:?} vs announced {announced:?}"
            );
        }
        other => panic!("expected RateLimited with a reset time, got {other:?}"),
    }
}
