// Verifies an access token of the auth service locally with jose: node verify.mjs TOKEN
// (AUTH_ISSUER = the service's issuer). Prints the subject and exits 0, or the reason and exits 1.
import { createRemoteJWKSet, jwtVerify } from 'jose';

const issuer = process.env.AUTH_ISSUER; // e.g. https://auth.example.com
const jwks = createRemoteJWKSet(new URL(`${issuer}/.well-known/jwks.json`), {
  cacheMaxAge: 5 * 60 * 1000,  // auth.keys.jwks-max-age
  cooldownDuration: 30 * 1000, // at most one refetch per 30 s for an unknown kid
});

export async function verify(token) {
  const { payload } = await jwtVerify(token, jwks, {
    issuer,
    audience: 'api',
    algorithms: ['RS256'],
    requiredClaims: ['sub', 'exp', 'iat'],
    clockTolerance: 30,
  });
  return payload;
}

try {
  const claims = await verify(process.argv[2]);
  console.log(`accepted: sub=${claims.sub} preferred_username=${claims.preferred_username}`);
} catch (e) {
  console.log(`rejected: ${e.code ?? e.name}: ${e.message}`);
  process.exitCode = 1;
}
