package com.example;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabOutOfMemoryException;
import io.slabforge.SlabSync;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * Behaviour of generated caches, compiled by BehaviourTest together with the records and the processor; each
 * entry of {@link #checks()} becomes one JUnit test.
 */
public final class ParticleChecks {
    private ParticleChecks() {}

    public static Map<String, Runnable> checks() {
        Map<String, Runnable> checks = new LinkedHashMap<>();
        checks.put("round trip of every field", ParticleChecks::roundTrip);
        checks.put("allocate() gives a zeroed slot", ParticleChecks::allocateZeroed);
        checks.put("allocate(value) zeroes padding of a reused slot", ParticleChecks::allocateZeroesPadding);
        checks.put("null value is rejected before a slot is taken", ParticleChecks::nullRejected);
        checks.put("Ref walks and writes fluently", ParticleChecks::refWalk);
        checks.put("Box close frees, second close harmless", ParticleChecks::boxClose);
        checks.put("Box close after cache close is a no-op", ParticleChecks::boxAfterCacheClose);
        checks.put("Box closable from another thread on LOCKED", ParticleChecks::boxOtherThread);
        checks.put("stale handle raises InvalidHandleException everywhere", ParticleChecks::staleHandle);
        checks.put("LAYOUT size, alignment and offsets match the constants", ParticleChecks::layoutMatches);
        checks.put("segment(h) sees the fields at LAYOUT offsets", ParticleChecks::segmentMatchesLayout);
        checks.put("maxBytes(n * SLAB_SIZE) holds exactly n * SLOTS_PER_SLAB", ParticleChecks::capacity);
        checks.put("a slab holds slots only: SLOTS_PER_SLAB slots tile it from offset 0", ParticleChecks::slotsTileTheSlab);
        checks.put("forEach, liveCount and stats", ParticleChecks::iteration);
        checks.put("scan across runs of full slabs, a slab given back, a hole, a partly carved slab",
                ParticleChecks::scanAcrossSlabRuns);
        checks.put("scan of a file-backed cache, reopened, and of a reader", ParticleChecks::scanFileBacked);
        checks.put("confined cache rejects other threads", ParticleChecks::confined);
        checks.put("use after close is IllegalStateException", ParticleChecks::useAfterClose);
        checks.put("toString, describe and isDirect say what a cache, Ref and Box are", ParticleChecks::descriptions);
        checks.put("a named cache is a SlabCache named in toString, use-after-close and JMX", ParticleChecks::named);
        return checks;
    }

    /**
     * Slots of 32 bytes fill a 4 KiB slab exactly, so the walk takes full slabs that follow each other in memory as
     * one run: every live slot is still visited once, through a Ref that reads and writes its own slot, whatever
     * breaks a run (a block of the provider between two slabs, a slab given back, a freed slot, the partly carved
     * last slab, a slab taken again).
     */
    static void scanAcrossSlabRuns() {
        for (SlabSync sync : new SlabSync[] {SlabSync.NONE, SlabSync.CONFINED, SlabSync.LOCKED}) {
            io.slabforge.internal.RegionSlabMemory regions = new io.slabforge.internal.RegionSlabMemory();
            try (ParticleSlab slab = ParticleSlab.builder().sync(sync).memory(regions).reserveSlabs(0).build()) {
                int perSlab = ParticleSlab.SLOTS_PER_SLAB;
                java.util.List<Long> handles = new java.util.ArrayList<>();
                MemorySegment between = null;
                for (int i = 0; i < 10 * perSlab + 5; i++) {
                    if (i == 5 * perSlab) {
                        between = regions.allocate(ParticleSlab.SLAB_SIZE, ParticleSlab.SLAB_SIZE);
                        between.fill((byte) 0x7F); // not a slab of the cache: a walk that stepped in would read it
                    }
                    handles.add(slab.allocate(new Particle(i, 0, 0, i, 0)));
                }
                if (sync != SlabSync.LOCKED) { // a LOCKED cache has private regions: no block lies between
                    assertEquals(2 * ParticleSlab.SLAB_SIZE, slab.segment(handles.get(5 * perSlab)).address()
                            - slab.segment(handles.get(4 * perSlab)).address(), "slab 5 starts a block after slab 4 ends");
                }
                for (int i = 3 * perSlab; i < 4 * perSlab; i++) {
                    slab.free(handles.get(i)); // slab 3 goes back
                }
                slab.free(handles.get(7 * perSlab + 17));
                assertEquals(10, slab.stats().slabs(), sync.toString());
                checkScan(slab, sync + ", before the holes are filled");
                for (int i = 0; i < perSlab + 1; i++) {
                    slab.allocate(new Particle(-i, 0, 0, -i, 0)); // the freed slot, the last slab's rest, a new slab
                }
                checkScan(slab, sync + ", after");
                regions.free(between);
            }
        }
    }

    /** The walk over a cache file's slabs (reached through the file's regions), after a reopen, and a reader's. */
    static void scanFileBacked() {
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("slabforge-scan", ".slab");
            java.nio.file.Files.delete(file);
            try {
                int perSlab = ParticleSlab.SLOTS_PER_SLAB;
                try (ParticleSlab slab = ParticleSlab.open(file)) {
                    java.util.List<Long> handles = new java.util.ArrayList<>();
                    for (int i = 0; i < 6 * perSlab + 3; i++) {
                        handles.add(slab.allocate(new Particle(i, 0, 0, i, 0)));
                    }
                    for (int i = 2 * perSlab; i < 3 * perSlab; i += 2) {
                        slab.free(handles.get(i));
                    }
                    checkScan(slab, "file");
                }
                try (ParticleSlab slab = ParticleSlab.open(file)) {
                    assertEquals(6 * perSlab + 3 - perSlab / 2, slab.liveCount());
                    checkScan(slab, "file, reopened");
                }
                try (ParticleSlab reader = ParticleSlab.openReadOnly(file)) {
                    java.util.Set<Long> seen = new java.util.HashSet<>();
                    reader.scan(r -> {
                        assertTrue(seen.add(r.handle()), "reader: visited twice");
                        assertEquals((int) r.x(), r.id(), "reader");
                        assertEquals(r.x() + 0.5, r.y(), "reader: the writer's writes through its Ref");
                    });
                    assertEquals(reader.liveCount(), seen.size(), "reader");
                    assertEquals(6 * perSlab + 3 - perSlab / 2, seen.size(), "reader");
                }
                ParticleSlab closing = ParticleSlab.openReadOnly(file);
                assertThrows(IllegalStateException.class, () -> closing.scan(r -> closing.close()), "reader closed");
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void checkScan(ParticleSlab slab, String what) {
        java.util.Map<Long, Double> expected = new java.util.HashMap<>();
        slab.forEach(h -> expected.put(h, slab.x(h)));
        java.util.Map<Long, Double> seen = new java.util.HashMap<>();
        slab.scan(r -> {
            assertEquals(null, seen.put(r.handle(), r.x()), what + ": visited twice");
            assertEquals((int) r.x(), r.id(), what);
            r.y(r.x() + 0.5);
        });
        assertEquals(expected, seen, what);
        slab.forEach(h -> assertEquals(slab.x(h) + 0.5, slab.y(h), what + ": written through the Ref"));
    }

    static void descriptions() {
        boolean nativeAccess = io.slabforge.internal.SlabEngine.class.getModule().isNativeAccessEnabled();
        try (ParticleSlab slab = ParticleSlab.create()) {
            long h = slab.allocate(new Particle(1, 2, 3, 4, 5));
            assertEquals(nativeAccess, slab.isDirect());
            String cache = slab.toString();
            assertTrue(cache.startsWith("ParticleSlab[com.example.Particle, CONFINED, 1 live in 1 slab, "), cache);
            assertTrue(cache.contains(nativeAccess ? "direct" : "through regions") && cache.contains("checked"), cache);
            String handle = slab.describe(h);
            assertTrue(handle.startsWith("0x" + Long.toHexString(h) + " (cache tag ") && handle.contains("slot 0")
                    && handle.contains("generation "), handle);
            assertEquals("ParticleSlab.Ref[" + handle + "]", slab.ref(h).toString());
            ParticleSlab.Box box = slab.box();
            assertEquals("ParticleSlab.Box[" + slab.describe(box.handle()) + "]", box.toString());
            box.close();
            assertEquals("ParticleSlab.Box[closed]", box.toString());
            String other = CompletableFuture.supplyAsync(slab::toString).join(); // never throws, from any thread
            assertEquals(cache, other);
        }
        ParticleSlab closed = ParticleSlab.create();
        closed.close();
        assertEquals("ParticleSlab[com.example.Particle, CONFINED, closed]", closed.toString());
    }

    static void named() {
        try {
            namedCache();
        } catch (javax.management.JMException e) {
            throw new AssertionError(e);
        }
    }

    private static void namedCache() throws javax.management.JMException {
        javax.management.ObjectName bean = new javax.management.ObjectName("io.slabforge:type=SlabCache,name=particles");
        ParticleSlab slab = ParticleSlab.builder().name("particles").build();
        io.slabforge.SlabCache cache = slab;
        assertEquals("particles", cache.name());
        assertSame(ParticleSlab.LAYOUT, cache.layout());
        long h = cache.allocate();
        assertTrue(slab.toString().startsWith("ParticleSlab[com.example.Particle, \"particles\", CONFINED, 1 live"),
                slab.toString());
        assertEquals(1L, ManagementFactory.getPlatformMBeanServer().getAttribute(bean, "LiveObjects"));
        assertEquals("ParticleSlab (com.example.Particle)",
                ManagementFactory.getPlatformMBeanServer().getAttribute(bean, "Type"));
        int tag = (Integer) ManagementFactory.getPlatformMBeanServer().getAttribute(bean, "Tag");
        cache.close();
        assertFalse(ManagementFactory.getPlatformMBeanServer().isRegistered(bean));
        IllegalStateException closed = assertThrows(IllegalStateException.class, () -> slab.x(h));
        assertEquals("ParticleSlab \"particles\" (com.example.Particle, tag " + tag + ", 32-byte slots in 4096-byte"
                + " slabs) is closed; it cannot be used after close()", closed.getMessage());
        ParticleSlab unnamed = ParticleSlab.create();
        assertEquals(null, unnamed.name());
        unnamed.close();
        IllegalStateException message = assertThrows(IllegalStateException.class, unnamed::allocate);
        assertTrue(message.getMessage().startsWith("ParticleSlab (com.example.Particle, tag "), message.getMessage());
    }

    static void roundTrip() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            Particle p = new Particle(1.5, -2.25, 3e300, 42, -7);
            long h = slab.allocate(p);
            assertEquals(p, slab.get(h));
            assertEquals(1.5, slab.x(h));
            assertEquals(-2.25, slab.y(h));
            assertEquals(3e300, slab.z(h));
            assertEquals(42, slab.id(h));
            assertEquals(-7, slab.flags(h));
            slab.x(h, 9);
            slab.y(h, 8);
            slab.z(h, 7);
            slab.id(h, Integer.MIN_VALUE);
            slab.flags(h, Integer.MAX_VALUE);
            assertEquals(new Particle(9, 8, 7, Integer.MIN_VALUE, Integer.MAX_VALUE), slab.get(h));
            Particle q = new Particle(Double.NaN, Double.NEGATIVE_INFINITY, -0.0, 1, 2);
            slab.set(h, q);
            assertEquals(q, slab.get(h));
            assertEquals(q, slab.ref(h).toRecord());
        }
    }

    static void allocateZeroed() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            long h = slab.allocate(new Particle(1, 2, 3, 4, 5));
            slab.free(h);
            long again = slab.allocate();
            assertEquals(new Particle(0, 0, 0, 0, 0), slab.get(again));
        }
    }

    static void allocateZeroesPadding() {
        try (MixedSlab slab = MixedSlab.create()) {
            assertEquals(24, MixedSlab.SLOT_SIZE);
            long h = slab.allocate();
            slab.segment(h).fill((byte) 0x5A);
            long address = slab.segment(h).address();
            slab.free(h);
            long reused = slab.allocate(new Mixed((byte) 1, 2, (short) 3));
            MemorySegment slot = slab.segment(reused);
            assertEquals(address, slot.address(), "the freed slot is reused, dirty");
            for (long i = 1; i < 8; i++) {
                assertEquals(0, slot.get(ValueLayout.JAVA_BYTE, i), "padding byte " + i);
            }
            for (long i = 18; i < 24; i++) {
                assertEquals(0, slot.get(ValueLayout.JAVA_BYTE, i), "padding byte " + i);
            }
            assertEquals(new Mixed((byte) 1, 2, (short) 3), slab.get(reused));
        }
    }

    static void nullRejected() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            NullPointerException e = assertThrows(NullPointerException.class, () -> slab.allocate(null));
            assertEquals("value is null: a Particle record is required", e.getMessage());
            assertEquals(0, slab.liveCount());
            long h = slab.allocate();
            assertEquals("value is null: a Particle record is required",
                    assertThrows(NullPointerException.class, () -> slab.set(h, null)).getMessage());
        }
    }

    static void refWalk() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            long[] handles = new long[1000];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = slab.allocate(new Particle(i, 0, 0, i, 0));
            }
            ParticleSlab.Ref ref = slab.ref();
            assertEquals(0, ref.handle());
            double sum = 0;
            for (long h : handles) {
                sum += ref.wrap(h).x();
            }
            assertEquals(999 * 1000 / 2.0, sum);
            assertSame(ref, ref.wrap(handles[3]).y(1).z(2).flags(3));
            assertEquals(handles[3], ref.handle());
            assertEquals(new Particle(3, 1, 2, 3, 3), ref.toRecord());
            assertEquals(new Particle(3, 1, 2, 3, 3), slab.get(handles[3]));
            assertThrows(InvalidHandleException.class, () -> slab.ref().x());
        }
    }

    static void boxClose() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            ParticleSlab.Box box = slab.box();
            long h = box.handle();
            assertTrue(slab.isLive(h));
            assertSame(box, box.x(1).id(5));
            assertEquals(new Particle(1, 0, 0, 5, 0), box.toRecord());
            assertEquals(1, slab.liveCount());
            box.close();
            assertTrue(box.isClosed());
            assertFalse(slab.isLive(h));
            assertEquals(0, slab.liveCount());
            box.close();
            assertEquals(0, slab.liveCount());
            assertThrows(InvalidHandleException.class, box::x);
            try (ParticleSlab.Box scoped = slab.box()) {
                scoped.z(4);
                assertEquals(1, slab.liveCount());
            }
            assertEquals(0, slab.liveCount());
        }
    }

    static void boxAfterCacheClose() {
        ParticleSlab slab = ParticleSlab.create();
        ParticleSlab.Box box = slab.box();
        slab.close();
        box.close();
        assertTrue(box.isClosed());
    }

    static void boxOtherThread() {
        try (ParticleSlab slab = ParticleSlab.builder().sync(SlabSync.LOCKED).build()) {
            ParticleSlab.Box box = slab.box();
            CompletableFuture.runAsync(box::close).join();
            assertEquals(0, slab.liveCount());
        }
    }

    static void staleHandle() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            long h = slab.allocate();
            slab.free(h);
            assertThrows(InvalidHandleException.class, () -> slab.x(h));
            assertThrows(InvalidHandleException.class, () -> slab.x(h, 1));
            assertThrows(InvalidHandleException.class, () -> slab.get(h));
            assertThrows(InvalidHandleException.class, () -> slab.set(h, new Particle(1, 2, 3, 4, 5)));
            assertThrows(InvalidHandleException.class, () -> slab.ref(h).id());
            assertThrows(InvalidHandleException.class, () -> slab.ref(h).flags(1));
            assertThrows(InvalidHandleException.class, () -> slab.ref(h).toRecord());
            assertThrows(InvalidHandleException.class, () -> slab.segment(h));
            assertThrows(InvalidHandleException.class, () -> slab.free(h));
            long reused = slab.allocate();
            assertThrows(InvalidHandleException.class, () -> slab.x(h));
            assertEquals(0, slab.x(reused));
            assertFalse(slab.isLive(h));
            assertFalse(slab.isLive(12345));
        }
    }

    static void layoutMatches() {
        assertEquals(ParticleSlab.SLOT_SIZE, ParticleSlab.LAYOUT.byteSize());
        assertEquals(ParticleSlab.SLOT_ALIGNMENT, ParticleSlab.LAYOUT.byteAlignment());
        assertEquals(32, ParticleSlab.SLOT_SIZE);
        assertEquals(8, ParticleSlab.SLOT_ALIGNMENT);
        assertEquals(4096, ParticleSlab.SLAB_SIZE);
        assertEquals(128, ParticleSlab.SLOTS_PER_SLAB); // 4096 / 32: no header, no generation words in the slab
        assertEquals("Particle", ParticleSlab.LAYOUT.name().orElseThrow());
        for (String field : new String[] {"x", "y", "z", "id", "flags"}) {
            assertEquals(ParticleSlab.LAYOUT.byteOffset(PathElement.groupElement(field)),
                    privateLong(ParticleSlab.class, field.toUpperCase() + "_OFFSET"), field);
        }
        assertEquals(MixedSlab.SLOT_SIZE, MixedSlab.LAYOUT.byteSize());
        assertEquals(MixedSlab.SLOT_ALIGNMENT, MixedSlab.LAYOUT.byteAlignment());
        assertEquals(8, MixedSlab.LAYOUT.byteOffset(PathElement.groupElement("b")));
        assertEquals(16, MixedSlab.LAYOUT.byteOffset(PathElement.groupElement("c")));
        // usable as a sequence element: size is a multiple of the alignment
        assertEquals(240, java.lang.foreign.MemoryLayout.sequenceLayout(10, MixedSlab.LAYOUT).byteSize());
    }

    static void segmentMatchesLayout() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            long h = slab.allocate(new Particle(1, 2, 3, 4, 5));
            MemorySegment slot = slab.segment(h);
            assertEquals(ParticleSlab.SLOT_SIZE, slot.byteSize());
            assertEquals(0, slot.address() % ParticleSlab.SLOT_ALIGNMENT);
            assertEquals(2.0, slot.get(ValueLayout.JAVA_DOUBLE,
                    ParticleSlab.LAYOUT.byteOffset(PathElement.groupElement("y"))));
            slot.set(ValueLayout.JAVA_INT, ParticleSlab.LAYOUT.byteOffset(PathElement.groupElement("flags")), 77);
            assertEquals(77, slab.flags(h));
        }
    }

    static void capacity() {
        try (ParticleSlab slab = ParticleSlab.builder().maxBytes(3 * ParticleSlab.SLAB_SIZE).build()) {
            for (int i = 0; i < 3 * ParticleSlab.SLOTS_PER_SLAB; i++) {
                slab.allocate();
            }
            assertEquals(0, slab.tryAllocate());
            assertThrows(SlabOutOfMemoryException.class, slab::allocate);
            assertThrows(SlabOutOfMemoryException.class, () -> slab.allocate(new Particle(1, 1, 1, 1, 1)));
            assertThrows(SlabOutOfMemoryException.class, slab::box);
            assertEquals(3L * ParticleSlab.SLOTS_PER_SLAB, slab.liveCount());
        }
    }

    /**
     * Every slot of a one-slab cache: SLOTS_PER_SLAB distinct slots of SLOT_SIZE bytes at multiples of SLOT_SIZE from
     * the slab's start (slabs are aligned to SLAB_SIZE), together covering the slab whole, since 4096 = 128 * 32.
     */
    static void slotsTileTheSlab() {
        try (ParticleSlab slab = ParticleSlab.builder().maxBytes(ParticleSlab.SLAB_SIZE).build()) {
            java.util.Set<Long> offsets = new java.util.TreeSet<>();
            long slabStart = -1;
            for (int i = 0; i < ParticleSlab.SLOTS_PER_SLAB; i++) {
                MemorySegment slot = slab.segment(slab.allocate(new Particle(i, i, i, i, i)));
                assertEquals(ParticleSlab.SLOT_SIZE, slot.byteSize());
                long start = slot.address() & -ParticleSlab.SLAB_SIZE;
                assertTrue(slabStart == -1 || slabStart == start, "one slab");
                slabStart = start;
                offsets.add(slot.address() - start);
            }
            assertEquals(0, slab.tryAllocate());
            java.util.Set<Long> expected = new java.util.TreeSet<>();
            for (long offset = 0; offset < ParticleSlab.SLAB_SIZE; offset += ParticleSlab.SLOT_SIZE) {
                expected.add(offset);
            }
            assertEquals(expected, offsets);
            long[] sum = {0};
            slab.forEach(h -> sum[0] += slab.id(h));
            assertEquals(127 * 128 / 2, sum[0]);
        }
    }

    static void iteration() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            for (int i = 0; i < 300; i++) {
                slab.allocate(new Particle(0, 0, 0, i, 0));
            }
            long[] sum = {0};
            slab.forEach(h -> sum[0] += slab.id(h));
            assertEquals(299 * 300 / 2, sum[0]);
            assertEquals(300, slab.liveCount());
            assertEquals(300, slab.stats().liveObjects());
            assertEquals(ParticleSlab.SLOT_SIZE, slab.stats().slotSize());
        }
    }

    static void confined() {
        try (ParticleSlab slab = ParticleSlab.create()) {
            long h = slab.allocate();
            ExecutionException e = assertThrows(ExecutionException.class,
                    () -> CompletableFuture.supplyAsync(() -> slab.x(h)).get());
            assertTrue(e.getCause() instanceof WrongThreadException, e.getCause().toString());
        }
    }

    static void useAfterClose() {
        ParticleSlab slab = ParticleSlab.create();
        long h = slab.allocate();
        slab.close();
        slab.close();
        assertThrows(IllegalStateException.class, slab::allocate);
        assertThrows(IllegalStateException.class, () -> slab.x(h));
    }

    /**
     * Bytes allocated on the heap by the calling thread during a flyweight walk over {@code count} slots, after
     * a warm-up walk (so class loading, JIT compilation and lambda bootstraps are not counted).
     */
    public static long allocatedBytesOfWalk(int count) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (ParticleSlab slab = ParticleSlab.builder().sync(SlabSync.NONE).build()) {
            long[] handles = new long[count];
            for (int i = 0; i < count; i++) {
                handles[i] = slab.allocate(new Particle(i, i, i, i, i));
            }
            ParticleSlab.Ref ref = slab.ref();
            double expected = (double) count * (count - 1) / 2;
            for (int round = 0; round < 20; round++) {
                if (walk(ref, handles) != expected) {
                    throw new AssertionError("wrong sum");
                }
            }
            long before = threads.getCurrentThreadAllocatedBytes();
            double sum = walk(ref, handles);
            long after = threads.getCurrentThreadAllocatedBytes();
            if (sum != expected) {
                throw new AssertionError("wrong sum " + sum);
            }
            return after - before;
        }
    }

    private static double walk(ParticleSlab.Ref ref, long[] handles) {
        double sum = 0;
        for (long h : handles) {
            sum += ref.wrap(h).x();
        }
        return sum;
    }

    private static long privateLong(Class<?> type, String name) {
        try {
            java.lang.reflect.Field field = type.getDeclaredField(name);
            field.setAccessible(true);
            return field.getLong(null);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
