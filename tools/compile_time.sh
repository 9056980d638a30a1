#!/usr/bin/env bash
# What a user pays to compile neurokern: `cargo build --release` of a new
# binary crate that calls `sigmoid` once, dependencies downloaded first,
# target directory empty, one crate after the other on this machine, with
# no RUSTFLAGS (the crates live outside this repository, so its
# `.cargo/config.toml` does not apply). Compared with `libm` and
# `tract-linalg` (the same one-call binary), and a `thumbv7em-none-eabihf`
# library build (Cortex-M4F) of the same call.
#
#   bash tools/compile_time.sh            # prints a Markdown table
#
# Needs the network for the first `cargo fetch` of each crate, and rustup's
# thumbv7em-none-eabihf target for the last row (skipped without it).
set -euo pipefail
repo=$(cd "$(dirname "$0")/.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
unset RUSTFLAGS CARGO_ENCODED_RUSTFLAGS CARGO_TARGET_DIR

mk() { # name, dependency line, main.rs body
    mkdir -p "$work/$1/src"
    printf '[package]\nname = "%s"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\n%s\n' \
        "$1" "$2" > "$work/$1/Cargo.toml"
    printf '%s\n' "$3" > "$work/$1/src/main.rs"
}
NK_MAIN='fn main() {
    let x = [std::hint::black_box(0.5f32); 4];
    let mut y = [0.0f32; 4];
    neurokern::activation::sigmoid(&x, &mut y);
    println!("{y:?}");
}'
mk t-libm 'libm = "0.2"' 'fn main() { println!("{}", 1.0 / (1.0 + libm::expf(-std::hint::black_box(0.5f32)))); }'
mk t-tract 'tract-linalg = "=0.23.9"' 'fn main() {
    let mut x = [std::hint::black_box(0.5f32); 4];
    let k = tract_linalg::Func::Sigmoid.ew_f32().unwrap();
    k.run(&mut x).unwrap();
    println!("{x:?}");
}'
mk t-neurokern-std "neurokern = { path = \"$repo\", features = [\"std\"] }" "$NK_MAIN"
mk t-neurokern "neurokern = { path = \"$repo\", default-features = false }" "$NK_MAIN"
# the Cortex-M4F: a no_std library calling the kernel
mkdir -p "$work/t-thumbv7em/src"
printf '[package]\nname = "t-thumbv7em"\nversion = "0.0.0"\nedition = "2021"\n\n[dependencies]\nneurokern = { path = "%s", default-features = false }\n' \
    "$repo" > "$work/t-thumbv7em/Cargo.toml"
printf '#![no_std]\npub fn f(x: &[f32], y: &mut [f32]) { neurokern::activation::sigmoid(x, y) }\n' \
    > "$work/t-thumbv7em/src/lib.rs"

cpu=$(lscpu | sed -n 's/^Model name: *//p' | head -n 1)
echo "$(rustc --version), $cpu, $(nproc) cores, $(date -u +%Y-%m-%d)"
echo
echo "| dependency | release build of the one-call crate |"
echo "|---|---|"
for t in t-libm t-tract t-neurokern-std t-neurokern t-thumbv7em; do
    target=()
    label=""
    case $t in
        t-libm) label='`libm` 0.2' ;;
        t-tract) label='`tract-linalg` 0.23.9 (+ tract-data)' ;;
        t-neurokern-std) label='`neurokern` with `features = ["std"]`' ;;
        t-neurokern) label='`neurokern` with `default-features = false`' ;;
        t-thumbv7em)
            label='`neurokern` for `thumbv7em-none-eabihf` (Cortex-M4F, a `no_std` library)'
            if ! rustup target list --installed 2>/dev/null | grep -qx thumbv7em-none-eabihf; then
                echo "| $label | skipped: rustup has no thumbv7em-none-eabihf |"
                continue
            fi
            target=(--target thumbv7em-none-eabihf) ;;
    esac
    (cd "$work/$t" && cargo fetch --quiet "${target[@]}")
    start=$(date +%s%N)
    (cd "$work/$t" && cargo build --release --quiet "${target[@]}")
    end=$(date +%s%N)
    ds=$(( (end - start) / 100000000 ))
    printf '| %s | %d.%d s |\n' "$label" $((ds / 10)) $((ds % 10))
done
