/* An events endpoint for the platform's notifications, tested offline with
 * the embedded sandbox:
 *
 *   cc events_receiver.c $(pkg-config --cflags --libs elements_auth) -o events_receiver
 *   LD_LIBRARY_PATH=$HOME/.local/lib ./events_receiver
 *
 * handle() is the part to reuse in a real server: give it the raw request
 * body and the Elements-Webhook-Signature header, answer with the status it
 * returns. It verifies the signature on the raw bytes before parsing
 * anything (with every current key, so that a key can be rotated), and
 * ignores an event id it has already handled: the signature carries no
 * timestamp, so a replayed notification verifies, and the event id is what
 * makes receiving it twice safe. The platform retries a non-2xx answer, so a
 * duplicate is answered 200. A real server answers first and works after. */
#define _POSIX_C_SOURCE 200809L
#include <elements_auth.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <unistd.h>

#define CALLBACK_URL "https://app.example.com/oauth/callback"
#define REMEMBER 64 /* event ids kept, the newest */

/* The current key first, then the previous one. */
static const char *const SIGNATURE_KEYS[] = {"events-key-2025", "events-key-2024"};

static char seen[REMEMBER][128];
static size_t seen_next;

static int already_seen(const char *event_id) {
  for (size_t i = 0; i < REMEMBER; i++)
    if (strcmp(seen[i], event_id) == 0) return 1;
  snprintf(seen[seen_next], sizeof seen[0], "%s", event_id);
  seen_next = (seen_next + 1) % REMEMBER;
  return 0;
}

/* The HTTP status to answer a POST of `body` with. */
static int handle(const uint8_t *body, size_t len, const char *signature) {
  ea_error *err = NULL;
  ea_result rc = ea_verify_webhook_signature_keys(SIGNATURE_KEYS, 2, body, len, signature ? signature : "", &err);
  ea_error_free(err);
  if (rc != EA_OK) return 401; /* not from the platform, or signed with a key we no longer hold */
  ea_event_notification *n = NULL;
  if (ea_parse_event_notification(body, len, &n, NULL) != EA_OK) return 400;
  int status = 200; /* a replay or a platform retry: already handled */
  if (!already_seen(ea_event_notification_event_id(n))) {
    const ea_notification_event *e = ea_event_notification_event(n, 0);
    printf("received:  event %s of instance %lld: %s %s %s\n", ea_event_notification_event_id(n),
           (long long)ea_event_notification_instance_id(n), ea_notification_event_object_type(e),
           ea_notification_event_object_id(e), ea_notification_event_event_type(e));
    status = 202;
  }
  ea_event_notification_free(n);
  return status;
}

/* Serves one request on `listener`: its body and signature are kept for the replay below. */
static int serve_one(int listener, char *body, size_t cap, size_t *len, char *signature, size_t sig_cap) {
  int conn = accept(listener, NULL, NULL);
  if (conn < 0) return -1;
  char head[8192];
  size_t used = 0;
  char *end = NULL;
  while (!end && used < sizeof head - 1) {
    ssize_t n = read(conn, head + used, sizeof head - 1 - used);
    if (n <= 0) break;
    used += (size_t)n;
    head[used] = '\0';
    end = strstr(head, "\r\n\r\n");
  }
  int status = 400;
  if (end) {
    *end = '\0';
    size_t length = 0;
    signature[0] = '\0';
    for (char *line = strstr(head, "\r\n"); line; line = strstr(line + 2, "\r\n")) {
      if (strncasecmp(line + 2, "Content-Length:", 15) == 0) length = strtoul(line + 17, NULL, 10);
      if (strncasecmp(line + 2, "Elements-Webhook-Signature:", 27) == 0) {
        const char *v = line + 29;
        while (*v == ' ') v++;
        size_t n = strcspn(v, "\r");
        if (n >= sig_cap) n = sig_cap - 1;
        memcpy(signature, v, n);
        signature[n] = '\0';
      }
    }
    size_t have = used - (size_t)(end + 4 - head);
    if (length < cap) {
      if (have > length) have = length;
      memcpy(body, end + 4, have);
      while (have < length) {
        ssize_t n = read(conn, body + have, length - have);
        if (n <= 0) break;
        have += (size_t)n;
      }
      *len = length;
      status = handle((const uint8_t *)body, length, signature);
    }
  }
  char answer[96];
  int n = snprintf(answer, sizeof answer, "HTTP/1.1 %d X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n", status);
  if (write(conn, answer, (size_t)n) < 0) status = -1;
  close(conn);
  return status;
}

static int fail(const char *step, ea_error *err) {
  fprintf(stderr, "%s failed: %s\n", step, err ? ea_error_message(err) : "see errno");
  ea_error_free(err);
  return 1;
}

int main(void) {
  int status = 1;
  ea_error *err = NULL;
  ea_sandbox *sandbox = NULL;
  ea_client_options *opts = NULL;
  ea_client *client = NULL;
  ea_oauth_url_request *url_request = NULL;
  ea_oauth_url *url = NULL;
  char *landed = NULL;
  ea_grant *grant = NULL;
  ea_events *events = NULL;
  ea_instance_request *request = NULL;
  ea_instance *instance = NULL;
  static char body[65536];
  char signature[128];
  size_t len = 0;

  /* The endpoint: 127.0.0.1 with a free port. */
  int listener = socket(AF_INET, SOCK_STREAM, 0);
  struct sockaddr_in addr = {0};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  socklen_t addr_len = sizeof addr;
  if (listener < 0 || bind(listener, (struct sockaddr *)&addr, sizeof addr) != 0 || listen(listener, 8) != 0 ||
      getsockname(listener, (struct sockaddr *)&addr, &addr_len) != 0) {
    return fail("listen", NULL);
  }
  char events_url[64];
  snprintf(events_url, sizeof events_url, "http://127.0.0.1:%d/events", ntohs(addr.sin_port));

  /* An instance whose events go to the endpoint, signed with the previous key. */
  if (ea_sandbox_start(true, 0, &sandbox, &err) != EA_OK ||
      ea_sandbox_client_options(sandbox, &opts, &err) != EA_OK || ea_client_new(opts, &client, &err) != EA_OK ||
      ea_oauth_url_request_new("dropbox", "my-dropbox-app", "my-dropbox-app-secret", CALLBACK_URL, &url_request,
                               &err) != EA_OK ||
      ea_client_oauth_url(client, url_request, &url, &err) != EA_OK ||
      ea_sandbox_approve(sandbox, ea_oauth_url_url(url), &landed, &err) != EA_OK ||
      ea_parse_callback(landed, ea_oauth_url_state(url), &grant, &err) != EA_OK ||
      ea_instance_request_new("dropbox", ea_grant_code(grant), "My Dropbox", "my-dropbox-app",
                              "my-dropbox-app-secret", CALLBACK_URL, &request, &err) != EA_OK ||
      ea_events_new("webhook", events_url, &events, &err) != EA_OK ||
      ea_events_set_signature_key(events, SIGNATURE_KEYS[1], &err) != EA_OK ||
      ea_instance_request_set_events(request, events, &err) != EA_OK ||
      ea_client_create_instance(client, request, &instance, &err) != EA_OK) {
    status = fail("setup", err);
    goto done;
  }

  /* The sandbox delivers from its own thread; this one answers. */
  uint64_t event_id = 0;
  if (ea_sandbox_trigger_event(sandbox, ea_instance_id(instance), "files", "CREATED", "id:report.pdf", &event_id,
                               &err) != EA_OK) {
    status = fail("trigger", err);
    goto done;
  }
  printf("answered:  %d\n", serve_one(listener, body, sizeof body, &len, signature, sizeof signature));

  /* Someone replays the captured notification: it verifies, and is ignored. */
  printf("replay:    answered %d\n", handle((const uint8_t *)body, len, signature));
  printf("forged:    answered %d\n", handle((const uint8_t *)body, len, "sha256=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="));
  status = 0;

done:
  close(listener);
  ea_instance_free(instance);
  ea_instance_request_free(request);
  ea_events_free(events);
  ea_grant_free(grant);
  ea_string_free(landed);
  ea_oauth_url_free(url);
  ea_oauth_url_request_free(url_request);
  ea_client_free(client);
  ea_client_options_free(opts);
  ea_sandbox_free(sandbox);
  return status;
}
