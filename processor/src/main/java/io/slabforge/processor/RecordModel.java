package io.slabforge.processor;

import com.palantir.javapoet.ClassName;
import java.util.List;
import javax.lang.model.element.TypeElement;

/**
 * A {@code @SlabType} record as the processor sees it.
 *
 * @param element the record
 * @param recordType the record's class name
 * @param cacheType the generated cache's class name
 * @param attributes the {@code @SlabType} attributes
 * @param components the components in declaration order
 * @param layout the record's C layout
 */
record RecordModel(
        TypeElement element,
        ClassName recordType,
        ClassName cacheType,
        SlabTypeAttributes attributes,
        List<ComponentModel> components,
        Layout layout) {

    String simpleName() {
        return element.getSimpleName().toString();
    }
}
