package io.slabforge.benchmarks;

import io.slabforge.SlabSync;
import java.util.List;

/** The peers by the names the benchmarks' {@code peer} parameter and the report use. */
public final class Peers {
    /**
     * Single-threaded peers of (a) and (b): the floor first, then the checked floors ({@code floorChecked}, the
     * second baseline of the report, and {@code floorCheckedOffHeap}). {@code slabforgeXSetters} is
     * {@code slabforgeX} filling each particle with {@code allocate()} and one setter per field, as the floors do,
     * instead of {@code allocate(Particle)}.
     */
    public static final List<String> SINGLE = List.of("floor", "floorChecked", "floorCheckedOffHeap",
            "slabforgeNone", "slabforgeNoneSetters", "slabforgeNoneUnchecked", "slabforgeNoneUncheckedSetters",
            "slabforgeConfined", "slabforgeConfinedSetters", "slabforgeLocked", "onheap", "nettyPooled",
            "commonsPool2", "mallocFree", "arenaPerObject");
    /** Peers of the scan (c): {@link #SINGLE} without the {@code *Setters} variants (a scan allocates nothing). */
    public static final List<String> SCAN = SINGLE.stream().filter(p -> !p.endsWith("Setters")).toList();
    /** Peers usable from several threads at once, the floor first. */
    public static final List<String> SHARED = List.of("floorLocked", "slabforgeLocked", "onheap", "nettyPooled",
            "commonsPool2", "mallocFree", "arenaPerObject");

    /** Peers of the producer/consumer benchmark (e): the shared peers a thread can free another's objects in. */
    public static final List<String> HANDOFF = List.of("slabforgeLocked", "mallocFree", "nettyPooled", "onheap");

    /** Peers of the footprint and GC program ({@link Footprint}); {@code slabforge64k} appears only there. */
    public static final List<String> FOOTPRINT = List.of("slabforgeConfined", "slabforge64k", "onheap",
            "nettyPooled");

    private Peers() {}

    /**
     * Creates a peer.
     *
     * @param peer one of {@link #SINGLE} or {@link #SHARED}
     * @param capacity table slots (and, for the floor, particles) it must hold
     * @param shared whether several threads will use it at once (distinct slots each)
     * @return a new, empty store
     */
    public static ParticleStore create(String peer, int capacity, boolean shared) {
        if (shared && !SHARED.contains(peer)) {
            throw new IllegalArgumentException(peer + " cannot be shared between threads; use one of " + SHARED);
        }
        return switch (peer) {
            case "floor" -> new FloorStore(capacity);
            case "floorChecked" -> new FloorCheckedStore(capacity);
            case "floorCheckedOffHeap" -> new FloorCheckedOffHeapStore(capacity);
            case "floorLocked" -> new LockedFloorStore(capacity);
            case "slabforgeNone" -> new SlabforgeStore(capacity, SlabSync.NONE, true);
            case "slabforgeNoneSetters" -> new SlabforgeStore(capacity, SlabSync.NONE, true, true);
            case "slabforgeNoneUnchecked" -> new SlabforgeStore(capacity, SlabSync.NONE, false);
            case "slabforgeNoneUncheckedSetters" -> new SlabforgeStore(capacity, SlabSync.NONE, false, true);
            case "slabforgeConfined" -> new SlabforgeStore(capacity, SlabSync.CONFINED, true);
            case "slabforgeConfinedSetters" -> new SlabforgeStore(capacity, SlabSync.CONFINED, true, true);
            case "slabforgeLocked" -> new SlabforgeStore(capacity, SlabSync.LOCKED, true);
            case "slabforge64k" -> new Slabforge64KStore(capacity);
            case "slabforgeFile" -> SlabforgeStore.inFile(capacity, false);
            case "slabforgeFileSetters" -> SlabforgeStore.inFile(capacity, true);
            case "onheap" -> new OnHeapStore(capacity);
            case "nettyPooled" -> new NettyPooledStore(capacity);
            case "commonsPool2" -> new CommonsPool2Store(capacity);
            case "mallocFree" -> new MallocFreeStore(capacity);
            case "arenaPerObject" -> new ArenaPerObjectStore(capacity, shared);
            default -> throw new IllegalArgumentException("unknown peer " + peer + "; known: " + SINGLE + ", "
                    + SHARED + ", slabforge64k, slabforgeFile, slabforgeFileSetters");
        };
    }
}
