"""Verifies an access token of the auth service locally with PyJWT: python3 verify.py TOKEN
(AUTH_ISSUER = the service's issuer). Prints the subject and exits 0, or the reason and exits 1."""
import os
import sys

import jwt

ISSUER = os.environ["AUTH_ISSUER"]  # e.g. https://auth.example.com
jwks = jwt.PyJWKClient(f"{ISSUER}/.well-known/jwks.json", cache_jwk_set=True, lifespan=300)


def verify(token):
    signing_key = jwks.get_signing_key_from_jwt(token)
    return jwt.decode(
        token,
        signing_key.key,
        algorithms=["RS256"],
        issuer=ISSUER,
        audience="api",
        leeway=30,
        options={"require": ["iss", "sub", "aud", "exp", "iat"]},
    )


if __name__ == "__main__":
    try:
        claims = verify(sys.argv[1])
    except jwt.PyJWTError as e:
        print(f"rejected: {type(e).__name__}: {e}")
        sys.exit(1)
    print(f"accepted: sub={claims['sub']} preferred_username={claims.get('preferred_username')}")
