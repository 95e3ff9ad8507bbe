package io.slabforge.internal;

import jdk.jfr.Category;
import jdk.jfr.DataAmount;
import jdk.jfr.Description;
import jdk.jfr.Event;
import jdk.jfr.Label;
import jdk.jfr.Name;
import jdk.jfr.StackTrace;

/**
 * The JFR events of Slabforge ({@code jfr print --events 'io.slabforge.*' recording.jfr}), emitted only on cold paths:
 * a slab taken from or given back to the provider, the construction of an out-of-memory or invalid-handle
 * exception, a leak report, a repair. Nothing on an allocate, free or field access that succeeds touches them; with
 * no recording running an event is a short-lived object the JIT removes and a disabled-check.
 *
 * <pre>{@code
 * SlabEvents.repair(identityLabel, "file", "recovered 12 live slots of orders.slab");   // from internal code
 * }</pre>
 */
public final class SlabEvents {
    private static final String CATEGORY = "Slabforge";

    private SlabEvents() {}

    /** A slab taken from the memory provider. */
    @Name("io.slabforge.SlabAcquire")
    @Label("Slab Acquire")
    @Category(CATEGORY)
    @Description("A cache took a slab from its memory provider")
    static final class SlabAcquire extends Event {
        @Label("Cache") String cache;
        @Label("Bytes") @DataAmount long bytes;
        @Label("Slabs Held") @Description("Slabs the cache holds after this one") long slabsHeld;
    }

    /** A slab given back to the memory provider. */
    @Name("io.slabforge.SlabRelease")
    @Label("Slab Release")
    @Category(CATEGORY)
    @Description("A cache gave a slab back to its memory provider")
    static final class SlabRelease extends Event {
        @Label("Cache") String cache;
        @Label("Bytes") @DataAmount long bytes;
        @Label("Slabs Held") @Description("Slabs the cache holds after this one") long slabsHeld;
    }

    /** A SlabOutOfMemoryException made. */
    @Name("io.slabforge.OutOfMemory")
    @Label("Slab Out Of Memory")
    @Category(CATEGORY)
    @Description("An allocation found no slot: maxBytes reached, the provider empty, or the handle space exhausted")
    static final class OutOfMemory extends Event {
        @Label("Cache") String cache;
        @Label("Reason") String reason;
    }

    /** An InvalidHandleException made. */
    @Name("io.slabforge.InvalidHandle")
    @Label("Invalid Handle")
    @Category(CATEGORY)
    @Description("A handle was refused: freed, stale, foreign or malformed")
    static final class InvalidHandle extends Event {
        @Label("Cache") String cache;
        @Label("Handle") @Description("The refused handle in hex") String handle;
        @Label("Reason") String reason;
    }

    /** A leaked box or an unclosed cache found by the garbage collector. */
    @Name("io.slabforge.Leak")
    @Label("Slab Leak")
    @Category(CATEGORY)
    @Description("A Box or a cache became unreachable without close()")
    @StackTrace(false) // emitted on the cleaner thread: its stack says nothing; see Created At
    static final class Leak extends Event {
        @Label("Cache") String cache;
        @Label("Kind") @Description("Box or cache") String kind;
        @Label("Handle") @Description("The box's handle in hex, or empty for a cache") String handle;
        @Label("Outcome") @Description("What became of the memory") String outcome;
        @Label("Created At") @Description("Where the box or cache was created (PARANOID), else empty") String createdAt;
    }

    /** A structure rebuilt from trusted state. */
    @Name("io.slabforge.Repair")
    @Label("Slab Repair")
    @Category(CATEGORY)
    @Description("A free list was rebuilt, or a file-backed cache recovered")
    static final class Repair extends Event {
        @Label("Cache") String cache;
        @Label("Kind") @Description("What was repaired: free list, file, ...") String kind;
        @Label("Description") String description;
    }

    /** An acquire under way: {@link #acquireStart()} before the provider call, {@link #acquired} after. */
    static SlabAcquire acquireStart() {
        SlabAcquire event = new SlabAcquire();
        event.begin();
        return event;
    }

    static void acquired(SlabAcquire event, CacheIdentity cache, long bytes, long slabsHeld) {
        if (event.shouldCommit()) {
            event.cache = cache.label();
            event.bytes = bytes;
            event.slabsHeld = slabsHeld;
            event.commit();
        }
    }

    static SlabRelease releaseStart() {
        SlabRelease event = new SlabRelease();
        event.begin();
        return event;
    }

    static void released(SlabRelease event, CacheIdentity cache, long bytes, long slabsHeld) {
        if (event.shouldCommit()) {
            event.cache = cache.label();
            event.bytes = bytes;
            event.slabsHeld = slabsHeld;
            event.commit();
        }
    }

    static void outOfMemory(CacheIdentity cache, String reason) {
        OutOfMemory event = new OutOfMemory();
        if (event.shouldCommit()) {
            event.cache = cache.label();
            event.reason = reason;
            event.commit();
        }
    }

    static void invalidHandle(CacheIdentity cache, long handle, String reason) {
        InvalidHandle event = new InvalidHandle();
        if (event.shouldCommit()) {
            event.cache = cache.label();
            event.handle = "0x" + Long.toHexString(handle);
            event.reason = reason;
            event.commit();
        }
    }

    static void leak(String cache, String kind, long handle, String outcome, String createdAt) {
        Leak event = new Leak();
        if (event.shouldCommit()) {
            event.cache = cache;
            event.kind = kind;
            event.handle = handle == 0 ? "" : "0x" + Long.toHexString(handle);
            event.outcome = outcome;
            event.createdAt = createdAt;
            event.commit();
        }
    }

    /**
     * Records that something was rebuilt from trusted state: a free list from the generation words, a file-backed
     * cache's bookkeeping from its file. For internal code (the engine, the persistence layer).
     *
     * @param cache the cache's label (its name, else type and tag)
     * @param kind what was repaired, for example {@code "free list"} or {@code "file"}
     * @param description what was found and done
     */
    public static void repair(String cache, String kind, String description) {
        Repair event = new Repair();
        if (event.shouldCommit()) {
            event.cache = cache;
            event.kind = kind;
            event.description = description;
            event.commit();
        }
    }
}
