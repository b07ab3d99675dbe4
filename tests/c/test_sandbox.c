/* The sandbox options handle (port, auto consent, code TTL, fixed secrets),
 * the instances a sandbox holds, and client options made from a sandbox. */
#include "harness.h"
#include "json.h"
#include <stdlib.h>

#define USER_SECRET "fixed-user-secret-1"
#define ORG_SECRET "fixed-org-secret-2"

/* Sandbox options with fixed secrets, `auto_consent` and a code TTL; NULL on failure. */
static ea_sandbox_options *fixed_options(bool auto_consent, uint64_t code_ttl_ms) {
  ea_sandbox_options *opts = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_sandbox_options_new(&opts, &err);
  if (rc == EA_OK) rc = ea_sandbox_options_set_port(opts, 0, &err);
  if (rc == EA_OK) rc = ea_sandbox_options_set_auto_consent(opts, auto_consent, &err);
  if (rc == EA_OK) rc = ea_sandbox_options_set_code_ttl_ms(opts, code_ttl_ms, &err);
  if (rc == EA_OK) rc = ea_sandbox_options_set_user_secret(opts, USER_SECRET, &err);
  if (rc == EA_OK) rc = ea_sandbox_options_set_organization_secret(opts, ORG_SECRET, &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  return opts;
}

/* Step 1, consent and step 2 against `sb`; the grant, or NULL. */
static ea_grant *consent(const ea_client *client, const ea_sandbox *sb, const char *state) {
  ea_oauth_url *url = concur_url(client, state);
  char *callback = NULL;
  ea_grant *grant = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_approve(sb, ea_oauth_url_url(url), &callback, &err), err, __FILE__, __LINE__);
  err = NULL;
  report_unexpected(ea_parse_callback(callback, state, &grant, &err), err, __FILE__, __LINE__);
  ea_string_free(callback);
  ea_oauth_url_free(url);
  return grant;
}

/* The sandbox's instances, parsed (free with json_free). */
static json_value *instances(const ea_sandbox *sb) {
  char *text = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_instances_json(sb, &text, &err), err, __FILE__, __LINE__);
  json_value *list = text ? json_parse(text) : NULL;
  ea_string_free(text);
  return list;
}

static void start_with(void) {
  case_begin("sandbox: ea_sandbox_start_with fixed secrets, consent form on, a code TTL");
  ea_sandbox_options *opts = fixed_options(false, 60000);
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start_with(opts, &sb, &err), err, __FILE__, __LINE__);
  CHECK_STR(ea_sandbox_user_secret(sb), USER_SECRET);
  CHECK_STR(ea_sandbox_organization_secret(sb), ORG_SECRET);
  CHECK(!ea_sandbox_auto_consent(sb));
  CHECK(ea_sandbox_port(sb) > 0);

  /* the port option is used: a second sandbox on the same port is refused */
  ea_sandbox *taken = NULL;
  CHECK_RC(ea_sandbox_options_set_port(opts, ea_sandbox_port(sb), NULL), EA_OK);
  err = NULL;
  EXPECT_ERR(ea_sandbox_start_with(opts, &taken, &err), err, EA_ERR_SANDBOX, NULL);
  CHECK(taken == NULL);

  /* the fixed secrets are the ones it accepts */
  json_value *before = instances(sb);
  CHECK(before && before->type == JSON_ARRAY && before->len == 0);
  json_free(before);
  ea_client_options *copts = NULL;
  ea_client *client = NULL;
  ea_client_options_new(&copts, NULL);
  ea_client_options_set_base_url(copts, ea_sandbox_base_url(sb), NULL);
  ea_client_options_set_user_secret(copts, USER_SECRET, NULL);
  ea_client_options_set_organization_secret(copts, ORG_SECRET, NULL);
  ea_client_options_set_timeout_ms(copts, 10000, NULL);
  err = NULL;
  report_unexpected(ea_client_new(copts, &client, &err), err, __FILE__, __LINE__);
  ea_grant *grant = consent(client, sb, "fixed-state");
  ea_instance_request *req = concur_request(ea_grant_code(grant));
  ea_instance *inst = NULL;
  err = NULL;
  report_unexpected(ea_client_create_instance(client, req, &inst, &err), err, __FILE__, __LINE__);

  /* ea_sandbox_instances_json lists what was created */
  json_value *after = instances(sb);
  CHECK(after && after->type == JSON_ARRAY && after->len == 1);
  const json_value *first = after && after->len ? &after->items[0] : NULL;
  CHECK(json_get(first, "id") && json_get(first, "id")->number == (double)ea_instance_id(inst));
  CHECK_STR(json_str(first, "name"), "my concur");
  json_free(after);

  ea_instance_free(inst);
  ea_instance_request_free(req);
  ea_grant_free(grant);
  ea_client_free(client);
  ea_client_options_free(copts);
  ea_sandbox_free(sb);
  ea_sandbox_options_free(opts);
  case_end();
}

static void expired_code(void) {
  case_begin("sandbox: with a code TTL of 0 ms every code has expired at the create");
  ea_sandbox_options *opts = fixed_options(true, 0);
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start_with(opts, &sb, &err), err, __FILE__, __LINE__);
  CHECK(ea_sandbox_auto_consent(sb));
  ea_client *client = sandbox_client(sb, 10000, 0);
  ea_grant *grant = consent(client, sb, "ttl-state");
  ea_instance_request *req = concur_request(ea_grant_code(grant));
  ea_instance *inst = NULL;
  err = NULL;
  ea_result rc = ea_client_create_instance(client, req, &inst, &err);
  CHECK(ea_error_status(err) >= 400 && ea_error_status(err) < 500);
  CHECK(contains(ea_error_provider_message(err), "expired"));
  CHECK(!ea_error_retryable(err));
  const char *secrets[] = {USER_SECRET, ORG_SECRET, API_SECRET, ea_grant_code(grant), NULL};
  EXPECT_ERR_S(rc, err, EA_ERR_API, NULL, secrets);
  CHECK(inst == NULL);
  json_value *none = instances(sb);
  CHECK(none && none->len == 0);
  json_free(none);
  ea_instance_request_free(req);
  ea_grant_free(grant);
  ea_client_free(client);
  ea_sandbox_free(sb);
  ea_sandbox_options_free(opts);
  case_end();
}

static void refused_secret(void) {
  case_begin("sandbox: a secret with a space is refused by name, without its value");
  ea_sandbox_options *opts = NULL;
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  ea_sandbox_options_new(&opts, NULL);
  CHECK_RC(ea_sandbox_options_set_user_secret(opts, "has a space", NULL), EA_OK);
  ea_result rc = ea_sandbox_start_with(opts, &sb, &err);
  CHECK(contains(ea_error_message(err), "user_secret"));
  const char *secrets[] = {"has a space", NULL};
  EXPECT_ERR_S(rc, err, EA_ERR_SANDBOX, NULL, secrets);
  CHECK(sb == NULL);
  ea_sandbox_options_free(opts);
  case_end();
}

static void client_options(void) {
  case_begin("sandbox: ea_sandbox_client_options is ready for ea_client_new");
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start(true, 0, &sb, &err), err, __FILE__, __LINE__);
  ea_client_options *opts = NULL;
  err = NULL;
  report_unexpected(ea_sandbox_client_options(sb, &opts, &err), err, __FILE__, __LINE__);
  ea_client *client = NULL;
  err = NULL;
  report_unexpected(ea_client_new(opts, &client, &err), err, __FILE__, __LINE__);
  CHECK_STR(ea_client_base_url(client), ea_sandbox_base_url(sb));
  ea_instance_list *list = NULL;
  err = NULL;
  report_unexpected(ea_client_list_instances(client, &list, &err), err, __FILE__, __LINE__);
  CHECK(list != NULL && ea_instance_list_len(list) == 0);
  /* the request carried both of the sandbox's secrets */
  char *recorded = NULL;
  ea_sandbox_requests_json(sb, &recorded, NULL);
  json_value *reqs = recorded ? json_parse(recorded) : NULL;
  const json_value *last = reqs && reqs->len ? &reqs->items[reqs->len - 1] : NULL;
  const char *authorization = json_str(json_get(last, "headers"), "authorization");
  CHECK(contains(authorization, ea_sandbox_user_secret(sb)));
  CHECK(contains(authorization, ea_sandbox_organization_secret(sb)));
  /* a handful of requests fit in the log: none was dropped */
  CHECK(reqs && reqs->len >= 1);
  CHECK(ea_sandbox_requests_dropped(sb) == 0);
  json_free(reqs);
  ea_string_free(recorded);
  /* they are ordinary options: a setter still applies */
  ea_client *rejected = NULL;
  ea_client_options_set_timeout_ms(opts, 0, NULL);
  err = NULL;
  EXPECT_ERR(ea_client_new(opts, &rejected, &err), err, EA_ERR_INVALID_INPUT, "timeout");
  CHECK(rejected == NULL);
  ea_instance_list_free(list);
  ea_client_free(client);
  ea_client_options_free(opts);
  ea_sandbox_free(sb);
  case_end();
}

static void limits(void) {
  case_begin("sandbox: a request log of 3 keeps the newest and counts the dropped; zero limits are refused");
  ea_sandbox_options *opts = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_options_new(&opts, &err), err, __FILE__, __LINE__);
  ea_sandbox_options_set_request_log_limit(opts, 3, NULL);
  ea_sandbox_options_set_max_connections(opts, 16, NULL);
  ea_sandbox_options_set_read_timeout_ms(opts, 2000, NULL);
  ea_sandbox *sb = NULL;
  err = NULL;
  report_unexpected(ea_sandbox_start_with(opts, &sb, &err), err, __FILE__, __LINE__);
  ea_client_options *copts = NULL;
  ea_sandbox_client_options(sb, &copts, NULL);
  ea_client *client = NULL;
  ea_client_new(copts, &client, NULL);
  for (int i = 0; i < 5; i++) {
    ea_instance_list *list = NULL;
    err = NULL;
    report_unexpected(ea_client_list_instances(client, &list, &err), err, __FILE__, __LINE__);
    ea_instance_list_free(list);
  }
  char *recorded = NULL;
  ea_sandbox_requests_json(sb, &recorded, NULL);
  json_value *reqs = recorded ? json_parse(recorded) : NULL;
  CHECK(reqs && reqs->len == 3);
  CHECK(ea_sandbox_requests_dropped(sb) == 2);
  json_free(reqs);
  ea_string_free(recorded);
  /* zero limits are refused when the sandbox starts */
  ea_sandbox_options_set_request_log_limit(opts, 0, NULL);
  ea_sandbox *refused = NULL;
  err = NULL;
  EXPECT_ERR(ea_sandbox_start_with(opts, &refused, &err), err, EA_ERR_SANDBOX, NULL);
  CHECK(refused == NULL);
  ea_client_free(client);
  ea_client_options_free(copts);
  ea_sandbox_free(sb);
  ea_sandbox_options_free(opts);
  case_end();
}

void test_sandbox(void) {
  start_with();
  expired_code();
  refused_secret();
  client_options();
  limits();
}
