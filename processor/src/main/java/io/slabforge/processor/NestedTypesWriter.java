package io.slabforge.processor;

import static io.slabforge.processor.Names.SLAB_BOX;
import static io.slabforge.processor.Names.SLAB_BUILDER;
import static io.slabforge.processor.Names.SLAB_ENGINE;
import static javax.lang.model.element.Modifier.FINAL;
import static javax.lang.model.element.Modifier.PRIVATE;
import static javax.lang.model.element.Modifier.PUBLIC;
import static javax.lang.model.element.Modifier.STATIC;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.ParameterizedTypeName;
import com.palantir.javapoet.TypeSpec;

/** Writes the nested {@code Builder}, {@code Ref} and {@code Box} classes of a cache. */
final class NestedTypesWriter {
    private final CachePlan plan;
    private final ClassName cache;
    private final ClassName record;
    private final String recordName;

    NestedTypesWriter(CachePlan plan) {
        this.plan = plan;
        this.cache = plan.model.cacheType();
        this.record = plan.model.recordType();
        this.recordName = plan.model.simpleName();
    }

    TypeSpec builder() {
        ClassName self = cache.nestedClass("Builder");
        return TypeSpec.classBuilder(self)
                .addModifiers(PUBLIC, STATIC, FINAL)
                .superclass(ParameterizedTypeName.get(SLAB_BUILDER, self))
                .addJavadoc("Builds a {@link $T}; see {@link $T} for the options (memory provider, sync mode, lock,"
                        + "\n{@code maxBytes}, {@code reserveSlabs}, {@code checked}).\n", cache, SLAB_BUILDER)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(PRIVATE).build())
                .addMethod(MethodSpec.methodBuilder("build")
                        .addModifiers(PUBLIC)
                        .returns(cache)
                        .addJavadoc("Builds the cache; takes no memory yet (the first slab comes with the first"
                                + " allocation).\n@return a new, empty cache of {@link $T} slots\n", record)
                        .addStatement("return new $T(newEngine(GEOMETRY, $S, $S, $S, LAYOUT))", cache,
                                cache.simpleName(), plan.model.recordType().canonicalName(), record.reflectionName())
                        .build())
                .build();
    }

    TypeSpec ref() {
        ClassName self = cache.nestedClass("Ref");
        TypeSpec.Builder type = TypeSpec.classBuilder(self)
                .addModifiers(PUBLIC, STATIC, FINAL)
                .addJavadoc("A reusable flyweight over one {@link $T} slot at a time: {@link #wrap(long)} points it at"
                        + " a handle\nwithout allocating, so one {@code Ref} can walk millions of slots. Every access"
                        + " validates the\nwrapped handle exactly as the handle accessors of {@link $T} do, except"
                        + " the field reads and\nwrites of the {@code Ref} that {@code scan} hands its action: the"
                        + " walk validated that slot itself.\n\n"
                        + "<pre>{@code\n$T.Ref ref = slab.ref();\nslab.forEach(h -> ref.wrap(h).toRecord());\n}</pre>\n",
                        record, cache, cache)
                .superclass(Names.SLAB_REF)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(PRIVATE)
                        .addParameter(SLAB_ENGINE, "engine")
                        .addStatement("super(engine)")
                        .build())
                .addMethod(MethodSpec.methodBuilder("wrap")
                        .addModifiers(PUBLIC)
                        .returns(self)
                        .addParameter(long.class, "handle")
                        .addJavadoc("Points this {@code Ref} at another slot; validated on the next access, not"
                                + " here.\n@param handle a handle of the cache this {@code Ref} came from\n"
                                + "@return this Ref\n")
                        .addStatement("point(handle)")
                        .addStatement("return this")
                        .build());
        type.addMethods(new AccessorWriter(plan, AccessorWriter.Target.REF, self).accessors());
        type.addMethod(toRecord("this {@code Ref} points at"));
        type.addMethod(MethodSpec.methodBuilder("toString")
                .addAnnotation(Override.class)
                .addModifiers(PUBLIC)
                .returns(String.class)
                .addJavadoc("The wrapped handle described (hex, cache tag, slab, slot, generation), for logs.\n"
                        + "@return the description\n")
                .addStatement("return $S + engine.describe(handle()) + $S", cache.simpleName() + ".Ref[", "]")
                .build());
        return type.build();
    }

    TypeSpec box() {
        ClassName self = cache.nestedClass("Box");
        TypeSpec.Builder type = TypeSpec.classBuilder(self)
                .addModifiers(PUBLIC, STATIC, FINAL)
                .superclass(SLAB_BOX)
                .addJavadoc("The owner of one {@link $T} slot, freed by {@link #close()}: use it in"
                        + " try-with-resources.\nA second {@code close()} is harmless, and {@code close()} after the"
                        + " cache was closed does nothing;\non a {@code LOCKED} cache any thread may close it.\n\n"
                        + "<pre>{@code\ntry ($T.Box box = slab.box()) {\n    $T copy = box.toRecord();\n}\n}</pre>\n",
                        record, cache, record)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(PRIVATE)
                        .addParameter(SLAB_ENGINE, "engine")
                        .addParameter(long.class, "handle")
                        .addStatement("super(engine, handle)")
                        .build());
        type.addMethods(new AccessorWriter(plan, AccessorWriter.Target.BOX, self).accessors());
        type.addMethod(toRecord("this {@code Box} owns"));
        return type.build();
    }

    private MethodSpec toRecord(String subject) {
        MethodSpec.Builder m = MethodSpec.methodBuilder("toRecord")
                .addModifiers(PUBLIC)
                .returns(record)
                .addJavadoc("Copies the {@link $T} $L into a new record.\n@return a new $L\n", record, subject,
                        recordName);
        return m.addStatement("long handle = handle()").addStatement("return readSlot(engine, handle)").build();
    }
}
