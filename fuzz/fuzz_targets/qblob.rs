//! Any bytes into the int8 blob readers: `QBlob::parse_with_capacity` (then
//! a run, and a write that must give back the same bytes: an accepted blob
//! is canonical), `OwnedModel::from_blob` (which must accept exactly what
//! the parser accepts, unless its owned form cannot hold the model), and
//! the C ABI's `nk_qmodel_from_bytes` (then `nk_qmodel_run_i8`). None may
//! panic; `Capacity` only for a valid, deeper blob.
//!
//! The bytes are copied to a 4-byte aligned buffer first (the blob is read
//! in place and must be aligned; misalignment has its own test).
//!
//! `cargo install cargo-fuzz && cargo +nightly fuzz run qblob`
#![no_main]

use libfuzzer_sys::fuzz_target;
use neurokern::int8::blob::MAX_QLAYERS;
use neurokern::int8::{OwnedModel, QBlob, QBlobError};
use neurokern_ffi::*;

fuzz_target!(|data: &[u8]| {
    let mut words = vec![0u32; data.len().div_ceil(4)];
    let aligned: &mut [u8] = bytemuck_bytes(&mut words);
    aligned[..data.len()].copy_from_slice(data);
    let bytes = &aligned[..data.len()];

    let full = QBlob::<MAX_QLAYERS>::parse_with_capacity(bytes);
    let depth = full
        .as_ref()
        .map(|b| b.model().layers().len())
        .map_err(|e| *e);
    for k in [1usize, 2, 4] {
        let got = match k {
            1 => QBlob::<1>::parse_with_capacity(bytes).map(|b| b.model().layers().len()),
            2 => QBlob::<2>::parse_with_capacity(bytes).map(|b| b.model().layers().len()),
            _ => QBlob::<4>::parse_with_capacity(bytes).map(|b| b.model().layers().len()),
        };
        let want = match depth {
            Ok(n) if n > k => Err(QBlobError::Capacity {
                found: n,
                capacity: k,
            }),
            other => other,
        };
        assert_eq!(got, want, "capacity {k} disagrees with the full parse");
    }
    if let Ok(blob) = &full {
        let m = blob.model();
        let mut again = vec![0u8; m.blob_len()];
        m.write_blob(blob.interface(), &mut again).unwrap();
        assert_eq!(again, bytes, "an accepted blob is not canonical");
        if m.max_width() <= 1 << 14 {
            let x = vec![3i8; m.fan_in()];
            let mut y = vec![0i8; m.fan_out()];
            let mut s = vec![0i8; 2 * m.max_width()];
            m.run(&x, &mut y, &mut s).unwrap();
        }
    }
    match OwnedModel::from_blob(data) {
        Ok(_) => assert!(full.is_ok(), "from_blob accepted what the parser refused"),
        Err(QBlobError::BadField { .. }) if full.is_ok() => {} // mixed arithmetics, custom clamps
        Err(e) => assert_eq!(Err(e), full.as_ref().map(|_| ()).map_err(|e| *e)),
    }

    let mut model = std::mem::MaybeUninit::<nk_qmodel>::uninit();
    // SAFETY: writable model storage; `bytes` is alive for the whole call.
    let status = unsafe { nk_qmodel_from_bytes(model.as_mut_ptr(), bytes.as_ptr(), bytes.len()) };
    let fits = matches!(depth, Ok(n) if n <= NK_QMODEL_MAX_LAYERS);
    assert_eq!(status == nk_status::NK_OK, fits);
    if status == nk_status::NK_OK {
        let (mut n_in, mut n_out, mut n_s) = (0usize, 0usize, 0usize);
        // SAFETY: an initialised model and writable size_t outputs.
        unsafe {
            nk_qmodel_input_len(model.as_ptr(), &mut n_in);
            nk_qmodel_output_len(model.as_ptr(), &mut n_out);
            nk_qmodel_scratch_len(model.as_ptr(), &mut n_s);
        }
        if n_s <= 1 << 16 {
            let x = vec![1i8; n_in];
            let mut y = vec![0i8; n_out];
            let mut s = vec![0i8; n_s];
            // SAFETY: buffers of the model's lengths, distinct.
            let st = unsafe {
                nk_qmodel_run_i8(
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

/// The bytes of `words`, in place.
fn bytemuck_bytes(words: &mut [u32]) -> &mut [u8] {
    bytemuck::cast_slice_mut(words)
}
