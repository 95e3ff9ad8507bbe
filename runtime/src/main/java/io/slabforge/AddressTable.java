package io.slabforge;

import java.util.Arrays;
import java.util.function.Consumer;

/**
 * An open-addressing map from non-zero {@code long} keys (addresses, or address granules) to objects, with linear
 * probing and backward-shift deletion: a lookup is one multiply, one shift and usually one array load, and it
 * allocates nothing, because {@link SlabAllocator#free} runs it on every call. Not thread-safe; the allocator
 * guards it.
 *
 * @param <V> the value type
 */
final class AddressTable<V> {
    private static final long PHI = 0x9E37_79B9_7F4A_7C15L;
    private static final int MIN_CAPACITY = 16;

    private long[] keys = new long[MIN_CAPACITY];
    private Object[] values = new Object[MIN_CAPACITY];
    private int shift = 64 - Integer.numberOfTrailingZeros(MIN_CAPACITY);
    private int size;

    int size() {
        return size;
    }

    @SuppressWarnings("unchecked")
    V get(long key) {
        long[] k = keys;
        int mask = k.length - 1;
        for (int i = (int) ((key * PHI) >>> shift); ; i = (i + 1) & mask) {
            long found = k[i];
            if (found == key) {
                return key == 0 ? null : (V) values[i];
            }
            if (found == 0) {
                return null;
            }
        }
    }

    /**
     * Maps {@code key} to {@code value}.
     *
     * @return {@code false}, changing nothing, if the key is already present
     */
    boolean putIfAbsent(long key, V value) {
        if (key == 0) {
            throw new IllegalArgumentException("key 0 is reserved for empty entries");
        }
        if (2 * (size + 1) > keys.length) {
            resize(keys.length * 2);
        }
        long[] k = keys;
        int mask = k.length - 1;
        int i = (int) ((key * PHI) >>> shift);
        for (; k[i] != 0; i = (i + 1) & mask) {
            if (k[i] == key) {
                return false;
            }
        }
        k[i] = key;
        values[i] = value;
        size++;
        return true;
    }

    /** Removes {@code key}; returns its value, or {@code null} if it was absent. */
    @SuppressWarnings("unchecked")
    V remove(long key) {
        if (key == 0) {
            return null;
        }
        long[] k = keys;
        int mask = k.length - 1;
        int i = (int) ((key * PHI) >>> shift);
        for (; k[i] != key; i = (i + 1) & mask) {
            if (k[i] == 0) {
                return null;
            }
        }
        V removed = (V) values[i];
        // Backward-shift deletion: pull later members of the probe run into the hole so lookups need no tombstones.
        int hole = i;
        for (int j = (hole + 1) & mask; k[j] != 0; j = (j + 1) & mask) {
            int home = (int) ((k[j] * PHI) >>> shift);
            if (((j - home) & mask) >= ((j - hole) & mask)) {
                k[hole] = k[j];
                values[hole] = values[j];
                hole = j;
            }
        }
        k[hole] = 0;
        values[hole] = null;
        size--;
        if (keys.length > MIN_CAPACITY && 8 * size < keys.length) {
            resize(keys.length / 2);
        }
        return removed;
    }

    @SuppressWarnings("unchecked")
    void forEachValue(Consumer<? super V> action) {
        long[] k = keys;
        Object[] v = values;
        for (int i = 0; i < k.length; i++) {
            if (k[i] != 0) {
                action.accept((V) v[i]);
            }
        }
    }

    void clear() {
        Arrays.fill(keys, 0);
        Arrays.fill(values, null);
        size = 0;
    }

    private void resize(int capacity) {
        long[] oldKeys = keys;
        Object[] oldValues = values;
        keys = new long[capacity];
        values = new Object[capacity];
        shift = 64 - Integer.numberOfTrailingZeros(capacity);
        int mask = capacity - 1;
        for (int j = 0; j < oldKeys.length; j++) {
            long key = oldKeys[j];
            if (key != 0) {
                int i = (int) ((key * PHI) >>> shift);
                while (keys[i] != 0) {
                    i = (i + 1) & mask;
                }
                keys[i] = key;
                values[i] = oldValues[j];
            }
        }
    }
}
