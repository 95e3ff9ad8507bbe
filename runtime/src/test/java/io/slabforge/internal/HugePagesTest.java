package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrowsExactly;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabMemory;
import io.slabforge.SlabSync;
import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * {@code SlabMemory.ofHugePages()}: its regions are aligned to a huge page and advised {@code MADV_HUGEPAGE}
 * where that can be done (native access on Linux), it is {@code ofArena()}'s behaviour everywhere else, and caches
 * on it work in every mode. Also run without native access (runtime/pom.xml, execution no-native-access).
 */
class HugePagesTest {
    private static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    private static final long HUGE_PAGE = 2L << 20;
    /** The first line of an smaps entry: {@code start-end perms offset dev inode [path]}, addresses in hex. */
    private static final Pattern MAPPING = Pattern.compile("([0-9a-f]+)-([0-9a-f]+) ");

    @Test
    void ofHugePagesIsOneSharedProviderOfItsOwn() {
        assertSame(SlabMemory.ofHugePages(), SlabMemory.ofHugePages());
        assertNotSame(SlabMemory.ofArena(), SlabMemory.ofHugePages(), "regions of its own: ofArena()'s stay small");
        assertEquals("SlabMemory.ofHugePages()", SlabMemory.ofHugePages().toString());
        boolean linux = System.getProperty("os.name").startsWith("Linux");
        assertEquals(AnonymousMappings.available() && linux, RegionSlabMemory.SHARED_HUGE_PAGES.asksForHugePages());
        assertEquals(AnonymousMappings.available(), RegionSlabMemory.SHARED_HUGE_PAGES.mapsRegions(),
                "maps its regions exactly where ofArena() does");
        assertFalse(RegionSlabMemory.SHARED.asksForHugePages(), "ofArena() never asks");
    }

    @Test
    void withoutNativeAccessItIsOfArenasKindOfProvider() {
        assumeTrue(!RegionSlabMemory.class.getModule().isNativeAccessEnabled());
        assertFalse(RegionSlabMemory.SHARED_HUGE_PAGES.asksForHugePages());
        assertFalse(RegionSlabMemory.SHARED_HUGE_PAGES.mapsRegions());
        MemorySegment slab = SlabMemory.ofHugePages().allocate(4096, 4096);
        slab.set(JAVA_LONG, 0, 42);
        assertEquals(42, slab.get(JAVA_LONG, 0));
        SlabMemory.ofHugePages().free(slab);
    }

    /**
     * The first block of a fresh provider's first region sits at the region's base: 2 MiB-aligned, in a mapping
     * whose {@code VmFlags} in {@code /proc/self/smaps} carry {@code hg} (MADV_HUGEPAGE), which ofArena()'s
     * mappings do not. Whether the kernel then grants huge pages depends on its settings, so that is not asserted.
     */
    @Test
    void regionsAreAlignedToAHugePageAndAdvised() throws IOException {
        assumeTrue(RegionSlabMemory.SHARED_HUGE_PAGES.asksForHugePages(), "needs native access on Linux");
        assumeTrue(Files.isReadable(Path.of("/proc/self/smaps")));
        RegionSlabMemory huge = RegionSlabMemory.SHARED_HUGE_PAGES.newPrivate();
        RegionSlabMemory plain = new RegionSlabMemory(true);
        assertTrue(huge.asksForHugePages(), "a private provider of it asks too (LOCKED caches use one)");
        assertTrue(RegionSlabMemory.SHARED_HUGE_PAGES.newPrivateRetained().asksForHugePages());
        MemorySegment hugeSlab = huge.allocate(4096, 4096);
        MemorySegment plainSlab = plain.allocate(4096, 4096);
        try {
            hugeSlab.fill((byte) 7);
            plainSlab.fill((byte) 7);
            assertEquals(0, hugeSlab.address() % HUGE_PAGE, "the region starts on a huge page");
            assertTrue(vmFlags(hugeSlab.address()).contains("hg"), "advised: " + vmFlags(hugeSlab.address()));
            assertFalse(vmFlags(plainSlab.address()).contains("hg"), "not advised: " + vmFlags(plainSlab.address()));
        } finally {
            huge.free(hugeSlab);
            plain.free(plainSlab);
        }
        assertEquals(0, huge.openRegions(), "the region was unmapped");
    }

    /** Caches on ofHugePages() in every mode: many slabs over several regions, every object read back, then freed. */
    @ParameterizedTest
    @EnumSource(SlabSync.class)
    void aCacheOnHugePagesKeepsEveryObject(SlabSync sync) {
        int objects = 200_000; // 6.4 MB of slots: regions of 2, 2 and 4 MiB
        try (SlabEngine engine = SlabEngine.builder(GEOMETRY).memory(SlabMemory.ofHugePages()).sync(sync).build()) {
            long[] handles = new long[objects];
            for (int i = 0; i < objects; i++) {
                handles[i] = engine.allocate();
                engine.setLong(handles[i], 0, i * 31L);
                engine.setLong(handles[i], 24, ~i);
            }
            for (int i = 0; i < objects; i += 2) {
                engine.free(handles[i]);
            }
            for (int i = 1; i < objects; i += 2) {
                assertEquals(i * 31L, engine.getLong(handles[i], 0));
                assertEquals(~i, engine.getLong(handles[i], 24));
            }
            long stale = handles[0];
            assertThrowsExactly(InvalidHandleException.class, () -> engine.getLong(stale, 0));
            assertEquals(objects / 2, engine.liveCount());
            if (sync == SlabSync.LOCKED) {
                SlabMemory own = engine.pool(0).source.memory;
                assertTrue(own instanceof RegionSlabMemory r && r != RegionSlabMemory.SHARED_HUGE_PAGES
                                && r.asksForHugePages() == RegionSlabMemory.SHARED_HUGE_PAGES.asksForHugePages(),
                        "a LOCKED cache's own regions, asking for huge pages as its provider does: " + own);
            }
        }
    }

    /** The VmFlags line of the smaps entry mapping {@code address}. */
    private static String vmFlags(long address) throws IOException {
        boolean inside = false;
        for (String line : Files.readAllLines(Path.of("/proc/self/smaps"))) {
            Matcher mapping = MAPPING.matcher(line);
            if (mapping.lookingAt()) {
                inside = Long.parseUnsignedLong(mapping.group(1), 16) <= address
                        && address < Long.parseUnsignedLong(mapping.group(2), 16);
            } else if (inside && line.startsWith("VmFlags:")) {
                return line;
            }
        }
        throw new AssertionError("no mapping holds 0x" + Long.toHexString(address));
    }
}
