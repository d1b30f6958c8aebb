#include "kiosk_curl.h"

#include <curl/curl.h>
#include <stdio.h>
#include <string.h>

struct kiosk_curl_reader {
    const char *data;
    size_t length;
    size_t offset;
};

static size_t kiosk_curl_read(char *buffer, size_t size, size_t count, void *context) {
    struct kiosk_curl_reader *reader = context;
    size_t room = size * count;
    size_t left = reader->length - reader->offset;
    size_t n = left < room ? left : room;
    memcpy(buffer, reader->data + reader->offset, n);
    reader->offset += n;
    return n;
}

int kiosk_curl_init(void) {
    return (int)curl_global_init(CURL_GLOBAL_DEFAULT);
}

int kiosk_curl_send_mail(const char *url, const char *username, const char *password,
                         const char *from, const char *to,
                         const char *message, size_t length,
                         long timeout_seconds,
                         char *error, size_t error_size) {
    if (error_size > 0) error[0] = '\0';
    CURL *curl = curl_easy_init();
    if (curl == NULL) {
        snprintf(error, error_size, "libcurl could not start a transfer");
        return CURLE_FAILED_INIT;
    }
    char detail[CURL_ERROR_SIZE];
    detail[0] = '\0';
    struct kiosk_curl_reader reader = { message, length, 0 };
    struct curl_slist *recipients = curl_slist_append(NULL, to);

    curl_easy_setopt(curl, CURLOPT_URL, url);
    curl_easy_setopt(curl, CURLOPT_PROTOCOLS_STR, "smtp,smtps");
    if (username != NULL) curl_easy_setopt(curl, CURLOPT_USERNAME, username);
    if (password != NULL) curl_easy_setopt(curl, CURLOPT_PASSWORD, password);
    curl_easy_setopt(curl, CURLOPT_MAIL_FROM, from);
    curl_easy_setopt(curl, CURLOPT_MAIL_RCPT, recipients);
    curl_easy_setopt(curl, CURLOPT_READFUNCTION, kiosk_curl_read);
    curl_easy_setopt(curl, CURLOPT_READDATA, &reader);
    curl_easy_setopt(curl, CURLOPT_UPLOAD, 1L);
    curl_easy_setopt(curl, CURLOPT_ERRORBUFFER, detail);
    curl_easy_setopt(curl, CURLOPT_TIMEOUT, timeout_seconds);
    curl_easy_setopt(curl, CURLOPT_NOSIGNAL, 1L);

    CURLcode code = curl_easy_perform(curl);
    if (code != CURLE_OK) {
        // libcurl's own sentence names the step and the server's code ("RCPT failed: 550");
        // without one, its generic sentence and the last reply code, when there was one.
        long reply = 0;
        curl_easy_getinfo(curl, CURLINFO_RESPONSE_CODE, &reply);
        if (detail[0] != '\0') {
            snprintf(error, error_size, "%s", detail);
        } else if (reply > 0) {
            snprintf(error, error_size, "%s (the mail relay answered %ld)", curl_easy_strerror(code), reply);
        } else {
            snprintf(error, error_size, "%s", curl_easy_strerror(code));
        }
    }
    curl_slist_free_all(recipients);
    curl_easy_cleanup(curl);
    return (int)code;
}
