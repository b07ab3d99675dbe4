#include "json.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

typedef struct { const char *p; int ok; } parser;

static void skip_ws(parser *ps) {
  while (*ps->p == ' ' || *ps->p == '\t' || *ps->p == '\n' || *ps->p == '\r') ps->p++;
}

static int parse_value(parser *ps, json_value *out);

static int hex4(const char *s, unsigned *out) {
  unsigned v = 0;
  for (int i = 0; i < 4; i++) {
    char c = s[i];
    v <<= 4;
    if (c >= '0' && c <= '9') v |= (unsigned)(c - '0');
    else if (c >= 'a' && c <= 'f') v |= (unsigned)(c - 'a' + 10);
    else if (c >= 'A' && c <= 'F') v |= (unsigned)(c - 'A' + 10);
    else return 0;
  }
  *out = v;
  return 1;
}

static size_t put_utf8(char *dst, unsigned cp) {
  if (cp < 0x80) { dst[0] = (char)cp; return 1; }
  if (cp < 0x800) { dst[0] = (char)(0xC0 | (cp >> 6)); dst[1] = (char)(0x80 | (cp & 0x3F)); return 2; }
  if (cp < 0x10000) {
    dst[0] = (char)(0xE0 | (cp >> 12)); dst[1] = (char)(0x80 | ((cp >> 6) & 0x3F));
    dst[2] = (char)(0x80 | (cp & 0x3F)); return 3;
  }
  dst[0] = (char)(0xF0 | (cp >> 18)); dst[1] = (char)(0x80 | ((cp >> 12) & 0x3F));
  dst[2] = (char)(0x80 | ((cp >> 6) & 0x3F)); dst[3] = (char)(0x80 | (cp & 0x3F));
  return 4;
}

static char *parse_string(parser *ps) {
  if (*ps->p != '"') return NULL;
  ps->p++;
  /* Decoded text is never longer than the escaped source. */
  const char *end = ps->p;
  while (*end && *end != '"') end += (*end == '\\' && end[1]) ? 2 : 1;
  if (*end != '"') return NULL;
  char *out = malloc((size_t)(end - ps->p) + 1);
  size_t n = 0;
  while (*ps->p != '"') {
    char c = *ps->p++;
    if (c != '\\') { out[n++] = c; continue; }
    c = *ps->p++;
    switch (c) {
      case '"': out[n++] = '"'; break;
      case '\\': out[n++] = '\\'; break;
      case '/': out[n++] = '/'; break;
      case 'b': out[n++] = '\b'; break;
      case 'f': out[n++] = '\f'; break;
      case 'n': out[n++] = '\n'; break;
      case 'r': out[n++] = '\r'; break;
      case 't': out[n++] = '\t'; break;
      case 'u': {
        unsigned cp, lo;
        if (!hex4(ps->p, &cp)) { free(out); return NULL; }
        ps->p += 4;
        if (cp >= 0xD800 && cp < 0xDC00 && ps->p[0] == '\\' && ps->p[1] == 'u' &&
            hex4(ps->p + 2, &lo) && lo >= 0xDC00 && lo < 0xE000) {
          cp = 0x10000 + ((cp - 0xD800) << 10) + (lo - 0xDC00);
          ps->p += 6;
        }
        n += put_utf8(out + n, cp);
        break;
      }
      default: free(out); return NULL;
    }
  }
  ps->p++;
  out[n] = '\0';
  return out;
}

static int parse_container(parser *ps, json_value *out, int object) {
  char close = object ? '}' : ']';
  size_t cap = 4;
  out->type = object ? JSON_OBJECT : JSON_ARRAY;
  out->items = calloc(cap, sizeof(json_value));
  out->keys = object ? calloc(cap, sizeof(char *)) : NULL;
  ps->p++;
  skip_ws(ps);
  if (*ps->p == close) { ps->p++; return 1; }
  for (;;) {
    if (out->len == cap) {
      cap *= 2;
      out->items = realloc(out->items, cap * sizeof(json_value));
      if (object) out->keys = realloc(out->keys, cap * sizeof(char *));
    }
    skip_ws(ps);
    if (object) {
      char *key = parse_string(ps);
      if (!key) return 0;
      out->keys[out->len] = key;
      skip_ws(ps);
      if (*ps->p++ != ':') { out->len++; memset(&out->items[out->len - 1], 0, sizeof(json_value)); return 0; }
    }
    memset(&out->items[out->len], 0, sizeof(json_value));
    int ok = parse_value(ps, &out->items[out->len]);
    out->len++;
    if (!ok) return 0;
    skip_ws(ps);
    if (*ps->p == ',') { ps->p++; continue; }
    if (*ps->p == close) { ps->p++; return 1; }
    return 0;
  }
}

static int parse_value(parser *ps, json_value *out) {
  skip_ws(ps);
  memset(out, 0, sizeof *out);
  const char *p = ps->p;
  if (*p == '{') return parse_container(ps, out, 1);
  if (*p == '[') return parse_container(ps, out, 0);
  if (*p == '"') {
    out->type = JSON_STRING;
    out->string = parse_string(ps);
    return out->string != NULL;
  }
  if (strncmp(p, "true", 4) == 0) { out->type = JSON_BOOL; out->boolean = 1; ps->p += 4; return 1; }
  if (strncmp(p, "false", 5) == 0) { out->type = JSON_BOOL; ps->p += 5; return 1; }
  if (strncmp(p, "null", 4) == 0) { out->type = JSON_NULL; ps->p += 4; return 1; }
  char *end;
  out->type = JSON_NUMBER;
  out->number = strtod(p, &end);
  if (end == p) return 0;
  ps->p = end;
  return 1;
}

static void free_inner(json_value *v) {
  free(v->string);
  for (size_t i = 0; i < v->len; i++) {
    free_inner(&v->items[i]);
    if (v->keys) free(v->keys[i]);
  }
  free(v->items);
  free(v->keys);
}

void json_free(json_value *v) {
  if (!v) return;
  free_inner(v);
  free(v);
}

json_value *json_parse(const char *text) {
  parser ps = {text, 1};
  json_value *v = calloc(1, sizeof *v);
  int ok = parse_value(&ps, v);
  skip_ws(&ps);
  if (!ok || *ps.p != '\0') { json_free(v); return NULL; }
  return v;
}

const json_value *json_get(const json_value *obj, const char *key) {
  if (!obj || obj->type != JSON_OBJECT) return NULL;
  for (size_t i = 0; i < obj->len; i++)
    if (strcmp(obj->keys[i], key) == 0) return &obj->items[i];
  return NULL;
}

const char *json_str(const json_value *obj, const char *key) {
  const json_value *v = json_get(obj, key);
  return (v && v->type == JSON_STRING) ? v->string : NULL;
}

char *read_file(const char *path) {
  FILE *f = fopen(path, "rb");
  if (!f) return NULL;
  fseek(f, 0, SEEK_END);
  long size = ftell(f);
  fseek(f, 0, SEEK_SET);
  char *buf = malloc((size_t)size + 1);
  size_t got = fread(buf, 1, (size_t)size, f);
  fclose(f);
  buf[got] = '\0';
  return buf;
}
