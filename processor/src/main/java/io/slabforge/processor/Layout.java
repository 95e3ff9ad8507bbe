package io.slabforge.processor;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The C layout of a record: components in declaration order, each at its natural alignment, padding explicit,
 * the size rounded up to the alignment (so that an array of slots keeps every slot aligned).
 *
 * @param members fields and paddings in offset order, trailing padding included
 * @param size the rounded size, a multiple of {@code alignment}
 * @param alignment the struct alignment: the explicit {@code align}, or else the natural alignment
 * @param naturalAlignment the widest component alignment (1 for a record without components)
 */
record Layout(List<Member> members, long size, long alignment, long naturalAlignment) {

    /** A field or a padding gap. */
    sealed interface Member {
        long offset();

        long size();
    }

    /** A component at its offset. */
    record Field(ComponentModel component, long offset) implements Member {
        @Override
        public long size() {
            return component.type().size();
        }
    }

    /** Padding bytes, zero in every slot. */
    record Padding(long offset, long size) implements Member {}

    /**
     * Lays out components in declaration order.
     *
     * @param components the record's components
     * @param align the explicit alignment, or 0 for the natural one; an explicit value below the natural
     *     alignment or not a power of two is a validation error, and the natural alignment is used instead
     */
    static Layout of(List<ComponentModel> components, long align) {
        long natural = naturalAlignment(components);
        long alignment = align > 0 && SlabGeometryMath.isPowerOfTwo(align) && align >= natural ? align : natural;
        List<Member> members = new ArrayList<>();
        long offset = 0;
        for (ComponentModel component : components) {
            long aligned = SlabGeometryMath.alignUp(offset, component.type().alignment());
            if (aligned > offset) {
                members.add(new Padding(offset, aligned - offset));
            }
            members.add(new Field(component, aligned));
            offset = aligned + component.type().size();
        }
        long size = SlabGeometryMath.alignUp(offset, alignment);
        if (size > offset) {
            members.add(new Padding(offset, size - offset));
        }
        return new Layout(List.copyOf(members), size, alignment, natural);
    }

    static long naturalAlignment(List<ComponentModel> components) {
        return components.stream().mapToLong(c -> c.type().alignment()).max().orElse(1);
    }

    /**
     * The components ordered widest alignment first (stable), which packs them with the least padding: every
     * size is a multiple of its alignment, so no gap is needed between them.
     */
    static List<ComponentModel> packedOrder(List<ComponentModel> components) {
        List<ComponentModel> sorted = new ArrayList<>(components);
        sorted.sort(Comparator.comparingLong((ComponentModel c) -> c.type().alignment()).reversed());
        return sorted;
    }

    List<Field> fields() {
        return members.stream().filter(Field.class::isInstance).map(Field.class::cast).toList();
    }
}
