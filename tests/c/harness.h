/* Test harness of the C tests: cases, checks and shared helpers. */
#ifndef EA_TEST_HARNESS_H
#define EA_TEST_HARNESS_H
#include "elements_auth.h"
#include <stdio.h>
#include <string.h>

/* Directory holding the shared vectors (tests/vectors), from argv[1]. */
extern const char *g_vectors_dir;

/* Starts a case; checks count against it until case_end. */
void case_begin(const char *name);
void case_end(void);
/* Records a failed check of the current case. */
void check_failed(const char *what, const char *file, int line);
/* Prints "N passed, N failed"; returns the exit status. */
int summary(void);

#define CHECK(cond) do { if (!(cond)) check_failed(#cond, __FILE__, __LINE__); } while (0)
#define CHECK_STR(a, b) do { const char *a_ = (a), *b_ = (b); \
  if (!a_ || !b_ || strcmp(a_, b_) != 0) { \
    fprintf(stderr, "    got \"%s\", want \"%s\"\n", a_ ? a_ : "(null)", b_ ? b_ : "(null)"); \
    check_failed(#a " == " #b, __FILE__, __LINE__); } } while (0)
#define CHECK_RC(rc, want) do { int rc_ = (int)(rc), want_ = (int)(want); if (rc_ != want_) { \
    fprintf(stderr, "    got %s, want %s\n", ea_result_name(rc_), ea_result_name(want_)); \
    check_failed(#rc " == " #want, __FILE__, __LINE__); } } while (0)

/* Checks that a call failed with `want` and (if not NULL) the field `field`,
 * that its message does not contain any of the NULL-terminated `secrets`, and
 * frees the error. */
void expect_error(ea_result rc, ea_error *err, ea_result want, const char *field,
                  const char *const *secrets, const char *file, int line);
/* The call is evaluated before `err` is read. */
#define EXPECT_ERR_S(call, err, want, field, secrets) do { ea_result r__ = (call); \
    expect_error(r__, (err), (want), (field), (secrets), __FILE__, __LINE__); } while (0)
#define EXPECT_ERR(call, err, want, field) EXPECT_ERR_S(call, err, want, field, NULL)
/* On a failed call, prints its error and frees it. */
void report_unexpected_(ea_result rc, ea_error *err, const char *file, int line);
/* The call is evaluated before `err` is read. */
#define report_unexpected(call, err, file, line) do { ea_result r__ = (call); \
    report_unexpected_(r__, (err), (file), (line)); } while (0)

/* A client for the sandbox, with a timeout and no GET retries. Aborts the case on failure. */
ea_client *sandbox_client(const ea_sandbox *sb, uint64_t timeout_ms, uint32_t max_retries);
/* Steps 1 and 2 for concur: the sandbox's Allow, parsed; NULL on failure. */
ea_grant *sandbox_grant(const ea_client *client, const ea_sandbox *sb, const char *state);
/* Step 1 for concur against the sandbox; NULL on failure. */
ea_oauth_url *concur_url(const ea_client *client, const char *state);
/* A concur create request for `code`, with polling events. */
ea_instance_request *concur_request(const char *code);
/* True when `haystack` contains `needle`. */
int contains(const char *haystack, const char *needle);

#define API_KEY "c-api-key"
#define API_SECRET "c-api-secret-9f2b7e"
#define CALLBACK_URL "https://app.example.com/oauth/callback"
#define SITE_ADDRESS "https://www.concursolutions.com"

void test_vectors(void);
void test_flow(void);
void test_errors(void);
void test_nulls(void);
void test_threads(void);
void test_sandbox(void);
void test_hardening(void);
void test_events(void);
void test_state(void);
#endif
