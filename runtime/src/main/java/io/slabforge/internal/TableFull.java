package io.slabforge.internal;

/**
 * Thrown (one instance, no stack trace) when a stripe needs a slab index beyond the slot table: the table's arrays
 * may only be copied while no stripe writes them, so the engine retries the allocation after growing the table
 * under every stripe's lock.
 */
final class TableFull extends RuntimeException {
    @java.io.Serial
    private static final long serialVersionUID = 1L;
    static final TableFull INSTANCE = new TableFull();

    private TableFull() {
        super("the slot table must grow", null, false, false);
    }
}
