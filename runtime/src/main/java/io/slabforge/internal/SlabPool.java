package io.slabforge.internal;

import static io.slabforge.internal.HandleFormat.GENERATION_MASK;
import static io.slabforge.internal.HandleFormat.INDEX_MASK;
import static io.slabforge.internal.HandleFormat.LIVE;
import static io.slabforge.internal.HandleFormat.RETIRED;
import static io.slabforge.internal.HandleFormat.TAG_MASK;

import io.slabforge.SlabException;
import io.slabforge.SlabOutOfMemoryException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Lock;
import java.util.function.LongConsumer;

/**
 * The slabs of one pool and the allocation and free of their slots: a whole unstriped cache, or one stripe of a
 * striped {@code LOCKED} one. Not thread-safe: the engine calls it under {@link #lock} where there is one.
 *
 * <h2>Bookkeeping, all on the heap</h2>
 * Per slab, by the pool's own slab number {@code s} (global slab {@code s << stripeShift | stripe}):
 * <pre>
 *  freeHead[s]  first slot of the slab's free list, or NO_SLOT; each free slot's first 4 bytes hold the next,
 *               XOR LINK_KEY (the seed's intrusive list; links are checked before they are followed)
 *  carved[s]    slots handed out at least once (lazy carving's bump index); -1 where no slab is held
 *  live[s]      allocated slots
 *  startWord[s] the generation the slab index started at: a slot whose generation comes round to it again is
 *               retired instead of reused, so no generation ever repeats
 *  listed[s]    whether s is on the stack of slabs with room (withRoom)
 * </pre>
 * Every held slab with room is on {@code withRoom}; entries of slabs that filled up or were given back are dropped
 * lazily when they come to the top. Allocation takes from {@code current}, the slab the last free went to (its
 * freed slot is hot in the CPU cache), else from the top of {@code withRoom}, else from a new slab. So in steady
 * churn an allocate and a free touch the slot, its generation word and three counters of its slab: no list is
 * relinked, nothing on another page is read.
 */
final class SlabPool extends SlabPoolState {
    static final int NONE = -1;
    static final int NO_SLOT = -1;
    /**
     * A free slot's link is stored XOR this key. Stale writes most often leave zeros, small numbers or -1 in a
     * slot's first bytes; encoded, these decode to slot numbers far out of range, so the next pop reports them.
     */
    static final int LINK_KEY = 0x5A17_C0DE;
    /** Free-list links. Unaligned only to skip FFM's alignment check: slots are 4-aligned, so every link is too. */
    private static final ValueLayout.OfInt LINK = ValueLayout.JAVA_INT_UNALIGNED;

    // Trailing padding (see SlabPoolPadding): subclass fields are laid out after the superclasses'.
    long trailingPad00, trailingPad01, trailingPad02, trailingPad03, trailingPad04, trailingPad05, trailingPad06;
    long trailingPad07, trailingPad08, trailingPad09, trailingPad10, trailingPad11, trailingPad12, trailingPad13;
    long trailingPad14, trailingPad15;

    SlabPool(SlotTable table, SlabSource source, Lock lock, int stripe, int stripeShift, int reserveSlabs) {
        super(table, source, lock, stripe, stripeShift, reserveSlabs);
    }

    // ------------------------------------------------------------------------------------------------------------
    // Allocation

    /**
     * A live handle of a fresh slot whose content is unspecified, or 0 when none can be had and {@code orZero}.
     *
     * @throws SlabOutOfMemoryException when none can be had and not {@code orZero}
     */
    long allocate(boolean orZero) {
        int s = current;
        if (s != NONE) {
            int head = freeHead[s];
            if (head != NO_SLOT) {
                return pop(s, head);
            }
            int slot = carved[s];
            if (slot < slotsPerSlab) {
                int index = globalIndex(s, slot);
                if (table.word(index) != RETIRED) {
                    carved[s] = slot + 1;
                    return hand(s, index);
                }
            }
        }
        return allocateElsewhere(orZero);
    }

    private long pop(int s, int head) {
        int slab = globalSlab(s);
        int link = table.memoryOfSlab(slab).get(LINK, table.slotAt(slab, head)) ^ LINK_KEY;
        if (link != NO_SLOT && (link < 0 || link >= carved[s] || !HandleFormat.isFreeWord(table.word(
                slab << slotBits | link)))) {
            throw freeListDamaged(s, head, link);
        }
        freeHead[s] = link;
        return hand(s, slab << slotBits | head);
    }

    private long hand(int s, int index) {
        int word = table.word(index) | LIVE;
        table.setWord(index, word);
        if (live[s]++ == 0) {
            emptySlabs--;
        }
        allocations++;
        return HandleFormat.handle(table.tagBits, word, index);
    }

    private long allocateElsewhere(boolean orZero) {
        for (;;) {
            int s = topWithRoom();
            if (s == NONE) {
                s = acquireSlab(orZero);
                if (s == NONE) {
                    return 0;
                }
            }
            current = s;
            long handle = take(s);
            if (handle != 0) {
                return handle;
            }
        }
    }

    /** A slot of slab {@code s} from its free list or carved (skipping retired slots), or 0 if it has none. */
    private long take(int s) {
        int head = freeHead[s];
        if (head != NO_SLOT) {
            return pop(s, head);
        }
        for (int slot = carved[s]; slot < slotsPerSlab; slot++) {
            int index = globalIndex(s, slot);
            if (table.word(index) != RETIRED) {
                carved[s] = slot + 1;
                return hand(s, index);
            }
        }
        carved[s] = slotsPerSlab;
        return 0;
    }

    /** The top slab of {@code withRoom} that has room, dropping entries that have none; NONE if none has. */
    private int topWithRoom() {
        while (withRoomCount > 0) {
            int s = withRoom[withRoomCount - 1];
            if (carved[s] >= 0 && (freeHead[s] != NO_SLOT || carved[s] < slotsPerSlab)) {
                return s;
            }
            withRoomCount--;
            listed[s] = false;
        }
        return NONE;
    }

    private void list(int s) {
        if (!listed[s]) {
            listed[s] = true;
            if (withRoomCount == withRoom.length) {
                withRoom = Arrays.copyOf(withRoom, Math.max(8, withRoomCount * 2));
            }
            withRoom[withRoomCount++] = s;
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Free

    /**
     * Frees a live handle of this pool's slabs.
     *
     * @throws io.slabforge.InvalidHandleException (or IllegalStateException once closed) if it is not one
     */
    void free(long handle) {
        int index = (int) handle & INDEX_MASK;
        int word = table.word(index);
        if ((handle & TAG_MASK) != table.tagBits || word != HandleFormat.liveWord(handle)) {
            throw table.invalid(handle);
        }
        int slab = index >>> slotBits;
        int s = slab >>> stripeShift;
        int slot = index & slotMask;
        int next = HandleFormat.nextGeneration(word);
        if (next == startWord[s]) {
            table.setWord(index, RETIRED);
            retiredSlots++;
        } else {
            table.setWord(index, next);
            int head = freeHead[s];
            if (head == NO_SLOT && carved[s] >= slotsPerSlab) {
                list(s);
            }
            table.memoryOfSlab(slab).set(LINK, table.slotAt(slab, slot), head ^ LINK_KEY);
            freeHead[s] = slot;
        }
        frees++;
        current = s;
        if (--live[s] == 0) {
            slabEmptied(s);
        }
    }

    private void slabEmptied(int s) {
        if (++emptySlabs > reserveSlabs) {
            releaseSlab(s);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Slabs in and out

    /** A new slab from the source, listed and empty; NONE when none can be had and {@code orNone}. */
    private int acquireSlab(boolean orNone) {
        int s;
        boolean reused = releasedCount > 0;
        if (reused) {
            s = released[releasedCount - 1];
        } else if (highWater < maxSlabs) {
            s = highWater;
        } else {
            if (orNone) {
                return NONE;
            }
            int cacheSlabs = table.geometry.maxSlabs();
            throw new SlabOutOfMemoryException("handle space exhausted: a cache of " + slotsPerSlab
                    + "-slot slabs holds at most " + cacheSlabs + " slabs (" + (long) cacheSlabs * slotsPerSlab
                    + " objects" + (stripeShift > 0 ? ", " + maxSlabs + " slabs per stripe" : "")
                    + "); use a larger slabSize for more");
        }
        int slab = globalSlab(s);
        Lock shared = source.lock;
        if (shared != null) {
            shared.lock();
        }
        try {
            MemorySegment segment = source.take(orNone, allocations - frees);
            if (segment == null) {
                return NONE;
            }
            table.ensureSlabs(slab + 1);
            if (!reused) {
                int start = ThreadLocalRandom.current().nextInt() & GENERATION_MASK;
                ensureCapacity(s + 1);
                startWord[s] = start;
                table.initialiseWords(slab, start);
            }
            MemorySegment via = source.viaOf(segment);
            table.publish(slab, via, table.direct ? segment.address() : segment.address() - via.address());
        } finally {
            if (shared != null) {
                shared.unlock();
            }
        }
        if (reused) {
            releasedCount--;
        } else {
            highWater++;
        }
        carved[s] = 0;
        freeHead[s] = NO_SLOT;
        live[s] = 0;
        heldSlabs++;
        emptySlabs++;
        list(s);
        return s;
    }

    /** Gives an empty slab back to the source. Its generation words stay with its index. */
    private void releaseSlab(int s) {
        int slab = globalSlab(s);
        MemorySegment segment = table.slabSegment(slab);
        carved[s] = -1;
        freeHead[s] = NO_SLOT;
        heldSlabs--;
        emptySlabs--;
        if (current == s) {
            current = NONE;
        }
        if (!hasRetiredSlot(slab)) {
            if (releasedCount == released.length) {
                released = Arrays.copyOf(released, Math.max(8, releasedCount * 2));
            }
            released[releasedCount++] = s;
        }
        Lock shared = source.lock;
        if (shared != null) {
            shared.lock();
        }
        try {
            table.unpublish(slab);
            source.give(segment);
        } finally {
            if (shared != null) {
                shared.unlock();
            }
        }
    }

    /** A slab index with a retired slot is never used again: its other slots' generations must not repeat either. */
    private boolean hasRetiredSlot(int slab) {
        for (int slot = 0; slot < slotsPerSlab; slot++) {
            if (table.word(slab << slotBits | slot) == RETIRED) {
                return true;
            }
        }
        return false;
    }

    /**
     * Gives every held slab back, for {@code close()}: as many as the provider takes, the first failure returned
     * (the others suppressed in it) rather than thrown, so that every slab is offered.
     */
    SlabException releaseAll() {
        SlabException failure = null;
        for (int s = 0; s < highWater; s++) {
            if (carved[s] < 0) {
                continue;
            }
            int slab = globalSlab(s);
            MemorySegment segment = table.slabSegment(slab);
            carved[s] = -1;
            heldSlabs--;
            try {
                table.unpublish(slab);
                source.give(segment);
            } catch (SlabException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        current = NONE;
        withRoomCount = 0;
        emptySlabs = 0;
        return failure;
    }

    private void ensureCapacity(int slabs) {
        if (slabs > carved.length) {
            int length = Math.min(maxSlabs, Math.max(slabs, carved.length + Math.max(8, carved.length >> 2)));
            freeHead = Arrays.copyOf(freeHead, length);
            carved = Arrays.copyOf(carved, length);
            live = Arrays.copyOf(live, length);
            startWord = Arrays.copyOf(startWord, length);
            listed = Arrays.copyOf(listed, length);
        }
    }

    // ------------------------------------------------------------------------------------------------------------
    // Damage: a stale write through a kept segment(h) that hit a free slot's link

    private SlabException freeListDamaged(int s, int head, int link) {
        int slab = globalSlab(s);
        rebuildFreeList(s);
        return new SlabException("free list of slab " + slab + " is damaged: free slot " + head + " links to "
                + (link < 0 || link >= slotsPerSlab ? "slot " + link + ", outside the slab"
                                                    : "slot " + link + ", which is not free")
                + " (a write into a freed slot, through a segment(handle) kept after free?); rebuilt from the"
                + " generation words, the allocation can be retried");
    }

    /** Relinks slab {@code s}'s free list from its generation words, which only the engine writes. */
    void rebuildFreeList(int s) {
        int slab = globalSlab(s);
        MemorySegment memory = table.memoryOfSlab(slab);
        int head = NO_SLOT;
        for (int slot = carved[s] - 1; slot >= 0; slot--) {
            if (HandleFormat.isFreeWord(table.word(slab << slotBits | slot))) {
                memory.set(LINK, table.slotAt(slab, slot), head ^ LINK_KEY);
                head = slot;
            }
        }
        freeHead[s] = head;
        repairs++;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Whole-pool views (stats, iteration)

    long liveObjects() {
        return allocations - frees;
    }

    /**
     * Calls {@code action} with every live handle of slabs held when the walk reaches them. Stops when the table is
     * closed; slots allocated during the walk may or may not be visited, and the walk ends however the action
     * allocates (it is bounded by the slab indices used when it started).
     */
    void forEach(LongConsumer action) {
        int slabs = highWater;
        for (int s = 0; s < slabs; s++) {
            int slab = globalSlab(s);
            for (int slot = 0; slot < slotsPerSlab; slot++) {
                if (table.isClosed() || carved[s] < 0 || slot >= carved[s]) {
                    break;
                }
                int index = slab << slotBits | slot;
                int word = table.word(index);
                if ((word & LIVE) != 0) {
                    action.accept(HandleFormat.handle(table.tagBits, word, index));
                }
            }
        }
    }

    /** The pool's own slab number {@code s} of a global slab index, and back. */
    private int globalSlab(int s) {
        return s << stripeShift | stripe;
    }

    private int globalIndex(int s, int slot) {
        return globalSlab(s) << slotBits | slot;
    }

    int heldSlabs() {
        return heldSlabs;
    }

    /** For tests: the pool's slab number of a handle's slab, or -1 if it is not this pool's. */
    int slabOf(long handle) {
        int slab = ((int) handle & INDEX_MASK) >>> slotBits;
        return (slab & ((1 << stripeShift) - 1)) == stripe ? slab >>> stripeShift : -1;
    }

    /** For tests: the count of carved slots of pool slab {@code s}, -1 if not held. */
    int carvedOf(int s) {
        return s < carved.length ? carved[s] : -1;
    }
}

/** Leading padding of {@link SlabPool}: 128 bytes before its fields, so no other object's fields share their line. */
abstract class SlabPoolPadding {
    long leadingPad00, leadingPad01, leadingPad02, leadingPad03, leadingPad04, leadingPad05, leadingPad06;
    long leadingPad07, leadingPad08, leadingPad09, leadingPad10, leadingPad11, leadingPad12, leadingPad13;
    long leadingPad14, leadingPad15;
}

/** The fields of {@link SlabPool}, between its leading and trailing padding. */
abstract class SlabPoolState extends SlabPoolPadding {
    final SlotTable table;
    final SlabSource source;
    /** Guards this pool on a LOCKED cache, else null. */
    final Lock lock;
    final int slotsPerSlab;
    final int slotBits;
    final int slotMask;
    final int stripe;
    final int stripeShift;
    /** Slabs this pool may hold: its share of the handle space. */
    final int maxSlabs;
    final int reserveSlabs;

    int[] freeHead = new int[0];
    int[] carved = new int[0];
    int[] live = new int[0];
    int[] startWord = new int[0];
    boolean[] listed = new boolean[0];
    int[] withRoom = new int[0];
    int withRoomCount;
    int[] released = new int[0];
    int releasedCount;
    int highWater;
    int current = SlabPool.NONE;
    int heldSlabs;
    int emptySlabs;
    long allocations;
    long frees;
    long retiredSlots;
    long repairs;

    SlabPoolState(SlotTable table, SlabSource source, Lock lock, int stripe, int stripeShift, int reserveSlabs) {
        this.table = table;
        this.source = source;
        this.lock = lock;
        this.slotsPerSlab = table.slotsPerSlab;
        this.slotBits = table.slotBits;
        this.slotMask = table.slotMask;
        this.stripe = stripe;
        this.stripeShift = stripeShift;
        this.maxSlabs = table.geometry.maxSlabs() >>> stripeShift;
        this.reserveSlabs = reserveSlabs;
    }
}
