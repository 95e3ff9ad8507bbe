package io.slabforge.internal;

import io.slabforge.SlabException;

/**
 * The checks generated accessors share, written once here instead of in every generated class (where their
 * names would also be names no component could have). Not API.
 */
public final class SlabChecks {
    private SlabChecks() {}

    /**
     * {@code index} if it is an element index of a {@code @Length(length)} array.
     *
     * @param index the index
     * @param length the array's length
     * @param name the component, for the message ({@code Order.symbol})
     * @return {@code index}
     * @throws IndexOutOfBoundsException if it is not one
     */
    public static long checkIndex(int index, int length, String name) {
        if (index < 0 || index >= length) {
            throw new IndexOutOfBoundsException("index " + index + " is out of bounds for " + name + " of @Length("
                    + length + ")");
        }
        return index;
    }

    /**
     * The exception for an array value that a {@code @Length(length)} component cannot store: null or of another
     * length.
     *
     * @param name the component, for the message
     * @param array the value
     * @param length the component's length
     * @return the exception to throw
     */
    public static RuntimeException badArray(String name, Object array, int length) {
        if (array == null) {
            return new NullPointerException(name + " is null; a slot stores exactly " + length + " elements inline");
        }
        return new IllegalArgumentException(name + " has " + java.lang.reflect.Array.getLength(array)
                + " elements; @Length(" + length + ") needs exactly " + length);
    }

    /**
     * The enum constant of a stored ordinal.
     *
     * @param values the enum's {@code values()}
     * @param ordinal the stored ordinal
     * @param name the component, for the message
     * @param <E> the enum
     * @return the constant
     * @throws SlabException if the ordinal is outside the enum (written natively or through {@code segment})
     */
    public static <E extends Enum<E>> E enumAt(E[] values, int ordinal, String name) {
        if (ordinal < 0 || ordinal >= values.length) {
            throw new SlabException(name + " holds ordinal " + ordinal + ", but "
                    + values.getClass().getComponentType().getSimpleName() + " has only " + values.length
                    + " constants; was the slot written through segment(handle) or by native code?");
        }
        return values[ordinal];
    }
}
