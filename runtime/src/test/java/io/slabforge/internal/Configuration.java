package io.slabforge.internal;

import io.slabforge.SlabMemory;
import io.slabforge.SlabSync;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Every way an engine can be built that changes how it validates, synchronises or reaches its slabs; randomized
 * tests run over all of them ({@code @ParameterizedTest @EnumSource(Configuration.class)}).
 *
 * <p>Paths (most executions run with native access, so {@link SlabEngine#isDirect()} is what users with native
 * access get; the safety suites run once more without it, where every built-in configuration is on the region path):
 * <ul>
 *   <li><b>direct</b>: CONFINED or NONE over the built-in region provider, mapped or not, and LOCKED over mapped
 *       regions ({@code SlabMemory.ofArena()}: private mappings kept until the cache is unreachable): slots reached
 *       at their addresses;</li>
 *   <li><b>region</b>: LOCKED over {@code new RegionSlabMemory(false)} ({@link #LOCKED_ARENA_REGIONS}), and every
 *       built-in configuration without native access: slots reached through the segment of the region a slab was
 *       carved from;</li>
 *   <li><b>own segment</b>: a custom provider: slots reached through the segment the provider returned.</li>
 * </ul>
 * {@link #memory()} wraps each configuration's provider in a {@link BoundedSlabMemory} without a bound, which
 * changes none of that ({@code LOCKED} caches share its budget with their private regions) and counts the bytes
 * held, so every configuration can check "slabs held == slabs the provider handed out".
 */
public enum Configuration {
    /** The default: confined to the building thread, checked, direct. */
    CONFINED(SlabSync.CONFINED, true, Provider.SHARED_REGIONS, 0),
    /** No thread checks, direct. */
    NONE(SlabSync.NONE, true, Provider.SHARED_REGIONS, 0),
    /** Four stripes, each its own lock and slabs, private regions (mapped: region path, or direct; see above). */
    LOCKED_STRIPED(SlabSync.LOCKED, true, Provider.SHARED_REGIONS, 4),
    /** One stripe under one ReentrantLock, private mapped regions. */
    LOCKED_ONE_STRIPE(SlabSync.LOCKED, true, Provider.SHARED_REGIONS, 1),
    /** A lock of the user's: one stripe under it, private mapped regions. */
    USER_LOCK(SlabSync.LOCKED, true, Provider.SHARED_REGIONS, -1),
    /** checked(false): field accesses check only that the slot is one of a held slab (direct). */
    UNCHECKED(SlabSync.CONFINED, false, Provider.SHARED_REGIONS, 0),
    /** checked(false), LOCKED, two stripes, private mapped regions. */
    UNCHECKED_LOCKED(SlabSync.LOCKED, false, Provider.SHARED_REGIONS, 2),
    /** A provider of regions of its own from {@code Arena.allocate} (not mapped): direct over other regions. */
    ARENA_REGIONS(SlabSync.CONFINED, true, Provider.ARENA_REGIONS, 0),
    /** LOCKED, two stripes, over {@code Arena.allocate} regions: always the region path. */
    LOCKED_ARENA_REGIONS(SlabSync.LOCKED, true, Provider.ARENA_REGIONS, 2),
    /** A custom provider: slots reached through the provider's own segments. */
    CUSTOM_PROVIDER(SlabSync.CONFINED, true, Provider.CUSTOM, 0),
    /** checked(false) over a custom provider. */
    UNCHECKED_CUSTOM(SlabSync.NONE, false, Provider.CUSTOM, 0);

    private enum Provider { SHARED_REGIONS, ARENA_REGIONS, CUSTOM }

    private final SlabSync sync;
    private final boolean checked;
    private final Provider provider;
    /** 0: not LOCKED; -1: a user lock; else the stripe count. */
    private final int stripes;

    Configuration(SlabSync sync, boolean checked, Provider provider, int stripes) {
        this.sync = sync;
        this.checked = checked;
        this.provider = provider;
        this.stripes = stripes;
    }

    /** A fresh provider for this configuration that counts the bytes it holds. */
    public BoundedSlabMemory memory() {
        return memory(null);
    }

    /**
     * {@link #memory()}, whose custom provider (if this configuration has one) takes its memory from {@code custom}
     * instead of an automatic arena: for a caller that runs many short-lived engines (a fuzz test) and closes
     * {@code custom} after each, since an automatic arena's memory goes back only when the GC finds it garbage,
     * which under a large heap may be late: the memory of thousands of inputs could be held at once.
     */
    public BoundedSlabMemory memory(PoolMemory custom) {
        SlabMemory base = switch (provider) {
            case SHARED_REGIONS -> SlabMemory.ofArena();
            case ARENA_REGIONS -> new RegionSlabMemory(false);
            case CUSTOM -> new CountingMemory("custom provider", custom != null ? custom : new PoolMemory(true));
        };
        return new BoundedSlabMemory(base, Long.MAX_VALUE);
    }

    /** A builder of this configuration over a fresh {@link #memory()}. */
    public SlabEngine.Builder builder(SlabGeometry geometry) {
        return builder(geometry, memory());
    }

    /** A builder of this configuration over {@code memory}. */
    public SlabEngine.Builder builder(SlabGeometry geometry, SlabMemory memory) {
        SlabEngine.Builder b = SlabEngine.builder(geometry).memory(memory).checked(checked);
        if (stripes < 0) {
            return b.lock(new ReentrantLock());
        }
        b.sync(sync);
        return stripes > 0 ? b.stripes(stripes) : b;
    }

    /** Whether this configuration's slabs come from a custom provider (see {@link #memory(PoolMemory)}). */
    public boolean customProvider() {
        return provider == Provider.CUSTOM;
    }

    public SlabSync sync() {
        return sync;
    }

    public boolean checked() {
        return checked;
    }

    public boolean locked() {
        return sync == SlabSync.LOCKED;
    }

    /** Whether an engine of this configuration takes the direct path (see the class comment). */
    public Boolean direct() {
        if (provider == Provider.CUSTOM || !NATIVE_ACCESS) {
            return false;
        }
        // LOCKED over mapped regions is direct (private retained mappings); over Arena.allocate regions it is not.
        return !locked() || provider == Provider.SHARED_REGIONS;
    }

    /** Whether the tests run with native access (the build runs most of them with it, the safety suites without). */
    public static final boolean NATIVE_ACCESS = SlabEngine.class.getModule().isNativeAccessEnabled();

    /** Whether field accesses go through the slab's region segment (not all memory, not a provider's segment). */
    public boolean regionPath() {
        return provider != Provider.CUSTOM && !direct();
    }

    /** Stripes an engine of this configuration has. */
    public int stripeCount() {
        return Math.max(1, stripes);
    }

    /** Slabs {@code memory} (from {@link #memory()}) holds for an engine of {@code slabSize}-byte slabs. */
    public static long heldSlabs(BoundedSlabMemory memory, long slabSize) {
        return memory.heldBytes() / slabSize;
    }
}
