package io.authservice.keys;

import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import org.jose4j.jwk.JsonWebKey;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/** Makes new signing keys; the {@code kid} is the key's RFC 7638 thumbprint. */
final class KeyGenerator {

    private KeyGenerator() {}

    static SigningKey generate(String algorithm, SigningKey.KeyState state) {
        try {
            KeyPair pair =
                    switch (algorithm) {
                        case "RS256", "PS256" -> pair("RSA", 2048);
                        case "ES256" -> {
                            KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
                            generator.initialize(new ECGenParameterSpec("secp256r1"));
                            yield generator.generateKeyPair();
                        }
                        case "EdDSA" -> KeyPairGenerator.getInstance("Ed25519").generateKeyPair();
                        default ->
                                throw new IllegalArgumentException(
                                        "unsupported signing algorithm "
                                                + algorithm
                                                + " (RS256, PS256, ES256 or EdDSA)");
                    };
            return describe(
                    algorithm,
                    state,
                    pair.getPublic(),
                    pair.getPrivate(),
                    SigningKey.Dates.createdNow(),
                    null);
        } catch (GeneralSecurityException | JoseException e) {
            throw new IllegalStateException("could not generate a " + algorithm + " key", e);
        }
    }

    /** Builds the in-memory key with its public JWK; {@code kid} null means its thumbprint. */
    static SigningKey describe(
            String algorithm,
            SigningKey.KeyState state,
            PublicKey publicKey,
            PrivateKey privateKey,
            SigningKey.Dates dates,
            String kid)
            throws JoseException {
        PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(publicKey);
        jwk.setKeyId(kid != null ? kid : jwk.calculateBase64urlEncodedThumbprint("SHA-256"));
        jwk.setUse("sig");
        jwk.setAlgorithm(algorithm);
        String json = jwk.toJson(JsonWebKey.OutputControlLevel.PUBLIC_ONLY);
        return new SigningKey(jwk.getKeyId(), algorithm, state, publicKey, privateKey, json, dates);
    }

    private static KeyPair pair(String type, int bits) throws GeneralSecurityException {
        KeyPairGenerator generator = KeyPairGenerator.getInstance(type);
        generator.initialize(bits);
        return generator.generateKeyPair();
    }
}
