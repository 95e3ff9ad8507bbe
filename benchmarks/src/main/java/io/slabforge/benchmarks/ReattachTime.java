package io.slabforge.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Re-attach time of a file-backed cache of N particles (default 10 million): after a clean close, and after the
 * writer was killed (a child JVM that re-attaches, allocates one more particle and halts without closing, as
 * SIGKILL leaves the file). Prints one line per case; the file is under {@code java.io.tmpdir} or the first
 * argument's directory.
 *
 * <pre>
 * java -cp benchmarks.jar io.slabforge.benchmarks.ReattachTime [file] [particles]
 * </pre>
 *
 * <p>For re-attach in a new JVM, or with the page cache dropped in between, one step per JVM: {@code --fill file
 * [particles]} fills a new file and closes it, {@code --crash file} re-attaches, allocates one particle and halts,
 * {@code --open file} re-attaches and prints the time and the live count.
 */
public final class ReattachTime {
    private ReattachTime() {}

    /**
     * Runs the measurement.
     *
     * @param args optional: the cache file, particles
     * @throws Exception if the child fails
     */
    public static void main(String[] args) throws Exception {
        if (args.length > 1) {
            switch (args[0]) {
                case "--crash" -> {
                    ParticleSlab slab = ParticleSlab.open(Path.of(args[1]));
                    slab.allocate(new Particle(1, 2, 3, 4, 5));
                    Runtime.getRuntime().halt(0);
                }
                case "--fill" -> {
                    fill(Path.of(args[1]), args.length > 2 ? Integer.parseInt(args[2]) : 10_000_000);
                    return;
                }
                case "--open" -> {
                    long start = System.nanoTime();
                    try (ParticleSlab slab = ParticleSlab.open(Path.of(args[1]))) {
                        System.out.printf("re-attached in %.0f ms: %,d live%n", (System.nanoTime() - start) / 1e6,
                                slab.liveCount());
                    }
                    return;
                }
                default -> { } // a file and a count
            }
        }
        Path file = args.length > 0 ? Path.of(args[0]) : Files.createTempDirectory("reattach").resolve("p.slab");
        int particles = args.length > 1 ? Integer.parseInt(args[1]) : 10_000_000;
        fill(file, particles);
        for (int run = 0; run < 3; run++) {
            System.out.printf("re-attach after a clean close: %.0f ms%n", reattach(file, particles) / 1e6);
        }
        for (int run = 0; run < 2; run++) {
            List<String> command = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElseThrow(),
                    "-cp", System.getProperty("java.class.path"), ReattachTime.class.getName(), "--crash",
                    file.toString()));
            Process child = new ProcessBuilder(command).inheritIO().start();
            if (child.waitFor() != 0) {
                throw new IllegalStateException("the child failed");
            }
            particles++;
            System.out.printf("re-attach after a kill (rebuilt from the words, logged): %.0f ms%n",
                    reattach(file, particles) / 1e6);
        }
        Files.delete(file);
    }

    /** A new file of {@code particles} particles, closed. */
    private static void fill(Path file, int particles) throws IOException {
        Files.deleteIfExists(file);
        long start = System.nanoTime();
        try (ParticleSlab slab = ParticleSlab.open(file)) {
            for (int i = 0; i < particles; i++) {
                slab.allocate(new Particle(i, i, i, i, 0));
            }
        }
        System.out.printf("filled %,d particles in %.0f ms; file %,d bytes%n", particles,
                (System.nanoTime() - start) / 1e6, Files.size(file));
    }

    private static long reattach(Path file, long expected) {
        long start = System.nanoTime();
        try (ParticleSlab slab = ParticleSlab.open(file)) {
            long elapsed = System.nanoTime() - start;
            if (slab.liveCount() != expected) {
                throw new IllegalStateException(slab.liveCount() + " live, expected " + expected);
            }
            return elapsed;
        }
    }
}
