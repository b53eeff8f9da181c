//! The peer for the OAuth platforms that have no public server or spec that
//! runs here (LinkedIn, Reddit, Instagram, Threads): the stateful fakes of
//! `letsgrow-fakes`, started in-process. Connecting drives the real OAuth round
//! trip: the provider's authorization URL, the fake's consent form (as a
//! browser would submit it), the redirect with `code` and `state`, then
//! `connect` with the PKCE verifier.

use crate::suite::{Peer, Stored, part};
use async_trait::async_trait;
use base64::Engine;
use letsgrow_core::Platform;
use letsgrow_fakes::{FakeHandle, Meta, common::Fake, linkedin::Linkedin, reddit::Reddit};
use letsgrow_providers::http::NetworkOptions;
use letsgrow_providers::{
    AuthorizeRequest, ChannelCtx, ConnectInput, MediaItem, OAuthClient, PlatformSettings, Provider,
    ProviderError, ProviderOptions, PublishPart, RemotePost, SecretString, registry,
};
use sha2::{Digest, Sha256};
use std::sync::Arc;
use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

pub enum Fk {
    Linkedin(FakeHandle<Linkedin>),
    Reddit(FakeHandle<Reddit>),
    Instagram(FakeHandle<Meta>),
    Threads(FakeHandle<Meta>),
}

impl Fk {
    pub async fn start(platform: Platform) -> Fk {
        match platform {
            Platform::Linkedin => Fk::Linkedin(letsgrow_fakes::linkedin::start().await.unwrap()),
            Platform::Reddit => Fk::Reddit(letsgrow_fakes::reddit::start().await.unwrap()),
            Platform::Instagram => Fk::Instagram(letsgrow_fakes::instagram::start().await.unwrap()),
            _ => Fk::Threads(letsgrow_fakes::threads::start().await.unwrap()),
        }
    }
    pub fn base(&self) -> &str {
        match self {
            Fk::Linkedin(h) => &h.base_url,
            Fk::Reddit(h) => &h.base_url,
            Fk::Instagram(h) | Fk::Threads(h) => &h.base_url,
        }
    }
    pub fn fake(&self) -> &Fake {
        match self {
            Fk::Linkedin(h) => &h.fake,
            Fk::Reddit(h) => &h.fake,
            Fk::Instagram(h) | Fk::Threads(h) => &h.fake,
        }
    }
}

pub struct OAuthPeer {
    pub platform: Platform,
    pub fk: Fk,
    provider: Arc<dyn Provider>,
    seq: AtomicU32,
}

pub fn client() -> OAuthClient {
    OAuthClient {
        client_id: letsgrow_fakes::CLIENT_ID.into(),
        client_secret: Some(SecretString::new(letsgrow_fakes::CLIENT_SECRET)),
    }
}

pub fn provider_for(platform: Platform, base: &str) -> Arc<dyn Provider> {
    let mut opts = ProviderOptions {
        network: NetworkOptions {
            allow_private: true,
            ..NetworkOptions::default()
        },
        ..ProviderOptions::default()
    };
    opts.platforms.insert(
        platform,
        PlatformSettings {
            client: Some(client()),
            api_base: Some(base.into()),
            auth_base: Some(base.into()),
        },
    );
    registry(&opts).unwrap().get(platform).unwrap()
}

/// A tiny JPEG (the fakes check the magic bytes, as Meta checks the format).
pub const JPEG: &[u8] = &[
    0xFF, 0xD8, 0xFF, 0xE0, 0, 16, b'J', b'F', b'I', b'F', 0, 1, 1, 0, 0, 1, 0, 1, 0, 0, 0xFF, 0xD9,
];

/// Drives the OAuth round trip a browser would make and returns the redirect's code.
pub async fn authorize(provider: &dyn Provider, username: &str) -> ConnectInput {
    let verifier = format!("verifier-{username}-{}", "x".repeat(43));
    let challenge =
        base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(Sha256::digest(&verifier));
    let redirect_uri = "http://letsgrow.test/api/channels/oauth/callback".to_owned();
    let state = format!("state-{username}");
    let url = provider
        .authorize_url(&AuthorizeRequest {
            state: state.clone(),
            code_challenge: challenge,
            redirect_uri: redirect_uri.clone(),
            client: client(),
            instance_url: None,
        })
        .unwrap();
    let http = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap();
    let page = http.get(&url).send().await.unwrap();
    assert_eq!(page.status(), 200);
    assert!(page.text().await.unwrap().contains("Authorize LetsGrow"));
    let parsed = url::Url::parse(&url).unwrap();
    let mut form: Vec<(String, String)> = parsed.query_pairs().into_owned().collect();
    form.push(("username".into(), username.into()));
    form.push(("decision".into(), "allow".into()));
    let back = http.post(url.as_str()).form(&form).send().await.unwrap();
    assert!(back.status().is_redirection(), "{}", back.status());
    let location = url::Url::parse(back.headers()["location"].to_str().unwrap()).unwrap();
    let q: std::collections::HashMap<_, _> = location.query_pairs().into_owned().collect();
    assert_eq!(q.get("state"), Some(&state), "the CSRF state comes back");
    ConnectInput::OAuthCode {
        code: SecretString::new(q["code"].clone()),
        code_verifier: SecretString::new(verifier),
        redirect_uri,
        client: client(),
        instance_url: None,
    }
}

/// The fake's user id behind a channel.
pub fn user_id(ctx: &ChannelCtx) -> String {
    let id = &ctx.account.external_id;
    id.strip_prefix("urn:li:person:")
        .or_else(|| id.strip_prefix("t2_"))
        .unwrap_or(id)
        .to_owned()
}

impl OAuthPeer {
    pub async fn start(platform: Platform) -> Arc<Self> {
        let fk = Fk::start(platform).await;
        let provider = provider_for(platform, fk.base());
        Arc::new(OAuthPeer {
            platform,
            fk,
            provider,
            seq: AtomicU32::new(0),
        })
    }

    pub fn media(&self, alt: &str) -> MediaItem {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        let public_url = match &self.fk {
            Fk::Instagram(h) | Fk::Threads(h) => Some(h.host_media(
                &h.base_url,
                &format!("img-{n}.jpg"),
                "image/jpeg",
                JPEG.to_vec(),
            )),
            _ => None,
        };
        MediaItem {
            mime: "image/jpeg".into(),
            data: JPEG.to_vec().into(),
            alt: Some(alt.into()),
            public_url,
        }
    }
}

#[async_trait]
impl Peer for OAuthPeer {
    fn name(&self) -> String {
        self.platform.to_string()
    }
    fn provider(&self) -> Arc<dyn Provider> {
        self.provider.clone()
    }
    async fn new_account(&self) -> ConnectInput {
        let n = self.seq.fetch_add(1, Ordering::Relaxed);
        authorize(&*self.provider, &format!("member{n}")).await
    }
    async fn wrong_credentials(&self) -> ConnectInput {
        let ConnectInput::OAuthCode {
            code_verifier,
            redirect_uri,
            client,
            ..
        } = self.new_account().await
        else {
            unreachable!()
        };
        ConnectInput::OAuthCode {
            code: SecretString::new("code-not-issued-by-the-platform"),
            code_verifier,
            redirect_uri,
            client,
            instance_url: None,
        }
    }
    async fn rich_text(&self) -> String {
        match self.platform {
            Platform::Reddit => "A title line — ünïcode\nA body with **markdown**, a [link](https://example.com) and #tags".into(),
            _ => "Rich text: (parens) [brackets] #tags @someone a_b*c~d <tag> ünïcode ✓ https://example.com".into(),
        }
    }
    fn image(&self) -> MediaItem {
        self.media("a red square")
    }
    fn part(&self, text: &str) -> PublishPart {
        let mut p = part(text);
        if self.platform == Platform::Instagram {
            p.media
                .push(self.media("the picture every Instagram post needs"));
        }
        p
    }
    async fn read(&self, _ctx: &ChannelCtx, post: &RemotePost) -> Option<Stored> {
        match &self.fk {
            Fk::Linkedin(h) => h.post(&post.external_id).map(|p| Stored {
                text: p.text,
                reply: None,
                alts: p.images.into_iter().map(|(_, a)| a).collect(),
            }),
            Fk::Reddit(h) => h.post(&post.external_id).map(|p| Stored {
                text: if p.selftext.is_empty() {
                    p.title
                } else {
                    format!("{}\n{}", p.title, p.selftext)
                },
                reply: None,
                alts: vec![],
            }),
            Fk::Instagram(h) | Fk::Threads(h) => h.media(&post.external_id).map(|m| Stored {
                text: m.text,
                reply: m
                    .reply_to
                    .clone()
                    .map(|parent| (m.root.clone().unwrap_or_default(), parent)),
                alts: m.alts,
            }),
        }
    }
    async fn count(&self, ctx: &ChannelCtx) -> usize {
        match &self.fk {
            Fk::Linkedin(h) => h.posts_of(&ctx.account.external_id).len(),
            Fk::Reddit(h) => h
                .posts_of(ctx.account.settings["username"].as_str().unwrap())
                .len(),
            Fk::Instagram(h) | Fk::Threads(h) => h.published(&ctx.account.external_id).len(),
        }
    }
    async fn verify_rich(&self, _ctx: &ChannelCtx, part: &PublishPart, post: &RemotePost) {
        let stored = self.read(_ctx, post).await.unwrap();
        assert_eq!(stored.text, part.text, "the text shows as typed");
        if let Fk::Linkedin(h) = &self.fk {
            let raw = h.post(&post.external_id).unwrap().commentary;
            assert!(
                raw.contains(r"\(parens\)") && raw.contains(r"\#tags"),
                "little text is escaped: {raw}"
            );
        }
    }
    async fn expire_access_token(&self, ctx: &mut ChannelCtx) -> bool {
        match self.platform {
            // Meta has no refresh token: see `meta_token_near_expiry_is_refreshed`.
            Platform::Instagram | Platform::Threads => false,
            _ => {
                self.fk.fake().expire_access_tokens(&user_id(ctx));
                true
            }
        }
    }
    async fn rate_limited(&self) -> (ProviderError, Duration) {
        // A fake of its own, so the forced 429 cannot hit a concurrent scenario.
        let fk = Fk::start(self.platform).await;
        let p = provider_for(self.platform, fk.base());
        let c = p.connect(authorize(&*p, "limited").await).await.unwrap();
        let ctx = ChannelCtx {
            channel_id: "limited".into(),
            account: c.account,
            credentials: c.credentials,
        };
        fk.fake().force_rate_limit(1, 90);
        let err = p.check(&ctx).await.unwrap_err();
        let announced = match self.platform {
            Platform::Linkedin => {
                let now = chrono::Utc::now().timestamp();
                Duration::from_secs((86_400 - now.rem_euclid(86_400)) as u64)
            }
            Platform::Reddit => Duration::from_secs(90),
            // Meta announces whole minutes.
            _ => Duration::from_secs(120),
        };
        (err, announced)
    }
}

// --- scenarios every OAuth fake runs ---------------------------------------

/// The user removed the app: the next call says reconnect.
pub async fn revoked_token_needs_reconnect(peer: &OAuthPeer) {
    let ctx = crate::suite::channel(peer).await;
    peer.fk.fake().revoke_user(&user_id(&ctx));
    let err = peer
        .provider
        .publish(&ctx, &peer.part("after the user removed the app"))
        .await
        .unwrap_err();
    assert!(matches!(err, ProviderError::Revoked { .. }), "{err:?}");
    assert_eq!(peer.count(&ctx).await, 0);
}

/// Disconnecting revokes at the platform where it offers revocation.
pub async fn disconnect_revokes(peer: &OAuthPeer) {
    let ctx = crate::suite::channel(peer).await;
    peer.provider.revoke(&ctx).await.expect("revoke");
    if matches!(peer.platform, Platform::Linkedin | Platform::Reddit) {
        let err = peer.provider.check(&ctx).await.unwrap_err();
        assert!(matches!(err, ProviderError::Revoked { .. }), "{err:?}");
    }
}
