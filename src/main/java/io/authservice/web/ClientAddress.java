package io.authservice.web;

import io.vertx.core.http.HttpServerRequest;

/** The caller's address for audit lines: the forwarded one behind the ingress. */
public final class ClientAddress {

    private ClientAddress() {}

    public static String of(HttpServerRequest request) {
        return request.remoteAddress() == null ? "-" : request.remoteAddress().host();
    }
}
