//! Any bytes into the three blob readers: `BlobModel::parse` (then
//! `predict`), `Network::from_bytes` for two network types (then a write
//! that must give back the same bytes), and the C ABI's
//! `nk_model_from_bytes` (then `nk_model_predict`). None may panic; the
//! typed and untyped readers must agree on what they accept, and
//! `BlobModel::parse_with_capacity` must give `parse`'s verdict for every
//! blob that fits its capacity (`Capacity` only for a valid, deeper one).
//!
//! `cargo install cargo-fuzz && cargo +nightly fuzz run blob`
#![no_main]

use libfuzzer_sys::fuzz_target;
use neurokern::mlp;
use neurokern::nn::io::{BlobError, BlobModel};
use neurokern::nn::{Dense, Network};
use neurokern_ffi::*;

fn typed<L: neurokern::nn::Layer>(data: &[u8], untyped_ok: bool) {
    if let Ok(net) = Network::<L>::from_bytes(data) {
        assert!(
            untyped_ok,
            "the typed reader accepted what BlobModel refused"
        );
        let mut again = vec![0u8; data.len()];
        assert_eq!(net.to_bytes(&mut again), Ok(data.len()));
        assert_eq!(again, data, "an accepted blob does not round-trip");
    }
}

fn capacity<const K: usize>(data: &[u8], full: Result<usize, BlobError>) {
    let got = BlobModel::<K>::parse_with_capacity(data).map(|m| m.layers().len());
    let want = match full {
        Ok(n) if n > K => Err(BlobError::Capacity {
            found: n,
            capacity: K,
        }),
        other => other,
    };
    assert_eq!(got, want, "parse_with_capacity::<{K}> disagrees with parse");
}

fuzz_target!(|data: &[u8]| {
    let parsed = BlobModel::parse(data);
    let depth = parsed.as_ref().map(|m| m.layers().len()).map_err(|e| *e);
    capacity::<1>(data, depth);
    capacity::<2>(data, depth);
    capacity::<4>(data, depth);
    if let Ok(m) = &parsed {
        if m.scratch_len() <= 1 << 16 {
            let x = vec![0.25f32; m.input_len()];
            let mut y = vec![0.0f32; m.output_len()];
            let mut s = vec![0.0f32; m.scratch_len()];
            m.predict(&x, &mut y, &mut s).unwrap();
        }
    }
    typed::<Dense<1, 1>>(data, parsed.is_ok());
    typed::<mlp![Dense<3, 5>, Dense<5, 2>]>(data, parsed.is_ok());

    let mut model = std::mem::MaybeUninit::<nk_model>::uninit();
    // SAFETY: writable model storage; `data` is alive for the whole call.
    let status = unsafe { nk_model_from_bytes(model.as_mut_ptr(), data.as_ptr(), data.len()) };
    assert_eq!(status == nk_status::NK_OK, parsed.is_ok());
    if status == nk_status::NK_OK {
        let (mut n_in, mut n_out, mut n_s) = (0usize, 0usize, 0usize);
        // SAFETY: an initialised model and writable size_t outputs.
        unsafe {
            nk_model_input_len(model.as_ptr(), &mut n_in);
            nk_model_output_len(model.as_ptr(), &mut n_out);
            nk_model_scratch_len(model.as_ptr(), &mut n_s);
        }
        if n_s <= 1 << 16 {
            let x = vec![0.25f32; n_in];
            let mut y = vec![0.0f32; n_out];
            let mut s = vec![0.0f32; n_s];
            // SAFETY: buffers of the model's lengths, distinct.
            let st = unsafe {
                nk_model_predict(
                    model.as_ptr(),
                    x.as_ptr(),
                    y.as_mut_ptr(),
                    s.as_mut_ptr(),
                    n_s,
                )
            };
            assert_eq!(st, nk_status::NK_OK);
        }
    }
});
