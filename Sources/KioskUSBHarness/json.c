#include "json.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
    const char *s;
    size_t pos;
    char *err;
    size_t errlen;
    int failed;
} parser;

static void fail(parser *p, const char *what) {
    if (!p->failed) {
        snprintf(p->err, p->errlen, "%s at byte %zu", what, p->pos);
        p->failed = 1;
    }
}

static void skip_ws(parser *p) {
    for (;;) {
        char c = p->s[p->pos];
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') p->pos++;
        else break;
    }
}

static json_value *new_value(json_kind k) {
    json_value *v = calloc(1, sizeof *v);
    v->kind = k;
    return v;
}

static json_value *parse_value(parser *p, int depth);

static char *parse_string_raw(parser *p) {
    if (p->s[p->pos] != '"') { fail(p, "expected string"); return NULL; }
    p->pos++;
    size_t cap = 16, len = 0;
    char *out = malloc(cap);
    for (;;) {
        unsigned char c = (unsigned char)p->s[p->pos];
        if (c == 0) { fail(p, "unterminated string"); free(out); return NULL; }
        p->pos++;
        if (c == '"') break;
        char buf[4];
        size_t n = 1;
        if (c == '\\') {
            char e = p->s[p->pos++];
            switch (e) {
            case '"': buf[0] = '"'; break;
            case '\\': buf[0] = '\\'; break;
            case '/': buf[0] = '/'; break;
            case 'b': buf[0] = '\b'; break;
            case 'f': buf[0] = '\f'; break;
            case 'n': buf[0] = '\n'; break;
            case 'r': buf[0] = '\r'; break;
            case 't': buf[0] = '\t'; break;
            case 'u': {
                unsigned cp = 0;
                for (int i = 0; i < 4; i++) {
                    char h = p->s[p->pos++];
                    cp <<= 4;
                    if (h >= '0' && h <= '9') cp |= (unsigned)(h - '0');
                    else if (h >= 'a' && h <= 'f') cp |= (unsigned)(h - 'a' + 10);
                    else if (h >= 'A' && h <= 'F') cp |= (unsigned)(h - 'A' + 10);
                    else { fail(p, "bad \\u escape"); free(out); return NULL; }
                }
                if (cp < 0x80) { buf[0] = (char)cp; }
                else if (cp < 0x800) { buf[0] = (char)(0xC0 | (cp >> 6)); buf[1] = (char)(0x80 | (cp & 0x3F)); n = 2; }
                else { buf[0] = (char)(0xE0 | (cp >> 12)); buf[1] = (char)(0x80 | ((cp >> 6) & 0x3F)); buf[2] = (char)(0x80 | (cp & 0x3F)); n = 3; }
                break;
            }
            default: fail(p, "bad escape"); free(out); return NULL;
            }
        } else {
            buf[0] = (char)c;
        }
        if (len + n + 1 > cap) { cap = (cap + n) * 2; out = realloc(out, cap); }
        memcpy(out + len, buf, n);
        len += n;
    }
    out[len] = 0;
    return out;
}

static void append(json_value *v, char *key, json_value *item) {
    v->items = realloc(v->items, (v->count + 1) * sizeof *v->items);
    v->items[v->count] = item;
    if (v->kind == JSON_OBJECT) {
        v->keys = realloc(v->keys, (v->count + 1) * sizeof *v->keys);
        v->keys[v->count] = key;
    }
    v->count++;
}

static json_value *parse_container(parser *p, int depth, int object) {
    json_value *v = new_value(object ? JSON_OBJECT : JSON_ARRAY);
    p->pos++;
    skip_ws(p);
    char close = object ? '}' : ']';
    if (p->s[p->pos] == close) { p->pos++; return v; }
    for (;;) {
        char *key = NULL;
        skip_ws(p);
        if (object) {
            key = parse_string_raw(p);
            if (!key) { json_free(v); return NULL; }
            skip_ws(p);
            if (p->s[p->pos] != ':') { fail(p, "expected ':'"); free(key); json_free(v); return NULL; }
            p->pos++;
        }
        json_value *item = parse_value(p, depth + 1);
        if (!item) { free(key); json_free(v); return NULL; }
        append(v, key, item);
        skip_ws(p);
        char c = p->s[p->pos];
        if (c == ',') { p->pos++; continue; }
        if (c == close) { p->pos++; return v; }
        fail(p, object ? "expected ',' or '}'" : "expected ',' or ']'");
        json_free(v);
        return NULL;
    }
}

static json_value *parse_value(parser *p, int depth) {
    if (depth > 64) { fail(p, "nesting too deep"); return NULL; }
    skip_ws(p);
    char c = p->s[p->pos];
    if (c == '{') return parse_container(p, depth, 1);
    if (c == '[') return parse_container(p, depth, 0);
    if (c == '"') {
        char *s = parse_string_raw(p);
        if (!s) return NULL;
        json_value *v = new_value(JSON_STRING);
        v->string = s;
        return v;
    }
    if (strncmp(p->s + p->pos, "true", 4) == 0) { p->pos += 4; json_value *v = new_value(JSON_BOOL); v->number = 1; return v; }
    if (strncmp(p->s + p->pos, "false", 5) == 0) { p->pos += 5; return new_value(JSON_BOOL); }
    if (strncmp(p->s + p->pos, "null", 4) == 0) { p->pos += 4; return new_value(JSON_NULL); }
    if (c == '-' || (c >= '0' && c <= '9')) {
        char *end = NULL;
        double d = strtod(p->s + p->pos, &end);
        if (end == p->s + p->pos) { fail(p, "bad number"); return NULL; }
        p->pos = (size_t)(end - p->s);
        json_value *v = new_value(JSON_NUMBER);
        v->number = d;
        return v;
    }
    fail(p, "unexpected character");
    return NULL;
}

json_value *json_parse(const char *text, char *err, size_t errlen) {
    parser p = { text, 0, err, errlen, 0 };
    json_value *v = parse_value(&p, 0);
    if (!v) return NULL;
    skip_ws(&p);
    if (p.s[p.pos] != 0) { fail(&p, "trailing characters"); json_free(v); return NULL; }
    return v;
}

void json_free(json_value *v) {
    if (!v) return;
    for (size_t i = 0; i < v->count; i++) {
        json_free(v->items[i]);
        if (v->keys) free(v->keys[i]);
    }
    free(v->items);
    free(v->keys);
    free(v->string);
    free(v);
}

const json_value *json_get(const json_value *v, const char *key) {
    if (!v || v->kind != JSON_OBJECT) return NULL;
    for (size_t i = 0; i < v->count; i++)
        if (strcmp(v->keys[i], key) == 0) return v->items[i];
    return NULL;
}
