//! The static registry: one `Arc<dyn Provider>` per compiled-in platform,
//! all sharing one outbound HTTP client.

use crate::Provider;
use crate::http::{BuildError, HttpClient, NetworkOptions};
use letsgrow_core::Platform;
use std::collections::BTreeMap;
use std::sync::Arc;

/// Per-platform settings from configuration (`[platforms.<id>]`).
#[derive(Debug, Clone, Default)]
pub struct PlatformSettings {
    /// The app's OAuth client; `None` means "not configured" (the UI says so).
    pub client: Option<crate::OAuthClient>,
    /// API base URL override (tests point it at a local peer), e.g. `https://api.x.com`.
    pub api_base: Option<String>,
    /// Authorization page base URL override, e.g. `https://x.com`.
    pub auth_base: Option<String>,
}

/// Everything providers need from configuration, passed explicitly.
#[derive(Debug, Clone)]
pub struct ProviderOptions {
    pub network: NetworkOptions,
    /// PDS used when a Bluesky connection names none (`https://bsky.social`).
    pub bluesky_default_service: String,
    /// Settings by platform; platforms without an entry use their public defaults.
    pub platforms: BTreeMap<Platform, PlatformSettings>,
}

/// The Bluesky entryway, the default PDS.
pub const BLUESKY_DEFAULT_SERVICE: &str = "https://bsky.social";

impl Default for ProviderOptions {
    fn default() -> Self {
        ProviderOptions {
            network: NetworkOptions::default(),
            bluesky_default_service: BLUESKY_DEFAULT_SERVICE.to_owned(),
            platforms: BTreeMap::new(),
        }
    }
}

/// Providers by platform. Platforms whose feature is off are absent.
#[derive(Clone)]
pub struct Registry {
    providers: BTreeMap<Platform, Arc<dyn Provider>>,
    http: HttpClient,
}

impl std::fmt::Debug for Registry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Registry")
            .field("platforms", &self.platforms())
            .finish()
    }
}

impl Registry {
    pub fn get(&self, platform: Platform) -> Option<Arc<dyn Provider>> {
        self.providers.get(&platform).cloned()
    }

    /// The platforms that have a provider, in `Platform` order.
    pub fn platforms(&self) -> Vec<Platform> {
        self.providers.keys().copied().collect()
    }

    /// The shared outbound client (for callers that fetch user-supplied URLs).
    pub fn http(&self) -> &HttpClient {
        &self.http
    }
}

/// Builds the registry of every compiled-in provider.
pub fn registry(opts: &ProviderOptions) -> Result<Registry, BuildError> {
    let http = HttpClient::new(&opts.network)?;
    #[allow(unused_mut)]
    let mut providers: BTreeMap<Platform, Arc<dyn Provider>> = BTreeMap::new();
    #[cfg(feature = "bluesky")]
    providers.insert(
        Platform::Bluesky,
        Arc::new(crate::bluesky::Bluesky::new(
            http.clone(),
            opts.bluesky_default_service.clone(),
        )),
    );
    #[cfg(feature = "webhook")]
    providers.insert(
        Platform::Webhook,
        Arc::new(crate::webhook::Webhook::new(http.clone())),
    );
    #[cfg(feature = "x")]
    providers.insert(
        Platform::X,
        Arc::new(crate::x::X::new(
            http.clone(),
            opts.platforms.get(&Platform::X),
        )),
    );
    #[cfg(feature = "mastodon")]
    providers.insert(
        Platform::Mastodon,
        Arc::new(crate::mastodon::Mastodon::new(http.clone())),
    );
    #[cfg(feature = "linkedin")]
    providers.insert(
        Platform::Linkedin,
        Arc::new(crate::linkedin::Linkedin::new(http.clone(), opts)),
    );
    #[cfg(feature = "reddit")]
    providers.insert(
        Platform::Reddit,
        Arc::new(crate::reddit::Reddit::new(http.clone(), opts)),
    );
    #[cfg(feature = "instagram")]
    providers.insert(
        Platform::Instagram,
        Arc::new(crate::instagram::new(http.clone(), opts)),
    );
    #[cfg(feature = "threads")]
    providers.insert(
        Platform::Threads,
        Arc::new(crate::threads::new(http.clone(), opts)),
    );
    Ok(Registry { providers, http })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_compiled_in_provider_is_registered_under_its_platform() {
        let reg = registry(&ProviderOptions::default()).unwrap();
        for p in reg.platforms() {
            assert_eq!(reg.get(p).unwrap().capabilities().platform, p);
        }
        #[cfg(feature = "bluesky")]
        assert!(reg.get(Platform::Bluesky).is_some());
        #[cfg(feature = "webhook")]
        assert!(reg.get(Platform::Webhook).is_some());
        #[cfg(feature = "x")]
        assert!(reg.get(Platform::X).is_some());
        #[cfg(feature = "mastodon")]
        assert!(reg.get(Platform::Mastodon).is_some());
        #[cfg(feature = "linkedin")]
        assert!(reg.get(Platform::Linkedin).is_some());
        #[cfg(feature = "reddit")]
        assert!(reg.get(Platform::Reddit).is_some());
        #[cfg(feature = "instagram")]
        assert!(reg.get(Platform::Instagram).is_some());
        #[cfg(feature = "threads")]
        assert!(reg.get(Platform::Threads).is_some());
        assert_eq!(
            ProviderOptions::default().bluesky_default_service,
            "https://bsky.social"
        );
    }
}
