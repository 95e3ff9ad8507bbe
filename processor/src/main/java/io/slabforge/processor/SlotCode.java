package io.slabforge.processor;

import com.palantir.javapoet.CodeBlock;
import java.util.List;

/**
 * The code that reads and writes one stored value, given an expression for the slab segment and one for the slot's
 * base offset: {@code slab.get(DOUBLE, base + X_OFFSET)}, the jextract pattern with {@code static final} offsets
 * and layouts ({@code DOUBLE} is the class's {@code ValueLayout.JAVA_DOUBLE_UNALIGNED}, see {@link ConstantsWriter}).
 */
final class SlotCode {
    private final CachePlan plan;

    SlotCode(CachePlan plan) {
        this.plan = plan;
    }

    /** The absolute offset of a node: {@code base + X_OFFSET}. */
    static CodeBlock offset(CachePlan.Node node, CodeBlock base) {
        return CodeBlock.of("$L + $N", base, node.offsetConstant());
    }

    /** An expression reading the node's whole value (a copy, for arrays and embedded records). */
    CodeBlock read(CachePlan.Node node, CodeBlock slab, CodeBlock base) {
        ComponentType type = node.type();
        if (type instanceof ComponentType.Primitive p) {
            return CodeBlock.of("$L.get($N, $L)", slab, plan.accessLayout(p.scalar()), offset(node, base));
        }
        if (type instanceof ComponentType.EnumType e) {
            return CodeBlock.of("enumAt($N, $L, $S)", plan.enumValues.get(e.type()),
                    readOrdinal(e, slab, offset(node, base)), node.displayName(plan.model.simpleName()));
        }
        if (type instanceof ComponentType.ArrayType a) {
            return CodeBlock.of("copyOut($L, $L, new $T[$L])", slab, offset(node, base), a.element().type,
                    a.length());
        }
        ComponentType.Embedded e = (ComponentType.Embedded) type;
        CodeBlock arguments = node.children().stream().map(n -> read(n, slab, base))
                .collect(CodeBlock.joining(",\n"));
        return CodeBlock.builder()
                .add("new $T(\n", e.record().recordType())
                .indent().add(arguments).unindent()
                .add(")")
                .build();
    }

    /** {@code new Particle(<every component read>)}. */
    CodeBlock construct(RecordModel record, List<CachePlan.Node> nodes, CodeBlock slab, CodeBlock base) {
        CodeBlock arguments = nodes.stream().map(n -> read(n, slab, base)).collect(CodeBlock.joining(",\n"));
        return CodeBlock.builder()
                .add("new $T(\n", record.recordType())
                .add(arguments)
                .add(")")
                .build();
    }

    CodeBlock readOrdinal(ComponentType.EnumType e, CodeBlock slab, CodeBlock offset) {
        String layout = plan.accessLayout(e.storage());
        return switch (e.storage()) {
            case BYTE -> CodeBlock.of("$T.toUnsignedInt($L.get($N, $L))", Byte.class, slab, layout, offset);
            case SHORT -> CodeBlock.of("$T.toUnsignedInt($L.get($N, $L))", Short.class, slab, layout, offset);
            default -> CodeBlock.of("$L.get($N, $L)", slab, layout, offset);
        };
    }

    /** Statements writing {@code value} (already validated) into the node. */
    CodeBlock write(CachePlan.Node node, CodeBlock slab, CodeBlock base, CodeBlock value) {
        ComponentType type = node.type();
        if (type instanceof ComponentType.Primitive p) {
            return CodeBlock.builder().addStatement("$L.set($N, $L, $L)", slab, plan.accessLayout(p.scalar()),
                    offset(node, base), value).build();
        }
        if (type instanceof ComponentType.EnumType e) {
            return CodeBlock.builder().addStatement("$L", writeOrdinal(e, slab, offset(node, base), value)).build();
        }
        if (type instanceof ComponentType.ArrayType a) {
            return CodeBlock.builder().addStatement("copyIn($L, $L, $L, $L, $S)", slab, offset(node, base), value,
                    a.length(), node.displayName(plan.model.simpleName())).build();
        }
        CodeBlock.Builder code = CodeBlock.builder();
        for (CachePlan.Node child : node.children()) {
            code.add(write(child, slab, base, CodeBlock.of("$L.$N()", value, child.component().name())));
        }
        return code.build();
    }

    CodeBlock writeOrdinal(ComponentType.EnumType e, CodeBlock slab, CodeBlock offset, CodeBlock value) {
        String layout = plan.accessLayout(e.storage());
        return switch (e.storage()) {
            case BYTE -> CodeBlock.of("$L.set($N, $L, (byte) $L.ordinal())", slab, layout, offset, value);
            case SHORT -> CodeBlock.of("$L.set($N, $L, (short) $L.ordinal())", slab, layout, offset, value);
            default -> CodeBlock.of("$L.set($N, $L, $L.ordinal())", slab, layout, offset, value);
        };
    }

    /**
     * Statements that throw before anything is written if {@code value} cannot be stored in the node: a null enum,
     * array or embedded record, or an array of the wrong length. Messages are literals, so a valid value costs
     * no allocation.
     */
    CodeBlock checks(CachePlan.Node node, CodeBlock value) {
        ComponentType type = node.type();
        String name = node.displayName(plan.model.simpleName());
        CodeBlock.Builder code = CodeBlock.builder();
        if (type instanceof ComponentType.EnumType) {
            code.beginControlFlow("if ($L == null)", value)
                    .addStatement("throw new $T($S)", NullPointerException.class,
                            name + " is null; a slot stores an enum as its ordinal and cannot hold null")
                    .endControlFlow();
        } else if (type instanceof ComponentType.ArrayType a) {
            code.beginControlFlow("if ($L == null || $L.length != $L)", value, value, a.length())
                    .addStatement("throw badArray($S, $L, $L)", name, value, a.length())
                    .endControlFlow();
        } else if (type instanceof ComponentType.Embedded) {
            code.beginControlFlow("if ($L == null)", value)
                    .addStatement("throw new $T($S)", NullPointerException.class,
                            name + " is null; an embedded record is stored inline and cannot be null")
                    .endControlFlow();
            for (CachePlan.Node child : node.children()) {
                code.add(checks(child, CodeBlock.of("$L.$N()", value, child.component().name())));
            }
        }
        return code.build();
    }

    /** Statements writing every component of a record value. */
    CodeBlock writeAll(List<CachePlan.Node> nodes, CodeBlock slab, CodeBlock base, CodeBlock value) {
        CodeBlock.Builder code = CodeBlock.builder();
        for (CachePlan.Node node : nodes) {
            code.add(write(node, slab, base, CodeBlock.of("$L.$N()", value, node.component().name())));
        }
        return code.build();
    }
}
