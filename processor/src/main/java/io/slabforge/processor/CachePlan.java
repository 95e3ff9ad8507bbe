package io.slabforge.processor;

import com.palantir.javapoet.ClassName;
import com.palantir.javapoet.NameAllocator;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the writers generate for one valid record: every stored value reachable from the record (its components and,
 * flattened, the fields of embedded records) with its absolute offset, accessor name and constant names, plus the
 * slab geometry. Computed once so that the cache, {@code Ref} and {@code Box} writers agree.
 */
final class CachePlan {

    /**
     * A component of the record or of a record embedded in it.
     *
     * @param component the component
     * @param path the component names from the top record down to this one
     * @param offset the absolute offset inside the slot
     * @param accessor the accessor name: the component name, prefixed by its parents' ({@code posX})
     * @param offsetConstant the name of its {@code static final long} offset constant
     * @param atomic whether it is an {@code @Atomic} component (with volatile, acquire/release, CAS accessors)
     * @param children the fields of an embedded record, in declaration order; empty for any other type
     * @param renamed whether the accessor took {@link Naming#RENAMED} because a generated member has the name
     */
    record Node(ComponentModel component, List<String> path, long offset, String accessor, String offsetConstant,
                boolean atomic, List<Node> children, boolean renamed) {

        ComponentType type() {
            return component.type();
        }

        /** {@code Particle.pos.x}, for messages. */
        String displayName(String recordName) {
            return recordName + "." + String.join(".", path);
        }
    }

    /** Byte ranges of padding inside the slot, absolute, adjacent ranges merged. */
    record Gap(long offset, long size) {}

    /** A store of zero that clears padding: {@code unit.size} bytes at {@code offset}, aligned to them. */
    record ZeroStore(long offset, Scalar unit) {}

    /** Gaps above this many bytes are cleared with one {@code fill}, smaller ones with {@link ZeroStore}s. */
    static final long MAX_STORED_GAP = 64;

    final RecordModel model;
    final long slotSize;
    final long slotAlignment;
    final long slabSize;
    final int slotsPerSlab;
    final List<Node> nodes;
    final List<Gap> gaps;
    /** Enum types stored anywhere in the slot, with the name of their {@code values()} constant. */
    final Map<ClassName, String> enumValues = new LinkedHashMap<>();
    /** Whether a record value needs more than a null check before it is written (it holds references). */
    final boolean needsChecks;
    private final NameAllocator constants = new NameAllocator();

    CachePlan(RecordModel model) {
        this.model = model;
        this.slotSize = model.layout().size();
        this.slotAlignment = model.layout().alignment();
        this.slabSize = model.attributes().slabSize();
        this.slotsPerSlab = SlabGeometryMath.slotsPerSlab(slotSize, slotAlignment, slabSize);
        Naming.RESERVED_CONSTANTS.forEach(constants::newName);
        this.nodes = nodesOf(model, List.of(), "", 0);
        List<Gap> collected = new ArrayList<>();
        collectGaps(model.layout(), 0, collected);
        this.gaps = merge(collected);
        this.needsChecks = allNodes().stream().anyMatch(n -> !(n.type() instanceof ComponentType.Primitive));
    }

    /**
     * Zero stores covering a gap, each the widest unit that is aligned at its offset, fits the rest of the gap and
     * is not wider than the slot alignment (so that it is aligned in memory too).
     */
    List<ZeroStore> zeroStores(Gap gap) {
        List<ZeroStore> stores = new ArrayList<>();
        long offset = gap.offset();
        long end = gap.offset() + gap.size();
        while (offset < end) {
            long unit = 8;
            while (unit > slotAlignment || unit > end - offset || offset % unit != 0) {
                unit >>= 1;
            }
            stores.add(new ZeroStore(offset, Scalar.ofWidth(unit)));
            offset += unit;
        }
        return stores;
    }

    private List<Node> nodesOf(RecordModel record, List<String> parentPath, String prefix, long base) {
        List<Node> result = new ArrayList<>();
        for (Layout.Field field : record.layout().fields()) {
            ComponentModel component = field.component();
            List<String> path = new ArrayList<>(parentPath);
            path.add(component.name());
            String accessor = Naming.accessor(prefix, component.name());
            boolean renamed = !accessor.equals(prefix.isEmpty() ? component.name()
                    : prefix + Naming.capitalize(component.name()));
            long offset = base + field.offset();
            String offsetConstant = constants.newName(Naming.offsetConstant(path));
            List<Node> children = List.of();
            if (component.type() instanceof ComponentType.Embedded e) {
                children = nodesOf(e.record(), path, accessor, offset);
            } else if (component.type() instanceof ComponentType.EnumType e) {
                enumValues.computeIfAbsent(e.type(),
                        t -> constants.newName(Naming.upperSnake(String.join("", t.simpleNames())) + "_VALUES"));
            }
            result.add(new Node(component, List.copyOf(path), offset, accessor, offsetConstant, component.atomic(), children,
                    renamed));
        }
        return List.copyOf(result);
    }

    private static void collectGaps(Layout layout, long base, List<Gap> out) {
        for (Layout.Member member : layout.members()) {
            if (member instanceof Layout.Padding p) {
                out.add(new Gap(base + p.offset(), p.size()));
            } else if (member instanceof Layout.Field f && f.component().type() instanceof ComponentType.Embedded e) {
                collectGaps(e.record().layout(), base + f.offset(), out);
            }
        }
    }

    private static List<Gap> merge(List<Gap> gaps) {
        List<Gap> merged = new ArrayList<>();
        for (Gap gap : gaps) {
            if (!merged.isEmpty()) {
                Gap last = merged.get(merged.size() - 1);
                if (last.offset() + last.size() == gap.offset()) {
                    merged.set(merged.size() - 1, new Gap(last.offset(), last.size() + gap.size()));
                    continue;
                }
            }
            merged.add(gap);
        }
        return List.copyOf(merged);
    }

    /** Every node, depth first (an embedded record before its fields). */
    List<Node> allNodes() {
        List<Node> all = new ArrayList<>();
        addAll(nodes, all);
        return all;
    }

    private static void addAll(List<Node> nodes, List<Node> out) {
        for (Node node : nodes) {
            out.add(node);
            addAll(node.children(), out);
        }
    }
}
