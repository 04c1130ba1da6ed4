//! The TLS crypto provider of the bucket client.
//!
//! The S3 client's rustls is built without a bundled provider (`aws-lc-rs`, the default,
//! costs about two minutes of C compilation in a clean build), so the `ring` provider is
//! installed as the process default before the first client is built.

/// Installs rustls's `ring` provider as the process default, unless one is installed
/// already; cheap and idempotent, so every bucket open may call it.
pub fn install_crypto_provider() {
    if rustls::crypto::CryptoProvider::get_default().is_none() {
        // Err only when another thread installed one first: that one is used, as wanted.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
}
