package io.slabforge;

import java.lang.foreign.MemorySegment;

/** A provider that counts what passes through to its delegate: calls and bytes held. */
final class TallyMemory implements SlabMemory {
    private final SlabMemory delegate;
    long allocations;
    long heldBytes;

    TallyMemory(SlabMemory delegate) {
        this.delegate = delegate;
    }

    @Override
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        MemorySegment m = delegate.allocate(byteSize, byteAlignment);
        if (m != null) {
            allocations++;
            heldBytes += byteSize;
        }
        return m;
    }

    @Override
    public synchronized void free(MemorySegment segment) {
        heldBytes -= segment.byteSize();
        delegate.free(segment);
    }

    @Override
    public String toString() {
        return "TallyMemory";
    }
}
