package io.authservice.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;

/** {@code auth.issuer} and the {@code auth.tokens.*} of access tokens. */
@ConfigMapping(prefix = "auth")
public interface TokensConfig {

    /** The absolute issuer URL: {@code iss} of every token and {@code issuer} of the metadata. */
    String issuer();

    Tokens tokens();

    interface Tokens {
        @WithDefault("PT5M")
        Duration accessTokenLifespan();

        /** The JWS {@code typ} header of access tokens: {@code JWT} or {@code at+jwt}. */
        @WithDefault("JWT")
        String accessTokenTyp();

        @WithDefault("api")
        List<String> audience();

        @WithDefault("openid,profile,email")
        List<String> scopes();

        /** Clock skew tolerated when verifying {@code exp} and {@code iat}. */
        @WithDefault("PT30S")
        Duration clockSkew();
    }
}
