package io.slabforge;

/**
 * What a named cache shows over JMX while it is open, as {@code io.slabforge:type=SlabCache,name=<name>} (a second
 * open cache of the same name gets {@code name=<name>,id=2}, the next {@code id=3}, and so on; a name with
 * characters JMX reserves is quoted). Registered by {@code build()} for a cache built with
 * {@code builder().name(...)}, unregistered by {@code close()} or when an unclosed cache is reclaimed.
 *
 * <pre>{@code
 * ObjectName on = new ObjectName("io.slabforge:type=SlabCache,name=particles");
 * long live = (Long) ManagementFactory.getPlatformMBeanServer().getAttribute(on, "LiveObjects");
 * }</pre>
 *
 * <p>Attributes are read on JMX threads: exact for a {@code LOCKED} cache (taken under its locks), a racy snapshot
 * for a {@code CONFINED} or {@code NONE} one (see {@link SlabCache#stats()}); reading never changes the cache.
 */
public interface SlabCacheMXBean {
    /** {@return the name the cache was built with} */
    String getName();

    /** {@return the generated cache type and record, for example {@code "ParticleSlab (com.example.Particle)"}} */
    String getType();

    /** {@return the sync mode: {@code CONFINED}, {@code LOCKED} or {@code NONE}} */
    String getSync();

    /** {@return the cache tag of its handles} */
    int getTag();

    /** {@return whether the cache is closed (only until it is unregistered)} */
    boolean isClosed();

    /** {@return {@link SlabStats#liveObjects()}} */
    long getLiveObjects();

    /** {@return {@link SlabStats#slabs()}} */
    long getSlabs();

    /** {@return {@link SlabStats#reservedBytes()}} */
    long getReservedBytes();

    /** {@return {@link SlabStats#usedBytes()}} */
    long getUsedBytes();

    /** {@return {@link SlabStats#freeBytes()}} */
    long getFreeBytes();

    /** {@return {@link SlabStats#allocations()}} */
    long getAllocations();

    /** {@return {@link SlabStats#frees()}} */
    long getFrees();

    /** {@return {@link SlabStats#slotSize()}} */
    long getSlotSize();

    /** {@return {@link SlabStats#capacity()}} */
    long getCapacity();
}
