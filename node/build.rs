//! Sets the platform link arguments of a napi-rs addon.

fn main() {
    napi_build::setup();
}
