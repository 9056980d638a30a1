//! Networks whose shapes do not fit together are rejected by the compiler.

#[test]
fn mismatched_shapes_do_not_compile() {
    let t = trybuild::TestCases::new();
    t.compile_fail("tests/cfail/*.rs");
}
