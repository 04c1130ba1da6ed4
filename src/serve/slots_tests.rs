//! The slot rules: timeouts per phase, and which connection makes room.

use super::*;

const TIMEOUTS: Timeouts = Timeouts {
    header: 10_000,
    idle: 60_000,
};

fn view(phase: Phase, since: u64) -> View {
    View {
        phase,
        since,
        progress: since,
        evicting: false,
        heard: true,
    }
}

#[test]
fn an_idle_keep_alive_connection_lasts_the_idle_timeout_not_the_header_timeout() {
    let idle = view(Phase::Idle, 1_000);
    assert_eq!(verdict(idle, TIMEOUTS, 30_000), Verdict::Until(61_000));
    assert_eq!(verdict(idle, TIMEOUTS, 61_000), Verdict::Close);
}

#[test]
fn a_request_head_must_be_complete_within_the_header_timeout_of_its_first_byte() {
    let head = View {
        progress: 9_000,
        ..view(Phase::Head, 1_000)
    };
    assert_eq!(verdict(head, TIMEOUTS, 5_000), Verdict::Until(11_000));
    assert_eq!(verdict(head, TIMEOUTS, 11_000), Verdict::Drop);
}

#[test]
fn a_response_that_stops_moving_for_the_idle_timeout_is_dropped() {
    let busy = View {
        progress: 50_000,
        ..view(Phase::Busy, 1_000)
    };
    assert_eq!(verdict(busy, TIMEOUTS, 100_000), Verdict::Until(110_000));
    assert_eq!(verdict(busy, TIMEOUTS, 110_000), Verdict::Drop);
}

#[test]
fn an_evicted_connection_closes_at_once_unless_its_response_is_moving() {
    let evicted = |phase, progress| View {
        evicting: true,
        progress,
        ..view(phase, 0)
    };
    assert_eq!(
        verdict(evicted(Phase::Idle, 0), TIMEOUTS, 10),
        Verdict::Close
    );
    assert_eq!(
        verdict(evicted(Phase::Head, 0), TIMEOUTS, 10),
        Verdict::Drop
    );
    assert_eq!(
        verdict(evicted(Phase::Busy, 5), TIMEOUTS, 10),
        Verdict::Close
    );
    assert_eq!(
        verdict(evicted(Phase::Busy, 0), TIMEOUTS, 5_000),
        Verdict::Drop
    );
}

#[test]
fn the_connection_idle_longest_makes_room_before_any_slow_request() {
    let views = [
        ("slowloris", view(Phase::Head, 0)),
        ("idle-recently", view(Phase::Idle, 900)),
        ("idle-longest", view(Phase::Idle, 100)),
        ("answering", view(Phase::Busy, 0)),
    ];
    assert_eq!(victim(views, 1_000), Some("idle-longest"));
}

#[test]
fn without_idle_connections_the_oldest_unfinished_head_makes_room() {
    let views = [
        ("newest", view(Phase::Head, 990)),
        ("oldest", view(Phase::Head, 10)),
        ("answering", view(Phase::Busy, 0)),
    ];
    assert_eq!(victim(views, 1_000), Some("oldest"));
}

#[test]
fn a_moving_response_is_never_chosen_a_stalled_one_last() {
    let moving = View {
        progress: 9_900,
        ..view(Phase::Busy, 0)
    };
    assert_eq!(victim([("moving", moving)], 10_000), None);
    let stalled = view(Phase::Busy, 0);
    let views = [("moving", moving), ("stalled", stalled)];
    assert_eq!(victim(views, 10_000), Some("stalled"));
}

#[test]
fn a_connection_already_asked_is_not_asked_again() {
    let asked = View {
        evicting: true,
        ..view(Phase::Idle, 0)
    };
    let views = [("asked", asked), ("next", view(Phase::Head, 500))];
    assert_eq!(victim(views, 1_000), Some("next"));
}

#[test]
fn a_connection_just_accepted_gets_its_chance_to_send_its_head() {
    let fresh = View {
        heard: false,
        ..view(Phase::Head, 900)
    };
    assert_eq!(victim([("just accepted", fresh)], 1_000), None);
    assert_eq!(
        victim([("just accepted", fresh)], 1_150),
        Some("just accepted")
    );
    let trickling = view(Phase::Head, 990);
    let views = [("just accepted", fresh), ("trickling", trickling)];
    assert_eq!(victim(views, 1_200), Some("trickling"));
}
