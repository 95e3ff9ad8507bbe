package io.slabforge.internal;

import static io.slabforge.internal.HandleFormat.GENERATION_MASK;
import static io.slabforge.internal.HandleFormat.INDEX_MASK;
import static io.slabforge.internal.HandleFormat.LIVE;
import static io.slabforge.internal.HandleFormat.REMOTE;
import static io.slabforge.internal.HandleFormat.RETIRED;
import static io.slabforge.internal.HandleFormat.TAG_MASK;

import io.slabforge.SlabException;
import io.slabforge.SlabOutOfMemoryException;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.locks.Lock;
import java.util.function.IntSupplier;
import java.util.function.LongConsumer;

/**
 * The slabs of one pool and the allocation and free of their slots: a whole unstriped cache, or one stripe of a
 * striped {@code LOCKED} one. Not thread-safe: the engine calls it under {@link #lock} where there is one, and checks
 * a {@code CONFINED} cache's thread before it calls.
 *
 * <h2>Bookkeeping, all on the heap</h2>
 * Per slab, by the pool's own slab number {@code s} (global slab {@code s << stripeShift | stripe}):
 * <pre>
 *  freeHead[s]  first slot of the slab's free list, or NO_SLOT; each free slot's first 4 bytes hold the next,
 *               XOR LINK_KEY (the seed's intrusive list; links are checked before they are followed)
 *  carved[s]    slots handed out at least once (lazy carving's bump index); -1 where no slab is held
 *  live[s]      allocated slots
 *  listed[s]    whether s is on the stack of slabs with room (withRoom)
 * </pre>
 * <p>Between the slabs and the caller sits the <b>magazine</b> (Bonwick's term; mimalloc and jemalloc's tcache do
 * the same): a heap stack of up to {@value #MAGAZINE} free slots. A free pushes its slot there, an allocation pops
 * the slot freed last, still in the CPU cache. Only an empty magazine refills (by half, from the slabs of
 * {@code withRoom}: free lists first, checked link by link, then lazy carving), and only a full one spills its
 * older half onto the slabs' free lists. So in steady churn an allocate and a free touch the slot's generation
 * word, one live counter of its slab and the magazine, and nothing else: no list is relinked, no slot is read.
 * The live counters stay exact (a slot in the magazine is free), so a slab is known empty the moment its last
 * object goes; its slots then leave the magazine, and it is given back beyond {@code reserveSlabs}.
 *
 * <p>Every held slab with room on its own list or uncarved is on {@code withRoom}; entries of slabs that filled up
 * or were given back are dropped lazily when they come to the top.
 *
 * <p>About 600 lines: allocation, free, refill, spill and slab acquisition share the per-slab arrays, which the hot
 * paths must read as fields of one (padded) object.
 *
 * <p>Public only for {@code SlabAllocator}, whose size classes call {@link #allocate} and {@link #freeIfLive} on the
 * pool a {@code NONE} engine lends them ({@link SlabEngine#unsyncedPool}): one object hop less on each path, which
 * measured 3 ns of a 30 ns allocate-and-free pair (benchmarks/ANALYSIS.md).
 */
public final class SlabPool extends SlabPoolState {
    static final int NONE = -1;
    /** Slots the magazine holds at most; it refills and spills by halves. */
    static final int MAGAZINE = 64;
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

    /** The pool's lease word, on a {@code LOCKED} cache whose pools lease (no lock of the user's), else null. */
    StripeLock lease() {
        return lease;
    }

    /**
     * The generation every slot of a fresh slab index starts at: random, so that a handle kept from a closed cache
     * that had the same tag is refused (unless it guesses 1 in 2^23), and below 2^23, so that every slot serves at
     * least 2^23 handles before its generation would wrap and it retires (from a start near 2^24 a hot slot would
     * retire after a few frees, and a slab index would be used up after a few hundred). Tests replace it to reach
     * the wrap quickly.
     */
    static volatile IntSupplier firstGenerations =
            () -> ThreadLocalRandom.current().nextInt() & (GENERATION_MASK >>> 1);

    // ------------------------------------------------------------------------------------------------------------
    // Allocation and free: the magazine

    /**
     * A live handle of a fresh slot whose content is unspecified, or 0 when none can be had and {@code orZero}.
     * Not thread-safe: the caller holds the pool (its engine's checks, or {@code SlabAllocator}'s own).
     *
     * @param orZero whether to return 0 rather than throw when no slot can be had
     * @return a live handle, or 0
     * @throws SlabOutOfMemoryException when none can be had and not {@code orZero}
     */
    public long allocate(boolean orZero) {
        int n = magazineCount;
        if (n == 0) {
            return allocateRefilling(orZero);
        }
        long handle = magazine[n - 1];
        magazineCount = n - 1;
        int index = (int) handle & INDEX_MASK;
        words[index] = HandleFormat.liveWord(handle);
        if (live[(index >>> slotBits) >>> stripeShift]++ == 0) {
            emptySlabs--;
        }
        allocations++;
        return handle;
    }

    /**
     * Frees a live handle of this pool's slabs: its generation word moves on at once (every copy of the handle is
     * stale from here), and the slot goes on top of the magazine, where the next allocation takes it while it is
     * still in the CPU cache.
     *
     * @throws io.slabforge.InvalidHandleException (or IllegalStateException once closed) if it is not one
     */
    void free(long handle) {
        int index = (int) handle & INDEX_MASK;
        int[] w = words;
        if (Integer.compareUnsigned(index, w.length) >= 0 || (handle & TAG_MASK) != tagBits
                || w[index] != HandleFormat.liveWord(handle)) {
            throw table.invalid(handle);
        }
        release(w, index, handle);
    }

    /**
     * {@link #free} of slot {@code index} if it is live, for a caller that knows the slot but not its handle
     * ({@code SlabAllocator}, from a block's address): the word is read once, and the handle it makes needs no
     * second validation. Not thread-safe, as {@link #allocate}.
     *
     * @param index a global slot index (any int: out of range is not live)
     * @return whether the slot was live (and is now free); if not, nothing changed
     */
    public boolean freeIfLive(int index) {
        int[] w = words;
        if (Integer.compareUnsigned(index, w.length) >= 0) {
            return false;
        }
        int word = w[index];
        if ((word & HandleFormat.LIVE) == 0) {
            return false;
        }
        release(w, index, HandleFormat.handle(tagBits, word, index));
        return true;
    }

    /** The rest of {@link #free}: {@code handle} is live, its word {@code w[index]}. */
    private void release(int[] w, int index, long handle) {
        frees++;
        if (HandleFormat.generation(handle) == GENERATION_MASK) {
            if (freeHooks != 0) {
                beforeFree(index, handle);
            }
            retire(index);
            return;
        }
        long next = handle + HandleFormat.GENERATION_ONE;
        if (freeHooks != 0) { // here rather than once above the retirement test: (a) 0.2-0.3 ns faster, measured
            beforeFree(index, handle);
        }
        w[index] = HandleFormat.IN_MAGAZINE | HandleFormat.generation(next);
        int n = magazineCount;
        if (n == magazine.length) {
            n = spill();
        }
        magazine[n] = next;
        magazineCount = n + 1;
        if (--live[(index >>> slotBits) >>> stripeShift] == 0) {
            slabEmptied((index >>> slotBits) >>> stripeShift);
        }
    }

    /**
     * What {@link #free} does before the slot's word turns, where {@link #freeHooks} asks for it: a walk watching
     * this pool may have a {@code Ref} positioned without the slot's word ({@code SlabRef.handle()} reads it
     * later), so it is made idle first; a cache file gets the slot's next word before the slot can be reused (a
     * retirement writes its own).
     */
    private void beforeFree(int index, long handle) {
        int hooks = freeHooks;
        if ((hooks & HOOK_WALK) != 0) {
            table.idleWalkingRefs();
        }
        if ((hooks & HOOK_FILE) != 0 && HandleFormat.generation(handle) != GENERATION_MASK) {
            table.writeThrough(index, HandleFormat.generation(handle + HandleFormat.GENERATION_ONE));
        }
    }

    /**
     * A walk that reads no word in this pool's fully live slabs begins ({@code SlabScan}): every free makes the
     * walking {@code Ref}s idle until {@link #endWatchedWalk} puts back what this returns.
     */
    int beginWatchedWalk() {
        int hooks = freeHooks;
        freeHooks = hooks | HOOK_WALK;
        return hooks;
    }

    /** The walk {@link #beginWatchedWalk} began ends: the hooks are as before it ({@code hooks}, what it returned). */
    void endWatchedWalk(int hooks) {
        freeHooks = hooks;
    }

    // ------------------------------------------------------------------------------------------------------------
    // LOCKED caches: frees by the pool's holder and by other threads (see RemoteFrees, docs/ARCHITECTURE.md)

    /**
     * {@link #free} for the holder of a {@code LOCKED} pool's lease: the word moves from live to free with a CAS,
     * because a thread that does not hold the pool may be freeing the same handle at the same moment
     * ({@link #freeRemote}); exactly one of them succeeds.
     */
    void freeLeased(long handle) {
        int index = (int) handle & INDEX_MASK;
        int[] w = words;
        long next = handle + HandleFormat.GENERATION_ONE;
        if (index >= w.length || (handle & TAG_MASK) != tagBits || !SlotTable.casWord(w, index,
                HandleFormat.liveWord(handle), HandleFormat.IN_MAGAZINE | HandleFormat.generation(next))) {
            throw table.invalid(handle);
        }
        if (table.columns != null) {
            table.clearColumns(handle); // the pool is held: the slot's next owner cannot be writing its columns yet
        }
        frees++;
        if (HandleFormat.generation(handle) == GENERATION_MASK) {
            retire(index);
            return;
        }
        int n = magazineCount;
        if (n == magazine.length) {
            n = spill();
        }
        magazine[n] = next;
        magazineCount = n + 1;
        if (--live[(index >>> slotBits) >>> stripeShift] == 0) {
            slabEmptied((index >>> slotBits) >>> stripeShift);
        }
    }

    /**
     * Frees a live handle of this pool without holding it: the word moves from live to {@link HandleFormat#REMOTE}
     * with one CAS (the handle is stale from here; a second free of it fails), then the handle goes on the pool's
     * remote-free ring for its next holder to {@link #collect}. Touches no pool field and no slab memory.
     *
     * @return the handle's position in the ring plus one (a caller collects every so many), or 0 if the ring was
     *         full: the caller must then take the pool and {@link #collect} the handle itself
     * @throws io.slabforge.InvalidHandleException (or IllegalStateException once closed) if it is not live
     */
    long freeRemote(long handle) {
        int index = (int) handle & INDEX_MASK;
        int[] w = table.words;
        if (index >= w.length || (handle & TAG_MASK) != tagBits || !SlotTable.casWord(w, index,
                HandleFormat.liveWord(handle), REMOTE | HandleFormat.generation(handle + HandleFormat.GENERATION_ONE))) {
            throw table.invalid(handle);
        }
        if (table.columns != null) {
            table.clearColumns(handle); // before the ring: once collected, the slot may have a new owner
        }
        return remote.offer(handle);
    }

    /**
     * Takes the handles other threads freed into the pool (at most one ring's worth, so producers cannot keep the
     * caller here); the caller holds the pool. Nothing once the cache is closed.
     */
    void collectRemote() {
        if (table.isClosed()) {
            return;
        }
        for (int i = 0; i < RemoteFrees.CAPACITY; i++) {
            long handle = remote.poll();
            if (handle == 0) {
                return;
            }
            collect(handle);
        }
    }

    /**
     * Takes one remotely freed handle into the pool: its slot into the magazine (or retired), its slab's live
     * count down, the free counted. Its word says {@code REMOTE} in the next generation, unless the table grew
     * between that thread's read of the words and its CAS, which then went to the old array: the word here is
     * then still live in the handle's generation, and is moved on now. Any other word means the handle was freed
     * a second time across such a growth: that copy is dropped (counted), so no slot is ever handed out twice.
     */
    void collect(long handle) {
        int index = (int) handle & INDEX_MASK;
        int[] w = words;
        long next = handle + HandleFormat.GENERATION_ONE;
        int word = index < w.length ? w[index] : RETIRED;
        if (word != (REMOTE | HandleFormat.generation(next)) && word != HandleFormat.liveWord(handle)) {
            droppedRemoteFrees++;
            return;
        }
        frees++;
        if (HandleFormat.generation(handle) == GENERATION_MASK) {
            retire(index);
            return;
        }
        table.setWord(index, HandleFormat.IN_MAGAZINE | HandleFormat.generation(next));
        int n = magazineCount;
        if (n == magazine.length) {
            n = spill();
        }
        magazine[n] = next;
        magazineCount = n + 1;
        if (--live[(index >>> slotBits) >>> stripeShift] == 0) {
            slabEmptied((index >>> slotBits) >>> stripeShift);
        }
    }

    /**
     * A slot whose generations went all the way round is never handed out again: no handle of it can ever be
     * accepted a second time. Its slab index is not reused once the slab is given back (see releaseSlab).
     */
    private void retire(int index) {
        table.setWord(index, RETIRED);
        table.persistWord(index, RETIRED);
        retiredSlots++;
        int s = (index >>> slotBits) >>> stripeShift;
        retired[s]++;
        if (--live[s] == 0) {
            if (retired[s] == slotsPerSlab) {
                slabDied(s);
            } else {
                slabEmptied(s);
            }
        }
        replaceRetired();
    }

    /**
     * Puts one slot in the magazine in place of a retired one, from a slab already held: a hot slot that retires
     * (one allocate/free loop wraps a generation in a fraction of a second) then leaves the magazine as full as it
     * was, so steady churn never falls through to a refill, whose path the JIT had not compiled in. Never takes a
     * new slab (a free never asks the provider for memory); damage found on the way is left for the next
     * allocation to report, as it rebuilds the list.
     */
    private void replaceRetired() {
        if (magazineCount == magazine.length) {
            return;
        }
        try {
            int s = topWithRoom();
            if (s != NONE) {
                takeInto(s, magazineCount + 1);
            }
        } catch (SlabException damaged) {
            // Reported by the allocation that meets it again: rebuildFreeList already ran.
        }
    }

    /** Moves the older half of the full magazine onto its slabs' free lists; returns the new count. */
    private int spill() {
        int half = magazine.length >>> 1;
        for (int i = 0; i < half; i++) {
            pushFree((int) magazine[i] & INDEX_MASK);
        }
        int kept = magazineCount - half;
        System.arraycopy(magazine, half, magazine, 0, kept);
        magazineCount = kept;
        return kept;
    }

    /** Puts free slot {@code index} on its slab's intrusive free list (the seed's list, link XOR LINK_KEY). */
    private void pushFree(int index) {
        int slab = index >>> slotBits;
        int s = slab >>> stripeShift;
        int slot = index & slotMask;
        int head = freeHead[s];
        if (head == NO_SLOT && carved[s] >= slotsPerSlab) {
            list(s);
        }
        try {
            table.memoryOfSlab(slab).set(LINK, table.slotAt(slab, slot), head ^ LINK_KEY);
        } catch (IllegalStateException closedByProvider) {
            table.setWord(index, RETIRED); // its provider closed the slab's memory: the slot can never be used
            retired[s]++;
            retiredSlots++;
            return;
        }
        freeHead[s] = slot;
        table.setWord(index, table.word(index) & ~HandleFormat.IN_MAGAZINE);
    }

    /** Refills the empty magazine from slabs with room (popping their checked free lists, carving), then allocates. */
    private long allocateRefilling(boolean orZero) {
        if (table.isClosed()) {
            throw table.closedException();
        }
        if (remote != null) {
            collectRemote();
            if (magazineCount > 0) {
                return allocate(orZero);
            }
        }
        int target = magazine.length >>> 1;
        while (magazineCount < target) {
            int s = topWithRoom();
            if (s == NONE) {
                if (magazineCount > 0) {
                    break;
                }
                s = acquireSlab(orZero);
                if (s == NONE) {
                    return 0;
                }
            }
            if (!table.memoryOfSlab(globalSlab(s)).scope().isAlive()) {
                SlabException failure = new SlabException("memory provider " + source.memory + " closed the memory"
                        + " of a slab this cache holds; the slab is taken out of service (its live objects can no"
                        + " longer be read), the rest of the cache is unaffected");
                SlabException release = retireSlab(s);
                if (release != null) {
                    failure.addSuppressed(release);
                }
                throw failure;
            }
            takeInto(s, target);
        }
        return allocate(orZero);
    }

    /**
     * Moves free slots of slab {@code s} into the magazine until it holds {@code target}: free-list slots first
     * (each link checked before it is followed), then carved ones, in ascending order. They stay counted as free.
     */
    private void takeInto(int s, int target) {
        int slab = globalSlab(s);
        int head = freeHead[s];
        while (head != NO_SLOT && magazineCount < target) {
            int link = table.memoryOfSlab(slab).get(LINK, table.slotAt(slab, head)) ^ LINK_KEY;
            if (link != NO_SLOT && (link < 0 || link >= carved[s] || !HandleFormat.isFreeWord(table.word(
                    slab << slotBits | link)))) {
                freeHead[s] = head; // the slots taken so far are in the magazine, the rest is rebuilt from the words
                throw freeListDamaged(s, head, link);
            }
            int index = slab << slotBits | head;
            int word = table.word(index);
            table.setWord(index, word | HandleFormat.IN_MAGAZINE);
            magazine[magazineCount++] = HandleFormat.handle(tagBits, word, index);
            head = link;
        }
        freeHead[s] = head;
        int from = carved[s];
        int to = from;
        while (to < slotsPerSlab && magazineCount + (to - from) < target) {
            to++;
        }
        for (int slot = to - 1; slot >= from; slot--) {
            int index = slab << slotBits | slot;
            int word = table.word(index);
            if (word != RETIRED) {
                table.setWord(index, word | HandleFormat.IN_MAGAZINE);
                magazine[magazineCount++] = HandleFormat.handle(tagBits, word, index);
            }
        }
        carved[s] = to;
    }

    /** The top slab of {@code withRoom} that has room, dropping entries that have none; NONE if none has. */
    private int topWithRoom() {
        while (withRoomCount > 0) {
            int s = withRoom[withRoomCount - 1];
            if (carved[s] >= 0 && (freeHead[s] != NO_SLOT || carved[s] < slotsPerSlab)) {
                return s;
            }
            if (carved[s] >= 0 && live[s] + retired[s] + inMagazine(s) < slotsPerSlab) {
                throw listEndedEarly(s);
            }
            withRoomCount--;
            listed[s] = false;
        }
        return NONE;
    }

    /** Slots of pool slab {@code s} in the magazine. */
    private int inMagazine(int s) {
        int slab = globalSlab(s);
        int count = 0;
        for (int i = 0; i < magazineCount; i++) {
            if (((int) magazine[i] & INDEX_MASK) >>> slotBits == slab) {
                count++;
            }
        }
        return count;
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

    /**
     * The memory of the slab holding {@code handle} (allocated just now, not handed to the caller) was closed by
     * its provider: undoes the allocation and retires every free slot of the slab, so nothing is handed out from
     * it again (its index is not reused either); it goes back to the provider once its last live object is freed,
     * at once if it has none.
     *
     * @return the provider's failure to take the slab back, or null
     */
    SlabException quarantine(long handle) {
        int index = (int) handle & INDEX_MASK;
        int slab = index >>> slotBits;
        int s = slab >>> stripeShift;
        allocations--;
        table.setWord(index, RETIRED);
        retired[s]++;
        retiredSlots++;
        live[s]--;
        return retireSlab(s);
    }

    /** Takes held slab {@code s}, whose memory its provider closed, out of service; see {@link #quarantine}. */
    private SlabException retireSlab(int s) {
        int slab = globalSlab(s);
        dropFromMagazine(slab);
        for (int slot = 0; slot < slotsPerSlab; slot++) {
            int word = table.word(slab << slotBits | slot);
            if (HandleFormat.isFreeWord(word)) {
                table.setWord(slab << slotBits | slot, RETIRED);
                retired[s]++;
                retiredSlots++;
            }
        }
        carved[s] = slotsPerSlab;
        freeHead[s] = NO_SLOT;
        if (live[s] > 0) {
            return null;
        }
        emptySlabs++;
        try {
            releaseSlab(s);
            return null;
        } catch (SlabException e) {
            return e;
        }
    }

    /** Slab {@code s} has no live slot: keep it while fewer than reserveSlabs are empty, else give it back. */
    private void slabEmptied(int s) {
        if (++emptySlabs > reserveSlabs) {
            dropFromMagazine(globalSlab(s));
            releaseSlab(s);
        }
    }

    /**
     * Every slot of slab {@code s} retired (none is live): it can never serve again, so it goes back now, whatever
     * the reserve. Kept, it would count as a reserve slab, and every other slab that empties would be given back
     * and taken again on the next allocation: one slab from the provider per operation of an allocate/free loop.
     */
    private void slabDied(int s) {
        emptySlabs++; // counted out again by releaseSlab
        dropFromMagazine(globalSlab(s));
        releaseSlab(s);
    }

    /**
     * Gives back every held slab with no live slot (the ones kept for reuse), for {@code trim()}; returns how many.
     * A provider failure stops the walk and is thrown: the slabs not yet offered stay held and consistent.
     */
    int releaseEmptySlabs() {
        int released = 0;
        for (int s = 0; s < highWater && emptySlabs > 0; s++) {
            if (carved[s] >= 0 && live[s] == 0) {
                dropFromMagazine(globalSlab(s));
                releaseSlab(s);
                released++;
            }
        }
        return released;
    }

    /** Removes slab {@code slab}'s slots from the magazine before the slab is given back. */
    private void dropFromMagazine(int slab) {
        int kept = 0;
        for (int i = 0; i < magazineCount; i++) {
            long handle = magazine[i];
            int index = (int) handle & INDEX_MASK;
            if (index >>> slotBits != slab) {
                magazine[kept++] = handle;
            } else {
                table.setWord(index, table.word(index) & ~HandleFormat.IN_MAGAZINE);
            }
        }
        magazineCount = kept;
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
            throw source.outOfMemory("handle space exhausted: a cache of " + slotsPerSlab
                    + "-slot slabs holds at most " + cacheSlabs + " slabs (" + (long) cacheSlabs * slotsPerSlab
                    + " objects" + (stripeShift > 0 ? ", " + maxSlabs + " slabs per stripe" : "")
                    + "); use a larger slabSize for more", null);
        }
        int slab = globalSlab(s);
        Lock shared = source.lock;
        boolean owned = lease != null && lease.ownLease(); // the provider may call back into the cache
        if (shared != null) {
            shared.lock();
        }
        try {
            if (slab >= table.slabCapacity() && stripeShift > 0) {
                throw TableFull.INSTANCE; // grown by the engine under every stripe's lock, then retried
            }
            MemorySegment segment = source.take(slab, orNone, allocations - frees);
            if (segment == null) {
                return NONE;
            }
            table.ensureSlabs(slab + 1);
            words = table.words;
            if (!reused) {
                ensureCapacity(s + 1);
                table.initialiseWords(slab, firstGenerations.getAsInt());
            }
            MemorySegment via = source.viaOf(segment);
            table.publish(slab, via, table.direct ? segment.address() : segment.address() - via.address());
            if (table.columns != null) {
                try {
                    table.acquireColumns(slab);
                } catch (RuntimeException | Error e) {
                    long at = table.slabAddress(slab);
                    table.unpublish(slab);
                    source.give(slab, at);
                    throw e;
                }
            }
        } finally {
            if (shared != null) {
                shared.unlock();
            }
            if (lease != null) {
                lease.disown(owned);
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
        carved[s] = -1;
        freeHead[s] = NO_SLOT;
        heldSlabs--;
        emptySlabs--;
        if (!hasRetiredSlot(slab)) {
            if (releasedCount == released.length) {
                released = Arrays.copyOf(released, Math.max(8, releasedCount * 2));
            }
            released[releasedCount++] = s;
        }
        Lock shared = source.lock;
        boolean owned = lease != null && lease.ownLease(); // the provider may call back into the cache
        if (shared != null) {
            shared.lock();
        }
        try {
            long at = table.slabAddress(slab);
            table.unpublish(slab);
            try {
                source.give(slab, at);
            } finally {
                table.releaseColumns(slab);
            }
        } finally {
            if (shared != null) {
                shared.unlock();
            }
            if (lease != null) {
                lease.disown(owned);
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
            carved[s] = -1;
            heldSlabs--;
            try {
                long at = table.slabAddress(slab);
                table.unpublish(slab);
                try {
                    source.give(slab, at);
                } finally {
                    table.releaseColumns(slab);
                }
            } catch (SlabException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        magazineCount = 0;
        withRoomCount = 0;
        emptySlabs = 0;
        return failure;
    }

    private void ensureCapacity(int slabs) {
        if (slabs > carved.length) {
            int length = Math.min(maxSlabs, Math.max(slabs, carved.length + Math.max(8, carved.length >> 3)));
            freeHead = Arrays.copyOf(freeHead, length);
            carved = Arrays.copyOf(carved, length);
            live = Arrays.copyOf(live, length);
            retired = Arrays.copyOf(retired, length);
            listed = Arrays.copyOf(listed, length);
        }
    }

    /**
     * Takes over pool slab {@code s} of a cache file being attached, whose words the table already has and which
     * it already publishes: its counters and free list are rebuilt from the words (IN_MAGAZINE never is in a file).
     * Every slot counts as carved. Returns its live slots, which count as allocations.
     */
    int adoptSlab(int s) {
        ensureCapacity(s + 1);
        int slab = globalSlab(s);
        MemorySegment memory = table.memoryOfSlab(slab);
        int head = NO_SLOT;
        int liveSlots = 0;
        int retiredHere = 0;
        for (int slot = slotsPerSlab - 1; slot >= 0; slot--) {
            int word = table.word(slab << slotBits | slot);
            if (word == RETIRED) {
                retiredHere++;
            } else if ((word & LIVE) != 0) {
                liveSlots++;
            } else {
                memory.set(LINK, table.slotAt(slab, slot), head ^ LINK_KEY);
                head = slot;
            }
        }
        carved[s] = slotsPerSlab;
        freeHead[s] = head;
        live[s] = liveSlots;
        retired[s] = retiredHere;
        retiredSlots += retiredHere;
        highWater = Math.max(highWater, s + 1);
        heldSlabs++;
        if (liveSlots == 0) {
            emptySlabs++;
        }
        if (head != NO_SLOT) {
            list(s);
        }
        allocations += liveSlots;
        return liveSlots;
    }

    /** The frees of a previous run of an attached cache file; each counts as an allocation too. */
    void adoptFrees(long frees) {
        this.frees += frees;
        this.allocations += frees;
    }

    // ------------------------------------------------------------------------------------------------------------
    // Damage: a stale write through a kept segment(h) that hit a free slot's link

    /** A slab whose list ran out while free slots were not on it (a link overwritten to end or skip the list). */
    private SlabException listEndedEarly(int s) {
        int slab = globalSlab(s);
        rebuildFreeList(s);
        return new SlabException("free list of slab " + slab + " is damaged: it ended while free slots were left off"
                + " it (a write into a freed slot, through a segment(handle) kept after free?); rebuilt from the"
                + " generation words, the allocation can be retried");
    }

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
            // Slots in the magazine have IN_MAGAZINE in their word, so isFreeWord leaves them out.
            if (HandleFormat.isFreeWord(table.word(slab << slotBits | slot))) {
                memory.set(LINK, table.slotAt(slab, slot), head ^ LINK_KEY);
                head = slot;
            }
        }
        freeHead[s] = head;
        repairs++;
        SlabEvents.repair(table.identity.label(), "free list", "free list of slab " + slab
                + " rebuilt from the generation words");
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

    /** After the table replaced its arrays (growth or close): the hot paths read the new words. */
    void refreshWords() {
        words = table.words;
    }

}

/** Leading padding of {@link SlabPool}: 128 bytes before its fields, so no other object's fields share their line. */
abstract class SlabPoolPadding {
    // 4 bytes fill the gap after a compressed-class-pointer header (else the JVM puts a subclass int there).
    int leadingPad;
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
    /** {@link #lock} when it is a stripe lock, whose lease the fast paths take; else null. */
    final StripeLock lease;
    /** Handles freed by threads that did not hold this pool, on a leased LOCKED cache; else null. */
    final RemoteFrees remote;
    final int slotsPerSlab;
    final long tagBits;
    final int slotBits;
    final int slotMask;
    final int stripe;
    final int stripeShift;
    /** Slabs this pool may hold: its share of the handle space. */
    final int maxSlabs;
    final int reserveSlabs;
    /** {@link SlabPool#free} writes the slot's next word through to the cache file ({@code table.file}). */
    static final int HOOK_FILE = 1;
    /** {@link SlabPool#free} makes walking {@code Ref}s idle: a walk watches this pool. */
    static final int HOOK_WALK = 2;
    /**
     * What {@link SlabPool#free} must do beyond the magazine ({@link #HOOK_FILE}, {@link #HOOK_WALK}), one field, so
     * that a free of an in-memory cache outside a walk pays one load and branch for both.
     */
    int freeHooks;

    int[] freeHead = new int[0];
    int[] carved = new int[0];
    int[] live = new int[0];
    /** Retired slots per pool slab. */
    int[] retired = new int[0];
    boolean[] listed = new boolean[0];
    int[] withRoom = new int[0];
    int withRoomCount;
    int[] released = new int[0];
    int releasedCount;
    int highWater;
    /**
     * Free slots kept hot, on top the one freed last, each as the handle its next allocation returns: allocation
     * takes from here and free puts here, so steady churn touches no slab list and allocation reads no generation
     * word. Slots here count as free (their words are free) and are on no slab's list. A {@code long[]}, so that C2
     * knows its stores never change an {@code int[]} (the words, the counters).
     */
    final long[] magazine = new long[SlabPool.MAGAZINE];
    /** The table's generation words, cached here for the hot paths; refreshed whenever the table replaces them. */
    int[] words;
    int magazineCount;
    int heldSlabs;
    int emptySlabs;
    long allocations;
    long frees;
    long retiredSlots;
    long repairs;
    /** Remote frees of a handle already freed, met across a growth of the table (see {@code collect}). */
    long droppedRemoteFrees;

    SlabPoolState(SlotTable table, SlabSource source, Lock lock, int stripe, int stripeShift, int reserveSlabs) {
        this.table = table;
        this.source = source;
        this.lock = lock;
        this.lease = lock instanceof StripeLock stripeLock ? stripeLock : null;
        this.remote = lease != null ? new RemoteFrees() : null;
        this.slotsPerSlab = table.slotsPerSlab;
        this.tagBits = table.tagBits;
        this.words = table.words;
        this.slotBits = table.slotBits;
        this.slotMask = table.slotMask;
        this.stripe = stripe;
        this.stripeShift = stripeShift;
        this.maxSlabs = table.geometry.maxSlabs() >>> stripeShift;
        this.reserveSlabs = reserveSlabs;
        this.freeHooks = table.file != null ? HOOK_FILE : 0;
    }
}
