//! The one list of Wine gaps: Windows socket behaviour that the course's tests assert (from
//! Microsoft's Winsock documentation) but that Wine, which CI uses to run the Windows suite
//! on Linux, does not reproduce. Under Wine (`SOCKET_LESSONS_UNDER_WINE=1`, set by
//! `.ci/wine-tests`) a test skips only the assertion named here, with a NOTICE:
//!
//! ```ignore
//! if !wine_gap(Gap::MsgSizeNotReported) {
//!     assert_eq!(err.raw_os_error(), Some(WSAEMSGSIZE));
//! }
//! ```
//!
//! On real Windows, and on Linux and macOS, [`wine_gap`] is always false: every assertion runs.

/// One piece of Windows behaviour that Wine does not reproduce.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Gap {
    /// A datagram longer than the buffer: Windows' `recvfrom` fails with WSAEMSGSIZE after
    /// filling the buffer.
    MsgSizeNotReported,
    /// A UDP datagram sent to a port nobody has: Windows reports the ICMP port unreachable that
    /// comes back as WSAECONNRESET on the sender's next `recvfrom`.
    PortUnreachableNotReported,
    /// Closing a TCP socket whose SO_LINGER is on with a zero timeout: Windows sends a reset,
    /// so the peer's next read fails with WSAECONNRESET.
    LingerZeroResetNotSent,
    /// Binding an address that is not one of the machine's: Windows fails with
    /// WSAEADDRNOTAVAIL.
    ForeignAddressBindAccepted,
}

impl Gap {
    /// What Wine does instead, and why the assertion cannot hold there.
    pub fn reason(self) -> &'static str {
        match self {
            Gap::MsgSizeNotReported => {
                "Wine maps recvfrom to Linux's recvmsg, which cuts a long datagram silently; \
                 it returns the bytes that fit instead of failing with WSAEMSGSIZE"
            }
            Gap::PortUnreachableNotReported => {
                "Wine does not turn the ICMP port unreachable Linux receives into WSAECONNRESET \
                 on an unconnected UDP socket; the next recvfrom just waits"
            }
            Gap::LingerZeroResetNotSent => {
                "Wine's closesocket with SO_LINGER {on, 0} does not make Linux send a reset"
            }
            Gap::ForeignAddressBindAccepted => {
                "Wine's bind does not fail with WSAEADDRNOTAVAIL for an address the machine does \
                 not have"
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
pub fn wine_gap(gap: Gap) -> bool {
    if !under_wine() {
        return false;
    }
    eprintln!(
        "NOTICE: skipping the Windows assertion {gap:?}: Wine gap: {}",
        gap.reason()
    );
    true
}
