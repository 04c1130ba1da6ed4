//! `channel.toml`: what one channel folder may say about itself.

use serde::Deserialize;

use super::{ConfigError, check_text, invalid, is_language_tag};

/// `channel.toml`: optional per-channel settings.
#[derive(Debug, Clone, Default, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct ChannelConfig {
    /// The channel's feed title; `None`: the site title, a dash and the channel name.
    pub title: Option<String>,
    /// The channel's feed description; `None`: the site's.
    pub description: Option<String>,
    /// BCP 47 language of the channel's feed and of its articles that give none; `None`:
    /// articles' languages are detected, the feed's is their most common one.
    pub language: Option<String>,
    /// Author of the channel's articles that name none; `None`: the site author.
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
        check_text("title", channel.title.as_deref())?;
        check_text("description", channel.description.as_deref())?;
        check_text("author", channel.author.as_deref())?;
        Ok(channel)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_control_character_in_a_channel_setting_is_rejected_naming_the_key() {
        let err = ChannelConfig::parse("author = \"\\u0000\"\n").unwrap_err();
        assert!(err.to_string().contains("author"), "{err}");
    }
}
