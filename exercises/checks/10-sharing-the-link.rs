// Checks for lesson 10's exercises: each is a list of named cases, and every case is run.

use std::time::Duration;

use exercise_harness::{Case, Check, case, expect_eq, expect_text, step};

use super::super::jain_fairness::{jain, shares};
use super::super::link_holds::link_holds;
use super::super::newreno::NewReno;

/// The cases of `newreno`.
pub const NEWRENO: &[Case] = &[
    case("initial_window_is_ten_segments", initial_window),
    case("slow_start_doubles_per_round_trip", slow_start_doubles),
    case("a_loss_halves_the_window", a_loss_halves),
    case(
        "avoidance_adds_one_segment_per_round_trip",
        avoidance_adds_one_segment,
    ),
    case("one_cut_per_recovery_period", one_cut_per_recovery_period),
    case(
        "no_growth_for_packets_sent_before_the_cut",
        no_growth_before_the_cut,
    ),
    case("a_loss_after_the_cut_cuts_again", a_loss_after_the_cut),
    case(
        "a_timeout_goes_back_to_one_segment",
        a_timeout_goes_back_to_one_segment,
    ),
    case("never_below_two_segments", never_below_two_segments),
];

/// The cases of `link-holds`.
pub const LINK_HOLDS: &[Case] = &[
    case("lesson_10s_link", lesson_10s_link),
    case(
        "round_trip_is_twice_the_delay",
        round_trip_is_twice_the_delay,
    ),
    case("whole_packets_only", whole_packets_only),
    case("the_queue_adds_its_packets", the_queue_adds_its_packets),
    case("no_overflow_at_100_gbit", no_overflow_at_100_gbit),
];

/// The cases of `jain-fairness`.
pub const JAIN_FAIRNESS: &[Case] = &[
    case("equal_shares_are_fair", equal_shares_are_fair),
    case("one_flow_takes_everything", one_flow_takes_everything),
    case("no_flows_or_only_zeros_is_fair", no_flows_is_fair),
    case("only_the_shares_are_read", only_the_shares_are_read),
    case("a_run_of_the_bench", a_run_of_the_bench),
];

const MSS: u64 = 1000;

fn ms(n: u64) -> Duration {
    Duration::from_millis(n)
}

/// The window and the threshold, as the check shows them.
fn state(cc: &NewReno) -> String {
    let threshold = match cc.ssthresh() {
        u64::MAX => "none".to_owned(),
        bytes => format!("{bytes}"),
    };
    format!("cwnd {}, ssthresh {threshold}", cc.cwnd())
}

/// `packets` packets of MSS bytes, all sent at `sent_at`, acknowledged.
fn acks(cc: &mut NewReno, packets: u64, sent_at: u64) {
    step(format!(
        "on_ack(sent at {sent_at} ms, {MSS} bytes), {packets} times"
    ));
    for _ in 0..packets {
        cc.on_ack(ms(sent_at), MSS);
    }
}

/// A window of 40 segments: two round trips of slow start, packets sent at 0 then 50 ms.
fn forty_segments() -> NewReno {
    step("new(1000)");
    let mut cc = NewReno::new(MSS);
    acks(&mut cc, 10, 0);
    acks(&mut cc, 20, 50);
    cc
}

fn initial_window() -> Check {
    step("new(1000): ten segments, no threshold yet");
    expect_text(state(&NewReno::new(MSS)), "cwnd 10000, ssthresh none")
}

fn slow_start_doubles() -> Check {
    step("new(1000)");
    let mut cc = NewReno::new(MSS);
    acks(&mut cc, 10, 0);
    expect_text(state(&cc), "cwnd 20000, ssthresh none")?;
    acks(&mut cc, 20, 50);
    expect_text(state(&cc), "cwnd 40000, ssthresh none")
}

fn a_loss_halves() -> Check {
    let mut cc = forty_segments();
    step("on_loss(sent at 100 ms, found at 160 ms)");
    cc.on_loss(ms(100), ms(160));
    expect_text(state(&cc), "cwnd 20000, ssthresh 20000")
}

fn avoidance_adds_one_segment() -> Check {
    let mut cc = forty_segments();
    step("on_loss(sent at 100 ms, found at 160 ms)");
    cc.on_loss(ms(100), ms(160));
    acks(&mut cc, 10, 170);
    step("half a window acknowledged: not yet");
    expect_text(state(&cc), "cwnd 20000, ssthresh 20000")?;
    acks(&mut cc, 10, 170);
    step("a whole window acknowledged: one segment more");
    expect_text(state(&cc), "cwnd 21000, ssthresh 20000")?;
    acks(&mut cc, 21, 220);
    expect_text(state(&cc), "cwnd 22000, ssthresh 20000")
}

fn one_cut_per_recovery_period() -> Check {
    let mut cc = forty_segments();
    step("on_loss(sent at 100 ms, found at 160, 161, ... 169 ms): ten losses of one window");
    for i in 0..10 {
        cc.on_loss(ms(100), ms(160 + i));
    }
    expect_text(state(&cc), "cwnd 20000, ssthresh 20000")
}

fn no_growth_before_the_cut() -> Check {
    let mut cc = forty_segments();
    step("on_loss(sent at 100 ms, found at 160 ms)");
    cc.on_loss(ms(100), ms(160));
    acks(&mut cc, 30, 100);
    step("packets sent before the cut: no growth");
    expect_text(state(&cc), "cwnd 20000, ssthresh 20000")
}

fn a_loss_after_the_cut() -> Check {
    let mut cc = forty_segments();
    step("on_loss(sent at 100 ms, found at 160 ms)");
    cc.on_loss(ms(100), ms(160));
    step("on_loss(sent at 170 ms, found at 230 ms): sent after the cut, a new event");
    cc.on_loss(ms(170), ms(230));
    expect_text(state(&cc), "cwnd 10000, ssthresh 10000")
}

fn a_timeout_goes_back_to_one_segment() -> Check {
    step("new(1000)");
    let mut cc = NewReno::new(MSS);
    acks(&mut cc, 10, 0);
    step("on_timeout(at 250 ms)");
    cc.on_timeout(ms(250));
    expect_text(state(&cc), "cwnd 1000, ssthresh 10000")?;
    acks(&mut cc, 1, 260);
    step("slow start again");
    expect_text(state(&cc), "cwnd 2000, ssthresh 10000")
}

fn never_below_two_segments() -> Check {
    step("new(1000)");
    let mut cc = NewReno::new(MSS);
    step("on_loss(sent at 100 k + 50 ms, found at 100 k + 60 ms) for k = 0..10");
    for k in 0..10 {
        cc.on_loss(ms(100 * k + 50), ms(100 * k + 60));
    }
    expect_text(state(&cc), "cwnd 2000, ssthresh 2000")
}

/// Jain's index as the check shows it: four decimals.
fn shown(index: f64) -> String {
    format!("{index:.4}")
}

fn equal_shares_are_fair() -> Check {
    step("jain([500000, 500000])");
    expect_text(shown(jain(&[500_000.0, 500_000.0])), "1.0000")?;
    step("jain([3, 3, 3])");
    expect_text(shown(jain(&[3.0, 3.0, 3.0])), "1.0000")
}

fn one_flow_takes_everything() -> Check {
    step("jain([1000000, 0]): 1/n with n = 2");
    expect_text(shown(jain(&[1_000_000.0, 0.0])), "0.5000")?;
    step("jain([9, 0, 0]): 1/3");
    expect_text(shown(jain(&[9.0, 0.0, 0.0])), "0.3333")?;
    step("jain([600, 300]): 900^2 / (2 x 450000)");
    expect_text(shown(jain(&[600.0, 300.0])), "0.9000")
}

fn no_flows_is_fair() -> Check {
    step("jain([])");
    expect_text(shown(jain(&[])), "1.0000")?;
    step("jain([0, 0])");
    expect_text(shown(jain(&[0.0, 0.0])), "1.0000")
}

/// One two-flow run as the bench prints it (`none + newreno` of lesson 10's run, its numbers
/// rounded as its table shows them).
const RUN: &str = "{\"overlap_seconds\":6.4700,\"jain\":0.8989,\"tail_drops\":91,\"flows\":[\
    {\"protocol\":\"none\",\"seconds\":6.4600,\"goodput_bytes_per_s\":649700,\
    \"shared_bytes\":4278611,\"share_bytes_per_s\":661300,\"failure\":null},\
    {\"protocol\":\"newreno\",\"seconds\":8.8100,\"goodput_bytes_per_s\":475800,\
    \"shared_bytes\":2129924,\"share_bytes_per_s\":329200,\"failure\":null}]}";

fn only_the_shares_are_read() -> Check {
    step(format!("shares({RUN})"));
    expect_eq(shares(RUN), vec![661_300.0, 329_200.0])?;
    step("shares of a line with a share last in its object: {\"share_bytes_per_s\":12.5}");
    expect_eq(shares("{\"share_bytes_per_s\":12.5}"), vec![12.5])
}

fn a_run_of_the_bench() -> Check {
    step(format!("jain(&shares({RUN}))"));
    expect_text(shown(jain(&shares(RUN))), "0.8989")
}

fn lesson_10s_link() -> Check {
    step("link_holds(1000000 B/s, 20 ms, 1024 B, queue 64): 40000 bytes = 39 packets, and 64");
    expect_eq(link_holds(1_000_000, ms(20), 1024, 64), 103)
}

fn round_trip_is_twice_the_delay() -> Check {
    step("link_holds(1000000 B/s, 50 ms, 1000 B, queue 0): 100 ms of 1 MB/s, 100 packets");
    expect_eq(link_holds(1_000_000, ms(50), 1000, 0), 100)
}

fn whole_packets_only() -> Check {
    step("link_holds(100000 B/s, 5 ms, 1024 B, queue 0): 1000 bytes, not one whole packet");
    expect_eq(link_holds(100_000, ms(5), 1024, 0), 0)
}

fn the_queue_adds_its_packets() -> Check {
    step("link_holds(1000000 B/s, 0 ms, 1024 B, queue 64): nothing on the line, 64 waiting");
    expect_eq(link_holds(1_000_000, ms(0), 1024, 64), 64)
}

fn no_overflow_at_100_gbit() -> Check {
    step("link_holds(12500000000 B/s, 1 s, 1500 B, queue 0): 25 GB on the line");
    expect_eq(
        link_holds(12_500_000_000, Duration::from_secs(1), 1500, 0),
        16_666_666,
    )
}
