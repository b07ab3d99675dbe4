/* Regression tests of the security review's findings that C users meet
 * (../shared/research/security-audit.md); each fails on the reviewed commit
 * 5339e2f. F4 is in test_errors.c, F11 in the shared callback vectors. */
#include "harness.h"
#include <stdint.h>
#include <stdlib.h>

static ea_sandbox *start(void) {
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start(true, 0, &sb, &err), err, __FILE__, __LINE__);
  return sb;
}

static void f03_an_oauth_url_without_the_state_sent_is_refused(void) {
  case_begin("f03: an oauthUrl without the state sent is EA_ERR_DECODE");
  ea_sandbox *sb = start();
  ea_client *client = sandbox_client(sb, 5000, 0);
  ea_sandbox_inject_fault(sb, "nostate", 1, NULL);
  ea_oauth_url_request *req = NULL;
  ea_oauth_url_request_new("concur", API_KEY, API_SECRET, CALLBACK_URL, &req, NULL);
  ea_oauth_url_request_set_site_address(req, SITE_ADDRESS, NULL);
  ea_oauth_url *url = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_client_oauth_url(client, req, &url, &err);
  CHECK(url == NULL);
  CHECK(contains(ea_error_message(err), "state"));
  EXPECT_ERR(rc, err, EA_ERR_DECODE, NULL);
  ea_oauth_url_request_free(req);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

/* A client option that `ea_client_new` must refuse, naming `field`. */
static void refused(const char *name, ea_result (*set)(ea_client_options *, const char *, ea_error **),
                    const char *value, const char *field, const char *hidden) {
  case_begin(name);
  ea_client_options *opts = NULL;
  ea_client_options_new(&opts, NULL);
  CHECK_RC(set(opts, value, NULL), EA_OK);
  ea_client *client = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_client_new(opts, &client, &err);
  CHECK(client == NULL);
  const char *secrets[] = {hidden, NULL};
  EXPECT_ERR_S(rc, err, EA_ERR_INVALID_INPUT, field, secrets);
  ea_client_options_free(opts);
  case_end();
}

static void f07_a_huge_timeout_is_refused_not_a_crash(void) {
  case_begin("f07: a timeout of UINT64_MAX ms is EA_ERR_INVALID_INPUT naming timeout");
  ea_client_options *opts = NULL;
  ea_client_options_new(&opts, NULL);
  ea_client_options_set_timeout_ms(opts, UINT64_MAX, NULL);
  ea_client *client = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_client_new(opts, &client, &err);
  CHECK(client == NULL);
  EXPECT_ERR(rc, err, EA_ERR_INVALID_INPUT, "timeout");
  ea_client_options_free(opts);
  /* a code TTL too long for the clock: codes never expire, nothing crashes */
  ea_sandbox_options *sopts = NULL;
  ea_sandbox_options_new(&sopts, NULL);
  ea_sandbox_options_set_code_ttl_ms(sopts, UINT64_MAX, NULL);
  ea_sandbox *sb = NULL;
  report_unexpected(ea_sandbox_start_with(sopts, &sb, &err), err, __FILE__, __LINE__);
  ea_client *ok = sandbox_client(sb, 5000, 0);
  ea_grant *grant = sandbox_grant(ok, sb, "st");
  CHECK(grant != NULL);
  ea_grant_free(grant);
  ea_client_free(ok);
  ea_sandbox_free(sb);
  ea_sandbox_options_free(sopts);
  case_end();
}

static void f14_an_unreadable_answer_to_a_create_says_the_instance_exists(void) {
  case_begin("f14: a create whose answer is cut says the instance was created");
  ea_sandbox *sb = start();
  ea_client *client = sandbox_client(sb, 5000, 0);
  ea_grant *grant = sandbox_grant(client, sb, "st");
  ea_instance_request *req = concur_request(ea_grant_code(grant));
  ea_sandbox_inject_fault(sb, "truncated", 1, NULL);
  ea_instance *inst = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_client_create_instance(client, req, &inst, &err);
  CHECK(inst == NULL);
  CHECK(ea_error_may_have_reached_server(err));
  CHECK(!ea_error_retryable(err));
  CHECK(contains(ea_error_message(err), "the instance was created"));
  CHECK(contains(ea_error_message(err), "ea_client_list_instances()"));
  EXPECT_ERR(rc, err, EA_ERR_DECODE, NULL);
  char *json = NULL;
  ea_sandbox_instances_json(sb, &json, NULL);
  CHECK(json != NULL && contains(json, "\"id\":1"));
  ea_string_free(json);
  ea_instance_request_free(req);
  ea_grant_free(grant);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

void test_hardening(void) {
  f03_an_oauth_url_without_the_state_sent_is_refused();
  f07_a_huge_timeout_is_refused_not_a_crash();
  refused("f08: a secret ending in a line break is refused by ea_client_new",
          ea_client_options_set_user_secret, "ends-with-newline\n", "user_secret", "ends-with-newline");
  refused("f08: a non-ASCII secret is refused by ea_client_new",
          ea_client_options_set_organization_secret, "s\xc3\xa9" "cret", "organization_secret", NULL);
  refused("f13: a base URL with credentials is refused and never shown",
          ea_client_options_set_base_url, "http://alice:hunter2-pw@127.0.0.1:1/elements/api-v2", "base_url",
          "hunter2");
  f14_an_unreadable_answer_to_a_create_says_the_instance_exists();
}
