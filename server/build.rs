//! Rebuilds the server when the browser client in `dist/` changes: the client is
//! compiled into the binary (`http::client`), and a client built after the server
//! (or a new chunk in it) must not leave a stale one inside.

fn main() {
    println!("cargo:rerun-if-changed=../dist");
}
