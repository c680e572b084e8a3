package io.embedgate.testing;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import org.jboss.logmanager.ExtLogRecord;

/**
 * The lines one logger writes while open, formatted. JBoss LogManager (the test JVM's log manager,
 * and Quarkus') is a java.util.logging manager, so a handler on the category sees every record.
 */
public final class LogCapture implements AutoCloseable {

    /** One captured line. */
    public record Line(Level level, String message) {
    }

    private final Logger logger;
    private final List<Line> lines = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {

        @Override
        public void publish(LogRecord r) {
            String message = r instanceof ExtLogRecord e ? e.getFormattedMessage() : r.getMessage();
            lines.add(new Line(r.getLevel(), message));
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    private LogCapture(String category) {
        this.logger = Logger.getLogger(category);
        handler.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    public static LogCapture of(String category) {
        return new LogCapture(category);
    }

    public List<Line> lines() {
        return List.copyOf(lines);
    }

    /** Lines at WARNING or above. */
    public List<String> warnings() {
        return lines.stream().filter(l -> l.level().intValue() >= Level.WARNING.intValue()).map(Line::message).toList();
    }

    /** Lines below WARNING. */
    public List<String> infos() {
        return lines.stream().filter(l -> l.level().intValue() < Level.WARNING.intValue()).map(Line::message).toList();
    }

    @Override
    public void close() {
        logger.removeHandler(handler);
    }
}
