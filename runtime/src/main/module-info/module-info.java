/**
 * Slabforge runtime: typed off-heap slab caches for records.
 *
 * <p>Everything public lives in {@link io.slabforge}. The module needs nothing but {@code java.base} and no
 * {@code --enable-native-access}. Given native access ({@code --enable-native-access=io.slabforge}),
 * {@code SlabMemory.ofArena()} maps its regions with {@code mmap}, so that only the slabs in use are resident;
 * without it, it calls no restricted method (so the JDK prints no warning) and zero-fills whole regions.
 */
module io.slabforge {
    exports io.slabforge;
}
