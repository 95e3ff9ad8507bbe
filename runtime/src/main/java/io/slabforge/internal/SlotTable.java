package io.slabforge.internal;

import static io.slabforge.internal.HandleFormat.GENERATION_MASK;
import static io.slabforge.internal.HandleFormat.INDEX_MASK;
import static io.slabforge.internal.HandleFormat.LIVE;
import static io.slabforge.internal.HandleFormat.RETIRED;
import static io.slabforge.internal.HandleFormat.TAG_MASK;

import io.slabforge.InvalidHandleException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * What every access through a handle reads: the generation word of each slot and where each slab is. All of it is
 * on the heap, in primitive arrays, because C2 can prove that a store to native memory (a field write) never
 * changes a heap array: consecutive accesses through one handle then share one check, and a loop keeps it in
 * registers (benchmarks/ANALYSIS.md, "Engine v2").
 *
 * <pre>
 *  handle ──▶ index = slab &lt;&lt; slotBits | slot
 *               │
 *               ├──▶ words[index]   int: LIVE | generation (HandleFormat)
 *               └──▶ slab = index &gt;&gt;&gt; slotBits
 *                      ├──▶ bases[slab]   long: the slab's address (direct) or its offset in vias[slab]
 *                      └──▶ vias[slab]    the segment the slab is reached through (its region, or the provider's
 *                                         own segment); RELEASED where no slab is held
 *  slot at  bases[slab] + slot * slotSize   in  direct ? all memory : vias[slab]
 * </pre>
 *
 * <p>The arrays grow by copy, by an eighth at a time (so a cache of 10 million slots carries little slack), under
 * every lock that guards a writer of them: on a striped cache every stripe's (see {@link SlabEngine}), so that no
 * stripe writes a word into an array being copied. A lock-free reader may still read the old array for a while;
 * it then sees the old word, which is the race every {@code LOCKED} field access already allows.
 *
 * <p>Written by the engine's pools (under their lock on a {@code LOCKED} cache), read without lock by field
 * accesses: a reader racing a writer sees the old or the new word, never a torn one.
 */
final class SlotTable {
    /** What a released slab index is reached through: every access through it throws IllegalStateException. */
    static final MemorySegment RELEASED;

    static {
        Arena closed = Arena.ofShared();
        RELEASED = closed.allocate(1);
        closed.close();
    }

    private static final int[] NO_WORDS = new int[0];
    private static final VarHandle WORDS = MethodHandles.arrayElementVarHandle(int[].class);
    /**
     * Bounds every address below 2^62 (user-space addresses are below 2^57), so C2 can prove an access through all
     * memory in range and drops FFM's bounds check.
     */
    private static final long ADDRESS_MASK = (1L << 62) - 1;
    /** At least every slot number: slabs of at most 2^24 bytes hold at most 2^22 slots of 4 bytes. */
    private static final int MAX_SLOT = (1 << 22) - 1;
    /** At least every slot size: a slot fits its slab. */
    private static final long MAX_SLOT_SIZE = SlabGeometry.MAX_SLAB_SIZE * 2 - 1;

    final SlabGeometry geometry;
    final long slotSize;
    final int slotsPerSlab;
    final int slotBits;
    final int slotMask;
    final int tag;
    final long tagBits;
    final boolean checked;
    /** Slabs are reached at their addresses through {@link Everything#MEMORY}: see {@link SlabEngine#isDirect()}. */
    final boolean direct;
    /** The only thread that may use a {@code CONFINED} cache, else null. */
    final Thread owner;
    /** A direct table whose lock-free readers may race a release ({@code LOCKED}): bases are never cleared. */
    final boolean keepBases;
    /**
     * The cache file of a file-backed cache, else null: a writer's table writes every word change through to it
     * ({@link #persistWord}); a reader's table checks every handle against it.
     */
    final SlabFile file;
    /** A reader of a cache file ({@code openReadOnly}): every write, allocation and free is refused. */
    final boolean readOnly;

    /** The generation word of every slot by global index; read directly by the pools' hot paths. */
    int[] words = NO_WORDS;
    /**
     * The columns attached to this (primary) table, or null (the common case: one field read per free). Replaced,
     * never changed in place, under every lock of the primary.
     */
    ColumnSlabs[] columns;
    /** On a column's table: the column record's {@code GEOMETRY}, which its generated code passes; else null. */
    SlabGeometry columnRecord;
    /** A column's table holds its primary's, so that the primary's retained regions outlive every column access. */
    private SlotTable primary;
    private long[] bases = new long[0];
    private MemorySegment[] vias = new MemorySegment[0];
    private boolean closed;
    /**
     * The {@code Ref} of the innermost scan walking this table, the others chained by {@link SlabRef#outer}; null
     * when none. Changed by the walk under the same locks as the walk itself.
     */
    SlabRef walking;
    /**
     * Allocations and frees a scan's action made on a cache of several pools, whose walk holds every pool's lock
     * ({@link #walkedChange}); the walk compares it after each step. Written only while {@link #walking} is set,
     * so by the holder of every lock.
     */
    long walkChanges;
    /** Which cache this is, for messages and events; the engine sets it right after construction. */
    CacheIdentity identity;

    SlotTable(SlabGeometry geometry, int tag, boolean checked, boolean direct, Thread owner, boolean keepBases) {
        this(geometry, tag, checked, direct, owner, keepBases, null);
    }

    /** A table whose words are mirrored in {@code file} (a writer's), or checked against it (a reader's). */
    SlotTable(SlabGeometry geometry, int tag, boolean checked, boolean direct, Thread owner, boolean keepBases,
              SlabFile file) {
        this.file = file;
        this.readOnly = file != null && file.readOnly;
        this.geometry = geometry;
        this.slotSize = geometry.slotSize();
        this.slotsPerSlab = geometry.slotsPerSlab();
        this.slotBits = geometry.slotBits();
        this.slotMask = (1 << slotBits) - 1;
        this.tag = tag;
        this.tagBits = HandleFormat.tagBits(tag);
        this.checked = checked;
        this.direct = direct;
        this.owner = owner;
        this.keepBases = keepBases;
        this.identity = new CacheIdentity(null, "SlabEngine", null, tag);
    }

    // ------------------------------------------------------------------------------------------------------------
    // The check every access makes

    /**
     * Where {@code size} bytes at {@code offset} in the slot of {@code handle} are: an address on a direct table,
     * else an offset in {@link #memoryOf(long) memoryOf(handle)}. Validates the handle as the cache was built to
     * (tag, generation and liveness when checked; the slab and slot always) and bounds the access to the slot.
     */
    long locate(long handle, long offset, long size) {
        return locate(geometry, handle, offset, size);
    }

    long locate(SlabGeometry g, long handle, long offset, long size) {
        int bits = g == geometry ? g.slotBits() : columnSlotBits(g);
        int index = checkedIndex(handle);
        if (offset < 0 || offset > g.slotSize() - size) {
            throw outsideSlot(offset, size);
        }
        return slotAddress(handle, index, bits, g.slotSize()) + offset;
    }

    /**
     * The slot bits with which {@link #locate} splits an index when generated {@code Column} code passes its record's
     * own {@code GEOMETRY} to a column's table: that geometry's slot size is this table's, so the slot bound and
     * the slot arithmetic fold as on a cache; only the split of the index into slab and slot takes this table's
     * {@code slotBits} (the primary's). A merge into one {@code locate} rather than a column {@code locate} of its
     * own: C2 inlines {@code locate}'s callees at one call site each, at the frequency of every access, where a
     * second copy of them behind a rarely-profiled branch was compiled as a call (a column read cost 2x a
     * primary read: benchmarks/ANALYSIS.md, "Column access").
     */
    private int columnSlotBits(SlabGeometry g) {
        if (g == null || g != columnRecord) {
            throw foreignGeometry(g);
        }
        return slotBits;
    }

    /** The global slot index of {@code handle}, validated as the cache was built to; on the owner thread only. */
    private int checkedIndex(long handle) {
        checkThread();
        int index = (int) handle & INDEX_MASK;
        if (checked) {
            if ((handle & TAG_MASK) != tagBits || word(index) != HandleFormat.liveWord(handle)) {
                throw invalid(handle);
            }
        } else if (readOnly ? !file.isLiveInFile(handle, tagBits) : !isHeldSlot(index)) {
            throw invalid(handle); // a reader's table is unchecked: its words are the file's, checked here
        }
        return index;
    }

    /** Where slot {@code index} starts, with {@code bits} slot bits and {@code slotSize}-byte slots. */
    private long slotAddress(long handle, int index, int bits, long slotSize) {
        long[] b = bases;
        int slab = index >>> bits;
        if (Integer.compareUnsigned(slab, b.length) >= 0) {
            throw invalid(handle); // only a LOCKED reader racing the table's growth gets here
        }
        return (b[slab] & ADDRESS_MASK) + (long) (index & ((1 << bits) - 1)) * slotSize;
    }

    /** {@link #locate} for a write: a reader's table refuses it before anything is touched. */
    long locateWrite(SlabGeometry g, long handle, long offset, long size) {
        if (readOnly) {
            throw readOnlyException();
        }
        return locate(g, handle, offset, size);
    }

    UnsupportedOperationException readOnlyException() {
        return new UnsupportedOperationException("this cache reads " + file + " (openReadOnly): it cannot write,"
                + " allocate or free; open the file with open(path) for that (one writer at a time)");
    }

    /**
     * The segment {@link #locate} answers in: all memory on a direct table, else the slab's via. A {@code LOCKED}
     * reader racing the slab's release or {@code close()} gets {@link IllegalStateException}, never another
     * exception and never a fault.
     */
    MemorySegment memoryOf(long handle) {
        if (direct) {
            return Everything.MEMORY;
        }
        MemorySegment[] v = vias;
        int slab = ((int) handle & INDEX_MASK) >>> slotBits;
        MemorySegment via = slab < v.length ? v[slab] : RELEASED;
        if (via == RELEASED) {
            throw new IllegalStateException("the slab of handle " + HandleFormat.describe(handle, slotBits)
                    + " was given back, or the cache closed, during the access");
        }
        return via;
    }

    /** Whether {@code index} is a slot of a held slab; only unchecked accesses need to ask. */
    private boolean isHeldSlot(int index) {
        int slab = index >>> slotBits;
        if ((index & slotMask) >= slotsPerSlab) {
            return false;
        }
        if (direct && !keepBases) {
            long[] b = bases;
            return slab < b.length && b[slab] != 0;
        }
        MemorySegment[] v = vias;
        return slab < v.length && v[slab] != RELEASED;
    }

    void checkThread() {
        if (owner != null && Thread.currentThread() != owner) {
            throw wrongThread();
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Generation words

    /** The generation word of slot {@code index}, or {@link HandleFormat#RETIRED} beyond the table. */
    int word(int index) {
        int[] w = words;
        return Integer.compareUnsigned(index, w.length) < 0 ? w[index] : RETIRED;
    }

    void setWord(int index, int word) {
        words[index] = word;
    }

    /**
     * A word change that a cache file must see (allocate, free, retire, a new slab): written through to the file of
     * a file-backed table, as the word without {@link HandleFormat#IN_MAGAZINE} (the magazine is not in the file).
     */
    void persistWord(int index, int word) {
        if (file != null) {
            file.writeWord(index, word == RETIRED ? word : word & ~HandleFormat.IN_MAGAZINE);
        }
    }

    /**
     * The write-through of the hot paths (allocate's publish after the zeroing, free's new generation) on a
     * file-backed writer's table, for a slot of a slab this table holds. On a machine whose stores become visible
     * in program order, a plain store at the word's place, found from the slab's base as its slots are (a region
     * keeps its words below its slabs, in the same mapping): an address on a direct table, an offset in the slab's
     * region otherwise. C2 keeps stores to native memory in program order, so it lands after the zeroing as a
     * release store would, without the release's compiler barrier, after which C2 would reload every heap word the
     * following checks read (the generated {@code allocate(record)}'s field writes then fold their checks as on an
     * in-memory cache). Elsewhere the file's own release store.
     */
    void writeThrough(int index, int word) {
        if (SlabFile.STORES_IN_ORDER) {
            int slab = index >>> slotBits;
            // The outer mask changes no value (a word's place is far below 2^62) but, as in slotAt, lets C2 prove
            // the address in range, which the subtraction alone does not: FFM's bounds check then folds away.
            long at = ((bases[slab] & ADDRESS_MASK) - file.wordsBelowSlab(slab)
                    + (long) (index & slotMask & MAX_SLOT) * Integer.BYTES) & ADDRESS_MASK;
            memoryOfSlab(slab).set(ValueLayout.JAVA_INT_UNALIGNED, at, word);
        } else {
            file.writeWord(index, word);
        }
    }

    /**
     * Moves word {@code index} of {@code w} (the table's words, read once by the caller) from {@code expect} to
     * {@code update} atomically: how a {@code LOCKED} cache frees, so that of two threads freeing one handle (its
     * owner's pool holder and a remote thread, or two remote threads) exactly one succeeds.
     */
    static boolean casWord(int[] w, int index, int expect, int update) {
        return WORDS.compareAndSet(w, index, expect, update);
    }

    /** Whether {@code handle} is a live handle of this table; never throws. */
    boolean isLive(long handle) {
        if (readOnly) {
            return (handle & TAG_MASK) == tagBits && !closed && file.isLiveInFile(handle, tagBits);
        }
        return (handle & TAG_MASK) == tagBits && !closed
                && word((int) handle & INDEX_MASK) == HandleFormat.liveWord(handle);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Slabs (written by the engine's pools, under the table lock on a striped cache)

    /** Slab indices the table has room for. */
    int slabCapacity() {
        return bases.length;
    }

    /**
     * Makes room for slab indices below {@code slabs}; the words of new slots are {@link HandleFormat#RETIRED}. The
     * caller holds every lock under which words are written (see the class comment).
     */
    void ensureSlabs(int slabs) {
        if (slabs <= bases.length) {
            return;
        }
        int length = Math.min(geometry.maxSlabs(), Math.max(slabs, bases.length + Math.max(8, bases.length >> 3)));
        MemorySegment[] v = Arrays.copyOf(vias, length);
        Arrays.fill(v, vias.length, length, RELEASED);
        long[] b = Arrays.copyOf(bases, length);
        int[] w = Arrays.copyOf(words, length << slotBits);
        Arrays.fill(w, words.length, w.length, RETIRED);
        idleWalkingRefs(); // a positioned Ref compares words in the array its walk reads (SlabRef#stillLive)
        // Words first: a reader that sees the new bases finds the words of every slab in them.
        words = w;
        vias = v;
        bases = b;
        if (columns != null) {
            for (ColumnSlabs column : columns) {
                column.table.follow(this);
            }
        }
    }

    /**
     * Makes this column table read {@code primary}'s generation words (the same array: a column slot is valid
     * exactly when the primary's slot is) and have room for every slab index {@code primary} has.
     */
    void follow(SlotTable primary) {
        this.primary = primary;
        int length = primary.bases.length;
        if (length > bases.length) {
            MemorySegment[] v = Arrays.copyOf(vias, length);
            Arrays.fill(v, vias.length, length, RELEASED);
            long[] b = Arrays.copyOf(bases, length);
            vias = v;
            bases = b;
        }
        if (words != primary.words) {
            idleWalkingRefs();
            words = primary.words;
        }
    }

    /** Attaches a column; the caller holds every lock of the primary. */
    void attach(ColumnSlabs column) {
        ColumnSlabs[] all = columns == null ? new ColumnSlabs[1] : Arrays.copyOf(columns, columns.length + 1);
        all[all.length - 1] = column;
        columns = all;
    }

    /** Every column takes a slab for primary slab {@code slab}; if one cannot, those taken are given back. */
    void acquireColumns(int slab) {
        ColumnSlabs[] all = columns;
        for (int i = 0; i < all.length; i++) {
            try {
                all[i].acquired(slab);
            } catch (RuntimeException | Error e) {
                for (int j = 0; j < i; j++) {
                    all[j].released(slab);
                }
                throw e;
            }
        }
    }

    /** Every column gives back its slab of primary slab {@code slab}; the first provider failure is thrown. */
    void releaseColumns(int slab) {
        ColumnSlabs[] all = columns;
        if (all == null) {
            return;
        }
        RuntimeException failure = null;
        for (ColumnSlabs column : all) {
            try {
                column.released(slab);
            } catch (RuntimeException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (failure != null) {
            throw failure;
        }
    }

    /** A primary slot was freed: its column slots read zeros for the slot's next owner. */
    void clearColumns(long handle) {
        int index = (int) handle & INDEX_MASK;
        for (ColumnSlabs column : columns) {
            column.clear(index);
        }
    }

    /** Gives slab {@code slab} fresh generation words, all free in generation {@code start}. */
    void initialiseWords(int slab, int start) {
        int first = slab << slotBits;
        for (int slot = 0; slot < slotsPerSlab; slot++) {
            setWord(first + slot, start & GENERATION_MASK);
            persistWord(first + slot, start & GENERATION_MASK);
        }
        if (file != null) {
            file.markInUse(slab); // after its words: a slab the file says is in use has words that say what is live
        }
    }

    /**
     * Whether held slab {@code next} starts where held slab {@code slab} ends, in the same via: a walk may step from
     * the last slot of one into the first of the other by adding the slot size.
     */
    boolean continues(int slab, int next) {
        return vias[next] == vias[slab]
                && (bases[next] & ADDRESS_MASK) == (bases[slab] & ADDRESS_MASK) + geometry.slabSize();
    }

    /** The address held slab {@code slab} starts at (direct or not). */
    long slabAddress(int slab) {
        long base = bases[slab] & ADDRESS_MASK;
        return direct ? base : vias[slab].address() + base;
    }

    /** Slab {@code slab} is now reached through {@code via} at {@code base}. */
    void publish(int slab, MemorySegment via, long base) {
        bases[slab] = base;
        vias[slab] = via;
    }

    /**
     * Slab {@code slab} is no longer held. Its generation words stay, so its handles stay stale. A direct
     * {@code LOCKED} table keeps the base: a reader that passed validation just before the release still lands in
     * the slab's (still mapped, private) memory instead of at address 0.
     */
    void unpublish(int slab) {
        idleWalkingRefs();
        vias[slab] = RELEASED;
        if (direct && !keepBases) {
            bases[slab] = 0;
        }
    }

    MemorySegment via(int slab) {
        return vias[slab];
    }

    /** Where held slab {@code slab} starts: an address on a direct table, else an offset in its via. */
    long slabBase(int slab) {
        return bases[slab] & ADDRESS_MASK;
    }

    /**
     * On the paths that allocate or free while the pool is held as a lock, not leased (every allocation and free of
     * a scan's action on a cache of several pools, see {@code SlabScan}): counts the change for the walk, if one
     * is under way. Not on a leased fast path, which cannot run during such a walk.
     */
    void walkedChange() {
        if (walking != null) {
            walkChanges++;
        }
    }

    /**
     * Sends every positioned {@code Ref} back to the checked path: before a slab is given back or the table closes
     * (either may happen in a scan's action: a free that empties a slab, {@code trim()}, {@code close()}).
     */
    void idleWalkingRefs() {
        for (SlabRef c = walking; c != null; c = c.outer) {
            c.leave();
        }
    }

    /**
     * The slot of a validated handle as a slice of its slab's via: never of all memory. A {@code LOCKED} caller
     * racing the slab's release or {@code close()} gets {@link IllegalStateException}.
     */
    MemorySegment slotSegment(long handle) {
        int index = (int) handle & INDEX_MASK;
        int slab = index >>> slotBits;
        MemorySegment[] v = vias;
        long[] b = bases;
        MemorySegment via = slab < v.length && slab < b.length ? v[slab] : RELEASED;
        if (via == RELEASED) {
            throw new IllegalStateException("the slab of handle " + HandleFormat.describe(handle, slotBits)
                    + " was given back, or the cache closed, during the call");
        }
        long base = direct ? b[slab] - via.address() : b[slab];
        return via.asSlice(base + (long) (index & slotMask) * slotSize, slotSize);
    }

    long base(int slab) {
        return bases[slab];
    }

    /** Where slot {@code slot} of held slab {@code slab} is, in {@link #memoryOfSlab(int)}. */
    long slotAt(int slab, int slot) {
        // The masks change no value (slots < 2^22, slot sizes <= 2^24, addresses < 2^62) but let C2 prove that
        // every address is far below 2^63, so FFM's bounds check against all memory folds away.
        return (bases[slab] & ADDRESS_MASK) + (long) (slot & MAX_SLOT) * (slotSize & MAX_SLOT_SIZE);
    }

    MemorySegment memoryOfSlab(int slab) {
        return direct ? Everything.MEMORY : vias[slab];
    }

    /** The slab as a segment of its own (a slice of its via), for the provider and for {@code segment(h)}. */
    MemorySegment slabSegment(int slab) {
        MemorySegment via = vias[slab];
        long offset = direct ? bases[slab] - via.address() : bases[slab];
        return offset == 0 && via.byteSize() == geometry.slabSize() ? via : via.asSlice(offset, geometry.slabSize());
    }

    /**
     * The first step of {@code close()}, before any slab is given back: from here on {@link #isClosed()} is true,
     * so that a lock-free access of a {@code LOCKED} cache that read a slot while close gave it back (the value
     * it read may then be any bytes of that slot's memory) finds the cache closed when it asks
     * ({@link SlabEngine#isClosed()}). The fence keeps the provider's writes to the slabs given back after it.
     */
    void closing() {
        closed = true;
        VarHandle.releaseFence();
    }

    /** After {@code close()}: every access fails, and no word, base or via stays reachable. */
    void close() {
        closed = true;
        idleWalkingRefs();
        words = NO_WORDS;
        bases = new long[0];
        vias = new MemorySegment[0];
        if (columns != null) {
            for (ColumnSlabs column : columns) {
                column.table.close();
            }
        }
    }

    boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Errors

    /**
     * Use after {@code close()}: names the cache by its type, name, record, tag and geometry, for example
     * {@code ParticleSlab "particles" (com.example.Particle, tag 7, 32-byte slots in 4096-byte slabs) is closed}.
     */
    IllegalStateException closedException() {
        return new IllegalStateException(identity.describe(", " + slotSize + "-byte slots in " + geometry.slabSize()
                + "-byte slabs") + " is closed; it cannot be used after close()");
    }

    WrongThreadException wrongThread() {
        return new WrongThreadException("this cache is confined to thread " + owner.getName()
                + "; build it with sync(SlabSync.LOCKED) to share it, not use it from "
                + Thread.currentThread().getName());
    }

    private IllegalArgumentException foreignGeometry(SlabGeometry g) {
        return new IllegalArgumentException("geometry " + g + " is not this cache's own " + geometry);
    }

    private static IndexOutOfBoundsException outsideSlot(long offset, long size) {
        return new IndexOutOfBoundsException("an access of " + size + " bytes at offset " + offset
                + " is outside the slot");
    }

    /** Why {@code handle} was refused: IllegalStateException after close, else InvalidHandleException. */
    RuntimeException invalid(long handle) {
        if (closed) {
            return closedException();
        }
        String why;
        int index = (int) handle & INDEX_MASK;
        int slab = index >>> slotBits;
        int slot = index & slotMask;
        if (handle == 0) {
            why = "0 is never a handle (a closed box, or an unset field?)";
        } else if ((handle & TAG_MASK) != tagBits) {
            why = HandleFormat.tag(handle) == 0 ? "no cache makes handles with tag 0 (a random long?)"
                    : "it belongs to another cache (tag " + HandleFormat.tag(handle) + ", this cache is " + tag + ")";
        } else if (slab >= vias.length || vias[slab] == RELEASED) {
            why = "slab " + slab + " is not held by this cache";
        } else if (slot >= slotsPerSlab) {
            why = "slot " + slot + " is beyond the " + slotsPerSlab + " slots of a slab";
        } else {
            int word = readOnly ? file.fileWord(index) : word(index);
            int generation = HandleFormat.generation(handle);
            if (word != RETIRED) {
                word &= ~(HandleFormat.IN_MAGAZINE | HandleFormat.REMOTE);
            }
            if (word == RETIRED) {
                why = "the slot was retired after 2^24 reuses (stale handle, generation " + generation + ")";
            } else if ((word & LIVE) == 0 && word == ((generation + 1) & GENERATION_MASK)) {
                why = "it was freed (use after free or double free)";
            } else if ((word & LIVE) == 0) {
                why = "the slot is free (stale handle, generation " + generation + ")";
            } else {
                why = "stale generation " + generation + ": the slot was reused (now generation "
                        + (word & GENERATION_MASK) + ")";
            }
        }
        SlabEvents.invalidHandle(identity, handle, why);
        return new InvalidHandleException("invalid handle " + HandleFormat.describe(handle, slotBits) + ": " + why);
    }
}
