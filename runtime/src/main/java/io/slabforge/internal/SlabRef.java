package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.JAVA_BOOLEAN;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_CHAR_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_DOUBLE_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_INT_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_LONG_UNALIGNED;
import static java.lang.foreign.ValueLayout.JAVA_SHORT_UNALIGNED;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

/**
 * The base of every generated {@code Ref}: the wrapped handle, and the scalar field accesses, which run in place at
 * the slot that {@code scan}'s walk positioned this {@code Ref} on, without the handle check the walk already made
 * (it read the slot's generation word itself), and otherwise, like every other access, through the engine, which
 * validates the handle. <b>Not API</b>: generated code extends it (as {@code Box} extends {@link SlabBox}).
 *
 * <p>Only the walk ({@link SlabScan}) positions a {@code Ref}, at a live slot of a slab the cache holds, for one call
 * of the action. {@link #point} (the generated {@code wrap}) leaves that state, so a {@code Ref} wrapped at another
 * handle inside the action is checked as usual. Whatever could take the memory away while a {@code Ref} is
 * positioned first sends it back to the checked path ({@link SlotTable#idleWalkingRefs}: a slab given back after a
 * free in the action, {@code close()} in the action), and every walk ends with its {@code Ref} idle, so one kept
 * after the scan validates its handle again. The owner check of a {@code CONFINED} cache stays on the positioned path. No
 * method here takes an address, and none but {@link #handle()} is public.
 *
 * <pre>{@code
 * // generated: ParticleSlab.Ref
 * public double x() {
 *     long handle = handle();
 *     return getDouble(GEOMETRY, handle, X_OFFSET);
 * }
 * }</pre>
 */
public abstract class SlabRef {
    private static final long ADDRESS_MASK = (1L << 62) - 1;
    private static final int[] NO_WORDS = new int[0];
    /** {@link #positionedAt}'s answer when the access must take the checked path. */
    private static final long CHECKED = -1;

    /** The engine of the cache this {@code Ref} came from. */
    protected final SlabEngine engine;
    private final SlotTable table;
    private final SlabGeometry geometry;
    private final boolean direct;
    private final long tagBits;
    /** The wrapped handle while idle; while positioned, the handle is made from the index and the word. */
    private long handle;
    /** Whether the walk has this {@code Ref} at a slot: then {@link #slotIndex} says which, else {@link #handle}. */
    private boolean positioned;
    /**
     * While positioned, the slot's index and the live word the walk read: with {@link #positioned}, which stays
     * true from slot to slot, all the walk stores per slot. Two fields, not one packed {@code long}: C2 then sees
     * an access's index and word as the walk's own values, and shares the walk's load of the word where an access
     * compares it ({@link #stillLive}).
     */
    private int slotIndex;
    private int slotWord;
    /**
     * Where slot {@link #runFirst} starts, an address (direct) or an offset in {@link #via}: the walk sets both once
     * per run of slots, and an access computes its slot's place from them and the index.
     */
    private long runAt;
    private int runFirst;
    /** The run's segment on the region path, set with {@link #runAt}. */
    private MemorySegment via = SlotTable.RELEASED;
    /**
     * The words array the walk reads, set with {@link #runAt}: where another thread may free the positioned slot,
     * an access compares the slot's word in this very array. It is the table's current one for as long as the
     * {@code Ref} is positioned ({@link SlotTable#ensureSlabs} sends walking {@code Ref}s back to the checked path
     * before it replaces the array), and being the walk's own array lets C2 share the walk's load of the word.
     */
    private int[] runWords = NO_WORDS;
    /**
     * The pool a walk watches while only the walking thread can free its slots (see {@link #watch}); null when
     * another thread may free one at any moment, and the slot's word is compared instead.
     */
    private SlabPool watched;
    /** {@code watched.frees} when the walk began: a free since may have been the positioned slot's. */
    private long freesMark;
    /** The {@code Ref} of the scan whose action started this one's walk, while this one walks (SlotTable.walking). */
    SlabRef outer;

    /**
     * An idle {@code Ref} wrapping no handle.
     *
     * @param engine the engine of the cache
     */
    protected SlabRef(SlabEngine engine) {
        this.engine = engine;
        this.table = engine.table();
        this.geometry = table.geometry;
        this.direct = table.direct;
        this.tagBits = table.tagBits;
    }

    /**
     * The wrapped handle.
     *
     * @return the handle this {@code Ref} points at, or 0
     */
    public final long handle() {
        // Made here, not by the walk at every slot: where an action calls no handle(), C2 drops the work.
        return positioned ? HandleFormat.handle(tagBits, positionedWord(), slotIndex) : handle;
    }

    /**
     * The positioned slot's word: the one the walk read, or, where the walk read none (a run of slabs whose every
     * slot is live, {@link #enterLiveRun}), the slot's word now. That is still the word the slot had when the walk
     * came to it: only a free changes a live slot's word, and in such a walk every free goes through
     * {@code SlabPool.free}, which first makes every walking {@code Ref} idle ({@link #leave}, which reads it here).
     */
    private int positionedWord() {
        int word = slotWord;
        return word != 0 ? word : runWords[slotIndex];
    }

    /**
     * Points this {@code Ref} at {@code handle}, validated on each access (the generated {@code wrap}).
     *
     * @param handle a handle of the cache
     */
    protected final void point(long handle) {
        this.handle = handle;
        positioned = false;
    }

    final boolean belongsTo(SlotTable t) {
        return table == t;
    }

    /**
     * The walk enters a run of slots, from index {@code first} at {@code firstAt} (an address, or an offset in
     * {@code runVia} on the region path), each {@code slotSize} bytes after the one before; {@code words} is the
     * table's words array the walk reads their words from.
     */
    final void enterRun(MemorySegment runVia, int first, long firstAt, int[] words) {
        runWords = words;
        via = runVia;
        runFirst = first;
        runAt = firstAt & ADDRESS_MASK;
    }

    /**
     * The walk of {@code pool} runs where no other thread can free one of its slots (a cache of one thread, or one
     * whose frees wait for the locks the walk holds): a free in the action is then the only way the positioned slot
     * can stop being live, and every free counts in {@code pool.frees}, a field the walk's loop never writes, so C2
     * loads it once for the whole walk instead of loading the slot's word at every access. {@code null}: compare the
     * word.
     */
    final void watch(SlabPool pool) {
        watched = pool;
        freesMark = pool == null ? 0 : pool.frees;
    }

    /**
     * The walk enters a run of slots as {@link #enterRun} does, every one of them live, in a walk where only the
     * walking thread can free (a {@link #watch watched} pool): it positions the {@code Ref} with
     * {@link #position(int)}, reading no word, and {@link #handle()} reads the word only if it is called.
     */
    final void enterLiveRun(MemorySegment runVia, int first, long firstAt, int[] words) {
        enterRun(runVia, first, firstAt, words);
        slotWord = 0;
    }

    /** The walk positions this {@code Ref} at slot {@code slotIndex} of the live run it entered, for one action. */
    final void position(int slotIndex) {
        this.slotIndex = slotIndex;
        positioned = true;
    }

    /**
     * The walk positions this {@code Ref} at live slot {@code slotIndex} of the run it entered, whose word
     * ({@code slotWord}) it read, for one action.
     */
    final void position(int slotIndex, int slotWord) {
        this.slotIndex = slotIndex;
        this.slotWord = slotWord;
        positioned = true;
    }

    /** Back to the checked path, wrapping the slot's handle: after the walk, and whenever the memory may go. */
    final void leave() {
        handle = handle();
        positioned = false;
        runWords = NO_WORDS;
    }

    /**
     * Where to access {@code size} bytes at {@code offset} in place, or a negative value for the checked path.
     * The slot must still be the live slot the walk read ({@link #stillLive}): a free in the action (of this slot,
     * or of any slot: the walk then stops at the next step) makes the rest of the action take the checked path,
     * which refuses the stale handle. {@code g} is a constant at every generated call site, so the bound folds; the
     * mask lets C2 prove the address in range of {@link Everything#MEMORY}, so FFM's own bounds check folds too. The
     * handle the caller passes (generated code: {@link #handle()}) is used only on the checked path: positioned, the
     * access goes to the walk's slot whatever it is, so C2 computes the handle only where it is needed.
     */
    private long positionedAt(SlabGeometry g, long offset, long size) {
        int index = slotIndex;
        if (!positioned || g != geometry || !stillLive(index)) {
            return CHECKED;
        }
        table.checkThread();
        if (offset < 0 || offset > g.slotSize() - size) {
            throw new IndexOutOfBoundsException("an access of " + size + " bytes at offset " + offset
                    + " is outside the slot");
        }
        return ((runAt + (long) (index - runFirst) * g.slotSize()) & ADDRESS_MASK) + offset;
    }

    /**
     * Whether nothing freed the positioned slot since the walk read its word: no free at all in the watched pool,
     * or, where another thread may free it, the same word. That load is a plain one of the array element the walk
     * loaded: where the action does nothing that orders it after another thread's actions (a lock, a volatile
     * access, a call C2 cannot see through), C2 may reuse the walk's value, which is what an access racing a
     * remote free may see anyway (the old value, docs/ARCHITECTURE.md "Memory model"); where the action did
     * synchronize with the freeing thread, the word is loaded again and the free is seen.
     */
    private boolean stillLive(int index) {
        SlabPool pool = watched;
        if (pool != null) {
            return pool.frees == freesMark;
        }
        int[] w = runWords;
        return Integer.compareUnsigned(index, w.length) < 0 && w[index] == slotWord;
    }

    private MemorySegment memory() {
        return direct ? Everything.MEMORY : via;
    }

    /**
     * Reads a {@code byte}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#getByte(SlabGeometry, long, long)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @return the value
     */
    protected final byte getByte(SlabGeometry g, long handle, long offset) {
        long at = positionedAt(g, offset, Byte.BYTES);
        if (at < 0) {
            return engine.getByte(g, handle, offset);
        }
        var value = memory().get(JAVA_BYTE, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code byte}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#setByte(SlabGeometry, long, long, byte)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @param value the value
     */
    protected final void setByte(SlabGeometry g, long handle, long offset, byte value) {
        long at = positionedAt(g, offset, Byte.BYTES);
        if (at < 0) {
            engine.setByte(g, handle, offset, value);
            return;
        }
        memory().set(JAVA_BYTE, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code boolean}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#getBoolean(SlabGeometry, long, long)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @return the value
     */
    protected final boolean getBoolean(SlabGeometry g, long handle, long offset) {
        long at = positionedAt(g, offset, 1);
        if (at < 0) {
            return engine.getBoolean(g, handle, offset);
        }
        var value = memory().get(JAVA_BOOLEAN, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code boolean}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#setBoolean(SlabGeometry, long, long, boolean)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @param value the value
     */
    protected final void setBoolean(SlabGeometry g, long handle, long offset, boolean value) {
        long at = positionedAt(g, offset, 1);
        if (at < 0) {
            engine.setBoolean(g, handle, offset, value);
            return;
        }
        memory().set(JAVA_BOOLEAN, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code short}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#getShort(SlabGeometry, long, long)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @return the value
     */
    protected final short getShort(SlabGeometry g, long handle, long offset) {
        long at = positionedAt(g, offset, Short.BYTES);
        if (at < 0) {
            return engine.getShort(g, handle, offset);
        }
        var value = memory().get(JAVA_SHORT_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code short}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#setShort(SlabGeometry, long, long, short)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @param value the value
     */
    protected final void setShort(SlabGeometry g, long handle, long offset, short value) {
        long at = positionedAt(g, offset, Short.BYTES);
        if (at < 0) {
            engine.setShort(g, handle, offset, value);
            return;
        }
        memory().set(JAVA_SHORT_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code char}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#getChar(SlabGeometry, long, long)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @return the value
     */
    protected final char getChar(SlabGeometry g, long handle, long offset) {
        long at = positionedAt(g, offset, Character.BYTES);
        if (at < 0) {
            return engine.getChar(g, handle, offset);
        }
        var value = memory().get(JAVA_CHAR_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code char}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#setChar(SlabGeometry, long, long, char)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @param value the value
     */
    protected final void setChar(SlabGeometry g, long handle, long offset, char value) {
        long at = positionedAt(g, offset, Character.BYTES);
        if (at < 0) {
            engine.setChar(g, handle, offset, value);
            return;
        }
        memory().set(JAVA_CHAR_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code int}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#getInt(SlabGeometry, long, long)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @return the value
     */
    protected final int getInt(SlabGeometry g, long handle, long offset) {
        long at = positionedAt(g, offset, Integer.BYTES);
        if (at < 0) {
            return engine.getInt(g, handle, offset);
        }
        var value = memory().get(JAVA_INT_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code int}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#setInt(SlabGeometry, long, long, int)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @param value the value
     */
    protected final void setInt(SlabGeometry g, long handle, long offset, int value) {
        long at = positionedAt(g, offset, Integer.BYTES);
        if (at < 0) {
            engine.setInt(g, handle, offset, value);
            return;
        }
        memory().set(JAVA_INT_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code float}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#getFloat(SlabGeometry, long, long)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @return the value
     */
    protected final float getFloat(SlabGeometry g, long handle, long offset) {
        long at = positionedAt(g, offset, Float.BYTES);
        if (at < 0) {
            return engine.getFloat(g, handle, offset);
        }
        var value = memory().get(JAVA_FLOAT_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code float}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#setFloat(SlabGeometry, long, long, float)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @param value the value
     */
    protected final void setFloat(SlabGeometry g, long handle, long offset, float value) {
        long at = positionedAt(g, offset, Float.BYTES);
        if (at < 0) {
            engine.setFloat(g, handle, offset, value);
            return;
        }
        memory().set(JAVA_FLOAT_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code long}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#getLong(SlabGeometry, long, long)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @return the value
     */
    protected final long getLong(SlabGeometry g, long handle, long offset) {
        long at = positionedAt(g, offset, Long.BYTES);
        if (at < 0) {
            return engine.getLong(g, handle, offset);
        }
        var value = memory().get(JAVA_LONG_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code long}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#setLong(SlabGeometry, long, long, long)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @param value the value
     */
    protected final void setLong(SlabGeometry g, long handle, long offset, long value) {
        long at = positionedAt(g, offset, Long.BYTES);
        if (at < 0) {
            engine.setLong(g, handle, offset, value);
            return;
        }
        memory().set(JAVA_LONG_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }

    /**
     * Reads a {@code double}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#getDouble(SlabGeometry, long, long)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @return the value
     */
    protected final double getDouble(SlabGeometry g, long handle, long offset) {
        long at = positionedAt(g, offset, Double.BYTES);
        if (at < 0) {
            return engine.getDouble(g, handle, offset);
        }
        var value = memory().get(JAVA_DOUBLE_UNALIGNED, at);
        Reference.reachabilityFence(this);
        return value;
    }

    /**
     * Writes a {@code double}: in place while {@code scan} has this {@code Ref} at the slot, else as
     * {@link SlabEngine#setDouble(SlabGeometry, long, long, double)}.
     * @param g the generated class's {@code GEOMETRY}
     * @param handle {@link #handle()}
     * @param offset in the slot
     * @param value the value
     */
    protected final void setDouble(SlabGeometry g, long handle, long offset, double value) {
        long at = positionedAt(g, offset, Double.BYTES);
        if (at < 0) {
            engine.setDouble(g, handle, offset, value);
            return;
        }
        memory().set(JAVA_DOUBLE_UNALIGNED, at, value);
        Reference.reachabilityFence(this);
    }
}
