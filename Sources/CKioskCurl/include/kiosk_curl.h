// Swift-facing view of libcurl's SMTP client (pkg-config "libcurl"), for the reference back
// office's email delivery. curl_easy_setopt is variadic, which Swift cannot call, so the
// whole send is one fixed-signature C function; no curl header is exposed to Swift.
#ifndef KIOSK_CURL_H
#define KIOSK_CURL_H

#include <stddef.h>

/// libcurl's global set-up: call once, before any thread sends (curl_global_init is not
/// thread-safe). Returns 0 on success.
int kiosk_curl_init(void);

/// Sends `message` (an RFC 5322 message, CRLF line ends) from `from` to the one recipient
/// `to` through the SMTP relay at `url` (`smtp://host:port` or `smtps://…`), with libcurl.
/// `username`/`password` may be NULL. Returns 0 when the relay accepted the message;
/// otherwise curl's error code, with libcurl's sentence (and the server's last reply, when
/// there was one) in `error` (always NUL-terminated).
int kiosk_curl_send_mail(const char *url, const char *username, const char *password,
                         const char *from, const char *to,
                         const char *message, size_t length,
                         long timeout_seconds,
                         char *error, size_t error_size);

#endif
