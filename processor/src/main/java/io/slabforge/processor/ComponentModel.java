package io.slabforge.processor;

import javax.lang.model.element.RecordComponentElement;

/**
 * One record component as the processor sees it.
 *
 * @param element the record component (diagnostics about the component land here, never on its accessor)
 * @param name the component name
 * @param type how it is stored
 * @param atomic whether {@code @Atomic} asks for concurrent accessors
 */
record ComponentModel(RecordComponentElement element, String name, ComponentType type, boolean atomic) {}
