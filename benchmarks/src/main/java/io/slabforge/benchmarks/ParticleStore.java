package io.slabforge.benchmarks;

/**
 * What every peer offers the benchmarks: particles kept in numbered table slots. Each peer keeps its own table of
 * whatever it uses as a reference (a handle, an address, an object), so every peer pays the same table
 * load and store. A JMH fork measures one peer, so each call site sees a single implementation.
 *
 * <p>Implementations are not thread-safe unless {@link Peer#threadSafe()} says so; distinct threads must use
 * distinct slots.
 */
public interface ParticleStore extends AutoCloseable {

    /**
     * Allocates a particle, writes all its fields and keeps its reference in {@code slot}.
     *
     * @param slot the table slot, empty (never allocated, or freed)
     * @param x position
     * @param y position
     * @param z position
     * @param id identity
     * @param flags state bits
     */
    void allocate(int slot, double x, double y, double z, int id, int flags);

    /**
     * Reads one field of a live particle.
     *
     * @param slot a table slot holding a live particle
     * @return its {@code x}
     */
    double x(int slot);

    /**
     * Frees the particle in {@code slot}; the slot is empty afterwards.
     *
     * @param slot a table slot holding a live particle
     */
    void free(int slot);

    /**
     * Sums {@code x} over the live particles in slots {@code 0 .. count - 1}, in slot order, the way this peer
     * walks many objects (a flyweight where it has one).
     *
     * @param count how many leading slots hold live particles
     * @return the sum
     */
    double sumX(int count);

    /**
     * (c') Sum {@code x} over every live particle the fastest way the peer offers: by default the handle-array
     * walk of {@link #sumX}; a Slabforge cache overrides it with {@code scan}.
     *
     * @param count live particles
     * @return the sum
     */
    default double scanX(int count) {
        return sumX(count);
    }

    /** Frees everything this store still holds. */
    @Override
    void close();
}
