package io.authservice.keys;

import io.authservice.keys.SigningKey.KeyState;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.interfaces.RSAPrivateCrtKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.jose4j.jwk.PublicJsonWebKey;
import org.jose4j.lang.JoseException;

/**
 * Signing keys from files, as mounted from a Kubernetes Secret: one file per key, named {@code
 * <kid>.<state>.jwk} (a private JWK with {@code alg}) or {@code <kid>.<state>.pem} (PKCS#8 {@code
 * PRIVATE KEY}, plus its {@code PUBLIC KEY} block for EC and Ed25519 keys), where state is {@code
 * active}, {@code next} or {@code retired}. Exactly one key must be active.
 */
final class KeyFiles {

    private static final Pattern NAME =
            Pattern.compile("([A-Za-z0-9_-]{1,128})\\.(active|next|retired)\\.(jwk|json|pem)");
    private static final Pattern PEM =
            Pattern.compile("-----BEGIN ([A-Z ]+)-----([^-]+)-----END \\1-----");

    private KeyFiles() {}

    static List<SigningKey> load(Path dir, String rsaAlgorithm) {
        List<SigningKey> keys = new ArrayList<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path file : files.sorted().toList()) {
                Matcher name = NAME.matcher(file.getFileName().toString());
                if (name.matches() && Files.isRegularFile(file)) {
                    keys.add(
                            read(
                                    file,
                                    name.group(1),
                                    KeyState.valueOf(name.group(2).toUpperCase(Locale.ROOT)),
                                    name.group(3),
                                    rsaAlgorithm));
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException(
                    "cannot read key files in " + dir + ": " + e.getMessage(), e);
        }
        long active = keys.stream().filter(k -> k.state() == KeyState.ACTIVE).count();
        if (active != 1) {
            throw new IllegalStateException(
                    dir + " must hold exactly one <kid>.active.(jwk|pem) file, not " + active);
        }
        return keys;
    }

    private static SigningKey read(
            Path file, String kid, KeyState state, String type, String rsaAlgorithm) {
        try {
            String text = Files.readString(file, StandardCharsets.US_ASCII);
            SigningKey.Dates dates =
                    new SigningKey.Dates(
                            Files.getLastModifiedTime(file).toInstant(), null, null, null, null);
            if (type.equals("pem")) {
                PrivateKey privateKey = null;
                byte[] publicDer = null;
                Matcher block = PEM.matcher(text);
                while (block.find()) {
                    byte[] der = Base64.getMimeDecoder().decode(block.group(2));
                    switch (block.group(1)) {
                        case "PRIVATE KEY" -> privateKey = privateKey(der);
                        case "PUBLIC KEY" -> publicDer = der;
                        default ->
                                throw new IllegalStateException(
                                        file + ": unexpected PEM block " + block.group(1));
                    }
                }
                if (privateKey == null) {
                    throw new IllegalStateException(file + " has no PKCS#8 PRIVATE KEY block");
                }
                PublicKey publicKey = publicKey(privateKey, publicDer, file);
                String algorithm =
                        switch (privateKey.getAlgorithm()) {
                            case "RSA" -> rsaAlgorithm;
                            case "EC" -> "ES256";
                            default -> "EdDSA";
                        };
                return KeyGenerator.describe(algorithm, state, publicKey, privateKey, dates, kid);
            }
            PublicJsonWebKey jwk = PublicJsonWebKey.Factory.newPublicJwk(text);
            if (jwk.getPrivateKey() == null || jwk.getAlgorithm() == null) {
                throw new IllegalStateException(file + " must be a private JWK with an alg");
            }
            return KeyGenerator.describe(
                    jwk.getAlgorithm(), state, jwk.getPublicKey(), jwk.getPrivateKey(), dates, kid);
        } catch (IOException
                | GeneralSecurityException
                | JoseException
                | IllegalArgumentException e) {
            throw new IllegalStateException(
                    "cannot read signing key " + file + ": " + e.getMessage(), e);
        }
    }

    private static PrivateKey privateKey(byte[] pkcs8) throws GeneralSecurityException {
        for (String type : List.of("RSA", "EC", "Ed25519")) {
            try {
                return KeyFactory.getInstance(type).generatePrivate(new PKCS8EncodedKeySpec(pkcs8));
            } catch (GeneralSecurityException notThisType) {
                // try the next type
            }
        }
        throw new GeneralSecurityException("not an RSA, EC or Ed25519 PKCS#8 key");
    }

    private static PublicKey publicKey(PrivateKey privateKey, byte[] publicDer, Path file)
            throws GeneralSecurityException {
        KeyFactory factory = KeyFactory.getInstance(privateKey.getAlgorithm());
        if (publicDer != null) {
            return factory.generatePublic(new X509EncodedKeySpec(publicDer));
        }
        if (privateKey instanceof RSAPrivateCrtKey rsa) {
            return factory.generatePublic(
                    new RSAPublicKeySpec(rsa.getModulus(), rsa.getPublicExponent()));
        }
        throw new IllegalStateException(
                file
                        + ": an EC or Ed25519 key needs its PUBLIC KEY block too"
                        + " (append the output of `openssl pkey -in key.pem -pubout`)");
    }
}
