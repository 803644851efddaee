//! The wrong solutions kept beside the reference ones, each as a patch to its reference
//! solution (../NN-lesson/mutants/NAME.patch) that build.rs applies into OUT_DIR/mutants/, and
//! each compiled in a module of its own that holds the wrong file, the reference solution of every other
//! file, and its lesson's checks. A test (crates/exercise-runner/tests/honest.rs) proves the check
//! rejects every one. A new case is added with the wrong solution it catches.
// Wrong code on purpose, some of it in shapes clippy rightly dislikes (a loop that never
// loops); the checks included here are linted where the other editions include them.
#![allow(clippy::all)]

/// One wrong solution: its exercise, its name, the bug, the case meant to catch it, and
/// the exercise's cases as they call this wrong code.
#[derive(Debug, Clone, Copy)]
pub struct Mutant {
    pub exercise: &'static str,
    pub name: &'static str,
    pub bug: &'static str,
    pub caught_by: &'static str,
    pub cases: &'static [exercise_harness::Case],
}

// BEGIN generated mutants
/// A module for one wrong solution: `$module` is the wrong file; every other exercise file
/// is the reference one (the glob import, which the local module shadows); `checks` holds
/// only the lesson's checks, which reach the code as `super::super::FILE`.
macro_rules! mutant {
    ($name:ident: $module:ident, $lesson:ident = $checks:literal) => {
        pub mod $name {
            #[allow(unused_imports)]
            pub use crate::solutions::*;
            pub mod $module {
                include!(concat!(
                    env!("OUT_DIR"),
                    "/mutants/",
                    stringify!($name),
                    ".rs"
                ));
            }
            pub mod checks {
                pub mod $lesson {
                    include!($checks);
                }
            }
        }
    };
}

mutant!(echo_once_no_read_timeout: echo_once, lesson1 = "../../checks/01-udp-echo.rs");
mutant!(echo_once_small_buffer: echo_once, lesson1 = "../../checks/01-udp-echo.rs");
mutant!(echo_once_whole_buffer: echo_once, lesson1 = "../../checks/01-udp-echo.rs");
mutant!(echo_retry_wait_not_doubled: echo_retry, lesson1 = "../../checks/01-udp-echo.rs");
mutant!(echo_retry_socket_error_passed_on: echo_retry, lesson1 = "../../checks/01-udp-echo.rs");
mutant!(echo_retry_one_attempt_too_many: echo_retry, lesson1 = "../../checks/01-udp-echo.rs");
mutant!(chat_relay_echoes_to_sender: chat_relay, lesson2 = "../../checks/02-udp-qq.rs");
mutant!(chat_relay_adds_sender_every_time: chat_relay, lesson2 = "../../checks/02-udp-qq.rs");
mutant!(chat_contacts_keeps_peer_idle_exactly_idle: chat_contacts, lesson2 = "../../checks/02-udp-qq.rs");
mutant!(chat_contacts_evicts_newest: chat_contacts, lesson2 = "../../checks/02-udp-qq.rs");
mutant!(chat_contacts_full_table_refuses: chat_contacts, lesson2 = "../../checks/02-udp-qq.rs");
mutant!(sntp_offset_offset_sign_flipped: sntp_offset, lesson3 = "../../checks/03-ntp-time.rs");
mutant!(sntp_offset_delay_includes_server_time: sntp_offset, lesson3 = "../../checks/03-ntp-time.rs");
mutant!(sntp_ask_no_origin_check: sntp_ask, lesson3 = "../../checks/03-ntp-time.rs");
mutant!(sntp_ask_takes_a_strangers_reply: sntp_ask, lesson3 = "../../checks/03-ntp-time.rs");
mutant!(sntp_ask_believes_kiss_of_death: sntp_ask, lesson3 = "../../checks/03-ntp-time.rs");
mutant!(tcp_upper_one_read_is_a_line: tcp_upper, lesson4 = "../../checks/04-tcp-remote-cmd.rs");
mutant!(tcp_upper_unicode_upper_case: tcp_upper, lesson4 = "../../checks/04-tcp-remote-cmd.rs");
mutant!(tcp_upper_first_line_only: tcp_upper, lesson4 = "../../checks/04-tcp-remote-cmd.rs");
mutant!(read_frame_len_at_max_refused: read_frame, lesson4 = "../../checks/04-tcp-remote-cmd.rs");
mutant!(read_frame_payload_read_before_the_max_check: read_frame, lesson4 = "../../checks/04-tcp-remote-cmd.rs");
mutant!(read_frame_header_in_one_read: read_frame, lesson4 = "../../checks/04-tcp-remote-cmd.rs");
mutant!(read_frame_cut_header_is_a_clean_end: read_frame, lesson4 = "../../checks/04-tcp-remote-cmd.rs");
mutant!(send_in_pieces_count_wraps_past_65535: send_in_pieces, lesson5 = "../../checks/05-udp-remote-cmd.rs");
mutant!(send_in_pieces_empty_reply_sends_nothing: send_in_pieces, lesson5 = "../../checks/05-udp-remote-cmd.rs");
mutant!(send_in_pieces_little_endian_index: send_in_pieces, lesson5 = "../../checks/05-udp-remote-cmd.rs");
mutant!(reassemble_no_short_datagram_guard: reassemble, lesson5 = "../../checks/05-udp-remote-cmd.rs");
mutant!(reassemble_duplicates_counted: reassemble, lesson5 = "../../checks/05-udp-remote-cmd.rs");
mutant!(reassemble_nothing_is_incomplete: reassemble, lesson5 = "../../checks/05-udp-remote-cmd.rs");
mutant!(empty_or_timeout_empty_is_nothing: empty_or_timeout, lesson6 = "../../checks/06-empty-datagram.rs");
mutant!(empty_or_timeout_timeout_is_an_error: empty_or_timeout, lesson6 = "../../checks/06-empty-datagram.rs");
mutant!(heartbeat_any_datagram_is_the_answer: heartbeat, lesson6 = "../../checks/06-empty-datagram.rs");
mutant!(heartbeat_stranger_restarts_the_wait: heartbeat, lesson6 = "../../checks/06-empty-datagram.rs");
mutant!(heartbeat_ping_with_payload: heartbeat, lesson6 = "../../checks/06-empty-datagram.rs");
mutant!(send_numbered_size_4_refused: send_numbered, lesson7 = "../../checks/07-loss.rs");
mutant!(send_numbered_little_endian: send_numbered, lesson7 = "../../checks/07-loss.rs");
mutant!(send_numbered_numbered_from_1: send_numbered, lesson7 = "../../checks/07-loss.rs");
mutant!(loss_tally_duplicate_also_received: loss_tally, lesson7 = "../../checks/07-loss.rs");
mutant!(loss_tally_duplicate_also_reordered: loss_tally, lesson7 = "../../checks/07-loss.rs");
mutant!(loss_tally_number_not_bounded: loss_tally, lesson7 = "../../checks/07-loss.rs");
mutant!(pool_server_lock_held_while_serving: pool_server, lesson8 = "../../checks/08-many-clients.rs");
mutant!(pool_server_thread_per_client: pool_server, lesson8 = "../../checks/08-many-clients.rs");
mutant!(async_server_awaits_each_client: async_server, lesson8 = "../../checks/08-many-clients.rs");
mutant!(async_server_first_line_only: async_server, lesson8 = "../../checks/08-many-clients.rs");
mutant!(rto_estimator_gains_swapped: rto_estimator, lesson9 = "../../checks/09-reliable-udp.rs");
mutant!(rto_estimator_srtt_updated_first: rto_estimator, lesson9 = "../../checks/09-reliable-udp.rs");
mutant!(rto_estimator_karn_ignored: rto_estimator, lesson9 = "../../checks/09-reliable-udp.rs");
mutant!(rto_estimator_backoff_uncapped: rto_estimator, lesson9 = "../../checks/09-reliable-udp.rs");
mutant!(stop_and_wait_any_4_bytes_is_an_ack: stop_and_wait, lesson9 = "../../checks/09-reliable-udp.rs");
mutant!(stop_and_wait_ack_from_anyone: stop_and_wait, lesson9 = "../../checks/09-reliable-udp.rs");
mutant!(stop_and_wait_timer_restarts: stop_and_wait, lesson9 = "../../checks/09-reliable-udp.rs");
mutant!(stop_and_wait_numbered_from_1: stop_and_wait, lesson9 = "../../checks/09-reliable-udp.rs");
mutant!(stop_and_wait_never_resends: stop_and_wait, lesson9 = "../../checks/09-reliable-udp.rs");
mutant!(bind_loopback_any_interface: bind_loopback, bind_loopback = "../../checks/bind_loopback.rs");
mutant!(bind_loopback_port_zero_returned: bind_loopback, bind_loopback = "../../checks/bind_loopback.rs");
mutant!(chat_line_keeps_the_line_end: chat_line, chat_line = "../../checks/chat_line.rs");
mutant!(chat_line_keeps_the_carriage_return: chat_line, chat_line = "../../checks/chat_line.rs");
mutant!(ntp_seconds_wraps_before_1970: ntp_seconds, ntp_seconds = "../../checks/ntp_seconds.rs");
mutant!(ntp_seconds_leap_days_forgotten: ntp_seconds, ntp_seconds = "../../checks/ntp_seconds.rs");
mutant!(line_end_newline_not_counted: line_end, line_end = "../../checks/line_end.rs");
mutant!(line_end_last_line_end: line_end, line_end = "../../checks/line_end.rs");
mutant!(piece_header_little_endian: piece_header, piece_header = "../../checks/piece_header.rs");
mutant!(piece_header_index_not_checked: piece_header, piece_header = "../../checks/piece_header.rs");
mutant!(is_timeout_linux_only: is_timeout, is_timeout = "../../checks/is_timeout.rs");
mutant!(is_timeout_every_error: is_timeout, is_timeout = "../../checks/is_timeout.rs");
mutant!(loss_percent_integer_division: loss_percent, loss_percent = "../../checks/loss_percent.rs");
mutant!(loss_percent_nothing_sent_is_nan: loss_percent, loss_percent = "../../checks/loss_percent.rs");
mutant!(loss_percent_more_received_overflows: loss_percent, loss_percent = "../../checks/loss_percent.rs");
mutant!(upper_line_unicode_upper_case: upper_line, upper_line = "../../checks/upper_line.rs");
mutant!(upper_line_no_line_end_added: upper_line, upper_line = "../../checks/upper_line.rs");
mutant!(is_ack_any_four_bytes: is_ack, is_ack = "../../checks/is_ack.rs");
mutant!(is_ack_anyone_may_ack: is_ack, is_ack = "../../checks/is_ack.rs");
mutant!(retransmissions_every_record_counted: retransmissions, retransmissions = "../../checks/retransmissions.rs");
mutant!(retransmissions_always_data_lost: retransmissions, retransmissions = "../../checks/retransmissions.rs");
mutant!(retransmissions_ip_header_always_20: retransmissions, retransmissions = "../../checks/retransmissions.rs");
mutant!(link_holds_one_way_delay: link_holds, lesson10 = "../../checks/10-sharing-the-link.rs");
mutant!(link_holds_queue_forgotten: link_holds, lesson10 = "../../checks/10-sharing-the-link.rs");
mutant!(newreno_halves_at_every_loss: newreno, lesson10 = "../../checks/10-sharing-the-link.rs");
mutant!(newreno_timeout_halves: newreno, lesson10 = "../../checks/10-sharing-the-link.rs");
mutant!(newreno_grows_per_ack_in_avoidance: newreno, lesson10 = "../../checks/10-sharing-the-link.rs");
mutant!(jain_fairness_reads_every_rate: jain_fairness, lesson10 = "../../checks/10-sharing-the-link.rs");
mutant!(jain_fairness_no_square_of_the_sum: jain_fairness, lesson10 = "../../checks/10-sharing-the-link.rs");

/// Every wrong solution, in course order.
pub const MUTANTS: &[Mutant] = &[
    Mutant {
        exercise: "echo-once",
        name: "no_read_timeout",
        bug: "no read timeout: a lost reply leaves recv_from waiting for ever",
        caught_by: "silence_is_an_error_after_the_timeout",
        cases: echo_once_no_read_timeout::checks::lesson1::ECHO_ONCE,
    },
    Mutant {
        exercise: "echo-once",
        name: "small_buffer",
        bug: "a 16-byte buffer: a longer reply is cut short",
        caught_by: "long_message",
        cases: echo_once_small_buffer::checks::lesson1::ECHO_ONCE,
    },
    Mutant {
        exercise: "echo-once",
        name: "whole_buffer",
        bug: "returns the whole buffer, not the n bytes that came",
        caught_by: "short_reply",
        cases: echo_once_whole_buffer::checks::lesson1::ECHO_ONCE,
    },
    Mutant {
        exercise: "echo-retry",
        name: "wait_not_doubled",
        bug: "waits first_wait every time instead of doubling it",
        caught_by: "waits_double",
        cases: echo_retry_wait_not_doubled::checks::lesson1::ECHO_RETRY,
    },
    Mutant {
        exercise: "echo-retry",
        name: "socket_error_passed_on",
        bug: "after the last attempt, hands on the socket's own timeout error (WouldBlock) instead of TimedOut",
        caught_by: "gives_up_with_timed_out",
        cases: echo_retry_socket_error_passed_on::checks::lesson1::ECHO_RETRY,
    },
    Mutant {
        exercise: "echo-retry",
        name: "one_attempt_too_many",
        bug: "sends attempts + 1 times",
        caught_by: "asks_three_times_at_most",
        cases: echo_retry_one_attempt_too_many::checks::lesson1::ECHO_RETRY,
    },
    Mutant {
        exercise: "chat-relay",
        name: "echoes_to_sender",
        bug: "sends the line back to its sender too",
        caught_by: "sender_does_not_get_its_own_line",
        cases: chat_relay_echoes_to_sender::checks::lesson2::CHAT_RELAY,
    },
    Mutant {
        exercise: "chat-relay",
        name: "adds_sender_every_time",
        bug: "adds the sender to peers every time it speaks",
        caught_by: "a_peer_is_added_once",
        cases: chat_relay_adds_sender_every_time::checks::lesson2::CHAT_RELAY,
    },
    Mutant {
        exercise: "chat-contacts",
        name: "keeps_peer_idle_exactly_idle",
        bug: "forgets a peer only after more than `idle` (idle for exactly 60 s is kept)",
        caught_by: "idle_for_exactly_idle_is_forgotten",
        cases: chat_contacts_keeps_peer_idle_exactly_idle::checks::lesson2::CHAT_CONTACTS,
    },
    Mutant {
        exercise: "chat-contacts",
        name: "evicts_newest",
        bug: "a new peer in a full table replaces the peer heard from most recently",
        caught_by: "full_table_evicts_the_oldest",
        cases: chat_contacts_evicts_newest::checks::lesson2::CHAT_CONTACTS,
    },
    Mutant {
        exercise: "chat-contacts",
        name: "full_table_refuses",
        bug: "a new peer in a full table is not added",
        caught_by: "full_table_evicts_the_oldest",
        cases: chat_contacts_full_table_refuses::checks::lesson2::CHAT_CONTACTS,
    },
    Mutant {
        exercise: "sntp-offset",
        name: "offset_sign_flipped",
        bug: "the offset with its sign flipped (your clock ahead of the server's)",
        caught_by: "server_ahead",
        cases: sntp_offset_offset_sign_flipped::checks::lesson3::SNTP_OFFSET,
    },
    Mutant {
        exercise: "sntp-offset",
        name: "delay_includes_server_time",
        bug: "the delay forgets to subtract the time the server held the request",
        caught_by: "server_ahead",
        cases: sntp_offset_delay_includes_server_time::checks::lesson3::SNTP_OFFSET,
    },
    Mutant {
        exercise: "sntp-ask",
        name: "no_origin_check",
        bug: "believes a reply whose origin timestamp is not the request's",
        caught_by: "reply_to_another_request_refused",
        cases: sntp_ask_no_origin_check::checks::lesson3::SNTP_ASK,
    },
    Mutant {
        exercise: "sntp-ask",
        name: "takes_a_strangers_reply",
        bug: "takes the first datagram from anyone as the answer",
        caught_by: "strangers_datagram_ignored",
        cases: sntp_ask_takes_a_strangers_reply::checks::lesson3::SNTP_ASK,
    },
    Mutant {
        exercise: "sntp-ask",
        name: "believes_kiss_of_death",
        bug: "believes a kiss-o'-death (stratum 0)",
        caught_by: "kiss_of_death_refused",
        cases: sntp_ask_believes_kiss_of_death::checks::lesson3::SNTP_ASK,
    },
    Mutant {
        exercise: "tcp-upper",
        name: "one_read_is_a_line",
        bug: "takes what one read() returns as one line (the sticky-packet mistake of lesson 4)",
        caught_by: "line_split_across_writes",
        cases: tcp_upper_one_read_is_a_line::checks::lesson4::TCP_UPPER,
    },
    Mutant {
        exercise: "tcp-upper",
        name: "unicode_upper_case",
        bug: "upper-cases every letter (ß becomes SS), not ASCII letters only",
        caught_by: "only_ascii_letters_change",
        cases: tcp_upper_unicode_upper_case::checks::lesson4::TCP_UPPER,
    },
    Mutant {
        exercise: "tcp-upper",
        name: "first_line_only",
        bug: "answers the first line, then returns",
        caught_by: "three_lines_in_one_write",
        cases: tcp_upper_first_line_only::checks::lesson4::TCP_UPPER,
    },
    Mutant {
        exercise: "read-frame",
        name: "len_at_max_refused",
        bug: "refuses a frame of exactly max bytes (len >= max)",
        caught_by: "length_equal_to_max_is_allowed",
        cases: read_frame_len_at_max_refused::checks::lesson4::READ_FRAME,
    },
    Mutant {
        exercise: "read-frame",
        name: "payload_read_before_the_max_check",
        bug: "allocates and reads the payload, then checks max",
        caught_by: "over_max_refused_before_reading_the_payload",
        cases: read_frame_payload_read_before_the_max_check::checks::lesson4::READ_FRAME,
    },
    Mutant {
        exercise: "read-frame",
        name: "header_in_one_read",
        bug: "reads the header with one read() (a read may return 1 byte)",
        caught_by: "one_byte_per_read",
        cases: read_frame_header_in_one_read::checks::lesson4::READ_FRAME,
    },
    Mutant {
        exercise: "read-frame",
        name: "cut_header_is_a_clean_end",
        bug: "a stream that ends inside a header is taken for a clean end (Ok(None))",
        caught_by: "end_inside_the_header",
        cases: read_frame_cut_header_is_a_clean_end::checks::lesson4::READ_FRAME,
    },
    Mutant {
        exercise: "send-in-pieces",
        name: "count_wraps_past_65535",
        bug: "the piece count cast with `as u16`, which wraps past 65,535",
        caught_by: "more_than_65535_pieces_is_refused",
        cases: send_in_pieces_count_wraps_past_65535::checks::lesson5::SEND_IN_PIECES,
    },
    Mutant {
        exercise: "send-in-pieces",
        name: "empty_reply_sends_nothing",
        bug: "an empty reply is no piece at all",
        caught_by: "empty_reply_is_one_empty_piece",
        cases: send_in_pieces_empty_reply_sends_nothing::checks::lesson5::SEND_IN_PIECES,
    },
    Mutant {
        exercise: "send-in-pieces",
        name: "little_endian_index",
        bug: "the index in little-endian byte order",
        caught_by: "three_pieces_last_one_short",
        cases: send_in_pieces_little_endian_index::checks::lesson5::SEND_IN_PIECES,
    },
    Mutant {
        exercise: "reassemble",
        name: "no_short_datagram_guard",
        bug: "no guard against datagrams shorter than 4 bytes",
        caught_by: "short_datagrams_are_skipped",
        cases: reassemble_no_short_datagram_guard::checks::lesson5::REASSEMBLE,
    },
    Mutant {
        exercise: "reassemble",
        name: "duplicates_counted",
        bug: "counts arrivals, not distinct pieces, to tell when it is complete",
        caught_by: "out_of_order_with_a_duplicate",
        cases: reassemble_duplicates_counted::checks::lesson5::REASSEMBLE,
    },
    Mutant {
        exercise: "reassemble",
        name: "nothing_is_incomplete",
        bug: "no piece at all is Incomplete with nothing missing, not TimedOut",
        caught_by: "nothing_at_all_is_timed_out",
        cases: reassemble_nothing_is_incomplete::checks::lesson5::REASSEMBLE,
    },
    Mutant {
        exercise: "empty-or-timeout",
        name: "empty_is_nothing",
        bug: "takes an empty datagram for nothing (0 bytes read = no data)",
        caught_by: "empty_datagram_is_empty",
        cases: empty_or_timeout_empty_is_nothing::checks::lesson6::EMPTY_OR_TIMEOUT,
    },
    Mutant {
        exercise: "empty-or-timeout",
        name: "timeout_is_an_error",
        bug: "hands the read timeout on as an error",
        caught_by: "silence_is_nothing",
        cases: empty_or_timeout_timeout_is_an_error::checks::lesson6::EMPTY_OR_TIMEOUT,
    },
    Mutant {
        exercise: "heartbeat",
        name: "any_datagram_is_the_answer",
        bug: "takes any datagram, a stranger's too, for the server's answer",
        caught_by: "strangers_datagram_is_not_the_answer",
        cases: heartbeat_any_datagram_is_the_answer::checks::lesson6::HEARTBEAT,
    },
    Mutant {
        exercise: "heartbeat",
        name: "stranger_restarts_the_wait",
        bug: "restarts the full wait after each stranger's datagram",
        caught_by: "strangers_do_not_extend_the_wait",
        cases: heartbeat_stranger_restarts_the_wait::checks::lesson6::HEARTBEAT,
    },
    Mutant {
        exercise: "heartbeat",
        name: "ping_with_payload",
        bug: "pings with \"ping\", not an empty datagram",
        caught_by: "answering_server_is_alive",
        cases: heartbeat_ping_with_payload::checks::lesson6::HEARTBEAT,
    },
    Mutant {
        exercise: "send-numbered",
        name: "size_4_refused",
        bug: "refuses size 4 (size <= 4), which has just room for the number",
        caught_by: "size_4_is_just_the_number",
        cases: send_numbered_size_4_refused::checks::lesson7::SEND_NUMBERED,
    },
    Mutant {
        exercise: "send-numbered",
        name: "little_endian",
        bug: "the number in little-endian byte order",
        caught_by: "twenty_numbered_datagrams",
        cases: send_numbered_little_endian::checks::lesson7::SEND_NUMBERED,
    },
    Mutant {
        exercise: "send-numbered",
        name: "numbered_from_1",
        bug: "numbers from 1",
        caught_by: "twenty_numbered_datagrams",
        cases: send_numbered_numbered_from_1::checks::lesson7::SEND_NUMBERED,
    },
    Mutant {
        exercise: "loss-tally",
        name: "duplicate_also_received",
        bug: "counts a duplicate as received too",
        caught_by: "loss_duplicate_and_reordering",
        cases: loss_tally_duplicate_also_received::checks::lesson7::LOSS_TALLY,
    },
    Mutant {
        exercise: "loss-tally",
        name: "duplicate_also_reordered",
        bug: "checks for reordering before duplicates, so a late duplicate counts as reordered too",
        caught_by: "loss_duplicate_and_reordering",
        cases: loss_tally_duplicate_also_reordered::checks::lesson7::LOSS_TALLY,
    },
    Mutant {
        exercise: "loss-tally",
        name: "number_not_bounded",
        bug: "no check that the number is below expected (number 99 indexes past the table)",
        caught_by: "short_and_out_of_range_datagrams_ignored",
        cases: loss_tally_number_not_bounded::checks::lesson7::LOSS_TALLY,
    },
    Mutant {
        exercise: "pool-server",
        name: "lock_held_while_serving",
        bug: "a worker holds the channel's lock while it serves, so only one client is served at a time",
        caught_by: "two_clients_at_once",
        cases: pool_server_lock_held_while_serving::checks::lesson8::POOL_SERVER,
    },
    Mutant {
        exercise: "pool-server",
        name: "thread_per_client",
        bug: "a new thread for every client: no bound at all",
        caught_by: "third_client_waits",
        cases: pool_server_thread_per_client::checks::lesson8::POOL_SERVER,
    },
    Mutant {
        exercise: "async-server",
        name: "awaits_each_client",
        bug: "awaits each client in the accept loop instead of spawning a task: one client at a time",
        caught_by: "fifty_clients_at_once",
        cases: async_server_awaits_each_client::checks::lesson8::ASYNC_SERVER,
    },
    Mutant {
        exercise: "async-server",
        name: "first_line_only",
        bug: "answers each client's first line, then closes",
        caught_by: "two_lines_per_client",
        cases: async_server_first_line_only::checks::lesson8::ASYNC_SERVER,
    },
    Mutant {
        exercise: "rto-estimator",
        name: "gains_swapped",
        bug: "alpha and beta swapped: RTTVAR gains 1/8, SRTT 1/4",
        caught_by: "gains_are_one_eighth_and_one_quarter",
        cases: rto_estimator_gains_swapped::checks::lesson9::RTO_ESTIMATOR,
    },
    Mutant {
        exercise: "rto-estimator",
        name: "srtt_updated_first",
        bug: "updates SRTT first, so RTTVAR is computed from the new SRTT",
        caught_by: "rttvar_uses_the_old_srtt",
        cases: rto_estimator_srtt_updated_first::checks::lesson9::RTO_ESTIMATOR,
    },
    Mutant {
        exercise: "rto-estimator",
        name: "karn_ignored",
        bug: "takes a sample from an ACK of a retransmitted segment (Karn's rule ignored)",
        caught_by: "karn_no_sample_from_a_retransmission",
        cases: rto_estimator_karn_ignored::checks::lesson9::RTO_ESTIMATOR,
    },
    Mutant {
        exercise: "rto-estimator",
        name: "backoff_uncapped",
        bug: "doubles the RTO without the max",
        caught_by: "backoff_capped_at_max",
        cases: rto_estimator_backoff_uncapped::checks::lesson9::RTO_ESTIMATOR,
    },
    Mutant {
        exercise: "stop-and-wait",
        name: "any_4_bytes_is_an_ack",
        bug: "takes any 4-byte datagram from the receiver for the ACK (a stale ACK too)",
        caught_by: "stale_ack_is_not_an_ack",
        cases: stop_and_wait_any_4_bytes_is_an_ack::checks::lesson9::STOP_AND_WAIT,
    },
    Mutant {
        exercise: "stop-and-wait",
        name: "ack_from_anyone",
        bug: "takes the right number from anyone for the ACK (a stranger's fake ACK too)",
        caught_by: "strangers_ack_is_ignored",
        cases: stop_and_wait_ack_from_anyone::checks::lesson9::STOP_AND_WAIT,
    },
    Mutant {
        exercise: "stop-and-wait",
        name: "timer_restarts",
        bug: "restarts a full rto after each datagram it ignores",
        caught_by: "ignored_datagrams_do_not_restart_the_timer",
        cases: stop_and_wait_timer_restarts::checks::lesson9::STOP_AND_WAIT,
    },
    Mutant {
        exercise: "stop-and-wait",
        name: "numbered_from_1",
        bug: "numbers the messages from 1",
        caught_by: "delivers_in_order_numbered_from_zero",
        cases: stop_and_wait_numbered_from_1::checks::lesson9::STOP_AND_WAIT,
    },
    Mutant {
        exercise: "stop-and-wait",
        name: "never_resends",
        bug: "sends each message once and waits rto * max_tries for its ACK",
        caught_by: "resends_a_lost_message_after_rto",
        cases: stop_and_wait_never_resends::checks::lesson9::STOP_AND_WAIT,
    },
    Mutant {
        exercise: "bind-loopback",
        name: "any_interface",
        bug: "binds 0.0.0.0, every interface, not loopback",
        caught_by: "address_is_loopback",
        cases: bind_loopback_any_interface::checks::bind_loopback::CASES,
    },
    Mutant {
        exercise: "bind-loopback",
        name: "port_zero_returned",
        bug: "returns the address it asked for (port 0), not the one it got",
        caught_by: "port_is_the_real_one",
        cases: bind_loopback_port_zero_returned::checks::bind_loopback::CASES,
    },
    Mutant {
        exercise: "chat-line",
        name: "keeps_the_line_end",
        bug: "keeps the line end in the text",
        caught_by: "line_end_removed",
        cases: chat_line_keeps_the_line_end::checks::chat_line::CASES,
    },
    Mutant {
        exercise: "chat-line",
        name: "keeps_the_carriage_return",
        bug: "removes \\n but keeps the \\r of a Windows line end",
        caught_by: "windows_line_end_removed",
        cases: chat_line_keeps_the_carriage_return::checks::chat_line::CASES,
    },
    Mutant {
        exercise: "ntp-seconds",
        name: "wraps_before_1970",
        bug: "wraps round below zero instead of saying None",
        caught_by: "before_1970_is_none",
        cases: ntp_seconds_wraps_before_1970::checks::ntp_seconds::CASES,
    },
    Mutant {
        exercise: "ntp-seconds",
        name: "leap_days_forgotten",
        bug: "forgets the 17 leap days (70 * 365 days)",
        caught_by: "unix_epoch",
        cases: ntp_seconds_leap_days_forgotten::checks::ntp_seconds::CASES,
    },
    Mutant {
        exercise: "line-end",
        name: "newline_not_counted",
        bug: "returns where the \\n is, not the length with it",
        caught_by: "one_line",
        cases: line_end_newline_not_counted::checks::line_end::CASES,
    },
    Mutant {
        exercise: "line-end",
        name: "last_line_end",
        bug: "finds the last \\n, not the first",
        caught_by: "two_lines_in_one_read",
        cases: line_end_last_line_end::checks::line_end::CASES,
    },
    Mutant {
        exercise: "piece-header",
        name: "little_endian",
        bug: "reads the numbers little-endian",
        caught_by: "big_endian",
        cases: piece_header_little_endian::checks::piece_header::CASES,
    },
    Mutant {
        exercise: "piece-header",
        name: "index_not_checked",
        bug: "trusts an index at or past the count",
        caught_by: "index_past_count_refused",
        cases: piece_header_index_not_checked::checks::piece_header::CASES,
    },
    Mutant {
        exercise: "is-timeout",
        name: "linux_only",
        bug: "knows only the Linux kind (WouldBlock), not Windows' TimedOut",
        caught_by: "timed_out_is_a_timeout",
        cases: is_timeout_linux_only::checks::is_timeout::CASES,
    },
    Mutant {
        exercise: "is-timeout",
        name: "every_error",
        bug: "takes every error for a timeout",
        caught_by: "refused_is_not_a_timeout",
        cases: is_timeout_every_error::checks::is_timeout::CASES,
    },
    Mutant {
        exercise: "loss-percent",
        name: "integer_division",
        bug: "divides in integers, so 1 lost of 3 is 0 %",
        caught_by: "one_in_three",
        cases: loss_percent_integer_division::checks::loss_percent::CASES,
    },
    Mutant {
        exercise: "loss-percent",
        name: "nothing_sent_is_nan",
        bug: "divides by zero when nothing was sent (NaN)",
        caught_by: "nothing_sent",
        cases: loss_percent_nothing_sent_is_nan::checks::loss_percent::CASES,
    },
    Mutant {
        exercise: "loss-percent",
        name: "more_received_overflows",
        bug: "subtracts without saturating: duplicates make it overflow",
        caught_by: "more_received_than_sent",
        cases: loss_percent_more_received_overflows::checks::loss_percent::CASES,
    },
    Mutant {
        exercise: "upper-line",
        name: "unicode_upper_case",
        bug: "upper-cases as text (ß becomes SS, bad bytes become U+FFFD)",
        caught_by: "only_ascii_letters",
        cases: upper_line_unicode_upper_case::checks::upper_line::CASES,
    },
    Mutant {
        exercise: "upper-line",
        name: "no_line_end_added",
        bug: "leaves a last line without its \\n",
        caught_by: "last_line_without_line_end",
        cases: upper_line_no_line_end_added::checks::upper_line::CASES,
    },
    Mutant {
        exercise: "is-ack",
        name: "any_four_bytes",
        bug: "takes any 4 bytes from the receiver for the ACK",
        caught_by: "stale_ack_refused",
        cases: is_ack_any_four_bytes::checks::is_ack::CASES,
    },
    Mutant {
        exercise: "is-ack",
        name: "anyone_may_ack",
        bug: "takes the right number from anyone",
        caught_by: "strangers_ack_refused",
        cases: is_ack_anyone_may_ack::checks::is_ack::CASES,
    },
    Mutant {
        exercise: "retransmissions",
        name: "every_record_counted",
        bug: "counts every DATA record as a send, so the link's copy looks like a retransmission",
        caught_by: "a_clean_run_has_none",
        cases: retransmissions_every_record_counted::checks::retransmissions::CASES,
    },
    Mutant {
        exercise: "retransmissions",
        name: "always_data_lost",
        bug: "blames every retransmission on a lost DATA packet, never on a lost ACK",
        caught_by: "a_lost_ack",
        cases: retransmissions_always_data_lost::checks::retransmissions::CASES,
    },
    Mutant {
        exercise: "retransmissions",
        name: "ip_header_always_20",
        bug: "takes every IPv4 header to be 20 bytes, so options shift the payload",
        caught_by: "ip_options_are_skipped",
        cases: retransmissions_ip_header_always_20::checks::retransmissions::CASES,
    },
    Mutant {
        exercise: "link-holds",
        name: "one_way_delay",
        bug: "counts one way of the trip, not the round trip",
        caught_by: "round_trip_is_twice_the_delay",
        cases: link_holds_one_way_delay::checks::lesson10::LINK_HOLDS,
    },
    Mutant {
        exercise: "link-holds",
        name: "queue_forgotten",
        bug: "forgets the packets waiting in the queue",
        caught_by: "the_queue_adds_its_packets",
        cases: link_holds_queue_forgotten::checks::lesson10::LINK_HOLDS,
    },
    Mutant {
        exercise: "newreno",
        name: "halves_at_every_loss",
        bug: "halves the window at every loss, even several of one window (no recovery period)",
        caught_by: "one_cut_per_recovery_period",
        cases: newreno_halves_at_every_loss::checks::lesson10::NEWRENO,
    },
    Mutant {
        exercise: "newreno",
        name: "timeout_halves",
        bug: "treats a timeout like a loss found by fast retransmit: halves the window instead of going back to one segment",
        caught_by: "a_timeout_goes_back_to_one_segment",
        cases: newreno_timeout_halves::checks::lesson10::NEWRENO,
    },
    Mutant {
        exercise: "newreno",
        name: "grows_per_ack_in_avoidance",
        bug: "adds a segment per segment acknowledged in congestion avoidance too (slow start for ever)",
        caught_by: "avoidance_adds_one_segment_per_round_trip",
        cases: newreno_grows_per_ack_in_avoidance::checks::lesson10::NEWRENO,
    },
    Mutant {
        exercise: "jain-fairness",
        name: "reads_every_rate",
        bug: "reads every number whose name ends in `_bytes_per_s`, the goodputs with the shares",
        caught_by: "only_the_shares_are_read",
        cases: jain_fairness_reads_every_rate::checks::lesson10::JAIN_FAIRNESS,
    },
    Mutant {
        exercise: "jain-fairness",
        name: "no_square_of_the_sum",
        bug: "takes the square root of the formula: sum / sqrt(n * sum of squares)",
        caught_by: "one_flow_takes_everything",
        cases: jain_fairness_no_square_of_the_sum::checks::lesson10::JAIN_FAIRNESS,
    },
];
// END generated mutants
