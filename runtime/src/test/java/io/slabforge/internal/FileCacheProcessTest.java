package io.slabforge.internal;

import static io.slabforge.internal.FileCaches.COMPLEMENT;
import static io.slabforge.internal.FileCaches.COOKIE;
import static io.slabforge.internal.FileCaches.cookie;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import io.slabforge.InvalidHandleException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File-backed caches across processes: a child JVM ({@link FileCacheChild}) writes and exits, or churns until it is
 * killed with SIGKILL; this JVM re-attaches and checks the cache against the child's journal, or reads the file
 * with {@code openReadOnly} while the child writes. The kill test makes {@value #KILLS} kills by default;
 * {@code -Dslabforge.kills=N} makes N (and lets each child run longer).
 */
class FileCacheProcessTest {
    static final int KILLS = Integer.getInteger("slabforge.kills", 20);

    @TempDir
    Path dir;

    /** The expected cache: live handles and the value of their rewritten field, replayed from a journal. */
    private static final class Expected {
        final Map<Long, Long> live = new HashMap<>();
        final Set<Long> freed = new HashSet<>();
        long records;

        void apply(byte op, long handle, long value) {
            switch (op) {
                case FileCacheChild.ALLOCATE -> live.put(handle, value);
                case FileCacheChild.FREE -> {
                    live.remove(handle);
                    freed.add(handle);
                }
                case FileCacheChild.WRITE -> live.put(handle, value);
                default -> throw new AssertionError("journal record " + records + " has operation " + op);
            }
            records++;
        }
    }

    @Test
    void aChildWritesAndExitsAndTheParentFindsEveryObject() throws Exception {
        for (String ending : List.of("close", "exit")) {
            Path path = dir.resolve("child-" + ending + ".slab");
            Process child = start("write", path.toString(), "20000", ending);
            assertEquals(0, child.waitFor(), () -> output(child));
            Expected expected = replay(path, 0, new Expected());
            try (SlabEngine engine = FileCaches.open(path)) {
                check(engine, expected, null, ending);
            }
        }
    }

    /**
     * Each process numbers its caches from the same start, so a file made by one process's first cache had the tag
     * that another process's first in-memory cache takes: the file was refused (failed before new files took their
     * tags from a half of the tag space that in-memory caches leave alone).
     */
    @Test
    void aFileMadeByAnotherProcessOpensAfterThisProcessBuiltACache() throws Exception {
        Path path = dir.resolve("first-cache.slab");
        Process writer = start("write", path.toString(), "300", "close");
        assertEquals(0, writer.waitFor(), () -> output(writer));
        Process reader = start("openAfterMemory", path.toString());
        String out = output(reader);
        assertEquals(0, reader.waitFor(), out);
        assertTrue(out.contains("opened ") && out.contains(" with 200"), out);
    }

    @Test
    void killedAtRandomMomentsTheWriterLosesNothingThatReturned() throws Exception {
        Path path = dir.resolve("killed.slab");
        SplittableRandom random = Seeds.random("kills");
        Expected expected = new Expected();
        long journalOffset = 0;
        int maxDelay = KILLS > 20 ? 1500 : 400;
        for (int kill = 0; kill < KILLS; kill++) {
            Process child = start("churn", path.toString(), Long.toString(random.nextLong()), "20000");
            long readyBy = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
            // Kill at a random moment of its life: while it starts, attaches (recovers) or churns.
            Thread.sleep(random.nextInt(maxDelay));
            if (random.nextBoolean()) {
                awaitReady(child, readyBy);
                Thread.sleep(random.nextInt(maxDelay / 4 + 1));
            }
            child.destroyForcibly(); // SIGKILL
            child.waitFor();
            int exit = child.exitValue();
            assertTrue(exit == 137 || exit == 9 || exit == 128 + 9, () -> "the child ended by itself (" + exit
                    + "): " + output(child) + " " + Seeds.rerun());
            long before = expected.records;
            replay(path, journalOffset, expected);
            journalOffset = expected.records * FileCacheChild.RECORD;
            try (SlabEngine engine = FileCaches.open(path)) {
                String inFlight = check(engine, expected, path, "kill " + kill + " after " + (expected.records
                        - before) + " operations");
                if (inFlight != null) {
                    journalOffset = expected.records * FileCacheChild.RECORD;
                }
            }
        }
        assertTrue(expected.records > 0, "the children did some work");
    }

    @Test
    void aReaderProcessSeesOnlyLiveObjectsWhileTheWriterChurns() throws Exception {
        Path path = dir.resolve("shared.slab");
        Process child = start("churn", path.toString(), Long.toString(Seeds.seed("reader")), "30000");
        try {
            awaitReady(child, System.nanoTime() + TimeUnit.SECONDS.toNanos(60));
            long checked = 0;
            long refused = 0;
            long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(KILLS > 20 ? 20_000 : 1_500);
            try (SlabEngine reader = FileCaches.openReadOnly(path)) {
                while (System.nanoTime() < end) {
                    List<Long> handles = new ArrayList<>();
                    reader.forEach(handles::add);
                    for (long h : handles) {
                        try {
                            long value = reader.getLong(h, COOKIE);
                            VarHandle.loadLoadFence(); // the liveness check below reads the word after the field
                            if (reader.isLive(h)) {
                                // Live before and after the read: no free in between (generations never repeat),
                                // so the value is this object's, or 0 if its cookie is not written yet.
                                if (value != cookie(h) && value != 0) {
                                    fail("a live handle read another object's cookie: " + reader.describe(h)
                                            + " read 0x" + Long.toHexString(value) + " " + Seeds.rerun());
                                }
                                checked++;
                            }
                        } catch (InvalidHandleException freedUnderUs) {
                            refused++;
                        }
                    }
                    assertTrue(reader.liveCount() >= 0);
                }
            }
            assertTrue(checked > 1000, "the reader read live objects: " + checked + " (" + refused + " freed)");
            assertTrue(child.isAlive(), () -> "the writer kept running: " + output(child));
        } finally {
            child.destroyForcibly();
            child.waitFor();
        }
    }

    // ------------------------------------------------------------------------------------------------------------

    /**
     * Checks the re-attached cache against the journal. The operation after the last whole record may have been in
     * flight: complete or absent, never half. If it completed, it is added to the journal (returned as a note).
     */
    private static String check(SlabEngine engine, Expected expected, Path journalOf, String when)
            throws IOException {
        PoolConsistency.assertConsistent(engine);
        Map<Long, Long> found = new HashMap<>();
        engine.forEach(h -> found.put(h, engine.getLong(h, COMPLEMENT)));
        assertEquals(found.size(), engine.liveCount(), "liveCount agrees with the live slots");
        List<Long> extra = new ArrayList<>();
        List<Long> missing = new ArrayList<>();
        List<Long> rewritten = new ArrayList<>();
        for (Map.Entry<Long, Long> e : found.entrySet()) {
            long h = e.getKey();
            Long value = expected.live.get(h);
            if (value == null) {
                extra.add(h);
                assertFalse(expected.freed.contains(h), () -> when + ": a freed handle is live again "
                        + engine.describe(h) + " " + Seeds.rerun());
                long c = engine.getLong(h, COOKIE);
                assertTrue(c == 0 || c == cookie(h), () -> when + ": an allocation in flight holds another "
                        + "object's bytes " + engine.describe(h) + " " + Seeds.rerun());
            } else {
                assertEquals(cookie(h), engine.getLong(h, COOKIE), () -> when + ": the cookie of "
                        + engine.describe(h) + " " + Seeds.rerun());
                if (value.longValue() != e.getValue()) {
                    rewritten.add(h);
                }
            }
        }
        for (long h : expected.live.keySet()) {
            if (!found.containsKey(h)) {
                missing.add(h);
            }
        }
        int differences = extra.size() + missing.size() + rewritten.size();
        assertTrue(differences <= 1, () -> when + ": " + differences + " differences from the journal (extra "
                + extra + ", missing " + missing + ", rewritten " + rewritten + "); at most the operation in flight "
                + Seeds.rerun());
        if (journalOf == null) {
            assertEquals(0, differences, () -> when + ": the child finished, so nothing was in flight");
        }
        for (long h : expected.freed) {
            assertFalse(engine.isLive(h), () -> when + ": freed handle live " + engine.describe(h));
        }
        if (differences == 0 || journalOf == null) {
            return null;
        }
        // The operation in flight completed in the cache: journal it as the child would have.
        if (!extra.isEmpty()) {
            long h = extra.get(0);
            long complement = engine.getLong(h, COMPLEMENT);
            assertTrue(complement == 0 || complement == ~cookie(h), () -> when + ": an allocation in flight holds "
                    + "another object's bytes " + engine.describe(h) + " " + Seeds.rerun());
            append(journalOf, expected, FileCacheChild.ALLOCATE, h, complement);
            if (engine.getLong(h, COOKIE) != cookie(h) || complement != ~cookie(h)) {
                // Allocated, but killed before its cookies were written: the journal's objects all have theirs.
                engine.free(h);
                append(journalOf, expected, FileCacheChild.FREE, h, 0);
            }
            return "allocate in flight";
        }
        if (!missing.isEmpty()) {
            append(journalOf, expected, FileCacheChild.FREE, missing.get(0), 0);
            return "free in flight";
        }
        long h = rewritten.get(0);
        append(journalOf, expected, FileCacheChild.WRITE, h, found.get(h));
        return "write in flight";
    }

    private static void append(Path path, Expected expected, byte op, long handle, long value) throws IOException {
        Path journal = Path.of(path + ".journal");
        long whole = expected.records * FileCacheChild.RECORD;
        try (var channel = java.nio.channels.FileChannel.open(journal, java.nio.file.StandardOpenOption.WRITE)) {
            channel.truncate(whole); // drop a torn record of the killed child
            ByteBuffer record = ByteBuffer.allocate(FileCacheChild.RECORD).put(op).putLong(handle).putLong(value);
            channel.write(record.flip(), whole);
        }
        expected.apply(op, handle, value);
    }

    private static Expected replay(Path path, long from, Expected into) throws IOException {
        Path journal = Path.of(path + ".journal");
        byte[] bytes = Files.exists(journal) ? Files.readAllBytes(journal) : new byte[0];
        ByteBuffer buffer = ByteBuffer.wrap(bytes);
        for (long at = from; at + FileCacheChild.RECORD <= bytes.length; at += FileCacheChild.RECORD) {
            buffer.position((int) at);
            into.apply(buffer.get(), buffer.getLong(), buffer.getLong());
        }
        if (bytes.length % FileCacheChild.RECORD != 0) {
            try (var channel = java.nio.channels.FileChannel.open(journal,
                    java.nio.file.StandardOpenOption.WRITE)) {
                channel.truncate(into.records * FileCacheChild.RECORD); // a torn last record: never completed
            }
        }
        return into;
    }

    private static Process start(String... args) throws IOException {
        String java = ProcessHandle.current().info().command().orElse("java");
        List<String> command = new ArrayList<>(List.of(java, "-Xmx128m", "-XX:TieredStopAtLevel=1",
                "-XX:+UseSerialGC", "-Xshare:auto"));
        if (SlabEngine.class.getModule().isNativeAccessEnabled()) {
            command.add("--enable-native-access=ALL-UNNAMED");
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), FileCacheChild.class.getName()));
        command.addAll(List.of(args));
        return new ProcessBuilder(command).redirectErrorStream(true).start();
    }

    private static void awaitReady(Process child, long byNanos) throws IOException {
        BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
        String line;
        while ((line = out.readLine()) != null) {
            if (line.startsWith("ready")) {
                return;
            }
            if (System.nanoTime() > byNanos) {
                break;
            }
        }
        fail("the child did not attach: " + line + " " + Seeds.rerun());
    }

    private static String output(Process child) {
        try {
            return new String(child.getInputStream().readAllBytes());
        } catch (IOException e) {
            return e.toString();
        }
    }
}
