package dev.shoehorn.backup.eventarchive;

import java.time.Clock;
import java.time.Duration;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.storage.ArchiveStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/** Runs the {@link EventArchiver} on a thread of its own while the worker runs, where enabled. */
@ApplicationScoped
public class EventArchiveService {

    private static final Logger LOG = Logger.getLogger(EventArchiveService.class);
    private static final Duration STOP_WAIT = Duration.ofSeconds(10);

    private final EventArchiveConfig config;
    private final EventArchiver archiver;
    private Thread thread;

    public EventArchiveService(EventArchiveConfig config, ArchiveStore store,
            @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "backup.topics.progress", defaultValue = "backup.progress") String topic,
            ObjectMapper json, MeterRegistry registry) {
        this.config = config;
        this.archiver = new EventArchiver(store, store.keys().prefix(), topic, kafka, config, json, Clock.systemUTC(),
                new EventArchiveMetrics(registry));
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            LOG.info("stage=event-archive enabled=false");
            return;
        }
        LOG.infof("stage=event-archive enabled=true group=%s maxSegmentAge=%s maxSegmentRecords=%d", config.groupId(),
                config.maxSegmentAge(), config.maxSegmentRecords());
        thread = new Thread(archiver, "event-archiver");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        if (thread != null) {
            archiver.stop();
            thread.join(STOP_WAIT.toMillis());
        }
    }
}
