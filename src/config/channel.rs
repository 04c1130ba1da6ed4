//! `channel.toml`: what one channel folder may say about itself.

use serde::Deserialize;

use super::{ConfigError, invalid, is_language_tag};

/// `channel.toml`: optional per-channel settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {
    pub title: Option<String>,
    pub description: Option<String>,
    pub language: Option<String>,
    pub author: Option<String>,
}

impl ChannelConfig {
    /// Parses a channel's `channel.toml`.
    pub fn parse(text: &str) -> Result<ChannelConfig, ConfigError> {
        let channel: ChannelConfig =
            toml::from_str(text).map_err(|e| ConfigError::Syntax(e.to_string()))?;
        if let Some(lang) = &channel.language
            && !is_language_tag(lang)
        {
            return Err(invalid(
                "language",
                "must be a language tag like `ar` or `en-GB`",
            ));
        }
        Ok(channel)
    }
}
