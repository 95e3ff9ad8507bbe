package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.slabforge.SlabException;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.zip.CRC32;

/**
 * The binary layout of a cache file (one owner of every offset), and the checks on a header read back.
 *
 * <pre>
 *  file:   [ header, 4096 bytes ][ region 0 ][ region 1 ] ...        region r at HEADER_BYTES + r * regionBytes
 *
 *  header (little-endian, native order of the writer; a file is refused on a machine of the other order):
 *     0  long   MAGIC "SLABFRG\n"                       ┐
 *     8  int    format version (1)                      │
 *    12  int    header bytes (4096)                     │
 *    16  long   slot size                               │
 *    24  long   slot alignment                          │ fixed when the file is made,
 *    32  long   slab size                               │ covered by the CRC at FIXED_CRC
 *    40  int    slots per slab                          │
 *    44  int    slot bits                               │
 *    48  int    slabs per region (a power of two)       │
 *    52  int    cache tag (1..4095): the tag bits of every handle of the file
 *    56  long   CRC-32 of the full LAYOUT string        │
 *    64  int    record name bytes  68 int layout bytes  │
 *    72  ..     record name, UTF-8 (at most 256 bytes)  │
 *   328  ..     LAYOUT string, UTF-8 (its first 3,000 bytes)
 *  3584  int    CRC-32 of bytes 0..3583                 ┘
 *  3840  long   regions in the file (written after the file was extended and the region mapped)
 *  3848  int    CLEAN (1) after close(), DIRTY (0) while a writer has it open
 *  3856  long   process id of the last writer
 *  3864  long   frees so far, as of the last flush() or close() (allocations = frees + live after re-attach)
 *
 *  region (regionSlabs = R slabs):
 *     0                      R ints: slab states, SLAB_IN_USE once the slab's words were written, else 0
 *     statesBytes            R * slotsPerSlab ints: the generation words (HandleFormat), word of slot i of the
 *                            region's slab k at (k * slotsPerSlab + i) * 4; never IN_MAGAZINE
 *     slabsAt                R slabs of slabSize bytes (page-aligned)
 * </pre>
 *
 * <p>The mutable header words are aligned and written one at a time, so a writer killed at any moment leaves each
 * either old or new; the fixed part is written once, before the file is used, and its CRC makes a damaged header
 * a refusal rather than a guess.
 */
final class SlabFileFormat {
    static final long MAGIC = 0x0A47_5246_4241_4C53L; // "SLABFRG\n" read as a little-endian long
    static final int VERSION = 1;
    static final int HEADER_BYTES = 4096;
    static final long PAGE = 4096;

    static final long VERSION_AT = 8;
    static final long HEADER_BYTES_AT = 12;
    static final long SLOT_SIZE_AT = 16;
    static final long SLOT_ALIGNMENT_AT = 24;
    static final long SLAB_SIZE_AT = 32;
    static final long SLOTS_PER_SLAB_AT = 40;
    static final long SLOT_BITS_AT = 44;
    static final long REGION_SLABS_AT = 48;
    static final long TAG_AT = 52;
    static final long LAYOUT_CRC_AT = 56;
    static final long RECORD_LENGTH_AT = 64;
    static final long LAYOUT_LENGTH_AT = 68;
    static final long RECORD_AT = 72;
    static final int MAX_RECORD_BYTES = 256;
    static final long LAYOUT_AT = RECORD_AT + MAX_RECORD_BYTES;
    static final int MAX_LAYOUT_BYTES = 3000;
    static final long FIXED_CRC_AT = 3584;

    static final long REGIONS_AT = 3840;
    static final long CLEAN_AT = 3848;
    static final long WRITER_PID_AT = 3856;
    static final long FREES_AT = 3864;

    static final int CLEAN = 1;
    static final int DIRTY = 0;
    /** A slab state: the slab's generation words were written ("SLAB"). */
    static final int SLAB_IN_USE = 0x424C_4153;
    /** Slab bytes a region holds by default; fewer slabs where maxBytes allows fewer. */
    static final long REGION_SLAB_BYTES = 4L << 20;
    /** File slots are page-aligned at best: slots aligned beyond a page cannot be guaranteed. */
    static final long MAX_SLOT_ALIGNMENT = PAGE;

    private SlabFileFormat() {}

    /** What a file was made for: its geometry, record and layout. */
    record Fingerprint(SlabGeometry geometry, String record, String layout) {
        String describe() {
            return "record " + record + ", " + geometry.slotSize() + "-byte slots aligned to "
                    + geometry.slotAlignment() + " in " + geometry.slabSize() + "-byte slabs, layout " + layout;
        }
    }

    /** Where the parts of a region are, for one file's geometry and region size. */
    record RegionLayout(int regionSlabs, int slotsPerSlab, long slabSize, long statesBytes, long slabsAt,
                        long regionBytes) {
        static RegionLayout of(int regionSlabs, int slotsPerSlab, long slabSize) {
            long states = roundUp((long) regionSlabs * Integer.BYTES, PAGE);
            long words = roundUp((long) regionSlabs * slotsPerSlab * Integer.BYTES, PAGE);
            long slabsAt = states + words;
            return new RegionLayout(regionSlabs, slotsPerSlab, slabSize, states, slabsAt,
                    slabsAt + regionSlabs * slabSize);
        }

        long regionOffset(long region) {
            return HEADER_BYTES + region * regionBytes;
        }

        long wordAt(int slabInRegion, int slot) {
            return statesBytes + ((long) slabInRegion * slotsPerSlab + slot) * Integer.BYTES;
        }

        long slabAt(int slabInRegion) {
            return slabsAt + slabInRegion * slabSize;
        }
    }

    /** Slabs per region for a new file: about REGION_SLAB_BYTES of slabs, fewer when maxBytes caps the file. */
    static int regionSlabsFor(SlabGeometry geometry, long maxBytes) {
        long wanted = Math.max(1, REGION_SLAB_BYTES / geometry.slabSize());
        long allowed = Math.max(1, Math.min(maxBytes / geometry.slabSize(), geometry.maxSlabs()));
        long slabs = Math.min(wanted, allowed);
        return (int) Long.highestOneBit(slabs) == slabs ? (int) slabs : (int) Long.highestOneBit(slabs) << 1;
    }

    static long roundUp(long n, long to) {
        return (n + to - 1) / to * to;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Writing and reading the fixed part

    /** Writes a new header: the fixed part and its CRC, no region, DIRTY. */
    static void writeNew(MemorySegment header, Fingerprint print, int regionSlabs, int tag) {
        header.fill((byte) 0);
        SlabGeometry g = print.geometry();
        header.set(JAVA_LONG, 0, MAGIC);
        header.set(JAVA_INT, VERSION_AT, VERSION);
        header.set(JAVA_INT, HEADER_BYTES_AT, HEADER_BYTES);
        header.set(JAVA_LONG, SLOT_SIZE_AT, g.slotSize());
        header.set(JAVA_LONG, SLOT_ALIGNMENT_AT, g.slotAlignment());
        header.set(JAVA_LONG, SLAB_SIZE_AT, g.slabSize());
        header.set(JAVA_INT, SLOTS_PER_SLAB_AT, g.slotsPerSlab());
        header.set(JAVA_INT, SLOT_BITS_AT, g.slotBits());
        header.set(JAVA_INT, REGION_SLABS_AT, regionSlabs);
        header.set(JAVA_INT, TAG_AT, tag);
        byte[] layout = print.layout().getBytes(StandardCharsets.UTF_8);
        header.set(JAVA_LONG, LAYOUT_CRC_AT, crc(layout, layout.length));
        byte[] record = truncated(print.record().getBytes(StandardCharsets.UTF_8), MAX_RECORD_BYTES);
        byte[] layoutKept = truncated(layout, MAX_LAYOUT_BYTES);
        header.set(JAVA_INT, RECORD_LENGTH_AT, record.length);
        header.set(JAVA_INT, LAYOUT_LENGTH_AT, layoutKept.length);
        MemorySegment.copy(record, 0, header, java.lang.foreign.ValueLayout.JAVA_BYTE, RECORD_AT, record.length);
        MemorySegment.copy(layoutKept, 0, header, java.lang.foreign.ValueLayout.JAVA_BYTE, LAYOUT_AT,
                layoutKept.length);
        header.set(JAVA_INT, FIXED_CRC_AT, fixedCrc(header));
        header.set(JAVA_INT, CLEAN_AT, DIRTY);
    }

    private static byte[] truncated(byte[] bytes, int max) {
        return bytes.length <= max ? bytes : java.util.Arrays.copyOf(bytes, max);
    }

    private static long crc(byte[] bytes, int length) {
        CRC32 crc = new CRC32();
        crc.update(bytes, 0, length);
        return crc.getValue();
    }

    private static int fixedCrc(MemorySegment header) {
        CRC32 crc = new CRC32();
        crc.update(header.asSlice(0, FIXED_CRC_AT).asByteBuffer());
        return (int) crc.getValue();
    }

    /**
     * Checks a header read from {@code path} (of {@code fileBytes} bytes) against what the cache expects, and
     * returns its slabs per region.
     *
     * @throws SlabException naming what the file holds and what was expected
     */
    static int check(MemorySegment header, long fileBytes, Path path, Fingerprint expected) {
        if (fileBytes < HEADER_BYTES || header.get(JAVA_LONG, 0) != MAGIC) {
            long magic = fileBytes >= 8 ? header.get(JAVA_LONG, 0) : 0;
            throw new SlabException(path + " is not a Slabforge cache file (" + fileBytes + " bytes"
                    + (fileBytes >= 8 ? ", starting 0x" + Long.toHexString(Long.reverseBytes(magic)) : "")
                    + "); expected a file made for " + expected.describe() + ". Nothing was changed");
        }
        int version = header.get(JAVA_INT, VERSION_AT);
        if (version != VERSION) {
            throw new SlabException(path + " has cache file format version " + version + ", but this runtime reads"
                    + " version " + VERSION + (version > VERSION ? " (made by a newer Slabforge; use that release)"
                                                                 : "") + ". Nothing was changed");
        }
        if (header.get(JAVA_INT, FIXED_CRC_AT) != fixedCrc(header) || header.get(JAVA_INT, HEADER_BYTES_AT)
                != HEADER_BYTES) {
            throw new SlabException(path + " has a damaged header (its checksum does not match): it cannot be"
                    + " trusted to hold " + expected.describe() + ". Nothing was changed");
        }
        Fingerprint found = fingerprintOf(header);
        String mismatch = mismatch(found, expected, header);
        if (mismatch != null) {
            throw new SlabException(path + " was made for another cache: " + mismatch + ". The file holds "
                    + found.describe() + "; expected " + expected.describe() + ". Nothing was changed");
        }
        int regionSlabs = header.get(JAVA_INT, REGION_SLABS_AT);
        int tag = header.get(JAVA_INT, TAG_AT);
        if (regionSlabs < 1 || Integer.bitCount(regionSlabs) != 1 || regionSlabs > expected.geometry().maxSlabs()
                || tag < 1 || tag > HandleFormat.MAX_TAG) {
            throw new SlabException(path + " has a header with impossible values (" + regionSlabs
                    + " slabs per region, cache tag " + tag + "). Nothing was changed");
        }
        return regionSlabs;
    }

    private static String mismatch(Fingerprint found, Fingerprint expected, MemorySegment header) {
        SlabGeometry f = found.geometry();
        SlabGeometry e = expected.geometry();
        if (!found.record().equals(truncatedName(expected.record()))) {
            return "record " + found.record() + ", not " + expected.record();
        }
        if (f.slotSize() != e.slotSize()) {
            return "slot size " + f.slotSize() + ", not " + e.slotSize();
        }
        if (f.slotAlignment() != e.slotAlignment()) {
            return "slot alignment " + f.slotAlignment() + ", not " + e.slotAlignment();
        }
        if (f.slabSize() != e.slabSize()) {
            return "slab size " + f.slabSize() + ", not " + e.slabSize();
        }
        if (f.slotsPerSlab() != e.slotsPerSlab() || f.slotBits() != e.slotBits()) {
            return f.slotsPerSlab() + " slots per slab, not " + e.slotsPerSlab();
        }
        byte[] layout = expected.layout().getBytes(StandardCharsets.UTF_8);
        if (header.get(JAVA_LONG, LAYOUT_CRC_AT) != crc(layout, layout.length)) {
            return "another LAYOUT";
        }
        return null;
    }

    private static String truncatedName(String record) {
        byte[] bytes = record.getBytes(StandardCharsets.UTF_8);
        return bytes.length <= MAX_RECORD_BYTES ? record
                : new String(bytes, 0, MAX_RECORD_BYTES, StandardCharsets.UTF_8);
    }

    /** The fingerprint a (CRC-checked) header records; the geometry as stored, not recomputed. */
    private static Fingerprint fingerprintOf(MemorySegment header) {
        int recordLength = Math.clamp(header.get(JAVA_INT, RECORD_LENGTH_AT), 0, MAX_RECORD_BYTES);
        int layoutLength = Math.clamp(header.get(JAVA_INT, LAYOUT_LENGTH_AT), 0, MAX_LAYOUT_BYTES);
        String record = new String(header.asSlice(RECORD_AT, recordLength).toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        String layout = new String(header.asSlice(LAYOUT_AT, layoutLength).toArray(
                java.lang.foreign.ValueLayout.JAVA_BYTE), StandardCharsets.UTF_8);
        SlabGeometry geometry = new SlabGeometry(header.get(JAVA_LONG, SLOT_SIZE_AT),
                header.get(JAVA_LONG, SLOT_ALIGNMENT_AT), header.get(JAVA_LONG, SLAB_SIZE_AT),
                header.get(JAVA_INT, SLOTS_PER_SLAB_AT), header.get(JAVA_INT, SLOT_BITS_AT));
        return new Fingerprint(geometry, record, layout);
    }
}
