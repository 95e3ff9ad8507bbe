package io.slabforge.benchmarks;

import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.slabforge.SlabAllocator;
import io.slabforge.SlabSync;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.List;
import java.util.SplittableRandom;

/**
 * What every peer of {@link AllocatorBenchmark} offers: variable-size blocks kept in numbered table slots, the
 * first and last byte written on allocation. Like {@link ParticleStore}, each peer keeps its own table of whatever
 * it uses as a reference, so every peer pays the same table load and store, and a JMH fork sees one implementation.
 * Not thread-safe.
 */
interface BlockStore extends AutoCloseable {

    /** The peers, the baseline ({@code malloc}, which has no floor to compare against) first. */
    List<String> PEERS = List.of("malloc", "calloc", "slabforge", "slabforgeNoZeroFill", "slabforgeLocked",
            "nettyPooled", "arenaConfined");

    /** Smallest and largest block size drawn. */
    int MIN_SIZE = 16;
    int MAX_SIZE = 4096;

    /**
     * Allocates a block of {@code size} bytes, writes {@code mark} to its first and last byte and keeps it in
     * {@code slot}.
     *
     * @param slot an empty table slot
     * @param size bytes, {@link #MIN_SIZE}..{@link #MAX_SIZE}
     * @param mark the byte to write
     */
    void allocate(int slot, int size, byte mark);

    /**
     * Reads one byte of a live block (for tests; the benchmarks do not read).
     *
     * @param slot a slot holding a live block
     * @param offset offset in the block
     * @return the byte
     */
    byte get(int slot, int offset);

    /**
     * Frees the block in {@code slot}.
     *
     * @param slot a slot holding a live block
     */
    void free(int slot);

    /** Frees every block still held and releases the peer's own resources. */
    @Override
    void close();

    /**
     * {@code count} block sizes log-uniform in {@link #MIN_SIZE}..{@link #MAX_SIZE} (as many 16..31-byte requests
     * as 2048..4095-byte ones), from a fixed seed, so every peer and every run sees the same sequence.
     *
     * @param count how many; a power of two, so the benchmarks index with a mask
     * @param seed the seed
     * @return the sizes
     */
    static int[] logUniformSizes(int count, long seed) {
        if (Integer.bitCount(count) != 1) {
            throw new IllegalArgumentException("count " + count + " must be a power of two");
        }
        SplittableRandom random = new SplittableRandom(seed);
        double lo = Math.log(MIN_SIZE);
        double hi = Math.log(MAX_SIZE);
        int[] sizes = new int[count];
        for (int i = 0; i < count; i++) {
            long size = Math.round(Math.exp(lo + random.nextDouble() * (hi - lo)));
            sizes[i] = Math.clamp(size, MIN_SIZE, MAX_SIZE);
        }
        return sizes;
    }

    /**
     * Creates a peer.
     *
     * @param peer one of {@link #PEERS}
     * @param capacity table slots
     * @return a new, empty store
     */
    static BlockStore create(String peer, int capacity) {
        return switch (peer) {
            case "malloc" -> new Malloc(capacity, false);
            case "calloc" -> new Malloc(capacity, true);
            case "slabforge" -> new Slabforge(capacity, SlabAllocator.create());
            case "slabforgeNoZeroFill" -> new Slabforge(capacity, SlabAllocator.builder().zeroFill(false).build());
            case "slabforgeLocked" -> new Slabforge(capacity, SlabAllocator.builder().sync(SlabSync.LOCKED).build());
            case "nettyPooled" -> new NettyPooled(capacity);
            case "arenaConfined" -> new ArenaConfined(capacity);
            default -> throw new IllegalArgumentException("unknown allocator peer " + peer + "; known: " + PEERS);
        };
    }

    /**
     * {@code malloc} / {@code calloc}: the C library's {@code malloc} (does not zero) or {@code calloc(1, size)}
     * (zero-fills, the peer of a zero-filling allocator) and {@code free} through plain FFM downcalls, bytes written
     * through one segment spanning the address space, addresses in a {@code long[]}. Needs
     * {@code --enable-native-access=ALL-UNNAMED}.
     */
    @SuppressWarnings("restricted") // calling malloc/free is the point of this peer
    final class Malloc implements BlockStore {
        private static final Linker LINKER = Linker.nativeLinker();
        private static final MethodHandle MALLOC = LINKER.downcallHandle(
                LINKER.defaultLookup().find("malloc").orElseThrow(), FunctionDescriptor.of(JAVA_LONG, JAVA_LONG));
        private static final MethodHandle CALLOC = LINKER.downcallHandle(
                LINKER.defaultLookup().find("calloc").orElseThrow(),
                FunctionDescriptor.of(JAVA_LONG, JAVA_LONG, JAVA_LONG));
        private static final MethodHandle FREE = LINKER.downcallHandle(
                LINKER.defaultLookup().find("free").orElseThrow(), FunctionDescriptor.ofVoid(JAVA_LONG));
        private static final MemorySegment ALL = MemorySegment.NULL.reinterpret(Long.MAX_VALUE);

        private final long[] addresses;
        private final boolean zeroed;

        Malloc(int capacity, boolean zeroed) {
            addresses = new long[capacity];
            this.zeroed = zeroed;
        }

        @Override
        public void allocate(int slot, int size, byte mark) {
            long a;
            try {
                a = zeroed ? (long) CALLOC.invokeExact(1L, (long) size) : (long) MALLOC.invokeExact((long) size);
            } catch (Throwable e) {
                throw new IllegalStateException(zeroed ? "calloc failed" : "malloc failed", e);
            }
            if (a == 0) {
                throw new OutOfMemoryError((zeroed ? "calloc(1, " : "malloc(") + size + ") returned NULL");
            }
            ALL.set(JAVA_BYTE, a, mark);
            ALL.set(JAVA_BYTE, a + size - 1, mark);
            addresses[slot] = a;
        }

        @Override
        public byte get(int slot, int offset) {
            return ALL.get(JAVA_BYTE, addresses[slot] + offset);
        }

        @Override
        public void free(int slot) {
            long a = addresses[slot];
            addresses[slot] = 0;
            try {
                FREE.invokeExact(a);
            } catch (Throwable e) {
                throw new IllegalStateException("free failed", e);
            }
        }

        @Override
        public void close() {
            for (int i = 0; i < addresses.length; i++) {
                if (addresses[i] != 0) {
                    free(i);
                }
            }
        }
    }

    /**
     * {@code slabforge} / {@code slabforgeNoZeroFill} / {@code slabforgeLocked}: a {@link SlabAllocator} (default
     * size classes 16..4096, {@code SlabMemory.ofArena()}), {@code allocate(size)} and {@code free(segment)};
     * segments in a {@code MemorySegment[]}. {@code slabforge} (confined) zero-fills each block as
     * {@code Arena.allocate} and {@code calloc} do, {@code slabforgeNoZeroFill} ({@code zeroFill(false)}) does not,
     * like malloc and Netty; {@code slabforgeLocked} is {@code slabforge} built {@code LOCKED}, used by one thread.
     */
    final class Slabforge implements BlockStore {
        private final SlabAllocator allocator;
        private final MemorySegment[] segments;

        Slabforge(int capacity, SlabAllocator allocator) {
            this.allocator = allocator;
            segments = new MemorySegment[capacity];
        }

        @Override
        public void allocate(int slot, int size, byte mark) {
            MemorySegment s = allocator.allocate(size);
            s.set(JAVA_BYTE, 0, mark);
            s.set(JAVA_BYTE, size - 1, mark);
            segments[slot] = s;
        }

        @Override
        public byte get(int slot, int offset) {
            return segments[slot].get(JAVA_BYTE, offset);
        }

        @Override
        public void free(int slot) {
            allocator.free(segments[slot]);
            segments[slot] = null;
        }

        @Override
        public void close() {
            for (int i = 0; i < segments.length; i++) {
                if (segments[i] != null) {
                    free(i);
                }
            }
            allocator.close();
        }
    }

    /**
     * {@code nettyPooled}: a direct buffer of exactly {@code size} bytes from Netty's {@link PooledByteBufAllocator}
     * ({@code release()} to free), configured as {@link NettyPooledStore}: its own instance, thread caches on for
     * every thread, Netty's default arena, page and cache sizes. Does not zero.
     */
    final class NettyPooled implements BlockStore {
        private final PooledByteBufAllocator allocator = new PooledByteBufAllocator(true, 0,
                PooledByteBufAllocator.defaultNumDirectArena(), PooledByteBufAllocator.defaultPageSize(),
                PooledByteBufAllocator.defaultMaxOrder(), PooledByteBufAllocator.defaultSmallCacheSize(),
                PooledByteBufAllocator.defaultNormalCacheSize(), true);
        private final ByteBuf[] buffers;

        NettyPooled(int capacity) {
            buffers = new ByteBuf[capacity];
        }

        @Override
        public void allocate(int slot, int size, byte mark) {
            ByteBuf b = allocator.directBuffer(size, size);
            b.setByte(0, mark);
            b.setByte(size - 1, mark);
            buffers[slot] = b;
        }

        @Override
        public byte get(int slot, int offset) {
            return buffers[slot].getByte(offset);
        }

        @Override
        public void free(int slot) {
            buffers[slot].release();
            buffers[slot] = null;
        }

        @Override
        public void close() {
            for (int i = 0; i < buffers.length; i++) {
                if (buffers[i] != null) {
                    free(i);
                }
            }
            allocator.trimCurrentThreadCache();
        }
    }

    /**
     * {@code arenaConfined}: plain FFM's only per-block free, {@code Arena.ofConfined()} per block,
     * {@code arena.allocate(size)} (zero-filled), {@code close()} to free; arenas and their segments in
     * two tables (as the other peers keep a reference they can read through).
     */
    final class ArenaConfined implements BlockStore {
        private final Arena[] arenas;
        private final MemorySegment[] segments;

        ArenaConfined(int capacity) {
            arenas = new Arena[capacity];
            segments = new MemorySegment[capacity];
        }

        @Override
        public void allocate(int slot, int size, byte mark) {
            Arena arena = Arena.ofConfined();
            MemorySegment s = arena.allocate(size);
            s.set(JAVA_BYTE, 0, mark);
            s.set(JAVA_BYTE, size - 1, mark);
            arenas[slot] = arena;
            segments[slot] = s;
        }

        @Override
        public byte get(int slot, int offset) {
            return segments[slot].get(JAVA_BYTE, offset);
        }

        @Override
        public void free(int slot) {
            arenas[slot].close();
            arenas[slot] = null;
            segments[slot] = null;
        }

        @Override
        public void close() {
            for (int i = 0; i < arenas.length; i++) {
                if (arenas[i] != null) {
                    free(i);
                }
            }
        }
    }
}
