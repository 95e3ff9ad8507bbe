package io.slabforge.internal;

import io.slabforge.SlabCache;

/**
 * The superclass of every generated cache: holds its engine where the runtime can find it again (a column is
 * attached to a cache through {@link SlabColumns#attach}), without a public method that would take a component
 * name. Not API.
 */
public abstract class SlabCacheBase implements SlabCache {
    /** The cache's engine; the generated accessors call it. */
    protected final SlabEngine engine;

    /**
     * @param engine the engine of the generated cache
     */
    protected SlabCacheBase(SlabEngine engine) {
        this.engine = engine;
    }

    /**
     * No name: this runtime's builders take none (a subclass that has one overrides this).
     *
     * @return null
     */
    @Override
    public String name() {
        return null;
    }

    /** The engine behind a generated cache; anything else is refused. */
    static SlabEngine engineOf(SlabCache cache) {
        if (cache instanceof SlabCacheBase base) {
            return base.engine;
        }
        throw new IllegalArgumentException(cache == null ? "the primary cache is null"
                : cache.getClass().getName() + " is not a generated Slabforge cache; a column is attached to the"
                + " cache class the processor generated for a @SlabType record");
    }
}
