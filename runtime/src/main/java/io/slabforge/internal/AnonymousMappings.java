package io.slabforge.internal;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.util.Set;

/**
 * Regions for {@link RegionSlabMemory} mapped with anonymous {@code mmap}: memory the kernel commits page by page
 * when it is first touched, so a 64 MiB region holding one slab in use costs that slab's pages, not 64 MiB.
 * ({@code Arena.allocate} zero-fills, and so touches, every byte it returns.)
 *
 * <p>Used only when this module has native access ({@code --enable-native-access=io.slabforge}, or
 * {@code =ALL-UNNAMED} on the class path): {@code Linker.downcallHandle} and {@code MemorySegment.reinterpret} are
 * restricted methods, and calling them without native access prints a JDK warning (or fails under
 * {@code --illegal-native-access=deny}). They are not even linked otherwise: {@link #available()} is then false
 * without calling one. Also false on an operating system or architecture whose {@code MAP_ANONYMOUS} value is not
 * known here, or when {@code mmap} cannot be linked; regions then come from {@code Arena.allocate}.
 *
 * <p>No {@code MAP_NORESERVE}: Linux ignores it under strict overcommit accounting, and under the default heuristic
 * it only skips the check that refuses a single impossible request. Without it, exhaustion behaves as it does for
 * {@code malloc}: {@code mmap} fails and the provider answers {@code null}.
 */
final class AnonymousMappings {
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE = 0x2;
    private static final long MAP_FAILED = -1;
    /** mmap returns addresses aligned to the page size, which is at least this everywhere. */
    private static final long MIN_PAGE_BYTES = 4 << 10;
    /** A multiple of every page size of the platforms below (4, 16 and 64 KiB): unmapping may start at it. */
    private static final long PAGE_MULTIPLE = 64 << 10;
    /**
     * Linux architectures whose {@code MAP_ANONYMOUS} is the generic 0x20 (mips, alpha, parisc and xtensa differ).
     */
    private static final Set<String> GENERIC_LINUX_ARCHES =
            Set.of("amd64", "aarch64", "riscv64", "ppc64le", "s390x", "loongarch64");

    /** {@code MADV_DONTNEED} on Linux and macOS: the pages may be dropped; the mapping stays. */
    private static final int MADV_DONTNEED = 4;

    private record Calls(MethodHandle mmap, MethodHandle munmap, MethodHandle madvise, int mapFlags) {}

    /** The linked calls, or null when regions cannot be mapped here. */
    private static final Calls CALLS = link();

    private AnonymousMappings() {}

    /** Whether {@link #map} can be used: native access, a known platform, and mmap/munmap found. */
    static boolean available() {
        return CALLS != null;
    }

    private static Calls link() {
        int anonymous = mapAnonymousFlag(System.getProperty("os.name", ""), System.getProperty("os.arch", ""));
        if (anonymous == 0 || ADDRESS.byteSize() != Long.BYTES
                || !AnonymousMappings.class.getModule().isNativeAccessEnabled()) {
            return null;
        }
        try {
            return linkWithNativeAccess(anonymous);
        } catch (RuntimeException e) { // no such symbol, or a linker that does not support this platform
            return null;
        }
    }

    /** MAP_ANONYMOUS for this system, or 0 when it is not known. */
    static int mapAnonymousFlag(String osName, String osArch) {
        if (osName.startsWith("Linux")) {
            return GENERIC_LINUX_ARCHES.contains(osArch) ? 0x20 : 0;
        }
        return osName.startsWith("Mac OS X") ? 0x1000 : 0;
    }

    @SuppressWarnings("restricted") // only called when this module has native access; see the class Javadoc
    private static Calls linkWithNativeAccess(int mapAnonymous) {
        Linker linker = Linker.nativeLinker();
        var libc = linker.defaultLookup();
        MethodHandle mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
        MethodHandle munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
        MethodHandle madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
        return new Calls(mmap, munmap, madvise, MAP_PRIVATE | mapAnonymous);
    }

    /**
     * Maps {@code bytes} of fresh (zero) memory at an address aligned to {@code alignment}; closing {@code arena}
     * unmaps it.
     *
     * <p>mmap only aligns to the page size, so a larger alignment is met by mapping {@code alignment} bytes more
     * and unmapping the head before the first aligned address and the tail after the region at once: they were
     * never touched, so they cost nothing but a moment of address space.
     *
     * @param bytes region size, positive
     * @param alignment a power of two
     * @param arena the shared arena the region belongs to; its close unmaps the region
     * @return the region, or {@code null} when the kernel has no memory (or address space) for it
     */
    @SuppressWarnings("restricted") // available() is true only with native access
    static MemorySegment map(long bytes, long alignment, Arena arena) {
        long length = bytes + (alignment > MIN_PAGE_BYTES ? alignment : 0);
        if (bytes <= 0 || length < bytes) { // a block stride or region size that overflowed
            return null;
        }
        long start = mmap(length);
        if (start == MAP_FAILED) {
            return null;
        }
        long aligned = (start + alignment - 1) & -alignment;
        long end = Math.min(start + length, (aligned + bytes + PAGE_MULTIPLE - 1) & -PAGE_MULTIPLE);
        munmap(start, aligned - start);
        munmap(end, start + length - end);
        return MemorySegment.ofAddress(aligned).reinterpret(bytes, arena, region -> munmap(aligned, end - aligned));
    }

    private static long mmap(long length) {
        try {
            var address = (MemorySegment) CALLS.mmap.invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE,
                    CALLS.mapFlags, -1, 0L);
            return address.address();
        } catch (Throwable e) { // a downcall throws nothing: only a broken linker could get here
            throw new IllegalStateException("mmap downcall failed", e);
        }
    }

    /**
     * Gives the pages of {@code region} back to the operating system while keeping it mapped: an access afterwards
     * reads zeros (a fresh page), never faults. The result is not checked: the region is page-aligned.
     *
     * @param region a region {@link #map} returned
     */
    static void release(MemorySegment region) {
        try {
            int ignored = (int) CALLS.madvise.invokeExact(MemorySegment.ofAddress(region.address()),
                    region.byteSize(), MADV_DONTNEED);
        } catch (Throwable e) {
            throw new IllegalStateException("madvise downcall failed", e);
        }
    }

    /**
     * Unmaps the pages holding {@code [address, address + length)}. The result is not checked: munmap fails only
     * for an unaligned address or a zero length, which {@link #map} never passes on.
     */
    private static void munmap(long address, long length) {
        if (length == 0) {
            return;
        }
        try {
            int ignored = (int) CALLS.munmap.invokeExact(MemorySegment.ofAddress(address), length);
        } catch (Throwable e) {
            throw new IllegalStateException("munmap downcall failed", e);
        }
    }
}
