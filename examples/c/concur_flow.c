/* The whole Concur flow against the embedded sandbox, with libelements_auth:
 *
 *   make install PREFIX=$HOME/.local
 *   export PKG_CONFIG_PATH=$HOME/.local/lib/pkgconfig
 *   cc concur_flow.c $(pkg-config --cflags --libs elements_auth) -o concur_flow
 *   LD_LIBRARY_PATH=$HOME/.local/lib ./concur_flow
 *
 * Against the real platform, build the client from ea_client_options_from_env
 * (ELEMENTS_USER_SECRET, ELEMENTS_ORGANIZATION_SECRET) instead of
 * ea_sandbox_client_options, and send the user to the URL instead of calling
 * ea_sandbox_approve. */
#include <elements_auth.h>
#include <stdio.h>

#define CALLBACK_URL "https://app.example.com/oauth/callback"

/* Prints a failed call's error (never a secret) and frees it. */
static int fail(const char *step, ea_error *err) {
  fprintf(stderr, "%s failed: %s [%s]\n", step, ea_error_message(err), ea_result_name(ea_error_kind(err)));
  if (ea_error_status(err)) fprintf(stderr, "  HTTP %u, request id %s\n", ea_error_status(err),
                                    ea_error_request_id(err) ? ea_error_request_id(err) : "-");
  /* retryable: the same call may simply be made again (never a create that may have happened) */
  if (ea_error_retryable(err)) fprintf(stderr, "  %s may be retried\n", ea_error_operation(err));
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
  char *callback = NULL;
  ea_grant *grant = NULL;
  ea_events *events = NULL;
  ea_instance_request *request = NULL;
  ea_instance *instance = NULL;

  /* The sandbox plays the platform and Concur's consent page on 127.0.0.1. */
  if (ea_sandbox_start(false, 0, &sandbox, &err) != EA_OK) { status = fail("sandbox", err); goto done; }
  printf("sandbox:  %s\n", ea_sandbox_base_url(sandbox));

  /* Options with the sandbox's base URL and secrets already set. */
  if (ea_sandbox_client_options(sandbox, &opts, &err) != EA_OK ||
      ea_client_options_set_timeout_ms(opts, 10000, &err) != EA_OK ||
      ea_client_options_set_user_agent(opts, "concur-flow-example", &err) != EA_OK ||
      ea_client_new(opts, &client, &err) != EA_OK) { status = fail("client", err); goto done; }

  /* 1. The vendor's consent page URL (a random state is generated). */
  if (ea_oauth_url_request_new("concur", "my-concur-app", "my-concur-app-secret", CALLBACK_URL, &url_request,
                               &err) != EA_OK ||
      ea_oauth_url_request_set_site_address(url_request, "https://www.concursolutions.com", &err) != EA_OK ||
      ea_client_oauth_url(client, url_request, &url, &err) != EA_OK) { status = fail("oauth url", err); goto done; }
  printf("step 1:   send the user to %s\n", ea_oauth_url_url(url));

  /* 2. The user clicks Allow; read where the browser lands, checking the state. */
  if (ea_sandbox_approve(sandbox, ea_oauth_url_url(url), &callback, &err) != EA_OK) {
    status = fail("consent", err);
    goto done;
  }
  if (ea_parse_callback(callback, ea_oauth_url_state(url), &grant, &err) != EA_OK) {
    status = fail("callback", err);
    goto done;
  }
  printf("step 2:   callback received, state checked\n");

  /* 3. Create the instance, with polling events every 15 minutes. */
  if (ea_instance_request_new("concur", ea_grant_code(grant), "Concur (example)", "my-concur-app",
                              "my-concur-app-secret", CALLBACK_URL, &request, &err) != EA_OK ||
      ea_events_new("polling", "https://app.example.com/concur/events", &events, &err) != EA_OK ||
      ea_events_set_refresh_interval(events, 15, &err) != EA_OK ||
      ea_events_set_poller_configuration(events, "{\"reports\":{\"url\":\"/hubs/expense/reports\"}}", &err) != EA_OK ||
      ea_instance_request_set_events(request, events, &err) != EA_OK ||
      ea_instance_request_add_tag(request, "example", &err) != EA_OK ||
      ea_client_create_instance(client, request, &instance, &err) != EA_OK) {
    status = fail("create instance", err);
    goto done;
  }
  printf("step 3:   instance %lld \"%s\" created\n", (long long)ea_instance_id(instance), ea_instance_name(instance));
  printf("token:    %s\n", ea_instance_token(instance));
  status = 0;

done:
  ea_instance_free(instance);
  ea_instance_request_free(request);
  ea_events_free(events);
  ea_grant_free(grant);
  ea_string_free(callback);
  ea_oauth_url_free(url);
  ea_oauth_url_request_free(url_request);
  ea_client_free(client);
  ea_client_options_free(opts);
  ea_sandbox_free(sandbox);
  return status;
}
