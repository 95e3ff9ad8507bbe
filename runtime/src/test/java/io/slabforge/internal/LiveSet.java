package io.slabforge.internal;

import java.util.Arrays;
import java.util.HashSet;
import java.util.Set;

/** Live handles in an array, removable at random in O(1). */
final class LiveSet {
    long[] handles = new long[1024];
    int size;

    void add(long h) {
        if (size == handles.length) {
            handles = Arrays.copyOf(handles, size * 2);
        }
        handles[size++] = h;
    }

    long removeAt(int i) {
        long h = handles[i];
        handles[i] = handles[--size];
        return h;
    }

    Set<Long> toSet() {
        Set<Long> set = new HashSet<>();
        for (int i = 0; i < size; i++) {
            set.add(handles[i]);
        }
        return set;
    }
}
