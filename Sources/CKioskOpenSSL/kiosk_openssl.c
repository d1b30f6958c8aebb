// See include/kiosk_openssl.h. One EVP context per call, padding off, context
// freed (which clears the key schedule) on every path.

#include "kiosk_openssl.h"

#include <limits.h>
#include <string.h>

#include <openssl/crypto.h>
#include <openssl/evp.h>

enum direction { DECRYPT = 0, ENCRYPT = 1 };

// Runs one no-padding EVP operation over whole blocks. The caller has chosen a
// cipher whose key length matches `key`.
static int run_cipher(const EVP_CIPHER *cipher, const uint8_t *key, const uint8_t *iv,
                      const uint8_t *in, size_t len, uint8_t *out, enum direction dir)
{
    if (cipher == NULL || len > INT_MAX) {
        return KIOSK_OSSL_BAD_ARGUMENT;
    }
    EVP_CIPHER_CTX *ctx = EVP_CIPHER_CTX_new();
    if (ctx == NULL) {
        return KIOSK_OSSL_CIPHER_FAILED;
    }
    int status = KIOSK_OSSL_CIPHER_FAILED;
    int written = 0;
    int final_written = 0;
    if (EVP_CipherInit_ex(ctx, cipher, NULL, key, iv, (int)dir) == 1
        && EVP_CIPHER_CTX_set_padding(ctx, 0) == 1
        && EVP_CipherUpdate(ctx, out, &written, in, (int)len) == 1
        && EVP_CipherFinal_ex(ctx, out + written, &final_written) == 1
        && (size_t)written + (size_t)final_written == len) {
        status = KIOSK_OSSL_OK;
    }
    EVP_CIPHER_CTX_free(ctx);
    return status;
}

// TDES with key_len 8 (K|K|K), 16 (K1|K2, EDE) or 24 (K1|K2|K3, EDE3).
static int run_tdes(int cbc, const uint8_t *key, size_t key_len, const uint8_t *iv,
                    const uint8_t *in, size_t len, uint8_t *out, enum direction dir)
{
    switch (key_len) {
    case 16:
        return run_cipher(cbc ? EVP_des_ede_cbc() : EVP_des_ede_ecb(), key, iv, in, len, out, dir);
    case 24:
        return run_cipher(cbc ? EVP_des_ede3_cbc() : EVP_des_ede3_ecb(), key, iv, in, len, out, dir);
    case 8: {
        uint8_t expanded[24];
        memcpy(expanded, key, 8);
        memcpy(expanded + 8, key, 8);
        memcpy(expanded + 16, key, 8);
        int status = run_cipher(cbc ? EVP_des_ede3_cbc() : EVP_des_ede3_ecb(),
                                expanded, iv, in, len, out, dir);
        OPENSSL_cleanse(expanded, sizeof expanded);
        return status;
    }
    default:
        return KIOSK_OSSL_BAD_ARGUMENT;
    }
}

// AES with key_len 16, 24 or 32.
static int run_aes(int cbc, const uint8_t *key, size_t key_len, const uint8_t *iv,
                   const uint8_t *in, size_t len, uint8_t *out, enum direction dir)
{
    const EVP_CIPHER *cipher;
    switch (key_len) {
    case 16: cipher = cbc ? EVP_aes_128_cbc() : EVP_aes_128_ecb(); break;
    case 24: cipher = cbc ? EVP_aes_192_cbc() : EVP_aes_192_ecb(); break;
    case 32: cipher = cbc ? EVP_aes_256_cbc() : EVP_aes_256_ecb(); break;
    default: return KIOSK_OSSL_BAD_ARGUMENT;
    }
    return run_cipher(cipher, key, iv, in, len, out, dir);
}

int kiosk_block_cipher(enum kiosk_cipher_family family, enum kiosk_cipher_mode mode, int encrypt,
                       const uint8_t *key, size_t key_len, const uint8_t *iv,
                       const uint8_t *in, size_t len, uint8_t *out)
{
    int cbc = mode == KIOSK_CBC;
    size_t block = family == KIOSK_TDES ? 8 : 16;
    if ((family != KIOSK_TDES && family != KIOSK_AES) || (mode != KIOSK_ECB && mode != KIOSK_CBC)
        || key == NULL || in == NULL || out == NULL || (cbc && iv == NULL)
        || len == 0 || len % block != 0) {
        return KIOSK_OSSL_BAD_ARGUMENT;
    }
    // ECB takes no IV; OpenSSL ignores one, but pass none so nothing depends on that.
    const uint8_t *used_iv = cbc ? iv : NULL;
    enum direction dir = encrypt ? ENCRYPT : DECRYPT;
    return family == KIOSK_TDES ? run_tdes(cbc, key, key_len, used_iv, in, len, out, dir)
                                : run_aes(cbc, key, key_len, used_iv, in, len, out, dir);
}

void kiosk_cleanse(void *ptr, size_t len)
{
    if (ptr != NULL && len > 0) {
        OPENSSL_cleanse(ptr, len);
    }
}
