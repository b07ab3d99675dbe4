/* Events end to end through the C API: the sandbox POSTs signed notifications
 * to a real HTTP receiver of the test's own (POSIX sockets and a thread),
 * which verifies the raw body and parses it; retries, failures, refusals. */
#define _POSIX_C_SOURCE 200809L
#include "harness.h"
#include "json.h"
#include <arpa/inet.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdlib.h>
#include <strings.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#define SIGNATURE_KEY "c-signature-key-3f9a0d"
#define NEW_KEY "c-rotated-signature-key-77e2"
#define MAX_GOT 16

typedef struct {
  char *body;
  size_t body_len;
  char signature[128]; /* empty when the header was absent */
  int has_signature;
  char content_type[64];
} received;

typedef struct {
  int fd;
  int port;
  char url[64];
  pthread_t thread;
  int script[8];
  size_t script_len;
  pthread_mutex_t lock;
  received got[MAX_GOT];
  size_t got_len;
} receiver;

/* The value of header `name` in the request head, copied into `out`; 0 when absent. */
static int header_value(const char *head, const char *name, char *out, size_t cap) {
  size_t n = strlen(name);
  for (const char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
    const char *start = line + 2;
    if (strncasecmp(start, name, n) == 0 && start[n] == ':') {
      const char *v = start + n + 1;
      while (*v == ' ') v++;
      const char *end = strstr(v, "\r\n");
      size_t len = end ? (size_t)(end - v) : strlen(v);
      if (len >= cap) len = cap - 1;
      memcpy(out, v, len);
      out[len] = '\0';
      return 1;
    }
  }
  return 0;
}

static void serve_one(receiver *r, int conn) {
  char head[8192];
  size_t used = 0;
  char *end = NULL;
  while (used < sizeof head - 1 && !end) {
    ssize_t n = read(conn, head + used, sizeof head - 1 - used);
    if (n <= 0) return;
    used += (size_t)n;
    head[used] = '\0';
    end = strstr(head, "\r\n\r\n");
  }
  if (!end) return;
  char length_text[32] = "0";
  header_value(head, "Content-Length", length_text, sizeof length_text);
  size_t length = (size_t)strtoul(length_text, NULL, 10);
  size_t have = used - (size_t)(end + 4 - head);
  char *body = malloc(length + 1);
  memcpy(body, end + 4, have < length ? have : length);
  while (have < length) {
    ssize_t n = read(conn, body + have, length - have);
    if (n <= 0) break;
    have += (size_t)n;
  }
  body[length] = '\0';
  *end = '\0';
  pthread_mutex_lock(&r->lock);
  size_t index = r->got_len;
  int status = index < r->script_len ? r->script[index] : 200;
  if (index < MAX_GOT) {
    received *g = &r->got[index];
    g->body = body;
    g->body_len = length;
    g->has_signature = header_value(head, "Elements-Webhook-Signature", g->signature, sizeof g->signature);
    header_value(head, "Content-Type", g->content_type, sizeof g->content_type);
    r->got_len++;
  } else {
    free(body);
  }
  pthread_mutex_unlock(&r->lock);
  char answer[128];
  int n = snprintf(answer, sizeof answer, "HTTP/1.1 %d X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);
  if (write(conn, answer, (size_t)n) < 0) return;
}

static void *serve(void *arg) {
  receiver *r = arg;
  for (;;) {
    int conn = accept(r->fd, NULL, NULL);
    if (conn < 0) break; /* the listening socket was shut down */
    serve_one(r, conn);
    close(conn);
  }
  return NULL;
}

/* Listens on 127.0.0.1 with a free port; answers with `script` then 200. */
static receiver *receiver_start(const int *script, size_t script_len) {
  receiver *r = calloc(1, sizeof *r);
  pthread_mutex_init(&r->lock, NULL);
  for (size_t i = 0; i < script_len && i < 8; i++) r->script[i] = script[i];
  r->script_len = script_len;
  r->fd = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t len = sizeof addr;
  if (bind(r->fd, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(r->fd, 16) != 0 ||
      getsockname(r->fd, (struct sockaddr *)&addr, &len) != 0) {
    check_failed("the receiver listens", __FILE__, __LINE__);
  }
  r->port = ntohs(addr.sin_port);
  snprintf(r->url, sizeof r->url, "http://127.0.0.1:%d/events", r->port);
  pthread_create(&r->thread, NULL, serve, r);
  return r;
}

static size_t received_count(receiver *r) {
  pthread_mutex_lock(&r->lock);
  size_t n = r->got_len;
  pthread_mutex_unlock(&r->lock);
  return n;
}

static void receiver_stop(receiver *r) {
  shutdown(r->fd, SHUT_RDWR);
  pthread_join(r->thread, NULL);
  close(r->fd);
  for (size_t i = 0; i < r->got_len; i++) free(r->got[i].body);
  pthread_mutex_destroy(&r->lock);
  free(r);
}

/* A loopback URL nobody listens on. */
static void closed_url(char *out, size_t cap) {
  receiver *r = receiver_start(NULL, 0);
  snprintf(out, cap, "%s", r->url);
  receiver_stop(r);
}

static void sleep_ms(long ms) {
  struct timespec t = {ms / 1000, (ms % 1000) * 1000000L};
  nanosleep(&t, NULL);
}

/* A sandbox whose first retry comes after `retry_us` microseconds. */
static ea_sandbox *events_sandbox(uint64_t retry_us) {
  ea_sandbox_options *opts = NULL;
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_sandbox_options_new(&opts, &err);
  if (rc == EA_OK) rc = ea_sandbox_options_set_event_retry_delay_us(opts, retry_us, &err);
  if (rc == EA_OK) rc = ea_sandbox_start_with(opts, &sb, &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  ea_sandbox_options_free(opts);
  return sb;
}

/* Creates an instance of `element` with `events` (NULL: none); its id, or 0. */
static int64_t create_with(const ea_client *client, const ea_sandbox *sb, const char *element, ea_events *events) {
  ea_oauth_url_request *ureq = NULL;
  ea_oauth_url *url = NULL;
  char *landed = NULL;
  ea_grant *grant = NULL;
  ea_instance_request *req = NULL;
  ea_instance *inst = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_oauth_url_request_new(element, API_KEY, API_SECRET, CALLBACK_URL, &ureq, &err);
  if (rc == EA_OK && strcmp(element, "concur") == 0)
    rc = ea_oauth_url_request_set_site_address(ureq, SITE_ADDRESS, &err);
  if (rc == EA_OK) rc = ea_client_oauth_url(client, ureq, &url, &err);
  if (rc == EA_OK) rc = ea_sandbox_approve(sb, ea_oauth_url_url(url), &landed, &err);
  if (rc == EA_OK) rc = ea_parse_callback(landed, ea_oauth_url_state(url), &grant, &err);
  if (rc == EA_OK)
    rc = ea_instance_request_new(element, ea_grant_code(grant), "events", API_KEY, API_SECRET, CALLBACK_URL, &req, &err);
  if (rc == EA_OK && events) rc = ea_instance_request_set_events(req, events, &err);
  if (rc == EA_OK) rc = ea_client_create_instance(client, req, &inst, &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  int64_t id = inst ? ea_instance_id(inst) : 0;
  ea_instance_free(inst);
  ea_instance_request_free(req);
  ea_grant_free(grant);
  ea_string_free(landed);
  ea_oauth_url_free(url);
  ea_oauth_url_request_free(ureq);
  return id;
}

static int64_t webhook_instance(const ea_client *client, const ea_sandbox *sb, const char *url, const char *key) {
  ea_events *events = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_events_new("webhook", url, &events, &err);
  if (rc == EA_OK && key) rc = ea_events_set_signature_key(events, key, &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  int64_t id = create_with(client, sb, "dropbox", events);
  ea_events_free(events);
  return id;
}

/* The deliveries, once the one of `event_id` is no longer pending; `*at` is
 * its index. NULL (and a failed check) if it never finishes. Free with json_free. */
static json_value *finished(const ea_sandbox *sb, uint64_t event_id, size_t *at) {
  for (int tries = 0; tries < 12000; tries++) {
    char *text = NULL;
    ea_error *err = NULL;
    report_unexpected(ea_sandbox_deliveries_json(sb, &text, &err), err, __FILE__, __LINE__);
    json_value *all = text ? json_parse(text) : NULL;
    ea_string_free(text);
    for (size_t i = 0; all && i < all->len; i++) {
      const json_value *id = json_get(&all->items[i], "eventId");
      const char *state = json_str(&all->items[i], "state");
      if (id && (uint64_t)id->number == event_id && state && strcmp(state, "pending") != 0) {
        *at = i;
        return all;
      }
    }
    json_free(all);
    sleep_ms(5);
  }
  check_failed("the delivery finishes", __FILE__, __LINE__);
  return NULL;
}

/* Whether the delivery's attempts are exactly `want`. */
static int attempts_are(const json_value *d, const int *want, size_t n) {
  const json_value *a = json_get(d, "attempts");
  if (!a || a->type != JSON_ARRAY || a->len != n) return 0;
  for (size_t i = 0; i < n; i++)
    if ((int)a->items[i].number != want[i]) return 0;
  return 1;
}

static uint64_t trigger(const ea_sandbox *sb, int64_t instance_id, const char *object_type, const char *event_type,
                        const char *object_id) {
  uint64_t id = 0;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_trigger_event(sb, instance_id, object_type, event_type, object_id, &id, &err), err,
                    __FILE__, __LINE__);
  return id;
}

static void webhook_signed(void) {
  case_begin("events: a webhook instance with a signature key gets one signed POST per event");
  ea_sandbox *sb = events_sandbox(1000);
  ea_client *client = sandbox_client(sb, 10000, 0);
  receiver *rx = receiver_start(NULL, 0);
  int64_t instance_id = webhook_instance(client, sb, rx->url, SIGNATURE_KEY);
  uint64_t first = trigger(sb, instance_id, "files", "CREATED", "id:abc");
  uint64_t second = trigger(sb, instance_id, "files", NULL, NULL);
  CHECK(second == first + 1);
  const char *want_types[] = {"CREATED", "UPDATED"};
  uint64_t ids[] = {first, second};
  for (int i = 0; i < 2; i++) {
    size_t at = 0;
    json_value *all = finished(sb, ids[i], &at);
    const json_value *d = all ? &all->items[at] : NULL;
    const int ok[] = {200};
    CHECK(d && attempts_are(d, ok, 1));
    CHECK_STR(d ? json_str(d, "state") : NULL, "delivered");
    CHECK(received_count(rx) >= (size_t)i + 1);
    const received *got = &rx->got[i];
    CHECK_STR(got->content_type, "application/json");
    CHECK(got->has_signature);
    CHECK_STR(d ? json_str(d, "signature") : NULL, got->signature);
    CHECK_STR(d ? json_str(d, "body") : NULL, got->body);
    ea_error *err = NULL;
    report_unexpected(ea_verify_webhook_signature(SIGNATURE_KEY, (const uint8_t *)got->body, got->body_len,
                                                  got->signature, &err),
                      err, __FILE__, __LINE__);
    ea_event_notification *n = NULL;
    err = NULL;
    report_unexpected(ea_parse_event_notification((const uint8_t *)got->body, got->body_len, &n, &err), err,
                      __FILE__, __LINE__);
    char event_id[32];
    snprintf(event_id, sizeof event_id, "%llu", (unsigned long long)ids[i]);
    CHECK_STR(ea_event_notification_event_id(n), event_id);
    CHECK(ea_event_notification_instance_id(n) == instance_id);
    CHECK(ea_event_notification_notification_id(n) && strlen(ea_event_notification_notification_id(n)) == 36);
    CHECK(ea_event_notification_events_len(n) == 1);
    const ea_notification_event *e = ea_event_notification_event(n, 0);
    CHECK_STR(ea_notification_event_element_key(e), "dropbox");
    CHECK_STR(ea_notification_event_object_type(e), "files");
    CHECK_STR(ea_notification_event_event_type(e), want_types[i]);
    if (i == 0) CHECK_STR(ea_notification_event_object_id(e), "id:abc");
    CHECK(ea_notification_event_date(e) != NULL);
    CHECK(contains(ea_notification_event_raw_json(e), "\"objectType\":\"files\""));
    CHECK(contains(ea_event_notification_raw_json(n), "\"response\""));
    CHECK(ea_event_notification_event(n, 1) == NULL);
    ea_event_notification_free(n);
    json_free(all);
  }
  CHECK(received_count(rx) == 2);
  receiver_stop(rx);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

static void key_rotation(void) {
  case_begin("events: [new key, old key] accepts a body signed with either, not with a third key");
  ea_sandbox *sb = events_sandbox(1000);
  ea_client *client = sandbox_client(sb, 10000, 0);
  receiver *rx = receiver_start(NULL, 0);
  int64_t instance_id = webhook_instance(client, sb, rx->url, SIGNATURE_KEY);
  size_t at = 0;
  json_free(finished(sb, trigger(sb, instance_id, "files", NULL, NULL), &at));
  CHECK(received_count(rx) == 1);
  const received *got = &rx->got[0];
  const char *keys[] = {NEW_KEY, SIGNATURE_KEY};
  char *new_signed = NULL, *third_signed = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sign_webhook(NEW_KEY, (const uint8_t *)got->body, got->body_len, &new_signed, &err), err,
                    __FILE__, __LINE__);
  err = NULL;
  report_unexpected(ea_sign_webhook("a-third-key", (const uint8_t *)got->body, got->body_len, &third_signed, &err),
                    err, __FILE__, __LINE__);
  const char *accepted[] = {got->signature, new_signed};
  for (int i = 0; i < 2; i++) {
    err = NULL;
    report_unexpected(ea_verify_webhook_signature_keys(keys, 2, (const uint8_t *)got->body, got->body_len,
                                                       accepted[i], &err),
                      err, __FILE__, __LINE__);
  }
  const char *secrets[] = {NEW_KEY, SIGNATURE_KEY, NULL};
  err = NULL;
  EXPECT_ERR_S(ea_verify_webhook_signature_keys(keys, 2, (const uint8_t *)got->body, got->body_len, third_signed,
                                                &err),
               err, EA_ERR_INVALID_SIGNATURE, NULL, secrets);
  const char *with_null[] = {NEW_KEY, NULL};
  err = NULL;
  EXPECT_ERR(ea_verify_webhook_signature_keys(with_null, 2, (const uint8_t *)got->body, got->body_len,
                                              got->signature, &err),
             err, EA_ERR_INVALID_INPUT, "signature_keys[1]");
  err = NULL;
  EXPECT_ERR(ea_verify_webhook_signature_keys(NULL, 0, (const uint8_t *)"", 0, got->signature, &err), err,
             EA_ERR_INVALID_INPUT, "signature_keys");
  ea_string_free(new_signed);
  ea_string_free(third_signed);
  receiver_stop(rx);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

static void polling_reports(void) {
  case_begin("events: a polling Concur instance with a reports poller gets an event for reports");
  ea_sandbox *sb = events_sandbox(1000);
  ea_client *client = sandbox_client(sb, 10000, 0);
  receiver *rx = receiver_start(NULL, 0);
  ea_events *events = NULL;
  ea_error *err = NULL;
  ea_result rc = ea_events_new("polling", rx->url, &events, &err);
  if (rc == EA_OK) rc = ea_events_set_refresh_interval(events, 15, &err);
  if (rc == EA_OK)
    rc = ea_events_set_poller_configuration(events, "{\"reports\":{\"url\":\"/hubs/expense/reports\",\"idField\":\"ID\"}}",
                                            &err);
  report_unexpected(rc, err, __FILE__, __LINE__);
  int64_t instance_id = create_with(client, sb, "concur", events);
  ea_events_free(events);
  size_t at = 0;
  json_value *all = finished(sb, trigger(sb, instance_id, "reports", NULL, "R-1001"), &at);
  CHECK_STR(all ? json_str(&all->items[at], "state") : NULL, "delivered");
  json_free(all);
  CHECK(received_count(rx) == 1);
  CHECK(!rx->got[0].has_signature);
  ea_event_notification *n = NULL;
  err = NULL;
  report_unexpected(ea_parse_event_notification((const uint8_t *)rx->got[0].body, rx->got[0].body_len, &n, &err), err,
                    __FILE__, __LINE__);
  const ea_notification_event *e = ea_event_notification_event(n, 0);
  CHECK_STR(ea_notification_event_element_key(e), "concur");
  CHECK_STR(ea_notification_event_object_type(e), "reports");
  CHECK_STR(ea_notification_event_object_id(e), "R-1001");
  ea_event_notification_free(n);
  uint64_t id = 0;
  err = NULL;
  EXPECT_ERR(ea_sandbox_trigger_event(sb, instance_id, "invoices", NULL, NULL, &id, &err), err, EA_ERR_SANDBOX,
             "object_type");
  CHECK(received_count(rx) == 1);
  receiver_stop(rx);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

static void retried(void) {
  case_begin("events: a receiver answering 500 twice and then 200 shows 3 attempts and delivered");
  ea_sandbox *sb = events_sandbox(1000);
  ea_client *client = sandbox_client(sb, 10000, 0);
  const int script[] = {500, 500, 200};
  receiver *rx = receiver_start(script, 3);
  int64_t instance_id = webhook_instance(client, sb, rx->url, SIGNATURE_KEY);
  size_t at = 0;
  json_value *all = finished(sb, trigger(sb, instance_id, "files", NULL, NULL), &at);
  CHECK(all && attempts_are(&all->items[at], script, 3));
  CHECK_STR(all ? json_str(&all->items[at], "state") : NULL, "delivered");
  json_free(all);
  CHECK(received_count(rx) == 3);
  for (size_t i = 1; i < received_count(rx); i++) CHECK_STR(rx->got[i].body, rx->got[0].body);
  receiver_stop(rx);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

static void receiver_down(void) {
  case_begin("events: a receiver that is down shows 10 attempts and failed");
  ea_sandbox *sb = events_sandbox(20);
  ea_client *client = sandbox_client(sb, 10000, 0);
  char url[64];
  closed_url(url, sizeof url);
  int64_t instance_id = webhook_instance(client, sb, url, NULL);
  size_t at = 0;
  json_value *all = finished(sb, trigger(sb, instance_id, "files", NULL, NULL), &at);
  const int zeros[10] = {0};
  CHECK(all && attempts_are(&all->items[at], zeros, 10));
  CHECK_STR(all ? json_str(&all->items[at], "state") : NULL, "failed");
  json_free(all);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

static void unsigned_instance(void) {
  case_begin("events: an instance without a signature key gets no signature header");
  ea_sandbox *sb = events_sandbox(1000);
  ea_client *client = sandbox_client(sb, 10000, 0);
  receiver *rx = receiver_start(NULL, 0);
  int64_t instance_id = webhook_instance(client, sb, rx->url, NULL);
  size_t at = 0;
  json_value *all = finished(sb, trigger(sb, instance_id, "files", NULL, NULL), &at);
  const json_value *signature = all ? json_get(&all->items[at], "signature") : NULL;
  CHECK(signature && signature->type == JSON_NULL);
  json_free(all);
  CHECK(received_count(rx) == 1 && !rx->got[0].has_signature);
  receiver_stop(rx);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

static void refusals(void) {
  case_begin("events: an instance without events gets a clear error naming instance_id");
  ea_sandbox *sb = events_sandbox(1000);
  ea_client *client = sandbox_client(sb, 10000, 0);
  int64_t plain = create_with(client, sb, "dropbox", NULL);
  uint64_t id = 0;
  ea_error *err = NULL;
  ea_result rc = ea_sandbox_trigger_event(sb, plain, "files", NULL, NULL, &id, &err);
  CHECK(contains(ea_error_message(err), "has no events enabled"));
  EXPECT_ERR(rc, err, EA_ERR_SANDBOX, "instance_id");
  err = NULL;
  EXPECT_ERR(ea_sandbox_trigger_event(sb, 424242, "files", NULL, NULL, &id, &err), err, EA_ERR_SANDBOX, "instance_id");
  err = NULL;
  EXPECT_ERR(ea_sandbox_trigger_event(sb, plain, "files", "TOUCHED", NULL, &id, &err), err, EA_ERR_SANDBOX,
             "event_type");
  /* NULLs are named before anything happens. */
  err = NULL;
  EXPECT_ERR(ea_sandbox_trigger_event(NULL, plain, "files", NULL, NULL, &id, &err), err, EA_ERR_INVALID_INPUT,
             "sandbox");
  err = NULL;
  EXPECT_ERR(ea_sandbox_trigger_event(sb, plain, NULL, NULL, NULL, &id, &err), err, EA_ERR_INVALID_INPUT,
             "object_type");
  err = NULL;
  EXPECT_ERR(ea_sandbox_trigger_event(sb, plain, "files", NULL, NULL, NULL, &err), err, EA_ERR_INVALID_INPUT,
             "event_id");
  char *text = NULL;
  err = NULL;
  report_unexpected(ea_sandbox_deliveries_json(sb, &text, &err), err, __FILE__, __LINE__);
  CHECK_STR(text, "[]");
  ea_string_free(text);
  err = NULL;
  EXPECT_ERR(ea_sandbox_deliveries_json(NULL, &text, &err), err, EA_ERR_INVALID_INPUT, "sandbox");
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}

static void parse_nulls(void) {
  case_begin("events: parse refuses what is not a notification; NULL handles are safe");
  ea_event_notification *n = NULL;
  ea_error *err = NULL;
  EXPECT_ERR(ea_parse_event_notification((const uint8_t *)"[]", 2, &n, &err), err, EA_ERR_DECODE, NULL);
  CHECK(n == NULL);
  err = NULL;
  EXPECT_ERR(ea_parse_event_notification(NULL, 0, &n, &err), err, EA_ERR_INVALID_INPUT, "body");
  err = NULL;
  EXPECT_ERR(ea_parse_event_notification((const uint8_t *)"{}", 2, NULL, &err), err, EA_ERR_INVALID_INPUT, "out");
  CHECK(ea_event_notification_event_id(NULL) == NULL);
  CHECK(ea_event_notification_instance_id(NULL) == 0);
  CHECK(ea_event_notification_notification_id(NULL) == NULL);
  CHECK(ea_event_notification_events_len(NULL) == 0);
  CHECK(ea_event_notification_event(NULL, 0) == NULL);
  CHECK(ea_event_notification_raw_json(NULL) == NULL);
  CHECK(ea_notification_event_element_key(NULL) == NULL);
  CHECK(ea_notification_event_object_type(NULL) == NULL);
  CHECK(ea_notification_event_object_id(NULL) == NULL);
  CHECK(ea_notification_event_event_type(NULL) == NULL);
  CHECK(ea_notification_event_date(NULL) == NULL);
  CHECK(ea_notification_event_raw_json(NULL) == NULL);
  ea_event_notification_free(NULL);
  err = NULL;
  EXPECT_ERR(ea_sandbox_options_set_event_retry_delay_us(NULL, 1, &err), err, EA_ERR_INVALID_INPUT, "opts");
  case_end();
}

void test_events(void) {
  webhook_signed();
  key_rotation();
  polling_reports();
  retried();
  receiver_down();
  unsigned_instance();
  refusals();
  parse_nulls();
}
