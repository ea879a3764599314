package dev.playback.model.replay;

import dev.playback.model.event.EventCatalog;
import dev.playback.model.gateway.GatewayBinding;
import dev.playback.model.gateway.GatewayPorts;
import dev.playback.model.gateway.GatewayProcessor;
import dev.playback.model.gateway.GatewayReport;
import dev.playback.model.gateway.GatewayRun;
import dev.playback.model.processor.Projector;
import dev.playback.model.processor.Snapshots;
import dev.playback.model.store.EventStore;
import dev.playback.model.store.StateStore;

/**
 * A processor as replays drive it. A projection is the same in every replay; a processor with external
 * effects is bound to the gateway in the replay's mode ({@link GatewayRun}) and reports what the gateway
 * did into a {@link GatewayReport}.
 */
public interface ReplayProcessor {
    String name();

    /** Whether the processor reaches external systems (and so has a gateway report). */
    boolean hasExternalEffects();

    /** Its projector for one run of a replay. */
    Projector<?> projector(GatewayRun run, GatewayReport report);

    /** Its projector for computing states to compare, with no effect anywhere (no send, no query, no log entry). */
    Projector<?> comparing(String replayId);

    static ReplayProcessor of(Projector<?> projector) {
        return new ReplayProcessor() {
            @Override
            public String name() {
                return projector.processor().name();
            }

            @Override
            public boolean hasExternalEffects() {
                return false;
            }

            @Override
            public Projector<?> projector(GatewayRun run, GatewayReport report) {
                return projector;
            }

            @Override
            public Projector<?> comparing(String replayId) {
                return projector;
            }
        };
    }

    static <S> ReplayProcessor withGateway(GatewayProcessor<S> processor, GatewayPorts gateway, EventStore events,
                                           StateStore states, EventCatalog catalog) {
        return withGateway(processor, gateway, events, states, catalog, Snapshots.none());
    }

    /**
     * The same, writing snapshots of the states it saves, folded from the recorded answers; it folds from them only where
     * nothing is caused (comparisons and time travel), never in a replay's run (its rebuilds start from the first event).
     */
    static <S> ReplayProcessor withGateway(GatewayProcessor<S> processor, GatewayPorts gateway, EventStore events,
                                           StateStore states, EventCatalog catalog, Snapshots snapshots) {
        GatewayBinding<S> recorded = GatewayBinding.recordedAnswers(processor, gateway);
        return new ReplayProcessor() {
            @Override
            public String name() {
                return processor.name();
            }

            @Override
            public boolean hasExternalEffects() {
                return true;
            }

            @Override
            public Projector<?> projector(GatewayRun run, GatewayReport report) {
                if (run.isLive()) throw new IllegalArgumentException("a replay cannot run the gateway live; choose suppress, diff or allow:<gateway>");
                return new Projector<>(new GatewayBinding<>(processor, gateway, run, report), events, states, catalog, snapshots, recorded);
            }

            @Override
            public Projector<?> comparing(String replayId) {
                return new Projector<>(recorded, events, states, catalog, snapshots);
            }
        };
    }
}
