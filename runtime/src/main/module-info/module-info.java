/**
 * Slabforge runtime: typed off-heap slab caches for records.
 *
 * <p>Everything public lives in {@link io.slabforge}. The module needs {@code java.base}, {@code jdk.jfr} (its events) and
 * {@code java.management} (the MXBeans of named caches), and no
 * {@code --enable-native-access}. Given native access ({@code --enable-native-access=io.slabforge}), confined
 * and unsynchronised caches access their slabs at their addresses through one all-memory segment (the fast path,
 * {@code isDirect()} of every generated cache), and {@code SlabMemory.ofArena()} maps its regions with {@code mmap}, so that
 * only the slabs in use are resident; without it, nothing restricted is called (so the JDK prints no warning).
 */
module io.slabforge {
    /** JFR events (io.slabforge.*). */
    requires jdk.jfr;
    /** The MXBean of a named cache (io.slabforge:type=SlabCache). */
    requires java.management;
    exports io.slabforge;
    /** What generated caches call and users should not: not API, no compatibility promised (like dagger.internal). */
    exports io.slabforge.internal;
}
