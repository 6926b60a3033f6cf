// Verifies an access token of the auth service locally with golang-jwt: verify TOKEN
// (AUTH_ISSUER = the service's issuer). Prints the subject and exits 0, or the reason and exits 1.
package main

import (
	"crypto/rsa"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/http"
	"os"
	"sync"
	"time"

	"github.com/golang-jwt/jwt/v4"
)

// Claims are the access token's claims that this service reads.
type Claims struct {
	jwt.RegisteredClaims
	ClientID          string   `json:"client_id"`
	Scope             string   `json:"scope"`
	Groups            []string `json:"groups"`
	PreferredUsername string   `json:"preferred_username"`
	SessionID         string   `json:"sid"`
}

// JWKS caches the service's published RSA keys by kid: for maxAge (auth.keys.jwks-max-age), and
// refetched when a token names a kid it does not hold, at most once per minRefetch.
type JWKS struct {
	URL        string
	maxAge     time.Duration
	minRefetch time.Duration
	mu         sync.Mutex
	keys       map[string]*rsa.PublicKey
	fetched    time.Time
}

func NewJWKS(url string) *JWKS {
	return &JWKS{URL: url, maxAge: 5 * time.Minute, minRefetch: 30 * time.Second}
}

// Keyfunc is a jwt.Keyfunc: the key named by the token's kid, from the trusted JWKS only.
func (s *JWKS) Keyfunc(t *jwt.Token) (interface{}, error) {
	kid, _ := t.Header["kid"].(string)
	s.mu.Lock()
	defer s.mu.Unlock()
	key, ok := s.keys[kid]
	stale := time.Since(s.fetched) > s.maxAge
	if stale || (!ok && time.Since(s.fetched) > s.minRefetch) {
		if err := s.fetch(); err != nil && s.keys == nil {
			return nil, err
		}
		key, ok = s.keys[kid]
	}
	if !ok {
		return nil, fmt.Errorf("no published key with kid %q", kid)
	}
	return key, nil
}

func (s *JWKS) fetch() error {
	client := http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get(s.URL)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("JWKS: HTTP %d", resp.StatusCode)
	}
	var set struct {
		Keys []struct {
			Kty, Kid, Use, Alg, N, E string
		} `json:"keys"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&set); err != nil {
		return err
	}
	keys := map[string]*rsa.PublicKey{}
	for _, k := range set.Keys {
		if k.Kty != "RSA" || k.Alg != "RS256" || k.Use != "sig" {
			continue
		}
		n, errN := base64.RawURLEncoding.DecodeString(k.N)
		e, errE := base64.RawURLEncoding.DecodeString(k.E)
		if errN != nil || errE != nil {
			continue
		}
		keys[k.Kid] = &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(e).Int64())}
	}
	s.keys, s.fetched = keys, time.Now()
	return nil
}

var (
	issuer   = os.Getenv("AUTH_ISSUER") // e.g. https://auth.example.com
	audience = "api"
	skew     = 30 * time.Second
	jwks     = NewJWKS(issuer + "/.well-known/jwks.json")
	// Only RS256; the time checks are below, with the clock skew (v4 has no leeway option).
	parser = jwt.NewParser(jwt.WithValidMethods([]string{"RS256"}), jwt.WithoutClaimsValidation())
)

func Verify(token string) (*Claims, error) {
	claims := &Claims{}
	if _, err := parser.ParseWithClaims(token, claims, jwks.Keyfunc); err != nil {
		return nil, err
	}
	now := time.Now()
	switch {
	case !claims.VerifyIssuer(issuer, true):
		return nil, errors.New("wrong issuer")
	case !claims.VerifyAudience(audience, true):
		return nil, errors.New("wrong audience")
	case !claims.VerifyExpiresAt(now.Add(-skew), true):
		return nil, errors.New("expired")
	case !claims.VerifyIssuedAt(now.Add(skew), true), !claims.VerifyNotBefore(now.Add(skew), false):
		return nil, errors.New("issued in the future")
	case claims.Subject == "":
		return nil, errors.New("no subject")
	}
	return claims, nil
}

func main() {
	claims, err := Verify(os.Args[1])
	if err != nil {
		fmt.Printf("rejected: %v\n", err)
		os.Exit(1)
	}
	fmt.Printf("accepted: sub=%s preferred_username=%s\n", claims.Subject, claims.PreferredUsername)
}
