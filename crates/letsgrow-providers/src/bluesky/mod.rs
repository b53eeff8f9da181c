//! Bluesky (AT Protocol) through the account's PDS, with an app password.
//!
//! - connect: `com.atproto.server.createSession` (identifier + app password)
//!   on the channel's PDS (default `https://bsky.social`). The app password is
//!   kept as `Credentials::secret` so an expired refresh token can be replaced
//!   by a new session without asking the user.
//! - refresh: `refreshSession`, else `createSession` with the stored app password.
//! - publish: `com.atproto.repo.putRecord` at a record key derived from the
//!   part ([`tid::rkey_for`]) with `swapRecord: null` ("must not exist yet"):
//!   a new key creates the post; a retry of the identical record is a no-op
//!   (200, same cid); a different record at the key (400 `InvalidSwap`) is
//!   read back and accepted as already published when its `createdAt` and
//!   `text` match the part. `createdAt` is the part's `scheduled_at`.
//! - lookup: `getRecord` at the same key (400 `RecordNotFound` = not published).
//! - A token the PDS calls expired or invalid is refreshed once, transparently,
//!   and the new credentials are returned in [`WithCreds::refreshed`].

mod record;
mod session;
pub mod tid;
mod xrpc;

use crate::http::{BaseUrl, HttpClient};
use crate::{
    Account, Capabilities, ChannelCtx, ConnectInput, ConnectMethod, Connected, Credentials,
    EngagementAction, Provider, ProviderError, ProviderResult, PublishPart, RemotePost, WithCreds,
};
use async_trait::async_trait;
use letsgrow_core::Platform;
use serde_json::{Value, json};
use session::Session;
use xrpc::Xrpc;

pub use record::{IMAGE_MIME_TYPES, MAX_IMAGE_BYTES, MAX_IMAGES};

pub const POST_COLLECTION: &str = "app.bsky.feed.post";

/// A PDS URL as the user types it.
const PDS_URL: BaseUrl = BaseUrl {
    field: "service_url",
    noun: "PDS URL",
    server_only: false,
    shape: "the PDS URL must not have a query or fragment",
    server: "the Bluesky PDS at",
    hint: "; check the PDS URL",
};

static CAPABILITIES: Capabilities = Capabilities {
    platform: Platform::Bluesky,
    connect: ConnectMethod::AppPassword,
    max_images: MAX_IMAGES as u8,
    max_image_bytes: MAX_IMAGE_BYTES,
    image_mime_types: IMAGE_MIME_TYPES,
    alt_text: true,
    video: false,
    threads: true,
    delete: true,
    lookup: true,
    analytics: crate::AnalyticsCaps::none("Numbers from this platform are not collected yet."),
    engagement: &[
        EngagementAction::Like,
        EngagementAction::Repost,
        EngagementAction::Reply,
        EngagementAction::Follow,
    ],
    publish_budget: None,
    media_by_url: false,
};

/// The Bluesky provider.
#[derive(Debug, Clone)]
pub struct Bluesky {
    http: HttpClient,
    default_service: String,
}

impl Bluesky {
    pub fn new(http: HttpClient, default_service: String) -> Self {
        Bluesky {
            http,
            default_service,
        }
    }

    async fn service_url(&self, given: Option<&str>) -> ProviderResult<String> {
        let raw = given
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .unwrap_or(&self.default_service);
        self.http.user_base_url(raw, PDS_URL).await
    }

    fn remote_post(did: &str, uri: &str, cid: &str) -> RemotePost {
        let rkey = uri.rsplit('/').next().unwrap_or_default();
        RemotePost {
            external_id: uri.to_owned(),
            url: Some(format!("https://bsky.app/profile/{did}/post/{rkey}")),
            extra: json!({ "cid": cid }),
        }
    }

    /// The post at `rkey`, if any (400 `RecordNotFound` means none).
    async fn get_post(
        &self,
        s: &mut Session<'_>,
        rkey: &str,
    ) -> ProviderResult<Option<(RemotePost, Value)>> {
        let x = Xrpc::get(
            "com.atproto.repo.getRecord",
            vec![
                ("repo", s.did().to_owned()),
                ("collection", POST_COLLECTION.into()),
                ("rkey", rkey.to_owned()),
            ],
        );
        match s.call_raw(&x).await {
            Ok(v) => {
                let uri = v.get("uri").and_then(Value::as_str).unwrap_or_default();
                let cid = v.get("cid").and_then(Value::as_str).unwrap_or_default();
                let post = Self::remote_post(s.did(), uri, cid);
                Ok(Some((post, v.get("value").cloned().unwrap_or(Value::Null))))
            }
            Err(f) if f.status() == Some(400) && f.code() == Some("RecordNotFound") => Ok(None),
            Err(f) => Err(xrpc::classify(f, s.service(), &x)),
        }
    }
}

fn parse_at_uri(uri: &str) -> Option<(&str, &str, &str)> {
    let rest = uri.strip_prefix("at://")?;
    let mut it = rest.splitn(3, '/');
    let (repo, collection, rkey) = (it.next()?, it.next()?, it.next()?);
    (!repo.is_empty() && !collection.is_empty() && !rkey.is_empty() && !rkey.contains('/'))
        .then_some((repo, collection, rkey))
}

#[async_trait]
impl Provider for Bluesky {
    fn capabilities(&self) -> &Capabilities {
        &CAPABILITIES
    }

    async fn connect(&self, input: ConnectInput) -> ProviderResult<Connected> {
        let ConnectInput::AppPassword {
            identifier,
            password,
            service_url,
        } = input
        else {
            return Err(ProviderError::invalid_input(
                "method",
                "Bluesky connects with a handle (or DID or email) and an app password",
            ));
        };
        let identifier = identifier.trim().trim_start_matches('@').to_owned();
        if identifier.is_empty() {
            return Err(ProviderError::invalid_input(
                "identifier",
                "enter your Bluesky handle",
            ));
        }
        if password.expose().is_empty() {
            return Err(ProviderError::invalid_input(
                "password",
                "enter an app password",
            ));
        }
        let service = self.service_url(service_url.as_deref()).await?;
        let s = session::create_session(&self.http, &service, &identifier, &password).await.map_err(|f| {
            match f.status() {
                // Not an XRPC server at all: the URL is wrong.
                Some(404 | 405) if f.code().is_none() => ProviderError::invalid_input(
                    "service_url",
                    format!("{service} does not look like a Bluesky PDS (createSession answered {:?}); check the PDS URL", f.status()),
                ),
                _ => session::classify_login(f, &service),
            }
        })?;
        Ok(Connected {
            account: Account {
                external_id: s.did,
                handle: s.handle,
                base_url: service,
                settings: json!({}),
            },
            credentials: s.credentials,
        })
    }

    async fn refresh(&self, ctx: &ChannelCtx) -> ProviderResult<Credentials> {
        session::refresh(&self.http, ctx).await
    }

    async fn check(&self, ctx: &ChannelCtx) -> ProviderResult<WithCreds<Account>> {
        let mut s = Session::begin(self, ctx).await?;
        let account = s.account().await?;
        Ok(s.finish(account))
    }

    async fn publish(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<RemotePost>> {
        record::validate(part)?;
        let mut s = Session::begin(self, ctx).await?;
        let facets = record::facets(&mut s, &part.text).await?;
        let embed = record::images(&mut s, &part.media).await?;
        let rec = record::post_record(part, facets, embed);
        let rkey = tid::rkey_for(&part.idempotency_key, part.scheduled_at);
        let x = Xrpc::post(
            "com.atproto.repo.putRecord",
            json!({
                "repo": s.did(),
                "collection": POST_COLLECTION,
                "rkey": rkey,
                "record": rec,
                "swapRecord": null,
            }),
        );
        match s.call_raw(&x).await {
            Ok(v) => {
                let uri = v.get("uri").and_then(Value::as_str);
                let cid = v.get("cid").and_then(Value::as_str);
                let (Some(uri), Some(cid)) = (uri, cid) else {
                    return Err(ProviderError::Transient {
                        message: "putRecord answered without uri/cid".into(),
                        maybe_delivered: true,
                    });
                };
                let post = Self::remote_post(s.did(), uri, cid);
                Ok(s.finish(post))
            }
            Err(f) if f.status() == Some(400) && f.code() == Some("InvalidSwap") => {
                // Something is at our key already: an earlier attempt of this part
                // (with, e.g., a mention that resolved differently), or a collision.
                let existing = self.get_post(&mut s, &rkey).await?;
                match existing {
                    Some((post, value))
                        if value.get("createdAt") == rec.get("createdAt")
                            && value.get("text") == rec.get("text") =>
                    {
                        Ok(s.finish(post))
                    }
                    Some((post, _)) => Err(ProviderError::permanent(format!(
                        "the record key {rkey} already holds a different post ({}); not overwriting it",
                        post.external_id
                    ))),
                    // Deleted in between: the next attempt creates it.
                    None => Err(ProviderError::transient(
                        "the record at our key vanished during publishing; retry",
                    )),
                }
            }
            Err(f) => Err(xrpc::classify(f, s.service(), &x)),
        }
    }

    async fn delete(&self, ctx: &ChannelCtx, post: &RemotePost) -> ProviderResult<WithCreds<()>> {
        let Some((repo, collection, rkey)) = parse_at_uri(&post.external_id) else {
            return Err(ProviderError::permanent(format!(
                "{:?} is not an at:// URI of a record",
                post.external_id
            )));
        };
        if repo != ctx.account.external_id {
            return Err(ProviderError::permanent(format!(
                "{} belongs to another account",
                post.external_id
            )));
        }
        let mut s = Session::begin(self, ctx).await?;
        // A missing record also answers 200: deleting twice is fine.
        s.call(&Xrpc::post(
            "com.atproto.repo.deleteRecord",
            json!({ "repo": repo, "collection": collection, "rkey": rkey }),
        ))
        .await?;
        Ok(s.finish(()))
    }

    async fn lookup(
        &self,
        ctx: &ChannelCtx,
        part: &PublishPart,
    ) -> ProviderResult<WithCreds<Option<RemotePost>>> {
        let mut s = Session::begin(self, ctx).await?;
        let rkey = tid::rkey_for(&part.idempotency_key, part.scheduled_at);
        let found = self.get_post(&mut s, &rkey).await?.map(|(post, _)| post);
        Ok(s.finish(found))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn at_uris_split_into_repo_collection_and_key() {
        assert_eq!(
            parse_at_uri("at://did:plc:abc/app.bsky.feed.post/3lgrowtest222"),
            Some(("did:plc:abc", "app.bsky.feed.post", "3lgrowtest222"))
        );
        assert_eq!(parse_at_uri("https://bsky.app/x"), None);
        assert_eq!(parse_at_uri("at://did:plc:abc/app.bsky.feed.post"), None);
    }

    #[tokio::test]
    async fn private_pds_urls_are_refused_unless_allowed() {
        let http = HttpClient::new(&crate::http::NetworkOptions::default()).unwrap();
        let b = Bluesky::new(http, "https://bsky.social".into());
        let e = b
            .service_url(Some("http://10.0.0.5:2583"))
            .await
            .unwrap_err();
        assert_eq!(
            e,
            ProviderError::invalid_input(
                "service_url",
                "refusing to connect to 10.0.0.5: private address; set LETSGROW__NETWORK__ALLOW_PRIVATE=true to allow"
            )
        );
        let e = b.service_url(Some("ftp://pds.example")).await.unwrap_err();
        assert!(matches!(e, ProviderError::InvalidInput { .. }));
    }
}
