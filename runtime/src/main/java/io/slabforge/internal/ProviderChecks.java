package io.slabforge.internal;

import io.slabforge.SlabException;
import io.slabforge.SlabMemory;
import java.lang.foreign.MemorySegment;

/**
 * The checks every segment a {@link SlabMemory} returns must pass before an engine or {@code SlabAllocator} uses
 * it, and the errors that name the provider when one fails or throws.
 */
public final class ProviderChecks {
    /** Stands for "some other thread" when asking whether a provider's segment is confined to one thread. */
    private static final Thread ANY_OTHER_THREAD = Thread.ofVirtual().unstarted(() -> { });

    private ProviderChecks() {}

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
        SlabException e = new SlabException("memory provider " + provider + " returned a bad " + what + ": " + fault
                + "; the cache is unchanged");
        try {
            provider.free(segment);
        } catch (RuntimeException suppressed) {
            e.addSuppressed(suppressed);
        }
        return e;
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
