/**
 * Slabforge: typed off-heap slab caches for records, and the engine the generated caches run on.
 *
 * <p>Annotate a record with {@link io.slabforge.SlabType}; the Slabforge annotation processor writes
 * {@code <Record>Slab} next to it, a cache that stores each instance in a slot of a
 * {@code java.lang.foreign.MemorySegment} slab and names it by a {@code long} handle:
 *
 * <pre>{@code
 * @SlabType(slabSize = 4096)
 * public record Particle(double x, double y, double z, int id, int flags) {}
 *
 * try (ParticleSlab slab = ParticleSlab.create()) {
 *     long h = slab.allocate(new Particle(1, 2, 3, 42, 0));
 *     slab.x(h, 9.5);          // write in place
 *     slab.free(h);
 *     slab.x(h);               // InvalidHandleException: stale handle
 * }
 * }</pre>
 *
 * <p>What this package holds:
 * <ul>
 *   <li>the annotations a record carries: {@link io.slabforge.SlabType}, {@link io.slabforge.Length} for inline
 *       arrays and {@link io.slabforge.Atomic} for atomic accessors;</li>
 *   <li>what a generated cache is configured with: {@link io.slabforge.SlabSync} (thread policy) and
 *       {@link io.slabforge.SlabMemory} (where slabs come from), and what it reports:
 *       {@link io.slabforge.SlabStats};</li>
 *   <li>the errors, all unchecked: {@link io.slabforge.InvalidHandleException} (stale, freed, foreign or random
 *       handle), {@link io.slabforge.SlabOutOfMemoryException} and {@link io.slabforge.SlabException};</li>
 *   <li>the slab engine under every generated cache, whose members generated code calls (not meant to be
 *       called directly);</li>
 *   <li>{@link io.slabforge.SlabAllocator}, a {@code SegmentAllocator} with {@code free} on size-class slabs, and
 *       {@link io.slabforge.SlabBytes} and {@link io.slabforge.SlabByteQueue}, byte sequences and queues on slab
 *       chunks.</li>
 * </ul>
 *
 * <p>Nothing here needs a JVM flag; with native access granted ({@code --enable-native-access=io.slabforge} on
 * the module path, {@code ALL-UNNAMED} on the class path) confined and unsynchronised caches take the faster direct
 * path.
 */
package io.slabforge;
