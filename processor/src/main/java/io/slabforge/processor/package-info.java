/**
 * The Slabforge annotation processor. {@link io.slabforge.processor.SlabProcessor} reads each {@code @SlabType}
 * record into a model, validates it and writes its cache with JavaPoet.
 *
 * <h2>Choices in the generated API</h2>
 * <ul>
 *   <li><b>Embedded records</b> get whole-value accessors ({@code pos(h)} returns a new {@code Vec3},
 *       {@code pos(h, v)} writes one) and flattened field accessors ({@code posX(h)}, {@code posX(h, v)}: the
 *       component name followed by the capitalised field name, recursively: {@code lineAX(h)}), on the cache, its
 *       {@code Ref} and its {@code Box}. Flattened accessors were chosen over nested flyweight views because they
 *       allocate nothing, need no second object per level, and read like the C path {@code line.a.x}.
 *       {@code LAYOUT} nests a struct layout per embedded record, so
 *       {@code LAYOUT.byteOffset(groupElement("pos"), groupElement("x"))} works.</li>
 *   <li><b>Arrays</b> ({@code @Length(n)}): {@code symbol(h, i)} / {@code symbol(h, i, v)} bounds-checked,
 *       {@code symbol(h)} copies out, {@code symbol(h, array)} copies in and rejects a wrong length (nothing is
 *       written), {@code symbolSegment(h)} is a view of the array bytes.</li>
 *   <li><b>Enums</b> are stored as the unsigned ordinal in 1, 2 or 4 bytes (the fewest that hold every
 *       constant); null is rejected with a {@code NullPointerException} naming the component before anything is
 *       written; an out-of-range ordinal read raises {@code SlabException}.</li>
 *   <li><b>Name clashes</b>: a component whose accessor name is a generated member ({@code close}, {@code get},
 *       {@code segment}, {@code handle}, {@code toString}, ... see {@code Naming.RESERVED}) gets accessors with the
 *       suffix {@code Value} ({@code Bar.close}: {@code closeValue(h)}), on the cache, {@code Ref}, {@code Box}
 *       and {@code Column} alike, and the generated Javadoc says why. A suffix was chosen over an error (an OHLC
 *       bar's {@code close} is an everyday name) and over renaming the lifecycle members ({@code close()} is
 *       {@code AutoCloseable}'s, the others are {@code SlabCache}'s contract). A clash that remains (another
 *       component's accessor, {@code posX} next to an embedded {@code pos} with field {@code x}) is a compile
 *       error on the component.</li>
 *   <li><b>Strings</b> ({@code @Length(n) String}): at most n bytes of UTF-8, NUL-padded; the setter takes any
 *       {@code CharSequence} and {@code symbolEquals} compares in place, neither allocates.</li>
 *   <li><b>Reordering warning</b>: when another component order would make the rounded slot smaller, a warning
 *       on the record names that order and the bytes saved per slot; silence it with
 *       {@code @SuppressWarnings("slabforge.layout")} on the record or any enclosing class.</li>
 *   <li><b>Visibility</b>: the cache is public when the record is reachable from outside its package, else
 *       package-private. {@code @Generated} is added when {@code java.compiler} is readable (always on the class
 *       path; in a named module only if it {@code requires java.compiler}); the header comment is always there.</li>
 *   <li><b>Local records</b> annotated {@code @SlabType} are reported when their source file also declares a
 *       non-local {@code @SlabType} type (javac hands processors only annotations outside method bodies, and the
 *       processor, isolating for Gradle, scans only the files of the records it processes).</li>
 * </ul>
 */
package io.slabforge.processor;
