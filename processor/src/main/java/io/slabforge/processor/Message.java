package io.slabforge.processor;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The catalogue of every message the processor prints: each constant holds its {@link Rule} (whose stable id is
 * printed after the text, {@code [slabforge.slab-size]}) and a template whose {@code {name}} parameters are filled
 * in order of first appearance. Checks name a constant and pass the values; no message text is built anywhere
 * else, so wording is reviewed in one place and tests can name the entry they expect.
 *
 * <p>Every template says the value, the limit and the fix; the element it is reported on is the check's choice.
 * For example {@code Message.SLAB_SIZE_NOT_POWER_OF_TWO.format(1000, 1024)} is
 * {@code "slabSize 1000 is not a power of two; use 1024"}.
 */
enum Message {
    // Source level and visibility
    RELEASE(Rule.RELEASE, "Slabforge caches use the FFM API (java.lang.foreign) of Java 22+, but this compilation"
            + " targets Java {release}; compile with --release 22 or later"),
    LOCAL_RECORD(Rule.REACHABLE, "record {record} is local; the generated cache cannot reach it: declare it at top"
            + " level or as a member of a class"),
    PRIVATE_RECORD(Rule.REACHABLE, "record {record} is private; the generated {cache} cannot reach it: make it"
            + " package-private or public"),
    NESTED_IN_PRIVATE(Rule.REACHABLE, "{record} is nested in the private {kind} {enclosing}; the generated {cache}"
            + " cannot reach it: make it package-private or public"),

    // The record itself
    NOT_A_RECORD(Rule.RECORD_KIND, "@SlabType applies to records only; {type} is {kind}: declare it as a record of"
            + " primitives, enums, @Length arrays and @SlabType records"),
    GENERIC_RECORD(Rule.GENERIC, "generic record {record}{parameters} is not supported: type parameters have no"
            + " fixed layout; declare a record per concrete type"),
    INVALID_CACHE_NAME(Rule.CACHE_NAME, "cacheName \"{name}\" is not a valid Java class name; use a name such as"
            + " {record}Cache"),
    CACHE_NAME_EXISTS(Rule.CACHE_NAME, "cacheName {name} clashes with the existing type {existing}; choose another"
            + " cacheName"),
    GENERATED_NAME_EXISTS(Rule.CACHE_NAME, "the generated class name {name} clashes with the existing type"
            + " {existing}; set @SlabType(cacheName = \"...\") to another name"),
    GENERATED_NAME_TAKEN(Rule.CACHE_NAME, "the generated class name {name} is already taken by the cache of"
            + " {previous}; set @SlabType(cacheName = \"...\") to another name"),

    // Components
    LENGTH_NOT_APPLICABLE(Rule.LENGTH, "@Length applies to array and String components only; component {component}"
            + " has type {type}: remove @Length"),
    LENGTH_NOT_POSITIVE(Rule.LENGTH, "@Length({length}) on component {component} must be at least 1"),
    LENGTH_MISSING(Rule.LENGTH, "array component {component} needs @Length(n): a slot has a fixed size, so the"
            + " array's length must be fixed at compile time"),
    ATOMIC_NOT_APPLICABLE(Rule.ATOMIC, "@Atomic applies to int and long components only; component {component} has"
            + " type {type}: remove @Atomic or use int or long"),
    TYPE_VARIABLE(Rule.COMPONENT_TYPE, "component {component} has type {type}, a type variable, which has no fixed"
            + " layout; use a concrete type"),
    NO_FIXED_LAYOUT(Rule.COMPONENT_TYPE, "component {component} has type {type}, which has no fixed layout; use a"
            + " primitive, an enum, a @Length array or a @SlabType record"),
    UNSIZED_STRING(Rule.COMPONENT_TYPE, "component {component} has type {type}, which has no fixed size; use"
            + " @Length(n) String (at most n bytes of UTF-8, stored inline)"),
    BOXED_PRIMITIVE(Rule.COMPONENT_TYPE, "component {component} has type {type}, a boxed primitive, which may be"
            + " null and has no inline layout; use {primitive} instead"),
    COLLECTION(Rule.COMPONENT_TYPE, "component {component} has type {type}, a collection, which has no fixed size;"
            + " use a @Length(n) primitive array, or a separate cache and a long handle"),
    INTERFACE(Rule.COMPONENT_TYPE, "component {component} has type {type}, an interface, whose implementations have"
            + " no fixed layout; use a @SlabType record, or a separate cache and a long handle"),
    CLASS(Rule.COMPONENT_TYPE, "component {component} has type {type}, a class, which has no fixed layout; use a"
            + " primitive, an enum, a @Length array or a @SlabType record"),
    MULTI_DIMENSIONAL_ARRAY(Rule.COMPONENT_TYPE, "component {component} has type {type}, a multi-dimensional array;"
            + " use one @Length(rows * columns) array and index it yourself"),
    ARRAY_OF_OBJECTS(Rule.COMPONENT_TYPE, "component {component} has type {type}, an array of {element}; only arrays"
            + " of primitives can be stored inline (use an array per field, or a separate cache and a long[] of"
            + " handles)"),
    EMBEDDED_NOT_SLAB_TYPE(Rule.EMBEDDED, "component {component} has type {record}, a record without @SlabType;"
            + " annotate {record} with @SlabType to embed it"),
    EMBEDDED_INVALID(Rule.EMBEDDED, "component {component} embeds {record}, which cannot be laid out: {cause}"),
    CYCLE(Rule.CYCLE, "{record} embeds itself: {cycle}; a slot cannot contain itself: hold a long handle of a separate"
            + " cache instead"),
    /** The short form, for a record inside the cycle (the top record gets {@link #CYCLE}). */
    CYCLE_INNER(Rule.CYCLE, "{record} embeds itself: {cycle}"),
    UNRESOLVED_TYPE(Rule.UNRESOLVED, "the type of component {component} cannot be resolved"),
    UNRESOLVED_ELEMENT_TYPE(Rule.UNRESOLVED, "the element type of component {component} cannot be resolved"),
    STILL_UNRESOLVED(Rule.UNRESOLVED, "no slab cache was generated for {record}: {reason}; fix that error first"),

    // Slot size and alignment
    SLOT_TOO_SMALL(Rule.SLOT_SIZE, "slot of {record} is {size}; a slot needs at least {min} bytes to hold the"
            + " free-list link: add components or set align = 4"),
    SLOT_TOO_LARGE(Rule.SLOT_SIZE, "slot of {record} is {size} bytes, more than the largest slab of {max} bytes"
            + " (16 MiB); make the record smaller"),
    ALIGN_BELOW_NATURAL(Rule.ALIGN, "align {align} is below the natural alignment {natural} of {record}; use"
            + " align = {suggestion} or more, or align = 0"),
    ALIGN_NEGATIVE(Rule.ALIGN, "align {align} is negative; use align = 0 for the natural alignment, or a power of"
            + " two of at least {suggestion}"),
    ALIGN_NOT_POWER_OF_TWO(Rule.ALIGN, "align {align} is not a power of two; use {suggestion}"),
    ALIGN_BELOW_SLOT_MINIMUM(Rule.SLOT_ALIGNMENT, "align {align} is below the minimum slot alignment {min}: the"
            + " free-list link is an aligned int; use align = {min}"),
    SLOT_ALIGNMENT_TOO_SMALL(Rule.SLOT_ALIGNMENT, "slot alignment of {record} is {alignment}; slots must be at least"
            + " {min}-aligned to hold the free-list link: add align = {min} to @SlabType"),

    // Slab size
    SLAB_SIZE_NOT_POSITIVE(Rule.SLAB_SIZE, "slabSize {slabSize} is not positive; use a power of two such as"
            + " {suggestion}"),
    SLAB_SIZE_NOT_POWER_OF_TWO(Rule.SLAB_SIZE, "slabSize {slabSize} is not a power of two; use {suggestion}"),
    SLAB_SIZE_ABOVE_MAXIMUM(Rule.SLAB_SIZE, "slabSize {slabSize} is above the maximum {max} (16 MiB); use {max} or"
            + " less"),
    SLAB_SIZE_TOO_SMALL(Rule.SLAB_SIZE, "slabSize {slabSize} is too small for one {slotSize}-byte slot of {record};"
            + " use {suggestion}"),
    DEFAULT_SLAB_SIZE_TOO_SMALL(Rule.SLAB_SIZE, "slabSize {slabSize} (the default) is too small for one"
            + " {slotSize}-byte slot of {record}; use {suggestion}"),

    // Accessor names
    ACCESSOR_IS_MEMBER(Rule.ACCESSOR_CLASH, "component {component} needs an accessor {accessor} (for {target}), which"
            + " clashes with the generated member {cache}.{accessor}; rename the component"),
    ACCESSOR_TAKEN(Rule.ACCESSOR_CLASH, "component {component} needs an accessor {accessor} (for {target}), which"
            + " clashes with the accessor generated for {owner}; rename the component"),

    // Output and failures
    WRITE_FAILED(Rule.WRITE, "could not write {cache}: {reason}"),
    INTERNAL_ERROR(Rule.INTERNAL, "[slabforge internal error] could not process {record}: {exception} (at {where});"
            + " please report this with the record's source"),

    // Warnings
    REORDER(Rule.LAYOUT, "reordering the components of {record} as {order} would make each slot {best} bytes instead"
            + " of {current} ({saved} bytes saved per slot); reorder them, or add @SuppressWarnings(\""
            + Validator.SUPPRESS_LAYOUT + "\") to keep this order");

    /** The rule the message belongs to; its id is printed after the text. */
    final Rule rule;
    /** The text with {@code {name}} parameters. */
    final String template;
    /** The distinct parameter names, in order of first appearance: the order of {@link #format}'s arguments. */
    final List<String> parameters;

    Message(Rule rule, String template) {
        this.rule = rule;
        this.template = template;
        List<String> names = new ArrayList<>();
        Matcher m = Syntax.PARAMETER.matcher(template);
        while (m.find()) {
            if (!names.contains(m.group(1))) {
                names.add(m.group(1));
            }
        }
        this.parameters = List.copyOf(names);
    }

    /**
     * The text with the parameters filled in, without the id.
     *
     * @param arguments one per distinct parameter, in order of first appearance
     * @throws IllegalArgumentException if the number of arguments is not the number of parameters
     */
    String format(Object... arguments) {
        if (arguments.length != parameters.size()) {
            throw new IllegalArgumentException(name() + " takes " + parameters + ", got " + arguments.length
                    + " arguments");
        }
        StringBuilder out = new StringBuilder(template.length() + 32);
        Matcher m = Syntax.PARAMETER.matcher(template);
        int last = 0;
        while (m.find()) {
            out.append(template, last, m.start()).append(arguments[parameters.indexOf(m.group(1))]);
            last = m.end();
        }
        return out.append(template, last, template.length()).toString();
    }

    /** The text as printed: filled in, then the rule's id in brackets. */
    String print(Object... arguments) {
        return rule.format(format(arguments));
    }

    /** A regular expression matching any text of this message (without the id), for tests. */
    Pattern pattern() {
        StringBuilder regex = new StringBuilder();
        Matcher m = Syntax.PARAMETER.matcher(template);
        int last = 0;
        while (m.find()) {
            regex.append(Pattern.quote(template.substring(last, m.start()))).append("(.+?)");
            last = m.end();
        }
        regex.append(Pattern.quote(template.substring(last)));
        return Pattern.compile(regex.toString(), Pattern.DOTALL);
    }

    /** A parameter in a template: {@code {name}}. */
    private static final class Syntax { // a holder: enum constructors cannot read the enum's own static fields
        static final Pattern PARAMETER = Pattern.compile("\\{([a-zA-Z]+)}");
    }

    /** {@code 1 byte}, {@code 3 bytes}. */
    static String bytes(long n) {
        return n + (n == 1 ? " byte" : " bytes");
    }
}
