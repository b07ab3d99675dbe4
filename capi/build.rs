//! Gives the shared library a versioned SONAME on Linux, so that programs
//! linked against `libelements_auth.so` record `libelements_auth.so.<abi>`
//! and keep loading a compatible release, never an incompatible one.
//!
//! `<abi>` is the part of the version that semver lets break the ABI: the
//! major version from 1.0 on (`.so.1`), `0.<minor>` before it (`.so.0.1`),
//! as cargo-c does. scripts/install-capi.sh reads the SONAME back from the
//! built library to name the file and its symlinks.

fn main() {
    let major =
        std::env::var("CARGO_PKG_VERSION_MAJOR").expect("cargo sets CARGO_PKG_VERSION_MAJOR");
    let minor =
        std::env::var("CARGO_PKG_VERSION_MINOR").expect("cargo sets CARGO_PKG_VERSION_MINOR");
    let abi = if major == "0" {
        format!("0.{minor}")
    } else {
        major
    };
    if std::env::var("CARGO_CFG_TARGET_OS").as_deref() == Ok("linux") {
        println!("cargo:rustc-cdylib-link-arg=-Wl,-soname,libelements_auth.so.{abi}");
    }
}
