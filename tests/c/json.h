/* A small JSON reader for the C tests: the shared vectors and the sandbox's
 * recorded requests. Not part of the library. */
#ifndef EA_TEST_JSON_H
#define EA_TEST_JSON_H
#include <stddef.h>

typedef enum { JSON_NULL, JSON_BOOL, JSON_NUMBER, JSON_STRING, JSON_ARRAY, JSON_OBJECT } json_type;

typedef struct json_value {
  json_type type;
  int boolean;
  double number;
  char *string;               /* JSON_STRING, NUL-terminated UTF-8 */
  size_t len;                 /* items in an array or object */
  struct json_value *items;   /* array items, or object values */
  char **keys;                /* object keys */
} json_value;

/* Parses text; NULL when it is not JSON. Free with json_free. */
json_value *json_parse(const char *text);
void json_free(json_value *v);
/* The member `key` of an object, or NULL. */
const json_value *json_get(const json_value *obj, const char *key);
/* The string of member `key`, or NULL when absent or not a string. */
const char *json_str(const json_value *obj, const char *key);
/* tests/vectors/<name> parsed (a failed case when it is not readable JSON), or NULL.
 * Free with json_free. Defined in test_vectors.c. */
json_value *load_vectors(const char *name);
/* A whole file, NUL-terminated (malloc'd), or NULL. */
char *read_file(const char *path);
#endif
