//! The checked-in C header is what cbindgen generates from the source now,
//! with the `nk_status` enum generated from `STATUSES` (the one list the
//! Rust enum and `nk_status_str` come from too; cbindgen cannot see an enum
//! made by a macro). Regenerate with
//! `NK_BLESS=1 cargo test -p neurokern-ffi --test header`.

use neurokern_ffi::STATUSES;

/// The C enum, in cbindgen's style.
fn status_enum() -> String {
    let mut s = String::from(
        "/*\n Status codes returned by every function.\n */\ntypedef enum nk_status {\n",
    );
    for st in STATUSES {
        s += &format!(
            "  /*\n   {}\n   */\n  {} = {},\n",
            st.message, st.name, st.code
        );
    }
    s += "} nk_status;";
    s
}

/// `#define NK_ACT_<NAME> <code>` for every activation of the crate's table.
fn activation_defines() -> String {
    let mut s =
        String::from("/*\n Activation codes for nk_activation_f32 (Act::code in Rust).\n */\n");
    for act in neurokern::activation::Act::ALL {
        s += &format!(
            "#define NK_ACT_{} {}\n",
            act.name().to_uppercase(),
            act.code()
        );
    }
    s
}

fn generate() -> Vec<u8> {
    let dir = env!("CARGO_MANIFEST_DIR");
    let mut config =
        cbindgen::Config::from_file(format!("{dir}/cbindgen.toml")).expect("cbindgen.toml");
    config.after_includes = Some(format!("{}\n\n{}", status_enum(), activation_defines()));
    let mut generated = Vec::new();
    cbindgen::Builder::new()
        .with_crate(dir)
        .with_config(config)
        .generate()
        .expect("cbindgen generates the header")
        .write(&mut generated);
    generated
}

#[test]
fn header_is_current() {
    let dir = env!("CARGO_MANIFEST_DIR");
    let generated = generate();
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

#[test]
fn every_status_is_in_the_header_with_its_value_and_message() {
    let header = String::from_utf8(generate()).unwrap();
    for st in STATUSES {
        assert!(
            header.contains(&format!("  {} = {},\n", st.name, st.code)),
            "{}",
            st.name
        );
        assert!(header.contains(st.message), "{}", st.name);
        let msg = neurokern_ffi::nk_status_str(st.code);
        // SAFETY: nk_status_str returns a static NUL-terminated string.
        let msg = unsafe { std::ffi::CStr::from_ptr(msg) }.to_str().unwrap();
        assert_eq!(msg, st.message);
    }
    // values are distinct
    let mut codes: Vec<i32> = STATUSES.iter().map(|s| s.code).collect();
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), STATUSES.len());
}

#[test]
fn every_activation_is_in_the_header_and_named_by_the_library() {
    let header = String::from_utf8(generate()).unwrap();
    for act in neurokern::activation::Act::ALL {
        let line = format!(
            "#define NK_ACT_{} {}\n",
            act.name().to_uppercase(),
            act.code()
        );
        assert!(header.contains(&line), "{line}");
        let p = neurokern_ffi::nk_activation_name(act.code());
        // SAFETY: a non-NULL result is a static NUL-terminated string.
        let name = unsafe { std::ffi::CStr::from_ptr(p) }.to_str().unwrap();
        assert_eq!(name, act.name());
    }
    let past = neurokern::activation::Act::ALL.len() as u8;
    assert!(neurokern_ffi::nk_activation_name(past).is_null());
}

#[test]
fn the_header_check_fails_on_a_changed_header() {
    let generated = generate();
    let mut changed = generated.clone();
    let at = changed.windows(6).position(|w| w == b"= 18,\n").unwrap();
    changed[at + 3] = b'9';
    assert_ne!(changed, generated);
}
