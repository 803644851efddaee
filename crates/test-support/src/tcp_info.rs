//! The kernel's own count of what a TCP connection has sent, which no safe crate exposes:
//! for tests that must tell "no segment was sent" from "an empty segment was sent", or show
//! that bytes were acknowledged (tests/claims.rs, tests/syn_retries.rs). Its getsockopt is the
//! workspace's one piece of `unsafe` outside the receive path (crates/guard/src/datagram.rs).

/// What the kernel has counted on the sending side of one TCP connection: the only way a
/// program can see what went on the wire without capturing packets. For tests and lessons
/// that must tell "no segment was sent" from "an empty segment was sent", or show that bytes
/// were acknowledged.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TcpSendCounters {
    /// Segments sent so far, with data or without (handshake, ACKs, FIN, retransmissions).
    pub segments_out: u64,
    /// Bytes of data sent so far (a retransmitted byte counts again).
    pub bytes_out: u64,
    /// Bytes of data the peer has acknowledged: Linux only, `None` elsewhere.
    pub bytes_acked: Option<u64>,
    /// Every byte written has been sent and acknowledged: the send queue is empty.
    pub send_queue_empty: bool,
}

/// Reads the kernel's counters for `stream`: `TCP_INFO` on Linux (tcp(7); the fields used
/// need Linux 4.19), `TCP_CONNECTION_INFO` on macOS. Windows has `SIO_TCP_INFO`, which this
/// course does not bind; there the function does not exist.
#[cfg(any(target_os = "linux", target_vendor = "apple"))]
pub fn tcp_send_counters(stream: &std::net::TcpStream) -> std::io::Result<TcpSendCounters> {
    use std::io;
    use std::os::fd::AsRawFd;

    #[cfg(target_os = "linux")]
    type Info = libc::tcp_info;
    #[cfg(target_os = "linux")]
    const OPTION: libc::c_int = libc::TCP_INFO;
    #[cfg(target_vendor = "apple")]
    type Info = libc::tcp_connection_info;
    #[cfg(target_vendor = "apple")]
    const OPTION: libc::c_int = libc::TCP_CONNECTION_INFO;

    let mut info = std::mem::MaybeUninit::<Info>::zeroed();
    let mut len = std::mem::size_of::<Info>() as libc::socklen_t;
    // Sound: `Info` is a C struct of plain integers, so all-zero bytes (and any bytes the
    // kernel writes) are a valid value of it. getsockopt writes at most `len` bytes into the
    // buffer we own, and the descriptor is borrowed from a `TcpStream` that outlives the call.
    #[allow(unsafe_code)]
    let (status, info) = unsafe {
        let status = libc::getsockopt(
            stream.as_raw_fd(),
            libc::IPPROTO_TCP,
            OPTION,
            info.as_mut_ptr().cast(),
            &mut len,
        );
        (status, info.assume_init())
    };
    if status != 0 {
        return Err(io::Error::last_os_error());
    }

    #[cfg(target_os = "linux")]
    {
        // An older kernel fills less of the struct: refuse rather than report zeros.
        let needed = std::mem::offset_of!(libc::tcp_info, tcpi_bytes_sent) + 8;
        if (len as usize) < needed {
            return Err(io::Error::new(
                io::ErrorKind::Unsupported,
                "this kernel's TCP_INFO has no tcpi_bytes_sent (Linux 4.19 or later needed)",
            ));
        }
        Ok(TcpSendCounters {
            segments_out: u64::from(info.tcpi_segs_out),
            bytes_out: info.tcpi_bytes_sent,
            bytes_acked: Some(info.tcpi_bytes_acked),
            send_queue_empty: info.tcpi_unacked == 0 && info.tcpi_notsent_bytes == 0,
        })
    }
    #[cfg(target_vendor = "apple")]
    {
        Ok(TcpSendCounters {
            segments_out: info.tcpi_txpackets,
            bytes_out: info.tcpi_txbytes,
            bytes_acked: None,
            // Sent bytes stay in the send buffer until they are acknowledged.
            send_queue_empty: info.tcpi_snd_sbbytes == 0,
        })
    }
}
