package io.authservice.api.http;

import io.authservice.api.RouterErrors;
import io.authservice.api.SourceAddress;
import io.authservice.config.HttpConfig;
import io.authservice.platform.Failure;
import io.authservice.platform.SourceKey;
import io.vertx.core.http.HttpMethod;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Singleton;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Per client source ({@link SourceKey#of}), token buckets in front of the public {@code POST}
 * endpoints: one budget ({@code auth.rate-limit.*}) for those that cost a password hash ({@code
 * /oauth2/token}, {@code /users}, {@code /users/me/password}), another ({@code
 * auth.rate-limit.revoke-introspect.*}) for {@code /oauth2/revoke} and {@code /oauth2/introspect}.
 * On {@code /oauth2/token} and {@code /oauth2/introspect} a request holds its token only while it
 * is served and gives it back when answered with success: their successes are what a gateway or a
 * resource server behind one address sends all day, their failures what guessing sends. Beyond the
 * burst a source gets 429 with {@code Retry-After} before its body is parsed, held back {@code
 * auth.rate-limit.refusal-delay} first: a flood then sends one request per connection and delay
 * instead of thousands a second, whose refusals (and the flooder's own work, on the same machine)
 * would otherwise take the cores that hash everybody else's passwords. In memory, per replica: it
 * bounds what one source costs each replica, not an exact rate across them.
 *
 * <p>The router must not be fooled into skipping the limit by a path that the REST layer later maps
 * to the same resource: a path with matrix parameters ({@code ;}, which RESTEasy strips) is refused
 * outright, and one route sees every request and limits by a canonical form of the path (decoded,
 * dot segments removed, repeated and trailing slashes dropped, lower case), which may only ever
 * count more requests than the resource receives, never fewer.
 */
@Singleton
public class RateLimit {

    /** Beyond this many sources, those whose bucket has refilled are forgotten. */
    private static final int MAX_ADDRESSES = 100_000;

    private static final Set<String> HASHING =
            Set.of("/oauth2/token", "/users", "/users/me/password");
    private static final Set<String> TOKEN_CHECKS = Set.of("/oauth2/revoke", "/oauth2/introspect");
    private static final Set<String> SUCCESS_RETURNS =
            Set.of("/oauth2/token", "/oauth2/introspect");

    private final SourceAddress sourceAddress;
    private final Budget hashing;
    private final Budget tokenChecks;
    private final long refusalDelayMillis;

    RateLimit(SourceAddress sourceAddress, HttpConfig config) {
        this.sourceAddress = sourceAddress;
        this.refusalDelayMillis = config.rateLimit().refusalDelay().toMillis();
        this.hashing =
                new Budget(config.rateLimit().requestsPerSecond(), config.rateLimit().burst());
        this.tokenChecks =
                new Budget(
                        config.rateLimit().revokeIntrospect().requestsPerSecond(),
                        config.rateLimit().revokeIntrospect().burst());
    }

    void install(@Observes Router router) {
        router.route().order(Integer.MIN_VALUE + 1).handler(this::limit);
    }

    private void limit(RoutingContext rc) {
        String raw = rc.request().path();
        if (raw != null
                && (raw.indexOf(';') >= 0 || raw.toLowerCase(Locale.ROOT).contains("%3b"))) {
            RouterErrors.answer(
                    rc,
                    Failure.invalidRequest("matrix parameters (;) are not accepted in the path"));
            return;
        }
        String path =
                rc.request().method() != HttpMethod.POST ? null : canonical(rc.normalizedPath());
        Budget budget = path == null ? null : budgetOf(path);
        if (budget == null) {
            rc.next();
            return;
        }
        String source = SourceKey.of(sourceAddress.of(rc.request()));
        long wait = budget.take(source);
        if (wait == 0) {
            if (SUCCESS_RETURNS.contains(path)) {
                rc.addHeadersEndHandler(
                        ignored -> {
                            if (rc.response().getStatusCode() < 400) {
                                budget.giveBack(source);
                            }
                        });
            }
            rc.next();
            return;
        }
        if (refusalDelayMillis <= 0) {
            refuse(rc, wait);
            return;
        }
        // Nothing of the body is read meanwhile; a client that hangs up is not answered.
        rc.request().pause();
        rc.vertx()
                .setTimer(
                        refusalDelayMillis,
                        ignored -> {
                            if (!rc.response().closed()) {
                                refuse(rc, wait);
                            }
                        });
    }

    private static void refuse(RoutingContext rc, long retryAfter) {
        RouterErrors.answer(
                rc,
                Failure.tooManyRequests(
                        "too many requests from this address; retry later", retryAfter));
    }

    private Budget budgetOf(String path) {
        Budget budget =
                HASHING.contains(path) ? hashing : TOKEN_CHECKS.contains(path) ? tokenChecks : null;
        return budget == null || budget.perSecond <= 0 ? null : budget;
    }

    /**
     * The path as limits compare it: decoded, without repeated or trailing slashes, in lower case.
     */
    static String canonical(String path) {
        String decoded;
        try {
            decoded = URLDecoder.decode(path.replace("+", "%2B"), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException malformed) {
            decoded = path;
        }
        // A loop, not a regular expression: this runs for every request.
        StringBuilder collapsed = new StringBuilder(decoded.length());
        for (int i = 0; i < decoded.length(); i++) {
            char c = decoded.charAt(i);
            if (c != '/'
                    || collapsed.length() == 0
                    || collapsed.charAt(collapsed.length() - 1) != '/') {
                collapsed.append(Character.toLowerCase(c));
            }
        }
        if (collapsed.length() > 1 && collapsed.charAt(collapsed.length() - 1) == '/') {
            collapsed.setLength(collapsed.length() - 1);
        }
        return collapsed.toString();
    }

    /** One token bucket per source. */
    private static final class Budget {
        private final double perSecond;
        private final double burst;
        private final Map<String, Bucket> buckets = new ConcurrentHashMap<>();
        private final AtomicLong lastSweep = new AtomicLong(System.nanoTime());

        Budget(double perSecond, int burst) {
            this.perSecond = perSecond;
            this.burst = Math.max(1, burst);
        }

        /** 0 when the source may go on, otherwise the seconds until it may. */
        long take(String source) {
            long now = System.nanoTime();
            if (buckets.size() > MAX_ADDRESSES) {
                forgetIdle(now);
            }
            return buckets.computeIfAbsent(source, s -> new Bucket(burst, now)).take(now);
        }

        void giveBack(String source) {
            Bucket bucket = buckets.get(source);
            if (bucket != null) {
                bucket.giveBack(System.nanoTime());
            }
        }

        /**
         * Drops the buckets that have refilled, at most once a second: a sweep walks the whole map
         * on the event loop, so a flood of distinct sources must not make every request pay for
         * one. If the map is still over the bound, it starts afresh.
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

            synchronized void giveBack(long now) {
                refill(now);
                tokens = Math.min(burst, tokens + 1);
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
}
