package io.slabforge.internal;

import io.slabforge.SlabMemory;
import java.lang.foreign.MemorySegment;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/** {@link SlabMemory#bounded}: a byte budget in front of another provider. */
public final class BoundedSlabMemory implements SlabMemory {
    private final SlabMemory delegate;
    private final long capacityBytes;
    private final AtomicLong heldBytes;
    /**
     * The segments handed out and not yet taken back, by identity: a free of anything else (a second free, a copy,
     * a slice, a segment of another provider) is refused before it reaches the delegate or the budget, whatever
     * the delegate would accept. Guarded by itself; touched once per slab taken or given back.
     */
    private final Set<MemorySegment> outstanding = Collections.newSetFromMap(new IdentityHashMap<>());

    public BoundedSlabMemory(SlabMemory delegate, long capacityBytes) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        if (capacityBytes < 0) {
            throw new IllegalArgumentException("capacityBytes " + capacityBytes + " is negative");
        }
        this.capacityBytes = capacityBytes;
        this.heldBytes = new AtomicLong();
    }

    /** The same budget in front of another provider: both count against one capacity. */
    private BoundedSlabMemory(SlabMemory delegate, BoundedSlabMemory budget) {
        this.delegate = delegate;
        this.capacityBytes = budget.capacityBytes;
        this.heldBytes = budget.heldBytes;
    }

    /** This budget in front of {@code other}: what either holds counts against the one capacity. */
    BoundedSlabMemory sharingBudgetWith(SlabMemory other) {
        return new BoundedSlabMemory(other, this);
    }

    @Override
    public MemorySegment allocate(long byteSize, long byteAlignment) {
        long before;
        do {
            before = heldBytes.get();
            if (byteSize > capacityBytes - before) {
                return null;
            }
        } while (!heldBytes.compareAndSet(before, before + byteSize));
        MemorySegment segment = null;
        try {
            segment = delegate.allocate(byteSize, byteAlignment);
            if (segment != null) {
                synchronized (outstanding) {
                    outstanding.add(segment);
                }
            }
            return segment;
        } finally {
            if (segment == null) {
                heldBytes.addAndGet(-byteSize);
            }
        }
    }

    @Override
    public void free(MemorySegment segment) {
        synchronized (outstanding) {
            if (!outstanding.remove(segment)) {
                throw new IllegalArgumentException(segment + " was not handed out by " + this + ", or was already"
                        + " taken back: free takes exactly the segment allocate returned, once; nothing was freed");
            }
        }
        long size = segment.byteSize();
        try {
            delegate.free(segment);
        } catch (RuntimeException | Error e) {
            synchronized (outstanding) {
                outstanding.add(segment); // the delegate still holds it: so does this budget
            }
            throw e;
        }
        heldBytes.addAndGet(-size);
    }

    /** Where the memory comes from. */
    public SlabMemory delegate() {
        return delegate;
    }

    /** Bytes currently held from the delegate. */
    public long heldBytes() {
        return heldBytes.get();
    }

    @Override
    public String toString() {
        return "bounded(" + delegate + ", " + capacityBytes + " bytes)";
    }
}
