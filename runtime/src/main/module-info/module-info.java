/**
 * Slabforge runtime: typed off-heap slab caches for records.
 *
 * <p>Everything public lives in {@link io.slabforge}. The module needs nothing but {@code java.base}; it uses
 * no restricted FFM method, so no {@code --enable-native-access} is needed.
 */
module io.slabforge {
    exports io.slabforge;
}
