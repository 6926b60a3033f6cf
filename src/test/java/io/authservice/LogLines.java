package io.authservice;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * The lines a logger, and every logger below it, wrote while some code ran (formatted, without
 * level or time).
 */
public final class LogLines {

    private LogLines() {}

    public interface Call {
        Object run() throws Exception;
    }

    public static List<String> of(String logger, Call call) throws Exception {
        List<String> lines = new ArrayList<>();
        Handler handler =
                new Handler() {
                    @Override
                    public synchronized void publish(LogRecord record) {
                        lines.add(
                                record.getParameters() == null
                                        ? record.getMessage()
                                        : String.format(
                                                record.getMessage(), record.getParameters()));
                    }

                    @Override
                    public void flush() {}

                    @Override
                    public void close() {}
                };
        Logger target = Logger.getLogger(logger);
        target.addHandler(handler);
        try {
            call.run();
        } finally {
            target.removeHandler(handler);
        }
        synchronized (handler) {
            return List.copyOf(lines);
        }
    }
}
