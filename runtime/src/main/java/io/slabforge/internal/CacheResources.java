package io.slabforge.internal;

import io.slabforge.SlabException;
import io.slabforge.SlabStats;
import javax.management.ObjectName;

/**
 * What a cache holds, apart from the engine object: its table, source and pools, its identity and its JMX
 * registration. The engine's {@code Cleaner} action, so it must never reference the engine (or the generated
 * cache): while it did, the cache could never become unreachable. JMX reads the cache through it for the same
 * reason.
 *
 * <p><b>Unclosed caches.</b> When the engine becomes unreachable without {@code close()}, {@link #run()} runs on
 * the cleaner thread: every slab goes back to the provider, the table is emptied, the tag released and the MXBean
 * unregistered, and the cache is reported as a leak (unless {@code OFF}). Touching a {@code CONFINED} cache's pools
 * from that thread is safe because nothing else can reach them any more: every engine method ends with
 * {@code Reference.reachabilityFence(this)}, so no call is under way once the engine is unreachable (the same
 * argument {@code Arena.ofAuto()} rests on). {@code close()} runs the same action on the closing thread after closing,
 * where it only unregisters the MXBean.
 */
final class CacheResources implements Runnable {
    final CacheIdentity identity;
    final SlotTable table;
    final SlabSource source;
    final SlabPool[] pools;
    final SlabGeometry geometry;
    final io.slabforge.SlabSync sync;
    private final boolean locked;
    private final boolean report;
    /** Where the cache was built (PARANOID), else null. */
    private final Throwable site;
    /** The MXBean's name while registered, else null. */
    volatile ObjectName registration;
    /** The cache file of a file-backed cache or a reader of one, else null. */
    private final SlabFile file;

    CacheResources(CacheIdentity identity, SlotTable table, SlabSource source, SlabPool[] pools,
                   SlabGeometry geometry, io.slabforge.SlabSync sync, boolean report, Throwable site,
                   SlabFile file) {
        this.file = file;
        this.identity = identity;
        this.table = table;
        this.source = source;
        this.pools = pools;
        this.geometry = geometry;
        this.sync = sync;
        this.locked = sync == io.slabforge.SlabSync.LOCKED;
        this.report = report;
        this.site = site;
    }

    /**
     * The statistics, read without taking any lock: exact when the caller holds every pool's lock or is the one
     * thread of an unlocked cache; otherwise each figure is one the cache had recently (plain reads of longs, ints
     * and heap arrays: never a fault, never a change).
     */
    SlabStats snapshot() {
        long slabs = 0;
        long live = 0;
        long allocations = 0;
        long frees = 0;
        for (SlabPool each : pools) {
            slabs += each.heldSlabs();
            allocations += each.allocations;
            frees += each.frees;
            live += each.liveObjects();
        }
        if (table.readOnly && !table.isClosed()) {
            // A reader's figures are the file's at this moment: slabs in use, live words, frees as last flushed.
            slabs = file.slabsInUse();
            live = file.liveInFile(table.tagBits);
            frees = file.savedFrees();
            allocations = frees + live;
        }
        if (table.isClosed()) {
            live = 0;
            slabs = 0;
        }
        live = Math.max(0, live);
        int perSlab = geometry.slotsPerSlab();
        long slotSize = geometry.slotSize();
        long capacity = slabs * perSlab;
        return new SlabStats(slabs, slotSize, perSlab, live, capacity, slabs * geometry.slabSize(),
                live * slotSize, Math.max(0, capacity - live) * slotSize, allocations, frees);
    }

    /** For JMX threads: under every pool's lock on a LOCKED cache (exact), else {@link #snapshot()} (racy). */
    SlabStats monitoredSnapshot() {
        if (!locked) {
            return snapshot();
        }
        lockAll();
        try {
            for (SlabPool each : pools) {
                if (each.remote != null) {
                    each.collectRemote(); // frees other threads made count once they returned
                }
            }
            return snapshot();
        } finally {
            unlockAll();
        }
    }

    private void lockAll() {
        for (SlabPool each : pools) {
            each.lock.lock();
        }
    }

    private void unlockAll() {
        for (int i = pools.length - 1; i >= 0; i--) {
            pools[i].lock.unlock();
        }
    }

    /**
     * Gives every slab back, empties the table and releases the tag; the first provider failure is returned (the
     * others suppressed in it), every slab still offered. The caller holds every pool's lock (or is the one thread
     * of an unlocked cache, or the cleaner of an unreachable one).
     */
    SlabException releaseEverything() {
        table.closing();
        SlabException failure = null;
        if (source.lock != null) {
            source.lock.lock();
        }
        try {
            for (SlabPool each : pools) {
                SlabException e = each.releaseAll();
                if (e != null && failure == null) {
                    failure = e;
                } else if (e != null) {
                    failure.addSuppressed(e);
                }
            }
        } finally {
            if (source.lock != null) {
                source.lock.unlock();
            }
        }
        long frees = 0;
        for (SlabPool each : pools) {
            frees += each.frees;
        }
        table.close();
        for (SlabPool each : pools) {
            each.refreshWords();
        }
        if (file != null) {
            try {
                file.close(frees);
            } catch (SlabException e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        if (!table.readOnly) { // a reader holds no tag
            CacheTags.release(table.tag);
        }
        return failure;
    }

    /** The cleaning action: reclaims an unclosed cache; after {@code close()} only unregisters the MXBean. */
    @Override
    public void run() {
        try {
            if (!table.isClosed()) {
                reclaim();
            }
        } catch (RuntimeException | Error e) {
            Leaks.LOG.log(System.Logger.Level.WARNING, "slabforge could not reclaim " + identity.describe(), e);
        } finally {
            SlabCacheBean.unregister(this);
        }
    }

    private void reclaim() {
        if (locked) {
            lockAll(); // a lock of the user's may guard other caches too
        }
        SlabStats before;
        SlabException failure;
        try {
            before = snapshot();
            failure = releaseEverything();
        } finally {
            if (locked) {
                unlockAll();
            }
        }
        SlabCacheBean.unregister(this); // before the report: who reads the report finds it gone
        if (!report) {
            return;
        }
        String outcome = before.slabs() + (before.slabs() == 1 ? " slab (" : " slabs (") + before.reservedBytes()
                + " bytes) given back to the provider, tag " + identity.tag() + " released"
                + (failure == null ? "" : "; the provider failed to take some back: " + failure.getMessage());
        String message = "leak: " + identity.describe() + " became unreachable without close() with "
                + before.liveObjects() + (before.liveObjects() == 1 ? " live object; " : " live objects; ") + outcome + "; " + (site != null ? "built at:"
                : "to see where it was built, use leakDetection(LeakDetection.PARANOID) or -D" + Leaks.PROPERTY
                        + "=PARANOID");
        Throwable trimmed = Leaks.trimmed(site);
        Leaks.warn(message, trimmed);
        SlabEvents.leak(identity.label(), "cache", 0, outcome, Leaks.framesOf(trimmed));
    }
}
