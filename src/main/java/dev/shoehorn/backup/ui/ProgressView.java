package dev.shoehorn.backup.ui;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.jboss.logging.Logger;

import com.fasterxml.jackson.databind.ObjectMapper;

import dev.shoehorn.backup.failure.Backoff;
import dev.shoehorn.backup.failure.ErrorCode;
import dev.shoehorn.backup.failure.Failure;
import dev.shoehorn.backup.failure.JobFailedException;
import dev.shoehorn.backup.failure.Retry;
import dev.shoehorn.backup.failure.StopSignal;
import dev.shoehorn.backup.journal.JobFolder;
import dev.shoehorn.backup.journal.JobRecord;
import dev.shoehorn.backup.journal.JournalEvent;
import dev.shoehorn.backup.progress.GrouplessReaders;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;

/**
 * What the status page shows, kept up to date from the progress topic: the running jobs, the recent
 * ended ones and the reactions to each restore. Reads every partition without a consumer group (each
 * replica serves its own page), from {@code history-window} ago, and tells each listener (a page's
 * event stream) of every job that changed.
 */
@ApplicationScoped
public class ProgressView {

    /** A job changed: its event's type and the job as it now stands. */
    public record Update(String type, JobRecord job) {
    }

    /** What the page shows at one moment. */
    public record Snapshot(List<JobRecord> running, List<JobRecord> history, Map<String, List<JobRecord>> reactions) {
    }

    private static final Logger LOG = Logger.getLogger(ProgressView.class);
    private static final Duration POLL = Duration.ofMillis(500);
    private static final Duration RETRY = Duration.ofSeconds(2);
    private static final Duration STOP_WAIT = Duration.ofSeconds(5);
    private static final Duration ASSIGN_TIMEOUT = Duration.ofMinutes(1);
    private static final int MAX_OPEN = 1000;

    private final UiConfig config;
    private final Map<String, Object> kafka;
    private final String topic;
    private final ObjectMapper json;
    private final JobFolder folder;
    private final Deque<JobRecord> history = new ArrayDeque<>();
    private final LinkedHashMap<String, List<JobRecord>> reactions = new LinkedHashMap<>();
    private final List<Consumer<Update>> listeners = new CopyOnWriteArrayList<>();
    private final StopSignal stop = new StopSignal();
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;

    public ProgressView(UiConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka,
            @ConfigProperty(name = "backup.topics.progress", defaultValue = "backup.progress") String topic,
            ObjectMapper json) {
        this.config = config;
        this.kafka = kafka;
        this.topic = topic;
        this.json = json;
        this.folder = new JobFolder(MAX_OPEN, this::ended);
    }

    void onStart(@Observes StartupEvent event) {
        if (!config.enabled()) {
            return;
        }
        thread = new Thread(this::run, "status-page-view");
        thread.setDaemon(true);
        thread.start();
    }

    void onStop(@Observes ShutdownEvent event) throws InterruptedException {
        stop.stop();
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (current != null) {
            current.wakeup();
        }
        if (thread != null) {
            thread.join(STOP_WAIT.toMillis());
        }
    }

    public void listen(Consumer<Update> listener) {
        listeners.add(listener);
    }

    public void unlisten(Consumer<Update> listener) {
        listeners.remove(listener);
    }

    public synchronized Snapshot snapshot() {
        Map<String, List<JobRecord>> copy = new HashMap<>();
        reactions.forEach((restore, list) -> copy.put(restore, List.copyOf(list)));
        return new Snapshot(folder.running(), List.copyOf(history), copy);
    }

    private void run() {
        Instant from = Instant.now().minus(config.historyWindow());
        try {
            Retry.untilStopped(new Backoff(RETRY, RETRY)).run(attempt -> {
                read(from);
                return null;
            }, stop, (attempt, failure, wait) -> LOG.warnf("stage=status-page-read-failed retryInMs=%d msg=\"%s\"",
                    wait.toMillis(), failure.message()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Reads until stopped; a broker that does not answer (or a topic not made yet) fails it, to be tried again. */
    private void read(Instant from) {
        Map<String, Object> settings = GrouplessReaders.settings(kafka, "status-page");
        settings.put(ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG, false);
        try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(settings, new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer = c;
            List<TopicPartition> partitions = c.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                // the topic is made by the first event (or by whoever deploys): look again shortly
                throw unavailable("topic " + topic + " does not exist yet");
            }
            GrouplessReaders.assignFrom(c, partitions, from, ASSIGN_TIMEOUT);
            LOG.infof("stage=status-page-reading topic=%s partitions=%d since=%s", topic, partitions.size(), from);
            while (!stop.stopped()) {
                for (ConsumerRecord<byte[], byte[]> record : c.poll(POLL)) {
                    JournalEvent.parse(json, record.partition(), record.offset(), record.timestamp(), record.value())
                            .ifPresent(this::accept);
                }
            }
        } catch (WakeupException e) {
            if (!stop.stopped()) {
                throw unavailable("woken up");
            }
        } catch (KafkaException e) {
            throw unavailable(e.getMessage());
        } finally {
            consumer = null;
        }
    }

    private static JobFailedException unavailable(String message) {
        return new JobFailedException(Failure.retryable(ErrorCode.BROKER_UNAVAILABLE, message));
    }

    private void accept(JournalEvent event) {
        JobRecord job;
        synchronized (this) {
            job = folder.accept(event);
        }
        Update update = new Update(event.type(), job);
        for (Consumer<Update> listener : listeners) {
            try {
                listener.accept(update);
            } catch (RuntimeException e) {
                listeners.remove(listener); // a page gone away
            }
        }
    }

    /** Called by the folder, under this view's lock, for each job that ended. */
    private void ended(JobRecord job) {
        if (job.isReaction()) {
            reactions.computeIfAbsent(job.restoreJobId(), r -> new ArrayList<>()).add(job);
            while (reactions.size() > config.historySize()) {
                reactions.remove(reactions.keySet().iterator().next());
            }
            return;
        }
        history.addFirst(job);
        while (history.size() > config.historySize()) {
            history.removeLast();
        }
    }
}
