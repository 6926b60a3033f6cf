package io.authservice.platform;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.config.MeterFilter;
import io.quarkus.runtime.Startup;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.jboss.logging.Logger;

/**
 * Security events: one line each on the {@code audit} logger (JSON in production) and a count in
 * the metrics. Who, which client, from where, what happened; never a password, token or hash.
 */
@Singleton
@Startup
public class Audit {

    private static final Logger LOG = Logger.getLogger("audit");
    private static final java.util.regex.Pattern SAFE =
            java.util.regex.Pattern.compile("[A-Za-z0-9._:@/+\\-]+");

    // Every counter with its HELP text, and each known outcome registered at zero from the start,
    // so
    // that rates and alerts see a series before its first event.
    static final String LOGINS = "auth.logins";
    static final String REFRESHES = "auth.refreshes";
    static final String REUSE = "auth.refresh.reuse";
    static final String REVOCATIONS = "auth.revocations";
    static final String PASSWORD_CHANGES = "auth.password.changes";
    static final List<String> LOGIN_OUTCOMES =
            List.of("success", "failure", "disabled", "throttled");
    static final List<String> REFRESH_OUTCOMES = List.of("success", "retry", "failure");
    static final List<String> REVOCATION_REASONS =
            List.of(
                    "revoked",
                    "password_changed",
                    "key_withdrawn",
                    "user_disabled",
                    "roles_changed",
                    "user_deleted",
                    "admin_revoked");
    static final List<String> PASSWORD_CHANGE_OUTCOMES = List.of("success", "failure");

    private final MeterRegistry metrics;
    // Resolved once: a registry lookup per event builds an id and hashes its tags.
    private final Map<String, Counter> logins = new ConcurrentHashMap<>();
    private final Map<String, Counter> refreshes = new ConcurrentHashMap<>();
    private final Counter reuse;
    private final Map<String, Counter> revocations = new ConcurrentHashMap<>();
    private final Map<String, Counter> passwordChanges = new ConcurrentHashMap<>();

    Audit(MeterRegistry metrics) {
        this.metrics = metrics;
        LOGIN_OUTCOMES.forEach(outcome -> loginCounter(outcome));
        REFRESH_OUTCOMES.forEach(outcome -> refreshCounter(outcome));
        reuse = counter(REUSE, "Spent refresh tokens presented again: each ends its session");
        REVOCATION_REASONS.forEach(reason -> revocationCounter(reason));
        PASSWORD_CHANGE_OUTCOMES.forEach(outcome -> passwordChangeCounter(outcome));
    }

    /**
     * HELP text without double quotes. OpenMetrics escapes them ({@code \"}), which is valid there
     * but which the text-format parsers (promtool's among them) refuse; Micrometer's CPU meters
     * have some.
     */
    @Produces
    @Singleton
    static MeterFilter helpWithoutQuotes() {
        return new MeterFilter() {
            @Override
            public Meter.Id map(Meter.Id id) {
                String description = id.getDescription();
                return description == null || description.indexOf('"') < 0
                        ? id
                        : new Meter.Id(
                                id.getName(),
                                Tags.of(id.getTagsAsIterable()),
                                id.getBaseUnit(),
                                description.replace('"', '\''),
                                id.getType());
            }
        };
    }

    private Counter loginCounter(String outcome) {
        return logins.computeIfAbsent(
                outcome, o -> counter(LOGINS, "Password-grant attempts by outcome", "outcome", o));
    }

    private Counter refreshCounter(String outcome) {
        return refreshes.computeIfAbsent(
                outcome,
                o ->
                        counter(
                                REFRESHES,
                                "Refresh-token grants by outcome (retry: a spent token retried within the retry window)",
                                "outcome",
                                o));
    }

    private Counter revocationCounter(String reason) {
        return revocations.computeIfAbsent(
                reason, r -> counter(REVOCATIONS, "Sessions ended, by reason", "reason", r));
    }

    private Counter passwordChangeCounter(String outcome) {
        return passwordChanges.computeIfAbsent(
                outcome,
                o -> counter(PASSWORD_CHANGES, "Password changes by outcome", "outcome", o));
    }

    private Counter counter(String name, String help, String... tags) {
        return Counter.builder(name).description(help).tags(tags).register(metrics);
    }

    /**
     * A password-grant attempt: {@code success}, {@code failure}, {@code disabled} or {@code
     * throttled}.
     */
    public void login(String outcome, UUID userId, String clientId, String source) {
        loginCounter(outcome).increment();
        LOG.infof(
                "event=login outcome=%s user=%s client=%s source=%s",
                field(outcome), id(userId), field(clientId), field(source));
    }

    /** A refresh-token grant: {@code success}, {@code retry} or {@code failure}. */
    public void refresh(String outcome, UUID userId, String clientId, String source) {
        refreshCounter(outcome).increment();
        LOG.infof(
                "event=refresh outcome=%s user=%s client=%s source=%s",
                field(outcome), id(userId), field(clientId), field(source));
    }

    /** A spent refresh token presented again: its session is revoked. */
    public void reuseDetected(UUID sessionId, UUID userId) {
        reuse.increment();
        // The event's fields are what log pipelines match on: unchanged.
        LOG.warnf(
                "event=refresh_reuse outcome=family_revoked user=%s family=%s",
                id(userId), sessionId);
    }

    /** Sessions ended: {@code reason} is revoked, password_changed, key_withdrawn… */
    public void revocation(String reason, UUID userId, int sessions, String source) {
        revocationCounter(reason).increment(Math.max(sessions, 0));
        LOG.infof(
                "event=revocation reason=%s user=%s sessions=%d source=%s",
                field(reason), id(userId), sessions, field(source));
    }

    public void passwordChange(String outcome, UUID userId, String source) {
        passwordChangeCounter(outcome).increment();
        LOG.infof(
                "event=password_change outcome=%s user=%s source=%s",
                field(outcome), id(userId), field(source));
    }

    /**
     * A value as one token of the line: as it is when it holds only safe characters, otherwise
     * quoted with quotes, backslashes and control or format characters escaped, so no value a
     * client chose can end the line or pose as another field.
     */
    static String field(String value) {
        if (value == null) {
            return "-";
        }
        if (SAFE.matcher(value).matches()) {
            return value;
        }
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        value.chars()
                .forEach(
                        c -> {
                            if (c == '"' || c == '\\') {
                                quoted.append('\\').append((char) c);
                            } else if (Character.isISOControl(c)
                                    || Character.getType(c) == Character.FORMAT
                                    || Character.getType(c) == Character.LINE_SEPARATOR
                                    || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
                                    || Character.isSurrogate((char) c)) {
                                quoted.append(String.format("\\u%04x", c));
                            } else {
                                quoted.append((char) c);
                            }
                        });
        return quoted.append('"').toString();
    }

    private static String id(UUID userId) {
        return userId == null ? "-" : userId.toString();
    }
}
