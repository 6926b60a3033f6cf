package io.authservice.web;

import io.quarkus.vertx.http.ManagementInterface;
import io.vertx.core.http.HttpVersion;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;

/**
 * The management port speaks HTTP/1.1 only, like the API port ({@code quarkus.http.http2=false}):
 * Quarkus applies that setting to the API port alone and has none for the management interface, whose
 * server accepts cleartext HTTP/2 (h2c) with prior knowledge. A request that arrives over HTTP/2
 * closes its connection unanswered, so no probe or scrape is ever served over it.
 */
@Singleton
class ManagementHttp2 {

    void install(@Observes ManagementInterface management) {
        management.router().route().order(Integer.MIN_VALUE).handler(rc -> {
            if (rc.request().version() == HttpVersion.HTTP_2) {
                // Not HTTP_1_1_REQUIRED: clients such as curl would retry over HTTP/1.1 and report a success.
                rc.request().connection().close();
            } else {
                rc.next();
            }
        });
    }
}
