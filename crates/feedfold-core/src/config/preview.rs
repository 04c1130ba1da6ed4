//! `feedfold serve --preview`: how a preview differs from the real site. Pure: the
//! configuration as the file says it in, the preview's out.
//!
//! A preview is for the editor at this machine: it listens on loopback only, its links
//! point at that address (so clicking around stays in the preview), it publishes into a
//! folder and an index of its own under the state folder (never the real publish folder,
//! never the bucket, no hub pings, no `on_change` command, no operator page), and it shows
//! drafts and scheduled articles, marked as such. Its pages say `noindex` and reload when a
//! publish changes something (the one place a script runs: see `serve`).

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use super::{Config, ConfigError, TargetKind, invalid};

/// The folder, under `paths.state`, holding the preview's index and publish folder.
pub const PREVIEW_STATE: &str = "preview";

/// The preview's publish folder, under [`PREVIEW_STATE`].
pub const PREVIEW_PUBLISH: &str = "public";

/// Turns `config` into its preview: loopback (the configured port, or `listen` as given
/// on the command line, which must be loopback), links at that address, nothing sent
/// anywhere. Paths are moved by [`move_paths`] once they are resolved.
pub(super) fn apply(config: &mut Config, listen_given: bool) -> Result<(), ConfigError> {
    let key = "serve.listen";
    // One that does not parse is reported by the checks that follow.
    let Ok(mut addr) = config.serve.listen.parse::<SocketAddr>() else {
        return Ok(());
    };
    if !addr.ip().is_loopback() {
        if listen_given {
            return Err(invalid(
                key,
                "a preview listens on loopback only (drafts and embargoed stories are in it): \
                 use an address such as `127.0.0.1:8080`",
            ));
        }
        addr.set_ip(IpAddr::V4(Ipv4Addr::LOCALHOST));
    }
    if addr.port() == 0 {
        return Err(invalid(
            key,
            "a preview needs a fixed port: its links name it (e.g. `127.0.0.1:8080`)",
        ));
    }
    config.serve.listen = addr.to_string();
    config.site.base_url = format!("http://{addr}");
    config.serve.admin_listen = None;
    config.publish.target = TargetKind::Dir;
    config.publish.s3 = None;
    config.publish.on_change = None;
    config.websub.hubs.clear();
    config.preview = true;
    Ok(())
}

/// The preview's own index and publish folder, under the (resolved) state folder.
pub(super) fn move_paths(config: &mut Config) {
    let state = config.paths.state.join(PREVIEW_STATE);
    config.paths.publish = state.join(PREVIEW_PUBLISH);
    config.paths.state = state;
}

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::config::{Config, Overrides, TargetKind};

    const SITE: &str = "[site]\ntitle = \"T\"\nbase_url = \"https://news.example.org\"\n\
        [serve]\nlisten = \"0.0.0.0:8181\"\nadmin_listen = \"127.0.0.1:8182\"\n\
        [websub]\nhubs = [\"https://hub.example.org/\"]\n\
        [publish]\ntarget = \"s3\"\non_change = \"purge\"\n\
        [publish.s3]\nbucket = \"b\"\n";

    fn preview(listen: Option<&str>) -> Result<Config, String> {
        let overrides = Overrides {
            listen: listen.map(str::to_string),
            preview: true,
        };
        Config::parse_with(SITE, Path::new("/site"), &overrides).map_err(|p| p.to_string())
    }

    #[test]
    fn a_preview_links_to_its_loopback_address_and_sends_nothing_anywhere() {
        let config = preview(None).unwrap();
        assert!(config.preview);
        assert_eq!(config.serve.listen, "127.0.0.1:8181");
        assert_eq!(config.site.base_url, "http://127.0.0.1:8181");
        assert_eq!(config.publish.target, TargetKind::Dir);
        assert!(config.publish.s3.is_none() && config.publish.on_change.is_none());
        assert!(config.websub.hubs.is_empty() && config.serve.admin_listen.is_none());
    }

    #[test]
    fn a_preview_has_a_folder_and_an_index_of_its_own_under_the_state_folder() {
        let config = preview(Some("[::1]:9000")).unwrap();
        assert_eq!(config.site.base_url, "http://[::1]:9000");
        assert_eq!(config.paths.state, Path::new("/site/.feedfold/preview"));
        assert_eq!(
            config.paths.publish,
            Path::new("/site/.feedfold/preview/public")
        );
        assert_eq!(config.paths.feeds, Path::new("/site/feeds"));
    }

    #[test]
    fn a_preview_refuses_a_public_address_or_a_port_chosen_by_the_system() {
        let public = preview(Some("0.0.0.0:9000")).unwrap_err();
        assert!(public.contains("loopback only"), "{public}");
        let any = preview(Some("127.0.0.1:0")).unwrap_err();
        assert!(any.contains("fixed port"), "{any}");
    }

    #[test]
    fn without_preview_nothing_changes() {
        let config = Config::parse(SITE, Path::new("/site")).unwrap();
        assert!(!config.preview);
        assert_eq!(config.site.base_url, "https://news.example.org");
        assert_eq!(config.paths.publish, Path::new("/site/public"));
    }
}
