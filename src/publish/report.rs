//! What a publish did: the one value every phase adds to, and the daemon, the server and
//! the command line read.

/// What a publish did.
#[derive(Debug, Default)]
pub struct PublishReport {
    /// Keys whose bytes were written (feeds, listing pages, OPML, stylesheet).
    pub written: Vec<String>,
    /// Article pages written.
    pub written_pages: Vec<String>,
    /// Keys rendered or checked and found unchanged.
    pub unchanged: usize,
    /// Keys of files removed from the publish folder (feeds and pages no longer planned).
    pub removed: Vec<String>,
    /// Keys that failed their parse-back check and were not published.
    pub failed: Vec<(String, String)>,
    /// Feeds planned (each in every format).
    pub feeds: usize,
    /// Keys of the notice pages of retracted and removed articles, which answer
    /// `410 Gone` (see [`crate::lifecycle::Stage::is_gone`]).
    pub gone_pages: Vec<String>,
    /// What a publish noticed about articles (path under the content root, and what):
    /// articles of one language sharing a `translation_key`, said when their pages are
    /// written.
    pub warnings: Vec<(String, String)>,
    /// True when the archives and sitemaps were left as they were, for a later whole
    /// publish (see [`super::Extent::News`]).
    pub deferred: bool,
    /// Restyled pages (see `restyle`) left for later publishes.
    pub restyle_left: usize,
    /// Archive documents (a month in a format) left out of date for later publishes (see
    /// [`super::Pass::restyle`]).
    pub archives_left: usize,
}
