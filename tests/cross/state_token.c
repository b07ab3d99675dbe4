/* The C side of the cross-language state token test (see state_token.rs in core/examples). */
#include "elements_auth.h"
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

static ea_state_signer *signer(const char *id, const char *secret) {
  ea_state_signer *s = NULL;
  ea_error *err = NULL;
  if (ea_state_signer_new(id, (const uint8_t *)secret, strlen(secret), 0, &s, &err) != EA_OK) {
    fprintf(stderr, "%s\n", ea_error_message(err));
    ea_error_free(err);
  }
  return s;
}

int main(int argc, char **argv) {
  int rc = 2;
  if (argc == 6 && strcmp(argv[1], "sign") == 0) {
    ea_state_signer *s = signer(argv[2], argv[3]);
    char *token = NULL;
    if (s && ea_state_signer_sign(s, argv[4], argv[5], &token, NULL) == EA_OK) {
      printf("%s\n", token);
      rc = 0;
    }
    ea_string_free(token);
    ea_state_signer_free(s);
  } else if ((argc == 6 || argc == 8) && strcmp(argv[1], "verify") == 0) {
    ea_state_signer *s = signer(argv[2], argv[3]);
    if (s && argc == 8 && ea_state_signer_add_previous(s, argv[6], (const uint8_t *)argv[7], strlen(argv[7]), NULL))
      ea_state_signer_free(s), s = NULL;
    ea_state_claims *c = NULL;
    ea_error *err = NULL;
    ea_result r = s ? ea_state_signer_verify(s, argv[4], argv[5], &c, &err) : EA_ERR_INVALID_INPUT;
    if (r == EA_OK) {
      printf("{\"element\":\"%s\",\"key_id\":\"%s\",\"issued_at\":%" PRIu64 ",\"expires_at\":%" PRIu64 "}\n",
             ea_state_claims_element(c), ea_state_claims_key_id(c), ea_state_claims_issued_at(c),
             ea_state_claims_expires_at(c));
      rc = 0;
    } else if (s && r != EA_ERR_INVALID_INPUT) {
      const char *m = ea_error_mismatch(err);
      printf("{\"error\":{\"kind\":\"%s\",\"mismatch\":\"%s\"}}\n", ea_result_name((int)r), m ? m : "");
      rc = 0;
    }
    ea_error_free(err);
    ea_state_claims_free(c);
    ea_state_signer_free(s);
  } else {
    fprintf(stderr, "usage: state_token sign|verify ...\n");
  }
  return rc;
}
