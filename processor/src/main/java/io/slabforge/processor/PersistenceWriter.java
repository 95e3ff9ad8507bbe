package io.slabforge.processor;

import static io.slabforge.processor.Names.SLAB_ENGINE;
import static javax.lang.model.element.Modifier.PUBLIC;
import static javax.lang.model.element.Modifier.STATIC;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;

/**
 * Writes a cache's file-backed entry points: {@code open(Path)}, {@code openReadOnly(Path)} and {@code flush()}.
 * All three delegate to the runtime (the builder's {@code file(path)}, {@code SlabEngine.openReadOnly},
 * {@code SlabEngine.flush}); the file records the record's binary name and {@code LAYOUT} as its fingerprint.
 */
final class PersistenceWriter {
    private static final ClassName PATH = ClassName.get("java.nio.file", "Path");

    private final ClassName cache;
    private final ClassName record;

    PersistenceWriter(CachePlan plan) {
        this.cache = plan.model.cacheType();
        this.record = plan.model.recordType();
    }

    void writeTo(TypeSpec.Builder type) {
        type.addMethod(MethodSpec.methodBuilder("open")
                .addModifiers(PUBLIC, STATIC)
                .returns(cache)
                .addParameter(PATH, "path")
                .addJavadoc("A cache kept in the file at {@code path}: creates it, or re-attaches to it with every"
                        + " object that was\nlive there, under the same handles (a handle saved before a restart"
                        + " names the same object\nafter it). Confined to the calling thread; {@code"
                        + " builder().file(path)} gives other options.\nA process crash loses nothing that"
                        + " returned; an OS crash keeps what {@link #flush()} covered.\n\n<pre>{@code\ntry ($T"
                        + " slab = $T.open(Path.of(\"cache.slab\"))) {\n    long handle = slab.allocate();\n"
                        + "    slab.flush();\n}\n}</pre>\n@param path the cache file\n@return the cache\n"
                        + "@throws io.slabforge.SlabException if the file was made for another cache, is damaged,"
                        + " or another\nwriter has it open (the file is then unchanged)\n", cache, cache)
                .addStatement("return builder().file(path).build()")
                .build());
        type.addMethod(MethodSpec.methodBuilder("openReadOnly")
                .addModifiers(PUBLIC, STATIC)
                .returns(cache)
                .addParameter(PATH, "path")
                .addJavadoc("A read-only view of the cache file at {@code path}, usable from any thread while a"
                        + " writer, in this or\nanother process, works on it: it sees the objects live at each"
                        + " access (a freed one raises\n{@link io.slabforge.InvalidHandleException}), field values"
                        + " as last written, and slabs the file\ngains. Every write, allocation or free throws"
                        + " {@link UnsupportedOperationException}.\n@param path the cache file\n@return the view\n"
                        + "@throws io.slabforge.SlabException if the file is missing, damaged or made for another"
                        + " cache\n")
                .addStatement("return new $T($T.openReadOnly(path, GEOMETRY, $S, LAYOUT))", cache, SLAB_ENGINE,
                        record.reflectionName())
                .build());
        type.addMethod(MethodSpec.methodBuilder("flush")
                .addModifiers(PUBLIC)
                .returns(void.class)
                .addJavadoc("Forces what was written so far to the cache file's storage: it then survives an OS"
                        + " crash or power\nloss too. Does nothing for a cache that is not file-backed; {@code"
                        + " close()} does not flush.\n@throws UnsupportedOperationException on a read-only view\n")
                .addStatement("engine.flush()")
                .build());
    }
}
