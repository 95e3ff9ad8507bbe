package io.slabforge.processor;

import com.palantir.javapoet.ClassName;

/** Types the generated code names. The processor never loads them: it runs on any JDK 17+ javac. */
final class Names {
    /** {@code SlabEngine.CONTRACT_VERSION} of the runtime this processor writes code for. */
    static final int CONTRACT_VERSION = 6;
    static final String PROCESSOR = "io.slabforge.processor.SlabProcessor";

    static final ClassName SLAB_ENGINE = ClassName.get("io.slabforge.internal", "SlabEngine");
    static final ClassName SLAB_REF = ClassName.get("io.slabforge.internal", "SlabRef");
    static final ClassName SLAB_GEOMETRY = ClassName.get("io.slabforge.internal", "SlabGeometry");
    static final ClassName SLAB_BUILDER = ClassName.get("io.slabforge.internal", "SlabBuilder");
    static final ClassName SLAB_BOX = ClassName.get("io.slabforge.internal", "SlabBox");
    static final ClassName SLAB_CACHE_BASE = ClassName.get("io.slabforge.internal", "SlabCacheBase");
    static final ClassName SLAB_COLUMNS = ClassName.get("io.slabforge.internal", "SlabColumns");
    static final ClassName SLAB_CHECKS = ClassName.get("io.slabforge.internal", "SlabChecks");
    static final ClassName SLAB_ARRAYS = ClassName.get("io.slabforge.internal", "SlabArrays");
    static final ClassName SLAB_STRINGS = ClassName.get("io.slabforge.internal", "SlabStrings");
    static final ClassName CONSUMER = ClassName.get("java.util.function", "Consumer");
    static final ClassName SLAB_STATS = ClassName.get("io.slabforge", "SlabStats");
    static final ClassName SLAB_CACHE = ClassName.get("io.slabforge", "SlabCache");
    static final ClassName SLAB_EXCEPTION = ClassName.get("io.slabforge", "SlabException");
    static final ClassName MEMORY_SEGMENT = ClassName.get("java.lang.foreign", "MemorySegment");
    static final ClassName MEMORY_LAYOUT = ClassName.get("java.lang.foreign", "MemoryLayout");
    static final ClassName STRUCT_LAYOUT = ClassName.get("java.lang.foreign", "StructLayout");
    static final ClassName VALUE_LAYOUT = ClassName.get("java.lang.foreign", "ValueLayout");
    static final ClassName LONG_CONSUMER = ClassName.get("java.util.function", "LongConsumer");
    static final ClassName OBJECTS = ClassName.get("java.util", "Objects");
    static final ClassName GENERATED = ClassName.get("javax.annotation.processing", "Generated");

    private Names() {}
}
