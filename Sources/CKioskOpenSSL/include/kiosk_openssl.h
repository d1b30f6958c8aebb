// Block-cipher primitives for DUKPT, backed by OpenSSL libcrypto (EVP).
//
// This header deliberately includes nothing from OpenSSL: Swift sees only these
// declarations, so OpenSSL's headers never meet swift-crypto's BoringSSL headers
// in one Clang module. Every function is stateless and thread-safe: each call
// creates its own EVP context and frees (and clears) it before returning.
//
// All functions return KIOSK_OSSL_OK (0) on success, or a negative status.
// `out` may not overlap `in` unless it is exactly the same pointer.

#ifndef KIOSK_OPENSSL_H
#define KIOSK_OPENSSL_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

enum {
    KIOSK_OSSL_OK = 0,
    /// A NULL pointer, an unsupported key length, or a length that is not a
    /// whole number of blocks.
    KIOSK_OSSL_BAD_ARGUMENT = -1,
    /// OpenSSL refused the operation (context allocation, init, update or final).
    KIOSK_OSSL_CIPHER_FAILED = -2,
};

/// The two block ciphers readers use.
enum kiosk_cipher_family {
    /// TDES-EDE: 8-byte blocks. key_len: 16 (two-key), 24 (three-key), or 8
    /// (single DES, run as three-key TDES with K|K|K so no legacy provider is needed).
    KIOSK_TDES = 0,
    /// AES: 16-byte blocks. key_len: 16, 24 or 32.
    KIOSK_AES = 1,
};

enum kiosk_cipher_mode {
    /// Each block on its own; iv is ignored and may be NULL.
    KIOSK_ECB = 0,
    /// Chained from iv, which is one block long.
    KIOSK_CBC = 1,
};

/// Encrypts (encrypt != 0) or decrypts len bytes, no padding: len must be a
/// non-zero multiple of the family's block size.
int kiosk_block_cipher(enum kiosk_cipher_family family, enum kiosk_cipher_mode mode, int encrypt,
                       const uint8_t *key, size_t key_len, const uint8_t *iv,
                       const uint8_t *in, size_t len, uint8_t *out);

/// Overwrites len bytes with zeros in a way the optimiser may not remove
/// (OPENSSL_cleanse). For wiping keys and clear data held by Swift callers.
void kiosk_cleanse(void *ptr, size_t len);

#ifdef __cplusplus
}
#endif

#endif
