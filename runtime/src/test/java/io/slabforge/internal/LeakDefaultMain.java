package io.slabforge.internal;

/** Prints the default leak-detection level of a fresh JVM, for LeakDetectionTest (-Dio.slabforge.leakDetection). */
public final class LeakDefaultMain {
    private LeakDefaultMain() {}

    public static void main(String[] args) {
        SlabEngine.Builder builder = SlabEngine.builder(SlabGeometry.of(16, 8, 4096));
        System.out.println("default " + Leaks.DEFAULT + ", builder " + builder.leakDetection);
    }
}
