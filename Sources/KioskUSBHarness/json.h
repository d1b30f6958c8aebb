// Minimal JSON reader for scenario files: parses a whole document into a tree.
// Strings support the usual escapes (\uXXXX is decoded to UTF-8, without
// surrogate pairing, which scenario files never need).
#ifndef KIOSK_HARNESS_JSON_H
#define KIOSK_HARNESS_JSON_H

#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_kind;

typedef struct json_value {
    json_kind kind;
    double number;          // JSON_NUMBER, JSON_BOOL (0/1)
    char *string;           // JSON_STRING
    size_t count;           // JSON_ARRAY / JSON_OBJECT element count
    struct json_value **items;  // elements (arrays) or values (objects)
    char **keys;            // JSON_OBJECT keys, parallel to items
} json_value;

/// Parses `text`; on failure returns NULL and writes a message with the byte offset to `err`.
json_value *json_parse(const char *text, char *err, size_t errlen);
void json_free(json_value *v);
/// Member lookup; NULL when `v` is not an object or has no such key.
const json_value *json_get(const json_value *v, const char *key);

#endif
