/* NULL for every pointer argument of every function: an error naming the
 * parameter (or NULL/0/false from accessors, a no-op from *_free), never a
 * crash. Each fallible call is made twice: with an ea_error out-pointer and
 * with err = NULL (the code alone). */
#include "harness.h"

#define N(field, fn, ...) do { \
    ea_error *err_ = NULL; \
    EXPECT_ERR(fn(__VA_ARGS__, &err_), err_, EA_ERR_INVALID_INPUT, field); \
    CHECK_RC(fn(__VA_ARGS__, NULL), EA_ERR_INVALID_INPUT); \
  } while (0)

static void nulls(void) {
  case_begin("nulls: every pointer argument of every function");
  ea_sandbox *sb = NULL;
  ea_sandbox_start(true, 0, &sb, NULL);
  ea_client *client = sandbox_client(sb, 2000, 0);
  ea_client_options *opts = NULL;
  ea_client_options_new(&opts, NULL);
  const uint8_t *body = (const uint8_t *)"{}";

  /* client options */
  N("out", ea_client_options_new, NULL);
  N("out", ea_client_options_from_env, NULL);
  N("opts", ea_client_options_set_base_url, NULL, "https://x.example");
  N("base_url", ea_client_options_set_base_url, opts, NULL);
  N("opts", ea_client_options_set_environment, NULL, "staging");
  N("environment", ea_client_options_set_environment, opts, NULL);
  N("opts", ea_client_options_set_user_secret, NULL, "u");
  N("user_secret", ea_client_options_set_user_secret, opts, NULL);
  N("opts", ea_client_options_set_organization_secret, NULL, "o");
  N("organization_secret", ea_client_options_set_organization_secret, opts, NULL);
  N("opts", ea_client_options_set_timeout_ms, NULL, 1000);
  N("opts", ea_client_options_set_user_agent, NULL, "ua");
  N("user_agent", ea_client_options_set_user_agent, opts, NULL);
  N("opts", ea_client_options_set_ca_file, NULL, "/x.pem");
  N("ca_file", ea_client_options_set_ca_file, opts, NULL);
  N("opts", ea_client_options_set_proxy, NULL, "http://p.example");
  N("proxy", ea_client_options_set_proxy, opts, NULL);
  N("opts", ea_client_options_set_max_retries, NULL, 1);
  N("opts", ea_client_options_set_retry_base_delay_ms, NULL, 1);
  N("opts", ea_client_options_set_max_retry_delay_ms, NULL, 1);
  N("opts", ea_client_options_set_response_limit, NULL, 1);
  ea_client *c = NULL;
  N("opts", ea_client_new, NULL, &c);
  N("out", ea_client_new, opts, NULL);
  CHECK(c == NULL);
  CHECK(ea_client_base_url(NULL) == NULL);

  /* step 1 */
  ea_oauth_url_request *oreq = NULL;
  N("element", ea_oauth_url_request_new, NULL, "k", "s", CALLBACK_URL, &oreq);
  N("api_key", ea_oauth_url_request_new, "concur", NULL, "s", CALLBACK_URL, &oreq);
  N("api_secret", ea_oauth_url_request_new, "concur", "k", NULL, CALLBACK_URL, &oreq);
  N("callback_url", ea_oauth_url_request_new, "concur", "k", "s", NULL, &oreq);
  N("out", ea_oauth_url_request_new, "concur", "k", "s", CALLBACK_URL, NULL);
  CHECK(oreq == NULL);
  ea_oauth_url_request_new("concur", API_KEY, API_SECRET, CALLBACK_URL, &oreq, NULL);
  N("request", ea_oauth_url_request_set_site_address, NULL, SITE_ADDRESS);
  N("site_address", ea_oauth_url_request_set_site_address, oreq, NULL);
  N("request", ea_oauth_url_request_set_state, NULL, "s");
  N("state", ea_oauth_url_request_set_state, oreq, NULL);
  N("request", ea_oauth_url_request_set_scope, NULL, "s");
  N("scope", ea_oauth_url_request_set_scope, oreq, NULL);
  N("request", ea_oauth_url_request_add_param, NULL, "n", "v");
  N("name", ea_oauth_url_request_add_param, oreq, NULL, "v");
  N("value", ea_oauth_url_request_add_param, oreq, "n", NULL);
  ea_oauth_url_request_set_site_address(oreq, SITE_ADDRESS, NULL);
  ea_oauth_url *url = NULL;
  N("client", ea_client_oauth_url, NULL, oreq, &url);
  N("request", ea_client_oauth_url, client, NULL, &url);
  N("out", ea_client_oauth_url, client, oreq, NULL);
  CHECK(url == NULL);
  CHECK(ea_oauth_url_element(NULL) == NULL);
  CHECK(ea_oauth_url_url(NULL) == NULL);
  CHECK(ea_oauth_url_state(NULL) == NULL);

  /* step 2 */
  ea_grant *grant = NULL;
  N("callback", ea_parse_callback, NULL, "s", &grant);
  N("expected_state", ea_parse_callback, "code=c&state=s", NULL, &grant);
  N("out", ea_parse_callback, "code=c&state=s", "s", NULL);
  CHECK(grant == NULL);
  CHECK(ea_grant_code(NULL) == NULL);
  CHECK(ea_grant_state(NULL) == NULL);

  /* events and step 3 */
  ea_events *events = NULL;
  N("events.vendor_type", ea_events_new, NULL, CALLBACK_URL, &events);
  N("events.callback_url", ea_events_new, "polling", NULL, &events);
  N("out", ea_events_new, "polling", CALLBACK_URL, NULL);
  CHECK(events == NULL);
  ea_events_new("polling", CALLBACK_URL, &events, NULL);
  N("events", ea_events_set_signature_key, NULL, "key1");
  N("events.signature_key", ea_events_set_signature_key, events, NULL);
  N("events", ea_events_set_refresh_interval, NULL, 5);
  N("events", ea_events_set_poller_configuration, NULL, "{}");
  N("events.poller_configuration", ea_events_set_poller_configuration, events, NULL);
  ea_instance_request *ireq = NULL;
  N("element", ea_instance_request_new, NULL, "c", "n", "k", "s", CALLBACK_URL, &ireq);
  N("code", ea_instance_request_new, "concur", NULL, "n", "k", "s", CALLBACK_URL, &ireq);
  N("name", ea_instance_request_new, "concur", "c", NULL, "k", "s", CALLBACK_URL, &ireq);
  N("api_key", ea_instance_request_new, "concur", "c", "n", NULL, "s", CALLBACK_URL, &ireq);
  N("api_secret", ea_instance_request_new, "concur", "c", "n", "k", NULL, CALLBACK_URL, &ireq);
  N("callback_url", ea_instance_request_new, "concur", "c", "n", "k", "s", NULL, &ireq);
  N("out", ea_instance_request_new, "concur", "c", "n", "k", "s", CALLBACK_URL, NULL);
  CHECK(ireq == NULL);
  ea_instance_request_new("concur", "c", "n", "k", "s", CALLBACK_URL, &ireq, NULL);
  N("request", ea_instance_request_add_tag, NULL, "t");
  N("tag", ea_instance_request_add_tag, ireq, NULL);
  N("request", ea_instance_request_set_filter_response_nulls, NULL, false);
  N("request", ea_instance_request_set_events, NULL, events);
  N("events", ea_instance_request_set_events, ireq, NULL);
  N("request", ea_instance_request_add_configuration, NULL, "k", "v");
  N("key", ea_instance_request_add_configuration, ireq, NULL, "v");
  N("value", ea_instance_request_add_configuration, ireq, "k", NULL);
  ea_instance *inst = NULL;
  N("client", ea_client_create_instance, NULL, ireq, &inst);
  N("request", ea_client_create_instance, client, NULL, &inst);
  N("out", ea_client_create_instance, client, ireq, NULL);
  N("client", ea_client_get_instance, NULL, 1, &inst);
  N("out", ea_client_get_instance, client, 1, NULL);
  CHECK(inst == NULL);
  ea_instance_list *list = NULL;
  N("client", ea_client_list_instances, NULL, &list);
  N("out", ea_client_list_instances, client, NULL);
  CHECK(list == NULL);
  N("client", ea_client_delete_instance, NULL, 1);
  CHECK(ea_instance_id(NULL) == 0);
  CHECK(ea_instance_name(NULL) == NULL);
  CHECK(ea_instance_token(NULL) == NULL);
  CHECK(ea_instance_element_key(NULL) == NULL);
  CHECK(ea_instance_tags_len(NULL) == 0);
  CHECK(ea_instance_tag(NULL, 0) == NULL);
  CHECK(!ea_instance_valid(NULL));
  CHECK(!ea_instance_disabled(NULL));
  CHECK(ea_instance_raw_json(NULL) == NULL);
  CHECK(ea_instance_list_len(NULL) == 0);
  CHECK(ea_instance_list_get(NULL, 0) == NULL);

  /* webhooks */
  char *s = NULL;
  N("signature_key", ea_verify_webhook_signature, NULL, body, 2, "sha256=x");
  N("body", ea_verify_webhook_signature, "key1", NULL, 0, "sha256=x");
  N("signature_header", ea_verify_webhook_signature, "key1", body, 2, NULL);
  N("signature_key", ea_sign_webhook, NULL, body, 2, &s);
  N("body", ea_sign_webhook, "key1", NULL, 2, &s);
  N("out", ea_sign_webhook, "key1", body, 2, NULL);
  CHECK(s == NULL);

  /* sandbox */
  ea_sandbox *sb2 = NULL;
  N("out", ea_sandbox_start, true, 0, NULL);
  CHECK(sb2 == NULL);
  N("sandbox", ea_sandbox_approve, NULL, "http://127.0.0.1/", &s);
  N("oauth_url", ea_sandbox_approve, sb, NULL, &s);
  N("out", ea_sandbox_approve, sb, "http://127.0.0.1/", NULL);
  N("sandbox", ea_sandbox_deny, NULL, "http://127.0.0.1/", &s);
  N("oauth_url", ea_sandbox_deny, sb, NULL, &s);
  N("out", ea_sandbox_deny, sb, "http://127.0.0.1/", NULL);
  N("sandbox", ea_sandbox_inject_fault, NULL, "drop", 1);
  N("mode", ea_sandbox_inject_fault, sb, NULL, 1);
  N("sandbox", ea_sandbox_requests_json, NULL, &s);
  N("out", ea_sandbox_requests_json, sb, NULL);
  N("sandbox", ea_sandbox_instances_json, NULL, &s);
  N("out", ea_sandbox_instances_json, sb, NULL);
  CHECK(s == NULL);
  ea_client_options *sopts_client = NULL;
  N("sandbox", ea_sandbox_client_options, NULL, &sopts_client);
  N("out", ea_sandbox_client_options, sb, NULL);
  CHECK(sopts_client == NULL);
  CHECK(!ea_sandbox_auto_consent(NULL));
  CHECK(ea_sandbox_requests_dropped(NULL) == 0);

  /* sandbox options */
  ea_sandbox_options *sopts = NULL;
  N("out", ea_sandbox_options_new, NULL);
  CHECK(sopts == NULL);
  ea_sandbox_options_new(&sopts, NULL);
  N("opts", ea_sandbox_options_set_port, NULL, 0);
  N("opts", ea_sandbox_options_set_auto_consent, NULL, true);
  N("opts", ea_sandbox_options_set_code_ttl_ms, NULL, 1000);
  N("opts", ea_sandbox_options_set_max_connections, NULL, 8);
  N("opts", ea_sandbox_options_set_read_timeout_ms, NULL, 1000);
  N("opts", ea_sandbox_options_set_request_log_limit, NULL, 10);
  N("opts", ea_sandbox_options_set_user_secret, NULL, "u");
  N("user_secret", ea_sandbox_options_set_user_secret, sopts, NULL);
  N("opts", ea_sandbox_options_set_organization_secret, NULL, "o");
  N("organization_secret", ea_sandbox_options_set_organization_secret, sopts, NULL);
  N("opts", ea_sandbox_start_with, NULL, &sb2);
  N("out", ea_sandbox_start_with, sopts, NULL);
  CHECK(sb2 == NULL);
  ea_sandbox_options_free(sopts);
  CHECK(ea_sandbox_base_url(NULL) == NULL);
  CHECK(ea_sandbox_port(NULL) == 0);
  CHECK(ea_sandbox_user_secret(NULL) == NULL);
  CHECK(ea_sandbox_organization_secret(NULL) == NULL);
  ea_sandbox_clear_faults(NULL);
  ea_sandbox_stop(NULL);

  /* errors */
  CHECK(ea_error_kind(NULL) == EA_ERR_INTERNAL);
  CHECK(ea_error_message(NULL) == NULL);
  CHECK(ea_error_status(NULL) == 0);
  CHECK(ea_error_request_id(NULL) == NULL);
  CHECK(ea_error_provider_message(NULL) == NULL);
  CHECK(ea_error_field(NULL) == NULL);
  CHECK(ea_error_oauth_error(NULL) == NULL);
  CHECK(ea_error_oauth_error_description(NULL) == NULL);
  CHECK(ea_error_oauth_error_uri(NULL) == NULL);
  CHECK(!ea_error_may_have_reached_server(NULL));
  CHECK(!ea_error_retryable(NULL));
  CHECK(ea_error_operation(NULL) == NULL);

  /* every *_free accepts NULL */
  ea_string_free(NULL);
  ea_error_free(NULL);
  ea_client_options_free(NULL);
  ea_client_free(NULL);
  ea_oauth_url_request_free(NULL);
  ea_oauth_url_free(NULL);
  ea_grant_free(NULL);
  ea_events_free(NULL);
  ea_instance_request_free(NULL);
  ea_instance_free(NULL);
  ea_instance_list_free(NULL);
  ea_sandbox_free(NULL);
  ea_sandbox_options_free(NULL);

  ea_instance_request_free(ireq);
  ea_events_free(events);
  ea_oauth_url_request_free(oreq);
  ea_client_options_free(opts);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

void test_nulls(void) { nulls(); }
