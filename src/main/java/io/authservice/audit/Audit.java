package io.authservice.audit;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.inject.Singleton;
import java.util.UUID;
import org.jboss.logging.Logger;

/**
 * Security events: one line each on the {@code audit} logger (JSON in production) and a count in
 * the metrics. Who, which client, from where, what happened; never a password, token or hash.
 */
@Singleton
public class Audit {

    private static final Logger LOG = Logger.getLogger("audit");
    private static final java.util.regex.Pattern SAFE = java.util.regex.Pattern.compile("[A-Za-z0-9._:@/+\\-]+");

    private final MeterRegistry metrics;

    Audit(MeterRegistry metrics) {
        this.metrics = metrics;
    }

    /** A password-grant attempt: {@code success}, {@code failure}, {@code disabled} or {@code throttled}. */
    public void login(String outcome, UUID userId, String clientId, String source) {
        metrics.counter("auth.logins", "outcome", outcome).increment();
        LOG.infof("event=login outcome=%s user=%s client=%s source=%s", field(outcome), id(userId), field(clientId),
                field(source));
    }

    /** A refresh-token grant: {@code success} or {@code failure}. */
    public void refresh(String outcome, UUID userId, String clientId, String source) {
        metrics.counter("auth.refreshes", "outcome", outcome).increment();
        LOG.infof("event=refresh outcome=%s user=%s client=%s source=%s", field(outcome), id(userId), field(clientId),
                field(source));
    }

    /** A spent refresh token presented again: its family is revoked. */
    public void reuseDetected(UUID familyId, UUID userId) {
        metrics.counter("auth.refresh.reuse").increment();
        LOG.warnf("event=refresh_reuse outcome=family_revoked user=%s family=%s", id(userId), familyId);
    }

    /** Sessions ended: {@code reason} is revoked, password_changed, key_withdrawn… */
    public void revocation(String reason, UUID userId, int sessions, String source) {
        metrics.counter("auth.revocations", "reason", reason).increment(Math.max(sessions, 0));
        LOG.infof("event=revocation reason=%s user=%s sessions=%d source=%s", field(reason), id(userId), sessions,
                field(source));
    }

    public void passwordChange(String outcome, UUID userId, String source) {
        metrics.counter("auth.password.changes", "outcome", outcome).increment();
        LOG.infof("event=password_change outcome=%s user=%s source=%s", field(outcome), id(userId), field(source));
    }

    /**
     * A value as one token of the line: as it is when it holds only safe characters, otherwise quoted
     * with quotes, backslashes and control or format characters escaped, so no value a client chose
     * can end the line or pose as another field.
     */
    static String field(String value) {
        if (value == null) {
            return "-";
        }
        if (SAFE.matcher(value).matches()) {
            return value;
        }
        StringBuilder quoted = new StringBuilder(value.length() + 2).append('"');
        value.chars().forEach(c -> {
            if (c == '"' || c == '\\') {
                quoted.append('\\').append((char) c);
            } else if (Character.isISOControl(c) || Character.getType(c) == Character.FORMAT
                    || Character.getType(c) == Character.LINE_SEPARATOR || Character.getType(c) == Character.PARAGRAPH_SEPARATOR
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
