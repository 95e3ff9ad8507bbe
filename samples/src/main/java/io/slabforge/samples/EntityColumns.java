package io.slabforge.samples;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * An entity-component simulation: entities are handles of one cache ({@link EntitySlab}, with a name per entity),
 * and each component is a column keyed by those handles ({@code PositionSlab.columnOf(entities)},
 * {@code VelocitySlab.columnOf(entities)}), as an ECS stores each component in its own array. A system is a
 * {@code scan} over the live entities that reads and writes their columns through {@code r.handle()}. Entities
 * die and are born each tick; a newborn's columns read as zeros, and the columns' memory follows the entities'
 * slabs.
 *
 * <p>Run with {@code [entities] [ticks]}.
 */
public final class EntityColumns {
    private EntityColumns() {}

    /**
     * Runs the simulation.
     *
     * @param args entities (default 100,000) and ticks (default 100)
     */
    public static void main(String[] args) {
        int count = args.length > 0 ? Integer.parseInt(args[0]) : 100_000;
        int ticks = args.length > 1 ? Integer.parseInt(args[1]) : 100;
        SplittableRandom random = new SplittableRandom(42);
        try (EntitySlab entities = EntitySlab.create()) {
            PositionSlab.Column position = PositionSlab.columnOf(entities);
            VelocitySlab.Column velocity = VelocitySlab.columnOf(entities);
            List<Long> handles = new ArrayList<>(count);
            for (int i = 0; i < count; i++) {
                handles.add(spawn(entities, position, velocity, random, i));
            }
            long born = count;
            for (int tick = 0; tick < ticks; tick++) {
                // Movement system: every live entity, slab by slab, one Ref.
                entities.scan(r -> {
                    long h = r.handle();
                    position.x(h, position.x(h) + velocity.dx(h));
                    position.y(h, position.y(h) + velocity.dy(h));
                });
                // Churn: 1% die, as many are born (their columns start at zero, then get set).
                for (int i = 0; i < count / 100; i++) {
                    int victim = random.nextInt(handles.size());
                    entities.free(handles.get(victim));
                    long h = entities.allocate();
                    check(position.x(h) == 0 && velocity.dx(h) == 0, "a newborn's columns are zero");
                    handles.set(victim, h);
                    entities.set(h, new Entity(1, 1, "e" + born));
                    velocity.set(h, new Velocity(1, -1));
                    born++;
                }
            }
            double[] extent = {0};
            int[] named = {0};
            entities.scan(r -> {
                extent[0] = Math.max(extent[0], Math.abs(position.x(r.handle())));
                if (r.nameEquals("e0")) {
                    named[0]++;
                }
            });
            check(entities.liveCount() == count, "live " + entities.liveCount());
            check(named[0] <= 1, "one entity named e0 at most");
            System.out.printf("%d entities, %d ticks, %d born; furthest |x| = %.1f; %s%n", count, ticks, born,
                    extent[0], entities.stats());
        }
    }

    private static long spawn(EntitySlab entities, PositionSlab.Column position, VelocitySlab.Column velocity,
                              SplittableRandom random, int i) {
        long h = entities.allocate(new Entity(0, 1, "e" + i));
        position.set(h, new Position(random.nextDouble(-100, 100), random.nextDouble(-100, 100)));
        velocity.set(h, new Velocity(random.nextDouble(-1, 1), random.nextDouble(-1, 1)));
        return h;
    }

    private static void check(boolean ok, String what) {
        if (!ok) {
            throw new AssertionError(what);
        }
    }
}
