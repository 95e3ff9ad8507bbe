package io.slabforge.internal;

import io.slabforge.SlabMemory;
import java.lang.foreign.MemorySegment;
import java.util.HashMap;
import java.util.Map;

/**
 * A provider that delegates and counts: every allocate and free call, and the segments outstanding. A free of a
 * segment it did not hand out (or a second free) fails the test at once. Thread-safe.
 */
public final class CountingMemory implements SlabMemory {
    private final SlabMemory delegate;
    private final String name;
    private final Map<Long, MemorySegment> outstanding = new HashMap<>();
    private long allocateCalls;
    private long freeCalls;

    public CountingMemory(String name) {
        this(name, SlabMemory.ofArena());
    }

    public CountingMemory(String name, SlabMemory delegate) {
        this.name = name;
        this.delegate = delegate;
    }

    @Override
    public synchronized MemorySegment allocate(long byteSize, long byteAlignment) {
        allocateCalls++;
        MemorySegment segment = delegate.allocate(byteSize, byteAlignment);
        if (segment != null && outstanding.put(segment.address(), segment) != null) {
            throw new AssertionError(name + ": delegate handed out 0x" + Long.toHexString(segment.address())
                    + " twice");
        }
        return segment;
    }

    @Override
    public synchronized void free(MemorySegment segment) {
        freeCalls++;
        MemorySegment mine = outstanding.remove(segment.address());
        if (mine == null || mine.byteSize() != segment.byteSize()) {
            throw new AssertionError(name + ": free of a segment not outstanding: " + segment);
        }
        delegate.free(segment);
    }

    public synchronized long allocateCalls() {
        return allocateCalls;
    }

    public synchronized long freeCalls() {
        return freeCalls;
    }

    public synchronized int outstanding() {
        return outstanding.size();
    }

    @Override
    public String toString() {
        return name;
    }
}
