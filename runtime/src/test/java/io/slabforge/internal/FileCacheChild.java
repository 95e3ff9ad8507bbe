package io.slabforge.internal;

import static io.slabforge.internal.FileCaches.COMPLEMENT;
import static io.slabforge.internal.FileCaches.allocateWithCookie;

import java.io.DataOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The other process of the cross-process tests, started by {@link FileCacheProcessTest} with this JVM's java and
 * class path. Modes:
 * <ul>
 *   <li>{@code write FILE COUNT close|exit}: allocates COUNT objects with cookies, frees every third, appends every
 *       completed operation to FILE.journal, then closes the cache or exits without closing;</li>
 *   <li>{@code churn FILE SEED LIVE}: allocates, frees and rewrites objects around LIVE live ones for ever,
 *       appending each completed operation to FILE.journal; it ends by SIGKILL;</li>
 *   <li>{@code openAfterMemory FILE}: builds an in-memory cache, then opens FILE, and prints both tags.</li>
 * </ul>
 * A journal record is {@link #RECORD} bytes: an operation byte, the handle, the value written (unbuffered: each
 * record is in the OS's page cache when the next operation starts, so a kill loses at most the one in flight).
 */
public final class FileCacheChild {
    static final int RECORD = 17;
    static final byte ALLOCATE = 'A';
    static final byte FREE = 'F';
    static final byte WRITE = 'W';

    private FileCacheChild() {}

    public static void main(String[] args) throws IOException {
        exitWithParent();
        Path path = Path.of(args[1]);
        try (DataOutputStream journal = new DataOutputStream(new FileOutputStream(args[1] + ".journal", true))) {
            switch (args[0]) {
                case "write" -> write(path, Integer.parseInt(args[2]), args[3].equals("close"), journal);
                case "churn" -> churn(path, Long.parseLong(args[2]), Integer.parseInt(args[3]), journal);
                case "openAfterMemory" -> openAfterMemory(path);
                default -> throw new IllegalArgumentException(args[0]);
            }
        }
        System.exit(0);
    }

    private static void write(Path path, int count, boolean close, DataOutputStream journal) throws IOException {
        SlabEngine engine = FileCaches.open(path);
        List<Long> live = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            long h = allocateWithCookie(engine);
            record(journal, ALLOCATE, h, ~FileCaches.cookie(h));
            live.add(h);
            if (i % 3 == 2) {
                long gone = live.remove(live.size() / 2);
                engine.free(gone);
                record(journal, FREE, gone, 0);
            }
        }
        if (close) {
            engine.close();
        } else {
            Runtime.getRuntime().halt(0); // no close, no shutdown hook: the file is left as a crash leaves it
        }
    }

    /** A churning child whose test JVM died (killed, or a build stopped) would churn for ever: it ends with it. */
    private static void exitWithParent() {
        ProcessHandle parent = ProcessHandle.current().parent().orElse(null);
        if (parent == null) {
            return;
        }
        Thread watch = new Thread(() -> {
            while (parent.isAlive()) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Runtime.getRuntime().halt(3);
        }, "parent-watch");
        watch.setDaemon(true);
        watch.start();
    }

    /** An in-memory cache first, as a program's own caches would be, then the file: prints both tags. */
    private static void openAfterMemory(Path path) {
        try (SlabEngine memory = SlabEngine.builder(FileCaches.GEOMETRY).build();
             SlabEngine file = FileCaches.open(path)) {
            System.out.println("opened " + file.tag() + " after " + memory.tag() + " with " + file.liveCount());
        }
    }

    private static void churn(Path path, long seed, int target, DataOutputStream journal) throws IOException {
        SplittableRandom random = new SplittableRandom(seed);
        SlabEngine engine = FileCaches.open(path);
        List<Long> live = new ArrayList<>();
        engine.forEach(live::add);
        System.out.println("ready " + live.size());
        System.out.flush();
        for (long op = 0; ; op++) {
            int choice = random.nextInt(10);
            if (live.isEmpty() || choice < (live.size() < target ? 6 : 4)) {
                long h = allocateWithCookie(engine);
                live.add(h);
                record(journal, ALLOCATE, h, ~FileCaches.cookie(h));
            } else if (choice < 8) {
                int at = random.nextInt(live.size());
                long h = live.get(at);
                live.set(at, live.get(live.size() - 1));
                live.remove(live.size() - 1);
                engine.free(h);
                record(journal, FREE, h, 0);
            } else {
                long h = live.get(random.nextInt(live.size()));
                long value = random.nextLong();
                engine.setLong(h, COMPLEMENT, value);
                record(journal, WRITE, h, value);
            }
        }
    }

    private static void record(DataOutputStream journal, byte op, long handle, long value) throws IOException {
        byte[] record = new byte[RECORD];
        record[0] = op;
        for (int i = 0; i < 8; i++) {
            record[1 + i] = (byte) (handle >>> (56 - 8 * i));
            record[9 + i] = (byte) (value >>> (56 - 8 * i));
        }
        journal.write(record); // one write(2): whole, or (killed inside it) a torn last record the parent skips
    }
}
