/* ea_state_signer: the shared state vectors, a sign-in with a rotated key
 * against the sandbox, and NULL and bad arguments. */
#include "harness.h"
#include "json.h"
#include <stdlib.h>

#define SECRET "c-test-state-secret-0123456789abcdef"
#define OLD_SECRET "c-test-old-state-secret-0123456789ab"

static const uint8_t *bytes(const char *s) { return (const uint8_t *)s; }

/* The signer a vector case describes; NULL with *rc and *err set when it is refused. */
static ea_state_signer *signer_of(const json_value *doc, const json_value *c, ea_result *rc, ea_error **err) {
  const json_value *keys = json_get(doc, "keys");
  const json_value *spec = json_get(c, "signer");
  const char *key = json_str(spec, "key");
  const char *secret = json_str(keys, key);
  const json_value *ttl = json_get(spec, "ttl");
  ea_state_signer *signer = NULL;
  *rc = ea_state_signer_new(key, bytes(secret), strlen(secret), ttl ? (uint32_t)ttl->number : 0, &signer, err);
  const json_value *previous = json_get(spec, "previous");
  for (size_t i = 0; *rc == EA_OK && previous && i < previous->len; i++) {
    const char *id = previous->items[i].string;
    const char *s = json_str(keys, id);
    *rc = ea_state_signer_add_previous(signer, id, bytes(s), strlen(s), err);
  }
  if (*rc != EA_OK) {
    ea_state_signer_free(signer);
    return NULL;
  }
  return signer;
}

static void check_error(ea_result rc, ea_error *err, const json_value *want) {
  const char *kind = json_str(want, "kind");
  CHECK_STR(ea_result_name((int)rc), kind);
  if (json_str(want, "mismatch")) CHECK_STR(ea_error_mismatch(err), json_str(want, "mismatch"));
  if (json_str(want, "field")) CHECK_STR(ea_error_field(err), json_str(want, "field"));
  CHECK(!contains(ea_error_message(err), "state-vectors-"));
  ea_error_free(err);
}

static int hex_nibble(char c) { return c <= '9' ? c - '0' : (c | 0x20) - 'a' + 10; }

static void vectors(void) {
  json_value *doc = load_vectors("state_tokens.json");
  const json_value *cases = json_get(doc, "cases");
  case_begin("vectors/state_tokens: the file has cases");
  CHECK(cases && cases->len >= 25);
  case_end();
  for (size_t i = 0; cases && i < cases->len; i++) {
    const json_value *c = &cases->items[i];
    char name[256];
    snprintf(name, sizeof name, "vectors/state_tokens: %s", json_str(c, "name"));
    case_begin(name);
    const json_value *expect = json_get(c, "expect");
    const json_value *sign = json_get(c, "sign");
    const json_value *verify = json_get(c, "verify");
    ea_error *err = NULL;
    ea_result rc;
    ea_state_signer *signer = signer_of(doc, c, &rc, &err);
    if (!sign && !verify) {
      CHECK(signer == NULL);
      check_error(rc, err, json_get(expect, "error"));
      case_end();
      continue;
    }
    report_unexpected(rc, err, __FILE__, __LINE__);
    if (signer && sign) {
      const char *hex = json_str(sign, "nonce");
      uint8_t nonce[16];
      for (size_t b = 0; b < 16; b++) nonce[b] = (uint8_t)(hex_nibble(hex[2 * b]) << 4 | hex_nibble(hex[2 * b + 1]));
      char *token = NULL;
      err = NULL;
      rc = ea_state_signer_sign_for_test(signer, json_str(sign, "element"), json_str(sign, "subject"),
                                         (uint64_t)json_get(sign, "issued_at")->number, nonce, sizeof nonce, &token, &err);
      report_unexpected(rc, err, __FILE__, __LINE__);
      CHECK_STR(token, json_str(c, "token"));
      ea_string_free(token);
    }
    if (signer && verify) {
      ea_state_claims *claims = NULL;
      err = NULL;
      rc = ea_state_signer_verify_for_test(signer, json_str(verify, "state"), json_str(verify, "subject"),
                                           (uint64_t)json_get(verify, "now")->number, &claims, &err);
      const json_value *ok = json_get(expect, "ok");
      if (ok) {
        report_unexpected(rc, err, __FILE__, __LINE__);
        CHECK_STR(ea_state_claims_element(claims), json_str(ok, "element"));
        CHECK_STR(ea_state_claims_key_id(claims), json_str(ok, "key_id"));
        CHECK(ea_state_claims_issued_at(claims) == (uint64_t)json_get(ok, "issued_at")->number);
        CHECK(ea_state_claims_expires_at(claims) == (uint64_t)json_get(ok, "expires_at")->number);
      } else {
        CHECK(claims == NULL);
        check_error(rc, err, json_get(expect, "error"));
      }
      ea_state_claims_free(claims);
    }
    ea_state_signer_free(signer);
    case_end();
  }
  json_free(doc);
}

static ea_state_signer *make(const char *key_id, const char *secret) {
  ea_state_signer *signer = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_state_signer_new(key_id, bytes(secret), strlen(secret), 0, &signer, &err), err, __FILE__,
                    __LINE__);
  return signer;
}

/* Signs a state with `signer` for `user`, gets the dropbox consent URL with it and approves it. */
static char *landed(const ea_sandbox *sb, const ea_client *client, const ea_state_signer *signer, const char *user) {
  char *state = NULL, *callback = NULL;
  ea_oauth_url_request *req = NULL;
  ea_oauth_url *url = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_state_signer_sign(signer, "dropbox", user, &state, &err);
  if (rc == EA_OK) rc = ea_oauth_url_request_new("dropbox", API_KEY, API_SECRET, CALLBACK_URL, &req, &err);
  if (rc == EA_OK) rc = ea_oauth_url_request_set_state(req, state, &err);
  if (rc == EA_OK) rc = ea_client_oauth_url(client, req, &url, &err);
  if (rc == EA_OK) rc = ea_sandbox_approve(sb, ea_oauth_url_url(url), &callback, &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  ea_string_free(state);
  ea_oauth_url_request_free(req);
  ea_oauth_url_free(url);
  return callback;
}

static void rotation(void) {
  case_begin("state signer: a rotated key completes a sign-in, a removed one fails");
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start(true, 0, &sb, &err), err, __FILE__, __LINE__);
  ea_client *client = sb ? sandbox_client(sb, 5000, 0) : NULL;
  ea_state_signer *before = make("k1", OLD_SECRET);
  ea_state_signer *after = make("k2", SECRET);
  ea_state_signer *removed = make("k2", SECRET);
  err = NULL;
  report_unexpected(ea_state_signer_add_previous(after, "k1", bytes(OLD_SECRET), strlen(OLD_SECRET), &err), err,
                    __FILE__, __LINE__);
  CHECK_STR(ea_state_signer_key_id(after), "k2");
  char *first = client ? landed(sb, client, before, "user-7") : NULL;
  char *second = client ? landed(sb, client, before, "user-7") : NULL;
  ea_grant *grant = NULL;
  err = NULL;
  report_unexpected(ea_state_signer_parse_callback(after, first, "user-7", &grant, &err), err, __FILE__, __LINE__);
  ea_state_claims *claims = NULL;
  err = NULL;
  report_unexpected(ea_state_signer_verify(after, ea_grant_state(grant), "user-7", &claims, &err), err, __FILE__,
                    __LINE__);
  CHECK_STR(ea_state_claims_key_id(claims), "k1");
  CHECK_STR(ea_state_claims_element(claims), "dropbox");
  ea_instance_request *req = NULL;
  ea_instance *instance = NULL;
  err = NULL;
  ea_result rc = ea_instance_request_new("dropbox", ea_grant_code(grant), "rotated", API_KEY, API_SECRET,
                                         CALLBACK_URL, &req, &err);
  if (rc == EA_OK) rc = ea_client_create_instance(client, req, &instance, &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  CHECK_STR(ea_instance_element_key(instance), "dropbox");
  ea_grant *refused = NULL;
  err = NULL;
  rc = ea_state_signer_parse_callback(removed, second, "user-7", &refused, &err);
  CHECK_RC(rc, EA_ERR_STATE_MISMATCH);
  CHECK_STR(ea_error_mismatch(err), "unknown_key");
  ea_error_free(err);
  err = NULL;
  rc = ea_state_signer_parse_callback(after, second, "user-8", &refused, &err);
  CHECK_RC(rc, EA_ERR_STATE_MISMATCH);
  CHECK_STR(ea_error_mismatch(err), "other_subject");
  CHECK(refused == NULL);
  ea_error_free(err);
  char *json = NULL;
  err = NULL;
  report_unexpected(ea_sandbox_instances_json(sb, &json, &err), err, __FILE__, __LINE__);
  json_value *list = json ? json_parse(json) : NULL;
  CHECK(list && list->type == JSON_ARRAY && list->len == 1);
  json_free(list);
  ea_string_free(json);
  ea_instance_free(instance);
  ea_instance_request_free(req);
  ea_state_claims_free(claims);
  ea_grant_free(grant);
  ea_string_free(first);
  ea_string_free(second);
  ea_state_signer_free(before);
  ea_state_signer_free(after);
  ea_state_signer_free(removed);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

static void bad_arguments(void) {
  case_begin("state signer: NULL and bad arguments name their parameter");
  ea_state_signer *signer = NULL;
  ea_error *err = NULL;
  const char *secrets[] = {SECRET, NULL};
  EXPECT_ERR_S(ea_state_signer_new("k1", bytes(SECRET), 31, 0, &signer, &err), err, EA_ERR_INVALID_INPUT, "secret",
               secrets);
  EXPECT_ERR(ea_state_signer_new(NULL, bytes(SECRET), strlen(SECRET), 0, &signer, &err), err, EA_ERR_INVALID_INPUT,
             "key_id");
  EXPECT_ERR(ea_state_signer_new("k1", NULL, 32, 0, &signer, &err), err, EA_ERR_INVALID_INPUT, "secret");
  EXPECT_ERR(ea_state_signer_new("k1", bytes(SECRET), strlen(SECRET), 86401, &signer, &err), err,
             EA_ERR_INVALID_INPUT, "ttl");
  EXPECT_ERR(ea_state_signer_new("k1", bytes(SECRET), strlen(SECRET), 0, NULL, &err), err, EA_ERR_INVALID_INPUT,
             "out");
  CHECK(signer == NULL);
  signer = make("k1", SECRET);
  char *state = NULL;
  ea_state_claims *claims = NULL;
  EXPECT_ERR(ea_state_signer_sign(NULL, "concur", "u", &state, &err), err, EA_ERR_INVALID_INPUT, "signer");
  EXPECT_ERR(ea_state_signer_sign(signer, "concur", "", &state, &err), err, EA_ERR_INVALID_INPUT, "subject");
  EXPECT_ERR(ea_state_signer_verify(signer, NULL, "u", &claims, &err), err, EA_ERR_INVALID_INPUT, "state");
  EXPECT_ERR(ea_state_signer_add_previous(signer, "k0", bytes("short"), 5, &err), err, EA_ERR_INVALID_INPUT,
             "previous.secret");
  EXPECT_ERR(ea_state_signer_add_previous(signer, "k1", bytes(OLD_SECRET), strlen(OLD_SECRET), &err), err,
             EA_ERR_INVALID_INPUT, "previous.key_id");
  err = NULL;
  report_unexpected(ea_state_signer_sign(signer, "concur", "alice", &state, &err), err, __FILE__, __LINE__);
  CHECK(state && strlen(state) < 200 && !contains(state, "alice"));
  EXPECT_ERR(ea_state_signer_verify_for_test(signer, state, "alice", 0, &claims, &err), err, EA_ERR_INVALID_INPUT,
             "state");
  CHECK(claims == NULL);
  CHECK(ea_state_signer_key_id(NULL) == NULL && ea_state_claims_element(NULL) == NULL);
  CHECK(ea_state_claims_issued_at(NULL) == 0 && ea_error_mismatch(NULL) == NULL);
  ea_string_free(state);
  ea_state_signer_free(signer);
  ea_state_signer_free(NULL);
  ea_state_claims_free(NULL);
  case_end();
}

void test_state(void) {
  vectors();
  rotation();
  bad_arguments();
}
