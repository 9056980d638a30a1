//! The C ABI called from Rust: every kernel and model function with valid
//! buffers, in place, NULL, misaligned pointers, overlaps, lengths near
//! `SIZE_MAX`, misaligned and uninitialised model storage, and blobs the
//! crate must refuse. `cargo test` runs it with overflow checks on (a length
//! overflow would abort the test process, since a panic cannot unwind
//! through `extern "C"`); `cargo +nightly miri test -p neurokern-ffi --test
//! abi` runs the same under Miri, which checks every pointer the `unsafe`
//! blocks make.

use neurokern::activation as a;
use neurokern::activation::{Act, Activation};
use neurokern::nn::{Dense, DenseParams, Network};
use neurokern_ffi::*;
use nk_status::*;

type Kernel = unsafe extern "C" fn(*const f32, *mut f32, usize) -> nk_status;
type RustKernel = fn(&[f32], &mut [f32]);

const KERNELS: [(Kernel, RustKernel); 7] = [
    (nk_sigmoid_f32, a::sigmoid),
    (nk_tanh_f32, a::tanh),
    (nk_relu_f32, a::relu),
    (nk_sigmoid_derivative_f32, a::sigmoid_derivative),
    (nk_tanh_derivative_f32, a::tanh_derivative),
    (nk_relu_derivative_f32, a::relu_derivative),
    (
        nk_sigmoid_derivative_from_output_f32,
        a::sigmoid_derivative_from_output,
    ),
];

fn same(a: &[f32], b: &[f32]) -> bool {
    a.iter()
        .zip(b)
        .all(|(x, y)| x.to_bits() == y.to_bits() || (x.is_nan() && y.is_nan()))
}

#[test]
fn every_activation_by_code_matches_rust() {
    let x: Vec<f32> = (0..70).map(|i| (i as f32 - 35.0) * 0.37).collect();
    let mut acts = Act::ALL.to_vec();
    acts.extend([Act::LeakyRelu(-0.5), Act::Elu(0.25)]);
    for act in acts {
        let (mut want, mut y) = (vec![0.0; x.len()], vec![0.0; x.len()]);
        act.forward(&x, &mut want);
        // SAFETY: valid, distinct buffers of x.len() floats.
        let s = unsafe {
            nk_activation_f32(act.code(), act.alpha(), x.as_ptr(), y.as_mut_ptr(), x.len())
        };
        assert_eq!(s, NK_OK, "{act:?}");
        assert!(same(&y, &want), "{act:?}");
        act.derivative(&x, &mut want);
        // SAFETY: as above.
        let s = unsafe {
            nk_activation_derivative_f32(
                act.code(),
                act.alpha(),
                x.as_ptr(),
                y.as_mut_ptr(),
                x.len(),
            )
        };
        assert_eq!(s, NK_OK, "{act:?}");
        assert!(same(&y, &want), "{act:?}");
    }
    let mut y = [0.0f32; 4];
    // SAFETY: codes and α are checked before any access.
    unsafe {
        assert_eq!(
            nk_activation_f32(200, 0.0, x.as_ptr(), y.as_mut_ptr(), 4),
            NK_ERR_ACTIVATION
        );
        let elu = Act::Elu(1.0).code();
        assert_eq!(
            nk_activation_f32(elu, f32::NAN, x.as_ptr(), y.as_mut_ptr(), 4),
            NK_ERR_ACTIVATION
        );
        // α is ignored where there is none
        assert_eq!(
            nk_activation_f32(Act::Silu.code(), f32::NAN, x.as_ptr(), y.as_mut_ptr(), 4),
            NK_OK
        );
    }
}

#[test]
fn kernels_match_rust_and_refuse_bad_buffers() {
    let x: Vec<f32> = (0..70).map(|i| (i as f32 - 35.0) * 0.37).collect();
    for (k, rust) in KERNELS {
        let mut want = vec![0.0; x.len()];
        rust(&x, &mut want);
        let mut y = vec![0.0; x.len()];
        // SAFETY: valid, distinct buffers of x.len() floats.
        assert_eq!(unsafe { k(x.as_ptr(), y.as_mut_ptr(), x.len()) }, NK_OK);
        assert!(same(&y, &want));
        let mut z = x.clone();
        // SAFETY: in place: x == y, one buffer of z.len() floats.
        assert_eq!(unsafe { k(z.as_ptr(), z.as_mut_ptr(), z.len()) }, NK_OK);
        assert!(same(&z, &want));
        // SAFETY: the function checks NULL before any access.
        assert_eq!(
            unsafe { k(std::ptr::null(), y.as_mut_ptr(), 4) },
            NK_ERR_NULL
        );
        // SAFETY: as above.
        assert_eq!(
            unsafe { k(x.as_ptr(), std::ptr::null_mut(), 4) },
            NK_ERR_NULL
        );
        // SAFETY: overlapping but valid buffers: refused before use.
        assert_eq!(
            unsafe { k(z.as_ptr(), z.as_mut_ptr().add(1), 8) },
            NK_ERR_OVERLAP
        );
        // SAFETY: lengths are checked before any access or arithmetic.
        assert_eq!(
            unsafe { k(x.as_ptr(), y.as_mut_ptr(), usize::MAX) },
            NK_ERR_LENGTH
        );
        // SAFETY: a misaligned pointer is refused before it is read.
        let odd = unsafe { x.as_ptr().cast::<u8>().add(1).cast::<f32>() };
        // SAFETY: as above.
        assert_eq!(unsafe { k(odd, y.as_mut_ptr(), 4) }, NK_ERR_ALIGN);
        // SAFETY: n == 0 touches nothing.
        assert_eq!(unsafe { k(x.as_ptr(), y.as_mut_ptr(), 0) }, NK_OK);
    }
}

fn blob(act: Act) -> Vec<u8> {
    let net = Network::with_params(
        Dense::<2, 1>::new(Act::Identity),
        DenseParams {
            w: [[1.5], [-0.5]],
            b: [0.25],
        },
    );
    let mut buf = vec![0u8; Network::<Dense<2, 1>>::BLOB_BYTES];
    net.to_bytes(&mut buf).unwrap();
    // set the activation (code at byte 16, slope at 20) and fix the CRC
    let code = act.code();
    buf[16] = code;
    buf[20..24].copy_from_slice(&act.alpha().to_le_bytes());
    reseal(&mut buf);
    buf
}

/// Rewrites the trailing CRC-32 after an edit.
fn reseal(b: &mut [u8]) {
    let n = b.len();
    let crc = crc32(&b[..n - 4]);
    b[n - 4..].copy_from_slice(&crc.to_le_bytes());
}

fn crc32(bytes: &[u8]) -> u32 {
    let mut c = !0u32;
    for &b in bytes {
        c ^= u32::from(b);
        for _ in 0..8 {
            c = if c & 1 != 0 {
                (c >> 1) ^ 0xedb8_8320
            } else {
                c >> 1
            };
        }
    }
    !c
}

#[repr(C, align(8))]
struct Aligned([u8; 1288]);

#[test]
fn model_predicts_and_refuses_bad_storage_lengths_and_blobs() {
    let bytes = blob(Act::LeakyRelu(0.1));
    let mut model = std::mem::MaybeUninit::<nk_model>::uninit();
    let m = model.as_mut_ptr();
    // SAFETY: writable nk_model storage and a live blob of bytes.len() bytes.
    assert_eq!(
        unsafe { nk_model_from_bytes(m, bytes.as_ptr(), bytes.len()) },
        NK_OK
    );
    let mut scratch_len = 0usize;
    // SAFETY: an initialised model and a writable size_t.
    assert_eq!(unsafe { nk_model_scratch_len(m, &mut scratch_len) }, NK_OK);
    let mut scratch = vec![0.0f32; scratch_len];
    let x = [1.0f32, 4.0];
    let mut y = [0.0f32];
    // SAFETY: buffers of the model's lengths, distinct.
    let s = unsafe {
        nk_model_predict(
            m,
            x.as_ptr(),
            y.as_mut_ptr(),
            scratch.as_mut_ptr(),
            scratch_len,
        )
    };
    assert_eq!(s, NK_OK);
    assert_eq!(y[0], 0.1 * (1.5 - 2.0 + 0.25)); // leaky: 0.1·(−0.25)
                                                // a huge scratch length is refused before any arithmetic on it
                                                // SAFETY: as above; the length is checked first.
    let s = unsafe {
        nk_model_predict(
            m,
            x.as_ptr(),
            y.as_mut_ptr(),
            scratch.as_mut_ptr(),
            usize::MAX,
        )
    };
    assert_eq!(s, NK_ERR_LENGTH);
    // misaligned storage
    let mut store = Aligned([0; 1288]);
    // SAFETY: 1280 writable bytes start at offset 4 of the 1288-byte buffer.
    let odd = unsafe { store.0.as_mut_ptr().add(4) }.cast::<nk_model>();
    // SAFETY: refused before any access.
    assert_eq!(
        unsafe { nk_model_from_bytes(odd, bytes.as_ptr(), bytes.len()) },
        NK_ERR_ALIGN
    );
    let mut n = 0usize;
    // SAFETY: refused before any access.
    assert_eq!(unsafe { nk_model_input_len(odd, &mut n) }, NK_ERR_ALIGN);
    // blobs with slopes the crate refuses
    for (act, bits) in [
        (Act::Elu(f32::NAN), None),
        (Act::LeakyRelu(f32::NAN), None),
        (Act::LeakyRelu(f32::NEG_INFINITY), None),
        (Act::LeakyRelu(f32::INFINITY), None),
        (Act::Elu(f32::INFINITY), None),
        (Act::Relu, Some(0.25f32)),
    ] {
        let mut b = blob(act);
        if let Some(alpha) = bits {
            b[20..24].copy_from_slice(&alpha.to_le_bytes());
            reseal(&mut b);
        }
        // SAFETY: as for the valid blob.
        let s = unsafe { nk_model_from_bytes(m, b.as_ptr(), b.len()) };
        assert_eq!(s, NK_ERR_BLOB_ACTIVATION, "{act:?} {bits:?}");
        // SAFETY: the refused storage is tagged invalid, then checked.
        let s = unsafe {
            nk_model_predict(
                m,
                x.as_ptr(),
                y.as_mut_ptr(),
                scratch.as_mut_ptr(),
                scratch_len,
            )
        };
        assert_eq!(s, NK_ERR_MODEL);
    }
    // a negative slope is a valid leaky ReLU (issue 25: the docs once said
    // it was refused)
    let b = blob(Act::LeakyRelu(-0.5));
    // SAFETY: as for the valid blob.
    assert_eq!(
        unsafe { nk_model_from_bytes(m, b.as_ptr(), b.len()) },
        NK_OK
    );
    // SAFETY: buffers of the model's lengths, distinct.
    let s = unsafe {
        nk_model_predict(
            m,
            x.as_ptr(),
            y.as_mut_ptr(),
            scratch.as_mut_ptr(),
            scratch_len,
        )
    };
    assert_eq!(s, NK_OK);
    assert_eq!(y[0], -0.5 * (1.5 - 2.0 + 0.25));
}
