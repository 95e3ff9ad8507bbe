// A development probe (not built by Maven), run by rounds.sh as a source file with benchmarks.jar (for Gson) on the
// class path: java -cp benchmarks.jar benchmarks/probes/RoundsMedians.java DIR ROUNDS 'BENCHMARKS' PEER...
// Reads DIR/<benchmark>@<peer>@<round>.json (JMH's -rf json, one fork each) and prints, per benchmark, each peer's
// median over every iteration of every round, its ratio to the first peer's, and the ratio of the two in each round.

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import java.io.IOException;
import java.io.Reader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

public class RoundsMedians {
    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int rounds = Integer.parseInt(args[1]);
        String[] benchmarks = args[2].trim().split("\\s+");
        List<String> peers = List.of(args).subList(3, args.length);
        for (String benchmark : benchmarks) {
            System.out.println(benchmark);
            double[][] roundMedians = new double[peers.size()][rounds];
            double first = Double.NaN;
            String unit = "";
            for (int p = 0; p < peers.size(); p++) {
                List<Double> all = new ArrayList<>();
                for (int r = 0; r < rounds; r++) {
                    Fork fork = fork(dir.resolve(benchmark + "@" + peers.get(p) + "@" + (r + 1) + ".json"));
                    all.addAll(fork.scores());
                    roundMedians[p][r] = median(fork.scores());
                    unit = fork.unit().isEmpty() ? unit : fork.unit();
                }
                double median = median(all);
                if (p == 0) {
                    first = median;
                }
                StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "  %-40s %12.2f %s  n=%d",
                        peers.get(p), median, unit, all.size()));
                if (p > 0) {
                    line.append(String.format(Locale.ROOT, "  %.2fx  rounds:", median / first));
                    for (int r = 0; r < rounds; r++) {
                        line.append(String.format(Locale.ROOT, " %.2f", roundMedians[p][r] / roundMedians[0][r]));
                    }
                }
                System.out.println(line);
            }
        }
    }

    /** One fork's result file: every measured iteration and the unit. */
    private record Fork(List<Double> scores, String unit) {}

    /** The file's iterations, or none if the fork failed (its log says why). */
    private static Fork fork(Path file) throws IOException {
        List<Double> scores = new ArrayList<>();
        String unit = "";
        if (!Files.exists(file) || Files.size(file) == 0) {
            System.out.println("  (no result: " + file + "; see its .log)");
            return new Fork(scores, unit);
        }
        try (Reader in = Files.newBufferedReader(file)) {
            for (JsonElement run : JsonParser.parseReader(in).getAsJsonArray()) {
                JsonObject metric = run.getAsJsonObject().getAsJsonObject("primaryMetric");
                unit = metric.get("scoreUnit").getAsString();
                for (JsonElement fork : metric.getAsJsonArray("rawData")) {
                    for (JsonElement score : fork.getAsJsonArray()) {
                        scores.add(score.getAsDouble());
                    }
                }
            }
        }
        return new Fork(scores, unit);
    }

    private static double median(List<Double> values) {
        if (values.isEmpty()) {
            return Double.NaN;
        }
        List<Double> sorted = new ArrayList<>(values);
        sorted.sort(null);
        int n = sorted.size();
        return n % 2 == 1 ? sorted.get(n / 2) : (sorted.get(n / 2 - 1) + sorted.get(n / 2)) / 2;
    }
}
