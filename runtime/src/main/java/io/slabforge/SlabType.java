package io.slabforge;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks a record whose instances live off-heap in a generated slab cache.
 *
 * <p>The Slabforge annotation processor checks the record's layout at compile time and writes a cache class,
 * {@code <Record>Slab} (or {@code <Outer>_<Record>Slab} for a nested record), in the record's package:
 *
 * <pre>{@code
 * @SlabType(slabSize = 4096)
 * public record Particle(double x, double y, double z, int id, int flags) {}
 *
 * try (ParticleSlab slab = ParticleSlab.create()) {
 *     long h = slab.allocate(new Particle(1, 2, 3, 42, 0));
 *     slab.x(h, 9.5);
 *     slab.free(h);
 * }
 * }</pre>
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.TYPE)
public @interface SlabType {

    /**
     * Bytes per slab: a power of two between one slot and
     * {@link io.slabforge.internal.SlabGeometry#MAX_SLAB_SIZE}. Every slab is aligned to its size.
     *
     * @return the slab size in bytes
     */
    int slabSize() default 4096;

    /**
     * Slot alignment in bytes: a power of two, at least 4 and at least the record's natural alignment;
     * 0 means the record's natural alignment. A record whose natural alignment is below 4 (only bytes, shorts,
     * chars, booleans) needs {@code align = 4}: the free-list link in a free slot is an aligned int.
     *
     * @return the slot alignment, or 0 for the natural one
     */
    int align() default 0;

    /**
     * Simple name of the generated cache class; empty means {@code <Record>Slab}, or
     * {@code <Outer>_<Record>Slab} for a nested record.
     *
     * @return the generated class name, or empty for the default
     */
    String cacheName() default "";
}
