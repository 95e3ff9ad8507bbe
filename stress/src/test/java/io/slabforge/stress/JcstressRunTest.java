package io.slabforge.stress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs this module's jcstress tests (each states its outcome table) in a JVM of their own, as jcstress's
 * {@code Main} does, and fails if any shows a forbidden outcome or an error. Short by default, one JVM
 * configuration, 2 CPUs, no split compilation: about half a minute in all, mostly jcstress probing the JVM; {@code -Dslabforge.jcstress.mode=default} (or {@code tough})
 * runs jcstress's own preset with every configuration it knows, for minutes.
 */
class JcstressRunTest {

    @Test
    void everyConcurrencyTestSeesOnlyItsAllowedOutcomes() throws IOException, InterruptedException {
        Path report = Files.createTempDirectory("jcstress");
        String java = ProcessHandle.current().info().command().orElse("java");
        String mode = System.getProperty("slabforge.jcstress.mode", "");
        List<String> command = new ArrayList<>(List.of(java, "-cp", System.getProperty("java.class.path"),
                "org.openjdk.jcstress.Main", "-c", "2", "-r", report.toString(), "-spinStyle", "THREAD_YIELD"));
        if (mode.isEmpty()) {
            // One configuration (no flag auto-detection), short iterations: CI's budget.
            // Tests have at most 2 actors: jcstress skips a test with more actors than CPUs (-c).
            command.addAll(List.of("-v", "-f", "1", "-iters", "1", "-time", "200", "-sc", "false", "-strideSize",
                    "64", "-strideCount", "4", "-jvmArgs", "--enable-native-access=ALL-UNNAMED -Xmx256m"));
        } else {
            command.addAll(List.of("-m", mode, "-jvmArgsPrepend", "--enable-native-access=ALL-UNNAMED"));
        }
        Path log = report.resolve("run.log");
        Process run = new ProcessBuilder(command).directory(report.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        assertTrue(run.waitFor(10, TimeUnit.MINUTES), "jcstress did not finish: " + log);
        String output = Files.readString(log);
        int results = output.lastIndexOf("RUN RESULTS:");
        String summary = results >= 0 ? output.substring(results) : output;
        System.out.println(summary);
        assertEquals(0, run.exitValue(), "jcstress failed:\n" + summary);
        assertTrue(output.contains("Failed tests: No matches.") && output.contains("Error tests: No matches."),
                summary);
        assertTrue(output.contains("Results: 5 planned; 5 passed, 0 failed, 0 soft errs, 0 hard errs"),
                "every test ran and passed:\n" + summary);
    }
}
