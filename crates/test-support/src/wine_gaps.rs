//! The one list of Wine gaps: Windows socket behaviour that the course's tests assert (from
//! Microsoft's Winsock documentation) but that Wine, which CI uses to run the Windows suite
//! on Linux (`.ci/wine-tests`, Debian's Wine 8), does not reproduce. Under Wine
//! (`SOCKET_LESSONS_UNDER_WINE=1`) a test skips only the assertion a gap names, with a NOTICE:
//!
//! ```text
//! let result = sender.recv_from(&mut buf);
//! if !wine_gap(Gap::PortUnreachableNotReported) {
//!     assert_eq!(result.unwrap_err().kind(), io::ErrorKind::ConnectionReset);
//! }
//! ```
//!
//! On real Windows, and on Linux and macOS, [`wine_gap`] is always false: every assertion runs.
//!
//! Not listed, because the course works around it instead of skipping anything: a datagram
//! longer than the buffer fails with WSAEMSGSIZE on Windows, with the buffer filled; Wine says
//! WSAEMSGSIZE too but reports 0 bytes received, so `guard::recv_datagram` takes the
//! buffer's length for a cut datagram (what Windows reports anyway).

/// One piece of Windows behaviour that Wine does not reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// A UDP datagram sent to a port nobody has: Windows reports the ICMP "port unreachable"
    /// that comes back as WSAECONNRESET on the sender's next receive, whether the socket is
    /// connected or not (WSARecvFrom, "WSAECONNRESET ... a previous send operation resulted in
    /// an ICMP Port Unreachable message"; SIO_UDP_CONNRESET turns it off).
    PortUnreachableNotReported,
    /// A TCP peer resets the connection (say, an abortive close: SO_LINGER on with a zero
    /// timeout, then closesocket): Windows fails the next receive with WSAECONNRESET.
    LingerZeroResetNotSeen,
    /// Binding an address that is not one of the machine's: Windows' bind fails with
    /// WSAEADDRNOTAVAIL ("not a valid local IP address on this computer").
    ForeignAddressBindAccepted,
    /// A receive buffer set with SO_RCVBUF: Windows keeps about that many bytes of datagrams
    /// and reports the size it keeps.
    ReceiveBufferLargerThanReported,
    /// A bind to port 0: Windows picks the port from its dynamic range, 49152-65535 (the
    /// default since Vista; `netsh int ipv4 show dynamicport udp`).
    EphemeralPortsFromLinuxRange,
    /// A file saved in a watched folder: Windows reports it to ReadDirectoryChangesW, which
    /// the `notify` crate (the exercises' `watch`) waits on.
    FileEventsNotDelivered,
}

impl Gap {
    /// What Wine does instead, and so why the assertion cannot hold there.
    pub fn reason(self) -> &'static str {
        match self {
            Gap::PortUnreachableNotReported => {
                "Wine does not turn the ICMP port unreachable into WSAECONNRESET on a UDP \
                 socket, connected or not: the next receive just waits until its timeout"
            }
            Gap::LingerZeroResetNotSeen => {
                "Wine sends the reset, but its receive reports a reset from the peer as an \
                 orderly end of stream (0 bytes), not WSAECONNRESET"
            }
            Gap::ForeignAddressBindAccepted => {
                "Wine's bind accepts an address the machine does not have instead of failing \
                 with WSAEADDRNOTAVAIL"
            }
            Gap::ReceiveBufferLargerThanReported => {
                "Wine reports the SO_RCVBUF size the program set, but the Linux socket beneath \
                 reserves twice that (socket(7)), so more datagrams are kept than reported"
            }
            Gap::EphemeralPortsFromLinuxRange => {
                "Wine's port-0 bind gets its port from Linux's net.ipv4.ip_local_port_range \
                 (32768-60999 by default), not from Windows' 49152-65535"
            }
            Gap::FileEventsNotDelivered => {
                "Wine's ReadDirectoryChangesW did not report the saved file to the watch, so \
                 only its fallback (Enter checks again) can be tried there"
            }
        }
    }
}

/// Is this test process running under Wine (`SOCKET_LESSONS_UNDER_WINE=1`)?
pub fn under_wine() -> bool {
    std::env::var_os("SOCKET_LESSONS_UNDER_WINE").is_some_and(|value| value == "1")
}

/// True, after printing a NOTICE, when running under Wine: the caller then skips the one
/// Windows assertion that `gap` names. False everywhere else, so the assertion runs.
///
/// The NOTICE names the test (libtest names each test's thread after it). A passing test's
/// output is hidden by the test harness, so when `SOCKET_LESSONS_NOTICE_LOG` names a file the
/// NOTICE is also appended there: `.ci/wine-tests` prints that file at the end.
pub fn wine_gap(gap: Gap) -> bool {
    if !under_wine() {
        return false;
    }
    let thread = std::thread::current();
    let test = thread.name().unwrap_or("?");
    let notice = format!(
        "NOTICE: skipping the Windows assertion {gap:?} in {test}: Wine gap: {}",
        gap.reason()
    );
    eprintln!("{notice}");
    if let Some(log) = std::env::var_os("SOCKET_LESSONS_NOTICE_LOG") {
        use std::io::Write;
        let appended = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&log)
            .and_then(|mut file| writeln!(file, "{notice}"));
        if let Err(err) = appended {
            eprintln!("(could not add it to {}: {err})", log.to_string_lossy());
        }
    }
    true
}
