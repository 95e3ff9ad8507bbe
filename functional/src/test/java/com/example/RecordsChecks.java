package com.example;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.slabforge.InvalidHandleException;
import io.slabforge.SlabCache;
import io.slabforge.SlabMemory;
import io.slabforge.SlabStats;
import io.slabforge.SlabSync;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemoryLayout.PathElement;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SequenceLayout;
import java.lang.foreign.ValueLayout;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.ConcurrentModificationException;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongConsumer;

/** @Length strings, scan, columns, the SlabCache interface and renamed accessors (Bar.close). */
public final class RecordsChecks {
    private RecordsChecks() {}

    public static Map<String, Runnable> checks() {
        Map<String, Runnable> checks = new LinkedHashMap<>();
        checks.put("string: allocate(record), get, set and accessors round-trip on cache, Ref and Box",
                RecordsChecks::stringRoundTrip);
        checks.put("string: 2-, 3- and 4-byte UTF-8 exactly at the byte limit fit, one byte more is refused",
                RecordsChecks::stringMultiByteAtLimit);
        checks.put("string: too long, U+0000 and unpaired surrogates are refused naming component, bytes and limit;"
                + " the slot is unchanged", RecordsChecks::stringRefused);
        checks.put("string: record writes are checked before a slot is taken or written", RecordsChecks::stringRecordChecks);
        checks.put("string: symbolEquals compares in place", RecordsChecks::stringEquals);
        checks.put("string: LAYOUT has a byte sequence named after the component, NUL-padded in the slot",
                RecordsChecks::stringLayout);
        checks.put("string: embedded, at odd offsets, of length 1", RecordsChecks::stringEmbedded);
        checks.put("scan visits every live slot once, across slabs and holes, with its handle", RecordsChecks::scanVisitsAll);
        checks.put("scan: free or allocate during the scan is a ConcurrentModificationException, the cache consistent",
                RecordsChecks::scanConcurrentModification);
        checks.put("scan: close during the scan is an IllegalStateException", RecordsChecks::scanClose);
        checks.put("scan on LOCKED caches, striped and not", RecordsChecks::scanLocked);
        checks.put("scan on a LOCKED cache: another thread's free of the positioned slot is refused through the Ref,"
                + " and does not stop the walk", RecordsChecks::scanRemoteFree);
        checks.put("scan: a slot freed and allocated again in the action, through a handle from elsewhere, is refused"
                + " through the Ref, whose handle stays the old one", RecordsChecks::scanRefAfterReuseInTheAction);
        checks.put("scan on a LOCKED cache: after the action grew the table, another thread's free of the positioned"
                + " slot is still refused through the Ref", RecordsChecks::scanRemoteFreeAfterGrowth);
        checks.put("scan: the Ref reads and writes its slot in place", RecordsChecks::scanWritesInPlace);
        checks.put("scan: a slot freed in the action is refused through the Ref, whose other reads stay right",
                RecordsChecks::scanRefAfterFreeInTheAction);
        checks.put("scan: a Ref kept after the scan, or wrapped elsewhere in the action, validates its handle",
                RecordsChecks::scanRefOutsideItsStep);
        checks.put("scan: the Ref of a CONFINED cache refuses another thread; nested scans", RecordsChecks::scanRefThreads);
        checks.put("column: accessors, get, set, ref, segment by the primary's handles", RecordsChecks::columnAccess);
        checks.put("column: stale and foreign handles are refused", RecordsChecks::columnValidation);
        checks.put("column: zeros when the primary allocates the slot again, across slab release and reuse",
                RecordsChecks::columnZeroOnReuse);
        checks.put("column: memory taken and given back with the primary's slabs, and at close",
                RecordsChecks::columnMemory);
        checks.put("column: several per primary, attached to a cache with live slots", RecordsChecks::columnSeveral);
        checks.put("column: closes with the primary; bad primaries are refused", RecordsChecks::columnLifecycle);
        checks.put("column of a LOCKED primary from 4 threads", RecordsChecks::columnLockedThreads);
        checks.put("column of a LOCKED primary racing frees and close: only InvalidHandleException or"
                + " IllegalStateException, never a fault", RecordsChecks::columnLockedRace);
        checks.put("column of a CONFINED primary is confined too", RecordsChecks::columnConfined);
        checks.put("every generated cache is a SlabCache", RecordsChecks::slabCacheInterface);
        checks.put("OHLC Bar: close is accessed as closeValue; close() still closes", RecordsChecks::ohlcBar);
        checks.put("components named get, segment, free, stats, ref, box take the Value suffix", RecordsChecks::renamed);
        return checks;
    }

    // ---------------------------------------------------------------------------------------------------------
    // Strings

    private static void stringRoundTrip() {
        try (QuoteSlab book = QuoteSlab.create()) {
            long h = book.allocate(new Quote(1, "AAPL", Side.BUY, 100, 189.5));
            assertEquals("AAPL", book.symbol(h));
            assertEquals(new Quote(1, "AAPL", Side.BUY, 100, 189.5), book.get(h));
            book.symbol(h, "MSFT");
            assertEquals("MSFT", book.symbol(h));
            book.symbol(h, new StringBuilder("GOOG"));
            assertEquals("GOOG", book.get(h).symbol());
            book.set(h, new Quote(2, "", Side.SELL, 1, 2));
            assertEquals("", book.symbol(h));
            assertEquals(new Quote(2, "", Side.SELL, 1, 2), book.get(h));
            QuoteSlab.Ref ref = book.ref(h);
            assertEquals("ABC", ref.symbol("ABC").symbol());
            assertTrue(ref.symbolEquals("ABC"));
            try (QuoteSlab.Box box = book.box()) {
                assertEquals("", box.symbol());
                assertEquals("XYZ", box.symbol("XYZ").symbol());
                assertTrue(box.symbolEquals("XYZ"));
                assertEquals(new Quote(0, "XYZ", Side.BUY, 0, 0), box.toRecord());
            }
        }
    }

    private static void stringMultiByteAtLimit() {
        try (QuoteSlab book = QuoteSlab.create()) {
            long h = book.allocate();
            for (String fits : List.of("ÄÖÜßéè", "€€€€", "😀😀😀", "aé€😀ab", "123456789012")) {
                assertEquals(12, fits.getBytes(StandardCharsets.UTF_8).length, fits);
                book.symbol(h, fits);
                assertEquals(fits, book.symbol(h));
                assertTrue(book.symbolEquals(h, fits));
                assertEquals(fits, book.get(h).symbol());
                long copy = book.allocate(new Quote(3, fits, Side.BUY, 1, 1));
                assertEquals(fits, book.symbol(copy));
                book.free(copy);
            }
            book.symbol(h, "ok");
            for (String tooLong : List.of("ÄÖÜßéèa", "€€€€a", "😀😀😀a", "aé€😀abc", "1234567890123", "€€€ää")) {
                int bytes = tooLong.getBytes(StandardCharsets.UTF_8).length;
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                        () -> book.symbol(h, tooLong));
                assertTrue(e.getMessage().contains("Quote.symbol is " + bytes + " bytes in UTF-8"), e.getMessage());
                assertTrue(e.getMessage().contains("@Length(12) limit of 12 bytes"), e.getMessage());
                assertEquals("ok", book.symbol(h));
            }
        }
    }

    private static void stringRefused() {
        try (QuoteSlab book = QuoteSlab.create()) {
            long h = book.allocate(new Quote(1, "KEEP", Side.BUY, 1, 1));
            byte[] before = book.segment(h).toArray(ValueLayout.JAVA_BYTE);
            IllegalArgumentException nul = assertThrows(IllegalArgumentException.class, () -> book.symbol(h, "A\0B"));
            assertTrue(nul.getMessage().contains("Quote.symbol cannot hold U+0000 (at index 1"), nul.getMessage());
            IllegalArgumentException lone = assertThrows(IllegalArgumentException.class,
                    () -> book.symbol(h, "a\uD800b"));
            assertTrue(lone.getMessage().contains("unpaired surrogate U+D800"), lone.getMessage());
            assertThrows(IllegalArgumentException.class, () -> book.symbol(h, "x".repeat(100)));
            NullPointerException npe = assertThrows(NullPointerException.class, () -> book.symbol(h, null));
            assertTrue(npe.getMessage().contains("Quote.symbol is null"), npe.getMessage());
            assertArrayEquals(before, book.segment(h).toArray(ValueLayout.JAVA_BYTE));
            QuoteSlab.Ref ref = book.ref(h);
            assertThrows(IllegalArgumentException.class, () -> ref.symbol("1234567890123"));
            assertArrayEquals(before, book.segment(h).toArray(ValueLayout.JAVA_BYTE));
            book.free(h);
            assertThrows(InvalidHandleException.class, () -> book.symbol(h));
            assertThrows(InvalidHandleException.class, () -> book.symbol(h, "A"));
            assertThrows(InvalidHandleException.class, () -> book.symbolEquals(h, "A"));
        }
    }

    private static void stringRecordChecks() {
        try (QuoteSlab book = QuoteSlab.create()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> book.allocate(new Quote(1, "THIS IS TOO LONG", Side.BUY, 1, 1)));
            assertTrue(e.getMessage().contains("Quote.symbol is 16 bytes"), e.getMessage());
            assertThrows(NullPointerException.class, () -> book.allocate(new Quote(1, null, Side.BUY, 1, 1)));
            assertEquals(0, book.liveCount());
            long h = book.allocate(new Quote(7, "KEEP", Side.SELL, 9, 9.5));
            assertThrows(IllegalArgumentException.class, () -> book.set(h, new Quote(8, "é".repeat(7), Side.BUY, 1, 1)));
            assertEquals(new Quote(7, "KEEP", Side.SELL, 9, 9.5), book.get(h));
        }
    }

    private static void stringEquals() {
        try (QuoteSlab book = QuoteSlab.create()) {
            long h = book.allocate(new Quote(1, "AAPL", Side.BUY, 1, 1));
            assertTrue(book.symbolEquals(h, "AAPL"));
            assertTrue(book.symbolEquals(h, new StringBuilder("AAPL")));
            assertFalse(book.symbolEquals(h, "AAP"));
            assertFalse(book.symbolEquals(h, "AAPLX"));
            assertFalse(book.symbolEquals(h, "aapl"));
            assertFalse(book.symbolEquals(h, null));
            assertFalse(book.symbolEquals(h, "x".repeat(13)));
            assertFalse(book.symbolEquals(h, "AA\0PL"));
            book.symbol(h, "");
            assertTrue(book.symbolEquals(h, ""));
            book.symbol(h, "123456789012");
            assertTrue(book.symbolEquals(h, "123456789012"));
            assertFalse(book.symbolEquals(h, "12345678901"));
            book.symbol(h, "Zü€😀");
            assertTrue(book.symbolEquals(h, "Zü€😀"));
            assertFalse(book.symbolEquals(h, "Zü€😁"));
            assertFalse(book.symbolEquals(h, "Zü€"));
        }
    }

    private static void stringLayout() {
        MemoryLayout symbol = QuoteSlab.LAYOUT.select(PathElement.groupElement("symbol"));
        assertTrue(symbol instanceof SequenceLayout, symbol.toString());
        assertEquals(12, symbol.byteSize());
        assertEquals(ValueLayout.JAVA_BYTE.withoutName(), ((SequenceLayout) symbol).elementLayout().withoutName());
        long offset = QuoteSlab.LAYOUT.byteOffset(PathElement.groupElement("symbol"));
        try (QuoteSlab book = QuoteSlab.create()) {
            long h = book.allocate(new Quote(1, "Zé", Side.BUY, 1, 1));
            byte[] bytes = book.segment(h).asSlice(offset, 12).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(new byte[] {'Z', (byte) 0xC3, (byte) 0xA9, 0, 0, 0, 0, 0, 0, 0, 0, 0}, bytes);
            book.symbol(h, "ABCDEFGHIJKL");
            book.symbol(h, "x");
            bytes = book.segment(h).asSlice(offset, 12).toArray(ValueLayout.JAVA_BYTE);
            assertArrayEquals(new byte[] {'x', 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0}, bytes, "padding rewritten");
            // Bytes written natively without a NUL read as all 12; bytes that are not UTF-8 decode to U+FFFD.
            book.segment(h).asSlice(offset, 12).fill((byte) 'q');
            assertEquals("q".repeat(12), book.symbol(h));
            book.segment(h).set(ValueLayout.JAVA_BYTE, offset, (byte) 0xFF);
            assertEquals("\uFFFD" + "q".repeat(11), book.symbol(h));
        }
    }

    private static void stringEmbedded() {
        try (TaggedSlab slab = TaggedSlab.create()) {
            Tagged value = new Tagged("x", new Tagged.Label(5, "seven77"), 1, 2, 3, 4, 5, 6);
            long h = slab.allocate(value);
            assertEquals(value, slab.get(h));
            assertEquals("seven77", slab.labelName(h));
            assertTrue(slab.labelNameEquals(h, "seven77"));
            assertEquals("x", slab.one(h));
            assertThrows(IllegalArgumentException.class, () -> slab.one(h, "é"));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> slab.labelName(h, "eight888"));
            assertTrue(e.getMessage().contains("Tagged.label.name is 8 bytes"), e.getMessage());
            assertThrows(IllegalArgumentException.class,
                    () -> slab.allocate(new Tagged("x", new Tagged.Label(5, "eight888"), 1, 2, 3, 4, 5, 6)));
            assertEquals(1, slab.liveCount());
        }
    }

    /** Bytes the calling thread allocates in {@code symbolEquals} and the setter, then per getter call. */
    public static long[] allocatedBytesOfStrings(int calls) {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (QuoteSlab book = QuoteSlab.builder().sync(SlabSync.NONE).build()) {
            long h = book.allocate(new Quote(1, "AAPL", Side.BUY, 1, 1));
            String[] values = {"AAPL", "MSFT", "Zürich€", "😀😀😀"};
            int equal = 0;
            int length = 0;
            for (int round = 0; round < 20_000; round++) { // warm up (JIT, the scratch array, lambdas)
                book.symbol(h, values[round & 3]);
                equal += book.symbolEquals(h, values[(round + 1) & 3]) ? 1 : 0;
                length += book.symbol(h).length();
            }
            book.symbol(h, "AAPL");
            // The least of three runs: a run during which the JIT swaps in new code can count the one-off
            // allocation of the transition, which is not the accessors'.
            long setAndEquals = Long.MAX_VALUE;
            for (int run = 0; run < 3; run++) {
                long before = threads.getCurrentThreadAllocatedBytes();
                for (int i = 0; i < calls; i++) {
                    book.symbol(h, values[i & 3]);
                    equal += book.symbolEquals(h, values[(i + 1) & 3]) ? 1 : 0;
                }
                setAndEquals = Math.min(setAndEquals, threads.getCurrentThreadAllocatedBytes() - before);
            }
            book.symbol(h, "AAPL");
            long start = threads.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < calls; i++) {
                length += book.symbol(h).length();
            }
            long end = threads.getCurrentThreadAllocatedBytes();
            if (equal < 0 || length < 0) {
                throw new AssertionError();
            }
            return new long[] {setAndEquals, (end - start) / calls};
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Scan

    private static void scanVisitsAll() {
        try (QuoteSlab book = QuoteSlab.create()) {
            book.scan(r -> { throw new AssertionError("empty cache"); });
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < 1000; i++) { // 24-byte slots... several 4 KiB slabs
                handles.add(book.allocate(new Quote(i, "S" + i, Side.BUY, i, i)));
            }
            for (int i = 0; i < 1000; i += 3) {
                book.free(handles.get(i));
            }
            Set<Long> expected = new HashSet<>();
            book.forEach(expected::add);
            Set<Long> seen = new HashSet<>();
            long[] qty = {0};
            book.scan(r -> {
                assertTrue(seen.add(r.handle()), "visited twice");
                assertEquals("S" + r.id(), r.symbol());
                qty[0] += r.qty();
            });
            assertEquals(expected, seen);
            long sum = 0;
            for (long h : expected) {
                sum += book.qty(h);
            }
            assertEquals(sum, qty[0]);
            assertTrue(book.stats().slabs() > 1, "spans slabs");
        }
    }

    private static void scanConcurrentModification() {
        try (QuoteSlab book = QuoteSlab.create()) {
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < 300; i++) {
                handles.add(book.allocate(new Quote(i, "S", Side.BUY, i, i)));
            }
            AtomicInteger calls = new AtomicInteger();
            assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
                calls.incrementAndGet();
                book.free(r.handle());
            }));
            assertEquals(1, calls.get(), "stopped at the next step");
            assertEquals(299, book.liveCount());
            assertFalse(book.isLive(handles.get(0)));
            calls.set(0);
            assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
                calls.incrementAndGet();
                book.allocate();
            }));
            assertEquals(1, calls.get());
            assertEquals(300, book.liveCount());
            Set<Long> seen = new HashSet<>();
            book.scan(r -> seen.add(r.handle()));
            assertEquals(300, seen.size(), "consistent after");
        }
    }

    private static void scanClose() {
        QuoteSlab book = QuoteSlab.create();
        for (int i = 0; i < 10; i++) {
            book.allocate();
        }
        AtomicInteger calls = new AtomicInteger();
        assertThrows(IllegalStateException.class, () -> book.scan(r -> {
            calls.incrementAndGet();
            book.close();
        }));
        assertEquals(1, calls.get());
        assertThrows(IllegalStateException.class, () -> book.scan(r -> { }));
    }

    private static void scanLocked() {
        for (int stripes : new int[] {1, 4}) {
            try (QuoteSlab book = QuoteSlab.builder().sync(SlabSync.LOCKED).stripes(stripes).build()) {
                Set<Long> expected = ConcurrentSet.of();
                CompletableFuture<?>[] threads = new CompletableFuture<?>[4];
                for (int t = 0; t < 4; t++) {
                    threads[t] = CompletableFuture.runAsync(() -> {
                        for (int i = 0; i < 500; i++) {
                            expected.add(book.allocate(new Quote(i, "T", Side.SELL, 1, 1)));
                        }
                    });
                }
                CompletableFuture.allOf(threads).join();
                Set<Long> seen = new HashSet<>();
                int[] qty = {0};
                book.scan(r -> {
                    seen.add(r.handle());
                    qty[0] += r.qty();
                });
                assertEquals(expected, seen);
                assertEquals(2000, qty[0]);
                assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> book.free(r.handle())));
                assertEquals(1999, book.liveCount());
                // A change in a pool other than the one being walked stops the walk at the next step too.
                List<Long> order = new ArrayList<>();
                book.scan(r -> order.add(r.handle()));
                long last = order.get(order.size() - 1);
                AtomicInteger calls = new AtomicInteger();
                assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
                    calls.incrementAndGet();
                    book.free(last);
                }));
                assertEquals(1, calls.get(), "a free of the walk's last slot, from its first step");
                calls.set(0);
                assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
                    calls.incrementAndGet();
                    book.allocate();
                }));
                assertEquals(1, calls.get(), "an allocation from the first step");
                calls.set(0);
                QuoteSlab.Box box = book.box();
                assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
                    calls.incrementAndGet();
                    box.close();
                }));
                assertEquals(1, calls.get(), "a box's free from the first step");
                assertEquals(1999, book.liveCount());
                Set<Long> after = new HashSet<>();
                book.scan(r -> after.add(r.handle()));
                assertEquals(1999, after.size(), "consistent after");
            }
        }
    }

    private static void scanRemoteFree() {
        for (int stripes : new int[] {1, 4}) {
            try (QuoteSlab book = QuoteSlab.builder().sync(SlabSync.LOCKED).stripes(stripes).build()) {
                for (int i = 0; i < 300; i++) {
                    book.allocate(new Quote(i, "R", Side.BUY, i + 1, i));
                }
                int[] steps = {0};
                long[] freed = {0};
                book.scan(r -> {
                    if (steps[0]++ == 10) {
                        long h = r.handle();
                        assertEquals(11, r.qty());
                        // The walk holds every stripe's lock: the other thread's free is a remote one, and returns.
                        CompletableFuture.runAsync(() -> book.free(h)).join();
                        freed[0] = h;
                        assertThrows(InvalidHandleException.class, r::qty, stripes + " stripes: freed by another thread");
                        assertThrows(InvalidHandleException.class, () -> r.qty(5));
                    } else {
                        assertTrue(r.qty() > 0);
                    }
                });
                assertEquals(300, steps[0], "another thread's free is no modification by the scan");
                assertFalse(book.isLive(freed[0]));
                Set<Long> after = new HashSet<>();
                book.scan(r -> after.add(r.handle()));
                assertEquals(299, after.size());
                assertFalse(after.contains(freed[0]));
            }
        }
    }

    /**
     * The positioned Ref compares the slot's word in the array its walk reads; an allocation in the action that
     * grows the table replaces that array, so the Ref must have left the walk's path by then: a remote free of the
     * slot afterwards (landing in the new array) is refused all the same.
     */
    private static void scanRemoteFreeAfterGrowth() {
        for (int stripes : new int[] {1, 4}) {
            try (QuoteSlab book = QuoteSlab.builder().sync(SlabSync.LOCKED).stripes(stripes).build()) {
                for (int i = 0; i < 300; i++) {
                    book.allocate(new Quote(i, "G", Side.SELL, i + 1, i));
                }
                long slabsBefore = book.stats().slabs();
                int[] steps = {0};
                assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
                    steps[0]++;
                    long h = r.handle();
                    assertEquals(1, r.qty());
                    for (int i = 0; i < 20_000; i++) { // far more slabs than the table had room for
                        book.allocate(new Quote(i, "N", Side.BUY, 7, i));
                    }
                    assertEquals(1, r.qty(), "still live, read after the growth");
                    CompletableFuture.runAsync(() -> book.free(h)).join();
                    assertThrows(InvalidHandleException.class, r::qty, stripes + " stripes: freed after the growth");
                    assertThrows(InvalidHandleException.class, () -> r.qty(5));
                }), "the allocations stop the walk at the next step");
                assertEquals(1, steps[0]);
                assertTrue(book.stats().slabs() > slabsBefore * 10, "the table grew: " + book.stats());
                assertEquals(299 + 20_000, book.liveCount());
            }
        }
    }

    /**
     * A slab whose every slot is live is walked without reading words: the Ref reads its word only when it needs
     * the handle. The action here never asks before it frees the slot (through a handle it kept) and gets the
     * slot back at once from the magazine, one generation on: the Ref must still name the old object.
     */
    private static void scanRefAfterReuseInTheAction() {
        for (boolean nested : new boolean[] {false, true}) {
            for (SlabSync sync : new SlabSync[] {SlabSync.NONE, SlabSync.CONFINED}) {
                try (QuoteSlab book = QuoteSlab.builder().sync(sync).build()) {
                    scanRefAfterReuseInTheAction(book, sync + (nested ? ", after a nested scan" : ""), nested);
                }
            }
        }
        // File-backed: the free also writes the slot's next word through to the file, which a reopen then shows.
        try {
            java.nio.file.Path file = java.nio.file.Files.createTempFile("slabforge-reuse", ".slab");
            java.nio.file.Files.delete(file);
            try {
                long[] handles;
                try (QuoteSlab book = QuoteSlab.open(file)) {
                    handles = scanRefAfterReuseInTheAction(book, "file", true);
                }
                try (QuoteSlab book = QuoteSlab.open(file)) {
                    assertFalse(book.isLive(handles[0]), "file, reopened: the freed object stays freed");
                    assertEquals(99, book.qty(handles[1]), "file, reopened: its successor");
                    assertEquals(QuoteSlab.SLOTS_PER_SLAB, book.liveCount(), "file, reopened");
                }
            } finally {
                java.nio.file.Files.deleteIfExists(file);
            }
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    /**
     * Fills one slab of {@code book}, then frees its first object and allocates its successor in the scan's first
     * step ({@code nested}: after a scan in that step, which must leave the outer walk's watch in place); returns
     * the freed handle and the successor's.
     */
    private static long[] scanRefAfterReuseInTheAction(QuoteSlab book, String what, boolean nested) {
        List<Long> handles = new ArrayList<>();
        for (int i = 0; i < QuoteSlab.SLOTS_PER_SLAB; i++) {
            handles.add(book.allocate(new Quote(i, "U", Side.BUY, i + 1, i)));
        }
        long old = handles.get(0);
        long oldAddress = book.segment(old).address();
        long[] again = {0};
        assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
            if (nested) {
                int[] inner = {0};
                book.scan(each -> inner[0]++);
                assertEquals(QuoteSlab.SLOTS_PER_SLAB, inner[0], what);
            }
            book.free(old);
            again[0] = book.allocate(new Quote(99, "V", Side.SELL, 99, 0));
            assertEquals(99, book.qty(again[0]));
            assertThrows(InvalidHandleException.class, r::qty, what + ": the Ref's object was freed");
            assertEquals(old, r.handle(), what + ": the Ref names the freed object, not its successor");
        }), what + ": the free stops the walk at the next step");
        assertEquals(oldAddress, book.segment(again[0]).address(), what + ": the same slot came back");
        assertEquals(99, book.qty(again[0]));
        return new long[] {old, again[0]};
    }

    private static void scanWritesInPlace() {
        try (QuoteSlab book = QuoteSlab.create()) {
            List<Long> handles = new ArrayList<>();
            for (int i = 0; i < 500; i++) {
                handles.add(book.allocate(new Quote(i, "W" + i, Side.SELL, i, i / 2.0)));
            }
            book.scan(r -> r.qty(r.qty() * 3).px(r.px() + 1).id(r.id() + 1000));
            for (int i = 0; i < 500; i++) {
                long h = handles.get(i);
                assertEquals(i * 3, book.qty(h));
                assertEquals(i / 2.0 + 1, book.px(h));
                assertEquals(i + 1000, book.id(h));
                assertEquals("W" + i, book.symbol(h));
                assertEquals(Side.SELL, book.side(h));
            }
        }
    }

    /**
     * Every kind of cache, because the Ref learns of a free differently: where only the walking thread can free
     * (NONE, CONFINED, LOCKED with the user's lock), from the pool's count of frees; on a leased LOCKED cache from
     * the slot's word.
     */
    private static void scanRefAfterFreeInTheAction() {
        scanRefAfterFreeInTheAction("NONE", QuoteSlab.builder().sync(SlabSync.NONE));
        scanRefAfterFreeInTheAction("CONFINED", QuoteSlab.builder().sync(SlabSync.CONFINED));
        scanRefAfterFreeInTheAction("LOCKED", QuoteSlab.builder().sync(SlabSync.LOCKED));
        scanRefAfterFreeInTheAction("LOCKED, the user's lock",
                QuoteSlab.builder().sync(SlabSync.LOCKED).lock(new java.util.concurrent.locks.ReentrantLock()));
    }

    private static void scanRefAfterFreeInTheAction(String kind, QuoteSlab.Builder builder) {
        try (QuoteSlab book = builder.reserveSlabs(0).build()) {
            int perSlab = QuoteSlab.SLOTS_PER_SLAB;
            List<Long> first = new ArrayList<>();
            for (int i = 0; i < perSlab; i++) {
                first.add(book.allocate(new Quote(i, "A", Side.BUY, i, 0)));
            }
            long lonely = book.allocate(new Quote(-1, "B", Side.BUY, -1, 0)); // alone in the second slab
            assertEquals(2, book.stats().slabs(), kind);
            // The action frees its own slot: the Ref refuses it at once, even though the slab is still held.
            AtomicInteger calls = new AtomicInteger();
            assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
                calls.incrementAndGet();
                long h = r.handle();
                book.free(h);
                assertThrows(InvalidHandleException.class, r::qty, kind);
                assertThrows(InvalidHandleException.class, () -> r.qty(5), kind);
            }), kind);
            assertEquals(1, calls.get(), kind);
            assertFalse(book.isLive(first.get(0)), kind);
            // The action frees its slot and allocates it again at once (a new generation of the same memory): the
            // Ref still refuses it, and the new object is left as it was written.
            long[] reused = new long[2];
            long[] addresses = new long[2];
            assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
                reused[0] = r.handle();
                addresses[0] = book.segment(reused[0]).address();
                book.free(reused[0]);
                reused[1] = book.allocate(new Quote(42, "C", Side.SELL, 42, 0));
                addresses[1] = book.segment(reused[1]).address();
                assertThrows(InvalidHandleException.class, r::qty, kind);
                assertThrows(InvalidHandleException.class, () -> r.qty(5), kind);
            }), kind);
            assertEquals(first.get(1), reused[0], kind);
            assertEquals(addresses[0], addresses[1], kind + ": the slot was reused");
            assertEquals(42, book.qty(reused[1]), kind);
            assertFalse(book.isLive(reused[0]), kind);
            // The action frees the only object of another slab, which goes back to the memory: the Ref's own slot
            // is still read and written right (and checked), the scan stops at the next step.
            long[] seen = new long[2];
            assertThrows(ConcurrentModificationException.class, () -> book.scan(r -> {
                book.free(lonely);
                assertEquals(1, book.stats().slabs(), "the emptied slab was given back");
                seen[0] = r.handle();
                seen[1] = r.qty();
                r.qty(77);
            }), kind);
            assertEquals(reused[1], seen[0], kind);
            assertEquals(42, seen[1], kind);
            assertEquals(77, book.qty(reused[1]), kind);
        }
    }

    private static void scanRefOutsideItsStep() {
        try (QuoteSlab book = QuoteSlab.create()) {
            long a = book.allocate(new Quote(1, "A", Side.BUY, 10, 0));
            long b = book.allocate(new Quote(2, "B", Side.BUY, 20, 0));
            QuoteSlab.Ref[] kept = new QuoteSlab.Ref[1];
            List<Integer> wrapped = new ArrayList<>();
            book.scan(r -> {
                kept[0] = r;
                long own = r.handle();
                wrapped.add(r.wrap(own == a ? b : a).qty()); // another slot, through the checked path
                wrapped.add(r.wrap(own).qty());
            });
            assertEquals(List.of(20, 10, 10, 20), wrapped);
            QuoteSlab.Ref ref = kept[0];
            assertEquals(b, ref.handle());
            assertEquals(20, ref.qty());
            book.free(b);
            assertThrows(InvalidHandleException.class, ref::qty, "kept after the scan: checked again");
            assertThrows(InvalidHandleException.class, () -> ref.qty(1));
            assertEquals(10, ref.wrap(a).qty());
        }
    }

    private static void scanRefThreads() {
        try (QuoteSlab book = QuoteSlab.create()) {
            for (int i = 0; i < 100; i++) {
                book.allocate(new Quote(i, "T", Side.BUY, 1, 0));
            }
            AtomicInteger refused = new AtomicInteger();
            book.scan(r -> {
                if (r.id() == 0) {
                    Throwable failure = CompletableFuture.runAsync(r::qty).handle((v, e) -> e).join();
                    assertTrue(failure != null && failure.getCause() instanceof WrongThreadException,
                            String.valueOf(failure));
                    refused.incrementAndGet();
                }
            });
            assertEquals(1, refused.get());
            int[] pairs = {0};
            book.scan(outer -> {
                int before = outer.qty();
                book.scan(inner -> pairs[0] += inner.qty());
                assertEquals(before, outer.qty(), "the outer Ref is still right after the inner scan");
                outer.qty(before + 1);
            });
            // At outer step k the inner scan sees k objects already raised to 2, the others at 1.
            assertEquals(100 * 100 + 99 * 100 / 2, pairs[0]);
        }
    }

    /** A thread-safe set. */
    private static final class ConcurrentSet {
        static Set<Long> of() {
            return java.util.concurrent.ConcurrentHashMap.newKeySet();
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // Columns

    private static void columnAccess() {
        try (QuoteSlab book = QuoteSlab.create()) {
            FillSlab.Column fills = FillSlab.columnOf(book);
            long h = book.allocate(new Quote(1, "AAPL", Side.BUY, 100, 189.5));
            assertEquals(new Fill(0, 0), fills.get(h));
            fills.filled(h, 40);
            fills.time(h, 123L);
            assertEquals(40, fills.filled(h));
            assertEquals(new Fill(123, 40), fills.get(h));
            fills.set(h, new Fill(7, 8));
            assertEquals(8, fills.ref(h).filled());
            FillSlab.Ref ref = fills.ref();
            assertEquals(7, ref.wrap(h).time());
            ref.filled(9);
            assertEquals(9, fills.filled(h));
            MemorySegment slot = fills.segment(h);
            assertEquals(FillSlab.SLOT_SIZE, slot.byteSize());
            assertEquals(7, slot.get(ValueLayout.JAVA_LONG, FillSlab.LAYOUT.byteOffset(PathElement.groupElement("time"))));
            assertTrue(fills.isLive(h));
            assertEquals(new Quote(1, "AAPL", Side.BUY, 100, 189.5), book.get(h), "primary untouched");
            assertTrue(fills.toString().contains("Column"), fills.toString());
            // scan + column: every live Order's fill
            long h2 = book.allocate();
            fills.filled(h2, 2);
            long[] total = {0};
            book.scan(r -> total[0] += fills.filled(r.handle()));
            assertEquals(11, total[0]);
        }
    }

    private static void columnValidation() {
        try (QuoteSlab book = QuoteSlab.create(); QuoteSlab other = QuoteSlab.create()) {
            FillSlab.Column fills = FillSlab.columnOf(book);
            long h = book.allocate();
            fills.filled(h, 1);
            book.free(h);
            assertThrows(InvalidHandleException.class, () -> fills.filled(h));
            assertThrows(InvalidHandleException.class, () -> fills.filled(h, 2));
            assertThrows(InvalidHandleException.class, () -> fills.get(h));
            assertThrows(InvalidHandleException.class, () -> fills.segment(h));
            assertFalse(fills.isLive(h));
            long foreign = other.allocate();
            assertThrows(InvalidHandleException.class, () -> fills.filled(foreign));
            assertThrows(InvalidHandleException.class, () -> fills.filled(0L));
            assertThrows(InvalidHandleException.class, () -> fills.filled(-1L));
            long reused = book.allocate();
            assertEquals(0, fills.filled(reused));
            assertThrows(InvalidHandleException.class, () -> fills.filled(h), "old generation stays refused");
        }
    }

    private static void columnZeroOnReuse() {
        try (QuoteSlab book = QuoteSlab.builder().reserveSlabs(0).build()) {
            FillSlab.Column fills = FillSlab.columnOf(book);
            for (int round = 0; round < 3; round++) {
                List<Long> handles = new ArrayList<>();
                for (int i = 0; i < 700; i++) {
                    long h = book.allocate();
                    assertEquals(new Fill(0, 0), fills.get(h), "round " + round + " slot " + i);
                    fills.set(h, new Fill(i + 1, -1));
                    handles.add(h);
                }
                assertTrue(book.stats().slabs() > 2);
                for (long h : handles.subList(0, 350)) {
                    book.free(h);
                }
                for (int i = 0; i < 350; i++) {
                    assertEquals(new Fill(0, 0), fills.get(book.allocate()), "reused slot");
                }
                book.forEach(book::free);
                assertEquals(0, book.stats().slabs(), "every slab given back");
            }
        }
    }

    private static void columnMemory() {
        CountingMemory memory = new CountingMemory();
        QuoteSlab book = QuoteSlab.builder().memory(memory).reserveSlabs(0).build();
        FillSlab.Column fills = FillSlab.columnOf(book);
        FillSlab.Column more = FillSlab.columnOf(book);
        assertEquals(0, memory.held.get(), "nothing before the first slab");
        List<Long> handles = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            long h = book.allocate();
            fills.filled(h, i);
            more.filled(h, -i);
            handles.add(h);
        }
        long slabs = book.stats().slabs();
        assertEquals(3 * slabs, memory.held.get(), "a column slab per primary slab per column");
        for (long h : handles) {
            book.free(h);
        }
        assertEquals(0, memory.held.get(), "given back with the primary's slabs");
        for (int i = 0; i < 200; i++) {
            long h = book.allocate();
            assertEquals(0, fills.filled(h));
            assertEquals(0, more.filled(h));
        }
        assertTrue(memory.held.get() > 0);
        book.close();
        assertEquals(0, memory.held.get(), "given back at close");
    }

    /** A provider over SlabMemory.ofArena() that counts the segments it holds out. */
    private static final class CountingMemory implements SlabMemory {
        final SlabMemory delegate = SlabMemory.ofArena();
        final AtomicInteger held = new AtomicInteger();

        @Override
        public MemorySegment allocate(long byteSize, long byteAlignment) {
            MemorySegment segment = delegate.allocate(byteSize, byteAlignment);
            held.incrementAndGet();
            return segment;
        }

        @Override
        public void free(MemorySegment segment) {
            held.decrementAndGet();
            delegate.free(segment);
        }
    }

    private static void columnSeveral() {
        try (QuoteSlab book = QuoteSlab.create()) {
            long[] handles = new long[300];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = book.allocate();
            }
            FillSlab.Column a = FillSlab.columnOf(book);
            BarSlab.Column bars = BarSlab.columnOf(book);
            for (int i = 0; i < handles.length; i++) {
                assertEquals(0, a.filled(handles[i]), "zero for a slot live before the column");
                a.filled(handles[i], i);
                bars.closeValue(handles[i], i * 0.5);
            }
            for (int i = 0; i < handles.length; i++) {
                assertEquals(i, a.filled(handles[i]));
                assertEquals(i * 0.5, bars.closeValue(handles[i]));
                assertEquals(new Bar(0, 0, 0, 0, i * 0.5, 0), bars.get(handles[i]));
            }
            assertEquals(300, book.liveCount());
        }
    }

    private static void columnLifecycle() {
        QuoteSlab book = QuoteSlab.create();
        FillSlab.Column fills = FillSlab.columnOf(book);
        long h = book.allocate();
        fills.filled(h, 5);
        book.close();
        assertThrows(IllegalStateException.class, () -> fills.filled(h));
        assertThrows(IllegalStateException.class, () -> fills.get(h));
        assertThrows(IllegalStateException.class, () -> FillSlab.columnOf(book));
        assertThrows(IllegalArgumentException.class, () -> FillSlab.columnOf(null));
        SlabCache fake = (SlabCache) java.lang.reflect.Proxy.newProxyInstance(RecordsChecks.class.getClassLoader(),
                new Class<?>[] {SlabCache.class}, (p, m, a) -> null);
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> FillSlab.columnOf(fake));
        assertTrue(e.getMessage().contains("not a generated Slabforge cache"), e.getMessage());
    }

    private static void columnLockedThreads() {
        try (QuoteSlab book = QuoteSlab.builder().sync(SlabSync.LOCKED).build()) {
            FillSlab.Column fills = FillSlab.columnOf(book);
            CompletableFuture<?>[] threads = new CompletableFuture<?>[4];
            for (int t = 0; t < 4; t++) {
                int id = t + 1;
                threads[t] = CompletableFuture.runAsync(() -> {
                    for (int round = 0; round < 20; round++) {
                        long[] mine = new long[200];
                        for (int i = 0; i < mine.length; i++) {
                            mine[i] = book.allocate();
                            assertEquals(0, fills.filled(mine[i]));
                            fills.set(mine[i], new Fill(id, i));
                        }
                        for (int i = 0; i < mine.length; i++) {
                            assertEquals(new Fill(id, i), fills.get(mine[i]));
                            book.free(mine[i]);
                        }
                    }
                });
            }
            CompletableFuture.allOf(threads).join();
            assertEquals(0, book.liveCount());
        }
    }

    private static void columnLockedRace() {
        for (int round = 0; round < 5; round++) {
            QuoteSlab book = QuoteSlab.builder().sync(SlabSync.LOCKED).reserveSlabs(0).build();
            FillSlab.Column fills = FillSlab.columnOf(book);
            long[] handles = new long[2000];
            for (int i = 0; i < handles.length; i++) {
                handles[i] = book.allocate();
            }
            java.util.concurrent.atomic.AtomicBoolean stop = new java.util.concurrent.atomic.AtomicBoolean();
            CompletableFuture<Long> reader = CompletableFuture.supplyAsync(() -> {
                long refused = 0;
                while (!stop.get()) {
                    for (long h : handles) {
                        try {
                            fills.filled(h, fills.filled(h) + 1);
                        } catch (InvalidHandleException | IllegalStateException expected) {
                            refused++;
                        }
                    }
                }
                return refused;
            });
            for (long h : handles) {
                book.free(h); // slabs go back to the provider while the reader writes their columns
            }
            for (int i = 0; i < 500; i++) {
                book.allocate();
            }
            book.close();
            stop.set(true);
            assertTrue(reader.join() >= 0);
            assertThrows(IllegalStateException.class, () -> fills.filled(handles[0]));
        }
    }

    private static void columnConfined() {
        try (QuoteSlab book = QuoteSlab.create()) {
            FillSlab.Column fills = FillSlab.columnOf(book);
            long h = book.allocate();
            Throwable wrong = CompletableFuture.supplyAsync(() -> {
                try {
                    fills.filled(h);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }).join();
            assertTrue(wrong instanceof WrongThreadException, String.valueOf(wrong));
            Throwable attach = CompletableFuture.supplyAsync(() -> {
                try {
                    FillSlab.columnOf(book);
                    return null;
                } catch (Throwable t) {
                    return t;
                }
            }).join();
            assertTrue(attach instanceof WrongThreadException, String.valueOf(attach));
        }
    }

    // ---------------------------------------------------------------------------------------------------------
    // SlabCache and names

    private static void slabCacheInterface() {
        List<SlabCache> caches = List.of(QuoteSlab.create(), FillSlab.create(), BarSlab.create(), ParticleSlab.create());
        for (SlabCache any : caches) {
            long h = any.allocate();
            long t = any.tryAllocate();
            assertTrue(any.isLive(h) && any.isLive(t));
            assertEquals(2, any.liveCount());
            SlabStats stats = any.stats();
            assertEquals(2, stats.liveObjects());
            assertEquals(any.layout().byteSize(), any.segment(h).byteSize());
            List<Long> seen = new ArrayList<>();
            LongConsumer collect = seen::add;
            any.forEach(collect);
            assertEquals(2, seen.size());
            any.free(h);
            assertFalse(any.isLive(h));
            any.close();
            any.close();
            assertThrows(IllegalStateException.class, any::allocate);
        }
        try (QuoteSlab book = QuoteSlab.create()) {
            SlabCache any = book;
            assertSame(QuoteSlab.LAYOUT, any.layout());
            assertEquals(null, any.name(), "no name given");
        }
    }

    private static void ohlcBar() {
        BarSlab.Box escaped;
        try (BarSlab bars = BarSlab.create()) {
            Bar bar = new Bar(1_700_000_000L, 189.5, 191.25, 188.0, 190.75, 1_234_567);
            long h = bars.allocate(bar);
            assertEquals(bar, bars.get(h));
            assertEquals(190.75, bars.closeValue(h));
            bars.closeValue(h, 191.0);
            assertEquals(191.0, bars.get(h).close());
            assertEquals(189.5, bars.open(h));
            assertEquals(1_234_567, bars.volume(h));
            assertEquals(191.0, bars.ref(h).closeValue());
            try (BarSlab.Box box = bars.box()) {
                box.closeValue(3.5).open(1.5);
                assertEquals(new Bar(0, 1.5, 0, 0, 3.5, 0), box.toRecord());
                escaped = box;
            }
            assertTrue(escaped.isClosed(), "Box.close() still closes the box");
            assertEquals(1, bars.liveCount());
            double[] sum = {0};
            bars.scan(r -> sum[0] += r.closeValue());
            assertEquals(191.0, sum[0]);
        }
    }

    private static void renamed() {
        try (TaggedSlab slab = TaggedSlab.create()) {
            long h = slab.allocate(new Tagged("a", new Tagged.Label(1, "b"), 10, 20, 30, 40, 50, 60));
            assertEquals(10, slab.getValue(h));
            assertEquals(20, slab.segmentValue(h));
            assertEquals(30, slab.freeValue(h));
            assertEquals(40, slab.statsValue(h));
            assertEquals(50, slab.refValue(h));
            assertEquals(60, slab.boxValue(h));
            slab.getValue(h, 11);
            assertEquals(11, slab.get(h).get());
            assertEquals(20, slab.ref(h).segmentValue());
            assertEquals(TaggedSlab.SLOT_SIZE, slab.segment(h).byteSize());
        }
    }
}
