package io.slabforge.internal;

import io.slabforge.SlabException;
import io.slabforge.SlabMemory;
import java.lang.foreign.MemorySegment;
import java.lang.ref.WeakReference;
import java.util.Map;
import java.util.TreeMap;

/**
 * The checks every segment a {@link SlabMemory} returns must pass before an engine or {@code SlabAllocator} uses
 * it, and the errors that name the provider when one fails or throws.
 */
public final class ProviderChecks {
    /** Stands for "some other thread" when asking whether a provider's segment is confined to one thread. */
    private static final Thread ANY_OTHER_THREAD = Thread.ofVirtual().unstarted(() -> { });

    /**
     * Every slab that caches hold from a provider other than the built-in regions, by start address: a provider
     * that returns the same or an overlapping segment twice, to one cache or to two, is caught before the second
     * cache writes over the first one's objects. Process-wide, because two caches may share a provider; touched
     * once per slab taken or given back. A claim refers to its segment weakly (the cache holds it strongly): the
     * claim of a cache that became garbage without {@code close()}, or of a slab whose memory its provider closed,
     * is void, so memory reused after either is not mistaken for a duplicate.
     */
    private static final TreeMap<Long, Claim> CLAIMED = new TreeMap<>();

    private record Claim(long end, WeakReference<MemorySegment> segment) {
        boolean isVoid() {
            MemorySegment held = segment.get();
            return held == null || !held.scope().isAlive();
        }
    }

    private ProviderChecks() {}

    /**
     * Records {@code segment} as held by a cache, unless it overlaps one already held.
     *
     * @param segment a checked segment from a provider
     * @return null if recorded, otherwise the overlap in words (nothing recorded)
     */
    static String claim(MemorySegment segment) {
        long start = segment.address();
        long end = start + segment.byteSize();
        synchronized (CLAIMED) {
            for (var hit = overlapOf(start, end); hit != null; hit = overlapOf(start, end)) {
                if (!hit.getValue().isVoid()) {
                    return "its memory 0x" + Long.toHexString(start) + "..0x" + Long.toHexString(end)
                            + " overlaps a slab a cache already holds (0x" + Long.toHexString(hit.getKey()) + "..0x"
                            + Long.toHexString(hit.getValue().end()) + ")";
                }
                CLAIMED.remove(hit.getKey());
            }
            CLAIMED.put(start, new Claim(end, new WeakReference<>(segment)));
            return null;
        }
    }

    private static Map.Entry<Long, Claim> overlapOf(long start, long end) {
        var below = CLAIMED.floorEntry(start);
        if (below != null && below.getValue().end() > start) {
            return below;
        }
        var above = CLAIMED.ceilingEntry(start);
        return above != null && above.getKey() < end ? above : null;
    }

    /** Forgets a segment {@link #claim} recorded, as its cache gives it back. */
    static void unclaim(MemorySegment segment) {
        synchronized (CLAIMED) {
            Claim claim = CLAIMED.get(segment.address());
            if (claim != null && claim.segment().get() == segment) {
                CLAIMED.remove(segment.address());
            }
        }
    }

    /**
     * The error for a segment that overlaps a slab in use. It is not handed back: the provider would take back
     * memory a cache still uses, and hand it out a third time.
     *
     * @param provider the provider
     * @param overlap what {@link #claim} said
     * @return the exception to throw
     */
    static SlabException overlapping(SlabMemory provider, String overlap) {
        return new SlabException("memory provider " + provider + " returned a bad slab: " + overlap
                + "; it handed out memory twice. The segment is not handed back (its memory is in use); the cache is"
                + " unchanged and the objects in the other slab stay valid");
    }

    /**
     * What is wrong with {@code segment} as a block of {@code size} bytes aligned to {@code alignment} for a cache
     * used by {@code owner} (null: by any thread), or null if nothing is.
     *
     * @param segment what the provider returned, not null
     * @param size the bytes asked for
     * @param alignment the alignment asked for
     * @param owner the one thread that will use it, or null for any thread
     * @return the fault in words, or null
     */
    public static String faultOf(MemorySegment segment, long size, long alignment, Thread owner) {
        if (!segment.scope().isAlive()) {
            return "its segment is already closed";
        }
        if (!segment.isNative()) {
            return "a heap segment, not native memory";
        }
        if (segment.isReadOnly()) {
            return "a read-only segment";
        }
        if (!segment.isAccessibleBy(owner != null ? owner : ANY_OTHER_THREAD)) {
            return "a segment confined to another thread (a confined arena's), but "
                    + (owner != null ? "this cache belongs to thread " + owner.getName()
                                     : "this cache may be used by any thread");
        }
        if (segment.byteSize() != size) {
            return segment.byteSize() + " bytes instead of " + size;
        }
        if (segment.address() % alignment != 0) {
            return "address 0x" + Long.toHexString(segment.address()) + " is not aligned to " + alignment;
        }
        return null;
    }

    /**
     * The error for a bad segment; the segment has been handed back (a failure to do so is suppressed in it).
     *
     * @param provider the provider
     * @param what what the segment was for ("slab", "4096-byte block", ...)
     * @param fault what {@link #faultOf} said
     * @param segment the bad segment, handed back to the provider here
     * @return the exception to throw
     */
    public static SlabException rejected(SlabMemory provider, String what, String fault, MemorySegment segment) {
        SlabException e = rejection(provider, what, fault);
        try {
            provider.free(segment);
        } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
        }
        return e;
    }

    /**
     * The error for a bad segment from a provider, which the caller has already handed back.
     *
     * @param provider the provider
     * @param what what was asked for ("slab", "block")
     * @param fault what is wrong with it
     * @return the exception to throw
     */
    public static SlabException rejection(SlabMemory provider, String what, String fault) {
        return new SlabException("memory provider " + provider + " returned a bad " + what + ": " + fault
                + "; the cache is unchanged");
    }

    /**
     * The error for a provider that threw.
     *
     * @param provider the provider
     * @param call "allocate" or "free"
     * @param cause what it threw
     * @return the exception to throw
     */
    public static SlabException threw(SlabMemory provider, String call, RuntimeException cause) {
        return new SlabException("memory provider " + provider + " threw from " + call + ": " + cause
                + "; the cache is consistent", cause);
    }
}
