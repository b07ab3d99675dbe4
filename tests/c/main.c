/* C tests of libelements_auth: run as `test_c <tests/vectors dir>`. */
#include "harness.h"
#include <stdlib.h>

const char *g_vectors_dir = "tests/vectors";
static int passed, failed, case_failures;
static const char *case_name;

void case_begin(const char *name) {
  case_name = name;
  case_failures = 0;
}

void case_end(void) {
  if (case_failures) {
    failed++;
    fprintf(stderr, "FAIL %s\n", case_name);
  } else {
    passed++;
    printf("ok   %s\n", case_name);
  }
}

void check_failed(const char *what, const char *file, int line) {
  case_failures++;
  fprintf(stderr, "  %s:%d: check failed: %s (in %s)\n", file, line, what, case_name);
}

int summary(void) {
  printf("%d passed, %d failed\n", passed, failed);
  return failed == 0 && passed > 0 ? 0 : 1;
}

int contains(const char *haystack, const char *needle) {
  return haystack && needle && strstr(haystack, needle) != NULL;
}

static int leaks_secret(const ea_error *err, const char *secret) {
  const char *texts[] = {ea_error_message(err), ea_error_request_id(err), ea_error_provider_message(err),
                         ea_error_field(err), ea_error_oauth_error(err),
                         ea_error_oauth_error_description(err), ea_error_oauth_error_uri(err),
                         ea_error_operation(err)};
  for (size_t i = 0; i < sizeof texts / sizeof texts[0]; i++)
    if (contains(texts[i], secret)) return 1;
  return 0;
}

void expect_error(ea_result rc, ea_error *err, ea_result want, const char *field,
                  const char *const *secrets, const char *file, int line) {
  char what[160];
  if ((int)rc != (int)want || !err || ea_error_kind(err) != rc) {
    fprintf(stderr, "    got %s (%s), want %s\n", ea_result_name((int)rc),
            err ? ea_error_message(err) : "no error object", ea_result_name((int)want));
    check_failed("error kind", file, line);
  }
  if (err && !ea_error_message(err)) check_failed("error has a message", file, line);
  if (err && field) {
    const char *got = ea_error_field(err);
    if (!got || strcmp(got, field) != 0) {
      snprintf(what, sizeof what, "error field is %s, want %s", got ? got : "(null)", field);
      check_failed(what, file, line);
    }
  }
  for (size_t i = 0; secrets && secrets[i]; i++)
    if (err && leaks_secret(err, secrets[i])) check_failed("error text holds a secret", file, line);
  ea_error_free(err);
}

void report_unexpected_(ea_result rc, ea_error *err, const char *file, int line) {
  if (rc != EA_OK) {
    fprintf(stderr, "    unexpected %s: %s\n", ea_result_name((int)rc), err ? ea_error_message(err) : "?");
    check_failed("call succeeds", file, line);
  }
  ea_error_free(err);
}

ea_client *sandbox_client(const ea_sandbox *sb, uint64_t timeout_ms, uint32_t max_retries) {
  ea_client_options *opts = NULL;
  ea_client *client = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_client_options_new(&opts, &err);
  if (rc == EA_OK) rc = ea_client_options_set_base_url(opts, ea_sandbox_base_url(sb), &err);
  if (rc == EA_OK) rc = ea_client_options_set_user_secret(opts, ea_sandbox_user_secret(sb), &err);
  if (rc == EA_OK) rc = ea_client_options_set_organization_secret(opts, ea_sandbox_organization_secret(sb), &err);
  if (rc == EA_OK) rc = ea_client_options_set_timeout_ms(opts, timeout_ms, &err);
  if (rc == EA_OK) rc = ea_client_options_set_max_retries(opts, max_retries, &err);
  if (rc == EA_OK) rc = ea_client_options_set_retry_base_delay_ms(opts, 10, &err);
  if (rc == EA_OK) rc = ea_client_options_set_user_agent(opts, "c-tests", &err);
  if (rc == EA_OK) rc = ea_client_new(opts, &client, &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  ea_client_options_free(opts);
  return client;
}

ea_grant *sandbox_grant(const ea_client *client, const ea_sandbox *sb, const char *state) {
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

ea_oauth_url *concur_url(const ea_client *client, const char *state) {
  ea_oauth_url_request *req = NULL;
  ea_oauth_url *url = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_oauth_url_request_new("concur", API_KEY, API_SECRET, CALLBACK_URL, &req, &err);
  if (rc == EA_OK) rc = ea_oauth_url_request_set_site_address(req, SITE_ADDRESS, &err);
  if (rc == EA_OK && state) rc = ea_oauth_url_request_set_state(req, state, &err);
  if (rc == EA_OK) rc = ea_client_oauth_url(client, req, &url, &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  ea_oauth_url_request_free(req);
  return url;
}

ea_instance_request *concur_request(const char *code) {
  ea_instance_request *req = NULL;
  ea_events *events = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_instance_request_new("concur", code, "my concur", API_KEY, API_SECRET, CALLBACK_URL, &req, &err);
  if (rc == EA_OK) rc = ea_events_new("polling", "https://app.example.com/events", &events, &err);
  if (rc == EA_OK) rc = ea_events_set_refresh_interval(events, 15, &err);
  if (rc == EA_OK) rc = ea_events_set_poller_configuration(events, "{\"reports\":{\"url\":\"/hubs/expense/reports\"}}", &err);
  if (rc == EA_OK) rc = ea_instance_request_set_events(req, events, &err);
  if (rc == EA_OK) rc = ea_instance_request_add_tag(req, "team-c", &err);
  if (rc == EA_OK) rc = ea_instance_request_set_filter_response_nulls(req, true, &err);
  if (rc == EA_OK) rc = ea_instance_request_add_configuration(req, "concur.region", "us", &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  ea_events_free(events);
  return req;
}

int main(int argc, char **argv) {
  if (argc > 1) g_vectors_dir = argv[1];
  setvbuf(stdout, NULL, _IONBF, 0);
  printf("libelements_auth %s\n", ea_version());
  test_vectors();
  test_flow();
  test_errors();
  test_sandbox();
  test_state();
  test_nulls();
  test_threads();
  test_hardening();
  test_events();
  return summary();
}
