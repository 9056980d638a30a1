//! The int8 model from C: an `NKQ8` blob (written by `neurokern-tflite
//! convert --blob`) checked by `nk_qmodel_from_bytes` and run in place,
//! with int8 or float inputs and outputs. The same `QBlob` and `QModel` the
//! Rust crate runs, so the outputs are the same bits.

use crate::nk_status::{self, *};
use crate::{input, output, overlaps};
use neurokern::int8::{QBlob, QBlobError, QError};

/// The layers an `nk_qmodel` holds (a blob with more is `NK_ERR_BLOB_LAYERS`).
pub const NK_QMODEL_MAX_LAYERS: usize = 16;

/// Storage for an int8 model (2048 bytes, 8-aligned), provided by the
/// caller (no heap): fill it with `nk_qmodel_from_bytes`. The model borrows
/// the blob, which must stay alive and unchanged while the model is used
/// (a blob in flash is read in place). Storage that is not 8-byte aligned
/// gets `NK_ERR_ALIGN` from every function.
#[repr(C)]
pub struct nk_qmodel {
    _opaque: [u64; 256],
}

const QMODEL_MAGIC: u64 = 0x6e6b_716d_6f64_656c; // "nkqmodel"

#[repr(C)]
struct QStored<'a> {
    magic: u64,
    blob: QBlob<'a, NK_QMODEL_MAX_LAYERS>,
}

const _: () =
    assert!(core::mem::size_of::<QStored<'static>>() <= core::mem::size_of::<nk_qmodel>());
const _: () =
    assert!(core::mem::align_of::<QStored<'static>>() <= core::mem::align_of::<nk_qmodel>());

fn qblob_status(e: QBlobError) -> nk_status {
    match e {
        QBlobError::Truncated { .. } | QBlobError::BufferTooSmall { .. } => NK_ERR_BLOB_TRUNCATED,
        QBlobError::TrailingBytes { .. } => NK_ERR_BLOB_TRAILING,
        QBlobError::BadMagic { .. } => NK_ERR_BLOB_MAGIC,
        QBlobError::UnsupportedVersion { .. } | QBlobError::BigEndian => NK_ERR_BLOB_VERSION,
        QBlobError::Misaligned { .. } => NK_ERR_ALIGN,
        QBlobError::Checksum { .. } => NK_ERR_BLOB_CHECKSUM,
        QBlobError::LayerCount { .. } | QBlobError::Capacity { .. } => NK_ERR_BLOB_LAYERS,
        QBlobError::Layout { .. } | QBlobError::Model(_) => NK_ERR_BLOB_SHAPE,
        QBlobError::UnknownLayerKind { .. } => NK_ERR_BLOB_ACTIVATION,
        // BadField, and a variant added later: refused all the same
        _ => NK_ERR_BLOB_FIELD,
    }
}

fn check_align(model: *const nk_qmodel) -> Result<(), nk_status> {
    if model.cast::<QStored<'static>>().is_aligned() {
        Ok(())
    } else {
        Err(NK_ERR_ALIGN)
    }
}

/// Validates an int8 blob (`len` bytes at `blob`, 4-byte aligned: magic,
/// version, length, CRC-32, every field, the layers' chain) and stores a
/// model that borrows it in `*model`. No copy, no heap. On error `*model`
/// is left invalid.
///
/// # Safety
/// `model` must point to writable `nk_qmodel` storage; `blob` to `len`
/// readable bytes that stay alive and unchanged while the model is used.
#[no_mangle]
pub unsafe extern "C" fn nk_qmodel_from_bytes(
    model: *mut nk_qmodel,
    blob: *const u8,
    len: usize,
) -> nk_status {
    if model.is_null() || blob.is_null() {
        return NK_ERR_NULL;
    }
    if let Err(e) = check_align(model) {
        return e;
    }
    if len > isize::MAX as usize {
        return NK_ERR_LENGTH;
    }
    // SAFETY: `model` is non-null, aligned (checked) and points to writable
    // storage at least as large as `QStored` (contract, const assertions);
    // a zero tag marks it invalid whatever happens next.
    unsafe { core::ptr::addr_of_mut!((*(model as *mut QStored<'static>)).magic).write(0) };
    // SAFETY: non-null, `len` readable bytes that outlive the model
    // (contract), len ≤ isize::MAX.
    let bytes: &'static [u8] = unsafe { core::slice::from_raw_parts(blob, len) };
    match QBlob::parse_with_capacity(bytes) {
        Ok(blob) => {
            // SAFETY: as above: large, aligned and writable storage.
            unsafe {
                (model as *mut QStored<'static>).write(QStored {
                    magic: QMODEL_MAGIC,
                    blob,
                })
            };
            NK_OK
        }
        Err(e) => qblob_status(e),
    }
}

/// The blob stored in `*model`, if `nk_qmodel_from_bytes` succeeded on it.
///
/// # Safety
/// `model` must be NULL or point to readable `nk_qmodel` storage.
unsafe fn stored<'a>(
    model: *const nk_qmodel,
) -> Result<&'a QBlob<'static, NK_QMODEL_MAX_LAYERS>, nk_status> {
    if model.is_null() {
        return Err(NK_ERR_NULL);
    }
    check_align(model)?;
    // SAFETY: readable, aligned storage laid out for `QStored` (contract,
    // const assertions); only the plain `u64` tag is read first.
    if unsafe { core::ptr::addr_of!((*(model as *const QStored<'static>)).magic).read() }
        != QMODEL_MAGIC
    {
        return Err(NK_ERR_MODEL);
    }
    // SAFETY: the tag is only written together with a valid `QStored`.
    Ok(unsafe { &(*(model as *const QStored<'static>)).blob })
}

/// The bytes of scratch either run function needs: two activations of the
/// widest layer, plus the quantized input and output for the float one.
fn scratch_bytes(b: &QBlob<'static, NK_QMODEL_MAX_LAYERS>) -> usize {
    let m = b.model();
    2 * m.max_width() + m.fan_in() + m.fan_out()
}

/// Writes `f(model)` to `*out`.
///
/// # Safety
/// `model` must point to `nk_qmodel` storage and `out` to a writable `size_t`.
unsafe fn query(
    model: *const nk_qmodel,
    out: *mut usize,
    f: fn(&QBlob<'static, NK_QMODEL_MAX_LAYERS>) -> usize,
) -> nk_status {
    if out.is_null() {
        return NK_ERR_NULL;
    }
    // SAFETY: forwarded from this function's contract.
    match unsafe { stored(model) } {
        Ok(b) => {
            // SAFETY: `out` is non-null and writable (contract).
            unsafe { out.write(f(b)) };
            NK_OK
        }
        Err(e) => e,
    }
}

/// Writes the number of inputs of the int8 model to `*out`.
///
/// # Safety
/// `model` must point to `nk_qmodel` storage and `out` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn nk_qmodel_input_len(
    model: *const nk_qmodel,
    out: *mut usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { query(model, out, |b| b.model().fan_in()) }
}

/// Writes the number of outputs of the int8 model to `*out`.
///
/// # Safety
/// `model` must point to `nk_qmodel` storage and `out` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn nk_qmodel_output_len(
    model: *const nk_qmodel,
    out: *mut usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { query(model, out, |b| b.model().fan_out()) }
}

/// Writes the bytes of scratch `nk_qmodel_run_i8` and
/// `nk_qmodel_predict_f32` need to `*out` (`2 · widest layer + inputs +
/// outputs`).
///
/// # Safety
/// `model` must point to `nk_qmodel` storage and `out` to a writable `size_t`.
#[no_mangle]
pub unsafe extern "C" fn nk_qmodel_scratch_len(
    model: *const nk_qmodel,
    out: *mut usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    unsafe { query(model, out, scratch_bytes) }
}

/// Writes 1 to `*float_input` if the model was converted from a `.tflite`
/// that takes floats (QUANTIZE at its input), else 0, and likewise
/// `*float_output`: which of the two run functions its users validated.
///
/// # Safety
/// `model` must point to `nk_qmodel` storage; the outputs to writable `int`s.
#[no_mangle]
pub unsafe extern "C" fn nk_qmodel_interface(
    model: *const nk_qmodel,
    float_input: *mut core::ffi::c_int,
    float_output: *mut core::ffi::c_int,
) -> nk_status {
    if float_input.is_null() || float_output.is_null() {
        return NK_ERR_NULL;
    }
    // SAFETY: forwarded from this function's contract.
    match unsafe { stored(model) } {
        Ok(b) => {
            let i = b.interface();
            // SAFETY: non-null and writable (contract).
            unsafe {
                float_input.write(core::ffi::c_int::from(i.float_input));
                float_output.write(core::ffi::c_int::from(i.float_output));
            }
            NK_OK
        }
        Err(e) => e,
    }
}

/// Writes the quantization of the model's input (`which` = 0) or output
/// (`which` = 1): `real = scale · (q − zero_point)`, what a caller of
/// `nk_qmodel_run_i8` quantizes its data with. Another `which` is
/// `NK_ERR_LENGTH`.
///
/// # Safety
/// `model` must point to `nk_qmodel` storage; `scale` and `zero_point` to a
/// writable `float` and `int32_t`.
#[no_mangle]
pub unsafe extern "C" fn nk_qmodel_quant(
    model: *const nk_qmodel,
    which: core::ffi::c_int,
    scale: *mut f32,
    zero_point: *mut i32,
) -> nk_status {
    if scale.is_null() || zero_point.is_null() {
        return NK_ERR_NULL;
    }
    if !scale.is_aligned() || !zero_point.is_aligned() {
        return NK_ERR_ALIGN;
    }
    // SAFETY: forwarded from this function's contract.
    let b = match unsafe { stored(model) } {
        Ok(b) => b,
        Err(e) => return e,
    };
    let q = match which {
        0 => b.model().input_quant(),
        1 => b.model().output_quant(),
        _ => return NK_ERR_LENGTH,
    };
    // SAFETY: non-null, aligned (checked) and writable (contract).
    unsafe {
        scale.write(q.scale);
        zero_point.write(q.zero_point);
    }
    NK_OK
}

/// Whether `[a, a + an)` and `[b, b + bn)` (bytes) intersect, saturating.
fn overlap_bytes(a: *const u8, an: usize, b: *const u8, bn: usize) -> bool {
    let (a0, b0) = (a as usize, b as usize);
    a0 < b0.saturating_add(bn) && b0 < a0.saturating_add(an)
}

fn q_status(e: QError) -> nk_status {
    match e {
        QError::Length { .. } => NK_ERR_SCRATCH,
        _ => NK_ERR_MODEL,
    }
}

/// int8 inference: `y = f(x)`, `x` of `nk_qmodel_input_len` int8 values
/// quantized as the model's input, `y` of `nk_qmodel_output_len`, using
/// `scratch` (`scratch_len` bytes, at least `nk_qmodel_scratch_len`).
/// Bit-identical to the Rust crate and to the runtime the model's
/// arithmetic names (LiteRT or TFLite Micro). The buffers must not overlap.
///
/// # Safety
/// `model` must point to `nk_qmodel` storage; `x`, `y` and `scratch` to that
/// many readable / writable bytes.
#[no_mangle]
pub unsafe extern "C" fn nk_qmodel_run_i8(
    model: *const nk_qmodel,
    x: *const i8,
    y: *mut i8,
    scratch: *mut i8,
    scratch_len: usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    let b = match unsafe { stored(model) } {
        Ok(b) => b,
        Err(e) => return e,
    };
    if x.is_null() || y.is_null() || scratch.is_null() {
        return NK_ERR_NULL;
    }
    if scratch_len > isize::MAX as usize {
        return NK_ERR_LENGTH;
    }
    let m = b.model();
    let (ni, no) = (m.fan_in(), m.fan_out());
    if scratch_len < scratch_bytes(b) {
        return NK_ERR_SCRATCH;
    }
    let (xb, yb, sb) = (
        x.cast::<u8>(),
        y.cast_const().cast::<u8>(),
        scratch.cast_const().cast::<u8>(),
    );
    if overlap_bytes(xb, ni, yb, no)
        || overlap_bytes(xb, ni, sb, scratch_len)
        || overlap_bytes(yb, no, sb, scratch_len)
    {
        return NK_ERR_OVERLAP;
    }
    // SAFETY: non-null, the lengths the model gives (contract), the three
    // buffers disjoint (checked), byte-aligned types.
    let (x, y, s) = unsafe {
        (
            core::slice::from_raw_parts(x, ni),
            core::slice::from_raw_parts_mut(y, no),
            core::slice::from_raw_parts_mut(scratch, scratch_len),
        )
    };
    match m.run(x, y, s) {
        Ok(()) => NK_OK,
        Err(e) => q_status(e),
    }
}

/// Float inference through the int8 model: `x` quantized as the model's
/// input (TFLite's QUANTIZE), run, the output dequantized into `y`
/// (DEQUANTIZE), as a `.tflite` with a float interface does. `x` and `y`
/// 4-byte aligned; `scratch` at least `nk_qmodel_scratch_len` bytes. The
/// buffers must not overlap.
///
/// # Safety
/// `model` must point to `nk_qmodel` storage; `x` to `nk_qmodel_input_len`
/// readable floats, `y` to `nk_qmodel_output_len` writable floats, `scratch`
/// to `scratch_len` writable bytes.
#[no_mangle]
pub unsafe extern "C" fn nk_qmodel_predict_f32(
    model: *const nk_qmodel,
    x: *const f32,
    y: *mut f32,
    scratch: *mut i8,
    scratch_len: usize,
) -> nk_status {
    // SAFETY: forwarded from this function's contract.
    let b = match unsafe { stored(model) } {
        Ok(b) => b,
        Err(e) => return e,
    };
    if x.is_null() || y.is_null() || scratch.is_null() {
        return NK_ERR_NULL;
    }
    if scratch_len > isize::MAX as usize {
        return NK_ERR_LENGTH;
    }
    let m = b.model();
    let (ni, no) = (m.fan_in(), m.fan_out());
    if scratch_len < scratch_bytes(b) {
        return NK_ERR_SCRATCH;
    }
    let sb = scratch.cast_const().cast::<u8>();
    if overlaps(x, ni, y, no)
        || overlap_bytes(x.cast(), 4 * ni, sb, scratch_len)
        || overlap_bytes(y.cast_const().cast(), 4 * no, sb, scratch_len)
    {
        return NK_ERR_OVERLAP;
    }
    // SAFETY: the lengths the model gives (contract), disjoint (checked);
    // `input` / `output` check null and alignment.
    let (x, y) = match unsafe { (input(x, ni), output(y, no)) } {
        (Ok(x), Ok(y)) => (x, y),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    // SAFETY: non-null, `scratch_len` writable bytes (contract), disjoint.
    let s = unsafe { core::slice::from_raw_parts_mut(scratch, scratch_len) };
    match m.predict(x, y, s) {
        Ok(()) => NK_OK,
        Err(e) => q_status(e),
    }
}
