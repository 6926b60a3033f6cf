package io.authservice.platform.db;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.function.IntSupplier;
import org.jboss.logging.Logger;

/**
 * Closes a database connection once a request on it has waited {@code auth.database.stall-timeout}
 * for its answer: PostgreSQL (or the network to it) stopped answering, and where no request
 * deadline applies (background work) nothing else would free the connection. The wait counts only
 * while an answer is owed, from the write of the request or from the last byte received since: a
 * connection is never judged for having been idle. (Netty's {@code IdleStateHandler}, used before,
 * counted from the last byte received, so a request sent on a connection idle for longer than the
 * timeout looked stalled at once; the periodic reloads, every 5 and 10 s, kept meeting its timer.)
 */
final class StallWatchdog extends ChannelDuplexHandler {

    private static final Logger LOG = Logger.getLogger(StallWatchdog.class);

    /** Requests written and not yet answered. */
    private final IntSupplier owed;

    private final long stallNanos;

    /**
     * When the current wait began: the request's write, or the last byte of an answer still owed.
     */
    private long waitingSince;

    /** Armed only while an answer is owed. */
    private ScheduledFuture<?> timer;

    /** For the connection whose requests owed are {@code owed}; runs on its event loop. */
    StallWatchdog(IntSupplier owed, Duration stall) {
        this.owed = owed;
        this.stallNanos = stall.toNanos();
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise)
            throws Exception {
        // The client counts a request as in flight before writing it; a write that owes nothing
        // (the goodbye on close) starts no wait.
        if (timer == null && owed.getAsInt() > 0) {
            waitingSince = System.nanoTime();
            schedule(ctx, stallNanos);
        }
        super.write(ctx, msg, promise);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        super.channelRead(
                ctx, msg); // the client decodes the answer first, so owed() is current after it
        if (timer != null) {
            if (owed.getAsInt() == 0) {
                disarm();
            } else {
                waitingSince = System.nanoTime();
            }
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        disarm();
        super.channelInactive(ctx);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        disarm();
    }

    private void schedule(ChannelHandlerContext ctx, long delayNanos) {
        timer = ctx.executor().schedule(() -> check(ctx), delayNanos, NANOSECONDS);
    }

    private void check(ChannelHandlerContext ctx) {
        timer = null;
        if (owed.getAsInt() == 0 || !ctx.channel().isActive()) {
            return;
        }
        long waited = System.nanoTime() - waitingSince;
        if (waited < stallNanos) { // bytes came meanwhile: wait for the rest
            schedule(ctx, stallNanos - waited);
            return;
        }
        LOG.warnf(
                "closing a database connection that waited %d ms for an answer",
                NANOSECONDS.toMillis(waited));
        ctx.close();
    }

    private void disarm() {
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }
}
