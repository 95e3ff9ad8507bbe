package io.slabforge.internal;

/**
 * The one owner of the handle format: every mask, shift and the encoding and decoding of handles.
 *
 * <pre>
 *  63        52 51                     28 27                               0
 * +------------+-------------------------+----------------------------------+
 * | cache tag  |       generation        |        global slot index         |
 * |  12 bits   |         24 bits         |  slab index      |  slot index   |
 * |            |                         |  28 - slotBits   |   slotBits    |
 * +------------+-------------------------+----------------------------------+
 * </pre>
 *
 * <ul>
 *   <li><b>Cache tag</b>, 1..{@value #MAX_TAG}: unique among open caches ({@link CacheTags}); 0 is never a tag,
 *       so no handle is 0.</li>
 *   <li><b>Generation</b>: the slot's generation when the handle was made. The slot's generation word
 *       ({@link SlotTable}) holds {@link #LIVE} {@code | generation} while the slot is allocated.</li>
 *   <li><b>Global slot index</b>: {@code slab << slotBits | slot}. It indexes the cache's generation words
 *       directly, so the array's own bounds check is the slab-range check, and the slab is one shift away.</li>
 * </ul>
 *
 * <p>A generation word (one {@code int} per slot, on the heap) is one of:
 * <pre>
 *   1 000 0000 gggg gggg gggg gggg gggg gggg   live, generation g          (matches exactly one handle)
 *   0 000 0000 gggg gggg gggg gggg gggg gggg   free, on its slab's free list or not yet carved; next gets g
 *   0 100 0000 gggg gggg gggg gggg gggg gggg   free, in its pool's magazine ({@link #IN_MAGAZINE})
 *   0 111 1111 1111 1111 1111 1111 1111 1111   retired: never handed out again ({@link #RETIRED})
 * </pre>
 */
public final class HandleFormat {
    /** Bits of the global slot index. */
    public static final int INDEX_BITS = 28;
    /** Bits of the generation. */
    public static final int GENERATION_BITS = 24;
    /** Where the generation starts in a handle. */
    public static final int GENERATION_SHIFT = INDEX_BITS;
    /** Where the cache tag starts in a handle. */
    public static final int TAG_SHIFT = INDEX_BITS + GENERATION_BITS;
    /** The global slot index of a handle: {@code (int) handle & INDEX_MASK}. */
    public static final int INDEX_MASK = (1 << INDEX_BITS) - 1;
    /** The generation bits of a generation word. */
    public static final int GENERATION_MASK = (1 << GENERATION_BITS) - 1;
    /** The tag bits of a handle. */
    public static final long TAG_MASK = -1L << TAG_SHIFT;
    /** Largest cache tag; also how many caches can be open at once. */
    public static final int MAX_TAG = (1 << (64 - TAG_SHIFT)) - 1;
    /** One generation step in a handle: the next allocation of a slot is its last handle plus this. */
    public static final long GENERATION_ONE = 1L << GENERATION_SHIFT;
    /** Set in a generation word while its slot is allocated. */
    public static final int LIVE = 0x8000_0000;
    /**
     * Set in the word of a free slot held in a pool's magazine: such a slot is on no free list, so a free-list link
     * that names it is damage, not a free slot (else a corrupted list could hand one slot out twice).
     */
    public static final int IN_MAGAZINE = 0x4000_0000;
    /**
     * Set in the word of a slot freed by a thread that did not hold its pool, while its handle waits in the pool's
     * remote-free ring ({@code RemoteFrees}): free (every handle of it is stale), on no list and in no magazine.
     */
    public static final int REMOTE = 0x2000_0000;
    /** The generation word of a slot that wrapped its generations and is never handed out again. */
    public static final int RETIRED = 0x7FFF_FFFF;

    private HandleFormat() {}

    /** The tag bits a cache with tag {@code tag} puts in its handles. */
    public static long tagBits(int tag) {
        return (long) tag << TAG_SHIFT;
    }

    /** A handle of the cache whose tag bits are {@code tagBits}, for the slot at {@code index} in generation {@code word}. */
    public static long handle(long tagBits, int word, int index) {
        return tagBits | (long) (word & GENERATION_MASK) << GENERATION_SHIFT | index;
    }

    /** The global slot index of a handle. */
    public static int index(long handle) {
        return (int) handle & INDEX_MASK;
    }

    /** The generation a handle names. */
    public static int generation(long handle) {
        return (int) (handle >>> GENERATION_SHIFT) & GENERATION_MASK;
    }

    /** The cache tag of a handle. */
    public static int tag(long handle) {
        return (int) (handle >>> TAG_SHIFT);
    }

    /** The generation word a slot has while {@code handle} is its live handle. */
    public static int liveWord(long handle) {
        return LIVE | generation(handle);
    }

    /** Whether a generation word says "free, on a free list or uncarved" (not live, in a magazine nor retired). */
    public static boolean isFreeWord(int word) {
        return (word & ~GENERATION_MASK) == 0;
    }

    /** The word a free makes of a live word: the next generation, not live. */
    public static int nextGeneration(int liveWord) {
        return (liveWord + 1) & GENERATION_MASK;
    }

    /** {@code handle} as {@code tag:slab:slot@generation}, for messages and logs. */
    public static String describe(long handle, int slotBits) {
        int index = index(handle);
        return "0x" + Long.toHexString(handle) + " (cache tag " + tag(handle) + ", slab " + (index >>> slotBits)
                + ", slot " + (index & ((1 << slotBits) - 1)) + ", generation " + generation(handle) + ")";
    }
}
