package io.slabforge.internal;

import io.slabforge.SlabSync;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.ValueLayout;
import java.nio.file.Path;

/** File-backed engines of 32-byte slots (a Particle's geometry), as generated caches build them, for the tests. */
final class FileCaches {
    static final SlabGeometry GEOMETRY = SlabGeometry.of(32, 8, 4096);
    static final String RECORD = "com.example.Particle";
    static final MemoryLayout PARTICLE = MemoryLayout.structLayout(
            ValueLayout.JAVA_DOUBLE.withName("x"), ValueLayout.JAVA_DOUBLE.withName("y"),
            ValueLayout.JAVA_DOUBLE.withName("z"), ValueLayout.JAVA_INT.withName("id"),
            ValueLayout.JAVA_INT.withName("flags")).withName("Particle");
    static final String LAYOUT = PARTICLE.toString();
    /** Where each test object keeps its cookie: a function of its handle, and its complement. */
    static final long COOKIE = 0;
    static final long COMPLEMENT = 8;

    private FileCaches() {}

    static SlabEngine open(Path path) {
        return SlabEngine.builder(GEOMETRY).file(path).describedAs(RECORD, LAYOUT).build();
    }

    static SlabEngine openLocked(Path path) {
        return SlabEngine.builder(GEOMETRY).file(path).sync(SlabSync.LOCKED).describedAs(RECORD, LAYOUT).build();
    }

    static SlabEngine openReadOnly(Path path) {
        return SlabEngine.openReadOnly(path, GEOMETRY, RECORD, PARTICLE);
    }

    /** The cookie every test object holds: a mix of its handle, never 0. */
    static long cookie(long handle) {
        long z = handle * 0x9E37_79B9_7F4A_7C15L;
        z ^= z >>> 31;
        return z == 0 ? 1 : z;
    }

    static long allocateWithCookie(SlabEngine engine) {
        long handle = engine.allocate();
        engine.setLong(handle, COOKIE, cookie(handle));
        engine.setLong(handle, COMPLEMENT, ~cookie(handle));
        return handle;
    }
}
