//! Weight blobs.
