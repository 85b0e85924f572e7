package dev.shoehorn.backup.reaction;

import java.util.concurrent.CompletionStage;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.signing.EventSignatures;
import dev.shoehorn.backup.tracing.Traces;

/**
 * The reactions' channels on the progress topic, each its own consumer group so that each sees
 * every event and commits its own offsets. A channel is switched off with its reaction
 * ({@code mp.messaging.incoming.<channel>.enabled=${backup.reactions.<reaction>.enabled}}): a
 * disabled reaction's consumer never joins its group.
 */
@ApplicationScoped
public class ReactionConsumers {

    private final ReactionIntake backfill;
    private final ReactionIntake cacheFlush;

    public ReactionConsumers(BackfillTrigger backfillTrigger, CacheFlush cacheFlush, ObjectMapper json,
            EventSignatures signatures, Traces traces,
            @ConfigProperty(name = "mp.messaging.incoming.backfill-trigger.group.id") String backfillGroup,
            @ConfigProperty(name = "mp.messaging.incoming.cache-flush.group.id") String cacheFlushGroup) {
        this.backfill = new ReactionIntake(backfillTrigger, json, signatures, traces, backfillGroup);
        this.cacheFlush = new ReactionIntake(cacheFlush, json, signatures, traces, cacheFlushGroup);
    }

    @Incoming("backfill-trigger")
    public CompletionStage<Void> onBackfillTrigger(Message<byte[]> message) {
        return backfill.receive(message);
    }

    @Incoming("cache-flush")
    public CompletionStage<Void> onCacheFlush(Message<byte[]> message) {
        return cacheFlush.receive(message);
    }

    @PreDestroy
    void stop() {
        backfill.close();
        cacheFlush.close();
    }
}
