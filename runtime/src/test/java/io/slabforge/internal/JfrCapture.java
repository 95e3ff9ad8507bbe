package io.slabforge.internal;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingStream;

/** The io.slabforge.* JFR events of a block of code, read with a RecordingStream. */
final class JfrCapture implements AutoCloseable {
    private final RecordingStream stream = new RecordingStream();
    private final List<RecordedEvent> events = new CopyOnWriteArrayList<>();

    JfrCapture(String... names) {
        for (String name : names) {
            stream.enable(name).withoutThreshold();
            stream.onEvent(name, events::add);
        }
        stream.setMaxAge(java.time.Duration.ofMinutes(1));
        stream.startAsync();
    }

    /** The events of that name seen so far. */
    List<RecordedEvent> events(String name) {
        return events.stream().filter(e -> e.getEventType().getName().equals(name)).toList();
    }

    /** Waits (at most 10 s, flushing) for an event of that name that {@code test} accepts, and returns it. */
    RecordedEvent await(String name, Predicate<RecordedEvent> test) throws InterruptedException {
        long deadline = System.nanoTime() + 10_000_000_000L;
        do {
            for (RecordedEvent e : events(name)) {
                if (test.test(e)) {
                    return e;
                }
            }
            Thread.sleep(20);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("no matching " + name + " event among " + events);
    }

    /** Stops the stream after every event recorded so far was read. */
    void stop() {
        stream.stop();
    }

    @Override
    public void close() {
        stream.close();
    }
}
