/* The whole flow against the sandbox: URL, consent, callback, instance, and
 * the calls around it. */
/* setenv/unsetenv, for the from_env case. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "json.h"
#include <stdlib.h>

static void full_flow(void) {
  case_begin("flow: oauth url, approve, callback, create, get, list, delete");
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start(true, 0, &sb, &err), err, __FILE__, __LINE__);
  CHECK(ea_sandbox_port(sb) > 0);
  CHECK(contains(ea_sandbox_base_url(sb), "http://127.0.0.1:"));
  ea_client *client = sandbox_client(sb, 5000, 2);
  ea_oauth_url *url = concur_url(client, NULL);
  CHECK_STR(ea_oauth_url_element(url), "concur");
  CHECK(contains(ea_oauth_url_url(url), "/vendor/concur/oauth2/authorize"));
  CHECK(ea_oauth_url_state(url) && strlen(ea_oauth_url_state(url)) >= 43); /* 32 random bytes */

  char *callback = NULL;
  err = NULL;
  report_unexpected(ea_sandbox_approve(sb, ea_oauth_url_url(url), &callback, &err), err, __FILE__, __LINE__);
  CHECK(contains(callback, CALLBACK_URL "?"));
  ea_grant *grant = NULL;
  err = NULL;
  report_unexpected(ea_parse_callback(callback, ea_oauth_url_state(url), &grant, &err), err, __FILE__, __LINE__);
  CHECK_STR(ea_grant_state(grant), ea_oauth_url_state(url));
  CHECK(ea_grant_code(grant) && strlen(ea_grant_code(grant)) > 0);

  ea_instance_request *req = concur_request(ea_grant_code(grant));
  ea_instance *inst = NULL;
  err = NULL;
  report_unexpected(ea_client_create_instance(client, req, &inst, &err), err, __FILE__, __LINE__);
  CHECK(ea_instance_id(inst) > 0);
  CHECK_STR(ea_instance_name(inst), "my concur");
  CHECK_STR(ea_instance_element_key(inst), "concur");
  CHECK(ea_instance_token(inst) && strlen(ea_instance_token(inst)) > 0);
  CHECK(ea_instance_tags_len(inst) == 1);
  CHECK_STR(ea_instance_tag(inst, 0), "team-c");
  CHECK(ea_instance_tag(inst, 1) == NULL);
  CHECK(ea_instance_valid(inst));
  CHECK(!ea_instance_disabled(inst));
  json_value *raw = json_parse(ea_instance_raw_json(inst));
  CHECK(raw && json_get(raw, "id") && json_get(raw, "id")->number == (double)ea_instance_id(inst));
  json_free(raw);

  /* The create request carried the events and poller configuration. */
  char *recorded = NULL;
  err = NULL;
  report_unexpected(ea_sandbox_requests_json(sb, &recorded, &err), err, __FILE__, __LINE__);
  json_value *reqs = recorded ? json_parse(recorded) : NULL;
  const json_value *last = reqs && reqs->len ? &reqs->items[reqs->len - 1] : NULL;
  CHECK_STR(json_str(last, "method"), "POST");
  json_value *body = json_str(last, "body") ? json_parse(json_str(last, "body")) : NULL;
  const json_value *cfg = json_get(body, "configuration");
  CHECK_STR(json_str(cfg, "event.vendor.type"), "polling");
  CHECK_STR(json_str(cfg, "event.poller.refresh_interval"), "15");
  CHECK(contains(json_str(cfg, "event.poller.configuration"), "/hubs/expense/reports"));
  CHECK_STR(json_str(cfg, "concur.region"), "us");
  /* the core composes the User-Agent: the binding (c), then the caller's suffix */
  char agent[128];
  snprintf(agent, sizeof agent, "elements-auth/%s (c) c-tests", ea_version());
  CHECK_STR(json_str(json_get(last, "headers"), "user-agent"), agent);
  json_free(body);
  json_free(reqs);
  ea_string_free(recorded);

  /* get / list / delete */
  ea_instance *got = NULL;
  err = NULL;
  report_unexpected(ea_client_get_instance(client, ea_instance_id(inst), &got, &err), err, __FILE__, __LINE__);
  CHECK(ea_instance_id(got) == ea_instance_id(inst));
  CHECK_STR(ea_instance_token(got), ea_instance_token(inst));
  ea_instance_list *list = NULL;
  err = NULL;
  report_unexpected(ea_client_list_instances(client, &list, &err), err, __FILE__, __LINE__);
  CHECK(ea_instance_list_len(list) == 1);
  CHECK(ea_instance_id(ea_instance_list_get(list, 0)) == ea_instance_id(inst));
  CHECK(ea_instance_list_get(list, 1) == NULL);
  err = NULL;
  report_unexpected(ea_client_delete_instance(client, ea_instance_id(inst), &err), err, __FILE__, __LINE__);
  ea_instance *gone = NULL;
  err = NULL;
  ea_result rc = ea_client_get_instance(client, ea_instance_id(inst), &gone, &err);
  CHECK(ea_error_status(err) == 404);
  EXPECT_ERR(rc, err, EA_ERR_API, NULL);
  CHECK(gone == NULL);

  /* The code is single-use: a second create is refused by the vendor. */
  ea_instance *again = NULL;
  err = NULL;
  rc = ea_client_create_instance(client, req, &again, &err);
  CHECK(ea_error_status(err) >= 400);
  CHECK(ea_error_request_id(err) != NULL);
  CHECK(contains(ea_error_provider_message(err), "invalid_grant"));
  const char *secrets[] = {API_SECRET, ea_grant_code(grant), ea_sandbox_user_secret(sb),
                           ea_sandbox_organization_secret(sb), NULL};
  EXPECT_ERR_S(rc, err, EA_ERR_API, NULL, secrets);
  CHECK(again == NULL);

  ea_instance_list_free(list);
  ea_instance_free(got);
  ea_instance_free(inst);
  ea_instance_request_free(req);
  ea_grant_free(grant);
  ea_string_free(callback);
  ea_oauth_url_free(url);
  ea_client_free(client);
  ea_sandbox_stop(sb);
  ea_sandbox_stop(sb); /* idempotent */
  ea_sandbox_free(sb);
  case_end();
}

static void deny_and_state_mismatch(void) {
  case_begin("flow: deny gives authorization_denied, a forged state gives state_mismatch");
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start(false, 0, &sb, &err), err, __FILE__, __LINE__);
  ea_client *client = sandbox_client(sb, 5000, 2);
  ea_oauth_url *url = concur_url(client, "state-123");
  CHECK_STR(ea_oauth_url_state(url), "state-123");

  char *denied = NULL;
  err = NULL;
  report_unexpected(ea_sandbox_deny(sb, ea_oauth_url_url(url), &denied, &err), err, __FILE__, __LINE__);
  ea_grant *grant = NULL;
  err = NULL;
  ea_result rc = ea_parse_callback(denied, "state-123", &grant, &err);
  CHECK_STR(ea_error_oauth_error(err), "access_denied");
  CHECK(ea_error_oauth_error_description(err) != NULL);
  EXPECT_ERR(rc, err, EA_ERR_AUTHORIZATION_DENIED, NULL);
  CHECK(grant == NULL);

  char *approved = NULL;
  err = NULL;
  report_unexpected(ea_sandbox_approve(sb, ea_oauth_url_url(url), &approved, &err), err, __FILE__, __LINE__);
  err = NULL;
  rc = ea_parse_callback(approved, "another-state", &grant, &err);
  CHECK(grant == NULL);
  /* The code in the callback never shows up in the error. */
  const char *code_start = approved ? strstr(approved, "code=") : NULL;
  char code[256] = {0};
  if (code_start) {
    size_t n = strcspn(code_start + 5, "&");
    memcpy(code, code_start + 5, n < sizeof code - 1 ? n : sizeof code - 1);
  }
  const char *secrets[] = {code, NULL};
  CHECK(strlen(code) >= 4);
  EXPECT_ERR_S(rc, err, EA_ERR_STATE_MISMATCH, NULL, secrets);

  ea_string_free(approved);
  ea_string_free(denied);
  ea_oauth_url_free(url);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

static void webhook_round_trip(void) {
  case_begin("webhook: ea_sign_webhook output verifies, a changed body does not");
  const char *body = "{\"message\":{\"events\":[]}}";
  char *header = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sign_webhook("whk_key_1234", (const uint8_t *)body, strlen(body), &header, &err), err,
                    __FILE__, __LINE__);
  CHECK(contains(header, "sha256="));
  err = NULL;
  report_unexpected(ea_verify_webhook_signature("whk_key_1234", (const uint8_t *)body, strlen(body), header, &err),
                    err, __FILE__, __LINE__);
  err = NULL;
  const char *secrets[] = {"whk_key_1234", NULL};
  EXPECT_ERR_S(ea_verify_webhook_signature("whk_key_1234", (const uint8_t *)body, strlen(body) - 1, header, &err),
               err, EA_ERR_INVALID_SIGNATURE, NULL, secrets);
  /* an empty body is fine as long as the pointer is not NULL */
  err = NULL;
  ea_string_free(header);
  header = NULL;
  report_unexpected(ea_sign_webhook("whk_key_1234", (const uint8_t *)"", 0, &header, &err), err, __FILE__, __LINE__);
  err = NULL;
  report_unexpected(ea_verify_webhook_signature("whk_key_1234", (const uint8_t *)"", 0, header, &err), err,
                    __FILE__, __LINE__);
  ea_string_free(header);
  /* err may be NULL: the code alone is returned */
  CHECK_RC(ea_verify_webhook_signature("whk_key_1234", (const uint8_t *)"x", 1, "sha256=AAAA", NULL),
           EA_ERR_INVALID_SIGNATURE);
  case_end();
}

static void misc(void) {
  case_begin("misc: version, result names, client options");
  CHECK(ea_version() && strlen(ea_version()) > 0);
  CHECK_STR(ea_result_name(EA_OK), "ok");
  CHECK_STR(ea_result_name(EA_ERR_INVALID_SIGNATURE), "invalid_signature");
  CHECK_STR(ea_result_name(EA_ERR_INTERNAL), "internal");
  CHECK_STR(ea_result_name(-1), "unknown");
  CHECK_STR(ea_result_name(99), "unknown");
  /* the core's kinds are 1.. (index + 1); this layer's own codes start at 100 */
  CHECK(EA_ERR_INVALID_INPUT == 1 && EA_ERR_INVALID_SIGNATURE == 9);
  for (int code = EA_ERR_INVALID_INPUT; code <= EA_ERR_INVALID_SIGNATURE; code++)
    CHECK(strcmp(ea_result_name(code), "unknown") != 0);
  CHECK_STR(ea_result_name(EA_ERR_SANDBOX), "sandbox");
  CHECK_STR(ea_result_name(100), "sandbox");
  CHECK_STR(ea_result_name(101), "internal");
  CHECK_STR(ea_result_name(10), "unknown");
  CHECK_STR(ea_result_name(11), "unknown");
  CHECK_STR(ea_result_name(102), "unknown");
  /* the header's version macros are the library's version */
  char version[48];
  snprintf(version, sizeof version, "%d.%d.%d", EA_VERSION_MAJOR, EA_VERSION_MINOR, EA_VERSION_PATCH);
  CHECK_STR(ea_version(), version);
  ea_client_options *opts = NULL;
  ea_client *client = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_client_options_new(&opts, &err), err, __FILE__, __LINE__);
  err = NULL;
  report_unexpected(ea_client_options_set_environment(opts, "sap-us2", &err), err, __FILE__, __LINE__);
  err = NULL;
  report_unexpected(ea_client_options_set_max_retry_delay_ms(opts, 500, &err), err, __FILE__, __LINE__);
  err = NULL;
  report_unexpected(ea_client_options_set_response_limit(opts, 1 << 20, &err), err, __FILE__, __LINE__);
  err = NULL;
  report_unexpected(ea_client_options_set_proxy(opts, "http://proxy.example:3128", &err), err, __FILE__, __LINE__);
  err = NULL;
  report_unexpected(ea_client_new(opts, &client, &err), err, __FILE__, __LINE__);
  CHECK(client != NULL);
  CHECK_STR(ea_client_base_url(client), "https://api.openconnectors.us2.ext.hana.ondemand.com/elements/api-v2");
  ea_client_free(client);
  client = NULL;
  /* base_url and environment together are refused */
  err = NULL;
  report_unexpected(ea_client_options_set_base_url(opts, "https://api.example.com/elements/api-v2", &err), err,
                    __FILE__, __LINE__);
  err = NULL;
  EXPECT_ERR(ea_client_new(opts, &client, &err), err, EA_ERR_INVALID_INPUT, "base_url");
  ea_client_options_free(opts);
  /* from the environment */
  opts = NULL;
  err = NULL;
  report_unexpected(ea_client_options_from_env(&opts, &err), err, __FILE__, __LINE__);
  CHECK(opts != NULL);
  ea_client_options_free(opts);
  /* ELEMENTS_BASE_URL is read when the client is built; a setter overrides it */
  setenv("ELEMENTS_BASE_URL", "https://env.example.com/elements/api-v2", 1);
  opts = NULL;
  ea_client_options_from_env(&opts, NULL);
  err = NULL;
  report_unexpected(ea_client_new(opts, &client, &err), err, __FILE__, __LINE__);
  CHECK_STR(ea_client_base_url(client), "https://env.example.com/elements/api-v2");
  ea_client_free(client);
  client = NULL;
  ea_client_options_set_environment(opts, "staging", NULL);
  err = NULL;
  report_unexpected(ea_client_new(opts, &client, &err), err, __FILE__, __LINE__);
  CHECK_STR(ea_client_base_url(client), "https://staging.cloud-elements.com/elements/api-v2");
  ea_client_free(client);
  ea_client_options_free(opts);
  unsetenv("ELEMENTS_BASE_URL");
  /* without from_env the variable is not read */
  setenv("ELEMENTS_BASE_URL", "https://env.example.com/elements/api-v2", 1);
  opts = NULL;
  client = NULL;
  ea_client_options_new(&opts, NULL);
  err = NULL;
  report_unexpected(ea_client_new(opts, &client, &err), err, __FILE__, __LINE__);
  CHECK_STR(ea_client_base_url(client), "https://api.cloud-elements.com/elements/api-v2");
  ea_client_free(client);
  ea_client_options_free(opts);
  unsetenv("ELEMENTS_BASE_URL");
  case_end();
}

void test_flow(void) {
  misc();
  full_flow();
  deny_and_state_mismatch();
  webhook_round_trip();
}
