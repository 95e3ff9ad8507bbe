package io.slabforge.processor;

import static io.slabforge.processor.Names.MEMORY_LAYOUT;
import static io.slabforge.processor.Names.SLAB_ENGINE;
import static io.slabforge.processor.Names.SLAB_GEOMETRY;
import static io.slabforge.processor.Names.STRUCT_LAYOUT;
import static io.slabforge.processor.Names.VALUE_LAYOUT;
import static javax.lang.model.element.Modifier.FINAL;
import static javax.lang.model.element.Modifier.PRIVATE;
import static javax.lang.model.element.Modifier.PUBLIC;
import static javax.lang.model.element.Modifier.STATIC;

import com.palantir.javapoet.ArrayTypeName;
import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.CodeBlock;
import com.palantir.javapoet.FieldSpec;
import com.palantir.javapoet.TypeName;
import com.palantir.javapoet.TypeSpec;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Writes the constants: {@code LAYOUT}, the slot and slab numbers, the geometry check and the field offsets, which
 * are {@code LAYOUT.byteOffset(...)} of each component's path. The engine does every access with its own value
 * layouts (see {@code SlabEngine.getDouble}).
 */
final class ConstantsWriter {
    private static final ClassName PATH_ELEMENT = MEMORY_LAYOUT.nestedClass("PathElement");
    private final CachePlan plan;
    private final String record;

    ConstantsWriter(CachePlan plan) {
        this.plan = plan;
        this.record = String.join(".", plan.model.recordType().simpleNames());
    }

    void writeTo(TypeSpec.Builder type) {
        type.addField(FieldSpec.builder(STRUCT_LAYOUT, "LAYOUT", PUBLIC, STATIC, FINAL)
                .addJavadoc("The C layout of one {@link $T} slot: components in declaration order at their natural"
                        + " alignment,\nevery padding explicit, trailing padding included; {@code LAYOUT.byteSize() =="
                        + " SLOT_SIZE} and\n{@code LAYOUT.byteAlignment() == SLOT_ALIGNMENT}, so a slot can be handed"
                        + " to native code.\n", plan.model.recordType())
                .initializer(layout(plan.model, plan.model.simpleName()))
                .build());
        type.addField(constant(TypeName.LONG, "SLOT_SIZE", CodeBlock.of("$LL", plan.slotSize),
                "Bytes per {@link " + record + "} slot."));
        type.addField(constant(TypeName.LONG, "SLOT_ALIGNMENT", CodeBlock.of("$LL", plan.slotAlignment),
                "Alignment of every {@link " + record + "} slot in bytes."));
        type.addField(constant(TypeName.LONG, "SLAB_SIZE", CodeBlock.of("$LL", plan.slabSize),
                "Bytes per slab; every slab is aligned to its size."));
        type.addField(constant(TypeName.INT, "SLOTS_PER_SLAB", CodeBlock.of("$L", plan.slotsPerSlab),
                "{@link " + record + "} slots in every slab."));
        type.addField(FieldSpec.builder(SLAB_GEOMETRY, "GEOMETRY", PRIVATE, STATIC, FINAL)
                .initializer("$T.requireContract(\n$>$>$L, $S, SLOT_SIZE, SLOT_ALIGNMENT, SLAB_SIZE, SLOTS_PER_SLAB)$<$<",
                        SLAB_ENGINE, Names.CONTRACT_VERSION, plan.model.cacheType().canonicalName())
                .build());
        for (CachePlan.Node node : plan.allNodes()) {
            type.addField(FieldSpec.builder(TypeName.LONG, node.offsetConstant(), PRIVATE, STATIC, FINAL)
                    .initializer(offset(node))
                    .build());
        }
        for (Map.Entry<ClassName, String> e : plan.enumValues.entrySet()) {
            type.addField(FieldSpec.builder(ArrayTypeName.of(e.getKey()), e.getValue(), PRIVATE, STATIC, FINAL)
                    .initializer("$T.values()", e.getKey())
                    .build());
        }
    }

    /**
     * {@code LAYOUT.byteOffset(PathElement.groupElement("pos"), PathElement.groupElement("x"))}: the offset is
     * derived from {@code LAYOUT}, as jextract does, so the two cannot disagree. It is still a constant to the
     * JIT: C2 folds a {@code static final long} of an initialised class whatever its initialiser computed.
     */
    private static CodeBlock offset(CachePlan.Node node) {
        List<CodeBlock> elements = new ArrayList<>();
        for (String name : node.path()) {
            elements.add(CodeBlock.of("$T.groupElement($S)", PATH_ELEMENT, name));
        }
        return CodeBlock.of("LAYOUT.byteOffset($L)", CodeBlock.join(elements, ", "));
    }

    private static FieldSpec constant(TypeName type, String name, CodeBlock value, String javadoc) {
        return FieldSpec.builder(type, name, PUBLIC, STATIC, FINAL)
                .addJavadoc("$L\n", javadoc) // the record's name may hold a '$': never part of a format string
                .initializer(value)
                .build();
    }

    /** {@code MemoryLayout.structLayout(...)}, nested for embedded records, named {@code name}. */
    static CodeBlock layout(RecordModel model, String name) {
        List<CodeBlock> members = new ArrayList<>();
        for (Layout.Member member : model.layout().members()) {
            if (member instanceof Layout.Padding p) {
                members.add(CodeBlock.of("$T.paddingLayout($L)", MEMORY_LAYOUT, p.size()));
            } else {
                members.add(member((Layout.Field) member));
            }
        }
        CodeBlock.Builder code = CodeBlock.builder()
                .add("$T.structLayout(\n", MEMORY_LAYOUT)
                .indent().indent()
                .add(CodeBlock.join(members, ",\n"))
                .unindent().unindent()
                .add(")");
        if (model.layout().alignment() > model.layout().naturalAlignment()) {
            code.add(".withByteAlignment($L)", model.layout().alignment());
        }
        return code.add(".withName($S)", name).build();
    }

    private static CodeBlock member(Layout.Field field) {
        ComponentModel component = field.component();
        ComponentType type = component.type();
        if (type instanceof ComponentType.Primitive p) {
            return CodeBlock.of("$T.$L.withName($S)", VALUE_LAYOUT, p.scalar().layoutConstant, component.name());
        }
        if (type instanceof ComponentType.EnumType e) {
            return CodeBlock.of("$T.$L.withName($S)", VALUE_LAYOUT, e.storage().layoutConstant, component.name());
        }
        if (type instanceof ComponentType.ArrayType a) {
            return CodeBlock.of("$T.sequenceLayout($L, $T.$L).withName($S)", MEMORY_LAYOUT, a.length(), VALUE_LAYOUT,
                    a.element().layoutConstant, component.name());
        }
        if (type instanceof ComponentType.StringType t) {
            return CodeBlock.of("$T.sequenceLayout($L, $T.JAVA_BYTE).withName($S)", MEMORY_LAYOUT, t.length(),
                    VALUE_LAYOUT, component.name());
        }
        return layout(((ComponentType.Embedded) type).record(), component.name());
    }
}
