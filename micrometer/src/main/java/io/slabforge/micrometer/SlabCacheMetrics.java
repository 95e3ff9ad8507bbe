package io.slabforge.micrometer;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.slabforge.SlabCache;
import io.slabforge.SlabStats;
import java.util.Objects;
import java.util.function.ToDoubleFunction;

/**
 * Micrometer meters for one Slabforge cache (any generated cache: they all implement {@link SlabCache}).
 *
 * <pre>{@code
 * ParticleSlab slab = ParticleSlab.builder().name("particles").build();
 * new SlabCacheMetrics(slab).bindTo(registry);
 * }</pre>
 *
 * <table>
 * <caption>Meters, each tagged {@code cache=<name>} (the cache's {@link SlabCache#name() name}, else its class's
 * simple name) plus the tags given</caption>
 * <tr><th>name</th><th>type</th><th>from {@link SlabStats}</th></tr>
 * <tr><td>{@code slabforge.cache.live}</td><td>gauge, objects</td><td>{@code liveObjects}</td></tr>
 * <tr><td>{@code slabforge.cache.slabs}</td><td>gauge, slabs</td><td>{@code slabs}</td></tr>
 * <tr><td>{@code slabforge.cache.reserved}</td><td>gauge, bytes</td><td>{@code reservedBytes}</td></tr>
 * <tr><td>{@code slabforge.cache.used}</td><td>gauge, bytes</td><td>{@code usedBytes}</td></tr>
 * <tr><td>{@code slabforge.cache.free}</td><td>gauge, bytes</td><td>{@code freeBytes}</td></tr>
 * <tr><td>{@code slabforge.cache.allocations}</td><td>function counter</td><td>{@code allocations}</td></tr>
 * <tr><td>{@code slabforge.cache.frees}</td><td>function counter</td><td>{@code frees}</td></tr>
 * </table>
 *
 * <p>Meters are read on the registry's threads through {@link SlabCache#stats()}: exact for a {@code LOCKED} cache,
 * a racy snapshot (no fault, no change) for a {@code CONFINED} or {@code NONE} one. Like Micrometer's own binders,
 * the meters hold the cache weakly: they do not keep an unclosed cache from being reclaimed, and report NaN once it
 * is gone. A closed cache reports no live objects and no bytes, and its last counts.
 */
public final class SlabCacheMetrics implements MeterBinder {
    private final SlabCache cache;
    private final Iterable<Tag> tags;

    /**
     * Meters for {@code cache}, tagged with its name.
     *
     * @param cache the cache
     */
    public SlabCacheMetrics(SlabCache cache) {
        this(cache, Tags.empty());
    }

    /**
     * Meters for {@code cache}, tagged with its name and {@code tags}.
     *
     * @param cache the cache
     * @param tags more tags for every meter
     */
    public SlabCacheMetrics(SlabCache cache, Iterable<Tag> tags) {
        this.cache = Objects.requireNonNull(cache, "cache");
        String name = cache.name() != null ? cache.name() : cache.getClass().getSimpleName();
        this.tags = Tags.concat(Objects.requireNonNull(tags, "tags"), "cache", name);
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        gauge(registry, "slabforge.cache.live", "Objects allocated in the cache", "objects", SlabStats::liveObjects);
        gauge(registry, "slabforge.cache.slabs", "Slabs held from the memory provider", "slabs", SlabStats::slabs);
        gauge(registry, "slabforge.cache.reserved", "Bytes held from the memory provider", BaseUnits.BYTES,
                SlabStats::reservedBytes);
        gauge(registry, "slabforge.cache.used", "Bytes of live slots", BaseUnits.BYTES, SlabStats::usedBytes);
        gauge(registry, "slabforge.cache.free", "Bytes of free slots in held slabs", BaseUnits.BYTES,
                SlabStats::freeBytes);
        counter(registry, "slabforge.cache.allocations", "Allocations since the cache was built",
                SlabStats::allocations);
        counter(registry, "slabforge.cache.frees", "Frees since the cache was built", SlabStats::frees);
    }

    private interface Figure {
        long of(SlabStats stats);
    }

    private static ToDoubleFunction<SlabCache> read(Figure figure) {
        return cache -> figure.of(cache.stats());
    }

    private void gauge(MeterRegistry registry, String name, String description, String unit, Figure figure) {
        Gauge.builder(name, cache, read(figure)).tags(tags).description(description).baseUnit(unit)
                .register(registry);
    }

    private void counter(MeterRegistry registry, String name, String description, Figure figure) {
        FunctionCounter.builder(name, cache, read(figure)).tags(tags).description(description)
                .baseUnit("objects").register(registry);
    }
}
