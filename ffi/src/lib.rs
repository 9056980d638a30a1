//! neurokern's C ABI: every flat activation kernel and derivative,
//! inference of a network stored in the crate's weight blob without knowing
//! its shape at compile time, and int8 models (`nk_qmodel_*`, from the
//! `NKQ8` blob `neurokern-tflite convert --blob` writes from a `.tflite`). No heap; every function returns a status code;
//! no input, however malformed, makes a function panic or read out of bounds
//! of the lengths it is given.
//!
//! This crate is the only place in the project with `unsafe` code: turning C
//! pointers into slices. Each block states why it is sound.
#![cfg_attr(not(feature = "std"), no_std)]
#![deny(unsafe_op_in_unsafe_fn)]
#![allow(non_camel_case_types)]

use core::ffi::c_char;
use neurokern::activation::{self as a, Act, Activation};
use neurokern::nn::io::{BlobError, BlobModel, PredictError};

#[cfg(all(feature = "panic-handler", not(feature = "std")))]
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    // unreachable through the C API: every input is checked before use
    loop {}
}

mod qmodel;
mod status;
pub use qmodel::*;
pub use status::{nk_status, Status, STATUSES};

use nk_status::*;

/// Storage for a model (1280 bytes, 8-aligned), provided by the caller (no heap): fill it with
/// `nk_model_from_bytes`. The model borrows the blob, which must stay alive
/// and unchanged while the model is used. Storage that is not 8-byte aligned
/// (a cast from a `char` buffer, say) gets `NK_ERR_ALIGN` from every function.
#[repr(C)]
pub struct nk_model {
    _opaque: [u64; 160],
}

const MODEL_MAGIC: u64 = 0x6e6b_6d6f_6465_6c21; // "nkmodel!"

/// What `nk_model` holds: a tag and the parsed blob.
#[repr(C)]
struct Stored<'a> {
    magic: u64,
    model: BlobModel<'a>,
}

const _: () = assert!(core::mem::size_of::<Stored<'static>>() <= core::mem::size_of::<nk_model>());
const _: () =
    assert!(core::mem::align_of::<Stored<'static>>() <= core::mem::align_of::<nk_model>());

/// A readable slice of `n` floats at `p`, or the status that forbids it.
///
/// # Safety
/// `p` must be NULL or point to `n` readable floats valid for `'a`.
pub(crate) unsafe fn input<'a>(p: *const f32, n: usize) -> Result<&'a [f32], nk_status> {
    if p.is_null() {
        return Err(NK_ERR_NULL);
    }
    if n > isize::MAX as usize / 4 {
        return Err(NK_ERR_LENGTH);
    }
    if !p.is_aligned() {
        return Err(NK_ERR_ALIGN);
    }
    // SAFETY: non-null, aligned, and the caller promises `n` readable floats;
    // the size fits in isize.
    Ok(unsafe { core::slice::from_raw_parts(p, n) })
}

/// A writable slice of `n` floats at `p`.
///
/// # Safety
/// `p` must be NULL or point to `n` writable floats valid for `'a`, not
/// aliased by any other live reference.
pub(crate) unsafe fn output<'a>(p: *mut f32, n: usize) -> Result<&'a mut [f32], nk_status> {
    if p.is_null() {
        return Err(NK_ERR_NULL);
    }
    if n > isize::MAX as usize / 4 {
        return Err(NK_ERR_LENGTH);
    }
    if !p.is_aligned() {
        return Err(NK_ERR_ALIGN);
    }
    // SAFETY: as for `input`, and the caller guarantees exclusive access.
    Ok(unsafe { core::slice::from_raw_parts_mut(p, n) })
}

/// Whether `[a, a + 4·an)` and `[b, b + 4·bn)` intersect. Saturating
/// arithmetic throughout: no length, however large, can overflow (and panic
/// in a build with overflow checks, which cannot unwind through C).
pub(crate) fn overlaps(a: *const f32, an: usize, b: *const f32, bn: usize) -> bool {
    let (a0, b0) = (a as usize, b as usize);
    let (a1, b1) = (
        a0.saturating_add(an.saturating_mul(4)),
        b0.saturating_add(bn.saturating_mul(4)),
    );
    a0 < b1 && b0 < a1
}

/// `NK_ERR_ALIGN` unless `model` is aligned for the stored model.
fn check_model_align(model: *const nk_model) -> Result<(), nk_status> {
    if model.cast::<Stored<'static>>().is_aligned() {
        Ok(())
    } else {
        Err(NK_ERR_ALIGN)
    }
}

/// Applies `f` in place, through a 64-float copy buffer (the kernels take
/// separate input and output slices; chunking keeps every element on the same
/// code path, so the bits equal the out-of-place result).
fn in_place(v: &mut [f32], f: &impl Fn(&[f32], &mut [f32])) {
    let mut c = [0.0f32; 64];
    for ch in v.chunks_mut(64) {
        let n = ch.len();
        c[..n].copy_from_slice(ch);
        f(&c[..n], ch);
    }
}

/// Runs `f(x, y)` over `n` elements: `x == y` (in place) is allowed, any
/// other overlap is `NK_ERR_OVERLAP`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
unsafe fn unary(x: *const f32, y: *mut f32, n: usize, f: impl Fn(&[f32], &mut [f32])) -> nk_status {
    if x.is_null() || y.is_null() {
        return NK_ERR_NULL;
    }
    if n == 0 {
        return NK_OK;
    }
    if n > isize::MAX as usize / 4 {
        return NK_ERR_LENGTH;
    }
    if core::ptr::eq(x, y) {
        // SAFETY: the caller gives `n` writable floats at `y` (= `x`).
        return match unsafe { output(y, n) } {
            Ok(v) => {
                in_place(v, &f);
                NK_OK
            }
            Err(e) => e,
        };
    }
    if overlaps(x, n, y, n) {
        return NK_ERR_OVERLAP;
    }
    // SAFETY: distinct, non-overlapping buffers of `n` floats each.
    match unsafe { (input(x, n), output(y, n)) } {
        (Ok(x), Ok(y)) => {
            f(x, y);
            NK_OK
        }
        (Err(e), _) | (_, Err(e)) => e,
    }
}

/// σ(x) = 1/(1+e^−x) for each element, within 2.5 ULP.
///
/// `x` and `y` hold `n` floats; `x == y` computes in place; other overlaps
/// give `NK_ERR_OVERLAP`; NULL gives `NK_ERR_NULL`; a pointer that is not
/// 4-byte aligned gives `NK_ERR_ALIGN`; `n` above PTRDIFF_MAX / 4 gives
/// `NK_ERR_LENGTH`; `n == 0` does nothing and returns `NK_OK`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_sigmoid_f32(x: *const f32, y: *mut f32, n: usize) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, a::sigmoid) }
}

/// tanh(x) for each element, within 2 ULP.
///
/// `x` and `y` hold `n` floats; `x == y` computes in place; other overlaps
/// give `NK_ERR_OVERLAP`; NULL gives `NK_ERR_NULL`; a pointer that is not
/// 4-byte aligned gives `NK_ERR_ALIGN`; `n` above PTRDIFF_MAX / 4 gives
/// `NK_ERR_LENGTH`; `n == 0` does nothing and returns `NK_OK`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_tanh_f32(x: *const f32, y: *mut f32, n: usize) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, a::tanh) }
}

/// max(x, 0) for each element, exact; ReLU(NaN) = NaN, ReLU(−0) = +0.
///
/// `x` and `y` hold `n` floats; `x == y` computes in place; other overlaps
/// give `NK_ERR_OVERLAP`; NULL gives `NK_ERR_NULL`; a pointer that is not
/// 4-byte aligned gives `NK_ERR_ALIGN`; `n` above PTRDIFF_MAX / 4 gives
/// `NK_ERR_LENGTH`; `n == 0` does nothing and returns `NK_OK`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_relu_f32(x: *const f32, y: *mut f32, n: usize) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, a::relu) }
}

/// σ'(x) from the input, within 3 ULP where the result is normal.
///
/// `x` and `y` hold `n` floats; `x == y` computes in place; other overlaps
/// give `NK_ERR_OVERLAP`; NULL gives `NK_ERR_NULL`; a pointer that is not
/// 4-byte aligned gives `NK_ERR_ALIGN`; `n` above PTRDIFF_MAX / 4 gives
/// `NK_ERR_LENGTH`; `n == 0` does nothing and returns `NK_OK`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_sigmoid_derivative_f32(
    x: *const f32,
    y: *mut f32,
    n: usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, a::sigmoid_derivative) }
}

/// tanh'(x) from the input, within 3 ULP where the result is normal.
///
/// `x` and `y` hold `n` floats; `x == y` computes in place; other overlaps
/// give `NK_ERR_OVERLAP`; NULL gives `NK_ERR_NULL`; a pointer that is not
/// 4-byte aligned gives `NK_ERR_ALIGN`; `n` above PTRDIFF_MAX / 4 gives
/// `NK_ERR_LENGTH`; `n == 0` does nothing and returns `NK_OK`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_tanh_derivative_f32(x: *const f32, y: *mut f32, n: usize) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, a::tanh_derivative) }
}

/// ReLU'(x): 1 for x > 0, 0 otherwise, NaN for NaN.
///
/// `x` and `y` hold `n` floats; `x == y` computes in place; other overlaps
/// give `NK_ERR_OVERLAP`; NULL gives `NK_ERR_NULL`; a pointer that is not
/// 4-byte aligned gives `NK_ERR_ALIGN`; `n` above PTRDIFF_MAX / 4 gives
/// `NK_ERR_LENGTH`; `n == 0` does nothing and returns `NK_OK`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_relu_derivative_f32(x: *const f32, y: *mut f32, n: usize) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, a::relu_derivative) }
}

/// σ' from the cached output y = σ(x): y·(1 − y).
///
/// `x` and `y` hold `n` floats; `x == y` computes in place; other overlaps
/// give `NK_ERR_OVERLAP`; NULL gives `NK_ERR_NULL`; a pointer that is not
/// 4-byte aligned gives `NK_ERR_ALIGN`; `n` above PTRDIFF_MAX / 4 gives
/// `NK_ERR_LENGTH`; `n == 0` does nothing and returns `NK_OK`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_sigmoid_derivative_from_output_f32(
    x: *const f32,
    y: *mut f32,
    n: usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, a::sigmoid_derivative_from_output) }
}

/// tanh' from the cached output y = tanh(x): (1 − y)(1 + y).
///
/// `x` and `y` hold `n` floats; `x == y` computes in place; other overlaps
/// give `NK_ERR_OVERLAP`; NULL gives `NK_ERR_NULL`; a pointer that is not
/// 4-byte aligned gives `NK_ERR_ALIGN`; `n` above PTRDIFF_MAX / 4 gives
/// `NK_ERR_LENGTH`; `n == 0` does nothing and returns `NK_OK`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_tanh_derivative_from_output_f32(
    x: *const f32,
    y: *mut f32,
    n: usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, a::tanh_derivative_from_output) }
}

/// Leaky ReLU: x for x ≥ 0, `alpha`·x below, exact. Same buffer rules as
/// `nk_sigmoid_f32`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_leaky_relu_f32(
    alpha: f32,
    x: *const f32,
    y: *mut f32,
    n: usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, |x, y| a::leaky_relu(alpha, x, y)) }
}

/// Leaky ReLU': 1 for x > 0, `alpha` otherwise, NaN for NaN. Same buffer
/// rules as `nk_sigmoid_f32`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_leaky_relu_derivative_f32(
    alpha: f32,
    x: *const f32,
    y: *mut f32,
    n: usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { unary(x, y, n, |x, y| a::leaky_relu_derivative(alpha, x, y)) }
}

/// The activation for `code` and `alpha`, or `NK_ERR_ACTIVATION`.
fn activation(code: u8, alpha: f32) -> Result<Act, nk_status> {
    match Act::from_code(code, alpha) {
        Some(act) if !act.has_param() || alpha.is_finite() => Ok(act),
        _ => Err(NK_ERR_ACTIVATION),
    }
}

/// Any activation of the crate by its code (`NK_ACT_SIGMOID`, `NK_ACT_GELU`,
/// …; the values of `neurokern::activation::Act::code`): `y[i] = φ(x[i])`.
/// `alpha` is leaky ReLU's and ELU's parameter and is ignored by the others.
/// The accuracy of each is that of the Rust function of the same name. Same
/// buffer rules as `nk_sigmoid_f32`; an unknown code or a non-finite `alpha`
/// where one is used gives `NK_ERR_ACTIVATION`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_activation_f32(
    act: u8,
    alpha: f32,
    x: *const f32,
    y: *mut f32,
    n: usize,
) -> nk_status {
    match activation(act, alpha) {
        // SAFETY: forwarded from this function's contract.
        Ok(act) => unsafe { unary(x, y, n, |x, y| act.forward(x, y)) },
        Err(e) => e,
    }
}

/// The derivative φ'(x) of any activation by its code, from the input.
/// Same rules as `nk_activation_f32`.
///
/// # Safety
/// `x` must point to `n` readable floats and `y` to `n` writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_activation_derivative_f32(
    act: u8,
    alpha: f32,
    x: *const f32,
    y: *mut f32,
    n: usize,
) -> nk_status {
    match activation(act, alpha) {
        // SAFETY: forwarded from this function's contract.
        Ok(act) => unsafe { unary(x, y, n, |x, y| act.derivative(x, y)) },
        Err(e) => e,
    }
}

/// The name of activation `act` (`"sigmoid"`, `"gelu_tanh"`, …) as a static
/// NUL-terminated string, or NULL for an unknown code: codes run from 0
/// without gaps, so a loop until NULL lists them all.
#[no_mangle]
pub extern "C" fn nk_activation_name(act: u8) -> *const core::ffi::c_char {
    match Act::ALL.iter().position(|a| a.code() == act) {
        Some(i) => ACT_NAMES_C[i].as_ptr().cast(),
        None => core::ptr::null(),
    }
}

/// Longest activation name plus its NUL, with room to spare.
const NAME_MAX: usize = 24;

/// The names of `Act::ALL`, NUL-terminated, built at compile time from
/// `Act::name` (so the C names cannot drift from the Rust ones).
static ACT_NAMES_C: [[u8; NAME_MAX]; Act::ALL.len()] = act_names_c();

const fn act_names_c() -> [[u8; NAME_MAX]; Act::ALL.len()] {
    let mut out = [[0u8; NAME_MAX]; Act::ALL.len()];
    let mut i = 0;
    while i < Act::ALL.len() {
        let b = Act::ALL[i].name().as_bytes();
        assert!(
            b.len() < NAME_MAX,
            "activation name too long for the C table"
        );
        let mut j = 0;
        while j < b.len() {
            out[i][j] = b[j];
            j += 1;
        }
        i += 1;
    }
    out
}

fn blob_status(e: BlobError) -> nk_status {
    match e {
        BlobError::Truncated { .. } | BlobError::BufferTooSmall { .. } => NK_ERR_BLOB_TRUNCATED,
        BlobError::TrailingBytes { .. } => NK_ERR_BLOB_TRAILING,
        BlobError::BadMagic { .. } => NK_ERR_BLOB_MAGIC,
        BlobError::UnsupportedVersion { .. } => NK_ERR_BLOB_VERSION,
        BlobError::LayerCount { .. }
        | BlobError::DepthMismatch { .. }
        | BlobError::Capacity { .. } => NK_ERR_BLOB_LAYERS,
        BlobError::BadShape { .. }
        | BlobError::BrokenChain { .. }
        | BlobError::ShapeMismatch { .. } => NK_ERR_BLOB_SHAPE,
        BlobError::UnknownActivation { .. }
        | BlobError::UnknownLayerKind { .. }
        | BlobError::ReservedNotZero { .. }
        | BlobError::BadSlope { .. } => NK_ERR_BLOB_ACTIVATION,
        BlobError::Checksum { .. } => NK_ERR_BLOB_CHECKSUM,
        BlobError::NonFiniteParameter { .. } => NK_ERR_BLOB_NONFINITE,
        // a variant added later: the blob is refused all the same
        _ => NK_ERR_BLOB_ACTIVATION,
    }
}

/// Validates the blob (`len` bytes at `blob`: magic, version, shapes,
/// activations, CRC-32, finite parameters) and stores a model that borrows
/// it in `*model`. No copy, no heap. On error `*model` is left invalid.
///
/// # Safety
/// `model` must point to writable `nk_model` storage; `blob` to `len`
/// readable bytes that stay alive and unchanged while the model is used.
#[no_mangle]
pub unsafe extern "C" fn nk_model_from_bytes(
    model: *mut nk_model,
    blob: *const u8,
    len: usize,
) -> nk_status {
    if model.is_null() || blob.is_null() {
        return NK_ERR_NULL;
    }
    if let Err(e) = check_model_align(model) {
        return e;
    }
    if len > isize::MAX as usize {
        return NK_ERR_LENGTH;
    }
    // SAFETY: `model` is non-null and points to writable storage at least
    // as large and aligned as `Stored` (contract, const assertions); writing
    // a zero tag first marks it invalid whatever happens next.
    unsafe { core::ptr::addr_of_mut!((*(model as *mut Stored<'static>)).magic).write(0) };
    // SAFETY: non-null, `len` readable bytes (contract), len ≤ isize::MAX.
    let bytes: &'static [u8] = unsafe { core::slice::from_raw_parts(blob, len) };
    match BlobModel::parse(bytes) {
        Ok(m) => {
            // SAFETY: `nk_model` is at least as large and as aligned as
            // `Stored` (const assertions above) and writable (contract).
            unsafe {
                (model as *mut Stored<'static>).write(Stored {
                    magic: MODEL_MAGIC,
                    model: m,
                })
            };
            NK_OK
        }
        Err(e) => blob_status(e),
    }
}

/// The model stored in `*model`, if `nk_model_from_bytes` succeeded on it.
///
/// # Safety
/// `model` must be NULL or point to readable `nk_model` storage.
unsafe fn stored<'a>(model: *const nk_model) -> Result<&'a BlobModel<'static>, nk_status> {
    if model.is_null() {
        return Err(NK_ERR_NULL);
    }
    check_model_align(model)?;
    // SAFETY: readable storage laid out for `Stored` (contract, const
    // assertions); only the plain `u64` tag is read, never the rest.
    if unsafe { core::ptr::addr_of!((*(model as *const Stored<'static>)).magic).read() }
        != MODEL_MAGIC
    {
        return Err(NK_ERR_MODEL);
    }
    // SAFETY: the tag is only written together with a valid `Stored`.
    Ok(unsafe { &(*(model as *const Stored<'static>)).model })
}

/// Writes `f(model)` to `*out`.
///
/// # Safety
/// `model` must point to `nk_model` storage and `out` to a writable `size_t`.
unsafe fn model_len(
    model: *const nk_model,
    out: *mut usize,
    f: fn(&BlobModel<'static>) -> usize,
) -> nk_status {
    if out.is_null() {
        return NK_ERR_NULL;
    }
    // SAFETY: forwarded from this function's contract.
    match unsafe { stored(model) } {
        Ok(m) => {
            // SAFETY: `out` is non-null and writable (contract).
            unsafe { out.write(f(m)) };
            NK_OK
        }
        Err(e) => e,
    }
}

/// Writes the number of inputs of the model to `*out`.
///
/// # Safety
/// `model` must point to `nk_model` storage and `out` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn nk_model_input_len(model: *const nk_model, out: *mut usize) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { model_len(model, out, BlobModel::input_len) }
}

/// Writes the number of outputs of the model to `*out`.
///
/// # Safety
/// `model` must point to `nk_model` storage and `out` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn nk_model_output_len(model: *const nk_model, out: *mut usize) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { model_len(model, out, BlobModel::output_len) }
}

/// Writes the number of floats of scratch `nk_model_predict` needs to `*out`.
///
/// # Safety
/// `model` must point to `nk_model` storage and `out` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn nk_model_scratch_len(
    model: *const nk_model,
    out: *mut usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { model_len(model, out, BlobModel::scratch_len) }
}

/// Inference: `y = f(x)` with `x` of `nk_model_input_len` floats and `y` of
/// `nk_model_output_len` floats, using `scratch` (`scratch_len` floats, at
/// least `nk_model_scratch_len`). Bit-identical to the same network run by
/// the Rust crate. The three buffers must not overlap.
///
/// # Safety
/// `model` must point to `nk_model` storage; `x`, `y` and `scratch` to that
/// many readable / writable floats.
#[no_mangle]
pub unsafe extern "C" fn nk_model_predict(
    model: *const nk_model,
    x: *const f32,
    y: *mut f32,
    scratch: *mut f32,
    scratch_len: usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    let m = match unsafe { stored(model) } {
        Ok(m) => m,
        Err(e) => return e,
    };
    if x.is_null() || y.is_null() || scratch.is_null() {
        return NK_ERR_NULL;
    }
    let (ni, no) = (m.input_len(), m.output_len());
    // every length is checked before any arithmetic on it
    if scratch_len > isize::MAX as usize / 4 {
        return NK_ERR_LENGTH;
    }
    if scratch_len < m.scratch_len() {
        return NK_ERR_SCRATCH;
    }
    if overlaps(x, ni, y, no)
        || overlaps(x, ni, scratch, scratch_len)
        || overlaps(y, no, scratch, scratch_len)
    {
        return NK_ERR_OVERLAP;
    }
    // SAFETY: lengths from the model (contract), non-overlapping (checked).
    let (x, y, s) = match unsafe { (input(x, ni), output(y, no), output(scratch, scratch_len)) } {
        (Ok(x), Ok(y), Ok(s)) => (x, y, s),
        (Err(e), _, _) | (_, Err(e), _) | (_, _, Err(e)) => return e,
    };
    match m.predict(x, y, s) {
        Ok(()) => NK_OK,
        Err(PredictError::ScratchTooShort { .. }) => NK_ERR_SCRATCH,
        Err(_) => NK_ERR_LENGTH,
    }
}

/// A static, NUL-terminated English message for a status code (any `int`;
/// an unknown code gets "unknown status code").
#[no_mangle]
pub extern "C" fn nk_status_str(status: i32) -> *const c_char {
    status::message_c(status)
        .unwrap_or(b"Unknown status code.\0")
        .as_ptr()
        .cast()
}
