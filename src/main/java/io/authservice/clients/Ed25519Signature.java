package io.authservice.clients;

import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.EdECKey;
import org.jose4j.jwa.AlgorithmFactoryFactory;
import org.jose4j.jws.BaseSignatureAlgorithm;
import org.jose4j.lang.InvalidKeyException;

/**
 * The JWS algorithm {@code Ed25519} (RFC 9864): EdDSA with the Ed25519 curve only, the name that
 * replaces the curve-agnostic {@code EdDSA}. jose4j 0.9.6 knows only {@code EdDSA}.
 */
final class Ed25519Signature extends BaseSignatureAlgorithm {

    static final String NAME = "Ed25519";

    private Ed25519Signature() {
        super(NAME, "Ed25519", "OKP");
    }

    /** Makes jose4j verify {@code alg: Ed25519}; once per JVM is enough, more does no harm. */
    static void register() {
        AlgorithmFactoryFactory.getInstance()
                .getJwsAlgorithmFactory()
                .registerAlgorithm(new Ed25519Signature());
    }

    @Override
    public void validatePublicKey(PublicKey key) throws InvalidKeyException {
        ed25519(key);
    }

    @Override
    public void validatePrivateKey(PrivateKey key) throws InvalidKeyException {
        ed25519(key);
    }

    private static void ed25519(java.security.Key key) throws InvalidKeyException {
        if (!(key instanceof EdECKey ed) || !NAME.equalsIgnoreCase(ed.getParams().getName())) {
            throw new InvalidKeyException("an Ed25519 key is needed for " + NAME);
        }
    }
}
