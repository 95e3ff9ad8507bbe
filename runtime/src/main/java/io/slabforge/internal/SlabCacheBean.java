package io.slabforge.internal;

import io.slabforge.SlabCacheMXBean;
import io.slabforge.SlabStats;
import java.lang.management.ManagementFactory;
import javax.management.InstanceAlreadyExistsException;
import javax.management.InstanceNotFoundException;
import javax.management.JMException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import javax.management.StandardMBean;

/**
 * A named cache's MXBean ({@link SlabCacheMXBean}) and its registration. It reads the cache through its
 * {@link CacheResources}, never through the engine: the platform MBean server holds it strongly, and an MXBean
 * holding the engine would keep an unclosed cache from ever being reclaimed.
 */
final class SlabCacheBean implements SlabCacheMXBean {
    /** How many caches of one name get registrations ({@code id=2 ..}); more are not registered (and say so). */
    static final int MAX_SAME_NAME = 10_000;

    private final CacheResources cache;

    private SlabCacheBean(CacheResources cache) {
        this.cache = cache;
    }

    /** The name's ObjectName value: as it is, or quoted if it holds a character JMX reserves. */
    static String quoted(String name) {
        for (int i = 0; i < name.length(); i++) {
            if (",=:\"*?\n\\".indexOf(name.charAt(i)) >= 0) {
                return ObjectName.quote(name);
            }
        }
        return name;
    }

    /**
     * Registers {@code cache} as {@code io.slabforge:type=SlabCache,name=<name>}, or, if that is taken by another
     * open cache, {@code ...,id=2}, {@code id=3} and so on (the lowest free). A failure is logged, never thrown:
     * monitoring must not stop a cache from being built.
     */
    static void register(CacheResources cache) {
        String base = "io.slabforge:type=SlabCache,name=" + quoted(cache.identity.name());
        try {
            MBeanServer server = ManagementFactory.getPlatformMBeanServer();
            StandardMBean bean = new StandardMBean(new SlabCacheBean(cache), SlabCacheMXBean.class, true);
            for (int id = 1; id <= MAX_SAME_NAME; id++) {
                ObjectName name = new ObjectName(id == 1 ? base : base + ",id=" + id);
                try {
                    server.registerMBean(bean, name);
                    cache.registration = name;
                    return;
                } catch (InstanceAlreadyExistsException taken) {
                    // the next id
                }
            }
            Leaks.LOG.log(System.Logger.Level.WARNING, "not registered with JMX: " + MAX_SAME_NAME
                    + " open caches are already named \"" + cache.identity.name() + "\"");
        } catch (JMException | RuntimeException e) {
            Leaks.LOG.log(System.Logger.Level.WARNING, "could not register " + cache.identity.describe()
                    + " with JMX as " + base, e);
        }
    }

    /** Unregisters the cache's MXBean if it is registered; idempotent. */
    static void unregister(CacheResources cache) {
        ObjectName name = cache.registration;
        if (name == null) {
            return;
        }
        cache.registration = null;
        try {
            ManagementFactory.getPlatformMBeanServer().unregisterMBean(name);
        } catch (InstanceNotFoundException gone) {
            // unregistered by someone else: nothing to do
        } catch (JMException | RuntimeException e) {
            Leaks.LOG.log(System.Logger.Level.WARNING, "could not unregister " + name + " from JMX", e);
        }
    }

    private SlabStats stats() {
        return cache.monitoredSnapshot();
    }

    @Override
    public String getName() {
        return cache.identity.name();
    }

    @Override
    public String getType() {
        return cache.identity.type();
    }

    @Override
    public String getSync() {
        return cache.sync.name();
    }

    @Override
    public int getTag() {
        return cache.identity.tag();
    }

    @Override
    public boolean isClosed() {
        return cache.table.isClosed();
    }

    @Override
    public long getLiveObjects() {
        return stats().liveObjects();
    }

    @Override
    public long getSlabs() {
        return stats().slabs();
    }

    @Override
    public long getReservedBytes() {
        return stats().reservedBytes();
    }

    @Override
    public long getUsedBytes() {
        return stats().usedBytes();
    }

    @Override
    public long getFreeBytes() {
        return stats().freeBytes();
    }

    @Override
    public long getAllocations() {
        return stats().allocations();
    }

    @Override
    public long getFrees() {
        return stats().frees();
    }

    @Override
    public long getSlotSize() {
        return stats().slotSize();
    }

    @Override
    public long getCapacity() {
        return stats().capacity();
    }
}
