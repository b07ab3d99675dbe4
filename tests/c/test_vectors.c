/* Every case of the shared tests/vectors JSON files, through the C API. */
#include "harness.h"
#include "json.h"
#include <stdlib.h>

json_value *load_vectors(const char *name) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", g_vectors_dir, name);
  char *text = read_file(path);
  json_value *doc = text ? json_parse(text) : NULL;
  free(text);
  if (!doc) {
    case_begin(path);
    check_failed("the vector file is readable JSON", __FILE__, __LINE__);
    case_end();
  }
  return doc;
}

/* The code of a core kind named in a vector: the kinds are EA_ERR_INVALID_INPUT
 * .. EA_ERR_INVALID_SIGNATURE, contiguous; EA_OK for a name that is none of them. */
static ea_result result_of(const char *kind) {
  for (int code = EA_ERR_INVALID_INPUT; code <= EA_ERR_INVALID_SIGNATURE; code++)
    if (strcmp(ea_result_name(code), kind) == 0) return (ea_result)code;
  return EA_OK;
}

/* Checks an optional string of the error against the vector (null = absent). */
static void check_opt(const char *got, const json_value *want, const char *what) {
  if (!want) return;
  if (want->type == JSON_NULL) {
    if (got) check_failed(what, __FILE__, __LINE__);
  } else {
    CHECK_STR(got, want->string);
  }
}

static void callbacks(void) {
  json_value *doc = load_vectors("callbacks.json");
  const json_value *cases = json_get(doc, "cases");
  for (size_t i = 0; cases && i < cases->len; i++) {
    const json_value *c = &cases->items[i];
    char name[256];
    snprintf(name, sizeof name, "vectors/callbacks: %s", json_str(c, "name"));
    case_begin(name);
    const json_value *expect = json_get(c, "expect");
    const json_value *ok = json_get(expect, "ok");
    const json_value *want_err = json_get(expect, "error");
    ea_grant *grant = NULL;
    ea_error *err = NULL;
    ea_result rc = ea_parse_callback(json_str(c, "callback"), json_str(c, "expected_state"), &grant, &err);
    if (ok) {
      report_unexpected(rc, err, __FILE__, __LINE__);
      CHECK_STR(ea_grant_code(grant), json_str(ok, "code"));
      CHECK_STR(ea_grant_state(grant), json_str(ok, "state"));
    } else {
      CHECK(grant == NULL);
      CHECK_RC(rc, result_of(json_str(want_err, "kind")));
      CHECK(ea_error_kind(err) == rc);
      check_opt(ea_error_field(err), json_get(want_err, "field"), "field");
      check_opt(ea_error_oauth_error(err), json_get(want_err, "error"), "oauth error");
      check_opt(ea_error_oauth_error_description(err), json_get(want_err, "description"), "description");
      check_opt(ea_error_oauth_error_uri(err), json_get(want_err, "uri"), "uri");
      ea_error_free(err);
    }
    ea_grant_free(grant);
    case_end();
  }
  json_free(doc);
}

static void webhook_signatures(void) {
  json_value *doc = load_vectors("webhook_signatures.json");
  const json_value *cases = json_get(doc, "cases");
  for (size_t i = 0; cases && i < cases->len; i++) {
    const json_value *c = &cases->items[i];
    char name[256];
    snprintf(name, sizeof name, "vectors/webhook_signatures: %s", json_str(c, "name"));
    case_begin(name);
    const char *body = json_str(c, "body");
    const json_value *valid = json_get(c, "valid");
    ea_error *err = NULL;
    ea_result rc = ea_verify_webhook_signature(json_str(c, "key"), (const uint8_t *)body, strlen(body),
                                               json_str(c, "header"), &err);
    if (valid && valid->boolean) {
      report_unexpected(rc, err, __FILE__, __LINE__);
    } else {
      const char *key = json_str(c, "key");
      const char *secrets[] = {strlen(key) >= 4 ? key : NULL, NULL};
      EXPECT_ERR_S(rc, err, result_of(json_str(c, "kind")), NULL, secrets);
    }
    case_end();
  }
  json_free(doc);
}

static void query_encoding(void) {
  json_value *doc = load_vectors("query_encoding.json");
  const json_value *cases = json_get(doc, "cases");
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start(true, 0, &sb, &err), err, __FILE__, __LINE__);
  ea_client *client = sb ? sandbox_client(sb, 5000, 0) : NULL;
  for (size_t i = 0; client && cases && i < cases->len; i++) {
    const json_value *c = &cases->items[i];
    const json_value *r = json_get(c, "request");
    char name[256];
    snprintf(name, sizeof name, "vectors/query_encoding: %s", json_str(c, "name"));
    case_begin(name);
    ea_oauth_url_request *req = NULL;
    ea_oauth_url *url = NULL;
    err = NULL;
    ea_result rc = ea_oauth_url_request_new(json_str(r, "element"), json_str(r, "api_key"),
                                            json_str(r, "api_secret"), json_str(r, "callback_url"), &req, &err);
    if (rc == EA_OK && json_str(r, "site_address"))
      rc = ea_oauth_url_request_set_site_address(req, json_str(r, "site_address"), &err);
    if (rc == EA_OK && json_str(r, "state")) rc = ea_oauth_url_request_set_state(req, json_str(r, "state"), &err);
    if (rc == EA_OK && json_str(r, "scope")) rc = ea_oauth_url_request_set_scope(req, json_str(r, "scope"), &err);
    const json_value *params = json_get(r, "params");
    for (size_t p = 0; rc == EA_OK && params && p < params->len; p++)
      rc = ea_oauth_url_request_add_param(req, params->items[p].items[0].string,
                                          params->items[p].items[1].string, &err);
    if (rc == EA_OK) rc = ea_client_oauth_url(client, req, &url, &err);
    report_unexpected(rc, err, __FILE__, __LINE__);
    CHECK_STR(ea_oauth_url_state(url), json_str(r, "state"));
    /* The last recorded request is this one: compare its raw query. */
    char *recorded = NULL;
    err = NULL;
    report_unexpected(ea_sandbox_requests_json(sb, &recorded, &err), err, __FILE__, __LINE__);
    json_value *reqs = recorded ? json_parse(recorded) : NULL;
    CHECK(reqs && reqs->type == JSON_ARRAY && reqs->len > 0);
    if (reqs && reqs->len > 0) {
      const json_value *last = &reqs->items[reqs->len - 1];
      char path[128];
      snprintf(path, sizeof path, "/elements/api-v2/elements/%s/oauth/url", json_str(r, "element"));
      CHECK_STR(json_str(last, "method"), "GET");
      CHECK_STR(json_str(last, "path"), path);
      CHECK_STR(json_str(last, "rawQuery"), json_str(c, "expected_query"));
    }
    json_free(reqs);
    ea_string_free(recorded);
    ea_oauth_url_free(url);
    ea_oauth_url_request_free(req);
    case_end();
  }
  ea_client_free(client);
  ea_sandbox_free(sb);
  json_free(doc);
}

/* --- events: key rotation and notification parsing --- */

static void webhook_key_rotation(void) {
  json_value *doc = load_vectors("webhook_key_rotation.json");
  const json_value *cases = json_get(doc, "cases");
  for (size_t i = 0; cases && i < cases->len; i++) {
    const json_value *c = &cases->items[i];
    char name[256];
    snprintf(name, sizeof name, "vectors/webhook_key_rotation: %s", json_str(c, "name"));
    case_begin(name);
    const json_value *list = json_get(c, "keys");
    const char *keys[8] = {NULL};
    size_t n = list ? list->len : 0;
    for (size_t k = 0; k < n && k < 8; k++) keys[k] = list->items[k].string;
    const char *body = json_str(c, "body");
    const json_value *valid = json_get(c, "valid");
    ea_error *err = NULL;
    ea_result rc = ea_verify_webhook_signature_keys(keys, n, (const uint8_t *)body, strlen(body),
                                                    json_str(c, "header"), &err);
    if (valid && valid->boolean) {
      report_unexpected(rc, err, __FILE__, __LINE__);
    } else {
      const char *secrets[9] = {NULL};
      for (size_t k = 0, s = 0; k < n && k < 8; k++)
        if (strlen(keys[k]) >= 4) secrets[s++] = keys[k];
      EXPECT_ERR_S(rc, err, result_of(json_str(c, "kind")), json_str(c, "field"), secrets);
    }
    case_end();
  }
  json_free(doc);
}

static void event_notifications(void) {
  json_value *doc = load_vectors("event_notifications.json");
  const json_value *cases = json_get(doc, "cases");
  for (size_t i = 0; cases && i < cases->len; i++) {
    const json_value *c = &cases->items[i];
    char name[256];
    snprintf(name, sizeof name, "vectors/event_notifications: %s", json_str(c, "name"));
    case_begin(name);
    const char *body = json_str(c, "body");
    const json_value *expect = json_get(c, "expect");
    const json_value *ok = json_get(expect, "ok");
    ea_event_notification *n = NULL;
    ea_error *err = NULL;
    ea_result rc = ea_parse_event_notification((const uint8_t *)body, strlen(body), &n, &err);
    if (!ok) {
      CHECK(n == NULL);
      EXPECT_ERR(rc, err, result_of(json_str(json_get(expect, "error"), "kind")), NULL);
    } else {
      report_unexpected(rc, err, __FILE__, __LINE__);
      CHECK_STR(ea_event_notification_event_id(n), json_str(ok, "event_id"));
      CHECK(ea_event_notification_instance_id(n) == (int64_t)json_get(ok, "instance_id")->number);
      CHECK_STR(ea_event_notification_notification_id(n), json_str(ok, "notification_id"));
      json_value *raw = json_parse(ea_event_notification_raw_json(n));
      CHECK(raw && raw->type == JSON_OBJECT && json_get(raw, "response"));
      json_free(raw);
      const json_value *events = json_get(ok, "events");
      CHECK(ea_event_notification_events_len(n) == events->len);
      for (size_t e = 0; e < events->len && e < ea_event_notification_events_len(n); e++) {
        const json_value *want = &events->items[e];
        const ea_notification_event *got = ea_event_notification_event(n, e);
        CHECK_STR(ea_notification_event_element_key(got), json_str(want, "element_key"));
        CHECK_STR(ea_notification_event_object_type(got), json_str(want, "object_type"));
        CHECK_STR(ea_notification_event_object_id(got), json_str(want, "object_id"));
        CHECK_STR(ea_notification_event_event_type(got), json_str(want, "event_type"));
        check_opt(ea_notification_event_date(got), json_get(want, "date"), "date");
        CHECK(ea_notification_event_raw_json(got) != NULL);
      }
      ea_event_notification_free(n);
    }
    case_end();
  }
  json_free(doc);
}

void test_vectors(void) {
  callbacks();
  webhook_signatures();
  query_encoding();
  webhook_key_rotation();
  event_notifications();
}
