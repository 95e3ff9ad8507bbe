package io.slabforge;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Asks for concurrent accessors of an {@code int} or {@code long} component of a {@link SlabType} record: besides
 * the plain getter and setter, the generated cache, its {@code Ref} and its {@code Box} get
 * {@code <name>Volatile} (read and write), {@code <name>Acquire}, {@code <name>Release},
 * {@code <name>CompareAndSet} and {@code <name>GetAndAdd}, backed by {@code VarHandle}s of the generated
 * {@code LAYOUT} (slots are naturally aligned, so these accesses are legal and atomic).
 *
 * <pre>{@code
 * @SlabType(slabSize = 4096)
 * public record Counter(@Atomic long hits, int id) {}
 *
 * CounterSlab slab = CounterSlab.builder().sync(SlabSync.LOCKED).build();
 * long h = slab.allocate();
 * slab.hitsGetAndAdd(h, 1);          // from any thread
 * }</pre>
 *
 * <p>Atomicity covers the field, not the slot's lifetime: a thread racing a {@code free} of the same slot may act on
 * the slot's next owner or get {@link InvalidHandleException}; see the generated class's memory model notes.
 */
@Documented
@Retention(RetentionPolicy.CLASS)
@Target(ElementType.RECORD_COMPONENT)
public @interface Atomic {}
