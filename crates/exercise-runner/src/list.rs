//! The exercises, in course order: what the runner shows about each (its file, its task in one
//! line, three hints). Each has its target in exercises/Cargo.toml, of the same name.

use crate::Exercise;

/// Every exercise, in course order.
pub const EXERCISES: &[Exercise] = &[
    Exercise {
        name: "bind-loopback",
        lesson: 1,
        level: "warm-up",
        file: "exercises/01-udp-echo/bind_loopback.rs",
        task: "bind a UDP socket on loopback, on a port the OS picks, and say which port it got",
        hints: [
            "Port 0 does not mean port 0. What does the socket say its address is, once bound?",
            "Binding port 0 asks the operating system for any free port; the socket's local_addr()\n\
             says which one it really got. 127.0.0.1 keeps the socket on this machine (0.0.0.0 would\n\
             listen on every interface).",
            "let socket = UdpSocket::bind(\"127.0.0.1:0\")?; let addr = socket.local_addr()?;\n\
             Ok((socket, addr))",
        ],
    },
    Exercise {
        name: "echo-once",
        lesson: 1,
        level: "warm-up",
        file: "exercises/01-udp-echo/echo_once.rs",
        task: "ask a UDP echo server once, and never wait for ever",
        hints: [
            "What does recv_from do when no reply ever comes? Make sure it cannot wait for ever.",
            "UDP does not retransmit: a lost datagram is simply gone. A read timeout on the socket turns\n\
                 \"wait for ever\" into an error after `timeout`, and the reply is only the n bytes recv_from\n\
                 says came, not the whole buffer.",
            "The socket is bound for you. Call socket.set_read_timeout(Some(timeout)) first, or a\n\
               lost reply makes recv_from wait for ever. Then socket.send_to(message, server), and\n\
               socket.recv_from(&mut buf) into a [0u8; 2048] buffer: return buf[..n].to_vec().\n\
               The `?` operator hands any error (the timeout too) back to the caller.",
        ],
    },
    Exercise {
        name: "echo-retry",
        lesson: 1,
        level: "medium",
        file: "exercises/01-udp-echo/echo_retry.rs",
        task: "resend a lost request up to N times, doubling the wait each time",
        hints: [
            "Ask, wait, and if nothing comes ask again: how many times, and how long each time?",
            "Retransmission with exponential backoff: each wait is twice the one before, so a slow\n\
                 server is not flooded. A read timeout is not the end: it is the signal to resend. Only\n\
                 after the last attempt does your code give up, with an error of its own (TimedOut).",
            "Loop `attempts` times: send_to, set_read_timeout(Some(wait)), recv_from.\n\
               A reply: return it. A timeout (ErrorKind::WouldBlock on Linux and macOS, TimedOut on\n\
               Windows): double `wait` and go round again. Any other error: return it.\n\
               After the loop, return io::Error::new(io::ErrorKind::TimedOut, ...).",
        ],
    },
    Exercise {
        name: "chat-line",
        lesson: 2,
        level: "warm-up",
        file: "exercises/02-udp-qq/chat_line.rs",
        task: "show a chat line as \"[sender] text\", whatever bytes the sender sent",
        hints: [
            "What if the bytes are not UTF-8, or end with a line break the sender's terminal added?",
            "A peer can send any bytes: decode lossily (String::from_utf8_lossy turns bad bytes into\n\
             U+FFFD) instead of failing, and drop the line end, \\n or \\r\\n (Windows), so the\n\
             display does not get blank lines.",
            "let text = String::from_utf8_lossy(bytes); let text = text.strip_suffix('\\n')\n\
             .unwrap_or(&text); the same for '\\r'; format!(\"[{from}] {text}\")",
        ],
    },
    Exercise {
        name: "chat-relay",
        lesson: 2,
        level: "warm-up",
        file: "exercises/02-udp-qq/chat_relay.rs",
        task: "a chat server's step: remember who spoke, pass the line on to everyone else",
        hints: [
            "Who sent the line, and who should get it?",
            "A UDP server learns its peers only from the addresses in recv_from. Remember each one\n\
                 once; a chat line goes to everyone except the one who said it.",
            "recv_from gives the bytes and the sender's address. If `peers` does not contain the\n\
               sender, push it. Then send_to the same bytes to every peer that is not the sender.",
        ],
    },
    Exercise {
        name: "chat-contacts",
        lesson: 2,
        level: "hard",
        file: "exercises/02-udp-qq/chat_contacts.rs",
        task: "a contact table that forgets idle peers and never grows past its capacity",
        hints: [
            "A table that can only grow is a leak: what makes a peer leave it?",
            "Two limits: idle peers are forgotten (idle for `idle` or more counts as gone), and a full\n\
                 table makes room by evicting the peer heard from longest ago (least recently used).",
            "Keep (address, last heard) pairs. Before anything else, drop every pair whose\n\
               now.saturating_duration_since(last) >= idle. heard_from: update the time of a known\n\
               peer; a new peer in a full table replaces the one with the oldest time.\n\
               targets: every remaining address except the sender.",
        ],
    },
    Exercise {
        name: "ntp-seconds",
        lesson: 3,
        level: "warm-up",
        file: "exercises/03-ntp-time/ntp_seconds.rs",
        task: "turn NTP's seconds since 1900 into Unix seconds since 1970",
        hints: [
            "NTP counts from 1900, Unix from 1970. How many seconds lie between, and what comes before 1970?",
            "The gap is 70 years with 17 leap days: 2,208,988,800 seconds. A time before 1970 has no\n\
             Unix seconds (u64 cannot be negative): say so with None instead of wrapping round.",
            "ntp_seconds.checked_sub(2_208_988_800)",
        ],
    },
    Exercise {
        name: "sntp-offset",
        lesson: 3,
        level: "warm-up",
        file: "exercises/03-ntp-time/sntp_offset.rs",
        task: "clock offset and round-trip delay from SNTP's four timestamps",
        hints: [
            "Draw the four timestamps on two clock lines, yours and the server's.",
            "Half of the two one-way differences is the offset (network delay cancels if both ways\n\
                 take as long); the delay is the round trip minus the time the server held the request.",
            "offset = ((t2 - t1) + (t3 - t4)) / 2: the server's clock ahead of yours.\n\
               delay = (t4 - t1) - (t3 - t2): the round trip minus the time the server held it.",
        ],
    },
    Exercise {
        name: "sntp-ask",
        lesson: 3,
        level: "hard",
        file: "exercises/03-ntp-time/sntp_ask.rs",
        task: "ask an SNTP server the time, and refuse any reply that is not a sane answer",
        hints: [
            "Would you believe any 48 bytes that come back? Which ones prove they answer you?",
            "SNTP (RFC 4330): the reply must come from the server, be long enough, be a server reply\n\
                 (mode 4), not a kiss-o'-death (stratum 0), and carry your own transmit timestamp as its\n\
                 origin timestamp: that is how a client knows the reply answers this request.",
            "Request: 48 zero bytes, byte 0 = 0x23 (version 4, mode 3), bytes 40..48 = to_ntp(now).\n\
               Wait until the deadline, skipping datagrams not from `server`. Then refuse (InvalidData)\n\
               a reply under 48 bytes, with byte0 & 7 != 4, byte 1 (stratum) == 0, bytes 24..32\n\
               (origin) != your bytes 40..48, or a zero transmit stamp; else from_ntp(bytes 40..48).",
        ],
    },
    Exercise {
        name: "line-end",
        lesson: 4,
        level: "warm-up",
        file: "exercises/04-tcp-remote-cmd/line_end.rs",
        task: "find where the first whole line ends in what TCP has delivered so far",
        hints: [
            "A read gave you \"a\\nbb\\n\". How long is the first line, and what if there is no \\n yet?",
            "Framing by line ends: the first line is everything up to and including the first \\n.\n\
             Without a \\n the line is not complete yet (wait for more bytes); a buffer may hold\n\
             several lines, and only the first counts here.",
            "buffer.iter().position(|&b| b == b'\\n').map(|i| i + 1)",
        ],
    },
    Exercise {
        name: "tcp-upper",
        lesson: 4,
        level: "warm-up",
        file: "exercises/04-tcp-remote-cmd/tcp_upper.rs",
        task: "a TCP server for one client: each line back in upper case, until the client hangs up",
        hints: [
            "Does one read() return one line? Try writing \"wor\", waiting, then \"ld\\n\".",
            "TCP delivers a byte stream, not messages (lesson 4's sticky packets): a read may hold\n\
                 half a line or a line and a half. Keep what you read until a \\n ends a line; a buffered\n\
                 reader does that for you. End of stream (0 bytes) means the client has closed its side.",
            "accept() one connection. TCP is a byte stream, so let a BufReader find the lines:\n\
               read_until(b'\\n', &mut line) returns 0 at the end of the stream. make_ascii_uppercase,\n\
               write_all the line back, and return Ok(()) at the end (dropping the stream closes it).",
        ],
    },
    Exercise {
        name: "read-frame",
        lesson: 4,
        level: "medium",
        file: "exercises/04-tcp-remote-cmd/read_frame.rs",
        task: "read length-prefixed frames that survive a peer writing one byte at a time",
        hints: [
            "read() may return a single byte. What if the header arrives one byte at a time?",
            "A frame is a 4-byte big-endian length, then that many bytes. Fill the header in a loop;\n\
                 0 bytes before any header byte is a clean end, later it is a cut stream. A length over\n\
                 `max` is refused before you allocate or read the payload (len == max is allowed).",
            "One read() may return any number of bytes from 1 up. Read the 4-byte header in a loop\n\
               until it is full: 0 bytes before the first byte is a clean end (Ok(None)), 0 bytes\n\
               later is UnexpectedEof. Refuse a length over `max` (InvalidData) before allocating,\n\
               then read_exact the payload: it loops for you and reports UnexpectedEof.",
        ],
    },
    Exercise {
        name: "piece-header",
        lesson: 5,
        level: "warm-up",
        file: "exercises/05-udp-remote-cmd/piece_header.rs",
        task: "read a piece's header (index, count) and refuse one that cannot be right",
        hints: [
            "Four bytes of header, then the bytes. Which headers can never be right?",
            "The header is two big-endian u16s: the piece's index, then the number of pieces. A\n\
             datagram shorter than its header, a count of 0, or an index that is not below the count\n\
             cannot be a piece: say None rather than trust it.",
            "if datagram.len() < 4 { return None } u16::from_be_bytes([d[0], d[1]]), the same for\n\
             d[2], d[3]; None if count == 0 || index >= count; else Some((index, count, &d[4..]))",
        ],
    },
    Exercise {
        name: "send-in-pieces",
        lesson: 5,
        level: "medium",
        file: "exercises/05-udp-remote-cmd/send_in_pieces.rs",
        task: "send a long reply as numbered datagrams (index, count, bytes)",
        hints: [
            "How many pieces does a reply need, and what if that number does not fit in 2 bytes?",
            "Each datagram carries (index, count) in 2 bytes each, big-endian, so the receiver can put\n\
                 the pieces back in order. Check every limit before sending anything: max_payload 0, and\n\
                 more than 65,535 pieces. An empty reply is still one piece, so the receiver hears something.",
            "reply.chunks(max_payload) gives the pieces (an empty reply is one empty piece).\n\
               u16::try_from(count) fails past 65,535. Each datagram: index.to_be_bytes(),\n\
               count.to_be_bytes(), then the piece.",
        ],
    },
    Exercise {
        name: "reassemble",
        lesson: 5,
        level: "hard",
        file: "exercises/05-udp-remote-cmd/reassemble.rs",
        task: "put numbered pieces back in order, ignore duplicates, and name the gaps",
        hints: [
            "Pieces come in any order, twice, or not at all. What must you remember per index?",
            "Keep one slot per index, sized by the count in the first piece; fill a slot once, so\n\
                 duplicates cannot count twice. Complete when every slot is filled; after `quiet` without\n\
                 a datagram, name the empty slots. A datagram shorter than its 4-byte header is skipped.",
            "set_read_timeout(Some(quiet)). Keep a Vec<Option<Vec<u8>>> sized by the first piece's\n\
               count; fill slot `index` once. All slots filled: Complete(joined in order). A timeout\n\
               (WouldBlock or TimedOut): Incomplete with the empty slots' indices, or a TimedOut error\n\
               if no piece came at all. Skip datagrams shorter than 4 bytes.",
        ],
    },
    Exercise {
        name: "is-timeout",
        lesson: 6,
        level: "warm-up",
        file: "exercises/06-empty-datagram/is_timeout.rs",
        task: "tell a read timeout from a real error, on every system",
        hints: [
            "A read timeout is an Err. Which kinds does it come as, on Linux and on Windows?",
            "recv_from reports its read timeout as an error: of kind WouldBlock on Linux and macOS,\n\
             TimedOut on Windows. Code that checks only one kind works on one system. Every other\n\
             kind (a refused connection, say) is a real error.",
            "matches!(err.kind(), io::ErrorKind::WouldBlock | io::ErrorKind::TimedOut)",
        ],
    },
    Exercise {
        name: "empty-or-timeout",
        lesson: 6,
        level: "warm-up",
        file: "exercises/06-empty-datagram/empty_or_timeout.rs",
        task: "tell an empty datagram from a timeout",
        hints: [
            "recv_from returned Ok((0, from)). Did something arrive?",
            "A UDP datagram may have no payload: 0 bytes is a real arrival, unlike TCP's 0 (end of\n\
                 stream). A timeout is not a 0-byte read but an error, of kind WouldBlock on Linux and macOS\n\
                 and TimedOut on Windows.",
            "recv_from returning Ok((0, _)) is an empty datagram: it really arrived. A timeout is\n\
               an Err, of kind WouldBlock on Linux and macOS and TimedOut on Windows: match both\n\
               and return Arrival::Nothing. Other errors are errors.",
        ],
    },
    Exercise {
        name: "heartbeat",
        lesson: 6,
        level: "medium",
        file: "exercises/06-empty-datagram/heartbeat.rs",
        task: "ping a server with an empty datagram; only its answer counts",
        hints: [
            "While you wait for the server, someone else writes to your socket. What then?",
            "Only a datagram from `server` is its answer. Everything else is ignored, and ignoring it\n\
                 must not move your deadline: compute it once, and before each read set the timeout to the\n\
                 time that is left.",
            "send_to(&[], server) is a ping with no payload. Compute a deadline = now + timeout,\n\
               then loop: set_read_timeout to the time left, recv_from; from == server means alive;\n\
               anyone else: keep waiting on the same deadline. A timeout means not alive: Ok(false).",
        ],
    },
    Exercise {
        name: "loss-percent",
        lesson: 7,
        level: "warm-up",
        file: "exercises/07-loss/loss_percent.rs",
        task: "the share of datagrams lost, in percent, without dividing by zero",
        hints: [
            "3 sent, 2 received: 33.3 %. What if nothing was sent, or duplicates make more arrive than left?",
            "Loss is (sent - received) / sent, as a percentage, in floating point (integer division\n\
             rounds 1/3 down to 0). Nothing sent means nothing lost, not NaN; duplicates can make\n\
             received exceed sent, which is no loss, not an overflow.",
            "if sent == 0 { return 0.0 } let lost = sent.saturating_sub(received);\n\
             100.0 * f64::from(lost) / f64::from(sent)",
        ],
    },
    Exercise {
        name: "send-numbered",
        lesson: 7,
        level: "warm-up",
        file: "exercises/07-loss/send_numbered.rs",
        task: "send numbered datagrams a receiver can count losses with",
        hints: [
            "What does a receiver need in each datagram to count what was lost?",
            "A sequence number in the first 4 bytes, big-endian, from 0, the rest zeros up to `size`.\n\
                 Size 4 holds just the number; below 4 there is no room, so refuse it before sending.",
            "Make one buffer of `size` zeros; for seq in 0..count copy seq.to_be_bytes() into its\n\
               first 4 bytes and send_to it. size < 4: return an InvalidInput error first.",
        ],
    },
    Exercise {
        name: "loss-tally",
        lesson: 7,
        level: "medium",
        file: "exercises/07-loss/loss_tally.rs",
        task: "count received, lost, duplicated and reordered datagrams by sequence number",
        hints: [
            "Number 2 arrives after 3, and then again. Which counters move?",
            "Track which numbers have been seen and the highest so far. A number seen before is a\n\
                 duplicate (and nothing else); a new one below the highest is reordered. Numbers outside\n\
                 0..expected and datagrams under 4 bytes are ignored; lost = expected - received.",
            "Keep a Vec<bool> of numbers seen and the highest number so far. Seen before: a\n\
               duplicate. New and lower than the highest: reordered. Stop at a read timeout\n\
               (WouldBlock or TimedOut); lost = expected - received.",
        ],
    },
    Exercise {
        name: "upper-line",
        lesson: 8,
        level: "warm-up",
        file: "exercises/08-many-clients/upper_line.rs",
        task: "the servers' one step: a line back in upper case, ASCII letters only",
        hints: [
            "What should \"straße\" become, and a last line that came without its \\n?",
            "The servers answer bytes, not text: upper-case ASCII letters only (make_ascii_uppercase\n\
             leaves every other byte alone, even bytes that are not UTF-8), and end the answer with\n\
             \\n so the client can find where it ends.",
            "let mut out = line.to_ascii_uppercase(); if !out.ends_with(b\"\\n\") { out.push(b'\\n') } out",
        ],
    },
    Exercise {
        name: "pool-server",
        lesson: 8,
        level: "hard",
        file: "exercises/08-many-clients/pool_server.rs",
        task: "turn a one-client-at-a-time server into a bounded pool of worker threads",
        hints: [
            "With 2 workers, can 2 clients be served at once? Can 3?",
            "A fixed pool bounds the threads: workers started up front take connections from a shared\n\
                 channel. The lock guards only taking the next connection: held while serving, it lets\n\
                 one worker run at a time.",
            "Start `workers` threads before accepting. Share an mpsc::Receiver<TcpStream> between\n\
               them in an Arc<Mutex<_>>; each worker locks it only to recv() the next stream, then\n\
               serves that client. The accept loop just sends each stream into the channel.",
        ],
    },
    Exercise {
        name: "async-server",
        lesson: 8,
        level: "hard",
        file: "exercises/08-many-clients/async_server.rs",
        task: "the same server on tokio: one task per client, on a single thread",
        hints: [
            "What happens to client 2 while your loop awaits client 1?",
            "One thread, many tasks: accept in a loop and spawn a task per client, so awaiting one\n\
                 client's read does not stop the others. Awaiting a client in the accept loop serves them\n\
                 one at a time.",
            "loop { let (stream, _) = listener.accept().await?; tokio::spawn(async move { ... }); }\n\
               In the task: stream.into_split(), a tokio BufReader on the read half, read_until(b'\\n')\n\
               .await until it returns 0, write_all the upper-cased line .await. Awaiting a client\n\
               in the accept loop instead of spawning serves one client at a time.",
        ],
    },
    Exercise {
        name: "is-ack",
        lesson: 9,
        level: "warm-up",
        file: "exercises/09-reliable-udp/is_ack.rs",
        task: "decide whether a datagram is the acknowledgement a sender waits for",
        hints: [
            "Four bytes came back. Are they the ACK for this message, and did the receiver send them?",
            "An ACK counts only if it carries the number of the message in flight (4 bytes,\n\
             big-endian) and comes from the receiver: an old ACK (a duplicate, delayed) or a\n\
             stranger's datagram must not move the sender on.",
            "from == receiver && datagram == seq.to_be_bytes()",
        ],
    },
    Exercise {
        name: "rto-estimator",
        lesson: 9,
        level: "medium",
        file: "exercises/09-reliable-udp/rto_estimator.rs",
        task: "the retransmission timeout of RFC 6298, with Karn's rule",
        hints: [
            "Which value changes first when a sample comes: SRTT or RTTVAR?",
            "RFC 6298: the first sample R sets SRTT = R, RTTVAR = R/2. Later ones update RTTVAR (gain\n\
                 1/4) from the old SRTT, then SRTT (gain 1/8). RTO = SRTT + 4 RTTVAR within [min, max]; a\n\
                 timeout doubles it; an ACK of a retransmitted segment gives no sample (Karn's rule).",
            "First sample R: SRTT = R, RTTVAR = R/2. Later: RTTVAR = 3/4 RTTVAR + 1/4 |SRTT - R|\n\
               (with the old SRTT), then SRTT = 7/8 SRTT + 1/8 R. RTO = SRTT + 4 RTTVAR, clamped\n\
               to [min, max]. on_timeout doubles the RTO (at most max). An ACK for a retransmitted\n\
               segment gives no sample at all (Karn).",
        ],
    },
    Exercise {
        name: "stop-and-wait",
        lesson: 9,
        level: "hard",
        file: "exercises/09-reliable-udp/stop_and_wait.rs",
        task: "deliver messages over a lossy link: send, wait for the ACK, resend on timeout",
        hints: [
            "Which datagram is the ACK you wait for, and from whom?",
            "Stop-and-wait ARQ: one message in flight; resend it when its timer expires, at most\n\
                 max_tries times. Only the receiver's ACK carrying this message's number counts: a stale\n\
                 ACK or a stranger's datagram is ignored, and does not restart the timer.",
            "For each message: datagram = seq.to_be_bytes() + bytes. Up to max_tries times: send it,\n\
               then wait until a deadline `rto` away for a datagram from `receiver` equal to\n\
               seq.to_be_bytes(); anything else (a stale ACK, a stranger) is skipped without\n\
               restarting the timer. No ACK after max_tries sends: a TimedOut error.",
        ],
    },
    Exercise {
        name: "retransmissions",
        lesson: 9,
        level: "hard",
        file: "exercises/09-reliable-udp/retransmissions.rs",
        task: "read a capture of a stop-and-wait run: which packets were sent again, and why",
        hints: [
            "How many times does one DATA packet appear in the file when the link delivers it once?",
            "The link writes its number of each datagram in the IPv4 identification field, the same\n\
             on the copy it sends on: a new number is a new send by the sender, the same number its\n\
             copy. A packet sent again was lost (no copy of the last send) or its ACK was.",
            "Skip the 24-byte file header (check the magic in both byte orders); per record read\n\
             16 bytes, the length kept at offset 8, then the IP packet: header length (byte 0 & 0x0f)\n\
             * 4, id at bytes 4-5, protocol 17; payload after 8 bytes of UDP. Keep (seq, id,\n\
             delivered) per send; for each send of a seq after the first: delivered before? AckLost\n\
             : DataLost. Use .get(..) on every slice so a cut file is an Err, not a panic.",
        ],
    },
    Exercise {
        name: "link-holds",
        lesson: 10,
        level: "warm-up",
        file: "exercises/10-sharing-the-link/link_holds.rs",
        task: "how many packets a link holds: its rate times the round trip, and its queue",
        hints: [
            "Is the time a packet and its ACK spend on the line the delay, or twice it?",
            "The line holds rate x round trip bytes (the bandwidth-delay product), the round trip\n\
                 being 2 x delay; count whole packets only, then add the packets the queue holds.",
            "let bytes = rate as u128 * (2 * delay).as_nanos() / 1_000_000_000;\n\
               (bytes / packet as u128) as u64 + queue. u128 keeps 100 Gbit/s for a second from\n\
               overflowing.",
        ],
    },
    Exercise {
        name: "jain-fairness",
        lesson: 10,
        level: "warm-up",
        file: "exercises/10-sharing-the-link/jain_fairness.rs",
        task: "read each flow's share from a run's JSON and compute Jain's fairness index",
        hints: [
            "Which numbers in the line are shares, and which are goodputs?",
            "Only the values after \"share_bytes_per_s\": count; each ends at the next ',' or '}'.\n\
                 Jain's index is (sum x)^2 / (n * sum x^2): 1 when all are equal, 1/n when one flow\n\
                 takes everything; with nothing at all (no flows, all zeros) call it 1.",
            "json.split(\"\\\"share_bytes_per_s\\\":\").skip(1), each piece cut at find([',', '}']) and\n\
               parsed as f64. Then sum, sum of squares; if the squares sum to 0 return 1.0, else\n\
               sum * sum / (n as f64 * squares).",
        ],
    },
    Exercise {
        name: "newreno",
        lesson: 10,
        level: "medium",
        file: "exercises/10-sharing-the-link/newreno.rs",
        task: "NewReno's congestion window: slow start, AIMD, one cut per recovery period",
        hints: [
            "Ten losses found one after the other in one window: how many times should it halve?",
            "Below ssthresh every byte acknowledged adds a byte (slow start); above it, a whole\n\
                 window of bytes acknowledged adds one segment. A loss halves the window (at least 2\n\
                 segments) and remembers when: packets sent before that moment neither cut again nor\n\
                 grow the window. A timeout sets ssthresh to half and the window to one segment.",
            "Fields: mss, cwnd, ssthresh (u64::MAX at first), acked (bytes counted in avoidance),\n\
               recovery_start: Option<Duration>. on_ack: return if recovery_start is Some(t) with\n\
               sent_at <= t; then cwnd += bytes below ssthresh, else acked += bytes and, when\n\
               acked >= cwnd, acked -= cwnd and cwnd += mss. on_loss: the same early return, then\n\
               recovery_start = Some(now), ssthresh = max(cwnd / 2, 2 mss), cwnd = ssthresh.",
        ],
    },
];
