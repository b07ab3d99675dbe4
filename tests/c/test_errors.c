/* Every error kind through ea_error, fault injection, invalid UTF-8, and
 * secrets kept out of error texts. */
#include "harness.h"
#include <stdlib.h>

#define BAD_UTF8 "ab\xff\xfe"

/* A fresh sandbox; `client` has a short timeout and no GET retries, for the
 * faulted calls only; `ok` has a generous timeout for every other call (so
 * that slow runs, under valgrind say, do not time out by accident). */
typedef struct { ea_sandbox *sb; ea_client *client; ea_client *ok; } fixture;

static fixture setup(void) {
  fixture f = {NULL, NULL, NULL};
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start(true, 0, &f.sb, &err), err, __FILE__, __LINE__);
  if (f.sb) {
    f.client = sandbox_client(f.sb, 300, 0);
    f.ok = sandbox_client(f.sb, 10000, 0);
  }
  return f;
}

static void teardown(fixture f) {
  ea_client_free(f.ok);
  ea_client_free(f.client);
  ea_sandbox_free(f.sb);
}

static void inject(const fixture *f, const char *mode, uint32_t count) {
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_inject_fault(f->sb, mode, count, &err), err, __FILE__, __LINE__);
}

/* Step 1 + consent + callback, returning the code (caller frees with free()). */
static char *fresh_code(const fixture *f) {
  ea_oauth_url *url = concur_url(f->ok, "st");
  char *callback = NULL;
  ea_grant *grant = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_approve(f->sb, ea_oauth_url_url(url), &callback, &err), err, __FILE__, __LINE__);
  err = NULL;
  report_unexpected(ea_parse_callback(callback, "st", &grant, &err), err, __FILE__, __LINE__);
  char *code = NULL;
  if (ea_grant_code(grant)) {
    code = malloc(strlen(ea_grant_code(grant)) + 1);
    strcpy(code, ea_grant_code(grant));
  }
  ea_grant_free(grant);
  ea_string_free(callback);
  ea_oauth_url_free(url);
  return code;
}

/* True when every "list_instances()" in `message` is the C call
 * "ea_client_list_instances()", never another language's method. */
static int names_only_c_calls(const char *message) {
  static const char bare[] = "list_instances()", prefix[] = "ea_client_";
  const size_t n = sizeof prefix - 1;
  if (!message) return 0;
  for (const char *p = strstr(message, bare); p; p = strstr(p + 1, bare))
    if ((size_t)(p - message) < n || strncmp(p - n, prefix, n) != 0) return 0;
  return 1;
}

/* Runs a create under `fault`, expecting `want`; checks secrets stay out. A
 * create is never retryable once it failed after being sent. */
static void create_under_fault(const char *name, const char *fault, ea_result want, int may_have_reached) {
  case_begin(name);
  fixture f = setup();
  char *code = fresh_code(&f);
  ea_instance_request *req = concur_request(code);
  inject(&f, fault, 1);
  ea_instance *inst = NULL;
  ea_error *err = NULL;
  const ea_client *c = strncmp(fault, "slow:", 5) == 0 ? f.client : f.ok;
  ea_result rc = ea_client_create_instance(c, req, &inst, &err);
  CHECK(inst == NULL);
  if (may_have_reached >= 0) CHECK(ea_error_may_have_reached_server(err) == (may_have_reached != 0));
  CHECK(!ea_error_retryable(err));
  CHECK_STR(ea_error_operation(err), "create_instance");
  if (may_have_reached > 0) CHECK(contains(ea_error_message(err), "ea_client_list_instances()"));
  CHECK(names_only_c_calls(ea_error_message(err)));
  const char *secrets[] = {API_SECRET, code, ea_sandbox_user_secret(f.sb), ea_sandbox_organization_secret(f.sb), NULL};
  EXPECT_ERR_S(rc, err, want, NULL, secrets);
  ea_instance_request_free(req);
  free(code);
  teardown(f);
  case_end();
}

/* Runs a GET (list) under `fault`, expecting `want` and whether repeating it may help. */
static void list_under_fault(const char *name, const char *fault, ea_result want, uint16_t status, int retryable) {
  case_begin(name);
  fixture f = setup();
  inject(&f, fault, 1);
  ea_instance_list *list = NULL;
  ea_error *err = NULL;
  const ea_client *c = strncmp(fault, "slow:", 5) == 0 ? f.client : f.ok;
  ea_result rc = ea_client_list_instances(c, &list, &err);
  CHECK(list == NULL);
  CHECK(ea_error_status(err) == status);
  CHECK(ea_error_retryable(err) == (retryable != 0));
  CHECK_STR(ea_error_operation(err), "list_instances");
  CHECK(!contains(ea_error_message(err), "list_instances()"));
  const char *secrets[] = {ea_sandbox_user_secret(f.sb), ea_sandbox_organization_secret(f.sb), NULL};
  EXPECT_ERR_S(rc, err, want, NULL, secrets);
  /* the fault was used up: the next call succeeds */
  err = NULL;
  report_unexpected(ea_client_list_instances(f.ok, &list, &err), err, __FILE__, __LINE__);
  ea_instance_list_free(list);
  teardown(f);
  case_end();
}

static void faults(void) {
  create_under_fault("faults: create times out (slow:1000, 300 ms timeout)", "slow:1000", EA_ERR_TIMEOUT, 1);
  create_under_fault("faults: create answered 500", "status:500", EA_ERR_API, 1);
  create_under_fault("faults: create connection dropped", "drop", EA_ERR_TRANSPORT, 1);
  create_under_fault("faults: create answered bad JSON", "badjson", EA_ERR_DECODE, 1);
  list_under_fault("faults: list answered 503", "status:503", EA_ERR_API, 503, 1);
  list_under_fault("faults: list connection dropped", "drop", EA_ERR_TRANSPORT, 0, 1);
  list_under_fault("faults: list times out", "slow:1000", EA_ERR_TIMEOUT, 0, 1);
  list_under_fault("faults: list answered bad JSON", "badjson", EA_ERR_DECODE, 0, 0);
  list_under_fault("faults: list answered 400", "status:400", EA_ERR_API, 400, 0);

  case_begin("faults: a GET is retried past a dropped connection");
  fixture f = setup();
  ea_client *retrying = sandbox_client(f.sb, 2000, 2);
  inject(&f, "drop", 1);
  ea_instance_list *list = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_client_list_instances(retrying, &list, &err), err, __FILE__, __LINE__);
  CHECK(list != NULL);
  ea_instance_list_free(list);
  ea_client_free(retrying);
  err = NULL;
  EXPECT_ERR(ea_sandbox_inject_fault(f.sb, "explode", 1, &err), err, EA_ERR_SANDBOX, NULL);
  ea_sandbox_clear_faults(f.sb);
  teardown(f);
  case_end();
}

static void kinds(void) {
  case_begin("errors: every kind reaches C through ea_error");
  fixture f = setup();
  ea_error *err = NULL;
  ea_oauth_url_request *req = NULL;
  ea_oauth_url *url = NULL;
  /* invalid_input, naming the field, before anything is sent */
  report_unexpected(ea_oauth_url_request_new("concur", API_KEY, API_SECRET, "not a url", &req, &err), err,
                    __FILE__, __LINE__);
  err = NULL;
  const char *secrets[] = {API_SECRET, ea_sandbox_user_secret(f.sb), ea_sandbox_organization_secret(f.sb), NULL};
  EXPECT_ERR_S(ea_client_oauth_url(f.client, req, &url, &err), err, EA_ERR_INVALID_INPUT, "callback_url", secrets);
  ea_oauth_url_request_free(req);
  /* api: an unknown element, with status and request id */
  req = NULL;
  err = NULL;
  report_unexpected(ea_oauth_url_request_new("nosuchelement", API_KEY, API_SECRET, CALLBACK_URL, &req, &err), err,
                    __FILE__, __LINE__);
  err = NULL;
  ea_result rc = ea_client_oauth_url(f.ok, req, &url, &err);
  CHECK(ea_error_status(err) == 404);
  CHECK(ea_error_request_id(err) && strlen(ea_error_request_id(err)) > 0);
  EXPECT_ERR_S(rc, err, EA_ERR_API, NULL, secrets);
  ea_oauth_url_request_free(req);
  CHECK(url == NULL);
  /* api: wrong secrets give 401 and do not echo them */
  ea_client_options *opts = NULL;
  ea_client *wrong = NULL;
  err = NULL;
  report_unexpected(ea_client_options_new(&opts, &err), err, __FILE__, __LINE__);
  ea_client_options_set_base_url(opts, ea_sandbox_base_url(f.sb), NULL);
  ea_client_options_set_user_secret(opts, "wrong-user-secret-1", NULL);
  ea_client_options_set_organization_secret(opts, "wrong-org-secret-2", NULL);
  err = NULL;
  report_unexpected(ea_client_new(opts, &wrong, &err), err, __FILE__, __LINE__);
  ea_instance_list *list = NULL;
  err = NULL;
  rc = ea_client_list_instances(wrong, &list, &err);
  CHECK(ea_error_status(err) == 401);
  const char *wrong_secrets[] = {"wrong-user-secret-1", "wrong-org-secret-2", NULL};
  EXPECT_ERR_S(rc, err, EA_ERR_API, NULL, wrong_secrets);
  ea_client_free(wrong);
  /* transport: nothing listens any more */
  ea_sandbox_stop(f.sb);
  err = NULL;
  EXPECT_ERR(ea_client_list_instances(f.ok, &list, &err), err, EA_ERR_TRANSPORT, NULL);
  /* invalid_input from options: zero timeout, unknown environment, control characters */
  ea_client *c = NULL;
  ea_client_options_set_timeout_ms(opts, 0, NULL);
  err = NULL;
  EXPECT_ERR(ea_client_new(opts, &c, &err), err, EA_ERR_INVALID_INPUT, "timeout");
  ea_client_options_free(opts);
  opts = NULL;
  ea_client_options_new(&opts, NULL);
  ea_client_options_set_environment(opts, "moon", NULL);
  err = NULL;
  EXPECT_ERR(ea_client_new(opts, &c, &err), err, EA_ERR_INVALID_INPUT, "environment");
  ea_client_options_free(opts);
  opts = NULL;
  ea_client_options_new(&opts, NULL);
  ea_client_options_set_user_agent(opts, "bad\nagent", NULL);
  err = NULL;
  EXPECT_ERR(ea_client_new(opts, &c, &err), err, EA_ERR_INVALID_INPUT, "user_agent");
  ea_client_options_free(opts);
  CHECK(c == NULL);
  /* invalid_input from events */
  ea_events *events = NULL;
  err = NULL;
  EXPECT_ERR(ea_events_new("carrier-pigeon", "https://app.example.com/e", &events, &err), err, EA_ERR_INVALID_INPUT,
             "events.vendor_type");
  err = NULL;
  report_unexpected(ea_events_new("webhook", "https://app.example.com/e", &events, &err), err, __FILE__, __LINE__);
  err = NULL;
  EXPECT_ERR(ea_events_set_poller_configuration(events, "{not json", &err), err, EA_ERR_INVALID_INPUT,
             "events.poller_configuration");
  ea_events_free(events);
  /* the callback and signature kinds */
  ea_grant *grant = NULL;
  err = NULL;
  EXPECT_ERR(ea_parse_callback("https://app.example.com/cb?state=s", "s", &grant, &err), err,
             EA_ERR_INVALID_CALLBACK, NULL);
  err = NULL;
  EXPECT_ERR(ea_parse_callback("code=secret-code-77&state=x", "s", &grant, &err), err, EA_ERR_STATE_MISMATCH, NULL);
  err = NULL;
  EXPECT_ERR(ea_parse_callback("error=access_denied&state=s", "s", &grant, &err), err, EA_ERR_AUTHORIZATION_DENIED,
             NULL);
  err = NULL;
  const char *key[] = {"sig-key-secret-5", NULL};
  EXPECT_ERR_S(ea_verify_webhook_signature("sig-key-secret-5", (const uint8_t *)"{}", 2, "sha256=bm9wZQ==", &err), err,
               EA_ERR_INVALID_SIGNATURE, NULL, key);
  /* the accessors of kinds without details */
  err = NULL;
  ea_parse_callback("x=1", "s", &grant, &err);
  CHECK(ea_error_status(err) == 0);
  CHECK(ea_error_request_id(err) == NULL);
  CHECK(ea_error_provider_message(err) == NULL);
  CHECK(ea_error_field(err) == NULL);
  CHECK(ea_error_oauth_error(err) == NULL);
  CHECK(!ea_error_may_have_reached_server(err));
  ea_error_free(err);
  CHECK(grant == NULL);
  teardown(f);
  case_end();
}

static void secrets_in_events(void) {
  case_begin("errors: a rejected create names the field, never the signature key or code");
  fixture f = setup();
  ea_instance_request *req = NULL;
  ea_events *events = NULL;
  ea_instance *inst = NULL;
  ea_error *err = NULL;
  ea_instance_request_new("concur", "code-abc-123", "n", API_KEY, API_SECRET, CALLBACK_URL, &req, NULL);
  ea_events_new("webhook", "https://app.example.com/e", &events, NULL);
  ea_events_set_signature_key(events, "sig-key-secret-5", NULL);
  ea_events_set_refresh_interval(events, 5, NULL); /* polling only */
  ea_instance_request_set_events(req, events, NULL);
  const char *secrets[] = {"code-abc-123", "sig-key-secret-5", API_SECRET, NULL};
  EXPECT_ERR_S(ea_client_create_instance(f.client, req, &inst, &err), err, EA_ERR_INVALID_INPUT,
               "events.refresh_interval", secrets);
  /* concur only supports polling: the platform refuses webhook events */
  ea_events_free(events);
  events = NULL;
  ea_events_new("webhook", "https://app.example.com/e", &events, NULL);
  ea_events_set_signature_key(events, "sig-key-secret-5", NULL);
  ea_instance_request_set_events(req, events, NULL);
  err = NULL;
  ea_result rc = ea_client_create_instance(f.ok, req, &inst, &err);
  CHECK(ea_error_status(err) == 400);
  EXPECT_ERR_S(rc, err, EA_ERR_API, NULL, secrets);
  CHECK(inst == NULL);
  ea_events_free(events);
  ea_instance_request_free(req);
  teardown(f);
  case_end();
}

static void utf8(void) {
  case_begin("errors: invalid UTF-8 in any string argument is invalid_input naming it");
  ea_error *err = NULL;
  ea_client_options *opts = NULL;
  ea_client_options_new(&opts, NULL);
  EXPECT_ERR(ea_client_options_set_base_url(opts, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "base_url");
  EXPECT_ERR(ea_client_options_set_environment(opts, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "environment");
  EXPECT_ERR(ea_client_options_set_user_secret(opts, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "user_secret");
  EXPECT_ERR(ea_client_options_set_organization_secret(opts, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT,
             "organization_secret");
  EXPECT_ERR(ea_client_options_set_user_agent(opts, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "user_agent");
  EXPECT_ERR(ea_client_options_set_ca_file(opts, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "ca_file");
  EXPECT_ERR(ea_client_options_set_proxy(opts, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "proxy");
  ea_client_options_free(opts);

  ea_oauth_url_request *oreq = NULL;
  EXPECT_ERR(ea_oauth_url_request_new(BAD_UTF8, "k", "s", CALLBACK_URL, &oreq, &err), err, EA_ERR_INVALID_INPUT,
             "element");
  EXPECT_ERR(ea_oauth_url_request_new("concur", BAD_UTF8, "s", CALLBACK_URL, &oreq, &err), err, EA_ERR_INVALID_INPUT,
             "api_key");
  EXPECT_ERR(ea_oauth_url_request_new("concur", "k", BAD_UTF8, CALLBACK_URL, &oreq, &err), err, EA_ERR_INVALID_INPUT,
             "api_secret");
  EXPECT_ERR(ea_oauth_url_request_new("concur", "k", "s", BAD_UTF8, &oreq, &err), err, EA_ERR_INVALID_INPUT,
             "callback_url");
  ea_oauth_url_request_new("concur", "k", "s", CALLBACK_URL, &oreq, NULL);
  EXPECT_ERR(ea_oauth_url_request_set_site_address(oreq, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "site_address");
  EXPECT_ERR(ea_oauth_url_request_set_state(oreq, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "state");
  EXPECT_ERR(ea_oauth_url_request_set_scope(oreq, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "scope");
  EXPECT_ERR(ea_oauth_url_request_add_param(oreq, BAD_UTF8, "v", &err), err, EA_ERR_INVALID_INPUT, "name");
  EXPECT_ERR(ea_oauth_url_request_add_param(oreq, "n", BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "value");
  ea_oauth_url_request_free(oreq);

  ea_grant *grant = NULL;
  EXPECT_ERR(ea_parse_callback(BAD_UTF8, "s", &grant, &err), err, EA_ERR_INVALID_INPUT, "callback");
  EXPECT_ERR(ea_parse_callback("code=c&state=s", BAD_UTF8, &grant, &err), err, EA_ERR_INVALID_INPUT,
             "expected_state");

  ea_events *events = NULL;
  EXPECT_ERR(ea_events_new(BAD_UTF8, CALLBACK_URL, &events, &err), err, EA_ERR_INVALID_INPUT, "events.vendor_type");
  EXPECT_ERR(ea_events_new("polling", BAD_UTF8, &events, &err), err, EA_ERR_INVALID_INPUT, "events.callback_url");
  ea_events_new("polling", CALLBACK_URL, &events, NULL);
  EXPECT_ERR(ea_events_set_signature_key(events, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "events.signature_key");
  EXPECT_ERR(ea_events_set_poller_configuration(events, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT,
             "events.poller_configuration");
  ea_events_free(events);

  const char *good[6] = {"concur", "code", "name", "key", "secret", CALLBACK_URL};
  const char *fields[6] = {"element", "code", "name", "api_key", "api_secret", "callback_url"};
  ea_instance_request *ireq = NULL;
  for (int i = 0; i < 6; i++) {
    const char *a[6];
    memcpy(a, good, sizeof a);
    a[i] = BAD_UTF8;
    EXPECT_ERR(ea_instance_request_new(a[0], a[1], a[2], a[3], a[4], a[5], &ireq, &err), err, EA_ERR_INVALID_INPUT,
               fields[i]);
  }
  ea_instance_request_new(good[0], good[1], good[2], good[3], good[4], good[5], &ireq, NULL);
  EXPECT_ERR(ea_instance_request_add_tag(ireq, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "tag");
  EXPECT_ERR(ea_instance_request_add_configuration(ireq, BAD_UTF8, "v", &err), err, EA_ERR_INVALID_INPUT, "key");
  EXPECT_ERR(ea_instance_request_add_configuration(ireq, "k", BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "value");
  ea_instance_request_free(ireq);

  EXPECT_ERR(ea_verify_webhook_signature(BAD_UTF8, (const uint8_t *)"b", 1, "h", &err), err, EA_ERR_INVALID_INPUT,
             "signature_key");
  EXPECT_ERR(ea_verify_webhook_signature("key1", (const uint8_t *)"b", 1, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT,
             "signature_header");
  char *s = NULL;
  EXPECT_ERR(ea_sign_webhook(BAD_UTF8, (const uint8_t *)"b", 1, &s, &err), err, EA_ERR_INVALID_INPUT,
             "signature_key");
  /* the body is bytes: invalid UTF-8 there is fine */
  CHECK_RC(ea_sign_webhook("key1", (const uint8_t *)BAD_UTF8, 4, &s, NULL), EA_OK);
  CHECK_RC(ea_verify_webhook_signature("key1", (const uint8_t *)BAD_UTF8, 4, s, NULL), EA_OK);
  ea_string_free(s);

  ea_sandbox *sb = NULL;
  ea_sandbox_start(true, 0, &sb, NULL);
  EXPECT_ERR(ea_sandbox_approve(sb, BAD_UTF8, &s, &err), err, EA_ERR_INVALID_INPUT, "oauth_url");
  EXPECT_ERR(ea_sandbox_deny(sb, BAD_UTF8, &s, &err), err, EA_ERR_INVALID_INPUT, "oauth_url");
  EXPECT_ERR(ea_sandbox_inject_fault(sb, BAD_UTF8, 1, &err), err, EA_ERR_INVALID_INPUT, "mode");
  ea_sandbox_free(sb);
  ea_sandbox_options *sopts = NULL;
  ea_sandbox_options_new(&sopts, NULL);
  EXPECT_ERR(ea_sandbox_options_set_user_secret(sopts, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT, "user_secret");
  EXPECT_ERR(ea_sandbox_options_set_organization_secret(sopts, BAD_UTF8, &err), err, EA_ERR_INVALID_INPUT,
             "organization_secret");
  ea_sandbox_options_free(sopts);
  case_end();
}

/* The cases issue 9 names: what retryable, may_have_reached_server and the
 * operation say after a create and a list, and that the advice names the C call. */
static void retryable(void) {
  case_begin("retryable: a create past the timeout (slow:1500, 300 ms) may have happened, is not retryable");
  fixture f = setup();
  char *code = fresh_code(&f);
  ea_instance_request *req = concur_request(code);
  inject(&f, "slow:1500", 1);
  ea_instance *inst = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_client_create_instance(f.client, req, &inst, &err);
  CHECK(inst == NULL);
  CHECK(!ea_error_retryable(err));
  CHECK(ea_error_may_have_reached_server(err));
  CHECK_STR(ea_error_operation(err), "create_instance");
  CHECK(contains(ea_error_message(err), "300ms"));
  CHECK(contains(ea_error_message(err), "ea_client_list_instances()"));
  CHECK(names_only_c_calls(ea_error_message(err)));
  const char *secrets[] = {API_SECRET, code, ea_sandbox_user_secret(f.sb), ea_sandbox_organization_secret(f.sb), NULL};
  EXPECT_ERR_S(rc, err, EA_ERR_TIMEOUT, NULL, secrets);
  ea_instance_request_free(req);
  free(code);
  teardown(f);
  case_end();

  case_begin("retryable: status:503 on a create is not retryable");
  f = setup();
  code = fresh_code(&f);
  req = concur_request(code);
  inject(&f, "status:503", 1);
  err = NULL;
  rc = ea_client_create_instance(f.ok, req, &inst, &err);
  CHECK(ea_error_status(err) == 503);
  CHECK(!ea_error_retryable(err));
  CHECK(ea_error_may_have_reached_server(err));
  CHECK_STR(ea_error_operation(err), "create_instance");
  CHECK(names_only_c_calls(ea_error_message(err)));
  EXPECT_ERR(rc, err, EA_ERR_API, NULL);
  ea_instance_request_free(req);
  free(code);
  teardown(f);
  case_end();

  case_begin("retryable: status:503 on a list with max_retries 0 is retryable");
  f = setup();
  inject(&f, "status:503", 1);
  ea_instance_list *list = NULL;
  err = NULL;
  rc = ea_client_list_instances(f.ok, &list, &err);
  CHECK(list == NULL);
  CHECK(ea_error_status(err) == 503);
  CHECK(ea_error_retryable(err));
  CHECK_STR(ea_error_operation(err), "list_instances");
  EXPECT_ERR(rc, err, EA_ERR_API, NULL);
  /* and it was: the same call now succeeds */
  err = NULL;
  report_unexpected(ea_client_list_instances(f.ok, &list, &err), err, __FILE__, __LINE__);
  ea_instance_list_free(list);
  teardown(f);
  case_end();

  case_begin("retryable: errors outside a call have no operation and are not retryable");
  err = NULL;
  ea_grant *grant = NULL;
  rc = ea_parse_callback("code=c&state=x", "s", &grant, &err);
  CHECK(ea_error_operation(err) == NULL);
  CHECK(!ea_error_retryable(err));
  EXPECT_ERR(rc, err, EA_ERR_STATE_MISMATCH, NULL);
  ea_client_options *opts = NULL;
  ea_client *c = NULL;
  ea_client_options_new(&opts, NULL);
  ea_client_options_set_max_retry_delay_ms(opts, 7200000, NULL);
  err = NULL;
  rc = ea_client_new(opts, &c, &err);
  /* a duration is named the C way in the message, the core's way in the field */
  CHECK(contains(ea_error_message(err), "max_retry_delay_ms"));
  CHECK(ea_error_operation(err) == NULL);
  CHECK(!ea_error_retryable(err));
  EXPECT_ERR(rc, err, EA_ERR_INVALID_INPUT, "max_retry_delay");
  CHECK(c == NULL);
  ea_client_options_free(opts);
  case_end();
}

void test_errors(void) {
  kinds();
  secrets_in_events();
  utf8();
  faults();
  retryable();
}
