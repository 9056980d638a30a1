//! The status codes: one list, from which come the `nk_status` enum, the
//! messages of `nk_status_str`, and (in `tests/header.rs`) the enum of the
//! C header. Adding a status is one line here.

/// One status: its C name, its value, and its message (which is also its
/// documentation in the header).
pub struct Status {
    /// The C enumerator, e.g. `"NK_OK"`.
    pub name: &'static str,
    /// Its value.
    pub code: i32,
    /// What it means, one sentence.
    pub message: &'static str,
}

macro_rules! statuses {
    ($($name:ident = $code:literal : $msg:literal,)*) => {
        /// Status codes returned by every function.
        #[repr(C)]
        #[derive(Clone, Copy, Debug, PartialEq, Eq)]
        pub enum nk_status {
            $(#[doc = $msg] $name = $code,)*
        }

        /// Every status, in order: the single source of the enum, the
        /// messages and the header.
        pub const STATUSES: &[Status] = &[$(Status { name: stringify!($name), code: $code, message: $msg },)*];

        /// The message of `code`, NUL-terminated, or `None`.
        pub(crate) fn message_c(code: i32) -> Option<&'static [u8]> {
            match code {
                $($code => Some(concat!($msg, "\0").as_bytes()),)*
                _ => None,
            }
        }
    };
}

statuses! {
    NK_OK = 0: "Success.",
    NK_ERR_NULL = 1: "A required pointer is NULL.",
    NK_ERR_LENGTH = 2: "A length is too large: n floats would exceed PTRDIFF_MAX bytes.",
    NK_ERR_OVERLAP = 3: "Buffers overlap where they must not (x == y, in place, is allowed for the kernels).",
    NK_ERR_SCRATCH = 4: "The scratch buffer is shorter than nk_model_scratch_len (nk_qmodel_scratch_len).",
    NK_ERR_MODEL = 5: "The model was not initialised by nk_model_from_bytes (nk_qmodel_from_bytes).",
    NK_ERR_ALIGN = 6: "A float pointer or an int8 blob is not 4-byte aligned, or nk_model / nk_qmodel storage is not 8-byte aligned.",
    NK_ERR_ACTIVATION = 7: "An unknown activation code (see NK_ACT_*), or a parameter alpha that is NaN or infinite.",
    NK_ERR_BLOB_TRUNCATED = 10: "The blob is shorter than its header says.",
    NK_ERR_BLOB_TRAILING = 11: "The blob is longer than its header says.",
    NK_ERR_BLOB_MAGIC = 12: "The blob does not start with NKRN (nk_model) or NKQ8 (nk_qmodel).",
    NK_ERR_BLOB_VERSION = 13: "The blob's format version is not supported.",
    NK_ERR_BLOB_LAYERS = 14: "The blob has no layers or too many.",
    NK_ERR_BLOB_SHAPE = 15: "A layer has an invalid shape, or does not chain with the previous one.",
    NK_ERR_BLOB_ACTIVATION = 16: "A layer has an unknown activation or layer kind, an invalid parameter (leaky ReLU's and ELU's alpha must be finite; others 0), or non-zero reserved bytes.",
    NK_ERR_BLOB_CHECKSUM = 17: "The CRC-32 does not match.",
    NK_ERR_BLOB_NONFINITE = 18: "A parameter is NaN or infinite.",
    NK_ERR_BLOB_FIELD = 19: "A field of an int8 blob holds a value it may not: a quantization, a multiplier that is not the one its scales give, a table, a clamp, padding or reserved bytes.",
}
