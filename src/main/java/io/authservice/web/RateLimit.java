package io.authservice.web;

import io.authservice.config.AuthConfig;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Per client address ({@link ClientAddress}), a token bucket in front of the endpoints that cost
 * a password hash: {@code POST /oauth2/token} and {@code POST /users}. Beyond
 * {@code auth.rate-limit.burst} requests, at {@code auth.rate-limit.requests-per-second}, an address
 * gets 429 with {@code Retry-After} before its body is parsed. In memory, per replica: it bounds
 * what one address costs each replica, not an exact rate across them.
 */
@Singleton
public class RateLimit {

    /** Beyond this many addresses, those whose bucket has refilled are forgotten. */
    private static final int MAX_ADDRESSES = 100_000;

    private final ClientAddress clientAddress;
    private final double perSecond;
    private final double burst;
    private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong lastSweep = new java.util.concurrent.atomic.AtomicLong(System.nanoTime());

    RateLimit(ClientAddress clientAddress, AuthConfig config) {
        this.clientAddress = clientAddress;
        this.perSecond = config.rateLimit().requestsPerSecond();
        this.burst = Math.max(1, config.rateLimit().burst());
    }

    void install(@Observes Router router) {
        if (perSecond <= 0) {
            return;
        }
        for (String path : new String[] {"/oauth2/token", "/users"}) {
            router.route(HttpMethod.POST, path).order(Integer.MIN_VALUE + 1).handler(this::limit);
        }
    }

    private void limit(RoutingContext rc) {
        long now = System.nanoTime();
        if (buckets.size() > MAX_ADDRESSES) {
            forgetIdle(now);
        }
        long wait = buckets.computeIfAbsent(ClientAddress.source(clientAddress.of(rc.request())), address -> new Bucket(burst, now))
                .take(now);
        if (wait == 0) {
            rc.next();
            return;
        }
        rc.response().putHeader(HttpHeaders.RETRY_AFTER, Long.toString(wait));
        RouterErrors.answer(rc, 429, new ErrorBody("too_many_requests",
                "too many requests from this address; retry later"));
    }

    /**
     * Drops the buckets that have refilled, at most once a second: a sweep walks the whole map on the
     * event loop, so a flood of distinct addresses (an IPv6 prefix has plenty) must not make every
     * request pay for one. If the map is still over the bound, it starts afresh.
     */
    private void forgetIdle(long now) {
        long last = lastSweep.get();
        if (now - last < 1_000_000_000L || !lastSweep.compareAndSet(last, now)) {
            return;
        }
        buckets.values().removeIf(bucket -> bucket.full(now));
        if (buckets.size() > MAX_ADDRESSES) {
            buckets.clear();
        }
    }

    private final class Bucket {
        private double tokens;
        private long refilledAt;

        Bucket(double tokens, long now) {
            this.tokens = tokens;
            this.refilledAt = now;
        }

        /** Takes a token: 0 when one was there, otherwise the seconds until one will be. */
        synchronized long take(long now) {
            refill(now);
            if (tokens >= 1) {
                tokens -= 1;
                return 0;
            }
            return Math.max(1, (long) Math.ceil((1 - tokens) / perSecond));
        }

        synchronized boolean full(long now) {
            refill(now);
            return tokens >= burst;
        }

        private void refill(long now) {
            tokens = Math.min(burst, tokens + (now - refilledAt) / 1e9 * perSecond);
            refilledAt = now;
        }
    }
}
