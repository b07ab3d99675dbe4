/* The C soak: CALLS calls against an embedded sandbox (a mix of oauth_url,
 * create, get, delete and errors) after a warm-up, reporting the process's
 * RSS before and after as one JSON line. Every handle is freed each round.
 *   soak [calls] [warmup]      (defaults 100000 and 20000) */
#define _POSIX_C_SOURCE 200809L
#include <elements_auth.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#define CALLBACK "https://app.example.com/cb"

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/status", "r");
  char line[256];
  long kib = 0;
  while (f && fgets(line, sizeof line, f))
    if (strncmp(line, "VmRSS:", 6) == 0) kib = strtol(line + 6, NULL, 10);
  if (f) fclose(f);
  return kib;
}

static void must(ea_result rc, ea_error *err, const char *what) {
  if (rc != EA_OK) {
    fprintf(stderr, "%s: %s\n", what, ea_error_message(err));
    exit(1);
  }
}

static int one_round(const ea_client *client, const ea_sandbox *sb) {
  ea_error *err = NULL;
  ea_oauth_url_request *ureq = NULL;
  must(ea_oauth_url_request_new("dropbox", "soak-app", "soak-secret", CALLBACK, &ureq, &err), err, "request");
  ea_oauth_url *url = NULL;
  must(ea_client_oauth_url(client, ureq, &url, &err), err, "oauth_url");
  char *landed = NULL;
  must(ea_sandbox_approve(sb, ea_oauth_url_url(url), &landed, &err), err, "approve");
  ea_grant *grant = NULL;
  must(ea_parse_callback(landed, ea_oauth_url_state(url), &grant, &err), err, "parse_callback");
  ea_instance_request *ireq = NULL;
  must(ea_instance_request_new("dropbox", ea_grant_code(grant), "soak", "soak-app", "soak-secret", CALLBACK,
                               &ireq, &err), err, "instance request");
  ea_instance_request_add_tag(ireq, "soak", NULL);
  ea_instance *inst = NULL;
  must(ea_client_create_instance(client, ireq, &inst, &err), err, "create");
  int64_t id = ea_instance_id(inst);
  ea_instance *got = NULL;
  must(ea_client_get_instance(client, id, &got, &err), err, "get");
  must(ea_client_delete_instance(client, id, &err), err, "delete");
  ea_instance *gone = NULL;
  if (ea_client_get_instance(client, id, &gone, &err) != EA_ERR_API) exit(2);
  ea_error_free(err);
  err = NULL;
  ea_oauth_url_request *bad = NULL;
  ea_oauth_url_request_new("dropbox", "", "soak-secret", CALLBACK, &bad, NULL);
  ea_oauth_url *none = NULL;
  if (ea_client_oauth_url(client, bad, &none, &err) != EA_ERR_INVALID_INPUT) exit(3);
  ea_error_free(err);
  ea_oauth_url_request_free(bad);
  ea_instance_free(got);
  ea_instance_free(inst);
  ea_instance_request_free(ireq);
  ea_grant_free(grant);
  ea_string_free(landed);
  ea_oauth_url_free(url);
  ea_oauth_url_request_free(ureq);
  return 6;
}

int main(int argc, char **argv) {
  long calls = argc > 1 ? strtol(argv[1], NULL, 10) : 100000;
  long warmup = argc > 2 ? strtol(argv[2], NULL, 10) : 20000;
  ea_error *err = NULL;
  ea_sandbox_options *sopts = NULL;
  must(ea_sandbox_options_new(&sopts, &err), err, "sandbox options");
  ea_sandbox_options_set_code_ttl_ms(sopts, 100, NULL);
  ea_sandbox_options_set_request_log_limit(sopts, 100, NULL);
  ea_sandbox *sb = NULL;
  must(ea_sandbox_start_with(sopts, &sb, &err), err, "sandbox");
  ea_client_options *copts = NULL;
  must(ea_sandbox_client_options(sb, &copts, &err), err, "client options");
  ea_client_options_set_max_retries(copts, 0, NULL);
  ea_client *client = NULL;
  must(ea_client_new(copts, &client, &err), err, "client");
  long done = 0;
  while (done < warmup) done += one_round(client, sb);
  long before = rss_kib();
  struct timespec t0, t1;
  clock_gettime(CLOCK_MONOTONIC, &t0);
  done = 0;
  while (done < calls) done += one_round(client, sb);
  long after = rss_kib();
  clock_gettime(CLOCK_MONOTONIC, &t1);
  double seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
  printf("{\"language\":\"c\",\"calls\":%ld,\"seconds\":%.1f,\"rss_start_kib\":%ld,\"rss_end_kib\":%ld,\"rss_growth_kib\":%ld}\n",
         done, seconds, before, after, after - before);
  ea_client_free(client);
  ea_client_options_free(copts);
  ea_sandbox_free(sb);
  ea_sandbox_options_free(sopts);
  return 0;
}
