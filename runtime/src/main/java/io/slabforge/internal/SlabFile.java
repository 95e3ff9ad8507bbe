package io.slabforge.internal;

import static io.slabforge.internal.SlabFileFormat.CLEAN;
import static io.slabforge.internal.SlabFileFormat.CLEAN_AT;
import static io.slabforge.internal.SlabFileFormat.DIRTY;
import static io.slabforge.internal.SlabFileFormat.FREES_AT;
import static io.slabforge.internal.SlabFileFormat.HEADER_BYTES;
import static io.slabforge.internal.SlabFileFormat.REGIONS_AT;
import static io.slabforge.internal.SlabFileFormat.SLAB_IN_USE;
import static io.slabforge.internal.SlabFileFormat.TAG_AT;
import static io.slabforge.internal.SlabFileFormat.WRITER_PID_AT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import io.slabforge.SlabException;
import io.slabforge.SlabOutOfMemoryException;
import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/**
 * One open cache file (layout: {@link SlabFileFormat}): the channel, the writer's lock, the regions mapped with
 * {@code FileChannel.map(mode, offset, size, arena)} and the file's copy of the generation words. A writer writes
 * every word change through ({@link #writeWord}); a reader ({@link #openReader}) reads the words from the file on
 * every check and maps the regions the writer adds as it meets them.
 *
 * <p>Why a kill loses nothing that returned: the regions are shared mappings, so every store to them is in the
 * page cache the moment it is made, and the page cache outlives the process. The engine orders its stores so that
 * the file is consistent at every instant: a slot is zeroed before its word says live (release store), a free's
 * word is written before the slot can be reused, a slab's words before its state says in use, a region is mapped
 * (the file extended) before the header counts it. Everything else (counters, free lists, the magazine) is
 * rebuilt from the words on every attach ({@link #attach}).
 */
final class SlabFile {
    private static final System.Logger LOG = System.getLogger("io.slabforge");
    private static final VarHandle INT = JAVA_INT.varHandle();
    private static final VarHandle LONG = JAVA_LONG.varHandle();
    /**
     * Whether this machine makes a thread's stores visible in the order the program makes them (x86's TSO): then a
     * plain store of a word after the stores it publishes is as good as a release store ({@link
     * SlotTable#writeThrough}).
     */
    static final boolean STORES_IN_ORDER = switch (System.getProperty("os.arch", "")) {
        case "amd64", "x86_64", "x86", "i386" -> true;
        default -> false;
    };
    /** Files open for writing in this JVM, by real path: a second writer is refused by name, not by lock error. */
    private static final Set<Path> WRITING = new HashSet<>();

    final Path path;
    private final Path realPath;
    private final FileChannel channel;
    private final FileLock lock;
    private final Arena arena;
    private final MemorySegment header;
    final boolean readOnly;
    final int tag;
    private final SlabFileFormat.RegionLayout layout;
    private final SlabFileFormat.Fingerprint print;
    private final int regionShift;
    private final int regionMask;
    private final int slotBits;
    private final int slotMask;
    private final int slotsPerSlab;
    /** {@link #wordsBelowSlab}: for the first slab of a region, and what each further slab adds. */
    private final long wordsBelowFirstSlab;
    private final long wordsBelowStep;
    /**
     * Mapped regions; grown by copy under the source's lock, read without it by other stripes' frees: volatile, so
     * that a new array is seen with its elements (a plain load on x86). Readers read {@link #mapped} first.
     */
    private volatile MemorySegment[] regions = new MemorySegment[0];
    private volatile int mapped;
    /** The region of the slab {@link #slab} mapped last: what {@link SlabSource#viaOf} names. */
    private MemorySegment lastRegion;
    /** For a reader: the table whose slab entries it fills as regions appear. */
    private SlotTable readerTable;
    private boolean wasClean;
    private long lastWriter;
    private boolean closed;

    private SlabFile(Path path, Path realPath, FileChannel channel, FileLock lock, Arena arena, MemorySegment header,
                     boolean readOnly, int tag, int regionSlabs, SlabFileFormat.Fingerprint print) {
        this.path = path;
        this.realPath = realPath;
        this.channel = channel;
        this.lock = lock;
        this.arena = arena;
        this.header = header;
        this.readOnly = readOnly;
        this.tag = tag;
        this.print = print;
        SlabGeometry g = print.geometry();
        this.layout = SlabFileFormat.RegionLayout.of(regionSlabs, g.slotsPerSlab(), g.slabSize());
        this.regionShift = Integer.numberOfTrailingZeros(regionSlabs);
        this.regionMask = regionSlabs - 1;
        this.slotBits = g.slotBits();
        this.slotMask = (1 << slotBits) - 1;
        this.slotsPerSlab = g.slotsPerSlab();
        this.wordsBelowFirstSlab = layout.slabAt(0) - layout.wordAt(0, 0);
        this.wordsBelowStep = (layout.slabAt(1) - layout.wordAt(1, 0)) - wordsBelowFirstSlab;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Opening

    /**
     * Creates {@code path} or attaches to it for writing: takes the file lock, checks the header and every word
     * (nothing is written before all checks passed), claims the file's cache tag, maps its regions.
     *
     * @throws SlabException for a file of another cache, a damaged or truncated one, a file another writer holds
     */
    static SlabFile openWriter(Path path, SlabFileFormat.Fingerprint print, long maxBytes) {
        if (print.geometry().slotAlignment() > SlabFileFormat.MAX_SLOT_ALIGNMENT) {
            throw new IllegalArgumentException("slots aligned to " + print.geometry().slotAlignment()
                    + " bytes cannot be kept in a file, whose mappings are aligned to " + SlabFileFormat.PAGE);
        }
        Path real = realPathOf(path);
        synchronized (WRITING) {
            if (!WRITING.add(real)) {
                throw new SlabException(path + " is already open for writing by another cache in this JVM; close"
                        + " it first, or open this one with openReadOnly");
            }
        }
        FileChannel channel = null;
        FileLock lock = null;
        Arena arena = null;
        boolean claimed = false;
        int tag = 0;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE,
                    StandardOpenOption.CREATE);
            try {
                lock = channel.tryLock();
            } catch (OverlappingFileLockException e) {
                lock = null;
            }
            if (lock == null) {
                throw new SlabException(path + " is open for writing by another process" + holderOf(channel)
                        + "; one writer at a time (readers use openReadOnly)");
            }
            long size = channel.size();
            int regionSlabs;
            if (size == 0) {
                tag = CacheTags.acquireForNewFile();
                claimed = true;
                regionSlabs = SlabFileFormat.regionSlabsFor(print.geometry(), maxBytes);
                MemorySegment fresh = Arena.ofAuto().allocate(HEADER_BYTES, 8);
                SlabFileFormat.writeNew(fresh, print, regionSlabs, tag);
                fresh.set(JAVA_INT, CLEAN_AT, CLEAN); // nothing to recover in a new file
                fresh.set(JAVA_LONG, WRITER_PID_AT, ProcessHandle.current().pid());
                writeFully(channel, fresh.asByteBuffer(), 0);
                size = HEADER_BYTES;
            } else {
                MemorySegment read = readHeader(channel, size);
                regionSlabs = SlabFileFormat.check(read, size, path, print);
                tag = read.get(JAVA_INT, TAG_AT);
                if (!CacheTags.claim(tag)) {
                    throw new SlabException(path + " holds handles of cache tag " + tag + ", which another open"
                            + " cache in this JVM has (another cache file made with the same tag, one in 2,048 for"
                            + " files made by different processes, or one of more than 2,047 open in-memory caches);"
                            + " the two caches' handles could not be told apart. Close that cache and open this file"
                            + " again");
                }
                claimed = true;
            }
            arena = Arena.ofShared();
            MemorySegment header = channel.map(FileChannel.MapMode.READ_WRITE, 0, HEADER_BYTES, arena);
            SlabFile file = new SlabFile(path, real, channel, lock, arena, header, false, tag, regionSlabs, print);
            file.mapExisting(size, FileChannel.MapMode.READ_WRITE);
            file.checkWords();
            file.wasClean = header.get(JAVA_INT, CLEAN_AT) == CLEAN;
            file.lastWriter = header.get(JAVA_LONG, WRITER_PID_AT);
            // From here on the file is ours: it says so until close() marks it clean.
            header.set(JAVA_LONG, WRITER_PID_AT, ProcessHandle.current().pid());
            INT.setRelease(header, CLEAN_AT, DIRTY);
            return file;
        } catch (IOException e) {
            throw failOpen(new SlabException("cannot open " + path + " for writing: " + e, e), real, channel, lock,
                    arena, claimed ? tag : 0);
        } catch (RuntimeException e) {
            throw failOpen(e, real, channel, lock, arena, claimed ? tag : 0);
        }
    }

    /**
     * Attaches to {@code path} to read while a writer (maybe in another process) works on it.
     *
     * @throws SlabException for a missing file, a file of another cache, a damaged or truncated one
     */
    static SlabFile openReader(Path path, SlabFileFormat.Fingerprint print) {
        FileChannel channel = null;
        Arena arena = null;
        try {
            channel = FileChannel.open(path, StandardOpenOption.READ);
            long size = channel.size();
            MemorySegment read = readHeader(channel, size);
            int regionSlabs = SlabFileFormat.check(read, size, path, print);
            arena = Arena.ofShared();
            MemorySegment header = channel.map(FileChannel.MapMode.READ_ONLY, 0, HEADER_BYTES, arena);
            SlabFile file = new SlabFile(path, path, channel, null, arena, header, true,
                    read.get(JAVA_INT, TAG_AT), regionSlabs, print);
            file.mapExisting(size, FileChannel.MapMode.READ_ONLY);
            return file;
        } catch (IOException e) {
            throw failOpen(new SlabException("cannot open " + path + " for reading: " + e, e), null, channel,
                    null, arena, 0);
        } catch (RuntimeException e) {
            throw failOpen(e, null, channel, null, arena, 0);
        }
    }

    private static RuntimeException failOpen(RuntimeException e, Path real, FileChannel channel, FileLock lock,
                                             Arena arena, int tag) {
        try {
            if (arena != null) {
                arena.close();
            }
            if (lock != null) {
                lock.release();
            }
            if (channel != null) {
                channel.close();
            }
        } catch (IOException | RuntimeException suppressed) {
            e.addSuppressed(suppressed);
        }
        if (tag != 0) {
            CacheTags.release(tag);
        }
        if (real != null) {
            synchronized (WRITING) {
                WRITING.remove(real);
            }
        }
        return e;
    }

    private static Path realPathOf(Path path) {
        try {
            Path absolute = path.toAbsolutePath();
            Path parent = absolute.getParent();
            return Files.exists(absolute) ? absolute.toRealPath()
                    : parent == null ? absolute : parent.toRealPath().resolve(absolute.getFileName());
        } catch (IOException e) {
            throw new SlabException("cannot open " + path + ": " + e, e);
        }
    }

    private static String holderOf(FileChannel channel) {
        try {
            if (channel.size() >= HEADER_BYTES) {
                ByteBuffer pid = ByteBuffer.allocate(8).order(java.nio.ByteOrder.nativeOrder());
                channel.read(pid, WRITER_PID_AT);
                return " (process " + pid.getLong(0) + ")";
            }
        } catch (IOException ignored) {
            // The lock already said enough.
        }
        return "";
    }

    private static MemorySegment readHeader(FileChannel channel, long size) throws IOException {
        MemorySegment header = Arena.ofAuto().allocate(HEADER_BYTES, 8);
        ByteBuffer buffer = header.asByteBuffer();
        while (buffer.hasRemaining() && channel.read(buffer, buffer.position()) > 0) {
            // read what the file has, up to one header
        }
        return header;
    }

    private static void writeFully(FileChannel channel, ByteBuffer buffer, long at) throws IOException {
        long position = at;
        while (buffer.hasRemaining()) {
            position += channel.write(buffer, position);
        }
    }

    /** Maps the regions the header counts, after checking that the file really holds them. */
    private void mapExisting(long size, FileChannel.MapMode mode) throws IOException {
        long count = (long) LONG.getAcquire(header, REGIONS_AT);
        long most = (long) print.geometry().maxSlabs() >>> regionShift;
        if (count < 0 || count > Math.max(1, most)) {
            throw new SlabException(path + " has a header counting " + count + " regions, more than a cache of "
                    + print.geometry().maxSlabs() + " slabs can have. Nothing was changed");
        }
        if (layout.regionOffset(count) > size) {
            throw new SlabException(path + " is truncated: it has " + size + " bytes, but its header counts " + count
                    + " regions, which need " + layout.regionOffset(count) + " bytes. Nothing was changed");
        }
        for (int r = 0; r < count; r++) {
            mapRegion(r, mode);
        }
        mapped = (int) count;
    }

    private void mapRegion(int r, FileChannel.MapMode mode) throws IOException {
        MemorySegment region = channel.map(mode, layout.regionOffset(r), layout.regionBytes(), arena);
        MemorySegment[] all = regions;
        if (r >= all.length) {
            all = Arrays.copyOf(all, Math.max(r + 1, all.length * 2));
        }
        all[r] = region;
        regions = all; // the new element published with the array
    }

    /**
     * Every slab state and every word of every slab in use must be one the engine writes. Bulk copies, then plain
     * loops: an attach runs once, mostly in the interpreter, where a call per word would dominate.
     */
    private void checkWords() {
        int[] states = new int[regionMask + 1];
        int[] words = new int[slotsPerSlab];
        for (int r = 0; r < mapped; r++) {
            MemorySegment region = regions[r];
            MemorySegment.copy(region, JAVA_INT, 0, states, 0, states.length);
            for (int k = 0; k < states.length; k++) {
                int slab = r << regionShift | k;
                if (states[k] == 0) {
                    continue;
                }
                if (states[k] != SLAB_IN_USE) {
                    throw damaged("slab " + slab + " has state 0x" + Integer.toHexString(states[k]));
                }
                MemorySegment.copy(region, JAVA_INT, layout.wordAt(k, 0), words, 0, slotsPerSlab);
                for (int slot = 0; slot < slotsPerSlab; slot++) {
                    int word = words[slot];
                    if (word != HandleFormat.RETIRED && (word & ~(HandleFormat.LIVE | HandleFormat.GENERATION_MASK))
                            != 0) {
                        throw damaged("slot " + slot + " of slab " + slab + " has the generation word 0x"
                                + Integer.toHexString(word) + ", which the engine never writes");
                    }
                }
            }
        }
    }

    /** Copies the file's words of slab {@code slab} into {@code words} from {@code at} (a writer's attach). */
    void copyWords(int slab, int[] words, int at) {
        MemorySegment.copy(regions[slab >>> regionShift], JAVA_INT, layout.wordAt(slab & regionMask, 0), words, at,
                slotsPerSlab);
    }

    private SlabException damaged(String what) {
        return new SlabException(path + " is damaged: " + what + " (made for " + print.describe()
                + "). Nothing was changed");
    }

    // ------------------------------------------------------------------------------------------------------------
    // The writer: slabs, words, flush, close

    /**
     * Where slab {@code slab} is in the file: its region is mapped first (the file grows by whole regions, sparse),
     * and {@link #lastRegion} names that region for {@link SlabSource#viaOf}.
     */
    MemorySegment slab(int slab) {
        int r = slab >>> regionShift;
        try {
            while (mapped <= r) {
                grow();
            }
        } catch (IOException e) {
            throw new SlabOutOfMemoryException("cannot grow " + path + " to " + layout.regionOffset(r + 1L)
                    + " bytes: " + e, e);
        }
        lastRegion = regions[r];
        return lastRegion.asSlice(layout.slabAt(slab & regionMask), layout.slabSize());
    }

    MemorySegment lastRegion() {
        return lastRegion;
    }

    /**
     * One more region: the file is extended (sparse), the region mapped, its slab states cleared if the file
     * already had bytes there, then the header counts it. Bytes past the counted regions are no part of the cache
     * (a pre-extended file, a crash between extending and counting, garbage): read as slab states they would make
     * the next attach refuse the file as damaged, or take garbage words as live objects. The words and slabs need
     * no clearing: a slab's words are all written before its state says in use, and its slots are zeroed (or
     * handed out uninitialised) as for any reused memory.
     */
    private void grow() throws IOException {
        int r = mapped;
        long start = layout.regionOffset(r);
        long end = layout.regionOffset(r + 1L);
        long size = channel.size();
        if (size < end) {
            writeFully(channel, ByteBuffer.allocate(1), end - 1);
        }
        mapRegion(r, FileChannel.MapMode.READ_WRITE);
        if (size > start) {
            regions[r].asSlice(0, layout.statesBytes()).fill((byte) 0);
        }
        mapped = r + 1;
        LONG.setRelease(header, REGIONS_AT, (long) r + 1);
    }

    /** The file's copy of the word of slot {@code index} becomes {@code word} (never IN_MAGAZINE). */
    void writeWord(int index, int word) {
        int slab = index >>> slotBits;
        INT.setRelease(regions[slab >>> regionShift], layout.wordAt(slab & regionMask, index & slotMask), word);
    }

    /**
     * How many bytes below the first byte of slab {@code slab} the word of its slot 0 is, in the mapping: a region
     * holds its slabs' states, then their words, then the slabs.
     */
    long wordsBelowSlab(int slab) {
        return wordsBelowFirstSlab + (slab & regionMask) * wordsBelowStep;
    }

    /** After its words were written: slab {@code slab} is part of the cache from now on, whatever happens. */
    void markInUse(int slab) {
        INT.setRelease(regions[slab >>> regionShift], (long) (slab & regionMask) * Integer.BYTES, SLAB_IN_USE);
    }

    int fileWord(int index) {
        int slab = index >>> slotBits;
        return (int) INT.getAcquire(regions[slab >>> regionShift], layout.wordAt(slab & regionMask,
                index & slotMask));
    }

    /** Whether slab {@code slab} of a mapped region is in use. */
    boolean inUse(int slab) {
        return (int) INT.getAcquire(regions[slab >>> regionShift], (long) (slab & regionMask) * Integer.BYTES)
                == SLAB_IN_USE;
    }

    /** Slab indices the mapped regions cover. */
    int slabsMapped() {
        return mapped << regionShift;
    }

    MemorySegment regionOfSlab(int slab) {
        return regions[slab >>> regionShift];
    }

    long slabOffsetInRegion(int slab) {
        return layout.slabAt(slab & regionMask);
    }

    boolean wasClean() {
        return wasClean;
    }

    long lastWriter() {
        return lastWriter;
    }

    /** Frees counted as of the last flush or close (0 for a new file). */
    long savedFrees() {
        return Math.max(0, header.get(JAVA_LONG, FREES_AT));
    }

    /**
     * Forces every mapped page and the header to the storage device: what was written so far survives an OS
     * crash or power loss.
     */
    void flush(long frees) {
        header.set(JAVA_LONG, FREES_AT, frees);
        for (int r = 0; r < mapped; r++) {
            regions[r].force();
        }
        header.force();
        try {
            channel.force(true);
        } catch (IOException e) {
            throw new SlabException("cannot flush " + path + ": " + e, e);
        }
    }

    /** Marks the file clean (a writer) and unmaps it; every segment of it is unusable from here. */
    void close(long frees) {
        if (closed) {
            return;
        }
        closed = true;
        SlabException failure = null;
        if (!readOnly) {
            header.set(JAVA_LONG, FREES_AT, frees);
            INT.setRelease(header, CLEAN_AT, CLEAN);
        }
        arena.close();
        try {
            if (lock != null) {
                lock.release();
            }
            channel.close();
        } catch (IOException e) {
            failure = new SlabException("cannot close " + path + ": " + e, e);
        }
        if (!readOnly) {
            synchronized (WRITING) {
                WRITING.remove(realPath);
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /**
     * The recovery procedure, run on every attach (clean or not), before the cache is handed out: every slab the
     * file says is in use is published and given to the pool that owns its index, whose counters and free list are
     * rebuilt from the words; indices below a pool's highest one that were never used are set up as empty slabs
     * (a pool hands out slab indices in order); frees of earlier runs count in the statistics as of the last
     * flush or close. The words were checked by {@link #openWriter}.
     */
    void attach(SlotTable table, SlabPool[] pools, SlabSource source) {
        int stripeMask = pools.length - 1;
        int shift = Integer.numberOfTrailingZeros(pools.length);
        int slabs = Math.min(slabsMapped(), print.geometry().maxSlabs());
        int[] top = new int[pools.length];
        Arrays.fill(top, -1);
        int last = -1;
        for (int k = 0; k < slabs; k++) {
            if (inUse(k)) {
                last = k;
                top[k & stripeMask] = k >>> shift;
            }
        }
        long live = 0;
        int held = 0;
        int holes = 0;
        if (last >= 0) {
            table.ensureSlabs(last + 1);
            for (SlabPool each : pools) {
                each.refreshWords();
            }
            for (int k = 0; k <= last; k++) {
                boolean used = inUse(k);
                if (!used && k >>> shift > top[k & stripeMask]) {
                    continue;
                }
                MemorySegment slab = source.adopt(k);
                if (used) {
                    copyWords(k, table.words, k << slotBits);
                } else {
                    table.initialiseWords(k, java.util.concurrent.ThreadLocalRandom.current().nextInt()
                            & HandleFormat.GENERATION_MASK);
                    holes++;
                }
                MemorySegment via = lastRegion();
                table.publish(k, via, table.direct ? slab.address() : slab.address() - via.address());
                live += pools[k & stripeMask].adoptSlab(k >>> shift);
                held++;
            }
        }
        pools[0].adoptFrees(savedFrees());
        logRecovery(held, live, holes);
    }

    private void logRecovery(int slabs, long live, int holes) {
        if (!wasClean) {
            LOG.log(System.Logger.Level.WARNING, "Slabforge cache file " + path + " was not closed cleanly (last"
                    + " writer: process " + lastWriter + "); rebuilt the live counts, free lists and statistics of "
                    + slabs + " slabs from the generation words: " + live + " live objects"
                    + (holes > 0 ? ", " + holes + " unused slab indices set up" : ""));
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // A reader: words from the file, regions as they appear

    void attachReader(SlotTable table) {
        this.readerTable = table;
        publishRegions(0, mapped);
    }

    /**
     * Whether {@code handle} is live in the file right now: the tag, a slot of a slab in use, and the word the
     * writer wrote last. Maps regions the writer added since the last look.
     */
    boolean isLiveInFile(long handle, long tagBits) {
        if ((handle & HandleFormat.TAG_MASK) != tagBits) {
            return false;
        }
        int index = HandleFormat.index(handle);
        int slab = index >>> slotBits;
        if ((index & slotMask) >= slotsPerSlab) {
            return false;
        }
        if (slab >>> regionShift >= mapped && !refresh(slab >>> regionShift)) {
            return false;
        }
        return inUse(slab) && fileWord(index) == HandleFormat.liveWord(handle);
    }

    /** Maps what the writer added, if region {@code r} is among it; whether it is now mapped. */
    synchronized boolean refresh(int r) {
        if (closed) {
            return false;
        }
        int before = mapped;
        int now = before;
        try {
            long count = Math.min((long) LONG.getAcquire(header, REGIONS_AT),
                    (long) print.geometry().maxSlabs() >>> regionShift);
            long size = channel.size();
            for (; now < count && layout.regionOffset(now + 1L) <= size; now++) {
                mapRegion(now, FileChannel.MapMode.READ_ONLY);
            }
        } catch (IOException e) {
            throw new SlabException("cannot map the regions " + path + " grew by: " + e, e);
        }
        if (now > before) {
            publishRegions(before, now);
            mapped = now; // after the table has their slabs: a reader that sees the count finds them there
        }
        return r < mapped;
    }

    private void publishRegions(int from, int to) {
        SlotTable table = readerTable;
        int slabs = (int) Math.min((long) to << regionShift, print.geometry().maxSlabs());
        table.ensureSlabs(slabs);
        for (int slab = from << regionShift; slab < slabs; slab++) {
            table.publish(slab, regionOfSlab(slab), slabOffsetInRegion(slab));
        }
    }

    /** Calls {@code action} with every handle live in the file, slab by slab, as the words are at each look. */
    void forEachLive(java.util.function.LongConsumer action, long tagBits) {
        refresh(Integer.MAX_VALUE);
        int slabs = Math.min(slabsMapped(), print.geometry().maxSlabs());
        for (int slab = 0; slab < slabs && !closed; slab++) {
            if (!inUse(slab)) {
                continue;
            }
            for (int slot = 0; slot < slotsPerSlab; slot++) {
                int index = slab << slotBits | slot;
                int word = fileWord(index);
                if ((word & ~HandleFormat.GENERATION_MASK) == HandleFormat.LIVE) { // a damaged word is no object
                    action.accept(HandleFormat.handle(tagBits, word, index));
                }
            }
        }
    }

    /** Slabs the file says are in use right now (a reader's statistics). */
    long slabsInUse() {
        refresh(Integer.MAX_VALUE);
        long count = 0;
        int slabs = Math.min(slabsMapped(), print.geometry().maxSlabs());
        for (int slab = 0; slab < slabs; slab++) {
            count += inUse(slab) ? 1 : 0;
        }
        return count;
    }

    /** Slots live in the file right now (a reader's statistics). */
    long liveInFile(long tagBits) {
        long[] count = new long[1];
        forEachLive(handle -> count[0]++, tagBits);
        return count[0];
    }

    /** Unmaps and unlocks without marking the file clean: an attach that failed half way. */
    void abandon() {
        if (closed) {
            return;
        }
        closed = true;
        arena.close();
        try {
            if (lock != null) {
                lock.release();
            }
            channel.close();
        } catch (IOException ignored) {
            // Nothing was promised about a file whose attach failed; its own error is the one reported.
        }
        synchronized (WRITING) {
            WRITING.remove(realPath);
        }
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
