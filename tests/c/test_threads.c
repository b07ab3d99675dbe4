/* One client shared by 8 threads, each running the whole flow and creating instances. */
#include "harness.h"
#include <pthread.h>
#include <stdlib.h>

#define THREADS 8
#define PER_THREAD 2

typedef struct {
  const ea_client *client;
  const ea_sandbox *sb;
  int index;
  int created;
  int64_t ids[PER_THREAD];
} worker;

static void *run(void *arg) {
  worker *w = arg;
  for (int i = 0; i < PER_THREAD; i++) {
    char state[32];
    snprintf(state, sizeof state, "t%d-%d", w->index, i);
    ea_oauth_url *url = concur_url(w->client, state);
    char *callback = NULL;
    ea_grant *grant = NULL;
    ea_instance *inst = NULL;
    ea_instance_request *req = NULL;
    if (url && ea_sandbox_approve(w->sb, ea_oauth_url_url(url), &callback, NULL) == EA_OK &&
        ea_parse_callback(callback, state, &grant, NULL) == EA_OK) {
      req = concur_request(ea_grant_code(grant));
      if (ea_client_create_instance(w->client, req, &inst, NULL) == EA_OK && ea_instance_token(inst)) {
        w->ids[w->created++] = ea_instance_id(inst);
      }
    }
    ea_instance_free(inst);
    ea_instance_request_free(req);
    ea_grant_free(grant);
    ea_string_free(callback);
    ea_oauth_url_free(url);
  }
  return NULL;
}

void test_threads(void) {
  case_begin("threads: 8 threads share one client and each create instances");
  ea_sandbox *sb = NULL;
  ea_error *err = NULL;
  report_unexpected(ea_sandbox_start(true, 0, &sb, &err), err, __FILE__, __LINE__);
  ea_client *client = sandbox_client(sb, 10000, 2);
  pthread_t threads[THREADS];
  worker workers[THREADS];
  for (int i = 0; i < THREADS; i++) {
    workers[i] = (worker){client, sb, i, 0, {0}};
    CHECK(pthread_create(&threads[i], NULL, run, &workers[i]) == 0);
  }
  for (int i = 0; i < THREADS; i++) pthread_join(threads[i], NULL);
  int total = 0;
  for (int i = 0; i < THREADS; i++) {
    CHECK(workers[i].created == PER_THREAD);
    total += workers[i].created;
  }
  /* every id distinct, and the platform lists them all */
  for (int a = 0; a < THREADS * PER_THREAD; a++)
    for (int b = a + 1; b < THREADS * PER_THREAD; b++) {
      const worker *wa = &workers[a / PER_THREAD], *wb = &workers[b / PER_THREAD];
      CHECK(wa->ids[a % PER_THREAD] != wb->ids[b % PER_THREAD]);
    }
  ea_instance_list *list = NULL;
  err = NULL;
  report_unexpected(ea_client_list_instances(client, &list, &err), err, __FILE__, __LINE__);
  CHECK(ea_instance_list_len(list) == (size_t)total);
  CHECK(total == THREADS * PER_THREAD);
  ea_instance_list_free(list);
  ea_client_free(client);
  ea_sandbox_free(sb);
  case_end();
}
