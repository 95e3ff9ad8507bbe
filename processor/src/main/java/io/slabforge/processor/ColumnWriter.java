package io.slabforge.processor;

import static io.slabforge.processor.Names.MEMORY_SEGMENT;
import static io.slabforge.processor.Names.OBJECTS;
import static io.slabforge.processor.Names.SLAB_ENGINE;
import static javax.lang.model.element.Modifier.FINAL;
import static javax.lang.model.element.Modifier.PRIVATE;
import static javax.lang.model.element.Modifier.PUBLIC;
import static javax.lang.model.element.Modifier.STATIC;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.MethodSpec;
import com.palantir.javapoet.TypeSpec;

/**
 * Writes {@code columnOf(primary)} and the nested {@code Column}: a slot of this record for every slot of another
 * cache, addressed by that cache's handles (the engine's columns, see {@code io.slabforge.internal.SlabColumns}).
 */
final class ColumnWriter {
    private final CachePlan plan;
    private final ClassName cache;
    private final ClassName column;
    private final ClassName record;
    private final String recordName;

    ColumnWriter(CachePlan plan) {
        this.plan = plan;
        this.cache = plan.model.cacheType();
        this.column = cache.nestedClass("Column");
        this.record = plan.model.recordType();
        this.recordName = plan.model.simpleName();
    }

    MethodSpec columnOf() {
        return MethodSpec.methodBuilder(Naming.COLUMN_OF)
                .addModifiers(PUBLIC, STATIC)
                .returns(column)
                .addParameter(Names.SLAB_CACHE, "primary")
                .addJavadoc("A column of {@link $T} for every slot of {@code primary}: addressed and validated by"
                        + " its handles,\nzeroed when the primary allocates a slot, closed with it.\n\n"
                        + "<pre>{@code\n$T.Column column = $T.columnOf(orders);\nlong h = orders.allocate();\n"
                        + "column.get(h);                    // a zeroed $L\n}</pre>\n\n"
                        + "@param primary a generated cache, open; a {@code CONFINED} one from its thread\n"
                        + "@return the new column\n"
                        + "@throws IllegalArgumentException if {@code primary} is not a generated cache\n"
                        + "@throws IllegalStateException if it is closed\n", record, cache, cache, recordName)
                .addStatement("return new $T($T.attach(primary, GEOMETRY))", column,
                        Names.SLAB_COLUMNS)
                .build();
    }

    TypeSpec column() {
        ClassName ref = cache.nestedClass("Ref");
        TypeSpec.Builder type = TypeSpec.classBuilder(column)
                .addModifiers(PUBLIC, STATIC, FINAL)
                .addJavadoc("A {@link $T} for every slot of another cache (the primary), like an entity-component"
                        + " column or\nRust's {@code SecondaryMap}: made by {@link $T#columnOf}, addressed by the"
                        + " primary's handles and\nvalidated by its generations (a stale handle is an {@link"
                        + " io.slabforge.InvalidHandleException} here\ntoo). A column slot reads as zeros when the"
                        + " primary allocates its slot; its memory is taken and\ngiven back with the primary's"
                        + " slabs, and it closes with the primary. No allocate or free of its own.\nThread rules and"
                        + " memory model are the primary's: a column of a {@code LOCKED} primary may be used\nfrom"
                        + " any thread, like the primary's fields.\n\n<pre>{@code\n$T.Column column = $T.columnOf(primary);\n"
                        + "column.set(handle, value);\n$T copy = column.get(handle);\n}</pre>\n", record, cache, cache,
                        cache, record)
                .addField(SLAB_ENGINE, "engine", PRIVATE, FINAL)
                .addMethod(MethodSpec.constructorBuilder().addModifiers(PRIVATE)
                        .addParameter(SLAB_ENGINE, "engine")
                        .addStatement("this.engine = engine")
                        .build());
        type.addMethods(new AccessorWriter(plan, AccessorWriter.Target.COLUMN, column).accessors());
        type.addMethod(MethodSpec.methodBuilder(Naming.GET).addModifiers(PUBLIC).returns(record)
                .addParameter(long.class, "handle")
                .addJavadoc("Copies the column's {@link $T} of the primary's {@code handle} into a new record.\n"
                        + "@param handle a live handle of the primary cache\n@return a new $L\n", record, recordName)
                .addStatement("return $N(engine, handle)", Naming.READ_SLOT)
                .build());
        type.addMethod(MethodSpec.methodBuilder(Naming.SET).addModifiers(PUBLIC)
                .addParameter(long.class, "handle")
                .addParameter(record, "value")
                .addJavadoc("Overwrites the column's {@link $T} of the primary's {@code handle} with a copy of"
                        + " {@code value}.\n@param handle a live handle of the primary cache\n"
                        + "@param value the record to copy, not null\n", record)
                .addCode(plan.needsChecks ? CodeBlock.builder().addStatement("$N(value)", Naming.REQUIRE_VALID).build()
                        : CodeBlock.builder().addStatement("$T.requireNonNull(value, $S)", OBJECTS,
                                CacheWriter.nullValueMessage(plan)).build())
                .addStatement("$N(engine, handle, value)", Naming.WRITE_SLOT)
                .build());
        type.addMethod(MethodSpec.methodBuilder(Naming.REF).addModifiers(PUBLIC).returns(ref)
                .addJavadoc("A new flyweight over this column; point it with {@link Ref#wrap(long)} at a primary"
                        + " handle.\n@return a new {@code Ref} wrapping no slot yet\n")
                .addStatement("return new $T(engine)", ref)
                .build());
        type.addMethod(MethodSpec.methodBuilder(Naming.REF).addModifiers(PUBLIC).returns(ref)
                .addParameter(long.class, "handle")
                .addJavadoc("A new flyweight over this column pointing at the primary's {@code handle}.\n"
                        + "@param handle a handle of the primary cache (validated on each access)\n"
                        + "@return a new {@code Ref}\n")
                .addStatement("return new $T(engine).wrap(handle)", ref)
                .build());
        type.addMethod(MethodSpec.methodBuilder(Naming.SEGMENT).addModifiers(PUBLIC).returns(MEMORY_SEGMENT)
                .addParameter(long.class, "handle")
                .addJavadoc("The column slot of the primary's {@code handle}, {@link #SLOT_SIZE} bytes laid out as"
                        + " {@link #LAYOUT}.\nAlways validates the handle.\n"
                        + "@param handle a live handle of the primary cache\n@return the column slot's memory\n")
                .addStatement("return engine.segment(handle)")
                .build());
        type.addMethod(MethodSpec.methodBuilder(Naming.IS_LIVE).addModifiers(PUBLIC).returns(boolean.class)
                .addParameter(long.class, "handle")
                .addJavadoc("Whether {@code handle} is a live handle of the primary (the column then has its"
                        + " slot).\n@param handle any long\n@return whether the primary's slot is allocated\n")
                .addStatement("return engine.isLive(handle)")
                .build());
        type.addMethod(MethodSpec.methodBuilder("toString").addAnnotation(Override.class).addModifiers(PUBLIC)
                .returns(String.class)
                .addJavadoc("The column's record and its primary's tag, for logs.\n@return the description\n")
                .addStatement("return $S + engine.tag() + $S", cache.simpleName() + ".Column[" + record.canonicalName()
                        + ", primary tag ", "]")
                .build());
        return type.build();
    }
}
