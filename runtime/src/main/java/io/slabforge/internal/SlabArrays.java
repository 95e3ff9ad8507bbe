package io.slabforge.internal;

import java.lang.foreign.ValueLayout;

/**
 * The copies between a {@code @Length(n)} array component and a Java array that generated accessors share: one
 * overload per element type, written once here instead of in every generated class (where their names would also
 * be names no component could have). Not API.
 *
 * <p>Each is a small static method that the JIT inlines into the generated accessor, so the {@code GEOMETRY}
 * constant the accessor passes is still a constant inside the engine's copy: the copies cost what the engine's
 * {@link SlabEngine#copyOut(SlabGeometry, long, long, ValueLayout, Object, int)} and
 * {@link SlabEngine#copyIn(SlabGeometry, long, long, ValueLayout, Object, int)} cost (one bounds check and one
 * {@code MemorySegment.copy}). Elements are unaligned layouts: each element of a slot's array is aligned by
 * construction, so the copy needs no alignment test. {@code boolean} has no bulk copy in the FFM API and is
 * copied element by element.
 *
 * <pre>{@code
 * long[] values = SlabArrays.copyOut(engine, GEOMETRY, handle, VALUES_OFFSET, new long[16]);
 * SlabArrays.copyIn(engine, GEOMETRY, handle, VALUES_OFFSET, values, 16, "Page.values");
 * }</pre>
 */
public final class SlabArrays {
    private SlabArrays() {}

    /**
     * Fills {@code array} with the {@code boolean} elements stored at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the destination, of the component's length
     * @return {@code array}
     */
    public static boolean[] copyOut(SlabEngine engine, SlabGeometry g, long handle, long offset, boolean[] array) {
        for (int i = 0; i < array.length; i++) {
            array[i] = engine.getBoolean(g, handle, offset + i);
        }
        return array;
    }

    /**
     * Stores {@code array} as the {@code boolean} elements at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the value
     * @param length the component's {@code @Length}
     * @param name the component, for the message ({@code Page.values})
     * @throws NullPointerException if {@code array} is null
     * @throws IllegalArgumentException if its length is not {@code length}
     */
    public static void copyIn(SlabEngine engine, SlabGeometry g, long handle, long offset, boolean[] array, int length,
                              String name) {
        if (array == null || array.length != length) {
            throw SlabChecks.badArray(name, array, length);
        }
        for (int i = 0; i < length; i++) {
            engine.setBoolean(g, handle, offset + i, array[i]);
        }
    }

    /**
     * Fills {@code array} with the {@code byte} elements stored at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the destination, of the component's length
     * @return {@code array}
     */
    public static byte[] copyOut(SlabEngine engine, SlabGeometry g, long handle, long offset, byte[] array) {
        engine.copyOut(g, handle, offset, ValueLayout.JAVA_BYTE, array, array.length);
        return array;
    }

    /**
     * Stores {@code array} as the {@code byte} elements at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the value
     * @param length the component's {@code @Length}
     * @param name the component, for the message ({@code Page.values})
     * @throws NullPointerException if {@code array} is null
     * @throws IllegalArgumentException if its length is not {@code length}
     */
    public static void copyIn(SlabEngine engine, SlabGeometry g, long handle, long offset, byte[] array, int length,
                              String name) {
        if (array == null || array.length != length) {
            throw SlabChecks.badArray(name, array, length);
        }
        engine.copyIn(g, handle, offset, ValueLayout.JAVA_BYTE, array, length);
    }

    /**
     * Fills {@code array} with the {@code short} elements stored at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the destination, of the component's length
     * @return {@code array}
     */
    public static short[] copyOut(SlabEngine engine, SlabGeometry g, long handle, long offset, short[] array) {
        engine.copyOut(g, handle, offset, ValueLayout.JAVA_SHORT_UNALIGNED, array, array.length);
        return array;
    }

    /**
     * Stores {@code array} as the {@code short} elements at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the value
     * @param length the component's {@code @Length}
     * @param name the component, for the message ({@code Page.values})
     * @throws NullPointerException if {@code array} is null
     * @throws IllegalArgumentException if its length is not {@code length}
     */
    public static void copyIn(SlabEngine engine, SlabGeometry g, long handle, long offset, short[] array, int length,
                              String name) {
        if (array == null || array.length != length) {
            throw SlabChecks.badArray(name, array, length);
        }
        engine.copyIn(g, handle, offset, ValueLayout.JAVA_SHORT_UNALIGNED, array, length);
    }

    /**
     * Fills {@code array} with the {@code char} elements stored at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the destination, of the component's length
     * @return {@code array}
     */
    public static char[] copyOut(SlabEngine engine, SlabGeometry g, long handle, long offset, char[] array) {
        engine.copyOut(g, handle, offset, ValueLayout.JAVA_CHAR_UNALIGNED, array, array.length);
        return array;
    }

    /**
     * Stores {@code array} as the {@code char} elements at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the value
     * @param length the component's {@code @Length}
     * @param name the component, for the message ({@code Page.values})
     * @throws NullPointerException if {@code array} is null
     * @throws IllegalArgumentException if its length is not {@code length}
     */
    public static void copyIn(SlabEngine engine, SlabGeometry g, long handle, long offset, char[] array, int length,
                              String name) {
        if (array == null || array.length != length) {
            throw SlabChecks.badArray(name, array, length);
        }
        engine.copyIn(g, handle, offset, ValueLayout.JAVA_CHAR_UNALIGNED, array, length);
    }

    /**
     * Fills {@code array} with the {@code int} elements stored at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the destination, of the component's length
     * @return {@code array}
     */
    public static int[] copyOut(SlabEngine engine, SlabGeometry g, long handle, long offset, int[] array) {
        engine.copyOut(g, handle, offset, ValueLayout.JAVA_INT_UNALIGNED, array, array.length);
        return array;
    }

    /**
     * Stores {@code array} as the {@code int} elements at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the value
     * @param length the component's {@code @Length}
     * @param name the component, for the message ({@code Page.values})
     * @throws NullPointerException if {@code array} is null
     * @throws IllegalArgumentException if its length is not {@code length}
     */
    public static void copyIn(SlabEngine engine, SlabGeometry g, long handle, long offset, int[] array, int length,
                              String name) {
        if (array == null || array.length != length) {
            throw SlabChecks.badArray(name, array, length);
        }
        engine.copyIn(g, handle, offset, ValueLayout.JAVA_INT_UNALIGNED, array, length);
    }

    /**
     * Fills {@code array} with the {@code float} elements stored at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the destination, of the component's length
     * @return {@code array}
     */
    public static float[] copyOut(SlabEngine engine, SlabGeometry g, long handle, long offset, float[] array) {
        engine.copyOut(g, handle, offset, ValueLayout.JAVA_FLOAT_UNALIGNED, array, array.length);
        return array;
    }

    /**
     * Stores {@code array} as the {@code float} elements at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the value
     * @param length the component's {@code @Length}
     * @param name the component, for the message ({@code Page.values})
     * @throws NullPointerException if {@code array} is null
     * @throws IllegalArgumentException if its length is not {@code length}
     */
    public static void copyIn(SlabEngine engine, SlabGeometry g, long handle, long offset, float[] array, int length,
                              String name) {
        if (array == null || array.length != length) {
            throw SlabChecks.badArray(name, array, length);
        }
        engine.copyIn(g, handle, offset, ValueLayout.JAVA_FLOAT_UNALIGNED, array, length);
    }

    /**
     * Fills {@code array} with the {@code long} elements stored at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the destination, of the component's length
     * @return {@code array}
     */
    public static long[] copyOut(SlabEngine engine, SlabGeometry g, long handle, long offset, long[] array) {
        engine.copyOut(g, handle, offset, ValueLayout.JAVA_LONG_UNALIGNED, array, array.length);
        return array;
    }

    /**
     * Stores {@code array} as the {@code long} elements at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the value
     * @param length the component's {@code @Length}
     * @param name the component, for the message ({@code Page.values})
     * @throws NullPointerException if {@code array} is null
     * @throws IllegalArgumentException if its length is not {@code length}
     */
    public static void copyIn(SlabEngine engine, SlabGeometry g, long handle, long offset, long[] array, int length,
                              String name) {
        if (array == null || array.length != length) {
            throw SlabChecks.badArray(name, array, length);
        }
        engine.copyIn(g, handle, offset, ValueLayout.JAVA_LONG_UNALIGNED, array, length);
    }

    /**
     * Fills {@code array} with the {@code double} elements stored at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the destination, of the component's length
     * @return {@code array}
     */
    public static double[] copyOut(SlabEngine engine, SlabGeometry g, long handle, long offset, double[] array) {
        engine.copyOut(g, handle, offset, ValueLayout.JAVA_DOUBLE_UNALIGNED, array, array.length);
        return array;
    }

    /**
     * Stores {@code array} as the {@code double} elements at {@code offset} in the slot.
     *
     * @param engine the cache's engine
     * @param g the generated class's {@code GEOMETRY} (the engine's own)
     * @param handle a live handle
     * @param offset of the array component in the slot
     * @param array the value
     * @param length the component's {@code @Length}
     * @param name the component, for the message ({@code Page.values})
     * @throws NullPointerException if {@code array} is null
     * @throws IllegalArgumentException if its length is not {@code length}
     */
    public static void copyIn(SlabEngine engine, SlabGeometry g, long handle, long offset, double[] array, int length,
                              String name) {
        if (array == null || array.length != length) {
            throw SlabChecks.badArray(name, array, length);
        }
        engine.copyIn(g, handle, offset, ValueLayout.JAVA_DOUBLE_UNALIGNED, array, length);
    }
}
