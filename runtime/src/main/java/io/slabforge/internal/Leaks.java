package io.slabforge.internal;

import io.slabforge.LeakDetection;
import java.lang.ref.Cleaner;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Leak detection: the default level, the cleaner thread, the tracking of {@code Box}es and the reports.
 *
 * <pre>
 *  box()  ──▶ SlabBox(engine, h) ──▶ engine.trackBox: OFF: nothing; SAMPLED: 1 in 128; PARANOID: all + stack
 *                                        │ CLEANER.register(box, BoxLeak)   (BoxLeak never reaches the box
 *                                        ▼                                   or the engine)
 *  box unreachable, not closed ──▶ cleaner thread: BoxLeak.run ──▶ report (System.Logger WARNING, JFR Leak)
 *                                                                 └▶ Tracker.leaked queue ◀── drained by the
 *                                                                    cache's next box(), on a thread allowed to use it
 * </pre>
 *
 * The cleaner thread never frees a slot: a {@code CONFINED} cache must not be touched by another thread, a
 * {@code NONE} one is guarded by the caller's own synchronisation, which the cleaner does not take. It only reads
 * whether the slot is still live (plain reads of heap arrays, which cannot fault) to report leaks, not boxes whose
 * slot was freed through its handle.
 */
final class Leaks {
    /** Where reports go; first, as the default level's parsing may warn. */
    static final System.Logger LOG = System.getLogger("io.slabforge");
    /** The system property that sets the default level. */
    static final String PROPERTY = "io.slabforge.leakDetection";
    /** The level caches get unless their builder says otherwise. */
    static final LeakDetection DEFAULT = parse(System.getProperty(PROPERTY));
    /** SAMPLED tracks a box when {@code random & SAMPLE_MASK == 0}: 1 in 128, Netty's default rate. */
    static final int SAMPLE_MASK = 127;
    /** One daemon thread for every leak and unclosed-cache action of the runtime. */
    static final Cleaner CLEANER = Cleaner.create(action -> new Thread(action, "slabforge-cleaner"));

    private Leaks() {}

    /** The level a property value names; a bad value is reported and the default ({@code SAMPLED}) used. */
    static LeakDetection parse(String value) {
        if (value == null || value.isBlank()) {
            return LeakDetection.SAMPLED;
        }
        try {
            return LeakDetection.valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            LOG.log(System.Logger.Level.WARNING, "-D" + PROPERTY + "=" + value + " is not OFF, SAMPLED or PARANOID;"
                    + " using SAMPLED");
            return LeakDetection.SAMPLED;
        }
    }

    /** Whether this box is one SAMPLED tracks. */
    static boolean sampled() {
        return (ThreadLocalRandom.current().nextInt() & SAMPLE_MASK) == 0;
    }

    /**
     * Where a box or cache is being created, for PARANOID reports. Only the stack is captured here (the JVM's
     * compact backtrace); the frames are materialised, and the runtime's own dropped, when a leak is reported.
     */
    static Throwable createdHere(String what) {
        return new Throwable(what);
    }

    /** {@code site} without the runtime's own frames above the user's call, for a report; null stays null. */
    static Throwable trimmed(Throwable site) {
        if (site == null) {
            return null;
        }
        StackTraceElement[] frames = site.getStackTrace();
        int first = 0;
        while (first < frames.length - 1 && isTrackingFrame(frames[first].getClassName())) {
            first++;
        }
        site.setStackTrace(java.util.Arrays.copyOfRange(frames, first, frames.length));
        return site;
    }

    /** The frames of the runtime's own tracking code, above the user's call. */
    private static boolean isTrackingFrame(String className) {
        for (Class<?> own : new Class<?>[] {Leaks.class, SlabEngine.class, SlabBox.class, SlabBuilder.class}) {
            if (className.equals(own.getName()) || className.startsWith(own.getName() + "$")) {
                return true;
            }
        }
        return false;
    }

    /** A stack trace for the JFR event: the frames, one a line. */
    static String framesOf(Throwable site) {
        if (site == null) {
            return "";
        }
        StringBuilder text = new StringBuilder();
        for (StackTraceElement frame : site.getStackTrace()) {
            text.append("at ").append(frame).append('\n');
        }
        return text.toString();
    }

    static void warn(String message, Throwable site) {
        if (site == null) {
            LOG.log(System.Logger.Level.WARNING, message);
        } else {
            LOG.log(System.Logger.Level.WARNING, message, site);
        }
    }

    /**
     * The leak state of one cache: reached by its boxes' cleaning actions, which must not reach the engine (or it
     * would never become unreachable) nor touch the pools (which only the cache's users may).
     */
    static final class Tracker {
        private final CacheIdentity identity;
        private final SlotTable table;
        private final boolean paranoid;
        /** Handles of leaked boxes, freed by the cache's next box() on a thread allowed to use the cache. */
        private final ConcurrentLinkedQueue<Long> leaked = new ConcurrentLinkedQueue<>();
        /** Set after a handle is queued, cleared before the queue is drained: a cheap test for box(). */
        private volatile boolean pending;

        Tracker(CacheIdentity identity, SlotTable table, boolean paranoid) {
            this.identity = identity;
            this.table = table;
            this.paranoid = paranoid;
        }

        /** Starts tracking {@code box}, which owns {@code handle}. */
        BoxLeak track(Object box, long handle) {
            Throwable site = paranoid ? createdHere(identity.cacheType() + ".Box " + hex(handle) + " was created here")
                                      : null;
            BoxLeak leak = new BoxLeak(this, handle, site);
            leak.cleanable = CLEANER.register(box, leak);
            return leak;
        }

        boolean hasPending() {
            return pending;
        }

        /** The next queued leaked handle, or 0; the caller frees it if it is still live. */
        long nextLeaked() {
            Long handle = leaked.poll();
            return handle == null ? 0 : handle;
        }

        void clearPending() {
            pending = false;
        }

        /** On the cleaner thread: a tracked box was found unreachable and not closed. */
        void leaked(BoxLeak leak) {
            // A slot freed through its handle, or a closed cache, leaked nothing. Plain reads of heap arrays: stale
            // at worst (the drain checks again), never a fault.
            if (!table.isLive(leak.handle)) {
                return;
            }
            // Queued before the report, so that what the report says holds once it is read: the next box() frees it.
            leaked.add(leak.handle);
            pending = true;
            String box = identity.cacheType() + ".Box " + hex(leak.handle);
            String outcome = "its slot is freed by the cache's next box() call (or by close())";
            String message = "leak: " + box + " of " + identity.describe() + " became unreachable without close(); "
                    + outcome + "; " + (leak.site != null ? "created at:"
                    : "to see where it was created, build the cache with leakDetection(LeakDetection.PARANOID) or"
                            + " run with -D" + PROPERTY + "=PARANOID");
            Throwable site = trimmed(leak.site);
            warn(message, site);
            SlabEvents.leak(identity.label(), "Box", leak.handle, outcome, framesOf(site));
        }
    }

    static String hex(long handle) {
        return "0x" + Long.toHexString(handle);
    }

    /** The cleaning action of one tracked box: never references the box or the engine. */
    static final class BoxLeak implements Runnable {
        private final Tracker tracker;
        final long handle;
        final Throwable site;
        Cleaner.Cleanable cleanable;
        private volatile boolean dismissed;

        BoxLeak(Tracker tracker, long handle, Throwable site) {
            this.tracker = tracker;
            this.handle = handle;
            this.site = site;
        }

        /** The box was closed: no report, and the cleaner forgets it. */
        void dismiss() {
            dismissed = true;
            cleanable.clean();
        }

        @Override
        public void run() {
            if (!dismissed) {
                try {
                    tracker.leaked(this);
                } catch (RuntimeException | Error e) {
                    LOG.log(System.Logger.Level.WARNING, "slabforge could not report a leaked box", e);
                }
            }
        }
    }
}
