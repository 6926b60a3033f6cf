# Token introspection (RFC 7662) with curl, as a resource server asks it: source this file, then
# `introspect TOKEN` prints the service's JSON answer. AUTH_ISSUER is the issuer; CLIENT_ID and
# CLIENT_SECRET are the resource server's confidential client (token_endpoint_auth_method
# client_secret_basic). docs/examples/run.sh sources this file and runs it against the service.

form_urlencode() { # RFC 6749 §2.3.1: client id and secret are each form-url-encoded before Basic
  local LC_ALL=C s=$1 out= c i
  for ((i = 0; i < ${#s}; i++)); do
    c=${s:i:1}
    case $c in [A-Za-z0-9._~-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf %s "$out"
}

introspect() { # TOKEN: prints the answer; fails on anything but 200 (401: not a confidential client; 503: could not check)
  local basic
  basic=$(printf %s "$(form_urlencode "$CLIENT_ID"):$(form_urlencode "$CLIENT_SECRET")" | openssl base64 -A)
  # Secret and token go to curl on stdin (-K -), not on its command line, where `ps` would show them.
  curl -sS --fail-with-body -K - "$AUTH_ISSUER/oauth2/introspect" <<EOF
header = "Authorization: Basic $basic"
data-urlencode = "token=$1"
EOF
}
