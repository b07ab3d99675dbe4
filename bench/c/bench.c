/* The C side of make bench: this SDK's C API, or libcurl making the same
 * exchange, many times over one keep-alive connection; prints one JSON line
 * {client, op, calls, p50_us, p99_us, calls_per_s}.
 *   bench <ea|curl> <oauth_url|create_instance> <base_url> <calls> <warmup>
 * With BENCH_TURN_IN and BENCH_TURN_OUT (two FIFOs) it takes turns with
 * another bench process, BENCH_BLOCK calls (default 200) per turn. */
#define _POSIX_C_SOURCE 200809L
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <time.h>
#include <unistd.h>
#ifdef BENCH_CURL
#include <curl/curl.h>
#else
#include <elements_auth.h>
#endif

#define CALLBACK "https://app.example.com/cb"

static double now_us(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return (double)t.tv_sec * 1e6 + (double)t.tv_nsec / 1e3;
}

static int cmp(const void *a, const void *b) {
  double x = *(const double *)a, y = *(const double *)b;
  return (x > y) - (x < y);
}

#ifdef BENCH_CURL
static char buffer[65536];
static size_t used;
static size_t keep(char *p, size_t size, size_t n, void *ud) {
  (void)ud;
  size_t len = size * n;
  if (used + len < sizeof buffer) memcpy(buffer + used, p, len), used += len;
  return len;
}
static CURL *curl;
static struct curl_slist *headers;
static char url[1024];
static int create;
static void setup(const char *op, const char *base) {
  curl_global_init(CURL_GLOBAL_DEFAULT);
  curl = curl_easy_init();
  create = strcmp(op, "create_instance") == 0;
  headers = curl_slist_append(NULL, "Accept: application/json");
  if (create) {
    headers = curl_slist_append(headers, "Authorization: User bench-user-secret, Organization bench-org-secret");
    headers = curl_slist_append(headers, "Content-Type: application/json");
    snprintf(url, sizeof url, "%s/instances", base);
  } else {
    snprintf(url, sizeof url, "%s/elements/concur/oauth/url?apiKey=bench-client&apiSecret=bench-secret"
             "&callbackUrl=https%%3A%%2F%%2Fapp.example.com%%2Fcb&siteAddress=https%%3A%%2F%%2Fwww.concursolutions.com"
             "&state=fixed-state", base);
  }
  curl_easy_setopt(curl, CURLOPT_HTTPHEADER, headers);
  curl_easy_setopt(curl, CURLOPT_WRITEFUNCTION, keep);
  curl_easy_setopt(curl, CURLOPT_TCP_NODELAY, 1L);
}
static void call(void) {
  static const char body[] = "{\"element\":{\"key\":\"concur\"},\"providerData\":{\"code\":\"code-123\"},"
    "\"configuration\":{\"oauth.api.key\":\"bench-client\",\"oauth.api.secret\":\"bench-secret\","
    "\"oauth.callback.url\":\"https://app.example.com/cb\",\"filter.response.nulls\":\"true\","
    "\"event.notification.enabled\":\"false\"},\"tags\":[\"bench\"],\"name\":\"bench\"}";
  used = 0;
  curl_easy_setopt(curl, CURLOPT_URL, url);
  if (create) curl_easy_setopt(curl, CURLOPT_POSTFIELDS, body);
  if (curl_easy_perform(curl) != CURLE_OK) exit(1);
}
#else
static ea_client *client;
static int create;
static void setup(const char *op, const char *base) {
  ea_client_options *opts = NULL;
  ea_client_options_new(&opts, NULL);
  ea_client_options_set_base_url(opts, base, NULL);
  ea_client_options_set_user_secret(opts, "bench-user-secret", NULL);
  ea_client_options_set_organization_secret(opts, "bench-org-secret", NULL);
  if (ea_client_new(opts, &client, NULL) != EA_OK) exit(1);
  ea_client_options_free(opts);
  create = strcmp(op, "create_instance") == 0;
}
static void call(void) {
  ea_error *err = NULL;
  if (create) {
    ea_instance_request *req = NULL;
    ea_instance_request_new("concur", "code-123", "bench", "bench-client", "bench-secret", CALLBACK, &req, NULL);
    ea_instance_request_add_tag(req, "bench", NULL);
    ea_instance *inst = NULL;
    if (ea_client_create_instance(client, req, &inst, &err) != EA_OK) exit(1);
    ea_instance_free(inst);
    ea_instance_request_free(req);
  } else {
    ea_oauth_url_request *req = NULL;
    ea_oauth_url_request_new("concur", "bench-client", "bench-secret", CALLBACK, &req, NULL);
    ea_oauth_url_request_set_site_address(req, "https://www.concursolutions.com", NULL);
    ea_oauth_url *url = NULL;
    if (ea_client_oauth_url(client, req, &url, &err) != EA_OK) exit(1);
    ea_oauth_url_free(url);
    ea_oauth_url_request_free(req);
  }
}
#endif

/* The turn-taking with another bench process (-1: none). */
static int turn_in = -1, turn_out = -1;
static long block = 0;
static void turns_open(long calls) {
  const char *in = getenv("BENCH_TURN_IN"), *out = getenv("BENCH_TURN_OUT"), *b = getenv("BENCH_BLOCK");
  block = calls;
  if (!in || !out) return;
  turn_in = open(in, O_RDWR);
  turn_out = open(out, O_RDWR);
  if (turn_in < 0 || turn_out < 0) exit(1);
  block = b ? strtol(b, NULL, 10) : 200;
  if (block < 1) block = 1;
}
static void turn_wait(void) {
  char c;
  if (turn_in >= 0 && read(turn_in, &c, 1) != 1) exit(1);
}
static void turn_pass(void) {
  if (turn_out >= 0 && write(turn_out, "t", 1) != 1) exit(1);
}

int main(int argc, char **argv) {
  if (argc != 6) {
    fprintf(stderr, "usage: bench <client> <op> <base_url> <calls> <warmup>\n");
    return 2;
  }
  long calls = strtol(argv[4], NULL, 10), warmup = strtol(argv[5], NULL, 10);
  setup(argv[2], argv[3]);
  turns_open(calls);
  turn_wait();
  for (long i = 0; i < warmup; i++) call();
  turn_pass();
  double *t = malloc(sizeof(double) * (size_t)calls);
  double total = 0;
  for (long i = 0; i < calls;) {
    turn_wait();
    for (long end = i + block < calls ? i + block : calls; i < end; i++) {
      double a = now_us();
      call();
      t[i] = now_us() - a;
      total += t[i];
    }
    turn_pass();
  }
  qsort(t, (size_t)calls, sizeof(double), cmp);
  printf("{\"client\":\"%s\",\"op\":\"%s\",\"calls\":%ld,\"p50_us\":%.1f,\"p99_us\":%.1f,\"calls_per_s\":%.0f}\n",
         argv[1], argv[2], calls, t[calls / 2], t[calls * 99 / 100], (double)calls / total * 1e6);
  free(t);
  return 0;
}
