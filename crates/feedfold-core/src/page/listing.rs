//! Pages that list articles (`listing.html`): the home page (`/`, every channel and the
//! newest articles) and a page per channel (`/{channel}/`).

use super::templates::{self, Common, TemplateProblem, Templates};
use crate::config::Site;
use crate::feed::{FeedMeta, FeedPlan, Item, Scope};

/// Everything a listing page shows.
pub struct Listing<'a> {
    /// The site title (`site.title`).
    pub site_title: &'a str,
    /// The absolute URL the site is served at (`site.base_url`).
    pub base_url: &'a str,
    /// The feed this page is the HTML side of.
    pub feed: &'a FeedMeta,
    /// Newest first.
    pub items: &'a [Item],
    /// Channels to link to (the home page lists them all; a channel page none).
    pub channels: &'a [&'a FeedMeta],
    /// Every feed to announce for autodiscovery.
    pub discover: &'a [&'a FeedMeta],
    /// True for the home page.
    pub home: bool,
    /// The site time zone, in which dates are shown.
    pub timezone: chrono_tz::Tz,
    /// The templates to render with.
    pub templates: &'a Templates,
}

/// The HTML page of a feed, composed from the plans: the home page for the site feed,
/// listing every channel and announcing every feed; otherwise the feed's own page,
/// announcing it and the site feed.
pub fn feed_page(
    site: &Site,
    templates: &Templates,
    plan: &FeedPlan,
    plans: &[FeedPlan],
    items: &[Item],
) -> Result<String, TemplateProblem> {
    let home = plan.scope == Scope::Site;
    let site_plan = plans.iter().find(|p| p.scope == Scope::Site);
    let channels: Vec<&FeedMeta> = plans
        .iter()
        .filter(|p| home && matches!(p.scope, Scope::Channel(_)))
        .map(|p| &p.meta)
        .collect();
    let discover: Vec<&FeedMeta> = if home {
        plans.iter().map(|p| &p.meta).collect()
    } else {
        std::iter::once(&plan.meta)
            .chain(site_plan.map(|s| &s.meta))
            .collect()
    };
    listing_page(&Listing {
        site_title: &site.title,
        base_url: &site.base_url,
        feed: &plan.meta,
        items,
        channels: &channels,
        discover: &discover,
        home,
        timezone: site.timezone.parse().unwrap_or(chrono_tz::UTC),
        templates,
    })
}

/// Renders a listing page. Retracted and removed articles leave listings at once.
pub fn listing_page(page: &Listing) -> Result<String, TemplateProblem> {
    let feed = page.feed;
    let common = Common {
        kind: "listing",
        site_title: page.site_title,
        base_url: page.base_url,
        lang: &feed.language,
        title: &feed.title,
        description: &feed.description,
        canonical: &feed.home_url,
        feeds: page.discover,
        crumb: (!page.home).then_some((feed.title.as_str(), feed.home_url.as_str())),
        timezone: page.timezone,
        marks: &page.feed.marks,
    };
    let items: Vec<&Item> = page.items.iter().filter(|i| i.removal.is_none()).collect();
    templates::listing(
        page.templates,
        &common,
        feed,
        page.home,
        &items,
        page.channels,
    )
}
