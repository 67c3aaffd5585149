//! The platform headers: `X-Stainless-OS`, `-Arch`, `-Runtime`, `-Runtime-Version`.
//!
//! Values follow the mapping of `reference/client.md` section 2.1, fed with
//! Rust's target constants instead of Python's `platform` module.

use http::{HeaderMap, HeaderValue};

use super::{
    X_STAINLESS_ARCH, X_STAINLESS_ASYNC, X_STAINLESS_LANG, X_STAINLESS_OS,
    X_STAINLESS_PACKAGE_VERSION, X_STAINLESS_RUNTIME, X_STAINLESS_RUNTIME_VERSION, lossy_value,
};

/// What the SDK reports about itself and the machine it runs on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlatformInfo {
    /// `User-Agent`, e.g. `OpenAI/Rust 0.1.0`.
    pub user_agent: String,
    /// `X-Stainless-Lang`: `rust`.
    pub lang: &'static str,
    /// `X-Stainless-Package-Version`: the SDK version.
    pub package_version: String,
    /// `X-Stainless-OS`.
    pub os: String,
    /// `X-Stainless-Arch`.
    pub arch: String,
    /// `X-Stainless-Runtime`: `rustc`.
    pub runtime: &'static str,
    /// `X-Stainless-Runtime-Version`: the compiler version that built the SDK.
    pub runtime_version: &'static str,
    /// `X-Stainless-Async`: `async:tokio`, or `false` for a blocking client.
    pub async_runtime: String,
}

impl PlatformInfo {
    /// The platform of this build, for a client named `client_name`
    /// (`OpenAI`, `AzureOpenAI`, ...) at SDK version `version`.
    pub fn current(client_name: &str, version: &str) -> Self {
        Self {
            user_agent: format!("{client_name}/Rust {version}"),
            lang: "rust",
            package_version: version.to_owned(),
            os: os_name(std::env::consts::OS),
            arch: arch_name(std::env::consts::ARCH),
            runtime: "rustc",
            runtime_version: env!("OPENAI_RS_RUSTC_VERSION"),
            async_runtime: "async:tokio".to_owned(),
        }
    }

    /// The headers, in the order of `reference/client.md` 2.1.
    pub fn to_headers(&self) -> HeaderMap {
        let mut h = HeaderMap::with_capacity(9);
        h.insert(http::header::USER_AGENT, lossy_value(&self.user_agent));
        h.insert(X_STAINLESS_LANG, HeaderValue::from_static(self.lang));
        h.insert(
            X_STAINLESS_PACKAGE_VERSION,
            lossy_value(&self.package_version),
        );
        h.insert(X_STAINLESS_OS, lossy_value(&self.os));
        h.insert(X_STAINLESS_ARCH, lossy_value(&self.arch));
        h.insert(X_STAINLESS_RUNTIME, HeaderValue::from_static(self.runtime));
        h.insert(
            X_STAINLESS_RUNTIME_VERSION,
            lossy_value(self.runtime_version),
        );
        h.insert(X_STAINLESS_ASYNC, lossy_value(&self.async_runtime));
        h
    }
}

/// Maps Rust's `std::env::consts::OS` to the `X-Stainless-OS` value.
pub fn os_name(os: &str) -> String {
    match os {
        "macos" => "MacOS".into(),
        "ios" => "iOS".into(),
        "linux" => "Linux".into(),
        "android" => "Android".into(),
        "windows" => "Windows".into(),
        "freebsd" => "FreeBSD".into(),
        "openbsd" => "OpenBSD".into(),
        "" => "Unknown".into(),
        other => format!("Other:{}", other.to_lowercase()),
    }
}

/// Maps Rust's `std::env::consts::ARCH` to the `X-Stainless-Arch` value.
pub fn arch_name(arch: &str) -> String {
    match arch {
        "x86_64" => "x64".into(),
        "aarch64" => "arm64".into(),
        "arm" => "arm".into(),
        "x86" => "x32".into(),
        "" => "unknown".into(),
        other => format!("other:{other}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn case_5_9_os_mapping_matches_reference() {
        assert_eq!(os_name("macos"), "MacOS");
        assert_eq!(os_name("ios"), "iOS");
        assert_eq!(os_name("android"), "Android");
        assert_eq!(os_name("windows"), "Windows");
        assert_eq!(os_name("freebsd"), "FreeBSD");
        assert_eq!(os_name("openbsd"), "OpenBSD");
        assert_eq!(os_name("solaris"), "Other:solaris");
        assert_eq!(os_name(""), "Unknown");
    }

    #[test]
    fn arch_mapping_matches_reference() {
        assert_eq!(arch_name("x86_64"), "x64");
        assert_eq!(arch_name("aarch64"), "arm64");
        assert_eq!(arch_name("x86"), "x32");
        assert_eq!(arch_name("riscv64"), "other:riscv64");
        assert_eq!(arch_name(""), "unknown");
    }

    #[test]
    fn headers_carry_user_agent_and_version() {
        let h = PlatformInfo::current("OpenAI", "1.2.3").to_headers();
        assert_eq!(h["user-agent"], "OpenAI/Rust 1.2.3");
        assert_eq!(h["x-stainless-lang"], "rust");
        assert_eq!(h["x-stainless-package-version"], "1.2.3");
        assert_eq!(h["x-stainless-async"], "async:tokio");
        assert!(!h["x-stainless-runtime-version"].is_empty());
    }
}
