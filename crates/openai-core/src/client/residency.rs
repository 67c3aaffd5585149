//! [`DataResidency`]: the regional API hosts (`reference/client.md` 1.1).

use std::fmt;
use std::str::FromStr;

/// Where requests are processed: each region has its own API host.
/// [`ClientBuilder::data_residency`](crate::ClientBuilder::data_residency)
/// sends every request there; nothing else about the request changes.
///
/// ```
/// use openai_core::client::DataResidency;
///
/// let region: DataResidency = "eu".parse()?;
/// assert_eq!(region.base_url(), "https://eu.api.openai.com/v1");
/// # Ok::<(), openai_core::client::InvalidDataResidency>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum DataResidency {
    /// `https://api.openai.com/v1`.
    Global,
    /// `https://us.api.openai.com/v1`.
    Us,
    /// `https://eu.api.openai.com/v1`.
    Eu,
    /// `https://ae.api.openai.com/v1`.
    Ae,
}

impl DataResidency {
    /// The region's base URL.
    pub const fn base_url(self) -> &'static str {
        match self {
            Self::Global => "https://api.openai.com/v1",
            Self::Us => "https://us.api.openai.com/v1",
            Self::Eu => "https://eu.api.openai.com/v1",
            Self::Ae => "https://ae.api.openai.com/v1",
        }
    }

    /// The region's name: `global`, `us`, `eu` or `ae`.
    pub const fn as_str(self) -> &'static str {
        match self {
            Self::Global => "global",
            Self::Us => "us",
            Self::Eu => "eu",
            Self::Ae => "ae",
        }
    }
}

impl fmt::Display for DataResidency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for DataResidency {
    type Err = InvalidDataResidency;

    /// Exactly `global`, `us`, `eu` or `ae`, as Python accepts them.
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        match s {
            "global" => Ok(Self::Global),
            "us" => Ok(Self::Us),
            "eu" => Ok(Self::Eu),
            "ae" => Ok(Self::Ae),
            _ => Err(InvalidDataResidency(())),
        }
    }
}

/// A region name that is not `global`, `us`, `eu` or `ae`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct InvalidDataResidency(());

impl fmt::Display for InvalidDataResidency {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Invalid `data_residency`; expected one of 'global', 'us', 'eu', or 'ae'")
    }
}

impl std::error::Error for InvalidDataResidency {}
