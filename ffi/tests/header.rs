//! The checked-in C header is what cbindgen generates from the source now.
//! Regenerate with `NK_BLESS=1 cargo test -p neurokern-ffi --test header`.

#[test]
fn header_is_current() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let config =
        cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).expect("cbindgen.toml");
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut generated);
    let path = format!("{dir}/include/neurokern.h");
    if std::env::var("NK_BLESS").is_ok_and(|v| v == "1") {
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read(&path).unwrap_or_default();
    assert!(
        current == generated,
        "ffi/include/neurokern.h is out of date: run `NK_BLESS=1 cargo test -p neurokern-ffi --test header`"
    );
}
