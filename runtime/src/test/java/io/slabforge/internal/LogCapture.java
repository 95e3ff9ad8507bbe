package io.slabforge.internal;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

/**
 * What the runtime logs to {@code System.Logger "io.slabforge"} (JUL, the default backend), captured instead of
 * printed; and waiting for the garbage collector and the cleaner thread.
 */
final class LogCapture extends Handler implements AutoCloseable {
    /** JUL holds loggers weakly: this keeps the configured one. */
    private static final Logger LOGGER = Logger.getLogger("io.slabforge");
    private final List<LogRecord> records = new ArrayList<>();

    LogCapture() {
        LOGGER.addHandler(this);
        LOGGER.setUseParentHandlers(false);
    }

    @Override
    public synchronized void publish(LogRecord record) {
        records.add(record);
    }

    synchronized List<LogRecord> records() {
        return new ArrayList<>(records);
    }

    /** Messages logged at WARNING that contain {@code text}. */
    synchronized List<LogRecord> warnings(String text) {
        return records.stream().filter(r -> r.getLevel() == Level.WARNING && r.getMessage().contains(text)).toList();
    }

    @Override
    public void flush() {}

    @Override
    public void close() {
        LOGGER.removeHandler(this);
        LOGGER.setUseParentHandlers(true);
    }

    /** Asks for collections until {@code condition} holds (cleaner actions run), for at most 10 s. */
    static boolean awaitGc(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (condition.getAsBoolean()) {
                return true;
            }
            System.gc();
            Thread.sleep(10);
        }
        return condition.getAsBoolean();
    }

    /** Collections and a pause for anything that would happen (to show that something does not). */
    static void settle() throws InterruptedException {
        for (int i = 0; i < 5; i++) {
            System.gc();
            Thread.sleep(20);
        }
    }
}
