//! The address flag of every lesson's program, written once: a server's `--addr` (where it
//! listens) and a client's `--server` (whom it talks to). A program flattens one into its own
//! `Args` with `#[command(flatten)]`, naming its lesson's port from `common::defaults`:
//!
//! ```
//! use clap::Parser;
//!
//! #[derive(Parser)]
//! struct Args {
//!     #[command(flatten)]
//!     listen: address_flags::Listen<{ common::defaults::UDP_ECHO.port() }>,
//! }
//!
//! let args = Args::parse_from(["udp-echo-server"]);
//! assert_eq!(args.listen.addr, common::defaults::UDP_ECHO);
//! ```

use std::net::{Ipv4Addr, SocketAddr};

/// `--addr HOST:PORT`: where a server listens, an IP address and a port (port 0 picks a free
/// one); by default `127.0.0.1:PORT`.
#[derive(clap::Args)]
pub struct Listen<const PORT: u16> {
    #[arg(long, value_name = "HOST:PORT", value_parser = common::parse_addr,
          default_value_t = loopback(PORT), help = format!(
            "Where to listen: IP and port, like 127.0.0.1:{PORT} or [::1]:{PORT} \
             (port 0 picks a free one)"))]
    pub addr: SocketAddr,
}

/// `--server HOST:PORT`: the server a client talks to, an IP address or a name (resolved once,
/// at the start); by default `127.0.0.1:PORT`.
#[derive(clap::Args)]
pub struct Server<const PORT: u16> {
    #[arg(long = "server", value_name = "HOST:PORT", value_parser = common::parse_server_addr,
          default_value_t = loopback(PORT), help = format!(
            "The server: IP and port, like 127.0.0.1:{PORT} or [::1]:{PORT}, \
             or a name, like localhost:{PORT}"))]
    pub addr: SocketAddr,
}

fn loopback(port: u16) -> SocketAddr {
    SocketAddr::from((Ipv4Addr::LOCALHOST, port))
}

#[cfg(test)]
mod tests {
    use clap::Parser;

    #[derive(Parser)]
    struct ServerArgs {
        #[command(flatten)]
        listen: super::Listen<8080>,
    }

    #[derive(Parser)]
    struct ClientArgs {
        #[command(flatten)]
        server: super::Server<8081>,
    }

    #[test]
    fn each_flag_defaults_to_its_port_on_loopback_and_takes_an_address() {
        let server = ServerArgs::try_parse_from(["s"]).map(|args| args.listen.addr);
        assert_eq!(server.ok(), Some(common::defaults::UDP_ECHO));
        let v6 = ServerArgs::try_parse_from(["s", "--addr", "[::1]:0"]).map(|a| a.listen.addr);
        assert_eq!(
            v6.ok(),
            Some("[::1]:0".parse().unwrap_or(common::defaults::UDP_ECHO))
        );
        let client = ClientArgs::try_parse_from(["c"]).map(|args| args.server.addr);
        assert_eq!(client.ok(), Some(common::defaults::UDP_QQ));
    }

    #[test]
    fn a_bad_address_is_refused_with_the_parsers_message() {
        let err = ServerArgs::try_parse_from(["s", "--addr", "localhost:1"]).err();
        let text = err.map(|err| err.to_string()).unwrap_or_default();
        assert!(text.contains("is not HOST:PORT"), "{text}");
        assert!(ClientArgs::try_parse_from(["c", "--server", "no-port"]).is_err());
    }

    #[test]
    fn help_shows_the_flag_with_its_lessons_port() {
        use clap::CommandFactory;
        let help = ServerArgs::command().render_help().to_string();
        assert!(help.contains("--addr <HOST:PORT>"), "{help}");
        assert!(help.contains("like 127.0.0.1:8080 or [::1]:8080"), "{help}");
        assert!(help.contains("[default: 127.0.0.1:8080]"), "{help}");
        let help = ClientArgs::command().render_help().to_string();
        assert!(help.contains("--server <HOST:PORT>"), "{help}");
        assert!(help.contains("localhost:8081"), "{help}");
    }
}
